"""PyTorch's ``nn.utils.parametrizations.orthogonal``: a weight kept orthogonal (its columns,
or rows if it is wide, orthonormal) by reading it as a map of an unconstrained matrix:
``matrix_exp`` or ``cayley`` of a skew-symmetric matrix, or a product of Householder
reflections."""

from __future__ import annotations

import numpy as np

import autograd as ag

from ..module import Module
from .parametrize import register_parametrization

_MAPS = ("matrix_exp", "cayley", "householder")


def _geqrf(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LAPACK's QR in Householder form (PyTorch's ``torch.geqrf``), over a batch."""
    flat = a.reshape(-1, *a.shape[-2:])
    pairs = [np.linalg.qr(m, mode="raw") for m in flat]
    h = np.stack([p[0].T for p in pairs]).reshape(a.shape)
    tau = np.stack([p[1] for p in pairs]).reshape(*a.shape[:-2], -1)
    return h, tau


def householder_product(v: ag.Tensor, tau: ag.Tensor) -> ag.Tensor:
    """The first k columns of ``H_1 ⋯ H_k``, ``H_i = I − τ_i v_i v_iᵀ`` with ``v_i`` column i
    of ``v`` ``(…, n, k)`` below the diagonal and 1 on it (PyTorch's
    ``linalg.householder_product``), composed of differentiable ops."""
    n, k = v.shape[-2], v.shape[-1]
    vectors = ag.tril(v, -1) + ag.tensor(np.eye(n, k, dtype=v.dtype))
    h = ag.tensor(np.broadcast_to(np.eye(n, dtype=v.dtype), (*v.shape[:-2], n, n)).copy())
    for i in range(k):
        col = ag.unsqueeze(vectors[..., :, i], -1)
        h = h - ag.unsqueeze(ag.unsqueeze(tau[..., i], -1), -1) * ((h @ col) @ col.mT)
    return h[..., :, :k]


def _make_orthogonal(a: np.ndarray) -> np.ndarray:
    """Q of the QR factorization of ``a`` whose R has a non-negative diagonal."""
    q, r = np.linalg.qr(a)
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]


class _Orthogonal(Module):
    def __init__(self, weight: ag.Tensor, orthogonal_map: str,
                 use_trivialization: bool = True) -> None:
        super().__init__()
        self.shape = tuple(weight.shape)
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        n, k = x.shape[-2], x.shape[-1]
        transposed = n < k
        if transposed:
            x, n, k = x.mT, k, n
        if self.orthogonal_map in ("matrix_exp", "cayley"):
            x = ag.tril(x)
            if n != k:
                x = ag.cat([x, ag.zeros((*x.shape[:-2], n, n - k), dtype=x.dtype)], -1)
            a = x - x.mT
            if self.orthogonal_map == "matrix_exp":
                q = ag.matrix_exp(a)
            else:
                eye = ag.tensor(np.eye(n, dtype=a.dtype))
                q = ag.linalg.solve(eye - 0.5 * a, eye + 0.5 * a)
            q = q[..., :, :k]
        else:
            lower = ag.tril(x, -1)
            tau = 2.0 / (1.0 + (lower * lower).sum(-2))
            signs = np.diagonal(x.data, axis1=-2, axis2=-1).astype(np.int64)
            q = householder_product(lower, tau) * ag.tensor(signs[..., None, :].astype(x.dtype))
        if "base" in self._buffers:
            q = self.base @ q
        return q.mT if transposed else q

    def right_inverse(self, q: ag.Tensor) -> ag.Tensor:
        if tuple(q.shape) != self.shape:
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {tuple(q.shape)}.")
        data = np.asarray(q.data)
        n, k = data.shape[-2], data.shape[-1]
        transposed = n < k
        if transposed:
            data, n, k = np.swapaxes(data, -1, -2), k, n
        if "base" not in self._buffers:
            if self.orthogonal_map != "householder":
                raise NotImplementedError(
                    "It is not possible to assign to the matrix exponential or the Cayley "
                    "parametrizations when use_trivialization=False.")
            a, tau = _geqrf(data)
            diag = np.sign(np.diagonal(a, axis1=-2, axis2=-1)).copy()
            diag[tau == 0] *= -1
            idx = np.arange(k)
            a[..., idx, idx] = diag
            return ag.tensor(np.swapaxes(a, -1, -2) if transposed else a)
        if n == k:
            eps = 10.0 * n * np.finfo(data.dtype).eps
            gram = np.swapaxes(data, -1, -2) @ data
            if not np.allclose(gram, np.eye(k), atol=eps, rtol=1e-5):
                data = _make_orthogonal(data)
        else:
            fill = ag.randn(*data.shape[:-2], n, n - k, dtype=data.dtype).data
            data = _make_orthogonal(np.concatenate([data, fill], -1))
        self.base = ag.tensor(np.array(data, copy=True))
        neg_eye = np.zeros(q.shape, dtype=q.dtype)
        neg_eye[..., np.arange(min(q.shape[-2:])), np.arange(min(q.shape[-2:]))] = -1.0
        return ag.tensor(neg_eye)


def orthogonal(module: Module, name: str = "weight", orthogonal_map: str | None = None, *,
               use_trivialization: bool = True) -> Module:
    """Keep ``module.<name>`` (a matrix or a batch of them) orthogonal: ``QᵀQ = I`` for a tall
    or square one, ``QQᵀ = I`` for a wide one (PyTorch's ``parametrizations.orthogonal``).

    ``orthogonal_map``: "matrix_exp" (``exp(A)``, A the skew-symmetric part made from the
    lower triangle), "cayley" (``(I − A/2)⁻¹(I + A/2)``) or "householder" (a product of
    reflections); default "matrix_exp" for square weights, "householder" otherwise. With
    ``use_trivialization`` (default) the weight's current value, made orthogonal by QR, is
    kept as the buffer ``base`` and the result is ``base @ map(original)``; the original
    starts at ``−I``, which the maps send to ``I``. A wide or tall weight is completed with
    N(0, 1) columns (the global generator) before the QR. Returns ``module``."""
    weight = getattr(module, name, None)
    if not isinstance(weight, ag.Tensor):
        raise ValueError(f"Module '{type(module).__name__}' has no parameter or buffer with "
                         f"name '{name}'")
    if weight.ndim < 2:
        raise ValueError("Expected a matrix or batch of matrices. Got a tensor of "
                         f"{weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = ("matrix_exp" if weight.shape[-2] == weight.shape[-1]
                          else "householder")
    if orthogonal_map not in _MAPS:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", '
                         f'"householder". Got: {orthogonal_map}')
    register_parametrization(module, name,
                             _Orthogonal(weight, orthogonal_map, use_trivialization),
                             unsafe=True)
    return module
