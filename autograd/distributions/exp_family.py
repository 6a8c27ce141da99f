"""``ExponentialFamily``: the base class of densities ``p(x; θ) = h(x)·exp(⟨t(x), θ⟩ - F(θ))``,
as PyTorch's, whose entropy follows from the log-normalizer ``F`` alone."""

from __future__ import annotations

from typing import Any

from .. import engine
from ..tensor import Tensor
from .distribution import Distribution


class ExponentialFamily(Distribution):
    """Subclasses give the natural parameters θ (``_natural_params``), the log-normalizer
    ``F(θ)`` (``_log_normalizer``) and ``E[log h(x)]`` (``_mean_carrier_measure``);
    ``entropy`` is then the Bregman divergence form
    ``H = F(θ) - ⟨θ, ∇F(θ)⟩ - E[log h(x)]`` (Nielsen & Nock, 2010), with ``∇F`` taken by
    the engine on a recorded graph so the entropy stays differentiable."""

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        raise NotImplementedError(f"{type(self).__name__} defines no natural parameters")

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} defines no log-normalizer")

    @property
    def _mean_carrier_measure(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} defines no mean carrier measure")

    def entropy(self) -> Tensor:
        """``F(θ) - Σ θ·∂F/∂θ - E[log h(x)]`` over the batch shape. As PyTorch's, θ is
        detached first: the result is not differentiable in the distribution's parameters."""
        params = [p.detach().requires_grad_() for p in self._natural_params]
        log_norm = self._log_normalizer(*params)
        grads = engine.grad(log_norm.sum(), params, create_graph=True)
        result = -self._mean_carrier_measure + log_norm
        for theta, g in zip(params, grads):
            result = result - (theta * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
