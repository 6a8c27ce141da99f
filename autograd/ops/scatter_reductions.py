"""Reducing values into a tensor's places by index: ``scatter_reduce`` and
``index_reduce``, with ``reduce`` one of ``'sum'``, ``'prod'``, ``'mean'``, ``'amax'``,
``'amin'`` (``index_reduce`` has all but ``'sum'``, as PyTorch's).

For dim 0, ``out[index[i][j]][j]`` is the reduction of ``src[i][j]`` over every ``(i, j)``
sent there, together with the input's own value when ``include_self`` (else the input's
value stays only where nothing is sent). ``index_reduce`` is ``scatter_reduce`` with its
1-D index spread over the slices of ``source``. One op computes the forward with NumPy's
``ufunc.at``; its backward is PyTorch's, written with Tensor ops (so it is itself
differentiable):

* sum:  input ← g;            src ← g[index]
* mean: input ← g / N;        src ← (g / N)[index], N the number of values averaged
* prod: input ← g·out / input; src ← (g·out)[index] / src, where a zero is handled by
  recomputing the product without it (a lone zero in a place gets the product of the
  others; with two zeros both get 0)
* amax, amin: g is shared evenly among the values equal to the result (input's and
  src's), ties included.

Without ``include_self``, the input's gradient is 0 at the places written to.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor, normalize_axis
from .elementwise import where
from .index import getitem
from .scatter_more import _int_index
from .scattering import _prepared
from .shape import reshape

_UFUNCS = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
           "amin": np.minimum}


def _identity(reduce: str, dtype: np.dtype) -> Any:
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    big = np.inf if dtype.kind == "f" else np.iinfo(dtype).max
    return -big if reduce == "amax" else big


def _reduced(a: np.ndarray, src: np.ndarray, index: tuple, reduce: str,
             include_self: bool) -> tuple[np.ndarray, np.ndarray]:
    """The forward on arrays, and the count of values reduced into each place."""
    out = a.copy()
    count = np.zeros(a.shape, dtype=np.int64)
    np.add.at(count, index, 1)
    if not include_self:
        out[count > 0] = _identity(reduce, a.dtype)
    _UFUNCS[reduce].at(out, index, src)
    if include_self:
        count += 1
    if reduce == "mean":
        np.maximum(count, 1, out=count)
        out = out / count if out.dtype.kind == "f" else np.floor_divide(out, count)
    return out.astype(a.dtype, copy=False), count


class ScatterReduce(Function):
    """``scatter_reduce`` over a tuple ``index`` of index arrays (``src`` has index's
    shape); the backward is PyTorch's (module docstring)."""

    @staticmethod
    def forward(ctx, a, src, index, reduce, include_self):
        out, count = _reduced(a, src, index, reduce, include_self)
        ctx.index, ctx.reduce, ctx.include_self, ctx.count = index, reduce, include_self, count
        ctx.save_for_backward(a, src, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, src, out = ctx.saved_tensors
        index, reduce = ctx.index, ctx.reduce
        if reduce == "sum":
            ga, gsrc = g, getitem(g, index)
        elif reduce == "mean":
            ga = g / np.maximum(ctx.count, 1).astype(g.dtype)
            gsrc = getitem(ga, index)
        elif reduce == "prod":
            ga, gsrc = _prod_grads(ctx, g, a, src, out)
        else:
            ga, gsrc = _extremum_grads(ctx, g, a, src, out)
        if not ctx.include_self:
            ga = where(_written(a.shape, index), 0.0, ga)
        return ga, gsrc, None, None, None


def _written(shape: tuple, index: tuple) -> np.ndarray:
    mask = np.zeros(shape, dtype=bool)
    mask[index] = True
    return mask


def _prod_grads(ctx: Any, g: Tensor, a: Tensor, src: Tensor, out: Tensor) -> tuple:
    """PyTorch's prod gradients: ``out / x`` for each factor x, the product of the other
    factors (recomputed without the zero) where x is a place's only zero."""
    index, include_self = ctx.index, ctx.include_self
    a_safe = where(a.data == 0, 1.0, a)
    ga = g * ScatterReduce.apply(a_safe, src, index, "prod", include_self) / a_safe
    src_zero = src.data == 0
    zeros_at = np.zeros(a.shape, dtype=np.int64)
    np.add.at(zeros_at, index, src_zero)
    lone_zero = src_zero & (zeros_at[index] == 1)
    src_lone = where(lone_zero, 1.0, src)
    without = getitem(g * ScatterReduce.apply(a, src_lone, index, "prod", include_self), index)
    with_all = getitem(g * out, index) / where(src_zero, 1.0, src)
    return ga, where(lone_zero, without, with_all)


def _extremum_grads(ctx: Any, g: Tensor, a: Tensor, src: Tensor, out: Tensor) -> tuple:
    """The gradient shared evenly by the values equal to the place's result."""
    index = ctx.index
    a_hit = (a.data == out.data).astype(g.dtype)
    src_hit = (src.data == out.data[index]).astype(g.dtype)
    share = a_hit.copy()
    np.add.at(share, index, src_hit)
    g_each = g / np.maximum(share, 1)
    return g_each * a_hit, getitem(g_each, index) * src_hit


def _checked_reduce(op: str, reduce: Any, allowed: tuple) -> str:
    if reduce not in allowed:
        raise ValueError(f"{op}: reduce must be one of {', '.join(map(repr, allowed))}, got "
                         f"{reduce!r}")
    return reduce


def scatter_reduce(input: Any, dim: int, index: Any, src: Any, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """``input`` with ``src`` reduced into the places ``index`` names along ``dim`` (for dim
    0: ``src[i][j]`` into ``out[index[i][j]][j]``), ``reduce`` one of 'sum', 'prod', 'mean',
    'amax', 'amin'; ``include_self`` says whether input's own value takes part. ``index``
    has input's number of dims and is no larger than ``src`` (whose leading corner is
    used), nor than input but along dim. 'mean' of integers rounds down, as PyTorch's.
    Gradients: the module docstring's (PyTorch's, ties shared evenly for amax/amin); the
    part of a larger ``src`` that the index leaves out gets 0 (PyTorch 2.13's backward
    raises there)."""
    reduce = _checked_reduce("scatter_reduce", reduce, ("sum", "prod", "mean", "amax", "amin"))
    a = as_tensor(input)
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_reduce: src must be a Tensor, got {type(src).__name__}")
    base, source, idx = _prepared("scatter_reduce", a, dim, index, src)
    out = ScatterReduce.apply(base, source, idx, reduce, bool(include_self))
    return reshape(out, ()) if a.ndim == 0 else out


def index_reduce(input: Any, dim: int, index: Any, source: Any, reduce: str, *,
                 include_self: bool = True) -> Tensor:
    """``input`` with the slices of ``source`` along ``dim`` reduced into the slices at
    ``index`` (1-D, in ``[0, n)``): ``out[..., index[i], ...]`` reduces ``source[...,
    i, ...]`` (and input's own slice when ``include_self``) by ``reduce``, one of 'prod',
    'mean', 'amax', 'amin'. Gradients as ``scatter_reduce``'s."""
    reduce = _checked_reduce("index_reduce", reduce, ("prod", "mean", "amax", "amin"))
    a, src = as_tensor(input), as_tensor(source)
    idx = _int_index(index, "index_reduce").reshape(-1)
    base = reshape(a, 1) if a.ndim == 0 else a
    src_b = reshape(src, 1) if src.ndim == 0 else src
    try:
        d = normalize_axis(operator.index(dim), base.ndim, "index_reduce")[0]
    except TypeError:
        raise TypeError(f"index_reduce: dim must be an int, got {dim!r}") from None
    expected = base.shape[:d] + (idx.size,) + base.shape[d + 1:]
    if src_b.shape != expected:
        raise ShapeError(f"index_reduce: source of shape {src.shape} does not fit: for input "
                         f"{a.shape} and {idx.size} indices along dim {d} it must be {expected}")
    if src.dtype != a.dtype:
        raise TypeError(f"index_reduce: source must have the input's dtype {a.dtype}, got "
                        f"{src.dtype}")
    spread = np.moveaxis(np.broadcast_to(idx, expected[:d] + expected[d + 1:] + (idx.size,)),
                         -1, d)
    out = scatter_reduce(base, d, spread, src_b, reduce, include_self=include_self)
    return reshape(out, ()) if a.ndim == 0 else out

