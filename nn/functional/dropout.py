"""Inverted dropout (seed inventory §6.3) as one fused op: mask and scale in a single pass."""

from __future__ import annotations

import numpy as np

import autograd as ag
from autograd import kernels

from ._inputs import floating_input
from .activation import in_place_or_not, inplace_flag


class DropoutMaskScale(ag.Function):
    """``x · keep / keep_prob``, in one pass.

    ``apply(x, scaled_mask)`` takes the mask already scaled (``dropout_mask``) and
    multiplies; ``apply(x, keep, keep_prob)`` takes the boolean keep mask and scales
    and masks in one compiled pass (``autograd.kernels.dropout_mask_scale``), which is
    what ``dropout`` does. Backward is the same op on ``grad`` (the same kept units,
    the same 1/keep_prob), itself linear in ``grad`` so it differentiates again.
    """

    @staticmethod
    def forward(ctx, x, mask, keep_prob=None):
        ctx.save_for_backward(mask)
        ctx.keep_prob = keep_prob
        if keep_prob is None:
            return np.multiply(x, mask)
        return kernels.dropout_mask_scale(x, mask, keep_prob)

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return DropoutMaskScale.apply(grad, mask, ctx.keep_prob), None, None


def keep_mask(shape: tuple, keep_prob: float,
              rng: np.random.Generator | None = None) -> np.ndarray:
    """The course's ``d = rand(shape) < keep_prob`` (bool): each element True with
    probability ``keep_prob``.

    One 64-bit seed is drawn from ``ag.get_rng(rng)`` (seeded by ``ag.manual_seed``), and
    the mask comes from SplitMix64 started there (``autograd.kernels.keep_mask``): the
    same distribution as comparing uniform draws, reproducible from the seed, and one
    generator call per mask instead of one per element.
    """
    seed = int(ag.get_rng(rng).integers(0, 2**64, dtype=np.uint64))
    return kernels.keep_mask(shape, keep_prob, seed)


def dropout_mask(shape: tuple, p: float, dtype: np.dtype,
                 rng: np.random.Generator | None = None) -> np.ndarray:
    """The course's inverted-dropout mask ``(rand(shape) < keep_prob) / keep_prob``,
    with ``keep_prob = 1 − p``, from ``keep_mask`` (the mask ``dropout`` would draw from
    the same generator state)."""
    keep_prob = 1.0 - p
    dtype = np.dtype(dtype)
    if keep_prob == 0.0:
        return np.zeros(shape, dtype=dtype)
    kept = keep_mask(shape, keep_prob, rng)
    # 1/keep_prob in the mask's dtype, as dropout scales: the same bits as F.dropout
    return np.where(kept, dtype.type(1) / dtype.type(keep_prob), dtype.type(0.0))


def dropout(input: ag.Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
            rng: np.random.Generator | None = None) -> ag.Tensor:
    """Inverted dropout (course §6.3): zero each element with probability ``p`` and
    scale the survivors by ``1/keep_prob`` (``keep_prob = 1 − p``), so ``E[output] = x``.

    A fresh mask (``keep_mask``, one seed drawn from ``rng`` or the global generator)
    is drawn on every call; backward keeps the boolean mask, one byte per element. With
    ``training=False`` (test time) it is the identity — no mask and no scaling, as the
    course says. ``p=0`` is the identity, ``p=1`` gives zeros. ``inplace=True`` writes
    the result into x and returns x (PyTorch's; the backward needs only the mask).
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p} "
                         f"(p is the drop probability: keep_prob = 1 - p)")
    if not training or p == 0.0:
        inplace_flag("dropout", inplace)
        return input
    x = floating_input(input, "dropout")
    return in_place_or_not(
        "dropout", inplace, x,
        lambda t: DropoutMaskScale.apply(t, keep_mask(t.shape, 1.0 - p, rng), 1.0 - p),
        saves_input=False)
