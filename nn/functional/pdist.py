"""``pdist`` (PyTorch's ``F.pdist``): the distances between the rows of a matrix."""

from __future__ import annotations

import numpy as np

import autograd as ag

from ._inputs import floating_input


def _small_p_norm(diff: ag.Tensor, p: float) -> ag.Tensor:
    """``(Σ |d|^p)^(1/p)`` for 0 < p < 1, and the count of nonzero ``d`` for p = 0, over the
    last dimension, with PyTorch's gradient: 0 through every zero component (where
    ``|d|^p`` has an infinite slope) and through a zero distance."""
    zero = diff == 0
    magnitude = ag.where(zero, ag.ones_like(diff), ag.abs(diff))
    if p == 0:
        return ag.where(zero, diff * 0, magnitude ** 0).sum(axis=-1)
    powered = ag.where(zero, diff * 0, magnitude ** p).sum(axis=-1)
    return powered ** (1.0 / p)


def pdist(input: ag.Tensor, p: float = 2.0) -> ag.Tensor:
    """The p-norm distances between the rows of ``input (N, M)``, each pair once
    (PyTorch's ``F.pdist``): ``‖x_i − x_j‖_p = (Σ_k |x_ik − x_jk|^p)^(1/p)`` for ``i < j``
    in row-major order, a vector of ``N·(N − 1)/2``; ``p = inf`` is the largest
    ``|x_ik − x_jk|``, ``p = 0`` the number of differing components. The gradient is the
    norm's (``ag.norm`` for p ≥ 1), zero where two rows are equal, and for p < 1 zero
    through equal components, as PyTorch's (where ``|d|^p`` has an infinite slope)."""
    x = floating_input(input, "pdist")
    if x.ndim != 2:
        raise ag.ShapeError(f"pdist: only supports 2D input (N, M), got shape "
                            f"{tuple(x.shape)}")
    if not p >= 0:
        raise ValueError(f"pdist: p must be a non-negative number, got {p}")
    first, second = np.triu_indices(x.shape[0], 1)
    diff = x[first] - x[second]
    return ag.norm(diff, float(p), dim=-1) if p >= 1 else _small_p_norm(diff, float(p))
