"""Measurements that need a fresh process: ``python -m bench.child <task> [args]``.

Each task prints one JSON object on its last line of stdout. The parent
(``bench.cold``, ``bench.memory``, ``bench.blas_lever``) chooses the environment:
an empty Numba cache, a BLAS core type, a contender to run alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from typing import Any

from . import contenders as C
from .timing import median_seconds, time_calls


def first_step(batch_size: int, steady: int) -> dict[str, Any]:
    """Seconds of imports + model set-up, of the first graphgrad step, and of later steps."""
    start = time.perf_counter()
    import nn  # noqa: F401
    import optim  # noqa: F401

    step = C.make_graphgrad(C.make_data(batch_size))
    setup = time.perf_counter() - start
    first = time_calls(step, 0, 1)[0]
    from autograd.kernels import pool

    return {"setup_s": setup, "first_step_s": first, "imported_numba": "numba" in sys.modules,
            "numba_in_background": pool._loading is not None,
            "steady_step_s": median_seconds(step, 3, steady)}


def numba_floor() -> dict[str, Any]:
    """Seconds of ``import numba`` and of the first call of the smallest cached kernel,
    after ``import autograd`` as in ``first_step`` (see ``bench/numba_floor.py``)."""
    import autograd  # noqa: F401

    start = time.perf_counter()
    import numba  # noqa: F401

    imported = time.perf_counter()
    from .numba_floor import identity

    identity(1.0)
    return {"import_numba_s": imported - start,
            "first_cached_call_s": time.perf_counter() - imported}


def status_bytes(field: str = "VmRSS") -> int:
    """A memory field of /proc/self/status: ``VmRSS`` (now) or ``VmHWM`` (peak).

    (``getrusage``'s ru_maxrss is not used: Linux carries it over from the parent
    across fork and exec, so a child would report its parent's peak.)
    """
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} missing from /proc/self/status")


def rss_trace(contender: str, batch_size: int, steps: int, window: int) -> dict[str, Any]:
    """RSS after every step of one contender; the mean of the first and last ``window``."""
    before = status_bytes()
    step = C.contenders()[contender](C.make_data(batch_size))
    trace = []
    for i in range(steps):
        step(i)
        trace.append(status_bytes())
    first = sum(trace[:window]) / window
    last = sum(trace[-window:]) / window
    return {"rss_before_bytes": before, "rss_first_window_bytes": first,
            "rss_last_window_bytes": last, "growth_bytes": last - first,
            "peak_rss_bytes": status_bytes("VmHWM"),
            "steps": steps, "window": window}


def step_alone(contender: str, batch_size: int, warmup: int, repeat: int) -> dict[str, Any]:
    """One contender's step times with no other framework loaded in the process, and the
    process-wide settings it ran under (what ``import autograd`` did to malloc)."""
    from autograd import allocator

    times = time_calls(C.contenders()[contender](C.make_data(batch_size)), warmup, repeat)
    return {"ms": sorted(times)[len(times) // 2] * 1e3, "ms_min": min(times) * 1e3,
            "malloc": allocator.info()}


def blas_lever(batch_sizes: list[int], repeat: int) -> dict[str, Any]:
    """Under this process's BLAS setup: matmul GFLOP/s at MLP shapes and step times."""
    from autograd import blas

    from .machine import describe
    from .step import matmul_roofline

    rows = []
    for n in batch_sizes:
        data = C.make_data(n)
        roof = matmul_roofline(n, repeat)
        row = {"batch_size": n, "matmul_gflops": roof["gflops"], "matmul_ms": roof["ms"]}
        for name in ("graphgrad", "numpy"):
            row[f"{name}_ms"] = median_seconds(C.contenders()[name](data), 5, repeat) * 1e3
        rows.append(row)
    arch = [m.get("architecture") for m in describe()["loaded_blas"]
            if m.get("internal_api") == "openblas"]
    return {"blas_info": blas.info(), "openblas_architecture": arch, "rows": rows}


def ops_alone(impl: str, sizes: list[int], budget: float, first: int) -> dict[str, float]:
    """The op table's column of one implementation, with no other framework loaded,
    from its ``first``-th op on."""
    from .ops import time_impl

    return time_impl(impl, sizes, budget, first)


def chain_alone(impl: str, length: int, repeat: int) -> dict[str, float]:
    """The per-op overhead of one framework, with no other framework loaded."""
    from .ops import chain_us_per_op

    return {"us_per_op": chain_us_per_op(impl, length, repeat)}


def models_alone(impl: str, names: list[str], warmup: int, budget: float) -> dict[str, Any]:
    """The models section's column of one framework, with no other framework loaded."""
    from .models import time_models

    return time_models(impl, names, warmup, budget)


TASKS = {
    "first_step": lambda a: first_step(int(a[0]), int(a[1])),
    "numba_floor": lambda a: numba_floor(),
    "rss": lambda a: rss_trace(a[0], int(a[1]), int(a[2]), int(a[3])),
    "blas": lambda a: blas_lever([int(x) for x in a[0].split(",")], int(a[1])),
    "step_alone": lambda a: step_alone(a[0], int(a[1]), int(a[2]), int(a[3])),
    "ops_alone": lambda a: ops_alone(a[0], [int(x) for x in a[1].split(",")], float(a[2]),
                                     int(a[3])),
    "chain_alone": lambda a: chain_alone(a[0], int(a[1]), int(a[2])),
    "models_alone": lambda a: models_alone(a[0], a[1].split(","), int(a[2]), float(a[3])),
}


def spawn(task: str, args: list[str], env: Mapping[str, str | None] = {},
          timeout: float = 1800) -> dict[str, Any]:
    """Run ``task`` in a fresh interpreter; ``env`` adds variables (``None`` removes one)."""
    environ = dict(os.environ)
    for key, value in env.items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    out = subprocess.run([sys.executable, "-m", "bench.child", task, *map(str, args)],
                         env=environ, capture_output=True, text=True, timeout=timeout,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if out.returncode != 0:
        raise RuntimeError(f"bench.child {task} failed (exit {out.returncode}):\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in TASKS:
        raise SystemExit(f"usage: python -m bench.child {{{'|'.join(TASKS)}}} args...")
    print(json.dumps(TASKS[argv[0]](argv[1:])))


if __name__ == "__main__":
    main(sys.argv[1:])
