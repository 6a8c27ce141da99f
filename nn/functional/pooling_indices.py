"""PyTorch's ``*_with_indices`` pooling functions: ``max_pool1d/2d/3d_with_indices`` and
``adaptive_max_pool1d/2d/3d_with_indices`` always return ``(output, indices)``, whatever
``return_indices`` says (PyTorch accepts the flag and ignores it). They call the pooling
in ``pooling`` and ``adaptive_pooling``, so values, indices and gradients are theirs."""

from __future__ import annotations

from typing import Any

import autograd as ag

from .adaptive_pooling import adaptive_max_pool1d, adaptive_max_pool2d, adaptive_max_pool3d
from .pooling import max_pool1d, max_pool2d, max_pool3d

Pooled = tuple[ag.Tensor, ag.Tensor]


def max_pool1d_with_indices(input: ag.Tensor, kernel_size: Any, stride: Any = None,
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> Pooled:
    """``max_pool1d(..., return_indices=True)``: each window's maximum and its index in
    ``L`` (int64)."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input: ag.Tensor, kernel_size: Any, stride: Any = None,
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> Pooled:
    """``max_pool2d(..., return_indices=True)``: indices flat in each ``H×W`` plane."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input: ag.Tensor, kernel_size: Any, stride: Any = None,
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> Pooled:
    """``max_pool3d(..., return_indices=True)``: indices flat in each ``D×H×W`` volume."""
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input: ag.Tensor, output_size: Any,
                                     return_indices: bool = False) -> Pooled:
    """``adaptive_max_pool1d(..., return_indices=True)``."""
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input: ag.Tensor, output_size: Any,
                                     return_indices: bool = False) -> Pooled:
    """``adaptive_max_pool2d(..., return_indices=True)``."""
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input: ag.Tensor, output_size: Any,
                                     return_indices: bool = False) -> Pooled:
    """``adaptive_max_pool3d(..., return_indices=True)``."""
    return adaptive_max_pool3d(input, output_size, True)
