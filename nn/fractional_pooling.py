"""``FractionalMaxPool2d``, the module around ``F.fractional_max_pool2d``."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from .functional.fractional_pooling import _pair, fractional_max_pool2d
from .module import Module


class FractionalMaxPool2d(Module):
    """Fractional max pooling of ``(N, C, H, W)`` or ``(C, H, W)`` input to ``output_size``
    or ``output_ratio`` (one of them), fresh window offsets drawn on every call from
    ``rng`` or the global generator unless ``_random_samples`` ``(N, C, 2)`` fixes them (a
    buffer, as in PyTorch). ``kernel_size``, ``output_size`` and ``output_ratio`` are
    stored as pairs; the repr shows no settings, as PyTorch's. See
    ``F.fractional_max_pool2d``."""

    def __init__(self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                 return_indices: bool = False, _random_samples: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if output_size is None and output_ratio is None:
            raise ValueError("FractionalMaxPool2d requires specifying either an output size, "
                             "or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("FractionalMaxPool2d: only one of output_size and output_ratio "
                             "may be specified")
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.output_size = None if output_size is None else _pair(output_size, "output_size")
        self.output_ratio = None if output_ratio is None else _pair(output_ratio,
                                                                    "output_ratio")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"FractionalMaxPool2d: output_ratio must be between 0 and 1 "
                             f"(got {output_ratio!r})")
        self.return_indices = return_indices
        self.rng = rng
        samples = _random_samples
        if samples is not None and not isinstance(samples, ag.Tensor):
            samples = ag.as_tensor(samples)
        self.register_buffer("_random_samples", samples)

    def forward(self, input: ag.Tensor) -> Any:
        return fractional_max_pool2d(input, self.kernel_size, self.output_size,
                                     self.output_ratio, self.return_indices,
                                     _random_samples=self._random_samples, rng=self.rng)

    def extra_repr(self) -> str:
        return ""
