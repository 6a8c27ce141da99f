"""``GLU``, ``RReLU`` and ``Softmax2d`` layers (PyTorch's names)."""

from __future__ import annotations

import numpy as np

import autograd as ag

from .functional.activation import softmax
from .functional.activation_more import glu, rrelu
from .module import Module


class GLU(Module):
    """Gated linear unit ``a·sigmoid(b)`` with ``input`` split in halves a, b along ``dim``
    (PyTorch's ``nn.GLU``; ``F.glu``): that dimension halves, and must be even."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return glu(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class RReLU(Module):
    """Randomized leaky ReLU (PyTorch's ``nn.RReLU``; ``F.rrelu``): in training mode each
    negative element gets a fresh slope ``U(lower, upper)`` (from ``rng`` or the global
    generator); in eval mode the slope is ``(lower + upper)/2``. Any input shape."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
                 inplace: bool = False, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace
        self.rng = rng

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return rrelu(x, self.lower, self.upper, self.training, self.inplace, rng=self.rng)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace
                                                            else "")


class Softmax2d(Module):
    """Softmax over the channels at each position (PyTorch's ``nn.Softmax2d``): input
    ``(N, C, H, W)`` or ``(C, H, W)``, softmax along dimension −3."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        ndim = np.ndim(x)
        if ndim not in (3, 4):
            raise ag.ShapeError(f"Softmax2d: expected input of shape (N, C, H, W) or "
                                f"(C, H, W), got {tuple(np.shape(x))}")
        return softmax(x, -3)
