"""The vector width of the compiled kernels (``autograd/kernels/target.py``): 512-bit
vectors where the CPU has AVX-512, unless the environment or an earlier Numba user says
otherwise; each width with its own ahead-of-time builds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import kernels as K
from autograd.kernels import target

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(K.backend() != "numba", reason="GRAPHGRAD_KERNELS=numpy")
HOST = "+64bit,+avx,+avx2,+avx512f,+avx512bw,+fma,+prefer-256-bit,-amx-tile"

# A fresh process: where it resolves the width, Numba's features for the JIT, the
# fingerprint of its ahead-of-time builds, and the vector registers of a JIT kernel.
PROBE = """
import json, sys, numpy as np
{before}
import autograd.kernels as k
from autograd.kernels import aot, target
x = np.ones(5000, np.float32)
k.sigmoid(x)  # built ahead of time, or loaded
from autograd.kernels import activations as a, dispatch
a.sigmoid(x, np.empty_like(x), False)  # and by the JIT
from numba.core import codegen, config
asm = a.sigmoid.inspect_asm(a.sigmoid.signatures[0])
built = str(dispatch._kernels["sigmoid"].module_path("f"))
print(json.dumps({{"mode": target.mode(), "features": config.CPU_FEATURES,
                  "host": codegen.get_host_cpu_features(), "fingerprint": aot.fingerprint(),
                  "zmm": asm.count("zmm"), "built": built}}))
"""

FIRST_NUMBA_USER = """
import numba
@numba.njit
def twice(x):
    return 2 * x
twice(1.0)
"""


def probe(tmp_path: Path, before: str = "", **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("GRAPHGRAD_KERNELS", target.ENV, *target.NUMBA_VARIABLES)}
    env = {**clean, "GRAPHGRAD_AOT_DIR": str(tmp_path / "aot"),
           "NUMBA_CACHE_DIR": str(tmp_path / "jit"), **env}  # compiled here: Numba shows no
    # machine code of a kernel it loaded from its cache
    proc = subprocess.run([sys.executable, "-c", PROBE.format(before=before)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_256_bit_preference_is_turned_off_only_with_avx512():
    assert target.full_width_features(HOST).split(",") == [
        "+64bit", "+avx", "+avx2", "+avx512f", "+avx512bw", "+fma", "-amx-tile",
        "-prefer-256-bit"]
    avx2 = "+64bit,+avx,+avx2,+fma,-avx512f"
    assert target.full_width_features(avx2) == avx2
    arm = "+neon,+fp-armv8"
    assert target.full_width_features(arm) == arm


def test_the_width_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(target.ENV, raising=False)
    assert target.requested() == "full"
    monkeypatch.setenv(target.ENV, " LLVM ")
    assert target.requested() == "llvm"
    monkeypatch.setenv(target.ENV, "256")
    with pytest.raises(ValueError, match="GRAPHGRAD_VECTOR_WIDTH='256'.*'full'.*'llvm'"):
        target.requested()


def zmm_instructions(module: str) -> int:
    """How many instructions of a built kernel module use 512-bit registers."""
    objdump = shutil.which("objdump")
    assert objdump, "objdump (binutils, which gcc needs) reads the built modules"
    text = subprocess.run([objdump, "-d", module], capture_output=True, text=True,
                          check=True).stdout
    return text.count("%zmm")


def test_a_fresh_process_compiles_with_the_full_width(tmp_path):
    full = probe(tmp_path)
    assert full["mode"] == "full"
    assert full["features"] == target.full_width_features(full["host"])
    wide = "+avx512f" in full["host"].split(",")
    assert (full["zmm"] > 0) == wide  # the JIT kernel
    assert (zmm_instructions(full["built"]) > 0) == wide  # and its ahead-of-time build
    llvm = probe(tmp_path, GRAPHGRAD_VECTOR_WIDTH="llvm")
    assert llvm["mode"] == "llvm" and llvm["features"] is None
    assert llvm["fingerprint"] != full["fingerprint"]  # each width builds its own modules
    assert sorted(p.name for p in (tmp_path / "aot").iterdir() if p.is_dir()) == \
        sorted([full["fingerprint"], llvm["fingerprint"]])


def test_numba_settings_and_an_earlier_numba_user_are_left_alone(tmp_path):
    first = probe(tmp_path, before=FIRST_NUMBA_USER)
    assert first["mode"] == "llvm" and first["features"] is None
    host = probe(tmp_path, GRAPHGRAD_VECTOR_WIDTH="llvm")["host"]
    theirs = probe(tmp_path, NUMBA_CPU_FEATURES=host)
    assert theirs["mode"] == "llvm" and theirs["features"] == host
