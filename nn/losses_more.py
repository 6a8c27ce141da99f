"""Loss modules around ``F.ctc_loss``, ``F.multilabel_margin_loss`` and
``F.triplet_margin_with_distance_loss`` (PyTorch's names, defaults and reprs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import autograd as ag

from .functional.ctc import ctc_loss
from .functional.losses_more import multilabel_margin_loss, triplet_margin_with_distance_loss
from .loss import _SettingsHiddenLoss


class CTCLoss(_SettingsHiddenLoss):
    """Connectionist temporal classification loss; call as
    ``loss_fn(log_probs, targets, input_lengths, target_lengths)``. See ``F.ctc_loss``."""

    def __init__(self, blank: int = 0, reduction: str = "mean",
                 zero_infinity: bool = False) -> None:
        super().__init__(reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs: ag.Tensor, targets: Any, input_lengths: Any,
                target_lengths: Any) -> ag.Tensor:
        return ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                        self.reduction, self.zero_infinity)


class MultiLabelMarginLoss(_SettingsHiddenLoss):
    """Multi-label hinge loss over ``(N, C)`` scores with −1-terminated index targets; see
    ``F.multilabel_margin_loss``."""

    def forward(self, input: ag.Tensor, target: Any) -> ag.Tensor:
        return multilabel_margin_loss(input, target, self.reduction)


class TripletMarginWithDistanceLoss(_SettingsHiddenLoss):
    """``max(0, margin + d(a, p) − d(a, n))`` for a distance callable ``d``; settings are
    keyword-only, as in PyTorch. See ``F.triplet_margin_with_distance_loss``."""

    def __init__(self, *, distance_function: Callable[..., ag.Tensor] | None = None,
                 margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        if not margin > 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: margin must be > 0, got {margin}")
        self.distance_function = distance_function
        self.margin = margin
        self.swap = swap

    def forward(self, anchor: ag.Tensor, positive: ag.Tensor,
                negative: ag.Tensor) -> ag.Tensor:
        return triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function,
            margin=self.margin, swap=self.swap, reduction=self.reduction)
