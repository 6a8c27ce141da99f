"""``LayerNorm`` and ``RMSNorm``: per-example normalization with PyTorch's semantics."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from . import init
from .functional.normalization import _layer_norm, _normalized_shape, _rms_norm
from .module import Module
from .parameter import Parameter


class LayerNorm(Module):
    """Normalize each example over its last ``len(normalized_shape)`` dimensions (PyTorch's
    ``nn.LayerNorm``; ``F.layer_norm``):

        y = (x − E[x]) / sqrt(Var[x] + eps) · weight + bias

    with the mean and the *biased* (1/n) variance taken over those dimensions. The
    statistics are per example, so there are no running buffers and train and eval modes
    compute the same thing.

    * ``normalized_shape``: an int (the last dimension, e.g. the feature size) or a
      tuple of the trailing sizes; input ``(*, *normalized_shape)`` → the same shape;
    * ``elementwise_affine=True`` gives a learnable ``weight`` (ones) and ``bias`` (zeros) of
      shape ``normalized_shape``, created in the default dtype (``dtype=`` overrides it), as
      ``Linear`` and ``BatchNorm1d`` do; ``bias=False`` keeps the weight only;
    * ``eps=1e-5`` (PyTorch's), inside the square root.
    """

    def __init__(self, normalized_shape: int | tuple[int, ...] | list[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        self.normalized_shape = _normalized_shape(normalized_shape, "LayerNorm")
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        if elementwise_affine:
            self.weight = Parameter(np.empty(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.empty(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Weight 1 and bias 0: the layer starts as pure normalization."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return _layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps,
                           f"{type(self).__name__}({self.extra_repr()})")

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class RMSNorm(Module):
    """Root mean square normalization over the last ``len(normalized_shape)`` dimensions
    (PyTorch's ``nn.RMSNorm``; ``F.rms_norm``):

        y = x / sqrt(mean(x²) + eps) · weight

    No mean is subtracted and there is no bias (Zhang & Sennrich, 2019). ``eps=None`` uses
    the machine epsilon of the input's dtype (float32's for float32 and narrower), as
    PyTorch's; ``elementwise_affine=True`` gives a learnable ``weight`` of ones of shape
    ``normalized_shape``, in the default dtype unless ``dtype=`` is given. Input
    ``(*, *normalized_shape)`` → the same shape.
    """

    def __init__(self, normalized_shape: int | tuple[int, ...] | list[int],
                 eps: float | None = None, elementwise_affine: bool = True,
                 dtype: Any = None) -> None:
        super().__init__()
        self.normalized_shape = _normalized_shape(normalized_shape, "RMSNorm")
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self) -> None:
        """Weight 1: the layer starts as pure RMS normalization."""
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return _rms_norm(x, self.normalized_shape, self.weight, self.eps,
                         f"{type(self).__name__}({self.extra_repr()})")

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
