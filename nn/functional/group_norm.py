"""Group and instance normalization (PyTorch's ``F.group_norm`` and ``F.instance_norm``):
per-example statistics, computed by batch norm's fused op on a ``(1, N·G, L)`` view."""

from __future__ import annotations

import math

import autograd as ag

from ._inputs import floating_input, same_dtype
from .batch_norm import batch_norm, normalize_channels


def _channel_affine(out: ag.Tensor, weight: ag.Tensor | None, bias: ag.Tensor | None,
                    name: str) -> ag.Tensor:
    """``out·weight + bias`` with ``weight``, ``bias`` of shape ``(C,)`` along dimension 1."""
    channels = out.shape[1]
    shape = (1, channels) + (1,) * (out.ndim - 2)
    for role, t in (("weight", weight), ("bias", bias)):
        if t is None:
            continue
        if tuple(t.shape) != (channels,):
            raise ag.ShapeError(f"{name}: {role} of shape {tuple(t.shape)} does not match the "
                                f"input's {channels} channels (shape {tuple(out.shape)}); "
                                f"it must be ({channels},)")
        same_dtype(out, t, role, name)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def group_norm(input: ag.Tensor, num_groups: int, weight: ag.Tensor | None = None,
               bias: ag.Tensor | None = None, eps: float = 1e-5) -> ag.Tensor:
    """Group normalization (Wu & He, 2018; PyTorch's ``F.group_norm``): the C channels of
    ``(N, C, *)`` input are split into ``num_groups`` groups of C/G consecutive channels,
    and each example's group is normalized over its channels and positions,

        y = (x − μ_{n,g}) / sqrt(σ²_{n,g} + eps) · weight_c + bias_c

    with the biased (1/m) variance, m = C/G·(spatial size). Per-example statistics:
    training and evaluation compute the same thing and a batch of 1 is fine. ``weight`` and
    ``bias`` (optional) are per channel, ``(C,)``. The gradient is batch norm's (the
    fused ``BatchNormTrain`` on the ``(1, N·G, m)`` view, twice differentiable).
    """
    x = floating_input(input, "group_norm")
    if x.ndim < 2:
        raise ag.ShapeError(f"group_norm: expected input of shape (N, C, *) with at least 2 "
                            f"dimensions, got {tuple(x.shape)}")
    channels = x.shape[1]
    if num_groups <= 0 or channels % num_groups:
        raise ValueError(f"group_norm: the number of channels must be divisible by a positive "
                         f"num_groups, got input of shape {tuple(x.shape)} and "
                         f"num_groups={num_groups}")
    if x.data.size == 0:
        return _channel_affine(x * 1.0, weight, bias, "group_norm")
    grouped = x.reshape(1, x.shape[0] * num_groups, -1)
    out = normalize_channels(grouped, eps)[0].reshape(x.shape)
    return _channel_affine(out, weight, bias, "group_norm")


def instance_norm(input: ag.Tensor, running_mean: ag.Tensor | None = None,
                  running_var: ag.Tensor | None = None, weight: ag.Tensor | None = None,
                  bias: ag.Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> ag.Tensor:
    """Instance normalization (Ulyanov et al., 2016; PyTorch's ``F.instance_norm``): each
    channel of each example of ``(N, C, *)`` input normalized over its positions,

        y = (x − μ_{n,c}) / sqrt(σ²_{n,c} + eps) · weight_c + bias_c

    (group norm with one channel per group). With ``running_mean``/``running_var`` given,
    they are updated in place as PyTorch does, with the statistics averaged over the batch:
    ``running_mean = (1 − momentum)·running_mean + momentum·mean_n(μ_{n,c})``, and the
    running variance likewise from the *unbiased* per-instance variances.
    ``use_input_stats=False`` normalizes with the running statistics instead (the eval
    mode of an ``InstanceNorm`` that tracks them). Needs more than one position per
    channel when using the input's statistics (PyTorch's check); an empty input gives an
    empty output and leaves the buffers alone. The gradient is batch norm's, on the
    ``(1, N·C, L)`` view.
    """
    x = floating_input(input, "instance_norm")
    if x.ndim < 2:
        raise ag.ShapeError(f"instance_norm: expected input of shape (N, C, *) with at least "
                            f"2 dimensions, got {tuple(x.shape)}")
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: use_input_stats=False needs running_mean and "
                             "running_var")
        return batch_norm(x, running_mean, running_var, weight, bias, False, momentum, eps)
    positions = math.prod(x.shape[2:])
    if positions == 1:
        raise ValueError(f"instance_norm: expected more than 1 spatial element when using the "
                         f"input's statistics, got input of shape {tuple(x.shape)}")
    for role, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and tuple(t.shape) != (x.shape[1],):
            raise ag.ShapeError(f"instance_norm: {role} of shape {tuple(t.shape)} does not "
                                f"match the input's {x.shape[1]} channels (shape "
                                f"{tuple(x.shape)})")
        if t is not None:
            same_dtype(x, t, role, "instance_norm")
    if x.data.size == 0:
        return _channel_affine(x * 1.0, weight, bias, "instance_norm")
    n, channels = x.shape[:2]
    out, mean, var = normalize_channels(x.reshape(1, n * channels, positions), eps)
    if running_mean is not None and running_var is not None:
        batch_mean = mean.reshape(n, channels).mean(axis=0)
        batch_var = (var * (positions / (positions - 1))).reshape(n, channels).mean(axis=0)
        with ag.no_grad():
            running_mean.mul_(1.0 - momentum).add_(batch_mean, alpha=momentum)
            running_var.mul_(1.0 - momentum).add_(batch_var, alpha=momentum)
    return _channel_affine(out.reshape(x.shape), weight, bias, "instance_norm")

