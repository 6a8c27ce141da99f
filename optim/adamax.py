"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import kernels
from .optimizer import (
    Optimizer,
    ParamsT,
    check_betas,
    check_implementation,
    check_nonnegative,
)


class Adamax(Optimizer):
    """PyTorch's ``torch.optim.Adamax``, step for step.

    With ``g = ∇θ + weight_decay·θ`` (negated when ``maximize``) and ``t`` the step,
    counted from 1::

        m = β₁·m + (1 − β₁)·g                 starts at 0
        u = max(β₂·u, |g| + ε)                exp_inf, starts at 0
        θ = θ − lr/(1 − β₁ᵗ)·m/u

    ε is added to |g| before the maximum, as in PyTorch (Kingma & Ba's algorithm has no
    ε), so ``u`` is never 0. There is no bias correction for ``u``.
    """

    def __init__(self, params: ParamsT, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        check_implementation("Adamax", foreach, None, capturable, differentiable)
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        for key in ("lr", "eps", "weight_decay"):
            check_nonnegative(key, group[key], "Adamax")
        check_betas(group, "Adamax")

    def _state_arrays(self) -> tuple[str, ...]:
        return ("exp_avg", "exp_inf")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        if "exp_avg" not in state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_inf"] = np.zeros_like(p)
        state["step"] += 1
        beta1, beta2 = group["betas"]
        kernels.adamax(p, g, state["exp_avg"], state["exp_inf"], beta1=beta1, beta2=beta2,
                       eps=group["eps"], weight_decay=group["weight_decay"],
                       maximize=group["maximize"],
                       clr=group["lr"] / (1 - beta1 ** state["step"]))
