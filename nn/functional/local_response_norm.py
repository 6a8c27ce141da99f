"""Local response normalization (PyTorch's ``F.local_response_norm``), composed from engine ops."""

from __future__ import annotations

import autograd as ag

from ._inputs import floating_input


def local_response_norm(input: ag.Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> ag.Tensor:
    """Local response normalization across channels (Krizhevsky et al., 2012; PyTorch's
    ``F.local_response_norm``): for input ``(N, C, *)`` with at least 3 dimensions,

        y_c = x_c / (k + alpha/size · Σ_{c'} x_{c'}²)^beta

    the sum over the ``size`` channels ``c − size//2 … c + (size − 1)//2`` that exist
    (those past either end count as zeros, but the divisor stays ``size``: PyTorch's
    zero-padded average pool). Output shape = input shape; the gradient comes from the
    engine ops (``*``, ``cat``, slicing, ``**``, ``/``), twice differentiable.
    """
    x = floating_input(input, "local_response_norm")
    if x.ndim < 3:
        raise ag.ShapeError(f"local_response_norm: expected input of shape (N, C, *) with 3 "
                            f"or more dimensions, got {tuple(x.shape)}")
    if int(size) != size or size <= 0:
        raise ValueError(f"local_response_norm: size must be a positive int, got {size!r}")
    size = int(size)
    if x.data.size == 0:
        return x * 1.0
    channels = x.shape[1]
    squares = x * x
    pad_shape = list(x.shape)
    parts = []
    for pad in (size // 2, None, (size - 1) // 2):
        if pad is None:
            parts.append(squares)
        elif pad:
            pad_shape[1] = pad
            parts.append(ag.zeros(*pad_shape, dtype=x.dtype))
    padded = ag.cat(parts, dim=1) if len(parts) > 1 else squares
    window = padded[:, 0:channels]
    for offset in range(1, size):
        window = window + padded[:, offset:offset + channels]
    return x / (window * (float(alpha) / size) + float(k)) ** float(beta)
