"""Folding an eval-mode batch norm into the convolution or linear layer before it
(PyTorch's ``nn.utils.fusion``): one layer that computes what the two compute at
inference, with::

    s = γ / sqrt(running_var + eps);  W' = W·s (per output channel);  b' = (b − μ)·s + β

A missing bias counts as 0, a missing γ (``affine=False``) as 1 and β as 0. The fused
weights are new Parameters that keep the inputs' ``requires_grad`` (a bias made from none
does not require grad, as PyTorch's) and dtypes.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

import autograd as ag

from ..parameter import Parameter


def _fold(w: ag.Tensor, b: ag.Tensor | None, rm: ag.Tensor, rv: ag.Tensor, eps: float,
          gamma: ag.Tensor | None, beta: ag.Tensor | None,
          channel_axis: int) -> tuple[Parameter, Parameter]:
    weight = np.asarray(w.data)
    bias = np.zeros(np.shape(rm.data), weight.dtype) if b is None else b.data
    scale = (1.0 if gamma is None else gamma.data) / np.sqrt(rv.data + eps)
    shape = [1] * weight.ndim
    shape[channel_axis] = -1
    fused_w = (weight * np.reshape(scale, shape)).astype(weight.dtype)
    fused_b = ((bias - rm.data) * scale + (0.0 if beta is None else beta.data))
    return (Parameter(fused_w, requires_grad=w.requires_grad),
            Parameter(fused_b.astype(bias.dtype), requires_grad=b is not None and b.requires_grad))


def fuse_conv_bn_weights(conv_w: ag.Tensor, conv_b: ag.Tensor | None, bn_rm: ag.Tensor,
                         bn_rv: ag.Tensor, bn_eps: float, bn_w: ag.Tensor | None,
                         bn_b: ag.Tensor | None,
                         transpose: bool = False) -> tuple[Parameter, Parameter]:
    """A convolution's weight and bias with an eval-mode batch norm after it folded in.
    The scale multiplies the output-channel axis of the weight: axis 0 of
    ``(C_out, C_in/groups, *k)``, or axis 1 of a transposed convolution's
    ``(C_in, C_out/groups, *k)`` with ``transpose=True`` (as PyTorch, which also scales
    axis 1 when ``groups > 1``)."""
    return _fold(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, 1 if transpose else 0)


def fuse_linear_bn_weights(linear_w: ag.Tensor, linear_b: ag.Tensor | None, bn_rm: ag.Tensor,
                           bn_rv: ag.Tensor, bn_eps: float, bn_w: ag.Tensor | None,
                           bn_b: ag.Tensor | None) -> tuple[Parameter, Parameter]:
    """A linear layer's weight ``(out, in)`` and bias with an eval-mode batch norm after
    it folded in, so that ``x @ W'.T + b' == bn(x @ W.T + b)`` in eval mode."""
    return _fold(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, 0)


def _check_eval(func: str, layer: Any, bn: Any) -> None:
    if layer.training or bn.training:
        raise RuntimeError(f"{func}: fusion is for inference: call .eval() on both modules "
                           "first (in training mode batch norm uses the batch's statistics, "
                           "which no fixed weight can reproduce)")
    if bn.running_mean is None or bn.running_var is None:
        raise ValueError(f"{func}: bn has no running statistics (track_running_stats=False), "
                         "so eval mode uses each batch's own")


def fuse_conv_bn_eval(conv: Any, bn: Any, transpose: bool = False) -> Any:
    """A copy of ``conv`` with the eval-mode batch norm ``bn`` after it folded into its
    weight and bias (``transpose=True`` for a transposed convolution). Both must be in
    eval mode and ``bn`` must keep running statistics; ``bn.num_features`` must match the
    convolution's output channels."""
    _check_eval("fuse_conv_bn_eval", conv, bn)
    if conv.out_channels != bn.num_features:
        raise ValueError(f"fuse_conv_bn_eval: conv.out_channels ({conv.out_channels}) must "
                         f"equal bn.num_features ({bn.num_features})")
    fused = copy.deepcopy(conv)
    fused.weight, fused.bias = fuse_conv_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias,
        transpose)
    return fused


def fuse_linear_bn_eval(linear: Any, bn: Any) -> Any:
    """A copy of ``linear`` with the eval-mode batch norm ``bn`` after it folded into its
    weight and bias. Both must be in eval mode; ``bn.num_features`` must be
    ``linear.out_features`` (or 1), and ``bn`` must keep running statistics."""
    _check_eval("fuse_linear_bn_eval", linear, bn)
    if linear.out_features != bn.num_features and bn.num_features != 1:
        raise ValueError(f"fuse_linear_bn_eval: linear.out_features ({linear.out_features}) "
                         f"must equal bn.num_features ({bn.num_features}), or that be 1")
    fused = copy.deepcopy(linear)
    fused.weight, fused.bias = fuse_linear_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
    return fused
