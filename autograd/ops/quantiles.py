"""``quantile`` and ``nanquantile``: the q-th quantiles along a dim, interpolated
between the two nearest sorted entries as PyTorch's.

Built from differentiable ops: the two neighbours are ``gather``-ed from the input at
the places a stable sort puts them, and the linear interpolation is ``lerp``, so the
gradient goes to those two entries with weights ``1 - w`` and ``w`` (and, when ``q`` is
a tensor that requires grad, to ``q`` as ``(above - below)·(n - 1)``, as PyTorch's).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor, normalize_axis
from .elementwise import mul, sub, where
from .pointwise import lerp
from .rearrange import gather
from .shape import reshape, unsqueeze
from .stacking import movedim

_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _q_tensor(q: Any, a: Tensor, op: str) -> tuple[Tensor, bool]:
    """``q`` as a 1-D tensor of a's dtype, and whether it was a single number (or 0-d)."""
    if isinstance(q, Tensor):
        if q.dtype != a.dtype:
            raise TypeError(f"{op}: q must have the input's dtype {a.dtype}, got {q.dtype}; "
                            f"convert it (q.to(input.dtype))")
        if q.ndim > 1:
            raise ShapeError(f"{op}: q must be a number, a 0-d or a 1-D tensor, got shape "
                             f"{q.shape}")
        qt, single = reshape(q, -1), q.ndim == 0
    else:
        qt, single = Tensor._wrap(np.asarray(q, dtype=a.dtype).reshape(-1)), np.ndim(q) == 0
        if np.ndim(q) > 1:
            raise ShapeError(f"{op}: q must be a number, a 0-d or a 1-D tensor, got shape "
                             f"{np.shape(q)}")
    values = qt.data
    if np.any(~((values >= 0) & (values <= 1))):
        raise ValueError(f"{op}: q must be in the range [0, 1], got {values.tolist()}")
    return qt, single


def _quantile(op: str, input: Any, q: Any, dim: Any, keepdim: bool, interpolation: str,
              skip_nan: bool) -> Tensor:
    a = as_tensor(input)
    if a.dtype.kind != "f":
        raise TypeError(f"{op}: the input must be float32 or float64, got dtype {a.dtype} "
                        f"(shape {a.shape}); convert it first (t.double())")
    if interpolation not in _MODES:
        raise ValueError(f"{op}: interpolation must be one of {', '.join(_MODES)}, got "
                         f"{interpolation!r}")
    qt, single = _q_tensor(q, a, op)
    if a.data.size == 0:
        raise ShapeError(f"{op}: the input must be non-empty, got shape {a.shape}")
    if dim is None:
        base, d = reshape(a, -1), 0
    else:
        d = normalize_axis(operator.index(dim), max(a.ndim, 1), op)[0]
        base = reshape(a, 1) if a.ndim == 0 else a
    x = base.data
    n = x.shape[d]
    m = qt.shape[0]
    # Everything below has base's shape with dim d of length m: one slot per q.
    slots = [m if i == d else s for i, s in enumerate(x.shape)]
    q_at = reshape(qt, [m if i == d else 1 for i in range(x.ndim)])
    nan = np.isnan(x)
    if skip_nan:
        last = np.sum(~nan, axis=d, keepdims=True).astype(x.dtype) - 1
        ranks_t = mul(q_at, Tensor._wrap(last))
        ranks_t = where(ranks_t.data < 0, Tensor._wrap(np.zeros((), x.dtype)), ranks_t)
    else:
        ranks_t = mul(q_at, float(n - 1))
        ranks_t = where(np.broadcast_to(nan.any(axis=d, keepdims=True), slots),
                        Tensor._wrap(np.asarray(n - 1, x.dtype)), ranks_t)
    ranks = np.broadcast_to(ranks_t.data, slots)
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.round(ranks)  # half to even, as torch.round
    order = np.argsort(x, axis=d, kind="stable")
    below_at = np.floor(ranks).astype(np.int64)
    below = gather(base, d, np.take_along_axis(order, below_at, axis=d))
    if interpolation in ("linear", "midpoint"):
        above_at = np.ceil(ranks).astype(np.int64)
        above = gather(base, d, np.take_along_axis(order, above_at, axis=d))
        weight = 0.5 if interpolation == "midpoint" else sub(ranks_t, below_at.astype(x.dtype))
        below = lerp(below, above, weight)
    out = movedim(below, d, 0)
    if dim is None and keepdim:
        out = reshape(out, (m,) + (1,) * a.ndim)
    elif keepdim and a.ndim:
        out = unsqueeze(out, d + 1)
    return reshape(out, out.shape[1:]) if single else out


def quantile(input: Any, q: Any, dim: Any = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:
    """The q-th quantiles of ``input`` along ``dim`` (of all elements when None). With the
    n entries of a row sorted as ``s``, the rank is ``r = q·(n - 1)`` and the result
    ``s[⌊r⌋] + (r - ⌊r⌋)·(s[⌈r⌉] - s[⌊r⌋])`` ('linear'); 'lower', 'higher' and 'nearest'
    (half to even) take ``s`` at ⌊r⌋, ⌈r⌉ or the rounded r, 'midpoint' the mean of the
    two neighbours. A row holding nan gives nan. ``q`` is a number in [0, 1], or a 0-d or
    1-D tensor of the input's dtype; a 1-D q adds a leading dim of its length. Float
    input only, as PyTorch's."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, skip_nan=False)


def nanquantile(input: Any, q: Any, dim: Any = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Tensor:
    """``quantile`` over the non-nan entries of each row (n is their count); a row of
    only nan gives nan."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, skip_nan=True)
