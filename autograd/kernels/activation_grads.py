"""Compiled backward kernels of the activations: one pass each instead of a chain
of NumPy temporaries (``grad * out * (1 - out)`` is three passes in NumPy).

Each kernel fills ``out[i] = f(grad[i], y[i])`` over flat, C-contiguous arrays of
one float dtype; ``y`` is the op's output or input as the name says. Serial below
``sizes.PARALLEL_MIN`` elements, ``prange`` above, chosen by the ``parallel`` argument
as in ``activations.py``.
"""

from __future__ import annotations

from numba import njit, prange

from . import fastmath as fm
from .activations import JIT, SCALAR, _sigmoid


@njit(**SCALAR)
def _tanh_backward(g, out):
    # (1 - out)(1 + out), not 1 - out²: no cancellation as |out| -> 1, with or without FMA.
    one = fm.consts(g).one
    return g * ((one - out) * (one + out))


@njit(**SCALAR)
def _sigmoid_backward(g, out):
    return g * out * (fm.consts(g).one - out)


@njit(**SCALAR)
def _relu_backward(g, x):
    c = fm.consts(g)
    return g if x > c.zero else c.zero


@njit(**SCALAR)
def _leaky_relu_backward(g, x, slope):
    return g if x > fm.consts(g).zero else g * slope


@njit(**JIT)
def tanh_backward(grad, out, res, parallel):
    """``res = grad·(1 - out²)``, out = tanh(x), computed as ``grad·(1 - out)(1 + out)``."""
    n = grad.size
    if not parallel:
        for i in range(n):
            res[i] = _tanh_backward(grad[i], out[i])
    else:
        for i in prange(n):
            res[i] = _tanh_backward(grad[i], out[i])


@njit(**JIT)
def sigmoid_backward(grad, out, res, parallel):
    """``res = grad·out·(1 - out)``, out = sigmoid(x)."""
    n = grad.size
    if not parallel:
        for i in range(n):
            res[i] = _sigmoid_backward(grad[i], out[i])
    else:
        for i in prange(n):
            res[i] = _sigmoid_backward(grad[i], out[i])


@njit(**JIT)
def relu_backward(grad, x, res, parallel):
    """``res = grad if x > 0 else 0``."""
    n = grad.size
    if not parallel:
        for i in range(n):
            res[i] = _relu_backward(grad[i], x[i])
    else:
        for i in prange(n):
            res[i] = _relu_backward(grad[i], x[i])


@njit(**JIT)
def leaky_relu_backward(grad, x, slope, res, parallel):
    """``res = grad if x > 0 else slope·grad``; ``slope`` has grad's dtype."""
    n = grad.size
    if not parallel:
        for i in range(n):
            res[i] = _leaky_relu_backward(grad[i], x[i], slope)
    else:
        for i in prange(n):
            res[i] = _leaky_relu_backward(grad[i], x[i], slope)


@njit(**JIT)
def softplus_backward(grad, x, res, parallel):
    """``res = grad·sigmoid(x)``."""
    n = grad.size
    if not parallel:
        for i in range(n):
            res[i] = grad[i] * _sigmoid(x[i])
    else:
        for i in prange(n):
            res[i] = grad[i] * _sigmoid(x[i])
