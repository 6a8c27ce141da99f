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
