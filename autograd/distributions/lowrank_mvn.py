"""The multivariate normal with a low-rank-plus-diagonal covariance ``Σ = W·Wᵀ + D``."""

from __future__ import annotations

import math
from typing import Any

from .. import linalg, ops
from ..creation import eye, get_rng
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .location_scale import LocationMoments
from .multivariate_normal import batch_mahalanobis, half_log_det
from .utils import draw, lazy_property


def capacitance_tril(W: Tensor, D: Tensor) -> Tensor:
    """The Cholesky factor of the capacitance matrix ``C = I + Wᵀ·D⁻¹·W`` (m × m for W of
    shape (..., n, m))."""
    m = W.shape[-1]
    K = (W.mT / D.unsqueeze(-2)) @ W
    return linalg.cholesky(K + eye(m, dtype=K.dtype))


def lowrank_logdet(W: Tensor, D: Tensor, cap_tril: Tensor) -> Tensor:
    """``log|W·Wᵀ + D| = log|C| + Σ log Dᵢ`` by the matrix determinant lemma."""
    return 2 * half_log_det(cap_tril) + D.log().sum(-1)


def lowrank_mahalanobis(W: Tensor, D: Tensor, x: Tensor, cap_tril: Tensor) -> Tensor:
    """``xᵀ(W·Wᵀ + D)⁻¹x = xᵀD⁻¹x - |L_C⁻¹·Wᵀ·D⁻¹·x|²`` by the Woodbury identity."""
    wt_dinv = W.mT / D.unsqueeze(-2)
    wt_dinv_x = (wt_dinv @ x.unsqueeze(-1)).squeeze(-1)
    return (x ** 2 / D).sum(-1) - batch_mahalanobis(cap_tril, wt_dinv_x)


class LowRankMultivariateNormal(LocationMoments, Distribution):
    """N(loc, cov_factor·cov_factorᵀ + diag(cov_diag)) with event shape ``(n,)``: W of shape
    (..., n, m), m ≪ n, so ``log_prob`` costs O(n·m²) through the capacitance matrix.
    ``rsample`` is ``loc + W·ε_W + √D·ε_D`` (differentiable in every parameter)."""

    arg_constraints = {"loc": constraints.real_vector,
                       "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, cov_factor: Tensor, cov_diag: Tensor,
                 validate_args: bool | None = None):
        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        event_shape = loc.shape[-1:]
        if cov_factor.ndim < 2:
            raise ValueError("cov_factor must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        if cov_factor.shape[-2:-1] != event_shape:
            raise ValueError(f"cov_factor must be a batch of matrices with shape "
                             f"{event_shape[0]} x m")
        if cov_diag.shape[-1:] != event_shape:
            raise ValueError(f"cov_diag must be a batch of vectors with shape {event_shape}")
        try:
            loc_, self.cov_factor, diag_ = ops.broadcast_tensors(
                loc.unsqueeze(-1), cov_factor, cov_diag.unsqueeze(-1))
        except ValueError as error:
            raise ValueError(f"Incompatible batch shapes: loc {tuple(loc.shape)}, cov_factor "
                             f"{tuple(cov_factor.shape)}, cov_diag {tuple(cov_diag.shape)}"
                             ) from error
        self.loc, self.cov_diag = loc_[..., 0], diag_[..., 0]
        self._unbroadcasted_cov_factor = cov_factor
        self._unbroadcasted_cov_diag = cov_diag
        self._capacitance_tril = capacitance_tril(cov_factor, cov_diag)
        super().__init__(self.loc.shape[:-1], event_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> LowRankMultivariateNormal:
        new = type(self).__new__(type(self))
        shape = tuple(int(s) for s in batch_shape)
        loc_shape = shape + self.event_shape
        new.loc = self.loc.expand(loc_shape)
        new.cov_diag = self.cov_diag.expand(loc_shape)
        new.cov_factor = self.cov_factor.expand(loc_shape + self.cov_factor.shape[-1:])
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._capacitance_tril = self._capacitance_tril
        Distribution.__init__(new, shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def variance(self) -> Tensor:
        """``Σⱼ Wᵢⱼ² + Dᵢ``."""
        variance = (self._unbroadcasted_cov_factor ** 2).sum(-1) + self._unbroadcasted_cov_diag
        return variance.expand(self._batch_shape + self._event_shape)

    @lazy_property
    def scale_tril(self) -> Tensor:
        """``√D·chol(I + D^(-½)·W·Wᵀ·D^(-½))``, the Cholesky factor of Σ."""
        n = self._event_shape[0]
        sqrt_d = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        scaled_w = self._unbroadcasted_cov_factor / sqrt_d
        K = scaled_w @ scaled_w.mT + eye(n, dtype=scaled_w.dtype)
        return (sqrt_d * linalg.cholesky(K)).expand(self._batch_shape + self._event_shape * 2)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        """``W·Wᵀ + diag(D)``."""
        W = self._unbroadcasted_cov_factor
        cov = W @ W.mT + ops.diag_embed(self._unbroadcasted_cov_diag)
        return cov.expand(self._batch_shape + self._event_shape * 2)

    @lazy_property
    def precision_matrix(self) -> Tensor:
        """``D⁻¹ - AᵀA`` with ``A = L_C⁻¹·Wᵀ·D⁻¹`` (Woodbury)."""
        wt_dinv = (self._unbroadcasted_cov_factor.mT
                   / self._unbroadcasted_cov_diag.unsqueeze(-2))
        A = linalg.solve_triangular(self._capacitance_tril, wt_dinv, upper=False)
        precision = ops.diag_embed(self._unbroadcasted_cov_diag.reciprocal()) - (
            A.mT @ A)
        return precision.expand(self._batch_shape + self._event_shape * 2)

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        """``loc + W·ε_W + √D·ε_D`` for standard normal ε_W (m) and ε_D (n)."""
        shape, rng = self._extended_shape(sample_shape), get_rng(generator)  # one stream
        eps_w = draw("normal", shape[:-1] + self.cov_factor.shape[-1:], self.loc, rng)
        eps_d = draw("normal", shape, self.loc, rng)
        return (self.loc + (self._unbroadcasted_cov_factor @ eps_w.unsqueeze(-1)).squeeze(-1)
                + self._unbroadcasted_cov_diag.sqrt() * eps_d)

    def log_prob(self, value):
        """``-½·(n·log 2π + log|Σ| + (x - μ)ᵀΣ⁻¹(x - μ))`` by the low-rank identities."""
        if self._validate_args:
            self._validate_sample(value)
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        m = lowrank_mahalanobis(W, D, value - self.loc, self._capacitance_tril)
        log_det = lowrank_logdet(W, D, self._capacitance_tril)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + log_det + m)

    def entropy(self):
        """``½·(n·(1 + log 2π) + log|Σ|)``."""
        log_det = lowrank_logdet(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag,
                                 self._capacitance_tril)
        h = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + log_det)
        return h.expand(self._batch_shape) if self._batch_shape else h


__all__ = ["LowRankMultivariateNormal"]
