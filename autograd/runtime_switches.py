"""PyTorch's process-wide switches, with their arguments checked as PyTorch checks them
and their state kept, so scripts that set and read them run unchanged. What each means
here:

* ``use_deterministic_algorithms`` / ``set_deterministic_debug_mode``: every op
  graphgrad computes is already deterministic on the CPU (NumPy and its BLAS, the
  Numba kernels, ``np.add.at`` for scatter-adds): for a given thread count, the same
  inputs give the same bits. The mode is stored and reported; no op needs to raise or
  warn under it. (PyTorch's mode also fills ``empty`` tensors with NaN; graphgrad does
  not.)
* ``set_float32_matmul_precision``: NumPy's float32 matmul always computes in full
  float32 (PyTorch's ``'highest'``); ``'high'`` and ``'medium'`` (TF32, bfloat16
  passes on GPUs) are stored and reported, and change nothing.
* ``set_default_device``: tensors always live on the CPU; ``'cpu'`` (and ``None``, the
  default) is accepted, any other device is refused with an error that says so.
* ``set_warn_always``: stored and reported (graphgrad's own warnings go through Python's
  ``warnings`` module, whose filters decide how often they show).
* ``set_flush_denormal``: not supported (it would set the FTZ/DAZ bits of each thread's
  floating-point control register, which NumPy gives no way to reach), so it returns
  False, as PyTorch does on CPUs without the feature; the arithmetic is unchanged.
* ``get_num_interop_threads`` / ``set_num_interop_threads``: graphgrad runs ops one
  after another on the calling thread (only inside an op do BLAS threads work), so
  the count is stored: settable once, as PyTorch's. ``init_num_threads`` does nothing.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from .device import device as _check_device

__all__ = [
    "are_deterministic_algorithms_enabled", "get_default_device",
    "get_deterministic_debug_mode", "get_float32_matmul_precision", "get_num_interop_threads",
    "init_num_threads", "is_deterministic_algorithms_warn_only_enabled",
    "is_warn_always_enabled", "set_default_device", "set_deterministic_debug_mode",
    "set_flush_denormal", "set_float32_matmul_precision", "set_num_interop_threads",
    "set_warn_always", "use_deterministic_algorithms",
]

_state: dict[str, Any] = {
    "deterministic": False,
    "warn_only": False,
    "matmul_precision": "highest",
    "warn_always": False,
    "interop_threads": None,  # None until set: the default is the number of cores
}


def _bool(value: Any, op: str, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{op}(): argument '{name}' must be bool, not {type(value).__name__}")
    return value


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms (``mode``), warning instead of raising where one
    has none (``warn_only``). Every graphgrad op is deterministic on the CPU, so this
    only records the request (see the module's note)."""
    _state["deterministic"] = _bool(mode, "use_deterministic_algorithms", "mode")
    _state["warn_only"] = _bool(warn_only, "use_deterministic_algorithms", "warn_only")


def are_deterministic_algorithms_enabled() -> bool:
    """Whether ``use_deterministic_algorithms(True)`` is in force."""
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether it was set with ``warn_only=True``."""
    return _state["warn_only"]


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """``'default'``/0: deterministic mode off; ``'warn'``/1: on, warning only;
    ``'error'``/2: on."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, "
                               f"`warn`, `error`, but got {debug_mode}")
        debug_mode = _DEBUG_MODES[debug_mode]
    elif not isinstance(debug_mode, int) or isinstance(debug_mode, bool):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """0 (off), 1 (warn only) or 2 (on), as ``set_deterministic_debug_mode`` takes."""
    if not _state["deterministic"]:
        return 0
    return 1 if _state["warn_only"] else 2


def set_float32_matmul_precision(precision: str) -> None:
    """``'highest'``, ``'high'`` or ``'medium'``: stored and reported; float32 matmuls
    here always compute in full float32 (``'highest'``). Another string warns and
    changes nothing, as PyTorch's."""
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got "
                           f"{type(precision).__name__}")
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "set_float32_matmul_precision call has no effect.", UserWarning,
                      stacklevel=2)
        return
    _state["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    """The precision last set (``'highest'`` by default)."""
    return _state["matmul_precision"]


def set_default_device(device: Any) -> None:
    """Accept ``'cpu'`` (or ``None``), where graphgrad's tensors always are; any other
    device raises."""
    if device is not None:
        _check_device(device)


def get_default_device() -> str:
    """``'cpu'``."""
    return "cpu"


def set_warn_always(b: bool) -> None:
    """Stored and reported by ``is_warn_always_enabled``."""
    if not isinstance(b, bool):
        raise RuntimeError(f"setWarnOnlyOnce expects a bool, but got {type(b).__name__}")
    _state["warn_always"] = b


def is_warn_always_enabled() -> bool:
    """Whether ``set_warn_always(True)`` is in force."""
    return _state["warn_always"]


def set_flush_denormal(mode: bool) -> bool:
    """False: flushing denormals to zero is not supported here (see the module's note);
    nothing changes."""
    if not isinstance(mode, bool):
        raise RuntimeError(f"flush_denormal expects a bool, but got {type(mode).__name__}")
    return False


def get_num_interop_threads() -> int:
    """The inter-op thread count: the number of cores unless set."""
    count = _state["interop_threads"]
    return count if count is not None else (os.cpu_count() or 1)


def set_num_interop_threads(int: int) -> None:  # noqa: A002 - PyTorch's argument name
    """Set the inter-op thread count, once (a positive int), as PyTorch allows; stored
    only, as graphgrad runs ops on the calling thread."""
    if isinstance(int, bool) or not hasattr(int, "__index__") or int.__index__() < 1:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    if _state["interop_threads"] is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work "
                           "has started or set_num_interop_threads called")
    _state["interop_threads"] = int.__index__()


def init_num_threads() -> None:
    """Nothing to do: the BLAS threads are set up when NumPy loads (``set_num_threads``
    changes their count)."""
