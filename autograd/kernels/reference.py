"""The plain NumPy references of the elementwise kernels.

Each function here is the definition its compiled twin in ``activations.py`` /
``activation_grads.py`` is tested against, and the implementation used for
inputs the compiled kernels do not take (integer, bool or other dtypes, 0-d
arrays, differing shapes) and everywhere when ``GRAPHGRAD_KERNELS=numpy``.
Formulas with fractions (sigmoid, leaky relu, softplus, dropout's scaling) compute
integer and bool inputs in the float type NumPy's ufuncs give them, as exp and log do,
never truncated back to integers.
"""

from __future__ import annotations

import numpy as np

from ..ops import _erf


def _floating(x: np.ndarray) -> np.ndarray:
    """x when it is floating point (or complex), else x converted to the float type
    NumPy's ufuncs compute it in: float16 for bools and 8-bit integers, float32 for
    16-bit, float64 for wider."""
    x = np.asarray(x)
    return x if x.dtype.kind in "fc" else x.astype(np.result_type(x.dtype, np.float16))


def _float_dtype(*arrays: np.ndarray) -> np.dtype:
    """The dtype NumPy's ufuncs give the arrays together, made floating as ``_floating`` does."""
    dt = np.result_type(*arrays)
    return dt if dt.kind in "fc" else np.result_type(dt, np.float16)


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


def mul_backward(grad: np.ndarray, a: np.ndarray,
                 b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(grad·b, grad·a)``, the gradients of ``a·b`` (broadcast, not yet summed back)."""
    return grad * b, grad * a


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))`` in the form that never overflows."""
    x = _floating(x)
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


def add_bias_relu_(y: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """``y = max(y + bias, 0)`` in place over the last axis of y (no bias: ``max(y, 0)``)."""
    if bias is not None:
        y += bias
    return np.maximum(y, 0, out=y)


def relu_backward_columns(grad: np.ndarray, out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``dz = grad·[out > 0]`` and its sums over every axis but the last (float64 sums)."""
    dz = relu_backward(grad, out)
    sums = dz.sum(axis=tuple(range(dz.ndim - 1)), dtype=np.float64)
    return dz, sums.astype(dz.dtype)


def leaky_relu(x: np.ndarray, slope: float) -> np.ndarray:
    """``x if x > 0 else slope·x``."""
    x = _floating(x)
    return np.where(x > 0, x, x * np.asarray(slope, dtype=x.dtype))


def leaky_relu_backward(grad: np.ndarray, x: np.ndarray, slope: float) -> np.ndarray:
    """``grad * (1 if x > 0 else slope)``."""
    dt = np.result_type(grad, x)
    if dt.kind not in "fc":
        dt = np.result_type(dt, np.float16)
    return np.where(x > 0, grad, grad * np.asarray(slope, dtype=dt)).astype(dt, copy=False)


def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))`` as ``max(x, 0) + log1p(exp(-|x|))``: finite for any x."""
    x = _floating(x)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def softplus_backward(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``grad * sigmoid(x)``."""
    return grad * sigmoid(x)


def erf(x: np.ndarray) -> np.ndarray:
    """``erf(x) = 2/√π ∫₀ˣ e^(-t²) dt``: Cody's rational approximations (``autograd/ops/_erf.py``,
    within 1 ulp) in float64, rounded to x's float dtype."""
    return _erf.erf(_floating(x))


def erfc(x: np.ndarray) -> np.ndarray:
    """``erfc(x) = 1 - erf(x)`` as ``erf``: accurate where it is tiny, 0 from x ≈ 27.2."""
    return _erf.erfc(_floating(x))


_SATURATED = 40.0  # from here on every GELU form and derivative is 0, 1 or x in float64
_RSQRT2PI = 0.3989422804014327  # 1/√(2π)
_TWO_SQRT_2_OVER_PI = 1.5957691216057308  # 2·√(2/π)
_KAPPA = 0.044715


def _as_float64(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.dtype]:
    """x in float64, x clamped to ±_SATURATED (nan kept), and the float dtype of the result."""
    x = _floating(x)
    x64 = x.astype(np.float64)
    return x64, np.clip(x64, -_SATURATED, _SATURATED), x.dtype


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    """``Φ(x) = ½·erfc(-x/√2)`` in float64."""
    return 0.5 * _erf.erfc(-x / np.sqrt(2.0))


def gelu(x: np.ndarray) -> np.ndarray:
    """``x·Φ(x) = ½x(1 + erf(x/√2))``, Φ the standard normal CDF, in float64 (for float64 x
    far below 0 the rounding of x/√2 costs about x² ulp) rounded to x's float dtype."""
    x64, xc, dtype = _as_float64(x)
    return (np.where(x64 < 0, xc, x64) * _normal_cdf(xc)).astype(dtype, copy=False)


def gelu_backward(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``grad·(Φ(x) + x·φ(x))``, ``φ(x) = e^(-x²/2)/√(2π)``, in float64."""
    _, xc, _ = _as_float64(x)
    d = _normal_cdf(xc) + xc * (_RSQRT2PI * np.exp(-0.5 * xc * xc))
    return (grad * d).astype(_float_dtype(grad, x), copy=False)


def _tanh_form(xc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(σ(2u), 1 - σ(2u))``, ``2u = 2√(2/π)(x + 0.044715x³)``, without cancellation."""
    v = _TWO_SQRT_2_OVER_PI * (xc + _KAPPA * xc**3)
    return sigmoid(v), sigmoid(-v)


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    """``½x(1 + tanh u) = x·σ(2u)``, ``u = √(2/π)(x + 0.044715x³)``, in float64."""
    x64, xc, dtype = _as_float64(x)
    return (np.where(x64 < 0, xc, x64) * _tanh_form(xc)[0]).astype(dtype, copy=False)


def gelu_tanh_backward(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``grad·(σ + x·σ(1 - σ)·2u')``, ``σ = σ(2u) = ½(1 + tanh u)``,
    ``2u' = 2√(2/π)(1 + 3·0.044715x²)``, in float64."""
    _, xc, _ = _as_float64(x)
    s, rest = _tanh_form(xc)
    d = s + xc * s * rest * (_TWO_SQRT_2_OVER_PI * (1 + 3 * _KAPPA * xc * xc))
    return (grad * d).astype(_float_dtype(grad, x), copy=False)


# ------------------------------------------------------------ fused nn ops
def softmax_xent_forward(z: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per row of ``(N, C)`` logits z and targets a:
    ``(−Σ a·log softmax(z), softmax(z), Σ a)``."""
    m = z.max(axis=1, keepdims=True)
    shifted = z - m
    log_s = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_p = shifted - log_s
    losses = -(a * log_p).sum(axis=1)
    return losses, np.exp(log_p), a.sum(axis=1)


def softmax_xent_backward(p: np.ndarray, a: np.ndarray, asum: np.ndarray,
                          g: np.ndarray) -> np.ndarray:
    """``(p·Σa − a)·g`` for the softmax p; g is ``(N,)`` or a number."""
    g = np.reshape(g, (-1, 1)) if np.ndim(g) else g
    return (p * asum[:, None] - a) * g


def softmax_xent_labels_forward(z: np.ndarray, labels: np.ndarray,
                                weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(−weight·log softmax(z)[labels], softmax(z))`` per row of ``(N, C)`` z."""
    onehot = np.zeros(z.shape, z.dtype)
    onehot[np.arange(z.shape[0]), labels] = 1
    losses, p, _ = softmax_xent_forward(z, onehot)
    return (losses * weight).astype(z.dtype, copy=False), p


def softmax_xent_labels_backward(p: np.ndarray, labels: np.ndarray, weight: np.ndarray,
                                 g: np.ndarray) -> np.ndarray:
    """``(p − onehot(labels))·weight·g`` per row; g is ``(N,)`` or a number."""
    g = np.reshape(g, (-1, 1)) if np.ndim(g) else g
    out = p * weight[:, None]
    out[np.arange(p.shape[0]), labels] -= weight
    return out * g


def _bn_axes(x: np.ndarray) -> tuple[int, ...]:
    return (0,) if x.ndim == 2 else (0, 2)


def _bn_column(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    return v.reshape((1, -1) if x.ndim == 2 else (1, -1, 1))


def batch_norm_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per channel (dimension 1) of ``(N, C)`` or ``(N, C, L)`` x: the mean and biased variance."""
    axes = _bn_axes(x)
    return x.mean(axis=axes), x.var(axis=axes)


def batch_norm_forward(x: np.ndarray, mean: np.ndarray, inv_std: np.ndarray,
                       gamma: np.ndarray | None, beta: np.ndarray | None) -> np.ndarray:
    """``(x − mean)·inv_std·gamma + beta`` per channel (gamma, beta optional)."""
    out = (x - _bn_column(mean, x)) * _bn_column(inv_std, x)
    if gamma is not None:
        out = out * _bn_column(gamma, x)
    if beta is not None:
        out = out + _bn_column(beta, x)
    return out.astype(x.dtype, copy=False)


def batch_norm_backward(g: np.ndarray, x: np.ndarray, mean: np.ndarray, inv_std: np.ndarray,
                        gamma: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(γ·inv_std·(g − mean(g) − x̂·mean(g·x̂)), Σ g·x̂, Σ g)`` per channel,
    ``x̂ = (x − mean)·inv_std``."""
    axes = _bn_axes(x)
    inv = _bn_column(inv_std, x)
    x_hat = (x - _bn_column(mean, x)) * inv
    g_hat = g if gamma is None else g * _bn_column(gamma, x)
    dx = inv * (g_hat - g_hat.mean(axis=axes, keepdims=True)
                - x_hat * (g_hat * x_hat).mean(axis=axes, keepdims=True))
    return dx.astype(x.dtype, copy=False), (g * x_hat).sum(axis=axes), g.sum(axis=axes)


# SplitMix64 (Steele, Lea & Flood 2014; Vigna's splitmix64.c): output k (from 1) of the
# generator seeded with s is mix(s + k·γ), uint64 arithmetic mod 2⁶⁴.
SPLITMIX_GAMMA = np.uint64(0x9E3779B97F4A7C15)  # 2⁶⁴/φ, odd
SPLITMIX_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
SPLITMIX_MIX2 = np.uint64(0x94D049BB133111EB)
LOW32 = np.uint64(0xFFFFFFFF)


def splitmix64(seed: int, count: int) -> np.ndarray:
    """SplitMix64's first ``count`` outputs from ``seed`` (uint64 array)."""
    z = np.uint64(seed) + np.arange(1, count + 1, dtype=np.uint64) * SPLITMIX_GAMMA
    z = (z ^ (z >> np.uint64(30))) * SPLITMIX_MIX1
    z = (z ^ (z >> np.uint64(27))) * SPLITMIX_MIX2
    return z ^ (z >> np.uint64(31))


def keep_mask(size: int, seed: int, threshold: int) -> np.ndarray:
    """``u_i < threshold`` for i < size (flat bool), where ``u_2j`` and ``u_2j+1`` are the
    high and low 32 bits of SplitMix64 output ``j + 1``."""
    z = splitmix64(seed, (size + 1) // 2)
    u = np.empty(2 * z.size, dtype=np.uint64)
    u[0::2] = z >> np.uint64(32)
    u[1::2] = z & LOW32
    return u[:size] < np.uint64(threshold)


def dropout_mask_scale(x: np.ndarray, keep: np.ndarray, keep_prob: float) -> np.ndarray:
    """``x·(1/keep_prob)`` where ``keep`` (bool), else 0; ``1/keep_prob`` is taken in x's
    dtype from keep_prob rounded to it, as PyTorch's dropout scales (in float32 this can
    differ by an ulp from the float64 quotient rounded to float32)."""
    x = _floating(x)
    if not keep.any():
        return np.zeros_like(x)
    if keep_prob == 0:
        raise ValueError("dropout_mask_scale: keep_prob is 0, but the mask keeps some units")
    scale = x.dtype.type(1) / x.dtype.type(keep_prob)
    return np.where(keep, x * scale, x.dtype.type(0.0))
