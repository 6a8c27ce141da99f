"""Writing a tensor into a view of a copy: ``select_scatter``, ``slice_scatter`` and
``diagonal_scatter`` (the out-of-place forms of ``a.select(...)[...] = src``,
``a[start:end:step] = src`` and ``a.diagonal(...)[...] = src``), and ``diagflat``.

Each writes ``src`` with the ``Scatter`` op, so the input's gradient is the upstream
gradient with the view zeroed and ``src``'s is the view of the upstream gradient.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor, normalize_axis
from .contract import _diagonal_index, _two_dims, diag
from .index import selected_shape
from .scattering import Scatter
from .shape import permute, reshape


def _into(op: str, a: Tensor, src: Any, index: tuple) -> Tensor:
    """A copy of ``a`` with ``src`` written at ``index``, whose place must have src's shape."""
    src = as_tensor(src)
    place = selected_shape(a.shape, index)
    if src.shape != place:
        raise ShapeError(f"{op}: src of shape {src.shape} does not fit the place of shape "
                         f"{place} it is written into (input shape {a.shape})")
    if src.dtype != a.dtype:
        raise TypeError(f"{op}: src must have the input's dtype {a.dtype}, got {src.dtype}")
    return Scatter.apply(a, src, index)


def _dim(a: Tensor, dim: Any, op: str) -> int:
    if a.ndim == 0:
        raise ShapeError(f"{op}: can't write into a 0-d tensor along a dim")
    try:
        return normalize_axis(operator.index(dim), a.ndim, op)[0]
    except TypeError:
        raise TypeError(f"{op}: dim must be an int, got {dim!r}") from None


def select_scatter(input: Any, src: Any, dim: int, index: int) -> Tensor:
    """A copy of ``input`` with ``src`` written at ``index`` along ``dim`` (``src`` has
    input's shape without that dim): ``out.select(dim, index) = src``. Gradients: input's
    is g with that slice zeroed; src's is ``g.select(dim, index)``."""
    a = as_tensor(input)
    d = _dim(a, dim, "select_scatter")
    i, n = operator.index(index), a.shape[d]
    if not -n <= i < n:
        raise IndexError(f"select_scatter: index {i} is out of range for dim {d} of size {n} "
                         f"(shape {a.shape})")
    return _into("select_scatter", a, src, (slice(None),) * d + (i % n,))


def slice_scatter(input: Any, src: Any, dim: int = 0, start: int | None = None,
                  end: int | None = None, step: int = 1) -> Tensor:
    """A copy of ``input`` with ``src`` written into ``a[..., start:end:step, ...]`` along
    ``dim`` (Python's slice rules; ``step`` positive; ``src`` has that slice's shape).
    Gradients: input's is g with the slice zeroed; src's is g's slice."""
    a = as_tensor(input)
    d = _dim(a, dim, "slice_scatter")
    step = operator.index(step)
    if step <= 0:
        raise ValueError(f"slice_scatter: step must be positive, got {step}")
    bounds = slice(None if start is None else operator.index(start),
                   None if end is None else operator.index(end), step)
    return _into("slice_scatter", a, src, (slice(None),) * d + (bounds,))


def diagonal_scatter(input: Any, src: Any, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:
    """A copy of ``input`` with ``src`` written on the ``offset`` diagonal of the matrices
    spanned by ``dim1`` and ``dim2``: ``out.diagonal(offset, dim1, dim2) = src`` (``src``
    has the shape ``diagonal`` gives: the other dims, then the diagonal). Gradients:
    input's is g with that diagonal zeroed; src's is ``g.diagonal(offset, dim1, dim2)``."""
    a = as_tensor(input)
    if a.ndim < 2:
        raise ShapeError(f"diagonal_scatter: needs a tensor of at least 2 dims, got shape "
                         f"{a.shape}")
    d1, d2 = _two_dims(a, dim1, dim2, "diagonal_scatter", a.ndim)
    order = [i for i in range(a.ndim) if i not in (d1, d2)] + [d1, d2]
    rows, cols = _diagonal_index(a.shape[d1], a.shape[d2], operator.index(offset))
    out = _into("diagonal_scatter", permute(a, *order), src, (Ellipsis, rows, cols))
    return permute(out, *np.argsort(order).tolist())


def diagflat(input: Any, offset: int = 0) -> Tensor:
    """The square matrix of size ``numel + |offset|`` with the flattened ``input`` on its
    ``offset`` diagonal (above the main one for ``offset > 0``), zeros elsewhere. The
    gradient is that diagonal of g, reshaped as ``input``."""
    return diag(reshape(as_tensor(input), -1), operator.index(offset))
