"""PyTorch's in-place methods that change a tensor's shape but not its values:
``squeeze_``, ``unsqueeze_``, ``t_``, ``transpose_``, ``swapdims_``/``swapaxes_``; and
``fill_diagonal_``, which writes the main diagonal in place, and ``narrow_copy``.

The tensor takes the new layout of the same memory and, when it is in the graph, the
history of the view op (as PyTorch: ``b.t_()`` gives b the grad_fn of ``t``). Its
version counter is bumped, so a backward through an op that saved the tensor before
raises instead of using the new shape. Views of the memory are tracked by the path of
view ops from the tensor they were made from: the tensor's own path is extended; a
change of a tensor that live views were made from is refused (their paths start from
its old layout).
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import grad_mode, inplace
from ..errors import ShapeError
from ..tensor import Tensor
from .shape import _swap, squeeze, unsqueeze


def _refuse_if_unsafe(t: Tensor, op: str) -> None:
    if grad_mode._state.enabled and t._requires_grad and t.grad_fn is None:
        raise RuntimeError(f"{op}: a leaf tensor that requires grad (shape {t.shape}) can't "
                           "change its shape in place while the graph is recorded; use the "
                           f"out-of-place {op[:-1]} (or wrap the change in no_grad())")
    if not grad_mode._state.enabled and t.grad_fn is not None:
        # PyTorch lets this pass and fails in the backward (a gradient of the wrong shape).
        raise RuntimeError(f"{op}: this tensor (shape {t.shape}) is part of the recorded graph "
                           f"(made by {t.grad_fn.name}); changing its shape in place under "
                           "no_grad() would leave a history of the old shape. Change it with "
                           f"grad enabled, or use the out-of-place {op[:-1]}")
    vc = t._vc
    for view_ref, root_ref, _ in ((vc.views or {}).values() if vc is not None else ()):
        if root_ref() is t and view_ref() is not None and view_ref() is not t:
            raise RuntimeError(
                f"{op}: live views were made from this tensor (shape {t.shape}, e.g. a view of "
                f"shape {view_ref().shape}); changing its shape in place would leave them "
                f"pointing at the old layout. Use the out-of-place {op[:-1]}, or drop the views "
                "first.")


def _take_layout(t: Tensor, result: Tensor) -> None:
    """Make ``t`` the view ``result`` of its own memory, with result's history and result's
    place among the views of that memory."""
    vc = t._vc
    entry = vc.views.pop(id(result), None) if vc is not None and vc.views else None
    if vc is not None and vc.views:
        vc.views.pop(id(t), None)
    t.__dict__.pop("_view_root", None)
    if entry is None:  # a copy, not a view: the memory is t's own now
        t._vc = None
    elif entry[1]() is not t:  # t was itself a view of another tensor: extend its path
        vc.views[id(t)] = (weakref.ref(t), entry[1], entry[2])
        t._view_root = entry[1]()
    t.data = result.data
    inplace._bump(t)
    if result.grad_fn is not None:
        inplace._move_retained_grad(t, result.grad_fn, result._output_index)
        t._requires_grad = True


def _relayout_(t: Tensor, op: str, make: Callable[[Tensor], Tensor]) -> Tensor:
    _refuse_if_unsafe(t, op)
    result = make(t)
    if result is t:  # nothing to change; counted as a change all the same, as PyTorch
        inplace._bump(t)
    else:
        _take_layout(t, result)
    return t


def squeeze_(self: Tensor, dim: Any = None) -> Tensor:
    """Drop the dims of size 1 (all, or those of ``dim``, an int or a tuple) in place."""
    return _relayout_(self, "squeeze_", lambda a: squeeze(a, dim))


def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """Insert a dim of size 1 at ``dim`` in place."""
    return _relayout_(self, "unsqueeze_", lambda a: unsqueeze(a, operator.index(dim)))


def t_(self: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dims in place (0-d and 1-D ones stay as they are)."""
    if self.ndim > 2:
        raise ShapeError(f"t_: expects a tensor of at most 2 dims, got shape {self.shape}; use "
                         "transpose_(dim0, dim1)")
    return _relayout_(self, "t_", lambda a: _swap(a, 0, 1, "t_") if a.ndim == 2 else a)


def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap dims ``dim0`` and ``dim1`` in place (``swapdims_``, ``swapaxes_``)."""
    return _relayout_(self, "transpose_", lambda a: _swap(a, dim0, dim1, "transpose_"))


swapdims_ = swapaxes_ = transpose_


def _diagonal_index(shape: tuple, wrap: bool) -> tuple[np.ndarray, ...]:
    if len(shape) > 2 and len(set(shape)) != 1:
        raise ShapeError(f"fill_diagonal_: all dims must have the same length for a tensor of "
                         f"more than 2 dims, got shape {shape}")
    n = min(shape)
    if len(shape) == 2 and wrap and shape[0] > shape[1] + 1:
        rows, cols = shape
        flat = np.arange(0, rows * cols, cols + 1)
        return np.unravel_index(flat, shape)
    return (np.arange(n),) * len(shape)


def fill_diagonal_(self: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """Write ``fill_value`` into the main diagonal ``[i, i, ..., i]`` in place (a tensor
    of at least 2 dims, all of one length beyond 2 dims). With ``wrap``, a tall matrix's
    diagonal starts again every ``cols + 1`` rows, as NumPy's and PyTorch's. Recorded when
    the tensor is in the graph: the diagonal's former values get no gradient."""
    if self.ndim < 2:
        raise ShapeError(f"fill_diagonal_: the tensor must have at least 2 dims, got shape "
                         f"{self.shape}")
    if isinstance(fill_value, Tensor) and fill_value.ndim:
        raise ShapeError(f"fill_diagonal_: fill_value must be a number, got a tensor of shape "
                         f"{fill_value.shape}")
    return inplace._assign(self, "fill_diagonal_", _diagonal_index(self.shape, wrap),
                           fill_value)


def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``narrow`` copied into new memory: the ``length`` entries from ``start`` along
    ``dim``; the gradient goes back into those places."""
    from .stacking import narrow  # deferred: this module loads with every Tensor

    return narrow(input, dim, start, length).clone()


# The Tensor methods (tensor_more's MORE_METHODS takes them).
METHODS = {"squeeze_": squeeze_, "unsqueeze_": unsqueeze_, "t_": t_, "transpose_": transpose_,
           "swapdims_": swapdims_, "swapaxes_": swapaxes_, "fill_diagonal_": fill_diagonal_}
