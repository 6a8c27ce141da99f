"""More of PyTorch's tensor queries and helpers, as methods and functions: the predicates
(``is_floating_point``, ``is_conj``, ``is_neg``, ``is_inference``, ...), the real-dtype
forms of the complex views (``conj``, ``resolve_conj``, ``resolve_neg``, ``adjoint``,
``mH``), ``output_nr``, ``dim_order``, ``new``, ``new_empty_strided``, the storage
resizes (``resize_``, ``resize_as_``), the Python-callable maps (``apply_``, ``map_``,
``map2_``), ``nonzero_static``, ``fill`` and a few of PyTorch's other names for ops
(``swapdims``, ``concat``, ``true_divide``, ``detach``).

What graphgrad lacks, these answer honestly: there are no lazily conjugated or negated
tensors (a complex conjugate is computed at once, so ``is_conj`` and ``is_neg`` are
False) and no inference tensors (``inference_mode`` only turns recording off, so
``is_inference`` is False). ``tensor_methods`` attaches ``METHODS`` and ``PROPERTIES``;
the functions load on first use of their ``autograd.<name>``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from . import inplace, ops
from .creation import tensor as _tensor
from .device import device as _check_device
from .errors import ShapeError
from .tensor import Tensor


def _input(x: Any, op: str, what: str = "input", position: int = 1) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{what}' (position {position}) must be Tensor, "
                        f"not {type(x).__name__}")
    return x


# ------------------------------------------------------------------------ predicates
def is_floating_point(input: Tensor) -> bool:
    """Whether ``input``'s dtype is a floating one (float16/32/64)."""
    return _input(input, "is_floating_point").dtype.kind == "f"


def is_complex(input: Tensor) -> bool:
    """Whether ``input``'s dtype is a complex one."""
    return _input(input, "is_complex").dtype.kind == "c"


def is_signed(input: Tensor) -> bool:
    """Whether ``input``'s dtype holds negative numbers (not bool nor unsigned)."""
    return _input(input, "is_signed").dtype.kind in "fic"


def is_nonzero(input: Tensor) -> bool:
    """Whether the one element of ``input`` is not 0 (other sizes raise)."""
    return _input(input, "is_nonzero").is_nonzero()


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether ``other`` has exactly ``input``'s shape."""
    return _input(input, "is_same_size").is_same_size(_input(other, "is_same_size", "other", 2))


def is_conj(input: Tensor) -> bool:
    """False: graphgrad computes a conjugate at once, never as a lazy flag."""
    _input(input, "is_conj")
    return False


def is_neg(input: Tensor) -> bool:
    """False: graphgrad has no lazily negated tensors."""
    _input(input, "is_neg")
    return False


def is_inference(input: Tensor) -> bool:
    """False: ``inference_mode`` here only stops recording; it makes no inference tensors."""
    _input(input, "is_inference")
    return False


# ------------------------------------------------------------ conjugates and adjoints
def conj(input: Tensor) -> Tensor:
    """The complex conjugate: ``input`` itself for a real dtype (as PyTorch's view), a
    computed conjugate (not differentiable) for a complex one."""
    a = _input(input, "conj")
    return a if a.dtype.kind != "c" else Tensor._wrap(np.conj(a.data))


def conj_physical(input: Tensor) -> Tensor:
    """The conjugate in new memory for complex dtypes; ``input`` itself for real ones,
    as PyTorch's."""
    return conj(_input(input, "conj_physical"))


def conj_physical_(input: Tensor) -> Tensor:
    """Conjugate in place (nothing to do for a real dtype)."""
    a = _input(input, "conj_physical_")
    if a.dtype.kind == "c":
        inplace._writable(a, "conj_physical_")
        np.conjugate(a.data, out=a.data)
        inplace._bump(a)
    return a


def resolve_conj(input: Tensor) -> Tensor:
    """``input`` itself: no tensor here carries a pending conjugation."""
    return _input(input, "resolve_conj")


def resolve_neg(input: Tensor) -> Tensor:
    """``input`` itself: no tensor here carries a pending negation."""
    return _input(input, "resolve_neg")


def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dims, a view (``mT`` for real dtypes);
    differentiable. Needs at least 2 dims, as PyTorch's."""
    a = _input(input, "adjoint")
    if a.ndim < 2:
        raise RuntimeError(f"tensor.adjoint() is only supported on matrices or batches of "
                           f"matrices. Got {a.ndim}-D tensor.")
    return conj(ops.swapaxes(a, -1, -2))


def _mH(self: Tensor) -> Tensor:
    if self.ndim < 2:
        raise RuntimeError(f"tensor.mH is only supported on matrices or batches of matrices. "
                           f"Got {self.ndim}-D tensor.")
    return adjoint(self)


# ------------------------------------------------------------------------ metadata
def dim_order(self: Tensor, *, ambiguity_check: bool = False) -> tuple[int, ...]:
    """The dims from outermost to innermost in memory (by decreasing stride, ties in dim
    order): ``(0, 1)`` for a C-ordered matrix, ``(1, 0)`` for its transpose. With
    ``ambiguity_check=True`` it raises where two dims have the same stride, as then more
    than one order describes the memory."""
    strides = self.data.strides
    if ambiguity_check and len(set(strides)) != len(strides):
        raise RuntimeError(f"dim_order: The tensor does not have unique dim order (shape "
                           f"{self.shape}, strides {self.stride()}), or cannot map to exact "
                           "one of the given memory formats.")
    return tuple(sorted(range(self.ndim), key=lambda d: -strides[d]))


# --------------------------------------------------------------------- factories
def _strided_empty(size: Any, stride: Any, dtype: Any, op: str) -> np.ndarray:
    size = tuple(operator.index(s) for s in size)
    stride = tuple(operator.index(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"{op}: mismatch in length of strides and shape (size {size}, "
                           f"stride {stride})")
    if any(s < 0 for s in (*size, *stride)):
        raise RuntimeError(f"{op}: sizes and strides must be non-negative, got size {size}, "
                           f"stride {stride}")
    dtype = np.dtype(dtype)
    need = 0 if 0 in size else 1 + sum((n - 1) * s for n, s in zip(size, stride))
    return np.ndarray(size, dtype, buffer=np.empty(need, dtype),
                      strides=tuple(s * dtype.itemsize for s in stride))


def new_empty_strided(self: Tensor, size: Any, stride: Any, *, dtype: Any = None,
                      device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` with the given strides (in elements) over new memory whose
    values are not set, in self's dtype unless ``dtype`` is given."""
    if device is not None:
        _check_device(device)
    data = _strided_empty(size, stride, self.dtype if dtype is None else dtype,
                          "new_empty_strided")
    return _tensor(data, requires_grad=True) if requires_grad else Tensor._wrap(data)


def new(self: Tensor, *args: Any, device: Any = None) -> Tensor:
    """PyTorch's legacy constructor in self's dtype: ``t.new()`` is empty, ``t.new(2, 3)``
    (ints, or a ``torch.Size``) has that shape with unset values, ``t.new(data)`` (a list,
    a tuple or an array) holds a copy of the data, ``t.new(other)`` (a Tensor of self's
    dtype) shares other's memory."""
    if device is not None:
        _check_device(device)
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args) or (
            len(args) == 1 and type(args[0]).__name__ == "Size"):
        shape = tuple(args[0]) if len(args) == 1 and not isinstance(args[0], (int, np.integer)) \
            else tuple(int(a) for a in args)
        return Tensor._wrap(np.empty(shape if args else (0,), self.dtype))
    if len(args) != 1:
        raise TypeError(f"new(): expects sizes (ints), or one sequence or Tensor, got {args!r}")
    data = args[0]
    if isinstance(data, Tensor):
        if data.dtype != self.dtype:
            raise TypeError(f"new(): expected a tensor of dtype {self.dtype} (self's), got "
                            f"{data.dtype}; use t.new_tensor(other) to convert")
        return data.detach()
    return Tensor._wrap(np.array(data, dtype=self.dtype))


# -------------------------------------------------------------- storage resizes
def _refuse_grad(t: Tensor, op: str) -> None:
    if t._requires_grad:
        raise RuntimeError(f"{op}: cannot resize variables that require grad (shape "
                           f"{t.shape}); resize t.detach() or a copy instead")


def resize_(self: Tensor, *sizes: Any, memory_format: Any = None) -> Tensor:
    """Give the tensor the shape ``sizes`` in place, C-ordered over its storage (the
    memory it views, from its own offset): the first ``prod(sizes)`` elements of that
    storage, which grows (old values first, new ones not set) when it is too small. The
    same shape leaves the tensor as it is. Refused on a tensor that requires grad, as
    PyTorch refuses."""
    from .ops.strided import _storage

    _refuse_grad(self, "resize_")
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) or (
            len(sizes) == 1 and type(sizes[0]).__name__ == "Size"):
        sizes = tuple(sizes[0])
    shape = tuple(operator.index(s) for s in sizes)
    if any(s < 0 for s in shape):
        raise RuntimeError(f"resize_: Trying to create tensor with negative dimension, got "
                           f"size {list(shape)}")
    if shape == self.shape:
        return self
    flat, own = _storage(self.data, "resize_") if self.data.size else (self.data.reshape(-1), 0)
    need = own + int(np.prod(shape, dtype=np.int64))
    if need > flat.size:
        grown = np.empty(need, self.dtype)
        grown[:flat.size] = flat
        flat = grown
    self.data = flat[own:need].reshape(shape)
    inplace._bump(self)
    return self


def resize_as_(self: Tensor, the_template: Tensor, *, memory_format: Any = None) -> Tensor:
    """``self.resize_(the_template.shape)``."""
    return resize_(_input(self, "resize_as_"),
                   _input(the_template, "resize_as_", "the_template", 2).shape)


# ------------------------------------------------------------ Python-callable maps
def _map(self: Tensor, op: str, fn: Callable[..., Any], *others: Tensor) -> Tensor:
    names = ("other",) if len(others) == 1 else ("x", "y")
    for t in (self, *others):
        if t._requires_grad:
            raise RuntimeError(f"Can't call {op}() on Variable that requires grad. Use "
                               f"var.detach().{op}() instead.")
    arrays = []
    for name, t in zip(names, others):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {name} must be a Tensor, got {type(t).__name__}")
        if t.dtype != self.dtype:
            raise TypeError(f"{op}: expected {self.type()} for argument '{name}' (got "
                            f"{t.type()})")
        try:
            arrays.append(np.broadcast_to(t.data, self.shape))
        except ValueError:
            raise ShapeError(f"{op}: {name} of shape {t.shape} does not broadcast to self's "
                             f"shape {self.shape}") from None
    inplace._writable(self, op)
    data = self.data
    for index in np.ndindex(data.shape):
        data[index] = fn(data[index].item(), *(a[index].item() for a in arrays))
    inplace._bump(self)
    return self


def apply_(self: Tensor, callable: Callable[[Any], Any]) -> Tensor:
    """``t[i] = callable(t[i])`` for each element in place, with Python numbers (so it is
    slow: for tests and small tensors). Refused on a tensor that requires grad."""
    return _map(self, "apply_", callable)


def map_(self: Tensor, tensor: Tensor, callable: Callable[[Any, Any], Any]) -> Tensor:
    """``t[i] = callable(t[i], tensor[i])`` in place (``tensor``, of t's dtype, broadcast
    to t's shape)."""
    return _map(self, "map_", callable, tensor)


def map2_(self: Tensor, x: Tensor, y: Tensor, callable: Callable[[Any, Any, Any], Any]) -> Tensor:
    """``t[i] = callable(t[i], x[i], y[i])`` in place (x and y of t's dtype, broadcast)."""
    return _map(self, "map2_", callable, x, y)


# ------------------------------------------------------------------- small ops
def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """``nonzero(input)`` with exactly ``size`` rows: cut to the first ``size`` entries or
    padded with rows of ``fill_value`` (an int64 ``(size, ndim)`` tensor)."""
    a = _input(input, "nonzero_static")
    size = operator.index(size)
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, got {size}")
    found = np.argwhere(a.data).astype(np.int64)[:size]
    out = np.full((size, a.ndim), operator.index(fill_value), dtype=np.int64)
    out[:found.shape[0]] = found
    return Tensor._wrap(out)


def fill(input: Tensor, value: Any) -> Tensor:
    """A tensor of input's shape and dtype with ``value`` (a number or a 0-d tensor) in
    every element. Differentiable: no gradient reaches ``input``; a tensor ``value``
    gets the sum of the upstream gradient."""
    a = _input(input, "fill")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"fill only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
        if value.dtype != a.dtype:
            value = ops.astype(value, a.dtype)
    else:
        value = np.asarray(value).astype(a.dtype)
    return ops.where(np.ones(a.shape, dtype=bool), value, a)


def swapdims(input: Any, dim0: int, dim1: int) -> Tensor:
    """PyTorch's alias of ``transpose(input, dim0, dim1)``: ``dim0`` and ``dim1`` swapped."""
    return ops.swapaxes(input, dim0, dim1)


def concat(tensors: Any, dim: int = 0) -> Tensor:
    """PyTorch's alias of ``cat``."""
    return ops.concatenate(tensors, dim=dim)


def true_divide(dividend: Any, divisor: Any) -> Tensor:
    """PyTorch's alias of ``div`` (true division: integers give floats)."""
    return ops.div(dividend, divisor)


def detach(input: Tensor) -> Tensor:
    """``input.detach()``: the same memory, outside the graph."""
    return _input(input, "detach").detach()


def as_strided_(input: Tensor, size: Any, stride: Any, storage_offset: int | None = None) -> Tensor:
    """Make ``input`` the view ``as_strided(size, stride, storage_offset)`` of its own
    storage, in place (recorded as PyTorch's: input takes as_strided's history)."""
    from .ops.relayout_in_place import _relayout_
    from .ops.strided import as_strided

    a = _input(input, "as_strided_")
    return _relayout_(a, "as_strided_", lambda t: as_strided(t, size, stride, storage_offset))


def _dlpack(self: Tensor, **kwargs: Any) -> Any:
    """The DLPack protocol (``torch.from_dlpack(t)``, ``np.from_dlpack(t)``): a capsule of
    the tensor's memory, shared. Refused on a tensor that requires grad, as PyTorch's."""
    if self._requires_grad:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    return self.data.__dlpack__(**kwargs)


METHODS = {
    "__dlpack__": _dlpack,
    "__dlpack_device__": lambda self: self.data.__dlpack_device__(),
    "is_conj": is_conj,
    "is_neg": is_neg,
    "is_inference": is_inference,
    "conj": conj,
    "conj_physical": conj_physical,
    "conj_physical_": conj_physical_,
    "resolve_conj": resolve_conj,
    "resolve_neg": resolve_neg,
    "adjoint": adjoint,
    "dim_order": dim_order,
    "new": new,
    "new_empty_strided": new_empty_strided,
    "resize_": resize_,
    "resize_as_": resize_as_,
    "apply_": apply_,
    "map_": map_,
    "map2_": map2_,
    "nonzero_static": nonzero_static,
    "as_strided_": as_strided_,
    # Deferred ops (their modules load on first call; tensor_methods resolves the names).
    "as_strided": "as_strided",
    "as_strided_scatter": "as_strided_scatter",
    "unsafe_chunk": "unsafe_chunk",
    "unsafe_split": "unsafe_split",
    "unsafe_split_with_sizes": "unsafe_split_with_sizes",
    "geqrf": "geqrf",
    "ormqr": "ormqr",
}

PROPERTIES = {
    "mH": property(_mH, doc="The conjugate transpose of the last two dims (``adjoint()``)."),
    "output_nr": property(lambda self: self._output_index,
                          doc="Which output of the op that made it this tensor is (0 for "
                              "leaves)."),
}
