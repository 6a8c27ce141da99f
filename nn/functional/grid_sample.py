"""PyTorch's spatial transformer sampling: ``affine_grid`` (a sampling grid from affine
matrices) and ``grid_sample`` (an input read at a grid of normalized locations, bilinear
or nearest), composed from engine ops so the gradients reach the input, the grid and
the matrices."""

from __future__ import annotations

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


def grid_sample(input: ag.Tensor, grid: ag.Tensor, mode: str = "bilinear",
                padding_mode: str = "zeros", align_corners: bool | None = None) -> ag.Tensor:
    """``output[n, :, h, w]`` = ``input[n]`` read at the normalized location
    ``grid[n, h, w] = (x, y)`` (−1 the left/top edge, +1 the right/bottom: pixel corners
    with ``align_corners``, else the outer pixels' edges; None means False, with PyTorch's
    warning). ``input`` ``(N, C, H, W)``, ``grid`` ``(N, H_out, W_out, 2)`` → ``(N, C,
    H_out, W_out)``.

    ``mode`` 'bilinear' weighs the four neighbours (differentiable in the input and the
    grid), 'nearest' takes the nearest pixel (ties to even, as PyTorch's ``nearbyint``; no
    gradient for the grid). Outside the image ``padding_mode`` 'zeros' reads 0, 'border'
    the edge pixel and 'reflection' the image mirrored at its border; the grid's gradient
    is 0 where a border clips, as in PyTorch. 4-D input only (5-D volumes are refused).
    """
    name = "grid_sample"
    if mode not in ("bilinear", "nearest"):
        raise ValueError(f"{name}: mode must be 'bilinear' or 'nearest', got {mode!r} "
                         "('bicubic' is not implemented)")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"{name}: padding_mode must be 'zeros', 'border' or 'reflection', "
                         f"got {padding_mode!r}")
    align = _align(align_corners)
    input, grid = floating_input(input, name), floating_input(grid, name)
    if input.ndim != 4 or grid.ndim != 4 or grid.shape[-1] != 2 \
            or grid.shape[0] != input.shape[0]:
        raise ag.ShapeError(f"{name}: expected input (N, C, H, W) and grid (N, H_out, W_out, "
                            f"2) with the same N, got input {tuple(input.shape)} and grid "
                            f"{tuple(grid.shape)}")
    if input.dtype != grid.dtype:
        raise TypeError(f"{name}: input is {input.dtype} but grid is {grid.dtype}; convert "
                        "one so they match (as PyTorch requires)")
    batch, _, height, width = input.shape
    ix = _source_index(grid[..., 0], width, padding_mode, align)
    iy = _source_index(grid[..., 1], height, padding_mode, align)
    pixels = input.permute(0, 2, 3, 1)  # (N, H, W, C): one gather per location
    rows = np.arange(batch).reshape(-1, 1, 1)

    def read(y: np.ndarray, x: np.ndarray) -> ag.Tensor:
        inside = (y >= 0) & (y < height) & (x >= 0) & (x < width)
        values = pixels[rows, np.clip(y, 0, height - 1), np.clip(x, 0, width - 1)]
        return values * inside[..., None].astype(input.dtype)

    if mode == "nearest":
        out = read(np.rint(iy.data).astype(np.int64), np.rint(ix.data).astype(np.int64))
        # the grid gets PyTorch's all-zero gradient (not None) through a 0 that uses it
        unused = np.zeros(ix.shape + (1,), dtype=bool)
        out = out + ag.where(unused, (ix + iy).reshape(*ix.shape, 1), 0.0)
    else:
        x0, y0 = np.floor(ix.data), np.floor(iy.data)
        east, south = (ix - x0.astype(input.dtype))[..., None], \
            (iy - y0.astype(input.dtype))[..., None]
        west, north = 1.0 - east, 1.0 - south
        x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
        out = (read(y0, x0) * west * north + read(y0, x0 + 1) * east * north
               + read(y0 + 1, x0) * west * south + read(y0 + 1, x0 + 1) * east * south)
    return out.permute(0, 3, 1, 2)
