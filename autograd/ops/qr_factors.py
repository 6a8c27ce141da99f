"""LAPACK's compact QR: ``geqrf`` (A factored into Householder reflectors, stored below
the diagonal, with R on and above it, and their scales τ) and ``ormqr`` (Q from such
a factorization, applied to a matrix without forming Q).

``Q = H₁·…·H_k`` with ``Hᵢ = I - τᵢ·vᵢ·vᵢᵀ``, ``vᵢ`` column i of the factored matrix
with zeros above row i and 1 at row i (as ``householder_product``). ``ormqr`` applies
the reflectors one rank-one update at a time, so its gradient in every argument, and
all higher ones, come from those Tensor ops. ``geqrf`` has no gradient, as PyTorch's:
a backward through it raises.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor
from .linalg import matmul
from .matrix_functions import _mT

GeqrfResult = namedtuple("geqrf", ["a", "tau"])


class Geqrf(Function):
    """LAPACK's ``geqrf`` per matrix (NumPy's ``qr(mode='raw')``); not differentiable."""

    @staticmethod
    def forward(ctx, a):
        m, n = a.shape[-2:]
        out = np.array(a, copy=True)
        tau = np.zeros(a.shape[:-2] + (min(m, n),), dtype=a.dtype)
        if out.size:
            for index in np.ndindex(a.shape[:-2]):
                raw, scales = np.linalg.qr(a[index], mode="raw")
                out[index] = raw.T
                tau[index] = scales
        return out, tau

    @staticmethod
    def backward(ctx, ga, gtau):
        raise NotImplementedError("the derivative for 'geqrf' is not implemented.")


def geqrf(input: Any) -> GeqrfResult:
    """``(a, tau)``: A ``(..., m, n)`` factored as LAPACK's ``geqrf`` stores it (R on and
    above the diagonal, the reflectors' vectors below it) and the reflectors' scales
    ``tau`` ``(..., min(m, n))``; ``householder_product(a, tau)`` or ``ormqr`` give Q.
    Not differentiable, as PyTorch's (a backward through it raises)."""
    a = as_tensor(input)
    if a.ndim < 2:
        raise RuntimeError(f"torch.geqrf: input must have at least 2 dimensions (got shape "
                           f"{a.shape}).")
    if a.dtype.kind not in "fc":
        raise NotImplementedError(f"geqrf: not implemented for {a.dtype}; convert to a "
                                  "floating dtype first")
    return GeqrfResult(*Geqrf.apply(a))


def ormqr(input: Any, tau: Any, other: Any, left: bool = True,
          transpose: bool = False) -> Tensor:
    """``Q·other`` (``left``) or ``other·Q``, with Qᵀ for ``transpose``, where Q (square,
    of size ``input.shape[-2]``) is the product of the reflectors in ``(input, tau)``
    (``geqrf``'s output); Q is never formed. ``input`` ``(..., mn, k)`` with ``mn`` the
    size of other's dim Q meets (``other.shape[-2]`` when ``left``, else
    ``other.shape[-1]``), ``tau`` ``(..., min(mn, k))``, as PyTorch checks.
    Differentiable in all three."""
    a, t, c = as_tensor(input), as_tensor(tau), as_tensor(other)
    if a.ndim < 2 or c.ndim < 2:
        raise RuntimeError(f"torch.ormqr: input and other must have at least 2 dimensions, got "
                           f"shapes {a.shape} and {c.shape}")
    mn = a.shape[-2]
    if left and c.shape[-2] != mn:
        raise RuntimeError(f"torch.ormqr: other.shape[-2] must be equal to input.shape[-2] "
                           f"(other {c.shape}, input {a.shape})")
    if not left and c.shape[-1] != mn:
        raise RuntimeError(f"torch.ormqr: other.shape[-1] must be equal to input.shape[-2] "
                           f"(other {c.shape}, input {a.shape})")
    which = "other.shape[-2]" if left else "other.shape[-1]"
    if t.ndim != a.ndim - 1 or t.shape[:-1] != a.shape[:-2]:
        raise ShapeError(f"torch.ormqr: tau of shape {t.shape} does not fit input of shape "
                         f"{a.shape}: expected {a.shape[:-2]} + (r,)")
    if t.shape[-1] != min(mn, a.shape[-1]):
        raise RuntimeError(f"torch.ormqr: tau.shape[-1] must be equal to min({which}, "
                           f"input.shape[-1]) (tau {t.shape}, input {a.shape})")
    if not a.dtype == t.dtype == c.dtype:
        raise TypeError(f"torch.ormqr: expects input, tau and other of one dtype, got "
                        f"{a.dtype}, {t.dtype} and {c.dtype}")
    k = t.shape[-1]
    unit = Tensor._wrap(np.eye(mn, k, dtype=a.dtype))
    reflectors = a[..., :, :k].tril(-1) + unit
    # Q·C applies H_k first; Qᵀ·C applies H₁ first; C·Q applies H₁ first.
    order = range(k) if left == transpose else reversed(range(k))
    for i in order:
        v = reflectors[..., :, i:i + 1]
        scale = t[..., i:i + 1, None]
        if left:
            c = c - scale * matmul(v, matmul(_mT(v), c))
        else:
            c = c - scale * matmul(matmul(c, v), _mT(v))
    return c
