"""PyTorch's second names for ops graphgrad already has (``absolute``, ``multiply``,
``subtract``, ``arccos``, ``greater``, ``fix``, ``sgn``...), and the rounded divisions
``divide(..., rounding_mode=)`` and ``floor_divide``.

An alias is the op itself, so its gradients of any order are that op's. A rounded
quotient is piecewise constant: its gradient is 0 for both operands, as PyTorch's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor, unbroadcast
from .compare import ge, gt, le, lt, ne
from .elementwise import _binary, abs, div, mul, neg, sub
from .unary import acos, asin, atan, sign, trunc


class _RoundedQuotient(Function):
    """``a / b`` rounded by ``rule``; the gradient is 0 for both operands."""

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.shapes = (np.shape(a), np.shape(b))
        a, b = np.asarray(a), np.asarray(b)
        if np.result_type(a, b).kind in "iub":
            if np.any(b == 0):
                raise ZeroDivisionError(f"{cls.op}: integer division by zero (as in PyTorch; "
                                        "floats give ±inf or nan)")
            return cls.integer_rule(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return cls.float_rule(a, b)

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad
        sa, sb = ctx.shapes
        zero = Tensor._wrap(np.zeros(g.shape, g.dtype))
        return (unbroadcast(zero, sa) if na else None), (unbroadcast(zero, sb) if nb else None)


def _trunc_int(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    q = np.floor_divide(a, b)
    return q + ((q < 0) & (q * b != a))  # floor rounds a negative quotient down: undo it


class TruncDivide(_RoundedQuotient):
    """``trunc(a / b)``: the quotient rounded toward zero."""

    op = "divide(rounding_mode='trunc')"
    integer_rule = staticmethod(_trunc_int)
    float_rule = staticmethod(lambda a, b: np.trunc(np.true_divide(a, b)))


class FloorDivide(_RoundedQuotient):
    """``floor(a / b)`` computed as Python's ``//`` (from ``fmod``, so ``5.0 // 0.1`` is
    49, not 50), as PyTorch's."""

    op = "floor_divide"
    integer_rule = staticmethod(np.floor_divide)
    float_rule = staticmethod(np.floor_divide)


def divide(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """``input / other`` elementwise with broadcasting (PyTorch's ``div``).

    ``rounding_mode=None`` is true division (a floating result; integer by integer gives
    the default float dtype). ``'trunc'`` rounds the quotient toward zero and ``'floor'``
    down (Python's ``//``); both keep integer dtypes (integer division by zero raises
    ZeroDivisionError) and have gradient 0, as in PyTorch."""
    if rounding_mode is None:
        return div(input, other)
    if rounding_mode == "trunc":
        return _binary(TruncDivide, "divide", input, other)
    if rounding_mode == "floor":
        return _binary(FloorDivide, "divide", input, other)
    raise ValueError(f"divide: rounding_mode must be None, 'trunc' or 'floor', got "
                     f"{rounding_mode!r}")


def floor_divide(input: Any, other: Any) -> Tensor:
    """``floor(input / other)`` elementwise (Python's ``//``, the ``//`` operator of
    tensors): ``divide(input, other, rounding_mode='floor')``; gradient 0."""
    return _binary(FloorDivide, "floor_divide", input, other)


def absolute(input: Any) -> Tensor:
    """``|input|``: ``abs``."""
    return abs(input)


def multiply(input: Any, other: Any) -> Tensor:
    """``input · other`` with broadcasting: ``mul``."""
    return mul(input, other)


def subtract(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input - alpha·other`` with broadcasting (PyTorch's ``sub``); d/dinput = 1,
    d/dother = -alpha. A float alpha is refused for integer operands, as in PyTorch."""
    if isinstance(alpha, float) and all(
            np.asarray(x.data if isinstance(x, Tensor) else x).dtype.kind in "iub"
            for x in (input, other)):
        raise TypeError(f"subtract: alpha={alpha} is a float but both operands are integers "
                        "(as in PyTorch); pass an int alpha or convert, e.g. t.double()")
    return sub(input, other if alpha == 1 else mul(other, alpha))


def negative(input: Any) -> Tensor:
    """``-input``: ``neg``."""
    return neg(input)


def positive(input: Any) -> Tensor:
    """``input`` itself (``+input``), as PyTorch's; refused for bool tensors, as there."""
    t = as_tensor(input)
    if t.dtype == np.bool_:
        raise TypeError("positive: bool tensors are not supported (as in PyTorch); convert "
                        "with t.int() first")
    return t


def greater(input: Any, other: Any) -> Tensor:
    """``input > other`` (bool): ``gt``."""
    return gt(input, other)


def greater_equal(input: Any, other: Any) -> Tensor:
    """``input >= other`` (bool): ``ge``."""
    return ge(input, other)


def less(input: Any, other: Any) -> Tensor:
    """``input < other`` (bool): ``lt``."""
    return lt(input, other)


def less_equal(input: Any, other: Any) -> Tensor:
    """``input <= other`` (bool): ``le``."""
    return le(input, other)


def not_equal(input: Any, other: Any) -> Tensor:
    """``input != other`` (bool): ``ne``."""
    return ne(input, other)


def arccos(input: Any) -> Tensor:
    """Arccosine: ``acos``."""
    return acos(input)


def arcsin(input: Any) -> Tensor:
    """Arcsine: ``asin``."""
    return asin(input)


def arctan(input: Any) -> Tensor:
    """Arctangent: ``atan``."""
    return atan(input)


def fix(input: Any) -> Tensor:
    """``input`` rounded toward zero: ``trunc``."""
    return trunc(input)


def sgn(input: Any) -> Tensor:
    """``sign`` (PyTorch's ``sgn`` differs from its ``sign`` only for complex input, which
    graphgrad's real ops do not take)."""
    return sign(input)
