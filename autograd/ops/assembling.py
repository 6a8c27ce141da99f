"""Building tensors out of other tensors, as PyTorch's top-level helpers do:
``atleast_{1,2,3}d``, ``block_diag``, ``broadcast_tensors``/``broadcast_shapes``,
``cartesian_prod``, ``combinations``, ``column_stack``/``row_stack``, ``meshgrid``,
``vander`` and the index generators ``tril_indices``/``triu_indices``.

The differentiable ones are compositions of ``reshape``, ``expand``, ``cat``, ``stack``,
indexing and ``cumprod``, so their gradients (and higher ones) come from those ops.
"""

from __future__ import annotations

import itertools
import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor
from .elementwise import astype
from .index import getitem
from .linalg import same_dtype
from .scan import cumprod
from .shape import _broadcast, concatenate, reshape, stack
from .stacking import _at_least, hstack, vstack


def _spread(tensors: tuple) -> tuple[list[Tensor], bool]:
    """The tensors of ``f(t)``, ``f(t1, t2)`` or ``f([t1, t2])``, and whether the caller
    gave one bare tensor (PyTorch then returns a tensor, not a tuple)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return [as_tensor(t) for t in tensors[0]], False
    return [as_tensor(t) for t in tensors], len(tensors) == 1


def _atleast(n: int, tensors: tuple) -> Any:
    ts, single = _spread(tensors)
    out = tuple(_at_least(t, n) for t in ts)
    return out[0] if single else out


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least 1 dim (0-d becomes ``(1,)``); one tensor in, one out; a
    sequence or several tensors in, a tuple out. Views of the inputs."""
    return _atleast(1, tensors)


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least 2 dims: 0-d is ``(1, 1)``, ``(k,)`` is ``(1, k)``."""
    return _atleast(2, tensors)


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least 3 dims: 0-d is ``(1, 1, 1)``, ``(k,)`` is ``(1, k, 1)``,
    ``(m, k)`` is ``(m, k, 1)`` (NumPy's and PyTorch's layout)."""
    return _atleast(3, tensors)


def _common(ts: list[Tensor]) -> list[Tensor]:
    """The tensors in their promoted dtype (NumPy's promotion of the arrays' dtypes)."""
    dtype = np.result_type(*[t.dtype for t in ts]) if ts else np.dtype(np.float32)
    return [astype(t, dtype) for t in ts]


def block_diag(*tensors: Any) -> Tensor:
    """The block-diagonal matrix with the given blocks on its diagonal, zeros elsewhere:
    ``(Σ rows, Σ cols)``. Blocks are 0-d (``(1, 1)``), 1-D (``(1, k)``) or 2-D; the dtype
    is the blocks' promoted one. No blocks give a ``(1, 0)`` tensor, as PyTorch. The
    gradient of each block is its part of the output gradient."""
    ts = [as_tensor(t) for t in tensors]
    for i, t in enumerate(ts):
        if t.ndim > 2:
            raise ShapeError(f"block_diag: each block must have at most 2 dims, block {i} has "
                             f"shape {t.shape}")
    if not ts:
        return Tensor._wrap(np.zeros((1, 0), dtype=np.float32))
    blocks = _common([_at_least(t, 2) for t in ts])
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        m, k = b.shape
        before = Tensor._wrap(np.zeros((m, left), dtype=b.dtype))
        after = Tensor._wrap(np.zeros((m, width - left - k), dtype=b.dtype))
        rows.append(concatenate([before, b, after], 1))
        left += k
    return concatenate(rows, 0)


def broadcast_shapes(*shapes: Any) -> tuple:
    """The shape all ``shapes`` broadcast to (an int counts as a 1-D shape); a tuple,
    PyTorch's ``torch.Size``. Raises ``ShapeError`` when they don't broadcast."""
    sizes = [(s,) if isinstance(s, (int, np.integer)) else tuple(s) for s in shapes]
    try:
        return tuple(int(n) for n in np.broadcast_shapes(*sizes))
    except ValueError:
        raise ShapeError(f"broadcast_shapes: shapes {sizes} can't be broadcast together: "
                         "each dim, aligned from the right, must match or be 1") from None


def broadcast_tensors(*tensors: Any) -> tuple[Tensor, ...]:
    """Every tensor expanded to the common broadcast shape (views; the gradient sums over
    the broadcast dims)."""
    ts = [as_tensor(t) for t in tensors]
    shape = broadcast_shapes(*[t.shape for t in ts])
    return tuple(t if t.shape == shape else _broadcast(t, shape, "broadcast_tensors")
                 for t in ts)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D (or 0-d) tensors: with ``indexing='ij'`` (the default,
    PyTorch's; it warns when omitted, we do not) output ``k`` has shape ``(n_1, ..., n_N)``
    and varies along dim ``k``; ``'xy'`` swaps the first two dims (NumPy's default)."""
    ts, _ = _spread(tensors)
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    for i, t in enumerate(ts):
        if t.ndim > 1:
            raise ShapeError(f"meshgrid: expects 0-d or 1-D tensors, tensor {i} has shape "
                             f"{t.shape}")
    same_dtype("meshgrid", *ts)
    ts = [_at_least(t, 1) for t in ts]
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t.shape[0] for t in ts)
    grids = []
    for k, t in enumerate(ts):
        lined = reshape(t, tuple(n if i == k else 1 for i, n in enumerate(shape)))
        grids.append(_broadcast(lined, shape, "meshgrid"))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
        grids = [g.transpose(0, 1) for g in grids]
    return tuple(grids)


def cartesian_prod(*tensors: Any) -> Tensor:
    """All tuples taking one entry from each 1-D tensor, in lexicographic order:
    ``(Π n_i, N)``; one tensor is returned as it is (PyTorch's quirk)."""
    ts = [as_tensor(t) for t in tensors]
    for i, t in enumerate(ts):
        if t.ndim != 1:
            raise ShapeError(f"cartesian_prod: expects 1-D tensors, tensor {i} has shape "
                             f"{t.shape}")
    if len(ts) == 1:
        return ts[0]
    grids = meshgrid(*_common(ts), indexing="ij")
    return stack([reshape(g, (-1,)) for g in grids], 1)


def combinations(input: Any, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The length-``r`` combinations of a 1-D tensor's entries, as rows ``(C, r)`` in
    Python's ``itertools.combinations`` order (``combinations_with_replacement`` when
    ``with_replacement``). ``r = 0`` gives an empty 1-D tensor, as PyTorch."""
    a = as_tensor(input)
    if a.ndim != 1:
        raise ShapeError(f"combinations: expects a 1-D tensor, got shape {a.shape}")
    r = operator.index(r)
    if r < 0:
        raise ValueError(f"combinations: r must be non-negative, got {r}")
    if r == 0:
        return Tensor._wrap(np.zeros(0, dtype=a.dtype))
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    index = np.array(list(pick(range(a.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return getitem(a, index)


def column_stack(tensors: Any) -> Tensor:
    """Join as columns: 0-d and 1-D tensors become ``(k, 1)`` columns, then ``hstack``."""
    ts = [as_tensor(t) for t in tensors]
    return hstack([reshape(t, (t.data.size, 1)) if t.ndim <= 1 else t for t in ts])


def row_stack(tensors: Any) -> Tensor:
    """PyTorch's alias of ``vstack``."""
    return vstack(tensors)


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of a 1-D ``x``: ``out[i, j] = x_i^(N-1-j)`` (``x_i^j`` with
    ``increasing``); ``N`` defaults to ``len(x)``. Integer and bool inputs give int64,
    as PyTorch. Built by ``cumprod`` so the gradient is exact at ``x = 0``."""
    a = as_tensor(x)
    if a.ndim != 1:
        raise ShapeError(f"vander: x must be a 1-D tensor, got shape {a.shape}")
    n = a.shape[0] if N is None else operator.index(N)
    if n < 0:
        raise ValueError(f"vander: N must be non-negative, got {n}")
    if a.dtype.kind in "biu":
        a = astype(a, np.int64)
    column = reshape(a, (-1, 1))
    if n == 0:
        return getitem(column, (slice(None), slice(0, 0)))
    ones = Tensor._wrap(np.ones((a.shape[0], 1), dtype=a.dtype))
    powers = cumprod(concatenate([ones] + [column] * (n - 1), 1), 1)
    return powers if increasing else powers.flip(1)


def _triangle_indices(op: str, row: int, col: int, offset: int, dtype: Any,
                      lower: bool) -> Tensor:
    row, col, offset = operator.index(row), operator.index(col), operator.index(offset)
    if row < 0 or col < 0:
        raise ValueError(f"{op}: row ({row}) and col ({col}) must be non-negative")
    d = np.dtype(np.int64 if dtype is None else dtype)
    if d.kind not in "iu":
        raise TypeError(f"{op}: dtype must be an integer type, got {d}")
    i, j = np.indices((row, col)).reshape(2, -1)
    keep = (j - i <= offset) if lower else (j - i >= offset)
    return Tensor._wrap(np.stack([i[keep], j[keep]]).astype(d))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None, layout: Any = None) -> Tensor:
    """The ``(2, K)`` coordinates of the lower triangle of a ``row × col`` matrix (entries
    with ``j - i <= offset``), row by row; int64 unless ``dtype``."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, True)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None, layout: Any = None) -> Tensor:
    """The ``(2, K)`` coordinates of the upper triangle of a ``row × col`` matrix (entries
    with ``j - i >= offset``), row by row; int64 unless ``dtype``."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, False)
