"""What the numbers were measured on: CPU, load, library versions, BLAS in use."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from typing import Any

import numpy as np

from autograd import blas, kernels
from autograd.kernels import aot, mkl, sizes, target

from . import THREADS


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_flags() -> list[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            flags = blas.cpu_flags(f.read())
    except OSError:
        return []
    wanted = ("avx", "avx2", "fma", *blas.AVX512_FLAGS)
    return [f for f in wanted if f in flags]


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _numpy_blas() -> dict[str, Any]:
    try:
        config = np.show_config(mode="dicts")
    except TypeError:  # NumPy before 1.25 only prints its configuration
        return {"name": None, "version": None, "openblas_configuration": ""}
    info = config.get("Build Dependencies", {}).get("blas", {})
    return {"name": info.get("name"), "version": info.get("version"),
            "openblas_configuration": " ".join(str(info.get("openblas configuration", ""))
                                               .split())}


def _loaded_blas() -> list[dict[str, Any]]:
    """The BLAS libraries really loaded and the kernel family each chose (threadpoolctl)."""
    try:
        import threadpoolctl
    except ImportError:
        return []
    return [{k: m.get(k) for k in ("internal_api", "version", "architecture", "num_threads",
                                   "prefix")}
            for m in threadpoolctl.threadpool_info()]


def kernel_setup() -> dict[str, Any]:
    """Which kernels the numbers are of: the backend, ahead-of-time builds, parallel loops,
    and the sizes from which exp, log, tanh and relu run compiled (``None``: never; below
    it, NumPy's ufunc runs)."""
    backend = kernels.backend()
    parallel = kernels.parallel_info(decide=backend == "numba")
    parallel_min = parallel["parallel_min"]
    if backend == "numpy":
        text = "NumPy references (GRAPHGRAD_KERNELS=numpy): no compiled kernel runs"
    elif aot.enabled():
        text = "Numba kernels, serial ones built ahead of time"
    else:
        text = "Numba kernels through the JIT only (GRAPHGRAD_AOT=0)"
    if backend == "numba":
        how = "automatic" if parallel["auto"] else "GRAPHGRAD_PARALLEL_MIN"
        text += (f"; serial at every size ({how}: {parallel['reason']})" if parallel_min is None
                 else f"; parallel from {parallel_min:,} elements ({how}: {parallel['reason']})")
        text += f"; vector width: {target.mode()} (GRAPHGRAD_VECTOR_WIDTH)"
    products = mkl.info()
    text += (f"; float products from {mkl.MIN_WORK:,} multiply-adds on MKL ({products['library']})"
             if products["active"] else f"; products on NumPy's BLAS ({products['reason']})")
    compiled_min = {op: None if n == sizes.NEVER else n for op, n in sizes.COMPILED_MIN.items()}
    return {"backend": backend, "aot": backend == "numba" and aot.enabled(),
            "parallel_min": parallel_min, "parallel": parallel, "compiled_min": compiled_min,
            "vector_width": target.mode(), "mkl": products, "text": text}


def describe() -> dict[str, Any]:
    """The machine, its load right now, and the libraries' versions and BLAS setup."""
    return {
        "cpu_model": _cpu_model(),
        "cpu_flags": _cpu_flags(),
        "cores": os.cpu_count(),
        "threads_used": THREADS,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {name: _version(name) for name in ("numpy", "numba", "torch")},
        "numpy_blas": _numpy_blas(),
        "loaded_blas": _loaded_blas(),
        "graphgrad_blas": blas.info(),
        "graphgrad_kernels": kernel_setup(),
    }
