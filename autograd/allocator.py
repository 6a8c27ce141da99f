"""Keep freed array memory for the next array instead of handing it back to the OS (glibc).

NumPy allocates each array with ``malloc``. glibc serves a block above its mmap
threshold (128 KiB at start, raised as blocks are freed) with a fresh ``mmap``, and
returns the free top of the heap to the OS once it exceeds the trim threshold (twice
the mmap threshold). In a loop that frees its arrays and allocates the same sizes
again, as every training step and every forward+backward does, either way the next
array's memory is new to the process and costs one page fault per 4 KiB page. On the
VMs measured here a page fault costs ~2.5 µs, more than the arithmetic: a
forward+backward of ``exp`` on 1e5 float32 elements (400 KB arrays) took 408 µs with
the faults and 67 µs without, and the course's hand-written NumPy Adam took ~790 faults
per step (``bench/RESULTS.md``).

So ``import autograd`` (this module, imported first) sets, on glibc only:

* ``M_MMAP_THRESHOLD`` to 32 MiB (glibc's maximum): smaller arrays come from the heap,
  where a freed block is reused by the next request of its size;
* ``M_TRIM_THRESHOLD`` to 256 MiB: up to that much free memory at the top of the heap
  stays with the process instead of being returned after every step.

The cost is memory: after a peak, up to 256 MiB of freed heap may stay in the
process's RSS (it is reused, not leaked: RSS over 1,000 training steps stays flat).
Arrays of 32 MiB and more are still mapped and unmapped by the OS. The settings apply
to the whole process, like any ``mallopt``. ``GRAPHGRAD_MALLOC=system`` in the
environment (before ``import autograd``) leaves glibc's defaults alone; ``info()``
says what was done.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Mapping

VARIABLE = "GRAPHGRAD_MALLOC"
M_TRIM_THRESHOLD = -1  # glibc's <malloc.h> parameter numbers
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 256 << 20

_info = "not applied yet"


def _glibc() -> ctypes.CDLL | None:
    """The process's C library when it is glibc (it has ``gnu_get_libc_version``), else None."""
    try:
        libc = ctypes.CDLL(None)  # the symbols already loaded into the process
    except OSError:
        return None
    if not hasattr(libc, "gnu_get_libc_version") or not hasattr(libc, "mallopt"):
        return None
    return libc


def apply(environ: Mapping[str, str] = os.environ) -> str:
    """Set the thresholds (see the module docstring) unless the environment opts out;
    return, and remember for ``info()``, what was done."""
    global _info
    choice = environ.get(VARIABLE, "tuned").strip().lower() or "tuned"
    if choice not in ("tuned", "system"):
        raise ValueError(f"{VARIABLE}={environ[VARIABLE]!r}: set it to 'tuned' (the default: "
                         "keep freed memory for reuse) or 'system' (glibc's own thresholds)")
    if choice == "system":
        _info = f"{VARIABLE}=system: glibc's default thresholds"
        return _info
    libc = _glibc()
    if libc is None:
        _info = "not glibc: the C library's own allocator settings"
        return _info
    ok = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) and \
        libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    version = libc.gnu_get_libc_version
    version.restype = ctypes.c_char_p
    _info = (f"glibc {version().decode()}: M_MMAP_THRESHOLD={MMAP_THRESHOLD >> 20} MiB, "
             f"M_TRIM_THRESHOLD={TRIM_THRESHOLD >> 20} MiB" if ok
             else "glibc refused the mallopt settings: its defaults stay")
    return _info


def info() -> str:
    """What ``import autograd`` did to the allocator."""
    return _info


apply()
