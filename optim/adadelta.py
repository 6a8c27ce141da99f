"""Adadelta: steps sized by running averages of squared gradients and squared steps."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import kernels
from .optimizer import Optimizer, ParamsT, check_implementation, check_nonnegative


class Adadelta(Optimizer):
    """PyTorch's ``torch.optim.Adadelta``, step for step.

    With ``g = ∇θ + weight_decay·θ`` (negated when ``maximize``)::

        s = ρ·s + (1 − ρ)·g²                  square_avg, starts at 0
        Δ = √(a + ε)/√(s + ε)·g               the step before lr
        a = ρ·a + (1 − ρ)·Δ²                  acc_delta, starts at 0
        θ = θ − lr·Δ

    Zeiler's method has no learning rate (``lr=1``, the default, as in PyTorch); ε sits
    inside both roots and sets the size of the first steps (about √ε/√(1 − ρ)).
    """

    def __init__(self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        check_implementation("Adadelta", foreach, None, capturable, differentiable)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        for key in ("lr", "rho", "eps", "weight_decay"):
            check_nonnegative(key, group[key], "Adadelta")
        if group["rho"] > 1:
            raise ValueError(f"Adadelta: invalid rho {group['rho']!r}; it must lie in [0, 1]")

    def _state_arrays(self) -> tuple[str, ...]:
        return ("square_avg", "acc_delta")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        if "square_avg" not in state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(p)
            state["acc_delta"] = np.zeros_like(p)
        state["step"] += 1
        kernels.adadelta(p, g, state["square_avg"], state["acc_delta"], lr=group["lr"],
                         rho=group["rho"], eps=group["eps"],
                         weight_decay=group["weight_decay"], maximize=group["maximize"])
