"""Picking entries out of flattened planes by index, and putting them back: the ops under
max pooling (``max_pool*``, ``adaptive_max_pool*``) and ``max_unpool*``.

A tensor ``(P, L)`` is P planes of L entries; ``idx`` ``(P, M)`` holds M positions per
plane (PyTorch's "flat index per plane" of ``return_indices``). ``PlaneGather`` and
``PlaneScatterAdd`` also take channels-last planes ``(N, L, C)`` with ``idx``
``(N, M, C)``: the plane of channel c is ``a[n, :, c]``. Gathering and scatter-adding are
each other's gradients, so every op here is differentiable to any order.
"""

from __future__ import annotations

import numpy as np

import autograd as ag


def _flat(idx: np.ndarray, length: int) -> np.ndarray:
    """Positions in the flattened ``(P·length,)`` array."""
    return (idx + np.arange(idx.shape[0])[:, None] * length).ravel()


class PlaneGather(ag.Function):
    """``out[p, m] = a[p, idx[p, m]]`` (with channels ``out[n, m, c] = a[n, idx[n, m, c],
    c]``); the gradient adds ``g`` back at ``idx``. ``taken``,
    when the caller already has those values (max pooling's kernel finds them with the
    indices), saves the gather."""

    @staticmethod
    def forward(ctx, a, idx, unique, taken=None):
        ctx.idx, ctx.length, ctx.unique = idx, a.shape[1], unique
        return np.take_along_axis(a, idx, axis=1) if taken is None else taken

    @staticmethod
    def backward(ctx, g):
        return PlaneScatterAdd.apply(g, ctx.idx, ctx.length, ctx.unique), None, None, None


class PlaneScatterAdd(ag.Function):
    """Zeros ``(P, length)`` with ``g[p, m]`` added at ``idx[p, m]`` (with channels, zeros
    ``(N, length, C)`` with ``g[n, m, c]`` added at ``[n, idx[n, m, c], c]``; repeats sum); the
    gradient gathers at ``idx``. ``unique`` (no position twice in a plane) lets the NumPy
    reference store instead of summing (``autograd.kernels.plane_scatter_add``)."""

    @staticmethod
    def forward(ctx, g, idx, length, unique):
        ctx.idx, ctx.unique = idx, unique
        return ag.kernels.plane_scatter_add(g, idx, length, unique)

    @staticmethod
    def backward(ctx, gg):
        return PlaneGather.apply(gg, ctx.idx, ctx.unique), None, None, None


class PlanePut(ag.Function):
    """Zeros ``(P, length)`` with ``a[p, m]`` stored at ``idx[p, m]`` (a repeated position
    keeps one of its values, as PyTorch's ``max_unpool``); the gradient gathers at ``idx``."""

    @staticmethod
    def forward(ctx, a, idx, length):
        ctx.idx = idx
        out = np.zeros(a.shape[0] * length, dtype=a.dtype)
        out[_flat(idx, length)] = a.ravel()
        return out.reshape(a.shape[0], length)

    @staticmethod
    def backward(ctx, g):
        return PlaneGather.apply(g, ctx.idx, False), None, None
