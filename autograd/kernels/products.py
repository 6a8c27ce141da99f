"""``autograd.kernels.matmul``: NumPy's ``matmul`` with the shapes OpenBLAS is slow at
taken another way, and the large float products on MKL where ``mkl.py`` says so
(documented on ``matmul`` in ``__init__.py``)."""

from __future__ import annotations

import numpy as np

from . import fused, mkl, sizes

_BLAS_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))  # what OpenBLAS multiplies


def matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``autograd.kernels.matmul`` (documented there)."""
    if out is not None:
        if mkl.product(a, b, out) is None:
            np.matmul(a, b, out=out)
        return out
    if a.ndim == 1:
        product = mkl.vector_product(a, b)
        return np.matmul(a, b) if product is None else product
    if (a.ndim >= 2 and b.ndim >= 2 and a.shape[-1] == 1 and b.shape[-2] == 1
            and a.dtype.kind == "f" and b.dtype.kind == "f"):
        if a.ndim == b.ndim == 2:
            return fused.outer(a[:, 0], b[0])
        return np.multiply(a, b, order="C")
    if (a.ndim == 2 == b.ndim and 0 < a.shape[0] <= sizes.SWAPPED_PRODUCT_ROWS
            and a.flags.c_contiguous and b.T.flags.c_contiguous and not b.flags.c_contiguous
            and a.dtype == b.dtype and a.dtype in _BLAS_FLOATS):
        return _blas(b.T, a.T).T.copy()
    if (a.ndim == 2 == b.ndim and b.shape[1] < sizes.SWAPPED_PRODUCT_COLUMNS
            and a.T.flags.c_contiguous and not a.flags.c_contiguous and b.flags.c_contiguous):
        swapped = mkl.product(b.T, a.T)  # xᵀ g for a = gᵀ, b = x: a new C-contiguous array
        if swapped is not None:
            return swapped.T.copy()
    return _blas(a, b)


def batch_sum(g: np.ndarray) -> np.ndarray:
    """``autograd.kernels.batch_sum`` (documented there): the product ``1ᵀg``."""
    return matmul(np.ones(g.shape[0], dtype=g.dtype), g)


def _blas(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` on MKL where ``mkl.product`` takes it, else NumPy's."""
    product = mkl.product(a, b)
    return np.matmul(a, b) if product is None else product
