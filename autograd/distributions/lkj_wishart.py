"""Distributions over matrices: ``LKJCholesky`` (Cholesky factors of correlation matrices)
and ``Wishart`` (positive definite matrices)."""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from .. import linalg, ops
from ..creation import get_rng
from ..tensor import Tensor
from . import constraints
from .beta_gamma import Beta
from .chi2 import Chi2
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .multivariate_normal import half_log_det, scale_tril_of
from .utils import broadcast_all, lazy_property

_LOG_2 = math.log(2)


class LKJCholesky(Distribution):
    """LKJCholesky(dim d, concentration η): the lower Cholesky factor L of a d × d correlation
    matrix C = L·Lᵀ with density ∝ ``det(C)^(η - 1)`` (Lewandowski, Kurowicka & Joe, 2009),
    i.e. ``Π_{i≥2} L_ii^(d - i + 2(η - 1))`` in L. Batched over ``concentration``'s shape;
    event shape ``(d, d)``. Draws (``sample`` only) follow PyTorch's onion sampler step for
    step: row i of L from a Beta(offset_i + ½, η + (d - 2)/2 - offset_i/2) draw with
    offset = (0, 0, 1, …, d - 2). Its first row's correlations have the LKJ marginal; the
    later rows' come out wider than the LKJ density (Lewandowski et al.'s onion method uses
    offset_i/2 + ½), a PyTorch behaviour kept here for parity."""

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration: Any = 1.0, validate_args: bool | None = None):
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. "
                             f"Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        marginal_conc = self.concentration + 0.5 * (dim - 2)
        offset = Tensor._wrap(np.concatenate([[0.0], np.arange(dim - 1)]).astype(
            self.concentration.dtype))
        self._beta = Beta(offset + 0.5, marginal_conc.unsqueeze(-1) - 0.5 * offset)
        super().__init__(self.concentration.shape, (dim, dim), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> LKJCholesky:
        new = self._expand_params(batch_shape, ("concentration",))
        new.dim = self.dim
        new._beta = self._beta.expand(tuple(batch_shape) + (self.dim,))
        return new

    def sample(self, sample_shape: Any = (), *, generator: Any = None):
        """Row i of L is ``√yᵢ·uᵢ`` plus the diagonal ``√(1 - yᵢ)``, yᵢ a Beta draw and uᵢ
        uniform on the (i - 1)-sphere (a normalized normal draw); row 1 is e₁."""
        rng = get_rng(generator)
        y = self._beta.sample(sample_shape, generator=rng).data[..., None]
        u = np.tril(rng.standard_normal(self._extended_shape(sample_shape)), -1).astype(y.dtype)
        with np.errstate(invalid="ignore", divide="ignore"):
            u = u / np.linalg.norm(u, axis=-1, keepdims=True)
        u[..., 0, :] = 0.0
        w = np.sqrt(y) * u
        diag = np.sqrt(np.clip(1 - (w ** 2).sum(-1), np.finfo(w.dtype).tiny, None))
        idx = np.arange(self.dim)
        w[..., idx, idx] += diag
        return Tensor._wrap(w)

    def log_prob(self, value):
        """``Σ_{i=2..d} (2(η - 1) + d - i)·log L_ii`` less the log normalizer
        ``½(d - 1)·log π + log Γ_{d-1}(η + (d - 2)/2) - (d - 1)·log Γ(η + (d - 1)/2)``."""
        if self._validate_args:
            self._validate_sample(value)
        diag = ops.diagonal(value, dim1=-1, dim2=-2)[..., 1:]
        order = Tensor._wrap(np.arange(2, self.dim + 1, dtype=self.concentration.dtype))
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized = (order * diag.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        normalize = (0.5 * dm1 * math.log(math.pi) + ops.mvlgamma(alpha - 0.5, dm1)
                     - ops.lgamma(alpha) * dm1)
        return unnormalized - normalize


def _bartlett_chi2(df: Tensor, p: int, batch_shape: tuple) -> Chi2:
    """The χ²(ν - i) laws, i = 0..p-1, of the squares of Bartlett's diagonal."""
    dofs = Tensor._wrap(np.arange(p, dtype=df.dtype))
    return Chi2(df.unsqueeze(-1) - dofs.expand(tuple(batch_shape) + (p,)))


def _mvdigamma(x: Tensor, p: int) -> Tensor:
    """The multivariate digamma ``Σ_{i<p} ψ(x - i/2)`` (x > (p - 1)/2)."""
    if not (x.data > (p - 1) / 2).all():
        raise ValueError("Wrong domain for multivariate digamma function.")
    halves = Tensor._wrap(np.arange(p, dtype=x.dtype) / 2)
    return ops.digamma(x.unsqueeze(-1) - halves).sum(-1)


class Wishart(ExponentialFamily):
    """Wishart(df ν, one of covariance_matrix Σ, precision_matrix Σ⁻¹ or scale_tril L):
    on p × p positive definite X, density
    ``|X|^((ν-p-1)/2)·e^(-tr(Σ⁻¹X)/2)/(2^(νp/2)·|Σ|^(ν/2)·Γ_p(ν/2))`` for ν > p - 1.
    ``rsample`` is Bartlett's decomposition ``(L·A)(L·A)ᵀ`` (A lower triangular with
    √χ² diagonal and normal entries below), differentiable in ν and the matrix. Giving
    none or several matrices raises ValueError (PyTorch raises AssertionError; ValueError
    is what ``MultivariateNormal`` raises for the same mistake)."""

    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def arg_constraints(self):
        return {"covariance_matrix": constraints.positive_definite,
                "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky,
                "df": constraints.greater_than(self.event_shape[-1] - 1)}

    def __init__(self, df: Any, covariance_matrix: Tensor | None = None,
                 precision_matrix: Tensor | None = None, scale_tril: Tensor | None = None,
                 validate_args: bool | None = None):
        given = [m for m in (covariance_matrix, precision_matrix, scale_tril) if m is not None]
        if len(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        param = given[0]
        if param.ndim < 2:
            raise ValueError("scale_tril must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        if isinstance(df, numbers.Number):
            batch_shape = param.shape[:-2]
            self.df = Tensor._wrap(np.asarray(df, dtype=param.dtype))
        else:
            batch_shape = ops.broadcast_shapes(param.shape[:-2], df.shape)
            self.df = df.expand(batch_shape)
        event_shape = param.shape[-2:]
        p = event_shape[-1]
        if (self.df.data <= p - 1).any():
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {p - 1}.")
        full = batch_shape + event_shape
        if scale_tril is not None:
            self.scale_tril = param.expand(full)
        elif covariance_matrix is not None:
            self.covariance_matrix = param.expand(full)
        else:
            self.precision_matrix = param.expand(full)
        if (self.df.data < p).any():
            warnings.warn("Low df values detected. Singular samples are highly likely to occur "
                          "for ndim - 1 < df < ndim.", stacklevel=2)
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        self._unbroadcasted_scale_tril = scale_tril_of(covariance_matrix, precision_matrix,
                                                       scale_tril)
        self._dist_chi2 = _bartlett_chi2(self.df, p, batch_shape)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Wishart:
        new = type(self).__new__(type(self))
        shape = tuple(int(s) for s in batch_shape)
        cov_shape = shape + self.event_shape
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(cov_shape)
        new.df = self.df.expand(shape)
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(cov_shape))
        Distribution.__init__(new, shape, self.event_shape, validate_args=False)
        new._dist_chi2 = _bartlett_chi2(new.df, self.event_shape[-1], shape)
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def scale_tril(self) -> Tensor:
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + self._event_shape)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        tril = self._unbroadcasted_scale_tril
        return (tril @ tril.mT).expand(self._batch_shape + self._event_shape)

    @lazy_property
    def precision_matrix(self) -> Tensor:
        tril = self._unbroadcasted_scale_tril
        return linalg.inv(tril @ tril.mT).expand(
            self._batch_shape + self._event_shape)

    @property
    def mean(self):
        """``ν·Σ``."""
        return self.df.reshape(self._batch_shape + (1, 1)) * self.covariance_matrix

    @property
    def mode(self):
        """``(ν - p - 1)·Σ`` for ν > p + 1, nan otherwise."""
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        factor = ops.where(factor <= 0, math.nan, factor)
        return factor.reshape(self._batch_shape + (1, 1)) * self.covariance_matrix

    @property
    def variance(self):
        """``Var X_ij = ν·(Σ_ij² + Σ_ii·Σ_jj)``."""
        V = self.covariance_matrix
        diag = ops.diagonal(V, dim1=-2, dim2=-1)
        return self.df.reshape(self._batch_shape + (1, 1)) * (
            V ** 2 + diag.unsqueeze(-1) * diag.unsqueeze(-2))

    def _bartlett_sampling(self, sample_shape: tuple, rng: np.random.Generator) -> Tensor:
        chi = self._dist_chi2.rsample(sample_shape, generator=rng).sqrt()
        noise = ops.diag_embed(chi.clamp(min=float(np.finfo(chi.dtype).eps)))
        below = np.tril(rng.standard_normal(noise.shape), -1).astype(noise.dtype)
        chol = self._unbroadcasted_scale_tril @ (noise + Tensor._wrap(below))
        return chol @ chol.mT

    def rsample(self, sample_shape: Any = (), *, generator: Any = None,
                max_try_correction: int | None = None):
        """Bartlett draws; a draw that is not numerically positive definite is drawn again
        (up to ``max_try_correction`` = 10 times), with a warning, as PyTorch's."""
        rng = get_rng(generator)
        shape = tuple(int(s) for s in (
            (sample_shape,) if isinstance(sample_shape, int) else sample_shape))
        sample = self._bartlett_sampling(shape, rng)
        bad = ~self.support.check(sample).data
        if bad.any():
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(10 if max_try_correction is None else max_try_correction):
                redraw = self._bartlett_sampling(shape, rng)
                mask = Tensor._wrap(bad[..., None, None])
                sample = ops.where(mask, redraw, sample)
                bad = bad & ~self.support.check(redraw).data
                if not bad.any():
                    break
        return sample

    def log_prob(self, value):
        """``-ν·(p·log 2/2 + log|L|) - log Γ_p(ν/2) + (ν - p - 1)/2·log|X| - tr(Σ⁻¹X)/2``."""
        if self._validate_args:
            self._validate_sample(value)
        nu, p = self.df, self._event_shape[-1]
        tril = self._unbroadcasted_scale_tril
        log_det_l = half_log_det(tril)
        # Σ⁻¹X through Σ = L·Lᵀ with L read as a full matrix: PyTorch's cholesky_solve
        # gradient in L is that one (upper triangle included).
        solved = linalg.solve(tril @ tril.mT, value)
        trace = ops.diagonal(solved, dim1=-2, dim2=-1).sum(-1)
        return (-nu * (p * _LOG_2 / 2 + log_det_l) - ops.mvlgamma(nu / 2, p)
                + (nu - p - 1) / 2 * linalg.slogdet(value).logabsdet - trace / 2)

    def entropy(self):
        """``(p + 1)·(p·log 2/2 + log|L|) + log Γ_p(ν/2) - (ν - p - 1)/2·ψ_p(ν/2) + νp/2``."""
        nu, p = self.df, self._event_shape[-1]
        log_det_l = half_log_det(self._unbroadcasted_scale_tril)
        return ((p + 1) * (p * _LOG_2 / 2 + log_det_l) + ops.mvlgamma(nu / 2, p)
                - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p) + nu * p / 2)

    @property
    def _natural_params(self) -> tuple[Tensor, Tensor]:
        p = self._event_shape[-1]
        return -self.precision_matrix / 2, (self.df - p - 1) / 2

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        p = self._event_shape[-1]
        return ((y + (p + 1) / 2) * (-linalg.slogdet(-2 * x).logabsdet + _LOG_2 * p)
                + ops.mvlgamma(y + (p + 1) / 2, p))


__all__ = ["LKJCholesky", "Wishart"]
