"""Distance layers: ``CosineSimilarity`` and ``PairwiseDistance`` (PyTorch's modules)."""

from __future__ import annotations

import autograd as ag

from . import functional as F
from .module import Module


class CosineSimilarity(Module):
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim``
    (``F.cosine_similarity``): ``(*₁, D, *₂)`` twice → ``(*₁, *₂)``, the inputs broadcast
    against each other. Like PyTorch's, its repr shows no settings."""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1: ag.Tensor, x2: ag.Tensor) -> ag.Tensor:
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """``‖x1 − x2 + eps‖_p`` over the last dim (``F.pairwise_distance``): ``(N, D)`` twice →
    ``(N,)``, or ``(N, 1)`` with ``keepdim``. ``p`` is stored as ``norm``, as in PyTorch,
    whose repr shows no settings either."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1: ag.Tensor, x2: ag.Tensor) -> ag.Tensor:
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
