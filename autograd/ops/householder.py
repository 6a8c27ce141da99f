"""``householder_product`` (PyTorch's ``linalg.householder_product`` and ``orgqr``): the
first n columns of ``Q = H₁·…·H_k`` for the Householder reflectors ``Hᵢ = I - τᵢ·vᵢ·vᵢᵀ``
that LAPACK's ``geqrf`` stores below the diagonal of A.

A composition of Tensor ops (one rank-one update per reflector), so its gradient, in A
and τ, and all higher ones come from theirs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor
from .linalg import matmul
from .matrix_functions import _matrices, _mT


def householder_product(A: Any, tau: Any) -> Tensor:
    """``Q[..., :, :n]`` of ``Q = H₁·…·H_k``, ``Hᵢ = I - τᵢ·vᵢ·vᵢᵀ``, for A ``(..., m, n)``
    (m ≥ n) and tau ``(..., k)`` (k ≤ n, A's batch shape): ``vᵢ`` is column i of A with
    zeros above row i and 1 at row i (the part of A on and above the diagonal is not
    read). Gradient: through the rank-one updates ``Q ← Q - τᵢ·vᵢ·(vᵢᵀ·Q)``."""
    op = "linalg.householder_product"
    a = _matrices(op, A, square=False)
    t = as_tensor(tau)
    m, n = a.shape[-2:]
    if m < n:
        raise ShapeError(f"{op}: expects A (..., m, n) with m >= n, got shape {a.shape}")
    if t.ndim != a.ndim - 1 or t.shape[:-1] != a.shape[:-2] or t.shape[-1] > n:
        raise ShapeError(f"{op}: tau of shape {t.shape} does not fit A of shape {a.shape}: "
                         f"expected {a.shape[:-2]} + (k,) with k <= {n}")
    if t.dtype != a.dtype:
        raise TypeError(f"{op}: expects A and tau of one dtype, got {a.dtype} and {t.dtype}")
    k = t.shape[-1]
    eye = np.eye(m, n, dtype=a.dtype)
    q = Tensor._wrap(np.broadcast_to(eye, a.shape).copy())
    reflectors = a[..., :, :k].tril(-1) + Tensor._wrap(eye[:, :k].copy())
    for i in reversed(range(k)):
        v = reflectors[..., :, i:i + 1]
        q = q - t[..., i:i + 1, None] * matmul(v, matmul(_mT(v), q))
    return q


def orgqr(input: Any, tau: Any) -> Tensor:
    """PyTorch's ``orgqr``: the same as ``linalg.householder_product``."""
    return householder_product(input, tau)
