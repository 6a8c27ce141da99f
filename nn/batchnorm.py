"""``BatchNorm1d``, ``BatchNorm2d``, ``BatchNorm3d``: batch normalization with PyTorch's
semantics (seed inventory §11)."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from .functional import batch_norm
from .module import Module
from .parameter import Parameter


class NormBase(Module):
    """The state of the batch and instance norms: ``weight``/``bias`` (ones and zeros of
    shape ``(num_features,)``, when ``affine``; ``bias=False`` keeps the weight only) and the
    ``running_mean``/``running_var``/``num_batches_tracked`` buffers (when
    ``track_running_stats``), named and ordered as PyTorch's ``_NormBase``."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_features <= 0:
            raise ValueError(f"{type(self).__name__}: num_features must be positive, got "
                             f"{num_features}")
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.register_parameter(
            "weight", Parameter(np.ones(num_features, dtype=dtype)) if affine else None)
        self.register_parameter(
            "bias", Parameter(np.zeros(num_features, dtype=dtype)) if affine and bias else None)
        tracked = track_running_stats
        self.register_buffer("running_mean",
                             ag.zeros(num_features, dtype=dtype) if tracked else None)
        self.register_buffer("running_var",
                             ag.ones(num_features, dtype=dtype) if tracked else None)
        self.register_buffer("num_batches_tracked",
                             ag.tensor(0, dtype=np.int64) if tracked else None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            with ag.no_grad():
                self.running_mean.fill_(0)
                self.running_var.fill_(1)
                self.num_batches_tracked.fill_(0)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class _BatchNorm(NormBase):
    """The shared body of the BatchNorm layers; a subclass names its input ranks."""

    _ranks: tuple[int, ...] = ()
    _layout = ""
    _hint = ""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        ndim = getattr(x, "ndim", np.ndim(x))
        if ndim not in self._ranks:
            ranks = " or ".join(f"{r}D" for r in self._ranks)
            raise ag.ShapeError(f"{type(self).__name__}: expected {ranks} input {self._layout}, "
                                f"got input of shape {tuple(np.shape(x))}{self._hint}")
        momentum = self.momentum
        if self.training and self.track_running_stats:
            with ag.no_grad():
                self.num_batches_tracked.add_(1)
            if momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked.item())
        return batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                          self.training, 0.0 if momentum is None else momentum, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalization over ``(N, C)`` (or ``(N, C, L)``) input, per feature C.

    PyTorch's ``nn.BatchNorm1d`` exactly; the course's algorithm (§11) with
    PyTorch's choices where the notes leave room:

    * training: ``x̂ = (x − μ_B)/sqrt(σ²_B + eps)`` with the batch mean and the
      *biased* (1/m) batch variance, then ``y = γ·x̂ + β``;
    * running statistics, updated every training call:
      ``running = (1 − momentum)·running + momentum·batch_stat``, where the
      running variance takes the *unbiased* batch variance (m/(m − 1)·σ²_B), as
      PyTorch does. ``momentum=0.1`` is the course's ``μ_final = 0.9·μ_final +
      0.1·μ``; ``momentum=None`` gives the cumulative average over the
      ``num_batches_tracked`` batches;
    * eval: normalize with the running statistics;
    * γ (``weight``) starts at 1 and β (``bias``) at 0, so the layer starts as
      pure normalization; ``affine=False`` drops them, ``bias=False`` drops β only
      (PyTorch 2.13's keyword);
    * ``eps=1e-5`` (PyTorch's; the course suggests 1e-8), inside the sqrt;
    * ``track_running_stats=False``: no buffers, batch statistics in eval too;
    * the input has the layer's dtype, or is float16 with a float32 layer (output
      float16), as PyTorch's CPU rule; anything else is refused with the fix.

    The bias of the layer before it is cancelled by the mean subtraction and β
    takes its role, so the course drops it (§11, "db is gone")::

        model = nn.Sequential(
            nn.Linear(784, 128, bias=False),   # W only: BN's β replaces b
            nn.BatchNorm1d(128),
            nn.ReLU(),
            nn.Linear(128, 10),
        )
    """

    _ranks = (2, 3)
    _layout = "(N, C) or (N, C, L)"
    _hint = "; data in the course's (features, examples) layout needs a transpose: x.T"


class BatchNorm2d(_BatchNorm):
    """Batch normalization of images ``(N, C, H, W)``, per channel C (PyTorch's
    ``nn.BatchNorm2d``): each channel's mean and biased variance are taken over the batch
    and every pixel (m = N·H·W values), the running variance takes the unbiased one; the
    arguments, buffers, eval mode and dtype rule are ``BatchNorm1d``'s. Used after a
    convolution, whose bias it cancels (``bias=False`` on the conv)."""

    _ranks = (4,)
    _layout = "(N, C, H, W)"


class BatchNorm3d(_BatchNorm):
    """Batch normalization of volumes ``(N, C, D, H, W)``, per channel C (PyTorch's
    ``nn.BatchNorm3d``), statistics over m = N·D·H·W values; otherwise ``BatchNorm1d``."""

    _ranks = (5,)
    _layout = "(N, C, D, H, W)"
