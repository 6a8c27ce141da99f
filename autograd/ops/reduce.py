"""Reductions (sum, mean, max, min, var, logsumexp) and softmax / log-softmax.

Every reduction takes ``axis`` (int, tuple or None) and ``keepdims``, with
PyTorch's ``dim``/``keepdim`` accepted as aliases. The backward of a reduction
reshapes the gradient to the kept-dims shape and broadcasts it back.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..function import Function
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from ._util import (
    as_tensor,
    floating,
    kept_shape,
    normalize_axis,
    reduction_axes,
    refuse_out,
    resolve_axis,
)
from .elementwise import astype, exp


def _expand_back(g: Tensor, in_shape: tuple, axes: tuple | None, keepdims: bool) -> Tensor:
    """A reduction's gradient ``g`` broadcast back to the input's shape (a read-only view);
    recorded as reshape and broadcast_to ops only when the backward itself is recorded."""
    from .shape import broadcast_to

    if not is_grad_enabled():
        data = g.data if keepdims else g.data.reshape(kept_shape(in_shape, axes))
        if data.shape == tuple(in_shape):  # every reduced axis had length 1: no view needed
            return g if data is g.data else Tensor._make(data, False, None, 0)
        return Tensor._make(np.broadcast_to(data, in_shape), False, None, 0)
    if not keepdims:
        g = g.reshape(kept_shape(in_shape, axes))
    return broadcast_to(g, in_shape)


class Sum(Function):
    """``Σ x`` over ``axis``; the gradient is broadcast back: d/dx_i = 1."""

    @staticmethod
    def forward(ctx, a, axes, keepdims):
        ctx.meta = (a.shape, axes, keepdims)
        return np.sum(a, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, g):
        shape, axes, keepdims = ctx.meta
        return _expand_back(g, shape, axes, keepdims), None, None


class Mean(Function):
    """``(1/N) Σ x`` over ``axis``; d/dx_i = 1/N."""

    @staticmethod
    def forward(ctx, a, axes, keepdims):
        ctx.meta = (a.shape, axes, keepdims)
        count = a.size if axes is None else int(np.prod([a.shape[i] for i in axes]))
        ctx.count = count
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.mean(a, axis=axes, keepdims=keepdims)
        return out.astype(a.dtype, copy=False) if a.dtype.kind == "f" else out

    @staticmethod
    def backward(ctx, g):
        shape, axes, keepdims = ctx.meta
        return _expand_back(g, shape, axes, keepdims) / builtins.max(ctx.count, 1), None, None


class _Extreme(Function):
    """Max/min over an axis; tied elements share the gradient equally (as torch.amax).
    Where the result is nan, the nan elements share it (as PyTorch's max)."""

    reduce = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx, a, axes, keepdims):
        out = cls.reduce(a, axis=axes, keepdims=True)
        mask = a == out
        if a.dtype.kind == "f" and np.isnan(out).any():
            mask |= np.isnan(a) & np.isnan(out)
        share = mask / np.sum(mask, axis=axes, keepdims=True)
        ctx.share = share.astype(a.dtype, copy=False)
        ctx.meta = (a.shape, axes, keepdims)
        return out if keepdims else out.reshape(
            tuple(s for i, s in enumerate(a.shape) if axes is not None and i not in axes))

    @staticmethod
    def backward(ctx, g):
        shape, axes, keepdims = ctx.meta
        return _expand_back(g, shape, axes, keepdims) * ctx.share, None, None


class Max(_Extreme):
    """``max x`` over ``axis`` (a Tensor of values, as NumPy's ``amax``)."""

    reduce = staticmethod(np.max)


class Min(_Extreme):
    """``min x`` over ``axis`` (a Tensor of values, as NumPy's ``amin``)."""

    reduce = staticmethod(np.min)


def _per_dof(shape: tuple, axes: tuple | None, ddof: int) -> float:
    """``1/(N - ddof)`` for the N elements reduced over ``axes``, inf where ``N <= ddof``:
    the forward divides by ``max(N - ddof, 0)`` (NumPy's var), so there its value and
    its gradient are not finite (PyTorch's are inf or nan too)."""
    n = int(np.prod(shape if axes is None else [shape[i] for i in axes])) - ddof
    return 1.0 / n if n > 0 else np.inf


class Var(Function):
    """``Σ (x - mean)² / (N - ddof)``; d/dx_i = 2 (x_i - mean) / (N - ddof)."""

    @staticmethod
    def forward(ctx, a, axes, keepdims, ddof):
        ctx.save_for_backward(a)
        ctx.meta = (a.shape, axes, keepdims, ddof)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.var(a, axis=axes, keepdims=keepdims, ddof=ddof).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        shape, axes, keepdims, ddof = ctx.meta
        centered = a - mean(a, axis=axes, keepdims=True)
        scale = 2.0 * _per_dof(shape, axes, ddof)
        return _expand_back(g, shape, axes, keepdims) * centered * scale, None, None, None


class Std(Function):
    """``√var`` over ``axis``; d/dx_i = (x_i - mean) / ((N - ddof)·std), and 0 where the
    standard deviation is 0 (a constant row), as PyTorch's, instead of 0/0."""

    @staticmethod
    def forward(ctx, a, axes, keepdims, ddof):
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.sqrt(np.var(a, axis=axes, keepdims=keepdims, ddof=ddof))
        out = np.asarray(out, dtype=a.dtype)  # an array (not a NumPy scalar): saved as the output
        ctx.save_for_backward(a, out)
        ctx.meta = (a.shape, axes, keepdims, ddof)
        return out

    @staticmethod
    def backward(ctx, g):
        from .elementwise import where

        a, out = ctx.saved_tensors
        shape, axes, keepdims, ddof = ctx.meta
        zero = out.data == 0
        per_std = where(zero, 0.0, g / where(zero, 1.0, out)) * _per_dof(shape, axes, ddof)
        centered = a - mean(a, axis=axes, keepdims=True)
        return _expand_back(per_std, shape, axes, keepdims) * centered, None, None, None


def _finite_max(a: np.ndarray, axes: Any) -> np.ndarray:
    m = np.max(a, axis=axes, keepdims=True) if a.size else np.zeros(kept_shape(a.shape, axes),
                                                                     a.dtype)
    return np.where(np.isfinite(m), m, 0).astype(a.dtype, copy=False)


class LogSumExp(Function):
    """``log Σ e^x`` with the max subtracted first; d/dx_i = softmax(x)_i."""

    @staticmethod
    def forward(ctx, a, axes, keepdims):
        m = _finite_max(a, axes)
        with np.errstate(divide="ignore"):
            out = np.log(np.sum(np.exp(a - m), axis=axes, keepdims=True)) + m
        result = out if keepdims else out.reshape(
            tuple(s for i, s in enumerate(a.shape) if axes is not None and i not in axes))
        ctx.save_for_backward(a, result)  # the output too: changing it in place is caught
        ctx.meta = (a.shape, axes, keepdims)
        return result

    @staticmethod
    def backward(ctx, g):
        a, result = ctx.saved_tensors
        shape, axes, keepdims = ctx.meta
        if _recording():
            out_kd = logsumexp(a, axis=axes, keepdims=True)
        else:
            out_kd = Tensor._wrap(result.data.reshape(kept_shape(shape, axes)))
        return _expand_back(g, shape, axes, keepdims) * exp(a - out_kd), None, None


def _recording() -> bool:
    from ..grad_mode import is_grad_enabled

    return is_grad_enabled()


class Softmax(Function):
    """``e^{x_i - max} / Σ_j e^{x_j - max}`` along ``axis``; backward ``s·(g - Σ g·s)``."""

    @staticmethod
    def forward(ctx, a, axis):
        e = np.exp(a - _finite_max(a, (axis,)))
        out = e / np.sum(e, axis=axis, keepdims=True)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, g):
        (s,) = ctx.saved_tensors
        return s * (g - sum(g * s, axis=ctx.axis, keepdims=True)), None


class LogSoftmax(Function):
    """``x - logsumexp(x)`` along ``axis``; backward ``g - e^out·Σ g``."""

    @staticmethod
    def forward(ctx, a, axis):
        shifted = a - _finite_max(a, (axis,))
        with np.errstate(divide="ignore"):
            out = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g - exp(out) * sum(g, axis=ctx.axis, keepdims=True), None


def _reduce(fn: type[Function], name: str, a: Any, axis: Any, dim: Any, keepdims: Any,
            keepdim: Any, *extra: Any, dtype: Any = None, out: Any = None) -> Tensor:
    refuse_out(out, name)
    if dtype is not None:  # as torch's and NumPy's dtype=: computed in, and giving, dtype
        a = astype(as_tensor(a), dtype)
    a = floating(a) if fn in _FLOAT_RESULTS else as_tensor(a)
    axis, keep = resolve_axis(axis, dim, keepdims, keepdim)
    axes = reduction_axes(axis, a.ndim, name)
    return fn.apply(a, axes, keep, *extra)


# Reductions whose result is not an integer: an integer input is made floating first.
_FLOAT_RESULTS = (Mean, Var, Std, LogSumExp)


def sum(a: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
        keepdim: Any = None, dtype: Any = None, out: Any = None) -> Tensor:
    """``Σ a`` over ``axis`` (all axes when None), in ``dtype`` when given.

    ``out`` is NumPy's, for ``np.sum(t)``: only None is accepted (as for every reduction).
    """
    return _reduce(Sum, "sum", a, axis, dim, keepdims, keepdim, dtype=dtype, out=out)


def mean(a: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
         keepdim: Any = None, dtype: Any = None, out: Any = None) -> Tensor:
    """Arithmetic mean over ``axis``, in ``dtype`` when given."""
    return _reduce(Mean, "mean", a, axis, dim, keepdims, keepdim, dtype=dtype, out=out)


def _check_nonempty(a: Tensor, axes: Any, name: str) -> None:
    if a.data.size == 0 and (axes is None or builtins.any(a.shape[i] == 0 for i in axes)):
        raise ValueError(f"{name}: zero-size reduction over an empty axis has no identity")


def max(a: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
        keepdim: Any = None, out: Any = None) -> Tensor:
    """Largest value over ``axis`` (values, not indices: see ``argmax``)."""
    refuse_out(out, "max")
    a = as_tensor(a)
    axis, keep = resolve_axis(axis, dim, keepdims, keepdim)
    axes = reduction_axes(axis, a.ndim, "max")
    _check_nonempty(a, axes, "max")
    return Max.apply(a, axes, keep)


def min(a: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
        keepdim: Any = None, out: Any = None) -> Tensor:
    """Smallest value over ``axis`` (values, not indices: see ``argmin``)."""
    refuse_out(out, "min")
    a = as_tensor(a)
    axis, keep = resolve_axis(axis, dim, keepdims, keepdim)
    axes = reduction_axes(axis, a.ndim, "min")
    _check_nonempty(a, axes, "min")
    return Min.apply(a, axes, keep)


def var(a: Any, axis: Any = None, keepdims: Any = None, ddof: int | None = None, *,
        dim: Any = None, keepdim: Any = None, correction: int | None = None, dtype: Any = None,
        out: Any = None) -> Tensor:
    """Variance over ``axis``: biased (``ddof=0``, NumPy's and the course's) by default.

    ``correction`` is PyTorch's name for ``ddof``.
    """
    return _reduce(Var, "var", a, axis, dim, keepdims, keepdim, _ddof(ddof, correction),
                   dtype=dtype, out=out)


def _ddof(ddof: int | None, correction: int | None) -> int:
    if correction is None:
        return int(ddof or 0)
    if ddof is not None:
        raise TypeError("give either ddof= or correction=, not both")
    return int(correction)


def std(a: Any, axis: Any = None, keepdims: Any = None, ddof: int | None = None, *,
        dim: Any = None, keepdim: Any = None, correction: int | None = None, dtype: Any = None,
        out: Any = None) -> Tensor:
    """Standard deviation ``√var`` over ``axis`` (biased, ``ddof=0``, by default, as ``var``);
    its gradient is 0 where the deviation is 0."""
    return _reduce(Std, "std", a, axis, dim, keepdims, keepdim, _ddof(ddof, correction),
                   dtype=dtype, out=out)


def logsumexp(a: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
              keepdim: Any = None) -> Tensor:
    """``log Σ e^a`` over ``axis``, stable for inputs of any size."""
    return _reduce(LogSumExp, "logsumexp", a, axis, dim, keepdims, keepdim)


def _single_axis(a: Tensor, axis: Any, dim: Any, name: str) -> int:
    if dim is not None:
        axis = dim
    axes = normalize_axis(axis, a.ndim, name)
    if axes is None or len(axes) != 1:
        raise ValueError(f"{name} takes a single axis, got {axis}")
    return axes[0]


def softmax(a: Any, axis: int = -1, *, dim: Any = None) -> Tensor:
    """``e^{a_i} / Σ_j e^{a_j}`` along ``axis`` (course: ``ŷ = t / Σ t_j``), stable."""
    a = floating(a)
    axis = _single_axis(a, axis, dim, "softmax")
    if a.ndim == 0:  # one element along its only axis
        return Softmax.apply(a.reshape(1), 0).reshape(())
    return Softmax.apply(a, axis)


def log_softmax(a: Any, axis: int = -1, *, dim: Any = None) -> Tensor:
    """``a - logsumexp(a)`` along ``axis``: finite where softmax would underflow."""
    a = floating(a)
    axis = _single_axis(a, axis, dim, "log_softmax")
    if a.ndim == 0:
        return LogSoftmax.apply(a.reshape(1), 0).reshape(())
    return LogSoftmax.apply(a, axis)
