"""Taking entries along one axis by a fixed index, and summing gradients back: the op under
``pad``'s non-constant modes and ``interpolate``.

``index_select`` computes the same, but through general fancy indexing whose backward uses
``np.add.at``; with one index per axis, ``np.take`` and sums over groups of equal indices
are several times faster, which matters for a padding or upsampling layer run every step.
"""

from __future__ import annotations

import numpy as np

import autograd as ag


class TakeAlong(ag.Function):
    """``out = np.take(a, index, axis)``; the gradient adds ``g`` back at ``index``."""

    @staticmethod
    def forward(ctx, a, axis, index):
        ctx.axis, ctx.index, ctx.length = axis, index, a.shape[axis]
        return np.take(a, index, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return TakeAddAlong.apply(g, ctx.axis, ctx.index, ctx.length), None, None


class TakeAddAlong(ag.Function):
    """Zeros with ``length`` along ``axis``, where place ``index[j]`` receives the sum of
    ``g``'s slices ``j``; the gradient takes at ``index`` again."""

    @staticmethod
    def forward(ctx, g, axis, index, length):
        ctx.axis, ctx.index = axis, index
        shape = g.shape[:axis] + (length,) + g.shape[axis + 1:]
        if not index.size:
            return np.zeros(shape, dtype=g.dtype)
        # Group the places by the entry they copy; a group holds few places (an edge
        # repeated by the padding, a pixel stretched by upsampling), so sum rank by rank:
        # a few slab additions instead of a per-element scatter.
        order = np.argsort(index, kind="stable")
        ranked = index[order]
        starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
        counts = np.diff(np.r_[starts, ranked.size])
        sums = np.take(g, order[starts], axis=axis)
        head = (slice(None),) * axis
        for rank in range(1, int(counts.max())):
            longer = counts > rank
            part = np.take(g, order[starts[longer] + rank], axis=axis)
            if longer.all():
                sums += part
            else:
                sums[head + (np.flatnonzero(longer),)] += part
        targets = ranked[starts]
        if targets.size == length:  # every entry is copied somewhere: targets is 0..length-1
            return sums
        out = np.zeros(shape, dtype=g.dtype)
        out[head + (targets,)] = sums
        return out

    @staticmethod
    def backward(ctx, gg):
        return TakeAlong.apply(gg, ctx.axis, ctx.index), None, None, None


def take_along(x: ag.Tensor, axis: int, index: np.ndarray) -> ag.Tensor:
    """``x``'s slices ``index[0], index[1], ...`` along ``axis`` (repeats allowed)."""
    return TakeAlong.apply(x, axis, np.asarray(index, dtype=np.int64))
