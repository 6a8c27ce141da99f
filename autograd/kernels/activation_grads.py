"""Compiled backward kernels of the activations and of the elementwise product: one
pass each instead of a chain of NumPy temporaries (``grad * out * (1 - out)`` is three
passes in NumPy; the product's two gradients are two).

Each kernel fills ``out[i] = f(grad[i], y[i])`` over flat, C-contiguous arrays of
one float dtype; ``y`` is the op's output or input as the name says. Serial below
``sizes.PARALLEL_MIN`` elements, ``prange`` above, chosen by the ``parallel`` argument
as in ``activations.py``.
"""

from __future__ import annotations

from . import fastmath as fm
from .activations import (
    JIT,
    SCALAR,
    _clamp,
    _gelu_tanh_parts,
    _normal_tail,
    _sigmoid,
    gelu_consts,
)
from .numba_setup import njit, prange


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


@njit(**SCALAR)
def _gelu_backward(g, x):
    # Φ(x) + x·φ(x) = e^(-x²/2)·(Φ(-|x|)·e^(x²/2) - |x|/√(2π)) =: T for x < 0, 1 - T for x >= 0.
    c = fm.consts(x)
    gc = gelu_consts(x)
    xc = _clamp(x, gc.x_lim)
    k, m_hi, m_lo, hi, lo = _normal_tail(xc)
    a = abs(xc)
    b = fm.fma(-a, gc.rsqrt2pi_hi, c.half * hi) + (c.half * lo - a * gc.rsqrt2pi_lo)
    t = fm.mul_exp(b, k, m_hi, m_lo)
    return g * (t if x < c.zero else c.one - t)


@njit(**SCALAR)
def _gelu_tanh_backward(g, x):
    # d/dx x·σ(v) = σ·(1 + (1 - σ)·x·v'), σ = e/(1 + e) for v < 0, else 1/(1 + e), e = e^-|v|.
    c = fm.consts(x)
    _, xdv, negative, k, m_hi, m_lo, e = _gelu_tanh_parts(x)
    d = c.one / (c.one + e)
    if negative:
        return fm.mul_exp(g * (d * fm.fma(d, xdv, c.one)), k, m_hi, m_lo)
    return g * (d * fm.fma(e * d, xdv, c.one))


@njit(**JIT)
def mul_backward(grad, a, b, ga, gb, parallel):
    """``ga = grad·b`` and ``gb = grad·a``, the gradients of ``a·b``, reading grad once."""
    n = grad.size
    if not parallel:
        for i in range(n):
            g = grad[i]
            ga[i] = g * b[i]
            gb[i] = g * a[i]
    else:
        for i in prange(n):
            g = grad[i]
            ga[i] = g * b[i]
            gb[i] = g * a[i]


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


@njit(**JIT)
def gelu_backward(grad, x, res, parallel):
    """``res = grad·(Φ(x) + x·φ(x))``, φ the standard normal density: the derivative of x·Φ(x)."""
    n = grad.size
    if not parallel:
        for i in range(n):
            res[i] = _gelu_backward(grad[i], x[i])
    else:
        for i in prange(n):
            res[i] = _gelu_backward(grad[i], x[i])


@njit(**JIT)
def gelu_tanh_backward(grad, x, res, parallel):
    """``res = grad·(σ(2u) + x·σ(2u)(1 - σ(2u))·2u')``: the derivative of ½x(1 + tanh u),
    ``u = √(2/π)(x + 0.044715x³)``, ``2u' = 2√(2/π)(1 + 3·0.044715x²)``."""
    n = grad.size
    if not parallel:
        for i in range(n):
            res[i] = _gelu_tanh_backward(grad[i], x[i])
    else:
        for i in prange(n):
            res[i] = _gelu_tanh_backward(grad[i], x[i])
