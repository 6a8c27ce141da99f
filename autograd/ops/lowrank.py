"""Randomized low-rank factorizations (Halko, Martinsson and Tropp, "Finding structure
with randomness", 2009), as PyTorch's ``svd_lowrank`` and ``pca_lowrank``.

``get_approximate_basis`` (their Algorithm 4.4) finds Q with q orthonormal columns whose
span holds most of A's range: ``Q = qr(A·R).Q`` for a Gaussian R ``(n, q)``, refined by
``niter`` power iterations ``Q = qr(A·qr(Aᵀ·Q).Q).Q``. ``svd_lowrank`` (Algorithm 5.1)
then takes the exact SVD of the small ``B = Qᵀ·A`` ``(q, n)``: ``A ≈ (Q·U_B)·diag(S)·Vᵀ``.
Every step is a differentiable op (matmul, ``linalg.qr``, ``linalg.svd``), so gradients
flow as through PyTorch's. R is drawn from graphgrad's generator (``manual_seed``), so
the results equal PyTorch's only up to the randomness: the same subspace when q covers
A's rank, the same singular values, U and V up to the signs of their columns.
"""

from __future__ import annotations

import operator
from typing import Any

from .. import creation
from ..tensor import Tensor
from ._util import as_tensor
from .linalg import matmul
from .matrix_functions import _mT

__all__ = ["get_approximate_basis", "pca_lowrank", "svd_lowrank"]


def _qr_q(x: Tensor) -> Tensor:
    from ..linalg import qr  # deferred: the linalg namespace loads on first use

    return qr(x).Q


def _floating(a: Tensor, op: str) -> Tensor:
    if a.dtype.kind != "f":
        raise TypeError(f"{op}: expects a floating point tensor, got {a.dtype}")
    if a.ndim < 2:
        raise RuntimeError(f"{op}: expects a matrix or a batch of matrices (..., m, n), got "
                           f"shape {a.shape}")
    return a


def get_approximate_basis(A: Any, q: int, niter: int | None = 2, M: Any = None) -> Tensor:
    """Q ``(..., m, q)`` with orthonormal columns such that ``Q·Qᵀ·(A - M)`` approximates
    ``A - M`` (M, the mean, defaults to 0), by ``niter`` subspace iterations from a
    Gaussian start drawn from the global generator."""
    a = _floating(as_tensor(A), "get_approximate_basis")
    niter = 2 if niter is None else operator.index(niter)
    m = None if M is None else as_tensor(M)
    start = creation.get_rng().standard_normal((a.shape[-1], operator.index(q)))
    r = Tensor._wrap(start.astype(a.dtype))

    def times(x: Tensor, right: Tensor, transposed: bool = False) -> Tensor:
        out = matmul(_mT(x) if transposed else x, right)
        if m is not None:
            out = out - matmul(_mT(m) if transposed else m, right)
        return out

    basis = _qr_q(times(a, r))
    for _ in range(niter):
        basis = _qr_q(times(a, basis, transposed=True))
        basis = _qr_q(times(a, basis))
    return basis


def _svd_lowrank(a: Tensor, q: int | None, niter: int | None, m: Tensor | None) -> tuple:
    from ..linalg import svd

    q = 6 if q is None else operator.index(q)
    rows, cols = a.shape[-2:]
    if m is not None:
        m = as_tensor(m).broadcast_to(a.shape)
    if rows < cols:  # work on the tall orientation
        a = _mT(a)
        m = None if m is None else _mT(m)
    basis = get_approximate_basis(a, q, niter=niter, M=m)
    b = matmul(_mT(basis), a)
    if m is not None:
        b = b - matmul(_mT(basis), m)
    u, s, vh = svd(b, full_matrices=False)
    v, u = _mT(vh), matmul(basis, u)
    return (v, s, u) if rows < cols else (u, s, v)


def svd_lowrank(A: Any, q: int | None = 6, niter: int | None = 2,
                M: Any = None) -> tuple[Tensor, Tensor, Tensor]:
    """``(U, S, V)`` with ``A - M ≈ U·diag(S)·Vᵀ``: U ``(..., m, q)``, S ``(..., q)``, V
    ``(..., n, q)``, by the randomized algorithm (the module's note); ``q`` a slight
    overestimate of the rank (at most ``min(m, n)``), ``niter`` power iterations, M
    (broadcast to A's shape) a mean to subtract. Exact when q ≥ rank(A - M), up to
    rounding. Differentiable."""
    a = _floating(as_tensor(A), "svd_lowrank")
    return _svd_lowrank(a, q, niter, M)


def pca_lowrank(A: Any, q: int | None = None, center: bool = True,
                niter: int = 2) -> tuple[Tensor, Tensor, Tensor]:
    """PCA of the rows of A ``(..., m, n)`` (m samples, n features) by ``svd_lowrank``
    of A with its column means subtracted (unless ``center=False``): V's columns are the
    principal directions, ``S²/(m - 1)`` the variances along them, ``A·V[:, :k]`` the
    data projected on the first k. ``q`` defaults to ``min(6, m, n)``."""
    a = _floating(as_tensor(A), "pca_lowrank")
    rows, cols = a.shape[-2:]
    if q is None:
        q = min(6, rows, cols)
    elif not 0 <= q <= min(rows, cols):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than "
                         f"min(m, n)={min(rows, cols)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if center:
        a = a - a.mean(axis=-2, keepdims=True)
    return _svd_lowrank(a, q, niter, None)

