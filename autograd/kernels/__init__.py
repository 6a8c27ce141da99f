"""Elementwise kernels: the arithmetic behind the elementwise ops and their backward formulas.

Every kernel takes and returns NumPy arrays; the ops in ``autograd/ops`` call
these names. Float32/float64 arrays run compiled Numba kernels
(``activations.py``, ``activation_grads.py``, built on the vectorizable exp/log
of ``fastmath.py``); other inputs, and every input when the environment has
``GRAPHGRAD_KERNELS=numpy`` when this package is imported, run the NumPy
references of ``reference.py``. ``dispatch.py`` makes that choice; ``backend()``
says which is active. The two agree within a few ulp (tests/autograd/test_kernels.py).
"""

from __future__ import annotations

import numpy as np

from .dispatch import BACKEND, binary, unary


def backend() -> str:
    """``'numba'`` (compiled kernels for float arrays) or ``'numpy'`` (references only)."""
    return BACKEND


def exp(x: np.ndarray) -> np.ndarray:
    """``e^x``; overflows to inf, underflows to 0."""
    return unary("exp", x)


def log(x: np.ndarray) -> np.ndarray:
    """Natural log; ``log(0) = -inf``, ``log(x < 0) = nan``."""
    return unary("log", x)


def tanh(x: np.ndarray) -> np.ndarray:
    """``tanh(x) = (e^x - e^-x)/(e^x + e^-x)``; ±1 for large |x|."""
    return unary("tanh", x)


def tanh_backward(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``grad·(1 - out²)``: the tanh derivative written with its output (course: 1 - a²)."""
    return binary("tanh_backward", grad, out)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1/(1 + e^-x)`` in a form that never overflows: ``sigmoid(±1000)`` is 1 / 0."""
    return unary("sigmoid", x)


def sigmoid_backward(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``grad·out·(1 - out)``, out = sigmoid(x)."""
    return binary("sigmoid_backward", grad, out)


def relu(x: np.ndarray) -> np.ndarray:
    """``max(x, 0)``; nan stays nan."""
    return unary("relu", x)


def relu_backward(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``grad·[x > 0]``: relu'(0) = 0."""
    return binary("relu_backward", grad, x)


def leaky_relu(x: np.ndarray, slope: float) -> np.ndarray:
    """``x if x > 0 else slope·x`` (slope cast to x's dtype)."""
    return unary("leaky_relu", x, slope)


def leaky_relu_backward(grad: np.ndarray, x: np.ndarray, slope: float) -> np.ndarray:
    """``grad·(1 if x > 0 else slope)``."""
    return binary("leaky_relu_backward", grad, x, slope)


def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + e^x) = max(x, 0) + log1p(e^-|x|)``: finite for finite x, 1000 at 1000."""
    return unary("softplus", x)


def softplus_backward(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``grad·sigmoid(x)``."""
    return binary("softplus_backward", grad, x)
