"""Intel MKL's GEMM for the large float products, where MKL is installed and helps.

NumPy's wheels multiply with OpenBLAS. On Intel's AVX-512 CPUs MKL (what PyTorch's CPU
build multiplies with) is faster at a training step's shapes: on an Ice Lake VM
(2026-12-03, float32, 2 threads) the eight products of the batch-512 MLP step took
3.42 ms against OpenBLAS's 4.18 (784-wide ones 1047 vs 1394 µs), and the whole step
0.86-0.88 of its time (bench/README finding 42). On AMD's CPUs MKL is known to take
slower paths, so it is used only on Intel's unless asked for.

The library is the PyPI wheel ``mkl`` (the extra ``graphgrad[mkl]``: ``pip install
mkl``), found as ``libmkl_rt.so`` in the environment's ``lib`` directory (or where
``GRAPHGRAD_MKL_LIBRARY`` points), loaded with ctypes on the first large product. It
runs its threads on Intel's OpenMP runtime (``MKL_THREADING_LAYER`` may name ``gnu`` or
``sequential``), which survives a ``fork`` (``optim.search``'s workers are forked; a
child of a process that used GNU OpenMP's pool hangs in its first product), and takes
its thread count from ``MKL_NUM_THREADS`` or ``OMP_NUM_THREADS`` as usual. Where another
OpenMP runtime got into the process first (``import torch`` before graphgrad's first
large product), Intel's would compute wrong products beside it, so MKL is not used
(``foreign_openmp``).

``GRAPHGRAD_MKL`` in the environment: ``auto`` (the default: MKL where it is installed
and the CPU is Intel's), ``on`` (wherever it is installed; an error if it is not),
``off`` (OpenBLAS only).

``product(a, b)`` takes 2-D float32/float64 operands of one dtype, each C-contiguous or
the transpose of a C-contiguous matrix (what ``linear`` and its backward pass), with at
least ``MIN_WORK`` multiply-adds; anything else returns None and ``matmul`` goes on to
NumPy. ``MIN_WORK`` is where OpenBLAS starts multiplying on its threads (m·n·k above
4 · 65536): MKL must take every product that would, because the two libraries' idle
threads spin on the cores the other one needs (with products from 2^21 on MKL and those
below on OpenBLAS, the batch-512 step took twice as long). Below it OpenBLAS runs on
the calling thread alone and wakes nobody. ``vector_product(v, b)`` does the same for
``v @ b`` of a vector and a matrix (a bias gradient ``1ᵀg``) on MKL's gemv from
``GEMV_MIN_WORK`` elements, where OpenBLAS's gemv starts its threads. Values agree with
NumPy's product within float rounding, not bit for bit (another order of the sums).
"""

from __future__ import annotations

import ctypes
import glob
import os
import sys
from typing import Any, NamedTuple

import numpy as np

from .aot import Kernel, registered

ENV = "GRAPHGRAD_MKL"
LIBRARY_ENV = "GRAPHGRAD_MKL_LIBRARY"
CHOICES = ("auto", "on", "off")
MIN_WORK = 1 << 18
GEMV_MIN_WORK = 4 * 2304  # where OpenBLAS's gemv starts its threads (m·n ≥ 9216)
_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
INT_LIMIT = 1 << 31  # MKL's LP64 interface takes 32-bit dimensions (ctypes would wrap)
THREADING_LAYERS = {"intel": 0, "sequential": 1, "gnu": 3}  # MKL_Set_Threading_Layer's


def threading_layer() -> str:
    """``MKL_THREADING_LAYER`` (lower case) if the environment names one of
    ``THREADING_LAYERS``, else ``'intel'``."""
    value = os.environ.get("MKL_THREADING_LAYER", "").strip().lower()
    return value if value in THREADING_LAYERS else "intel"


_state: dict[str, object] = {"decided": False, "gemm": None, "path": None, "reason": ""}
_calls: dict[str, Kernel] = {}


def requested(environ: dict | None = None) -> str:
    """``GRAPHGRAD_MKL`` from the environment: ``'auto'`` (default), ``'on'`` or ``'off'``."""
    env = os.environ if environ is None else environ
    value = env.get(ENV, "").strip().lower() or "auto"
    if value not in CHOICES:
        raise ValueError(f"{ENV}={env[ENV]!r} is not a choice: set it to 'auto' (MKL's "
                         "products where MKL is installed and the CPU is Intel's), 'on' or "
                         "'off', or unset it")
    return value


def find_library() -> str | None:
    """The path of ``libmkl_rt`` (``GRAPHGRAD_MKL_LIBRARY``, else the ``mkl`` wheel's in
    this environment's ``lib``), or None."""
    given = os.environ.get(LIBRARY_ENV, "").strip()
    if given:
        return given
    for prefix in dict.fromkeys((sys.prefix, sys.base_prefix)):
        found = sorted(glob.glob(os.path.join(prefix, "lib", "libmkl_rt.so*")))
        if found:
            return found[-1]
    return None


def cpu_is_intel(cpuinfo: str | None = None) -> bool:
    """Whether ``/proc/cpuinfo`` (or the text given) names Intel as the vendor."""
    if cpuinfo is None:
        try:
            with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
                cpuinfo = f.read(4096)
        except OSError:
            return False
    return "GenuineIntel" in cpuinfo


FOREIGN_OPENMP = ("another OpenMP runtime (GNU's, as PyTorch loads it) is in the process's "
                  "global symbols, and MKL's threads on Intel's runtime would then compute "
                  "wrong products")


def foreign_openmp() -> bool:
    """Whether an OpenMP runtime other than Intel's already lends the process its global
    ``omp_*`` symbols. MKL's Intel-threaded code would call that runtime's
    ``omp_get_thread_num`` and every thread would compute the first thread's share (seen
    with PyTorch imported first: errors of ~90 in a 512 × 784 × 256 float32 product).
    Loaded after MKL, such a library finds Intel's runtime first, which serves it too."""
    symbols = ctypes.CDLL(None)
    return hasattr(symbols, "omp_get_thread_num") and not hasattr(symbols, "kmp_set_blocktime")


def _load_openmp(path: str) -> None:
    """Intel's OpenMP runtime beside ``libmkl_rt``, into the global symbols now: MKL would
    load it only in its first product, and Numba's parallel loops (``pool.py``) must find
    it there before they start."""
    found = sorted(glob.glob(os.path.join(os.path.dirname(path), "libiomp5.so*")))
    if found:
        ctypes.CDLL(found[0], mode=ctypes.RTLD_GLOBAL)


def _load(path: str) -> tuple:
    if threading_layer() == "intel":
        _load_openmp(path)
    lib = ctypes.CDLL(path)
    lib.MKL_Set_Threading_Layer.restype = ctypes.c_int
    if lib.MKL_Set_Threading_Layer(THREADING_LAYERS[threading_layer()]) < 0:
        raise OSError(f"{path}: MKL could not take {threading_layer()} threads")
    c_int, c_void = ctypes.c_int, ctypes.c_void_p
    routines = {}
    for char, scalar in (("f", ctypes.c_float), ("d", ctypes.c_double)):
        gemm = getattr(lib, f"cblas_{'s' if char == 'f' else 'd'}gemm")
        gemm.restype = None
        gemm.argtypes = [c_int, c_int, c_int, c_int, c_int, c_int, scalar, c_void, c_int,
                         c_void, c_int, scalar, c_void, c_int]
        gemv = getattr(lib, f"cblas_{'s' if char == 'f' else 'd'}gemv")
        gemv.restype = None
        gemv.argtypes = [c_int, c_int, c_int, c_int, scalar, c_void, c_int, c_void, c_int,
                         scalar, c_void, c_int]
        one, zero = np.dtype(char).type(1), np.dtype(char).type(0)
        routines[char] = _Routines(gemm, gemv, _address(gemm), _address(gemv), one, zero)
    return routines


class _Routines(NamedTuple):
    """One dtype's BLAS calls: the ctypes functions, their addresses (for ``blas_calls``)
    and the scalars 1 and 0 of the dtype."""

    gemm: Any
    gemv: Any
    gemm_address: int
    gemv_address: int
    one: Any
    zero: Any


def _address(function: Any) -> int:
    return ctypes.cast(function, ctypes.c_void_p).value or 0


def _compiled(name: str) -> Kernel | None:
    """The kernel of ``blas_calls`` that calls BLAS from compiled code, or None where the
    kernels are NumPy's (``GRAPHGRAD_KERNELS=numpy``: no Numba at all)."""
    from . import dispatch

    if not dispatch._COMPILED:
        return None
    return registered(_calls, f"{__package__}.blas_calls", name, parallel_flag=False)


def _decide() -> None:
    _state["decided"] = True
    choice = requested()
    if choice == "off":
        _state["reason"] = f"{ENV}=off"
        return
    if choice == "auto" and not cpu_is_intel():
        _state["reason"] = "not an Intel CPU (MKL is used there only with GRAPHGRAD_MKL=on)"
        return
    if threading_layer() == "intel" and foreign_openmp():
        if choice == "on":
            raise RuntimeError(FOREIGN_OPENMP + ": unset GRAPHGRAD_MKL, or call "
                               "autograd.kernels.mkl.active() before importing that library")
        _state["reason"] = FOREIGN_OPENMP
        return
    path = find_library()
    if path is None:
        if choice == "on":
            raise RuntimeError(f"{ENV}=on but no libmkl_rt was found in {sys.prefix}/lib: "
                               "install it with `pip install mkl` (or graphgrad[mkl]), point "
                               f"{LIBRARY_ENV} at it, or unset {ENV}")
        _state["reason"] = "MKL is not installed (pip install mkl)"
        return
    try:
        _state["gemm"] = _load(path)
    except (OSError, AttributeError) as error:
        if choice == "on":
            raise
        _state["reason"] = f"loading {path} failed: {error}"
        return
    _state["path"] = path
    _state["reason"] = "MKL's GEMM for products of at least MIN_WORK multiply-adds"


def active() -> bool:
    """Whether the large products run on MKL in this process (decided on first use)."""
    if not _state["decided"]:
        _decide()
    return _state["gemm"] is not None


def info() -> dict[str, object]:
    """``{'requested', 'active', 'library', 'reason'}`` for this process."""
    return {"requested": requested(), "active": active(), "library": _state["path"],
            "reason": _state["reason"]}


def _layout(x: np.ndarray) -> tuple[int, int] | None:
    """(transpose flag, leading dimension) of a C-contiguous matrix or of the transpose of
    one; None for any other layout."""
    if x.flags.c_contiguous:
        return _NO_TRANS, max(x.shape[1], 1)
    if x.flags.f_contiguous:
        return _TRANS, max(x.shape[0], 1)
    return None


def routines(a: np.ndarray, b: np.ndarray) -> _Routines | None:
    """The ``_Routines`` of a and b's float dtype where MKL is active and they share it,
    else None."""
    if a.dtype != b.dtype or a.dtype.char not in "fd" or not active():
        return None
    return _state["gemm"][a.dtype.char]  # type: ignore[index]


def _fits(out: np.ndarray | None, shape: tuple, a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``out`` (if given) can take a product of ``shape`` from a and b."""
    return out is None or (out.shape == shape and out.dtype == a.dtype
                           and out.flags.c_contiguous and out.flags.writeable
                           and out.flags.aligned and not np.may_share_memory(out, a)
                           and not np.may_share_memory(out, b))


def product(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray | None:
    """``a @ b`` on MKL as a new C-contiguous array (or into ``out``, a C-contiguous array
    of the result's shape and dtype that overlaps neither operand), or None where it
    does not apply (see the module docstring)."""
    if a.ndim != 2 or b.ndim != 2:
        return None
    blas = routines(a, b)
    m, k = a.shape
    n = b.shape[1]
    if (blas is None or m * n * k < MIN_WORK or b.shape[0] != k
            or max(m, n, k) >= INT_LIMIT or not _fits(out, (m, n), a, b)):
        return None
    la, lb = _layout(a), _layout(b)
    if la is None or lb is None or not (a.flags.aligned and b.flags.aligned):
        return None
    if out is None:
        out = np.empty((m, n), dtype=a.dtype)
    call = _compiled("gemm")
    if call is None:
        blas.gemm(_ROW_MAJOR, la[0], lb[0], m, n, k, 1.0, a.ctypes.data, la[1],
                      b.ctypes.data, lb[1], 0.0, out.ctypes.data, n)
    else:  # each operand as the C-contiguous matrix it is or is the transpose of
        call(a.dtype.char, blas.gemm_address, la[0], lb[0],
             a if la[0] == _NO_TRANS else a.T, b if lb[0] == _NO_TRANS else b.T, out,
             blas.one, blas.zero)
    return out


def vector_product(v: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    """``v @ b`` of a contiguous vector ``(k,)`` and a matrix ``(k, n)`` (C-contiguous or
    the transpose of one) on MKL's gemv, from ``GEMV_MIN_WORK`` elements of b; None
    where it does not apply. A linear layer's bias gradient ``1ᵀg``."""
    if v.ndim != 1 or b.ndim != 2 or b.shape[0] != v.shape[0] or not v.flags.c_contiguous:
        return None
    blas = routines(v, b)
    k, n = b.shape
    lb = _layout(b)
    if (blas is None or k * n < GEMV_MIN_WORK or max(k, n) >= INT_LIMIT or lb is None
            or not (v.flags.aligned and b.flags.aligned)):
        return None
    out = np.empty(n, dtype=v.dtype)
    # y = bᵀv for b (k, n) row-major; for b = cᵀ with c (n, k) row-major, y = c v
    trans, stored = (_TRANS, b) if lb[0] == _NO_TRANS else (_NO_TRANS, b.T)
    call = _compiled("gemv")
    if call is None:
        rows, cols = stored.shape
        blas.gemv(_ROW_MAJOR, trans, rows, cols, 1.0, stored.ctypes.data, lb[1],
                      v.ctypes.data, 1, 0.0, out.ctypes.data, 1)
    else:
        call(v.dtype.char, blas.gemv_address, trans, stored, v, out, blas.one,
             blas.zero)
    return out
