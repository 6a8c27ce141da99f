"""Default floating dtype and conversion of user data to arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

_default_dtype: np.dtype = np.dtype(np.float32)


def get_default_dtype() -> np.dtype:
    """The dtype given to Python floats and to new parameters (float32 unless changed)."""
    return _default_dtype


def set_default_dtype(dtype: Any) -> None:
    """Set the default floating dtype: ``np.float32`` or ``np.float64``."""
    global _default_dtype
    d = np.dtype(dtype)
    if d not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"set_default_dtype takes np.float32 or np.float64, got {d}")
    _default_dtype = d


def to_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Convert data to an ndarray the way ``tensor()`` does.

    NumPy arrays and scalars keep their dtype; Python floats (and lists of them) become
    the default dtype; Python ints become int64 and bools bool, as in PyTorch. A list
    that holds a NumPy float64 scalar or array is float64, as in PyTorch, where list
    elements promote by their own dtypes. With ``dtype``, Python numbers convert to it
    directly (no detour through the default).
    """
    if isinstance(data, np.ndarray):
        return data.astype(dtype, copy=False) if dtype is not None else data
    if dtype is not None:  # straight to dtype: 0.3 given as float64 is not rounded to float32
        return np.asarray(data, dtype=dtype)
    arr = np.asarray(data)
    if arr.dtype == np.float64 and not isinstance(data, np.generic) and not _holds_float64(data):
        arr = arr.astype(_default_dtype)
    return arr


def _holds_float64(data: Any) -> bool:
    """True if nested lists/tuples ``data`` hold a NumPy float64 scalar or array."""
    if isinstance(data, (list, tuple)):
        return any(_holds_float64(item) for item in data)
    return isinstance(data, (np.generic, np.ndarray)) and data.dtype == np.float64


def is_floating(dtype: np.dtype) -> bool:
    """True for floating dtypes, the only ones that can require gradients."""
    return dtype.kind == "f"
