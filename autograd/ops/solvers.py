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
from .linalg import matmul, same_dtype
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
    same_dtype(op, a, b)


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


def _triangle(factor: np.ndarray, upper: bool) -> np.ndarray:
    """The lower factor L of ``A = L·Lᵀ`` from L's lower or U's upper triangle."""
    return np.swapaxes(np.triu(factor), -1, -2) if upper else np.tril(factor)


class CholeskySolve(Function):
    """``A⁻¹B`` for ``A = L·Lᵀ`` (``Uᵀ·U`` when ``upper``), L the lower (upper) triangle of
    ``(..., n, n)``, B ``(..., n, k)``."""

    @staticmethod
    def forward(ctx, b, factor, upper):
        low = _triangle(factor, upper)
        y = _np_solve("cholesky_solve", low, b)
        x = _np_solve("cholesky_solve", np.swapaxes(low, -1, -2), y)
        ctx.upper, ctx.shapes = upper, (b.shape, factor.shape)
        ctx.save_for_backward(factor, x)
        return x

    @staticmethod
    def backward(ctx, g):
        factor, x = ctx.saved_tensors
        b_shape, factor_shape = ctx.shapes
        gb = CholeskySolve.apply(g, factor, ctx.upper)
        common = matmul(gb, _mT(x))
        common = common + _mT(common)
        gf = -matmul(factor, common) if ctx.upper else -matmul(common, factor)
        return unbroadcast(gb, b_shape), unbroadcast(gf, factor_shape), None


def cholesky_solve(B: Any, L: Any, upper: bool = False) -> Tensor:
    """The solution X of ``A·X = B`` with ``A = L·Lᵀ`` given its Cholesky factor L (``Uᵀ·U``
    with ``upper``), B ``(..., n, k)``, batch dims broadcast; the forward reads only L's
    lower (U's upper) triangle. Gradients (PyTorch's): ``gB = A⁻¹G``, ``C = gB·Xᵀ + X·gBᵀ``,
    ``gL = -C·L`` (``gU = -U·C``) over the whole matrix, the other triangle included;
    compose with ``tril``/``triu`` to keep it to the triangle."""
    factor = _matrices("cholesky_solve", L)
    b = _matrices("cholesky_solve", B, square=False)
    _check_pair("cholesky_solve", factor, b)
    return CholeskySolve.apply(b, factor, bool(upper))


class CholeskyInverse(Function):
    """``A⁻¹`` for ``A = L·Lᵀ`` (``Uᵀ·U`` when ``upper``), L the lower (upper) triangle of
    ``(..., n, n)``."""

    @staticmethod
    def forward(ctx, factor, upper):
        low = _triangle(factor, upper)
        eye = np.broadcast_to(np.eye(low.shape[-1], dtype=low.dtype), low.shape)
        low_inv = _np_solve("cholesky_inverse", low, eye)
        out = np.swapaxes(low_inv, -1, -2) @ low_inv  # A⁻¹ = L⁻ᵀL⁻¹
        ctx.upper = upper
        ctx.save_for_backward(factor, out)
        return out

    @staticmethod
    def backward(ctx, g):
        factor, inv = ctx.saved_tensors
        common = matmul(inv, matmul(g + _mT(g), inv))
        return (-matmul(factor, common) if ctx.upper else -matmul(common, factor)), None


def cholesky_inverse(L: Any, upper: bool = False) -> Tensor:
    """``A⁻¹`` for ``A = L·Lᵀ`` (``Uᵀ·U`` with ``upper``) given its Cholesky factor
    ``(..., n, n)``; the forward reads only L's lower (U's upper) triangle. Gradient
    (PyTorch's): ``C = A⁻¹(G + Gᵀ)A⁻¹``, ``gL = -C·L`` (``gU = -U·C``) over the whole
    matrix, the other triangle included, as PyTorch gives it; compose with ``tril``/
    ``triu`` to keep it to the triangle. A singular factor raises a RuntimeError."""
    return CholeskyInverse.apply(_matrices("cholesky_inverse", L), bool(upper))
