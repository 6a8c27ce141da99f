"""RAdam: Adam whose adaptive step is switched on as its variance becomes tractable."""

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


def rectification(beta2: float, step: int) -> float | None:
    """RAdam's variance rectification ``rₜ`` at step ``step`` (counted from 1), or None
    while ``ρₜ ≤ 5`` (the variance of the adaptive rate is not yet tractable); torch's
    arithmetic, in Python floats."""
    bias_correction2 = 1 - beta2**step
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
    if not rho_t > 5.0:
        return None
    return ((rho_t - 4) * (rho_t - 2) * rho_inf
            / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5


class RAdam(Optimizer):
    """PyTorch's ``torch.optim.RAdam``, step for step.

    With ``g = ∇θ + weight_decay·θ`` (negated when ``maximize``; with
    ``decoupled_weight_decay`` the decay is ``θ = θ·(1 − lr·weight_decay)`` instead, as in
    AdamW) and ``t`` the step, counted from 1::

        m = β₁·m + (1 − β₁)·g                        starts at 0
        v = β₂·v + (1 − β₂)·g²                       starts at 0
        m̂ = m/(1 − β₁ᵗ)
        ρ∞ = 2/(1 − β₂) − 1,  ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)
        rₜ = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))
        θ = θ − lr·m̂·√(1 − β₂ᵗ)/(√v + ε)·rₜ          if ρₜ > 5
        θ = θ − lr·m̂                                 otherwise (SGD with momentum)

    PyTorch evaluates the first update as ``((m̂·lr)·(1/(√v + ε))·√(1 − β₂ᵗ))·rₜ``, and
    so does this class. With the default β₂ = 0.999 the first 5 steps are unrectified.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        check_implementation("RAdam", foreach, None, capturable, differentiable)
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        for key in ("lr", "eps", "weight_decay"):
            check_nonnegative(key, group[key], "RAdam")
        check_betas(group, "RAdam")

    def _state_arrays(self) -> tuple[str, ...]:
        return ("exp_avg", "exp_avg_sq")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        if "exp_avg" not in state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        t = state["step"]
        beta1, beta2 = group["betas"]
        kernels.radam(p, g, state["exp_avg"], state["exp_avg_sq"], lr=group["lr"],
                      beta1=beta1, beta2=beta2, eps=group["eps"],
                      weight_decay=group["weight_decay"],
                      decoupled=group["decoupled_weight_decay"], maximize=group["maximize"],
                      bias_correction1=1 - beta1**t, bc2_sqrt=(1 - beta2**t) ** 0.5,
                      rect=rectification(beta2, t))
