"""Adafactor (Shazeer & Stern, 2018) as PyTorch 2.13 has it: second moments kept as row and
column factors for matrices, an update scaled by the parameter's RMS and clipped by its
own RMS."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, check_implementation, check_nonnegative

_FACTORS = ("row_var", "col_var")


def lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """``start += weight·(end − start)`` in place, in PyTorch's two-branch form."""
    if weight < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


class Adafactor(Optimizer):
    """PyTorch's ``torch.optim.Adafactor``, step for step. With ``g`` the gradient (negated
    when ``maximize``), ``t`` the step counted from 1, ``β̂ = t^beta2_decay`` and
    ``eps = (ε₁, ε₂)`` (ε₁ None: the dtype's machine epsilon)::

        ρ = min(lr, 1/√t);   α = max(ε₂, RMS(θ))·ρ
        θ = θ·(1 − lr·weight_decay)
        matrices (and higher, over the last two dims):
            R = lerp(R, mean_cols(g²), β̂);  C = lerp(C, mean_rows(g²), β̂)
            V̂ = R·C / max(mean(R), ε₁)
        vectors and scalars:  V̂ = V = lerp(V, g², β̂)
        U = g / √max(V̂, ε₁²);   θ = θ − α·U / max(1, RMS(U)/d)

    (PyTorch's variant: no first moment, ε₁ applied to the estimate rather than to g².)
    ``foreach`` changes nothing here. The update runs in NumPy, one parameter at a time
    (no fused kernel).
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0,
                 weight_decay: float = 0.0, *, foreach: bool | None = None,
                 maximize: bool = False) -> None:
        check_implementation("Adafactor", foreach)
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": tuple(eps), "d": d,
                    "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        for key in ("lr", "weight_decay"):
            check_nonnegative(key, group[key], "Adafactor")
        if not group["beta2_decay"] <= 0:
            raise ValueError(f"Adafactor: beta2_decay should be <= 0 but is "
                             f"{group['beta2_decay']}")
        eps = tuple(group["eps"])
        if len(eps) != 2:
            raise ValueError(f"Adafactor: eps must be a pair (eps1 or None, eps2), got {eps}")
        if eps[0] is not None:
            check_nonnegative("eps[0]", eps[0], "Adafactor")
        check_nonnegative("eps[1]", eps[1], "Adafactor")
        if not group["d"] >= 1:
            raise ValueError(f"Adafactor: clipping threshold d should be >= 1 but is "
                             f"{group['d']}")
        group["eps"] = eps

    def _state_arrays(self) -> tuple[str, ...]:
        return ("variance",)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """``Optimizer.load_state_dict``, plus the row and column factors, which are not of
        their parameter's shape: ``(..., rows, 1)`` and ``(..., 1, cols)``."""
        factors, rest = {}, {}
        for key, saved in state_dict.get("state", {}).items():
            rest[key] = {k: v for k, v in saved.items() if k not in _FACTORS}
            factors[int(key)] = {k: np.asarray(v) for k, v in saved.items() if k in _FACTORS}
        super().load_state_dict({**state_dict, "state": rest})
        by_index = {}
        for saved, group in zip(state_dict["param_groups"], self.param_groups):
            ids = [int(k) for k in np.atleast_1d(np.asarray(saved["params"]))]
            by_index.update(zip(ids, group["params"]))
        for key, arrays in factors.items():
            p = by_index[key]
            for k, v in arrays.items():
                want = (p.shape[:-1] + (1,) if k == "row_var"
                        else p.shape[:-2] + (1, p.shape[-1]))
                if p.ndim < 2 or v.shape != want:
                    raise ValueError(f"Adafactor.load_state_dict: state {k!r} has shape "
                                     f"{v.shape}; for a parameter of shape {p.shape} it must "
                                     f"be {want if p.ndim >= 2 else 'absent'}")
                self.state[p][k] = v.astype(p.dtype)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        if "step" not in state:
            state["step"] = 0
            if g.ndim > 1:
                state["row_var"] = np.zeros(g.shape[:-1] + (1,), dtype=g.dtype)
                state["col_var"] = np.zeros(g.shape[:-2] + (1, g.shape[-1]), dtype=g.dtype)
            else:
                state["variance"] = np.zeros_like(g)
        state["step"] += 1
        t, lr = float(state["step"]), group["lr"]
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(p.dtype).eps)
        if group["maximize"]:
            g = -g
        weight = t ** group["beta2_decay"]
        rho = min(lr, 1 / t**0.5)
        alpha = max(eps2, float(np.linalg.norm(p.ravel())) / p.size**0.5) * rho
        if group["weight_decay"] != 0:
            p *= 1 - lr * group["weight_decay"]
        if g.ndim > 1:
            row, col = state["row_var"], state["col_var"]
            lerp_(row, np.mean(g * g, axis=-1, keepdims=True), weight)
            lerp_(col, np.mean(g * g, axis=-2, keepdims=True), weight)
            estimate = (row @ col) / np.maximum(row.mean(axis=-2, keepdims=True), eps1)
        else:
            lerp_(state["variance"], g * g, weight)
            estimate = state["variance"].copy()
        update = g / np.sqrt(np.maximum(estimate, eps1 * eps1))
        denom = max(1.0, float(np.linalg.norm(update.ravel())) / (update.size**0.5 * group["d"]))
        p -= (alpha / denom) * update
