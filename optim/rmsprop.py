"""RMSprop: steps divided by a running root-mean-square of the gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import kernels
from .optimizer import Optimizer, ParamsT, check_implementation, check_nonnegative


class RMSprop(Optimizer):
    """PyTorch's ``torch.optim.RMSprop``, step for step.

    With ``g = ∇θ + weight_decay·θ`` (negated when ``maximize``)::

        s = α·s + (1 − α)·g²                      (s starts at 0)
        a = α·a + (1 − α)·g;  r = √(s − a²)        if centered (a starts at 0)
        r = √s                                    otherwise
        b = momentum·b + g/(r + ε);  θ = θ − lr·b  if momentum > 0
        θ = θ − lr·g/(r + ε)                      otherwise

    This is the course's RMSprop (seed-inventory §9.6) ``S = β₂S + (1−β₂)dW²;
    W -= α·dW/(√S + ε)`` with ``alpha`` as β₂ and ε outside the root (the S2/S3 form;
    conflict §16.1). The default ``alpha=0.99`` is PyTorch's; the notes suggest 0.9 or
    0.999 (conflict §16.5). There is no bias correction, as in the notes' algorithm.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False, *, maximize: bool = False, foreach: bool | None = None,
                 capturable: bool = False, differentiable: bool = False) -> None:
        check_implementation("RMSprop", foreach, None, capturable, differentiable)
        defaults = {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay,
                    "momentum": momentum, "centered": centered, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        for key in ("lr", "alpha", "eps", "weight_decay", "momentum"):
            check_nonnegative(key, group[key], "RMSprop")

    def _state_arrays(self) -> tuple[str, ...]:
        return ("square_avg", "grad_avg", "momentum_buffer")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        if "square_avg" not in state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(p)
        if group["momentum"] > 0 and "momentum_buffer" not in state:
            state["momentum_buffer"] = np.zeros_like(p)
        if group["centered"] and "grad_avg" not in state:
            state["grad_avg"] = np.zeros_like(p)
        state["step"] += 1
        kernels.rmsprop(p, g, state["square_avg"], state.get("grad_avg") if group["centered"]
                        else None, state.get("momentum_buffer") if group["momentum"] > 0
                        else None, lr=group["lr"], alpha=group["alpha"], eps=group["eps"],
                        weight_decay=group["weight_decay"], momentum=group["momentum"],
                        centered=group["centered"], maximize=group["maximize"])
