"""PyTorch's further creation functions: ``scalar_tensor``, the deprecated end-inclusive
``range``, ``asarray`` (sharing memory where it can), ``frombuffer``, the DLPack
exchange (``from_dlpack``, ``to_dlpack``: NumPy speaks DLPack, so PyTorch, JAX and CuPy
CPU arrays come in without a copy), and tensors of chosen strides (``empty_strided``,
``empty_permuted``). They load on first use of their ``autograd.<name>``.
"""

from __future__ import annotations

import math
import operator
import warnings
from typing import Any

import numpy as np

from . import dtypes, ops
from .creation import _make, tensor
from .device import device as _check_device
from .tensor import Tensor
from .tensor_extra import _strided_empty
from .tensor_info import _dtype_of

__all__ = ["asarray", "empty_permuted", "empty_strided", "from_dlpack", "frombuffer", "range",
           "scalar_tensor", "to_dlpack"]

_builtin_range = range


def _dtype(dtype: Any) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else _dtype_of(dtype)


def scalar_tensor(s: Any, *, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:
    """A 0-d tensor holding the number ``s``, in the default float dtype unless ``dtype``
    is given (``scalar_tensor(3)`` is ``tensor(3.)``, as PyTorch's)."""
    if isinstance(s, Tensor):
        if s.data.size != 1:
            raise RuntimeError(f"scalar_tensor: a Tensor with {s.data.size} elements cannot be "
                               "converted to a Scalar")
        s = s.data.reshape(-1)[0]
    return _make(np.asarray(s).astype(_dtype(dtype)).reshape(()), requires_grad,
                 "scalar_tensor", device)


def range(start: Any = 0, end: Any = None, step: Any = 1, *, dtype: Any = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:
    """Deprecated (as in PyTorch, with its warning): ``start, start + step, ...`` up to and
    including ``end``, ``⌊(end - start)/step⌋ + 1`` values, in the default float dtype
    unless ``dtype`` is given. Use ``arange``, which stops before ``end``."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    if end is None:
        raise TypeError("range() missing 1 required positional argument: 'end'")
    values = [float(v.item() if isinstance(v, Tensor) else v) for v in (start, end, step)]
    start, end, step = values
    if step == 0:
        raise RuntimeError("range: step must be nonzero")
    if not all(map(math.isfinite, values)):
        raise RuntimeError(f"range: unsupported range: {start} -> {end}")
    if (end - start) / step < 0:
        raise RuntimeError("range: upper bound and lower bound inconsistent with step sign")
    n = int(math.floor((end - start) / step)) + 1
    data = (start + np.arange(n, dtype=np.float64) * step).astype(_dtype(dtype))
    return _make(data, requires_grad, "range", device)


def _buffer_like(obj: Any) -> bool:
    return isinstance(obj, (bytes, bytearray, memoryview)) or (
        hasattr(obj, "__buffer__") and not isinstance(obj, (np.ndarray, np.generic)))


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool | None = None) -> Tensor:
    """``obj`` as a tensor, sharing its memory where it can, as PyTorch's ``asarray``.

    A Tensor comes back itself (or converted to ``dtype``, a differentiable ``astype``);
    an ndarray, a DLPack exporter or a buffer (bytes, bytearray, memoryview: read as the
    default dtype unless ``dtype``) is shared; anything else (lists, numbers) is copied
    into a new tensor as ``tensor()`` does. ``copy=True`` always copies (a tensor in the
    graph is cloned, so the gradient flows); ``copy=False`` raises where sharing is
    impossible. ``requires_grad`` is set on the result; left out it is obj's (with
    PyTorch's warning when that is True)."""
    if device is not None:
        _check_device(device)
    target = None if dtype is None else _dtype_of(dtype)
    if isinstance(obj, Tensor):
        if requires_grad is None and obj.requires_grad:
            warnings.warn("torch.asarray: unspecified requires_grad now defaults to "
                          "obj.requires_grad instead of False. Pass requires_grad=False "
                          "explicitly to get the old behavior and silence this warning.",
                          UserWarning, stacklevel=2)
        out = obj
        if target is not None and target != obj.dtype:
            if copy is False:
                raise ValueError(f"can't alias tensor with dtype {obj.dtype} into dtype "
                                 f"{target}.")
            out = ops.astype(obj, target)
        elif copy:
            out = obj.clone()
        if requires_grad is False and out.requires_grad:
            out = out.detach()
        elif requires_grad:
            out.requires_grad_(True)
        return out
    if isinstance(obj, np.ndarray) or hasattr(obj, "__dlpack__") or _buffer_like(obj):
        if isinstance(obj, np.ndarray):
            array = obj
        elif hasattr(obj, "__dlpack__"):
            array = np.from_dlpack(obj)
        else:
            array = np.frombuffer(obj, dtype=_dtype(dtype))
        if target is not None and target != array.dtype:
            if copy is False:
                raise ValueError(f"can't alias an array of dtype {array.dtype} into dtype "
                                 f"{target}.")
            array = array.astype(target)
        elif copy:
            array = array.copy()
        return _make(array, bool(requires_grad), "asarray")
    if copy is False:
        raise ValueError(f"can't alias arbitrary sequence into a tensor (got "
                         f"{type(obj).__name__}); pass copy=None or copy=True")
    return tensor(obj, dtype=target, requires_grad=bool(requires_grad))


def frombuffer(buffer: Any, *, dtype: Any, count: int = -1, offset: int = 0,
               requires_grad: bool = False) -> Tensor:
    """A 1-D tensor over the memory of a Python buffer (bytearray, memoryview, ...):
    ``count`` elements of ``dtype`` (all that fit, for -1) from byte ``offset``. It
    shares the memory: writes show in both. A read-only buffer (``bytes``) gives a
    read-only tensor, where PyTorch warns and lets writes through."""
    item = _dtype_of(dtype)
    count, offset = operator.index(count), operator.index(offset)
    length = memoryview(buffer).nbytes
    if length == 0 and count <= 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({length} bytes) minus 1")
    if count < 0:
        if (length - offset) % item.itemsize:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} "
                             f"bytes) must be a multiple of element size ({item.itemsize})")
        count = (length - offset) // item.itemsize
    elif offset + count * item.itemsize > length:
        raise ValueError(f"requested buffer length ({count} * {item.itemsize} bytes) after "
                         f"offset ({offset} bytes) must not be greater than actual buffer "
                         f"length ({length} bytes)")
    return _make(np.frombuffer(buffer, dtype=item, count=count, offset=offset), requires_grad,
                 "frombuffer")


class _Capsule:
    """A DLPack capsule made an exporter, as ``np.from_dlpack`` wants (CPU memory)."""

    def __init__(self, capsule: Any) -> None:
        self.capsule = capsule

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self.capsule

    def __dlpack_device__(self) -> tuple[int, int]:
        return (1, 0)  # kDLCPU


def from_dlpack(ext_tensor: Any) -> Tensor:
    """A tensor sharing the memory of ``ext_tensor``: any object with ``__dlpack__``
    (a NumPy array, a CPU ``torch.Tensor``, a JAX or CuPy CPU array, a graphgrad Tensor)
    or a DLPack capsule (``to_dlpack``'s; it can be used once). Memory on another device
    is refused by NumPy."""
    if isinstance(ext_tensor, Tensor):
        return ext_tensor.detach()
    if not hasattr(ext_tensor, "__dlpack__"):
        if type(ext_tensor).__name__ != "PyCapsule":
            raise TypeError(f"from_dlpack: expects an object with __dlpack__ or a DLPack "
                            f"capsule, got {type(ext_tensor).__name__}")
        ext_tensor = _Capsule(ext_tensor)
    return Tensor._wrap(np.from_dlpack(ext_tensor))


def to_dlpack(tensor: Tensor) -> Any:
    """A DLPack capsule of ``tensor``'s memory (shared, outside the graph), which
    ``from_dlpack`` here or in PyTorch, NumPy, JAX... turns back into an array."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dlpack(): argument 'tensor' must be Tensor, not "
                        f"{type(tensor).__name__}")
    return tensor.data.__dlpack__()


def empty_strided(size: Any, stride: Any, *, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` with the given strides (in elements) over new memory of just
    the size they reach, values not set; the default dtype unless ``dtype``."""
    return _make(_strided_empty(size, stride, _dtype(dtype), "empty_strided"), requires_grad,
                 "empty_strided", device)


def empty_permuted(size: Any, physical_layout: Any, *, dtype: Any = None, device: Any = None,
                   requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` whose dims lie in memory in the order ``physical_layout``
    (outermost first), values not set: ``empty_permuted((2, 3, 4), (2, 0, 1))`` has
    strides ``(3, 1, 6)``. ``physical_layout`` is a permutation of the dims."""
    size = tuple(operator.index(s) for s in size)
    layout = tuple(operator.index(d) for d in physical_layout)
    if sorted(layout) != list(_builtin_range(len(size))):
        raise RuntimeError(f"empty_permuted: physical_layout {layout} must be a permutation "
                           f"of the {len(size)} dims of size {size}")
    data = np.empty(tuple(size[d] for d in layout), _dtype(dtype))
    return _make(data.transpose(np.argsort(layout)), requires_grad, "empty_permuted", device)
