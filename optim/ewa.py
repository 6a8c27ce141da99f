"""The exponentially weighted average of the course notes, with optional bias correction."""

from __future__ import annotations

from typing import Any

import numpy as np


class EWA:
    """Exponentially weighted (moving) average (**course**, seed-inventory §9.2-9.3)::

        v₀ = 0
        vₜ = β·vₜ₋₁ + (1 − β)·θₜ
        vₜ(corrected) = vₜ / (1 − βᵗ)

    It averages over about ``1/(1−β)`` observations (β = 0.9 → 10, 0.98 → 50). The
    correction removes the start-up bias toward 0: with β = 0.98 and θ₁ = 40,
    v₁ = 0.8 but the corrected value is 40. Observations may be numbers or arrays (all
    of one shape); ``update(θ)`` returns the current average, bias-corrected when
    ``bias_correction`` is true. PyTorch has no counterpart class; its optimizers keep
    such averages inside their state (Adam's ``exp_avg``).

    Attributes: ``value`` (the average, corrected when asked; None before the first
    update), ``raw`` (vₜ uncorrected), ``t`` (the number of updates).
    """

    def __init__(self, beta: float, bias_correction: bool = True) -> None:
        if not isinstance(beta, (int, float, np.floating)) or not 0 <= beta < 1:
            raise ValueError(f"EWA: beta must lie in [0, 1), got {beta!r}")
        self.beta = float(beta)
        self.bias_correction = bool(bias_correction)
        self.raw: Any = None
        self.t = 0

    def update(self, theta: Any) -> Any:
        """Add the observation θₜ and return the current average."""
        x = np.asarray(theta)
        if x.dtype.kind not in "fc":
            x = x.astype(np.float64)
        if self.raw is not None and np.shape(self.raw) != x.shape:
            raise ValueError(f"EWA.update: observation of shape {x.shape} after observations "
                             f"of shape {np.shape(self.raw)}")
        previous = 0.0 if self.raw is None else self.raw
        raw = self.beta * previous + (1 - self.beta) * x
        self.raw = raw.item() if x.ndim == 0 else raw
        self.t += 1
        return self.value

    @property
    def value(self) -> Any:
        """The average after ``t`` updates: ``vₜ/(1 − βᵗ)`` with bias correction, else ``vₜ``."""
        if self.raw is None or not self.bias_correction:
            return self.raw
        return self.raw / (1 - self.beta**self.t)

    def reset(self) -> None:
        """Forget every observation."""
        self.raw = None
        self.t = 0

    def __repr__(self) -> str:
        return f"EWA(beta={self.beta}, bias_correction={self.bias_correction}, t={self.t})"
