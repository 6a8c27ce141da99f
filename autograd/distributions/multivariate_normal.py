"""The multivariate normal distribution ``N(loc, Σ)``, parameterized by exactly one of
``covariance_matrix`` Σ, ``precision_matrix`` Σ⁻¹ or ``scale_tril`` L (Σ = L·Lᵀ)."""

from __future__ import annotations

import math
from typing import Any

from .. import linalg, ops
from ..errors import ShapeError
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .location_scale import LocationMoments
from .utils import draw, lazy_property


def batch_mahalanobis(scale_tril: Tensor, x: Tensor) -> Tensor:
    """``xᵀ(L·Lᵀ)⁻¹x = |L⁻¹x|²`` over the last dim, ``L`` and ``x`` batch-broadcast."""
    batch = ops.broadcast_shapes(scale_tril.shape[:-2], x.shape[:-1])
    n = x.shape[-1]
    tril = scale_tril.expand(batch + (n, n))
    solved = linalg.solve_triangular(tril, x.expand(batch + (n,)).unsqueeze(-1), upper=False)
    return (solved.squeeze(-1) ** 2).sum(-1)


def half_log_det(scale_tril: Tensor) -> Tensor:
    """``½·log|L·Lᵀ| = Σ log Lᵢᵢ``."""
    return ops.diagonal(scale_tril, dim1=-2, dim2=-1).log().sum(-1)


def scale_tril_of(covariance_matrix: Tensor | None, precision_matrix: Tensor | None,
                  scale_tril: Tensor | None) -> Tensor:
    """The lower Cholesky factor L (Σ = L·Lᵀ) from whichever one of ``covariance_matrix`` Σ,
    ``precision_matrix`` Σ⁻¹ or ``scale_tril`` L is given, at its own (unbroadcast) shape."""
    if scale_tril is not None:
        return scale_tril
    if covariance_matrix is not None:
        return linalg.cholesky(covariance_matrix)
    return linalg.cholesky(linalg.inv(precision_matrix))


class MultivariateNormal(LocationMoments, Distribution):
    """N(loc, Σ) with event shape ``(n,)``; the batch shape broadcasts ``loc.shape[:-1]``
    with the matrix's ``shape[:-2]``. ``rsample`` is ``loc + L·ε`` (differentiable)."""

    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, covariance_matrix: Tensor | None = None,
                 precision_matrix: Tensor | None = None, scale_tril: Tensor | None = None,
                 validate_args: bool | None = None):
        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [m is not None for m in (covariance_matrix, precision_matrix, scale_tril)]
        if sum(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        name, matrix = next((n, m) for n, m in zip(
            ("covariance_matrix", "precision_matrix", "scale_tril"),
            (covariance_matrix, precision_matrix, scale_tril)) if m is not None)
        if matrix.ndim < 2:
            raise ValueError(f"{name} matrix must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        if matrix.shape[-1] != loc.shape[-1] or matrix.shape[-2] != matrix.shape[-1]:
            raise ShapeError(f"MultivariateNormal: {name} of shape {tuple(matrix.shape)} does "
                             f"not match loc of shape {tuple(loc.shape)}; give an (..., n, n) "
                             "matrix for loc (..., n)")
        batch = ops.broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        n = loc.shape[-1]
        setattr(self, name, matrix.expand(batch + (n, n)))
        self.loc = loc.expand(batch + (n,))
        super().__init__(batch, (n,), validate_args=validate_args)
        self._unbroadcasted_scale_tril = scale_tril_of(covariance_matrix, precision_matrix,
                                                       scale_tril)

    def expand(self, batch_shape: Any, _instance: Any = None) -> MultivariateNormal:
        new = self._expand_params(batch_shape, (
            "loc", "covariance_matrix", "precision_matrix", "scale_tril"))
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        return new

    @lazy_property
    def scale_tril(self) -> Tensor:
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + self._event_shape * 2)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        tril = self._unbroadcasted_scale_tril
        cov = tril @ tril.transpose(-1, -2)
        return cov.expand(self._batch_shape + self._event_shape * 2)

    @lazy_property
    def precision_matrix(self) -> Tensor:
        # inv(L·Lᵀ) rather than cholesky_inverse: PyTorch's gradient in L is the full
        # matrix's (upper triangle included), which cholesky_inverse's here is not.
        tril = self._unbroadcasted_scale_tril
        precision = linalg.inv(tril @ tril.transpose(-1, -2))
        return precision.expand(self._batch_shape + self._event_shape * 2)

    @property
    def variance(self):
        variance = (self._unbroadcasted_scale_tril ** 2).sum(-1)
        return variance.expand(self._batch_shape + self._event_shape)

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        eps = draw("normal", self._extended_shape(sample_shape), self.loc, generator)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def log_prob(self, value):
        """``-½·(n·log 2π + (x - μ)ᵀΣ⁻¹(x - μ)) - ½·log|Σ|``."""
        if self._validate_args:
            self._validate_sample(value)
        diff = value - self.loc
        m = batch_mahalanobis(self._unbroadcasted_scale_tril, diff)
        n = self._event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + m) - half_log_det(
            self._unbroadcasted_scale_tril)

    def entropy(self):
        """``½·n·(1 + log 2π) + ½·log|Σ|``, over the batch shape."""
        n = self._event_shape[0]
        h = 0.5 * n * (1.0 + math.log(2 * math.pi)) + half_log_det(
            self._unbroadcasted_scale_tril)
        return h.expand(self._batch_shape) if self._batch_shape else h
