"""PyTorch's ``torch.optim.swa_utils``: stochastic weight averaging (Izmailov et al., 2018)
and exponential moving averages of a model's weights — ``AveragedModel``, ``SWALR``,
``update_bn`` and the averaging functions."""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import autograd as ag
import nn

from .adafactor import lerp_
from .lr_scheduler import LRScheduler, _per_group
from .optimizer import Optimizer

AvgFn = Callable[[ag.Tensor, ag.Tensor, ag.Tensor], ag.Tensor]
MultiAvgFn = Callable[[list[ag.Tensor], list[ag.Tensor], ag.Tensor], None]


def _check_decay(decay: float) -> None:
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in "
                         "[0,1] range.")


def get_ema_multi_avg_fn(decay: float = 0.999) -> MultiAvgFn:
    """An in-place EMA over lists of tensors, ``W_ema = decay·W_ema + (1 − decay)·W``
    (as PyTorch's ``lerp`` for floating tensors; integer ones are rounded toward 0)."""
    _check_decay(decay)

    def ema_update(averaged: list[ag.Tensor], current: list[ag.Tensor], _: Any) -> None:
        for a, c in zip(averaged, current, strict=True):
            if a.dtype.kind == "f":
                lerp_(a.data, c.data, 1 - decay)
            else:
                a.data[...] = a.data * decay + c.data * (1 - decay)
            ag.mark_modified(a)

    return ema_update


def get_swa_multi_avg_fn() -> MultiAvgFn:
    """The in-place equal-weight average over lists of tensors:
    ``W_avg = W_avg + (W − W_avg) / (n + 1)`` after ``n`` models."""

    def swa_update(averaged: list[ag.Tensor], current: list[ag.Tensor],
                   num_averaged: Any) -> None:
        n = int(num_averaged.item() if isinstance(num_averaged, ag.Tensor) else num_averaged)
        for a, c in zip(averaged, current, strict=True):
            if a.dtype.kind == "f":
                lerp_(a.data, c.data, 1 / (n + 1))
            else:
                a.data[...] = a.data + (c.data - a.data) / (n + 1)
            ag.mark_modified(a)

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> AvgFn:
    """The EMA as an ``avg_fn``: returns ``decay·W_ema + (1 − decay)·W``."""
    _check_decay(decay)

    def ema_update(averaged: ag.Tensor, current: ag.Tensor, num_averaged: Any) -> ag.Tensor:
        return decay * averaged + (1 - decay) * current

    return ema_update


def get_swa_avg_fn() -> AvgFn:
    """The equal-weight average as an ``avg_fn``: ``W_avg + (W − W_avg) / (n + 1)``."""

    def swa_update(averaged: ag.Tensor, current: ag.Tensor, num_averaged: Any) -> ag.Tensor:
        return averaged + (current - averaged) / (num_averaged + 1)

    return swa_update


class AveragedModel(nn.Module):
    """A copy of ``model`` whose parameters (and, with ``use_buffers``, buffers) are a
    running average of ``model``'s, updated by ``update_parameters(model)``.

    The first update copies the weights; later ones apply ``avg_fn(avg, current,
    n_averaged)`` per tensor, ``multi_avg_fn(avgs, currents, n_averaged)`` in place over
    lists, or (neither given) the equal-weight SWA average. Without ``use_buffers`` the
    buffers (e.g. batch-norm statistics) are copied from ``model``; recompute them with
    ``update_bn``. ``n_averaged`` is an int64 buffer; the state_dict keys are PyTorch's
    (``n_averaged``, ``module.*``). ``device`` is accepted for PyTorch's signature; only
    None and "cpu" are meaningful here.
    """

    def __init__(self, model: nn.Module, device: Any = None, avg_fn: AvgFn | None = None,
                 multi_avg_fn: MultiAvgFn | None = None, use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise ValueError("AveragedModel: give only one of avg_fn and multi_avg_fn")
        if device not in (None, "cpu"):
            raise ValueError(f"AveragedModel: graphgrad computes on the CPU only, got "
                             f"device={device!r}")
        self.module = copy.deepcopy(model)
        self.register_buffer("n_averaged", ag.tensor(0, dtype=np.int64))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.module(*args, **kwargs)

    def _tensors(self, model: nn.Module) -> list[ag.Tensor]:
        if self.use_buffers:
            return list(itertools.chain(model.parameters(), model.buffers()))
        return list(model.parameters())

    def update_parameters(self, model: nn.Module) -> None:
        """Fold ``model``'s current weights into the average."""
        averaged, current = self._tensors(self.module), self._tensors(model)
        if len(averaged) != len(current):
            raise ValueError(f"AveragedModel.update_parameters: the model has {len(current)} "
                             f"tensors to average, the averaged copy {len(averaged)}; pass "
                             "a model of the same architecture")
        n = int(self.n_averaged.item())
        with ag.no_grad():
            if n == 0:
                for a, c in zip(averaged, current):
                    _assign(a, c.data)
            elif self.avg_fn is not None:
                for a, c in zip(averaged, current):
                    _assign(a, self.avg_fn(a.detach(), c.detach(), self.n_averaged).data)
            else:
                update = self.multi_avg_fn or _swa_per_tensor
                update(averaged, [c.detach() for c in current], self.n_averaged)
            if not self.use_buffers:
                for a, c in zip(self.module.buffers(), model.buffers(), strict=True):
                    _assign(a, c.data)
            _assign(self.n_averaged, np.asarray(n + 1))


def _assign(t: ag.Tensor, value: np.ndarray) -> None:
    t.data[...] = value
    ag.mark_modified(t)


def _swa_per_tensor(averaged: list[ag.Tensor], current: list[ag.Tensor],
                    num_averaged: ag.Tensor) -> None:
    """PyTorch's CPU path of the default average: ``avg + (cur − avg) / (n + 1)``."""
    n = int(num_averaged.item())
    for a, c in zip(averaged, current):
        _assign(a, a.data + (c.data - a.data) / np.asarray(n + 1))


def update_bn(loader: Iterable[Any], model: nn.Module, device: Any = None) -> None:
    """Recompute every batch norm's running statistics with one pass over ``loader``: the
    statistics are reset, ``momentum`` is set to None (a cumulative average) for the pass
    and restored after, and ``model`` runs in training mode, then returns to its mode.
    A batch that is a list or tuple feeds its first element to the model."""
    norms = [m for m in model.modules()
             if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d))]
    if not norms:
        return
    momenta = {m: m.momentum for m in norms}
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    was_training = model.training
    model.train()
    with ag.no_grad():
        for batch in loader:
            model(batch[0] if isinstance(batch, (list, tuple)) else batch)
    for m, momentum in momenta.items():
        m.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneals each group's learning rate to ``swa_lr`` (one value, or one per group) over
    ``anneal_epochs`` steps, by cosine (``(1 − cos πt)/2``) or linear interpolation, then
    holds it, as PyTorch's: each step recovers the rate the previous step started from and
    moves it to ``swa_lr·α + lr₀·(1 − α)``."""

    def __init__(self, optimizer: Optimizer, swa_lr: float | list[float],
                 anneal_epochs: int = 10, anneal_strategy: str = "cos",
                 last_epoch: int = -1) -> None:
        swa_lrs = _per_group("SWALR", "swa_lr", swa_lr, optimizer)
        for value, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = value
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"SWALR: anneal_strategy must be one of 'cos' or 'linear', "
                             f"instead got {anneal_strategy!r}")
        if isinstance(anneal_epochs, bool) or not isinstance(anneal_epochs, int) \
                or anneal_epochs < 0:
            raise ValueError(f"SWALR: anneal_epochs must be equal or greater than 0, got "
                             f"{anneal_epochs!r}")
        self._anneal_strategy = anneal_strategy
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def anneal_func(self, t: float) -> float:
        """The fraction of the way to ``swa_lr`` at progress ``t`` in [0, 1]."""
        return (1 - math.cos(math.pi * t)) / 2 if self._anneal_strategy == "cos" else t

    def get_lr(self) -> list[float]:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        rates = []
        for group in self.optimizer.param_groups:
            swa = group["swa_lr"]
            start = swa if prev_alpha == 1 else (group["lr"] - prev_alpha * swa) / (1 - prev_alpha)
            rates.append(swa * alpha + start * (1 - alpha))
        return rates
