"""PyTorch's tensor queries and conversions that are not ops: ``is_nonzero``,
``is_signed``, ``is_complex``, ``is_same_size``, ``is_cpu``, ``get_device``, ``data_ptr``,
``storage_offset``, ``type``, the converters ``half``/``short``/``char``/``byte`` (and
``bfloat16``, which NumPy can't hold), and ``register_post_accumulate_grad_hook``.
``tensor_methods`` attaches them (``METHODS``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops
from .tensor import RemovableHandle, Tensor

# PyTorch's legacy type names (``t.type()``), one per dtype graphgrad can hold.
_TYPE_NAMES = {
    np.dtype(np.float16): "torch.HalfTensor",
    np.dtype(np.float32): "torch.FloatTensor",
    np.dtype(np.float64): "torch.DoubleTensor",
    np.dtype(np.int8): "torch.CharTensor",
    np.dtype(np.int16): "torch.ShortTensor",
    np.dtype(np.int32): "torch.IntTensor",
    np.dtype(np.int64): "torch.LongTensor",
    np.dtype(np.uint8): "torch.ByteTensor",
    np.dtype(np.uint16): "torch.UInt16Tensor",
    np.dtype(np.uint32): "torch.UInt32Tensor",
    np.dtype(np.uint64): "torch.UInt64Tensor",
    np.dtype(np.bool_): "torch.BoolTensor",
    np.dtype(np.complex64): "torch.ComplexFloatTensor",
    np.dtype(np.complex128): "torch.ComplexDoubleTensor",
}
_DTYPES_BY_NAME = {name: dtype for dtype, name in _TYPE_NAMES.items()}
_NO_BFLOAT16 = ("NumPy has no bfloat16 dtype, so a graphgrad tensor can't hold one; use half() "
                "(float16) or float() (float32)")


def is_nonzero(self: Tensor) -> bool:
    """Whether the single element is not 0 (nan counts as nonzero); a tensor of any other
    number of elements raises, as ``bool(t)`` does in PyTorch."""
    if self.data.size != 1:
        many = "more than one value" if self.data.size else "no values"
        raise RuntimeError(f"is_nonzero: Boolean value of Tensor with {many} is ambiguous "
                           f"(shape {self.shape}); use .any() or .all()")
    return bool(self.data.reshape(-1)[0] != 0)


def is_signed(self: Tensor) -> bool:
    """Whether the dtype holds negative numbers (floats, complex and signed integers; not
    bool nor unsigned integers)."""
    return self.dtype.kind in "fic"


def is_complex(self: Tensor) -> bool:
    """Whether the dtype is a complex one."""
    return self.dtype.kind == "c"


def is_same_size(self: Tensor, other: Tensor) -> bool:
    """Whether ``other`` has exactly this shape (no broadcasting)."""
    if not isinstance(other, Tensor):
        raise TypeError(f"is_same_size: expects a Tensor, got {type(other).__name__}")
    return self.shape == other.shape


def get_device(self: Tensor) -> int:
    """The CUDA device index, -1 for the CPU, where graphgrad's tensors always are."""
    return -1


def data_ptr(self: Tensor) -> int:
    """The address of the first element (0 for a tensor without elements, as PyTorch)."""
    return int(self.data.ctypes.data) if self.data.size else 0


def storage_offset(self: Tensor) -> int:
    """How many elements into the memory it views (of the array that owns it) this tensor
    starts: ``x[1:, 1:].storage_offset()`` of a ``(3, 4)`` x is 5."""
    root = self.data
    while isinstance(root.base, np.ndarray):
        root = root.base
    return (int(self.data.ctypes.data) - int(root.ctypes.data)) // self.data.itemsize


def _dtype_of(dtype: Any) -> np.dtype:
    """A NumPy dtype for PyTorch's ``type`` argument: a dtype, a type name such as
    ``'torch.DoubleTensor'``, a class such as ``torch.DoubleTensor`` or a ``torch.dtype``."""
    name = dtype if isinstance(dtype, str) else None
    if isinstance(dtype, type) and dtype.__module__ == "torch":
        name = f"torch.{dtype.__name__}"
    elif type(dtype).__module__ == "torch":  # torch.float32 and the like
        name = str(dtype).replace("torch.", "")
    if name in _DTYPES_BY_NAME:
        return _DTYPES_BY_NAME[name]
    if name is not None and "bfloat16" in name.lower():
        raise TypeError(f"type: {_NO_BFLOAT16}")
    try:
        return np.dtype(name if name is not None else dtype)
    except TypeError:
        raise TypeError(f"type: can't convert to {dtype!r}; give a dtype (np.float64) or a "
                        "type name such as 'torch.DoubleTensor'") from None


def type_method(self: Tensor, dtype: Any = None, non_blocking: bool = False,
                **kwargs: Any) -> str | Tensor:
    """Without ``dtype``: PyTorch's type name of this tensor, such as ``'torch.FloatTensor'``
    for float32 (graphgrad answers with PyTorch's names so that scripts comparing them
    work). With ``dtype`` (a dtype, such a name or class, or a ``torch.dtype``): the
    tensor converted to it, itself when it already has it; differentiable between floats."""
    if dtype is None:
        return _TYPE_NAMES.get(self.dtype, f"torch.{self.dtype.name}")
    target = _dtype_of(dtype)
    return self if target == self.dtype else ops.astype(self, target)


def half(self: Tensor) -> Tensor:
    """``t.astype(np.float16)``; differentiable from floats."""
    return ops.astype(self, np.float16)


def short(self: Tensor) -> Tensor:
    """``t.astype(np.int16)`` (floats are truncated toward 0)."""
    return ops.astype(self, np.int16)


def char(self: Tensor) -> Tensor:
    """``t.astype(np.int8)`` (PyTorch's ``char`` is int8; floats are truncated toward 0)."""
    return ops.astype(self, np.int8)


def byte(self: Tensor) -> Tensor:
    """``t.astype(np.uint8)`` (floats are truncated toward 0)."""
    return ops.astype(self, np.uint8)


def bfloat16(self: Tensor) -> Tensor:
    """Refused: NumPy has no bfloat16, so graphgrad can't convert to it."""
    raise TypeError(f"bfloat16: {_NO_BFLOAT16}")


def register_post_accumulate_grad_hook(self: Tensor, hook: Any) -> RemovableHandle:
    """Call ``hook(tensor)`` each time backward has accumulated a gradient into this leaf's
    ``.grad`` (after its ``register_hook`` hooks; ``autograd.grad`` accumulates nothing and
    does not call it). The hook returns None; it may read and change ``tensor.grad`` (an
    optimizer step fused into backward). Only on leaves that require grad."""
    if not self._requires_grad:
        raise RuntimeError("register_post_accumulate_grad_hook: cannot register a hook on a "
                           "tensor that doesn't require gradient")
    if self.grad_fn is not None:
        raise RuntimeError("register_post_accumulate_grad_hook: post accumulate grad hooks "
                           "cannot be registered on non-leaf tensors (this one was made by "
                           f"{self.grad_fn.name}); register it on the leaf, or use "
                           "register_hook")
    if self._post_accumulate_grad_hooks is None:
        self._post_accumulate_grad_hooks = []
    self._post_accumulate_grad_hooks.append(hook)
    return RemovableHandle(self._post_accumulate_grad_hooks, hook)


def run_post_accumulate_grad_hooks(leaf: Tensor) -> None:
    """Call the leaf's post-accumulate-grad hooks (the engine, after accumulating into
    ``leaf.grad``)."""
    for hook in tuple(leaf._post_accumulate_grad_hooks):
        if hook(leaf) is not None:
            raise RuntimeError("a post accumulate grad hook must return None; change "
                               "tensor.grad in place or assign it instead")


METHODS = {
    # The class-level default of the per-leaf hook list (set on a leaf by the first hook).
    "_post_accumulate_grad_hooks": None,
    "is_nonzero": is_nonzero,
    "is_signed": is_signed,
    "is_complex": is_complex,
    "is_same_size": is_same_size,
    "is_cpu": property(lambda self: True, doc="True: graphgrad's tensors live on the CPU."),
    "get_device": get_device,
    "data_ptr": data_ptr,
    "storage_offset": storage_offset,
    "type": type_method,
    "half": half,
    "short": short,
    "char": char,
    "byte": byte,
    "bfloat16": bfloat16,
    "register_post_accumulate_grad_hook": register_post_accumulate_grad_hook,
}
