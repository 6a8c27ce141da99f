"""Section ``models``: training steps of the course's models, graphgrad against PyTorch.

The ``step`` section times one MLP at three batch sizes. Users train other shapes,
and a shape the MLP does not have can hit a slow path the MLP never shows (a batch
of one, a single output unit, batch norm between matmuls). So this section times a
full training step (forward, backward, optimizer) of each model below, built once
through the PyTorch-style API both frameworks share (``nn``/``optim`` and
``torch.nn``/``torch.optim``) on the same seeded float32 data, each framework in
fresh processes of its own, taking turns over rounds (as the ops section does); the
fastest round's median counts.

The models, in the course's order (seed-inventory; examples in rows here):

* ``logistic``: logistic regression on 64×64×3 images, ``Linear(12288, 1)``,
  ``BCEWithLogitsLoss``, SGD, the course's 209 training images in one batch;
* ``shallow``: the planar-data network, 2-4-1 with tanh, 400 points, SGD;
* ``deep``: the L-layer image classifier 12288-20-7-5-1 with ReLU, Adam, mini-batch 64;
* ``batchnorm``: 784-128-64-10 with batch norm before each ReLU and dropout 0.2 after
  the first, cross-entropy, Adam, mini-batch 64;
* ``sgd1``: the bench MLP 784-256-256-10 trained one example at a time (batch 1),
  SGD with momentum 0.9;
* ``wide``: 784-2048-2048-10 with ReLU, cross-entropy, Adam, mini-batch 128: layers
  of a million activations and a 4.2M-parameter update;
* ``cnn``: a LeNet-style network on 28×28 images, conv 5×5 (1→16, padding 2), ReLU,
  2×2 max pooling, conv 5×5 (16→32), ReLU, 2×2 max pooling, ``Linear(1568, 10)``,
  cross-entropy, Adam, mini-batch 64 (beyond the course's fully connected models:
  im2col, col2im and the pooling kernels);
* ``lstm``: the 28 rows of a 28×28 image as a sequence into ``LSTM(28, 128)``, the last
  hidden state into ``Linear(128, 10)``, cross-entropy, Adam, mini-batch 64 (the fused
  recurrent cells and 28 small products per direction of the pass).

Each model gets the steps that fit in a time budget after its warm-up (at least 5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from .child import spawn
from .contenders import torch_available, training_step
from .timing import repeats_for, time_calls


class Model(NamedTuple):
    """A model: its input features, batch size, and whether targets are class labels."""

    features: int
    batch: int
    classes: int  # 0: one logit with 0/1 targets (BCE); else labels in [0, classes)
    build: Callable[[Any, Any], tuple[Any, Any, Any]]  # (nn, optim) -> model, loss, opt


def _sequential(nn: Any, sizes: tuple[int, ...], act: str) -> Any:
    layers: list[Any] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), getattr(nn, act)()]
    return nn.Sequential(*layers[:-1])


def _logistic(nn: Any, optim: Any) -> tuple[Any, Any, Any]:
    model = nn.Linear(12288, 1)
    return model, nn.BCEWithLogitsLoss(), optim.SGD(model.parameters(), lr=0.005)


def _shallow(nn: Any, optim: Any) -> tuple[Any, Any, Any]:
    model = _sequential(nn, (2, 4, 1), "Tanh")
    return model, nn.BCEWithLogitsLoss(), optim.SGD(model.parameters(), lr=1.2)


def _deep(nn: Any, optim: Any) -> tuple[Any, Any, Any]:
    model = _sequential(nn, (12288, 20, 7, 5, 1), "ReLU")
    return model, nn.BCEWithLogitsLoss(), optim.Adam(model.parameters(), lr=0.0075)


def _batchnorm(nn: Any, optim: Any) -> tuple[Any, Any, Any]:
    model = nn.Sequential(nn.Linear(784, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(128, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 10))
    return model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=1e-3)


def _wide(nn: Any, optim: Any) -> tuple[Any, Any, Any]:
    model = _sequential(nn, (784, 2048, 2048, 10), "ReLU")
    return model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=1e-3)


def _sgd1(nn: Any, optim: Any) -> tuple[Any, Any, Any]:
    model = _sequential(nn, (784, 256, 256, 10), "ReLU")
    return model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.01, momentum=0.9)


def _cnn(nn: Any, optim: Any) -> tuple[Any, Any, Any]:
    model = nn.Sequential(nn.Unflatten(1, (1, 28, 28)),
                          nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    return model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=1e-3)


def _lstm(nn: Any, optim: Any) -> tuple[Any, Any, Any]:
    class RowLSTM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(28, 128, batch_first=True)
            self.head = nn.Linear(128, 10)

        def forward(self, x: Any) -> Any:
            _, (h, _) = self.lstm(x.reshape(x.shape[0], 28, 28))
            return self.head(h[0])

    model = RowLSTM()
    return model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=1e-3)


MODELS: dict[str, Model] = {
    "logistic": Model(12288, 209, 0, _logistic),
    "shallow": Model(2, 400, 0, _shallow),
    "deep": Model(12288, 64, 0, _deep),
    "batchnorm": Model(784, 64, 10, _batchnorm),
    "sgd1": Model(784, 1, 10, _sgd1),
    "wide": Model(784, 128, 10, _wide),
    "cnn": Model(784, 64, 10, _cnn),
    "lstm": Model(784, 64, 10, _lstm),
}


def _framework(impl: str) -> tuple[Any, Any, Callable[[np.ndarray], Any]]:
    """``(nn, optim, from_numpy)`` of graphgrad or PyTorch (with the bench's threads)."""
    if impl == "graphgrad":
        import autograd as ag
        import nn
        import optim

        from .contenders import steady_kernels

        steady_kernels()
        return nn, optim, ag.from_numpy
    import torch

    from . import THREADS

    torch.set_num_threads(THREADS)
    return torch.nn, torch.optim, torch.from_numpy


def make_step(impl: str, name: str, n_batches: int = 4, seed: int = 0) -> Callable[[int], Any]:
    """One training step of model ``name`` in ``impl``, on batch ``i % n_batches``."""
    spec = MODELS[name]
    nn, optim, wrap = _framework(impl)
    model, loss_fn, opt = spec.build(nn, optim)
    rng = np.random.default_rng(seed)
    xs = [wrap(rng.standard_normal((spec.batch, spec.features), dtype=np.float32))
          for _ in range(n_batches)]
    if spec.classes:
        ys = [wrap(rng.integers(0, spec.classes, spec.batch)) for _ in range(n_batches)]
    else:
        ys = [wrap((rng.random((spec.batch, 1)) < 0.5).astype(np.float32))
              for _ in range(n_batches)]
    return training_step(model, loss_fn, opt, xs, ys)


def time_models(impl: str, names: list[str], warmup: int, budget: float) -> dict[str, dict]:
    """Median and fastest ms per step of each model, in this process: ``warmup`` steps,
    then as many as fit in ``budget`` seconds (5 to 200)."""
    out = {}
    for name in names:
        step = make_step(impl, name)
        first = time_calls(step, warmup, 1)[0]
        times = sorted(time_calls(step, 0, repeats_for(first, budget, 5, 200)))
        out[name] = {"ms": times[len(times) // 2] * 1e3, "ms_min": times[0] * 1e3,
                     "steps": len(times)}
    return out


def run(quick: bool) -> dict[str, Any]:
    """Every model in every framework, fresh processes taking turns over rounds."""
    impls = ["graphgrad", "torch"] if torch_available() else ["graphgrad"]
    names = list(MODELS)
    warmup, budget, rounds = (2, 0.05, 1) if quick else (10, 1.5, 3)
    best: dict[str, dict[str, dict[str, float]]] = {impl: {} for impl in impls}
    for _ in range(rounds):
        for impl in impls:
            result = spawn("models_alone", [impl, ",".join(names), warmup, budget])
            for name, t in result.items():
                if name not in best[impl] or t["ms"] < best[impl][name]["ms"]:
                    best[impl][name] = t
    rows = []
    impl_first = impls[0]
    for name in names:
        spec = MODELS[name]
        row: dict[str, Any] = {"model": name, "batch": spec.batch,
                               "steps": best[impl_first][name]["steps"],
                               **{impl: best[impl][name]["ms"] for impl in impls}}
        if "torch" in best:
            row["graphgrad/torch"] = row["graphgrad"] / row["torch"]
        rows.append(row)
    return {"rows": rows, "rounds": rounds, "budget_s": budget}
