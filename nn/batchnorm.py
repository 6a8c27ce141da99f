"""``BatchNorm1d``: batch normalization with PyTorch's semantics (seed inventory §11)."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from .functional import batch_norm
from .module import Module
from .parameter import Parameter


class BatchNorm1d(Module):
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

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_features <= 0:
            raise ValueError(f"BatchNorm1d: num_features must be positive, got {num_features}")
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(num_features, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", ag.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ag.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", ag.tensor(0, dtype=np.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            with ag.no_grad():
                self.running_mean.fill_(0)
                self.running_var.fill_(1)
                self.num_batches_tracked.fill_(0)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        momentum = self.momentum
        if self.training and self.track_running_stats:
            with ag.no_grad():
                self.num_batches_tracked.add_(1)
            if momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked.item())
        return batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                          self.training, 0.0 if momentum is None else momentum, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")
