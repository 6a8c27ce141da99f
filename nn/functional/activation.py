"""Layers as functions: ``linear``, the activations, and ``one_hot``.

Thin wrappers over the engine's ops, named as in ``torch.nn.functional`` so a
PyTorch script ports by changing its imports (activation formulas: seed
inventory §3).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag


def linear(x: ag.Tensor, weight: ag.Tensor, bias: ag.Tensor | None = None) -> ag.Tensor:
    """``x @ weight.T + bias``: x ``(N, in)``, weight ``(out, in)``, bias ``(out,)`` → ``(N, out)``.

    One fused engine op (``autograd.linear``). The course writes the same layer
    column-wise as ``Z = W·A_prev + b`` with examples as columns (§1.4, §7.4);
    here examples are rows, as in PyTorch.
    """
    return ag.linear(x, weight, bias)


def relu(x: ag.Tensor) -> ag.Tensor:
    """``max(0, x)``; relu'(0) = 0 (course §3: "set it to 0 or 1")."""
    return ag.relu(x)


def leaky_relu(x: ag.Tensor, negative_slope: float = 0.01) -> ag.Tensor:
    """``x if x > 0 else negative_slope·x`` (course §3: ``max(0.01 z, z)``)."""
    return ag.leaky_relu(x, negative_slope)


def sigmoid(x: ag.Tensor) -> ag.Tensor:
    """``1 / (1 + e^-x)``, with ``σ' = σ(1 − σ)`` (course §3)."""
    return ag.sigmoid(x)


def tanh(x: ag.Tensor) -> ag.Tensor:
    """``(e^x − e^-x) / (e^x + e^-x)``, with ``tanh' = 1 − tanh²`` (course §3)."""
    return ag.tanh(x)


def softmax(x: ag.Tensor, dim: int = -1) -> ag.Tensor:
    """``e^{x_i} / Σ_j e^{x_j}`` along ``dim`` (course §12; computed with the max subtracted).

    Rows of an ``(N, C)`` input sum to 1 with the default ``dim=-1``; the course's
    column-per-example layout ``(C, m)`` is ``dim=0``.
    """
    return ag.softmax(x, axis=dim)


def log_softmax(x: ag.Tensor, dim: int = -1) -> ag.Tensor:
    """``x_i − log Σ_j e^{x_j}`` along ``dim`` (the log-sum-exp trick of §2.2)."""
    return ag.log_softmax(x, axis=dim)


def one_hot(labels: Any, num_classes: int = -1, dtype: Any = np.int64) -> ag.Tensor:
    """``(N,)`` integer labels → ``(N, num_classes)`` rows with a single 1 (course §7.5:
    ``np.eye(C)[labels]``). ``num_classes=-1`` uses ``max(labels) + 1``. The result is
    int64 like PyTorch's unless ``dtype`` is given (pass ``np.float32`` for targets)."""
    arr = np.asarray(labels.data if isinstance(labels, ag.Tensor) else labels)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"one_hot: labels must be integers, got dtype {arr.dtype}; convert "
                        "them with .astype(np.int64)")
    if num_classes == -1:
        num_classes = int(arr.max()) + 1 if arr.size else 0
    if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise ValueError(f"one_hot: labels must lie in [0, {num_classes}), got values from "
                         f"{int(arr.min())} to {int(arr.max())}")
    out = np.zeros(arr.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, arr[..., None], 1, axis=-1)
    return ag.tensor(out)
