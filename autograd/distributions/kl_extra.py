"""The closed-form KL divergences PyTorch registers for the third set of families
(``ContinuousBernoulli``, ``LowRankMultivariateNormal``, ``OneHotCategorical`` and its
straight-through subclass, and any two members of one ``ExponentialFamily``), registered
into ``kl``'s table when ``kl`` is imported."""

from __future__ import annotations

import math

from .. import engine, linalg, ops
from ..creation import full_like
from .beta_gamma import Beta, Gamma
from .categorical import OneHotCategorical
from .cauchy_gumbel import Gumbel
from .continuous_bernoulli import ContinuousBernoulli
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .kl import (
    _kl_categorical_categorical,
    kl_divergence,
    register_kl,
    require_same_event_shape,
)
from .laplace import Laplace
from .lowrank_mvn import LowRankMultivariateNormal, lowrank_logdet, lowrank_mahalanobis
from .multivariate_normal import MultivariateNormal, batch_mahalanobis, half_log_det
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .uniform import Uniform
from .utils import sum_rightmost
from .weibull_pareto import Pareto


def _trace_xxt(x):
    """``tr(X·Xᵀ) = Σ X²`` over the last two dims."""
    return (x ** 2).sum((-2, -1))


@register_kl(ExponentialFamily, ExponentialFamily)
def _kl_expfamily_expfamily(p, q):
    """The Bregman divergence of the log-normalizer F:
    ``F(θ_q) - F(θ_p) - ⟨θ_q - θ_p, ∇F(θ_p)⟩``; p's natural parameters are detached first,
    as PyTorch's."""
    if type(p) is not type(q):
        raise NotImplementedError("The cross KL-divergence between different exponential "
                                  "families cannot be computed using Bregman divergences")
    p_params = [theta.detach().requires_grad_() for theta in p._natural_params]
    q_params = q._natural_params
    log_norm = p._log_normalizer(*p_params)
    grads = engine.grad(log_norm.sum(), p_params, create_graph=True)
    result = q._log_normalizer(*q_params) - log_norm
    for p_theta, q_theta, g in zip(p_params, q_params, grads):
        result = result - sum_rightmost((q_theta - p_theta) * g, len(q.event_shape))
    return result


@register_kl(TransformedDistribution, TransformedDistribution)
def _kl_transformed_transformed(p, q):
    """``KL(p.base ‖ q.base)``: a bijection leaves the divergence unchanged, so both must
    push their bases through equal transforms."""
    if p.transforms != q.transforms:
        raise NotImplementedError("KL between TransformedDistributions with different "
                                  "transforms is not implemented")
    if p.event_shape != q.event_shape:
        raise NotImplementedError("KL between TransformedDistributions with different "
                                  "event shapes is not implemented")
    return kl_divergence(p.base_dist, q.base_dist)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehotcategorical_onehotcategorical(p, q):
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _kl_continuous_bernoulli_continuous_bernoulli(p, q):
    t1 = p.mean * (p.logits - q.logits)
    t2 = p._cont_bern_log_norm() + (-p.probs).log1p()
    t3 = -q._cont_bern_log_norm() - (-q.probs).log1p()
    return t1 + t2 + t3


@register_kl(Beta, ContinuousBernoulli)
def _kl_beta_continuous_bernoulli(p, q):
    return -p.entropy() - p.mean * q.logits - (-q.probs).log1p() - q._cont_bern_log_norm()


@register_kl(ContinuousBernoulli, Exponential)
def _kl_continuous_bernoulli_exponential(p, q):
    return -p.entropy() - q.rate.log() + q.rate * p.mean


@register_kl(ContinuousBernoulli, Normal)
def _kl_continuous_bernoulli_normal(p, q):
    t1 = -p.entropy()
    t2 = 0.5 * (math.log(2.0 * math.pi) + (q.loc / q.scale) ** 2) + q.scale.log()
    t3 = (p.variance + p.mean ** 2 - 2.0 * q.loc * p.mean) / (2.0 * q.scale ** 2)
    return t1 + t2 + t3


@register_kl(ContinuousBernoulli, Uniform)
def _kl_continuous_bernoulli_uniform(p, q):
    """Infinite where ``q.low ≥ 0`` or ``q.high ≤ 1``, PyTorch's condition (which also marks
    the exact cover [0, 1] infinite)."""
    result = -p.entropy() + (q.high - q.low).log()
    return ops.where((q.low >= 0.0) | (q.high <= 1.0), math.inf, result)


@register_kl(Uniform, ContinuousBernoulli)
def _kl_uniform_continuous_bernoulli(p, q):
    """Infinite where ``p.high ≥ 1`` or ``p.low ≤ 0``, as PyTorch's."""
    result = -p.entropy() - p.mean * q.logits - (-q.probs).log1p() - q._cont_bern_log_norm()
    return ops.where((p.high >= 1.0) | (p.low <= 0.0), math.inf, result)


def _infinite(param_name: str):
    """A KL of +inf over the batch, shaped as p's ``param_name`` (the support of p is not
    inside q's)."""
    def kl(p, q):
        return full_like(getattr(p, param_name), math.inf)
    return kl


register_kl(ContinuousBernoulli, Pareto)(_infinite("probs"))
for _p_type, _name in ((Exponential, "rate"), (Gamma, "concentration"), (Gumbel, "loc"),
                       (Laplace, "loc"), (Normal, "loc"), (Pareto, "scale")):
    register_kl(_p_type, ContinuousBernoulli)(_infinite(_name))


def _woodbury_factor(q):
    """``A = L_C⁻¹·Wᵀ·D⁻¹`` of a LowRankMultivariateNormal q, so that
    ``Σ_q⁻¹ = D⁻¹ - AᵀA``."""
    wt_dinv = (q._unbroadcasted_cov_factor.mT
               / q._unbroadcasted_cov_diag.unsqueeze(-2))
    return linalg.solve_triangular(q._capacitance_tril, wt_dinv, upper=False)


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _kl_lowrank_lowrank(p, q):
    require_same_event_shape(p, q, "Low Rank Multivariate Normals")
    term1 = lowrank_logdet(q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag,
                           q._capacitance_tril) - lowrank_logdet(
        p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag, p._capacitance_tril)
    term3 = lowrank_mahalanobis(q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag,
                                q.loc - p.loc, q._capacitance_tril)
    A = _woodbury_factor(q)
    term21 = (p._unbroadcasted_cov_diag / q._unbroadcasted_cov_diag).sum(-1)
    term22 = _trace_xxt(p._unbroadcasted_cov_factor
                        * q._unbroadcasted_cov_diag.rsqrt().unsqueeze(-1))
    term23 = _trace_xxt(A * p._unbroadcasted_cov_diag.sqrt().unsqueeze(-2))
    term24 = _trace_xxt(A @ p._unbroadcasted_cov_factor)
    term2 = term21 + term22 - term23 - term24
    return 0.5 * (term1 + term2 + term3 - p.event_shape[0])


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_mvn_lowrank(p, q):
    require_same_event_shape(p, q, "(Low Rank) Multivariate Normals")
    p_tril = p._unbroadcasted_scale_tril
    term1 = lowrank_logdet(q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag,
                           q._capacitance_tril) - 2 * half_log_det(p_tril)
    term3 = lowrank_mahalanobis(q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag,
                                q.loc - p.loc, q._capacitance_tril)
    A = _woodbury_factor(q)
    term21 = _trace_xxt(p_tril * q._unbroadcasted_cov_diag.rsqrt().unsqueeze(-1))
    term22 = _trace_xxt(A @ p_tril)
    return 0.5 * (term1 + term21 - term22 + term3 - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _kl_lowrank_mvn(p, q):
    require_same_event_shape(p, q, "(Low Rank) Multivariate Normals")
    q_tril = q._unbroadcasted_scale_tril
    term1 = 2 * half_log_det(q_tril) - lowrank_logdet(
        p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag, p._capacitance_tril)
    term3 = batch_mahalanobis(q_tril, q.loc - p.loc)
    batch = ops.broadcast_shapes(q_tril.shape[:-2], p._unbroadcasted_cov_factor.shape[:-2])
    n = p.event_shape[0]
    q_tril = q_tril.expand(batch + (n, n))
    p_factor = p._unbroadcasted_cov_factor.expand(batch + (n, p.cov_factor.shape[-1]))
    p_diag = ops.diag_embed(p._unbroadcasted_cov_diag.sqrt()).expand(batch + (n, n))
    term21 = _trace_xxt(linalg.solve_triangular(q_tril, p_factor, upper=False))
    term22 = _trace_xxt(linalg.solve_triangular(q_tril, p_diag, upper=False))
    return 0.5 * (term1 + term21 + term22 + term3 - n)
