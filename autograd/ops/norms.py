"""``norm``: vector p-norms over some or all dims (PyTorch's ``Tensor.norm``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._util import as_tensor, reduction_axes, resolve_axis
from .elementwise import abs, pow, sqrt, where
from .reduce import max, min, sum


def _safe_root(s: Tensor, p: float) -> Tensor:
    """``s^(1/p)`` with gradient 0 where ``s = 0`` (as PyTorch's norm at the zero vector)."""
    zero = s.data == 0
    if not zero.any():
        return _root(s, p)
    return where(zero, 0.0, _root(where(zero, 1.0, s), p))


def _root(s: Tensor, p: float) -> Tensor:
    return sqrt(s) if p == 2 else pow(s, 1.0 / p)


def norm(a: Any, p: Any = "fro", dim: Any = None, keepdim: Any = None, *, axis: Any = None,
         keepdims: Any = None, dtype: Any = None) -> Tensor:
    """The vector p-norm ``(Σ |a_i|^p)^(1/p)`` over ``dim`` (all elements when None), shape
    of a reduction. ``p='fro'`` (the default) and ``p=2`` give ``√Σ a_i²``; ``p=inf`` is
    ``max |a_i|``, ``-inf`` ``min |a_i|``, ``0`` the count of nonzeros. The gradient at the
    zero vector is 0, as PyTorch's."""
    a = as_tensor(a)
    if dtype is not None:
        a = a.astype(dtype)
    if a.dtype.kind != "f":
        raise TypeError(f"norm: the input must be floating point, got dtype {a.dtype} (shape "
                        f"{a.shape}); convert it first (t.float())")
    axis, keep = resolve_axis(axis, dim, keepdims, keepdim)
    if p == "fro" or p is None:
        p = 2.0
    if isinstance(p, str):
        raise ValueError(f"norm: p must be 'fro' or a number, got {p!r} (the nuclear norm "
                         "is not supported)")
    p = float(p)
    axes = reduction_axes(axis, a.ndim, "norm")
    if p == np.inf:
        return max(abs(a), axes, keep)
    if p == -np.inf:
        return min(abs(a), axes, keep)
    if p == 0:
        return Tensor._wrap(np.sum(a.data != 0, axis=axes, keepdims=keep).astype(a.dtype))
    if p == 1:
        return sum(abs(a), axes, keep)
    mag = a * a if p == 2 else pow(abs(a), p)
    return _safe_root(sum(mag, axes, keep), p)
