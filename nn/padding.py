"""Padding layers (PyTorch's ``nn.ZeroPad2d`` and kin): modules around ``F.pad``.

An int ``padding`` pads every side of the 1, 2 or 3 trailing dims by that amount; a tuple
is PyTorch's pad tuple ``(left, right, top, bottom, front, back)``. Negative amounts crop.
"""

from __future__ import annotations

import operator
from typing import Any

import autograd as ag

from .functional.padding import pad
from .module import Module


class _PadNd(Module):
    """``F.pad(x, self.padding, mode)``; subclasses set ``mode`` and ``dims``."""

    mode = "constant"
    dims = 1

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = self._as_tuple(padding)

    def _as_tuple(self, padding: Any) -> tuple[int, ...]:
        name = type(self).__name__
        if isinstance(padding, (tuple, list)):
            if len(padding) != 2 * self.dims:
                raise ValueError(f"{name}: padding must be an int or a tuple of "
                                 f"{2 * self.dims} ints, got {tuple(padding)}")
            return tuple(operator.index(p) for p in padding)
        try:
            return (operator.index(padding),) * (2 * self.dims)
        except TypeError:
            raise TypeError(f"{name}: padding must be an int or a tuple of {2 * self.dims} "
                            f"ints, got {padding!r}") from None

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return pad(x, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return pad(x, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dim with ``value``: ``(C, W)`` or ``(N, C, W)`` → ``W + left + right``."""


class ConstantPad2d(_ConstantPadNd):
    """Pads the last two dims with ``value``: ``(.., H, W)`` → ``(.., H + top + bottom,
    W + left + right)``."""

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last three dims ``(D, H, W)`` with ``value``."""

    dims = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pads the last dim with zeros."""


class ZeroPad2d(_ZeroPadNd):
    """Pads the last two dims with zeros (the course's "same" padding of a conv input)."""

    dims = 2


class ZeroPad3d(_ZeroPadNd):
    """Pads the last three dims with zeros."""

    dims = 3


class ReflectionPad1d(_PadNd):
    """Mirrors the last dim without repeating the edge: ``[a b c]`` with (2, 0) → ``c b a b c``.
    Input ``(C, W)`` or ``(N, C, W)``; each pad less than ``W``."""

    mode = "reflect"


class ReflectionPad2d(ReflectionPad1d):
    """Mirrors the last two dims; input ``(C, H, W)`` or ``(N, C, H, W)``."""

    dims = 2


class ReflectionPad3d(ReflectionPad1d):
    """Mirrors the last three dims; input ``(C, D, H, W)`` or ``(N, C, D, H, W)``."""

    dims = 3


class ReplicationPad1d(_PadNd):
    """Repeats the edge entries of the last dim: ``[a b c]`` with (2, 0) → ``a a a b c``."""

    mode = "replicate"


class ReplicationPad2d(ReplicationPad1d):
    """Repeats the edges of the last two dims; input ``(C, H, W)`` or ``(N, C, H, W)``."""

    dims = 2


class ReplicationPad3d(ReplicationPad1d):
    """Repeats the edges of the last three dims."""

    dims = 3


class _CircularPadNd(_PadNd):
    mode = "circular"

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        if x.ndim not in (self.dims + 1, self.dims + 2):
            raise ag.ShapeError(f"{type(self).__name__}: expected {self.dims + 1}D or "
                                f"{self.dims + 2}D input (got {x.ndim}D input of shape "
                                f"{tuple(x.shape)})")
        return super().forward(x)


class CircularPad1d(_CircularPadNd):
    """Wraps the last dim around: ``[a b c]`` with (2, 0) → ``b c a b c``."""


class CircularPad2d(_CircularPadNd):
    """Wraps the last two dims around (a torus); input ``(C, H, W)`` or ``(N, C, H, W)``."""

    dims = 2


class CircularPad3d(_CircularPadNd):
    """Wraps the last three dims around."""

    dims = 3

