"""Elementwise tests and steps: ``signbit``, ``isposinf``, ``isneginf``, ``isreal``,
``heaviside`` and ``nextafter``. Their results have no gradient (PyTorch defines none
for heaviside and nextafter either).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._util import as_tensor, broadcast_shape, operand, shape_of


def _data(x: Any, like: Any = None) -> np.ndarray:
    x = operand(x, like)
    return np.asarray(x.data if isinstance(x, Tensor) else x)


def signbit(input: Any) -> Tensor:
    """True where the sign bit is set elementwise: negative numbers, -0.0 and nan with
    the sign bit (bool; False everywhere for bool and unsigned tensors)."""
    a = _data(as_tensor(input))
    if a.dtype.kind in "bu":
        return Tensor._wrap(np.zeros(a.shape, bool))
    return Tensor._wrap(np.asarray(np.signbit(a)))


def _is_infinite(input: Any, test: Any) -> Tensor:
    a = _data(as_tensor(input))
    if a.dtype.kind != "f":
        return Tensor._wrap(np.zeros(a.shape, bool))
    return Tensor._wrap(np.asarray(test(a)))


def isposinf(input: Any) -> Tensor:
    """True where the element is +inf (bool; all False for integer tensors)."""
    return _is_infinite(input, np.isposinf)


def isneginf(input: Any) -> Tensor:
    """True where the element is -inf (bool; all False for integer tensors)."""
    return _is_infinite(input, np.isneginf)


def isreal(input: Any) -> Tensor:
    """True where the element has no imaginary part: everywhere for real tensors (bool)."""
    a = _data(as_tensor(input))
    return Tensor._wrap(np.asarray(np.imag(a) == 0) if a.dtype.kind == "c"
                        else np.ones(a.shape, bool))


def heaviside(input: Any, values: Any) -> Tensor:
    """The step ``0 where x < 0, values where x == 0, 1 where x > 0`` elementwise,
    broadcast, in input's dtype (nan gives 0, as PyTorch's ``x == 0 ? values : x > 0``).
    ``values`` must have input's dtype, as in PyTorch (a Python number is taken in it)."""
    a = _data(as_tensor(input))
    v = _data(values, as_tensor(input))
    if v.dtype != a.dtype:
        raise TypeError(f"heaviside: input ({a.dtype}) and values ({v.dtype}) must have the "
                        "same dtype (as in PyTorch); convert values, e.g. values.to(input)")
    broadcast_shape("heaviside", a.shape, v.shape)
    with np.errstate(invalid="ignore"):
        step = np.where(a == 0, v, (a > 0).astype(a.dtype))
    return Tensor._wrap(np.asarray(step, dtype=a.dtype))


def nextafter(input: Any, other: Any) -> Tensor:
    """The next floating point number after ``input`` towards ``other`` elementwise,
    broadcast (``input`` where the two are equal); floating tensors only, as PyTorch's."""
    a = _data(as_tensor(input))
    b = _data(other, as_tensor(input))
    for x in (a, b):
        if x.dtype.kind != "f":
            raise TypeError(f"nextafter: only floating tensors are supported (as in "
                            f"PyTorch), got {x.dtype}; convert first, e.g. t.double()")
    broadcast_shape("nextafter", shape_of(a), shape_of(b))
    return Tensor._wrap(np.asarray(np.nextafter(a, b)))
