"""Writing into a copy of a tensor by index or mask: ``index_copy``, ``index_fill``,
``masked_scatter``, and the flat-index pair ``take`` / ``put``.

Each is a composition of the existing writes (``Scatter``, ``index_put``,
``masked_fill``) and reads, so its gradients, and theirs, come from those ops: the
input's gradient is the upstream gradient with the written places zeroed (kept where
``put`` accumulates), the written values' gradient is the upstream gradient read back
from their places.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor, check_index_range, normalize_axis
from .index import IndexPut, getitem, index_put
from .rearrange import masked_fill
from .scattering import Scatter
from .shape import broadcast_to, reshape


def _int_index(index: Any, op: str, max_ndim: int | None = 1) -> np.ndarray:
    idx = np.asarray(index.data if isinstance(index, Tensor) else index)
    if idx.dtype.kind not in "iu" and not (idx.size == 0 and idx.dtype.kind == "f"):
        raise TypeError(f"{op}: index must be an integer tensor, got dtype {idx.dtype}")
    if max_ndim is not None and idx.ndim > max_ndim:
        raise ShapeError(f"{op}: index must be 0-D or 1-D, got shape {idx.shape}")
    return idx.astype(np.intp)


def _same_dtype(op: str, a: Tensor, other: Tensor, what: str) -> None:
    if other.dtype != a.dtype:
        raise TypeError(f"{op}: {what} must have the input's dtype {a.dtype}, got {other.dtype}")


def _along(a: Tensor, dim: Any, op: str) -> tuple[Tensor, int]:
    """``a`` (a 0-d tensor as shape (1,)) and the checked ``dim``."""
    base = reshape(a, 1) if a.ndim == 0 else a
    try:
        d = normalize_axis(operator.index(dim), base.ndim, op)[0]
    except TypeError:
        raise TypeError(f"{op}: dim must be an int, got {dim!r}") from None
    return base, d


def _restored(out: Tensor, a: Tensor) -> Tensor:
    return reshape(out, ()) if a.ndim == 0 else out


def index_copy(input: Any, dim: int, index: Any, source: Any) -> Tensor:
    """A copy of ``input`` with the slices of ``source`` along ``dim`` written at ``index``:
    ``out[..., index[i], ...] = source[..., i, ...]`` (``index`` 1-D, in ``[0, n)``;
    ``source`` has input's shape but ``len(index)`` along dim). At a repeated index one
    write wins (PyTorch leaves which unspecified). Gradients: input's is g zeroed at the
    written slices; source's is ``g.index_select(dim, index)``."""
    a, src = as_tensor(input), as_tensor(source)
    idx = _int_index(index, "index_copy").reshape(-1)
    base, d = _along(a, dim, "index_copy")
    src_b = reshape(src, 1) if src.ndim == 0 else src
    expected = base.shape[:d] + (idx.size,) + base.shape[d + 1:]
    if src_b.shape != expected:
        raise ShapeError(f"index_copy: source of shape {src.shape} does not fit: for input "
                         f"{a.shape} and {idx.size} indices along dim {d} it must be {expected}")
    _same_dtype("index_copy", a, src, "source")
    n = base.shape[d]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise IndexError(f"index_copy: index {bad} is out of bounds for dim {d} of size {n} "
                         f"(input shape {a.shape}); indices must be in [0, {n})")
    if not idx.size:
        return a.clone()
    return _restored(Scatter.apply(base, src_b, (slice(None),) * d + (idx,)), a)


def index_fill(input: Any, dim: int, index: Any, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` (a number or a 0-d tensor) in the slices at
    ``index`` along ``dim`` (negative indices count from the end): ``out[..., index[i],
    ...] = value``. Gradients: input's is g zeroed there; a tensor value's is the sum of
    g over the filled places."""
    a = as_tensor(input)
    idx = _int_index(index, "index_fill").reshape(-1)
    base, d = _along(a, dim, "index_fill")
    check_index_range("index_fill", idx, d, base.shape, "input shape")
    mask = np.zeros(base.shape, dtype=bool)
    mask[(slice(None),) * d + (idx,)] = True
    return masked_fill(a, mask.reshape(a.shape), value)


def masked_scatter(input: Any, mask: Any, source: Any) -> Tensor:
    """A copy of ``input`` whose places where the bool ``mask`` is true take the elements
    of ``source`` in row-major order (``input`` and ``mask`` broadcast together; ``source``
    needs at least as many elements as the mask has trues, the rest are unused).
    Gradients: input's is g zeroed at the masked places (summed over broadcasting);
    source's is ``g[mask]`` in its first elements, 0 after."""
    a, src = as_tensor(input), as_tensor(source)
    m = np.asarray(mask.data if isinstance(mask, Tensor) else mask)
    if m.dtype != bool:
        raise TypeError(f"masked_scatter: the mask must be bool, got {m.dtype} of shape "
                        f"{m.shape}")
    _same_dtype("masked_scatter", a, src, "source")
    try:
        shape = np.broadcast_shapes(a.shape, m.shape)
    except ValueError:
        raise ShapeError(f"masked_scatter: shapes {a.shape} (input) and {m.shape} (mask) "
                         "cannot be broadcast together") from None
    full_mask = np.broadcast_to(m, shape).reshape(-1)
    k = int(full_mask.sum())
    if src.numel() < k:
        raise ShapeError(f"masked_scatter: source has {src.numel()} elements (shape "
                         f"{src.shape}) but the mask has {k} true places to fill")
    flat = reshape(broadcast_to(a, shape), -1)
    out = IndexPut.apply(flat, full_mask, reshape(src, -1)[:k])
    return reshape(out, shape)


def take(input: Any, index: Any) -> Tensor:
    """``input`` read as 1-D (row-major) at the integer ``index`` (any shape, negative
    entries count from the end): ``out[i] = input.flatten()[index[i]]``, shaped like
    ``index``. The gradient is added back to the read places (repeats accumulate)."""
    a = as_tensor(input)
    idx = _int_index(index, "take", None)
    check_index_range("take", idx.reshape(-1), 0, (a.numel(),), "number of elements")
    return reshape(getitem(reshape(a, -1), idx.reshape(-1)), idx.shape)


def put(input: Any, index: Any, source: Any, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``source`` written at the flat (row-major) ``index``:
    ``out.flatten()[index[i]] = source[i]`` (``index`` and ``source`` of the same number of
    elements, any shapes; negative indices count from the end), or added there with
    ``accumulate=True`` (repeats accumulate). Gradients: input's is g, zeroed at the
    written places unless accumulating; source's is g read at ``index``."""
    a, src = as_tensor(input), as_tensor(source)
    idx = _int_index(index, "put", None).reshape(-1)
    if idx.size != src.numel():
        raise ShapeError(f"put: index ({idx.size} elements) and source ({src.numel()} "
                         f"elements, shape {src.shape}) must have the same number of elements")
    _same_dtype("put", a, src, "source")
    check_index_range("put", idx, 0, (a.numel(),), "number of elements")
    flat = index_put(reshape(a, -1), (idx,), reshape(src, -1), accumulate=bool(accumulate))
    return reshape(flat, a.shape)
