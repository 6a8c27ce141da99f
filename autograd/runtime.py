"""Torch-level helpers that are not ops: seeds and the generator's state, type queries and
promotion (``result_type``, ``promote_types``, ``can_cast``, ``finfo``, ``iinfo``) and the
BLAS thread count.

The generator is ``creation``'s global NumPy ``Generator`` (PCG64); its state as a uint8
tensor is the 128-bit state and increment and the two buffered-draw fields, little-endian.
Threads are OpenBLAS's (NumPy's bundled library, through ctypes); where that library is
not found the count is only remembered for this process.
"""

from __future__ import annotations

import builtins
import ctypes
import glob
import os
import secrets
from numbers import Number
from typing import Any

import numpy as np

from . import creation
from .dtypes import get_default_dtype
from .tensor import Tensor

__all__ = [
    "can_cast", "finfo", "get_num_threads", "get_rng_state", "iinfo", "initial_seed",
    "is_storage", "is_tensor", "promote_types", "result_type", "seed", "set_num_threads",
    "set_rng_state", "typename",
]


def seed() -> int:
    """Seed the global generator with a fresh 63-bit seed from the OS and return it."""
    value = secrets.randbits(63)
    creation.manual_seed(value)
    return value


def initial_seed() -> int:
    """The seed the global generator was made from (``manual_seed``'s or ``seed``'s; an
    OS-drawn 128-bit entropy when neither was called, where PyTorch's is 64-bit)."""
    return int(creation.get_rng().bit_generator.seed_seq.entropy)


_STATE_BYTES = 16 + 16 + 1 + 4


def get_rng_state() -> Tensor:
    """The global generator's state as a uint8 tensor of 37 bytes, which ``set_rng_state``
    restores (the draws after it repeat). Its layout is this library's (PyTorch's CPU
    state is 5056 bytes of Mersenne Twister)."""
    state = creation.get_rng().bit_generator.state
    inner = state["state"]
    raw = (inner["state"].to_bytes(16, "little") + inner["inc"].to_bytes(16, "little")
           + bytes([state["has_uint32"]]) + state["uinteger"].to_bytes(4, "little"))
    return Tensor._wrap(np.frombuffer(raw, dtype=np.uint8).copy())


def set_rng_state(new_state: Any) -> None:
    """Restore the global generator to a state from ``get_rng_state``."""
    raw = np.asarray(new_state.data if isinstance(new_state, Tensor) else new_state)
    if raw.dtype != np.uint8 or raw.shape != (_STATE_BYTES,):
        raise ValueError(f"set_rng_state: expects the uint8 tensor of {_STATE_BYTES} bytes "
                         f"that get_rng_state gives, got {raw.dtype} of shape {raw.shape}")
    data = raw.tobytes()
    creation.get_rng().bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": int.from_bytes(data[:16], "little"),
                  "inc": int.from_bytes(data[16:32], "little")},
        "has_uint32": data[32],
        "uinteger": int.from_bytes(data[33:], "little"),
    }


def is_tensor(obj: Any) -> bool:
    """True if ``obj`` is a Tensor."""
    return isinstance(obj, Tensor)


def is_storage(obj: Any) -> bool:
    """False: tensors here hold NumPy arrays, not PyTorch storages."""
    return False


_TENSOR_TYPES = {"float16": "HalfTensor", "float32": "FloatTensor", "float64": "DoubleTensor",
                 "int8": "CharTensor", "uint8": "ByteTensor", "int16": "ShortTensor",
                 "int32": "IntTensor", "int64": "LongTensor", "bool": "BoolTensor",
                 "complex64": "ComplexFloatTensor", "complex128": "ComplexDoubleTensor"}


def typename(obj: Any) -> str:
    """PyTorch's type name: ``'torch.DoubleTensor'`` and the like for a tensor, else the
    object's class as ``module.QualName`` (just the name for builtins)."""
    if isinstance(obj, Tensor):
        return "torch." + _TENSOR_TYPES.get(obj.dtype.name, obj.dtype.name.title() + "Tensor")
    cls = type(obj)
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", None) else f"{module}.{cls.__qualname__}"


def _category(dtype: np.dtype) -> int:
    return {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}[dtype.kind]


def promote_types(type1: Any, type2: Any) -> np.dtype:
    """PyTorch's promotion of two dtypes: the higher category wins whole (bool < integer
    < floating < complex, so ``int64`` with ``float16`` is ``float16``, where NumPy says
    float64); within a category, the smallest dtype holding both."""
    a, b = np.dtype(type1), np.dtype(type2)
    if _category(a) == _category(b):
        return np.promote_types(a, b)
    high, low = (a, b) if _category(a) > _category(b) else (b, a)
    if high.kind == "c" and low.kind == "f":
        return np.promote_types(high, low)
    return high


def _scalar_dtype(value: Any) -> np.dtype:
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(value, (float, np.floating)):
        return get_default_dtype()
    return np.dtype(np.complex64 if get_default_dtype() == np.float32 else np.complex128)


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """PyTorch's ``combine_categories``: ``lower`` counts only where its category is
    higher."""
    if higher is None or lower is None:
        return lower if higher is None else higher
    if higher.kind == "c":
        return higher
    if lower.kind == "c":
        # A floating ``higher`` keeps its precision: float32 with complex128 is complex64.
        return np.promote_types(higher, np.complex64) if higher.kind == "f" else lower
    if higher.kind == "f":
        return higher
    if higher.kind == "b" or lower.kind == "f":
        return promote_types(higher, lower)
    return higher


def result_type(tensor: Any, other: Any) -> np.dtype:
    """The dtype of an arithmetic op on ``tensor`` and ``other`` under PyTorch's rules:
    tensors with dims decide; 0-d tensors, then Python numbers (``float`` as the default
    dtype), count only when their category (bool < int < float < complex) is higher.
    Deviation: float16 with a complex number gives complex64 (NumPy has no complex32)."""
    groups: dict[str, np.dtype | None] = {"dim": None, "zero": None, "wrapped": None}
    for x in (tensor, other):
        if isinstance(x, Tensor):
            kind, dtype = ("dim" if x.ndim else "zero"), x.dtype
        elif isinstance(x, (Number, np.generic)):
            kind, dtype = "wrapped", _scalar_dtype(x)
        else:
            raise TypeError(f"result_type: expects tensors or numbers, got {type(x).__name__}")
        seen = groups[kind]
        groups[kind] = dtype if seen is None else promote_types(seen, dtype)
    return _combine(groups["dim"], _combine(groups["zero"], groups["wrapped"]))


def can_cast(from_: Any, to: Any) -> bool:
    """PyTorch's rule: a cast is allowed unless it lowers the category (complex to real,
    floating to integer, non-bool to bool); sizes do not matter."""
    return _category(np.dtype(from_)) <= _category(np.dtype(to))


class finfo:  # noqa: N801 - PyTorch's name
    """PyTorch's ``finfo`` of a floating dtype (the default dtype if none): ``bits``,
    ``eps``, ``max``, ``min``, ``tiny`` (= ``smallest_normal``), ``resolution`` and
    ``dtype`` (its name), as Python numbers."""

    def __init__(self, type: Any = None) -> None:  # noqa: A002 - PyTorch's argument name
        dtype = get_default_dtype() if type is None else np.dtype(type)
        if dtype.kind not in "fc":
            raise TypeError(f"finfo: expects a floating dtype, got {dtype}; use iinfo for "
                            "integer dtypes")
        info = np.finfo(dtype)
        self.bits, self.eps = info.bits, float(info.eps)
        self.resolution = 10.0 ** -info.precision
        self.max, self.min = float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.dtype = info.dtype.name

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
                f"dtype={self.dtype})")


class iinfo:  # noqa: N801 - PyTorch's name
    """PyTorch's ``iinfo`` of an integer dtype: ``bits``, ``max``, ``min`` and ``dtype``
    (its name)."""

    def __init__(self, type: Any) -> None:  # noqa: A002 - PyTorch's argument name
        dtype = np.dtype(type)
        if dtype.kind not in "iu":
            raise TypeError(f"iinfo: expects an integer dtype, got {dtype}; use finfo for "
                            "floating dtypes")
        info = np.iinfo(dtype)
        self.bits, self.max, self.min, self.dtype = info.bits, int(info.max), int(info.min), \
            dtype.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


def _openblas() -> tuple[Any, Any] | None:
    """NumPy's bundled OpenBLAS's (set, get) thread-count functions, if it has them."""
    libs = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libs, "*openblas*"))):
        lib = ctypes.CDLL(path)
        for prefix in ("scipy_openblas_", "openblas_"):
            for suffix in ("64_", ""):
                setter = getattr(lib, f"{prefix}set_num_threads{suffix}", None)
                getter = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
                if setter is not None and getter is not None:
                    setter.argtypes, getter.restype = [ctypes.c_int], ctypes.c_int
                    return setter, getter
    return None


_BLAS = _openblas()
_threads = os.cpu_count() or 1


def get_num_threads() -> int:
    """The number of threads the BLAS (matmul, linalg) uses."""
    return int(_BLAS[1]()) if _BLAS is not None else _threads


def set_num_threads(int: int) -> None:  # noqa: A002 - PyTorch's argument name
    """Set the number of BLAS threads (at least 1); without NumPy's bundled OpenBLAS the
    count is only remembered by ``get_num_threads``."""
    global _threads
    if isinstance(int, bool) or not isinstance(int, (np.integer, builtins.int)) or int < 1:
        raise ValueError(f"set_num_threads: expects a positive int, got {int!r}")
    _threads = builtins.int(int)
    if _BLAS is not None:
        _BLAS[0](_threads)
