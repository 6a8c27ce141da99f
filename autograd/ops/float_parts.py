"""``frexp``: a float split into its mantissa and its power of two."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor


class FrexpResult(NamedTuple):
    mantissa: Tensor
    exponent: Tensor


class Mantissa(Function):
    """``x / 2^e`` with the exponent ``e`` held fixed, taken from ``np.frexp`` (exact, also
    for subnormal ``x``); the gradient is ``g / 2^e``."""

    @staticmethod
    def forward(ctx, a):
        mantissa, ctx.exponent = np.frexp(a)
        return mantissa

    @staticmethod
    def backward(ctx, g):
        return PowerOfTwoScale.apply(g, ctx.exponent)


class PowerOfTwoScale(Function):
    """``g · 2^-e`` for a fixed integer ``e``, exact by ``ldexp``; inf past the float range
    (the gradient at a subnormal ``x`` is that large; PyTorch gives inf too). Linear in
    ``g``, so its gradient is itself."""

    @staticmethod
    def forward(ctx, g, exponent):
        ctx.exponent = exponent
        with np.errstate(over="ignore"):
            return np.ldexp(g, -exponent).astype(g.dtype)

    @staticmethod
    def backward(ctx, gg):
        return PowerOfTwoScale.apply(gg, ctx.exponent), None


def frexp(input: Any) -> FrexpResult:
    """``input = mantissa · 2^exponent`` with ``|mantissa|`` in ``[0.5, 1)`` (0 for 0;
    inf and nan keep themselves with exponent 0): ``mantissa`` in the input's dtype,
    ``exponent`` int32, as PyTorch. The mantissa's gradient is ``grad / 2^exponent``; the
    exponent has none. Floating input only."""
    a = as_tensor(input)
    if a.dtype.kind != "f":
        raise TypeError(f"frexp: supports floating point tensors only, got {a.dtype}; convert "
                        "with .float() or .double()")
    exponent = np.frexp(a.data)[1]
    return FrexpResult(Mantissa.apply(a), Tensor._wrap(exponent.astype(np.int32)))
