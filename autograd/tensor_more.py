"""Tensor methods that are not ops of their own: PyTorch's ``*_as`` forms, the
``new_*`` factories, metadata queries and the in-place forms of ops (``exp_``,
``scatter_``, ...). ``tensor_methods`` attaches them."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops
from .creation import tensor as _tensor
from .device import device as _check_device
from .grad_mode import is_grad_enabled
from .inplace import apply_
from .inplace_scatter import METHODS as SCATTER_IN_PLACE_METHODS
from .ops.relayout_in_place import METHODS as RELAYOUT_IN_PLACE_METHODS
from .ops.shape import view
from .random_fill import METHODS as RANDOM_FILL_METHODS
from .tensor import Tensor
from .tensor_info import METHODS as INFO_METHODS


def _other(other: Any, op: str) -> Tensor:
    if not isinstance(other, Tensor):
        raise TypeError(f"{op}: expects a Tensor, got {type(other).__name__}")
    return other


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.expand(other.shape)``: broadcast to the shape of ``other``."""
    return ops.expand(self, _other(other, "expand_as").shape)


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.reshape(other.shape)``."""
    return ops.reshape(self, _other(other, "reshape_as").shape)


def view_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.view(other.shape)`` (shares the data; raises when that needs a copy)."""
    return view(self, _other(other, "view_as").shape)


def type_as(self: Tensor, other: Tensor) -> Tensor:
    """``self`` in the dtype of ``other`` (``self`` itself when it already has it)."""
    return ops.astype(self, _other(other, "type_as").dtype)


def where_method(self: Tensor, condition: Any, other: Any) -> Tensor:
    """``x.where(condition, y)`` is ``where(condition, x, y)``: x where true, y elsewhere."""
    return ops.where(condition, self, other)


def is_floating_point(self: Tensor) -> bool:
    """True when the dtype is a floating point one."""
    return self.dtype.kind == "f"


def element_size(self: Tensor) -> int:
    """Bytes per element (``itemsize``)."""
    return int(self.dtype.itemsize)


def ndimension(self: Tensor) -> int:
    """The number of dims (``dim()``)."""
    return self.ndim


def nelement(self: Tensor) -> int:
    """The number of elements (``numel()``)."""
    return int(self.data.size)


def _new_shape(size: tuple, op: str) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    try:
        return tuple(int(s) for s in size)
    except TypeError:
        raise TypeError(f"{op}: size must be ints or a tuple of ints, got {size!r}") from None


def _new(self: Tensor, make: Any, size: tuple, op: str, dtype: Any, requires_grad: bool,
         device: Any, *fill: Any) -> Tensor:
    """``make(shape, *fill, dtype)`` (a NumPy constructor) in self's dtype unless given."""
    if device is not None:
        _check_device(device)
    data = make(_new_shape(size, op), *fill, self.dtype if dtype is None else dtype)
    return _tensor(data, requires_grad=True) if requires_grad else Tensor._wrap(data)


def new_zeros(self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False,
              device: Any = None) -> Tensor:
    """Zeros of ``size``, in self's dtype unless ``dtype`` is given."""
    return _new(self, np.zeros, size, "new_zeros", dtype, requires_grad, device)


def new_ones(self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False,
             device: Any = None) -> Tensor:
    """Ones of ``size``, in self's dtype unless ``dtype`` is given."""
    return _new(self, np.ones, size, "new_ones", dtype, requires_grad, device)


def new_empty(self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False,
              device: Any = None) -> Tensor:
    """A tensor of ``size`` whose values are not set, in self's dtype unless given."""
    return _new(self, np.empty, size, "new_empty", dtype, requires_grad, device)


def new_full(self: Tensor, size: Any, fill_value: Any, *, dtype: Any = None,
             requires_grad: bool = False, device: Any = None) -> Tensor:
    """``fill_value`` in every element of ``size``, in self's dtype unless given."""
    return _new(self, np.full, (size,), "new_full", dtype, requires_grad, device, fill_value)


def new_tensor(self: Tensor, data: Any, *, dtype: Any = None, requires_grad: bool = False,
               device: Any = None) -> Tensor:
    """A new leaf tensor holding a copy of ``data``, in self's dtype unless given."""
    if device is not None:
        _check_device(device)
    if isinstance(data, Tensor):
        data = data.data
    data = np.array(data, dtype=self.dtype if dtype is None else dtype)
    return _tensor(data, requires_grad=requires_grad)


# In-place forms of ops, through ``apply_``: when recorded the tensor takes the op's history
# (``saves_input=True`` for the ops whose backward needs their input).


def abs_(self: Tensor) -> Tensor:
    """``|t|`` in place (``abs``; recorded: ``t`` takes the op's history)."""
    return apply_(self, "abs_", ops.abs, saves_input=True)


def exp_(self: Tensor) -> Tensor:
    """``e^t`` in place (``exp``; recorded: ``t`` takes the op's history)."""
    return apply_(self, "exp_", ops.exp)


def log_(self: Tensor) -> Tensor:
    """``log t`` in place (``log``; recorded: ``t`` takes the op's history)."""
    return apply_(self, "log_", ops.log, saves_input=True)


def sqrt_(self: Tensor) -> Tensor:
    """``√t`` in place (``sqrt``; recorded: ``t`` takes the op's history)."""
    return apply_(self, "sqrt_", ops.sqrt)


def neg_(self: Tensor) -> Tensor:
    """``-t`` in place (``neg``; recorded: ``t`` takes the op's history)."""
    return apply_(self, "neg_", ops.neg)


def pow_(self: Tensor, exponent: Any) -> Tensor:
    """``t ** exponent`` in place (a number or a tensor broadcast to t's shape)."""
    return apply_(self, "pow_", lambda t: ops.pow(t, exponent), saves_input=True,
                  others=(exponent,))


def masked_fill_(self: Tensor, mask: Any, value: Any) -> Tensor:
    """``value`` where ``mask`` is true, in place (``masked_fill``)."""
    return apply_(self, "masked_fill_", lambda t: ops.masked_fill(t, mask, value),
                  others=(value,))


def index_add_(self: Tensor, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
    """``t[..., index[i], ...] += alpha·source[..., i, ...]`` along ``dim`` in place
    (``index_add``)."""
    return apply_(self, "index_add_", lambda t: ops.index_add(t, dim, index, source,
                                                               alpha=alpha),
                  others=(source,))


def scatter_(self: Tensor, dim: int, index: Any, src: Any = None, *, value: Any = None) -> Tensor:
    """``src`` (a tensor or a number) written at ``index`` along ``dim`` in place
    (``scatter``)."""
    return apply_(self, "scatter_", lambda t: ops.scatter(t, dim, index, src, value=value),
                  others=(src,))


def scatter_add_(self: Tensor, dim: int, index: Any, src: Any) -> Tensor:
    """``src`` added at ``index`` along ``dim`` in place (``scatter_add``)."""
    return apply_(self, "scatter_add_", lambda t: ops.scatter_add(t, dim, index, src),
                  others=(src,))


def addcmul_(self: Tensor, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """``t += value·tensor1·tensor2`` in place (``addcmul``)."""
    return apply_(self, "addcmul_", lambda t: ops.addcmul(t, tensor1, tensor2, value=value),
                  others=(tensor1, tensor2))


def addcdiv_(self: Tensor, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """``t += value·tensor1/tensor2`` in place (``addcdiv``)."""
    return apply_(self, "addcdiv_", lambda t: ops.addcdiv(t, tensor1, tensor2, value=value),
                  others=(tensor1, tensor2))


def clamp_min_(self: Tensor, min: Any) -> Tensor:
    """``max(t, min)`` in place (``clamp_min``)."""
    return apply_(self, "clamp_min_", lambda t: ops.clamp_min(t, min), saves_input=True,
                  others=(min,))


def clamp_max_(self: Tensor, max: Any) -> Tensor:
    """``min(t, max)`` in place (``clamp_max``)."""
    return apply_(self, "clamp_max_", lambda t: ops.clamp_max(t, max), saves_input=True,
                  others=(max,))


def index_put_(self: Tensor, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
    """``t[indices] = values`` (or ``+=`` each time an index repeats, with
    ``accumulate=True``) in place (``index_put``)."""
    return apply_(self, "index_put_",
                  lambda t: ops.index_put(t, indices, values, accumulate=accumulate),
                  others=(values,))


def stride(self: Tensor, dim: int | None = None) -> tuple[int, ...] | int:
    """The steps between neighbouring elements along each dim, in elements (PyTorch's
    ``stride``; NumPy's ``strides`` are in bytes)."""
    steps = tuple(s // self.data.itemsize for s in self.data.strides)
    return steps if dim is None else steps[dim]


def _in_place_form(name: str) -> Any:
    """The method ``<name>_``: ``t.<name>(*args, **kwargs)`` written into t through
    ``apply_`` (recorded: t takes the op's history). A bool result (comparisons, logical
    ops) is written as 0/1 in t's dtype and a float one in t's precision, as PyTorch's;
    a float result for an integer tensor is refused (``apply_`` says so)."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        def compute(t: Tensor) -> Tensor:
            result = getattr(Tensor, name)(t, *args, **kwargs)
            kinds = result.dtype.kind, t.dtype.kind
            if kinds[0] == "b" and t.requires_grad and is_grad_enabled():
                from .ops.unary import with_zero_gradient

                return with_zero_gradient(t, result.data.astype(t.dtype))
            if result.dtype != t.dtype and (kinds[0] == "b" or kinds == ("f", "f")):
                result = ops.astype(result, t.dtype)
            return result

        tensors = tuple(a for a in (*args, *kwargs.values()) if isinstance(a, Tensor))
        return apply_(self, f"{name}_", compute, saves_input=True, others=tensors)

    method.__name__ = method.__qualname__ = f"{name}_"
    method.__doc__ = (f"``t.{name}(...)`` written into t in place (recorded: t takes the "
                      "op's history).")
    return method


# PyTorch's in-place methods whose out-of-place form is a Tensor method here.
_IN_PLACE_FORMS = (
    "acos", "asin", "atan", "atan2", "arctan2", "cos", "cosh", "sin", "sinh", "tan",
    "erf", "erfc", "expm1", "log10", "log1p", "log2", "reciprocal", "rsqrt", "square",
    "sign", "ceil", "floor", "round", "trunc", "nan_to_num", "fmod", "remainder",
    "true_divide", "lerp", "clip", "cumsum", "cumprod", "tril", "triu", "addmm", "baddbmm",
    "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_not", "logical_or",
    "logical_xor", "addbmm", "addmv", "addr", "renorm",
)

# The same for the further math functions; tests/autograd/test_math_ops.py gives each its
# arguments (integer tensors for the bitwise ones) and checks it against PyTorch.
_MATH_IN_PLACE_FORMS = (
    "absolute multiply subtract divide negative greater greater_equal less less_equal "
    "not_equal arccos arcsin arctan fix sgn acosh asinh atanh arccosh arcsinh arctanh "
    "exp2 deg2rad rad2deg frac hypot copysign float_power floor_divide heaviside ldexp "
    "nextafter xlogy sinc logit lgamma digamma polygamma erfinv i0 gcd lcm bitwise_and "
    "bitwise_or bitwise_xor bitwise_not bitwise_left_shift bitwise_right_shift igamma igammac "
    "mvlgamma"
).split()

MORE_METHODS = {
    **{f"{name}_": _in_place_form(name) for name in (*_IN_PLACE_FORMS, *_MATH_IN_PLACE_FORMS)},
    **SCATTER_IN_PLACE_METHODS,
    **INFO_METHODS,
    **RANDOM_FILL_METHODS,
    **RELAYOUT_IN_PLACE_METHODS,
    "addcmul": lambda self, tensor1, tensor2, *, value=1: ops.addcmul(self, tensor1, tensor2,
                                                                      value=value),
    "addcdiv": lambda self, tensor1, tensor2, *, value=1: ops.addcdiv(self, tensor1, tensor2,
                                                                      value=value),
    "clamp_min": lambda self, min: ops.clamp_min(self, min),
    "clamp_max": lambda self, max: ops.clamp_max(self, max),
    "index_put": lambda self, indices, values, accumulate=False: ops.index_put(
        self, indices, values, accumulate=accumulate),
    "swapdims": lambda self, dim0, dim1: ops.swapaxes(self, dim0, dim1),
    "true_divide": lambda self, other: ops.div(self, other),
    "addcmul_": addcmul_,
    "addcdiv_": addcdiv_,
    "clamp_min_": clamp_min_,
    "clamp_max_": clamp_max_,
    "index_put_": index_put_,
    "stride": stride,
    "abs_": abs_,
    "exp_": exp_,
    "log_": log_,
    "sqrt_": sqrt_,
    "neg_": neg_,
    "pow_": pow_,
    "masked_fill_": masked_fill_,
    "index_add_": index_add_,
    "scatter_": scatter_,
    "scatter_add_": scatter_add_,
    "expand_as": expand_as,
    "reshape_as": reshape_as,
    "view_as": view_as,
    "type_as": type_as,
    "where": where_method,
    "is_floating_point": is_floating_point,
    "element_size": element_size,
    "ndimension": ndimension,
    "nelement": nelement,
    "new_zeros": new_zeros,
    "new_ones": new_ones,
    "new_empty": new_empty,
    "new_full": new_full,
    "new_tensor": new_tensor,
    "polygamma": lambda self, n: ops.polygamma(n, self),
    "__ifloordiv__": lambda self, other: self.floor_divide_(other),
    "__iand__": lambda self, other: self.bitwise_and_(other),
    "__ior__": lambda self, other: self.bitwise_or_(other),
    "__ixor__": lambda self, other: self.bitwise_xor_(other),
    "__ilshift__": lambda self, other: self.bitwise_left_shift_(other),
    "__irshift__": lambda self, other: self.bitwise_right_shift_(other),
}

MORE_PROPERTIES = {
    "nbytes": property(lambda self: int(self.data.nbytes),
                       doc="The bytes the elements take (numel·element_size)."),
    "itemsize": property(lambda self: int(self.dtype.itemsize),
                         doc="Bytes per element (element_size())."),
}

# PyTorch's further queries and helpers (conj, mH, new, resize_, apply_, ...), kept in
# their own module.
from .tensor_extra import METHODS as _EXTRA_METHODS  # noqa: E402
from .tensor_extra import PROPERTIES as _EXTRA_PROPERTIES  # noqa: E402

MORE_METHODS.update(_EXTRA_METHODS)
MORE_PROPERTIES.update(_EXTRA_PROPERTIES)
