"""``CrossMapLRN2d``: PyTorch's legacy (Lua Torch) local response normalization across the
channels of 4-D input, whose window is not ``LocalResponseNorm``'s."""

from __future__ import annotations

import numpy as np

import autograd as ag

from .functional._inputs import floating_input
from .module import Module


def cross_map_lrn2d(input: ag.Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                    k: float = 1.0) -> ag.Tensor:
    """``y_c = x_c · (k + alpha/size · S_c)^(−beta)`` over ``(N, C, H, W)``, where ``S_c``
    is the legacy running window sum of squares: with ``p = ⌊(size − 1)/2⌋ + 1``,

        S_c = Σ_{c' = max(0, c−p+1)}^{min(C−1, c+p−1)} x_{c'}²  (+ x_0² when c ≥ p)

    PyTorch's kernel slides the window by adding the channel entering it and removing the
    one leaving it, but never removes channel 0: hence the extra ``x_0²``. The window spans
    ``2p − 1`` channels, which is ``size − 1`` for an even ``size``; the divisor is
    ``size`` regardless. The gradient is the engine's, the exact derivative of this
    forward (PyTorch's hand-written backward assumes a centred window and fails its own
    gradcheck)."""
    x = floating_input(input, "CrossMapLRN2d")
    if x.ndim != 4:
        raise ag.ShapeError(f"CrossMapLRN2d: Expected input to be 4D (N, C, H, W), got "
                            f"{x.ndim}D input of shape {tuple(x.shape)}")
    if int(size) != size or size <= 0:
        raise ValueError(f"CrossMapLRN2d: size must be a positive int, got {size!r}")
    if x.data.size == 0:
        return x * 1.0
    channels, reach = x.shape[1], int(size - 1) // 2 + 1
    squares = x * x
    if reach > 1:
        zeros = ag.zeros((x.shape[0], reach - 1) + tuple(x.shape[2:]), dtype=x.dtype)
        padded = ag.cat([zeros, squares, zeros], dim=1)
    else:
        padded = squares
    window = padded[:, 0:channels]
    for offset in range(1, 2 * reach - 1):
        window = window + padded[:, offset:offset + channels]
    kept_first = (np.arange(channels) >= reach).astype(x.dtype).reshape(1, channels, 1, 1)
    window = window + squares[:, 0:1] * ag.tensor(kept_first)
    return x * (window * (float(alpha) / size) + float(k)) ** (-float(beta))


class CrossMapLRN2d(Module):
    """PyTorch's ``nn.CrossMapLRN2d(size, alpha=1e-4, beta=0.75, k=1)``: legacy local
    response normalization across the channels of ``(N, C, H, W)`` input (4-D only),
    ``y_c = x_c · (k + alpha/size · S_c)^(−beta)``; ``cross_map_lrn2d`` gives the window
    ``S_c``, which differs from ``LocalResponseNorm``'s. No parameters."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75,
                 k: float = 1) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return cross_map_lrn2d(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
