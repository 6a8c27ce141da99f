"""Elementwise ops: arithmetic, power, unary math and activations.

Each op's forward is on arrays (through ``kernels`` where a fused kernel exists)
and its backward is written with Tensor ops, so every one of them can be
differentiated again. The hot activation backwards (tanh, sigmoid, relu, leaky
relu) are ops of their own whose forward is one fused kernel.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import kernels
from ..dtypes import get_default_dtype
from ..errors import ShapeError
from ..function import Function
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from ._util import (
    as_tensor,
    dimensioned_float,
    float_promoted,
    floating,
    operand,
    raise_if_not_numbers,
    refuse_out,
    shape_of,
    unbroadcast,
    wrap_grads,
)


def _shape_error(op: str, a: Any, b: Any) -> ShapeError:
    return ShapeError(
        f"{op}: shapes {_shape_of(a)} and {_shape_of(b)} cannot be broadcast together "
        "(dimensions are compared from the right and must be equal or 1)"
    )


def _shape_of(x: Any) -> tuple:
    return x.shape if isinstance(x, Tensor) else np.shape(x)


def _binary(fn: type[Function], op: str, a: Any, b: Any) -> Tensor:
    """``fn`` on two operands, at least one a Tensor, with PyTorch's dtype rules where
    NumPy's differ: a float scalar (Python's or NumPy's) takes the tensor's float dtype
    (``t / np.sqrt(d)`` stays float32) or, with an integer tensor, the default float
    dtype (``int_t * 2.5`` is float32); an integer operand takes the float operand's
    dtype (``int_t + f32_t`` is float32)."""
    if not isinstance(a, Tensor):
        if (type(a) is float or isinstance(a, np.floating)) and (fn is Add or fn is Mul) \
                and isinstance(b, Tensor):
            a, b = b, a  # c + t = t + c and c·t = t·c exactly: the scalar ops below
        else:
            a = operand(a, b)
            if not isinstance(b, Tensor):
                a = Tensor._wrap(a)
    if not isinstance(b, Tensor):
        dt = a.data.dtype  # a float scalar takes a's float dtype (``operand``'s rule, inline)
        if type(b) is float or isinstance(b, np.floating):
            if dt.kind != "f":
                a = floating(a)
                dt = a.data.dtype
            if fn is Mul:
                return MulScalar.apply(a, dt.type(b))
            if fn is Add or fn is Sub:
                return AddScalar.apply(a, dt.type(b if fn is Add else -b))
            b = np.asarray(b, dtype=dt)
        else:
            b = operand(b, a)
        if fn is Div and dt.kind == "f" and b.dtype == dt and not b.ndim:
            return DivScalar.apply(a, b)
    da = a.data.dtype if isinstance(a, Tensor) else a.dtype
    db = b.data.dtype if isinstance(b, Tensor) else b.dtype
    if da is not db:
        if (da.kind == "f") != (db.kind == "f"):
            a, b = float_promoted(a, b)
        elif da.kind == "f":
            a, b = dimensioned_float(a, b, astype)
    try:
        return fn.apply(a, b)
    except ValueError as e:
        if "broadcast" in str(e):
            raise _shape_error(op, a, b) from None
        raise
    except TypeError:
        raise_if_not_numbers(op, a, b)
        raise


# ------------------------------------------------------------------ arithmetic
class Add(Function):
    """``a + b``; d/da = 1, d/db = 1 (summed back over broadcast axes)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (shape_of(a), shape_of(b))
        return kernels.add(a, b)

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return (unbroadcast(g, sa) if na else None, unbroadcast(g, sb) if nb else None)


class Sub(Function):
    """``a - b``; d/da = 1, d/db = -1."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (shape_of(a), shape_of(b))
        return kernels.subtract(a, b)

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return (unbroadcast(g, sa) if na else None, unbroadcast(-g, sb) if nb else None)


class Mul(Function):
    """``a * b``; d/da = b, d/db = a."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return kernels.multiply(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        recorded = is_grad_enabled()
        if not recorded:  # no graph to record: the same formulas on the arrays
            g, a, b = g.data, a.data, b.data
            if na and nb:
                ga, gb = kernels.mul_backward(g, a, b)
                return wrap_grads(unbroadcast(ga, a.shape), unbroadcast(gb, b.shape))
        ga = unbroadcast(g * b, a.shape) if na else None
        gb = unbroadcast(g * a, b.shape) if nb else None
        return (ga, gb) if recorded else wrap_grads(ga, gb)


class AddScalar(Function):
    """``a + c`` for a Python float c held in a's float dtype (``a - c`` is ``a + (−c)``,
    exactly); d/da = 1. The common ``t + 0.5`` without a saved constant; drawn as Add."""

    display_name = "Add"

    @staticmethod
    def forward(ctx, a, c):
        return np.add(a, c)

    @staticmethod
    def backward(ctx, g):
        return g, None


class _ByConstant(Function):
    """``ufunc(a, c)`` for a constant c, linear in a (multiply or divide by c): the
    gradient is ``ufunc(g, c)``, recorded as the op (``op``: the subclass that set
    ``ufunc``, not a form of it written over its input) only when the backward is."""

    ufunc: np.ufunc
    op: type[_ByConstant]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "ufunc" in cls.__dict__:
            cls.op = cls

    @classmethod
    def forward(cls, ctx, a, c):
        ctx.c = c
        return cls.ufunc(a, c)

    @classmethod
    def backward(cls, ctx, g):
        if is_grad_enabled():
            return cls.op.apply(g, ctx.c), None
        return Tensor._make(cls.ufunc(g.data, ctx.c), False, None, 0), None


class MulScalar(_ByConstant):
    """``a·c`` for a Python float c held in a's float dtype; d/da = c. The common
    ``0.5 * t`` without a saved constant; drawn as Mul."""

    display_name = "Mul"
    ufunc = np.multiply


class DivScalar(_ByConstant):
    """``a / c`` for a number c held as a 0-d array of a's float dtype; d/da = 1/c, the
    gradient ``g / c`` as Div's. The common ``t.sum() / n`` without a saved constant or
    op nodes in its backward; drawn as Div."""

    display_name = "Div"
    ufunc = np.true_divide


class Div(Function):
    """``a / b``; d/da = 1/b, d/db = -a/b², computed as ``-(a/b)/b`` (PyTorch's order).

    Saves its inputs, not its output (PyTorch's choice too): ``y = x / s`` followed by
    an in-place change of y (``y.clamp_(...)``, ``y /= 2``) keeps a working backward.
    """

    @staticmethod
    def forward(ctx, a, b):
        out = kernels.divide(a, b)
        if np.asarray(a).dtype.kind in "iub" and np.asarray(b).dtype.kind in "iub":
            out = out.astype(get_default_dtype())  # integer / integer: as PyTorch
        ctx.save_for_backward(a, b)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (unbroadcast(g / b, a.shape) if na else None,
                unbroadcast(-g * ((a / b) / b), b.shape) if nb else None)


class Neg(Function):
    """``-a``."""

    @staticmethod
    def forward(ctx, a):
        return np.negative(a)

    @staticmethod
    def backward(ctx, g):
        return -g


class PowScalar(Function):
    """``a ** p`` for a constant p; d/da = p·a^(p-1)."""

    @staticmethod
    def forward(ctx, a, p):
        ctx.save_for_backward(a)
        ctx.p = p
        return np.power(a, p)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        p = ctx.p
        if p == 0:
            return g * 0.0, None
        if p == 1:
            return g, None
        if p == 2:
            return g * a * 2.0, None
        return g * (a ** (p - 1)) * p, None


class Pow(Function):
    """``a ** b`` for two tensors; d/da = b·a^(b-1), 0 where b = 0 (so 0⁰ has gradient 0);
    d/db = out·log(a), 0 where a = 0 and b >= 0 (as PyTorch's)."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = gb = None
        if na:
            ga = unbroadcast(where(b.data == 0, 0.0, g * b * a ** (b - 1.0)), a.shape)
        if nb:
            zero = (a.data == 0) & (b.data >= 0)
            safe_log = where(zero, 0.0, log(where(zero, 1.0, a)))
            gb = unbroadcast(g * out * safe_log, b.shape)
        return ga, gb


def add(a: Any, b: Any) -> Tensor:
    """Elementwise ``a + b`` with NumPy broadcasting."""
    return _binary(Add, "add", a, b)


def sub(a: Any, b: Any) -> Tensor:
    """Elementwise ``a - b`` with NumPy broadcasting."""
    return _binary(Sub, "sub", a, b)


def mul(a: Any, b: Any) -> Tensor:
    """Elementwise ``a * b`` with NumPy broadcasting."""
    return _binary(Mul, "mul", a, b)


def div(a: Any, b: Any) -> Tensor:
    """Elementwise ``a / b`` (true division) with NumPy broadcasting."""
    return _binary(Div, "div", a, b)


def neg(a: Any) -> Tensor:
    """``-a``."""
    return Neg.apply(as_tensor(a))


def pow(a: Any, b: Any) -> Tensor:
    """``a ** b``: a constant exponent uses ``p·a^(p-1)``, a tensor one also ``out·log a``."""
    if isinstance(b, (int, float)) and not isinstance(b, bool) and isinstance(a, Tensor):
        if isinstance(b, float):  # also NumPy's float64, which would widen float32
            return PowScalar.apply(floating(a), float(b))
        return PowScalar.apply(a, b)
    return _binary(Pow, "pow", a, b)


# ------------------------------------------------------------------ unary math
class Exp(Function):
    """``exp(a)``; d/da = exp(a) = out."""

    @staticmethod
    def forward(ctx, a):
        out = kernels.exp(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out


class Log(Function):
    """``log(a)``; d/da = 1/a. ``log(0) = -inf`` as in NumPy."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return kernels.log(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / a


class Log1p(Function):
    """``log(1 + a)``; d/da = 1/(1 + a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log1p(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a + 1.0)


class Sqrt(Function):
    """``sqrt(a)``; d/da = 1/(2·sqrt(a)) = 1/(2·out)."""

    @staticmethod
    def forward(ctx, a):
        with np.errstate(invalid="ignore"):
            out = np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g / (out * 2.0)


class Abs(Function):
    """``|a|``; d/da = sign(a), with abs'(0) = 0."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * np.sign(a.data)


class Sin(Function):
    """``sin(a)``; d/da = cos(a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sin(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * cos(a)


class Cos(Function):
    """``cos(a)``; d/da = -sin(a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cos(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -(g * sin(a))


def exp(a: Any) -> Tensor:
    """``e^a`` elementwise."""
    return Exp.apply(floating(a))


def log(a: Any) -> Tensor:
    """Natural log elementwise; ``log(0) = -inf`` like NumPy."""
    return Log.apply(floating(a))


def log1p(a: Any) -> Tensor:
    """``log(1 + a)``, accurate for small a."""
    return Log1p.apply(floating(a))


def sqrt(a: Any) -> Tensor:
    """Square root elementwise."""
    return Sqrt.apply(floating(a))


def abs(a: Any) -> Tensor:
    """``|a|`` elementwise; its gradient at 0 is 0."""
    return Abs.apply(as_tensor(a))


def sin(a: Any) -> Tensor:
    """Sine elementwise."""
    return Sin.apply(floating(a))


def cos(a: Any) -> Tensor:
    """Cosine elementwise."""
    return Cos.apply(floating(a))


# ----------------------------------------------------------------- activations
def _fused_grad(op: type[Function], kernel: str, g: Tensor, y: Tensor, *params: Any) -> Tensor:
    """The activation gradient ``op.apply(g, y, *params)`` (an op that can itself be
    differentiated), or, with no graph to record (the usual backward), its kernel
    ``kernels.<kernel>`` run on the arrays without a node."""
    if is_grad_enabled():
        return op.apply(g, y, *params)
    return Tensor._make(getattr(kernels, kernel)(g.data, y.data, *params), False, None, 0)


class TanhBackward(Function):
    """``g·(1 - out²)``, the tanh gradient, as one fused kernel."""

    @staticmethod
    def forward(ctx, g, out):
        ctx.save_for_backward(g, out)
        return kernels.tanh_backward(g, out)

    @staticmethod
    def backward(ctx, gg):
        g, out = ctx.saved_tensors
        ng, nout = ctx.needs_input_grad
        return (TanhBackward.apply(gg, out) if ng else None,
                gg * g * out * -2.0 if nout else None)


class Tanh(Function):
    """``tanh(a)``; d/da = 1 - tanh²(a) = 1 - out² (course: ``g'(z) = 1 - a²``)."""

    @staticmethod
    def forward(ctx, a):
        out = kernels.tanh(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return _fused_grad(TanhBackward, "tanh_backward", g, out)


class SigmoidBackward(Function):
    """``g·out·(1 - out)``, the sigmoid gradient, as one fused kernel."""

    @staticmethod
    def forward(ctx, g, out):
        ctx.save_for_backward(g, out)
        return kernels.sigmoid_backward(g, out)

    @staticmethod
    def backward(ctx, gg):
        g, out = ctx.saved_tensors
        ng, nout = ctx.needs_input_grad
        return (SigmoidBackward.apply(gg, out) if ng else None,
                gg * g * (1.0 - out * 2.0) if nout else None)


class Sigmoid(Function):
    """``σ(a) = 1/(1 + e^-a)``, computed without overflow; d/da = out·(1 - out)."""

    @staticmethod
    def forward(ctx, a):
        out = kernels.sigmoid(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return _fused_grad(SigmoidBackward, "sigmoid_backward", g, out)


class ReluBackward(Function):
    """``g·[x > 0]``: the ReLU gradient (relu'(0) = 0) as one fused kernel."""

    @staticmethod
    def forward(ctx, g, x):
        ctx.save_for_backward(x)
        return kernels.relu_backward(g, x)

    @staticmethod
    def backward(ctx, gg):
        (x,) = ctx.saved_tensors
        return ReluBackward.apply(gg, x), None


class Relu(Function):
    """``max(a, 0)``; d/da = 1 where a > 0, else 0."""

    @staticmethod
    def forward(ctx, a):
        out = kernels.relu(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return _fused_grad(ReluBackward, "relu_backward", g, out.detach())


class LeakyReluBackward(Function):
    """``g·(1 if x > 0 else slope)`` as one fused kernel."""

    @staticmethod
    def forward(ctx, g, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return kernels.leaky_relu_backward(g, x, slope)

    @staticmethod
    def backward(ctx, gg):
        (x,) = ctx.saved_tensors
        return LeakyReluBackward.apply(gg, x, ctx.slope), None, None


class LeakyRelu(Function):
    """``x if x > 0 else slope·x`` (course default slope 0.01)."""

    @staticmethod
    def forward(ctx, a, slope):
        ctx.save_for_backward(a)
        ctx.slope = slope
        return kernels.leaky_relu(a, slope)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return _fused_grad(LeakyReluBackward, "leaky_relu_backward", g, a.detach(),
                           ctx.slope), None


class Softplus(Function):
    """``log(1 + e^a)`` as ``max(a, 0) + log1p(e^-|a|)``; d/da = σ(a)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return kernels.softplus(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        if not is_grad_enabled():  # no graph to record: σ(a)·g in one fused pass
            return Tensor._make(kernels.softplus_backward(g.data, a.data), False, None, 0)
        return g * sigmoid(a)


def tanh(a: Any) -> Tensor:
    """Hyperbolic tangent; gradient ``1 - tanh²``."""
    return Tanh.apply(floating(a))


def sigmoid(a: Any) -> Tensor:
    """Logistic sigmoid ``1/(1 + e^-a)``, stable for any input; gradient ``σ(1 - σ)``."""
    return Sigmoid.apply(floating(a))


def relu(a: Any) -> Tensor:
    """``max(a, 0)``; relu'(0) = 0."""
    return Relu.apply(as_tensor(a))


def leaky_relu(a: Any, negative_slope: float = 0.01) -> Tensor:
    """``a`` where positive, ``negative_slope·a`` elsewhere (course: ``max(0.01z, z)``)."""
    return LeakyRelu.apply(floating(a), float(negative_slope))


def softplus(a: Any) -> Tensor:
    """``log(1 + e^a)``, finite with finite gradient at ±1000."""
    return Softplus.apply(floating(a))


# ------------------------------------------------------- clip / maximum / where
class Clip(Function):
    """``clip(x, lo, hi) = min(max(x, lo), hi)`` (PyTorch's ``clamp``: ``hi`` wins where
    ``lo > hi``). The gradient goes to x where ``lo <= x <= hi``; bounds given as tensors
    get it where they bind: lo where ``x < lo`` (and ``lo < hi``), hi where ``x > hi``
    (or ``hi < lo``), as PyTorch's."""

    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a, lo, hi)
        return np.clip(a, lo, hi).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, lo, hi = ctx.saved_tensors
        x = a.data
        lo_v = None if lo is None else np.asarray(lo.data if isinstance(lo, Tensor) else lo)
        hi_v = None if hi is None else np.asarray(hi.data if isinstance(hi, Tensor) else hi)
        na, nlo, nhi = ctx.needs_input_grad
        keep = np.ones(x.shape, dtype=bool)
        if lo_v is not None:
            keep = keep & (x >= lo_v)
        if hi_v is not None:
            keep = keep & (x <= hi_v)
        ga = unbroadcast(masked(g, keep), a.shape) if na else None  # bounds may widen
        glo = ghi = None
        if nlo:
            at_lo = x < lo_v if hi_v is None else (x < lo_v) & (lo_v < hi_v)
            glo = unbroadcast(masked(g, at_lo), lo.shape)
        if nhi:
            at_hi = x > hi_v if lo_v is None else (x > hi_v) | (hi_v < lo_v)
            ghi = unbroadcast(masked(g, at_hi), hi.shape)
        return ga, glo, ghi


def clip(a: Any, lo: Any = None, hi: Any = None, *, min: Any = None, max: Any = None,
         out: Any = None) -> Tensor:
    """Limit values to ``[lo, hi]`` (either bound may be None; numbers, arrays or tensors,
    broadcast against ``a``). ``min=``/``max=`` are PyTorch's names for the bounds. An
    integer tensor clipped to float bounds becomes the default float dtype, as PyTorch's."""
    refuse_out(out, "clip")
    if min is not None or max is not None:
        if lo is not None or hi is not None:
            raise TypeError("clip: give the bounds either as lo/hi or as min=/max=, not both")
        lo, hi = min, max
    if lo is None and hi is None:
        raise ValueError("clip: give at least one of lo and hi")
    a = as_tensor(a)
    if a.data.dtype.kind in "iub" and any(np.asarray(getattr(b, "data", b)).dtype.kind == "f"
                                         for b in (lo, hi) if b is not None):
        a = floating(a)
    return Clip.apply(a, lo, hi)


class _Extremum(Function):
    pick_a = staticmethod(np.greater)

    @staticmethod
    def backward(ctx, g):
        share_a, sa, sb = ctx.share_a, ctx.sa, ctx.sb
        na, nb = ctx.needs_input_grad
        dt = g.dtype
        ga = unbroadcast(g * share_a.astype(dt), sa) if na else None
        gb = unbroadcast(g * (1.0 - share_a).astype(dt), sb) if nb else None
        return ga, gb


class Maximum(_Extremum):
    """Elementwise ``max(a, b)``; at ties the gradient is split half and half."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.maximum(a, b)
        ctx.share_a = np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0))
        ctx.sa, ctx.sb = shape_of(a), shape_of(b)
        return out


class Minimum(_Extremum):
    """Elementwise ``min(a, b)``; at ties the gradient is split half and half."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.minimum(a, b)
        ctx.share_a = np.where(a < b, 1.0, np.where(a == b, 0.5, 0.0))
        ctx.sa, ctx.sb = shape_of(a), shape_of(b)
        return out


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum with broadcasting; ties share the gradient equally."""
    return _binary(Maximum, "maximum", a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum with broadcasting; ties share the gradient equally."""
    return _binary(Minimum, "minimum", a, b)


def masked(g: Tensor, mask: np.ndarray) -> Tensor:
    """``g`` where ``mask`` (broadcast to g's shape) and 0 elsewhere, selected rather than
    multiplied by 0/1, as PyTorch's backwards select: an inf or nan in g where the mask is
    off gives 0, not nan."""
    return Where.apply(np.broadcast_to(mask, g.shape), g, np.zeros((), g.dtype))


class Where(Function):
    """``where(cond, a, b)``: a's gradient flows where cond, b's elsewhere."""

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)  # a bool Tensor's version is checked in backward
        ctx.sa, ctx.sb = shape_of(a), shape_of(b)
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        cond = ctx.saved_tensors[0].data
        na, nb = ctx.needs_input_grad[1:]
        ga = unbroadcast(masked(g, cond), ctx.sa) if na else None
        gb = unbroadcast(masked(g, ~cond), ctx.sb) if nb else None
        return None, ga, gb


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """Pick ``a`` where ``cond`` is true and ``b`` elsewhere, with broadcasting.

    ``cond`` must be bool (a bool tensor or array, a Python bool or a list of them), as
    PyTorch requires: a float or integer condition is refused rather than read as
    "nonzero", since it is almost always a mask that was never compared (write
    ``x > 0`` or ``mask != 0``)."""
    mask = cond if isinstance(cond, Tensor) else None
    cond = np.asarray(cond.data if mask is not None else cond)
    if cond.dtype != bool:
        raise TypeError(
            f"where: the condition must be bool, got {cond.dtype} of shape {cond.shape}; "
            "compare to make one (e.g. x > 0, or mask != 0 for a 0/1 mask)"
        )
    like = a if isinstance(a, Tensor) else b
    a, b = float_promoted(operand(a, like), operand(b, like))
    if a.dtype != b.dtype and a.dtype.kind == "f" and b.dtype.kind == "f":
        a, b = dimensioned_float(a, b, astype)
    try:
        return Where.apply(cond if mask is None else mask, a, b)
    except ValueError as e:
        if "broadcast" in str(e):
            raise ShapeError(
                f"where: shapes {cond.shape}, {np.shape(a.data if isinstance(a, Tensor) else a)} "
                f"and {np.shape(b.data if isinstance(b, Tensor) else b)} cannot be broadcast "
                "together"
            ) from None
        raise


class AsType(Function):
    """Cast to another dtype; the gradient is cast back."""

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.dtype = a.dtype
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return g.astype(ctx.dtype), None


def astype(a: Any, dtype: Any) -> Tensor:
    """A copy of ``a`` in ``dtype``; differentiable between floating dtypes."""
    a = as_tensor(a)
    dtype = np.dtype(dtype)
    if a.dtype == dtype:
        return a
    if dtype.kind != "f" and a._requires_grad:
        from ..grad_mode import no_grad

        with no_grad():
            return AsType.apply(a, dtype)
    return AsType.apply(a, dtype)
