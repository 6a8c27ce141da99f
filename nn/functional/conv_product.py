"""A convolution's product with its weight, ``im2col(x) @ Wᵀ + b``, run over the batch in
chunks of images, so that each chunk's im2col rows are still in the cache when BLAS reads
them.

Built whole, the rows of a convolution are ``∏K·C`` times its input (5×5 taps over 16
channels: 400 floats per output position, 20 MB for 64 images of 14×14) and every pass
over them runs at memory speed: im2col writes them, the product reads them, the weight
gradient reads them again. In chunks of ~2 MiB the rows stay in the cache between
im2col and the product; the backward makes each chunk's rows again instead of keeping
them, so the graph holds the input only. Measured on that layer (float32, Zen 5, 3
alternated rounds): forward 3.4–3.8 → 2.2–2.25 ms, forward and backward 9.2–10.0 →
7.8–8.4 ms; chunks of 1 MiB gave 2.5–2.7 ms forward (``bench/README.md`` finding 27).
"""

from __future__ import annotations

import math

import numpy as np

import autograd as ag

from ._inputs import channels_last
from .fold import Col2Im, Im2Col, Windows

CHUNK_BYTES = 1 << 21  # the im2col rows of one chunk of images
# Below this many values per window and tap row (K_last·C), the rows are built taps
# first (``im2col_taps``): LeNet's 5×5 over one channel, 26 images, 270 → 101 µs.
TAPS_FIRST_BELOW = 16


def images_per_chunk(n: int, positions: int, taps: int, itemsize: int) -> int:
    """How many images' rows (``positions · taps`` values of ``itemsize`` bytes each) make
    one chunk: as many as fit in ``CHUNK_BYTES``, at least one, at most ``n``."""
    return max(1, min(n, CHUNK_BYTES // max(1, positions * taps * itemsize)))


class Im2ColProduct(ag.Function):
    """``rows @ wᵀ + b`` with ``rows = im2col(x)`` as ``(N·∏O, taps)``: x ``(N, C, *S)``,
    w ``(C_out, taps)`` with ``taps = ∏K·C`` in im2col's order, b ``(C_out,)`` or None →
    ``(N·∏O, C_out)``, one channel group (``windows.groups == 1``).

    ``Im2ColProduct.apply(x, w, b, windows)``. The same values as ``Im2Col`` followed by
    ``linear``, computed a chunk of images at a time (``images_per_chunk``); where a
    window's taps make runs under ``TAPS_FIRST_BELOW`` values the rows are made taps
    first (``cols = rowsᵀ``, ``im2col_taps``) and multiplied transposed. Backward:
    ``dW = Σ_chunks g_cᵀ rows_c`` (each chunk's rows made again; ``(cols_c g_c)ᵀ`` taps
    first), ``dx = col2im(g @ w)`` per chunk, ``db = Σ g``; under ``create_graph=True``
    the same formulas as recorded ops (``Im2Col``, ``Col2Im``, ``matmul``),
    differentiable again.
    """

    @staticmethod
    def forward(ctx, x, w, b, windows):
        n, taps = x.shape[0], w.shape[1]
        positions = math.prod(windows.count)
        chunk = images_per_chunk(n, positions, taps, x.itemsize)
        taps_first = windows.kernel[-1] * x.shape[1] < TAPS_FIRST_BELOW
        out = np.empty((n * positions, w.shape[0]), x.dtype)
        for s in range(0, n, chunk):
            part = out[s * positions:(s + chunk) * positions]
            if taps_first:
                ag.kernels.matmul(ag.kernels.im2col_taps(x[s:s + chunk], *windows[:-1]).T,
                                  w.T, out=part)
            else:
                ag.kernels.matmul(ag.kernels.im2col(x[s:s + chunk], *windows).reshape(-1, taps),
                                  w.T, out=part)
        if b is not None:
            ag.kernels.add_bias_(out, b)
        ctx.save_for_backward(x, w, b)
        ctx.windows, ctx.chunk, ctx.taps_first = windows, chunk, taps_first
        return out

    @staticmethod
    def backward(ctx, g):
        x, w, b = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        windows: Windows = ctx.windows
        taps = w.shape[1]
        if ag.is_grad_enabled():
            rows = Im2Col.apply(x, windows)
            return (Col2Im.apply(ag.reshape(ag.matmul(g, w), rows.shape), windows)
                    if need_x else None,
                    ag.matmul(g.T, ag.reshape(rows, (-1, taps))) if need_w else None,
                    g.sum(0) if need_b and b is not None else None, None)
        xd, wd, gd = x.data, w.data, g.data
        positions, chunk = math.prod(windows.count), ctx.chunk
        last = channels_last(xd)  # as after a convolution, ReLU and max pooling
        dx = np.empty_like(xd) if need_x else None  # in x's layout
        dw = np.zeros(wd.shape, wd.dtype) if need_w else None
        for s in range(0, xd.shape[0], chunk):
            g_chunk = gd[s * positions:(s + chunk) * positions]
            if need_w and ctx.taps_first:
                dw += ag.kernels.matmul(ag.kernels.im2col_taps(xd[s:s + chunk], *windows[:-1]),
                                        g_chunk).T
            elif need_w:
                rows = ag.kernels.im2col(xd[s:s + chunk], *windows)
                dw += ag.kernels.matmul(g_chunk.T, rows.reshape(-1, taps))
            if need_x:
                shape = (1, min(chunk, xd.shape[0] - s)) + tuple(windows.count) + \
                    tuple(windows.kernel) + (xd.shape[1],)
                dx[s:s + chunk] = ag.kernels.col2im(ag.kernels.matmul(g_chunk, wd).reshape(shape),
                                                    *windows, channels_last=last)
        db = ag.kernels.batch_sum(gd) if need_b and b is not None else None
        return (*(None if a is None else ag.from_numpy(a) for a in (dx, dw, db)), None)
