"""Input normalization fitted on the training set only (seed inventory §7.2)."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from ._common import as_array, like


class Standardizer:
    """Zero mean, unit variance per feature, with statistics from the training set.

    The course's two steps (§7.2, S0 L552-573 / S2 L976-984), over the m training examples:
    ``μ = 1/m Σ x⁽ⁱ⁾``, ``σ² = 1/m Σ (x⁽ⁱ⁾ − μ)²`` (the biased variance, NumPy's ``std``),
    ``x := (x − μ) / sqrt(σ²)``. ``fit`` computes μ and σ² on the training set; ``transform``
    applies those same numbers to dev and test, never recomputing them (§7.2: "use the
    training μ and σ²", no data leakage).

    Statistics are per feature: over axis 0, so X of shape ``(N, *F)`` gives μ, σ of shape
    ``F`` (one per pixel for images). They are computed in float64 and stored that way.

    Zero-variance guard: a feature whose σ is at most ``eps`` (a constant feature, such as an
    always-blank border pixel) is divided by 1 instead of by σ, so it becomes 0 after centering
    rather than NaN/inf; ``inverse_transform`` undoes it exactly.

    Output dtype: floating input keeps its dtype; integer input becomes the default float
    dtype. Arrays come back as arrays, Tensors as Tensors (without grad).
    """

    def __init__(self, eps: float = 1e-8) -> None:
        if not (isinstance(eps, (int, float)) and eps >= 0):
            raise ValueError(f"Standardizer: eps must be a non-negative number, got {eps!r}")
        self.eps = float(eps)
        self.mean_: np.ndarray | None = None
        self.var_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, X: Any) -> Standardizer:
        """Compute μ and σ² per feature from the training set ``X`` of shape ``(m, *F)``."""
        x = as_array(X, "Standardizer.fit", "X")
        if x.ndim < 1 or x.shape[0] == 0:
            raise ValueError(f"Standardizer.fit: X needs at least one example on axis 0, got "
                             f"shape {x.shape}")
        x = x.astype(np.float64)
        if not np.all(np.isfinite(x)):
            raise ValueError("Standardizer.fit: X contains NaN or inf; clean or impute it first")
        self.mean_ = x.mean(axis=0)
        self.var_ = ((x - self.mean_) ** 2).mean(axis=0)
        std = np.sqrt(self.var_)
        self.scale_ = np.where(std > self.eps, std, 1.0)
        return self

    def _checked(self, X: Any, func: str) -> tuple[np.ndarray, np.dtype]:
        if self.mean_ is None:
            raise RuntimeError(f"Standardizer.{func}: call fit(X_train) first")
        x = as_array(X, f"Standardizer.{func}", "X")
        if x.shape[1:] != self.mean_.shape:
            raise ValueError(f"Standardizer.{func}: X has features of shape {x.shape[1:]} but "
                             f"the standardizer was fitted on {self.mean_.shape}")
        dtype = x.dtype if x.dtype.kind == "f" else ag.get_default_dtype()
        return x, dtype

    def transform(self, X: Any) -> Any:
        """``(X − μ) / σ`` with the training statistics."""
        x, dtype = self._checked(X, "transform")
        return like(X, ((x - self.mean_) / self.scale_).astype(dtype))

    def fit_transform(self, X: Any) -> Any:
        """``fit(X)`` then ``transform(X)``: for the training set."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z: Any) -> Any:
        """``Z·σ + μ``: back to the original units."""
        z, dtype = self._checked(Z, "inverse_transform")
        return like(Z, (z * self.scale_ + self.mean_).astype(dtype))

    def state_dict(self) -> dict[str, np.ndarray]:
        """The fitted statistics as arrays (``mean``, ``var``, ``scale``, ``eps``), for ``.npz``."""
        if self.mean_ is None:
            raise RuntimeError("Standardizer.state_dict: nothing to save before fit")
        return {"mean": self.mean_.copy(), "var": self.var_.copy(),
                "scale": self.scale_.copy(), "eps": np.asarray(self.eps)}

    def load_state_dict(self, state: dict[str, Any]) -> Standardizer:
        """Restore statistics saved by ``state_dict``."""
        missing = {"mean", "var", "scale", "eps"} - set(state)
        if missing:
            raise KeyError(f"Standardizer.load_state_dict: missing keys {sorted(missing)}")
        mean, var, scale = (np.asarray(state[k], dtype=np.float64) for k in ("mean", "var",
                                                                             "scale"))
        if not (mean.shape == var.shape == scale.shape):
            raise ValueError("Standardizer.load_state_dict: mean, var and scale shapes differ: "
                             f"{mean.shape}, {var.shape}, {scale.shape}")
        self.mean_, self.var_, self.scale_ = mean, var, scale
        self.eps = float(np.asarray(state["eps"]))
        return self

    def __repr__(self) -> str:
        fitted = "unfitted" if self.mean_ is None else f"features={self.mean_.shape}"
        return f"Standardizer({fitted}, eps={self.eps:g})"
