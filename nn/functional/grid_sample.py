"""PyTorch's spatial transformer sampling: ``affine_grid`` (a sampling grid from affine
matrices) and ``grid_sample`` (an image or a volume read at a grid of normalized
locations: bilinear/trilinear, nearest or bicubic), composed from engine ops so the
gradients reach the input, the grid and the matrices."""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np

import autograd as ag

from ._inputs import floating_input

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the "
                  "old behavior is desired. See the documentation of grid_sample for details.")


def _align(align_corners: bool | None) -> bool:
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=3)
        return False
    return bool(align_corners)


def _steps(count: int, align_corners: bool) -> np.ndarray:
    """``count`` normalized positions in [−1, 1]: pixel corners (``align_corners``) or
    pixel centres; one position is 0."""
    if count <= 1:
        return np.zeros(max(count, 0))
    steps = np.linspace(-1.0, 1.0, count)
    return steps if align_corners else steps * (count - 1) / count


def affine_grid(theta: ag.Tensor, size: Any, align_corners: bool | None = None) -> ag.Tensor:
    """The sampling grid of the affine maps ``theta``: ``grid[n, h, w] = theta[n] @ (x_w,
    y_h, 1)`` for ``size = (N, C, H, W)`` and ``theta`` ``(N, 2, 3)`` → ``(N, H, W, 2)``
    (x first); for ``(N, C, D, H, W)`` and ``(N, 3, 4)`` → ``(N, D, H, W, 3)``. The base
    positions are ``_steps`` (pixel centres unless ``align_corners``; None means False,
    with PyTorch's warning). Linear in ``theta``, so every derivative comes from matmul.
    """
    name = "affine_grid"
    align = _align(align_corners)
    theta = floating_input(theta, name)
    size = tuple(int(s) for s in size)
    if len(size) not in (4, 5):
        raise ValueError(f"{name}: size must be (N, C, H, W) or (N, C, D, H, W), got {size}")
    if min(size) <= 0:
        raise ValueError(f"{name}: expected non-zero, positive output size, got {size}")
    dims = len(size) - 2
    if align and min(size[2:]) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size "
                      "grids when align_corners=True. This is not an intended use case of "
                      "affine_grid. See the documentation of affine_grid for details.",
                      UserWarning, stacklevel=2)
    if theta.shape != (size[0], dims, dims + 1):
        raise ag.ShapeError(f"{name}: for size {size} theta must be ({size[0]}, {dims}, "
                            f"{dims + 1}), got {tuple(theta.shape)}")
    positions = np.meshgrid(*(_steps(n, align) for n in size[2:]), indexing="ij")
    base = np.stack([*positions[::-1], np.ones(size[2:])], axis=-1)  # x (width) first
    grid = ag.as_tensor(base.reshape(-1, dims + 1).astype(theta.dtype)) @ \
        theta.permute(0, 2, 1)
    return grid.reshape(size[0], *size[2:], dims)


def _reflect(v: np.ndarray, low2: float, high2: float) -> tuple[np.ndarray, np.ndarray]:
    """``v`` reflected into ``[low2/2, high2/2]`` and dv_out/dv_in (±1), PyTorch's
    ``reflect_coordinates_set_grad``."""
    if low2 == high2:
        return np.zeros_like(v), np.zeros_like(v)
    low, span = low2 / 2, (high2 - low2) / 2
    shifted = v - low
    sign = np.where(shifted < 0, -1.0, 1.0)
    shifted = np.abs(shifted)
    extra = np.fmod(shifted, span)
    even = np.floor(shifted / span) % 2 == 0
    return np.where(even, extra + low, span - extra + low), np.where(even, sign, -sign)


def _source_index(coord: ag.Tensor, size: int, padding: str, align: bool) -> ag.Tensor:
    """Pixel coordinates for normalized ``coord``, padded as ``padding`` says, as a Tensor
    whose value is PyTorch's coordinate and whose gradient is PyTorch's multiplier (0 at
    and beyond a clipped border)."""
    c = coord.data
    if align:
        v, mult = (c + 1) / 2 * (size - 1), np.full(c.shape, (size - 1) / 2)
    else:
        v, mult = ((c + 1) * size - 1) / 2, np.full(c.shape, size / 2)
    if padding == "reflection":
        v, flip = _reflect(v, 0.0, 2.0 * (size - 1)) if align else \
            _reflect(v, -1.0, 2.0 * size - 1)
        mult = mult * flip
    if padding in ("border", "reflection"):
        inside = (v > 0) & (v < size - 1)
        v, mult = np.clip(v, 0, size - 1), mult * inside
    mult = mult.astype(c.dtype)
    return coord * mult + ag.as_tensor((v - c * mult).astype(c.dtype))


def _unnormalize(coord: ag.Tensor, size: int, align: bool) -> ag.Tensor:
    """Pixel coordinates for normalized ``coord``, no padding applied (bicubic's)."""
    if align:
        return (coord + 1.0) * ((size - 1) / 2)
    return ((coord + 1.0) * size - 1.0) * 0.5


def _bounded(index: np.ndarray, size: int, padding: str, align: bool) -> np.ndarray:
    """Where bicubic reads the integer position ``index`` (PyTorch's
    ``compute_coordinates``): itself under 'zeros' (reads outside give 0), clipped to the
    edge under 'border', mirrored then clipped under 'reflection'."""
    v = index.astype(np.float64)
    if padding == "reflection":
        v = _reflect(v, 0.0, 2.0 * (size - 1))[0] if align else \
            _reflect(v, -1.0, 2.0 * size - 1)[0]
    if padding in ("border", "reflection"):
        v = np.clip(v, 0, size - 1)
    return np.rint(v).astype(np.int64)


def _cubic_weights(t: ag.Tensor) -> list[ag.Tensor]:
    """The weights of the four taps at offsets −1, 0, 1, 2 for the fraction ``t`` in
    [0, 1): Keys' cubic convolution with PyTorch's ``A = −0.75``,
    ``w(d) = (A+2)|d|³ − (A+3)|d|² + 1`` for ``|d| <= 1`` and
    ``A|d|³ − 5A|d|² + 8A|d| − 4A`` for ``1 < |d| < 2``."""
    a = -0.75

    def near(d: ag.Tensor) -> ag.Tensor:
        return ((a + 2.0) * d - (a + 3.0)) * d * d + 1.0

    def far(d: ag.Tensor) -> ag.Tensor:
        return ((a * d - 5.0 * a) * d + 8.0 * a) * d - 4.0 * a

    return [far(t + 1.0), near(t), near(1.0 - t), far(2.0 - t)]


def grid_sample(input: ag.Tensor, grid: ag.Tensor, mode: str = "bilinear",
                padding_mode: str = "zeros", align_corners: bool | None = None) -> ag.Tensor:
    """``output[n, :, h, w]`` = ``input[n]`` read at the normalized location
    ``grid[n, h, w] = (x, y)`` (−1 the left/top edge, +1 the right/bottom: pixel corners
    with ``align_corners``, else the outer pixels' edges; None means False, with PyTorch's
    warning). ``input`` ``(N, C, H, W)``, ``grid`` ``(N, H_out, W_out, 2)`` → ``(N, C,
    H_out, W_out)``; a volume ``(N, C, D, H, W)`` with ``grid`` ``(N, D_out, H_out, W_out,
    3)`` (x, y, z) → ``(N, C, D_out, H_out, W_out)``.

    ``mode`` 'bilinear' weighs the 2 (4-D) or 2³ (5-D: trilinear) neighbours
    (differentiable in the input and the grid), 'nearest' takes the nearest pixel (ties to
    even, as PyTorch's ``nearbyint``; no gradient for the grid), 'bicubic' (4-D input
    only) weighs the 4×4 neighbours with Keys' cubic kernel (``A = −0.75``, as PyTorch's)
    separably, first along x; it can overshoot the input's range. Outside the image
    ``padding_mode`` 'zeros' reads 0, 'border' the edge pixel and 'reflection' the image
    mirrored at its border. The grid's gradient is 0 where a border clips in bilinear
    mode, as in PyTorch; bicubic pads each tap, not the location, so its grid gradient is
    the cubic weights' derivative throughout (PyTorch's too).
    """
    name = "grid_sample"
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"{name}: mode must be 'bilinear', 'nearest' or 'bicubic', got "
                         f"{mode!r}")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"{name}: padding_mode must be 'zeros', 'border' or 'reflection', "
                         f"got {padding_mode!r}")
    align = _align(align_corners)
    input, grid = floating_input(input, name), floating_input(grid, name)
    dims = input.ndim - 2
    if input.ndim not in (4, 5) or grid.ndim != input.ndim or grid.shape[-1] != dims \
            or grid.shape[0] != input.shape[0]:
        raise ag.ShapeError(f"{name}: expected input (N, C, H, W) and grid (N, H_out, W_out, "
                            "2), or input (N, C, D, H, W) and grid (N, D_out, H_out, W_out, "
                            f"3), with the same N; got input {tuple(input.shape)} and grid "
                            f"{tuple(grid.shape)}")
    if mode == "bicubic" and dims == 3:
        raise ValueError(f"{name}: bicubic interpolation only supports 4D input, got input "
                         f"{tuple(input.shape)}; use mode='bilinear' (trilinear) for volumes")
    if input.dtype != grid.dtype:
        raise TypeError(f"{name}: input is {input.dtype} but grid is {grid.dtype}; convert "
                        "one so they match (as PyTorch requires)")
    batch, spatial = input.shape[0], tuple(input.shape[2:])
    pixels = input.permute(0, *range(2, dims + 2), 1)  # (N, *spatial, C): one gather per read
    rows = np.arange(batch).reshape((-1,) + (1,) * dims)
    # the grid's last axis is (x, y[, z]): the last spatial dim first
    coords = [grid[..., dims - 1 - i] for i in range(dims)]

    def read(index: list[np.ndarray]) -> ag.Tensor:
        """The pixels at integer positions ``index`` (spatial order), 0 outside."""
        inside = np.logical_and.reduce([(i >= 0) & (i < n) for i, n in zip(index, spatial)])
        values = pixels[(rows, *(np.clip(i, 0, n - 1) for i, n in zip(index, spatial)))]
        return values * inside[..., None].astype(input.dtype)

    if mode == "bicubic":
        at = [_unnormalize(c, n, align) for c, n in zip(coords, spatial)]
        (y0, x0) = (np.floor(a.data) for a in at)
        wy = _cubic_weights((at[0] - y0.astype(input.dtype))[..., None])
        wx = _cubic_weights((at[1] - x0.astype(input.dtype))[..., None])
        taps_y = [_bounded(y0 + k, spatial[0], padding_mode, align) for k in (-1, 0, 1, 2)]
        taps_x = [_bounded(x0 + k, spatial[1], padding_mode, align) for k in (-1, 0, 1, 2)]
        out = None
        for y, w_y in zip(taps_y, wy):
            row = None
            for x, w_x in zip(taps_x, wx):
                term = read([y, x]) * w_x
                row = term if row is None else row + term
            out = row * w_y if out is None else out + row * w_y
    else:
        at = [_source_index(c, n, padding_mode, align) for c, n in zip(coords, spatial)]
        if mode == "nearest":
            out = read([np.rint(a.data).astype(np.int64) for a in at])
            # the grid gets PyTorch's all-zero gradient (not None) through a 0 that uses it
            total = at[0]
            for a in at[1:]:
                total = total + a
            unused = np.zeros(total.shape + (1,), dtype=bool)
            out = out + ag.where(unused, total.reshape(*total.shape, 1), 0.0)
        else:
            lows = [np.floor(a.data) for a in at]
            far = [(a - lo.astype(input.dtype))[..., None] for a, lo in zip(at, lows)]
            lows = [lo.astype(np.int64) for lo in lows]
            out = None
            for corner in itertools.product((0, 1), repeat=dims):
                term = read([lo + c for lo, c in zip(lows, corner)])
                for c, f in zip(corner, far):
                    term = term * (f if c else 1.0 - f)
                out = term if out is None else out + term
    return out.permute(0, dims + 1, *range(1, dims + 1))
