"""The course's momentum: gradient descent on an exponentially weighted average."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import kernels
from .optimizer import Optimizer, ParamsT, check_nonnegative, check_unit_interval, required


class Momentum(Optimizer):
    """Gradient descent with momentum in the course's form (**course**, seed-inventory §9.4)::

        v = β·v + (1 − β)·g        (v starts at 0, shaped like θ)
        θ = θ − lr·v

    ``v`` is the exponentially weighted average of the gradients (``optim.EWA``) over
    about ``1/(1−β)`` steps, without bias correction (the notes skip it for momentum);
    ``beta=0`` is plain gradient descent. PyTorch's counterpart, ``SGD(momentum=β)``,
    accumulates ``v = βv + g`` instead, a buffer ``1/(1−β)`` times larger, so the same
    trajectory needs ``lr`` divided by that factor there.
    """

    def __init__(self, params: ParamsT, lr: float = required, beta: float = 0.9) -> None:
        super().__init__(params, {"lr": lr, "beta": beta})

    def _check_group(self, group: dict[str, Any]) -> None:
        check_nonnegative("lr", group["lr"], "Momentum")
        check_unit_interval("beta", group["beta"], "Momentum")

    def _state_arrays(self) -> tuple[str, ...]:
        return ("velocity",)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        v = state.get("velocity")
        if v is None:
            v = state["velocity"] = np.zeros_like(p)
        kernels.momentum(p, g, v, lr=group["lr"], beta=group["beta"])
