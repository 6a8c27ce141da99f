"""``Bilinear``: ``y = x1ᵀ·A·x2 + b`` per output feature (PyTorch's ``nn.Bilinear``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag

from . import init
from .functional.bilinear import bilinear
from .module import Module
from .parameter import Parameter


class Bilinear(Module):
    """The bilinear layer ``y_o = x1ᵀ·W_o·x2 + b_o`` (PyTorch's ``nn.Bilinear``;
    ``F.bilinear``): ``(*, in1_features)`` and ``(*, in2_features)`` → ``(*, out_features)``.

    ``weight`` is ``(out_features, in1_features, in2_features)`` and ``bias``
    ``(out_features,)``, both drawn from U(−1/sqrt(in1_features), 1/sqrt(in1_features)) as
    PyTorch's default init, from ``rng`` or the global generator, in the default dtype unless
    ``dtype=`` is given.
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if min(in1_features, in2_features, out_features) <= 0:
            raise ValueError(f"Bilinear: in1_features, in2_features and out_features must be "
                             f"positive, got ({in1_features}, {in2_features}, "
                             f"{out_features})")
        self.in1_features = int(in1_features)
        self.in2_features = int(in2_features)
        self.out_features = int(out_features)
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.empty((out_features, in1_features, in2_features), dtype))
        self.register_parameter(
            "bias", Parameter(np.empty((out_features,), dtype)) if bias else None)
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Draw PyTorch's default init again: U(−1/sqrt(in1), 1/sqrt(in1)) for W and b."""
        bound = 1.0 / math.sqrt(self.in1_features)
        init.uniform_(self.weight, -bound, bound, rng=rng)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, rng=rng)

    def forward(self, x1: ag.Tensor, x2: ag.Tensor) -> ag.Tensor:
        return bilinear(x1, x2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
