"""PyTorch's other pointwise losses: ``l1_loss``, ``smooth_l1_loss``, ``huber_loss``,
``kl_div``, ``poisson_nll_loss`` and ``gaussian_nll_loss``, composed from engine ops (so
their gradients, and gradients of those, come from the engine). The first four take
input and target of one shape, as ``mse_loss``; the likelihoods broadcast them, as
PyTorch's do. Also the helpers the margin losses share (``margin_losses.py``)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import autograd as ag

from ._inputs import floating_input
from .loss import _check_reduction, _float_target, _reduce, _tensor, _weighted


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


# ------------------------------------------------- helpers of the losses that broadcast
def _broadcast_target(target: Any, input: ag.Tensor, name: str, role: str = "target",
                      into_input: bool = False, labels: bool = False) -> ag.Tensor:
    """``target`` as a Tensor of the input's dtype (cast unless it requires grad) whose
    shape broadcasts with the input's (``into_input``: to the input's own shape, for the
    losses PyTorch computes into an input-shaped buffer). ``labels`` refuses bool, for
    the ±1 labels, where True/False would silently be read as 1/0."""
    target = _tensor(target)
    if target.dtype.kind not in ("fiu" if labels else "fiub"):
        hint = " (labels are 1 and -1: use np.where(mask, 1.0, -1.0))" if labels else ""
        raise TypeError(f"{name}: {role} must be numeric, got dtype {target.dtype}{hint}")
    try:
        shape = np.broadcast_shapes(target.shape, input.shape)
    except ValueError:
        shape = None
    if shape is None or (into_input and shape != tuple(input.shape)):
        into = "to the input's shape" if into_input else "with the input's shape"
        raise ag.ShapeError(f"{name}: {role} of shape {tuple(target.shape)} does not "
                            f"broadcast {into} {tuple(input.shape)}")
    if target.dtype != input.dtype and not target.requires_grad:
        target = ag.from_numpy(np.asarray(target.data, dtype=input.dtype))
    return target


def _reduce_all(loss: ag.Tensor, reduction: str) -> ag.Tensor:
    """``_reduce`` whose mean over no elements is nan (0/0, as PyTorch's) without a
    division-by-zero warning."""
    if reduction == "mean" and loss.data.size == 0:
        return loss.sum() * math.nan
    return _reduce(loss, reduction)


# ----------------------------------------------------------------- likelihoods
def poisson_nll_loss(input: ag.Tensor, target: Any, log_input: bool = True,
                     full: bool = False, eps: float = 1e-8,
                     reduction: str = "mean") -> ag.Tensor:
    """Negative log-likelihood of ``target`` under a Poisson distribution of rate λ, up to
    a constant: ``exp(input) − target·input`` with ``log_input`` (input is log λ), else
    ``input − target·log(input + eps)`` (input is λ).

    ``full`` adds the Stirling approximation of ``log(target!)``,
    ``target·log(target) − target + ½·log(2π·target)``, only where ``target > 1``, as
    PyTorch does (it is 0 elsewhere, where Stirling is poor: so the full loss is not
    the exact negative log-likelihood for targets 0 and 1). Input and target broadcast
    (any shapes); 'none' gives the broadcast shape. ``target`` gets a gradient when it
    requires one; where the Stirling term is masked that gradient is 0 (PyTorch's is nan
    at target 0, from ``0·log 0``).
    """
    name = "poisson_nll_loss"
    _check_reduction(reduction, name)
    input = floating_input(input, name)
    target = _broadcast_target(target, input, name)
    if log_input:
        loss = ag.exp(input) - target * input
    else:
        loss = input - target * ag.log(input + eps)
    if full:
        counted = target.data > 1
        t = ag.where(counted, target, 1.0)  # log of 1 elsewhere: finite, gradient 0
        stirling = t * ag.log(t) - t + 0.5 * ag.log(2 * math.pi * t)
        loss = loss + ag.where(counted, stirling, 0.0)
    return _reduce_all(loss, reduction)


def _gaussian_var(var: Any, input: ag.Tensor, name: str) -> ag.Tensor:
    """PyTorch's rules for ``var``: a number (for every element), the input's shape, the
    input's shape without its last dim (one variance per vector; a trailing 1 is added),
    or the input's number of dims with exactly one dim differing, of size 1 in ``var``
    (shared along that dim). Negative entries are refused."""
    if isinstance(var, (int, float)) and not isinstance(var, bool):
        if var < 0:
            raise ValueError(f"{name}: var must be >= 0, got {var}")
        return ag.full_like(input, var)
    var = _tensor(var)
    if var.dtype.kind != "f":
        raise TypeError(f"{name}: var must be floating point, got dtype {var.dtype}")
    if np.any(var.data < 0):
        raise ValueError(f"{name}: var has negative entries (the smallest is "
                         f"{var.data.min():.4g}); a variance must be >= 0")
    shape, vshape = tuple(input.shape), tuple(var.shape)
    if vshape != shape:
        if vshape == shape[:-1]:
            var = var.unsqueeze(-1)
        elif len(vshape) != len(shape) or sum(v for i, v in zip(shape, vshape) if i != v) != 1:
            raise ag.ShapeError(
                f"{name}: var of shape {vshape} does not fit input of shape {shape}: give the "
                f"input's shape, {shape[:-1]} (one variance per vector), or the input's shape "
                "with one dim of size 1")
    if var.dtype != input.dtype and not var.requires_grad:
        var = ag.from_numpy(var.data.astype(input.dtype))
    return var


def gaussian_nll_loss(input: ag.Tensor, target: Any, var: Any, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> ag.Tensor:
    """Negative log-likelihood of ``target`` under a normal distribution of mean ``input``
    and variance ``var``: ``½·(log max(var, eps) + (input − target)² / max(var, eps))``,
    plus ``½·log 2π`` with ``full``.

    ``var`` is a number, or of the input's shape, or the input's shape without its last
    dim, or with one dim of size 1 (see ``_gaussian_var``); target broadcasts with the
    input. The clamp at ``eps`` passes the gradient straight through to ``var``, as
    PyTorch's (it clamps outside autograd): below ``eps`` the loss uses ``eps`` but the
    gradient is still the one at ``eps``, not 0. 'mean' averages over every element of
    the broadcast shape.
    """
    name = "gaussian_nll_loss"
    _check_reduction(reduction, name)
    input = floating_input(input, name)
    target = _broadcast_target(target, input, name)
    var = _gaussian_var(var, input, name)
    low = var.data < eps
    var = ag.where(low, (var - var.detach()) + eps, var)  # eps in value, identity in grad
    diff = input - target
    loss = 0.5 * (ag.log(var) + diff * diff / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce_all(loss, reduction)
