"""PyTorch's further products: ``addmv``, ``addr``, ``addbmm``, ``ger`` and ``vdot``.

All are compositions of ``matmul``, ``outer`` and ``sum`` with the scaled sum
``beta·input + alpha·product`` of ``addmm`` (``beta = 0`` ignores input, nan in it too),
so their gradients, and gradients of those, are the composed ops'.
"""

from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor
from .contract import _matrix_product_check, _scaled_sum, outer
from .linalg import matmul, same_dtype


def addmv(input: Any, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta·input + alpha·(mat @ vec)`` with mat ``(n, m)``, vec ``(m,)`` and input
    broadcastable to ``(n,)``."""
    same_dtype("addmv", input, mat, vec)
    m, v = as_tensor(mat), as_tensor(vec)
    if m.ndim != 2 or v.ndim != 1 or m.shape[1] != v.shape[0]:
        raise ShapeError(f"addmv: expects a matrix (n, m) and a vector (m,), got mat of shape "
                         f"{m.shape} and vec of shape {v.shape}")
    return _scaled_sum("addmv", input, matmul(m, v), beta, alpha)


def addr(input: Any, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta·input + alpha·outer(vec1, vec2)`` with vec1 ``(n,)``, vec2 ``(m,)`` and input
    broadcastable to ``(n, m)``."""
    a, b = as_tensor(vec1), as_tensor(vec2)
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"addr: expects two 1-D vectors, got shapes {a.shape} and {b.shape}")
    return _scaled_sum("addr", input, outer(a, b), beta, alpha)


def addbmm(input: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta·input + alpha·Σ_b batch1[b] @ batch2[b]`` with batch1 ``(B, n, m)``, batch2
    ``(B, m, p)`` and input broadcastable to ``(n, p)`` (the batch is summed, unlike
    ``baddbmm``)."""
    same_dtype("addbmm", input, batch1, batch2)
    a, b = as_tensor(batch1), as_tensor(batch2)
    _matrix_product_check("addbmm", a, b, 3)
    return _scaled_sum("addbmm", input, matmul(a, b).sum(0), beta, alpha)


def ger(input: Any, vec2: Any) -> Tensor:
    """PyTorch's older name of ``outer``: ``out[i, j] = input[i]·vec2[j]``, shape ``(n, m)``."""
    return outer(input, vec2)


def vdot(input: Any, other: Any) -> Tensor:
    """``Σ_i conj(input[i])·other[i]`` of two 1-D tensors of one length and one dtype (a 0-d
    result); for real tensors, graphgrad's only kind here, it is ``dot``."""
    a, b = as_tensor(input), as_tensor(other)
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"vdot: expects two 1-D tensors, got shapes {a.shape} and {b.shape}")
    if a.shape != b.shape:
        raise ShapeError(f"vdot: the vectors differ in length: shapes {a.shape} and {b.shape}")
    same_dtype("vdot", a, b)
    if a.dtype.kind == "c":
        raise TypeError("vdot: complex tensors are not supported (graphgrad differentiates "
                        "real tensors)")
    return matmul(a, b)
