"""autograd.allocator: freed arrays' memory is reused, not faulted in again (glibc)."""

import os
import subprocess
import sys

import pytest

from autograd import allocator

# A forward+backward's worth of 400 KB temporaries, made and freed 200 times; prints the
# page faults the loop took.
LOOP = """
import resource
import numpy as np
import autograd
from autograd import allocator
x = np.ones(100_000, np.float32)
for _ in range(5):
    y = np.exp(x); z = y * 2; w = z + 1; del y, z, w
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(200):
    y = np.exp(x); z = y * 2; w = z + 1; del y, z, w
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(allocator.info())
"""

glibc_only = pytest.mark.skipif(allocator._glibc() is None, reason="mallopt is glibc's")


def run_loop(**env: str) -> tuple[int, str]:
    environ = {k: v for k, v in os.environ.items() if k != allocator.VARIABLE}
    out = subprocess.run([sys.executable, "-c", LOOP], env={**environ, **env},
                         capture_output=True, text=True, check=True, timeout=120)
    faults, info = out.stdout.strip().splitlines()
    return int(faults), info


@glibc_only
def test_import_keeps_freed_memory_for_the_next_arrays():
    faults, info = run_loop()
    assert "M_MMAP_THRESHOLD=32 MiB" in info and "M_TRIM_THRESHOLD=256 MiB" in info
    assert faults < 200  # glibc's defaults take ~50,000 here (see the next test)


@glibc_only
def test_system_setting_leaves_glibc_alone():
    faults, info = run_loop(GRAPHGRAD_MALLOC="system")
    assert info == "GRAPHGRAD_MALLOC=system: glibc's default thresholds"
    assert faults > 10_000  # every 400 KB array faulted in again: what the default fixes


def test_a_wrong_setting_is_a_clear_error():
    with pytest.raises(ValueError, match="GRAPHGRAD_MALLOC='fast'.*'tuned'.*'system'"):
        allocator.apply({"GRAPHGRAD_MALLOC": "fast"})


def test_this_process_was_set_up_at_import():
    assert allocator.info().startswith(("glibc", "not glibc", "GRAPHGRAD_MALLOC=system"))
