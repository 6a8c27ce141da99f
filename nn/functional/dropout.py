"""Inverted dropout (seed inventory §6.3) as one fused op: mask and scale in a single pass."""

from __future__ import annotations

import numpy as np

import autograd as ag


class DropoutMaskScale(ag.Function):
    """``x · scaled_mask`` where ``scaled_mask = [rand < keep_prob] / keep_prob``.

    The mask is drawn by the caller and arrives here already scaled, so forward
    is one multiply; backward is ``grad · scaled_mask`` (the same kept units, the
    same 1/keep_prob), itself linear in ``grad`` so it differentiates again.
    """

    @staticmethod
    def forward(ctx, x, scaled_mask):
        ctx.save_for_backward(scaled_mask)
        return np.multiply(x, scaled_mask)

    @staticmethod
    def backward(ctx, grad):
        (scaled_mask,) = ctx.saved_tensors
        return DropoutMaskScale.apply(grad, scaled_mask), None


def dropout_mask(shape: tuple, p: float, dtype: np.dtype,
                 rng: np.random.Generator | None = None) -> np.ndarray:
    """The course's inverted-dropout mask ``(rand(shape) < keep_prob) / keep_prob``,
    with ``keep_prob = 1 − p``, drawn from ``ag.get_rng(rng)`` (seeded by ``ag.manual_seed``)."""
    keep_prob = 1.0 - p
    if keep_prob == 0.0:
        return np.zeros(shape, dtype=dtype)
    draw_dtype = dtype if dtype in (np.float32, np.float64) else np.float64
    kept = ag.get_rng(rng).random(shape, dtype=draw_dtype) < keep_prob
    return np.where(kept, dtype.type(1.0 / keep_prob), dtype.type(0.0))


def dropout(x: ag.Tensor, p: float = 0.5, training: bool = True,
            rng: np.random.Generator | None = None) -> ag.Tensor:
    """Inverted dropout (course §6.3): zero each element with probability ``p`` and
    scale the survivors by ``1/keep_prob`` (``keep_prob = 1 − p``), so ``E[output] = x``.

    A fresh mask is drawn on every call. With ``training=False`` (test time) it is
    the identity — no mask and no scaling, as the course says. ``p=0`` is the
    identity, ``p=1`` gives zeros.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p} "
                         f"(p is the drop probability: keep_prob = 1 - p)")
    if not training or p == 0.0:
        return x
    if not isinstance(x, ag.Tensor):
        x = ag.as_tensor(x)
    if x.dtype.kind != "f":
        raise TypeError(f"dropout: input must be floating point, got {x.dtype}")
    return DropoutMaskScale.apply(x, dropout_mask(x.shape, p, x.dtype, rng))
