"""Placing values among others: ``bucketize`` (which bin of sorted boundaries),
``histogram``/``histogramdd`` (how many fall in each bin), ``isin`` (membership) and
``unravel_index`` (flat index to coordinates). Counts, integers and bools: no gradients,
as PyTorch.
"""

from __future__ import annotations

import builtins
import operator
from typing import Any, NamedTuple

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from .lookup import _data, searchsorted


def bucketize(input: Any, boundaries: Any, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """For each value ``x`` the index ``i`` of its bin among the ascending 1-D
    ``boundaries``: ``b[i-1] < x <= b[i]`` (``b[i-1] <= x < b[i]`` with ``right``), that is
    ``searchsorted(boundaries, x)`` with the sides as PyTorch names them. int64 (int32 with
    ``out_int32``), ``input``'s shape (a number gives a 0-d tensor)."""
    edges = _data(boundaries)
    if edges.ndim != 1:
        raise ShapeError(f"bucketize: boundaries must be 1-D, got shape {edges.shape}")
    return searchsorted(edges, input, out_int32=out_int32, right=right)


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """A bool tensor of ``elements``' shape: True where the entry equals some entry of
    ``test_elements`` (False with ``invert``). Either may be a number; nan is in nothing."""
    values, pool = _data(elements), _data(test_elements)
    return Tensor._wrap(np.isin(values, pool, assume_unique=assume_unique, invert=invert))


def unravel_index(indices: Any, shape: Any) -> tuple[Tensor, ...]:
    """The coordinates, one int64 tensor per dim of ``shape`` (each of ``indices``' shape),
    of the flat row-major ``indices``. As PyTorch, indices are not bounds-checked: each
    coordinate is a floor modulo, so ``-1`` is the last element and ``numel`` wraps to 0."""
    flat = _data(indices)
    if flat.dtype.kind not in "iu":
        raise TypeError(f"unravel_index: indices must be an integer tensor, got {flat.dtype}")
    sizes = (operator.index(shape),) if isinstance(shape, (int, np.integer)) else \
        tuple(operator.index(s) for s in shape)
    if any(s < 0 for s in sizes):
        raise ValueError(f"unravel_index: shape must be non-negative, got {sizes}")
    if 0 in sizes and flat.size:
        raise ValueError(f"unravel_index: can't unravel into the empty shape {sizes}")
    rest, coords = flat.astype(np.int64), []
    for size in reversed(sizes):
        coords.append(np.mod(rest, size))
        rest = np.floor_divide(rest, size)
    return tuple(Tensor._wrap(c) for c in reversed(coords))


class HistogramResult(NamedTuple):
    hist: Tensor
    bin_edges: Tensor


def _histogram_edges(x: np.ndarray, bins: Any, range: Any) -> np.ndarray:
    if isinstance(bins, (Tensor, np.ndarray, list, tuple)):
        if range is not None:
            raise TypeError("histogram: range= goes with an int number of bins, not with a "
                            "tensor of bin edges")
        edges = _data(bins).astype(x.dtype)
        if edges.ndim != 1 or edges.size < 1:
            raise ShapeError(f"histogram: bin edges must be a non-empty 1-D tensor, got shape "
                             f"{edges.shape}")
        if np.any(np.diff(edges) < 0):
            raise ValueError("histogram: bin edges must be non-decreasing")
        return edges
    n = operator.index(bins)
    if n <= 0:
        raise ValueError(f"histogram: bins must be > 0, got {n}")
    if range is not None:
        lo, hi = (float(v) for v in range)
    elif x.size:
        lo, hi = float(x.min()), float(x.max())
    else:
        lo, hi = 0.0, 1.0
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"histogram: the range [{lo}, {hi}] is not finite; pass a finite "
                         "range= (the data's own range is used by default)")
    if lo > hi:
        raise ValueError(f"histogram: range min ({lo}) must not exceed max ({hi})")
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    return np.linspace(lo, hi, n + 1).astype(x.dtype)


def histogram(input: Any, bins: Any, *, range: Any = None, weight: Any = None,
              density: bool = False) -> HistogramResult:
    """Counts of ``input``'s entries (flattened) in consecutive bins: ``bins`` equal bins
    over ``range`` (the data's min to max by default; widened by 0.5 each way when they are
    equal; ``[0, 1]`` for no data), or between the given 1-D ``bins`` edges. Bin ``i`` is
    ``[e_i, e_{i+1})``, the last also holds its right edge; entries outside and nan are
    not counted. ``weight`` (input's shape) counts each entry by its weight; ``density``
    divides by ``Σ hist · bin width`` so the histogram integrates to 1. ``hist`` and
    ``bin_edges`` have the input's dtype; floating input only, as PyTorch."""
    x = _data(input)
    if x.dtype.kind != "f":
        raise TypeError(f"histogram: expects a floating point input, got dtype {x.dtype}; "
                        "convert it first (t.float())")
    edges = _histogram_edges(x, bins, range)
    w = None if weight is None else _data(weight)
    if w is not None and w.shape != x.shape:
        raise ShapeError(f"histogram: weight of shape {w.shape} must have the input's shape "
                         f"{x.shape}")
    flat = x.reshape(-1)
    place = np.searchsorted(edges, flat, side="right") - 1
    place[flat == edges[-1]] = edges.size - 2
    inside = (place >= 0) & (place < edges.size - 1) & (flat <= edges[-1])
    counts = np.bincount(place[inside], minlength=max(edges.size - 1, 0),
                         weights=None if w is None else w.reshape(-1)[inside].astype(np.float64))
    hist = counts.astype(np.float64)
    if density:
        with np.errstate(invalid="ignore", divide="ignore"):
            hist = hist / (hist.sum() * np.diff(edges.astype(np.float64)))
    return HistogramResult(Tensor._wrap(hist.astype(x.dtype)), Tensor._wrap(edges))


class HistogramddResult(NamedTuple):
    hist: Tensor
    bin_edges: tuple


def histogramdd(input: Any, bins: Any = 10, *, range: Any = None, weight: Any = None,
                density: bool = False) -> HistogramddResult:
    """The D-dimensional ``histogram`` of the points in ``input``'s last dim (``(..., D)``,
    the leading dims flattened): ``bins`` is one int for every dim, one int per dim, or one
    1-D tensor of edges per dim; ``range`` is ``[min_0, max_0, min_1, max_1, ...]``.
    Each dim's bins follow ``histogram``'s rules; ``hist`` has shape ``(bins_0, ...)``;
    ``density`` divides by ``Σ hist`` times each cell's volume."""
    x = _data(input)
    if x.dtype.kind != "f":
        raise TypeError(f"histogramdd: expects a floating point input, got dtype {x.dtype}; "
                        "convert it first (t.float())")
    if x.ndim < 2:
        raise ShapeError(f"histogramdd: input must have at least 2 dims (points, D), got shape "
                         f"{x.shape}")
    points = x.reshape(-1, x.shape[-1])
    dims = points.shape[1]
    per_dim = list(bins) if isinstance(bins, (list, tuple)) else [bins] * dims
    if len(per_dim) != dims:
        raise ValueError(f"histogramdd: bins has {len(per_dim)} entries for {dims} dims")
    if range is not None and len(range) != 2 * dims:
        raise ValueError(f"histogramdd: range needs 2 values per dim ({2 * dims}), got "
                         f"{len(range)}")
    edges = [_histogram_edges(points[:, d], per_dim[d],
                              None if range is None else range[2 * d:2 * d + 2])
             for d in builtins.range(dims)]
    w = None if weight is None else _data(weight)
    if w is not None and w.shape != x.shape[:-1]:
        raise ShapeError(f"histogramdd: weight of shape {w.shape} must have the input's shape "
                         f"without its last dim, {x.shape[:-1]}")
    with np.errstate(invalid="ignore", divide="ignore"):
        counts, _ = np.histogramdd(points.astype(np.float64),
                                   bins=[e.astype(np.float64) for e in edges],
                                   weights=None if w is None else w.reshape(-1),
                                   density=density)
    return HistogramddResult(Tensor._wrap(counts.astype(x.dtype)),
                             tuple(Tensor._wrap(e) for e in edges))
