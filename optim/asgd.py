"""ASGD: stochastic gradient descent with a decaying step and a running average of the
iterates (Polyak & Juditsky, 1992)."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from .optimizer import Optimizer, ParamsT, check_implementation, check_nonnegative


def _scalar(value: float) -> np.floating:
    """``value`` as PyTorch keeps its step-size state: a float32 0-d tensor unless the
    default dtype is float64, so the rounding of ``eta`` and ``mu`` matches step for step."""
    return (np.float64 if ag.get_default_dtype() == np.float64 else np.float32)(value)


class ASGD(Optimizer):
    """PyTorch's ``torch.optim.ASGD``, step for step. With ``g = ∇θ + weight_decay·θ``
    (negated when ``maximize``) and ``t`` the step, counted from 1::

        θ = θ·(1 − λ·η) − η·g           η starts at lr
        ā = ā + μ·(θ − ā)               the average, in state['ax'] (ā = θ while μ = 1)
        η = lr / (1 + λ·lr·t)^α
        μ = 1 / max(1, t − t0)

    so averaging starts after ``t0`` steps. ``η`` and ``μ`` are stored as PyTorch stores
    them (float32 unless the default dtype is float64). The update runs in NumPy, one
    parameter at a time (no fused kernel).
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, lambd: float = 1e-4,
                 alpha: float = 0.75, t0: float = 1e6, weight_decay: float = 0,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        check_implementation("ASGD", foreach, None, capturable, differentiable)
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                    "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        for key in ("lr", "weight_decay"):
            check_nonnegative(key, group[key], "ASGD")

    def _state_arrays(self) -> tuple[str, ...]:
        return ("ax",)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        if "ax" not in state:
            state["step"] = 0
            state["eta"] = _scalar(group["lr"])
            state["mu"] = _scalar(1.0)
            state["ax"] = np.zeros_like(p)
        state["step"] += 1
        step, lr, lambd = state["step"], group["lr"], group["lambd"]
        if group["maximize"]:
            g = -g
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        eta = float(state["eta"])
        p *= 1 - lambd * eta
        p -= eta * g
        ax = state["ax"]
        if float(state["mu"]) != 1:
            ax += (p - ax) * p.dtype.type(state["mu"])
        else:
            ax[...] = p
        state["eta"] = _scalar(lr / ((1 + lambd * lr * step) ** group["alpha"]))
        state["mu"] = _scalar(1 / max(1, step - group["t0"]))
