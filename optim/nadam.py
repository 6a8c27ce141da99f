"""NAdam: Adam with Nesterov momentum and a warming-up momentum schedule."""

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


class NAdam(Optimizer):
    """PyTorch's ``torch.optim.NAdam``, step for step.

    With ``g = ∇θ + weight_decay·θ`` (negated when ``maximize``; with
    ``decoupled_weight_decay`` the decay is ``θ = θ·(1 − lr·weight_decay)`` instead, as in
    AdamW) and ``t`` the step, counted from 1::

        μₜ = β₁·(1 − ½·0.96^(t·momentum_decay))     the momentum schedule
        Πₜ = Πₜ₋₁·μₜ                                 mu_product, starts at 1
        m = β₁·m + (1 − β₁)·g                        starts at 0
        v = β₂·v + (1 − β₂)·g²                       starts at 0
        d = √(v/(1 − β₂ᵗ)) + ε
        θ = θ − lr·(1 − μₜ)/(1 − Πₜ)·g/d − lr·μₜ₊₁/(1 − Πₜ·μₜ₊₁)·m/d

    ``Πₜ`` is the state's ``mu_product``, kept in float32 as torch keeps it (a tensor of
    its default dtype) whatever the parameter's dtype, so the two step sizes are torch's
    to the last bit. Defaults are torch's (lr = 2e-3, momentum_decay = 4e-3).
    """

    def __init__(self, params: ParamsT, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        check_implementation("NAdam", foreach, None, capturable, differentiable)
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        for key in ("lr", "eps", "weight_decay", "momentum_decay"):
            check_nonnegative(key, group[key], "NAdam")
        check_betas(group, "NAdam")

    def _state_arrays(self) -> tuple[str, ...]:
        return ("exp_avg", "exp_avg_sq")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        if "exp_avg" not in state:
            state["step"] = 0
            state["mu_product"] = 1.0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        t = state["step"]
        beta1, beta2 = group["betas"]
        lr, decay = group["lr"], group["momentum_decay"]
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * decay)))
        # torch: a float32 tensor times a Python float, computed in float32
        mu_product = float(np.float32(state["mu_product"]) * np.float32(mu))
        state["mu_product"] = mu_product
        kernels.nadam(p, g, state["exp_avg"], state["exp_avg_sq"], lr=lr, beta1=beta1,
                      beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"],
                      decoupled=group["decoupled_weight_decay"], maximize=group["maximize"],
                      grad_step=lr * (1.0 - mu) / (1.0 - mu_product),
                      avg_step=lr * mu_next / (1.0 - mu_product * mu_next),
                      bias_correction2=1 - beta2**t)
