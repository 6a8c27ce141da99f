"""Per call, a linear layer's forward or backward as one compiled call of
``linear_layers.py`` where MKL multiplies, else the same formulas call by call (``matmul``
and the fused passes of ``fused.py``).

The one-call kernels take float32/float64 arrays of one dtype: x ``(..., in)`` and the
gradient C-contiguous, non-empty and aligned, a C-contiguous weight ``(out, in)`` and
bias ``(out,)``. Their backward also needs ``in`` of at least
``sizes.SWAPPED_PRODUCT_COLUMNS`` for the weight's gradient (``matmul`` takes a narrower
one another way). Every product runs on MKL whatever its size: one call of MKL's from
compiled code is cheaper than two calls from Python (bench/README finding 49).
"""

from __future__ import annotations

import numpy as np

from . import dispatch, fused, mkl, products, reference, sizes
from .aot import Kernel, registered

_kernels: dict[str, Kernel] = {}
_NO_ARRAY = {char: np.empty(0, np.dtype(char)) for char in "fd"}  # a bias there is not


def _layer_kernel(name: str) -> Kernel:
    """The compiled kernel ``name`` of ``linear_layers.py`` (see ``aot.py``)."""
    return registered(_kernels, f"{__package__}.linear_layers", name, parallel_flag=True)


def _fit(*arrays: np.ndarray) -> bool:
    """Whether the one-call kernels take these arrays: plain, C-contiguous, aligned,
    non-empty arrays of the first one's dtype, with dimensions MKL's 32-bit ints hold."""
    dtype = arrays[0].dtype
    for a in arrays:
        flags = a.flags
        if not (type(a) is np.ndarray and a.dtype == dtype and flags.c_contiguous
                and flags.aligned and a.size and max(a.shape) < mkl.INT_LIMIT):
            return False
    return True


def _rows(a: np.ndarray) -> np.ndarray:
    """``(..., k)`` as the matrix ``(N, k)`` of its rows (a view of a C-contiguous array)."""
    return a if a.ndim == 2 else a.reshape(-1, a.shape[-1])


def linear(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, relu: bool) -> np.ndarray:
    """``autograd.kernels.linear`` and ``linear_relu`` (documented there)."""
    blas = mkl.routines(x, w) if dispatch._COMPILED and x.ndim >= 2 and w.ndim == 2 else None
    if blas is not None and x.flags.c_contiguous:
        rows = _rows(x)
        bias = _NO_ARRAY[x.dtype.char] if b is None else b
        if (_fit(rows, w) and rows.shape[1] == w.shape[1]
                and (b is None or (_fit(w, b) and b.shape == w.shape[:1]))):
            out = np.empty((rows.shape[0], w.shape[0]), x.dtype)
            _layer_kernel("linear_forward").run(
                x.dtype.char, out.size >= sizes.PARALLEL_MIN, blas.gemm_address, rows, w,
                bias, out, blas.one, blas.zero, b is not None, relu)
            return out.reshape(*x.shape[:-1], w.shape[0])
    out = products.matmul(x, w.T)
    if relu:
        return fused.add_bias_relu_(out, b)
    return out if b is None else fused.add_bias_(out, b)


def linear_backward(g: np.ndarray, x: np.ndarray, w: np.ndarray, out: np.ndarray | None,
                    need_gx: bool, need_gw: bool, need_gb: bool) -> tuple:
    """``autograd.kernels.linear_backward`` (documented there)."""
    grads = _one_call_backward(g, x, w, out, need_gx, need_gw, need_gb)
    if grads is not None:
        return grads
    if out is not None:
        dz, gb = relu_backward_columns(g, out)
    else:
        dz, gb = g, None
    rows = _rows(dz)
    gx = products.matmul(dz, w) if need_gx else None
    gw = products.matmul(rows.T, _rows(x)) if need_gw else None
    if need_gb and gb is None:
        gb = products.batch_sum(rows)
    return gx, gw, gb if need_gb else None


def _one_call_backward(g: np.ndarray, x: np.ndarray, w: np.ndarray, out: np.ndarray | None,
                       need_gx: bool, need_gw: bool, need_gb: bool) -> tuple | None:
    """``linear_backward`` as one call of the compiled kernel, or None where it does not
    take these arrays."""
    if not dispatch._COMPILED or x.ndim < 2 or w.ndim != 2 or g.shape[:-1] != x.shape[:-1]:
        return None
    blas = mkl.routines(g, w)
    if (blas is None or not (x.flags.c_contiguous and g.flags.c_contiguous)
            or (need_gw and x.shape[-1] < sizes.SWAPPED_PRODUCT_COLUMNS)):
        return None
    relu = out is not None
    if relu and not (out.shape == g.shape and out.flags.c_contiguous):
        return None
    rows, g_rows = _rows(x), _rows(g)
    out_rows = _rows(out) if relu else g_rows  # read only with relu
    if not (_fit(rows, g_rows, w, out_rows) and g_rows.shape[1] == w.shape[0]
            and rows.shape[1] == w.shape[1]):
        return None
    dtype = g.dtype
    dz = np.empty(g_rows.shape, dtype) if relu else g_rows
    db = np.empty(w.shape[0], dtype) if relu or need_gb else _NO_ARRAY[dtype.char]
    gx = np.empty(rows.shape, dtype) if need_gx else g_rows
    gw = np.empty(w.shape, dtype) if need_gw else w
    _layer_kernel("linear_backward").run(
        dtype.char, g.size >= sizes.PARALLEL_MIN, blas.gemm_address, g_rows, rows, w, out_rows,
        dz, db, gx, gw, blas.one, blas.zero, relu, need_gx, need_gw, need_gb)
    return (gx.reshape(x.shape) if need_gx else None, gw if need_gw else None,
            db if need_gb else None)


def relu_backward_columns(g: np.ndarray, out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``autograd.kernels.relu_backward_columns`` (documented there): the compiled
    ``linear_backward`` with no product to make (so it needs no MKL)."""
    if g.shape != out.shape or g.ndim < 1:
        raise ValueError(f"relu_backward_columns: the gradient {g.shape} and the output "
                         f"{out.shape} must have one shape, with at least one dimension")
    if not (fused._compiled(g, out) and g.ndim >= 2 and g.size):
        return reference.relu_backward_columns(g, out)
    dtype, columns = g.dtype, g.shape[-1]
    rows = np.ascontiguousarray(g).reshape(-1, columns)
    dz = np.empty(rows.shape, dtype)
    db = np.empty(columns, dtype)
    unused = rows  # the products' operands and results: never read nor written here
    _layer_kernel("linear_backward").run(
        dtype.char, g.size >= sizes.PARALLEL_MIN, 0, rows, unused, unused,
        np.ascontiguousarray(out).reshape(-1, columns), dz, db, unused, unused,
        dtype.type(1), dtype.type(0), True, False, False, False)
    return dz.reshape(g.shape), db
