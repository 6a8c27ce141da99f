"""Elementwise kernels: the arithmetic behind the elementwise ops and their backward formulas.

Every kernel takes and returns NumPy arrays. This module is the one place the ops
call; it picks the Numba implementation or the plain NumPy reference it must agree
with. ``GRAPHGRAD_KERNELS=numpy`` in the environment selects the references
everywhere.
"""

from __future__ import annotations

import numpy as np


def exp(x: np.ndarray) -> np.ndarray:
    return np.exp(x)


def log(x: np.ndarray) -> np.ndarray:
    return np.log(x)


def tanh(x: np.ndarray) -> np.ndarray:
    return np.tanh(x)


def tanh_backward(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``grad * (1 - out**2)``: the tanh derivative written with its output."""
    return grad * (1 - out * out)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))`` in the form that never overflows."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def sigmoid_backward(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``grad * out * (1 - out)``."""
    return grad * out * (1 - out)


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


def relu_backward(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``grad * (x > 0)``: relu'(0) = 0."""
    return np.where(x > 0, grad, 0).astype(np.result_type(grad, x), copy=False)


def leaky_relu(x: np.ndarray, slope: float) -> np.ndarray:
    return np.where(x > 0, x, x * np.asarray(slope, dtype=x.dtype))


def leaky_relu_backward(grad: np.ndarray, x: np.ndarray, slope: float) -> np.ndarray:
    """``grad * (1 if x > 0 else slope)``."""
    dt = np.result_type(grad, x)
    return np.where(x > 0, grad, grad * np.asarray(slope, dtype=dt)).astype(dt, copy=False)


def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))`` as ``max(x, 0) + log1p(exp(-|x|))``: finite for any x."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def softplus_backward(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``grad * sigmoid(x)``."""
    return grad * sigmoid(x)
