"""Time the compiled elementwise kernels against their NumPy references.

    .venv/bin/python bench/kernels.py [--dtype float32|float64] [--repeat 5] [--warm-cache]

For each kernel and size (1e3, 1e5, 1e7 elements) prints the best time of the
NumPy reference and of the public kernel (dispatch included: output
allocation, the serial/parallel choice). The first call of each kernel, the
compile, is timed apart, on the 1e5 input (which every kernel runs compiled).
By default Numba caches into a fresh temporary directory so that time is a real
compile; ``--warm-cache`` keeps the package's cache (then it is the load time
of a later process).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SIZES = (1_000, 100_000, 10_000_000)
UNARY = ("exp", "log", "tanh", "sigmoid", "relu", "leaky_relu", "softplus", "erf", "erfc",
         "gelu", "gelu_tanh")
BINARY = ("tanh_backward", "sigmoid_backward", "relu_backward", "leaky_relu_backward",
          "softplus_backward", "gelu_backward", "gelu_tanh_backward")
SLOPE = {"leaky_relu": (0.01,), "leaky_relu_backward": (0.01,)}


def best_time(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:9.3f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:9.1f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warm-cache", action="store_true")
    args = parser.parse_args()
    if not args.warm_cache:
        os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="graphgrad-bench-")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

    import numpy as np

    from autograd import kernels
    from autograd.kernels import reference

    if kernels.backend() != "numba":
        sys.exit("GRAPHGRAD_KERNELS=numpy is set: there are no compiled kernels to time")
    rng = np.random.default_rng(0)
    dt = np.dtype(args.dtype)
    print(f"{dt} | best of {args.repeat} | 'first call' = compile (or cache load)")
    print(f"{'kernel':<20}{'first call':>13}  " + "".join(
        f"{f'n={n:.0e} numpy':>17}{'kernel':>13}{'speed-up':>9}" for n in SIZES))
    for name in UNARY + BINARY:
        ops = {}
        for n in SIZES:
            x = rng.standard_normal(n).astype(dt)
            if name == "log":
                x = np.abs(x)
            ins = (rng.standard_normal(n).astype(dt), x) if name in BINARY else (x,)
            ops[n] = ins + SLOPE.get(name, ())
        fast, ref = getattr(kernels, name), getattr(reference, name)
        # 1e5 elements: compiled for every kernel (exp/log/tanh/relu run NumPy below it).
        first = best_time(lambda f=fast, a=ops[SIZES[1]]: f(*a), 1)
        line = f"{name:<20}{fmt(first):>13}  "
        for n in SIZES:
            a = ops[n]
            t_ref = best_time(lambda r=ref, a=a: r(*a), args.repeat)
            t_fast = best_time(lambda f=fast, a=a: f(*a), args.repeat)
            line += f"{fmt(t_ref):>17}{fmt(t_fast):>13}{t_ref / t_fast:8.1f}x"
        print(line, flush=True)


if __name__ == "__main__":
    main()
