"""Non-differentiable predicates: ``isnan``/``isinf``/``isfinite``, the ``logical_*`` ops
(bool tensors) and the whole-tensor tests ``equal`` and ``allclose`` (Python bools)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._util import broadcast_shape, shape_of


def _data(x: Any) -> np.ndarray:
    return np.asarray(x.data if isinstance(x, Tensor) else x)


def isnan(a: Any) -> Tensor:
    """Elementwise ``a != a``: True where a is nan (a bool tensor of a's shape)."""
    return Tensor._wrap(np.isnan(_data(a)) if _data(a).dtype.kind in "fc"
                        else np.zeros(shape_of(_data(a)), bool))


def isinf(a: Any) -> Tensor:
    """Elementwise ``|a| == inf`` (a bool tensor of a's shape)."""
    return Tensor._wrap(np.isinf(_data(a)) if _data(a).dtype.kind in "fc"
                        else np.zeros(shape_of(_data(a)), bool))


def isfinite(a: Any) -> Tensor:
    """Elementwise: True where a is neither nan nor ±inf (a bool tensor of a's shape)."""
    return Tensor._wrap(np.isfinite(_data(a)) if _data(a).dtype.kind in "fc"
                        else np.ones(shape_of(_data(a)), bool))


def _logical(ufunc: Any, op: str, a: Any, b: Any) -> Tensor:
    x, y = _data(a), _data(b)
    broadcast_shape(op, x.shape, y.shape)  # a ShapeError naming the op and both shapes
    return Tensor._wrap(np.asarray(ufunc(x, y)))


def logical_and(a: Any, b: Any) -> Tensor:
    """Elementwise ``bool(a) and bool(b)`` with broadcasting (a bool tensor)."""
    return _logical(np.logical_and, "logical_and", a, b)


def logical_or(a: Any, b: Any) -> Tensor:
    """Elementwise ``bool(a) or bool(b)`` with broadcasting (a bool tensor)."""
    return _logical(np.logical_or, "logical_or", a, b)


def logical_xor(a: Any, b: Any) -> Tensor:
    """Elementwise ``bool(a) != bool(b)`` with broadcasting (a bool tensor)."""
    return _logical(np.logical_xor, "logical_xor", a, b)


def logical_not(a: Any) -> Tensor:
    """Elementwise ``not bool(a)`` (a bool tensor of a's shape)."""
    return Tensor._wrap(np.asarray(np.logical_not(_data(a))))


def equal(a: Any, b: Any) -> bool:
    """True when ``a`` and ``b`` have the same shape and the same values (nan is unequal)."""
    x, y = _data(a), _data(b)
    return x.shape == y.shape and bool(np.array_equal(x, y))


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """True when ``|a - b| <= atol + rtol·|b|`` everywhere (broadcast together)."""
    x, y = _data(a), _data(b)
    broadcast_shape("allclose", x.shape, y.shape)
    return bool(np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))
