"""PyTorch's ``segment_reduce``: consecutive runs of ``data`` along ``axis`` (their
lengths given by ``lengths``, or by ``offsets`` as their boundaries) reduced one value
each, by sum, prod, mean, max or min.

Each element gets the number of its segment, and ``scatter_reduce`` reduces the data
into the segments, so the gradients are scatter_reduce's (PyTorch's: ties in a max or
min share the gradient evenly, zeros in a product are handled) at every order. An empty
segment gives ``initial`` when it is given, else the reduction's identity (0 for sum, 1
for prod, -inf for max, +inf for min) and nan for mean. With ``initial``, it joins
every segment's reduction (a mean divides ``initial + Σ`` by the segment's length, as
PyTorch's).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._util import as_tensor
from .elementwise import div, where
from .scatter_reductions import scatter_reduce

__all__ = ["segment_reduce"]

_REDUCES = {"sum": "sum", "prod": "prod", "mean": "mean", "max": "amax", "amax": "amax",
            "min": "amin", "amin": "amin"}
_EMPTY = {"sum": 0.0, "prod": 1.0, "mean": 0.0, "amax": -np.inf, "amin": np.inf}


def _lengths(lengths: Any, offsets: Any, indices: Any) -> np.ndarray:
    if indices is not None:
        raise RuntimeError("segment_reduce(): indices based reduction is not supported yet.")
    if lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined.")
    if lengths is not None:
        raw = np.asarray(lengths.data if isinstance(lengths, Tensor) else lengths)
    else:
        bounds = np.asarray(offsets.data if isinstance(offsets, Tensor) else offsets)
        raw = np.diff(bounds, axis=-1)
    if raw.dtype.kind not in "iu":
        raise TypeError(f"segment_reduce(): lengths and offsets must be integer tensors, got "
                        f"{raw.dtype}")
    if raw.ndim == 0:
        raise RuntimeError("segment_reduce(): lengths must have at least one dimension")
    if (raw < 0).any():
        raise RuntimeError("lengths contains negative value!")
    return raw.astype(np.int64)


def segment_reduce(data: Any, reduce: str, *, lengths: Any = None, indices: Any = None,
                   offsets: Any = None, axis: int = 0, unsafe: bool = False,
                   initial: Any = None) -> Tensor:
    """Reduce runs of ``data`` along ``axis``: ``lengths`` ``(*B, S)`` gives the lengths of
    the ``S`` runs (``B`` = ``data.shape[:axis]``, so each leading index has its own runs;
    they add up to ``data.shape[axis]``); or ``offsets`` ``(*B, S + 1)`` their bounds.
    ``reduce`` is 'sum', 'prod', 'mean', 'max'/'amax' or 'min'/'amin'. Result: data's
    shape with ``axis`` of length S. ``unsafe=True`` is PyTorch's flag to skip checking
    the lengths' sums; here they are always checked. Differentiable in ``data``."""
    if reduce not in _REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    how = _REDUCES[reduce]
    a = as_tensor(data)
    if a.dtype.kind not in "fc":
        raise NotImplementedError(f"segment_reduce: not implemented for {a.dtype}; use a "
                                  "floating dtype")
    runs = _lengths(lengths, offsets, indices)
    if a.ndim == 0:
        raise RuntimeError("segment_reduce(): data must have at least one dimension")
    axis = operator.index(axis) % a.ndim
    if axis != runs.ndim - 1:
        raise RuntimeError(f"segment_reduce(): Expected axis to be the last dimension of "
                           f"lengths but got {axis}.")
    if runs.shape[:-1] != a.shape[:axis]:
        raise RuntimeError(f"segment_reduce(): lengths of shape {runs.shape} do not fit data "
                           f"of shape {a.shape}: expected {a.shape[:axis]} + (segments,)")
    if (runs.sum(axis=-1) != a.shape[axis]).any():
        raise RuntimeError("segment_reduce(): Expected all rows of lengths along axis to sum to "
                           "data.size(lengths.dim()-1) when !unsafe.")
    segments = runs.shape[-1]
    ids = np.empty(a.shape[:axis + 1], dtype=np.int64)
    for row in np.ndindex(runs.shape[:-1]):
        ids[row] = np.repeat(np.arange(segments), runs[row])
    trailing = a.shape[axis + 1:]
    index = np.ascontiguousarray(np.broadcast_to(ids.reshape(ids.shape + (1,) * len(trailing)),
                                                 a.shape))
    out_shape = a.shape[:axis] + (segments,) + trailing
    fill = _EMPTY[how] if initial is None else initial
    base = Tensor._wrap(np.full(out_shape, fill, dtype=a.dtype))
    summed = "sum" if how == "mean" else how
    out = scatter_reduce(base, axis, Tensor._wrap(index), a, summed,
                         include_self=initial is not None)
    if how != "mean":
        return out
    counts = runs.reshape(runs.shape + (1,) * len(trailing)).astype(a.dtype)
    empty = counts == 0
    mean = div(out, np.where(empty, 1, counts).astype(a.dtype))
    missing = np.asarray(np.nan if initial is None else initial, dtype=a.dtype)
    return where(np.broadcast_to(empty, out_shape), missing, mean) if empty.any() else mean
