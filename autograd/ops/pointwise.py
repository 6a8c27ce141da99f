"""Elementwise compositions PyTorch names: ``square``, ``reciprocal``, ``rsqrt``, ``lerp``,
``addcmul``, ``addcdiv``, ``clamp_min``, ``clamp_max`` and ``nan_to_num``. Built from the
elementwise ops, so their gradients of any order are those ops'."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._util import as_tensor, floating
from .elementwise import add, clip, div, mul, pow, sqrt, sub, where
from .linalg import same_dtype


def square(a: Any) -> Tensor:
    """``a²`` elementwise (integers stay integers); d/da = 2a."""
    return pow(as_tensor(a), 2)


def reciprocal(a: Any) -> Tensor:
    """``1/a`` elementwise (a floating result, ±inf at 0); d/da = -1/a²."""
    with np.errstate(divide="ignore"):
        return div(1.0, floating(a))


def rsqrt(a: Any) -> Tensor:
    """``1/√a`` elementwise (a floating result); d/da = -1/(2·a^(3/2))."""
    with np.errstate(divide="ignore"):
        return div(1.0, sqrt(floating(a)))


def lerp(start: Any, end: Any, weight: Any) -> Tensor:
    """Linear interpolation ``start + weight·(end - start)`` (all broadcast together);
    d/dstart = 1 - weight, d/dend = weight, d/dweight = end - start. As PyTorch's, start
    and end Tensors share one dtype, and so does a weight Tensor of 1 or more dims."""
    same_dtype("lerp", start, end)
    if isinstance(weight, Tensor) and weight.ndim:
        same_dtype("lerp", start, weight)
    start = as_tensor(start)
    return add(start, mul(weight, sub(end, start)))


def addcmul(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """``input + value·tensor1·tensor2`` (all broadcast together), as in Adam's
    ``v.mul_(β₂).addcmul_(g, g, value=1 − β₂)``; the gradients are the product's."""
    return add(input, mul(mul(tensor1, tensor2), value)) if value != 1 else add(
        input, mul(tensor1, tensor2))


def addcdiv(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """``input + value·tensor1/tensor2`` (all broadcast together), as in Adam's
    ``p.addcdiv_(m, v.sqrt() + ε, value=−lr)``; the gradients are the quotient's."""
    return add(input, mul(div(tensor1, tensor2), value)) if value != 1 else add(
        input, div(tensor1, tensor2))


def clamp_min(input: Any, min: Any) -> Tensor:
    """``max(input, min)`` elementwise: ``clamp(input, min=min)``."""
    return clip(input, min, None)


def clamp_max(input: Any, max: Any) -> Tensor:
    """``min(input, max)`` elementwise: ``clamp(input, max=max)``."""
    return clip(input, None, max)


def nan_to_num(a: Any, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """``a`` with nan replaced by ``nan``, +inf by ``posinf`` and -inf by ``neginf`` (the
    largest and lowest finite values of a's dtype by default); same shape and dtype. The
    gradient flows where ``a`` is finite and is 0 at the replaced elements."""
    a = as_tensor(a)
    if a.dtype.kind != "f":
        return Tensor._wrap(a.data.copy())
    info = np.finfo(a.dtype)
    x = a.data
    out = a
    for bad, value in ((np.isnan(x), nan), (np.isposinf(x), info.max if posinf is None else
                                            posinf), (np.isneginf(x), info.min if neginf is None
                                                      else neginf)):
        if bad.any():
            out = where(bad, Tensor._wrap(np.asarray(value, dtype=a.dtype)), out)
    return out if out is not a else mul(a, 1.0)
