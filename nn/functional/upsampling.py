"""Resampling as functions, PyTorch's names: ``interpolate`` (modes ``'nearest'``,
``'nearest-exact'``, ``'linear'``, ``'bilinear'``, ``'bicubic'``, ``'trilinear'``,
``'area'``),
``pixel_shuffle``, ``pixel_unshuffle`` and ``channel_shuffle``.

Every mode but ``'area'`` is separable: each spatial dim is resampled on its own by picking
input entries (``_take``) and, for the linear modes, mixing two neighbours with
fixed weights. The source positions follow PyTorch's CPU kernels to the rounding (float32
arithmetic for float32 input), so the same entries are picked. All are differentiable to
any order; a gradient adds up on the entries each output place reads.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

import autograd as ag

from ._inputs import floating_input
from ._take import take_along
from .adaptive_pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d

_LINEAR = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_MODES = ("nearest", "nearest-exact", "area", *_LINEAR)
_CUBIC_A = -0.75  # PyTorch's (and OpenCV's) Keys kernel parameter


def _per_dim(value: Any, n: int, what: str) -> tuple:
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,) * n
    if len(items) != n:
        raise ValueError(f"interpolate: input and output must have the same number of spatial "
                         f"dimensions, but got {n} spatial dimensions and {what} {value!r}")
    return items


def _sizes_and_scales(x: ag.Tensor, size: Any, scale_factor: Any,
                      recompute_scale_factor: Any) -> tuple[tuple, tuple]:
    """The output's spatial sizes and the scales the kernels use (None: ``in / out``)."""
    n, spatial = x.ndim - 2, tuple(x.shape[2:])
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size or scale_factor (got "
                         f"{'both' if size is not None else 'neither'})")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("interpolate: recompute_scale_factor is not meaningful with an "
                             "explicit size")
        sizes = tuple(operator.index(s) for s in _per_dim(size, n, "output size"))
        return sizes, (None,) * n
    scales = tuple(float(s) for s in _per_dim(scale_factor, n, "scale_factor"))
    sizes = tuple(math.floor(length * s) for length, s in zip(spatial, scales))
    return sizes, (None,) * n if recompute_scale_factor else scales


def _ratio(length: int, out: int, scale: float | None, dtype: Any) -> Any:
    """PyTorch's ``compute_scales_value``: ``1 / scale_factor`` when given, else in/out."""
    if scale is not None and scale > 0:
        return dtype(1.0 / scale)
    return dtype(length) / dtype(out)


def _nearest_index(length: int, out: int, scale: float | None, exact: bool,
                   dtype: Any) -> np.ndarray:
    """The input entry each output place copies, by PyTorch's CPU arithmetic: the position
    in the input's precision (float32 below float64), floored as a float32. For float32,
    ``'nearest-exact'`` rounds ``ratio·(i + ½) − ½`` once (PyTorch's fused multiply-add)
    before adding the ½ back."""
    acc = np.float64 if dtype == np.float64 else np.float32
    ratio = _ratio(length, out, scale, acc)
    place = np.arange(out, dtype=np.float64)
    if not exact:
        src = (place.astype(acc) * ratio).astype(np.float32)
    elif acc == np.float64:
        src = ((place + 0.5) * ratio).astype(np.float32)
    else:
        src = (np.float64(ratio) * (place + 0.5) - 0.5).astype(np.float32) + np.float32(0.5)
    return np.minimum(np.floor(src).astype(np.int64), length - 1)


def _linear_weights(length: int, out: int, scale: float | None, align_corners: bool,
                    dtype: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Left and right neighbours and the right one's weight for each output place."""
    acc = np.float64 if dtype == np.float64 else np.float32
    dst = np.arange(out).astype(acc)
    if align_corners:
        ratio = acc(length - 1) / acc(out - 1) if out > 1 else acc(0)
        src = ratio * dst
    else:
        src = np.maximum(_ratio(length, out, scale, acc) * (dst + acc(0.5)) - acc(0.5), acc(0))
    left = np.minimum(np.floor(src).astype(np.int64), length - 1)
    weight = np.clip(src - left.astype(acc), 0, 1)
    right = left + (left < length - 1)
    return left, right, weight.astype(dtype)


def _cubic_taps(length: int, out: int, scale: float | None, align_corners: bool,
                dtype: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The four input entries (clamped into the input) and Keys' cubic-convolution weights
    (``A = −0.75``) of each output place, by PyTorch's arithmetic: the source position is
    not clamped at 0, unlike the linear modes'."""
    acc = np.float64 if dtype == np.float64 else np.float32
    dst = np.arange(out).astype(acc)
    if align_corners:
        src = (acc(length - 1) / acc(out - 1) if out > 1 else acc(0)) * dst
    else:
        src = _ratio(length, out, scale, acc) * (dst + acc(0.5)) - acc(0.5)
    base = np.floor(src)
    t, a = src - base, acc(_CUBIC_A)

    def near(x: np.ndarray) -> np.ndarray:  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: np.ndarray) -> np.ndarray:  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    weights = [far(t + 1), near(t), near(1 - t), far(2 - t)]
    first = base.astype(np.int64) - 1
    taps = [np.clip(first + k, 0, length - 1) for k in range(4)]
    return taps, [w.astype(dtype) for w in weights]


def _antialias_weights(length: int, out: int, scale: float | None, align_corners: bool,
                       cubic: bool) -> np.ndarray:
    """PyTorch's (and PIL's) anti-aliasing weights ``(out, length)``: the triangle filter
    (bilinear) or Keys' cubic with ``A = −0.5`` (bicubic), stretched by the downscale
    factor so each output place averages every input entry it covers, normalized to sum
    to 1 and cut off at the edges."""
    if align_corners:
        ratio = (length - 1) / (out - 1) if out > 1 else 0.0
    else:
        ratio = float(_ratio(length, out, scale, np.float64))
    support = (2.0 if cubic else 1.0) * (ratio if ratio >= 1.0 else 1.0)
    stretch = 1.0 / ratio if ratio >= 1.0 else 1.0
    weights = np.zeros((out, length))
    for i in range(out):
        centre = ratio * (i + 0.5)  # with align_corners only the ratio changes, as torch's
        low = max(int(centre - support + 0.5), 0)
        high = min(int(centre + support + 0.5), length)
        x = np.abs((np.arange(low, high) - centre + 0.5) * stretch)
        if cubic:
            a = -0.5
            w = np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                         np.where(x < 2, (((x - 5) * x + 8) * x - 4) * a, 0.0))
        else:
            w = np.maximum(1 - x, 0.0)
        total = w.sum()
        weights[i, low:high] = w / total if total != 0 else w
    return weights


def interpolate(input: ag.Tensor, size: Any = None, scale_factor: Any = None,
                mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> ag.Tensor:
    """``input`` ``(N, C, *spatial)`` (1 to 3 spatial dims) resampled to ``size``, or to
    ``⌊length · scale_factor⌋`` per dim, as PyTorch's ``F.interpolate``.

    * ``'nearest'``: output place ``i`` copies input ``min(⌊i·s⌋, L−1)``, ``s = 1/scale_factor``
      (or ``L/out``; ``recompute_scale_factor=True`` forces ``L/out``) — PyTorch's legacy
      rule, which shifts content left; ``'nearest-exact'`` uses ``⌊(i + ½)·s⌋`` (PIL's).
    * ``'linear'`` (3-D input), ``'bilinear'`` (4-D), ``'trilinear'`` (5-D): source position
      ``(i + ½)·s − ½`` clamped at 0 (``align_corners=False``, the default) or
      ``i·(L−1)/(out−1)`` (``True``: the corner pixels' centres line up), mixing its two
      neighbours linearly, one dim after another.
    * ``'bicubic'`` (4-D): Keys' cubic convolution with ``A = −0.75`` over four neighbours
      per dim (clamped at the edges), source position ``(i + ½)·s − ½`` unclamped (or the
      ``align_corners`` one); it overshoots, so the output can leave the input's range.
    * ``'area'``: ``adaptive_avg_pool1d/2d/3d`` to the output size.

    ``antialias=True`` (bilinear and bicubic, 4-D) filters while resampling, as PIL and
    PyTorch do: every output place averages the input entries it covers with a triangle
    (bilinear) or cubic (``A = −0.5``) filter stretched by the downscale factor, the
    weights renormalized at the edges. ``align_corners`` is refused for the nearest and
    area modes, as in PyTorch.
    """
    x = floating_input(input, "interpolate")
    if mode not in _MODES:
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported; use one of "
                                  f"{', '.join(map(repr, _MODES))}")
    if align_corners is not None and mode not in _LINEAR:
        raise ValueError("interpolate: align_corners option can only be set with the "
                         "interpolating modes: linear | bilinear | bicubic | trilinear")
    if antialias and mode not in ("bilinear", "bicubic"):
        raise ValueError(f"interpolate: antialias=True is restricted to the bilinear and "
                         f"bicubic modes (4-D input), got mode {mode!r}")
    if x.ndim not in (3, 4, 5):
        raise ag.ShapeError(f"interpolate: only 3D, 4D and 5D input tensors are supported "
                            f"(N, C and 1 to 3 spatial dims), got shape {tuple(x.shape)}")
    if mode in _LINEAR and x.ndim != _LINEAR[mode]:
        raise ag.ShapeError(f"interpolate: got {x.ndim}D input of shape {tuple(x.shape)}, but "
                            f"{mode} mode needs {_LINEAR[mode]}D input")
    sizes, scales = _sizes_and_scales(x, size, scale_factor, recompute_scale_factor)
    if any(s <= 0 for s in sizes) or any(s == 0 for s in x.shape[1:]):
        raise ag.ShapeError(f"interpolate: input {tuple(x.shape)} and output {sizes} sizes "
                            "should be greater than 0")
    if mode == "area":
        area = {3: adaptive_avg_pool1d, 4: adaptive_avg_pool2d, 5: adaptive_avg_pool3d}
        return area[x.ndim](x, sizes)
    if antialias:
        if x.ndim != 4:
            raise ag.ShapeError(f"interpolate: antialias=True needs 4-D input (N, C, H, W), "
                                f"got shape {tuple(x.shape)}")
        height, width = (_antialias_weights(length, out, scale, bool(align_corners),
                                            mode == "bicubic").astype(x.dtype)
                         for length, out, scale in zip(x.shape[2:], sizes, scales))
        return ag.as_tensor(height) @ (x @ ag.as_tensor(width.T))
    for i, (out, scale) in enumerate(zip(sizes, scales)):
        axis, length = i + 2, x.shape[i + 2]
        if out == length and mode in _LINEAR:
            continue  # PyTorch copies a dim whose size is unchanged, whatever the scale
        if mode == "bicubic":
            taps, weights = _cubic_taps(length, out, scale, bool(align_corners), x.dtype)
            trailing = (1,) * (x.ndim - axis - 1)
            parts = [take_along(x, axis, tap) * ag.tensor(w.reshape((out,) + trailing))
                     for tap, w in zip(taps, weights)]
            x = parts[0] + parts[1] + parts[2] + parts[3]
        elif mode in _LINEAR:
            left, right, weight = _linear_weights(length, out, scale, bool(align_corners),
                                                  x.dtype)
            w = ag.tensor(weight.reshape((out,) + (1,) * (x.ndim - axis - 1)))
            x = take_along(x, axis, left) * (1 - w) + take_along(x, axis, right) * w
        else:
            index = _nearest_index(length, out, scale, mode == "nearest-exact", x.dtype)
            x = take_along(x, axis, index)
    return x


def _shuffled_input(input: Any, op: str, factor: Any, what: str) -> tuple[ag.Tensor, int]:
    """The input as a Tensor of at least 3 dims, and the positive ``factor``."""
    x = input if isinstance(input, ag.Tensor) else ag.as_tensor(input)
    factor = operator.index(factor)
    if factor <= 0:
        raise ValueError(f"{op}: {what} must be positive, got {factor}")
    if x.ndim < 3:
        raise ag.ShapeError(f"{op}: expects input to have at least 3 dimensions (*, C, H, W), "
                            f"got shape {tuple(x.shape)}")
    return x, factor


def _regroup(x: ag.Tensor, lead: tuple, split: tuple, order: tuple,
             merged: tuple) -> ag.Tensor:
    """The dims after ``lead`` split into ``split``, permuted by ``order`` and merged into
    ``merged``: every shuffle is this reshape-permute-reshape. The result is a new tensor,
    as PyTorch's, even where the layout would allow a view (a factor or group count of 1)."""
    k = len(lead)
    out = ag.reshape(x, (*lead, *split))
    out = ag.reshape(ag.permute(out, (*range(k), *(k + i for i in order))), (*lead, *merged))
    return ag.clone(out) if np.may_share_memory(out.data, x.data) else out


def pixel_shuffle(input: ag.Tensor, upscale_factor: int) -> ag.Tensor:
    """``(*, C·r², H, W)`` → ``(*, C, H·r, W·r)``: channel ``c·r² + i·r + j`` becomes the
    sub-pixel ``(i, j)`` of each ``r×r`` block of channel ``c`` (a reshape and permute, so the
    gradient is the inverse shuffle)."""
    x, r = _shuffled_input(input, "pixel_shuffle", upscale_factor, "upscale_factor")
    *lead, c, h, w = x.shape
    if c % (r * r):
        raise ag.ShapeError(f"pixel_shuffle: the channel dim (size {c}, shape "
                            f"{tuple(x.shape)}) must be divisible by upscale_factor² = {r * r}")
    c //= r * r
    return _regroup(x, tuple(lead), (c, r, r, h, w), (0, 3, 1, 4, 2), (c, h * r, w * r))


def pixel_unshuffle(input: ag.Tensor, downscale_factor: int) -> ag.Tensor:
    """``(*, C, H·r, W·r)`` → ``(*, C·r², H, W)``, the inverse of ``pixel_shuffle``."""
    x, r = _shuffled_input(input, "pixel_unshuffle", downscale_factor, "downscale_factor")
    *lead, c, h, w = x.shape
    if h % r or w % r:
        raise ag.ShapeError(f"pixel_unshuffle: height {h} and width {w} (shape "
                            f"{tuple(x.shape)}) must be divisible by downscale_factor {r}")
    h, w = h // r, w // r
    return _regroup(x, tuple(lead), (c, h, r, w, r), (0, 2, 4, 1, 3), (c * r * r, h, w))


def channel_shuffle(input: ag.Tensor, groups: int) -> ag.Tensor:
    """``(N, C, *)`` with its channels, seen as ``groups × C/groups``, transposed to
    ``C/groups × groups`` (ShuffleNet's shuffle): channel ``g·(C/groups) + j`` moves to
    ``j·groups + g``. A reshape and transpose; the gradient is the inverse shuffle."""
    x, groups = _shuffled_input(input, "channel_shuffle", groups, "number of groups")
    n, c, *rest = x.shape
    if c % groups:
        raise ag.ShapeError(f"channel_shuffle: the number of channels {c} (shape "
                            f"{tuple(x.shape)}) must be divisible by groups {groups}")
    order = (1, 0, *range(2, 2 + len(rest)))
    return _regroup(x, (n,), (groups, c // groups, *rest), order, (c, *rest))
