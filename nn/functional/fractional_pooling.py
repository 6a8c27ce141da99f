"""PyTorch's fractional max pooling (Graham, 2014), ``fractional_max_pool2d/3d`` (and their
``_with_indices`` forms): max pooling whose windows start at pseudo-random, increasing
offsets, so the output can shrink the input by any ratio, not only by an integer stride."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag

from ._inputs import floating_input


def _ntuple(value: Any, n: int, what: str, op: str = "fractional_max_pool2d") -> tuple:
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,) * n
    if len(items) != n:
        raise ValueError(f"{op}: {what} must be one value or a tuple of {n}, got {value!r}")
    return items


def _pair(value: Any, what: str) -> tuple:
    return _ntuple(value, 2, what)


def _starts(sample: np.ndarray, length: int, out: int, pool: int) -> np.ndarray:
    """Window starts ``(..., out)`` for samples ``(...,)`` in [0, 1), PyTorch's
    ``generate_intervals``: ``⌊(i + u)·α⌋ − ⌊u·α⌋`` with ``α = (length − pool)/(out − 1)``,
    in the samples' precision, the last window flush with the end."""
    dtype = sample.dtype.type
    starts = np.empty(sample.shape + (out,), dtype=np.int64)
    if out > 1:
        alpha = dtype(length - pool) / dtype(out - 1)
        i = np.arange(out - 1, dtype=sample.dtype)
        starts[..., :-1] = ((i + sample[..., None]) * alpha).astype(np.int64) \
            - (sample * alpha).astype(np.int64)[..., None]
    starts[..., -1] = length - pool
    return starts


# Which of a plane's samples drives which spatial dim, as in PyTorch's CPU kernels: the 2-D
# one reads width's sample first, the 3-D one goes in the order (T, H, W).
_SAMPLE_OF_DIM = {2: (1, 0), 3: (0, 1, 2)}


def _fractional_max_pool(op: str, n: int, input: Any, kernel_size: Any, output_size: Any,
                         output_ratio: Any, return_indices: bool, _random_samples: Any,
                         rng: np.random.Generator | None) -> Any:
    x = floating_input(input, op)
    layout = ("(C, H, W)", "(N, C, H, W)") if n == 2 else ("(C, T, H, W)", "(N, C, T, H, W)")
    if x.ndim not in (n + 1, n + 2):
        raise ag.ShapeError(f"{op}: expected {n + 1}-D {layout[0]} or {n + 2}-D {layout[1]} "
                            f"input, got shape {tuple(x.shape)}")
    batched = x.ndim == n + 2
    planes = x if batched else x.reshape(1, *x.shape)
    batch, channels, spatial = planes.shape[0], planes.shape[1], tuple(planes.shape[2:])
    kernel = tuple(int(k) for k in _ntuple(kernel_size, n, "kernel_size", op))
    if output_size is None:
        if output_ratio is None:
            raise ValueError(f"{op} requires specifying either an output_size or an "
                             "output_ratio")
        ratio = _ntuple(output_ratio, n, "output_ratio", op)
        if not all(0 < r < 1 for r in ratio):
            raise ValueError(f"{op}: output_ratio must be in (0, 1), got {output_ratio!r}")
        output_size = tuple(int(size * r) for size, r in zip(spatial, ratio))
    out = tuple(int(s) for s in _ntuple(output_size, n, "output_size", op))
    # PyTorch's 3-D kernel wants one spare position per dim, its 2-D kernel none
    spare = 1 if n == 3 else 0
    if any(o + k - 1 + spare > size for o, k, size in zip(out, kernel, spatial)) \
            or min(out + kernel) < 1:
        raise ag.ShapeError(f"{op}: output size {out} with kernel {kernel} does not fit input "
                            f"{spatial}: need output + kernel − 1 {'<' if spare else '<='} "
                            "input in each dim, all positive")
    if _random_samples is None:
        samples = ag.get_rng(rng).random((batch, channels, n)).astype(x.dtype)
    else:
        samples = np.asarray(_random_samples.data if isinstance(_random_samples, ag.Tensor)
                             else _random_samples, dtype=x.dtype)
        if samples.shape != (batch, channels, n):
            raise ag.ShapeError(f"{op}: _random_samples must be {(batch, channels, n)} for "
                                f"input {tuple(x.shape)}, got {samples.shape}")
    # flat index of every window entry, laid out (N, C, *out, *kernel)
    strides = np.cumprod((1,) + spatial[:0:-1])[::-1]
    flat = np.zeros((batch, channels) + (1,) * 2 * n, dtype=np.int64)
    for i, which in enumerate(_SAMPLE_OF_DIM[n]):
        starts = _starts(samples[..., which], spatial[i], out[i], kernel[i])
        along_out = (batch, channels) + (1,) * i + (out[i],) + (1,) * (2 * n - i - 1)
        along_kernel = (1,) * (n + i + 2) + (kernel[i],) + (1,) * (n - i - 1)
        flat = flat + (starts.reshape(along_out)
                       + np.arange(kernel[i]).reshape(along_kernel)) * strides[i]
    flat = flat.reshape(batch, channels, math.prod(out), math.prod(kernel))
    windows = np.take_along_axis(planes.data.reshape(batch, channels, -1),
                                 flat.reshape(batch, channels, -1),
                                 axis=-1).reshape(flat.shape)
    # PyTorch's scan keeps the first maximum, or the last NaN of the window
    nan = np.isnan(windows)
    last_nan = flat.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
    pick = np.where(nan.any(axis=-1), last_nan, np.argmax(windows, axis=-1))
    indices = np.take_along_axis(flat, pick[..., None], axis=-1)[..., 0]
    values = ag.take_along_dim(planes.reshape(batch, channels, -1), indices, dim=2)
    shape = ((batch, channels) if batched else (channels,)) + out
    values, indices = values.reshape(*shape), indices.reshape(shape)
    return (values, ag.from_numpy(indices)) if return_indices else values


def fractional_max_pool2d(input: ag.Tensor, kernel_size: Any, output_size: Any = None,
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Any = None,
                          rng: np.random.Generator | None = None) -> Any:
    """The maximum of each ``kH × kW`` window, the windows starting at pseudo-random
    increasing offsets so that ``(H, W)`` shrinks to ``output_size`` (or
    ``⌊H·ratio⌋, ⌊W·ratio⌋`` for ``output_ratio`` in (0, 1)).

    ``input`` ``(N, C, H, W)`` or ``(C, H, W)``. Each plane draws one sample pair ``u`` in
    [0, 1) (``_random_samples`` ``(N, C, 2)``, width's first, as PyTorch's; else drawn
    from ``rng`` or the global generator — not PyTorch's random stream). The gradient
    goes to the one entry each output picked (the first maximum, or the window's last
    NaN, as PyTorch's CPU kernel); with ``return_indices`` the picks are returned as flat
    ``h·W + w`` indices (int64), as ``max_unpool2d`` takes them.
    """
    return _fractional_max_pool("fractional_max_pool2d", 2, input, kernel_size, output_size,
                                output_ratio, return_indices, _random_samples, rng)


def fractional_max_pool2d_with_indices(input: ag.Tensor, kernel_size: Any,
                                       output_size: Any = None, output_ratio: Any = None,
                                       return_indices: bool = False,
                                       _random_samples: Any = None,
                                       rng: np.random.Generator | None = None
                                       ) -> tuple[ag.Tensor, ag.Tensor]:
    """``fractional_max_pool2d`` that always returns ``(output, indices)`` (PyTorch's;
    ``return_indices`` is accepted and ignored)."""
    return _fractional_max_pool("fractional_max_pool2d_with_indices", 2, input, kernel_size,
                                output_size, output_ratio, True, _random_samples, rng)


def fractional_max_pool3d(input: ag.Tensor, kernel_size: Any, output_size: Any = None,
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Any = None,
                          rng: np.random.Generator | None = None) -> Any:
    """``fractional_max_pool2d`` over the last three dims of ``(N, C, T, H, W)`` or
    ``(C, T, H, W)``: ``kT × kH × kW`` windows at pseudo-random increasing offsets, to
    ``output_size`` or ``⌊size·ratio⌋`` per dim. Each plane's samples ``(N, C, 3)`` drive
    T, H and W in that order (PyTorch's); indices are flat in each volume
    (``(t·H + h)·W + w``), as ``max_unpool3d`` takes them."""
    return _fractional_max_pool("fractional_max_pool3d", 3, input, kernel_size, output_size,
                                output_ratio, return_indices, _random_samples, rng)


def fractional_max_pool3d_with_indices(input: ag.Tensor, kernel_size: Any,
                                       output_size: Any = None, output_ratio: Any = None,
                                       return_indices: bool = False,
                                       _random_samples: Any = None,
                                       rng: np.random.Generator | None = None
                                       ) -> tuple[ag.Tensor, ag.Tensor]:
    """``fractional_max_pool3d`` that always returns ``(output, indices)``."""
    return _fractional_max_pool("fractional_max_pool3d_with_indices", 3, input, kernel_size,
                                output_size, output_ratio, True, _random_samples, rng)
