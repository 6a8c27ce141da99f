"""``autograd.linalg``: PyTorch's ``torch.linalg`` namespace (loaded on first use).

The decompositions live in ``ops/decompositions.py``, the solves in ``ops/solvers.py``,
the norms in ``ops/matrix_norms.py``, the products in ``ops/chains.py`` and the matrix
functions in ``ops/matrix_functions.py``; this module gives them PyTorch's ``linalg``
names and signatures. All are batched over leading dims and differentiable (but
``matrix_rank``, an integer count).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .errors import ShapeError
from .ops._util import as_tensor
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
from .ops.elementwise import where as _where
from .ops.factorizations import matrix_exp
from .ops.geometry import cross as _cross
from .ops.householder import householder_product
from .ops.linalg import matmul as _matmul
from .ops.lu_decomposition import (
    LUFactorExResult,
    LUFactorResult,
    LUResult,
    _getrf,
    lu_factor,
    lu_factor_ex,
)
from .ops.lu_decomposition import linalg_lu as lu
from .ops.lu_decomposition import linalg_lu_solve as lu_solve
from .ops.matrix_functions import Inverse, SlogdetResult, _matrices, det, matrix_power, slogdet
from .ops.matrix_functions import pinverse as _pinverse
from .ops.matrix_norms import cond, matrix_norm, matrix_rank, norm, vector_norm
from .ops.shape import stack
from .ops.solvers import _is_vector_rhs, solve, solve_triangular
from .ops.stacking import movedim as _movedim
from .tensor import Tensor

__all__ = [
    "EighResult", "LstsqResult", "QRResult", "SVDResult", "SlogdetResult",
    "LUFactorExResult", "LUFactorResult", "LUResult", "InvExResult", "CholeskyExResult",
    "SolveExResult", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "inv_ex", "cholesky_ex",
    "solve_ex", "householder_product", "tensorinv", "tensorsolve",
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


class InvExResult(NamedTuple):
    """``(inverse, info)`` of ``inv_ex``."""

    inverse: Tensor
    info: Tensor


class CholeskyExResult(NamedTuple):
    """``(L, info)`` of ``cholesky_ex``."""

    L: Tensor
    info: Tensor


class SolveExResult(NamedTuple):
    """``(result, info)`` of ``solve_ex``."""

    result: Tensor
    info: Tensor


def _guarded(op: str, a: Tensor, info: np.ndarray, check_errors: bool, compute: Any,
             vector: bool = False) -> Tensor:
    """``compute(a)`` where ``info`` is 0, nan for the failed matrices (``info > 0``; their
    identity stand-ins keep the gradient of the others finite), or an error if
    ``check_errors``. ``vector``: the result is ``(..., n)``, not ``(..., n, k)``."""
    failed = info > 0
    if not failed.any():
        return compute(a)
    if check_errors:
        raise RuntimeError(f"{op}: the factorization of a matrix of the input (shape {a.shape}) "
                           f"failed (info {info.max()}); the matrix is singular or, for "
                           "cholesky, not positive-definite")
    mask = Tensor._wrap(np.broadcast_to(failed[..., None, None], a.shape))
    eye = Tensor._wrap(np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape))
    out = compute(_where(mask, eye, a))
    bad = Tensor._wrap(failed.reshape(failed.shape + (1,) * (1 if vector else 2)))
    return _where(bad, Tensor._wrap(np.array(np.nan, dtype=a.dtype)), out)


def _info(info: np.ndarray) -> Tensor:
    return Tensor._wrap(np.array(info, dtype=np.int32))


def inv_ex(A: Any, *, check_errors: bool = False) -> InvExResult:
    """``(inverse, info)``: ``inv`` without raising on singular matrices. ``info`` (int32,
    shape ``(...)``) is LU's: 0, or the 1-based index of the first zero pivot. Gradient
    as ``inv``'s. Deviation: a singular matrix's inverse is all nan (PyTorch's holds
    whatever LAPACK left, nan/inf)."""
    a = _matrices("linalg.inv_ex", A)
    info = _getrf(a.data)[2]
    return InvExResult(_guarded("linalg.inv_ex", a, info, check_errors, inv), _info(info))


def solve_ex(A: Any, B: Any, *, left: bool = True, check_errors: bool = False) -> SolveExResult:
    """``(result, info)``: ``solve`` without raising on singular A; ``info`` as
    ``inv_ex``'s. Gradient as ``solve``'s. Deviation: a singular system's result is all
    nan."""
    a = _matrices("linalg.solve_ex", A)
    info = _getrf(a.data)[2]
    vector = left and _is_vector_rhs(a, as_tensor(B))
    result = _guarded("linalg.solve_ex", a, info, check_errors,
                      lambda m: solve(m, B, left=left), vector)
    return SolveExResult(result, _info(info))


def _cholesky_info(a: np.ndarray) -> np.ndarray:
    """LAPACK ``potrf``'s info of each matrix (its lower triangle): the order of the first
    leading minor that is not positive-definite, or 0."""
    n = a.shape[-1]
    flat = a.reshape((int(np.prod(a.shape[:-2], dtype=np.int64)), n, n))
    low = np.zeros_like(flat)
    info = np.zeros(flat.shape[0], dtype=np.int32)
    for j in range(n):
        d = flat[:, j, j] - np.einsum("bk,bk->b", low[:, j, :j], low[:, j, :j])
        bad = ~(d > 0)
        info[bad & (info == 0)] = j + 1
        root = np.sqrt(np.where(bad, 1.0, d))
        low[:, j, j] = root
        below = flat[:, j + 1:, j] - np.einsum("bik,bk->bi", low[:, j + 1:, :j], low[:, j, :j])
        low[:, j + 1:, j] = below / root[:, None]
    return info.reshape(a.shape[:-2])


def cholesky_ex(A: Any, *, upper: bool = False, check_errors: bool = False
                ) -> CholeskyExResult:
    """``(L, info)``: ``cholesky`` without raising; ``info`` (int32, ``(...)``) is the
    order of the first leading minor that is not positive-definite, or 0, as LAPACK's.
    Gradient as ``cholesky``'s. Deviation: a failed matrix's factor is all nan (PyTorch's
    holds LAPACK's partial factor)."""
    a = _matrices("linalg.cholesky_ex", A)
    info = _cholesky_info(np.swapaxes(a.data, -1, -2) if upper else a.data)
    factor = _guarded("linalg.cholesky_ex", a, info, check_errors,
                      lambda m: cholesky(m, upper=upper))
    return CholeskyExResult(factor, _info(info))


def _size(shape: tuple[int, ...]) -> int:
    return int(np.prod(shape, dtype=np.int64))


def tensorinv(A: Any, ind: int = 2) -> Tensor:
    """The tensor X of shape ``A.shape[ind:] + A.shape[:ind]`` with ``tensordot(A, X, ind)``
    the identity: ``inv`` of A reshaped to ``(∏ A.shape[:ind], ∏ A.shape[ind:])``, which
    must be square. Gradient as ``inv``'s."""
    a = as_tensor(A)
    if ind <= 0:
        raise ValueError(f"linalg.tensorinv: expects a positive ind, got {ind}")
    front, back = a.shape[:ind], a.shape[ind:]
    if _size(front) != _size(back):
        raise ShapeError(f"linalg.tensorinv: the product of the first {ind} dims of A "
                         f"{a.shape} ({_size(front)}) must equal that of the rest "
                         f"({_size(back)}); pick ind so that it does")
    return inv(a.reshape((_size(front), _size(back)))).reshape(back + front)


def tensorsolve(A: Any, B: Any, dims: Any = None) -> Tensor:
    """The tensor X of shape ``A.shape[B.ndim:]`` with ``tensordot(A, X, X.ndim) = B``,
    after moving A's ``dims`` (if given) to the end: ``solve`` of A reshaped to
    ``(B.numel(), X.numel())``, which must be square. Gradient as ``solve``'s."""
    a, b = as_tensor(A), as_tensor(B)
    if dims is not None:
        dims = (dims,) if isinstance(dims, int) else tuple(dims)
        a = _movedim(a, dims, tuple(range(a.ndim - len(dims), a.ndim)))
    if a.shape[:b.ndim] != b.shape:
        raise ShapeError(f"linalg.tensorsolve: the leading dims of A {a.shape} must be B's "
                         f"shape {b.shape}")
    rest = a.shape[b.ndim:]
    if _size(rest) != _size(b.shape):
        raise ShapeError(f"linalg.tensorsolve: A {a.shape} reshaped to ({_size(b.shape)}, "
                         f"{_size(rest)}) is not square; the trailing dims must have as many "
                         "elements as B")
    n = _size(rest)
    return solve(a.reshape((n, n)), b.reshape((n,))).reshape(rest)
