"""The plain NumPy references of the elementwise kernels.

Each function here is the definition its compiled twin in ``activations.py`` /
``activation_grads.py`` is tested against, and the implementation used for
inputs the compiled kernels do not take (integer, bool or other dtypes, 0-d
arrays, differing shapes) and everywhere when ``GRAPHGRAD_KERNELS=numpy``.
"""

from __future__ import annotations

import numpy as np


def exp(x: np.ndarray) -> np.ndarray:
    """``e^x``; overflows to inf, underflows to 0."""
    return np.exp(x)


def log(x: np.ndarray) -> np.ndarray:
    """Natural log; ``log(0) = -inf``, ``log(x < 0) = nan``."""
    return np.log(x)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent ``(e^x - e^-x)/(e^x + e^-x)``."""
    return np.tanh(x)


def tanh_backward(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``grad·(1 - out²)``: the tanh derivative written with its output.

    Computed as ``grad·(1 - out)(1 + out)``, which does not cancel as |out| -> 1.
    """
    return grad * ((1 - out) * (1 + out))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))`` in the form that never overflows."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def sigmoid_backward(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``grad * out * (1 - out)``."""
    return grad * out * (1 - out)


def relu(x: np.ndarray) -> np.ndarray:
    """``max(x, 0)`` (nan stays nan, as np.maximum)."""
    return np.maximum(x, 0)


def relu_backward(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``grad * (x > 0)``: relu'(0) = 0."""
    return np.where(x > 0, grad, 0).astype(np.result_type(grad, x), copy=False)


def leaky_relu(x: np.ndarray, slope: float) -> np.ndarray:
    """``x if x > 0 else slope·x``."""
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
