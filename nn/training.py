"""A training loop for those who want one: ``fit``, its ``History`` and callbacks.

PyTorch-style scripts keep writing their own loops; ``fit`` is the course's
loop written once (seed inventory §7.3, §9.1): for each epoch, for each
mini-batch ``X^{t}``: forward, cost ``J^{t}``, backward, update; then evaluate
on the dev set, step the learning-rate schedule and let callbacks such as
``EarlyStopping`` (§6.5: keep the parameters of the lowest dev error) decide
whether to go on.
"""

from __future__ import annotations

import copy
import inspect
import math
import numbers
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

import autograd as ag

from .data.loader import DataLoader
from .utils import clip_grad_norm_

Metric = Callable[[np.ndarray, np.ndarray], float]


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite during training."""


class History:
    """What ``fit`` recorded: one dict of logs per epoch.

    ``history["train_loss"]`` is the list of that value over the epochs;
    ``history.epochs`` the raw records; ``plot()`` draws the curves. ``stop_reason``
    says why training ended before its last epoch (``stopped_early``): early stopping,
    a NaN/infinite loss, or a Ctrl-C (then ``interrupted`` is set too).
    """

    def __init__(self) -> None:
        self.epochs: list[dict[str, float]] = []
        self.batch_losses: list[float] = []
        self.stopped_early = False
        self.interrupted = False
        self.stop_reason: str | None = None

    def append(self, logs: Mapping[str, float]) -> None:
        """Record one epoch's logs."""
        self.epochs.append(dict(logs))

    def __getitem__(self, key: str) -> list[float]:
        """The values of ``key`` over the epochs, NaN in epochs that did not record it."""
        if not any(key in e for e in self.epochs):
            known = sorted({k for e in self.epochs for k in e})
            raise KeyError(f"History has no {key!r}; it recorded {known}")
        return [e.get(key, math.nan) for e in self.epochs]

    def __len__(self) -> int:
        return len(self.epochs)

    def keys(self) -> list[str]:
        """The names of the recorded values (those of the last epoch)."""
        return list(self.epochs[-1]) if self.epochs else []

    def best(self, key: str = "dev_loss", mode: str = "min") -> tuple[int, float]:
        """The (epoch, value) where ``key`` was lowest (``mode='min'``) or highest
        (``mode='max'``); NaN epochs are skipped."""
        if mode not in ("min", "max"):
            raise ValueError(f"History.best: mode must be 'min' or 'max', got {mode!r}")
        values = np.asarray(self[key], dtype=float)
        if np.all(np.isnan(values)):
            raise ValueError(f"History.best: every recorded {key!r} is NaN, so none is best")
        i = int(np.nanargmin(values) if mode == "min" else np.nanargmax(values))
        return int(self.epochs[i]["epoch"]), float(values[i])

    def plot(self, keys: Sequence[str] | None = None, ax: Any = None, logy: bool = False) -> Any:
        """Plot the recorded curves against the epoch (needs matplotlib: ``pip install
        graphgrad[plot]``). Losses and other metrics go on two panels when ``ax`` is None."""
        try:
            import matplotlib.pyplot as plt
            from matplotlib.ticker import MaxNLocator
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("History.plot needs matplotlib: pip install matplotlib") from e
        keys = list(keys) if keys else [k for k in self.keys() if k not in ("epoch", "lr",
                                                                            "time")]
        epochs = self["epoch"]
        losses = [k for k in keys if k.endswith("loss")]
        others = [k for k in keys if not k.endswith("loss")]
        if ax is None:
            n = 1 + bool(others and losses)
            fig, axes = plt.subplots(1, n, figsize=(5.5 * n, 3.6), squeeze=False)
            axes = list(axes[0])
        else:
            axes = [ax, ax]
            fig = ax.figure
        groups = [losses, others] if losses and others else [losses or others]
        for a, group in zip(axes, groups):
            for k in group:
                a.plot(epochs, self[k], marker="o", markersize=3, label=k)
            a.set_xlabel("epoch")
            a.xaxis.set_major_locator(MaxNLocator(integer=True))  # no "epoch 2.5" ticks
            if logy:
                a.set_yscale("log")
            a.legend()
            a.grid(alpha=0.3)
        fig.tight_layout()
        return fig

    def __repr__(self) -> str:
        if not self.epochs:
            return "History(empty)"
        last = ", ".join(f"{k}={v:.4g}" for k, v in self.epochs[-1].items() if k != "epoch")
        return f"History({len(self.epochs)} epochs; last: {last})"


class Callback:
    """Hooks called by ``fit``; set ``trainer.stop_training = True`` to stop."""

    def on_train_begin(self, trainer: Trainer) -> None:
        """Called once before the first epoch of every ``fit`` run."""

    def on_epoch_end(self, trainer: Trainer, logs: dict[str, float]) -> None:
        """Called after each epoch with its logs (train/dev losses and metrics)."""

    def on_train_end(self, trainer: Trainer) -> None:
        """Called once when training ends: after the last epoch, an early stop, a
        NaN/infinite loss or a Ctrl-C (``trainer.history.stop_reason`` says which)."""


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs (course §6.5).

    The course: plot the dev error, stop where it is lowest, and keep the
    parameters from that point. With ``restore_best=True`` the model's state at
    the best epoch is loaded back at the end, also when training ends on a NaN or
    infinite loss or a Ctrl-C. ``patience=10`` is the notes' "10 consecutive checks".
    What it tracks starts afresh in every ``fit`` run, so one instance can be reused.
    """

    def __init__(self, monitor: str = "dev_loss", patience: int = 10, mode: str = "min",
                 min_delta: float = 0.0, restore_best: bool = True) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'min' or 'max', got {mode!r}")
        if patience < 0:
            raise ValueError(f"EarlyStopping: patience must be >= 0, got {patience}")
        self.monitor, self.patience, self.mode = monitor, patience, mode
        self.min_delta, self.restore_best = min_delta, restore_best
        self._reset()

    def _reset(self) -> None:
        self.best: float = math.inf if self.mode == "min" else -math.inf
        self.best_epoch: int | None = None
        self.best_state: dict | None = None
        self.wait = 0

    def on_train_begin(self, trainer: Trainer) -> None:
        self._reset()

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, trainer: Trainer, logs: dict[str, float]) -> None:
        if self.monitor not in logs:
            raise KeyError(f"EarlyStopping monitors {self.monitor!r}, but the logs have "
                           f"{sorted(logs)}; pass dev_loader= to fit or monitor another key")
        value = logs[self.monitor]
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, int(logs["epoch"]), 0
            if self.restore_best:
                self.best_state = copy.deepcopy(trainer.model.state_dict())
        else:
            self.wait += 1
            if self.wait >= self.patience:
                trainer.stop_training = True
                trainer.history.stopped_early = True
                trainer.history.stop_reason = (
                    f"early stopping: {self.monitor} did not improve for {self.patience} "
                    f"epochs (best {self.best:.4g} at epoch {self.best_epoch})")

    def on_train_end(self, trainer: Trainer) -> None:
        if self.restore_best and self.best_state is not None:
            trainer.model.load_state_dict(self.best_state)


def _to_numpy(x: Any) -> np.ndarray:
    return np.asarray(x.data if isinstance(x, ag.Tensor) else x)


def _batch(batch: Any) -> tuple[Any, Any]:
    if isinstance(batch, Mapping):
        return batch["x"], batch["y"]
    if isinstance(batch, (tuple, list)) and len(batch) == 2:
        return batch[0], batch[1]
    raise TypeError("fit: each batch must be an (x, y) pair (or a dict with 'x' and 'y'), got "
                    f"{type(batch).__name__}")


def _as_input(x: Any) -> ag.Tensor:
    return x if isinstance(x, ag.Tensor) else ag.tensor(np.asarray(x))


class Trainer:
    """The state of one ``fit`` run, handed to callbacks."""

    def __init__(self, model: Any, loss_fn: Callable, optimizer: Any) -> None:
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self.history = History()
        self.stop_training = False
        self.epoch = 0


def evaluate(model: Any, loss_fn: Callable | None, loader: Iterable,
             metrics: Mapping[str, Metric] | None = None) -> dict[str, float]:
    """Mean loss and metrics of ``model`` over ``loader``, in eval mode without a graph.

    The loss is averaged per example (weighted by batch size); metrics are
    computed once on the concatenated outputs and labels. A loader without examples is
    an error (its loss would otherwise read as a perfect 0).
    """
    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    total, count, outs, ys = 0.0, 0, [], []
    try:
        with ag.no_grad():
            for batch in loader:
                x, y = _batch(batch)
                out = model(_as_input(x))
                n = len(_to_numpy(y))
                if loss_fn is not None:
                    total += float(_to_numpy(loss_fn(out, y))) * n
                count += n
                if metrics:
                    outs.append(_to_numpy(out))
                    ys.append(_to_numpy(y))
    finally:
        if was_training and hasattr(model, "train"):
            model.train()
    if count == 0:
        raise ValueError("evaluate: the loader yielded no examples, so there is no loss or "
                         "metric to report; pass a non-empty loader (for fit, a non-empty "
                         "dev_loader, or dev_loader=None to skip the dev evaluation)")
    logs: dict[str, float] = {}
    if loss_fn is not None:
        logs["loss"] = total / count
    if metrics:
        out_all, y_all = np.concatenate(outs), np.concatenate(ys)
        for name, fn in metrics.items():
            logs[name] = float(fn(y_all, out_all))
    return logs


def _needs_metric(scheduler: Any) -> bool:
    try:
        params = inspect.signature(scheduler.step).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.default is inspect.Parameter.empty and p.kind in (
        p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


def _progress(iterable: Iterable, enabled: bool, desc: str, total: int | None) -> Any:
    if not enabled:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, desc=desc, total=total, leave=False, dynamic_ncols=True)


def _train_epoch(trainer: Trainer, train_loader: Iterable, penalty: Callable[[], Any] | None,
                 max_grad_norm: float | None, seen: list[tuple[Any, Any]] | None) -> float:
    """One pass of mini-batch steps over ``train_loader``; returns the mean loss per example.

    Raises ``TrainingDiverged`` at the first NaN or infinite loss (before its step) and
    ValueError when the loader yields no batch. Batches are appended to ``seen`` when given.
    """
    model, loss_fn, optimizer = trainer.model, trainer.loss_fn, trainer.optimizer
    total, count, batches = 0.0, 0, 0
    for i, batch in enumerate(train_loader):
        x, y = _batch(batch)
        loss = loss_fn(model(_as_input(x)), y)
        if penalty is not None:
            loss = loss + penalty()
        value = float(_to_numpy(loss))
        if not math.isfinite(value):
            raise TrainingDiverged(
                f"the loss became {value} at epoch {trainer.epoch}, batch {i}: training "
                "diverged. Try a smaller learning rate, standardized inputs, or gradient "
                "clipping (fit's max_grad_norm=, nn.utils.clip_grad_norm_ in a loop of "
                "your own).")
        optimizer.zero_grad()
        loss.backward()
        if max_grad_norm is not None:
            clip_grad_norm_(model.parameters(), max_grad_norm)
        optimizer.step()
        n = len(_to_numpy(y))
        total, count, batches = total + value * n, count + n, batches + 1
        trainer.history.batch_losses.append(value)
        if seen is not None:
            seen.append((x, y))
    if batches == 0:
        raise ValueError(
            f"fit: train_loader yielded no batches in epoch {trainer.epoch}. fit iterates it "
            "once per epoch, so it must be non-empty and re-iterable: a DataLoader or a list "
            "of (x, y) batches, not a generator or iterator (used up after one pass)")
    return total / max(count, 1)


def _metric_data(train_loader: Iterable, seen: list[tuple[Any, Any]] | None) -> Iterable:
    """The training data the ``train_<metric>`` values are computed on.

    A ``DataLoader``'s examples in their stored order, without its ``transform``
    (augmentation), so the pass draws nothing from the loader's shuffling or any
    generator; for any other loader, the batches the epoch just trained on (``seen``).
    """
    if isinstance(train_loader, DataLoader):
        return DataLoader(train_loader.dataset, batch_size=train_loader.batch_size,
                          as_numpy=train_loader.as_numpy)
    return seen or []


def _epoch_logs(trainer: Trainer, train_loss: float, train_data: Iterable | None,
                dev_loader: Iterable | None, metrics: Mapping[str, Metric] | None,
                start: float) -> dict[str, float]:
    logs: dict[str, float] = {"epoch": float(trainer.epoch), "train_loss": train_loss}
    if metrics and train_data is not None:
        logs.update({f"train_{k}": v for k, v in
                     evaluate(trainer.model, None, train_data, metrics).items()})
    if dev_loader is not None:
        logs.update({f"dev_{k}": v for k, v in
                     evaluate(trainer.model, trainer.loss_fn, dev_loader, metrics).items()})
    groups = getattr(trainer.optimizer, "param_groups", None)
    if groups:
        logs["lr"] = float(groups[0]["lr"])
    logs["time"] = time.perf_counter() - start
    return logs


def _run_epochs(trainer: Trainer, train_loader: Iterable, epochs: int,
                dev_loader: Iterable | None, scheduler: Any,
                metrics: Mapping[str, Metric] | None, callbacks: Sequence[Callback],
                penalty: Callable[[], Any] | None, max_grad_norm: float | None,
                progress: bool, verbose: bool) -> None:
    model = trainer.model
    epoch_bar = _progress(range(1, epochs + 1), progress, "epochs", epochs)
    for epoch in epoch_bar:
        trainer.epoch = epoch
        start = time.perf_counter()
        if hasattr(model, "train"):
            model.train()
        keep_batches = bool(metrics) and not isinstance(train_loader, DataLoader)
        seen: list[tuple[Any, Any]] | None = [] if keep_batches else None
        train_loss = _train_epoch(trainer, train_loader, penalty, max_grad_norm, seen)
        train_data = _metric_data(train_loader, seen) if metrics else None
        logs = _epoch_logs(trainer, train_loss, train_data, dev_loader, metrics, start)
        trainer.history.append(logs)
        if scheduler is not None:
            if _needs_metric(scheduler):
                scheduler.step(logs.get("dev_loss", logs["train_loss"]))
            else:
                scheduler.step()
        if hasattr(epoch_bar, "set_postfix"):
            epoch_bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items()
                                   if k not in ("epoch", "time")})
        if verbose:
            line = " ".join(f"{k}={v:.4g}" for k, v in logs.items())
            # tqdm's write prints above the bar; a plain print would cut through it
            (epoch_bar.write if hasattr(epoch_bar, "write") else print)(line)
        for cb in callbacks:
            cb.on_epoch_end(trainer, logs)
        if trainer.stop_training:
            break


def fit(model: Any, loss_fn: Callable, optimizer: Any, train_loader: Iterable,
        epochs: int = 10, dev_loader: Iterable | None = None, scheduler: Any = None,
        metrics: Mapping[str, Metric] | None = None, callbacks: Sequence[Callback] = (),
        penalty: Callable[[], Any] | None = None, progress: bool = True,
        verbose: bool = False, on_nan: str = "stop", max_grad_norm: float | None = None,
        on_interrupt: str = "raise") -> History:
    """Train ``model`` for ``epochs`` epochs of mini-batches and return its ``History``.

    Each step: ``out = model(x)``, ``J = loss_fn(out, y) (+ penalty())``,
    ``optimizer.zero_grad(); J.backward(); optimizer.step()``. After each epoch the
    training and dev (when ``dev_loader`` is given) loss and ``metrics`` — a
    dict of ``name -> fn(y_true, outputs)`` on NumPy arrays — are recorded as
    ``train_<name>``/``dev_<name>``; then ``scheduler.step()`` (with the dev loss for
    schedules whose ``step`` takes a metric, like ``ReduceLROnPlateau``) and the
    callbacks run. ``penalty`` adds a regularization term to the cost, e.g.
    ``lambda: F.l2_penalty(model.parameters(), lambd, m)``; it is part of the
    training loss that is recorded, as the course asks (§4: plot the full J).
    ``max_grad_norm`` clips the gradients' joint 2-norm before every step
    (``nn.utils.clip_grad_norm_``). ``progress`` shows a bar over the epochs (with tqdm);
    ``verbose`` prints each epoch's logs.

    ``train_loss`` is the mean of the epoch's mini-batch costs (weighted by batch
    size). The ``train_<name>`` metrics, like the dev ones, are those of the model as
    the epoch ends, in eval mode: over a ``DataLoader``'s examples in stored order
    without its ``transform``, over the epoch's batches for any other iterable. Either
    way ``train_loader`` is iterated once per epoch, so passing ``metrics`` changes
    nothing in the training itself. ``train_loader`` must be re-iterable (a
    ``DataLoader`` or a list of batches): an epoch without batches is an error.

    A NaN or infinite loss ends training with a message saying where and what
    to try: the callbacks' ``on_train_end`` runs as on any other end (so
    ``EarlyStopping`` restores the best weights), ``history.stop_reason`` is set, and
    then ``on_nan='stop'`` warns and returns the history while ``on_nan='raise'``
    raises ``TrainingDiverged``.

    A Ctrl-C (``KeyboardInterrupt``) ends training the same way, with
    ``history.interrupted`` set and the unfinished epoch left out of the history; then
    ``on_interrupt='raise'`` raises the ``KeyboardInterrupt`` again (Python's usual
    Ctrl-C) while ``on_interrupt='stop'`` returns the history of the finished epochs.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 0:
        raise ValueError(f"fit: epochs must be an integer >= 0, got {epochs!r}")
    if on_nan not in ("stop", "raise"):
        raise ValueError(f"fit: on_nan must be 'stop' or 'raise', got {on_nan!r}")
    if on_interrupt not in ("stop", "raise"):
        raise ValueError(f"fit: on_interrupt must be 'stop' or 'raise', got {on_interrupt!r}")
    if max_grad_norm is not None and not (isinstance(max_grad_norm, numbers.Real)
                                          and max_grad_norm > 0):
        raise ValueError(f"fit: max_grad_norm must be a number > 0 (or None for no "
                         f"clipping), got {max_grad_norm!r}")
    trainer = Trainer(model, loss_fn, optimizer)
    history = trainer.history
    for cb in callbacks:
        cb.on_train_begin(trainer)
    diverged: TrainingDiverged | None = None
    interrupt: KeyboardInterrupt | None = None
    try:
        _run_epochs(trainer, train_loader, epochs, dev_loader, scheduler, metrics, callbacks,
                    penalty, max_grad_norm, progress, verbose)
    except TrainingDiverged as err:
        diverged = err
        history.stop_reason, history.stopped_early = str(err), True
    except KeyboardInterrupt as err:
        interrupt = err
        history.interrupted, history.stopped_early = True, True
        history.stop_reason = (f"interrupted (Ctrl-C) in epoch {trainer.epoch}, after "
                               f"{len(history)} finished epochs")
    for cb in callbacks:
        cb.on_train_end(trainer)
    if interrupt is not None and on_interrupt == "raise":
        raise interrupt
    if diverged is not None:
        if on_nan == "raise":
            raise diverged
        warnings.warn(str(diverged), RuntimeWarning, stacklevel=2)
    return history


def predict(model: Any, x: Any, batch_size: int = 1024) -> np.ndarray:
    """The model's outputs for ``x`` (an array), in eval mode and batches, as an array.

    x ``(N, ...)`` → outputs ``(N, ...)``; an empty x gives the model's output shape with
    N = 0 (e.g. ``(0, 10)``)."""
    if batch_size <= 0:
        raise ValueError(f"predict: batch_size must be positive, got {batch_size}")
    x = _to_numpy(x)
    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    try:
        with ag.no_grad():
            # an empty x still goes through the model once, for the outputs' shape and dtype
            starts = range(0, len(x), batch_size) or range(1)
            outs = [_to_numpy(model(ag.tensor(x[i:i + batch_size]))) for i in starts]
    finally:
        if was_training and hasattr(model, "train"):
            model.train()
    return np.concatenate(outs)
