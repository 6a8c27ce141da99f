"""Matrix decompositions: ``cholesky``, ``qr``, ``eigh``/``eigvalsh`` and
``svd``/``svdvals``, batched over leading dims, with PyTorch's backwards written with
Tensor ops (so they are differentiable again):

* ``cholesky`` (A = L·Lᵀ): ``gA = L⁻ᵀ·Φ(Lᵀ·gL)·L⁻¹``, Φ the symmetric part built from the
  lower triangle with the diagonal halved;
* ``qr`` (m ≥ n): ``gA = (gQ + Q·copyltu(M))·R⁻ᵀ``, ``M = R·gRᵀ - gQᵀ·Q``; for m < n the
  first m columns take that formula and the rest ``Q·gR₂``;
* ``eigh`` (A = V·diag(λ)·Vᵀ): ``gA = V·(diag(gλ) + skew(Vᵀ·gV)/2E)·Vᵀ``, ``E_ij = λ_j - λ_i``
* ``svd`` (A = U·diag(S)·Vh): ``gA = U·(diag(gS) + (skew(Uᵀ·gU)·S + S·skew(Vᵀ·gV))/E)·Vh``
  plus the terms leaving the column/row spaces, ``E_ij = S_j² - S_i²``.

Eigen- and singular vectors are defined only up to sign (the gauge), and their gradients
only where the eigen/singular values are distinct: gradients are those of gauge-invariant
functions of them, as PyTorch's, and are infinite or nan at repeated values.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..function import Function
from ..tensor import Tensor
from .contract import diag_embed
from .elementwise import where
from .linalg import matmul
from .matrix_functions import _matrices, _mT
from .shape import concatenate, unsqueeze
from .solvers import solve_triangular


class QRResult(NamedTuple):
    """``(Q, R)`` of ``linalg.qr``, as PyTorch's."""

    Q: Tensor
    R: Tensor


class EighResult(NamedTuple):
    """``(eigenvalues, eigenvectors)`` of ``linalg.eigh``, as PyTorch's."""

    eigenvalues: Tensor
    eigenvectors: Tensor


class SVDResult(NamedTuple):
    """``(U, S, Vh)`` of ``linalg.svd``, as PyTorch's."""

    U: Tensor
    S: Tensor
    Vh: Tensor


class SvdResult(NamedTuple):
    """``torch.svd``'s ``(U, S, V)``: V, not its transpose."""

    U: Tensor
    S: Tensor
    V: Tensor


def _gaps(d: Tensor) -> Tensor:
    """``E_ij = d_j - d_i`` of a batch of vectors ``(..., n)`` as ``(..., n, n)``, 1 on the
    diagonal (where the numerators it divides are 0)."""
    eye = np.eye(d.shape[-1], dtype=bool)
    return where(eye, Tensor._wrap(np.ones((), dtype=d.dtype)), unsqueeze(d, -2) - unsqueeze(d, -1))


def _skew(x: Tensor) -> Tensor:
    return x - _mT(x)


def _failing_minor(a: np.ndarray) -> int:
    """The order of the first leading minor that is not positive-definite (in some
    matrix of the batch), as PyTorch's error names it."""
    for k in range(1, a.shape[-1] + 1):
        try:
            low = np.linalg.cholesky(a[..., :k, :k])
        except np.linalg.LinAlgError:
            return k
        if np.isnan(low[..., k - 1, k - 1]).any():
            return k
    return a.shape[-1]


class Cholesky(Function):
    """The lower Cholesky factor L of ``(..., n, n)``, from its lower triangle."""

    @staticmethod
    def forward(ctx, a, op):
        try:
            out = np.linalg.cholesky(a)
            if np.isnan(np.diagonal(out, axis1=-2, axis2=-1)).any():
                raise np.linalg.LinAlgError  # nan in A, which LAPACK reports as PyTorch's
        except np.linalg.LinAlgError:
            raise RuntimeError(f"{op}: the factorization could not be completed because a "
                               f"matrix of the input (shape {a.shape}) is not positive-definite "
                               f"(the leading minor of order {_failing_minor(a)} is not "
                               "positive-definite)") from None
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (low,) = ctx.saved_tensors
        phi = matmul(_mT(low), g).tril()
        phi = 0.5 * (phi + _mT(phi.tril(-1)))
        left = solve_triangular(_mT(low), phi, upper=True)
        return solve_triangular(low, left, upper=False, left=False), None


def cholesky(A: Any, upper: bool = False) -> Tensor:
    """The Cholesky factor of each symmetric positive-definite matrix of ``(..., n, n)``:
    lower L with ``A = L·Lᵀ`` (read from A's lower triangle), or upper ``U = Lᵀ`` with
    ``upper=True`` (read from A's upper triangle). A matrix that is not positive-definite
    raises a RuntimeError. Gradient: ``L⁻ᵀ·Φ(Lᵀ·gL)·L⁻¹`` (symmetric, as PyTorch's)."""
    a = _matrices("linalg.cholesky", A)
    if upper:
        return _mT(Cholesky.apply(_mT(a), "linalg.cholesky"))
    return Cholesky.apply(a, "linalg.cholesky")


def _qr_square_backward(gq: Tensor, gr: Tensor, q: Tensor, r: Tensor) -> Tensor:
    m = matmul(r, _mT(gr)) - matmul(_mT(gq), q)
    copyltu = m.tril() + _mT(m.tril(-1))
    return solve_triangular(_mT(r), gq + matmul(q, copyltu), upper=False, left=False)


class QR(Function):
    """``(Q, R)`` of ``(..., m, n)`` in the reduced or complete mode."""

    @staticmethod
    def forward(ctx, a, mode):
        q, r = np.linalg.qr(a, mode="reduced" if mode == "r" else mode)
        ctx.save_for_backward(a, q, r)
        ctx.mode = mode
        return q, r

    @staticmethod
    def backward(ctx, gq, gr):
        a, q, r = ctx.saved_tensors
        m, n = a.shape[-2:]
        if ctx.mode == "r":
            raise RuntimeError("linalg.qr: the derivative of QR depends on Q, which is not "
                               "computed when mode='r'; use mode='reduced' to differentiate")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("linalg.qr: the QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols (Q's last columns are not "
                               "unique); use mode='reduced'")
        if m >= n:
            return _qr_square_backward(gq, gr, q, r), None
        y, gv = a[..., m:], gr[..., m:]
        gx = _qr_square_backward(gq + matmul(y, _mT(gv)), gr[..., :m], q, r[..., :m])
        return concatenate([gx, matmul(q, gv)], -1), None


def qr(A: Any, mode: str = "reduced") -> QRResult:
    """``(Q, R)`` with ``A = Q·R`` for ``(..., m, n)``, k = min(m, n): ``'reduced'`` gives Q
    ``(..., m, k)``, R ``(..., k, n)``; ``'complete'`` Q ``(..., m, m)``, R ``(..., m, n)``;
    ``'r'`` only R, Q an empty tensor (as PyTorch's). Signs are LAPACK's (as PyTorch's on
    CPU). Gradient: see the module docstring; ``'r'`` and ``'complete'`` with m > n raise
    in backward (PyTorch's rule)."""
    a = _matrices("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    q, r = QR.apply(a, mode)
    if mode == "r":
        q = Tensor._wrap(np.empty((0,), dtype=a.dtype))
    return QRResult(q, r)


class Eigh(Function):
    """``(λ, V)`` of symmetric ``(..., n, n)`` read from one triangle, λ ascending."""

    @staticmethod
    def forward(ctx, a, uplo):
        w, v = np.linalg.eigh(a, UPLO=uplo)
        ctx.save_for_backward(w, v)
        # No eigenvector gradient means no 1/(λ_j - λ_i) term, finite at repeated λ.
        ctx.set_materialize_grads(False)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = ctx.saved_tensors
        inner = None if gv is None else 0.5 * _skew(matmul(_mT(v), gv)) / _gaps(w)
        if gw is not None:
            inner = diag_embed(gw) if inner is None else inner + diag_embed(gw)
        return matmul(matmul(v, inner), _mT(v)), None


def _uplo(op: str, UPLO: str) -> str:
    if UPLO not in ("L", "U"):
        raise ValueError(f"{op}: UPLO must be 'L' or 'U', got {UPLO!r}")
    return UPLO


def eigh(A: Any, UPLO: str = "L") -> EighResult:
    """``(eigenvalues, eigenvectors)`` of each symmetric matrix of ``(..., n, n)``, read from
    its lower (``UPLO='L'``) or upper triangle: λ ``(..., n)`` ascending and orthonormal
    columns V ``(..., n, n)`` with ``A = V·diag(λ)·Vᵀ`` (each column's sign is LAPACK's).
    Gradient: ``V·(diag(gλ) + skew(Vᵀ·gV)/2E)·Vᵀ``, ``E_ij = λ_j - λ_i``; symmetric, as
    PyTorch's, and defined only for distinct eigenvalues (of gauge-invariant functions)."""
    a = _matrices("linalg.eigh", A)
    w, v = Eigh.apply(a, _uplo("linalg.eigh", UPLO))
    return EighResult(w, v)


def eigvalsh(A: Any, UPLO: str = "L") -> Tensor:
    """The eigenvalues ``(..., n)``, ascending, of each symmetric matrix of ``(..., n, n)``
    (see ``eigh``). Gradient: ``V·diag(gλ)·Vᵀ``."""
    return eigh(A, UPLO).eigenvalues


class SVD(Function):
    """``(U, S, Vh)`` of ``(..., m, n)``."""

    @staticmethod
    def forward(ctx, a, full_matrices):
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        ctx.save_for_backward(u, s, vh)
        # Only S's gradient (svdvals) means no 1/(S_j² - S_i²) terms: finite at ties.
        ctx.set_materialize_grads(False)
        return u, s, vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors
        m, n, k = u.shape[-2], vh.shape[-1], s.shape[-1]
        # The complete decomposition's extra columns are not unique: ignored, as PyTorch.
        u, vh = u[..., :k], vh[..., :k, :]
        if gu is None and gvh is None:
            return matmul(u * unsqueeze(gs, -2), vh), None
        gu = _zeros(u) if gu is None else gu[..., :k]
        gv = _zeros(_mT(vh)) if gvh is None else _mT(gvh[..., :k, :])
        core = (_skew(matmul(_mT(u), gu)) * unsqueeze(s, -2)
                + unsqueeze(s, -1) * _skew(matmul(vh, gv))) / _gaps(s * s)
        if gs is not None:
            core = core + diag_embed(gs)
        if m > n:
            gu_sinv = gu / unsqueeze(s, -2)
            outside = gu_sinv - matmul(u, matmul(_mT(u), gu_sinv))
            return matmul(matmul(u, core) + outside, vh), None
        if m < n:
            gv_sinv = gv / unsqueeze(s, -2)
            outside = _mT(gv_sinv) - matmul(matmul(_mT(gv_sinv), _mT(vh)), vh)
            return matmul(u, matmul(core, vh) + outside), None
        return matmul(matmul(u, core), vh), None


def _zeros(like: Tensor) -> Tensor:
    return Tensor._wrap(np.zeros(like.shape, dtype=like.dtype))


def svd(A: Any, full_matrices: bool = True) -> SVDResult:
    """``(U, S, Vh)`` with ``A = U·diag(S)·Vh`` for ``(..., m, n)``, k = min(m, n): S
    ``(..., k)`` descending; U ``(..., m, m)`` and Vh ``(..., n, n)``, or ``(..., m, k)``
    and ``(..., k, n)`` with ``full_matrices=False``. Signs are LAPACK's (gesdd, as
    PyTorch's on CPU). Gradient: see the module docstring (PyTorch's; defined only for
    distinct nonzero singular values, of gauge-invariant functions; with full matrices the
    columns past k get none)."""
    a = _matrices("linalg.svd", A, square=False)
    u, s, vh = SVD.apply(a, bool(full_matrices))
    return SVDResult(u, s, vh)


def svdvals(A: Any) -> Tensor:
    """The singular values ``(..., min(m, n))``, descending, of ``(..., m, n)``. Gradient:
    ``U·diag(gS)·Vh``."""
    return svd(A, full_matrices=False).S
