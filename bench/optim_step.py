"""Time one Adam step over the 269,322 parameters of an MLP 784-256-256-10 (float32).

Compares the NumPy reference update, the fused Numba kernel (serial and parallel
loops, and ``optim.Adam.step()`` as it dispatches), and ``torch.optim.Adam`` (its
default for-loop path and ``foreach=True``) when PyTorch is installed. The first
call of each Numba kernel (compilation, or loading from Numba's cache) is timed
apart. Usage: ``python bench/optim_step.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import autograd as ag
import optim
from optim import kernels
from optim.kernels import reference

SHAPES = [(256, 784), (256,), (256, 256), (256,), (10, 256), (10,)]


def _median_us(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times)) * 1e6


def _setup(rng: np.random.Generator) -> tuple[list, list]:
    params = [ag.tensor(rng.standard_normal(s).astype(np.float32) * 0.05, requires_grad=True)
              for s in SHAPES]
    for p in params:
        p.grad = ag.tensor(rng.standard_normal(p.shape).astype(np.float32) * 1e-2)
    return params, [p.grad.data for p in params]


def _raw_step(update, params, grads, state) -> None:
    opts = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False,
                maximize=False, step_size=1e-3 / (1 - 0.9**10),
                bc2_sqrt=(1 - 0.999**10) ** 0.5)
    for p, g, (m, v) in zip(params, grads, state):
        update(p.data, g, m, v, None, **opts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    params, grads = _setup(rng)
    n = sum(p.numel() for p in params)
    state = [(np.zeros_like(p.data), np.zeros_like(p.data)) for p in params]
    print(f"Adam step over {n:,} float32 parameters in {len(params)} tensors "
          f"(median of {args.repeats})")

    fused = kernels.load_fused()
    for name in ("adam_serial", "adam_parallel"):
        kernel = getattr(fused, name)
        m, v = np.zeros(8, np.float32), np.zeros(8, np.float32)
        t = time.perf_counter()
        kernel(np.zeros(8, np.float32), np.zeros(8, np.float32), m, v, v,
               np.zeros(9, np.float32), np.float32(1), False, False, False, True)
        source = "cache" if sum(kernel.stats.cache_hits.values()) else "compiled"
        print(f"  first call of {name:<14s} {1e3 * (time.perf_counter() - t):8.1f} ms "
              f"({source})")

    rows = [("NumPy reference", lambda: _raw_step(reference.adam, params, grads, state))]
    for label, threshold in (("fused, serial", 1 << 62), ("fused, parallel", 0),
                             ("fused, auto", kernels.PARALLEL_THRESHOLD)):
        def run(threshold=threshold):
            kernels.PARALLEL_THRESHOLD = threshold
            _raw_step(kernels.adam, params, grads, state)
        rows.append((label, run))
    kernels.PARALLEL_THRESHOLD = 100_000
    opt = optim.Adam(params, lr=1e-3)
    rows.append(("optim.Adam.step()", opt.step))
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(2)
        for foreach in (False, True):
            tp = [torch.tensor(p.data.copy(), requires_grad=True) for p in params]
            for t, g in zip(tp, grads):
                t.grad = torch.tensor(g)
            rows.append((f"torch.optim.Adam foreach={foreach}",
                         torch.optim.Adam(tp, lr=1e-3, foreach=foreach).step))
    bytes_moved = 7 * 4 * n  # reads p, g, m, v; writes p, m, v
    for label, fn in rows:
        us = _median_us(fn, args.repeats)
        print(f"  {label:<30s} {us:8.1f} µs   {bytes_moved / us / 1e3:6.1f} GB/s")


if __name__ == "__main__":
    main()
