"""More lazy layers (PyTorch's): ``LazyConv3d``, ``LazyConvTranspose1d/2d/3d``,
``LazyBatchNorm3d`` and ``LazyInstanceNorm1d/2d/3d``, which take their channel count
from the first input as those of ``lazy`` do (see its docstring for the life cycle)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .batchnorm import BatchNorm3d
from .conv import Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .instance_norm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .lazy import _LazyBatchNorm, _LazyConv


class LazyConv3d(_LazyConv, Conv3d):
    """``Conv3d`` whose ``in_channels`` comes from the first input ``(N, C_in, D, H, W)``
    (or unbatched ``(C_in, D, H, W)``)."""

    cls_to_become = Conv3d


class _LazyConvTranspose(_LazyConv):
    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        self.cls_to_become.__init__(self, groups, out_channels, kernel_size, stride, padding,
                                    output_padding, groups, bias, dilation, padding_mode, dtype,
                                    rng)
        self.in_channels = 0
        self._lazy_rng = rng
        self._make_lazy(self.weight.dtype)

    def _weight_shape(self, channels: int) -> tuple[int, ...]:
        # a transposed convolution's weight is (C_in, C_out/groups, *kernel)
        return (channels, self.out_channels // self.groups, *self.kernel_size)

    def _sizes_from_weights(self) -> None:
        self.in_channels = int(self.weight.shape[0])


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """``ConvTranspose1d`` whose ``in_channels`` comes from the first input
    ``(N, C_in, L)``: ``weight`` becomes ``(C_in, C_out/groups, k)``."""

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """``ConvTranspose2d`` whose ``in_channels`` comes from the first input
    ``(N, C_in, H, W)``: ``weight`` becomes ``(C_in, C_out/groups, kH, kW)``."""

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """``ConvTranspose3d`` whose ``in_channels`` comes from the first input
    ``(N, C_in, D, H, W)``: ``weight`` becomes ``(C_in, C_out/groups, kD, kH, kW)``."""

    cls_to_become = ConvTranspose3d


class LazyBatchNorm3d(_LazyBatchNorm, BatchNorm3d):
    """``BatchNorm3d`` whose ``num_features`` is axis 1 of the first ``(N, C, D, H, W)``
    input."""

    cls_to_become = BatchNorm3d
    _ranks = (5,)


class LazyInstanceNorm1d(_LazyBatchNorm, InstanceNorm1d):
    """``InstanceNorm1d`` whose ``num_features`` is axis 1 of the first input.

    PyTorch's defaults differ from ``InstanceNorm1d``'s: ``affine=True`` and
    ``track_running_stats=True``. As PyTorch's, the size is read from axis 1 even for an
    unbatched ``(C, L)`` input (where it is L, so the forward then refuses the input
    unless C == L); with ``affine=False, track_running_stats=False`` there is nothing to
    materialize and ``num_features`` stays 0 (the layer warns and normalizes anyway)."""

    cls_to_become = InstanceNorm1d
    _ranks = (2, 3)


class LazyInstanceNorm2d(_LazyBatchNorm, InstanceNorm2d):
    """``InstanceNorm2d`` whose ``num_features`` is axis 1 of the first
    ``(N, C, H, W)`` input; defaults and caveats as ``LazyInstanceNorm1d``'s."""

    cls_to_become = InstanceNorm2d
    _ranks = (3, 4)


class LazyInstanceNorm3d(_LazyBatchNorm, InstanceNorm3d):
    """``InstanceNorm3d`` whose ``num_features`` is axis 1 of the first
    ``(N, C, D, H, W)`` input; defaults and caveats as ``LazyInstanceNorm1d``'s."""

    cls_to_become = InstanceNorm3d
    _ranks = (4, 5)
