"""Integer ops: ``bitwise_and``, ``bitwise_or``, ``bitwise_xor``, ``bitwise_not``,
``bitwise_left_shift``, ``bitwise_right_shift``, ``gcd`` and ``lcm``.

They take integer (and, except the shifts, gcd and lcm, bool) tensors, with NumPy's
promotion between integer dtypes (``int32 & int64`` is int64, ``uint8 & int8`` is int16)
and a Python int taking the tensor's dtype, as PyTorch's. Their results have no gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._util import as_tensor, broadcast_shape, operand, shape_of


def _integer_arrays(op: str, kinds: str, *xs: Any) -> list[np.ndarray]:
    like = next((x for x in xs if isinstance(x, Tensor)), None)
    arrays = [np.asarray(operand(x, like).data if isinstance(x, Tensor) else operand(x, like))
              for x in xs]
    for arr in arrays:
        if arr.dtype.kind not in kinds:
            allowed = "integer or bool" if "b" in kinds else "integer"
            raise TypeError(f"{op}: only {allowed} tensors are supported (as in PyTorch), "
                            f"got {arr.dtype}; convert first, e.g. t.long()")
    if len(arrays) == 2:
        broadcast_shape(op, shape_of(arrays[0]), shape_of(arrays[1]))
    return arrays


def _apply(ufunc: Any, op: str, kinds: str, input: Any, other: Any) -> Tensor:
    a, b = _integer_arrays(op, kinds, input, other)
    return Tensor._wrap(np.asarray(ufunc(a, b)))


def bitwise_and(input: Any, other: Any) -> Tensor:
    """``input & other`` elementwise, broadcast (logical and for bool tensors)."""
    return _apply(np.bitwise_and, "bitwise_and", "iub", input, other)


def bitwise_or(input: Any, other: Any) -> Tensor:
    """``input | other`` elementwise, broadcast (logical or for bool tensors)."""
    return _apply(np.bitwise_or, "bitwise_or", "iub", input, other)


def bitwise_xor(input: Any, other: Any) -> Tensor:
    """``input ^ other`` elementwise, broadcast (logical xor for bool tensors)."""
    return _apply(np.bitwise_xor, "bitwise_xor", "iub", input, other)


def bitwise_not(input: Any) -> Tensor:
    """``~input`` elementwise: the bits flipped (``-x - 1`` for signed integers; logical
    not for bool tensors)."""
    (a,) = _integer_arrays("bitwise_not", "iub", as_tensor(input))
    return Tensor._wrap(np.asarray(np.invert(a)))


def _shift(op: str, input: Any, other: Any, left: bool) -> Tensor:
    a, b = _integer_arrays(op, "iu", input, other)
    dtype = np.result_type(a, b)
    a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
    bits = dtype.itemsize * 8
    # PyTorch defines shifts by a negative count or by >= the bit width (C leaves them
    # undefined): all bits shifted out, so 0, or -1 for a negative value shifted right.
    out_of_range = (b < 0) | (b >= bits)
    count = np.where(out_of_range, 0, b).astype(dtype, copy=False)
    if left:
        shifted = np.left_shift(a, count)
        spilled = np.zeros((), dtype)
    else:
        shifted = np.right_shift(a, count)
        spilled = np.where(a < 0, np.asarray(-1).astype(dtype), np.zeros((), dtype))
    return Tensor._wrap(np.asarray(np.where(out_of_range, spilled, shifted), dtype=dtype))


def bitwise_left_shift(input: Any, other: Any) -> Tensor:
    """``input << other`` elementwise, broadcast: ``input·2^other`` wrapped to the dtype;
    0 for counts that are negative or at least the bit width, as PyTorch's."""
    return _shift("bitwise_left_shift", input, other, left=True)


def bitwise_right_shift(input: Any, other: Any) -> Tensor:
    """``input >> other`` elementwise, broadcast (arithmetic: the sign is kept); for
    counts that are negative or at least the bit width, 0 (-1 for negative input), as
    PyTorch's."""
    return _shift("bitwise_right_shift", input, other, left=False)


def gcd(input: Any, other: Any) -> Tensor:
    """The greatest common divisor of ``|input|`` and ``|other|`` elementwise, broadcast
    (``gcd(0, 0) = 0``); integer tensors only."""
    return _apply(np.gcd, "gcd", "iu", input, other)


def lcm(input: Any, other: Any) -> Tensor:
    """The least common multiple of ``|input|`` and ``|other|`` elementwise, broadcast
    (0 where either is 0); integer tensors only."""
    return _apply(np.lcm, "lcm", "iu", input, other)
