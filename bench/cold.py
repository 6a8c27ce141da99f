"""Section ``cold``: ``import autograd`` time, and the first training step of a fresh process.

The first step runs with the Numba cache empty (``NUMBA_CACHE_DIR`` a new temporary
directory: every kernel compiles) and then warm (the same directory again: kernels
load from the cache). Compile time is the cold first step minus a steady step.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from typing import Any

from .child import spawn

IMPORT_CODE = ("import time; t = time.perf_counter(); import autograd; "
               "print(time.perf_counter() - t)")


def import_seconds(repeat: int) -> list[float]:
    """``import autograd`` in ``repeat`` fresh interpreters."""
    return [float(subprocess.run([sys.executable, "-c", IMPORT_CODE], capture_output=True,
                                 text=True, check=True).stdout)
            for _ in range(repeat)]


def run(quick: bool) -> dict[str, Any]:
    """Import times, and the first step with a cold and a warm Numba cache."""
    batch = 32 if quick else 128
    steady = 5 if quick else 30
    imports = import_seconds(3 if quick else 7)
    with tempfile.TemporaryDirectory(prefix="graphgrad-numba-") as cache:
        env = {"NUMBA_CACHE_DIR": cache}
        cold = spawn("first_step", [batch, steady], env)
        warm = spawn("first_step", [batch, steady], env)
    return {
        "import_autograd_s": statistics.median(imports),
        "import_samples_s": imports,
        "batch_size": batch,
        "cold_cache": cold,
        "warm_cache": warm,
        "compile_s": cold["first_step_s"] - cold["steady_step_s"],
        "warm_first_step_extra_s": warm["first_step_s"] - warm["steady_step_s"],
    }
