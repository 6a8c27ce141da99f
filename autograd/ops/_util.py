"""Helpers shared by every op: operand conversion, axis normalization and ``unbroadcast``."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..dtypes import get_default_dtype, to_array
from ..errors import AxisError, ShapeError
from ..tensor import Tensor


def as_tensor(x: Any) -> Tensor:
    """A Tensor for x (returned as is when it already is one)."""
    return x if isinstance(x, Tensor) else Tensor._wrap(to_array(x))


def operand(x: Any, like: Any) -> Any:
    """Turn a non-Tensor operand into an array whose dtype follows ``like``.

    A Python number takes the other operand's floating dtype (``t * 2.0`` stays
    float32, as in PyTorch); arrays keep their own dtype (NumPy's promotion between
    floats; an integer array meeting a float tensor takes the tensor's dtype, in
    ``elementwise._binary``).
    """
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (bool, int, float)) and not isinstance(x, np.generic):
        dt = like.dtype if isinstance(like, Tensor) else None
        if dt is not None and dt.kind == "f":
            return np.asarray(x, dtype=dt)
        if isinstance(x, float):
            return np.asarray(x, dtype=get_default_dtype())
        if dt is not None and isinstance(x, int) and not isinstance(x, bool) and dt.kind in "iu":
            return np.asarray(x, dtype=dt)
        return np.asarray(x)
    return to_array(x)


def floating(x: Any) -> Tensor:
    """``x`` as a Tensor of a floating dtype: an integer or bool tensor becomes the default
    float dtype (as PyTorch's ``exp``, ``sigmoid``, ``/``... give float32 for integer
    input). Ops whose result is not an integer call it, so ``sigmoid`` of int64 is not
    truncated back to integers. Integer tensors never require grad: no graph is lost."""
    t = as_tensor(x)
    if t.data.dtype.kind in "fc":
        return t
    return Tensor._wrap(t.data.astype(get_default_dtype()))


def float_promoted(*xs: Any) -> tuple:
    """PyTorch's rule where integer (or bool) operands meet floating ones: the integer ones
    take the floats' dtype (NumPy would widen int64 with float32 to float64). ``xs`` are
    Tensors or arrays; integer Tensors never require grad, so no graph is lost."""
    dtypes = [x.dtype for x in xs]
    floats = [d for d in dtypes if d.kind == "f"]
    if not floats or len(floats) == len(dtypes):
        return xs
    target = np.result_type(*floats)
    return tuple(
        (Tensor._wrap(x.data.astype(target)) if isinstance(x, Tensor) else x.astype(target))
        if d.kind in "iub" else x for x, d in zip(xs, dtypes))


def dimensioned_float(a: Any, b: Any, cast: Any) -> tuple:
    """PyTorch's rule for two floating operands of different precisions where one is 0-d
    and the other is not: the 0-d one takes the other's dtype (``f32_t * ag.tensor(2.0,
    dtype=float64)``, ``f32_t + np.array(2.0)`` and ``f32_t > f64_scalar`` stay in
    float32; NumPy would widen to float64). ``cast(x, dtype)`` converts (a recorded op for
    Tensors, so a 0-d operand that requires grad still gets its gradient; ``astype`` for
    arrays). Any other pair comes back unchanged."""
    da, db = a.dtype, b.dtype
    if da == db or da.kind != "f" or db.kind != "f" or (a.ndim == 0) == (b.ndim == 0):
        return a, b
    return (cast(a, db), b) if a.ndim == 0 else (a, cast(b, da))


def raise_if_not_numbers(op: str, a: Any, b: Any) -> None:
    """A clear TypeError when an operand is not numbers (a string, say): NumPy has no loop."""
    arrays = [x.data if isinstance(x, Tensor) else np.asarray(x) for x in (a, b)]
    if all(x.dtype.kind in "biufc" for x in arrays):
        return
    raise TypeError(
        f"{op}: unsupported operands: {_describe_operand(a, arrays[0])} and "
        f"{_describe_operand(b, arrays[1])}; {op} computes with Tensors, arrays and numbers"
    ) from None


def _describe_operand(x: Any, array: np.ndarray) -> str:
    if array.dtype.kind not in "biufc" and array.ndim == 0:
        return repr(array.item())  # the value given: 'x', None...
    kind = "tensor" if isinstance(x, Tensor) else "array"
    return f"a {array.dtype} {kind} of shape {array.shape}"


def shape_of(x: Any) -> tuple:
    """The shape of an array, NumPy scalar or Python number (``np.shape``, faster on arrays)."""
    return x.shape if type(x) is np.ndarray else np.shape(x)


def broadcast_shape(op: str, a: tuple, b: tuple) -> tuple:
    """The broadcast shape of a and b, or a ShapeError naming the op and both shapes."""
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        raise ShapeError(
            f"{op}: shapes {a} and {b} cannot be broadcast together (dimensions are "
            "compared from the right and must be equal or 1)"
        ) from None


def normalize_axis(axis: Any, ndim: int, op: str = "op") -> tuple[int, ...] | None:
    """Axis argument as a sorted tuple of non-negative ints (None means all axes)."""
    if axis is None:
        return None
    try:
        axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
        out = []
        for a in axes:
            if type(a) is not int:
                a = operator.index(a)  # NumPy integers; refuses 1.0 and '0'
            if not -max(ndim, 1) <= a < max(ndim, 1):
                raise AxisError(
                    f"{op}: axis {a} is out of bounds for a tensor of dimension {ndim}"
                )
            out.append(a % ndim if ndim else 0)
    except TypeError:  # not an int nor iterable, or an item that is not an integer
        raise TypeError(f"{op}: axis must be an int, a tuple of ints or None, got "
                        f"{axis!r}") from None
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return tuple(sorted(out))


def reduction_axes(axis: Any, ndim: int, op: str) -> tuple[int, ...] | None:
    """``normalize_axis`` for a reduction: a 0-d tensor's axis 0 (or -1) is the whole tensor,
    as in PyTorch (``t.sum(dim=0)`` of a 0-d ``t`` is ``t``)."""
    axes = normalize_axis(axis, ndim, op)
    return None if ndim == 0 else axes


def refuse_out(out: Any, name: str) -> None:
    """NumPy's ``out=``, which ``np.sum(t)`` and the like pass to the method: only None."""
    if out is not None:
        raise TypeError(f"{name}: out= is not supported; autograd ops return a new tensor, so "
                        f"assign the result (or copy_ it into a tensor)")


def resolve_axis(axis: Any = None, dim: Any = None, keepdims: Any = None,
                 keepdim: Any = None) -> tuple[Any, bool]:
    """Merge NumPy's ``axis``/``keepdims`` and PyTorch's ``dim``/``keepdim`` aliases."""
    if dim is not None:
        if axis is not None:
            raise TypeError("give either axis= or dim=, not both")
        axis = dim
    if keepdim is not None:
        if keepdims is not None:
            raise TypeError("give either keepdims= or keepdim=, not both")
        keepdims = keepdim
    return axis, bool(keepdims)


def kept_shape(shape: tuple, axes: tuple[int, ...] | None) -> tuple:
    """The shape of a reduction with keepdims=True."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def check_index_range(op: str, index: np.ndarray, dim: int, shape: tuple,
                      what: str = "shape") -> None:
    """Refuse indices outside ``[-n, n)`` for dim ``dim`` of size ``n`` of ``shape``."""
    n = shape[dim]
    if index.size and (index.min() < -n or index.max() >= n):
        raise IndexError(f"{op}: index out of range for dim {dim} of size {n} ({what} "
                         f"{shape})")


def unbroadcast(grad: Any, shape: tuple) -> Any:
    """Sum ``grad`` over the axes that broadcasting added or stretched, back to ``shape``.

    This is the one place every binary op undoes broadcasting. On a Tensor it uses
    differentiable ops, so it works inside higher-order gradients too; on an array
    (a backward with no graph to record) it uses NumPy's.
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and grad.shape[i + lead] != 1
    )
    if axes:
        if type(grad) is np.ndarray:
            grad = grad.sum(axis=axes)
        else:
            from .reduce import sum as _sum

            grad = _sum(grad, axes)
    return grad.reshape(shape) if grad.shape != shape else grad


def wrap_grads(*grads: np.ndarray | None) -> tuple[Tensor | None, ...]:
    """Gradients a backward computed on arrays, as the Tensors (or None) it returns."""
    return tuple(None if g is None else Tensor._make(g, False, None, 0) for g in grads)
