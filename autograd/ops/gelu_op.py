"""The Gaussian error linear unit ``gelu(x) = x·Φ(x)`` (Hendrycks & Gimpel, 2016) as one op.

Forward and backward each run one compiled pass (``kernels.gelu``/``gelu_backward``, or the
``_tanh`` pair). Only when the backward itself is recorded (``create_graph=True``) is the
gradient composed of Tensor ops, so that GELU can be differentiated again.
"""

from __future__ import annotations

from typing import Any

from .. import kernels
from ..function import Function
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from ._util import floating
from .elementwise import exp, tanh, where
from .logical import isinf
from .unary import erfc

_SQRT_HALF = 0.7071067811865476  # 1/√2
_INV_SQRT_2PI = 0.3989422804014327  # 1/√(2π)
_SQRT_2_OVER_PI = 0.7978845608028654  # √(2/π)
_CUBIC = 0.044715
_FORMS = ("none", "tanh")


def _finite_or_zero(a: Tensor) -> Tensor:
    """``a`` with ±inf replaced by 0: where a factor ``a`` meets one that vanishes faster
    at ±inf, the product's limit is 0, not ``inf·0 = nan``."""
    return where(isinf(a), 0.0, a)


def _exact_slope(a: Tensor) -> Tensor:
    """``gelu'(a) = Φ(a) + a·φ(a) = ½·erfc(−a/√2) + a·e^(−a²/2)/√(2π)``."""
    a_finite = _finite_or_zero(a)
    return erfc(a * -_SQRT_HALF) * 0.5 + a_finite * exp(a_finite * a_finite * -0.5) * _INV_SQRT_2PI


def _tanh_slope(a: Tensor) -> Tensor:
    """The tanh form's derivative: with ``u = √(2/π)(a + 0.044715a³)`` and ``t = tanh u``,
    ``½(1 + t) + ½a(1 − t²)·√(2/π)(1 + 3·0.044715a²)``."""
    t = tanh((a + a * a * a * _CUBIC) * _SQRT_2_OVER_PI)
    a_finite = _finite_or_zero(a)
    du = (a_finite * a_finite * (3.0 * _CUBIC) + 1.0) * _SQRT_2_OVER_PI
    return (t + 1.0) * 0.5 + a_finite * (1.0 - t * t) * du * 0.5


class Gelu(Function):
    """``gelu(a)``, exact (``approximate='none'``) or the tanh fit; d/da as in ``gelu``."""

    @staticmethod
    def forward(ctx, a, approximate):
        ctx.save_for_backward(a)
        ctx.tanh_form = approximate == "tanh"
        return kernels.gelu_tanh(a) if ctx.tanh_form else kernels.gelu(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        if not is_grad_enabled():  # no graph to record: g·gelu'(a) in one compiled pass
            kernel = kernels.gelu_tanh_backward if ctx.tanh_form else kernels.gelu_backward
            return Tensor._make(kernel(g.data, a.data), False, None, 0), None
        return g * (_tanh_slope(a) if ctx.tanh_form else _exact_slope(a)), None


def gelu(a: Any, approximate: str = "none") -> Tensor:
    """The Gaussian error linear unit ``x·Φ(x)``, Φ the standard normal CDF (PyTorch's
    ``gelu``); shape ``(*)`` → ``(*)``, integer input computed in the default float dtype.

    ``approximate='none'``: ``½x(1 + erf(x/√2))``, evaluated as ``½x·erfc(−x/√2)`` so it
    stays accurate for x ≪ 0 (where ``1 + erf`` cancels), with gradient ``Φ(x) + x·φ(x)``,
    ``φ(x) = e^(−x²/2)/√(2π)``. ``approximate='tanh'``: ``½x(1 + tanh(√(2/π)(x +
    0.044715x³)))``, the fit used by BERT and GPT-2. Both are smooth, so the gradient can be
    differentiated again; at ±inf the gradient is its limit (1 and 0), not NaN.
    """
    if approximate not in _FORMS:
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return Gelu.apply(floating(a), approximate)
