"""Pick OpenBLAS's matmul kernels from the CPU's real features, before NumPy loads.

NumPy's wheels ship an OpenBLAS built for many CPUs (``DYNAMIC_ARCH``) that chooses
its kernel family when it is loaded. On some AVX-512 machines (AMD Zen 4, for one) it
falls back to its AVX2 "Haswell" kernels; there, ``OPENBLAS_CORETYPE=SkylakeX``
roughly doubles float32 matmul throughput (measured in ``bench/RESULTS.md``).
OpenBLAS reads the variable once, when NumPy first imports it, so this module runs
first thing in ``autograd/__init__.py`` and imports nothing but the standard library.

The rule, in order:

1. ``GRAPHGRAD_BLAS_CORETYPE=none`` leaves everything alone.
2. ``OPENBLAS_CORETYPE`` already set by the user is kept.
3. NumPy already imported: too late, nothing is set (``info()`` says so).
4. ``GRAPHGRAD_BLAS_CORETYPE=<name>`` (e.g. ``Haswell``) sets that core type — except an
   AVX-512 one on a CPU without AVX-512, which would crash on an illegal instruction.
5. Otherwise (``auto``, the default) ``SkylakeX`` is set only when ``/proc/cpuinfo``
   lists every one of avx512f, avx512bw, avx512vl and avx512dq; else nothing is set.

``info()`` reports what was chosen and why.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, MutableMapping

AVX512_FLAGS = ("avx512f", "avx512bw", "avx512vl", "avx512dq")
# OpenBLAS core types whose kernels use AVX-512 instructions.
AVX512_CORETYPES = frozenset({"skylakex", "cooperlake", "sapphirerapids"})
USER_VARIABLE = "GRAPHGRAD_BLAS_CORETYPE"
OPENBLAS_VARIABLE = "OPENBLAS_CORETYPE"

def cpu_flags(cpuinfo_text: str) -> frozenset[str]:
    """The feature flags of the first processor in ``/proc/cpuinfo`` text (x86 ``flags``)."""
    for line in cpuinfo_text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def has_avx512(flags: frozenset[str]) -> bool:
    """True when the CPU has the AVX-512 subsets OpenBLAS's SkylakeX kernels need."""
    return all(f in flags for f in AVX512_FLAGS)


def choose(flags: frozenset[str] | None, environ: Mapping[str, str],
           numpy_imported: bool) -> tuple[str | None, str]:
    """Decide the ``OPENBLAS_CORETYPE`` to set: ``(core type or None, reason)``.

    ``flags`` is ``None`` when the CPU's features could not be read. Pure: it reads
    only its arguments, so the rule is testable on made-up CPUs.
    """
    requested = environ.get(USER_VARIABLE, "auto").strip() or "auto"
    if requested.lower() == "none":
        return None, f"{USER_VARIABLE}=none: OpenBLAS left to choose its own kernels"
    if OPENBLAS_VARIABLE in environ:
        return None, (f"{OPENBLAS_VARIABLE}={environ[OPENBLAS_VARIABLE]} was already set in "
                      "the environment; kept")
    if numpy_imported:
        return None, ("numpy was imported before autograd, so OpenBLAS had already chosen "
                      "its kernels; import autograd first (or set OPENBLAS_CORETYPE) to "
                      "choose them")
    avx512 = flags is not None and has_avx512(flags)
    if requested.lower() != "auto":
        if requested.lower() in AVX512_CORETYPES and not avx512:
            return None, (f"{USER_VARIABLE}={requested} refused: that core type needs "
                          f"AVX-512 ({', '.join(AVX512_FLAGS)}), which this CPU does not "
                          "report")
        return requested, f"{USER_VARIABLE}={requested} chosen by the user"
    if flags is None:
        return None, "CPU flags unknown (no /proc/cpuinfo): OpenBLAS left to choose"
    if avx512:
        return "SkylakeX", (f"CPU reports {', '.join(AVX512_FLAGS)}: OpenBLAS's AVX-512 "
                            "(SkylakeX) kernels selected")
    return None, "CPU has no AVX-512: OpenBLAS left to choose its own kernels"


def _read_flags(path: str = "/proc/cpuinfo") -> frozenset[str] | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return cpu_flags(f.read())
    except OSError:
        return None


def configure(environ: MutableMapping[str, str] = os.environ,
              cpuinfo_path: str = "/proc/cpuinfo") -> dict[str, object]:
    """Apply the rule to ``environ`` (the process environment by default).

    Returns the record ``info()`` reports; ``autograd`` calls it once, on import.
    """
    numpy_imported = "numpy" in sys.modules
    flags = _read_flags(cpuinfo_path)
    coretype, reason = choose(flags, environ, numpy_imported)
    if coretype is not None:
        environ[OPENBLAS_VARIABLE] = coretype
    return {
        "requested": environ.get(USER_VARIABLE, "auto"),
        "set": coretype,
        "openblas_coretype": environ.get(OPENBLAS_VARIABLE),
        "cpu_avx512": None if flags is None else has_avx512(flags),
        "numpy_imported_before": numpy_imported,
        "reason": reason,
    }


_info = configure()


def info() -> dict[str, object]:
    """What this module did when ``autograd`` was imported.

    Keys: ``requested`` (``GRAPHGRAD_BLAS_CORETYPE``, default ``auto``), ``set`` (the core
    type this module set, or ``None``), ``openblas_coretype`` (the variable's value after
    the decision, whoever set it), ``cpu_avx512`` (``None`` when unknown),
    ``numpy_imported_before`` (True means nothing could take effect) and ``reason``.
    """
    return dict(_info)
