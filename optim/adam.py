"""Adam and AdamW: momentum plus RMSprop, with bias correction."""

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


class Adam(Optimizer):
    """PyTorch's ``torch.optim.Adam``, step for step; the course's Adam (seed-inventory §9.7).

    With ``g = ∇θ + weight_decay·θ`` (negated when ``maximize``) and ``t`` the step,
    counted from 1::

        m = β₁·m + (1 − β₁)·g            first moment (momentum), starts at 0
        v = β₂·v + (1 − β₂)·g²           second moment (RMSprop), starts at 0
        v̂ₘₐₓ = max(v̂ₘₐₓ, v)              amsgrad only; used in place of v below
        m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ)   the notes' bias correction
        θ = θ − lr·m̂ / (√v̂ + ε)

    ε sits outside the root, as in S2 L1937 and S4 (the notes also write ``√(v̂ + ε)``:
    conflict §16.2). PyTorch evaluates the last line as
    ``θ − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)``, and so does this class. Defaults are
    the notes' β₁ = 0.9, β₂ = 0.999, ε = 1e-8 and the common α = 1e-3.
    """

    _decoupled = False

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None,
                 capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        check_implementation(type(self).__name__, foreach, fused, capturable, differentiable)
        if decoupled_weight_decay:  # torch's Adam(decoupled_weight_decay=True) is AdamW
            self._decoupled = True
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        name = type(self).__name__
        for key in ("lr", "eps", "weight_decay"):
            check_nonnegative(key, group[key], name)
        check_betas(group, name)

    def _state_arrays(self) -> tuple[str, ...]:
        return ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        self._make_state(p, state, group)
        state["step"] += 1
        kernels.adam(p, g, state["exp_avg"], state["exp_avg_sq"],
                     state["max_exp_avg_sq"] if group["amsgrad"] else None,
                     **self._options(group, state["step"]))

    def _update_group(self, group: dict[str, Any], pairs: list[tuple[Any, np.ndarray]]) -> None:
        """The parameters of one step count in one call of the fused kernel where it takes
        them (``optim.kernels.adam_many``: contiguous float arrays of one dtype, enough
        elements for the parallel loop), else one by one; the same arithmetic."""
        if (group["amsgrad"] or len(pairs) < 2
                or type(self)._update is not Adam._update):  # a subclass's own update
            super()._update_group(group, pairs)
            return
        states = [self.state[p] for p, _ in pairs]
        for (p, _), state in zip(pairs, states):
            self._make_state(p.data, state, group)
        step = states[0]["step"] + 1
        if all(state["step"] + 1 == step for state in states) and kernels.adam_many(
                [p.data for p, _ in pairs], [g for _, g in pairs],
                [state["exp_avg"] for state in states],
                [state["exp_avg_sq"] for state in states], **self._options(group, step)):
            for state in states:
                state["step"] = step
            return
        super()._update_group(group, pairs)

    def _make_state(self, p: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        """The state of ``p`` before its first step: step 0 and zero moments."""
        if "exp_avg" not in state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
        if group["amsgrad"] and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = np.zeros_like(p)

    def _options(self, group: dict[str, Any], t: int) -> dict[str, Any]:
        """The update's options at step ``t``, with the bias corrections."""
        beta1, beta2 = group["betas"]
        lr = group["lr"]
        return {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": group["eps"],
                "weight_decay": group["weight_decay"], "decoupled": self._decoupled,
                "maximize": group["maximize"], "step_size": lr / (1 - beta1**t),
                "bc2_sqrt": (1 - beta2**t) ** 0.5}


class AdamW(Adam):
    """PyTorch's ``torch.optim.AdamW``: Adam with decoupled weight decay.

    The decay shrinks θ directly instead of entering the gradient (and so the
    moments)::

        θ = θ·(1 − lr·weight_decay)
        then Adam's update with g = ∇θ (no L2 term)

    The course has no AdamW; its L2 regularization (seed-inventory §6.1) is the
    ``weight_decay`` of ``Adam``/``SGD``. The default weight_decay is PyTorch's 1e-2.
    """

    _decoupled = True

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None,
                 capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                         capturable=capturable, differentiable=differentiable, fused=fused)
