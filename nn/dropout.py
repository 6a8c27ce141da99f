"""``Dropout``: the course's inverted dropout as a layer (seed inventory §6.3), and PyTorch's
variants: channel dropout (``Dropout1d/2d/3d``) and alpha dropout for SELU networks."""

from __future__ import annotations

import numpy as np

import autograd as ag

from . import functional as F
from .functional import dropout
from .functional.activation import inplace_flag
from .module import Module


class _Dropout(Module):
    """``p`` (the drop probability), PyTorch's ``inplace`` flag and the generator ``rng``
    (None: the global one, ``autograd.manual_seed``) of every dropout layer; each is the
    identity in eval mode."""

    def __init__(self, p: float = 0.5, inplace: bool = False,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        name = type(self).__name__
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{name}: p must be a probability in [0, 1], got {p} (p is the "
                             "probability of dropping; keep_prob = 1 - p)")
        self.p = float(p)
        self.inplace = inplace_flag(name, inplace)
        self.rng = rng

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_Dropout):
    """Inverted dropout (PyTorch's ``nn.Dropout(p)``; course §6.3).

    In training mode each element is kept with probability ``keep_prob = 1 − p``
    (the course's mask ``rand < keep_prob``, drawn by ``nn.functional.keep_mask``) and
    the kept ones are divided by ``keep_prob`` so the expected activation is unchanged;
    a fresh mask is drawn on every call from ``rng`` or the global generator
    (``autograd.manual_seed``). In eval mode it is the identity: no mask, no scaling.
    The course's ``keep_prob = 0.8`` is ``Dropout(p=0.2)``. ``inplace=True`` writes the
    result into the input (PyTorch's flag; the backward keeps only the mask).
    """

    @property
    def keep_prob(self) -> float:
        """The course's ``keep_prob = 1 − p``."""
        return 1.0 - self.p

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return dropout(x, self.p, self.training, self.inplace, self.rng)


class Dropout1d(_Dropout):
    """Channel dropout on ``(N, C, L)`` or ``(C, L)`` (``F.dropout1d``): whole channels
    zeroed with probability p, the rest scaled by 1/(1 − p)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.dropout1d(x, self.p, self.training, self.inplace, self.rng)


class Dropout2d(_Dropout):
    """Channel dropout on ``(N, C, H, W)`` or ``(C, H, W)`` (``F.dropout2d``)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.dropout2d(x, self.p, self.training, self.inplace, self.rng)


class Dropout3d(_Dropout):
    """Channel dropout on ``(N, C, D, H, W)`` or ``(C, D, H, W)`` (``F.dropout3d``)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.dropout3d(x, self.p, self.training, self.inplace, self.rng)


class AlphaDropout(_Dropout):
    """Alpha dropout for SELU networks (``F.alpha_dropout``): dropped units go to SELU's
    saturation and an affine map keeps the mean and variance."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.alpha_dropout(x, self.p, self.training, self.inplace, self.rng)


class FeatureAlphaDropout(_Dropout):
    """Alpha dropout of whole channels (``F.feature_alpha_dropout``)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.feature_alpha_dropout(x, self.p, self.training, self.inplace, self.rng)
