"""Rprop: steps of adaptive size that follow only the sign of the gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import kernels
from .optimizer import Optimizer, ParamsT, check_implementation, check_nonnegative


class Rprop(Optimizer):
    """PyTorch's ``torch.optim.Rprop`` (resilient backpropagation, Riedmiller & Braun,
    1993), step for step.

    Each element keeps a step size η (starting at ``lr``) and its previous gradient.
    With ``g`` the gradient (negated when ``maximize``)::

        η = clip(η·etaplus,  step_sizes)   where g·g_prev > 0   (same sign: speed up)
        η = clip(η·etaminus, step_sizes)   where g·g_prev < 0   (sign flip: slow down,
                                                                 and take g = 0 there)
        θ = θ − sign(g)·η ;  g_prev = g

    Only the sign of the gradient is used, so it suits full-batch training; mini-batches'
    noisy signs defeat it. ``etas = (etaminus, etaplus)`` with
    ``0 < etaminus < 1 < etaplus``.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2,
                 etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        check_implementation("Rprop", foreach, None, capturable, differentiable)
        defaults = {"lr": lr, "etas": tuple(etas), "step_sizes": tuple(step_sizes),
                    "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_nonnegative("lr", group["lr"], "Rprop")
        etaminus, etaplus = group["etas"]
        if not 0.0 < etaminus < 1.0 < etaplus:
            raise ValueError(f"Rprop: etas must satisfy 0 < etaminus < 1 < etaplus, got "
                             f"{tuple(group['etas'])}")
        low, high = group["step_sizes"]
        if not 0.0 <= low <= high:
            raise ValueError(f"Rprop: step_sizes must be (min, max) with 0 <= min <= max, "
                             f"got {tuple(group['step_sizes'])}")

    def _state_arrays(self) -> tuple[str, ...]:
        return ("prev", "step_size")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        if "prev" not in state:
            state["step"] = 0
            state["prev"] = np.zeros_like(p)
            state["step_size"] = np.full_like(p, group["lr"])
        state["step"] += 1
        etaminus, etaplus = group["etas"]
        low, high = group["step_sizes"]
        kernels.rprop(p, g, state["prev"], state["step_size"], etaminus=etaminus,
                      etaplus=etaplus, step_size_min=low, step_size_max=high,
                      maximize=group["maximize"])
