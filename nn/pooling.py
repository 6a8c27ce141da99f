"""Pooling layers (PyTorch's ``nn.MaxPool2d`` and kin): modules around the functions of
``nn.functional.pooling``, ``adaptive_pooling`` and ``unpooling``, with PyTorch's stored
attributes and reprs. Inputs are ``(N, C, *spatial)`` or unbatched ``(C, *spatial)``."""

from __future__ import annotations

from typing import Any

import autograd as ag

from .functional import adaptive_pooling as A
from .functional import pooling as P
from .functional import unpooling as U
from .module import Module


class _MaxPoolNd(Module):
    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """``F.max_pool1d`` with the stored settings: the maximum of each window of the last dim
    (with ``return_indices=True``, also where it is)."""

    def forward(self, x: ag.Tensor) -> Any:
        return P.max_pool1d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """``F.max_pool2d``: the maximum of each window of the last two dims — the course's
    max-pooling layer, usually ``MaxPool2d(2)`` halving height and width."""

    def forward(self, x: ag.Tensor) -> Any:
        return P.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


class MaxPool3d(_MaxPoolNd):
    """``F.max_pool3d``: the maximum of each window of the last three dims."""

    def forward(self, x: ag.Tensor) -> Any:
        return P.max_pool3d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


class AvgPool1d(Module):
    """``F.avg_pool1d``: the mean of each window of the last dim. As PyTorch's, the sizes are
    stored as 1-tuples."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = P.int_tuple(kernel_size, 1, "AvgPool1d", "kernel_size")
        self.stride = P.int_tuple(stride if stride is not None else kernel_size, 1,
                                  "AvgPool1d", "stride")
        self.padding = P.int_tuple(padding, 1, "AvgPool1d", "padding")
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return P.avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    """``F.avg_pool2d``: the mean of each window of the last two dims (the course's average
    pooling), divided by ``divisor_override`` when given."""

    pool = staticmethod(P.avg_pool2d)

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return self.pool(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                         self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool3d(AvgPool2d):
    """``F.avg_pool3d``: the mean of each window of the last three dims."""

    pool = staticmethod(P.avg_pool3d)


class _LPPoolNd(Module):
    def __init__(self, norm_type: float, kernel_size: Any, stride: Any = None,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """``F.lp_pool1d``: ``(Σ_window x^p)^(1/p)`` over windows of the last dim (p = 1 is sum
    pooling, p → ∞ approaches max pooling)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return P.lp_pool1d(x, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class LPPool2d(_LPPoolNd):
    """``F.lp_pool2d``: ``(Σ_window x^p)^(1/p)`` over windows of the last two dims."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return P.lp_pool2d(x, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class LPPool3d(_LPPoolNd):
    """``F.lp_pool3d``: ``(Σ_window x^p)^(1/p)`` over windows of the last three dims."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return P.lp_pool3d(x, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class _AdaptivePoolNd(Module):
    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    """``F.adaptive_avg_pool1d``: means over windows chosen to give ``output_size``."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return A.adaptive_avg_pool1d(x, self.output_size)


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    """``F.adaptive_avg_pool2d``: ``AdaptiveAvgPool2d(1)`` is global average pooling."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return A.adaptive_avg_pool2d(x, self.output_size)


class AdaptiveAvgPool3d(_AdaptivePoolNd):
    """``F.adaptive_avg_pool3d``: means over windows of the last three dims."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return A.adaptive_avg_pool3d(x, self.output_size)


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """``F.adaptive_max_pool1d``: maxima over windows chosen to give ``output_size``."""

    def forward(self, x: ag.Tensor) -> Any:
        return A.adaptive_max_pool1d(x, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """``F.adaptive_max_pool2d``: maxima over windows of the last two dims."""

    def forward(self, x: ag.Tensor) -> Any:
        return A.adaptive_max_pool2d(x, self.output_size, self.return_indices)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """``F.adaptive_max_pool3d``: maxima over windows of the last three dims."""

    def forward(self, x: ag.Tensor) -> Any:
        return A.adaptive_max_pool3d(x, self.output_size, self.return_indices)


class _MaxUnpoolNd(Module):
    dims = 1

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        name, n = type(self).__name__, self.dims
        self.kernel_size = P.int_tuple(kernel_size, n, name, "kernel_size")
        self.stride = P.int_tuple(stride if stride is not None else kernel_size, n, name,
                                  "stride")
        self.padding = P.int_tuple(padding, n, name, "padding")

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """``F.max_unpool1d``: puts pooled maxima back at their indices, zeros elsewhere;
    ``forward(input, indices, output_size=None)``."""

    def forward(self, x: ag.Tensor, indices: Any, output_size: Any = None) -> ag.Tensor:
        return U.max_unpool1d(x, indices, self.kernel_size, self.stride, self.padding,
                              output_size)


class MaxUnpool2d(_MaxUnpoolNd):
    """``F.max_unpool2d``: the partial inverse of ``MaxPool2d(return_indices=True)``."""

    dims = 2

    def forward(self, x: ag.Tensor, indices: Any, output_size: Any = None) -> ag.Tensor:
        return U.max_unpool2d(x, indices, self.kernel_size, self.stride, self.padding,
                              output_size)


class MaxUnpool3d(_MaxUnpoolNd):
    """``F.max_unpool3d``: the partial inverse of ``MaxPool3d(return_indices=True)``."""

    dims = 3

    def forward(self, x: ag.Tensor, indices: Any, output_size: Any = None) -> ag.Tensor:
        return U.max_unpool3d(x, indices, self.kernel_size, self.stride, self.padding,
                              output_size)
