"""``Dropout``: the course's inverted dropout as a layer (seed inventory §6.3)."""

from __future__ import annotations

import numpy as np

import autograd as ag

from .functional import dropout
from .functional.activation import inplace_flag
from .module import Module


class Dropout(Module):
    """Inverted dropout (PyTorch's ``nn.Dropout(p)``; course §6.3).

    In training mode each element is kept with probability ``keep_prob = 1 − p``
    (the course's mask ``rand < keep_prob``, drawn by ``nn.functional.keep_mask``) and
    the kept ones are divided by ``keep_prob`` so the expected activation is unchanged;
    a fresh mask is drawn on every call from ``rng`` or the global generator
    (``autograd.manual_seed``). In eval mode it is the identity: no mask, no scaling.
    The course's ``keep_prob = 0.8`` is ``Dropout(p=0.2)``. ``inplace=True`` writes the
    result into the input (PyTorch's flag; the backward keeps only the mask).
    """

    def __init__(self, p: float = 0.5, inplace: bool = False,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p} (p is the "
                             "probability of dropping; keep_prob = 1 - p)")
        self.p = float(p)
        self.inplace = inplace_flag("Dropout", inplace)
        self.rng = rng

    @property
    def keep_prob(self) -> float:
        """The course's ``keep_prob = 1 − p``."""
        return 1.0 - self.p

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return dropout(x, self.p, self.training, self.inplace, self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
