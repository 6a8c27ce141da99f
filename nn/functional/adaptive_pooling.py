"""Adaptive pooling, PyTorch's ``adaptive_avg_pool1d/2d/3d`` and ``adaptive_max_pool1d/2d/3d``:
the windows are chosen to give a requested output size.

Along a dim of length ``L`` pooled to ``out``, window ``i`` covers ``[⌊i·L/out⌋,
⌈(i+1)·L/out⌉)`` (PyTorch's formulas); neighbouring windows may overlap by one.
"""

from __future__ import annotations

import itertools
import math
import operator
from typing import Any

import numpy as np

import autograd as ag

from ._planes import PlaneGather
from .pooling import planes


def _bounds(length: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    i = np.arange(out)
    return (i * length) // out, -((-(i + 1) * length) // out)


def _output_size(op: str, output_size: Any, spatial: tuple) -> tuple[int, ...]:
    n = len(spatial)
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * n
    if len(sizes) == 1:
        sizes = tuple(sizes) * n
    if len(sizes) != n:
        raise ValueError(f"{op}: output_size must be an int or a tuple of {n} (ints or None), "
                         f"got {output_size!r}")
    try:
        sizes = tuple(s if o is None else operator.index(o) for o, s in zip(sizes, spatial))
    except TypeError:
        raise TypeError(f"{op}: output_size must hold ints or None, got {output_size!r}") from None
    if any(o < 0 for o in sizes):
        raise ValueError(f"{op}: output_size must be non-negative, got {sizes}")
    return sizes


def _averaging(length: int, out: int, dtype: Any) -> ag.Tensor:
    """``(out, length)`` matrix whose row ``i`` averages window ``i``."""
    start, end = _bounds(length, out)
    cols = np.arange(length)
    inside = (cols >= start[:, None]) & (cols < end[:, None])
    return ag.tensor((inside / (end - start)[:, None]).astype(dtype))


def _adaptive_avg(op: str, n: int, input: Any, output_size: Any) -> ag.Tensor:
    x, lead, spatial = planes(input, n, op)
    out = _output_size(op, output_size, spatial)
    y = ag.matmul(x, _averaging(spatial[-1], out[-1], x.dtype).T)
    for i in range(n - 1):  # the mean over a box is separable: one dim at a time
        moved = ag.swapaxes(y, i + 1, -2)
        y = ag.swapaxes(ag.matmul(_averaging(spatial[i], out[i], x.dtype), moved), i + 1, -2)
    return ag.reshape(y, lead + out)


def adaptive_avg_pool1d(input: ag.Tensor, output_size: Any) -> ag.Tensor:
    """The mean of each adaptive window of the last dim: ``(N, C, L)`` or ``(C, L)`` →
    ``(..., output_size)``. Computed as ``x @ Aᵀ`` with ``A`` the ``(out, L)`` averaging
    matrix (exact to rounding: PyTorch sums then divides), so the gradient is ``g @ A``."""
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input: ag.Tensor, output_size: Any) -> ag.Tensor:
    """``adaptive_avg_pool1d`` over the last two dims of ``(N, C, H, W)`` or ``(C, H, W)``:
    a window's mean is separable, ``A_h · x · A_wᵀ``. ``output_size`` is an int or an
    ``(h, w)`` pair; ``None`` keeps that dim's size. ``adaptive_avg_pool2d(x, 1)`` is the
    global average pooling before a classifier."""
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


def _adaptive_max(op: str, n: int, input: Any, output_size: Any, return_indices: bool) -> Any:
    x, lead, spatial = planes(input, n, op)
    out = _output_size(op, output_size, spatial)
    a = x.data
    idx = np.zeros((a.shape[0],) + out, dtype=np.int64)
    bounds = [_bounds(length, o) for length, o in zip(spatial, out)]
    for cell in itertools.product(*(range(o) for o in out)):
        box = tuple(slice(b[0][i], b[1][i]) for b, i in zip(bounds, cell))
        extent = tuple(int(s.stop - s.start) for s in box)
        window = a[(slice(None),) + box].reshape(a.shape[0], math.prod(extent))
        loc = window.argmax(axis=1)
        nan = np.isnan(window)
        if nan.any():  # PyTorch's CPU kernel keeps the last NaN
            loc = np.where(nan.any(axis=1), window.shape[1] - 1 - nan[:, ::-1].argmax(axis=1),
                           loc)
        offsets = np.unravel_index(loc, extent)
        idx[(slice(None),) + cell] = np.ravel_multi_index(
            tuple(s.start + o for s, o in zip(box, offsets)), spatial)
    idx = idx.reshape(a.shape[0], math.prod(out))
    flat = ag.reshape(x, (x.shape[0], math.prod(spatial)))
    values = ag.reshape(PlaneGather.apply(flat, idx, False), lead + out)
    if return_indices:
        return values, ag.tensor(idx.reshape(lead + out))
    return values


def adaptive_max_pool1d(input: ag.Tensor, output_size: Any,
                        return_indices: bool = False) -> Any:
    """The maximum of each adaptive window of the last dim (``(N, C, L)`` or ``(C, L)``);
    with ``return_indices`` also each maximum's index in ``L``. The gradient goes to the
    maximum: the first in a tie, the last NaN of a window holding NaN (PyTorch's CPU)."""
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input: ag.Tensor, output_size: Any,
                        return_indices: bool = False) -> Any:
    """``adaptive_max_pool1d`` over the last two dims; indices are flat in each ``H×W``
    plane (``h·W + w``). ``output_size`` is an int or an ``(h, w)`` pair (``None`` keeps
    that dim)."""
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_avg_pool3d(input: ag.Tensor, output_size: Any) -> ag.Tensor:
    """``adaptive_avg_pool2d`` over the last three dims of ``(N, C, D, H, W)`` or
    ``(C, D, H, W)``: ``output_size`` is an int or a ``(d, h, w)`` triple."""
    return _adaptive_avg("adaptive_avg_pool3d", 3, input, output_size)


def adaptive_max_pool3d(input: ag.Tensor, output_size: Any,
                        return_indices: bool = False) -> Any:
    """``adaptive_max_pool2d`` over the last three dims; indices are flat in each ``D×H×W``
    volume (``(d·H + h)·W + w``)."""
    return _adaptive_max("adaptive_max_pool3d", 3, input, output_size, return_indices)
