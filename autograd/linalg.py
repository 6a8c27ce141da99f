"""``autograd.linalg``: PyTorch's ``torch.linalg`` namespace (loaded on first use).

The decompositions live in ``ops/decompositions.py``, the solves in ``ops/solvers.py``,
the norms in ``ops/matrix_norms.py``, the products in ``ops/chains.py`` and the matrix
functions in ``ops/matrix_functions.py``; this module gives them PyTorch's ``linalg``
names and signatures. All are batched over leading dims and differentiable (but
``matrix_rank``, an integer count).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops.chains import LstsqResult, lstsq, multi_dot, vander, vecdot
from .ops.contract import diagonal as _diagonal
from .ops.decompositions import (
    EighResult,
    QRResult,
    SVDResult,
    cholesky,
    eigh,
    eigvalsh,
    qr,
    svd,
    svdvals,
)
from .ops.factorizations import matrix_exp
from .ops.geometry import cross as _cross
from .ops.linalg import matmul as _matmul
from .ops.matrix_functions import Inverse, SlogdetResult, _matrices, det, matrix_power, slogdet
from .ops.matrix_functions import pinverse as _pinverse
from .ops.matrix_norms import cond, matrix_norm, matrix_rank, norm, vector_norm
from .ops.shape import stack
from .ops.solvers import solve, solve_triangular
from .tensor import Tensor

__all__ = [
    "EighResult", "LstsqResult", "QRResult", "SVDResult", "SlogdetResult",
    "cholesky", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "lstsq",
    "matmul", "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm",
    "pinv", "qr", "slogdet", "solve", "solve_triangular", "svd", "svdvals", "vander",
    "vecdot", "vector_norm",
]


def inv(A: Any) -> Tensor:
    """The inverse of each square matrix of ``(..., n, n)``; a singular matrix raises a
    RuntimeError. Gradient: ``-A⁻ᵀ·G·A⁻ᵀ``."""
    return Inverse.apply(_matrices("linalg.inv", A), "linalg.inv")


def pinv(A: Any, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Tensor:
    """The pseudo-inverse of each matrix of ``(..., m, n)``, shape ``(..., n, m)``, singular
    values at or below ``max(atol, rtol·σ_max)`` taken as 0. Defaults as PyTorch's:
    ``rtol = eps·max(m, n)`` when ``atol`` is not given (or 0), else 0. ``hermitian`` is
    accepted for PyTorch's signature: the SVD gives the same pseudo-inverse of a
    symmetric matrix. Gradient: ``pinverse``'s (PyTorch's formula)."""
    a = _matrices("linalg.pinv", A, square=hermitian)
    no_atol = atol is None or not np.any(_array(atol))
    if rtol is None:
        rtol = np.finfo(a.dtype).eps * max(a.shape[-2:]) if no_atol else 0.0
    if no_atol and np.ndim(_array(rtol)) == 0:
        return _pinverse(a, float(_array(rtol)))
    if a.data.size == 0:
        return _pinverse(a, 0.0)
    # A per-matrix cutoff: pinverse's is relative to σ_max, one per call.
    s_max = svdvals(a.detach()).data.max(-1, initial=0.0)
    cutoff = np.maximum(0.0 if atol is None else _array(atol), _array(rtol) * s_max)
    rcond = np.broadcast_to(np.divide(cutoff, s_max, out=np.full_like(s_max, np.inf),
                                      where=s_max > 0), a.shape[:-2])
    flat = a.reshape((-1,) + a.shape[-2:])
    parts = [_pinverse(flat[i], float(r)) for i, r in enumerate(rcond.reshape(-1))]
    return stack(parts, 0).reshape(a.shape[:-2] + a.shape[-2:][::-1])


def _array(x: Any) -> np.ndarray:
    return np.asarray(x.data if isinstance(x, Tensor) else x)


def matmul(input: Any, other: Any) -> Tensor:
    """``linalg.matmul``: the same as ``matmul``."""
    return _matmul(input, other)


def cross(input: Any, other: Any, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (the last by default, unlike the
    top-level ``cross``), the inputs broadcast together."""
    return _cross(input, other, dim=dim)


def diagonal(A: Any, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The ``offset`` diagonal of the matrices over ``dim1``, ``dim2`` (the last two by
    default), appended as the last dim."""
    return _diagonal(A, offset, dim1, dim2)
