"""NumPy definitions of the sliding-window kernels (``windows.py``): what runs for other
dtypes and under ``GRAPHGRAD_KERNELS=numpy``, and what the kernels are tested against.

The geometry arguments are per spatial dim: ``kernel``, ``dilation``, ``stride``, the
padding ``pads`` as ``(before, after)`` pairs, the input ``size`` and the window
``count``; ``groups`` splits the channels.
"""

from __future__ import annotations

import itertools
import math

import numpy as np


def im2col(x: np.ndarray, kernel: tuple, dilation: tuple, stride: tuple, pads: tuple,
           size: tuple, count: tuple, groups: int) -> np.ndarray:
    """The windows of ``x`` ``(N, C, *S)``, zero-padded, as rows ``(G, N, *O, *K, C/G)``:
    a strided view of the channels-last padded input, copied."""
    n, c = x.shape[:2]
    last = np.moveaxis(x, 1, -1)
    if any(lo or hi for lo, hi in pads):
        last = np.pad(last, ((0, 0),) + tuple(pads) + ((0, 0),))
    last = np.ascontiguousarray(last).reshape(last.shape[:-1] + (groups, c // groups))
    batch, *spatial, group, channel = last.strides
    shape = (groups, n) + tuple(count) + tuple(kernel) + (c // groups,)
    strides = ((group, batch) + tuple(t * s for t, s in zip(stride, spatial))
               + tuple(d * s for d, s in zip(dilation, spatial)) + (channel,))
    view = np.lib.stride_tricks.as_strided(last, shape, strides, writeable=False)
    return np.array(view, order="C")


def im2col_taps(x: np.ndarray, kernel: tuple, dilation: tuple, stride: tuple, pads: tuple,
                size: tuple, count: tuple) -> np.ndarray:
    """``im2col``'s rows of one group transposed: ``(∏K·C, N·∏O)``, C-contiguous."""
    rows = im2col(x, kernel, dilation, stride, pads, size, count, 1)
    return np.ascontiguousarray(rows.reshape(-1, math.prod(kernel) * x.shape[1]).T)


def col2im(rows: np.ndarray, kernel: tuple, dilation: tuple, stride: tuple, pads: tuple,
           size: tuple, count: tuple, groups: int) -> np.ndarray:
    """Rows ``(G, N, *O, *K, C/G)`` added back into ``(N, C, *S)``: one strided add per
    tap into the padded input, then the padding cropped."""
    nd = len(kernel)
    n = rows.shape[1]
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(size, pads))
    out = np.zeros((groups, n) + padded + rows.shape[-1:], dtype=rows.dtype)
    # One copy with the taps first makes every add below read one contiguous block,
    # whatever layout the rows (often a gradient, a permuted view) arrive in.
    by_tap = np.ascontiguousarray(np.moveaxis(rows, tuple(range(nd + 2, 2 * nd + 2)),
                                              tuple(range(nd))))
    for taps in itertools.product(*map(range, kernel)):
        place = tuple(slice(t * d, t * d + s * (o - 1) + 1, s)
                      for t, d, s, o in zip(taps, dilation, stride, count))
        out[(slice(None), slice(None)) + place] += by_tap[taps]
    crop = tuple(slice(lo, lo + s) for (lo, _), s in zip(pads, size))
    out = out[(slice(None), slice(None)) + crop]  # (G, N, *S, C/G)
    out = out.transpose((1, 0, nd + 2) + tuple(range(2, nd + 2)))
    return np.ascontiguousarray(out).reshape((n, groups * rows.shape[-1]) + tuple(size))


def _axis(i: int, n: int, values: np.ndarray) -> np.ndarray:
    """``values`` laid along output dim ``i`` of ``(P, *out)`` for broadcasting."""
    return values.reshape((1,) * (i + 1) + (-1,) + (1,) * (n - i - 1))


def max_pool_argmax(a: np.ndarray, kernel: tuple, stride: tuple, padding: tuple,
                    dilation: tuple, count: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Each window's maximum of ``a`` ``(P, *S)`` and its flat index per plane, both
    ``(P, ∏count)``, by PyTorch's CPU scan: start at the window's first entry inside the
    input, then take each later entry that is greater, or NaN (ties keep the first
    maximum, a NaN wins and the last NaN stays). Padding, −inf, never wins; a window with
    no input entry gives −inf. One vectorized pass per kernel offset."""
    k, s, p, d, out = kernel, stride, padding, dilation, count
    n, spatial = len(k), a.shape[1:]
    right = [max(0, (o - 1) * st + (kk - 1) * dd + 1 - pp - sz)
             for o, st, kk, dd, pp, sz in zip(out, s, k, d, p, spatial)]
    padded = a
    if any(p) or any(right):
        padded = np.full((a.shape[0],) + tuple(sz + pp + r for sz, pp, r in
                                               zip(spatial, p, right)), -np.inf, dtype=a.dtype)
        padded[(slice(None),) + tuple(slice(pp, pp + sz) for pp, sz in zip(p, spatial))] = a
    starts = [np.arange(o) * st - pp for o, st, pp in zip(out, s, p)]
    first = [-(np.minimum(b, 0) // dd) for b, dd in zip(starts, d)]  # first offset inside
    loc = sum(_axis(i, n, f * math.prod(k[i + 1:])) for i, f in enumerate(first))
    loc = np.broadcast_to(loc, (a.shape[0],) + out).copy()
    best = np.full(loc.shape, -np.inf, dtype=a.dtype)
    has_nan = bool(np.isnan(a).any())
    for j, offset in enumerate(np.ndindex(*k)):
        window = padded[(slice(None),) + tuple(
            slice(kk * dd, kk * dd + (o - 1) * st + 1, st)
            for kk, dd, o, st in zip(offset, d, out, s))]
        wins = window > best
        if has_nan:
            wins |= np.isnan(window)
        np.copyto(best, window, where=wins)
        np.copyto(loc, j, where=wins)
    multipliers = np.cumprod((1,) + spatial[:0:-1])[::-1]
    base = sum(_axis(i, n, b * m) for i, (b, m) in enumerate(zip(starts, multipliers)))
    taps = [np.arange(kk) * dd * m for kk, dd, m in zip(k, d, multipliers)]
    steps = sum(np.ix_(*taps)).ravel()
    indices = (base + steps[loc]).reshape(a.shape[0], math.prod(out))
    return best.reshape(a.shape[0], math.prod(out)), indices


def max_pool_argmax_channels_last(a: np.ndarray, kernel: tuple, stride: tuple,
                                  padding: tuple, dilation: tuple,
                                  count: tuple) -> tuple[np.ndarray, np.ndarray]:
    """``max_pool_argmax`` of channels-last ``a`` ``(N, *S, C)``: values and indices
    ``(N, ∏count, C)``, by the planes of its channels."""
    n, c = a.shape[0], a.shape[-1]
    planes = np.moveaxis(a, -1, 1).reshape((n * c,) + a.shape[1:-1])
    values, indices = max_pool_argmax(planes, kernel, stride, padding, dilation, count)
    return (np.ascontiguousarray(values.reshape(n, c, -1).transpose(0, 2, 1)),
            np.ascontiguousarray(indices.reshape(n, c, -1).transpose(0, 2, 1)))


def plane_scatter_add(g: np.ndarray, indices: np.ndarray, length: int,
                      unique: bool) -> np.ndarray:
    """Zeros ``(P, length)`` with ``g[p, m]`` added at ``indices[p, m]``, or zeros
    ``(P, length, C)`` with ``g[p, m, c]`` added at ``[p, indices[p, m, c], c]`` (repeats
    sum); ``unique`` (no position twice in a plane) allows a plain store."""
    planes, channels = g.shape[0], (g.shape[2] if g.ndim == 3 else 1)
    at = indices.reshape(planes, g.shape[1], channels)
    flat = ((at + np.arange(planes)[:, None, None] * length) * channels
            + np.arange(channels)).ravel()
    if unique:
        out = np.zeros(planes * length * channels, dtype=g.dtype)
        out[flat] = g.ravel()
    else:
        out = np.bincount(flat, weights=g.ravel(), minlength=planes * length * channels)
    return out.astype(g.dtype, copy=False).reshape((planes, length) + g.shape[2:])
