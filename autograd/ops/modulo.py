"""Division remainders: ``fmod`` (C's, the sign of the dividend) and ``remainder`` (Python's,
the sign of the divisor). With ``q`` the rounded quotient, ``out = a - q·b``:
d/da = 1, d/db = -q, where q is ``trunc(a/b)`` for fmod and ``floor(a/b)`` for
remainder (piecewise constant, as PyTorch's gradients)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._util import shape_of, unbroadcast
from .elementwise import _binary, div
from .unary import floor, trunc


class _Modulo(Function):
    ufunc = staticmethod(np.fmod)
    quotient = staticmethod(trunc)

    @classmethod
    def forward(cls, ctx, a, b):
        if np.result_type(a, b).kind in "iu" and np.any(np.asarray(b) == 0):
            raise ZeroDivisionError(f"{cls.__name__.lower()}: integer division by zero (as in "
                                    "PyTorch; floats give nan)")
        ctx.save_for_backward(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        with np.errstate(divide="ignore", invalid="ignore"):
            return cls.ufunc(a, b)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        gb = None
        if nb:
            with np.errstate(divide="ignore", invalid="ignore"):
                gb = unbroadcast(-(g * cls.quotient(div(a, b))), sb)
        return (unbroadcast(g, sa) if na else None), gb


class Fmod(_Modulo):
    """``fmod(a, b) = a - trunc(a/b)·b``."""

    ufunc = staticmethod(np.fmod)
    quotient = staticmethod(trunc)


class Remainder(_Modulo):
    """``remainder(a, b) = a - floor(a/b)·b``."""

    ufunc = staticmethod(np.remainder)
    quotient = staticmethod(floor)


def fmod(a: Any, b: Any) -> Tensor:
    """Elementwise remainder of ``a / b`` with the sign of ``a`` (C's ``fmod``), broadcast."""
    return _binary(Fmod, "fmod", a, b)


def remainder(a: Any, b: Any) -> Tensor:
    """Elementwise ``a mod b`` with the sign of ``b`` (Python's ``%``), broadcast."""
    return _binary(Remainder, "remainder", a, b)
