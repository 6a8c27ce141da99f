"""``Unfold`` and ``Fold``: im2col and col2im as layers (PyTorch's ``nn.Unfold``/``nn.Fold``)."""

from __future__ import annotations

from typing import Any

import autograd as ag

from .functional.fold import fold, unfold
from .module import Module


class Unfold(Module):
    """The sliding blocks of ``(N, C, H, W)`` as columns ``(N, C·kH·kW, L)`` (see
    ``functional.unfold``). No parameters."""

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Module):
    """Columns ``(N, C·kH·kW, L)`` summed back into ``(N, C, *output_size)`` (see
    ``functional.fold``). No parameters."""

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                    self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")
