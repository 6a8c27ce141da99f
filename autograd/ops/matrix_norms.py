"""Norms of vectors and matrices as ``torch.linalg`` has them (``vector_norm``,
``matrix_norm``, ``norm``, ``cond``, ``matrix_rank``) and the top-level ``nuclear_norm``
and ``frobenius_norm``.

All are compositions of ``norm`` (the vector p-norms), ``abs``/``sum``/``amax`` and the
singular values ``svdvals``, so their gradients are those ops': for the spectral and
nuclear norms the SVD's, defined where the singular values are distinct (nonzero for
the nuclear norm).
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor
from .decompositions import eigvalsh, svdvals
from .deprecation import warn_once
from .elementwise import abs
from .matrix_functions import _matrices, inverse
from .norms import norm as _vector_p_norm
from .reduce import sum
from .shape import unsqueeze
from .stacking import movedim

_MATRIX_ORDS = ("fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2)


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """``(Σ |x_i|^ord)^(1/ord)`` over ``dim`` (all elements when None): ``inf`` the largest
    ``|x_i|``, ``-inf`` the smallest, 0 the count of nonzeros. Gradient 0 at the zero
    vector, as PyTorch's."""
    if isinstance(ord, str):
        raise ValueError(f"linalg.vector_norm: ord must be a number, got {ord!r} (matrix "
                         "norms are linalg.matrix_norm's)")
    return _vector_p_norm(x, ord, dim, keepdim, dtype=dtype)


def _two_dims(a: Tensor, dim: Any, op: str) -> tuple[int, int]:
    try:
        d = tuple(operator.index(i) for i in dim)
    except TypeError:
        raise TypeError(f"{op}: dim must be a pair of ints, got {dim!r}") from None
    if len(d) != 2:
        raise ValueError(f"{op}: dim must be a pair of ints, got {dim!r}")
    d = tuple(i + a.ndim if i < 0 else i for i in d)
    if not all(0 <= i < a.ndim for i in d) or d[0] == d[1]:
        raise ShapeError(f"{op}: dim {dim!r} must name two different dims of the input of "
                         f"shape {a.shape}")
    return d


def matrix_norm(A: Any, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """The matrix norm over the two dims ``dim`` of ``A``: ``'fro'`` ``√Σ a_ij²``,
    ``'nuc'`` the sum of the singular values, ``2``/``-2`` the largest/smallest singular
    value, ``1``/``-1`` the largest/smallest column sum of ``|a_ij|``, ``inf``/``-inf``
    the largest/smallest row sum."""
    a = _matrices("linalg.matrix_norm", A, square=False)
    if dtype is not None:
        a = a.astype(dtype)
    if ord not in _MATRIX_ORDS:
        raise ValueError(f"linalg.matrix_norm: ord must be one of {_MATRIX_ORDS}, got {ord!r}")
    rows, cols = _two_dims(a, dim, "linalg.matrix_norm")
    if ord == "fro":
        return _vector_p_norm(a, 2, (rows, cols), keepdim)
    m = movedim(a, (rows, cols), (-2, -1))
    if ord in ("nuc", 2, -2):
        s = svdvals(m)
        out = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
    else:
        summed = sum(abs(m), -2 if ord in (1, -1) else -1)
        out = summed.amax(-1) if ord > 0 else summed.amin(-1)
    if keepdim:
        for d in sorted((rows, cols)):
            out = unsqueeze(out, d)
    return out


def norm(A: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """``linalg.norm``: a vector norm when ``dim`` is an int (or the input is 1-D, or
    ``ord`` is None with no dim: the 2-norm of all elements), a matrix norm when ``dim``
    is a pair (or the input is 2-D and ``ord`` is given)."""
    a = as_tensor(A)
    if isinstance(dim, int) or (dim is not None and len(tuple(dim)) == 1):
        return vector_norm(a, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if dim is not None:
        return matrix_norm(a, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(a, 2, None, keepdim, dtype=dtype)
    if a.ndim == 1:
        return vector_norm(a, ord, None, keepdim, dtype=dtype)
    if a.ndim == 2:
        return matrix_norm(a, ord, (-2, -1), keepdim, dtype=dtype)
    raise ShapeError(f"linalg.norm: with ord={ord!r} and no dim the input must be 1-D or 2-D, "
                     f"got shape {a.shape}; pass dim")


def nuclear_norm(input: Any, dim: Any = (-2, -1), keepdim: bool = False) -> Tensor:
    """``torch.nuclear_norm``: the sum of the singular values over the two dims ``dim``
    (the last two by default). Deprecated in PyTorch: warns once, as its."""
    warn_once("nuclear_norm", "use linalg.matrix_norm(A, 'nuc', dim, keepdim)")
    return matrix_norm(input, "nuc", dim, keepdim)


def frobenius_norm(input: Any, dim: Any = (-2, -1), keepdim: bool = False) -> Tensor:
    """``torch.frobenius_norm``: ``√Σ a_ij²`` over the two dims ``dim``. Deprecated in
    PyTorch: warns once, as its."""
    warn_once("frobenius_norm", "use linalg.matrix_norm(A, 'fro', dim, keepdim)")
    return matrix_norm(input, "fro", dim, keepdim)


def cond(A: Any, p: Any = None) -> Tensor:
    """The condition number ``‖A‖_p·‖A⁻¹‖_p`` of each matrix of ``(..., m, n)``: for
    ``p`` None or 2 ``σ_max/σ_min`` (any shape), for -2 ``σ_min/σ_max``; the other norms
    need square invertible matrices. A singular matrix gives inf for p in (None, 2)."""
    a = _matrices("linalg.cond", A, square=p not in (None, 2, -2))
    if p in (None, 2, -2):
        s = svdvals(a)
        big, small = s.amax(-1), s.amin(-1)
        with np.errstate(divide="ignore", invalid="ignore"):  # singular: inf (or nan), quietly
            return big / small if p != -2 else small / big
    return matrix_norm(a, p) * matrix_norm(inverse(a), p)


def matrix_rank(A: Any, *, atol: Any = None, rtol: Any = None,
                hermitian: bool = False) -> Tensor:
    """The number of singular values (eigenvalue magnitudes if ``hermitian``) of each
    matrix of ``(..., m, n)`` above ``max(atol, rtol·σ_max)``, an int64 tensor ``(...)``.
    Defaults as PyTorch's: ``rtol = eps·max(m, n)`` when neither is given, 0 when only
    ``atol`` is."""
    a = _matrices("linalg.matrix_rank", A, square=hermitian)
    m, n = a.shape[-2:]
    s = np.abs(eigvalsh(a.detach()).data) if hermitian else svdvals(a.detach()).data
    if rtol is None:
        rtol = np.finfo(a.dtype).eps * max(m, n) if atol is None or np.all(atol == 0) else 0.0
    atol = 0.0 if atol is None else np.asarray(atol.data if isinstance(atol, Tensor) else atol)
    rtol = np.asarray(rtol.data if isinstance(rtol, Tensor) else rtol)
    smax = s.max(-1, initial=0.0) if s.size else np.zeros(s.shape[:-1], dtype=s.dtype)
    tol = np.maximum(atol, rtol * smax)
    return Tensor._wrap(np.sum(s > tol[..., None], axis=-1).astype(np.int64))
