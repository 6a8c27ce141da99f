"""``Embedding``: a learnable lookup table, with PyTorch's semantics."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from . import init
from .functional.sparse import _embedding, _padding_index
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
    token of variable-length sequences. PyTorch's ``max_norm``, ``scale_grad_by_freq`` and
    ``sparse`` options are not provided; ``dtype`` and ``rng`` are keyword-only.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 *, dtype: Any = None, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if num_embeddings < 0 or embedding_dim < 0:
            raise ValueError(f"Embedding: num_embeddings and embedding_dim must be >= 0, got "
                             f"({num_embeddings}, {embedding_dim})")
        self.num_embeddings = int(num_embeddings)
        self.embedding_dim = int(embedding_dim)
        self.padding_idx = _padding_index(padding_idx, self.num_embeddings, "Embedding")
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), dtype=dtype))
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Draw N(0, 1) again, and zero the ``padding_idx`` row."""
        init.normal_(self.weight, rng=rng)
        if self.padding_idx is not None:
            with ag.no_grad():
                self.weight[self.padding_idx].fill_(0.0)

    def forward(self, x: Any) -> ag.Tensor:
        return _embedding(x, self.weight, self.padding_idx,
                          f"{type(self).__name__}({self.extra_repr()})")

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s
