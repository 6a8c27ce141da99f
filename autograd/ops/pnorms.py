"""Ops built on the vector p-norm (``norm``): ``dist`` between two tensors and
``renorm``, which caps the norm of each slice along a dim.

Compositions of ``norm`` and elementwise ops, so their gradients are ``norm``'s (0 at a
zero vector) and differentiable again.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._util import as_tensor, broadcast_shape, normalize_axis
from .elementwise import where


def dist(input: Any, other: Any, p: float = 2) -> Tensor:
    """The p-norm of the difference, ``‖input - other‖_p = (Σ |input - other|^p)^(1/p)``
    over all elements (the two broadcast together), a 0-d tensor. ``p=inf`` is the largest
    ``|difference|``, ``-inf`` the smallest, ``0`` the count of nonzero differences.
    Floating input only, as PyTorch's."""
    a, b = as_tensor(input), as_tensor(other)
    broadcast_shape("dist", a.shape, b.shape)
    for t in (a, b):
        if t.dtype.kind != "f":
            raise TypeError(f"dist: expects floating point tensors, got dtypes {a.dtype} and "
                            f"{b.dtype}; convert them first (t.float())")
    from .norms import norm

    return norm(a - b, float(p))


def renorm(input: Any, p: float, dim: int, maxnorm: float) -> Tensor:
    """Each slice ``input.select(dim, i)`` whose p-norm exceeds ``maxnorm`` scaled down to
    norm ``maxnorm``: ``out = input·(maxnorm / (‖slice‖_p + 1e-7))`` there, unchanged
    elsewhere (PyTorch's ``1e-7`` included). Needs at least 2 dims, ``p > 0`` and
    ``maxnorm >= 0``, as PyTorch's. The gradient treats which slices are scaled as
    fixed and flows through the norm of those that are."""
    a = as_tensor(input)
    if a.dtype.kind != "f":
        raise TypeError(f"renorm: expects a floating point input, got dtype {a.dtype} "
                        f"(shape {a.shape}); convert it first (t.float())")
    if a.ndim < 2:
        raise ValueError(f"renorm: the input needs at least 2 dims, got shape {a.shape}")
    p, maxnorm = float(p), float(maxnorm)
    if not p > 0:
        raise ValueError(f"renorm: p must be positive, got {p}")
    if not maxnorm >= 0:
        raise ValueError(f"renorm: maxnorm must be >= 0, got {maxnorm}")
    d = normalize_axis(operator.index(dim), a.ndim, "renorm")[0]
    others = tuple(i for i in range(a.ndim) if i != d)
    from .norms import norm

    norms = norm(a, p, others, keepdim=True)
    over = norms.data > maxnorm
    factor = where(over, maxnorm / (where(over, norms, 1.0) + 1e-7),
                   Tensor._wrap(np.ones((), a.dtype)))
    return a * factor
