"""Batch normalization (seed inventory §11) as one fused op with a twice-differentiable backward."""

from __future__ import annotations

import math

import numpy as np

import autograd as ag
from autograd import kernels

from ._inputs import floating_input


def _stat_axes(ndim: int) -> tuple[int, ...]:
    return (0,) if ndim == 2 else (0, 2)


def _channel_shape(ndim: int, channels: int) -> tuple[int, ...]:
    return (1, channels) + (1,) * (ndim - 2)


class BatchNormTrain(ag.Function):
    """``y = γ·x̂ + β`` with ``x̂ = (x − μ)/sqrt(σ² + ε)`` per channel, μ and the biased
    σ² (1/m) taken over the batch (course §11).

    With ``g = ∂L/∂y``, ``ĝ = γ·g`` and m values per channel, the backward is

        ∂L/∂x = (1/sqrt(σ² + ε)) · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂))
        ∂L/∂γ = Σ g·x̂,   ∂L/∂β = Σ g

    When the backward pass is itself recorded (``create_graph=True``) it is written
    with Tensor ops, x̂ and 1/sqrt(σ² + ε) recomputed from x so that second
    derivatives flow through them; otherwise it is one compiled kernel call
    (``autograd.kernels.batch_norm_backward``) on the saved μ and 1/sqrt(σ² + ε).
    """

    @staticmethod
    def forward(ctx, x, gamma, beta, mean, var, eps):
        mean = mean.astype(x.dtype, copy=False)
        inv_std = (1.0 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, gamma)
        ctx.mean, ctx.inv_std, ctx.eps = mean, inv_std, eps
        return kernels.batch_norm_forward(x, mean, inv_std, gamma, beta)

    @staticmethod
    def backward(ctx, grad):
        x, gamma = ctx.saved_tensors
        need_x, need_gamma, need_beta = ctx.needs_input_grad[:3]
        if not ag.is_grad_enabled():
            grads = kernels.batch_norm_backward(grad.data, x.data, ctx.mean, ctx.inv_std,
                                                None if gamma is None else gamma.data)
            return (*(ag.from_numpy(g) if need else None
                      for g, need in zip(grads, (need_x, need_gamma, need_beta))),
                    None, None, None)
        axes = _stat_axes(x.ndim)
        bshape = _channel_shape(x.ndim, x.shape[1])
        centered = x - x.mean(axis=axes, keepdims=True)
        inv_std = ((centered * centered).mean(axis=axes, keepdims=True) + ctx.eps) ** -0.5
        x_hat = centered * inv_std
        grad_x = grad_gamma = grad_beta = None
        if need_x:
            g_hat = grad if gamma is None else grad * gamma.reshape(bshape)
            grad_x = inv_std * (g_hat - g_hat.mean(axis=axes, keepdims=True)
                                - x_hat * (g_hat * x_hat).mean(axis=axes, keepdims=True))
        if need_gamma:
            grad_gamma = (grad * x_hat).sum(axis=axes)
        if need_beta:
            grad_beta = grad.sum(axis=axes)
        return grad_x, grad_gamma, grad_beta, None, None, None


def _check_input(x: ag.Tensor, num_features: int) -> None:
    if x.ndim < 2 or x.shape[1] != num_features:
        raise ag.ShapeError(
            f"batch_norm: expected input of shape (N, {num_features}) or (N, {num_features}, *) "
            f"(features on dimension 1), got {tuple(x.shape)}. Data in the course's "
            "(features, examples) layout needs a transpose: x.T"
        )


def normalize_channels(x: ag.Tensor, eps: float, weight: ag.Tensor | None = None,
                       bias: ag.Tensor | None = None) -> tuple[ag.Tensor, np.ndarray, np.ndarray]:
    """``(x − μ)/sqrt(σ² + eps)·weight + bias`` per channel of ``(N, C)`` or ``(N, C, L)`` x,
    μ and the biased σ² over all but dimension 1, as the fused ``BatchNormTrain``; returns
    the output and the statistics ``(μ, σ²)`` (NumPy, ``(C,)``). The group and instance
    norms call it on ``(1, N·G, L)`` views: one "channel" per example and group."""
    mean, var = kernels.batch_norm_stats(x.data)
    return BatchNormTrain.apply(x, weight, bias, mean, var, eps), mean, var


def _check_dtypes(x: ag.Tensor, **params: ag.Tensor | None) -> None:
    """PyTorch's rule: the statistics and affine parameters share the input's dtype, except
    that a float16 input may have them all float32 (mixed precision; the output is float16)."""
    given = {role: t.dtype for role, t in params.items() if t is not None}
    if x.dtype == np.float16 and all(dt == np.float32 for dt in given.values()):
        return
    for role, dt in given.items():
        if dt != x.dtype:
            raise TypeError(f"batch_norm: input is {x.dtype} but {role} is {dt}; they must "
                            "share one dtype (as in PyTorch): convert the input (x.float(), "
                            "x.double()) or the model (model.float(), model.double())")


def batch_norm(input: ag.Tensor, running_mean: ag.Tensor | None, running_var: ag.Tensor | None,
               weight: ag.Tensor | None = None, bias: ag.Tensor | None = None,
               training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> ag.Tensor:
    """Batch normalization over ``(N, C, *)`` input, per channel C (PyTorch's
    ``F.batch_norm``; course §11): the statistics of channel c are taken over every
    dimension but 1 (the batch and, for images or sequences, the spatial positions).

    Training (or no running statistics): normalize with the batch mean and the
    *biased* batch variance ``σ² = 1/m Σ (x − μ)²``, then, when running buffers
    are given, update them in place as PyTorch does::

        running_mean = (1 − momentum)·running_mean + momentum·μ
        running_var  = (1 − momentum)·running_var  + momentum·σ²·m/(m − 1)   # unbiased

    Evaluation: normalize with the running statistics instead. Then
    ``y = weight·x̂ + bias`` (weight γ and bias β of shape ``(C,)``, optional).
    The course's running average ``μ_final = 0.9·μ_final + 0.1·μ`` is momentum=0.1.
    Input of more than 3 dimensions runs as its ``(N, C, L)`` view (L the product of the
    spatial sizes), so one fused op serves every rank.
    """
    x = floating_input(input, "batch_norm")
    _check_dtypes(x, running_mean=running_mean, running_var=running_var, weight=weight,
                  bias=bias)
    sized = next((t for t in (running_mean, weight, bias, running_var) if t is not None), None)
    channels = sized.shape[0] if sized is not None else (x.shape[1] if x.ndim >= 2 else 0)
    _check_input(x, channels)
    use_batch_stats = training or running_mean is None or running_var is None
    if not use_batch_stats:
        bshape = _channel_shape(x.ndim, channels)
        x_hat = (x - running_mean.data.reshape(bshape)) / np.sqrt(
            running_var.data.reshape(bshape) + eps).astype(x.dtype)
        out = x_hat if weight is None else x_hat * weight.reshape(bshape)
        out = out if bias is None else out + bias.reshape(bshape)
        return out if out.dtype == x.dtype else ag.astype(out, x.dtype)
    m = x.data.size // channels
    if m < 2 and training:
        raise ValueError(
            f"batch_norm: training needs more than 1 value per channel to take batch "
            f"statistics, got input of shape {tuple(x.shape)}; use a batch of 2 or more, or "
            "call .eval() to use the running statistics"
        )
    flat = x if x.ndim <= 3 else x.reshape(x.shape[0], channels, math.prod(x.shape[2:]))
    out, mean, var = normalize_channels(flat, eps, weight, bias)
    if training and running_mean is not None and running_var is not None:
        with ag.no_grad():
            running_mean.mul_(1.0 - momentum).add_(mean, alpha=momentum)
            running_var.mul_(1.0 - momentum).add_(var * (m / (m - 1)), alpha=momentum)
    return out if x.ndim <= 3 else out.reshape(x.shape)
