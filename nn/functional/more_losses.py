"""PyTorch's other pointwise losses: ``l1_loss``, ``smooth_l1_loss``, ``huber_loss`` and
``kl_div``, composed from engine ops (so their gradients, and gradients of those, come
from the engine). Shapes as ``mse_loss``: input and target equal, any shape."""

from __future__ import annotations

import warnings
from typing import Any

import autograd as ag

from ._inputs import floating_input
from .loss import _check_reduction, _float_target, _reduce, _weighted


def _difference(input: Any, target: Any, reduction: str, name: str) -> ag.Tensor:
    _check_reduction(reduction, name)
    input = floating_input(input, name)
    return input - _float_target(target, input, name)


def l1_loss(input: ag.Tensor, target: Any, reduction: str = "mean",
            weight: Any = None) -> ag.Tensor:
    """Mean absolute error ``(1/n) Σ |input − target|``; gradient ``sign(input − target)``
    (0 where they are equal, as PyTorch's). ``weight`` (the input's shape) weighs each
    element: 'mean' is then ``Σ w·|input − target| / Σ w``, as PyTorch 2.13's."""
    return _weighted(ag.abs(_difference(input, target, reduction, "l1_loss")), weight,
                     reduction, "l1_loss")


def _quadratic_then_linear(d: ag.Tensor, width: float) -> ag.Tensor:
    """``d²/2`` where ``|d| < width``, else ``width·(|d| − width/2)``: continuous, with
    the gradient ``d`` inside and ``±width`` outside."""
    size = ag.abs(d)
    return ag.where(size < width, 0.5 * d * d, width * (size - 0.5 * width))


def smooth_l1_loss(input: ag.Tensor, target: Any, reduction: str = "mean",
                   beta: float = 1.0) -> ag.Tensor:
    """PyTorch's smooth L1: ``0.5·d²/beta`` where ``|d| < beta``, else ``|d| − 0.5·beta``,
    for ``d = input − target``; ``beta = 0`` is ``l1_loss``. ``huber_loss`` with
    ``delta = beta`` is ``beta`` times this."""
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be >= 0, got {beta}")
    d = _difference(input, target, reduction, "smooth_l1_loss")
    if beta == 0:
        return _reduce(ag.abs(d), reduction)
    return _reduce(_quadratic_then_linear(d, beta) / beta, reduction)


def huber_loss(input: ag.Tensor, target: Any, reduction: str = "mean",
               delta: float = 1.0, weight: Any = None) -> ag.Tensor:
    """Huber's loss: ``0.5·d²`` where ``|d| < delta``, else ``delta·(|d| − 0.5·delta)``, for
    ``d = input − target`` (PyTorch's ``huber_loss``). ``weight`` (the input's shape)
    weighs each element; 'mean' then divides the weighted sum by the number of elements,
    not by ``Σ w`` as ``mse_loss`` and ``l1_loss`` do: PyTorch 2.13's rule for each."""
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be > 0, got {delta}")
    d = _difference(input, target, reduction, "huber_loss")
    return _weighted(_quadratic_then_linear(d, delta), weight, reduction, "huber_loss",
                     mean_over_weights=False)


def kl_div(input: ag.Tensor, target: Any, reduction: str = "mean",
           log_target: bool = False) -> ag.Tensor:
    """PyTorch's ``kl_div``: the pointwise ``target·(log target − input)`` for ``input``
    holding log-probabilities (``log_softmax``'s output) and ``target`` probabilities
    (``exp(target)·(target − input)`` with ``log_target=True``); a target of 0 adds 0.

    ``reduction='batchmean'`` (sum / batch size) is KL(target ‖ exp(input)) averaged over
    the batch; ``'mean'`` divides by every element, as PyTorch's, which warns that this
    is not the KL divergence (so does this).
    """
    name = "kl_div"
    if reduction == "batchmean":
        batch = ag.as_tensor(input).shape[0] if ag.as_tensor(input).ndim else 1
        return _reduce(_kl_pointwise(input, target, log_target, "sum", name), "sum") / batch
    if reduction == "mean":
        warnings.warn("kl_div: reduction='mean' divides the total by every element, not by "
                      "the batch size; use reduction='batchmean' for the KL divergence",
                      UserWarning, stacklevel=2)
    return _reduce(_kl_pointwise(input, target, log_target, reduction, name), reduction)


def _kl_pointwise(input: Any, target: Any, log_target: bool, reduction: str,
                  name: str) -> ag.Tensor:
    _check_reduction(reduction, name)
    input = floating_input(input, name)
    target = _float_target(target, input, name)
    if log_target:
        return ag.exp(target) * (target - input)
    positive = target > 0  # 0·log 0 = 0; log of 1 there keeps the gradient finite
    return target * (ag.log(ag.where(positive, target, 1.0)) - input)
