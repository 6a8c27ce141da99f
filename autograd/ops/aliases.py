"""PyTorch's names and signatures for ops graphgrad has under NumPy's names, and PyTorch's
whole-tensor queries: ``clamp``, ``clone``, ``amax``/``amin``, ``numel``, ``all``/``any``
and ``count_nonzero``.

``clamp`` is ``clip`` and ``amax``/``amin`` are the ``Max``/``Min`` reductions, so their
gradients (and gradients of those) are those ops': ``clamp`` passes the gradient where
``min <= x <= max`` (the bounds included, as PyTorch's), ``amax`` splits it evenly
among tied maxima. The queries give integers or bools and have no gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._util import as_tensor, reduction_axes, refuse_out, resolve_axis
from .elementwise import clip
from .reduce import Max, Min


def clamp(input: Any, min: Any = None, max: Any = None, *, out: Any = None) -> Tensor:
    """PyTorch's ``clamp``: ``min(max(input, min), max)`` elementwise, ``max`` winning where
    ``min > max``; either bound may be None (not both), a number or a tensor broadcast
    against ``input``. d/dinput = 1 where ``min <= input <= max``, else 0 (``clip``)."""
    refuse_out(out, "clamp")
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must not be None")
    return clip(input, min=min, max=max)


def clone(input: Any, *, memory_format: Any = None) -> Tensor:
    """A copy of ``input``'s data that stays in the graph: the gradient flows back
    unchanged. (``memory_format`` is accepted for PyTorch's signature; the copy is
    always C-ordered where the data is copied.)"""
    from ..tensor_methods import clone as _clone

    return _clone(as_tensor(input))


def numel(input: Any) -> int:
    """The number of elements of ``input``: the product of its shape (1 for a 0-d tensor)."""
    return int(as_tensor(input).data.size)


def _axes(a: Tensor, dim: Any, axis: Any, keepdim: Any, keepdims: Any, op: str) -> tuple:
    dim, keep = resolve_axis(axis, dim, keepdims, keepdim)
    if isinstance(dim, (tuple, list)) and len(dim) == 0:
        dim = None  # PyTorch's amax: dim=() reduces over every dim
    return reduction_axes(dim, a.ndim, op), keep


def _extreme(fn: type, op: str, input: Any, dim: Any, keepdim: Any, axis: Any,
             keepdims: Any, out: Any) -> Tensor:
    refuse_out(out, op)
    a = as_tensor(input)
    axes, keep = _axes(a, dim, axis, keepdim, keepdims, op)
    empty = [i for i in (range(a.ndim) if axes is None else axes) if a.shape[i] == 0]
    if empty:
        raise ValueError(f"{op}: reduction over dim {empty[0]} of size 0 (input shape "
                         f"{a.shape}) has no identity; give a dim whose size is not 0")
    return fn.apply(a, axes, keep)


def amax(input: Any, dim: Any = (), keepdim: bool = False, *, axis: Any = None,
         keepdims: Any = None, out: Any = None) -> Tensor:
    """The largest value over ``dim`` (an int or a tuple; ``()`` or None: every dim), the
    shape of a reduction. Tied maxima share the gradient evenly: d/dx_i = g/k for each of
    the k entries equal to the maximum, 0 elsewhere (PyTorch's ``amax``)."""
    return _extreme(Max, "amax", input, dim, keepdim, axis, keepdims, out)


def amin(input: Any, dim: Any = (), keepdim: bool = False, *, axis: Any = None,
         keepdims: Any = None, out: Any = None) -> Tensor:
    """The smallest value over ``dim`` (an int or a tuple; ``()`` or None: every dim); tied
    minima share the gradient evenly (PyTorch's ``amin``)."""
    return _extreme(Min, "amin", input, dim, keepdim, axis, keepdims, out)


def _truth(reduce: Any, op: str, input: Any, dim: Any, keepdim: Any, axis: Any,
           keepdims: Any, out: Any) -> Tensor:
    refuse_out(out, op)
    a = as_tensor(input)
    axes, keep = _axes(a, dim, axis, keepdim, keepdims, op)
    result = np.asarray(reduce(a.data, axis=axes, keepdims=keep))
    # PyTorch keeps uint8 for uint8 input (its pre-bool convention); bool otherwise.
    return Tensor._wrap(result.astype(np.uint8) if a.dtype == np.uint8 else result)


def all(input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
        keepdims: Any = None, out: Any = None) -> Tensor:
    """True where every element over ``dim`` (an int, a tuple or None for all) is nonzero
    (True for an empty reduction); a bool tensor, uint8 for uint8 input, as PyTorch's."""
    return _truth(np.all, "all", input, dim, keepdim, axis, keepdims, out)


def any(input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
        keepdims: Any = None, out: Any = None) -> Tensor:
    """True where some element over ``dim`` (an int, a tuple or None for all) is nonzero
    (False for an empty reduction); a bool tensor, uint8 for uint8 input, as PyTorch's."""
    return _truth(np.any, "any", input, dim, keepdim, axis, keepdims, out)


def count_nonzero(input: Any, dim: Any = None) -> Tensor:
    """The number of nonzero elements over ``dim`` (an int, a tuple or None for all), as
    an int64 tensor of the reduced shape (no ``keepdim``, as PyTorch's)."""
    a = as_tensor(input)
    axes, _ = _axes(a, dim, None, None, None, "count_nonzero")
    counts = np.count_nonzero(a.data, axis=axes)
    return Tensor._wrap(np.asarray(counts, dtype=np.int64))

