"""Transforms onto simplices and matrices, as ``torch.distributions.transforms``'s:
``SoftmaxTransform``, ``StickBreakingTransform``, ``LowerCholeskyTransform``,
``PositiveDefiniteTransform`` and ``CorrCholeskyTransform`` (re-exported by ``transforms``)."""

from __future__ import annotations

import math

import numpy as np

from .. import linalg, ops
from ..creation import eye, ones
from ..tensor import Tensor
from . import constraints
from .transforms import ParameterFreeTransform, Transform
from .utils import softplus

__all__ = ["CorrCholeskyTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform",
           "SoftmaxTransform", "StickBreakingTransform", "tril_matrix_to_vec",
           "vec_to_tril_matrix"]


def _tril_mask(n: int, diag: int) -> np.ndarray:
    """True on and below the ``diag``-th diagonal of an n × n matrix."""
    arange = np.arange(n)
    return arange < arange.reshape(-1, 1) + (diag + 1)


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    """The entries on and below diagonal ``diag`` of the last two dims, row by row."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    return mat[..., _tril_mask(n, diag)]


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    """The inverse of ``tril_matrix_to_vec``: an n × n matrix, zero above diagonal ``diag``,
    whose n solves ``len(vec) = n(n + 1)/2 + n·diag`` (for diag ≤ 0)."""
    k = vec.shape[-1]
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * k + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if round(n) - n > float(np.finfo(vec.dtype).eps):
        raise ValueError(f"The size of last dimension is {k} which cannot be expressed as "
                         "the lower triangular part of a square D x D matrix.")
    n = round(n)
    index = np.full((n, n), k)  # position k is the zero appended below
    index[_tril_mask(n, diag)] = np.arange(k)
    padded = ops.cat([vec, vec.new_zeros(vec.shape[:-1] + (1,))], -1)
    return padded[..., index]


def _pad_one(x: Tensor, left: bool) -> Tensor:
    """``x`` with a 1 put before (``left``) or after its last dim."""
    one = ones(x.shape[:-1] + (1,), dtype=x.dtype)
    return ops.cat([one, x] if left else [x, one], -1)


class SoftmaxTransform(ParameterFreeTransform):
    """``y = softmax(x)`` over the last dim onto the simplex; ``x = log y`` (one of the
    preimages). Not bijective, so it has no log|det J|, as PyTorch's."""

    domain = constraints.real_vector
    codomain = constraints.simplex

    def _call(self, x):
        probs = (x - x.max(-1, keepdim=True)).exp()
        return probs / probs.sum(-1, keepdim=True)

    def _inverse(self, y):
        return y.log()


class StickBreakingTransform(ParameterFreeTransform):
    """The stick-breaking bijection of ``R^(K-1)`` onto the K-simplex:
    ``zᵢ = σ(xᵢ - log(K - i))``, ``yᵢ = zᵢ·Π_{j<i}(1 - zⱼ)`` and ``y_K`` the rest; its
    inverse ``xᵢ = log yᵢ - log(1 - Σ_{j≤i} yⱼ) + log(K - i)``;
    ``log|det J| = Σᵢ (-xᵢ' + log σ(xᵢ') + log yᵢ)`` with ``x' = x - log(K - i)``."""

    domain = constraints.real_vector
    codomain = constraints.simplex

    @staticmethod
    def _offset(k: int, dtype) -> Tensor:
        return Tensor._wrap(np.arange(k, 0, -1, dtype=dtype))

    def _call(self, x):
        finfo = np.finfo(x.dtype)
        z = ops.sigmoid(x - self._offset(x.shape[-1], x.dtype).log()).clamp(
            min=float(finfo.tiny), max=1.0 - float(finfo.eps))
        return _pad_one(z, left=False) * _pad_one(ops.cumprod(1 - z, -1), left=True)

    def _inverse(self, y):
        y_crop = y[..., :-1]
        offset = self._offset(y_crop.shape[-1], y.dtype)
        sf = (1 - ops.cumsum(y_crop, -1)).clamp(min=float(np.finfo(y.dtype).tiny))
        return y_crop.log() - sf.log() + offset.log()

    def log_abs_det_jacobian(self, x, y):
        x = x - self._offset(x.shape[-1], x.dtype).log()
        return (-x - softplus(-x) + y[..., :-1].log()).sum(-1)

    def forward_shape(self, shape):
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        return tuple(shape[:-1]) + (shape[-1] + 1,)

    def inverse_shape(self, shape):
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        return tuple(shape[:-1]) + (shape[-1] - 1,)


class LowerCholeskyTransform(ParameterFreeTransform):
    """Any square matrix to a lower-triangular one with positive diagonal: the strict lower
    triangle kept, the diagonal exponentiated. Its log|det J| is not defined (as PyTorch's)."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.lower_cholesky

    def _call(self, x):
        return x.tril(-1) + ops.diag_embed(ops.diagonal(x, dim1=-2, dim2=-1).exp())

    def _inverse(self, y):
        return y.tril(-1) + ops.diag_embed(ops.diagonal(y, dim1=-2, dim2=-1).log())


class PositiveDefiniteTransform(ParameterFreeTransform):
    """Any square matrix to a positive definite one: ``L·Lᵀ`` for L its
    ``LowerCholeskyTransform``; the inverse through the Cholesky factor."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.positive_definite

    def _call(self, x):
        x = LowerCholeskyTransform()(x)
        return x @ x.mT

    def _inverse(self, y):
        return LowerCholeskyTransform().inv(linalg.cholesky(y))


class CorrCholeskyTransform(Transform):
    """A vector of D(D - 1)/2 reals to the Cholesky factor of a D × D correlation matrix
    (unit-norm rows): ``tanh`` to partial correlations in (-1, 1), then stick-breaking
    along each row (the LKJ construction of Lewandowski et al., 2009)."""

    domain = constraints.real_vector
    codomain = constraints.corr_cholesky

    def _call(self, x):
        x = x.tanh()
        eps = float(np.finfo(x.dtype).eps)
        r = vec_to_tril_matrix(x.clamp(min=-1 + eps, max=1 - eps), diag=-1)
        z1m_cumprod_sqrt = ops.cumprod((1 - r ** 2).sqrt(), -1)
        r = r + eye(r.shape[-1], dtype=r.dtype)
        return r * _pad_one(z1m_cumprod_sqrt[..., :-1], left=True)

    def _inverse(self, y):
        y_cumsum = 1 - ops.cumsum(y * y, -1)
        y_cumsum_shifted = _pad_one(y_cumsum[..., :-1], left=True)
        t = tril_matrix_to_vec(y, diag=-1) / tril_matrix_to_vec(y_cumsum_shifted,
                                                                diag=-1).sqrt()
        return (t.log1p() - (-t).log1p()) / 2

    def log_abs_det_jacobian(self, x, y):
        """``½·Σ log(1 - Σ_{k≤j} y_ik²)`` below the first subdiagonal plus the tanh's
        ``-2·Σ (x + softplus(-2x) - log 2)``."""
        y1m_cumsum = 1 - ops.cumsum(y * y, -1)
        stick_breaking = 0.5 * tril_matrix_to_vec(y1m_cumsum, diag=-2).log().sum(-1)
        tanh = -2 * (x + softplus(-2 * x) - math.log(2.0)).sum(-1)
        return stick_breaking + tanh

    def forward_shape(self, shape):
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        n = shape[-1]
        d = round((0.25 + 2 * n) ** 0.5 + 0.5)
        if d * (d - 1) // 2 != n:
            raise ValueError("Input is not a flattened lower-diagonal number")
        return tuple(shape[:-1]) + (d, d)

    def inverse_shape(self, shape):
        if len(shape) < 2:
            raise ValueError("Too few dimensions on input")
        if shape[-2] != shape[-1]:
            raise ValueError("Input is not square")
        d = shape[-1]
        return tuple(shape[:-2]) + (d * (d - 1) // 2,)
