"""PyTorch's fractional max pooling (Graham, 2014), ``fractional_max_pool2d``: max pooling
whose windows start at pseudo-random, increasing offsets, so the output can shrink the
input by any ratio, not only by an integer stride."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from ._inputs import floating_input

_NAME = "fractional_max_pool2d"


def _pair(value: Any, what: str) -> tuple:
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2:
        raise ValueError(f"{_NAME}: {what} must be one value or a pair, got {value!r}")
    return items


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
    goes to the one entry each output picked (the first maximum, or a nan); with
    ``return_indices`` the picks are returned as flat ``h·W + w`` indices (int64), as
    ``max_unpool2d`` takes them.
    """
    x = floating_input(input, _NAME)
    if x.ndim not in (3, 4):
        raise ag.ShapeError(f"{_NAME}: expected 3-D (C, H, W) or 4-D (N, C, H, W) input, got "
                            f"shape {tuple(x.shape)}")
    batched = x.ndim == 4
    planes = x if batched else x.reshape(1, *x.shape)
    n, c, height, width = planes.shape
    k_h, k_w = (int(k) for k in _pair(kernel_size, "kernel_size"))
    if output_size is None:
        if output_ratio is None:
            raise ValueError(f"{_NAME} requires specifying either an output_size or an "
                             "output_ratio")
        ratio = _pair(output_ratio, "output_ratio")
        if not all(0 < r < 1 for r in ratio):
            raise ValueError(f"{_NAME}: output_ratio must be in (0, 1), got {output_ratio!r}")
        output_size = (int(height * ratio[0]), int(width * ratio[1]))
    out_h, out_w = (int(s) for s in _pair(output_size, "output_size"))
    if out_h + k_h - 1 > height or out_w + k_w - 1 > width or min(out_h, out_w, k_h, k_w) < 1:
        raise ag.ShapeError(f"{_NAME}: output size ({out_h}, {out_w}) with kernel ({k_h}, "
                            f"{k_w}) does not fit input {(height, width)}: need output + "
                            "kernel − 1 <= input in each dim, all positive")
    if _random_samples is None:
        samples = ag.get_rng(rng).random((n, c, 2)).astype(x.dtype)
    else:
        samples = np.asarray(_random_samples.data if isinstance(_random_samples, ag.Tensor)
                             else _random_samples, dtype=x.dtype)
        if samples.shape != (n, c, 2):
            raise ag.ShapeError(f"{_NAME}: _random_samples must be ({n}, {c}, 2) for input "
                                f"{tuple(x.shape)}, got {samples.shape}")
    rows = _starts(samples[..., 1], height, out_h, k_h)  # (N, C, out_h)
    cols = _starts(samples[..., 0], width, out_w, k_w)
    window_h = rows[..., :, None, None, None] + np.arange(k_h)[:, None]  # (N,C,oh,1,kh,1)
    window_w = cols[..., None, :, None, None] + np.arange(k_w)            # (N,C,1,ow,1,kw)
    flat = (window_h * width + window_w).reshape(n, c, out_h, out_w, k_h * k_w)
    windows = np.take_along_axis(planes.data.reshape(n, c, -1), flat.reshape(n, c, -1),
                                 axis=-1).reshape(flat.shape)
    nan = np.isnan(windows)
    pick = np.where(nan.any(axis=-1), np.argmax(nan, axis=-1), np.argmax(windows, axis=-1))
    indices = np.take_along_axis(flat, pick[..., None], axis=-1)[..., 0]
    out = ag.take_along_dim(planes.reshape(n, c, -1), indices.reshape(n, c, -1), dim=2)
    out = out.reshape(n, c, out_h, out_w)
    if not batched:
        out, indices = out.reshape(c, out_h, out_w), indices.reshape(c, out_h, out_w)
    return (out, ag.from_numpy(indices)) if return_indices else out
