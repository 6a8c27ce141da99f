"""Section ``ops``: forward+backward of single ops, and per-op overhead on tiny tensors.

Each op runs forward and backward (with an upstream gradient of ones, or from the
scalar loss) in graphgrad, as the hand-written NumPy formula (what the course writes:
forward, then the derivative rule), and in PyTorch when installed. ``nn.functional``'s
fused ops (softmax-cross-entropy, batch norm, dropout) run on (N, 100) inputs of the
same total size.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .child import spawn
from .contenders import torch_available
from .timing import median_seconds, repeats_for

CLASSES = 100  # columns of the 2-D inputs of the fused ops


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _np_gelu_tanh(x: np.ndarray, g: np.ndarray) -> tuple:
    """GELU's tanh form ``½x(1 + tanh u)``, ``u = √(2/π)(x + 0.044715x³)``, and its
    gradient, as NumPy (which has no erf for the exact form) writes them."""
    k = np.float32(np.sqrt(2 / np.pi))
    t = np.tanh(k * (x + np.float32(0.044715) * x**3))
    du = k * (1 + np.float32(3 * 0.044715) * x * x)
    return 0.5 * x * (1 + t), g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)


def _np_softmax_ce(z: np.ndarray, y: np.ndarray, g: None) -> tuple:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    m = z.shape[0]
    loss = -np.log(p[np.arange(m), y] + 1e-12).mean()
    dz = p.copy()
    dz[np.arange(m), y] -= 1
    return loss, dz / m


def _np_batch_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, g: np.ndarray) -> tuple:
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    inv_std = 1 / np.sqrt(var + 1e-5)
    x_hat = (x - mu) * inv_std
    out = gamma * x_hat + beta
    g_hat = g * gamma
    dx = inv_std * (g_hat - g_hat.mean(axis=0) - x_hat * (g_hat * x_hat).mean(axis=0))
    return out, dx, (g * x_hat).sum(axis=0), g.sum(axis=0)


def _np_dropout(x: np.ndarray, g: np.ndarray, rng: np.random.Generator) -> tuple:
    keep = rng.random(x.shape, dtype=np.float32) >= 0.5
    out = x * keep / 0.5
    return out, g * keep / 0.5


# name: (arity, positive domain, numpy forward+backward)
ELEMENTWISE: dict[str, tuple[int, bool, Callable[..., Any]]] = {
    "exp": (1, False, lambda x, g: (y := np.exp(x), g * y)),
    "log": (1, True, lambda x, g: (np.log(x), g / x)),
    "tanh": (1, False, lambda x, g: (y := np.tanh(x), g * (1 - y * y))),
    "sigmoid": (1, False, lambda x, g: (s := _sigmoid(x), g * s * (1 - s))),
    "relu": (1, False, lambda x, g: (np.maximum(x, 0), g * (x > 0))),
    "softplus": (1, False, lambda x, g: (np.logaddexp(0, x), g * _sigmoid(x))),
    "gelu_tanh": (1, False, _np_gelu_tanh),
    "mul": (2, False, lambda a, b, g: (a * b, g * b, g * a)),
    "add": (2, False, lambda a, b, g: (a + b, g, g)),
}
FUSED = ("softmax_cross_entropy", "batch_norm", "dropout")


def _framework(impl: str) -> tuple[Callable[[np.ndarray], Any], Callable[[np.ndarray], Any],
                                    dict[str, Callable[..., Any]]]:
    """For ``graphgrad`` or ``torch``: (make a leaf that requires grad, wrap a constant, ops)."""
    if impl == "graphgrad":
        import autograd as ag
        import nn.functional as F

        from .contenders import steady_kernels

        steady_kernels()

        return (lambda a: ag.tensor(a, requires_grad=True), ag.from_numpy, {
            "exp": ag.exp, "log": ag.log, "tanh": ag.tanh, "sigmoid": ag.sigmoid,
            "relu": ag.relu, "softplus": ag.softplus, "mul": ag.mul, "add": ag.add,
            "gelu_tanh": lambda x: ag.gelu(x, approximate="tanh"),
            "softmax_cross_entropy": F.cross_entropy,
            "batch_norm": lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
            "dropout": lambda x: F.dropout(x, 0.5, training=True),
        })
    import torch
    import torch.nn.functional as TF

    return (lambda a: torch.tensor(a, requires_grad=True), torch.from_numpy, {
        "exp": torch.exp, "log": torch.log, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
        "relu": torch.relu, "softplus": TF.softplus, "mul": torch.mul, "add": torch.add,
        "gelu_tanh": lambda x: TF.gelu(x, approximate="tanh"),
        "softmax_cross_entropy": TF.cross_entropy,
        "batch_norm": lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
        "dropout": lambda x: TF.dropout(x, 0.5, training=True),
    })


@dataclass
class Case:
    """The arrays one op runs on: differentiable inputs, constant inputs, upstream grad."""

    diff: list[np.ndarray]
    const: list[np.ndarray]
    grad: np.ndarray | None  # None: the op's output is a scalar loss


def make_case(name: str, size: int, rng: np.random.Generator) -> Case:
    """Inputs of ``size`` elements in total for op ``name`` (float32)."""
    def draw(shape: Any, positive: bool = False) -> np.ndarray:
        x = rng.standard_normal(shape, dtype=np.float32)
        return np.abs(x) + np.float32(0.1) if positive else x

    if name in ELEMENTWISE:
        arity, positive, _ = ELEMENTWISE[name]
        return Case([draw(size, positive) for _ in range(arity)], [],
                    np.ones(size, dtype=np.float32))
    rows = max(1, size // CLASSES)
    shape = (rows, CLASSES)
    if name == "softmax_cross_entropy":
        return Case([draw(shape)], [rng.integers(0, CLASSES, rows)], None)
    if name == "batch_norm":
        return Case([draw(shape), np.ones(CLASSES, np.float32), np.zeros(CLASSES, np.float32)],
                    [], np.ones(shape, dtype=np.float32))
    return Case([draw(shape)], [], np.ones(shape, dtype=np.float32))


def autograd_runner(impl: str, name: str, case: Case) -> Callable[[int], None]:
    """Forward+backward of op ``name`` in graphgrad or PyTorch; gradients reset each call."""
    leaf, wrap, table = _framework(impl)
    op = table[name]
    xs = [leaf(a) for a in case.diff]
    consts = [wrap(c) for c in case.const]
    g = None if case.grad is None else wrap(case.grad)

    def run(_i: int) -> None:
        for x in xs:
            x.grad = None
        op(*xs, *consts).backward(g)

    return run


def numpy_runner(name: str, case: Case) -> Callable[[int], None]:
    if name in ELEMENTWISE:
        formula = ELEMENTWISE[name][2]
        return lambda _i: formula(*case.diff, case.grad)
    if name == "softmax_cross_entropy":
        return lambda _i: _np_softmax_ce(case.diff[0], case.const[0], None)
    if name == "batch_norm":
        return lambda _i: _np_batch_norm(*case.diff, case.grad)
    rng = np.random.default_rng(0)
    return lambda _i: _np_dropout(case.diff[0], case.grad, rng)


def _time(run: Callable[[int], None], budget: float) -> float:
    start = time.perf_counter()
    run(0)  # warm-up: compiles or loads the kernels, allocates the first buffers
    first = time.perf_counter() - start
    # Three more warm-up calls: the first calls on 1e7-element arrays pay the kernel's page
    # faults for fresh output buffers (~60 ms for a parallel tanh) until malloc reuses them.
    return median_seconds(run, 3, repeats_for(first, budget, 5, 100))


def time_impl(impl: str, sizes: list[int], budget: float, first: int = 0) -> dict[str, float]:
    """µs per forward+backward of every op at every size, for one implementation; the ops
    in their order from the ``first``-th on, then from the start (a fresh process's
    first cases can run slower: bench/README finding 50)."""
    names = (*ELEMENTWISE, *FUSED)
    first %= len(names)
    timings = {}
    for name in (*names[first:], *names[:first]):
        for size in sizes:
            case = make_case(name, size, np.random.default_rng(size))
            run = numpy_runner(name, case) if impl == "numpy" else \
                autograd_runner(impl, name, case)
            timings[f"{name}/{size}"] = _time(run, budget) * 1e6
    return timings


def _impls() -> tuple[str, ...]:
    return ("graphgrad", "numpy", "torch") if torch_available() else ("graphgrad", "numpy")


def bench_ops(sizes: tuple[int, ...], budget: float, rounds: int) -> list[dict[str, Any]]:
    """µs per forward+backward for every op, size and implementation: the fastest of
    ``rounds`` medians, the implementations taking turns.

    Each implementation runs in a fresh process of its own: a framework's idle thread
    pool spins for a while after its last parallel call (PyTorch's OpenMP workers,
    Numba's), and in a shared process it starves the next contender's threads (a
    1e7-element exp measured 14 ms alone and up to 64 ms right after PyTorch's ops).
    Taking turns over rounds, a minutes-long slow spell of the shared machine (every
    timing up to 2x) hits each implementation in some round, not one of them in all.
    Each round starts from another op, so that no op is always a process's first.
    """
    best: dict[str, dict[str, float]] = {}
    for round_ in range(rounds):
        for impl in _impls():
            t = spawn("ops_alone", [impl, ",".join(map(str, sizes)), budget, round_])
            best[impl] = {k: min(v, best.get(impl, {}).get(k, v)) for k, v in t.items()}
    return [{"op": name, "size": size,
             **{impl: t[f"{name}/{size}"] for impl, t in best.items()}}
            for name in (*ELEMENTWISE, *FUSED) for size in sizes]


def _chain(impl: str, length: int) -> Callable[[int], None]:
    leaf = _framework(impl)[0]
    x = leaf(np.ones(1, dtype=np.float32))

    def run(_i: int) -> None:
        x.grad = None
        y = x
        for k in range(length):
            y = y * 1.0001 if k % 2 == 0 else y + 0.0001
        y.backward()

    return run


def chain_us_per_op(impl: str, length: int, repeat: int) -> float:
    """µs per op (forward+backward) over a chain of ``length`` mul/add ops on 1 element."""
    return median_seconds(_chain(impl, length), 2, repeat) / length * 1e6


def per_op_overhead(length: int, repeat: int, rounds: int) -> dict[str, float]:
    """``chain_us_per_op`` for graphgrad and PyTorch, each in fresh processes of its own,
    taking turns over ``rounds``; the fastest round's median per framework."""
    impls = ("graphgrad", "torch") if torch_available() else ("graphgrad",)
    samples: dict[str, list[float]] = {impl: [] for impl in impls}
    for _ in range(rounds):
        for impl in impls:
            samples[impl].append(spawn("chain_alone", [impl, length, repeat])["us_per_op"])
    return {impl: min(values) for impl, values in samples.items()}


def run(quick: bool) -> dict[str, Any]:
    """The section's results: the op table and the per-op overhead."""
    sizes = (1_000, 10_000) if quick else (1_000, 100_000, 10_000_000)
    budget = 0.01 if quick else 0.4
    length = 100 if quick else 1_000
    # Five rounds: the machine swings between two speeds for minutes at a time, and with
    # three an implementation's every round fell in slow spells (bench/README finding 34).
    rounds = 1 if quick else 5
    # The chain's processes are short (~1 s), so more rounds cost little, and a slow spell
    # of the machine (seen: every timing 2x for minutes) then misses some round of each.
    chain_rounds = 1 if quick else 5
    return {"sizes": list(sizes), "rows": bench_ops(sizes, budget, rounds),
            "overhead_us_per_op": per_op_overhead(length, 3 if quick else 15, chain_rounds),
            "chain_length": length, "rounds": rounds, "chain_rounds": chain_rounds}
