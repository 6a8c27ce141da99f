"""im2col and col2im: PyTorch's ``F.unfold`` / ``F.fold``, and the two recorded ops every
convolution here is built on.

``Im2Col`` copies the sliding windows of a zero-padded ``(N, C, *S)`` input into a
contiguous array of rows ``(G, N, *O, *K, C/G)``: per channel group ``g`` a matrix with
one row per window (channels innermost, so the copy reads runs of channels), ready for
one large BLAS product per group with the weight; ``Col2Im`` adds such rows back into an
``(N, C, *S)`` array, overlaps summing. Each is the other's gradient, so both are
differentiable to any order.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

import autograd as ag

from ._inputs import floating_input


class Windows(NamedTuple):
    """Where the windows sit: per spatial dim the kernel size, dilation, stride, the
    zero padding ``(before, after)``, the unpadded size and the number of windows; and
    the number of channel groups."""

    kernel: tuple[int, ...]
    dilation: tuple[int, ...]
    stride: tuple[int, ...]
    pads: tuple[tuple[int, int], ...]
    size: tuple[int, ...]
    count: tuple[int, ...]
    groups: int = 1


def window_count(size: int, kernel: int, dilation: int, stride: int, pad: tuple[int, int]) -> int:
    """Windows of ``kernel`` taps ``dilation`` apart, ``stride`` apart, in ``size + pads``."""
    return (size + pad[0] + pad[1] - dilation * (kernel - 1) - 1) // stride + 1


class Im2Col(ag.Function):
    """``(N, C, *S)`` → its windows as rows ``(G, N, *O, *K, C/G)``; the gradient is
    ``Col2Im``."""

    @staticmethod
    def forward(ctx, x, windows):
        ctx.windows = windows
        return ag.kernels.im2col(x, *windows)

    @staticmethod
    def backward(ctx, g):
        return Col2Im.apply(g, ctx.windows), None


class Col2Im(ag.Function):
    """Window rows ``(G, N, *O, *K, C/G)`` summed back into ``(N, C, *S)``; the gradient is
    ``Im2Col``."""

    @staticmethod
    def forward(ctx, cols, windows):
        ctx.windows = windows
        return ag.kernels.col2im(cols, *windows)

    @staticmethod
    def backward(ctx, g):
        return Im2Col.apply(g, ctx.windows), None


def ntuple(value: Any, n: int, what: str, name: str, least: int) -> tuple[int, ...]:
    """An int or a sequence of ``n`` ints, each at least ``least``, as an ``n``-tuple."""
    values = (value,) * n if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != n or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                   for v in values):
        raise TypeError(f"{name}: {what} must be an int or a tuple of {n} ints, got {value!r}")
    if any(v < least for v in values):
        raise ValueError(f"{name}: {what} must be at least {least}, got {value!r}")
    return tuple(int(v) for v in values)


def _geometry(name: str, kernel_size: Any, dilation: Any, padding: Any, stride: Any,
              ) -> tuple[tuple[int, int], tuple[int, int], tuple[tuple[int, int], ...],
                         tuple[int, int]]:
    kernel = ntuple(kernel_size, 2, "kernel_size", name, 1)
    pad = ntuple(padding, 2, "padding", name, 0)
    return (kernel, ntuple(dilation, 2, "dilation", name, 1), tuple((p, p) for p in pad),
            ntuple(stride, 2, "stride", name, 1))


def unfold(input: ag.Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> ag.Tensor:
    """im2col (PyTorch's ``F.unfold``): the sliding ``kH×kW`` blocks of a zero-padded
    ``(N, C, H, W)`` (or unbatched ``(C, H, W)``) input as columns, ``(N, C·kH·kW, L)``
    with ``L = L_H·L_W`` blocks, ``L_d = ⌊(size + 2·pad − dil·(k − 1) − 1)/stride⌋ + 1``;
    column ``l`` holds block ``l`` in row-major order, rows ordered ``(c, i, j)``.
    ``out[n, (c·kH + i)·kW + j, a·L_W + b] = x_pad[n, c, a·sH + i·dH, b·sW + j·dW]``.
    The gradient is ``fold`` of the upstream gradient (overlapping blocks add)."""
    x = floating_input(input, "unfold")
    if x.ndim not in (3, 4):
        raise ag.ShapeError(f"unfold: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got "
                            f"shape {x.shape}")
    kernel, dil, pads, step = _geometry("unfold", kernel_size, dilation, padding, stride)
    batched = x if x.ndim == 4 else ag.unsqueeze(x, 0)
    size = tuple(batched.shape[2:])
    count = tuple(map(window_count, size, kernel, dil, step, pads))
    if min(count) <= 0:
        raise ag.ShapeError(f"unfold: input of shape {x.shape} padded by {padding} is smaller "
                            f"than the kernel {kernel} with dilation {dil}; no block fits")
    rows = Im2Col.apply(batched, Windows(kernel, dil, step, pads, size, count))
    n, c = batched.shape[:2]
    blocks = math.prod(count)
    per_block = ag.reshape(rows, (n, blocks) + kernel + (c,))
    out = ag.reshape(ag.permute(per_block, (0, 4, 2, 3, 1)), (n, c * math.prod(kernel), blocks))
    return out if x.ndim == 4 else ag.squeeze(out, 0)


def fold(input: ag.Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1,
         padding: Any = 0, stride: Any = 1) -> ag.Tensor:
    """col2im (PyTorch's ``F.fold``), the adjoint of ``unfold``: columns ``(N, C·kH·kW, L)``
    (or unbatched ``(C·kH·kW, L)``) summed into ``(N, C, *output_size)``, each block added
    where ``unfold`` read it (overlaps sum; the padding is cut off). ``L`` must be the
    number of blocks ``unfold`` would make for ``output_size``. The gradient is ``unfold``
    of the upstream gradient. ``fold(unfold(x))`` is ``x`` times how many blocks cover
    each pixel, not ``x``."""
    x = floating_input(input, "fold")
    if x.ndim not in (2, 3):
        raise ag.ShapeError(f"fold: expected a 2-D (C·kH·kW, L) or 3-D (N, C·kH·kW, L) input, "
                            f"got shape {x.shape}")
    size = ntuple(output_size, 2, "output_size", "fold", 1)
    kernel, dil, pads, step = _geometry("fold", kernel_size, dilation, padding, stride)
    batched = x if x.ndim == 3 else ag.unsqueeze(x, 0)
    n, rows, blocks = batched.shape
    taps = math.prod(kernel)
    if rows % taps:
        raise ag.ShapeError(f"fold: input of shape {x.shape}: its dim {x.ndim - 2} ({rows}) "
                            f"must be divisible by the product of kernel_size {kernel} ({taps})")
    count = tuple(map(window_count, size, kernel, dil, step, pads))
    if min(count) <= 0 or math.prod(count) != blocks:
        raise ag.ShapeError(
            f"fold: output_size={size}, kernel_size={kernel}, dilation={dil}, "
            f"padding={padding}, stride={step} make {' * '.join(map(str, count))} blocks, but "
            f"the input of shape {x.shape} has {blocks} (its last dim)")
    per_block = ag.permute(ag.reshape(batched, (n, rows // taps) + kernel + (blocks,)),
                           (0, 4, 2, 3, 1))
    windows = ag.reshape(per_block, (1, n) + count + kernel + (rows // taps,))
    out = Col2Im.apply(windows, Windows(kernel, dil, step, pads, size, count))
    return out if x.ndim == 3 else ag.squeeze(out, 0)
