"""Creation functions and the global random generator (``manual_seed``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from .tensor import Tensor

_rng = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the generator used by ``rand``, ``randn``, dropout and initializers."""
    global _rng
    _rng = np.random.default_rng(seed)
    return _rng


def get_rng(rng: np.random.Generator | int | None = None) -> np.random.Generator:
    """The generator to draw from: ``rng`` when it is one, a new one seeded with ``rng``
    when it is an int, else the global one (seeded by ``manual_seed``)."""
    if rng is None:
        return _rng
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy.random.Generator, an int seed or None, got "
                    f"{type(rng).__name__}")


def _make(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._make(data, False, None, 0)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _dtype(dtype: Any) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def _shape(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new leaf Tensor holding a copy of ``data``.

    Python floats become the default dtype (float32), Python ints int64; NumPy
    arrays keep their dtype unless ``dtype`` is given.
    """
    if isinstance(data, Tensor):
        data = data.data
    arr = dtypes.to_array(data, dtype)
    if arr is data or (isinstance(data, np.ndarray) and np.shares_memory(arr, data)):
        arr = arr.copy()
    return _make(arr, requires_grad)


def from_numpy(a: np.ndarray) -> Tensor:
    """A Tensor sharing memory with the array ``a`` (changes show in both)."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"from_numpy expects an np.ndarray, got {type(a).__name__}")
    return Tensor._make(a, False, None, 0)


def as_tensor(data: Any, dtype: Any = None) -> Tensor:
    """A Tensor for ``data``, without copying when it already is an array of that dtype."""
    if isinstance(data, Tensor) and (dtype is None or data.dtype == np.dtype(dtype)):
        return data
    return Tensor._make(dtypes.to_array(np.asarray(data) if isinstance(data, Tensor) else data,
                                        dtype), False, None, 0)


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros."""
    return _make(np.zeros(_shape(shape), dtype=_dtype(dtype)), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _make(np.ones(_shape(shape), dtype=_dtype(dtype)), requires_grad)


def full(shape: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``."""
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    return _make(np.full(shape, fill_value, dtype=_dtype(dtype)), requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape (and dtype, unless given) of ``t``."""
    a = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.zeros(a.shape, dtype=dtype or a.dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape (and dtype, unless given) of ``t``."""
    a = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.ones(a.shape, dtype=dtype or a.dtype), requires_grad)


def full_like(t: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` everywhere, with the shape (and dtype) of ``t``."""
    a = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.full(a.shape, fill_value, dtype=dtype or a.dtype), requires_grad)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in ``[start, stop)``: int64 for ints, else the default float."""
    if stop is None:
        start, stop = 0, start
    if dtype is None and all(isinstance(v, (int, np.integer)) for v in (start, stop, step)):
        dtype = np.int64
    return _make(np.arange(start, stop, step, dtype=_dtype(dtype)), requires_grad)


def linspace(start: float, stop: float, num: int = 50, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive."""
    return _make(np.linspace(start, stop, num, dtype=_dtype(dtype)), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The identity matrix (n × m)."""
    return _make(np.eye(n, m, dtype=_dtype(dtype)), requires_grad)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False,
         rng: np.random.Generator | int | None = None) -> Tensor:
    """Uniform samples in [0, 1) (course: ``np.random.rand`` for dropout masks)."""
    d = _dtype(dtype)
    data = get_rng(rng).random(_shape(shape), dtype=d if d.kind == "f" and d.itemsize in (4, 8)
                               else np.float64).astype(d, copy=False)
    return _make(data, requires_grad)


def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False,
          rng: np.random.Generator | int | None = None) -> Tensor:
    """Standard normal samples (course: ``np.random.randn``)."""
    d = _dtype(dtype)
    data = get_rng(rng).standard_normal(_shape(shape), dtype=d if d.kind == "f" and
                                        d.itemsize in (4, 8) else np.float64)
    return _make(data.astype(d, copy=False), requires_grad)


def randint(low: int, high: int, shape: Any, rng: np.random.Generator | None = None) -> Tensor:
    """Integers drawn uniformly from ``[low, high)`` (int64)."""
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    return _make(get_rng(rng).integers(low, high, shape, dtype=np.int64), False)
