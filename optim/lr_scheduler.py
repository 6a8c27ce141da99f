"""Learning-rate schedules: PyTorch's ``torch.optim.lr_scheduler`` and the course's decays.

A scheduler changes ``group["lr"]`` of its optimizer's parameter groups; call its
``step()`` once per epoch, after the epoch's ``optimizer.step()`` calls. Epochs are
counted by ``step()`` calls from 0 (the constructor performs the first one, as
PyTorch's do), and ``get_last_lr()`` gives the current rates. PyTorch's schedulers
here compute exactly what PyTorch computes (its recursive "chainable" forms where it
uses them), so the same sequence of rates comes out. The course's variants of
seed-inventory §9.8 map as follows:

- ``α = 0.95^epoch·α₀`` and ``α₀·k^epoch``: ``ExponentialLR(gamma=0.95)``;
- staircase ``α₀·0.5^⌊epoch/k⌋``: ``StepLR(step_size=k, gamma=0.5)``;
- ``α₀·exp(−d·t)``: ``ExponentialLR(gamma=exp(−d))``;
- ``α₀/(1 + decay_rate·epoch)``: ``InverseTimeDecay``; ``k·α₀/√epoch``: ``InverseSqrtDecay``.
"""

from __future__ import annotations

import math
import types
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from .optimizer import Optimizer


def _lrs(optimizer: Optimizer) -> list[float]:
    return [group["lr"] for group in optimizer.param_groups]


class LRScheduler:
    """Base class: subclasses give ``get_lr()``, the rates for epoch ``last_epoch``.

    ``last_epoch=-1`` starts a new schedule from each group's current ``lr`` (saved
    as ``group["initial_lr"]``); a later value resumes one, which needs those entries.
    A schedule covers the parameter groups its optimizer had when it was created.
    """

    optimizer: Optimizer
    _last_lr: list[float]

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an optim.Optimizer, got "
                            f"{type(optimizer).__name__}")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"{type(self).__name__}: param_groups[{i}] has no "
                                   f"'initial_lr', needed to resume at last_epoch="
                                   f"{last_epoch}; load the optimizer's state first")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last ``step()``, one per parameter group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer: numbers and lists, no Tensors."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state saved by ``state_dict()``."""
        self.__dict__.update(state_dict)

    def get_lr(self) -> list[float]:
        """The learning rates of the parameter groups at epoch ``last_epoch``."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_lr")

    def step(self) -> None:
        """Advance one epoch and set the optimizer's learning rates."""
        self._step_count += 1
        self.last_epoch += 1
        self._set(self.get_lr())

    def _set(self, values: list[float]) -> None:
        groups = self.optimizer.param_groups
        if len(values) != len(groups):
            raise ValueError(
                f"{type(self).__name__}.step: the optimizer has {len(groups)} parameter "
                f"groups but this schedule was made for {len(values)}; a group added with "
                "add_param_group after the scheduler was created has no schedule. Add every "
                "group first, then create the scheduler")
        for group, lr in zip(groups, values):
            group["lr"] = lr
        self._last_lr = _lrs(self.optimizer)


class LambdaLR(LRScheduler):
    """PyTorch's ``LambdaLR``: ``lr = base_lr · lr_lambda(epoch)``.

    ``lr_lambda`` is one function or a list of one per parameter group. The state
    holds the ``__dict__`` of callable objects, not plain functions (which can't be
    saved); re-create the scheduler with the same functions before loading.
    """

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"LambdaLR: expected {n} lr_lambdas (one per parameter "
                                 f"group), got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType) else dict(vars(fn))
                               for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("lr_lambdas")
        self.__dict__.update(state)
        for fn, attrs in zip(self.lr_lambdas, saved):
            if attrs is not None:
                vars(fn).update(attrs)


class StepLR(LRScheduler):
    """PyTorch's ``StepLR``: ``lr = base_lr · gamma^⌊epoch/step_size⌋`` (applied as a
    multiplication by ``gamma`` every ``step_size`` epochs). The course's staircase
    ``α₀·0.5^⌊epoch/k⌋`` is ``StepLR(opt, step_size=k, gamma=0.5)``."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        if not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive integer, got {step_size!r}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return _lrs(self.optimizer)
        return [lr * self.gamma for lr in _lrs(self.optimizer)]


class MultiStepLR(LRScheduler):
    """PyTorch's ``MultiStepLR``: multiply the rate by ``gamma`` at each milestone epoch,
    so ``lr = base_lr · gamma^(number of milestones ≤ epoch)``."""

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return _lrs(self.optimizer)
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [lr * factor for lr in _lrs(self.optimizer)]


class ExponentialLR(LRScheduler):
    """PyTorch's ``ExponentialLR``: ``lr = base_lr · gamma^epoch`` (one multiplication by
    ``gamma`` per epoch). With ``gamma=0.95`` it is the course's ``α = 0.95^epoch·α₀``."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return _lrs(self.optimizer)
        return [lr * self.gamma for lr in _lrs(self.optimizer)]


class CosineAnnealingLR(LRScheduler):
    """PyTorch's ``CosineAnnealingLR``::

        lr = eta_min + (base_lr − eta_min)·(1 + cos(π·epoch/T_max))/2

    computed, as PyTorch does, recursively from the previous epoch's rate (so it
    composes with other changes of ``lr``); past ``T_max`` it rises again.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,  # noqa: N803
                 last_epoch: int = -1) -> None:
        if T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be positive, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        e, T, lo = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return _lrs(self.optimizer)
        if self._step_count == 1 and e > 0:
            return [lo + (base - lo) * (1 + math.cos(e * math.pi / T)) / 2
                    for base in self.base_lrs]
        if (e - 1 - T) % (2 * T) == 0:
            return [lr + (base - lo) * (1 - math.cos(math.pi / T)) / 2
                    for base, lr in zip(self.base_lrs, _lrs(self.optimizer))]
        ratio = (1 + math.cos(math.pi * e / T)) / (1 + math.cos(math.pi * (e - 1) / T))
        return [ratio * (lr - lo) + lo for lr in _lrs(self.optimizer)]


class CosineAnnealingWarmRestarts(LRScheduler):
    """PyTorch's ``CosineAnnealingWarmRestarts`` (SGDR)::

        lr = eta_min + (base_lr − eta_min)·(1 + cos(π·T_cur/T_i))/2

    ``T_cur`` counts epochs since the last restart; a restart happens when it reaches
    ``T_i``, which starts at ``T_0`` and is multiplied by ``T_mult`` at each restart.
    ``step(epoch)`` accepts a fractional epoch (e.g. ``epoch + i/iters`` per batch).
    The notes' warm restarts (seed-inventory §9.8: back to α₀ every T₀ steps, halving
    in between) differ in the decay between restarts.
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1,  # noqa: N803
                 eta_min: float = 0.0, last_epoch: int = -1) -> None:
        if not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(f"CosineAnnealingWarmRestarts: T_0 must be a positive integer, "
                             f"got {T_0!r}")
        if not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(f"CosineAnnealingWarmRestarts: T_mult must be an integer >= 1, "
                             f"got {T_mult!r}")
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        lo = self.eta_min
        return [lo + (base - lo) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or go to ``epoch`` (may be fractional)."""
        self._step_count += 1
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur %= self.T_i
                self.T_i *= self.T_mult
        elif epoch < 0:
            raise ValueError(f"CosineAnnealingWarmRestarts.step: epoch must be >= 0, got "
                             f"{epoch}")
        elif epoch >= self.T_0:
            if self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:
                n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult**n
        else:
            self.T_i = self.T_0
            self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        self._set(self.get_lr())


class InverseTimeDecay(LRScheduler):
    """The course's time-based decay (**course**, seed-inventory §9.8)::

        α = α₀ / (1 + decay_rate·epoch)

    With α₀ = 0.2 and decay_rate = 1, epochs 1-4 give 0.1, 0.0667, 0.05, 0.04 (S2's
    worked example); epoch 0 (before the first ``step()``) keeps α₀, as in S3's code.
    PyTorch has no such class (``LambdaLR`` with ``lambda e: 1/(1 + d·e)`` does it).
    """

    def __init__(self, optimizer: Optimizer, decay_rate: float, last_epoch: int = -1) -> None:
        if not isinstance(decay_rate, (int, float)) or decay_rate < 0:
            raise ValueError(f"InverseTimeDecay: decay_rate must be a number >= 0, got "
                             f"{decay_rate!r}")
        self.decay_rate = decay_rate
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base / (1 + self.decay_rate * self.last_epoch) for base in self.base_lrs]


class InverseSqrtDecay(LRScheduler):
    """The course's square-root decay (**course**, seed-inventory §9.8)::

        α = α₀                  at epoch 0
        α = k·α₀ / √epoch       from epoch 1 on

    The notes' formula is undefined at epoch 0 (conflict §16.9); α₀ is kept there.
    """

    def __init__(self, optimizer: Optimizer, k: float = 1.0, last_epoch: int = -1) -> None:
        if not isinstance(k, (int, float)) or k <= 0:
            raise ValueError(f"InverseSqrtDecay: k must be a positive number, got {k!r}")
        self.k = k
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return list(self.base_lrs)
        return [self.k * base / math.sqrt(self.last_epoch) for base in self.base_lrs]


class ReduceLROnPlateau(LRScheduler):
    """PyTorch's ``ReduceLROnPlateau``: multiply the rate by ``factor`` when a metric
    stops improving — the course's "manual" decay (seed-inventory §9.8) made automatic.

    ``step(metric)`` once per epoch. A value is an improvement when it beats the best
    so far by ``threshold`` (relative: ``best·(1 ∓ threshold)``, or absolute); after
    more than ``patience`` epochs without one, each group's rate becomes
    ``max(lr·factor, min_lr)`` (changes smaller than ``eps`` are skipped), then
    ``cooldown`` epochs pass before bad epochs count again. A group added to the
    optimizer later gets the scalar ``min_lr`` (a list of ``min_lr`` must then be
    extended through ``min_lrs``, as in PyTorch). Like PyTorch's, it is an
    ``LRScheduler`` whose ``step`` takes the metric and which sets no rate when created.
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | list[float] = 0.0,
                 eps: float = 1e-8) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau: expected an optim.Optimizer, got "
                            f"{type(optimizer).__name__}")
        if not 0 < factor < 1:
            raise ValueError(f"ReduceLROnPlateau: factor must lie in (0, 1), got {factor!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got "
                             f"{threshold_mode!r}")
        n = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n:
                raise ValueError(f"ReduceLROnPlateau: expected {n} min_lrs, got {len(min_lr)}")
            self.default_min_lr = None
            self.min_lrs = list(min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * n
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self._last_lr = _lrs(optimizer)

    def _is_better(self, a: float) -> bool:
        best = self.best
        if self.mode == "min":
            return a < (best * (1 - self.threshold) if self.threshold_mode == "rel"
                        else best - self.threshold)
        return a > (best * (1 + self.threshold) if self.threshold_mode == "rel"
                    else best + self.threshold)

    def step(self, metrics: float) -> None:
        """Record this epoch's metric and lower the rates if it has plateaued."""
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._match_groups()
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, min_lr)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = _lrs(self.optimizer)

    def _match_groups(self) -> None:
        """One ``min_lr`` per parameter group, also for groups added since creation."""
        n = len(self.optimizer.param_groups)
        if len(self.min_lrs) == n:
            return
        if self.default_min_lr is None:
            raise ValueError(
                f"ReduceLROnPlateau.step: the optimizer has {n} parameter groups but "
                f"min_lr was given as a list of {len(self.min_lrs)}; after add_param_group, "
                "set scheduler.min_lrs to a list with one value per group")
        self.min_lrs = [self.default_min_lr] * n
