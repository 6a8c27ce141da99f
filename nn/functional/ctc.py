"""PyTorch's connectionist temporal classification loss, ``ctc_loss`` (Graves et al., 2006):
the negative log-likelihood of a target label sequence summed over every frame-level
alignment of it, by the log-space forward-backward recursion in NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from ._inputs import floating_input
from .loss import _check_reduction

_NAME = "ctc_loss"


def _logsumexp3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return np.logaddexp(np.logaddexp(a, b), c)


def _shift(v: np.ndarray, by: int) -> np.ndarray:
    """``v`` moved ``by`` places right (left for negative), the gap filled with −inf."""
    out = np.full_like(v, -np.inf)
    if by > 0:
        out[by:] = v[:-by]
    else:
        out[:by] = v[-by:]
    return out


def _alignment(lp: np.ndarray, labels: np.ndarray, blank: int) -> tuple[float, np.ndarray]:
    """The negative log-likelihood of ``labels`` under the frame log-probabilities ``lp``
    ``(T, C)``, and the log occupancies ``log Σ_{s: l'_s = c} α_t(s)·β_t(s)`` ``(T, C)``
    over the blank-extended labels ``l' = (blank, l1, blank, …, lS, blank)``."""
    frames = lp.shape[0]
    ext = np.full(2 * labels.size + 1, blank, dtype=np.int64)
    ext[1::2] = labels
    # s − 2 → s is allowed for a label that differs from the label two places back
    skip = np.zeros(ext.size, dtype=bool)
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    emit = lp[:, ext]
    if frames == 0:
        return (0.0 if labels.size == 0 else np.inf), np.full(lp.shape, -np.inf)
    alpha = np.full((frames, ext.size), -np.inf)
    alpha[0, :2] = emit[0, :2]
    for t in range(1, frames):
        two_back = np.where(skip, _shift(alpha[t - 1], 2), -np.inf)
        alpha[t] = _logsumexp3(alpha[t - 1], _shift(alpha[t - 1], 1), two_back) + emit[t]
    beta = np.full((frames, ext.size), -np.inf)
    beta[-1, -2:] = emit[-1, -2:]
    skip_ahead = _shift(skip, -2).astype(bool)
    for t in range(frames - 2, -1, -1):
        two_ahead = np.where(skip_ahead, _shift(beta[t + 1], -2), -np.inf)
        beta[t] = _logsumexp3(beta[t + 1], _shift(beta[t + 1], -1), two_ahead) + emit[t]
    nll = -np.logaddexp.reduce(alpha[-1, -2:])
    both = alpha + beta
    occupancy = np.full(lp.shape, -np.inf)
    for c in np.unique(ext):
        occupancy[:, c] = np.logaddexp.reduce(both[:, ext == c], axis=1)
    return float(nll), occupancy


class _CTC(ag.Function):
    """Per-example CTC negative log-likelihoods ``(N,)`` of ``log_probs`` ``(T, N, C)``;
    the gradient is PyTorch's (see ``ctc_loss``)."""

    @staticmethod
    def forward(ctx: Any, log_probs: np.ndarray, labels: list[np.ndarray],
                input_lengths: np.ndarray, blank: int, zero_infinity: bool) -> np.ndarray:
        lp = log_probs.astype(np.float64)
        losses = np.empty(len(labels))
        grad = np.zeros_like(lp)
        for n, y in enumerate(labels):
            frames = int(input_lengths[n])
            nll, occupancy = _alignment(lp[:frames, n], y, blank)
            losses[n] = nll
            with np.errstate(invalid="ignore", over="ignore"):
                grad[:frames, n] = np.exp(lp[:frames, n]) - np.exp(
                    occupancy + nll - lp[:frames, n])
            if zero_infinity and np.isinf(nll):
                losses[n], grad[:, n] = 0.0, 0.0
        ctx.save_for_backward(grad.astype(log_probs.dtype))
        return losses.astype(log_probs.dtype)

    @staticmethod
    def backward(ctx: Any, g: ag.Tensor) -> tuple:
        (grad,) = ctx.saved_tensors
        grad = grad.data * g.data[None, :, None]
        if ag.is_grad_enabled():  # a recorded backward: differentiating it again must fail
            grad = _NoSecondDerivative.apply(ag.tensor(grad, requires_grad=True))
        else:
            grad = ag.Tensor(grad)
        return grad, None, None, None, None


class _NoSecondDerivative(ag.Function):
    """Identity whose backward raises: ctc_loss's gradient came from NumPy, and PyTorch has
    no second derivative of it either."""

    @staticmethod
    def forward(ctx: Any, grad: np.ndarray) -> np.ndarray:
        return grad

    @staticmethod
    def backward(ctx: Any, g: ag.Tensor) -> None:
        raise ag.GraphError("ctc_loss: the derivative of its backward is not implemented (as "
                            "in PyTorch); differentiate a loss built without ctc_loss's "
                            "gradient instead")


def _int_array(x: Any, role: str) -> np.ndarray:
    a = np.asarray(x.data if isinstance(x, ag.Tensor) else x)
    if a.size and a.dtype.kind not in "iu":
        raise TypeError(f"{_NAME}: {role} must be integers, got dtype {a.dtype}; convert with "
                        ".astype(np.int64)")
    return a.astype(np.int64)


def _target_rows(targets: np.ndarray, target_lengths: np.ndarray, batch: int,
                 classes: int, blank: int) -> list[np.ndarray]:
    """Each example's label sequence, from padded ``(N, S)`` targets or the lengths'
    concatenation ``(Σ target_lengths,)``."""
    if targets.ndim == 2:
        if targets.shape[0] != batch or (target_lengths.size and
                                         target_lengths.max() > targets.shape[1]):
            raise ag.ShapeError(f"{_NAME}: padded targets must be (N={batch}, S) with S >= "
                                f"every target length, got shape {targets.shape} for lengths "
                                f"{target_lengths.tolist()}")
        rows = [targets[n, :k] for n, k in enumerate(target_lengths)]
    elif targets.ndim == 1:
        if targets.size != target_lengths.sum():
            raise ag.ShapeError(f"{_NAME}: concatenated 1-D targets must have sum(target_lengths)"
                                f" = {int(target_lengths.sum())} entries, got {targets.size}")
        rows = np.split(targets, np.cumsum(target_lengths)[:-1])
    else:
        raise ag.ShapeError(f"{_NAME}: targets must be (N, S) padded or 1-D concatenated, got "
                            f"shape {targets.shape}")
    for y in rows:
        if y.size and (y.min() < 0 or y.max() >= classes or (y == blank).any()):
            raise ValueError(f"{_NAME}: target labels must be in [0, {classes}) and not the "
                             f"blank {blank}, got {y.tolist()}")
    return rows


def ctc_loss(log_probs: ag.Tensor, targets: Any, input_lengths: Any, target_lengths: Any,
             blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> ag.Tensor:
    """CTC loss ``−log Σ_{π ∈ B⁻¹(y)} Π_t p_t(π_t)``: the probability of the targets summed
    over every alignment that gives them once repeats are merged and blanks removed.

    ``log_probs`` ``(T, N, C)`` (log-softmax over C), or ``(T, C)`` for one sequence;
    ``targets`` ``(N, S)`` padded or 1-D, the sequences concatenated (``(S,)`` unbatched);
    ``input_lengths`` and ``target_lengths`` ``(N,)`` (0-d unbatched). 'none' gives ``(N,)``,
    'sum' their sum and 'mean' ``mean_n(loss_n / max(target_length_n, 1))``, as PyTorch's.
    An impossible alignment (too few frames) gives inf; ``zero_infinity`` makes it 0 with
    gradient 0.

    The gradient is PyTorch's, ``exp(log_probs) − γ`` with ``γ_t(c)`` the posterior
    occupancy of class c at frame t (0 past each input length): it is the gradient with
    respect to the logits before ``log_softmax``, which passing it through
    ``log_softmax``'s backward leaves unchanged; the exact gradient with respect to
    ``log_probs`` alone would be ``−γ``. There is no second derivative (as in PyTorch).
    """
    _check_reduction(reduction, _NAME)
    log_probs = floating_input(log_probs, _NAME)
    unbatched = log_probs.ndim == 2
    if log_probs.ndim not in (2, 3):
        raise ag.ShapeError(f"{_NAME}: log_probs must be (T, N, C) or (T, C), got shape "
                            f"{tuple(log_probs.shape)}")
    lp = log_probs.reshape(log_probs.shape[0], 1, -1) if unbatched else log_probs
    frames, batch, classes = lp.shape
    if not 0 <= blank < classes:
        raise ValueError(f"{_NAME}: blank must be in [0, {classes}), got {blank}")
    y = _int_array(targets, "targets")
    in_lens = _int_array(input_lengths, "input_lengths").reshape(-1)
    tgt_lens = _int_array(target_lengths, "target_lengths").reshape(-1)
    if unbatched:
        y = y.reshape(1, -1)
    if in_lens.shape != (batch,) or tgt_lens.shape != (batch,):
        raise ag.ShapeError(f"{_NAME}: input_lengths and target_lengths must have one entry "
                            f"per sequence ({batch},), got {in_lens.shape} and {tgt_lens.shape}")
    if batch and (in_lens.min() < 0 or in_lens.max() > frames or tgt_lens.min() < 0):
        raise ValueError(f"{_NAME}: input_lengths must be in [0, T={frames}] and target_lengths"
                         f" >= 0, got {in_lens.tolist()} and {tgt_lens.tolist()}")
    rows = _target_rows(y, tgt_lens, batch, classes, blank)
    losses = _CTC.apply(lp, rows, in_lens, blank, zero_infinity)
    if unbatched and reduction == "none":
        return losses.reshape(())
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    per_label = np.maximum(tgt_lens, 1).astype(lp.dtype)
    return (losses / per_label).mean()
