"""Stochastic gradient descent, with PyTorch's momentum, dampening and Nesterov."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import kernels
from .optimizer import Optimizer, ParamsT, check_implementation, check_nonnegative


class SGD(Optimizer):
    """PyTorch's ``torch.optim.SGD``, step for step.

    With ``g = ∇θ + weight_decay·θ`` (negated first when ``maximize``)::

        b = g                          on the first step (b is the momentum buffer)
        b = momentum·b + (1 − dampening)·g   afterwards
        d = g + momentum·b  (nesterov)   or   d = b   (momentum ≠ 0)   or   d = g
        θ = θ − lr·d

    With ``momentum=0`` this is the course's update ``W := W − α·dW`` (seed-inventory
    §9.1). The buffer accumulates ``βv + g`` (the seeds' "other" momentum, §9.4), not
    the course's ``βv + (1−β)g``: for that form use ``optim.Momentum``.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False,
                 *, maximize: bool = False, foreach: bool | None = None,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        check_implementation("SGD", foreach, fused, False, differentiable)
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        for key in ("lr", "momentum", "dampening", "weight_decay"):
            check_nonnegative(key, group[key], "SGD")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0, "
                             f"got momentum={group['momentum']}, "
                             f"dampening={group['dampening']}")

    def _state_arrays(self) -> tuple[str, ...]:
        return ("momentum_buffer",)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        buf = None
        first = False
        if group["momentum"] != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.empty_like(p)
                first = True
        kernels.sgd(p, g, buf, lr=group["lr"], momentum=group["momentum"],
                    dampening=group["dampening"], weight_decay=group["weight_decay"],
                    nesterov=group["nesterov"], maximize=group["maximize"], first=first)
