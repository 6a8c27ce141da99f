"""The vector width Numba compiles the kernels for: all 512 bits where the CPU has AVX-512.

LLVM tunes code for Intel's AVX-512 CPUs (Skylake-X, Ice Lake, Sapphire Rapids) to
prefer 256-bit vectors (its ``prefer-256-bit`` tuning: the first AVX-512 cores lowered
their clock for 512-bit work), while for AMD's Zen 4 it uses 512-bit ones. The
kernels' loops are short arithmetic chains over whole arrays, where twice the width
is nearly twice the speed: on an Ice Lake VM (2026-12-03) float32 ``exp`` over 1e5
elements took 100 µs with 256-bit vectors and 47 with 512-bit ones (NumPy's own 53),
sigmoid 82 → 38, softplus 200 → 114, Adam's update of 200k parameters 225 → 192
(bench/README finding 41).

So, before graphgrad first compiles with Numba in a process, ``configure_numba()``
sets Numba's CPU features (``numba.core.config.CPU_FEATURES``, what the environment
variable ``NUMBA_CPU_FEATURES`` sets) to the host's own plus ``-prefer-256-bit``,
where the host has AVX-512. The setting is Numba's, for the whole process: functions
a user compiles with Numba afterwards get the full width too. It is left alone:

- where the environment has ``GRAPHGRAD_VECTOR_WIDTH=llvm`` (LLVM's choice per CPU);
- where the user set ``NUMBA_CPU_NAME`` or ``NUMBA_CPU_FEATURES`` (theirs is kept);
- where Numba's CPU target already exists (something was compiled before graphgrad's
  first kernel): the ahead-of-time builds and the JIT kernels must be compiled alike,
  as a reduction's bits depend on the width of its vectors.

``mode()`` says which width is in effect; it is part of the fingerprint of the
ahead-of-time builds (``aot.py``), so each width has its own.
"""

from __future__ import annotations

import os
import sys

ENV = "GRAPHGRAD_VECTOR_WIDTH"
CHOICES = ("full", "llvm")
NUMBA_VARIABLES = ("NUMBA_CPU_NAME", "NUMBA_CPU_FEATURES")
NARROWING = "prefer-256-bit"
_state: dict[str, str | bool | None] = {"mode": None, "configured": False}


def requested() -> str:
    """``GRAPHGRAD_VECTOR_WIDTH`` from the environment: ``'full'`` (the default) or
    ``'llvm'``."""
    value = os.environ.get(ENV, "").strip().lower() or "full"
    if value not in CHOICES:
        raise ValueError(f"{ENV}={os.environ[ENV]!r} is not a vector width: set it to 'full' "
                         "(512-bit vectors where the CPU has AVX-512, the default) or 'llvm' "
                         "(LLVM's choice for the CPU), or unset it")
    return value


def _numba_target_exists() -> bool:
    """Whether Numba built its CPU target in this process (without importing Numba)."""
    registry = sys.modules.get("numba.core.registry")
    return registry is not None and \
        "_toplevel_target_context" in vars(registry.cpu_target)


def mode() -> str:
    """``'full'`` when this process compiles the kernels with the widest vectors, else
    ``'llvm'``; decided on the first call and kept."""
    if _state["mode"] is None:
        left_alone = requested() == "llvm" or any(os.environ.get(v) for v in NUMBA_VARIABLES) \
            or _numba_target_exists()
        _state["mode"] = "llvm" if left_alone else "full"
    return str(_state["mode"])


def full_width_features(host_features: str) -> str:
    """LLVM's feature string ``host_features`` with the 256-bit preference turned off
    where it has AVX-512 (``+avx512f``); unchanged otherwise (and on other
    architectures, whose LLVM would warn about an x86 feature)."""
    if "+avx512f" not in host_features.split(","):
        return host_features
    kept = [f for f in host_features.split(",") if f.lstrip("+-") != NARROWING]
    return ",".join([*kept, "-" + NARROWING])


def features(host_features: str) -> str:
    """The features graphgrad's ahead-of-time builds use, from Numba's for the host."""
    return full_width_features(host_features) if mode() == "full" else host_features


def configure_numba() -> str:
    """Once, before graphgrad's first compilation: in ``'full'`` mode, set Numba's CPU
    features for the JIT (imports Numba). Returns ``mode()``.

    If Numba built its CPU target between ``mode()``'s decision and this call (a user's
    function compiled first), the JIT keeps LLVM's width; the ahead-of-time builds,
    whose fingerprint carries the mode, still use ``features()``.
    """
    if not _state["configured"]:
        _state["configured"] = True
        if mode() == "full" and not _numba_target_exists():
            from numba.core import codegen, config

            config.CPU_FEATURES = full_width_features(codegen.get_host_cpu_features())
    return mode()
