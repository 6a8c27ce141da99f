"""Non-differentiable ops: comparisons and argmax/argmin. They return Tensors
that do not require grad."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._util import (
    broadcast_shape,
    dimensioned_float,
    normalize_axis,
    operand,
    raise_if_not_numbers,
    refuse_out,
    resolve_axis,
    shape_of,
)


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _compare(ufunc: Any, op: str, a: Any, b: Any) -> Tensor:
    x, y = _data(a), _data(operand(b, a))
    if isinstance(x, np.ndarray) and isinstance(y, np.ndarray):
        # compare in the dimensioned operand's precision: maximum(t, s) > s is False where
        # the maximum is float32(s)
        x, y = dimensioned_float(x, y, np.ndarray.astype)
    try:
        return Tensor._wrap(ufunc(x, y))
    except ValueError:
        broadcast_shape(op, shape_of(x), shape_of(y))  # raises the ShapeError naming both
        raise
    except TypeError:
        raise_if_not_numbers(op, a, y)
        raise


def lt(a: Any, b: Any) -> Tensor:
    """Elementwise ``a < b`` (a bool tensor)."""
    return _compare(np.less, "lt", a, b)


def le(a: Any, b: Any) -> Tensor:
    """Elementwise ``a <= b``."""
    return _compare(np.less_equal, "le", a, b)


def gt(a: Any, b: Any) -> Tensor:
    """Elementwise ``a > b``."""
    return _compare(np.greater, "gt", a, b)


def ge(a: Any, b: Any) -> Tensor:
    """Elementwise ``a >= b``."""
    return _compare(np.greater_equal, "ge", a, b)


def eq(a: Any, b: Any) -> Tensor:
    """Elementwise ``a == b``."""
    return _compare(np.equal, "eq", a, b)


def ne(a: Any, b: Any) -> Tensor:
    """Elementwise ``a != b``."""
    return _compare(np.not_equal, "ne", a, b)


def _arg(fn: Any, a: Any, axis: Any, dim: Any, keepdims: Any, keepdim: Any) -> Tensor:
    data = _data(a)
    axis, keep = resolve_axis(axis, dim, keepdims, keepdim)
    if axis is not None:
        if not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{fn.__name__}: axis must be a single int (or None for the "
                            f"flattened tensor), got {axis!r}")
        axis = normalize_axis(axis, np.ndim(data), fn.__name__)[0] if np.ndim(data) else None
    return Tensor._wrap(np.asarray(fn(data, axis=axis, keepdims=keep), dtype=np.int64))


def argmax(a: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
           keepdim: Any = None, out: Any = None) -> Tensor:
    """Index of the largest value (over the flattened tensor when axis is None)."""
    refuse_out(out, "argmax")
    return _arg(np.argmax, a, axis, dim, keepdims, keepdim)


def argmin(a: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
           keepdim: Any = None, out: Any = None) -> Tensor:
    """Index of the smallest value."""
    refuse_out(out, "argmin")
    return _arg(np.argmin, a, axis, dim, keepdims, keepdim)


