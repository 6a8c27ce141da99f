"""PyTorch's top-level decompositions (``torch.cholesky``, ``torch.qr``, ``torch.svd``)
and ``matrix_exp``.

The first three are the ``linalg`` ones (``decompositions.py``) with the older signatures:
``some`` instead of ``mode``/``full_matrices``, and ``svd`` returning V rather than Vh.
``matrix_exp`` is a ``Function`` whose backward is Mathias' block formula, itself a
``matrix_exp``, so it is differentiable again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from .decompositions import QRResult, SvdResult
from .decompositions import cholesky as _linalg_cholesky
from .decompositions import qr as _linalg_qr
from .decompositions import svd as _linalg_svd
from .decompositions import svdvals as _svdvals
from .deprecation import warn_once
from .matrix_functions import _matrices, _mT
from .shape import concatenate


def cholesky(input: Any, upper: bool = False) -> Tensor:
    """``torch.cholesky``: the lower (or, with ``upper``, upper) Cholesky factor of each
    symmetric positive-definite matrix of ``(..., n, n)``; see ``linalg.cholesky``.
    Deprecated in PyTorch: warns once, as its."""
    warn_once("torch.cholesky", "use linalg.cholesky(A) (L.mH for upper=True)")
    return _linalg_cholesky(input, upper=upper)


def qr(input: Any, some: bool = True) -> QRResult:
    """``torch.qr``: ``(Q, R)`` reduced (``some=True``) or complete; see ``linalg.qr``.
    Deprecated in PyTorch: warns once, as its."""
    warn_once("torch.qr", "use linalg.qr(A, 'reduced' if some else 'complete')")
    return _linalg_qr(input, mode="reduced" if some else "complete")


def svd(input: Any, some: bool = True, compute_uv: bool = True) -> SvdResult:
    """``torch.svd``: ``(U, S, V)`` with ``A = U·diag(S)·Vᵀ`` (V, not Vh), reduced when
    ``some``. With ``compute_uv=False`` U and V are zero matrices ``(..., m, m)`` and
    ``(..., n, n)`` (PyTorch's quirk) and only S carries a gradient."""
    if not compute_uv:
        a = _matrices("svd", input, square=False)
        m, n = a.shape[-2:]
        zeros = lambda k: Tensor._wrap(np.zeros(a.shape[:-2] + (k, k), dtype=a.dtype))  # noqa: E731
        return SvdResult(zeros(m), _svdvals(a), zeros(n))
    u, s, vh = _linalg_svd(input, full_matrices=not some)
    return SvdResult(u, s, _mT(vh))


def _expm(a: np.ndarray) -> np.ndarray:
    """``exp(A)`` of ``(..., n, n)`` by scaling and squaring: the Taylor series to degree 18
    of ``A/2^s`` with ``‖A/2^s‖₁ ≤ 1/2`` (truncation below 1e-22 relative), squared s
    times."""
    norms = np.abs(a).sum(-2).max(-1, initial=0.0) if a.size else np.zeros(a.shape[:-2])
    s = np.maximum(0, np.ceil(np.log2(np.maximum(norms, 1e-300) * 2))).astype(int)
    scaled = a / (2.0 ** s)[..., None, None]
    eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    out, term = eye.copy(), eye.copy()
    for k in range(1, 19):
        term = term @ scaled / k
        out = out + term
    for i in range(int(s.max(initial=0))):
        square = out @ out
        out = np.where((s > i)[..., None, None], square, out)
    return out.astype(a.dtype, copy=False)


class MatrixExp(Function):
    """``exp(A)`` of ``(..., n, n)``."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        n = a.shape[-1]
        a_t = _mT(a)
        zeros = Tensor._wrap(np.zeros(g.shape, dtype=g.dtype))
        block = concatenate([concatenate([a_t, g], -1), concatenate([zeros, a_t], -1)], -2)
        return MatrixExp.apply(block)[..., :n, n:]


def matrix_exp(A: Any) -> Tensor:
    """The matrix exponential ``exp(A) = Σ_k A^k/k!`` of each matrix of ``(..., n, n)``.
    Gradient: the top-right block of ``exp([[Aᵀ, G], [0, Aᵀ]])`` (PyTorch's formula)."""
    return MatrixExp.apply(_matrices("matrix_exp", A))
