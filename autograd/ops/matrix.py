"""PyTorch's shape-checked matrix products (``mm``, ``bmm``, ``mv``, ``dot``), the matrix
transpose ``t`` and the triangle masks ``tril``/``triu``.

All are compositions of ``matmul``, ``transpose`` and ``where``, so their gradients (and
gradients of gradients) are those ops'.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor
from .elementwise import where
from .linalg import matmul, same_dtype
from .shape import transpose


def _dims(op: str, a: Tensor, b: Tensor, na: int, nb: int, what: str) -> None:
    """Refuse operands that are not ``na``-D and ``nb``-D or whose inner sizes differ."""
    if a.ndim != na or b.ndim != nb:
        raise ShapeError(f"{op}: expects {what}, got shapes {a.shape} and {b.shape}")
    inner = b.shape[0] if nb == 1 else b.shape[-2]
    if a.shape[-1] != inner:
        raise ShapeError(f"{op}: shapes {a.shape} and {b.shape} do not fit: the last "
                         f"dimension of the first ({a.shape[-1]}) must equal "
                         f"{'the length' if nb == 1 else 'the rows'} of the second ({inner})")


def mm(a: Any, b: Any) -> Tensor:
    """Matrix product of a ``(n, m)`` and a ``(m, p)`` matrix, giving ``(n, p)``:
    ``out[i, k] = Σ_j a[i, j]·b[j, k]``. Both must be 2-D (no broadcasting)."""
    same_dtype("mm", a, b)
    a, b = as_tensor(a), as_tensor(b)
    _dims("mm", a, b, 2, 2, "two 2-D matrices (n, m) and (m, p)")
    return matmul(a, b)


def bmm(a: Any, b: Any) -> Tensor:
    """Batched matrix product of ``(B, n, m)`` and ``(B, m, p)``, giving ``(B, n, p)``:
    ``out[b] = a[b] @ b[b]``. Both must be 3-D with the same batch size (no broadcasting)."""
    same_dtype("bmm", a, b)
    a, b = as_tensor(a), as_tensor(b)
    _dims("bmm", a, b, 3, 3, "two 3-D batches of matrices (B, n, m) and (B, m, p)")
    if a.shape[0] != b.shape[0]:
        raise ShapeError(f"bmm: batch sizes differ: shapes {a.shape} and {b.shape} (bmm does "
                         "not broadcast; use matmul)")
    return matmul(a, b)


def mv(a: Any, v: Any) -> Tensor:
    """Matrix-vector product of a ``(n, m)`` matrix and a ``(m,)`` vector, giving ``(n,)``:
    ``out[i] = Σ_j a[i, j]·v[j]``."""
    same_dtype("mv", a, v)
    a, v = as_tensor(a), as_tensor(v)
    _dims("mv", a, v, 2, 1, "a 2-D matrix (n, m) and a 1-D vector (m,)")
    return matmul(a, v)


def dot(a: Any, b: Any) -> Tensor:
    """Inner product ``Σ_i a[i]·b[i]`` of two 1-D tensors of the same length (a 0-d result)."""
    same_dtype("dot", a, b)
    a, b = as_tensor(a), as_tensor(b)
    _dims("dot", a, b, 1, 1, "two 1-D tensors of the same length")
    return matmul(a, b)


def t(a: Any) -> Tensor:
    """PyTorch's ``t``: the transpose of a 2-D tensor ``(n, m) -> (m, n)``; a 0-D or 1-D
    tensor is returned as is."""
    a = as_tensor(a)
    if a.ndim > 2:
        raise ShapeError(f"t: expects a tensor with <= 2 dimensions, got shape {a.shape}; use "
                         "transpose(dim0, dim1) or .mT")
    return a if a.ndim < 2 else transpose(a)


def _triangle(op: str, a: Any, diagonal: int, lower: bool) -> Tensor:
    a = as_tensor(a)
    if a.ndim < 2:
        raise ShapeError(f"{op}: needs a tensor of at least 2 dimensions (matrices in the last "
                         f"two), got shape {a.shape}")
    n, m = a.shape[-2:]
    rows, cols = np.arange(n)[:, None], np.arange(m)[None, :]
    keep = cols - rows <= diagonal if lower else cols - rows >= diagonal
    zero = np.zeros((), dtype=a.dtype)
    return where(keep, a, Tensor._wrap(zero))


def tril(a: Any, diagonal: int = 0) -> Tensor:
    """The lower triangle of the matrices in the last two dims ``(..., n, m)``: element
    ``[i, j]`` is kept where ``j - i <= diagonal`` and is 0 elsewhere (same shape)."""
    return _triangle("tril", a, int(diagonal), True)


def triu(a: Any, diagonal: int = 0) -> Tensor:
    """The upper triangle of the matrices in the last two dims ``(..., n, m)``: element
    ``[i, j]`` is kept where ``j - i >= diagonal`` and is 0 elsewhere (same shape)."""
    return _triangle("triu", a, int(diagonal), False)
