"""``InstanceNorm1d``, ``InstanceNorm2d``, ``InstanceNorm3d``: per-example, per-channel
normalization with PyTorch's semantics."""

from __future__ import annotations

import warnings
from typing import Any

import autograd as ag

from .batchnorm import NormBase
from .functional.group_norm import instance_norm


class _InstanceNorm(NormBase):
    """The shared body of the InstanceNorm layers; a subclass names its batched rank."""

    _rank = 0
    _layout = ""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, dtype,
                         bias=bias)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        name = type(self).__name__
        x = x if isinstance(x, ag.Tensor) else ag.as_tensor(x)
        if x.ndim not in (self._rank, self._rank - 1):
            raise ag.ShapeError(f"{name}: expected {self._rank - 1}D (unbatched) or "
                                f"{self._rank}D input {self._layout}, got input of shape "
                                f"{tuple(x.shape)}")
        unbatched = x.ndim == self._rank - 1
        batched = x.unsqueeze(0) if unbatched else x
        if batched.shape[1] != self.num_features:
            message = (f"{name}: expected input's size at dim={int(not unbatched)} to match "
                       f"num_features ({self.num_features}), but got: {batched.shape[1]}")
            if self.affine or self.track_running_stats:
                raise ag.ShapeError(message)
            warnings.warn(f"{message}; the layer has no per-channel state, so it normalizes "
                          "the given channels", stacklevel=2)
        # PyTorch's InstanceNorm counts no batches: momentum=None means 0 (buffers stay put)
        out = instance_norm(batched, self.running_mean, self.running_var, self.weight,
                            self.bias, self.training or not self.track_running_stats,
                            0.0 if self.momentum is None else self.momentum, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of sequences (PyTorch's ``nn.InstanceNorm1d``;
    ``F.instance_norm`` has the formula): each channel of each example of ``(N, C, L)``
    input (or unbatched ``(C, L)``) normalized over its L positions with its own mean and
    biased variance, then ``·weight_c + bias_c`` when ``affine=True`` (off by default, as
    PyTorch's; ``bias=False`` keeps the weight only).

    ``track_running_stats=True`` (off by default) keeps ``running_mean``/``running_var``
    (updated in training with the batch-averaged instance statistics, the variance
    unbiased) and uses them in eval mode; without it eval uses the input's statistics.
    ``momentum=None`` leaves the buffers unchanged: PyTorch's InstanceNorm passes 0 for it
    and never counts ``num_batches_tracked``.
    """

    _rank = 3
    _layout = "(N, C, L)"


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of images ``(N, C, H, W)`` (or unbatched ``(C, H, W)``),
    per example and channel over the H·W pixels (PyTorch's ``nn.InstanceNorm2d``); the
    arguments, buffers and modes are ``InstanceNorm1d``'s."""

    _rank = 4
    _layout = "(N, C, H, W)"


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of volumes ``(N, C, D, H, W)`` (or unbatched
    ``(C, D, H, W)``) over the D·H·W positions (PyTorch's ``nn.InstanceNorm3d``); the
    arguments, buffers and modes are ``InstanceNorm1d``'s."""

    _rank = 5
    _layout = "(N, C, D, H, W)"
