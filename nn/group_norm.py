"""``GroupNorm`` and ``LocalResponseNorm``: per-example normalizations of ``(N, C, *)`` input."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from . import init
from .functional.group_norm import group_norm
from .functional.local_response_norm import local_response_norm
from .module import Module
from .parameter import Parameter


class GroupNorm(Module):
    """Group normalization (PyTorch's ``nn.GroupNorm``; ``F.group_norm``): the
    ``num_channels`` channels are split into ``num_groups`` groups, and each example's group
    is normalized by its own mean and biased variance, then scaled and shifted per channel,

        y = (x − μ_{n,g}) / sqrt(σ²_{n,g} + eps) · weight_c + bias_c

    Input ``(N, C, *)`` → the same shape. ``affine=True`` gives ``weight`` (ones) and
    ``bias`` (zeros) of shape ``(num_channels,)``, in the default dtype unless ``dtype=``;
    ``bias=False`` keeps the weight only. No running statistics: train and eval agree,
    and a batch of 1 works (unlike batch norm).
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_groups <= 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels must be divisible by a positive "
                             f"num_groups, got num_channels={num_channels} and "
                             f"num_groups={num_groups}")
        self.num_groups = int(num_groups)
        self.num_channels = int(num_channels)
        self.eps = eps
        self.affine = affine
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.register_parameter(
            "weight", Parameter(np.ones(num_channels, dtype=dtype)) if affine else None)
        self.register_parameter(
            "bias", Parameter(np.zeros(num_channels, dtype=dtype)) if affine and bias else None)

    def reset_parameters(self) -> None:
        """Weight 1 and bias 0: the layer starts as pure normalization."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        shape = tuple(np.shape(x))
        if len(shape) < 2 or shape[1] != self.num_channels:
            raise ag.ShapeError(f"{type(self).__name__}: expected input of shape "
                                f"(N, {self.num_channels}, *), got {shape}")
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


class LocalResponseNorm(Module):
    """Local response normalization across channels (PyTorch's ``nn.LocalResponseNorm``;
    ``F.local_response_norm``, which has the formula): each value divided by
    ``(k + alpha/size · Σ x²)^beta`` over its ``size`` neighbouring channels. Input
    ``(N, C, *)`` with 3 or more dimensions → the same shape. No parameters."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75,
                 k: float = 1.0) -> None:
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return local_response_norm(x, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
