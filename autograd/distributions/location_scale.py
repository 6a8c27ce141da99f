"""The shared parts of distributions parameterized by a location (and a scale)."""

from __future__ import annotations

from typing import Any

from .distribution import Distribution
from .utils import broadcast_all


class LocationMoments:
    """``mean`` and ``mode`` equal to ``loc`` (symmetric unimodal families)."""

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc


class LocationScale(LocationMoments, Distribution):
    """A scalar family of ``loc`` and ``scale``, batched over their broadcast shape."""

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> LocationScale:
        return self._expand_params(batch_shape, ("loc", "scale"))
