"""Joining and re-laying tensors by PyTorch's conveniences: ``hstack``/``vstack``/``dstack``,
``movedim``/``moveaxis``, ``narrow``, ``rot90``, ``fliplr``/``flipud``,
``repeat_interleave`` and ``diff``.

Each is a composition of ``cat``, ``permute``, indexing, ``flip`` and subtraction, so
its gradient (and the gradient of that) comes from those ops.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor, normalize_axis
from .elementwise import sub
from .index import getitem
from .rearrange import flip, index_select
from .shape import _tensors, concatenate, permute, reshape


def _at_least(t: Tensor, n: int) -> Tensor:
    """NumPy's and PyTorch's ``atleast_{n}d``: 0-d to ``(1,)*n``; 1-D ``(k,)`` to ``(1, k)``
    or ``(1, k, 1)``; 2-D ``(m, k)`` to ``(m, k, 1)`` for n = 3."""
    if t.ndim >= n:
        return t
    if t.ndim == 0:
        return reshape(t, (1,) * n)
    if t.ndim == 1:
        return reshape(t, (1, t.shape[0], 1)[:n])
    return reshape(t, t.shape + (1,))


def hstack(tensors: Any) -> Tensor:
    """Join along the columns: ``cat`` along dim 1, or dim 0 when every tensor is 1-D
    (0-d tensors count as 1-D of one element)."""
    ts = [_at_least(t, 1) for t in _tensors(tensors, "hstack")]
    return concatenate(ts, 0 if all(t.ndim == 1 for t in ts) else 1)


def vstack(tensors: Any) -> Tensor:
    """Join along the rows: every tensor made at least 2-D (``(k,)`` is ``(1, k)``), then
    ``cat`` along dim 0."""
    return concatenate([_at_least(t, 2) for t in _tensors(tensors, "vstack")], 0)


def dstack(tensors: Any) -> Tensor:
    """Join along the depth: every tensor made at least 3-D (``(k,)`` is ``(1, k, 1)``,
    ``(m, k)`` is ``(m, k, 1)``), then ``cat`` along dim 2."""
    return concatenate([_at_least(t, 3) for t in _tensors(tensors, "dstack")], 2)


def _dim_list(dims: Any, ndim: int, op: str, what: str) -> list[int]:
    items = list(dims) if isinstance(dims, (tuple, list)) else [dims]
    try:
        out = [normalize_axis(operator.index(d), ndim, op)[0] if ndim else 0 for d in items]
    except TypeError:
        raise TypeError(f"{op}: {what} must be an int or a sequence of ints, got "
                        f"{dims!r}") from None
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated dim in {what} {items}")
    return out


def movedim(input: Any, source: Any, destination: Any) -> Tensor:
    """Move the dims ``source`` (an int or a sequence) to the positions ``destination``;
    the other dims keep their order. ``movedim(x, 0, -1)`` of ``(a, b, c)`` is
    ``(b, c, a)``."""
    a = as_tensor(input)
    src = _dim_list(source, a.ndim, "movedim", "source")
    dst = _dim_list(destination, a.ndim, "movedim", "destination")
    if len(src) != len(dst):
        raise ValueError(f"movedim: source {source} and destination {destination} must have "
                         "the same number of dims")
    rest = iter(i for i in range(a.ndim) if i not in src)
    placed = dict(zip(dst, src))
    order = [placed[i] if i in placed else next(rest) for i in range(a.ndim)]
    return permute(a, *order) if a.ndim else a


moveaxis = movedim


def narrow(input: Any, dim: int, start: Any, length: int) -> Tensor:
    """The ``length`` entries from ``start`` along ``dim`` (``start`` may be negative, and
    a 0-d tensor): ``a[..., start:start + length, ...]``, a view of ``a``."""
    a = as_tensor(input)
    if a.ndim == 0:
        raise ShapeError("narrow: can't narrow a 0-d tensor")
    d = normalize_axis(operator.index(dim), a.ndim, "narrow")[0]
    s = operator.index(start.item() if isinstance(start, Tensor) else start)
    n, length = a.shape[d], operator.index(length)
    if not -n <= s <= n:
        raise IndexError(f"narrow: start {s} is out of range for dim {d} of size {n} (shape "
                         f"{a.shape})")
    if s < 0:
        s += n
    if length < 0 or s + length > n:
        raise ValueError(f"narrow: start ({s}) + length ({length}) exceeds the size {n} of dim "
                         f"{d} (shape {a.shape})")
    return getitem(a, (slice(None),) * d + (slice(s, s + length),))


def rot90(input: Any, k: int = 1, dims: Any = (0, 1)) -> Tensor:
    """Rotate by 90° ``k`` times in the plane of ``dims`` (from the first dim towards the
    second): ``k = 1`` is ``flip(dims[1])`` then swapping the two dims."""
    a = as_tensor(input)
    dims = list(dims)
    if len(dims) != 2:
        raise ValueError(f"rot90: expects exactly 2 rotation dims, got dims = {dims}")
    if a.ndim < 2:
        raise ShapeError(f"rot90: expects a tensor of at least 2 dims, got shape {a.shape}")
    d0, d1 = (normalize_axis(operator.index(d), a.ndim, "rot90")[0] for d in dims)
    if d0 == d1:
        raise ValueError(f"rot90: the rotation dims must differ, got {dims}")
    k = operator.index(k) % 4
    order = list(range(a.ndim))
    order[d0], order[d1] = order[d1], order[d0]
    if k == 0:
        return a.clone()
    if k == 2:
        return flip(a, d0, d1)
    return permute(flip(a, d1 if k == 1 else d0), *order)


def fliplr(input: Any) -> Tensor:
    """Reverse the order along dim 1 (left/right) of a tensor of at least 2 dims."""
    a = as_tensor(input)
    if a.ndim < 2:
        raise ShapeError(f"fliplr: expects a tensor of at least 2 dims, got shape {a.shape}")
    return flip(a, 1)


def flipud(input: Any) -> Tensor:
    """Reverse the order along dim 0 (up/down) of a tensor of at least 1 dim."""
    a = as_tensor(input)
    if a.ndim < 1:
        raise ShapeError(f"flipud: expects a tensor of at least 1 dim, got shape {a.shape}")
    return flip(a, 0)


def repeat_interleave(input: Any, repeats: Any = None, dim: Any = None, *,
                      output_size: Any = None) -> Tensor:
    """Repeat each entry along ``dim`` ``repeats`` times in place (``[a, b]`` with 2 gives
    ``[a, a, b, b]``); ``repeats`` is an int or one count per entry; ``dim=None`` flattens
    first. With ``repeats`` omitted, ``input`` holds the counts and the result is the
    int64 indices ``[0]*c0 + [1]*c1 + ...``. The gradient sums the copies back."""
    if repeats is None:
        counts = np.asarray(input.data if isinstance(input, Tensor) else input)
        if counts.ndim != 1 or counts.dtype.kind not in "iu":
            raise TypeError(f"repeat_interleave: the counts must be a 1-D integer tensor, got "
                            f"shape {counts.shape} and dtype {counts.dtype}")
        return Tensor._wrap(np.repeat(np.arange(len(counts)), _counts(counts)))
    a = as_tensor(input)
    if dim is None:
        a, d = reshape(a, -1), 0
    else:
        d = normalize_axis(operator.index(dim), max(a.ndim, 1), "repeat_interleave")[0]
        if a.ndim == 0:
            a = reshape(a, 1)
    n = a.shape[d]
    reps = np.asarray(repeats.data if isinstance(repeats, Tensor) else repeats)
    if reps.ndim > 1 or reps.dtype.kind not in "iu":
        raise TypeError(f"repeat_interleave: repeats must be an int or a 1-D integer tensor, "
                        f"got shape {reps.shape} and dtype {reps.dtype}")
    if reps.ndim == 1 and reps.size != 1 and reps.size != n:
        raise ShapeError(f"repeat_interleave: repeats must have one count per entry along dim "
                         f"{d}: got {reps.size} counts for size {n} (shape {a.shape})")
    index = np.repeat(np.arange(n), _counts(reps.reshape(-1) if reps.ndim else reps))
    if output_size is not None and output_size != index.size:
        raise ValueError(f"repeat_interleave: output_size {output_size} differs from the "
                         f"result's size {index.size} along dim {d}")
    return index_select(a, d, index)


def _counts(reps: np.ndarray) -> np.ndarray:
    if reps.size and reps.min() < 0:
        raise ValueError(f"repeat_interleave: repeats must be non-negative, got {reps.min()}")
    return reps.astype(np.intp)


def diff(input: Any, n: int = 1, dim: int = -1, prepend: Any = None,
         append: Any = None) -> Tensor:
    """The ``n``-th forward difference along ``dim``: ``out[i] = a[i + 1] - a[i]``, applied
    n times (``!=`` for bool), after ``prepend`` and ``append`` are joined on along dim.
    The dim shrinks by n (to 0 at least)."""
    a = as_tensor(input)
    if a.ndim == 0:
        raise ShapeError("diff: expects a tensor of at least 1 dim, got shape ()")
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"diff: the order n must be non-negative, got {n}")
    d = normalize_axis(operator.index(dim), a.ndim, "diff")[0]
    parts = [p for p in (prepend, a, append) if p is not None]
    if len(parts) > 1:
        parts = [as_tensor(p) for p in parts]
        bad = [p.shape for p in parts if p.ndim != a.ndim]
        if bad:
            raise ShapeError(f"diff: prepend and append must have the input's number of dims "
                             f"({a.ndim}), got shape {bad[0]}")
        a = concatenate(parts, d)
    head = (slice(None),) * d
    for _ in range(n):
        if a.shape[d] == 0:
            break
        later, earlier = getitem(a, (*head, slice(1, None))), getitem(a, (*head, slice(-1)))
        if a.dtype == np.bool_:
            a = Tensor._wrap(later.data != earlier.data)
        else:
            a = sub(later, earlier)
    return a
