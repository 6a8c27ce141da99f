"""The in-place forms of the ops whose backward needs only their output (or nothing),
computed over their first input's memory: relu, sigmoid, tanh, exp, sqrt, neg; ``t + u``
and ``t - u`` for a tensor u of t's dtype; ``t + c``, ``t - c`` and ``t·c`` for a number c;
``t[index] = value``; a view's new value written into its base.

``inplace.apply_`` (``relu_``, ``F.relu(x, inplace=True)``, ``x.exp_()``, ``x += y``,
``x.mul_(0.5)``, ``x[i] = v``...) runs one of these when the tensor owns its float
memory: one pass that reads each element and writes its new value (for ``t[index] =
value``, a write of the places alone), where the out-of-place op followed by a copy back
takes two passes over the whole tensor and a temporary of its size. The node is the op's own
(same backward, same name in drawings and errors); a saved output is the tensor's memory,
checked against the tensor's version like any saved output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import kernels
from ..function import Function
from ..tensor import Tensor
from ._util import shape_of
from .elementwise import (
    Add,
    AddScalar,
    Exp,
    MulScalar,
    Neg,
    Relu,
    Sigmoid,
    Sqrt,
    Sub,
    Tanh,
    add,
    exp,
    mul,
    neg,
    relu,
    sigmoid,
    sqrt,
    sub,
    tanh,
)
from .index import IndexPut, ViewPut, put, put_index, put_view


def _over_input(fn: type[Function], forward: Callable[..., np.ndarray]) -> type[Function]:
    """``fn`` with ``forward``, which writes its result over its first argument and returns
    it (``fn``'s backward, ``fn``'s name)."""
    return type(f"{fn.__name__}OverInput", (fn,), {
        "__doc__": f"``{fn.__name__}`` written over its input's memory (its in-place form).",
        "__module__": __name__,
        "display_name": getattr(fn, "display_name", None) or fn.__name__,
        "forward": staticmethod(forward),
    })


def _saving_output(compute_into: Callable[[np.ndarray], np.ndarray]) -> Callable:
    """The forward of an op whose backward reads its output."""

    def forward(ctx, a):
        out = compute_into(a)
        ctx.save_for_backward(out)
        return out

    return forward


def _sqrt_into(a: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.sqrt(a, out=a)


def _add_into(ctx, a, b):
    ctx.shapes = (shape_of(a), shape_of(b))
    return np.add(a, b, out=a)


def _sub_into(ctx, a, b):
    ctx.shapes = (shape_of(a), shape_of(b))
    return np.subtract(a, b, out=a)


def _mul_scalar_into(ctx, a, c):
    ctx.c = c
    return np.multiply(a, c, out=a)


# The public unary op (as ``apply_`` receives it) -> its form computed over its input.
OVER_INPUT: dict[Callable, type[Function]] = {
    relu: _over_input(Relu, _saving_output(lambda a: kernels.relu(a, out=a))),
    sigmoid: _over_input(Sigmoid, _saving_output(lambda a: kernels.sigmoid(a, out=a))),
    tanh: _over_input(Tanh, _saving_output(lambda a: kernels.tanh(a, out=a))),
    exp: _over_input(Exp, _saving_output(lambda a: kernels.exp(a, out=a))),
    sqrt: _over_input(Sqrt, _saving_output(_sqrt_into)),
    neg: _over_input(Neg, lambda ctx, a: np.negative(a, out=a)),
}
_WITH_TENSOR = {add: _over_input(Add, _add_into), sub: _over_input(Sub, _sub_into)}
_ADD_SCALAR = _over_input(AddScalar, lambda ctx, a, c: np.add(a, c, out=a))
_MUL_SCALAR = _over_input(MulScalar, _mul_scalar_into)


def binary_over_input(op: Callable, t: Tensor, other: Any) -> Callable[[Tensor], Tensor] | None:
    """``op(t, other)`` (``add``, ``sub`` or ``mul``) as a function of t computed over t's
    memory, when that form gives the out-of-place op's values and gradients: other a
    Tensor of t's dtype (add, sub) or a Python number (add, sub, mul); else None."""
    if t.dtype.kind != "f":
        return None
    if isinstance(other, Tensor):
        fn = _WITH_TENSOR.get(op) if other.dtype == t.dtype else None
        return None if fn is None else (lambda s: fn.apply(s, other))
    if type(other) not in (float, int) or op not in (add, sub, mul):
        return None
    c = t.dtype.type(-other if op is sub else other)
    fn = _MUL_SCALAR if op is mul else _ADD_SCALAR
    return lambda s: fn.apply(s, c)


_INDEX_PUT = _over_input(IndexPut, put)


def index_put_over_input(indices: Any, values: Any) -> Callable[[Tensor], Tensor]:
    """``index_put(t, indices, values)`` as a function of t written into t's memory: the
    places written, not the whole tensor copied."""
    return lambda s: _INDEX_PUT.apply(s, put_index(indices), values)


# ``ViewPut`` over its base: the change made through a view (``y[0] += 1``) written into
# the base's memory, the places of the view alone.
VIEW_PUT = _over_input(ViewPut, put_view)
