"""Loss modules (PyTorch's names and defaults) around the ``nn.functional`` losses."""

from __future__ import annotations

from typing import Any

import autograd as ag

from . import functional as F
from .functional.loss import _check_reduction
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        _check_reduction(reduction, type(self).__name__)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error ``mean((input − target)²)``; see ``F.mse_loss``.

    Call as ``loss_fn(prediction, target)`` with equal shapes.
    """

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.mse_loss(input, target, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities, ``−[y log p + (1 − y) log(1 − p)]`` (course
    §4), with PyTorch's clamp of the log at −100 so it is finite at p = 0 and 1; see
    ``F.binary_cross_entropy``. ``weight`` rescales each element."""

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy on logits as one stable fused op (gradient
    ``σ(x) − y``); see ``F.binary_cross_entropy_with_logits``."""

    def __init__(self, weight: Any = None, reduction: str = "mean",
                 pos_weight: Any = None) -> None:
        super().__init__(reduction)
        self.weight = weight
        self.pos_weight = pos_weight

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)


class CrossEntropyLoss(_Loss):
    """Softmax + cross-entropy on logits ``(N, C)`` as one fused op (gradient ``ŷ − y``,
    course §12); targets are class indices ``(N,)`` or probabilities ``(N, C)``. Supports
    ``weight``, ``ignore_index``, ``label_smoothing`` and PyTorch's ``(C,)`` and
    ``(N, C, d1, ..., dk)`` layouts; see ``F.cross_entropy``."""

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"CrossEntropyLoss: label_smoothing must be in [0, 1], got "
                             f"{label_smoothing}")
        self.weight = weight
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction,
                               self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood on log-probabilities ``(N, C)`` with class indices ``(N,)``;
    ``NLLLoss()(LogSoftmax()(z), y) == CrossEntropyLoss()(z, y)``; PyTorch's ``(C,)`` and
    ``(N, C, d1, ..., dk)`` layouts too. See ``F.nll_loss``."""

    def __init__(self, weight: Any = None, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = ignore_index

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error ``mean(|input − target|)``; see ``F.l1_loss``."""

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.l1_loss(input, target, self.reduction)


class SmoothL1Loss(_Loss):
    """Quadratic below ``beta``, linear above; see ``F.smooth_l1_loss``."""

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        if beta < 0:
            raise ValueError(f"SmoothL1Loss: beta must be >= 0, got {beta}")
        self.beta = beta

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class HuberLoss(_Loss):
    """Huber's loss, quadratic below ``delta``, linear above; see ``F.huber_loss``."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        if not delta > 0:
            raise ValueError(f"HuberLoss: delta must be > 0, got {delta}")
        self.delta = delta

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.huber_loss(input, target, self.reduction, self.delta)


class KLDivLoss(Module):
    """KL divergence of log-probability inputs from target probabilities; see
    ``F.kl_div`` (use ``reduction='batchmean'`` for the divergence itself)."""

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__()
        if reduction not in ("mean", "sum", "none", "batchmean"):
            raise ValueError(f"KLDivLoss: reduction must be one of ('mean', 'sum', 'none', "
                             f"'batchmean'), got {reduction!r}")
        self.reduction = reduction
        self.log_target = log_target

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.kl_div(input, target, self.reduction, self.log_target)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}, log_target={self.log_target}"


class _SettingsHiddenLoss(_Loss):
    """A loss whose repr shows no settings, as PyTorch's (``PoissonNLLLoss()``)."""

    def extra_repr(self) -> str:
        return ""


def _buffer(weight: Any) -> ag.Tensor | None:
    return weight if weight is None or isinstance(weight, ag.Tensor) else ag.as_tensor(weight)


class PoissonNLLLoss(_SettingsHiddenLoss):
    """Poisson negative log-likelihood, ``exp(input) − target·input`` for log-rate inputs
    (``input − target·log(input + eps)`` without ``log_input``), with ``full`` adding
    Stirling's ``log(target!)`` where target > 1; see ``F.poisson_nll_loss``."""

    def __init__(self, log_input: bool = True, full: bool = False, eps: float = 1e-8,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.poisson_nll_loss(input, target, self.log_input, self.full, self.eps,
                                  self.reduction)


class GaussianNLLLoss(_SettingsHiddenLoss):
    """Gaussian negative log-likelihood ``½·(log var + (input − target)² / var)`` (+ ½·log 2π
    with ``full``), var clamped at ``eps``; call as ``loss_fn(mean, target, var)``. The
    settings are keyword-only, as in PyTorch. See ``F.gaussian_nll_loss``."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.full = full
        self.eps = eps

    def forward(self, input: ag.Tensor, target: Any, var: Any) -> ag.Tensor:
        return F.gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)


class MarginRankingLoss(_SettingsHiddenLoss):
    """``max(0, −target·(input1 − input2) + margin)``; call as
    ``loss_fn(input1, input2, target)``. See ``F.margin_ranking_loss``."""

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1: ag.Tensor, input2: ag.Tensor, target: Any) -> ag.Tensor:
        return F.margin_ranking_loss(input1, input2, target, self.margin, self.reduction)


class HingeEmbeddingLoss(_SettingsHiddenLoss):
    """``input`` for target 1, ``max(0, margin − input)`` for −1 (input a distance); see
    ``F.hinge_embedding_loss``."""

    def __init__(self, margin: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.hinge_embedding_loss(input, target, self.margin, self.reduction)


class SoftMarginLoss(_SettingsHiddenLoss):
    """Two-class logistic loss ``log(1 + exp(−target·input))``, labels ±1, computed stably;
    see ``F.soft_margin_loss``."""

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.soft_margin_loss(input, target, self.reduction)


class MultiLabelSoftMarginLoss(_SettingsHiddenLoss):
    """One-vs-all logistic loss averaged over the classes of ``(N, C)`` scores; ``weight``
    (e.g. ``(C,)``) is a buffer, as in PyTorch. See ``F.multilabel_soft_margin_loss``."""

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _buffer(weight))

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.multilabel_soft_margin_loss(input, target, self.weight, self.reduction)


class MultiMarginLoss(_SettingsHiddenLoss):
    """Multi-class hinge loss ``(1/C) Σ_{c≠y} w_y·max(0, margin − x_y + x_c)^p`` over
    ``(N, C)`` scores and class indices ``(N,)``; ``weight`` ``(C,)`` is a buffer, as in
    PyTorch. See ``F.multi_margin_loss``."""

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        if p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: p must be 1 or 2, got {p}")
        weight = _buffer(weight)
        if weight is not None and weight.ndim != 1:
            raise ValueError(f"MultiMarginLoss: weight must be None or 1-D (one per class), "
                             f"got {weight.ndim}-D")
        self.register_buffer("weight", weight)
        self.p = p
        self.margin = margin

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return F.multi_margin_loss(input, target, self.p, self.margin, self.weight,
                                   self.reduction)


class CosineEmbeddingLoss(_SettingsHiddenLoss):
    """``1 − cos`` for target 1, ``max(0, cos − margin)`` for −1, with PyTorch's cosine
    (1e-12 added to each squared norm); call as ``loss_fn(input1, input2, target)``. See
    ``F.cosine_embedding_loss``."""

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1: ag.Tensor, input2: ag.Tensor, target: Any) -> ag.Tensor:
        return F.cosine_embedding_loss(input1, input2, target, self.margin, self.reduction)


class TripletMarginLoss(_SettingsHiddenLoss):
    """``max(0, margin + d(a, p) − d(a, n))`` with ``d`` the ``pairwise_distance``; call as
    ``loss_fn(anchor, positive, negative)``. See ``F.triplet_margin_loss``."""

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                 swap: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        if not margin > 0:
            raise ValueError(f"TripletMarginLoss: margin must be > 0, got {margin}")
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor: ag.Tensor, positive: ag.Tensor,
                negative: ag.Tensor) -> ag.Tensor:
        return F.triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps,
                                     self.swap, self.reduction)
