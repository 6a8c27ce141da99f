"""Creation functions and the global random generator (``manual_seed``)."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from . import dtypes
from .device import device as check_device
from .tensor import Tensor

_rng: np.random.Generator | None = None  # made on first use: numpy.random takes ~20 ms to import


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the generator used by ``rand``, ``randn``, dropout and initializers."""
    global _rng
    _rng = np.random.default_rng(seed)
    return _rng


def get_rng(rng: np.random.Generator | int | None = None) -> np.random.Generator:
    """The generator to draw from: ``rng`` when it is one, a new one seeded with ``rng``
    when it is an int, else the global one (seeded by ``manual_seed``)."""
    if rng is None:
        return _rng if _rng is not None else _unseeded()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy.random.Generator, an int seed or None, got "
                    f"{type(rng).__name__}")


def _unseeded() -> np.random.Generator:
    """The global generator, seeded from the OS, when ``manual_seed`` has not been called."""
    global _rng
    _rng = np.random.default_rng()
    return _rng


def _make(data: np.ndarray, requires_grad: bool, op: str, device: Any = None) -> Tensor:
    if device is not None:
        check_device(device)
    t = Tensor._make(data, False, None, 0)
    if requires_grad:
        if not dtypes.is_floating(data.dtype):
            raise TypeError(f"{op}: requires_grad=True needs a floating point dtype, the result "
                            f"is {data.dtype}; pass dtype=np.float32 (or float values)")
        t._requires_grad = True
    return t


def _dtype(dtype: Any) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def _float_dtype(dtype: Any, op: str) -> np.dtype:
    d = _dtype(dtype)
    if d.kind != "f":
        raise TypeError(f"{op}: draws floating point samples, dtype={d} is not floating; "
                        "use randint for integers")
    return d


def _shape(shape: tuple, op: str) -> tuple:
    """The sizes given as ints or as one tuple/list, checked: non-negative integers."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    try:
        sizes = tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(f"{op}: the size must be ints or a tuple of ints, got "
                        f"{shape!r}") from None
    if any(s < 0 for s in sizes):
        raise ValueError(f"{op}: sizes must be non-negative, got {sizes}")
    return sizes


def _size_arg(shape: Any, op: str) -> tuple:
    return _shape(tuple(shape) if isinstance(shape, (tuple, list)) else (shape,), op)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False,
           device: Any = None) -> Tensor:
    """A new leaf Tensor holding a copy of ``data``.

    Python floats become the default dtype (float32), Python ints int64; NumPy
    arrays keep their dtype unless ``dtype`` is given.
    """
    if isinstance(data, Tensor):
        data = data.data
    arr = dtypes.to_array(data, dtype)
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"tensor: data must be numbers (nested lists, arrays, Tensors), got "
                        f"{type(data).__name__} giving a {arr.dtype} array")
    if arr is data or (isinstance(data, np.ndarray) and np.shares_memory(arr, data)):
        arr = arr.copy()
    return _make(arr, requires_grad, "tensor", device)


def from_numpy(a: np.ndarray) -> Tensor:
    """A Tensor sharing memory with the array ``a`` (changes show in both)."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"from_numpy expects an np.ndarray, got {type(a).__name__}")
    return Tensor._make(a, False, None, 0)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """A Tensor for ``data``, without copying when it already is an array of that dtype."""
    if device is not None:
        check_device(device)
    if isinstance(data, Tensor) and (dtype is None or data.dtype == np.dtype(dtype)):
        return data
    return Tensor._make(dtypes.to_array(np.asarray(data) if isinstance(data, Tensor) else data,
                                        dtype), False, None, 0)


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False,
          device: Any = None) -> Tensor:
    """A tensor of zeros."""
    return _make(np.zeros(_shape(shape, "zeros"), dtype=_dtype(dtype)), requires_grad, "zeros",
                 device)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Tensor:
    """A tensor of ones."""
    return _make(np.ones(_shape(shape, "ones"), dtype=_dtype(dtype)), requires_grad, "ones", device)


def full(shape: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Tensor:
    """A tensor filled with ``fill_value``. Without ``dtype`` the fill value decides, as in
    PyTorch: a bool gives bool, an int int64, a float the default float dtype."""
    if dtype is None:
        if isinstance(fill_value, (bool, np.bool_)):
            dtype = np.bool_
        elif isinstance(fill_value, (int, np.integer)):
            dtype = np.int64
    return _make(np.full(_size_arg(shape, "full"), fill_value, dtype=_dtype(dtype)),
                 requires_grad, "full", device)


def empty(*shape: Any, dtype: Any = None, requires_grad: bool = False,
          device: Any = None) -> Tensor:
    """A tensor whose values are not set (whatever the memory held): fill it before use."""
    return _make(np.empty(_shape(shape, "empty"), dtype=_dtype(dtype)), requires_grad, "empty",
                 device)


def _like(t: Any, dtype: Any) -> tuple[tuple, np.dtype]:
    """The shape of ``t`` and ``dtype``, or t's dtype when it is None."""
    a = np.asarray(t.data if isinstance(t, Tensor) else t)
    return a.shape, np.dtype(dtype) if dtype is not None else a.dtype


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False,
               device: Any = None) -> Tensor:
    """Zeros with the shape (and dtype, unless given) of ``t``."""
    shape, d = _like(t, dtype)
    return _make(np.zeros(shape, dtype=d), requires_grad, "zeros_like", device)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False,
              device: Any = None) -> Tensor:
    """Ones with the shape (and dtype, unless given) of ``t``."""
    shape, d = _like(t, dtype)
    return _make(np.ones(shape, dtype=d), requires_grad, "ones_like", device)


def full_like(t: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False,
              device: Any = None) -> Tensor:
    """``fill_value`` everywhere, with the shape (and dtype) of ``t``."""
    shape, d = _like(t, dtype)
    return _make(np.full(shape, fill_value, dtype=d), requires_grad, "full_like", device)


def empty_like(t: Any, dtype: Any = None, requires_grad: bool = False,
               device: Any = None) -> Tensor:
    """A tensor of ``t``'s shape (and dtype) whose values are not set: fill it before use."""
    shape, d = _like(t, dtype)
    return _make(np.empty(shape, dtype=d), requires_grad, "empty_like", device)


def rand_like(t: Any, dtype: Any = None, requires_grad: bool = False,
              device: Any = None, rng: np.random.Generator | int | None = None) -> Tensor:
    """Uniform samples in [0, 1) with the shape (and floating dtype) of ``t``."""
    shape, d = _like(t, dtype)
    return rand(*shape, dtype=_float_dtype(d, "rand_like"), requires_grad=requires_grad,
                device=device, rng=rng)


def randn_like(t: Any, dtype: Any = None, requires_grad: bool = False,
               device: Any = None, rng: np.random.Generator | int | None = None) -> Tensor:
    """Standard normal samples with the shape (and floating dtype) of ``t``."""
    shape, d = _like(t, dtype)
    return randn(*shape, dtype=_float_dtype(d, "randn_like"), requires_grad=requires_grad,
                 device=device, rng=rng)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False,
           device: Any = None) -> Tensor:
    """Evenly spaced values in ``[start, stop)``: int64 for ints, else the default float.

    Floating values are ``start + i·step`` computed in float64, then rounded to the dtype
    (as PyTorch; NumPy's float32 ``arange`` accumulates a float32 step and drifts).
    """
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    if dtype is None and all(isinstance(v, (int, np.integer)) for v in (start, stop, step)):
        dtype = np.int64
    d = _dtype(dtype)
    if d.kind == "f" and d != np.float64:
        data = np.arange(start, stop, step, dtype=np.float64).astype(d)
    else:
        data = np.arange(start, stop, step, dtype=d)
    return _make(data, requires_grad, "arange", device)


def linspace(start: float, stop: float, num: int = 50, dtype: Any = None,
             requires_grad: bool = False,
             device: Any = None) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive."""
    return _make(np.linspace(start, stop, num, dtype=_dtype(dtype)), requires_grad,
                 "linspace", device)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False,
        device: Any = None) -> Tensor:
    """The identity matrix (n × m)."""
    n, m = _shape((n, n if m is None else m), "eye")
    return _make(np.eye(n, m, dtype=_dtype(dtype)), requires_grad, "eye", device)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False,
         device: Any = None, rng: np.random.Generator | int | None = None) -> Tensor:
    """Uniform samples in [0, 1) (course: ``np.random.rand`` for dropout masks)."""
    d = _float_dtype(dtype, "rand")
    data = get_rng(rng).random(_shape(shape, "rand"), dtype=d if d.itemsize in (4, 8)
                               else np.float64).astype(d, copy=False)
    return _make(data, requires_grad, "rand", device)


def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False,
          device: Any = None, rng: np.random.Generator | int | None = None) -> Tensor:
    """Standard normal samples (course: ``np.random.randn``)."""
    d = _float_dtype(dtype, "randn")
    data = get_rng(rng).standard_normal(_shape(shape, "randn"),
                                        dtype=d if d.itemsize in (4, 8) else np.float64)
    return _make(data.astype(d, copy=False), requires_grad, "randn", device)


def randint(low: int, high: Any = None, shape: Any = None, rng: np.random.Generator | None = None,
            *, size: Any = None, dtype: Any = None, device: Any = None) -> Tensor:
    """Integers drawn uniformly from ``[low, high)`` (int64 unless ``dtype``).

    PyTorch's forms work too: ``randint(high, size)`` draws from ``[0, high)``, and the
    shape may be given as ``size=``.
    """
    if size is not None:
        if shape is not None:
            raise TypeError("randint: give the shape once, as shape= or size=")
        shape = size
    if shape is None and isinstance(high, (tuple, list)):
        low, high, shape = 0, low, high
    if high is None or shape is None:
        raise TypeError("randint needs the bound(s) and a shape: randint(low, high, shape) or "
                        "randint(high, shape)")
    if low >= high:
        raise ValueError(f"randint: low must be below high, got low={low}, high={high}")
    data = get_rng(rng).integers(low, high, _size_arg(shape, "randint"), dtype=np.int64)
    return _make(data if dtype is None else data.astype(dtype), False, "randint", device)
