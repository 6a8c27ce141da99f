"""Running extremes and the running log-sum-exp along a dim: ``cummax``, ``cummin`` and
``logcumsumexp`` (the scans ``scan.py`` does not hold).

The running extremes are a ``gather`` of the input at the int64 index each value came
from, so the gradient goes to that entry (and is differentiable again). The
``logcumsumexp`` backward is written with ``logcumsumexp`` itself, so it too can be
differentiated again.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor
from .elementwise import abs, exp, log, where
from .rearrange import flip, gather
from .scan import _dim, _scan
from .shape import reshape


class CumMaxResult(NamedTuple):
    """``(values, indices)`` of ``cummax``, as PyTorch's return type."""

    values: Tensor
    indices: Tensor


class CumMinResult(NamedTuple):
    """``(values, indices)`` of ``cummin``, as PyTorch's return type."""

    values: Tensor
    indices: Tensor


def _running_index(x: np.ndarray, axis: int, accumulate: Any) -> np.ndarray:
    """The index of the running extreme at each place along ``axis``. PyTorch's rule: an
    entry takes over when it ties the extreme so far (the latest of equal values wins),
    and from the first nan on every nan takes over (the running value stays nan)."""
    running = accumulate(x, axis=axis)  # np.maximum/np.minimum carry a nan forward
    takes_over = x == running
    if x.dtype.kind == "f":
        takes_over |= np.isnan(x)
    pos = np.arange(x.shape[axis]).reshape([-1 if i == axis else 1 for i in range(x.ndim)])
    return np.maximum.accumulate(np.where(takes_over, pos, 0), axis=axis).astype(np.int64)


def _running_extreme(op: str, accumulate: Any, result: type, input: Any, dim: Any) -> Any:
    a = as_tensor(input)
    d = _dim(a, dim, op)
    base = reshape(a, 1) if a.ndim == 0 else a
    idx = _running_index(base.data, d, accumulate)
    values = gather(base, d, idx)
    if a.ndim == 0:
        return result(reshape(values, ()), Tensor._wrap(idx.reshape(())))
    return result(values, Tensor._wrap(idx))


def cummax(input: Any, dim: Any) -> CumMaxResult:
    """``(values, indices)``: ``values_i = max_{j <= i} a_j`` along ``dim`` and the int64
    index it came from, both of a's shape. A tie takes the latest index, and after the
    first nan the value is nan with the latest nan's index (PyTorch's rule). The
    gradient of ``values_i`` goes to the entry at ``indices_i``."""
    return _running_extreme("cummax", np.maximum.accumulate, CumMaxResult, input, dim)


def cummin(input: Any, dim: Any) -> CumMinResult:
    """``(values, indices)``: ``values_i = min_{j <= i} a_j`` along ``dim`` and its int64
    index (ties and nan as ``cummax``); the gradient goes to the entry at the index."""
    return _running_extreme("cummin", np.minimum.accumulate, CumMinResult, input, dim)


def _reverse_logcumsumexp(x: Tensor, axis: int) -> Tensor:
    """``out_j = log Σ_{i >= j} exp(x_i)`` along ``axis``."""
    return flip(logcumsumexp(flip(x, axis), axis), axis)


class LogCumSumExp(Function):
    """``out_i = log Σ_{j <= i} exp(a_j)`` along ``axis``, accumulated with ``logaddexp``
    (no overflow). d/da_j of Σ g·out is ``Σ_{i >= j} g_i·exp(a_j - out_i)``: the positive
    and negative parts of g are summed apart in log space, as PyTorch's (with the
    lowest finite float standing for log 0, so the second derivative stays finite)."""

    @staticmethod
    def forward(ctx, a, axis):
        out = np.logaddexp.accumulate(a, axis=axis) if a.size else a.copy()
        ctx.save_for_backward(a, out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        d = ctx.axis
        lowest = np.finfo(g.dtype).min
        log_abs = log(where(g.data == 0, 1.0, abs(g)))
        parts = []
        # Differentiated again, the stand-in for log 0 may overflow on its way to exp's 0.
        with np.errstate(over="ignore"):
            for sign in (g.data > 0, g.data < 0):
                log_part = where(sign, log_abs, lowest)
                parts.append(exp(_reverse_logcumsumexp(log_part - out, d) + a))
        return parts[0] - parts[1], None


def logcumsumexp(input: Any, dim: Any) -> Tensor:
    """The running log-sum-exp along ``dim``: ``out_i = log Σ_{j <= i} exp(a_j)`` (a's
    shape), computed without overflow; floating input only, as PyTorch's. The gradient
    is ``d/da_j = Σ_{i >= j} g_i·exp(a_j - out_i)`` (each out_i's softmax weights)."""
    a = as_tensor(input)
    if a.dtype.kind != "f":
        raise TypeError(f"logcumsumexp: expects a floating point input, got dtype {a.dtype} "
                        f"(shape {a.shape}); convert it first (t.float())")
    return _scan(LogCumSumExp, "logcumsumexp", a, dim, None, None)
