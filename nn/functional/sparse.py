"""Embedding lookup (PyTorch's ``F.embedding``) as differentiable indexing."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag


def _padding_index(padding_idx: int | None, num_embeddings: int, name: str) -> int | None:
    """``padding_idx`` in ``[0, num_embeddings)``, a negative one counted from the end (as
    PyTorch's); None stays None."""
    if padding_idx is None:
        return None
    if not isinstance(padding_idx, (int, np.integer)) or isinstance(padding_idx, bool):
        raise TypeError(f"{name}: padding_idx must be an int or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(f"{name}: padding_idx must be within num_embeddings: in "
                         f"[{-num_embeddings}, {num_embeddings - 1}] for {num_embeddings} "
                         f"embeddings, got {padding_idx}")
    return int(padding_idx) % num_embeddings


class ScaleGrad(ag.Function):
    """The identity whose backward multiplies the gradient by ``factor`` (an array that
    broadcasts against the input): ``scale_grad_by_freq``'s 1/count per looked-up row."""

    @staticmethod
    def forward(ctx, x, factor):
        ctx.factor = factor
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.factor, None


def _renorm_rows(weight: ag.Tensor, index: np.ndarray, max_norm: float, norm_type: float) -> None:
    """PyTorch's ``embedding_renorm_``: each row that ``index`` reads and whose
    ``norm_type``-norm exceeds ``max_norm`` is scaled in place by ``max_norm / (norm + 1e-7)``
    (outside the graph, as PyTorch's)."""
    rows = np.unique(index)
    if rows.size == 0:
        return
    norms = np.linalg.norm(weight.data[rows], ord=norm_type, axis=1)
    over = norms > max_norm
    if over.any():
        scale = (max_norm / (norms[over] + 1e-7)).astype(weight.dtype)
        weight.data[rows[over]] *= scale[:, None]
        ag.mark_modified(weight)


def _embedding(input: Any, weight: ag.Tensor, padding_idx: int | None, name: str,
               max_norm: float | None = None, norm_type: float = 2.0,
               scale_grad_by_freq: bool = False, sparse: bool = False) -> ag.Tensor:
    """``embedding`` whose errors are prefixed with ``name`` (the layer that called it)."""
    if weight.ndim != 2:
        raise ag.ShapeError(f"{name}: weight must be 2-D (num_embeddings, embedding_dim), got "
                            f"shape {tuple(weight.shape)}")
    if sparse:
        raise ValueError(f"{name}: sparse=True asks for a sparse gradient, and graphgrad's "
                         "gradients are dense arrays; use sparse=False (the same values)")
    n = weight.shape[0]
    index = np.asarray(input.data if isinstance(input, ag.Tensor) else input)
    if index.dtype.kind not in "iu":
        if index.size == 0 and index.dtype.kind == "f":  # [] reads as float: nothing to look up
            index = index.astype(np.int64)
        else:
            raise TypeError(f"{name}: indices must be integers (int64 or int32, as in PyTorch), "
                            f"got {index.dtype}; convert them with .astype(np.int64)")
    if index.size and (index.min() < 0 or index.max() >= n):
        bad = index[(index < 0) | (index >= n)]
        raise IndexError(f"{name}: index {bad.flat[0]} is out of range: indices must lie in "
                         f"[0, {n - 1}] for {n} embeddings (got values from {index.min()} to "
                         f"{index.max()})")
    padding_idx = _padding_index(padding_idx, n, name)
    if max_norm is not None:
        _renorm_rows(weight, index, float(max_norm), float(norm_type))
    out = weight[index]
    if scale_grad_by_freq and index.size and out.requires_grad:
        _, inverse, counts = np.unique(index, return_inverse=True, return_counts=True)
        factor = (1.0 / counts[inverse]).astype(out.dtype).reshape(index.shape + (1,))
        out = ScaleGrad.apply(out, factor)
    if padding_idx is not None:
        pad = index == padding_idx
        if pad.any():
            # The padding row is read as it is but passes no gradient back (PyTorch's rule).
            out = ag.where(pad[..., None], out.detach(), out)
    return out


def embedding(input: Any, weight: ag.Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> ag.Tensor:
    """Look up rows of ``weight``: ``weight[input]`` (PyTorch's ``F.embedding``).

    ``input`` holds integer indices of any shape (a Tensor, an array or a list), each in
    ``[0, num_embeddings)``; ``weight`` is ``(num_embeddings, embedding_dim)``; the result is
    ``(*input.shape, embedding_dim)``. Backward adds each output row's gradient into the row
    it was read from, so an index used k times accumulates k gradients. The row
    ``padding_idx`` (negative counts from the end) gets no gradient: it is read as it is
    but its gradient stays 0, as PyTorch's. Out-of-range indices raise ``IndexError``.

    PyTorch's options: ``max_norm`` first rescales, in place and outside the graph, every
    row the input reads whose ``norm_type``-norm exceeds it to norm ``max_norm``
    (``row · max_norm/(norm + 1e-7)``); ``scale_grad_by_freq`` divides each looked-up row's
    gradient by how often its index occurs in ``input``. ``sparse=True`` (a sparse
    gradient) is refused: gradients here are dense arrays.
    """
    if not isinstance(weight, ag.Tensor):
        weight = ag.as_tensor(weight)
    return _embedding(input, weight, padding_idx, "embedding", max_norm, norm_type,
                      scale_grad_by_freq, sparse)


def _bags(input: Any, offsets: Any, include_last_offset: bool, name: str
          ) -> tuple[np.ndarray, np.ndarray, int]:
    """The flat indices, the bag of each, and the number of bags, from PyTorch's two forms:
    a 2-D input (one bag per row, no offsets) or a 1-D input cut at ``offsets``."""
    index = np.asarray(input.data if isinstance(input, ag.Tensor) else input)
    if index.ndim == 2:
        if offsets is not None:
            raise ValueError(f"{name}: if input is 2D, then offsets has to be None, as input "
                             "is treated is a mini-batch of fixed length sequences.")
        bags, length = index.shape
        return index.reshape(-1), np.repeat(np.arange(bags), length), bags
    if index.ndim != 1:
        raise ValueError(f"{name}: input has to be 1D or 2D Tensor, but got Tensor of "
                         f"dimension {index.ndim}")
    if offsets is None:
        raise ValueError(f"{name}: offsets has to be a 1D Tensor but got None")
    starts = np.asarray(offsets.data if isinstance(offsets, ag.Tensor) else offsets)
    if starts.ndim != 1 or (starts.size and starts.dtype.kind not in "iu"):
        raise ValueError(f"{name}: offsets has to be a 1D integer Tensor, got "
                         f"{starts.dtype} of shape {starts.shape}")
    starts = starts.astype(np.int64)
    if starts.size and starts[0] != 0:
        raise ValueError(f"{name}: offsets[0] has to be 0, i.e., the first sequence in the "
                         f"mini-batch has to start from position 0. However, got {starts[0]}")
    if starts.size and (starts[-1] > index.size or np.any(np.diff(starts) < 0)):
        raise ValueError(f"{name}: offsets must be non-decreasing and at most the input's "
                         f"length {index.size}, got {starts.tolist()}")
    bags = max(starts.size - 1, 0) if include_last_offset else starts.size
    # the last bag runs to the end of the input (with include_last_offset too, as PyTorch's)
    ends = np.append(starts[1:bags], index.size) if bags else starts[:0]
    bag_of = np.full(index.size, -1, dtype=np.int64)  # no offsets at all: in no bag
    for b in range(bags):
        bag_of[starts[b]:ends[b]] = b
    return index, bag_of, bags


def embedding_bag(input: Any, weight: ag.Tensor, offsets: Any = None,
                  max_norm: float | None = None, norm_type: float = 2.0,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: ag.Tensor | None = None,
                  include_last_offset: bool = False,
                  padding_idx: int | None = None) -> ag.Tensor:
    """Sum, mean or max of bags of embedding rows without building the ``(n, D)`` lookup
    per bag (PyTorch's ``F.embedding_bag``): ``out[b] = reduce_{i ∈ bag b} w_i·weight[input[i]]``.

    Bags: a 2-D ``input`` ``(B, N)`` is B bags of N indices (``offsets`` must be None); a
    1-D input is cut at ``offsets`` (bag b = ``input[offsets[b]:offsets[b+1]]``, the last
    to the end; with ``include_last_offset`` ``offsets`` has B + 1 entries, the last being
    ``len(input)`` — PyTorch's float64 kernel ignores it and ends the last bag at the end of
    the input, as here, while its float32 one does not: give it as documented). Result
    ``(B, embedding_dim)`` in weight's dtype. ``per_sample_weights`` (input's shape, mode
    'sum' only) scales each row. Entries equal to ``padding_idx`` are left out of their
    bag (and of the mean's count); an empty bag gives zeros. Gradients: to weight (for
    'max', to the row of each dimension's first maximum only) and to per_sample_weights.
    ``max_norm``/``norm_type``/``scale_grad_by_freq``/``sparse`` as in ``embedding``
    (not ``scale_grad_by_freq`` with 'max', refused as by PyTorch). PyTorch 2.x's CPU kernel
    divides the gradient of each index by the count of another index (it reads the counts
    by unique-index rank); here it is divided by its own count, as documented.
    """
    name = "embedding_bag"
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"{name}: mode has to be one of sum, mean or max, got {mode!r}")
    if scale_grad_by_freq and mode == "max":
        raise ValueError(f"{name}: max mode does not support scaling the gradient by the "
                         "frequency")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            f"{name}: per_sample_weights was not None. per_sample_weights is only supported "
            f"for mode='sum' (got mode='{mode}'). Please open a feature request on GitHub.")
    if not isinstance(weight, ag.Tensor):
        weight = ag.as_tensor(weight)
    index, bag_of, bags = _bags(input, offsets, include_last_offset, name)
    if per_sample_weights is not None:
        psw = (per_sample_weights if isinstance(per_sample_weights, ag.Tensor)
               else ag.as_tensor(per_sample_weights))
        if psw.numel() != index.size or psw.ndim != np.ndim(
                input.data if isinstance(input, ag.Tensor) else input):
            raise ag.ShapeError(f"{name}: per_sample_weights of shape {tuple(psw.shape)} must "
                                "have the input's shape")
    padding_idx = _padding_index(padding_idx, weight.shape[0] if weight.ndim else 0, name)
    keep = bag_of >= 0
    if padding_idx is not None:
        keep &= index != padding_idx
    rows = _embedding(index[keep], weight, None, name, max_norm, norm_type,
                      scale_grad_by_freq, sparse)
    bag_of = bag_of[keep]
    dim = weight.shape[1]
    if mode == "max":
        return _bag_max(rows, bag_of, bags, dim)
    if per_sample_weights is not None:
        kept = ag.index_select(ag.reshape(psw, (-1,)), 0, ag.tensor(np.flatnonzero(keep)))
        rows = rows * ag.unsqueeze(kept, 1)
    out = ag.index_add(ag.zeros((bags, dim), dtype=weight.dtype), 0, ag.tensor(bag_of), rows)
    if mode == "mean":
        counts = np.maximum(np.bincount(bag_of, minlength=bags), 1).astype(weight.dtype)
        out = out / ag.tensor(counts[:, None])
    return out


def _bag_max(rows: ag.Tensor, bag_of: np.ndarray, bags: int, dim: int) -> ag.Tensor:
    """Per bag and dimension the first maximal row value (zeros for an empty bag): the
    maxima are found in NumPy, then gathered so the gradient reaches just those rows."""
    values = rows.data
    best = np.zeros((bags, dim), dtype=np.int64)
    found = np.zeros(bags, dtype=bool)
    for i in range(values.shape[0]):  # in order, strict '>': the first maximum wins
        b = bag_of[i]
        better = ~found[b] | (values[i] > values[best[b], np.arange(dim)])
        best[b, better] = i
        found[b] = True
    if values.shape[0] == 0:
        return ag.zeros((bags, dim), dtype=rows.dtype)
    out = ag.gather(rows, 0, ag.tensor(best))
    return ag.where(ag.tensor(found[:, None]), out, ag.zeros((), dtype=rows.dtype))
