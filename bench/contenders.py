"""The reference MLP training step, written three ways from the same data and init.

The model is 784-256-256-10 with ReLU, softmax cross-entropy (mean over the batch)
and Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8), float32. Each ``make_*`` returns a
``step(i)`` that runs one full training step (forward, backward, Adam update) on
batch ``i % len(batches)`` and returns the loss in its own type (converting it to a
float is left out of the timed loop); ``loss_of`` converts it afterwards.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

SIZES = (784, 256, 256, 10)
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8

Step = Callable[[int], Any]


@dataclass
class StepData:
    """Seeded random batches and one initialization shared by every contender."""

    batches: list[np.ndarray]  # (N, 784) float32 inputs
    labels: list[np.ndarray]  # (N,) int64 class indices
    onehots: list[np.ndarray]  # (N, 10) float32, for the hand-written NumPy step
    params: list[tuple[np.ndarray, np.ndarray]]  # [(W (out, in), b (out,))] per layer

    @property
    def batch_size(self) -> int:
        return self.batches[0].shape[0]


def make_data(batch_size: int, n_batches: int = 4, seed: int = 0) -> StepData:
    """Random inputs and labels, and PyTorch's default Linear init U(±1/sqrt(fan_in))."""
    rng = np.random.default_rng(seed)
    batches = [rng.standard_normal((batch_size, SIZES[0]), dtype=np.float32)
               for _ in range(n_batches)]
    labels = [rng.integers(0, SIZES[-1], batch_size) for _ in range(n_batches)]
    onehots = [np.eye(SIZES[-1], dtype=np.float32)[y] for y in labels]
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        bound = 1.0 / math.sqrt(fan_in)
        params.append((rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32),
                       rng.uniform(-bound, bound, fan_out).astype(np.float32)))
    return StepData(batches, labels, onehots, params)


def matmul_shapes(batch_size: int) -> list[tuple[str, tuple[int, int], tuple[int, int], bool,
                                                 bool]]:
    """The step's 8 matmuls as ``(name, a_shape, b_shape, a_transposed, b_transposed)``.

    Forward ``X @ W.T`` per layer (3), backward ``dZ.T @ A`` for each weight (3) and
    ``dZ @ W`` for the hidden activations (2); no gradient for the input.
    """
    n = batch_size
    (i, h1, h2, o) = SIZES
    return [
        ("X@W1.T", (n, i), (h1, i), False, True),
        ("A1@W2.T", (n, h1), (h2, h1), False, True),
        ("A2@W3.T", (n, h2), (o, h2), False, True),
        ("dZ3.T@A2", (n, o), (n, h2), True, False),
        ("dZ3@W3", (n, o), (o, h2), False, False),
        ("dZ2.T@A1", (n, h2), (n, h1), True, False),
        ("dZ2@W2", (n, h2), (h2, h1), False, False),
        ("dZ1.T@X", (n, h1), (n, i), True, False),
    ]


def matmul_flops(batch_size: int) -> int:
    """Multiply-adds ×2 of the step's 8 matmuls."""
    total = 0
    for _, a, b, ta, tb in matmul_shapes(batch_size):
        rows, inner = (a[1], a[0]) if ta else a
        cols = b[0] if tb else b[1]
        total += 2 * rows * inner * cols
    return total


def training_step(model: Any, loss_fn: Any, opt: Any, xs: list, ys: list) -> Step:
    """The PyTorch-style loop body, shared by graphgrad and PyTorch (same API)."""
    k = len(xs)

    def step(i: int) -> Any:
        opt.zero_grad()
        loss = loss_fn(model(xs[i % k]), ys[i % k])
        loss.backward()
        opt.step()
        return loss

    return step


# ------------------------------------------------------------------ graphgrad
def make_graphgrad(data: StepData) -> Step:
    """graphgrad as a user writes it: nn.Sequential, nn.CrossEntropyLoss, optim.Adam."""
    import autograd as ag
    import nn
    import optim

    layers = [nn.Linear(a, b) for a, b in zip(SIZES[:-1], SIZES[1:])]
    for layer, (w, b) in zip(layers, data.params):
        layer.weight.data[...] = w
        layer.bias.data[...] = b
    model = nn.Sequential(layers[0], nn.ReLU(), layers[1], nn.ReLU(), layers[2])
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.Adam(model.parameters(), lr=LR, betas=(BETA1, BETA2), eps=EPS)
    xs = [ag.from_numpy(x) for x in data.batches]
    ys = [ag.from_numpy(y) for y in data.labels]
    step = training_step(model, loss_fn, opt, xs, ys)
    step.model = model  # type: ignore[attr-defined]  (the memory section walks its graph)
    step.loss_fn = loss_fn  # type: ignore[attr-defined]
    step.inputs = (xs, ys)  # type: ignore[attr-defined]
    return step


# ------------------------------------------------------------------ hand-written NumPy
def make_numpy(data: StepData) -> Step:
    """The course's step by hand (seed-inventory §1.4, §9.7), batch-first layout.

    Forward ``Z = A @ W.T + b``, ReLU, softmax; backward from ``dZ3 = (A3 − Y)/m``;
    Adam with bias correction and ε outside the root. Every line allocates its result,
    as a student's code does.
    """
    params = [[w.copy(), b.copy()] for w, b in data.params]
    v = [[np.zeros_like(w), np.zeros_like(b)] for w, b in params]
    s = [[np.zeros_like(w), np.zeros_like(b)] for w, b in params]
    t = [0]
    k = len(data.batches)

    def step(i: int) -> float:
        X, Y = data.batches[i % k], data.onehots[i % k]
        (W1, b1), (W2, b2), (W3, b3) = params
        m = X.shape[0]
        Z1 = X @ W1.T + b1
        A1 = np.maximum(Z1, 0)
        Z2 = A1 @ W2.T + b2
        A2 = np.maximum(Z2, 0)
        Z3 = A2 @ W3.T + b3
        E = np.exp(Z3 - Z3.max(axis=1, keepdims=True))
        A3 = E / E.sum(axis=1, keepdims=True)
        loss = -np.sum(Y * np.log(A3 + 1e-12)) / m
        dZ3 = (A3 - Y) / m
        dW3 = dZ3.T @ A2
        db3 = dZ3.sum(axis=0)
        dZ2 = (dZ3 @ W3) * (Z2 > 0)
        dW2 = dZ2.T @ A1
        db2 = dZ2.sum(axis=0)
        dZ1 = (dZ2 @ W2) * (Z1 > 0)
        dW1 = dZ1.T @ X
        db1 = dZ1.sum(axis=0)
        grads = [(dW1, db1), (dW2, db2), (dW3, db3)]
        t[0] += 1
        for layer in range(3):
            for j in range(2):
                g = grads[layer][j]
                v[layer][j] = BETA1 * v[layer][j] + (1 - BETA1) * g
                s[layer][j] = BETA2 * s[layer][j] + (1 - BETA2) * g * g
                v_corr = v[layer][j] / (1 - BETA1 ** t[0])
                s_corr = s[layer][j] / (1 - BETA2 ** t[0])
                params[layer][j] -= LR * v_corr / (np.sqrt(s_corr) + EPS)
        step.cache = (Z1, A1, Z2, A2, Z3, A3)  # type: ignore[attr-defined]
        return loss

    return step


# ------------------------------------------------------------------ PyTorch eager
def torch_available() -> bool:
    """Whether PyTorch is installed (without importing it: that alone costs ~1 s and RSS)."""
    return importlib.util.find_spec("torch") is not None


def make_torch(data: StepData) -> Step:
    """PyTorch eager with its default Adam, same data, init and thread count."""
    import torch

    from . import THREADS

    torch.set_num_threads(THREADS)
    layers = [torch.nn.Linear(a, b) for a, b in zip(SIZES[:-1], SIZES[1:])]
    with torch.no_grad():
        for layer, (w, b) in zip(layers, data.params):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
    model = torch.nn.Sequential(layers[0], torch.nn.ReLU(), layers[1], torch.nn.ReLU(),
                                layers[2])
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(BETA1, BETA2), eps=EPS)
    return training_step(model, loss_fn, opt, [torch.from_numpy(x) for x in data.batches],
                          [torch.from_numpy(y) for y in data.labels])


def loss_of(value: Any) -> float:
    """A contender's loss as a Python float."""
    if hasattr(value, "item"):
        return float(value.item())
    return float(getattr(value, "data", value))


def steady_kernels() -> None:
    """Make graphgrad's choice of parallel loops now, waiting for Numba if it loads it:
    the steady-state sections time the loops a process runs after its first half
    second (``autograd/kernels/pool.py``); that start-up is the cold section's."""
    import autograd as ag

    ag.kernels.parallel_info(decide=True)


def make_graphgrad_steady(data: StepData) -> Step:
    """``make_graphgrad`` with ``steady_kernels()`` done."""
    step = make_graphgrad(data)
    steady_kernels()
    return step


def contenders() -> dict[str, Callable[[StepData], Step]]:
    """The step factories available in this environment, graphgrad first (its parallel
    loops already loaded: ``steady_kernels``)."""
    found: dict[str, Callable[[StepData], Step]] = {"graphgrad": make_graphgrad_steady,
                                                     "numpy": make_numpy}
    if torch_available():
        found["torch"] = make_torch
    return found
