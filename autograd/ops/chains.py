"""``torch.linalg``'s products of several tensors and related builders: ``multi_dot``
(and the older ``chain_matmul``), ``vecdot``, ``vander`` and ``lstsq``.

All are compositions of ``matmul``, ``pinverse``, multiplication and ``sum``, so their
gradients (and those of the gradients) are those ops'.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor, float_promoted
from .deprecation import warn_once
from .linalg import matmul, same_dtype
from .matrix_functions import _matrices, pinverse
from .matrix_norms import matrix_rank
from .shape import squeeze, stack, unsqueeze


class LstsqResult(NamedTuple):
    """``(solution, residuals, rank, singular_values)``, PyTorch's ``linalg.lstsq`` fields."""

    solution: Tensor
    residuals: Tensor
    rank: Tensor
    singular_values: Tensor


def multi_dot(tensors: Any) -> Tensor:
    """``tensors[0] @ tensors[1] @ ... @ tensors[-1]`` of 2-D tensors, the first may be
    1-D (a row vector) and the last 1-D (a column vector), as PyTorch's. The product is
    taken left to right (PyTorch picks the cheapest order: the values agree to
    rounding)."""
    ts = [as_tensor(t) for t in tensors]
    same_dtype("linalg.multi_dot", *tensors)
    if len(ts) < 2:
        raise ValueError(f"linalg.multi_dot: expected at least 2 tensors, got {len(ts)}")
    for i, t in enumerate(ts):
        allowed = (1, 2) if i in (0, len(ts) - 1) else (2,)
        if t.ndim not in allowed:
            raise ShapeError(f"linalg.multi_dot: tensor {i} must be "
                             f"{' or '.join(f'{d}-D' for d in allowed)}, got shape {t.shape} "
                             "(only the first and the last may be vectors)")
    out = ts[0]
    for t in ts[1:]:
        out = matmul(out, t)
    return out


def chain_matmul(*matrices: Any) -> Tensor:
    """``torch.chain_matmul``: the product of 2-D matrices (``multi_dot`` without
    vectors); one matrix is returned as a copy. Deprecated in PyTorch: warns once, as
    its."""
    warn_once("torch.chain_matmul", "use linalg.multi_dot (it takes a list of tensors)")
    ms = [as_tensor(m) for m in matrices]
    if not ms:
        raise ValueError("chain_matmul: expected at least one matrix")
    if any(m.ndim != 2 for m in ms):
        raise ShapeError(f"chain_matmul: expects 2-D matrices, got shapes "
                         f"{[m.shape for m in ms]}")
    return ms[0] * 1 if len(ms) == 1 else multi_dot(ms)


def vecdot(x: Any, y: Any, *, dim: int = -1) -> Tensor:
    """``Σ_i x_i·y_i`` along ``dim`` of floating ``x`` and ``y`` broadcast together."""
    a, b = as_tensor(x), as_tensor(y)
    same_dtype("linalg.vecdot", x, y)
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        raise TypeError(f"linalg.vecdot: expects floating tensors, got {a.dtype} and {b.dtype} "
                        "(as PyTorch); convert them first (t.double())")
    a, b = float_promoted(a, b)
    return (a * b).sum(dim)


def vander(x: Any, *, N: Any = None) -> Tensor:
    """``linalg.vander``: the Vandermonde matrices of ``x`` ``(..., n)``, shape
    ``(..., n, N)`` with ``out[..., i, j] = x_i^j`` (increasing powers, ``N = n`` by
    default), built by repeated multiplication so its gradient is exact at 0."""
    a = as_tensor(x)
    if a.ndim < 1:
        raise ShapeError("linalg.vander: expects a tensor of at least 1 dim, got shape ()")
    n = a.shape[-1] if N is None else int(N)
    if n <= 1:
        raise ValueError(f"linalg.vander: N must be greater than 1, got {n} (x of shape "
                         f"{a.shape})")
    columns = [Tensor._wrap(np.ones(a.shape, dtype=a.dtype))]
    for _ in range(1, n):
        columns.append(columns[-1] * a)
    return stack(columns, -1)


def lstsq(A: Any, B: Any, rcond: Any = None, *, driver: Any = None) -> LstsqResult:
    """The least-squares solution X minimising ``‖A·X - B‖`` for A ``(..., m, n)`` and B
    ``(..., m, k)`` (or ``(..., m)``), as ``pinv(A) @ B``, with PyTorch's CPU default
    driver ``'gelsy'``'s fields: ``rank`` (int64, singular values above
    ``rcond·σ_max``, rcond ``eps·max(m, n)`` by default) and empty ``residuals`` and
    ``singular_values``. Deviation: for a rank-deficient A this gives the minimum-norm
    solution (gelsd's), where gelsy's is another one. Gradient: that of ``pinv(A) @ B``."""
    if driver not in (None, "gelsy", "gelsd", "gelss", "gels"):
        raise ValueError(f"linalg.lstsq: driver must be one of gels, gelsy, gelsd, gelss, "
                         f"got {driver!r}")
    a = _matrices("linalg.lstsq", A, square=False)
    b = as_tensor(B)
    vector = b.ndim == a.ndim - 1
    if vector:
        b = unsqueeze(b, -1)
    if b.ndim < 2 or b.shape[-2] != a.shape[-2]:
        raise ShapeError(f"linalg.lstsq: B must be (..., {a.shape[-2]}, k) for A of shape "
                         f"{a.shape}, got {tuple(as_tensor(B).shape)}")
    m, n = a.shape[-2:]
    rcond = np.finfo(a.dtype).eps * max(m, n) if rcond is None else float(rcond)
    x = matmul(pinverse(a, rcond), b)
    empty = Tensor._wrap(np.empty((0,), dtype=a.dtype))
    return LstsqResult(squeeze(x, -1) if vector else x, empty, matrix_rank(a, rtol=rcond),
                       empty)
