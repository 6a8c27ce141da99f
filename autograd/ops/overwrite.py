"""The in-place forms of the elementwise ops whose backward needs only their output (or
nothing): relu, sigmoid, tanh, exp, sqrt and neg, computed over their input's memory.

``inplace.apply_`` (``relu_``, ``F.relu(x, inplace=True)``, ``x.exp_()``...) runs one of
these when the tensor owns its contiguous memory: one pass that reads each element and
writes its new value, where the out-of-place op followed by a copy back takes two passes
and a temporary of the tensor's size. The node is the op's own (same backward, same name
in drawings and errors); its saved output is the tensor's memory, checked against the
tensor's version like any saved output.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import kernels
from ..function import Function
from .elementwise import Exp, Neg, Relu, Sigmoid, Sqrt, Tanh, exp, neg, relu, sigmoid, sqrt, tanh


def _over_input(fn: type[Function], compute_into: Callable[[np.ndarray], np.ndarray],
                saves_output: bool) -> type[Function]:
    """``fn`` with a forward that writes ``compute_into(a)`` over its input ``a`` and
    returns it (``fn``'s backward, ``fn``'s name)."""

    def forward(ctx, a):
        out = compute_into(a)
        if saves_output:
            ctx.save_for_backward(out)
        return out

    return type(f"{fn.__name__}OverInput", (fn,), {
        "__doc__": f"``{fn.__name__}`` written over its input's memory (its in-place form).",
        "__module__": __name__,
        "display_name": fn.__name__,
        "forward": staticmethod(forward),
    })


def _sqrt_into(a: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.sqrt(a, out=a)


# The public op (as ``apply_`` receives it) -> its form computed over its input.
OVER_INPUT: dict[Callable, type[Function]] = {
    relu: _over_input(Relu, lambda a: kernels.relu(a, out=a), saves_output=True),
    sigmoid: _over_input(Sigmoid, lambda a: kernels.sigmoid(a, out=a), saves_output=True),
    tanh: _over_input(Tanh, lambda a: kernels.tanh(a, out=a), saves_output=True),
    exp: _over_input(Exp, lambda a: kernels.exp(a, out=a), saves_output=True),
    sqrt: _over_input(Sqrt, _sqrt_into, saves_output=True),
    neg: _over_input(Neg, lambda a: np.negative(a, out=a), saves_output=False),
}
