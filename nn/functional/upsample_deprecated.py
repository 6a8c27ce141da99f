"""PyTorch's deprecated resampling functions, ``upsample``, ``upsample_nearest`` and
``upsample_bilinear``: each warns (a ``UserWarning``, as PyTorch's) and forwards to
``interpolate``, so results and gradients are ``interpolate``'s."""

from __future__ import annotations

import warnings
from typing import Any

import autograd as ag

from .upsampling import interpolate


def _deprecated(name: str) -> None:
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=3)


def upsample(input: ag.Tensor, size: Any = None, scale_factor: Any = None,
             mode: str = "nearest", align_corners: bool | None = None) -> ag.Tensor:
    """Deprecated: ``interpolate(input, size, scale_factor, mode, align_corners)``."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: ag.Tensor, size: Any = None,
                     scale_factor: Any = None) -> ag.Tensor:
    """Deprecated: ``interpolate(input, size, scale_factor, mode='nearest')``."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: ag.Tensor, size: Any = None,
                      scale_factor: Any = None) -> ag.Tensor:
    """Deprecated: ``interpolate(input, size, scale_factor, mode='bilinear',
    align_corners=True)`` — corner-aligned, unlike ``interpolate``'s default."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
