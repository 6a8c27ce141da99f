"""Learning-rate schedules: PyTorch's ``torch.optim.lr_scheduler`` and the course's decays.

A scheduler changes ``group["lr"]`` of its optimizer's parameter groups; call its
``step()`` once per epoch, after the epoch's ``optimizer.step()`` calls. Epochs are
counted by ``step()`` calls from 0 (the constructor performs the first one, as
PyTorch's do), and ``get_last_lr()`` gives the current rates. PyTorch's schedulers
here compute exactly what PyTorch computes (its recursive "chainable" forms where it
uses them), so the same sequence of rates comes out:

- ``LambdaLR``, ``MultiplicativeLR``, ``StepLR``, ``MultiStepLR``, ``ConstantLR``,
  ``LinearLR``, ``ExponentialLR``, ``PolynomialLR``, ``CosineAnnealingLR``,
  ``CosineAnnealingWarmRestarts``, ``OneCycleLR`` and ``CyclicLR`` (per batch, both
  also cycle momentum) and ``ReduceLROnPlateau``;
- ``SequentialLR`` (one scheduler after another, switching at milestones) and
  ``ChainedScheduler`` (several at once), which combine the others.

The course's variants of seed-inventory §9.8 map as follows:

- ``α = 0.95^epoch·α₀`` and ``α₀·k^epoch``: ``ExponentialLR(gamma=0.95)``;
- staircase ``α₀·0.5^⌊epoch/k⌋``: ``StepLR(step_size=k, gamma=0.5)``;
- ``α₀·exp(−d·t)``: ``ExponentialLR(gamma=exp(−d))``;
- ``α₀/(1 + decay_rate·epoch)``: ``InverseTimeDecay``; ``k·α₀/√epoch``: ``InverseSqrtDecay``.
"""

from __future__ import annotations

import math
import numbers
import types
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .optimizer import Optimizer


def _lrs(optimizer: Optimizer) -> list[float]:
    return [group["lr"] for group in optimizer.param_groups]


def _positive_int(owner: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{owner}: {name} must be a positive integer, got {value!r}")
    return int(value)


def _in_range(owner: str, name: str, value: Any, low: float, high: float,
              low_open: bool = False) -> None:
    """Raise a ValueError naming ``owner`` unless ``low <= value <= high`` (or ``low <``)."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not (low < value if low_open else low <= value) or not value <= high):
        bounds = (f"lie in {'(' if low_open else '['}{low}, {high}]" if high < math.inf
                  else f"be a number {'>' if low_open else '>='} {low}")
        raise ValueError(f"{owner}: {name} must {bounds}, got {value!r}")


def _per_group(owner: str, name: str, value: Any, optimizer: Optimizer) -> list[Any]:
    """One value per parameter group: a list or tuple of them, or one for all."""
    n = len(optimizer.param_groups)
    if not isinstance(value, (list, tuple)):
        return [value] * n
    if len(value) != n:
        raise ValueError(f"{owner}: expected {n} values of {name} (one per parameter group), "
                         f"got {len(value)}")
    return list(value)


def _check_cyclable(owner: str, optimizer: Optimizer) -> None:
    """A schedule that cycles momentum needs an optimizer that has one."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(
            f"{owner}: cycle_momentum=True needs an optimizer with 'momentum' (SGD, "
            f"RMSprop) or 'betas' (Adam, AdamW); {type(optimizer).__name__} has "
            "neither. Pass cycle_momentum=False")


def _set_momentum(group: dict[str, Any], value: float, use_beta1: bool) -> None:
    """Set a group's ``momentum``, or the first of its ``betas`` (Adam's momentum)."""
    if use_beta1:
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value


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
        self._initial_step()

    def _initial_step(self) -> None:
        """Count steps from here and take the first one (``SequentialLR`` repeats this)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
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
        self._update_lr()

    def _update_lr(self, epoch: int | None = None) -> None:
        """Go to the next epoch, or jump to ``epoch`` (``SequentialLR`` jumps to 0 at a
        milestone), and set the rates; a jump uses ``_get_closed_form_lr`` where the
        class has one, the recursive ``get_lr`` otherwise, as in PyTorch."""
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form is not None else self.get_lr()
        self._set(values)

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


class _LambdaSchedule(LRScheduler):
    """``LambdaLR`` and ``MultiplicativeLR``: ``lr_lambda`` is one function of the epoch
    or a list of one per parameter group. The state holds the ``__dict__`` of callable
    objects, not plain functions (which can't be saved); re-create the scheduler with
    the same functions before loading."""

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        name = type(self).__name__
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"{name}: expected {n} lr_lambdas (one per parameter "
                                 f"group), got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"{name}: lr_lambda should be a function of the epoch, got "
                                f"a {type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

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


class LambdaLR(_LambdaSchedule):
    """PyTorch's ``LambdaLR``: ``lr = base_lr · lr_lambda(epoch)``, with ``epoch`` the
    ``last_epoch`` reached. ``lr_lambda`` is one function or a list of one per
    parameter group; only callable objects' attributes are saved in the state."""

    def get_lr(self) -> list[float]:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaSchedule):
    """PyTorch's ``MultiplicativeLR``: ``lr = lr_prev · lr_lambda(epoch)`` from epoch 1 on
    (``epoch`` = ``last_epoch``; epoch 0 keeps ``base_lr``), so
    ``lr = base_lr · ∏_{e=1..epoch} lr_lambda(e)``. ``lr_lambda`` is one function or a
    list of one per parameter group; only callable objects' attributes are saved."""

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return _lrs(self.optimizer)
        return [lr * fn(self.last_epoch) for fn, lr in zip(self.lr_lambdas, _lrs(self.optimizer))]


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

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size)
                for base in self.base_lrs]


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

    def _get_closed_form_lr(self) -> list[float]:
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma**passed for base in self.base_lrs]


class ConstantLR(LRScheduler):
    """PyTorch's ``ConstantLR``: ``lr = base_lr · factor`` while ``epoch < total_iters``,
    then ``base_lr`` (``epoch`` = ``last_epoch``).

    Applied, as PyTorch does, as a multiplication by ``factor`` at epoch 0 and by
    ``1/factor`` at epoch ``total_iters``, so it composes with other schedulers (a
    warm-up in a ``ChainedScheduler``).
    """

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        _in_range("ConstantLR", "factor", factor, 0, 1, low_open=True)
        self.factor = factor
        self.total_iters = _positive_int("ConstantLR", "total_iters", total_iters)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.factor for lr in _lrs(self.optimizer)]
        if self.last_epoch != self.total_iters:
            return _lrs(self.optimizer)
        return [lr * (1.0 / self.factor) for lr in _lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        reached = self.last_epoch >= self.total_iters
        return [base * (self.factor + reached * (1 - self.factor)) for base in self.base_lrs]


class LinearLR(LRScheduler):
    """PyTorch's ``LinearLR``: the factor on ``base_lr`` moves linearly from
    ``start_factor`` to ``end_factor`` over ``total_iters`` epochs, then stays::

        lr = base_lr · (start_factor + (end_factor − start_factor)·min(epoch, T)/T)

    with ``T`` = ``total_iters`` and ``epoch`` = ``last_epoch``; computed, as PyTorch
    does, recursively from the previous epoch's rate (so it composes with others).
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5, last_epoch: int = -1) -> None:
        _in_range("LinearLR", "start_factor", start_factor, 0, 1, low_open=True)
        _in_range("LinearLR", "end_factor", end_factor, 0, 1)
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = _positive_int("LinearLR", "total_iters", total_iters)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        e, start, end, n = self.last_epoch, self.start_factor, self.end_factor, self.total_iters
        if e == 0:
            return [lr * start for lr in _lrs(self.optimizer)]
        if self._is_initial or e > n:
            return _lrs(self.optimizer)
        factor = 1.0 + (end - start) / (n * start + (e - 1) * (end - start))
        return [lr * factor for lr in _lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        e, start, end, n = self.last_epoch, self.start_factor, self.end_factor, self.total_iters
        return [base * (start + (end - start) * min(n, e) / n) for base in self.base_lrs]


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

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """PyTorch's ``PolynomialLR``: with ``epoch`` = ``last_epoch``::

        lr = base_lr · (1 − min(epoch, total_iters)/total_iters)^power

    reaching 0 at ``total_iters``; computed, as PyTorch does, recursively from the
    previous epoch's rate (``lr_prev`` times the ratio of successive factors).
    """

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        self.total_iters = _positive_int("PolynomialLR", "total_iters", total_iters)
        _in_range("PolynomialLR", "power", power, 0, math.inf)
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        e, n = self.last_epoch, self.total_iters
        if self._is_initial or e > n:
            return _lrs(self.optimizer)
        factor = ((1.0 - e / n) / (1.0 - (e - 1) / n)) ** self.power
        return [lr * factor for lr in _lrs(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        n = self.total_iters
        return [base * (1.0 - min(n, self.last_epoch) / n) ** self.power
                for base in self.base_lrs]


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

    def _get_closed_form_lr(self) -> list[float]:
        lo = self.eta_min
        return [lo + (base - lo) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base in self.base_lrs]


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


def _anneal_cos(start: float, end: float, pct: float) -> float:
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _anneal_linear(start: float, end: float, pct: float) -> float:
    return (end - start) * pct + start


class OneCycleLR(LRScheduler):
    """PyTorch's ``OneCycleLR``, the 1cycle policy; ``step()`` once per batch.

    The rate goes from ``initial_lr = max_lr/div_factor`` up to ``max_lr`` by step
    ``pct_start·total_steps − 1``, then down to ``min_lr = initial_lr/final_div_factor``
    by step ``total_steps − 1``; with ``three_phase`` it first comes back to
    ``initial_lr`` by step ``2·pct_start·total_steps − 2``. In a phase from step ``a``
    (the previous phase's end; 0 for the first) to step ``b``, at step ``t`` =
    ``last_epoch`` (batches, not epochs) and ``pct = (t − a)/(b − a)``::

        'cos':     lr = end + (start − end)·(1 + cos(π·pct))/2
        'linear':  lr = start + (end − start)·pct

    With ``cycle_momentum`` the group's ``momentum`` (SGD, RMSprop) or ``betas[0]``
    (Adam, AdamW) moves the opposite way between ``max_momentum`` and
    ``base_momentum``. ``total_steps`` defaults to ``epochs·steps_per_epoch``. As in
    PyTorch, ``step()`` may be called ``total_steps`` times (the last sets a rate just
    past the cycle's end, one no batch uses) and raises after that; the groups keep
    ``initial_lr``, ``max_lr``, ``min_lr`` (and the momenta), so resuming with
    ``last_epoch`` needs the optimizer's state loaded first.
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | list[float],
                 total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | list[float] = 0.85,
                 max_momentum: float | list[float] = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        name = "OneCycleLR"
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: expected an optim.Optimizer, got "
                            f"{type(optimizer).__name__}")
        if total_steps is not None:
            total = _positive_int(name, "total_steps", total_steps)
        elif epochs is not None and steps_per_epoch is not None:
            total = (_positive_int(name, "epochs", epochs)
                     * _positive_int(name, "steps_per_epoch", steps_per_epoch))
        else:
            raise ValueError(f"{name}: give total_steps, or both epochs and steps_per_epoch")
        if not isinstance(pct_start, float):  # PyTorch's check: 0 and 1 must be 0.0 and 1.0
            raise ValueError(f"{name}: pct_start must be a float in [0, 1], got {pct_start!r}")
        _in_range(name, "pct_start", pct_start, 0, 1)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"{name}: anneal_strategy must be 'cos' or 'linear', got "
                             f"{anneal_strategy!r}")
        _in_range(name, "div_factor", div_factor, 0, math.inf, low_open=True)
        _in_range(name, "final_div_factor", final_div_factor, 0, math.inf, low_open=True)
        max_lrs = _per_group(name, "max_lr", max_lr, optimizer)
        groups = optimizer.param_groups
        if cycle_momentum:
            _check_cyclable(name, optimizer)
            max_momenta = _per_group(name, "max_momentum", max_momentum, optimizer)
            base_momenta = _per_group(name, "base_momentum", base_momentum, optimizer)
        keys = ["max_lr", "min_lr"] + (["max_momentum", "base_momentum"] if cycle_momentum
                                       else [])
        for i, group in enumerate(groups if last_epoch != -1 else ()):  # resuming
            missing = [key for key in keys if key not in group]
            if missing:
                raise KeyError(f"{name}: param_groups[{i}] has no {missing}, needed to "
                               f"resume at last_epoch={last_epoch}; load the optimizer's "
                               "state first")
        self.total_steps = total
        self._schedule_phases = self._phases(float(pct_start), total, three_phase)
        self._anneal_func_type = anneal_strategy
        self.cycle_momentum = cycle_momentum
        self.use_beta1 = cycle_momentum and "betas" in optimizer.defaults
        if last_epoch == -1:
            for i, group in enumerate(groups):
                group["initial_lr"] = max_lrs[i] / div_factor
                group["max_lr"] = max_lrs[i]
                group["min_lr"] = group["initial_lr"] / final_div_factor
                if cycle_momentum:
                    self._set_momentum(group, max_momenta[i])
                    group["max_momentum"] = max_momenta[i]
                    group["base_momentum"] = base_momenta[i]
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _phases(pct: float, total: int, three_phase: bool) -> list[dict[str, Any]]:
        """PyTorch's ``_schedule_phases``: each phase's last step and its end points
        (names of group entries)."""
        def phase(end_step: float, lr: str, lr_to: str, momentum: str, momentum_to: str):
            return {"end_step": end_step, "start_lr": lr, "end_lr": lr_to,
                    "start_momentum": momentum, "end_momentum": momentum_to}

        up = phase(pct * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum")
        if not three_phase:
            return [up, phase(total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        return [up, phase(2 * pct * total - 2, "max_lr", "initial_lr", "base_momentum",
                          "max_momentum"),
                phase(total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        _set_momentum(group, value, self.use_beta1)

    def get_lr(self) -> list[float]:
        t, phases = self.last_epoch, self._schedule_phases
        if t > self.total_steps:
            raise ValueError(f"OneCycleLR.step: stepped to step {t}, past the cycle's "
                             f"total_steps={self.total_steps} (step() may be called "
                             "total_steps times); create a new scheduler to go on")
        start = 0.0
        for i, phase in enumerate(phases):
            if t <= phase["end_step"] or i == len(phases) - 1:
                break
            start = phase["end_step"]
        if phase["end_step"] == start:
            raise ValueError(
                f"OneCycleLR: step {t} falls in phase {i} of the cycle, which is empty (it "
                f"starts and ends at step {start}): pct_start and total_steps="
                f"{self.total_steps} leave it no steps; choose another pct_start")
        pct = (t - start) / (phase["end_step"] - start)
        anneal = _anneal_cos if self._anneal_func_type == "cos" else _anneal_linear
        for group in self.optimizer.param_groups if self.cycle_momentum else ():
            self._set_momentum(group, anneal(group[phase["start_momentum"]],
                                             group[phase["end_momentum"]], pct))
        return [anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct)
                for group in self.optimizer.param_groups]


class CyclicLR(LRScheduler):
    """PyTorch's ``CyclicLR`` (Smith, 2017, "Cyclical learning rates"); ``step()`` once
    per batch. The rate climbs linearly from ``base_lr`` to ``max_lr`` over
    ``step_size_up`` steps, comes back over ``step_size_down`` (default: the same), and
    repeats; at step t, with cycle ``c = ⌊1 + t/T⌋`` (T = up + down) and
    ``x = 1 + t/T − c`` ∈ [0, 1)::

        height = x/r if x <= r else (x − 1)/(r − 1)      (r = up/T)
        lr     = base_lr + (max_lr − base_lr)·height·scale

    ``mode`` sets ``scale``: 'triangular' 1; 'triangular2' ``1/2^(c−1)`` (halved each
    cycle); 'exp_range' ``gamma^t``. A custom ``scale_fn`` replaces the mode, applied to
    the cycle number (``scale_mode='cycle'``) or the step (``'iterations'``). With
    ``cycle_momentum`` the group's ``momentum`` (SGD, RMSprop) or ``betas[0]`` (Adam)
    moves the opposite way, from ``max_momentum`` down to ``base_momentum``. The
    constructor sets each group's ``lr`` to ``base_lr`` (a list gives one per group).
    """

    def __init__(self, optimizer: Optimizer, base_lr: float | list[float],
                 max_lr: float | list[float], step_size_up: int = 2000,
                 step_size_down: int | None = None, mode: str = "triangular",
                 gamma: float = 1.0, scale_fn: Callable[[float], float] | None = None,
                 scale_mode: str = "cycle", cycle_momentum: bool = True,
                 base_momentum: float | list[float] = 0.8,
                 max_momentum: float | list[float] = 0.9, last_epoch: int = -1) -> None:
        name = "CyclicLR"
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: expected an optim.Optimizer, got "
                            f"{type(optimizer).__name__}")
        if scale_fn is None and mode not in ("triangular", "triangular2", "exp_range"):
            raise ValueError(f"{name}: mode must be 'triangular', 'triangular2' or "
                             f"'exp_range' (or give scale_fn), got {mode!r}")
        if scale_fn is not None and scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"{name}: scale_mode must be 'cycle' or 'iterations', got "
                             f"{scale_mode!r}")
        up = float(_positive_int(name, "step_size_up", step_size_up))
        down = up if step_size_down is None else float(
            _positive_int(name, "step_size_down", step_size_down))
        base_lrs = _per_group(name, "base_lr", base_lr, optimizer)
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs):
                group["lr"] = lr
        self.max_lrs = _per_group(name, "max_lr", max_lr, optimizer)
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        self.mode = mode
        self.gamma = gamma
        self.custom_scale_fn = scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else (
            "iterations" if mode == "exp_range" else "cycle")
        self.cycle_momentum = cycle_momentum
        self.use_beta1 = cycle_momentum and "betas" in optimizer.defaults
        if cycle_momentum:
            _check_cyclable(name, optimizer)
            self.base_momentums = _per_group(name, "base_momentum", base_momentum, optimizer)
            self.max_momentums = _per_group(name, "max_momentum", max_momentum, optimizer)
            if last_epoch == -1:
                for group, high, low in zip(optimizer.param_groups, self.max_momentums,
                                            self.base_momentums):
                    self._set_momentum(group, high)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x: float) -> float:
        """The amplitude factor at ``x`` (the cycle number or the step, per ``scale_mode``)."""
        if self.custom_scale_fn is not None:
            return self.custom_scale_fn(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        _set_momentum(group, value, self.use_beta1)

    def get_lr(self) -> list[float]:
        t = self.last_epoch
        cycle = math.floor(1 + t / self.total_size)
        x = 1.0 + t / self.total_size - cycle
        r = self.step_ratio
        height = x / r if x <= r else (x - 1) / (r - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else t)
        if self.cycle_momentum:
            for group, high, low in zip(self.optimizer.param_groups, self.max_momentums,
                                        self.base_momentums):
                self._set_momentum(group, high - (high - low) * height * scale)
        return [low + (high - low) * height * scale
                for low, high in zip(self.base_lrs, self.max_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """As the base class; a custom ``scale_fn`` is kept only as a callable object's
        ``__dict__`` (plain functions can't be saved), as ``LambdaLR`` does."""
        state = {k: v for k, v in self.__dict__.items()
                 if k not in ("optimizer", "custom_scale_fn")}
        fn = self.custom_scale_fn
        state["custom_scale_fn"] = (None if fn is None or isinstance(fn, types.FunctionType)
                                    else dict(vars(fn)))
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state saved by ``state_dict()`` (re-create the scheduler with the same
        ``scale_fn`` first)."""
        state = dict(state_dict)
        attrs = state.pop("custom_scale_fn", None)
        self.__dict__.update(state)
        if attrs is not None and self.custom_scale_fn is not None:
            vars(self.custom_scale_fn).update(attrs)


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


class _SchedulerList(LRScheduler):
    """``SequentialLR`` and ``ChainedScheduler``: schedulers of one optimizer, whose
    states are saved inside this one's (under ``"_schedulers"``), as in PyTorch."""

    _schedulers: list[LRScheduler]

    def _check(self, schedulers: list[LRScheduler], optimizer: Optimizer | None) -> Optimizer:
        name = type(self).__name__
        if not schedulers:
            raise ValueError(f"{name} expects at least one scheduler, got none")
        for i, scheduler in enumerate(schedulers):
            if not hasattr(scheduler, "optimizer"):
                raise TypeError(f"{name}: schedulers[{i}] is a {type(scheduler).__name__}, "
                                "not a scheduler (it has no optimizer)")
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(f"{name} does not support ReduceLROnPlateau (schedulers[{i}]):"
                                 " its step() needs the metric")
            optimizer = scheduler.optimizer if optimizer is None else optimizer
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"{name} expects all schedulers to belong to the same "
                                 f"optimizer, but schedulers[{i}] "
                                 f"({type(scheduler).__name__}) has another one")
        return optimizer

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer, with the inner schedulers' states."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state saved by ``state_dict()``, the inner schedulers' too."""
        state = dict(state_dict)
        inner = state.pop("_schedulers")
        self.__dict__.update(state)
        for scheduler, saved in zip(self._schedulers, inner):
            scheduler.load_state_dict(saved)


class SequentialLR(_SchedulerList):
    """PyTorch's ``SequentialLR``: ``schedulers[i]`` sets the rates from epoch
    ``milestones[i−1]`` (0 for the first) on, until the next milestone.

    At epoch ``milestones[i−1]`` (``last_epoch``, counted by this scheduler) the
    ``i``-th scheduler restarts at its epoch 0: from ``base_lr`` by its closed form
    where it has one, else its ``get_lr`` (as PyTorch does); in between, its own
    ``step()`` runs. Creating it undoes the inner schedulers' first steps and redoes
    the first one's.
    """

    def __init__(self, optimizer: Optimizer, schedulers: list[LRScheduler],
                 milestones: list[int], last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"SequentialLR: expected an optim.Optimizer, got "
                            f"{type(optimizer).__name__}")
        schedulers, milestones = list(schedulers), list(milestones)
        self._check(schedulers, optimizer)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR expects one milestone fewer than schedulers, got "
                             f"{len(schedulers)} schedulers and {len(milestones)} milestones")
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self.recursive_undo()
        first = self._schedulers[bisect_right(milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def recursive_undo(self, sched: LRScheduler | None = None) -> None:
        """Take back one epoch of every inner scheduler (their constructors' steps)."""
        sched = self if sched is None else sched
        if hasattr(sched, "_schedulers"):
            for inner in sched._schedulers:
                self.recursive_undo(inner)
        elif hasattr(sched, "last_epoch"):
            sched.last_epoch -= 1

    def step(self) -> None:
        """Advance one epoch with the scheduler whose turn it is."""
        self.last_epoch += 1
        i = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[i]
        if i > 0 and self._milestones[i - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_SchedulerList):
    """PyTorch's ``ChainedScheduler``: ``step()`` steps every scheduler in order, so
    their chainable (recursive) forms compose, e.g. ``ConstantLR`` and
    ``ExponentialLR``: ``lr = base_lr · gamma^epoch · (factor if epoch < total_iters)``.

    It takes no step when created and, as in PyTorch, has no ``last_epoch`` of its
    own; ``optimizer`` defaults to the schedulers' one.
    """

    def __init__(self, schedulers: Sequence[LRScheduler],
                 optimizer: Optimizer | None = None) -> None:
        schedulers = list(schedulers)
        self.optimizer = self._check(schedulers, optimizer)
        self._schedulers = schedulers
        self._last_lr = _lrs(self.optimizer)

    def step(self) -> None:
        """Step every scheduler, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = _lrs(self._schedulers[-1].optimizer)
