"""Sorting: ``argsort`` (indices), ``sort`` and ``topk`` (values and indices).

The values are ``gather`` of the input at the indices, so their gradient is a scatter of
the upstream gradient back to the places the values came from (and differentiable
again); the indices are int64 and not differentiable. Ties keep their input order
(a stable sort).
"""

from __future__ import annotations

import operator
from typing import Any, NamedTuple

import numpy as np

from ..tensor import Tensor
from ._util import as_tensor, normalize_axis
from .rearrange import gather


class SortResult(NamedTuple):
    """``(values, indices)`` of ``sort`` and ``topk``, as PyTorch's return types."""

    values: Tensor
    indices: Tensor


def _axis(a: Tensor, dim: Any, op: str) -> int:
    return normalize_axis(operator.index(dim), a.ndim, op)[0] if a.ndim else 0


def _argsort(x: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable argsort along ``axis``; descending keeps ties in input order too (nan is the
    largest, as PyTorch's)."""
    if x.ndim == 0:
        return np.zeros((), np.int64)
    if not descending:
        return np.argsort(x, axis=axis, kind="stable").astype(np.int64)
    n = x.shape[axis]
    rev = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    return (n - 1 - np.flip(rev, axis)).astype(np.int64)


def argsort(a: Any, dim: Any = -1, descending: bool = False, *, stable: bool = False,
            axis: Any = None) -> Tensor:
    """The int64 indices that sort ``a`` along ``dim`` (ascending unless ``descending``):
    ``a.gather(dim, argsort(a, dim))`` is sorted. Always stable (``stable`` is accepted)."""
    a = as_tensor(a)
    if axis is not None:
        dim = axis
    return Tensor._wrap(_argsort(a.data, _axis(a, dim, "argsort"), bool(descending)))


def sort(a: Any, dim: Any = -1, descending: bool = False, *, stable: bool = False,
         axis: Any = None) -> SortResult:
    """``(values, indices)``: ``a`` sorted along ``dim`` and the int64 indices it came
    from, both of a's shape; the values are differentiable."""
    a = as_tensor(a)
    if axis is not None:
        dim = axis
    d = _axis(a, dim, "sort")
    idx = _argsort(a.data, d, bool(descending))
    return SortResult(gather(a, d, idx), Tensor._wrap(idx))


def topk(a: Any, k: int, dim: Any = -1, largest: bool = True, sorted: bool = True) -> SortResult:
    """``(values, indices)`` of the ``k`` largest (or smallest) entries along ``dim``, in
    sorted order; that dim has length k. The values are differentiable."""
    a = as_tensor(a)
    d = _axis(a, dim, "topk")
    n = a.shape[d] if a.ndim else 1
    k = operator.index(k)
    if not 0 <= k <= n:
        raise ValueError(f"topk: k={k} is out of range for dim {d} of size {n} (shape "
                         f"{a.shape})")
    idx = _argsort(a.data, d, bool(largest))
    if a.ndim:
        idx = np.take(idx, np.arange(k), axis=d)
    return SortResult(gather(a, d, idx), Tensor._wrap(idx))
