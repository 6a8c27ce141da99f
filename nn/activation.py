"""Activation layers (seed inventory §3): modules around the ``nn.functional`` activations."""

from __future__ import annotations

import autograd as ag

from . import functional as F
from .module import Module


class ReLU(Module):
    """``max(0, x)`` elementwise; relu'(0) = 0. The course's default for hidden layers."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.relu(x)


class LeakyReLU(Module):
    """``x if x > 0 else negative_slope·x`` (course §3: ``max(0.01 z, z)``)."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """``1 / (1 + e^-x)``: the course's output layer for binary classification."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """``tanh(x)``: zero-centred, the course's classic hidden-layer activation."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.tanh(x)


class _AlongDim(Module):
    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """``e^{x_i} / Σ_j e^{x_j}`` along ``dim`` (default the last: rows of ``(N, C)``).

    For training pass the logits to ``CrossEntropyLoss`` rather than this output.
    """

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.softmax(x, self.dim)


class LogSoftmax(_AlongDim):
    """``x_i − log Σ_j e^{x_j}`` along ``dim``; pair it with ``NLLLoss``."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.log_softmax(x, self.dim)
