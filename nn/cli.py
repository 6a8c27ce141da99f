"""The ``graphgrad`` command: ``graphgrad train`` and ``graphgrad tune``.

``graphgrad train`` with no options trains an MLP on the bundled UCI digits with
Adam: split 60/20/20 (seeded), standardize with the training set's statistics,
train with mini-batches, report train/dev/test accuracy and the course's
bias/variance diagnosis, and write the model (``model.npz``), the per-epoch history
(``history.json``), the loss curve (``loss.png``, with matplotlib) and the backprop
graph (``graph.svg``, with graphviz's ``dot``) to ``--out``. Ctrl-C stops training
and keeps what the finished epochs produced (the best of them restored), written as
usual; the exit status is then 130.

``graphgrad tune`` runs a random search over the same options (learning rate on a
log scale, hidden units, L2 strength, dropout) in parallel processes and prints
the trials ranked by dev error. It draws ``--lr``, ``--hidden``, ``--l2`` and
``--dropout`` itself, so it refuses them.

This module is the application on top of the libraries: it is the one place in
``nn`` that uses ``optim`` (to build the optimizer named on the command line);
``import nn`` does not import it.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import autograd as ag
import optim

from . import functional as F
from . import init as nn_init
from .activation import LeakyReLU, ReLU, Sigmoid, Tanh
from .batchnorm import BatchNorm1d
from .container import Sequential
from .data import DataLoader, Standardizer, train_dev_test_split
from .dropout import Dropout
from .linear import Linear
from .loss import CrossEntropyLoss
from .metrics import accuracy, diagnose
from .module import Module
from .serialization import save
from .training import EarlyStopping, History, fit, predict

DATASETS = ("digits", "breast_cancer", "flower", "moons", "circles", "spirals", "blobs",
            "mnist", "fashion_mnist")
OPTIMIZERS = {"adam": optim.Adam, "adamw": optim.AdamW, "sgd": optim.SGD,
              "momentum": optim.Momentum, "rmsprop": optim.RMSprop, "adagrad": optim.Adagrad}
ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "leaky_relu": LeakyReLU}
INITS = ("default", "he", "xavier", "small")
SEARCHED = ("lr", "hidden", "l2", "dropout")  # what graphgrad tune draws for each trial
INTERRUPTED = 130  # the shell's exit status for a command stopped by Ctrl-C (128 + SIGINT)


@dataclass
class TrainConfig:
    """Every option of ``graphgrad train`` (and the search space of ``tune``)."""

    dataset: str = "digits"
    hidden: list[int] = field(default_factory=lambda: [128, 64])
    activation: str = "relu"
    init: str = "he"
    optimizer: str = "adam"
    lr: float = 3e-3
    epochs: int = 40
    batch_size: int = 64
    l2: float = 0.0
    dropout: float = 0.0
    batchnorm: bool = False
    patience: int = 10
    seed: int = 0
    data_root: str | None = None

    def check(self) -> None:
        """Raise ValueError naming the option when a value is unknown or out of range."""
        if self.dataset not in DATASETS:
            raise ValueError(f"unknown dataset {self.dataset!r}; choose one of "
                             f"{', '.join(DATASETS)}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; choose one of "
                             f"{', '.join(OPTIMIZERS)}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; choose one of "
                             f"{', '.join(ACTIVATIONS)}")
        if self.init not in INITS:
            raise ValueError(f"unknown init {self.init!r}; choose one of {', '.join(INITS)}")
        for name in ("lr", "epochs", "batch_size"):
            if not (math.isfinite(getattr(self, name)) and getattr(self, name) > 0):
                raise ValueError(f"--{name.replace('_', '-')} must be positive and finite, "
                                 f"got {getattr(self, name)}")
        if not (math.isfinite(self.l2) and self.l2 >= 0):
            raise ValueError(f"--l2 must be a finite number >= 0, got {self.l2}")
        if self.patience < 0:
            raise ValueError(f"--patience must be >= 0 epochs, got {self.patience}")
        if self.seed < 0:
            raise ValueError(f"--seed must be an integer >= 0, got {self.seed}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"--dropout is the drop probability p in [0, 1), got {self.dropout}")
        if not self.hidden:
            raise ValueError("--hidden needs at least one layer size, e.g. --hidden 128,64")
        if any(h <= 0 for h in self.hidden):
            raise ValueError(f"--hidden sizes must be positive, got {self.hidden}")


def load_dataset(name: str, seed: int, root: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The features ``(N, d)`` and int64 labels ``(N,)`` of a named data set."""
    from . import datasets

    bundled = {"digits": datasets.load_digits, "breast_cancer": datasets.load_breast_cancer}
    generated = {"flower": datasets.make_flower, "moons": datasets.make_moons,
                 "circles": datasets.make_circles, "spirals": datasets.make_spirals,
                 "blobs": datasets.make_blobs}
    if name in bundled:
        X, y = bundled[name]()
    elif name in generated:
        kwargs: dict[str, Any] = {"rng": seed}
        if name in ("moons", "circles"):
            kwargs.update(n_samples=600, noise=0.15)
        X, y = generated[name](**kwargs)
    elif name in ("mnist", "fashion_mnist"):
        loader = datasets.load_mnist if name == "mnist" else datasets.load_fashion_mnist
        (X, y), _ = loader(root=root)
        X = X.reshape(len(X), -1)
    else:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    return np.asarray(X, dtype=ag.get_default_dtype()), np.asarray(y, dtype=np.int64)


def build_mlp(n_in: int, hidden: list[int], n_out: int, activation: str = "relu",
              init: str = "he", dropout: float = 0.0, batchnorm: bool = False,
              rng: np.random.Generator | None = None) -> Sequential:
    """``Linear → [BatchNorm] → activation → [Dropout]`` per hidden layer, then ``Linear``.

    ``init``: ``'he'`` (std √(2/n_in), for ReLU), ``'xavier'`` (the course's std √(1/n_in),
    for tanh), ``'small'`` (×0.01) or ``'default'`` (PyTorch's). With batch norm the
    preceding Linear has no bias: batch norm's β replaces it (course §11).
    """
    layers: list[Module] = []
    sizes = [n_in, *hidden]
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers.append(Linear(a, b, bias=not batchnorm))
        if batchnorm:
            layers.append(BatchNorm1d(b))
        layers.append(ACTIVATIONS[activation]())
        if dropout > 0:
            layers.append(Dropout(dropout))
    layers.append(Linear(sizes[-1], n_out))
    model = Sequential(*layers)
    initializers = {"he": nn_init.he_normal_, "xavier": nn_init.xavier_normal_,
                    "small": nn_init.small_random_}
    if init != "default":
        for layer in model.modules():
            if isinstance(layer, Linear):
                initializers[init](layer.weight, rng=rng)
                if layer.bias is not None:
                    nn_init.zeros_(layer.bias)
    return model


@dataclass
class TrainResult:
    """What ``train`` produced: the model (best epoch restored), its history, the
    train/dev/test accuracy, the bias/variance diagnosis and the training time.
    ``history.interrupted`` says whether a Ctrl-C cut training short."""

    model: Sequential
    history: History
    accuracy: dict[str, float]
    diagnosis: Any
    seconds: float


def train(cfg: TrainConfig, progress: bool = True, verbose: bool = False) -> TrainResult:
    """Run one training as ``graphgrad train`` describes and return what it produced.

    A Ctrl-C ends training like early stopping does (the best epoch restored) and the
    result is returned, with ``history.interrupted`` set; before the first epoch has
    finished there is nothing to keep, and the ``KeyboardInterrupt`` is raised."""
    cfg.check()
    ag.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    X, y = load_dataset(cfg.dataset, cfg.seed, cfg.data_root)
    (Xtr, ytr), (Xdev, ydev), (Xte, yte) = train_dev_test_split(
        X, y, ratios=(0.6, 0.2, 0.2), seed=cfg.seed, stratify=True)
    scaler = Standardizer().fit(Xtr)
    Xtr, Xdev, Xte = scaler.transform(Xtr), scaler.transform(Xdev), scaler.transform(Xte)
    n_classes = int(y.max()) + 1
    model = build_mlp(X.shape[1], cfg.hidden, n_classes, cfg.activation, cfg.init,
                      cfg.dropout, cfg.batchnorm, rng)
    optimizer = OPTIMIZERS[cfg.optimizer](model.parameters(), lr=cfg.lr)
    m = len(Xtr)
    weights = [p for p in model.parameters() if p.ndim >= 2]
    penalty = (lambda: F.l2_penalty(weights, cfg.l2, m)) if cfg.l2 > 0 else None
    train_loader = DataLoader(Xtr, ytr, batch_size=cfg.batch_size, shuffle=True, seed=cfg.seed)
    dev_loader = DataLoader(Xdev, ydev, batch_size=1024)
    start = time.perf_counter()
    history = fit(model, CrossEntropyLoss(), optimizer, train_loader, epochs=cfg.epochs,
                  dev_loader=dev_loader, metrics={"accuracy": accuracy}, penalty=penalty,
                  callbacks=[EarlyStopping("dev_loss", patience=cfg.patience)],
                  progress=progress, verbose=verbose, on_interrupt="stop")
    seconds = time.perf_counter() - start
    if history.interrupted and not history.epochs:
        raise KeyboardInterrupt
    acc = {name: accuracy(labels, predict(model, data)) for name, data, labels in
           (("train", Xtr, ytr), ("dev", Xdev, ydev), ("test", Xte, yte))}
    return TrainResult(model, history, acc, diagnose(1 - acc["train"], 1 - acc["dev"]), seconds)


def _prepare_out(out: Path) -> list[Path]:
    """Make ``--out`` and check that a file can be written in it, before training starts.

    Returns the directories this made, deepest first, for ``_remove_empty`` to take back
    when the run ends with nothing written. A bad ``--out`` is a ValueError naming it.
    """
    for path in (out, *out.parents):
        if path.exists() and not path.is_dir():
            raise ValueError(f"--out {str(out)!r}: {str(path)!r} is an existing file, not a "
                             "directory; give a directory path (it is created if missing)")
    made = [path for path in (out, *out.parents) if not path.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".graphgrad-probe-"):
            pass
    except OSError as err:
        _remove_empty(made)
        raise ValueError(f"--out {str(out)!r}: cannot write there ({err.strerror or err}); "
                         "give a directory you can write to (it is created if missing)") \
            from None
    return made


def _remove_empty(dirs: list[Path]) -> None:
    for path in dirs:
        try:
            path.rmdir()
        except OSError:  # not empty (results were written), or already gone
            return


def _all_finite(model: Module) -> bool:
    return all(np.all(np.isfinite(p.data)) for p in model.parameters())


def _train_quietly(cfg: TrainConfig, progress: bool) -> TrainResult:
    """``train`` without the warnings a diverging run sets off; the command reports it."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), \
            warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="the loss became", category=RuntimeWarning)
        return train(cfg, progress=progress)


def _write_outputs(result: TrainResult, cfg: TrainConfig, out: Path) -> list[str]:
    try:
        return _write_files(result, cfg, out)
    except OSError as err:
        raise RuntimeError(f"--out {str(out)!r}: writing the results failed: {err}") from None


def _write_files(result: TrainResult, cfg: TrainConfig, out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    save(result.model.state_dict(), out / "model.npz")
    written.append(str(out / "model.npz"))
    h = result.history
    (out / "history.json").write_text(json.dumps(
        {"config": asdict(cfg), "epochs": h.epochs, "accuracy": result.accuracy,
         "stop_reason": h.stop_reason}, indent=2))
    written.append(str(out / "history.json"))
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("  (loss.png skipped: matplotlib is not installed; pip install matplotlib)")
    else:
        fig = h.plot(["train_loss", "dev_loss", "train_accuracy", "dev_accuracy"])
        try:
            fig.savefig(out / "loss.png", dpi=110)
        finally:
            plt.close(fig)  # main() may run many times in one process (tests, notebooks)
        written.append(str(out / "loss.png"))
    if not shutil.which("dot"):
        print("  (graph.svg skipped: graphviz's `dot` is not installed; apt-get install "
              "graphviz)")
        return written
    import graphviz

    x = ag.tensor(np.zeros((2, result.model[0].in_features), dtype=ag.get_default_dtype()))
    result.model.eval()
    loss = CrossEntropyLoss()(result.model(x), ag.tensor(np.zeros(2, dtype=np.int64)))
    loss.backward()
    drawing = ag.draw_graph(loss, modules=result.model, detail="shapes")
    result.model.zero_grad()
    try:
        drawing.render(str(out / "graph"), format="svg", cleanup=True, quiet=True)
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError) as err:
        # e.g. a graphviz build without SVG support: the model and history are written
        stderr = getattr(err, "stderr", None) or b""
        detail = (stderr.decode(errors="replace") if isinstance(stderr, bytes) else stderr)
        print(f"  (graph.svg skipped: graphviz's `dot` failed: "
              f"{detail.strip().splitlines()[0] if detail.strip() else err})")
        (out / "graph").unlink(missing_ok=True)  # the DOT file render leaves behind
        return written
    written.append(str(out / "graph.svg"))
    return written


def _tune_objective(params: dict[str, Any]) -> float:
    """One trial of ``graphgrad tune``: the dev error, or NaN (the search's 'diverged')
    when no epoch ended with finite weights."""
    base = dict(params.pop("_base"))
    base.update(params)
    base["hidden"] = [int(base.pop("units"))] * int(base.pop("layers"))
    result = _train_quietly(TrainConfig(**base), progress=False)
    if result.history.interrupted:
        raise KeyboardInterrupt
    if not result.history.epochs or not _all_finite(result.model):
        return math.nan
    return 1.0 - result.accuracy["dev"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="graphgrad", description="Train an MLP on a bundled or generated data set "
        "(graphgrad train), random-search its hyperparameters (graphgrad tune), or build the "
        "compiled kernels ahead of time (graphgrad build-kernels).")
    sub = p.add_subparsers(dest="command", required=True)
    descriptions = {
        "train": "Train an MLP: split the data 60/20/20, standardize it with the training "
                 "set's statistics, train with mini-batches and early stopping, print "
                 "train/dev/test accuracy and the bias/variance diagnosis, and write "
                 "model.npz, history.json, loss.png (with matplotlib) and graph.svg (with "
                 "graphviz's dot) to --out. Ctrl-C stops training and keeps the finished "
                 "epochs' results.",
        "tune": "Random search, in parallel processes, over the learning rate (log scale), "
                "hidden units and layers, L2 strength and dropout; the other options are "
                "fixed for every trial. Prints the trials ranked by dev error."}
    d = TrainConfig()
    D = " (default %(default)s)"
    for name in ("train", "tune"):
        s = sub.add_parser(name, help=f"{name} an MLP (see graphgrad {name} --help)",
                           description=descriptions[name])
        s.add_argument("--dataset", default=d.dataset, choices=DATASETS,
                       help="data set; mnist and fashion_mnist are downloaded once" + D)
        s.add_argument("--activation", default=d.activation, choices=list(ACTIVATIONS),
                       help="activation of the hidden layers" + D)
        s.add_argument("--init", default=d.init, choices=INITS,
                       help="weight initialization: he √(2/n_in), xavier √(1/n_in), small "
                            "×0.01, default PyTorch's" + D)
        s.add_argument("--optimizer", default=d.optimizer, choices=list(OPTIMIZERS),
                       help="optimizer" + D)
        s.add_argument("--epochs", type=int, default=d.epochs,
                       help="maximum number of epochs" + D)
        s.add_argument("--batch-size", type=int, default=d.batch_size,
                       help="mini-batch size" + D)
        s.add_argument("--batchnorm", action="store_true",
                       help="batch norm after each hidden Linear")
        s.add_argument("--patience", type=int, default=d.patience,
                       help="early-stopping patience in epochs of no better dev loss" + D)
        s.add_argument("--seed", type=int, default=d.seed,
                       help="seed of everything random: data generation, split, "
                            "initialization, shuffling, dropout" + D)
        s.add_argument("--data-root", default=None,
                       help="cache directory for MNIST files (default ~/.cache/graphgrad)")
        if name == "train":
            s.add_argument("--quiet", action="store_true", help="no progress bar")
            s.add_argument("--hidden", default=",".join(map(str, d.hidden)),
                           help="hidden layer sizes, comma separated" + D)
            s.add_argument("--lr", type=float, default=d.lr, help="learning rate" + D)
            s.add_argument("--l2", type=float, default=d.l2,
                           help="λ of the L2 penalty λ/(2m)Σ‖W‖²" + D)
            s.add_argument("--dropout", type=float, default=d.dropout,
                           help="drop probability p, in [0, 1); keep_prob = 1 - p" + D)
            s.add_argument("--out", default="runs/latest",
                           help="directory for model.npz, history.json, loss.png and "
                                "graph.svg, created if missing" + D)
        else:
            s.add_argument("--quiet", action="store_true",
                           help="accepted for symmetry with train: trials never show a "
                                "progress bar")
            for option in SEARCHED:  # accepted only to be refused with the reason
                s.add_argument(f"--{option}", default=None, help=argparse.SUPPRESS)
            s.add_argument("--trials", type=int, default=8, help="number of random trials" + D)
            s.add_argument("--workers", type=int, default=2,
                           help="parallel worker processes, at most one per trial" + D)
    k = sub.add_parser(
        "build-kernels", help="build every compiled kernel ahead of time",
        description="Run every compiled kernel and optimizer update once per dtype, so that "
                    "each is built ahead of time (autograd/kernels/aot.py) and no later "
                    "process pays Numba's start-up or a compile: for a container image, or "
                    "before timing. Prints where the modules are and how many were built.")
    k.add_argument("--dtype", nargs="+", default=["float32", "float64"],
                   choices=["float32", "float64"], help="dtypes to build for" + D)
    return p


def _build_kernels_command(args: argparse.Namespace) -> int:
    from autograd import kernels
    from autograd.kernels import aot
    from autograd.kernels.exercise import exercise
    from optim.kernels.exercise import exercise as exercise_updates

    if kernels.backend() != "numba":
        raise RuntimeError("GRAPHGRAD_KERNELS=numpy is set: there are no compiled kernels")
    if not aot.enabled():
        raise RuntimeError("GRAPHGRAD_AOT=0 is set: ahead-of-time builds are switched off")
    before = set(aot.built_modules())
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a failure is reported below
        for dtype in args.dtype:
            exercise(np.dtype(dtype).type)
            exercise_updates(np.dtype(dtype).type)
    if aot.build_failure() is not None:
        raise RuntimeError(f"building the kernels failed: {aot.build_failure()}")
    after = aot.built_modules()
    print(f"graphgrad build-kernels: {len(after)} kernel modules in "
          f"{aot.cache_dir() / aot.fingerprint()} ({len(set(after) - before)} built now, "
          f"{time.perf_counter() - start:.1f} s)")
    return 0


def _config(args: argparse.Namespace) -> TrainConfig:
    """The checked ``TrainConfig`` of the options; ``tune`` leaves the searched ones unset."""
    searched = {k: getattr(args, k) for k in ("lr", "l2", "dropout")
                if getattr(args, k) is not None}
    if args.hidden is not None:
        try:
            searched["hidden"] = [int(h) for h in str(args.hidden).split(",")]
        except ValueError:
            raise ValueError(f"--hidden takes comma-separated integers such as 128,64, got "
                             f"{args.hidden!r}") from None
    cfg = TrainConfig(dataset=args.dataset, activation=args.activation, init=args.init,
                      optimizer=args.optimizer, epochs=args.epochs, batch_size=args.batch_size,
                      batchnorm=args.batchnorm, patience=args.patience, seed=args.seed,
                      data_root=args.data_root, **searched)
    cfg.check()
    return cfg


def _train_command(args: argparse.Namespace) -> int:
    cfg = _config(args)
    out = Path(args.out)
    made = _prepare_out(out)
    try:
        return _train_into(cfg, out, progress=not args.quiet)
    finally:
        _remove_empty(made)  # only when nothing was written: a failed or interrupted run


def _train_into(cfg: TrainConfig, out: Path, progress: bool) -> int:
    print(f"graphgrad train: {cfg.dataset}, MLP {cfg.hidden} ({cfg.activation}, {cfg.init} "
          f"init), {cfg.optimizer} lr={cfg.lr}, {cfg.epochs} epochs, batch {cfg.batch_size}, "
          f"l2={cfg.l2}, dropout={cfg.dropout}{', batchnorm' if cfg.batchnorm else ''}")
    result = _train_quietly(cfg, progress=progress)
    h = result.history
    if not h.epochs or not _all_finite(result.model):
        raise RuntimeError(f"{h.stop_reason or 'training left NaN or infinite weights.'} No "
                           "epoch ended with finite weights, so nothing was written to "
                           f"{str(out)!r}")
    print(f"trained {len(h)} epochs in {result.seconds:.1f} s"
          + (f" ({h.stop_reason})" if h.stop_reason else ""))
    for k, v in result.accuracy.items():
        print(f"  {k:5s} accuracy {v * 100:6.2f}%")
    print(result.diagnosis)
    for path in _write_outputs(result, cfg, out):
        print(f"  wrote {path}")
    if h.interrupted:
        print(f"graphgrad train: {h.stop_reason}; the results above are those of the best "
              f"finished epoch, written to {str(out)!r}", file=sys.stderr)
        return INTERRUPTED
    return 0


def _tune_command(args: argparse.Namespace) -> int:
    from optim.search import Choice, IntUniform, LogUniform, random_search

    given = [f"--{k}" for k in SEARCHED if getattr(args, k) is not None]
    if given:
        raise ValueError(f"{', '.join(given)}: tune draws the learning rate, hidden sizes, L2 "
                         "strength and dropout for each trial itself; remove "
                         f"{'it' if len(given) == 1 else 'them'}, or run graphgrad train "
                         "to train with fixed values")
    for option in ("trials", "workers"):
        if getattr(args, option) < 1:
            raise ValueError(f"--{option} must be a positive integer, got "
                             f"{getattr(args, option)}")
    cfg = _config(args)
    workers = min(args.workers, args.trials)
    base = asdict(cfg)
    for key in ("lr", "hidden", "l2", "dropout"):
        base.pop(key)
    space = {"lr": LogUniform(1e-4, 1e-1), "units": IntUniform(32, 256),
             "layers": Choice([1, 2]), "l2": Choice([0.0, 0.01, 0.1, 1.0]),
             "dropout": Choice([0.0, 0.1, 0.2]), "_base": base}
    print(f"graphgrad tune: {args.trials} random trial{'s' * (args.trials != 1)} on "
          f"{cfg.dataset} in {workers} process{'es' * (workers != 1)}")
    result = random_search(_tune_objective, space, n_trials=args.trials, seed=cfg.seed,
                           max_workers=workers)
    print(result)
    best = result.best
    print(f"best dev error {best.score:.4f} with "
          + ", ".join(f"{k}={v}" for k, v in best.params.items() if k != "_base"))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``graphgrad`` console script: 0 on success, 2 on an error (one
    line on stderr, no traceback), 130 after a Ctrl-C."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            return _train_command(args)
        if args.command == "build-kernels":
            return _build_kernels_command(args)
        return _tune_command(args)
    except (ValueError, OSError, RuntimeError) as err:
        print(f"graphgrad {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"graphgrad {args.command}: interrupted (Ctrl-C)", file=sys.stderr)
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
