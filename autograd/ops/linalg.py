"""Matrix product with NumPy's ``matmul`` rules: 1-D operands, 2-D and batched with
broadcast batch dimensions.

For ``C = A @ B``: ``dA = dC @ Bᵀ`` and ``dB = Aᵀ @ dC`` (course: ``dW = dZ · Xᵀ``),
with 1-D operands promoted to matrices and broadcast batch dims summed back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import kernels
from ..errors import ShapeError
from ..function import Function
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from ._util import as_tensor, float_promoted, operand, unbroadcast, wrap_grads
from .elementwise import Relu


def same_dtype(op: str, *operands: Any) -> None:
    """Refuse Tensor operands of different dtypes, as PyTorch's matrix products (and
    ``lerp``, ``einsum``, ``cross``...) do: they never promote, float32 with float64 or
    int64 with float32 included. Operands that are not Tensors (arrays, numbers) are not
    checked: they take NumPy's promotion, as elsewhere."""
    dtypes = [x.dtype for x in operands if isinstance(x, Tensor)]
    if any(d != dtypes[0] for d in dtypes[1:]):
        raise TypeError(f"{op}: expects operands of one dtype, got "
                        f"{', '.join(str(d) for d in dtypes)} (PyTorch does not promote "
                        "here); convert one first, e.g. b.to(a.dtype)")


def _mT(t: Tensor) -> Tensor:
    from .shape import swapaxes

    return swapaxes(t, -1, -2)


class MatMul(Function):
    """``a @ b``."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return kernels.matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        a2 = a.reshape(1, a.shape[0]) if a.ndim == 1 else a
        b2 = b.reshape(b.shape[0], 1) if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = g2.reshape(g2.shape[:-1] + (1,) + g2.shape[-1:]) if b.ndim > 1 else g2.reshape(1)
        if b.ndim == 1:
            g2 = g2.reshape(g2.shape + (1,))
        if a.ndim == 1 and b.ndim == 1:
            g2 = g.reshape(1, 1)
        ga = gb = None
        if na:
            ga = unbroadcast(matmul(g2, _mT(b2)), a2.shape).reshape(a.shape)
        if nb:
            gb = unbroadcast(matmul(_mT(a2), g2), b2.shape).reshape(b.shape)
        return ga, gb


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product ``a @ b`` (1-D, 2-D and batched operands, as NumPy). Two Tensors
    must have one dtype (PyTorch's rule: a TypeError names both)."""
    same_dtype("matmul", a, b)
    if not isinstance(a, Tensor):
        a = as_tensor(operand(a, b))
    b = operand(b, a)
    sa, sb = np.shape(a.data), np.shape(b.data if isinstance(b, Tensor) else b)
    if len(sa) == 0 or len(sb) == 0:
        raise ShapeError(f"matmul: operands must have at least one dimension, got {sa} and {sb}")
    inner_a = sa[-1]
    inner_b = sb[0] if len(sb) == 1 else sb[-2]
    if inner_a != inner_b:
        raise ShapeError(
            f"matmul: shapes {sa} and {sb} do not fit: the last dimension of the first "
            f"({inner_a}) must equal the {'only' if len(sb) == 1 else 'second-to-last'} "
            f"dimension of the second ({inner_b})"
        )
    a, b = float_promoted(a, b if isinstance(b, Tensor) else np.asarray(b))
    try:
        return MatMul.apply(a, b)
    except ValueError:
        raise ShapeError(f"matmul: batch dimensions of {sa} and {sb} cannot be broadcast") \
            from None


class Linear(Function):
    """``y = x @ Wᵀ + b`` as one op (course: ``Z = W X + b`` with examples in columns).

    Shapes: x ``(..., in)``, W ``(out, in)``, b ``(out,)`` or None → y ``(..., out)``.
    Backward: ``dx = g @ W``, ``dW = gᵀ x`` (summed over the batch), ``db = Σ g`` (as
    ``1ᵀ g``); each gradient comes out contiguous in its parameter's own layout.
    """

    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        ctx.has_bias = b is not None
        return kernels.linear(x, w, b)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        nx, nw, nb = ctx.needs_input_grad
        nb = nb and ctx.has_bias
        if not is_grad_enabled():
            # No graph to record (the usual backward): the same formulas on the arrays,
            # without an op node per product (one compiled call where MKL multiplies).
            return wrap_grads(*kernels.linear_backward(g.data, x.data, w.data, None, nx, nw,
                                                       nb))
        gx = g @ w if nx else None
        g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
        gw = g2.T @ (x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x) if nw else None
        gb = Tensor._wrap(np.ones(g2.shape[0], dtype=g2.dtype)) @ g2 if nb else None
        return gx, gw, gb


class LinearRelu(Function):
    """``y = relu(x @ Wᵀ + b)`` as one op: a ``Linear`` and the ``ReLU`` after it (course:
    ``A = relu(W X + b)``), with the bias and the ReLU in one pass over the product.

    Shapes as ``Linear``. Backward from ``z = x @ Wᵀ + b``: ``dz = g·[y > 0]`` (relu'(0)
    = 0) and ``db = Σ dz`` in one pass, then ``dx = dz @ W`` and ``dW = dzᵀ x``; the same
    formulas as the two ops apart, a pass over memory and an op node fewer each way.
    """

    @staticmethod
    def forward(ctx, x, w, b):
        out = kernels.linear_relu(x, w, b)
        ctx.save_for_backward(x, w, out)
        ctx.has_bias = b is not None
        return out

    @staticmethod
    def backward(ctx, g):
        x, w, out = ctx.saved_tensors
        nx, nw, nb = ctx.needs_input_grad
        if is_grad_enabled():  # a graph to record: the unfused ops' differentiable backward
            dz = Relu.backward(_OutputOnly(out), g)
            return Linear.backward(_LinearContext(x, w, ctx.needs_input_grad, ctx.has_bias),
                                   dz)
        return wrap_grads(*kernels.linear_backward(g.data, x.data, w.data, out.data, nx, nw,
                                                   nb and ctx.has_bias))


class _OutputOnly:
    """What ``Relu.backward`` reads of its context: the saved output."""

    __slots__ = ("saved_tensors",)

    def __init__(self, out: Tensor) -> None:
        self.saved_tensors = (out,)


class _LinearContext:
    """What ``Linear.backward`` reads of its context, for ``LinearRelu``'s recorded
    backward."""

    __slots__ = ("saved_tensors", "needs_input_grad", "has_bias")

    def __init__(self, x: Tensor, w: Tensor, needs: tuple, has_bias: bool) -> None:
        self.saved_tensors = (x, w)
        self.needs_input_grad = needs
        self.has_bias = has_bias


def _linear_operands(op: str, x: Any, weight: Any, bias: Any) -> tuple:
    """``(x, weight, bias)`` as Tensors, checked to fit one another (shapes and dtypes)."""
    x = x if isinstance(x, Tensor) else as_tensor(x)
    w = weight if isinstance(weight, Tensor) else as_tensor(weight)
    if w.ndim != 2:
        raise ShapeError(f"{op}: weight must be 2-D (out, in), got shape {w.shape}")
    if x.ndim == 0 or x.shape[-1] != w.shape[1]:
        raise ShapeError(
            f"{op}: input of shape {x.shape} does not fit weight of shape {w.shape}: the "
            f"input's last dimension must be in_features = {w.shape[1]}"
        )
    if bias is not None:
        bias = bias if isinstance(bias, Tensor) else as_tensor(bias)
        if bias.shape != (w.shape[0],):
            raise ShapeError(f"{op}: bias of shape {bias.shape} does not fit weight of shape "
                             f"{w.shape}: it must be ({w.shape[0]},)")
    _check_same_dtype(x, w, bias, op)
    return x, w, bias


def linear(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """``x @ weight.T + bias`` as one fused op: x ``(..., in)``, weight ``(out, in)``,
    bias ``(out,)`` or None, all of one dtype (PyTorch's ``F.linear``)."""
    return Linear.apply(*_linear_operands("linear", x, weight, bias))


def linear_relu(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """``relu(x @ weight.T + bias)`` as one fused op (``LinearRelu``): the shapes, dtypes
    and values of ``relu(linear(x, weight, bias))`` (gradients within float rounding:
    the bias gradient is summed another way), in less time. ``nn.Sequential`` runs a
    ``Linear`` followed by a ``ReLU`` with it; PyTorch has no such function."""
    return LinearRelu.apply(*_linear_operands("linear_relu", x, weight, bias))


def _check_same_dtype(x: Tensor, w: Tensor, bias: Tensor | None, op: str = "linear") -> None:
    """PyTorch's rule for ``F.linear``: input, weight and bias share one dtype (a layer
    silently running a float64 batch through a float32 model, or an integer batch at all,
    is a mistake worth naming)."""
    if x.dtype != w.dtype:
        fix = ("convert the input (x.float(), x.double()) or the model (model.float(), "
               "model.double())" if x.dtype.kind == "f" else
               f"convert the input to the weight's dtype (x.to(dtype=np.{w.dtype.name}))")
        raise TypeError(f"{op}: input is {x.dtype} but weight is {w.dtype}; they must share "
                        f"one dtype (as in PyTorch): {fix}")
    if bias is not None and bias.dtype != w.dtype:
        raise TypeError(f"{op}: bias is {bias.dtype} but weight is {w.dtype}; they must "
                        "share one dtype (as in PyTorch)")
