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


# ------------------------------------------------ channel dropout and alpha dropout
# PyTorch's variants. Channel ("feature") dropout zeroes whole channels: one draw per
# (sample, channel), the mask of shape (N, C, 1, ...) broadcast over the rest. Alpha
# dropout (Klambauer et al., 2017, for SELU networks) sets dropped units to SELU's
# negative saturation and then rescales so that mean and variance are kept.

_SELU_SATURATION = 1.7580993408473766  # −SELU(−∞) = scale·alpha


def _check_p(p: float, name: str) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name}: p must be a probability in [0, 1], got {p} (p is the "
                         "drop probability: keep_prob = 1 - p)")


def _feature_shape(x: ag.Tensor, batched: bool = True) -> tuple[int, ...]:
    """One mask entry per (sample, channel): ``(N, C, 1, ..., 1)``; ``(C, 1, ..., 1)`` for an
    unbatched input."""
    lead = 2 if batched else 1
    return tuple(x.shape[:lead]) + (1,) * (x.ndim - lead)


def _channel_dropout(input: ag.Tensor, p: float, training: bool, inplace: bool,
                     rng: np.random.Generator | None, name: str, spatial: int) -> ag.Tensor:
    """``dropout{spatial}d``: whole channels (dim 1 of ``(N, C, *spatial)``, dim 0 of an
    unbatched ``(C, *spatial)``) zeroed with probability p, the rest scaled by 1/(1 − p)."""
    _check_p(p, name)
    x = floating_input(input, name)
    if x.ndim not in (spatial + 1, spatial + 2):
        raise ag.ShapeError(
            f"{name}: expected a {spatial + 1}-D (C, {'*' * spatial}) or {spatial + 2}-D "
            f"(N, C, ...) input with {spatial} spatial dim{'s' if spatial > 1 else ''}, got "
            f"shape {tuple(x.shape)}")
    if not training or p == 0.0 or x.size == 0:
        inplace_flag(name, inplace)
        return x
    mask = dropout_mask(_feature_shape(x, x.ndim == spatial + 2), p, x.dtype, rng)
    return in_place_or_not(name, inplace, x, lambda t: DropoutMaskScale.apply(t, mask),
                           saves_input=False)


def dropout1d(input: ag.Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
              rng: np.random.Generator | None = None) -> ag.Tensor:
    """Channel dropout on ``(N, C, L)`` or ``(C, L)`` input (PyTorch's ``F.dropout1d``): each
    channel of each sample zeroed with probability ``p``, the others scaled by
    ``1/(1 − p)``; identity when not ``training``. Backward keeps the mask."""
    return _channel_dropout(input, p, training, inplace, rng, "dropout1d", 1)


def dropout2d(input: ag.Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
              rng: np.random.Generator | None = None) -> ag.Tensor:
    """Channel dropout on ``(N, C, H, W)`` or ``(C, H, W)`` input (PyTorch's
    ``F.dropout2d`` for those shapes; PyTorch reads a 3-D input as ``(N, C, L)`` with a
    deprecation warning, this one as the unbatched ``(C, H, W)`` its docs announce)."""
    return _channel_dropout(input, p, training, inplace, rng, "dropout2d", 2)


def dropout3d(input: ag.Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
              rng: np.random.Generator | None = None) -> ag.Tensor:
    """Channel dropout on ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input (PyTorch's
    ``F.dropout3d``)."""
    return _channel_dropout(input, p, training, inplace, rng, "dropout3d", 3)


def _alpha_dropout(input: ag.Tensor, p: float, training: bool, inplace: bool,
                   rng: np.random.Generator | None, feature: bool, name: str) -> ag.Tensor:
    _check_p(p, name)
    x = floating_input(input, name)
    if not training or p == 0.0 or x.size == 0:
        inplace_flag(name, inplace)
        return x
    if feature and x.ndim < 2:
        raise ag.ShapeError(f"{name}: needs an input of 2 or more dims (N, C, *), got shape "
                            f"{tuple(x.shape)}")
    shape = _feature_shape(x) if feature else tuple(x.shape)
    if p == 1.0:
        scale = np.zeros(shape, dtype=x.dtype)
        shift = np.zeros(shape, dtype=x.dtype)
    else:
        kept = keep_mask(shape, 1.0 - p, rng).astype(x.dtype)
        a = 1.0 / np.sqrt((_SELU_SATURATION ** 2 * p + 1.0) * (1.0 - p))
        scale = kept * x.dtype.type(a)
        shift = ((kept - 1) * x.dtype.type(_SELU_SATURATION * a)
                 + x.dtype.type(_SELU_SATURATION * a * p))
    return in_place_or_not(name, inplace, x,
                           lambda t: t * ag.from_numpy(scale) + ag.from_numpy(shift))


def alpha_dropout(input: ag.Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False, rng: np.random.Generator | None = None) -> ag.Tensor:
    """Alpha dropout (PyTorch's ``F.alpha_dropout``; note ``training=False`` by default, as
    there): each element dropped with probability p is set to SELU's saturation
    ``α' = −1.7581``, then ``y = a·x' + b`` with ``a = ((1 − p)(1 + p·α'²))^(−1/2)`` and
    ``b = −a·α'·p``, which keeps a SELU network's zero mean and unit variance. Kept
    elements are ``a·x + b``; the gradient there is ``a``, 0 where dropped."""
    return _alpha_dropout(input, p, training, inplace, rng, False, "alpha_dropout")


def feature_alpha_dropout(input: ag.Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False,
                          rng: np.random.Generator | None = None) -> ag.Tensor:
    """``alpha_dropout`` of whole channels (dim 1 of ``(N, C, *)``), PyTorch's
    ``F.feature_alpha_dropout``."""
    return _alpha_dropout(input, p, training, inplace, rng, True, "feature_alpha_dropout")
