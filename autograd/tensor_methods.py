"""Attach the ops to ``Tensor`` as operators and methods.

Kept apart from ``tensor.py`` so the Tensor's state and lifecycle read on their
own, and so that every method is visibly the same function as ``autograd.<op>``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import grad_mode, inplace, ops
from .device import device as check_device
from .errors import ShapeError
from .ops.shape import contiguous, view
from .tensor import Tensor
from .tensor_more import MORE_METHODS, MORE_PROPERTIES


def clone(self: Tensor) -> Tensor:
    """A copy of the data that stays in the graph (the gradient flows back unchanged)."""
    return ops.mul(self, 1.0) if self._requires_grad else Tensor._wrap(self.data.copy())


def _reshape_method(self: Tensor, *shape: Any, order: str = "C") -> Tensor:
    """``t.reshape(2, -1)`` or ``t.reshape((2, -1))``: the same elements in a new shape
    (one ``-1`` is inferred); differentiable, see ``autograd.reshape``."""
    return ops.reshape(self, *shape, order=order)


def to(self: Tensor, *args: Any, dtype: Any = None, device: Any = None,
       copy: bool = False) -> Tensor:
    """PyTorch's ``to``: ``t.to(np.float64)``, ``t.to(other)`` (its dtype), ``t.to('cpu')``.

    A change of floating dtype is differentiable (``astype``); the tensor itself comes
    back when nothing changes, unless ``copy=True``.
    """
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg.dtype
        elif isinstance(arg, str) or type(arg).__name__ == "device":  # torch.device
            device = arg
        else:
            dtype = arg
    if device is not None:
        check_device(device)
    out = self if dtype is None else ops.astype(self, dtype)
    return clone(out) if copy and out is self else out


def cpu(self: Tensor) -> Tensor:
    """The tensor itself: graphgrad's tensors always live on the CPU."""
    return self


def cuda(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """Refused: graphgrad computes on the CPU only."""
    check_device("cuda")
    return self


def _converter(dtype: Any, name: str) -> Any:
    def method(self: Tensor) -> Tensor:
        return ops.astype(self, dtype)

    method.__name__ = name
    method.__doc__ = (f"``t.{name}()`` is ``t.astype(np.{np.dtype(dtype).name})`` (PyTorch's "
                      "name); differentiable between floating dtypes.")
    return method


def is_contiguous(self: Tensor) -> bool:
    """True when the data is in C (row-major) order, as ``view`` needs."""
    return bool(self.data.flags.c_contiguous)


def _contains(self: Tensor, element: Any) -> bool:
    """``x in t``: whether any element of ``t`` equals ``x``, a number or a Tensor that
    broadcasts against ``t`` (PyTorch's and NumPy's rule)."""
    if not isinstance(element, (Tensor, bool, int, float, np.number, np.bool_)):
        raise TypeError(f"`in` on a tensor takes a number or a Tensor, got "
                        f"{type(element).__name__}")
    return bool(ops.eq(self, element).data.any())


def _mT(self: Tensor) -> Tensor:
    """The last two axes swapped (batched matrix transpose); shape ``(*, m, n)`` → ``(*, n, m)``."""
    if self.ndim < 2:
        raise ShapeError(f"mT swaps the last two axes of a matrix or a batch of matrices; this "
                         f"tensor has shape {self.shape}: use .T, or unsqueeze it first")
    return ops.swapaxes(self, -1, -2)


def _expand_method(self: Tensor, *sizes: Any) -> Tensor:
    """``t.expand(4, -1)``: size-1 axes repeated to ``sizes`` without copying (``-1`` keeps
    an axis); the gradient is summed back, see ``autograd.expand``."""
    return ops.expand(self, *sizes)


# Deferred ops whose Tensor method has the op's name and takes the tensor first.
_SAME_NAMED_METHODS = """
    absolute multiply subtract divide negative positive greater greater_equal less less_equal
    not_equal arccos arcsin arctan fix sgn floor_divide acosh asinh atanh arccosh arcsinh
    arctanh exp2 deg2rad rad2deg frac hypot logaddexp2 copysign float_power fmax fmin ldexp
    heaviside signbit isposinf isneginf isreal nextafter xlogy sinc logit lgamma digamma erfinv
    i0 gcd lcm bitwise_and bitwise_or bitwise_xor bitwise_not bitwise_left_shift
    bitwise_right_shift
    cummax cummin logcumsumexp kthvalue mode nanmedian aminmax quantile nanquantile msort cov
    corrcoef dist renorm nonzero argwhere bincount histc unique_consecutive
    dsplit hsplit ravel split_with_sizes sum_to_size tensor_split unflatten unfold vsplit
    index_copy index_fill masked_scatter put take index_reduce scatter_reduce diagflat
    diagonal_scatter select_scatter slice_scatter
    bernoulli multinomial det inverse logdet matrix_power pinverse slogdet addbmm addmv addr ger
    vdot
    cholesky cholesky_inverse cholesky_solve matrix_exp qr svd triangular_solve
    frexp narrow_copy igamma igammac mvlgamma histogram
    lu lu_solve orgqr
""".split()

_METHODS = {
    "__add__": ops.add,
    "__radd__": lambda s, o: ops.add(o, s),
    "__sub__": ops.sub,
    "__rsub__": lambda s, o: ops.sub(o, s),
    "__mul__": ops.mul,
    "__rmul__": lambda s, o: ops.mul(o, s),
    "__truediv__": ops.div,
    "__rtruediv__": lambda s, o: ops.div(o, s),
    "__pow__": ops.pow,
    "__rpow__": lambda s, o: ops.pow(o, s),
    "__matmul__": ops.matmul,
    "__rmatmul__": lambda s, o: ops.matmul(o, s),
    "__neg__": ops.neg,
    "__pos__": lambda s: s,
    "__abs__": ops.abs,
    "__lt__": ops.lt,
    "__le__": ops.le,
    "__gt__": ops.gt,
    "__ge__": ops.ge,
    "__eq__": ops.eq,
    "__ne__": ops.ne,
    "__getitem__": ops.getitem,
    "__contains__": _contains,
    "__setitem__": inplace.setitem,
    # ``x += y`` is ``x.add_(y)``: in place, as in NumPy and PyTorch, so every reference
    # to x sees the change (recorded when x or y requires grad: x takes the op's history).
    "__iadd__": inplace.add_,
    "__isub__": inplace.sub_,
    "__imul__": inplace.mul_,
    "__itruediv__": inplace.div_,
    "add": ops.add,
    "sub": ops.sub,
    "mul": ops.mul,
    "div": ops.div,
    "pow": ops.pow,
    "neg": ops.neg,
    "matmul": ops.matmul,
    "exp": ops.exp,
    "log": ops.log,
    "log1p": ops.log1p,
    "sqrt": ops.sqrt,
    "abs": ops.abs,
    "sin": ops.sin,
    "cos": ops.cos,
    "tanh": ops.tanh,
    "sigmoid": ops.sigmoid,
    "relu": ops.relu,
    "leaky_relu": ops.leaky_relu,
    "softplus": ops.softplus,
    "clip": ops.clip,
    "clamp": ops.clip,
    "maximum": ops.maximum,
    "minimum": ops.minimum,
    "sum": ops.sum,
    "mean": ops.mean,
    "max": ops.max,
    "min": ops.min,
    "amax": "amax",
    "amin": "amin",
    "var": ops.var,
    "std": ops.std,
    "logsumexp": ops.logsumexp,
    "softmax": ops.softmax,
    "log_softmax": ops.log_softmax,
    "argmax": ops.argmax,
    "argmin": ops.argmin,
    "sign": ops.sign,
    "reshape": _reshape_method,
    "view": view,
    "transpose": ops.transpose,
    "permute": ops.permute,
    "swapaxes": ops.swapaxes,
    "expand": _expand_method,
    "broadcast_to": ops.broadcast_to,
    "squeeze": ops.squeeze,
    "unsqueeze": ops.unsqueeze,
    "flatten": ops.flatten,
    "split": ops.split,
    "chunk": ops.chunk,
    "astype": ops.astype,
    "to": to,
    "cpu": cpu,
    "cuda": cuda,
    "float": _converter(np.float32, "float"),
    "double": _converter(np.float64, "double"),
    "long": _converter(np.int64, "long"),
    "int": _converter(np.int32, "int"),
    "bool": _converter(np.bool_, "bool"),
    "clone": clone,
    "contiguous": contiguous,
    "is_contiguous": is_contiguous,
    "any": "any",
    "all": "all",
    "count_nonzero": "count_nonzero",
    "addmm": "addmm",
    "baddbmm": "baddbmm",
    "diag": "diag",
    "diag_embed": "diag_embed",
    "diagonal": "diagonal",
    "inner": "inner",
    "outer": "outer",
    "trace": "trace",
    "masked_select": "masked_select",
    "scatter": "scatter",
    "scatter_add": "scatter_add",
    "take_along_dim": "take_along_dim",
    "index_add": "index_add",
    "diff": "diff",
    "fliplr": "fliplr",
    "flipud": "flipud",
    "moveaxis": "moveaxis",
    "movedim": "movedim",
    "narrow": "narrow",
    "repeat_interleave": "repeat_interleave",
    "rot90": "rot90",
    "atan2": "atan2",
    "arctan2": "atan2",
    "logaddexp": "logaddexp",
    "tan": "tan",
    "nansum": "nansum",
    "nanmean": "nanmean",
    "median": "median",
    "isclose": "isclose",
    "cross": "cross",
    "kron": "kron",
    "unique": "unique",
    "add_": inplace.add_,
    "sub_": inplace.sub_,
    "mul_": inplace.mul_,
    "div_": inplace.div_,
    "zero_": inplace.zero_,
    "fill_": inplace.fill_,
    "copy_": inplace.copy_,
    "clamp_": inplace.clamp_,
    "relu_": inplace.relu_,
    "sigmoid_": inplace.sigmoid_,
    "tanh_": inplace.tanh_,
    "normal_": inplace.normal_,
    "uniform_": inplace.uniform_,
    "t": "t",
    "mm": "mm",
    "bmm": "bmm",
    "mv": "mv",
    "dot": "dot",
    "square": "square",
    "reciprocal": "reciprocal",
    "rsqrt": "rsqrt",
    "lerp": "lerp",
    "nan_to_num": "nan_to_num",
    "norm": "norm",
    "masked_fill": "masked_fill",
    "unbind": "unbind",
    "select": "select",
    "flip": "flip",
    "roll": "roll",
    "repeat": "repeat",
    "tile": "tile",
    "tril": "tril",
    "triu": "triu",
    "index_select": "index_select",
    "gather": "gather",
    "eq": ops.eq,
    "ne": ops.ne,
    "lt": ops.lt,
    "le": ops.le,
    "gt": ops.gt,
    "ge": ops.ge,
    "isnan": "isnan",
    "isinf": "isinf",
    "isfinite": "isfinite",
    "logical_and": "logical_and",
    "logical_or": "logical_or",
    "logical_xor": "logical_xor",
    "logical_not": "logical_not",
    "equal": "equal",
    "allclose": "allclose",
    "argsort": "argsort",
    "sort": "sort",
    "topk": "topk",
    "expm1": "expm1",
    "log2": "log2",
    "log10": "log10",
    "sinh": "sinh",
    "cosh": "cosh",
    "asin": "asin",
    "acos": "acos",
    "atan": "atan",
    "erf": "erf",
    "erfc": "erfc",
    "floor": "floor",
    "ceil": "ceil",
    "round": "round",
    "trunc": "trunc",
    "cumsum": "cumsum",
    "cumprod": "cumprod",
    "prod": "prod",
    "fmod": "fmod",
    "remainder": "remainder",
    "__mod__": "remainder",
    "__rmod__": lambda s, o: ops.remainder(o, s),
    **{name: name for name in _SAME_NAMED_METHODS},
    "__floordiv__": "floor_divide",
    "__rfloordiv__": lambda s, o: ops.floor_divide(o, s),
    "__and__": "bitwise_and",
    "__rand__": lambda s, o: ops.bitwise_and(o, s),
    "__or__": "bitwise_or",
    "__ror__": lambda s, o: ops.bitwise_or(o, s),
    "__xor__": "bitwise_xor",
    "__rxor__": lambda s, o: ops.bitwise_xor(o, s),
    "__invert__": "bitwise_not",
    "__lshift__": "bitwise_left_shift",
    "__rlshift__": lambda s, o: ops.bitwise_left_shift(o, s),
    "__rshift__": "bitwise_right_shift",
    "__rrshift__": lambda s, o: ops.bitwise_right_shift(o, s),
    **MORE_METHODS,
}

# NumPy ufuncs that are autograd ops: ``np.exp(x)`` records as ``ag.exp(x)`` does.
_UFUNCS = {
    np.add: ops.add, np.subtract: ops.sub, np.multiply: ops.mul, np.true_divide: ops.div,
    np.power: ops.pow, np.negative: ops.neg, np.matmul: ops.matmul, np.exp: ops.exp,
    np.log: ops.log, np.log1p: ops.log1p, np.sqrt: ops.sqrt, np.absolute: ops.abs,
    np.sin: ops.sin, np.cos: ops.cos, np.tanh: ops.tanh, np.maximum: ops.maximum,
    np.minimum: ops.minimum, np.sign: ops.sign, np.less: ops.lt, np.less_equal: ops.le,
    np.greater: ops.gt, np.greater_equal: ops.ge, np.equal: ops.eq, np.not_equal: ops.ne,
}

def _array_ufunc(self: Tensor, ufunc: np.ufunc, method: str, *inputs: Any,
                 **kwargs: Any) -> Any:
    """NumPy's ufunc protocol: ``np.exp(x)``, ``np.maximum(x, 0)``, ``array * x``.

    A plain call of a ufunc that is an autograd op (``_UFUNCS``) runs that op, so the
    result is a Tensor in the graph. Any other ufunc, method (``np.add.reduce``) or
    keyword (``out=``, ``where=``) computes on the arrays and returns arrays; where
    that would give floats from a tensor that requires grad while recording, it raises
    instead of silently dropping the gradient, as PyTorch refuses NumPy on such tensors
    (``np.isnan(x)`` is fine).
    """
    op = _UFUNCS.get(ufunc)
    if op is not None and method == "__call__" and not kwargs:
        return op(*inputs)
    call = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    outs = kwargs.get("out") or ()
    if any(isinstance(t, Tensor) for t in outs):
        raise TypeError(f"{call}(..., out=tensor): NumPy cannot write into a tensor; use the "
                        f"tensor's in-place methods (add_, mul_, copy_, ...) or write into "
                        f"tensor.data outside the graph")
    arrays = [t.data if isinstance(t, Tensor) else t for t in inputs]
    result = getattr(ufunc, method)(*arrays, **kwargs)
    _refuse_dropped_gradient(call, inputs, result)
    return result


def _refuse_dropped_gradient(call: str, args: Any, result: Any) -> None:
    """Raise if NumPy made floating arrays (``result``) from a tensor among ``args`` (nested
    in lists, tuples and dicts) that requires grad while the graph is recorded."""
    if not grad_mode._state.enabled or not _floating_arrays(result) or not any(
            t._requires_grad for t in _tensors_in(args)):
        return
    raise TypeError(
        f"{call} on a tensor that requires grad would drop its gradient (NumPy sees only "
        f"the data). Use autograd's ops, as functions (ag.exp, ag.sum, ag.cat, ...), methods "
        f"or the NumPy functions that run them ({_NUMPY_NAMES}); pass tensor.detach() to "
        f"NumPy when no gradient is wanted")


def _floating_arrays(result: Any) -> bool:
    if isinstance(result, (tuple, list)):
        return any(_floating_arrays(r) for r in result)
    return isinstance(result, (np.ndarray, np.generic)) and result.dtype.kind in "fc"


def _tensors_in(args: Any) -> list[Tensor]:
    if isinstance(args, Tensor):
        return [args]
    if isinstance(args, dict):
        args = list(args.values())
    if isinstance(args, (tuple, list)):
        return [t for a in args for t in _tensors_in(a)]
    return []


def _dot(a: Any, b: Any) -> Any:
    if np.ndim(a) in (1, 2) and np.ndim(b) in (1, 2):
        return ops.matmul(a, b)
    return NotImplemented


def _where(*args: Any) -> Any:
    return ops.where(*args) if len(args) == 3 else NotImplemented


def _expand_dims(a: Any, axis: Any) -> Any:
    return ops.unsqueeze(a, axis) if isinstance(axis, (int, np.integer)) else NotImplemented


# NumPy functions (beyond the ones that call the tensor's methods, as np.sum(x) calls
# x.sum()) that are autograd ops; NotImplemented from one means "not this form".
_FUNCTIONS = {
    np.concatenate: lambda arrays, axis=0: ops.concatenate(arrays, axis=axis),
    np.stack: lambda arrays, axis=0: ops.stack(arrays, axis=axis),
    np.where: _where,
    np.ravel: lambda a: ops.reshape(a, -1),
    # NumPy's own would call the tensor's nonzero(), which is PyTorch's: (n, ndim) indices.
    np.nonzero: lambda a: ops.nonzero(a, as_tuple=True),
    np.argwhere: lambda a: ops.argwhere(a),
    np.dot: _dot,
    np.expand_dims: _expand_dims,
    np.size: lambda a, axis=None: int(np.size(a.data, axis)),  # a.size is torch's method
}
_NUMPY_NAMES = ", ".join([*(f"np.{u.__name__}" for u in _UFUNCS),
                          *(f"np.{f.__name__}" for f in _FUNCTIONS if f is not np.size),
                          "np.sum", "np.mean", "np.max", "np.min", "np.var", "np.std",
                          "np.clip", "np.reshape", "np.transpose"])


def _array_function(self: Tensor, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
    """NumPy's function protocol: ``np.concatenate([x, y])``, ``np.where(c, x, 0)``.

    A function that is an autograd op (``_FUNCTIONS``) runs it; any other runs NumPy's
    own implementation, which calls the tensor's methods where it has them (``np.sum``,
    ``np.clip``, ``np.reshape``: Tensors in the graph) and otherwise reads the data; a
    floating array made from a tensor that requires grad while recording is refused
    (see ``_array_ufunc``).
    """
    op = _FUNCTIONS.get(func)
    if op is not None:
        try:
            result = op(*args, **kwargs)
        except TypeError:  # a keyword NumPy has and the op has not (out=, dtype=, ...)
            result = NotImplemented
        if result is not NotImplemented:
            return result
    result = func._implementation(*args, **kwargs)
    module = func.__module__.replace("numpy", "np", 1).replace("._core", "")
    _refuse_dropped_gradient(f"{module}.{func.__name__}", (args, kwargs), result)
    return result


_METHODS["__array_ufunc__"] = _array_ufunc
_METHODS["__array_function__"] = _array_function

def _deferred(method_name: str, op_name: str) -> Any:
    """The method of an op whose module loads on first use (``ops.DEFERRED``): its first
    call imports the module and puts the op itself in the method's place."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        op = getattr(ops, op_name)
        setattr(Tensor, method_name, op)
        return op(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = method_name
    method.__doc__ = f"``autograd.{op_name}`` as a method (its module loads on first use)."
    return method


for _name, _fn in _METHODS.items():
    if isinstance(_fn, str):  # the name of a deferred op
        _fn = _deferred(_name, _fn)
    setattr(Tensor, _name, _fn)

for _name, _prop in MORE_PROPERTIES.items():
    setattr(Tensor, _name, _prop)

Tensor.T = property(lambda self: ops.transpose(self), doc="The tensor with its axes reversed.")
Tensor.mT = property(_mT, doc="The last two axes swapped (batched matrix transpose).")
