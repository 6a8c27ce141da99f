"""``Embedding``: a learnable lookup table, with PyTorch's semantics."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from . import init
from .functional.sparse import _embedding, _padding_index, embedding_bag
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """A table of ``num_embeddings`` vectors of size ``embedding_dim``, read by index (PyTorch's
    ``nn.Embedding``; ``F.embedding``).

    Input: integer indices of any shape, each in ``[0, num_embeddings)``; output
    ``(*input.shape, embedding_dim)``: ``weight[input]``. It equals one-hot encoding the
    indices and multiplying by ``weight``, without building the one-hot matrix; backward adds
    each output row's gradient into the row it came from (repeated indices accumulate).

    ``weight`` ``(num_embeddings, embedding_dim)`` is drawn from N(0, 1), as PyTorch's, with
    ``nn.init.normal_`` (from ``rng`` or the global generator, ``autograd.manual_seed``), in
    the default dtype unless ``dtype=`` is given. ``padding_idx`` (negative counts from the
    end) names a row that starts at zero and never receives a gradient, e.g. for the padding
    token of variable-length sequences. PyTorch's options ``max_norm``/``norm_type`` (rows
    read are first rescaled in place to norm at most ``max_norm``) and ``scale_grad_by_freq``
    (each row's gradient divided by its index's count in the batch) are those of
    ``F.embedding``; ``sparse=True`` is refused (gradients here are dense). ``_weight`` gives
    the table itself (``from_pretrained`` uses it) and ``_freeze=True`` keeps it out of
    training; ``dtype`` and ``rng`` are keyword-only.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False, _weight: Any = None,
                 _freeze: bool = False, *, dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if num_embeddings < 0 or embedding_dim < 0:
            raise ValueError(f"Embedding: num_embeddings and embedding_dim must be >= 0, got "
                             f"({num_embeddings}, {embedding_dim})")
        if sparse:
            raise ValueError("Embedding: sparse=True asks for a sparse gradient, and "
                             "graphgrad's gradients are dense arrays; use sparse=False")
        self.num_embeddings = int(num_embeddings)
        self.embedding_dim = int(embedding_dim)
        self.padding_idx = _padding_index(padding_idx, self.num_embeddings, "Embedding")
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is None:
            dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
            self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim),
                                             dtype=dtype), requires_grad=not _freeze)
            self.reset_parameters(rng)
        else:
            table = _weight.data if isinstance(_weight, ag.Tensor) else np.asarray(_weight)
            if table.shape != (self.num_embeddings, self.embedding_dim):
                raise ValueError(f"Embedding: _weight of shape {table.shape} does not match "
                                 f"({self.num_embeddings}, {self.embedding_dim})")
            self.weight = Parameter(table, requires_grad=not _freeze)

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True,
                        padding_idx: int | None = None, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> Embedding:
        """An Embedding around the 2-D table ``embeddings`` ``(num_embeddings, dim)``
        (its memory, as PyTorch's), not trained when ``freeze`` (the default)."""
        table = embeddings.data if isinstance(embeddings, ag.Tensor) else np.asarray(embeddings)
        if table.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-D "
                             f"(num_embeddings, embedding_dim), got shape {table.shape}")
        return cls(table.shape[0], table.shape[1], padding_idx, max_norm, norm_type,
                   scale_grad_by_freq, sparse, _weight=table, _freeze=freeze)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Draw N(0, 1) again, and zero the ``padding_idx`` row."""
        init.normal_(self.weight, rng=rng)
        if self.padding_idx is not None:
            with ag.no_grad():
                self.weight[self.padding_idx].fill_(0.0)

    def forward(self, x: Any) -> ag.Tensor:
        return _embedding(x, self.weight, self.padding_idx,
                          f"{type(self).__name__}({self.extra_repr()})", self.max_norm,
                          self.norm_type, self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        return s


class EmbeddingBag(Module):
    """Sums, means or maxima of bags of embeddings, without materializing each bag's rows
    (PyTorch's ``nn.EmbeddingBag``; ``F.embedding_bag`` for the bag layouts, modes and
    gradients). ``weight`` ``(num_embeddings, embedding_dim)`` is drawn from N(0, 1) (from
    ``rng`` or the global generator) with the ``padding_idx`` row zeroed, as PyTorch's.
    ``forward(input, offsets=None, per_sample_weights=None)`` → ``(B, embedding_dim)``.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight: Any = None, include_last_offset: bool = False,
                 padding_idx: int | None = None, *, dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if mode not in ("sum", "mean", "max"):
            raise ValueError(f"EmbeddingBag: mode has to be one of sum, mean or max, got "
                             f"{mode!r}")
        if sparse:
            raise ValueError("EmbeddingBag: sparse=True asks for a sparse gradient, and "
                             "graphgrad's gradients are dense arrays; use sparse=False")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.mode, self.sparse = scale_grad_by_freq, mode, sparse
        self.include_last_offset = include_last_offset
        self.padding_idx = _padding_index(padding_idx, self.num_embeddings, "EmbeddingBag")
        if _weight is None:
            dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
            self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim),
                                             dtype=dtype))
            self.reset_parameters(rng)
        else:
            table = _weight.data if isinstance(_weight, ag.Tensor) else np.asarray(_weight)
            if table.shape != (self.num_embeddings, self.embedding_dim):
                raise ValueError(f"EmbeddingBag: _weight of shape {table.shape} does not "
                                 f"match ({self.num_embeddings}, {self.embedding_dim})")
            self.weight = Parameter(table)

    reset_parameters = Embedding.reset_parameters

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True,
                        max_norm: float | None = None, norm_type: float = 2.0,
                        scale_grad_by_freq: bool = False, mode: str = "mean",
                        sparse: bool = False, include_last_offset: bool = False,
                        padding_idx: int | None = None) -> EmbeddingBag:
        """An EmbeddingBag around the 2-D table ``embeddings``, not trained when
        ``freeze`` (the default)."""
        table = embeddings.data if isinstance(embeddings, ag.Tensor) else np.asarray(embeddings)
        if table.ndim != 2:
            raise ValueError(f"EmbeddingBag.from_pretrained: embeddings must be 2-D "
                             f"(num_embeddings, embedding_dim), got shape {table.shape}")
        bag = cls(table.shape[0], table.shape[1], max_norm, norm_type, scale_grad_by_freq,
                  mode, sparse, table, include_last_offset, padding_idx)
        bag.weight.requires_grad_(not freeze)
        return bag

    def forward(self, input: Any, offsets: Any = None,
                per_sample_weights: ag.Tensor | None = None) -> ag.Tensor:
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                             self.scale_grad_by_freq, self.mode, self.sparse,
                             per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s
