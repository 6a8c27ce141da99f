"""``OneHotCategoricalStraightThrough``: one-hot categorical draws that pass gradients to the
probabilities by the straight-through estimator (Bengio et al., 2013)."""

from __future__ import annotations

from typing import Any

from .categorical import OneHotCategorical


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """A ``OneHotCategorical`` with ``rsample``: the one-hot draw ``x`` plus
    ``p - stop_gradient(p)``, whose value is ``x`` and whose gradient in ``p`` is the
    identity (a biased but low-variance estimator)."""

    has_rsample = True

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        """``x + (p - p.detach())`` for a one-hot draw ``x``."""
        samples = self.sample(sample_shape, generator=generator)
        probs = self._categorical.probs
        return samples + (probs - probs.detach())


__all__ = ["OneHotCategoricalStraightThrough"]
