"""Integrating sampled values by the trapezoidal rule: ``trapezoid`` (``trapz``) and
``cumulative_trapezoid``. Compositions of slicing, arithmetic, ``sum`` and ``cumsum``,
so their gradients (in ``y`` and in ``x``) come from those ops.
"""

from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor, floating, normalize_axis
from .index import getitem
from .reduce import sum as reduce_sum
from .scan import cumsum
from .shape import reshape


def _panels(op: str, y: Any, x: Any, dx: Any, dim: int) -> tuple[Tensor, int]:
    """The area of each panel between neighbouring samples along ``dim``:
    ``(y[i] + y[i+1]) / 2 · (x[i+1] - x[i])`` (or ``· dx``), and that dim normalized."""
    a = floating(as_tensor(y))
    if a.ndim == 0:
        raise ShapeError(f"{op}: y must have at least 1 dim, got a 0-d tensor")
    d = normalize_axis(dim, a.ndim, op)[0]
    lead = (slice(None),) * d
    heights = (getitem(a, lead + (slice(1, None),)) + getitem(a, lead + (slice(None, -1),))) / 2
    if x is None:
        return heights * (1.0 if dx is None else dx), d
    if dx is not None:
        raise TypeError(f"{op}: give either x or dx, not both")
    xs = floating(as_tensor(x))
    if xs.ndim == 1:
        if xs.shape[0] != a.shape[d]:
            raise ShapeError(f"{op}: there must be one x value for each sample point: x has "
                             f"{xs.shape[0]}, y has {a.shape[d]} along dim {d}")
        widths = reshape(xs[1:] - xs[:-1], (-1,) + (1,) * (a.ndim - d - 1))
    else:
        xd = normalize_axis(dim, xs.ndim, op)[0]
        xlead = (slice(None),) * xd
        widths = getitem(xs, xlead + (slice(1, None),)) - getitem(xs, xlead + (slice(None, -1),))
    return heights * widths, d


def trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """``Σ_i (y[i] + y[i+1]) / 2 · (x[i+1] - x[i])`` along ``dim`` (spacing ``dx``, 1 by
    default, when no ``x``). ``x`` is 1-D (one value per sample) or broadcasts with ``y``.
    Integer input gives the default float dtype; fewer than two samples give 0."""
    panels, d = _panels("trapezoid", y, x, dx, dim)
    return reduce_sum(panels, dim=d)


def trapz(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """PyTorch's older name of ``trapezoid``."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The running ``trapezoid`` along ``dim``: entry ``k`` integrates samples ``0..k+1``;
    the dim has one entry fewer than ``y``'s (0 at least)."""
    panels, d = _panels("cumulative_trapezoid", y, x, dx, dim)
    return cumsum(panels, dim=d)
