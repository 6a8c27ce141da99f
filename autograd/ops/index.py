"""Indexing: ``t[...]`` with basic slices, integer arrays (repeats allowed) and boolean masks.

The backward of a read is a scatter-add of the gradient into zeros of the input's
shape (``np.add.at`` when indices may repeat, so repeated picks sum); the backward
of that scatter is the read again. A write, ``index_put`` (what ``t[index] = value``
records), sends the gradient to the places it left alone and to the value it wrote.
The rules are NumPy's and PyTorch's, which agree but for integers standing between
index arrays: there PyTorch's order is kept (``integers_first``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._util import unbroadcast


def normalize_index(index: Any) -> Any:
    """Replace Tensors and lists inside an index by arrays (indices are not differentiable).

    A 0-d integer Tensor is a plain integer, as in PyTorch: ``t[i]`` with ``i`` from
    ``ag.arange`` is a view of ``t``, not NumPy's copy for a 0-d index array.
    """
    if isinstance(index, tuple):
        return tuple(normalize_index(i) for i in index)
    if isinstance(index, Tensor):
        data = index.data
        if data.ndim == 0 and data.dtype.kind in "iu":
            return int(data)
        return data
    if isinstance(index, list):
        # An empty list selects nothing (NumPy would make it a float array and refuse it).
        return np.asarray(index) if index else np.zeros(0, dtype=np.intp)
    return index


def _is_integer(i: Any) -> bool:
    return ((isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_)))
            or (isinstance(i, np.ndarray) and i.ndim == 0 and i.dtype.kind in "iu"))


def _is_index_array(i: Any) -> bool:
    return isinstance(i, np.ndarray) and i.ndim > 0


def _adjacent(flags: list[bool]) -> bool:
    """Whether the True entries of ``flags`` form one run."""
    where = [k for k, f in enumerate(flags) if f]
    return where[-1] - where[0] + 1 == len(where)


def integers_first(index: Any) -> tuple[Any, Any] | None:
    """PyTorch's order for an index that mixes integers and index arrays, as two indices
    to apply one after the other (``a[first][second]``), or None where NumPy's one-step
    indexing already gives PyTorch's result.

    PyTorch takes each integer as a ``select`` before the index arrays; NumPy counts an
    integer among the advanced indices. They disagree only when integers alone separate
    the arrays: for ``t`` of shape (2, 3, 4), ``t[0, :, [0, 1]]`` is (3, 2) in PyTorch
    (the arrays' dimensions where they stand) and (2, 3) in NumPy (first, as the advanced
    indices are apart). ``first`` keeps the integers, slices, ``None`` and ``...``;
    ``second`` indexes the result with the arrays.
    """
    items = index if isinstance(index, tuple) else (index,)
    if (not any(_is_integer(i) for i in items) or not any(_is_index_array(i) for i in items)
            or any(isinstance(i, (bool, np.bool_)) for i in items)):
        return None
    advanced = [_is_integer(i) or _is_index_array(i) for i in items]
    arrays = [_is_index_array(i) for i in items if not _is_integer(i)]
    if _adjacent(advanced) or not _adjacent(arrays):
        return None
    first: list[Any] = []
    second: list[Any] = []
    for i in items:
        if _is_index_array(i):
            first.extend([slice(None)] * (i.ndim if i.dtype == bool else 1))
            second.append(i)
        elif _is_integer(i):
            first.append(i)
        else:
            first.append(i)
            second.append(Ellipsis if i is Ellipsis else slice(None))
    return tuple(first), tuple(second)


def selected_shape(shape: tuple, index: Any) -> tuple:
    """The shape ``t[index]`` has, for ``t`` of ``shape`` (PyTorch's order, as ``getitem``)."""
    probe = np.broadcast_to(np.zeros((), dtype=np.int8), shape)
    split = integers_first(index)
    return probe[index].shape if split is None else probe[split[0]][split[1]].shape


def write(out: np.ndarray, index: Any, value: Any) -> None:
    """``out[index] = value`` into the array's memory, in PyTorch's order."""
    split = integers_first(index)
    if split is None:
        out[index] = value
    else:
        out[split[0]][split[1]] = value


def _is_advanced(index: Any) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, np.ndarray) and i.dtype != bool for i in items)


def _kept(index: Any) -> Any:
    """``index`` with its arrays copied, for backward: an index tensor or array changed in
    place after the forward must not move the gradient (PyTorch's indexing copies NumPy
    arrays and refuses changed index tensors; the copy gives the forward's places)."""
    if isinstance(index, tuple):
        return tuple(i.copy() if isinstance(i, np.ndarray) else i for i in index)
    return index.copy() if isinstance(index, np.ndarray) else index


def _scatter(shape: tuple, dtype: np.dtype, index: Any, g: np.ndarray) -> np.ndarray:
    out = np.zeros(shape, dtype=dtype)
    if _is_advanced(index):
        np.add.at(out, index, g)
    else:
        out[index] = g
    return out


class GetItem(Function):
    """``a[index]``; backward scatters the gradient into the indexed places."""

    @staticmethod
    def forward(ctx, a, index):
        ctx.index = _kept(index)
        ctx.in_shape = a.shape
        out = a[index]
        if not isinstance(out, np.ndarray):
            # Integers down to one element: NumPy gives a scalar copy; with a trailing
            # Ellipsis it gives a 0-d view, so t[0].fill_(1) writes into t (as PyTorch).
            items = index if isinstance(index, tuple) else (index,)
            if not _is_advanced(index) and not any(i is Ellipsis for i in items):
                out = a[(*items, Ellipsis)]
        return out

    @staticmethod
    def backward(ctx, g):
        return IndexScatter.apply(g, ctx.index, ctx.in_shape), None


class IndexScatter(Function):
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices accumulate)."""

    @staticmethod
    def forward(ctx, g, index, shape):
        ctx.index = index
        return _scatter(shape, g.dtype, index, g)

    @staticmethod
    def backward(ctx, gg):
        return GetItem.apply(gg, ctx.index), None, None


def getitem(a: Tensor, index: Any) -> Tensor:
    """Read ``a[index]`` as a differentiable op, with NumPy's indexing rules, except that
    integers apply before index arrays, as in PyTorch (``integers_first``).

    A list of lists (``t[[[0, 1], [2, 2]]]``) is one integer array, as in NumPy and as
    PyTorch announces for its future versions (PyTorch 2.x still reads it as a tuple of
    indices, with a deprecation warning): write ``t[[0, 1], [2, 2]]`` for that.
    """
    index = normalize_index(index)
    split = integers_first(index)
    try:
        out = (GetItem.apply(a, index) if split is None
               else GetItem.apply(GetItem.apply(a, split[0]), split[1]))
    except IndexError as e:
        raise IndexError(f"indexing a tensor of shape {a.shape} with {index!r}: {e}") from None
    return out


def _written(shape: tuple, index: Any, target: tuple) -> np.ndarray | None:
    """Which of the ``target``-shaped places ``a[index] = v`` picks were written last (a
    repeated integer index writes one place several times and NumPy keeps one write);
    None when every place is written once (slices, masks, indices without repeats)."""
    if not _is_advanced(index):
        return None
    slots = np.arange(int(np.prod(target)), dtype=np.intp).reshape(target)
    owner = np.full(shape, -1, dtype=np.intp)
    owner[index] = slots
    kept = owner[index] == slots
    return None if kept.all() else kept


class IndexPut(Function):
    """A copy of ``a`` with ``a[index] = value`` (value broadcast to the places, cast to
    a's dtype). The gradient reaches ``a`` at the places not written and ``value`` from
    the places it was written to, summed over its broadcasting; where a repeated index
    writes one place twice, only the write NumPy keeps gets the gradient (PyTorch's
    ``index_put`` gives it to every write)."""

    @staticmethod
    def forward(ctx, a, index, value):
        return put(ctx, a.copy(), index, value)

    @staticmethod
    def backward(ctx, g):
        needs_a, _, needs_value = ctx.needs_input_grad
        grad_a = IndexPut.apply(g, ctx.index, 0.0) if needs_a else None
        grad_value = None
        if needs_value:
            picked = GetItem.apply(g, ctx.index)
            kept = _written(g.shape, ctx.index, picked.shape)
            if kept is not None:
                picked = picked * kept.astype(picked.dtype)
            grad_value = _as_value_grad(picked, ctx.value_shape, ctx.value_dtype)
        return grad_a, None, grad_value


def put(ctx: Any, out: np.ndarray, index: Any, value: Any) -> np.ndarray:
    """``out[index] = value``, returning ``out``; what ``IndexPut``'s backward needs is
    kept on ``ctx``."""
    out[index] = value
    ctx.index = _kept(index)
    _keep_value_layout(ctx, value)
    return out


def put_index(indices: Any) -> Any:
    """``index_put``'s ``indices`` (a tuple or list of index tensors, or any index
    ``getitem`` takes) as the index ``IndexPut`` writes through."""
    return normalize_index(tuple(indices) if isinstance(indices, list) else indices)


def _keep_value_layout(ctx: Any, value: Any) -> None:
    """Keep the written value's shape and dtype (None for a number) for its gradient."""
    ctx.value_shape = np.shape(value)
    ctx.value_dtype = value.dtype if isinstance(value, np.ndarray) else None


def _as_value_grad(picked: Tensor, shape: tuple, dtype: np.dtype | None) -> Tensor:
    """The gradient at the written places as the written value's: summed over the value's
    broadcasting, in its shape and dtype."""
    extra = len(shape) - picked.ndim  # NumPy lets a value have extra leading 1s
    grad = unbroadcast(picked, shape[extra:] if extra > 0 else shape).reshape(shape)
    return grad.astype(dtype) if dtype is not None and grad.dtype != dtype else grad


class ViewPut(Function):
    """A copy of ``a`` with the view ``step`` makes of it (a ``function.ViewStep``:
    ``a[1:]``, ``a.T``, ``a.reshape(...)``...) replaced by ``value``: how a change made in
    place through a view reaches its base. The gradient reaches ``a`` outside the view
    and ``value`` from the view, read from the gradient by the same step."""

    @staticmethod
    def forward(ctx, a, step, value):
        return put_view(ctx, a.copy(), step, value)

    @staticmethod
    def backward(ctx, g):
        needs_a, _, needs_value = ctx.needs_input_grad
        grad_a = ViewPut.apply(g, ctx.step, 0.0) if needs_a else None
        grad_value = (_as_value_grad(ctx.step.read(g), ctx.value_shape, ctx.value_dtype)
                      if needs_value else None)
        return grad_a, None, grad_value


def put_view(ctx: Any, out: np.ndarray, step: Any, value: Any) -> np.ndarray:
    """``value`` written into the view ``step`` makes of ``out``, returning ``out``; what
    ``ViewPut``'s backward needs is kept on ``ctx``."""
    place = step.read_array(out)
    if place.size and not np.shares_memory(place, out):  # an empty view shares nothing
        raise RuntimeError(f"{step.fn.__name__} made a copy, not a view, of the base; "
                           "its in-place change can't be written back")
    place[...] = value
    ctx.step = step
    _keep_value_layout(ctx, value)
    return out


def index_put(a: Any, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
    """``a`` with ``a[indices] = values`` (PyTorch's ``index_put``), out of place and
    differentiable in ``a`` and ``values``. ``indices`` is a tuple of index tensors (as
    PyTorch's) or any index ``getitem`` takes; ``values`` is broadcast to the places and
    cast to a's dtype. ``accumulate=True`` adds instead, a repeated index adding each time
    (``a[indices] += values`` adds once per place). ``t[index] = value`` on a tensor in
    the graph runs the assignment form and gives t its history."""
    from .elementwise import add, astype
    from .shape import broadcast_to

    a = a if isinstance(a, Tensor) else Tensor._wrap(np.asarray(a))
    index = put_index(indices)
    split = integers_first(index)
    if split is not None:  # the block t[first] with the arrays' places written, put back
        first, second = split
        return IndexPut.apply(a, first, index_put(GetItem.apply(a, first), second, values,
                                                  accumulate))
    if not accumulate:
        return IndexPut.apply(a, index, values)
    v = values if isinstance(values, Tensor) else Tensor._wrap(np.asarray(values))
    if v.dtype != a.dtype:
        v = astype(v, a.dtype)
    place = np.shape(a.data[index])
    return add(a, IndexScatter.apply(broadcast_to(v, place), index, a.shape))
