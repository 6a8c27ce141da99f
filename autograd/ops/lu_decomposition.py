"""The LU factorization with partial pivoting, ``A = P·L·U``, and the solves and unpacking
built on it: ``lu_factor``, ``lu_factor_ex``, ``linalg_lu``, ``lu_solve``, ``lu_unpack``
and PyTorch's older ``lu``/``lu_solve`` forms, batched over leading dims.

NumPy has no LU, so the forward is LAPACK's ``getrf`` recipe vectorized over the batch
(a loop over the columns): the pivot is the entry of largest magnitude in the column
(the first on ties, as LAPACK's ``idamax``), pivots are stored 1-based as int32 like
PyTorch's. The backward is PyTorch's, written with Tensor ops (so it is differentiable
again): for square A ``gA = P·L⁻ᵀ·(tril(Lᵀ·gL, -1) + triu(gU·Uᵀ))·U⁻ᵀ``; wide and tall A
split U (or L) into its square block and the rest, as PyTorch's ``linalg_lu_backward``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..function import Function
from ..tensor import Tensor
from .deprecation import warn_once
from .linalg import matmul
from .matrix_functions import _matrices, _mT
from .shape import concatenate
from .solvers import _check_pair, solve_triangular


class LUFactorResult(NamedTuple):
    """``(LU, pivots)`` of ``linalg.lu_factor``."""

    LU: Tensor
    pivots: Tensor


class LUFactorExResult(NamedTuple):
    """``(LU, pivots, info)`` of ``linalg.lu_factor_ex``."""

    LU: Tensor
    pivots: Tensor
    info: Tensor


class LUResult(NamedTuple):
    """``(P, L, U)`` of ``linalg.lu`` and ``lu_unpack``."""

    P: Tensor
    L: Tensor
    U: Tensor


def _getrf(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Packed LU factors, 1-based int32 pivots and LAPACK's info (the first zero pivot,
    1-based, or 0) of ``a`` ``(..., m, n)``."""
    m, n = a.shape[-2:]
    k = min(m, n)
    lu = np.array(a.reshape((_count(a.shape[:-2]), m, n)), dtype=a.dtype, copy=True)
    batch = np.arange(lu.shape[0])
    pivots = np.empty((lu.shape[0], k), dtype=np.int32)
    info = np.zeros(lu.shape[0], dtype=np.int32)
    for j in range(k):
        p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)
        pivots[:, j] = p + 1
        row = lu[batch, j].copy()
        lu[batch, j] = lu[batch, p]
        lu[batch, p] = row
        head = lu[:, j, j]
        zero = head == 0
        info[zero & (info == 0)] = j + 1
        lu[:, j + 1:, j] /= np.where(zero, 1.0, head)[:, None]
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
    batch_shape = a.shape[:-2]
    return (lu.reshape(a.shape), pivots.reshape(batch_shape + (k,)),
            info.reshape(batch_shape))


def _count(batch_shape: tuple[int, ...]) -> int:
    return int(np.prod(batch_shape, dtype=np.int64))


def _permutation(pivots: np.ndarray, m: int) -> np.ndarray:
    """The row order ``perm`` (``A[perm] = L·U``) of 1-based LAPACK pivots ``(..., k)``."""
    flat = pivots.reshape((_count(pivots.shape[:-1]), pivots.shape[-1])).astype(np.intp) - 1
    perm = np.broadcast_to(np.arange(m), (flat.shape[0], m)).copy()
    batch = np.arange(flat.shape[0])
    for j in range(flat.shape[-1]):
        p = flat[:, j]
        held = perm[batch, j].copy()
        perm[batch, j] = perm[batch, p]
        perm[batch, p] = held
    return perm.reshape(pivots.shape[:-1] + (m,))


def _permutation_matrix(pivots: np.ndarray, m: int, dtype: np.dtype) -> np.ndarray:
    """``P`` with ``A = P·L·U``: ``P[perm[i], i] = 1``."""
    perm = _permutation(pivots, m)
    return (perm[..., :, None] == np.arange(m)).swapaxes(-1, -2).astype(dtype)


def _split(lu: Tensor) -> tuple[Tensor, Tensor]:
    """Unit-lower ``L`` ``(..., m, k)`` and upper ``U`` ``(..., k, n)`` of packed factors."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    eye = Tensor._wrap(np.eye(m, k, dtype=lu.dtype))
    return lu[..., :, :k].tril(-1) + eye, lu[..., :k, :].triu()


class LUFactor(Function):
    """Packed ``L - I + U`` of ``(..., m, n)``; the pivots and info go into ``sink``."""

    @staticmethod
    def forward(ctx, a, sink):
        lu, sink["pivots"], sink["info"] = _getrf(a)
        ctx.pivots = sink["pivots"]
        ctx.save_for_backward(lu)
        return lu

    @staticmethod
    def backward(ctx, g):
        (lu,) = ctx.saved_tensors
        m, n = lu.shape[-2:]
        k = min(m, n)
        lower, upper = _split(lu)
        g_lower, g_upper = g[..., :, :k].tril(-1), g[..., :k, :].triu()
        inner = matmul(_mT(lower), g_lower) - matmul(g_upper, _mT(upper))
        if m < n:  # wide: U = [U₁ U₂] with U₁ square
            x = solve_triangular(_mT(upper[..., :, :k]), inner.tril(-1), upper=False, left=False)
            x = concatenate([x + g_upper[..., :, :k], g_upper[..., :, k:]], -1)
            x = solve_triangular(_mT(lower), x, upper=True, unitriangular=True)
        else:  # tall or square: L = [L₁; L₂] with L₁ square
            x = solve_triangular(_mT(lower[..., :k, :]), -inner.triu(), upper=True,
                                 unitriangular=True)
            x = concatenate([x + g_lower[..., :k, :], g_lower[..., k:, :]], -2)
            x = solve_triangular(_mT(upper), x, upper=False, left=False)
        p = Tensor._wrap(_permutation_matrix(ctx.pivots, m, lu.dtype))
        return matmul(p, x), None


def _factor(op: str, A: Any, pivot: bool) -> tuple[Tensor, np.ndarray, np.ndarray]:
    if not pivot:
        raise NotImplementedError(f"{op}: LU without pivoting is only on CUDA in PyTorch; "
                                  "call it with pivot=True")
    sink: dict = {}
    lu = LUFactor.apply(_matrices(op, A, square=False), sink)
    return lu, sink["pivots"], sink["info"]


def _int32(values: np.ndarray) -> Tensor:
    return Tensor._wrap(np.array(values, dtype=np.int32))


def lu_factor_ex(A: Any, *, pivot: bool = True,
                 check_errors: bool = False) -> LUFactorExResult:
    """``(LU, pivots, info)``: the LU factorization ``A = P·L·U`` of ``(..., m, n)`` with
    partial pivoting, packed as ``LU = (L - I) + U`` ``(..., m, n)``, the 1-based int32
    row swaps ``pivots`` ``(..., min(m, n))`` and int32 ``info`` ``(...)``: 0, or the
    1-based index of the first zero pivot of ``U`` (the factorization still completes).
    Gradient: PyTorch's (module docstring), for square and rectangular A.
    ``pivot=False`` raises a NotImplementedError, as PyTorch's on CPU."""
    lu, pivots, info = _factor("linalg.lu_factor_ex", A, pivot)
    if check_errors and np.any(info > 0):
        raise RuntimeError(f"linalg.lu_factor_ex: U has a zero diagonal entry (info "
                           f"{info.max()}); the matrix of shape {lu.shape} is singular")
    return LUFactorExResult(lu, _int32(pivots), _int32(info))


def lu_factor(A: Any, *, pivot: bool = True) -> LUFactorResult:
    """``(LU, pivots)`` of ``lu_factor_ex``, raising a RuntimeError as PyTorch's when a
    diagonal entry of ``U`` is zero (``lu_solve`` would divide by it); ``linalg.lu`` or
    ``lu_factor_ex`` factor singular matrices."""
    lu, pivots, info = _factor("linalg.lu_factor", A, pivot)
    if np.any(info > 0):
        raise RuntimeError(f"linalg.lu_factor: U[{info.max() - 1},{info.max() - 1}] is zero "
                           "and using it on lu_solve would divide by zero; call linalg.lu "
                           "or linalg.lu_factor_ex to factor a singular matrix")
    return LUFactorResult(lu, _int32(pivots))


def linalg_lu(A: Any, *, pivot: bool = True) -> LUResult:
    """``(P, L, U)`` with ``A = P·L·U`` for ``A`` ``(..., m, n)``: ``P`` ``(..., m, m)`` a
    permutation matrix in A's dtype, ``L`` ``(..., m, k)`` unit lower triangular, ``U``
    ``(..., k, n)`` upper triangular, ``k = min(m, n)``; singular A is fine. Gradient as
    ``lu_factor_ex``'s."""
    lu, pivots, _ = _factor("linalg.lu", A, pivot)
    lower, upper = _split(lu)
    p = Tensor._wrap(_permutation_matrix(pivots, lu.shape[-2], lu.dtype))
    return LUResult(p, lower, upper)


def lu_unpack(LU_data: Any, LU_pivots: Any, unpack_data: bool = True,
              unpack_pivots: bool = True) -> LUResult:
    """``(P, L, U)`` of packed ``LU_data`` ``(..., m, n)`` and 1-based ``LU_pivots``
    ``(..., min(m, n))`` as ``lu_factor`` gives them; ``L`` and ``U`` are differentiable
    (they are the triangles of ``LU_data``). A part not asked for (``unpack_data``,
    ``unpack_pivots`` False) is an empty tensor, as PyTorch's."""
    lu = _matrices("lu_unpack", LU_data, square=False)
    pivots = _pivots("lu_unpack", lu, LU_pivots)
    empty = Tensor._wrap(np.empty(0, dtype=lu.dtype))
    lower, upper = _split(lu) if unpack_data else (empty, empty)
    p = (Tensor._wrap(_permutation_matrix(pivots, lu.shape[-2], lu.dtype)) if unpack_pivots
         else empty)
    return LUResult(p, lower, upper)


def _pivots(op: str, lu: Tensor, pivots: Any) -> np.ndarray:
    values = np.asarray(pivots.data if isinstance(pivots, Tensor) else pivots)
    m, n = lu.shape[-2:]
    if values.dtype.kind not in "iu":
        raise TypeError(f"{op}: expects integer pivots as lu_factor gives them, got "
                        f"{values.dtype}")
    if values.shape != lu.shape[:-2] + (min(m, n),):
        raise ValueError(f"{op}: pivots of shape {values.shape} do not fit LU of shape "
                         f"{lu.shape}; expected {lu.shape[:-2] + (min(m, n),)}")
    if values.size and (values.min() < 1 or values.max() > m):
        raise ValueError(f"{op}: pivots must be 1-based row indices in [1, {m}]")
    return values


def linalg_lu_solve(LU: Any, pivots: Any, B: Any, *, left: bool = True,
             adjoint: bool = False) -> Tensor:
    """The solution X of ``A·X = B`` for ``A = P·L·U`` given by ``lu_factor``'s ``(LU,
    pivots)`` ``(..., n, n)``; ``Aᵀ·X = B`` with ``adjoint``, ``X·A = B`` with
    ``left=False``. B ``(..., n, k)`` (``(..., k, n)`` on the right), batch dims
    broadcast. Two triangular solves and a row permutation, so differentiable in LU and
    B through theirs."""
    lu = _matrices("linalg.lu_solve", LU)
    b = _matrices("linalg.lu_solve", B, square=False)
    p = Tensor._wrap(_permutation_matrix(_pivots("linalg.lu_solve", lu, pivots),
                                         lu.shape[-1], lu.dtype))
    if not left:
        return _mT(linalg_lu_solve(lu, pivots, _mT(b), adjoint=not adjoint))
    _check_pair("linalg.lu_solve", lu, b)
    lower, upper = _split(lu)
    if adjoint:
        y = solve_triangular(_mT(upper), b, upper=False)
        return matmul(p, solve_triangular(_mT(lower), y, upper=True, unitriangular=True))
    y = solve_triangular(lower, matmul(_mT(p), b), upper=False, unitriangular=True)
    return solve_triangular(upper, y, upper=True)


def lu(A: Any, pivot: bool = True, get_infos: bool = False) -> tuple[Tensor, ...]:
    """PyTorch's older ``torch.lu`` (``Tensor.lu``): ``(LU, pivots)``, with ``infos`` too
    if ``get_infos``; as ``linalg.lu_factor_ex`` (no error on singular A). Deprecated in
    PyTorch: warns once."""
    warn_once("torch.lu", "use linalg.lu_factor(A) or linalg.lu_factor_ex(A)")
    result = lu_factor_ex(A, pivot=pivot)
    return tuple(result) if get_infos else (result.LU, result.pivots)


def lu_solve(b: Any, LU_data: Any, LU_pivots: Any) -> Tensor:
    """PyTorch's older ``torch.lu_solve(b, LU_data, LU_pivots)`` (note the order):
    ``linalg.lu_solve(LU_data, LU_pivots, b)``. Deprecated in PyTorch: warns once."""
    warn_once("torch.lu_solve", "use linalg.lu_solve(LU, pivots, B)")
    return linalg_lu_solve(LU_data, LU_pivots, b)
