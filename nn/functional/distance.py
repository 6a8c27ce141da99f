"""Distances and normalization: ``cosine_similarity``, ``pairwise_distance``, ``normalize``.

PyTorch's formulas, composed from engine ops (``ag.norm`` among them, whose gradient at the
zero vector is 0, as PyTorch's), so the gradient and its own gradient come from the engine.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from ._inputs import floating_input


def _tensor(x: Any) -> ag.Tensor:
    return x if isinstance(x, ag.Tensor) else ag.as_tensor(x)


def _broadcast_shape(x1: ag.Tensor, x2: ag.Tensor, name: str) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ag.ShapeError(f"{name}: x1 of shape {tuple(x1.shape)} and x2 of shape "
                            f"{tuple(x2.shape)} cannot be broadcast together") from None


def _dim_in(dim: int, ndim: int, shape: tuple[int, ...], name: str) -> int:
    """``dim`` counted from the front; a 0-d shape takes dim 0 or −1, as in PyTorch."""
    rank = max(ndim, 1)
    if not -rank <= dim < rank:
        raise IndexError(f"{name}: dim {dim} is out of range for the inputs broadcast to "
                         f"shape {shape} (dims {-rank} to {rank - 1})")
    return dim % rank if ndim else dim


def _clamped_norm(x: ag.Tensor, dim: int, eps: float) -> ag.Tensor:
    """``max(‖x‖₂, eps)`` along ``dim`` (kept) in value, with the derivative of ``‖x‖₂``
    everywhere, as PyTorch's ``cosine_similarity`` (it clamps the norm in place, outside
    autograd): where the norm is below ``eps`` the value is ``eps`` but the gradient still
    flows through the norm."""
    n = ag.norm(x, 2, dim=dim, keepdim=True)
    low = n < eps
    small = ag.where(low, n, 0.0)  # finite, so the zero below is exact (no inf − inf)
    return ag.where(low, (small - small.detach()) + eps, n)


def cosine_similarity(x1: ag.Tensor, x2: ag.Tensor, dim: int = 1,
                      eps: float = 1e-8) -> ag.Tensor:
    """``Σ_dim (x1 / max(‖x1‖₂, eps)) · (x2 / max(‖x2‖₂, eps))``: the cosine of the angle
    between the vectors along ``dim``, PyTorch's current formula.

    x1 and x2 broadcast to a common shape first, and ``dim`` indexes that shape; the result
    has that shape without ``dim`` (so ``(N, D)``, ``(N, D)`` → ``(N,)`` with ``dim=1``).
    Each vector is divided by its norm before the product, so the result stays in [−1, 1]
    and does not overflow. A norm below ``eps`` is taken as ``eps`` in value but not in the
    gradient, as in PyTorch (which clamps it outside autograd); a zero vector gives 0 with
    gradient 0 through its norm. An integer input takes the other's float dtype; two
    integer inputs are refused, as in PyTorch.
    """
    x1, x2 = _tensor(x1), _tensor(x2)
    ints1, ints2 = x1.dtype.kind in "iub", x2.dtype.kind in "iub"
    if ints1 and ints2:
        raise TypeError(f"cosine_similarity: at least one input must be floating point, got "
                        f"{x1.dtype} and {x2.dtype} (as in PyTorch); convert them first, "
                        "e.g. x.astype(np.float32)")
    x1 = ag.astype(x1, x2.dtype) if ints1 else floating_input(x1, "cosine_similarity")
    x2 = ag.astype(x2, x1.dtype) if ints2 else floating_input(x2, "cosine_similarity")
    shape = _broadcast_shape(x1, x2, "cosine_similarity")
    dim = _dim_in(dim, len(shape), shape, "cosine_similarity")
    x1, x2 = ag.broadcast_to(x1, shape), ag.broadcast_to(x2, shape)
    unit1 = x1 / _clamped_norm(x1, dim, eps)
    unit2 = x2 / _clamped_norm(x2, dim, eps)
    return ag.sum(unit1 * unit2, dim=dim)


def pairwise_distance(x1: ag.Tensor, x2: ag.Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> ag.Tensor:
    """``‖x1 − x2 + eps‖_p`` over the last dim of the broadcast shape: the p-norm
    ``(Σ |x1_i − x2_i + eps|^p)^(1/p)`` of each row's difference.

    ``(N, D)``, ``(N, D)`` → ``(N,)`` (``(N, 1)`` with ``keepdim``); ``(D,)`` against
    ``(N, D)`` broadcasts. ``eps`` is added to every component, as in PyTorch, so equal rows
    are ``eps·D^(1/p)`` apart and the gradient there is finite. ``p`` is any number:
    ``inf`` gives ``max |·|`` (ties share the gradient), a negative ``p`` is allowed, and
    ``p = 0`` counts the nonzero components (no gradient).
    """
    x1, x2 = _tensor(x1), _tensor(x2)
    shape = _broadcast_shape(x1, x2, "pairwise_distance")
    diff = (x1 - x2) + eps
    if diff.dtype.kind != "f":
        raise TypeError(f"pairwise_distance: x1 - x2 + eps is {diff.dtype} (integer inputs "
                        "with an integer eps); pass floating-point inputs")
    last = len(shape) - 1 if shape else -1
    return ag.norm(diff, float(p), dim=last, keepdim=keepdim)


def normalize(input: ag.Tensor, p: float = 2.0, dim: int | tuple[int, ...] = 1,
              eps: float = 1e-12, out: ag.Tensor | None = None) -> ag.Tensor:
    """``x / max(‖x‖_p, eps)`` with the p-norm over ``dim`` (an int or a tuple): each vector
    along ``dim`` scaled to unit length (rows of an ``(N, D)`` input with the defaults).

    Shape ``(*)`` → ``(*)``. Where the norm is below ``eps`` the input is divided by ``eps``
    and no gradient flows through the norm (PyTorch's ``clamp_min``, which passes it at
    ``eps`` exactly). ``out``, as in PyTorch, receives the result (cast to its dtype) and
    is returned; it must have the input's shape, and the call is not differentiable.
    """
    x = floating_input(input, "normalize")
    if out is None:
        return x / ag.clip(ag.norm(x, p, dim=dim, keepdim=True), min=eps)
    if not isinstance(out, ag.Tensor):
        raise TypeError(f"normalize: out must be a Tensor, got {type(out).__name__}")
    if ag.is_grad_enabled() and (x.requires_grad or out.requires_grad):
        raise RuntimeError("normalize: out= is not differentiable, but an argument requires "
                           "grad (as in PyTorch); drop out=, or call it under ag.no_grad()")
    if out.shape != x.shape:
        raise ag.ShapeError(f"normalize: out has shape {tuple(out.shape)} but the result has "
                            f"shape {tuple(x.shape)}; pass an out of the input's shape")
    return out.copy_(normalize(x, p, dim, eps))
