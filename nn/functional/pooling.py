"""Pooling over sliding windows as functions, PyTorch's ``torch.nn.functional`` names:
``max_pool1d/2d/3d``, ``avg_pool1d/2d/3d`` and ``lp_pool1d/2d/3d`` (adaptive pooling and
``max_unpool`` live in ``adaptive_pooling`` and ``unpooling``).

Inputs are ``(N, C, *spatial)`` or unbatched ``(C, *spatial)``. Max pooling finds each
window's argmax and maximum in one compiled pass (``autograd.kernels.max_pool_argmax``)
and records them as a gather, so its gradient goes to the
argmax alone (``_planes``); average pooling is a composition (zero padding, ``unfold``
windows, a sum and a constant divisor). All are differentiable to any order.
"""

from __future__ import annotations

import functools
import math
import operator
from typing import Any

import numpy as np

import autograd as ag

from ._inputs import channels_last, floating_input
from ._planes import PlaneGather
from .padding import pad as _pad


def int_tuple(value: Any, n: int, op: str, what: str) -> tuple[int, ...]:
    """An int, or a sequence of ``n`` ints (or of one, repeated), as an ``n``-tuple."""
    try:
        items = (tuple(operator.index(v) for v in value) if isinstance(value, (tuple, list))
                 else (operator.index(value),))
    except TypeError:
        raise TypeError(f"{op}: {what} must be an int or a tuple of {n} ints, got "
                        f"{value!r}") from None
    if len(items) not in (1, n):
        raise ValueError(f"{op}: {what} must be an int or a tuple of {n} ints, got {value!r}")
    return items * n if len(items) == 1 else items


def planes(x: Any, n: int, op: str) -> tuple[ag.Tensor, tuple[int, ...], tuple[int, ...]]:
    """``x`` as ``(P, *spatial)`` with its leading dims (``(N, C)`` or ``(C,)``) and its
    ``n`` spatial sizes; checks the number of dims and the non-empty planes."""
    x = pooling_input(x, n, op)
    lead, spatial = tuple(x.shape[:-n]), tuple(x.shape[-n:])
    return ag.reshape(x, (math.prod(lead),) + spatial), lead, spatial


def pooling_input(x: Any, n: int, op: str) -> ag.Tensor:
    """``x`` as a floating Tensor, checked: ``(N, C, *spatial)`` or ``(C, *spatial)`` with
    ``n`` spatial dims, channel and spatial sizes non-zero."""
    x = floating_input(x, op)
    if x.ndim not in (n + 1, n + 2):
        raise ag.ShapeError(f"{op}: expected {n + 1}D (unbatched) or {n + 2}D (batched) input, "
                            f"got shape {tuple(x.shape)}")
    if any(s == 0 for s in x.shape[-n - 1:]):
        raise ag.ShapeError(f"{op}: expected non-zero sizes for the channel and spatial dims "
                            f"(the batch may be empty), got input of shape {tuple(x.shape)}")
    return x


def pool_size(op: str, size: int, k: int, s: int, p: int, d: int, ceil: bool) -> int:
    """PyTorch's pooled length: ``⌊(size + 2p − d(k−1) − 1) / s⌋ + 1`` (rounded up with
    ``ceil_mode``, but the last window must start inside the input or its left padding)."""
    if k <= 0 or s <= 0 or d <= 0:
        raise ValueError(f"{op}: kernel_size, stride and dilation must be positive, got "
                         f"{k}, {s}, {d}")
    if p < 0 or p > k // 2:
        raise ValueError(f"{op}: pad should be at least 0 and at most half of the kernel "
                         f"size, but got pad={p} and kernel_size={k}")
    span = size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)
    out = span // s + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    if out < 1:
        raise ag.ShapeError(f"{op}: given input size {size}, kernel_size={k}, stride={s}, "
                            f"padding={p} and dilation={d}, the calculated output size {out} "
                            "is too small; use a smaller kernel or more padding")
    return out


def _geometry(op: str, n: int, spatial: tuple, kernel_size: Any, stride: Any, padding: Any,
              dilation: Any, ceil_mode: bool) -> tuple:
    k = int_tuple(kernel_size, n, op, "kernel_size")
    s = k if stride is None or stride == [] or stride == () else int_tuple(stride, n, op, "stride")
    p = int_tuple(padding, n, op, "padding")
    d = int_tuple(dilation, n, op, "dilation")
    out = tuple(pool_size(op, *args, ceil_mode) for args in zip(spatial, k, s, p, d))
    return k, s, p, d, out


def _empty_windows(spatial: tuple, k: tuple, s: tuple, p: tuple, d: tuple,
                   out: tuple) -> np.ndarray | None:
    """Which windows (over the output grid) hold no input entry, or None when all do:
    only dilation past the edge can leave a window only padding."""
    per_dim = []
    for i, (o, st, pp, dd, size) in enumerate(zip(out, s, p, d, spatial)):
        start = np.arange(o) * st - pp
        first = start - np.minimum(start, 0) // dd * dd  # the first tap inside the input
        per_dim.append((first >= size).reshape((-1,) + (1,) * (len(out) - i - 1)))
    if not any(e.any() for e in per_dim):
        return None
    return functools.reduce(np.logical_or, per_dim, np.zeros(out, dtype=bool))


def _max_pool(op: str, n: int, input: Any, kernel_size: Any, stride: Any, padding: Any,
              dilation: Any, ceil_mode: bool, return_indices: bool) -> Any:
    x = pooling_input(input, n, op)
    lead, spatial = tuple(x.shape[:-n]), tuple(x.shape[-n:])
    k, s, p, d, out = _geometry(op, n, spatial, kernel_size, stride, padding, dilation,
                                ceil_mode)
    last = x.ndim == n + 2 and x.shape[1] > 1 and channels_last(x.data)
    if last:  # planes of (N, L, C): the channels stay innermost, no copy to (N·C, L)
        to_last = (0,) + tuple(range(2, n + 2)) + (1,)
        x = ag.permute(x, to_last)
        lead, trail = lead[:1], lead[1:]
    else:
        x, trail = ag.reshape(x, (math.prod(lead),) + spatial), ()
    maxima, idx = ag.kernels.max_pool_argmax(x.data, k, s, p, d, out, channels_last=last)
    disjoint = all(st >= (kk - 1) * dd + 1 for st, kk, dd in zip(s, k, d))
    flat = ag.reshape(x, (x.shape[0], math.prod(spatial)) + trail)
    empty = _empty_windows(spatial, k, s, p, d, out)
    if empty is not None:  # PyTorch gives such a window -inf (and a meaningless index)
        empty = np.broadcast_to(empty.reshape((1, -1) + (1,) * len(trail)), idx.shape)
        taken = PlaneGather.apply(flat, np.where(empty, 0, idx), False)
        values = ag.where(ag.tensor(empty), ag.tensor(np.array(-np.inf, x.dtype)), taken)
    else:
        values = PlaneGather.apply(flat, idx, disjoint, maxima)
    values, idx = ag.reshape(values, lead + out + trail), idx.reshape(lead + out + trail)
    if last:  # back to (N, C, *out), a view of the channels-last result
        values, idx = ag.permute(values, (0, n + 1) + tuple(range(1, n + 1))), \
            np.moveaxis(idx, -1, 1)
    if return_indices:
        return values, ag.tensor(idx)
    return values


def max_pool1d(input: ag.Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
               ) -> Any:
    """The maximum of each window of ``kernel_size`` entries (``dilation`` apart), windows
    ``stride`` apart (default ``kernel_size``), over ``(N, C, L)`` or ``(C, L)`` →
    ``L_out = ⌊(L + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1`` (rounded up
    with ``ceil_mode``, as PyTorch's). Padding is −inf and at most half the kernel; a
    window that dilation leaves with no input entry gives −inf, as PyTorch's.
    ``return_indices=True`` also returns each maximum's index in ``L`` (int64, the input
    ``max_unpool1d`` takes). The gradient goes to the maximum alone: the first in a tie,
    the last NaN when a window holds NaN (PyTorch's CPU kernel)."""
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool2d(input: ag.Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
               ) -> Any:
    """``max_pool1d`` over the last two dims of ``(N, C, H, W)`` or ``(C, H, W)``; each of
    ``kernel_size``, ``stride``, ``padding``, ``dilation`` is an int or an (h, w) pair, and
    the indices are flat in each ``H×W`` plane (``h·W + w``), as PyTorch's. The course's
    ``pool_forward`` with ``mode='max'`` (§ CNNs) is ``max_pool2d(x, f, stride)``."""
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool3d(input: ag.Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
               ) -> Any:
    """``max_pool2d`` over the last three dims of ``(N, C, D, H, W)`` or ``(C, D, H, W)``;
    indices are flat in each ``D×H×W`` volume (``(d·H + h)·W + w``)."""
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def _divisor(op: str, spatial: tuple, k: tuple, s: tuple, p: tuple, out: tuple,
             count_include_pad: bool, divisor_override: Any, dtype: Any) -> ag.Tensor:
    """What each window's sum is divided by, PyTorch's rule: the window clipped to the
    padded input (``count_include_pad``) or to the input, or ``divisor_override``."""
    if divisor_override is not None:
        if divisor_override == 0:
            raise ValueError(f"{op}: divisor_override must be non-zero")
        return ag.tensor(np.asarray(1.0 / divisor_override, dtype=dtype))
    total = np.ones(out, dtype=np.float64)
    for i, (size, kk, st, pp, o) in enumerate(zip(spatial, k, s, p, out)):
        start = np.arange(o) * st - pp
        end = np.minimum(start + kk, size + pp)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, size)
        total = total * (end - start).reshape((o,) + (1,) * (len(out) - i - 1))
    return ag.tensor((1.0 / total).astype(dtype))


def _avg_pool(op: str, n: int, input: Any, kernel_size: Any, stride: Any, padding: Any,
              ceil_mode: bool, count_include_pad: bool, divisor_override: Any) -> ag.Tensor:
    x, lead, spatial = planes(input, n, op)
    k, s, p, _, out = _geometry(op, n, spatial, kernel_size, stride, padding, 1, ceil_mode)
    right = [max(0, (o - 1) * st + kk - pp - size)
             for o, st, kk, pp, size in zip(out, s, k, p, spatial)]
    pads = [amount for i in reversed(range(n)) for amount in (p[i], right[i])]
    if any(pads):
        x = _pad(x, pads)
    for i in reversed(range(n)):  # a window's sum is separable: one dim at a time
        x = ag.sum(x.unfold(i + 1, k[i], s[i]), axis=-1)
    scale = _divisor(op, spatial, k, s, p, out, count_include_pad, divisor_override, x.dtype)
    return ag.reshape(x * scale, lead + out)


def avg_pool1d(input: ag.Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> ag.Tensor:
    """The mean of each window of ``kernel_size`` entries, windows ``stride`` apart
    (default ``kernel_size``), over ``(N, C, L)`` or ``(C, L)``; output length as
    ``max_pool1d`` with dilation 1. Zero ``padding`` (at most half the kernel) counts in
    the divisor when ``count_include_pad``; the positions ``ceil_mode`` adds past the
    padding never count (PyTorch's rule). The gradient spreads ``g / divisor`` over each
    window."""
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, None)


def avg_pool2d(input: ag.Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> ag.Tensor:
    """``avg_pool1d`` over the last two dims of ``(N, C, H, W)`` or ``(C, H, W)``; each
    window's sum is divided by ``divisor_override`` when given. The course's
    ``pool_forward`` with ``mode='average'`` is ``avg_pool2d(x, f, stride)``."""
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def avg_pool3d(input: ag.Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> ag.Tensor:
    """``avg_pool2d`` over the last three dims of ``(N, C, D, H, W)`` or ``(C, D, H, W)``."""
    return _avg_pool("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def _lp_pool(op: str, n: int, input: Any, norm_type: float, kernel_size: Any, stride: Any,
             ceil_mode: bool) -> ag.Tensor:
    x = floating_input(input, op)
    k = int_tuple(kernel_size, n, op, "kernel_size")
    mean = _avg_pool(op, n, ag.pow(x, norm_type), k, stride, 0, ceil_mode, True, None)
    return ag.pow(ag.sign(mean) * ag.relu(ag.abs(mean)) * float(math.prod(k)),
                  1.0 / norm_type)


def lp_pool1d(input: ag.Tensor, norm_type: float, kernel_size: int, stride: Any = None,
              ceil_mode: bool = False) -> ag.Tensor:
    """``(Σ_window x^p)^(1/p)`` over windows as ``avg_pool1d``'s (no padding); computed as
    PyTorch does, ``(kernel_size · avg_pool1d(x^p))^(1/p)`` with negative window means set
    to 0, so a ``ceil_mode`` window cut short is scaled by the full kernel size too."""
    return _lp_pool("lp_pool1d", 1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input: ag.Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> ag.Tensor:
    """``lp_pool1d`` over the last two dims: ``(kh·kw · avg_pool2d(x^p))^(1/p)``."""
    return _lp_pool("lp_pool2d", 2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input: ag.Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> ag.Tensor:
    """``lp_pool1d`` over the last three dims: ``(kd·kh·kw · avg_pool3d(x^p))^(1/p)``."""
    return _lp_pool("lp_pool3d", 3, input, norm_type, kernel_size, stride, ceil_mode)
