"""Muon: momentum whose update is orthogonalized by a Newton–Schulz iteration."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag

from .optimizer import Optimizer, ParamsT, check_nonnegative

# Keller Jordan's quintic (https://kellerjordan.github.io/posts/muon/), as torch's defaults
NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
NS_STEPS = 5
EPS = 1e-7
ADJUST_LR_FNS = (None, "original", "match_rms_adamw")


class Muon(Optimizer):
    """PyTorch's ``torch.optim.Muon``, step for step: for the 2-D weights of hidden layers
    (optimize biases, embeddings and other parameters with e.g. ``AdamW``).

    With ``B`` the momentum buffer (0 at first), ``μ`` the momentum and ``λ`` the weight
    decay::

        B = μ·B + (1 − μ)·g                  torch's ``B.lerp_(g, 1 − μ)``
        U = g + μ·(B − g)  (nesterov)   or   U = B
        O = NS(U)                           ≈ U's orthogonal factor (below)
        θ = θ·(1 − lr·λ)                    decoupled weight decay, with the unadjusted lr
        θ = θ − lr'·O

    ``NS`` scales ``U`` (of shape ``(A, B)``, transposed when ``A > B``) by
    ``1/max(‖U‖_F, eps)`` and iterates ``X ← a·X + (b·XXᵀ + c·(XXᵀ)²)·X`` ``ns_steps``
    times with ``ns_coefficients = (a, b, c)``: the singular values move towards ~1.
    As torch does, the iteration runs in bfloat16 (every product and sum rounded to its
    8 significant bits; accumulation in float32), whatever the parameter's dtype.
    ``lr' = lr·√max(1, A/B)`` for ``adjust_lr_fn=None`` or ``"original"`` (Keller
    Jordan's), ``lr' = 0.2·lr·√max(A, B)`` for ``"match_rms_adamw"`` (Moonshot's, which
    lets Muon reuse AdamW's lr and weight decay).
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, weight_decay: float = 0.1,
                 momentum: float = 0.95, nesterov: bool = True,
                 ns_coefficients: tuple[float, float, float] = NS_COEFFICIENTS,
                 eps: float = EPS, ns_steps: int = NS_STEPS,
                 adjust_lr_fn: str | None = None) -> None:
        defaults = {"lr": lr, "weight_decay": weight_decay, "momentum": momentum,
                    "nesterov": nesterov, "ns_coefficients": tuple(ns_coefficients),
                    "eps": eps, "ns_steps": ns_steps, "adjust_lr_fn": adjust_lr_fn}
        super().__init__(params, defaults)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group; Muon orthogonalizes matrices, so every parameter must be 2-D."""
        params = param_group.get("params") if isinstance(param_group, dict) else None
        if params is not None and not isinstance(params, (ag.Tensor, set, frozenset)):
            params = list(params)  # a generator is read once, here
            param_group = {**param_group, "params": params}
        for p in [params] if isinstance(params, ag.Tensor) else params or ():
            if isinstance(p, ag.Tensor) and p.ndim != 2:
                raise ValueError(f"Muon only supports 2D parameters, but a parameter has "
                                 f"shape {p.shape}; optimize it with another optimizer such "
                                 "as AdamW")
        super().add_param_group(param_group)

    def _check_group(self, group: dict[str, Any]) -> None:
        for key in ("lr", "momentum", "weight_decay"):
            check_nonnegative(key, group[key], "Muon")
        if group["adjust_lr_fn"] not in ADJUST_LR_FNS:
            raise ValueError(f"Muon: adjust_lr_fn {group['adjust_lr_fn']!r} is not supported; "
                             "use None, 'original' or 'match_rms_adamw'")
        coefficients = group["ns_coefficients"]
        if not isinstance(coefficients, (tuple, list)) or len(coefficients) != 3:
            raise ValueError("Muon: ns_coefficients must be a tuple of exactly 3 values "
                             f"(a, b, c), got {coefficients!r}")
        group["ns_coefficients"] = tuple(coefficients)
        if group["ns_steps"] >= 100:
            raise ValueError(f"Muon: ns_steps must be less than 100 for computational "
                             f"efficiency, got {group['ns_steps']}")

    def _state_arrays(self) -> tuple[str, ...]:
        return ("momentum_buffer",)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = np.zeros_like(g)
        momentum = group["momentum"]
        _lerp_(buf, g, 1 - momentum)
        update = _lerp(g, buf, momentum) if group["nesterov"] else buf
        ortho = zeropower_via_newtonschulz(update, group["ns_coefficients"],
                                           group["ns_steps"], group["eps"])
        lr = group["lr"]
        p *= p.dtype.type(1 - lr * group["weight_decay"])
        p += p.dtype.type(-adjust_lr(lr, group["adjust_lr_fn"], p.shape)) * ortho.astype(p.dtype)


def zeropower_via_newtonschulz(grad: np.ndarray,
                               ns_coefficients: tuple[float, float, float] = NS_COEFFICIENTS,
                               ns_steps: int = NS_STEPS, eps: float = EPS) -> np.ndarray:
    """The Newton–Schulz orthogonalization of the matrix ``grad`` as torch's Muon computes
    it, in bfloat16: returns a float32 array of bfloat16 values, of ``grad``'s shape.

    The quintic's coefficients maximize the slope at 0 rather than converge, so the result
    is ``U·S'·Vᵀ`` with ``S'`` roughly in (0.5, 1.5), not exactly ``UVᵀ`` (``grad = USVᵀ``).
    """
    if ns_steps >= 100:
        raise ValueError("Newton-Schulz: ns_steps must be less than 100 for computational "
                         f"efficiency, got {ns_steps}")
    if grad.ndim != 2:
        raise ValueError(f"Newton-Schulz: the gradient must be a 2D matrix, got shape "
                         f"{grad.shape}")
    a, b, c = (np.float32(v) for v in ns_coefficients)
    wide = grad.shape[0] <= grad.shape[1]
    x = to_bfloat16(grad if wide else grad.T)
    norm = to_bfloat16(np.sqrt(np.sum(np.square(x, dtype=np.float32), dtype=np.float32)))
    x = to_bfloat16(x / max(norm, to_bfloat16(np.float32(eps))))
    for _ in range(ns_steps):
        gram = to_bfloat16(x @ x.T)
        gram_update = to_bfloat16(b * gram + c * (gram @ gram))
        x = to_bfloat16(a * x + gram_update @ x)
    return x if wide else x.T


def adjust_lr(lr: float, adjust_lr_fn: str | None, shape: tuple[int, ...]) -> float:
    """Muon's learning rate for a parameter of ``shape`` ``(A, B)``: ``lr·√max(1, A/B)``
    (None, ``"original"``) or ``0.2·lr·√max(A, B)`` (``"match_rms_adamw"``)."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, rows / cols))
    if adjust_lr_fn == "match_rms_adamw":
        return lr * 0.2 * math.sqrt(max(rows, cols))
    return lr


def to_bfloat16(x: np.ndarray) -> np.ndarray:
    """Round ``x`` to bfloat16 (float32's upper 16 bits: 8 significant bits, float32's
    exponent range; nearest, ties to even), held in a float32 array. As torch's cast, a
    float64 is rounded to float32 first."""
    x32 = np.asarray(x, dtype=np.float32)
    bits = x32.view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16  # carries into the exponent
    rounded = bits.astype(np.uint32).view(np.float32)
    return np.where(np.isnan(x32), x32, rounded)


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """``start += weight·(end − start)`` in place, by torch's two-sided lerp formula."""
    start[...] = _lerp(start, end, weight)


def _lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """torch's ``lerp``: ``start + w·(end − start)`` for ``|w| < 0.5``, else
    ``end − (end − start)·(1 − w)`` (exact at both ends)."""
    w = start.dtype.type(weight)
    if abs(w) < 0.5:
        return start + w * (end - start)
    return end - (end - start) * (start.dtype.type(1) - w)
