"""Writing and picking along a dim by an index tensor: ``scatter``, ``scatter_add``,
``take_along_dim`` and ``masked_select``.

For dim 0, ``scatter`` writes ``out[index[i][j]][j] = src[i][j]`` into a copy of the
input, and ``scatter_add`` adds there instead (repeated places accumulate). Their
gradients are PyTorch's: the input gets the upstream gradient where nothing was
written (everywhere for ``scatter_add``) and ``src`` gets ``gather(g, dim, index)``.
Both are written with ``where`` and indexing, so they can be differentiated again.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor, check_index_range, normalize_axis
from .elementwise import where
from .index import IndexScatter, getitem
from .rearrange import gather
from .shape import broadcast_to, reshape


class Scatter(Function):
    """A copy of ``a`` with ``src`` written at ``index`` (a tuple of index arrays); the
    gradient of ``a`` is zero at the written places, that of ``src`` is ``g[index]``."""

    @staticmethod
    def forward(ctx, a, src, index):
        out = a.copy()
        out[index] = src
        written = np.zeros(a.shape, dtype=bool)
        written[index] = True
        ctx.written, ctx.index = written, index
        return out

    @staticmethod
    def backward(ctx, g):
        ga = where(ctx.written, 0.0, g) if ctx.needs_input_grad[0] else None
        gsrc = getitem(g, ctx.index) if ctx.needs_input_grad[1] else None
        return ga, gsrc, None


def _index_tuple(op: str, a: Tensor, dim: Any, index: Any, src_shape: tuple | None) -> tuple:
    """The checked dim and the tuple of index arrays that places ``index`` along it."""
    idx = np.asarray(index.data if isinstance(index, Tensor) else index)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{op}: index must be an int32 or int64 tensor, got dtype {idx.dtype}")
    if idx.ndim != a.ndim:
        raise ShapeError(f"{op}: index must have the same number of dims as the input, got "
                         f"index shape {idx.shape} for input shape {a.shape}")
    try:
        d = normalize_axis(operator.index(dim), max(a.ndim, 1), op)[0]
    except TypeError:
        raise TypeError(f"{op}: dim must be an int, got {dim!r}") from None
    n = a.shape[d] if a.ndim else 1
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise IndexError(f"{op}: index {bad} is out of bounds for dim {d} of size {n} (input "
                         f"shape {a.shape})")
    if a.ndim == 0:
        return 0, (idx.reshape(1),)
    if any((i != d and s > t) for i, (s, t) in enumerate(zip(idx.shape, a.shape))) or (
            src_shape is not None and any(s > t for s, t in zip(idx.shape, src_shape))):
        raise ShapeError(f"{op}: index of shape {idx.shape} must be no larger than the input "
                         f"{a.shape} apart from dim {d}"
                         + ("" if src_shape is None else f" and no larger than src {src_shape}"))
    grid = list(np.ogrid[tuple(slice(s) for s in idx.shape)])
    grid[d] = idx.astype(np.intp)
    return d, tuple(np.broadcast_to(g, idx.shape) for g in grid)


def _source(op: str, a: Tensor, src: Any, index_shape: tuple) -> Tensor:
    """The part of the tensor ``src`` the index covers (its leading ``index_shape``
    corner), or the number ``src`` filled to ``index_shape``."""
    if isinstance(src, Tensor):
        if src.dtype != a.dtype:
            raise TypeError(f"{op}: src must have the input's dtype {a.dtype}, got {src.dtype}")
        if src.shape == index_shape:
            return src
        return getitem(src, tuple(slice(s) for s in index_shape))
    if np.ndim(src) != 0 or np.asarray(src).dtype.kind not in "biuf":
        raise TypeError(f"{op}: src must be a Tensor or a number, got {type(src).__name__}")
    return Tensor._wrap(np.full(index_shape, src, dtype=a.dtype))


def _prepared(op: str, input: Any, dim: Any, index: Any, src: Any) -> tuple:
    a = as_tensor(input)
    src_shape = src.shape if isinstance(src, Tensor) else None
    if src_shape is not None and len(src_shape) != a.ndim:
        raise ShapeError(f"{op}: src must have the same number of dims as the input, got src "
                         f"shape {src_shape} for input shape {a.shape}")
    d, idx = _index_tuple(op, a, dim, index, src_shape)
    index_shape = idx[0].shape if a.ndim else ()
    source = _source(op, a, src, index_shape)
    if a.ndim == 0:
        return reshape(a, 1), reshape(source, 1), idx
    return a, source, idx


def scatter(input: Any, dim: int, index: Any, src: Any = None, *, value: Any = None) -> Tensor:
    """A copy of ``input`` with ``src`` written at ``index`` along ``dim``: for a 3-D input
    and dim 1, ``out[i][index[i][j][k]][k] = src[i][j][k]`` for every place of ``index``
    (index has input's number of dims, no larger than src, nor than input apart from
    dim). ``src`` may be a number (PyTorch's ``value``). At a place written twice one
    of the values wins. Gradients: input's is g with the written places zeroed; src's
    is ``gather(g, dim, index)`` (0 outside index's shape)."""
    if value is not None:
        if src is not None:
            raise TypeError("scatter: give src or value, not both")
        src = value
    if src is None:
        raise TypeError("scatter: give the values to write as src (a Tensor) or value")
    a = as_tensor(input)
    base, source, idx = _prepared("scatter", a, dim, index, src)
    if not idx[0].size:
        return base.clone() if a.ndim else reshape(base, ())
    out = Scatter.apply(base, source, idx)
    return reshape(out, ()) if a.ndim == 0 else out


def scatter_add(input: Any, dim: int, index: Any, src: Any) -> Tensor:
    """``input`` plus ``src`` added at ``index`` along ``dim`` (places written several times
    sum their values): for dim 0, ``out[index[i][j]][j] += src[i][j]``. Gradients: input's
    is g; src's is ``gather(g, dim, index)`` (0 outside index's shape)."""
    a = as_tensor(input)
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_add: src must be a Tensor, got {type(src).__name__}")
    base, source, idx = _prepared("scatter_add", a, dim, index, src)
    out = base + IndexScatter.apply(source, idx, base.shape)
    return reshape(out, ()) if a.ndim == 0 else out


def take_along_dim(input: Any, indices: Any, dim: Any = None) -> Tensor:
    """The entries at ``indices`` along ``dim``: ``out[i][j] = a[indices[i][j]][j]`` (dim 0),
    ``a`` and ``indices`` broadcast against each other in the other dims (same number
    of dims). With ``dim=None`` both are flattened: ``out = a.flatten()[indices.flatten()]``.
    Negative indices count from the end. The gradient is scattered back (added)."""
    a = as_tensor(input)
    idx = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"take_along_dim: indices must be an integer tensor, got dtype "
                        f"{idx.dtype}")
    if dim is None:
        return gather(reshape(a, -1), 0, idx.reshape(-1))
    if idx.ndim != a.ndim:
        raise ShapeError(f"take_along_dim: input and indices should have the same number of "
                         f"dims, got shapes {a.shape} and {idx.shape}")
    d = normalize_axis(operator.index(dim), max(a.ndim, 1), "take_along_dim")[0]
    if a.ndim == 0:
        return gather(a, 0, idx)
    try:
        shape = np.broadcast_shapes(a.shape[:d] + (1,) + a.shape[d + 1:],
                                    idx.shape[:d] + (1,) + idx.shape[d + 1:])
    except ValueError:
        raise ShapeError(f"take_along_dim: shapes {a.shape} and {idx.shape} cannot be "
                         f"broadcast together apart from dim {d}") from None
    a_full = broadcast_to(a, shape[:d] + (a.shape[d],) + shape[d + 1:])
    idx_full = np.broadcast_to(idx, shape[:d] + (idx.shape[d],) + shape[d + 1:])
    return gather(a_full, d, idx_full)


def masked_select(input: Any, mask: Any) -> Tensor:
    """The elements of ``input`` where the bool ``mask`` is True, as a 1-D tensor in row-major
    order; ``input`` and ``mask`` broadcast together first. The gradient goes back to the
    selected places (summed over broadcast dims)."""
    a = as_tensor(input)
    m = np.asarray(mask.data if isinstance(mask, Tensor) else mask)
    if m.dtype != bool:
        raise TypeError(f"masked_select: the mask must be bool, got {m.dtype} of shape "
                        f"{m.shape}")
    try:
        shape = np.broadcast_shapes(a.shape, m.shape)
    except ValueError:
        raise ShapeError(f"masked_select: shapes {a.shape} (input) and {m.shape} (mask) "
                         "cannot be broadcast together") from None
    full = broadcast_to(a, shape)
    if not shape:
        return reshape(full, 1)[np.reshape(m, 1)]
    return getitem(full, np.broadcast_to(m, shape))


def index_add(input: Any, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
    """``input`` plus ``alpha·source`` added at ``index`` along ``dim``: for dim 0,
    ``out[index[i]] += alpha·source[i]`` (repeated indices accumulate). ``index`` is 1-D
    with one entry per slice of ``source`` along dim; ``source`` has input's shape
    elsewhere. Gradients: input's is g, source's is ``alpha·g[index]`` along dim."""
    a, src = as_tensor(input), as_tensor(source)
    idx = np.asarray(index.data if isinstance(index, Tensor) else index)
    if idx.dtype.kind not in "iu" or idx.ndim > 1:
        raise TypeError(f"index_add: index must be a 0-D or 1-D integer tensor, got shape "
                        f"{idx.shape} and dtype {idx.dtype}")
    idx = idx.reshape(-1).astype(np.intp)
    base = reshape(a, 1) if a.ndim == 0 else a
    d = normalize_axis(operator.index(dim), base.ndim, "index_add")[0]
    src_b = reshape(src, 1) if src.ndim == 0 else src
    expected = base.shape[:d] + (idx.size,) + base.shape[d + 1:]
    if src_b.shape != expected:
        raise ShapeError(f"index_add: source of shape {src.shape} does not fit: for input "
                         f"{a.shape} and {idx.size} indices along dim {d} it must be {expected}")
    check_index_range("index_add", idx, d, base.shape, "input shape")
    if src_b.dtype != base.dtype:
        raise TypeError(f"index_add: source must have the input's dtype {a.dtype}, got "
                        f"{src.dtype}")
    if alpha != 1:
        src_b = src_b * alpha
    out = base + IndexScatter.apply(src_b, (slice(None),) * d + (idx,), base.shape)
    return reshape(out, ()) if a.ndim == 0 else out
