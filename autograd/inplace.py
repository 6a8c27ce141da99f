"""In-place changes of a tensor's data, guarded so gradients are never silently wrong.

Each in-place change bumps the tensor's version counter; a backward through an op
that saved the tensor before the change then raises. Changing in place a tensor
that requires grad while the graph is being recorded is refused with a message
saying what to do instead (out-of-place ops, or ``no_grad()`` for updates).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import grad_mode
from .ops import index as _index
from .tensor import Tensor


def _check(t: Tensor, op: str) -> None:
    if t.requires_grad and grad_mode._state.enabled:
        if t.grad_fn is None:
            raise RuntimeError(
                f"{op}: a leaf tensor that requires grad is being changed in place while "
                "the graph is recorded. Wrap parameter updates in `with autograd.no_grad():`."
            )
        raise RuntimeError(
            f"{op}: in-place change of a tensor that is part of the recorded graph "
            f"(made by {t.grad_fn.name}). Use the out-of-place form (x = x + y) so the "
            "gradient stays correct."
        )
    if not t.data.flags.writeable:
        raise RuntimeError(
            f"{op}: this tensor's data is a read-only view (e.g. made by broadcast_to / "
            "expand); .clone() it before changing it in place"
        )


def _value(x: Any, t: Tensor) -> Any:
    v = x.data if isinstance(x, Tensor) else x
    if isinstance(x, Tensor) and x.requires_grad and grad_mode._state.enabled:
        raise RuntimeError(
            "in-place op with an operand that requires grad would drop its gradient; "
            "use the out-of-place form"
        )
    return v


def mark_modified(*tensors: Tensor) -> None:
    """Record that the tensors' data was changed in place by code outside the engine
    (an optimizer's fused kernel, say), so stale saved copies are detected."""
    for t in tensors:
        t._version.value += 1


def _bump(t: Tensor) -> Tensor:
    t._version.value += 1
    return t


def _cast_into(t: Tensor, value: Any, op: str) -> Any:
    arr = np.asarray(value)
    if arr.dtype.kind == "f" and t.data.dtype.kind in "iub":
        raise TypeError(f"{op}: result type {arr.dtype} can't be cast to {t.dtype} in place")
    return arr


def add_(t: Tensor, other: Any, alpha: float = 1.0) -> Tensor:
    """``t += alpha * other`` in place."""
    _check(t, "add_")
    v = _value(other, t)
    if alpha != 1.0:
        v = np.multiply(v, alpha)
    np.add(t.data, _cast_into(t, v, "add_"), out=t.data, casting="unsafe")
    return _bump(t)


def sub_(t: Tensor, other: Any, alpha: float = 1.0) -> Tensor:
    """``t -= alpha * other`` in place."""
    _check(t, "sub_")
    v = _value(other, t)
    if alpha != 1.0:
        v = np.multiply(v, alpha)
    np.subtract(t.data, _cast_into(t, v, "sub_"), out=t.data, casting="unsafe")
    return _bump(t)


def mul_(t: Tensor, other: Any) -> Tensor:
    """``t *= other`` in place."""
    _check(t, "mul_")
    np.multiply(t.data, _cast_into(t, _value(other, t), "mul_"), out=t.data, casting="unsafe")
    return _bump(t)


def div_(t: Tensor, other: Any) -> Tensor:
    """``t /= other`` in place."""
    _check(t, "div_")
    if t.data.dtype.kind != "f":
        raise TypeError(f"div_: true division can't write into a {t.dtype} tensor in place")
    np.true_divide(t.data, _value(other, t), out=t.data, casting="unsafe")
    return _bump(t)


def zero_(t: Tensor) -> Tensor:
    """Fill with zeros in place."""
    _check(t, "zero_")
    t.data.fill(0)
    return _bump(t)


def fill_(t: Tensor, value: Any) -> Tensor:
    """Fill with ``value`` in place."""
    _check(t, "fill_")
    t.data.fill(_value(value, t))
    return _bump(t)


def copy_(t: Tensor, src: Any) -> Tensor:
    """Copy ``src`` (broadcast to t's shape) into t in place."""
    _check(t, "copy_")
    v = np.asarray(_value(src, t))
    try:
        np.copyto(t.data, np.broadcast_to(v, t.shape), casting="unsafe")
    except ValueError:
        raise ValueError(f"copy_: source of shape {v.shape} can't be broadcast to "
                         f"{t.shape}") from None
    return _bump(t)


def clamp_(t: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limit values to ``[min, max]`` in place."""
    _check(t, "clamp_")
    np.clip(t.data, min, max, out=t.data)
    return _bump(t)


def setitem(t: Tensor, index: Any, value: Any) -> None:
    """``t[index] = value`` in place."""
    _check(t, "item assignment")
    t.data[_index.normalize_index(index)] = _value(value, t)
    _bump(t)
