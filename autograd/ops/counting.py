"""Where and how often values occur, without gradients (integer or count results, as
PyTorch's): ``nonzero``, ``argwhere``, ``bincount``, ``histc`` and
``unique_consecutive``."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor, normalize_axis


def nonzero(input: Any, *, as_tuple: bool = False) -> Any:
    """The int64 indices of the nonzero entries (nan counts as nonzero) in row-major order:
    an (n, ndim) tensor, one row per entry; with ``as_tuple`` a tuple of ndim 1-D tensors,
    one per dim (a 0-d input counts as 1-D there, as PyTorch's)."""
    x = as_tensor(input).data
    if as_tuple:
        found = np.nonzero(x.reshape(-1) if x.ndim == 0 else x)
        return tuple(Tensor._wrap(i.astype(np.int64)) for i in found)
    found = np.argwhere(x)
    return Tensor._wrap(found.astype(np.int64).reshape(len(found), x.ndim))


def argwhere(input: Any) -> Tensor:
    """``nonzero(input)``: the (n, ndim) int64 indices of the nonzero entries."""
    return nonzero(input)


def bincount(input: Any, weights: Any = None, minlength: int = 0) -> Tensor:
    """How often each value ``0 … max(input)`` occurs in the 1-D non-negative integer
    ``input``: ``out[v] = #{i : input_i = v}``, of length ``max(max(input) + 1,
    minlength)``; int64. With ``weights`` (1-D, input's length) ``out[v] = Σ weights_i``
    over those i instead: float32 for float32 weights, float64 for any other dtype
    (PyTorch's rule)."""
    x = as_tensor(input).data
    minlength = operator.index(minlength)
    if x.dtype.kind not in "iu":
        raise TypeError(f"bincount: the input must hold integers, got dtype {x.dtype}; "
                        f"convert it first (t.long())")
    if x.ndim != 1 or (x.size and x.min() < 0):
        raise ValueError(f"bincount: expects a 1-D tensor of non-negative integers, got "
                         f"shape {x.shape}" + (f" with minimum {x.min()}" if x.size else ""))
    if minlength < 0:
        raise ValueError(f"bincount: minlength must be >= 0, got {minlength}")
    if weights is None:
        return Tensor._wrap(np.bincount(x, minlength=minlength).astype(np.int64))
    w = as_tensor(weights).data
    if w.ndim != 1 or w.shape[0] != x.shape[0]:
        raise ShapeError(f"bincount: weights must be 1-D with the input's length {x.shape[0]}, "
                         f"got shape {w.shape}")
    dtype = np.float32 if w.dtype == np.float32 else np.float64
    counts = np.bincount(x, weights=w.astype(np.float64), minlength=minlength)
    return Tensor._wrap(counts.astype(dtype))


def _histc_range(x: np.ndarray, lo: Any, hi: Any) -> tuple:
    dtype = x.dtype.type
    lo, hi = dtype(lo), dtype(hi)
    if lo == hi and x.size:
        lo, hi = x.min(), x.max()
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"histc: range of [{lo}, {hi}] is not finite; give finite min and "
                         f"max (the data's range is used when min == max)")
    if lo > hi:
        raise ValueError(f"histc: max must be larger than min, got min={lo}, max={hi}")
    return lo, hi


def histc(input: Any, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """A histogram of ``input`` (any shape, flattened) over ``bins`` equal bins spanning
    ``[min, max]``; ``min == max`` (the default) uses the data's smallest and largest
    values (widened by 1 each way when they are equal). Entry x falls in bin
    ``⌊(x - min)·bins / (max - min)⌋`` (``max`` itself in the last bin); entries outside
    the range and nan are not counted. Returns the counts in the input's float dtype;
    floating input only, as PyTorch's."""
    x = as_tensor(input).data
    bins = operator.index(bins)
    if x.dtype.kind != "f":
        raise TypeError(f"histc: expects a floating point input, got dtype {x.dtype}; "
                        f"convert it first (t.float())")
    if bins <= 0:
        raise ValueError(f"histc: bins must be > 0, got {bins}")
    lo, hi = _histc_range(x, min, max)
    x = x.reshape(-1)
    x = x[(x >= lo) & (x <= hi)]
    pos = ((x - lo) * x.dtype.type(bins) / (hi - lo)).astype(np.int64)
    pos[pos == bins] = bins - 1
    return Tensor._wrap(np.bincount(pos, minlength=bins).astype(x.dtype))


def unique_consecutive(input: Any, return_inverse: bool = False, return_counts: bool = False,
                       dim: Any = None) -> Any:
    """``input`` with each run of equal consecutive values kept once (flattened when
    ``dim`` is None; along ``dim``, runs of equal slices). ``return_inverse`` adds the
    int64 index of each element's run (input's shape; 1-D along ``dim``), and
    ``return_counts`` the int64 length of each run. nan never equals nan, so each nan is
    a run of its own. Not differentiable."""
    x = as_tensor(input).data
    if dim is None:
        flat = x.reshape(-1)
        changes = flat[1:] != flat[:-1]
        axis, shape = 0, x.shape
    else:
        if x.ndim == 0:
            raise ShapeError("unique_consecutive: a 0-d tensor has no dim to run along; "
                             "leave dim=None")
        axis = normalize_axis(operator.index(dim), x.ndim, "unique_consecutive")[0]
        if x.size == 0 and x.shape[axis] != 0:
            raise ShapeError(f"unique_consecutive: the input of shape {x.shape} has 0-sized "
                             f"dims other than dim {axis}, so its slices can't be compared")
        flat = np.moveaxis(x, axis, 0).reshape(x.shape[axis], x.size // max(x.shape[axis], 1))
        changes = (flat[1:] != flat[:-1]).any(axis=1)
        shape = (x.shape[axis],)
    starts = np.concatenate([[True], changes]) if len(flat) else np.zeros(0, bool)
    first = np.flatnonzero(starts)
    values = np.take(x.reshape(-1) if dim is None else x, first, axis=axis)
    results = [Tensor._wrap(values)]
    if return_inverse:
        results.append(Tensor._wrap((np.cumsum(starts) - 1).astype(np.int64).reshape(shape)))
    if return_counts:
        results.append(Tensor._wrap(np.diff(np.append(first, len(flat))).astype(np.int64)))
    return results[0] if len(results) == 1 else tuple(results)
