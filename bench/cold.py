"""Section ``cold``: ``import autograd`` time, and the first training step of a fresh process.

``import autograd`` is timed with every module's bytecode cached, as Python keeps it after
``pip install`` or a first import, and again with graphgrad's own modules compiled from
source at each import, as where ``PYTHONDONTWRITEBYTECODE=1`` keeps the cache from ever
being written (the bench machines set it). Both runs keep their bytecode in a temporary
``PYTHONPYCACHEPREFIX``, never beside the sources.

The first step runs with the kernel caches empty (``NUMBA_CACHE_DIR`` and
``GRAPHGRAD_AOT_DIR`` in a new temporary directory: every kernel compiles and is built
ahead of time) and then warm (the same directories again: the kernels' ahead-of-time
modules load in ms, and Numba is not imported). Compile time is the cold first step
minus a steady step.

Numba's own start-up is measured apart, in fresh processes with the same cache: ``import
numba`` and the first call of an empty cached kernel (``bench/numba_floor.py``). A first
step pays it whenever it runs a kernel through Numba's JIT instead of its ahead-of-time
build; the child reports whether the warm first step imported Numba at all.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .child import spawn

IMPORT_CODE = ("import time; t = time.perf_counter(); import autograd; "
               "print(time.perf_counter() - t)")


ROOT = Path(__file__).resolve().parents[1]


def import_seconds(repeat: int, environ: dict[str, str] | None = None) -> list[float]:
    """``import autograd`` in ``repeat`` fresh interpreters (environment ``environ``)."""
    return [float(subprocess.run([sys.executable, "-c", IMPORT_CODE], capture_output=True,
                                 text=True, check=True, env=environ, cwd=ROOT).stdout)
            for _ in range(repeat)]


def import_seconds_cached_and_from_source(repeat: int) -> tuple[list[float], list[float]]:
    """``import autograd`` times with all bytecode cached, then with graphgrad's modules'
    bytecode removed and not written again (NumPy's stays cached)."""
    with tempfile.TemporaryDirectory(prefix="graphgrad-pycache-") as prefix:
        environ = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        environ["PYTHONPYCACHEPREFIX"] = prefix
        import_seconds(1, environ)  # writes every module's bytecode
        cached = import_seconds(repeat, environ)
        shutil.rmtree(prefix + str(ROOT / "autograd"))  # the prefix mirrors source paths
        environ["PYTHONDONTWRITEBYTECODE"] = "1"
        from_source = import_seconds(repeat, environ)
    return cached, from_source


def _median_run(runs: list[dict[str, Any]], seconds: Callable[[dict[str, Any]], float]
                ) -> dict[str, Any]:
    """The run whose ``seconds`` is the median (the upper one of an even count)."""
    return sorted(runs, key=seconds)[len(runs) // 2]


def _warm_extra(run: dict[str, Any]) -> float:
    return run["first_step_s"] - run["steady_step_s"]


def _floor(run: dict[str, Any]) -> float:
    return run["import_numba_s"] + run["first_cached_call_s"]


def run(quick: bool) -> dict[str, Any]:
    """Import times; the first step with a cold and with a warm Numba cache; Numba's
    start-up floor. The warm step and the floor are medians over fresh processes that
    take turns, so that both see the same load on the machine."""
    batch = 32 if quick else 128
    steady = 5 if quick else 30
    rounds = 1 if quick else 5
    imports, imports_from_source = import_seconds_cached_and_from_source(3 if quick else 7)
    with tempfile.TemporaryDirectory(prefix="graphgrad-numba-") as cache:
        env = {"NUMBA_CACHE_DIR": cache, "GRAPHGRAD_AOT_DIR": f"{cache}/graphgrad-aot"}
        cold = spawn("first_step", [batch, steady], env)
        spawn("numba_floor", [], env)  # compiles the empty kernel into the cache
        warm_runs, floor_runs = [], []
        for _ in range(rounds):
            warm_runs.append(spawn("first_step", [batch, steady], env))
            floor_runs.append(spawn("numba_floor", [], env))
    warm = _median_run(warm_runs, _warm_extra)
    floor = _median_run(floor_runs, _floor)
    return {
        "import_autograd_s": statistics.median(imports),
        "import_samples_s": imports,
        "import_autograd_from_source_s": statistics.median(imports_from_source),
        "batch_size": batch,
        "cold_cache": cold,
        "warm_cache": warm,
        "compile_s": cold["first_step_s"] - cold["steady_step_s"],
        "warm_first_step_extra_s": _warm_extra(warm),
        "warm_extra_samples_s": [_warm_extra(r) for r in warm_runs],
        "numba_floor": floor,
        "numba_floor_s": _floor(floor),
        "numba_floor_samples_s": [_floor(r) for r in floor_runs],
    }
