"""``FractionalMaxPool2d`` and ``FractionalMaxPool3d``, the modules around
``F.fractional_max_pool2d/3d``."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from .functional.fractional_pooling import (
    _ntuple,
    fractional_max_pool2d,
    fractional_max_pool3d,
)
from .module import Module


class _FractionalMaxPoolNd(Module):
    """The shared body: settings stored as ``n``-tuples, ``_random_samples`` a buffer."""

    _nd = 0

    def __init__(self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                 return_indices: bool = False, _random_samples: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        name, n = type(self).__name__, self._nd
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a "
                             "pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError(f"{name}: only one of output_size and output_ratio may be "
                             "specified")
        self.kernel_size = _ntuple(kernel_size, n, "kernel_size", name)
        if not all(isinstance(k, (int, np.integer)) and k > 0 for k in self.kernel_size):
            raise ValueError(f"{name}: kernel_size must be greater than 0, but got "
                             f"{kernel_size!r}")
        self.output_size = (None if output_size is None
                            else _ntuple(output_size, n, "output_size", name))
        self.output_ratio = (None if output_ratio is None
                             else _ntuple(output_ratio, n, "output_ratio", name))
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"{name}: output_ratio must be between 0 and 1 (got "
                             f"{output_ratio!r})")
        self.return_indices = return_indices
        self.rng = rng
        samples = _random_samples
        if samples is not None and not isinstance(samples, ag.Tensor):
            samples = ag.as_tensor(samples)
        self.register_buffer("_random_samples", samples)

    def forward(self, input: ag.Tensor) -> Any:
        pool = fractional_max_pool2d if self._nd == 2 else fractional_max_pool3d
        return pool(input, self.kernel_size, self.output_size, self.output_ratio,
                    self.return_indices, _random_samples=self._random_samples, rng=self.rng)

    def extra_repr(self) -> str:
        return ""


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling of ``(N, C, H, W)`` or ``(C, H, W)`` input to ``output_size``
    or ``output_ratio`` (one of them), fresh window offsets drawn on every call from
    ``rng`` or the global generator unless ``_random_samples`` ``(N, C, 2)`` fixes them (a
    buffer, as in PyTorch). ``kernel_size``, ``output_size`` and ``output_ratio`` are
    stored as pairs; the repr shows no settings, as PyTorch's. See
    ``F.fractional_max_pool2d``."""

    _nd = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling of ``(N, C, T, H, W)`` or ``(C, T, H, W)`` input
    (PyTorch's ``nn.FractionalMaxPool3d``): as ``FractionalMaxPool2d``, with settings
    stored as triples and ``_random_samples`` ``(N, C, 3)``. See
    ``F.fractional_max_pool3d``."""

    _nd = 3
