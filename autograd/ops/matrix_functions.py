"""Functions of square (and, for ``pinverse``, any) matrices: ``det``, ``slogdet``,
``logdet``, ``inverse``, ``matrix_power`` and ``pinverse``, batched over leading dims.

Each op takes ``(..., n, n)`` (``pinverse``: ``(..., m, n)``) and its forward is NumPy's
``linalg``; the backwards are written with Tensor ops on the input and the saved output,
so they are differentiable again:

* ``inverse``: ``dA = -A⁻ᵀ·G·A⁻ᵀ``
* ``det``: ``dA = g·det(A)·A⁻ᵀ`` (the cofactor matrix; at a singular A it is computed
  from the SVD, as PyTorch's)
* ``slogdet``: ``dA = g·A⁻ᵀ`` for ``log|det A|``; the sign has no gradient
* ``pinverse``: PyTorch's formula for ``A⁺`` (valid where the rank does not change)
* ``logdet`` and ``matrix_power`` are compositions of these and ``matmul``.
"""

from __future__ import annotations

import operator
from typing import Any, NamedTuple

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from ._util import as_tensor
from .elementwise import where
from .linalg import matmul
from .shape import swapaxes


class SlogdetResult(NamedTuple):
    """``(sign, logabsdet)`` of ``slogdet``, as PyTorch's return type."""

    sign: Tensor
    logabsdet: Tensor


def _mT(t: Tensor) -> Tensor:
    return swapaxes(t, -1, -2)


def _matrices(op: str, a: Any, square: bool = True) -> Tensor:
    """``a`` as a floating tensor of (a batch of) matrices, square unless told otherwise."""
    a = as_tensor(a)
    if a.ndim < 2:
        raise ShapeError(f"{op}: expects a matrix or a batch of matrices (..., n, n) with at "
                         f"least 2 dims, got shape {a.shape}")
    if square and a.shape[-1] != a.shape[-2]:
        raise ShapeError(f"{op}: expects square matrices (..., n, n), got {a.shape[-2]} by "
                         f"{a.shape[-1]} matrices (shape {a.shape})")
    if a.dtype.kind != "f" or a.dtype.itemsize < 4:
        raise TypeError(f"{op}: expects a float32 or float64 tensor (NumPy's linalg has no "
                        f"other), got {a.dtype}; convert it first (a.double() or a.float())")
    return a


def _cofactors_by_svd(a: np.ndarray) -> np.ndarray:
    """The cofactor matrices ``adj(A)ᵀ`` of (possibly singular) matrices ``a``: for
    ``A = U·diag(s)·Vh`` it is ``det(U)·det(Vh)·U·diag(∏_{j≠i} s_j)·Vh``."""
    u, s, vh = np.linalg.svd(a)
    n = s.shape[-1]
    others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(n)], axis=-1)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return (sign[..., None, None] * (u * others[..., None, :]) @ vh).astype(a.dtype, copy=False)


class Det(Function):
    """``det(A)`` of ``(..., n, n)``, giving ``(...)``."""

    @staticmethod
    def forward(ctx, a):
        out = np.asarray(np.linalg.det(a), dtype=a.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, d = ctx.saved_tensors
        scale = (g * d)[..., None, None]
        singular = d.data == 0
        if not singular.any():
            return scale * _mT(Inverse.apply(a, "det (its gradient)"))
        if is_grad_enabled():
            raise RuntimeError(
                f"det: the gradient at a singular matrix (shape {a.shape}) is computed from "
                "its SVD and cannot be differentiated again here; add a small multiple of "
                "the identity to the matrix for second-order gradients")
        mask = singular[..., None, None]
        eye = np.eye(a.shape[-1], dtype=a.dtype)
        invertible = where(mask, Tensor._wrap(eye), a)
        cofactors = Tensor._wrap(np.where(mask, _cofactors_by_svd(a.data), 0))
        inv_t = _mT(Inverse.apply(invertible, "det"))
        return where(mask, g[..., None, None] * cofactors, scale * inv_t)


def det(input: Any) -> Tensor:
    """The determinant of each matrix of ``(..., n, n)``, shape ``(...)``; a 0×0 matrix's is 1.

    Gradient: ``g·det(A)·A⁻ᵀ``, the cofactor matrix ``adj(A)ᵀ``. At an exactly singular A it
    comes from the SVD: the value PyTorch gives with ``create_graph=True`` (its first-order
    backward gives 0 there instead); a second-order gradient at such an A raises.
    """
    return Det.apply(_matrices("det", input))


class Slogdet(Function):
    """``(sign(det A), log|det A|)`` of ``(..., n, n)``."""

    @staticmethod
    def forward(ctx, a):
        sign, logabs = np.linalg.slogdet(a)
        sign = np.asarray(sign, dtype=a.dtype)
        ctx.mark_non_differentiable(sign)
        ctx.save_for_backward(a)
        return sign, np.asarray(logabs, dtype=a.dtype)

    @staticmethod
    def backward(ctx, g_sign, g_logabs):
        (a,) = ctx.saved_tensors
        return g_logabs[..., None, None] * _mT(Inverse.apply(a, "slogdet (its gradient)"))


def slogdet(input: Any) -> SlogdetResult:
    """``(sign, logabsdet)``: the sign (-1, 0 or 1) and ``log|det A|`` of each matrix of
    ``(..., n, n)``, both of shape ``(...)``; a singular matrix gives ``(0, -inf)``.

    Gradient of logabsdet: ``g·A⁻ᵀ``; at a singular matrix, where it is infinite, the
    backward raises (PyTorch returns infinities); the sign has none."""
    sign, logabs = Slogdet.apply(_matrices("slogdet", input))
    return SlogdetResult(sign, logabs)


def logdet(input: Any) -> Tensor:
    """``log(det A)`` of each matrix of ``(..., n, n)``, shape ``(...)``: ``-inf`` where the
    determinant is 0 and nan where it is negative, as PyTorch's.

    Gradient: ``g·A⁻ᵀ`` (that of ``log|det A|``), and 0 where the result is nan, as
    PyTorch's."""
    sign, logabs = slogdet(input)
    return where(sign.data < 0, Tensor._wrap(np.array(np.nan, dtype=logabs.dtype)), logabs)


class Inverse(Function):
    """``A⁻¹`` of ``(..., n, n)``."""

    @staticmethod
    def forward(ctx, a, op):
        try:
            out = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise RuntimeError(f"{op}: a matrix of the input (shape {a.shape}) is singular, so "
                               "it has no inverse; pinverse gives the pseudo-inverse") from None
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (inv,) = ctx.saved_tensors
        inv_t = _mT(inv)
        return -matmul(matmul(inv_t, g), inv_t), None


def inverse(input: Any) -> Tensor:
    """The inverse ``A⁻¹`` of each matrix of ``(..., n, n)`` (same shape); a singular matrix
    raises a RuntimeError (PyTorch's LinAlgError is one too).

    Gradient: ``-A⁻ᵀ·G·A⁻ᵀ``."""
    return Inverse.apply(_matrices("inverse", input), "inverse")


def matrix_power(input: Any, n: int) -> Tensor:
    """``Aⁿ`` of each matrix of ``(..., k, k)`` for an integer ``n``: the identity for
    ``n = 0`` (gradient 0), products of A by repeated squaring for ``n > 0`` and of
    ``A⁻¹`` for ``n < 0``; differentiable as those ``matmul``s and ``inverse``."""
    a = _matrices("matrix_power", input)
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"matrix_power: n must be an integer, got {n!r}") from None
    if n == 0:
        # The identity with a's dtype, shape and (zero) gradient, as PyTorch's copy of eye
        # into a clone of a: nan and inf in a do not reach it.
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return where(np.ones(a.shape, dtype=bool), Tensor._wrap(eye), a)
    base = Inverse.apply(a, "matrix_power") if n < 0 else a
    n = abs(n)
    result = None
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result * 1 if result is a else result


class Pinverse(Function):
    """``A⁺`` of ``(..., m, n)``, giving ``(..., n, m)``."""

    @staticmethod
    def forward(ctx, a, rcond):
        out = np.linalg.pinv(a, rcond=rcond).astype(a.dtype, copy=False)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, pinv = ctx.saved_tensors
        m, n = a.shape[-2:]
        pinv_t, g_t = _mT(pinv), _mT(g)
        if m <= n:
            k = matmul(g_t, pinv)
            k_pinv_t = matmul(k, pinv_t)
            grad = (-_mT(matmul(pinv, k)) + k_pinv_t - matmul(matmul(a, pinv), k_pinv_t)
                    + matmul(matmul(pinv_t, pinv), g_t - matmul(k, a)))
        else:
            k = matmul(pinv, g_t)
            pinv_t_k = matmul(pinv_t, k)
            grad = (-_mT(matmul(k, pinv)) + matmul(matmul(g_t - matmul(a, k), pinv), pinv_t)
                    + pinv_t_k - matmul(matmul(pinv_t_k, pinv), a))
        return grad, None


def pinverse(input: Any, rcond: float = 1e-15) -> Tensor:
    """The Moore-Penrose pseudo-inverse ``A⁺`` of each matrix of ``(..., m, n)``, shape
    ``(..., n, m)``, from the SVD with singular values below ``rcond·σ_max`` taken as 0.

    Gradient: PyTorch's formula (the derivative of A⁺ where A's rank stays the same; at a
    rank change A⁺ is not continuous)."""
    return Pinverse.apply(_matrices("pinverse", input, square=False), float(rcond))
