"""Convolution layers: ``Conv1d/2d/3d`` and ``ConvTranspose1d/2d/3d`` (PyTorch's).

Each layer holds ``weight`` (and ``bias``) with PyTorch's names, shapes and default
initialization and calls the functional form (``nn.functional.conv``). The padding
modes other than zeros pad the input first with ``F.pad``, as PyTorch's layers do.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag

from . import init
from .functional.conv import conv_pads, convolution, transposed_convolution
from .functional.fold import ntuple
from .functional.padding import pad
from .module import Module
from .parameter import Parameter

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What the convolution layers share: arguments, parameters, init and repr."""

    _nd = 0
    _transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any,
                 padding: Any, dilation: Any, output_padding: Any, groups: int, bias: bool,
                 padding_mode: str, dtype: Any, rng: np.random.Generator | None) -> None:
        super().__init__()
        name, nd = type(self).__name__, self._nd
        for what, value in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"{name}: {what} must be a positive int, got {value!r}")
        if not isinstance(groups, (int, np.integer)) or groups <= 0:
            raise ValueError(f"{name}: groups must be a positive integer, got {groups!r}")
        for what, value in (("in_channels", in_channels), ("out_channels", out_channels)):
            if value % groups:
                raise ValueError(f"{name}: {what} ({value}) must be divisible by groups "
                                 f"({groups})")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {_PADDING_MODES}, got "
                             f"{padding_mode!r}")
        if self._transposed and padding_mode != "zeros":
            raise ValueError(f'{name}: only "zeros" padding mode is supported, got '
                             f"{padding_mode!r}")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = ntuple(kernel_size, nd, "kernel_size", name, 1)
        self.stride = ntuple(stride, nd, "stride", name, 1)
        self.dilation = ntuple(dilation, nd, "dilation", name, 1)
        self.output_padding = ntuple(output_padding, nd, "output_padding", name, 0)
        self.transposed = self._transposed
        self.groups = int(groups)
        self.padding_mode = padding_mode
        if isinstance(padding, str) and self._transposed:
            raise ValueError(f"{name}: padding must be an int or a tuple of ints, got "
                             f"{padding!r}")
        self._pads = conv_pads(name, padding, self.kernel_size, self.dilation, self.stride)
        self.padding = padding if isinstance(padding, str) else tuple(lo for lo, _ in self._pads)
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        channels = ((in_channels, out_channels // groups) if self._transposed
                    else (out_channels, in_channels // groups))
        self.weight = Parameter(np.empty(channels + self.kernel_size, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((out_channels,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """PyTorch's default: ``kaiming_uniform_(a=√5)`` for the weight, i.e.
        U(±1/sqrt(fan_in)) with ``fan_in = weight.shape[1]·∏kernel_size``, and the bias
        from the same U(±1/sqrt(fan_in))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5.0), rng=rng)
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.weight.shape[1] * math.prod(self.kernel_size))
            init.uniform_(self.bias, -bound, bound, rng=rng)

    def _checked_rank(self, input: Any) -> ag.Tensor:
        x = input if isinstance(input, ag.Tensor) else ag.as_tensor(input)
        if x.ndim not in (self._nd + 1, self._nd + 2):
            raise ag.ShapeError(f"{type(self).__name__}: expected a {self._nd + 1}-D "
                                f"(unbatched) or {self._nd + 2}-D (batched) input, got shape "
                                f"{x.shape}")
        return x

    def extra_repr(self) -> str:
        nd = self._nd
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if isinstance(self.padding, str) or self.padding != (0,) * nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, 0,
                         groups, bias, padding_mode, dtype, rng)

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return self._conv_forward(input, self.weight, self.bias)

    def _conv_forward(self, input: ag.Tensor, weight: ag.Tensor,
                      bias: ag.Tensor | None) -> ag.Tensor:
        """This layer's convolution with another ``weight`` and ``bias`` (PyTorch's hook for
        layers that transform their weight first, e.g. weight standardization)."""
        name, padding = type(self).__name__, self.padding
        x = self._checked_rank(input)
        if self.padding_mode != "zeros":
            flat = tuple(v for lo_hi in reversed(self._pads) for v in lo_hi)  # torch's order
            x, padding = pad(x, flat, mode=self.padding_mode), 0
        return convolution(name, self._nd, x, weight, bias, self.stride, padding,
                           self.dilation, self.groups)


class Conv1d(_Conv):
    """1-D convolution over ``(N, C_in, L)`` (or unbatched ``(C_in, L)``) → ``(N, C_out,
    L_out)`` (PyTorch's ``nn.Conv1d``; see ``functional.conv1d`` for the formula). weight
    ``(C_out, C_in/groups, k)``, bias ``(C_out,)``; ``padding`` an int, a tuple, ``'valid'``
    or ``'same'``; ``padding_mode`` ``'zeros'``, ``'reflect'``, ``'replicate'`` or
    ``'circular'``. Default init PyTorch's: U(±1/sqrt(fan_in)) for weight and bias,
    ``fan_in = C_in/groups·k``; drawn from ``rng`` or the global generator, in ``dtype``
    (default: the default dtype)."""

    _nd = 1


class Conv2d(_Conv):
    """2-D convolution over ``(N, C_in, H, W)`` (or unbatched ``(C_in, H, W)``) →
    ``(N, C_out, H_out, W_out)`` (PyTorch's ``nn.Conv2d``; see ``functional.conv2d``).
    weight ``(C_out, C_in/groups, kH, kW)``, bias ``(C_out,)``; arguments, padding modes
    and default init as ``Conv1d``'s, with ``fan_in = C_in/groups·kH·kW``."""

    _nd = 2


class Conv3d(_Conv):
    """3-D convolution over ``(N, C_in, D, H, W)`` (or unbatched) (PyTorch's
    ``nn.Conv3d``; see ``functional.conv3d``). weight ``(C_out, C_in/groups, kD, kH, kW)``;
    arguments, padding modes and default init as ``Conv1d``'s."""

    _nd = 3


class _ConvTranspose(_ConvNd):
    _transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         output_padding, groups, bias, padding_mode, dtype, rng)

    def _output_padding(self, input: ag.Tensor, output_size: Any) -> tuple[int, ...]:
        """The ``output_padding`` that makes the output ``output_size`` (PyTorch's rule:
        any size from the smallest output up to ``stride − 1`` more)."""
        if output_size is None:
            return self.output_padding
        nd, name = self._nd, type(self).__name__
        lead = 2 if input.ndim == nd + 2 else 1
        sizes = tuple(int(s) for s in output_size)
        if len(sizes) == lead + nd:
            sizes = sizes[lead:]
        if len(sizes) != nd:
            raise ValueError(f"{name}: for {input.ndim}-D input, output_size must have {nd} "
                             f"or {nd + lead} elements (got {len(sizes)})")
        smallest = tuple((input.shape[lead + i] - 1) * self.stride[i] - 2 * self.padding[i]
                         + self.dilation[i] * (self.kernel_size[i] - 1) + 1 for i in range(nd))
        for size, low, step in zip(sizes, smallest, self.stride):
            if not low <= size <= low + step - 1:
                raise ValueError(f"{name}: requested an output size of {sizes}, but valid "
                                 f"sizes range from {smallest} to "
                                 f"{tuple(m + s - 1 for m, s in zip(smallest, self.stride))} "
                                 f"(for an input of {tuple(input.shape[lead:])})")
        return tuple(size - low for size, low in zip(sizes, smallest))

    def forward(self, input: ag.Tensor, output_size: Any = None) -> ag.Tensor:
        x = self._checked_rank(input)
        return transposed_convolution(type(self).__name__, self._nd, x, self.weight, self.bias,
                                      self.stride, self.padding,
                                      self._output_padding(x, output_size), self.groups,
                                      self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """1-D transposed convolution (PyTorch's ``nn.ConvTranspose1d``; the gradient of
    ``Conv1d`` with respect to its input, see ``functional.conv_transpose1d``):
    ``(N, C_in, L)`` → ``(N, C_out, (L − 1)·stride − 2·padding + dilation·(k − 1) +
    output_padding + 1)``. weight ``(C_in, C_out/groups, k)``, bias ``(C_out,)``; padding
    mode zeros only. ``forward(input, output_size=None)`` may ask for an output size, which
    picks ``output_padding``. Default init PyTorch's: U(±1/sqrt(fan_in)) with
    ``fan_in = C_out/groups·k`` (the weight's dim 1, as PyTorch computes it)."""

    _nd = 1


class ConvTranspose2d(_ConvTranspose):
    """2-D transposed convolution (PyTorch's ``nn.ConvTranspose2d``): ``(N, C_in, H, W)``
    → ``(N, C_out, H_out, W_out)``, each size as ``ConvTranspose1d``'s; weight
    ``(C_in, C_out/groups, kH, kW)``. See ``ConvTranspose1d``."""

    _nd = 2


class ConvTranspose3d(_ConvTranspose):
    """3-D transposed convolution (PyTorch's ``nn.ConvTranspose3d``); weight
    ``(C_in, C_out/groups, kD, kH, kW)``. See ``ConvTranspose1d``."""

    _nd = 3
