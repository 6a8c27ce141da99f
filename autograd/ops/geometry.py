"""Products and distances between vectors: ``cdist``, ``cross`` and ``kron``.

All are compositions of broadcasting arithmetic, indexing, ``norm`` and ``reshape``, so
their gradients (and the gradients of those) are those ops'; ``cdist``'s gradient at a
zero distance is 0, as PyTorch's.
"""

from __future__ import annotations

import operator
from typing import Any

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor, broadcast_shape, float_promoted, normalize_axis
from .index import getitem
from .linalg import same_dtype
from .shape import broadcast_to, reshape, stack


def cdist(x1: Any, x2: Any, p: float = 2.0, compute_mode: Any = None) -> Tensor:
    """The p-norm distances between the rows of ``x1`` ``(..., P, M)`` and of ``x2``
    ``(..., R, M)``: ``out[..., i, j] = ‖x1[..., i, :] - x2[..., j, :]‖_p``, shape
    ``(..., P, R)`` with the batch dims broadcast. ``p`` ≥ 0 (inf too); ``compute_mode``
    is accepted for PyTorch's signature (the distances are always computed directly)."""
    a, b = as_tensor(x1), as_tensor(x2)
    for name, t in (("X1", a), ("X2", b)):
        if t.ndim < 2:
            raise ShapeError(f"cdist: expects tensors of at least 2 dims (..., rows, columns), "
                             f"{name} has shape {t.shape}")
    if a.shape[-1] != b.shape[-1]:
        raise ShapeError(f"cdist: X1 and X2 must have the same number of columns, got shapes "
                         f"{a.shape} and {b.shape}")
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        raise TypeError(f"cdist: expects floating point inputs, got {a.dtype} and {b.dtype}")
    p = float(p)
    if p < 0:
        raise ValueError(f"cdist: p must be non-negative, got {p}")
    broadcast_shape("cdist", a.shape[:-2], b.shape[:-2])
    from .norms import norm
    a, b = float_promoted(a, b)
    diff = reshape(a, a.shape[:-1] + (1, a.shape[-1])) - reshape(b, b.shape[:-2] + (1,)
                                                                 + b.shape[-2:])
    return norm(diff, p, dim=-1)


def cross(input: Any, other: Any, dim: Any = None) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (with ``dim=None`` the first dim of size
    3), ``input`` and ``other`` broadcast together: ``out = (a₁b₂ - a₂b₁, a₂b₀ - a₀b₂,
    a₀b₁ - a₁b₀)``; both of one dtype, as PyTorch's."""
    same_dtype("cross", input, other)
    a, b = as_tensor(input), as_tensor(other)
    shape = broadcast_shape("cross", a.shape, b.shape)
    if a.ndim != b.ndim:
        raise ShapeError(f"cross: inputs must have the same number of dims, got shapes "
                         f"{a.shape} and {b.shape}")
    if dim is None:
        sizes3 = [i for i, s in enumerate(shape) if s == 3]
        if not sizes3:
            raise ShapeError(f"cross: no dim of size 3 in the inputs of shapes {a.shape} and "
                             f"{b.shape}")
        d = sizes3[0]
    else:
        d = normalize_axis(operator.index(dim), max(len(shape), 1), "cross")[0]
    if not shape or a.shape[d] != 3 or b.shape[d] != 3:
        raise ShapeError(f"cross: dim {dim} must have length 3 in both inputs, got shapes "
                         f"{a.shape} and {b.shape}")
    a, b = broadcast_to(a, shape), broadcast_to(b, shape)
    head = (slice(None),) * d
    ai = [getitem(a, (*head, i)) for i in range(3)]
    bi = [getitem(b, (*head, i)) for i in range(3)]
    return stack([ai[1] * bi[2] - ai[2] * bi[1], ai[2] * bi[0] - ai[0] * bi[2],
                  ai[0] * bi[1] - ai[1] * bi[0]], axis=d)


def kron(input: Any, other: Any) -> Tensor:
    """The Kronecker product: with both padded to the same number of dims (ones in front),
    ``out[i·s + k] = a[i]·b[k]`` in each dim (``s`` b's size there), shape
    ``a.shape · b.shape`` elementwise."""
    a, b = as_tensor(input), as_tensor(other)
    n = max(a.ndim, b.ndim)
    sa, sb = (1,) * (n - a.ndim) + a.shape, (1,) * (n - b.ndim) + b.shape
    spread_a = reshape(a, tuple(x for s in sa for x in (s, 1)))
    spread_b = reshape(b, tuple(x for s in sb for x in (1, s)))
    return reshape(spread_a * spread_b, tuple(int(x * y) for x, y in zip(sa, sb)))

