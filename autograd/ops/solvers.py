"""Linear solves: ``solve``, ``solve_triangular``, ``cholesky_solve``, ``cholesky_inverse``
and ``triangular_solve``, batched over broadcast leading dims.

For ``X = A⁻¹B`` the backwards are PyTorch's, written with Tensor ops (so twice
differentiable): ``gB = A⁻ᵀG`` (another solve) and ``gA = -gB·Xᵀ``, kept to A's
triangle for the triangular solve. Right solves ``X·A = B`` are left solves of the
transposes.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor, unbroadcast
from .deprecation import warn_once
from .linalg import matmul
from .matrix_functions import _matrices, _mT
from .shape import squeeze, unsqueeze


class TriangularSolveResult(NamedTuple):
    """``(solution, cloned_coefficient)`` of ``triangular_solve``, as PyTorch's."""

    solution: Tensor
    cloned_coefficient: Tensor


def _np_solve(op: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        raise RuntimeError(f"{op}: the solver failed because a matrix of the input (shape "
                           f"{a.shape}) is singular; lstsq or pinv handle singular systems"
                           ) from None


def _check_pair(op: str, a: Tensor, b: Tensor) -> None:
    if b.ndim < 2 or a.shape[-1] != b.shape[-2]:
        raise ShapeError(f"{op}: incompatible shapes of A {a.shape} and B {b.shape}: B must be "
                         f"(..., {a.shape[-1]}, k) for A (..., n, n)")
    if a.dtype != b.dtype:
        raise TypeError(f"{op}: expects A and B of one dtype, got {a.dtype} and {b.dtype}; "
                        "convert one with .to(other.dtype)")


class Solve(Function):
    """``A⁻¹B`` of ``(..., n, n)`` and ``(..., n, k)``."""

    @staticmethod
    def forward(ctx, a, b):
        x = _np_solve("linalg.solve", a, b)
        ctx.shapes = a.shape, b.shape
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        a_shape, b_shape = ctx.shapes
        gb = Solve.apply(_mT(a), g)
        return unbroadcast(-matmul(gb, _mT(x)), a_shape), unbroadcast(gb, b_shape)


def solve(A: Any, B: Any, *, left: bool = True) -> Tensor:
    """The solution X of ``A·X = B`` (``X·A = B`` when ``left=False``) for square A
    ``(..., n, n)`` and B ``(..., n, k)``, batch dims broadcast; B ``(n,)`` or with A's
    batch shape ``(..., n)`` is a vector (PyTorch's rule), giving ``(..., n)``. A singular
    A raises a RuntimeError. Gradient: ``gB = A⁻ᵀG``, ``gA = -gB·Xᵀ``."""
    a = _matrices("linalg.solve", A)
    b = as_tensor(B)
    if left and _is_vector_rhs(a, b):
        return squeeze(solve(a, unsqueeze(b, -1)), -1)
    b = _matrices("linalg.solve", b, square=False)
    if not left:
        _check_pair("linalg.solve", a, _mT(b))
        return _mT(Solve.apply(_mT(a), _mT(b)))
    _check_pair("linalg.solve", a, b)
    return Solve.apply(a, b)


def _is_vector_rhs(a: Tensor, b: Tensor) -> bool:
    return b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])


class SolveTriangular(Function):
    """``T⁻¹B`` for T the upper or lower triangle of ``(..., n, n)`` (unit diagonal if
    asked)."""

    @staticmethod
    def forward(ctx, a, b, upper, unit):
        t = np.triu(a) if upper else np.tril(a)
        if unit:
            idx = np.arange(a.shape[-1])
            t[..., idx, idx] = 1
        x = _np_solve("linalg.solve_triangular", t, b)
        ctx.shapes, ctx.flags = (a.shape, b.shape), (upper, unit)
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        (a_shape, b_shape), (upper, unit) = ctx.shapes, ctx.flags
        gb = SolveTriangular.apply(_mT(a), g, not upper, unit)
        ga = -matmul(gb, _mT(x))
        offset = 1 if unit else 0
        ga = ga.triu(offset) if upper else ga.tril(-offset)
        return unbroadcast(ga, a_shape), unbroadcast(gb, b_shape), None, None


def solve_triangular(A: Any, B: Any, *, upper: bool, left: bool = True,
                     unitriangular: bool = False) -> Tensor:
    """The solution X of ``T·X = B`` (``X·T = B`` when ``left=False``) for T the upper (or
    lower) triangle of A ``(..., n, n)``, with ones on its diagonal if ``unitriangular``;
    B ``(..., n, k)`` (``(..., k, n)`` on the right), batch dims broadcast. The other
    triangle of A is ignored. Gradient: ``gB = T⁻ᵀG``, ``gA = -gB·Xᵀ`` kept to T's
    triangle. Deviation: an exactly singular T raises a RuntimeError (PyTorch returns
    inf/nan)."""
    a = _matrices("linalg.solve_triangular", A)
    b = _matrices("linalg.solve_triangular", B, square=False)
    if left:
        _check_pair("linalg.solve_triangular", a, b)
        return SolveTriangular.apply(a, b, bool(upper), bool(unitriangular))
    _check_pair("linalg.solve_triangular", a, _mT(b))
    return _mT(SolveTriangular.apply(_mT(a), _mT(b), not upper, bool(unitriangular)))


def triangular_solve(b: Any, A: Any, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False) -> TriangularSolveResult:
    """PyTorch's older ``triangular_solve``: ``(X, A.clone())`` for ``op(T)·X = b`` with T
    A's upper (default) or lower triangle and ``op`` the transpose if ``transpose``. Note
    the argument order ``(b, A)`` and the default ``upper=True``. Deprecated in PyTorch:
    warns once, as its."""
    warn_once("torch.triangular_solve", "use linalg.solve_triangular(A, B, upper=...)")
    a = _matrices("triangular_solve", A)
    coefficient = a * 1
    if transpose:
        a, upper = _mT(a), not upper
    x = solve_triangular(a, b, upper=upper, unitriangular=unitriangular)
    return TriangularSolveResult(x, coefficient)


def cholesky_solve(B: Any, L: Any, upper: bool = False) -> Tensor:
    """The solution X of ``A·X = B`` with ``A = L·Lᵀ`` given its Cholesky factor L (``Uᵀ·U``
    with ``upper``): two triangular solves, so its gradient (PyTorch's) is theirs."""
    factor = _matrices("cholesky_solve", L)
    if upper:
        factor = _mT(factor)
    y = solve_triangular(factor, B, upper=False)
    return solve_triangular(_mT(factor), y, upper=True)


def cholesky_inverse(L: Any, upper: bool = False) -> Tensor:
    """``A⁻¹`` for ``A = L·Lᵀ`` (``Uᵀ·U`` with ``upper``) given its Cholesky factor:
    ``cholesky_solve`` of the identity."""
    factor = _matrices("cholesky_inverse", L)
    eye = Tensor._wrap(np.broadcast_to(np.eye(factor.shape[-1], dtype=factor.dtype),
                                       factor.shape).copy())
    return cholesky_solve(eye, factor, upper)
