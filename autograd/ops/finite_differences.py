"""PyTorch's ``gradient``: derivatives of sampled values by finite differences, central
in the interior and one-sided (first or second order) at the edges, for uniform spacing
or given coordinates. A composition of slicing and arithmetic, so it is differentiable
in the samples and in the coordinates (as PyTorch's)."""

from __future__ import annotations

import numbers
import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor, floating, normalize_axis
from .index import getitem
from .shape import concatenate, reshape


def _steps(spacing: Any, n: int, d: int, dtype: np.dtype) -> Tensor:
    """The ``n - 1`` distances between neighbouring samples along one dim: a number is a
    uniform step, a 1-D tensor the coordinates of the samples."""
    if isinstance(spacing, numbers.Number):
        return Tensor._wrap(np.full(n - 1, spacing, dtype=dtype))
    coords = floating(as_tensor(spacing))
    if coords.ndim != 1:
        raise ShapeError(f"gradient: each coordinate tensor in spacing must be 1-D, got shape "
                         f"{coords.shape} for dim {d}")
    if coords.shape[0] != n:
        raise ShapeError(f"gradient: the coordinates for dim {d} have {coords.shape[0]} values, "
                         f"the input has {n} samples along it")
    return coords[1:] - coords[:-1]


def _along(t: Tensor, d: int, ndim: int) -> Tensor:
    """A 1-D tensor of coefficients shaped to broadcast along dim ``d`` of an ``ndim``-D
    tensor."""
    return reshape(t, (-1,) + (1,) * (ndim - d - 1))


def _derivative(f: Tensor, d: int, h: Tensor, edge_order: int) -> Tensor:
    n, ndim = f.shape[d], f.ndim
    lead = (slice(None),) * d

    def at(s: slice | int) -> Tensor:
        return getitem(f, lead + ((slice(s, s + 1 or None),) if isinstance(s, int) else (s,)))

    def coef(t: Tensor) -> Tensor:
        return _along(t, d, ndim)

    if edge_order == 1:
        first = (at(1) - at(0)) / coef(h[:1])
        last = (at(-1) - at(-2)) / coef(h[-1:])
    else:
        h1, h2 = h[:1], h[1:2]
        first = (at(0) * coef(-(2 * h1 + h2) / (h1 * (h1 + h2)))
                 + at(1) * coef((h1 + h2) / (h1 * h2)) + at(2) * coef(-h1 / (h2 * (h1 + h2))))
        h1, h2 = h[-2:-1], h[-1:]
        last = (at(-3) * coef(h2 / (h1 * (h1 + h2))) + at(-2) * coef(-(h1 + h2) / (h1 * h2))
                + at(-1) * coef((2 * h2 + h1) / (h2 * (h1 + h2))))
    if n == 2:
        return concatenate([first, last], d)
    left, right = h[:-1], h[1:]
    middle = (at(slice(None, -2)) * coef(-right / (left * (left + right)))
              + at(slice(1, -1)) * coef((right - left) / (left * right))
              + at(slice(2, None)) * coef(left / (right * (left + right))))
    return concatenate([first, middle, last], d)


def gradient(input: Any, *, spacing: Any = 1, dim: Any = None,
             edge_order: int = 1) -> tuple[Tensor, ...]:
    """One tensor per dim in ``dim`` (all dims when None), each of ``input``'s shape: the
    derivative along that dim. Interior points use the central difference, exact for
    quadratics also on uneven coordinates,
    ``(h_l² f[i+1] - h_r² f[i-1] + (h_r² - h_l²) f[i]) / (h_l h_r (h_l + h_r))``; the two
    edges use one-sided differences of order ``edge_order`` (1 or 2). ``spacing`` is one
    number (the step of every dim), one number per dim, or one 1-D coordinate tensor per
    dim. Every dim needs at least ``edge_order + 1`` samples; a 0-d input gives ``()``;
    integer input gives the default float dtype."""
    f = floating(as_tensor(input))
    if edge_order not in (1, 2):
        raise ValueError(f"gradient: edge_order must be 1 or 2, got {edge_order}")
    if f.ndim == 0:
        return ()
    dims = list(range(f.ndim)) if dim is None else \
        [normalize_axis(operator.index(d), f.ndim, "gradient")[0]
         for d in (dim if isinstance(dim, (list, tuple)) else [dim])]
    if isinstance(spacing, Tensor) and spacing.ndim == 0:
        spacing = spacing.item()
    steps = list(spacing) if isinstance(spacing, (list, tuple)) else [spacing] * len(dims)
    if len(steps) != len(dims):
        raise ValueError(f"gradient: spacing has {len(steps)} entries, expected one per dim "
                         f"({len(dims)})")
    for d in dims:
        if f.shape[d] < edge_order + 1:
            raise ShapeError(f"gradient: each dim needs at least edge_order + 1 = "
                             f"{edge_order + 1} samples, dim {d} of shape {f.shape} has "
                             f"{f.shape[d]}")
    return tuple(_derivative(f, d, _steps(s, f.shape[d], d, f.dtype), edge_order)
                 for d, s in zip(dims, steps))
