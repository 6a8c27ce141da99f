"""Adagrad: per-element step sizes from the sum of all squared gradients so far."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import kernels
from .optimizer import Optimizer, ParamsT, check_implementation, check_nonnegative


class Adagrad(Optimizer):
    """PyTorch's ``torch.optim.Adagrad``, step for step.

    With ``g = ∇θ + weight_decay·θ`` (negated when ``maximize``) and ``t`` the step::

        clr = lr / (1 + (t − 1)·lr_decay)
        s   = s + g²                   (s starts at initial_accumulator_value)
        θ   = θ − clr·g / (√s + ε)

    The seeds write Adagrad two ways (seed-inventory §9.5 and conflict §16.3):
    ``α/√(G + ε)`` and, per parameter, ``α/(√cache + ε)``; this is the second form,
    PyTorch's.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10, *, maximize: bool = False, foreach: bool | None = None,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        check_implementation("Adagrad", foreach, fused, False, differentiable)
        defaults = {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "eps": eps,
                    "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        for key in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            check_nonnegative(key, group[key], "Adagrad")

    def _state_arrays(self) -> tuple[str, ...]:
        return ("sum",)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        if "sum" not in state:
            state["step"] = 0
            state["sum"] = np.full_like(p, group["initial_accumulator_value"])
        state["step"] += 1
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        kernels.adagrad(p, g, state["sum"], clr=clr, weight_decay=group["weight_decay"],
                        eps=group["eps"], maximize=group["maximize"])
