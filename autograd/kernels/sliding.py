"""Per call, the compiled sliding-window kernel (``windows.py``) or its NumPy reference
(``windows_reference.py``).

The compiled kernels take float32/float64 arrays with one to three spatial dims; other
dtypes, and every call under ``GRAPHGRAD_KERNELS=numpy``, run the references. Inputs
are copied to the layout a kernel reads (C order; im2col's input channels-last, which
makes each window's channels one contiguous run, and zero-padded, so that its loops
need no bounds). Outputs are new arrays.
"""

from __future__ import annotations

import math

import numpy as np

from . import dispatch, sizes
from . import windows_reference as reference
from .aot import Kernel, registered

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_kernels: dict[str, Kernel] = {}


def _windows(name: str) -> Kernel:
    """The compiled kernel ``name`` of ``windows.py`` (see ``aot.py``)."""
    return registered(_kernels, f"{__package__}.windows", name,
                      parallel_flag=name in _PARALLEL)


# The kernels with a last ``parallel`` argument (their work splits over images or planes).
_PARALLEL = ("im2col", "im2col_taps", "col2im", "plane_scatter_add",
             "max_pool_argmax_channels_last")


def _compiled(a: np.ndarray, spatial_dims: int) -> bool:
    return (dispatch._COMPILED and type(a) is np.ndarray and a.dtype in _FLOATS
            and 1 <= spatial_dims <= 3)


def _geometry(kernel: tuple, dilation: tuple, stride: tuple, before: tuple,
              count: tuple) -> np.ndarray:
    """The kernels' ``geo`` array, leading dims of one tap added up to three."""
    lead = 3 - len(kernel)
    ones, zeros = (1,) * lead, (0,) * lead
    return np.array(ones + tuple(kernel) + ones + tuple(dilation) + ones + tuple(stride)
                    + zeros + tuple(before) + ones + tuple(count), dtype=np.int64)


def _spatial3(shape: tuple, lead: int, spatial: tuple) -> tuple:
    """``shape[:lead] + spatial`` with leading 1s up to three spatial dims."""
    return tuple(shape[:lead]) + (1,) * (3 - len(spatial)) + tuple(spatial)


def im2col(x: np.ndarray, kernel: tuple, dilation: tuple, stride: tuple, pads: tuple,
           size: tuple, count: tuple, groups: int) -> np.ndarray:
    """``autograd.kernels.im2col`` (documented there)."""
    nd = len(kernel)
    if not _compiled(x, nd):
        return reference.im2col(x, kernel, dilation, stride, pads, size, count, groups)
    n, c = x.shape[:2]
    rows = np.empty((groups, n) + tuple(count) + tuple(kernel) + (c // groups,), x.dtype)
    if rows.size == 0:
        return rows
    extent = _reach(x.shape[2:], pads, count, stride, kernel, dilation)
    padded = _zero_padded(np.moveaxis(x, 1, -1), 1, pads, extent)
    padded = padded.reshape(_spatial3((n,), 1, extent) + (c,))
    geo = _geometry(kernel, dilation, stride, (0,) * nd, count)
    k3 = (1,) * (3 - nd) + tuple(kernel)
    lines = rows.size // (count[-1] * math.prod(kernel) * (c // groups))
    _windows("im2col").run(x.dtype.char, rows.size >= sizes.PARALLEL_MIN, padded, geo, groups,
                           rows.reshape(lines, count[-1], k3[0], k3[1], -1))
    return rows


def im2col_taps(x: np.ndarray, kernel: tuple, dilation: tuple, stride: tuple, pads: tuple,
                size: tuple, count: tuple) -> np.ndarray:
    """``autograd.kernels.im2col_taps`` (documented there)."""
    nd = len(kernel)
    if not _compiled(x, nd):
        return reference.im2col_taps(x, kernel, dilation, stride, pads, size, count)
    n, c = x.shape[:2]
    cols = np.empty(tuple(kernel) + (c, n) + tuple(count), x.dtype)
    if cols.size == 0:
        return cols.reshape(math.prod(kernel) * c, -1)
    padded = _zero_padded(x, 2, pads, _reach(x.shape[2:], pads, count, stride, kernel,
                                             dilation))
    geo = _geometry(kernel, dilation, stride, (0,) * nd, count)
    _windows("im2col_taps").run(
        x.dtype.char, cols.size >= sizes.PARALLEL_MIN,
        padded.reshape(_spatial3((n, c), 2, padded.shape[2:])), geo,
        cols.reshape(_spatial3((), 0, kernel) + (c, n) + _spatial3((), 0, count)))
    return cols.reshape(math.prod(kernel) * c, -1)


def _zero_padded(a: np.ndarray, first: int, pads: tuple, extent: tuple) -> np.ndarray:
    """Zeros with ``a``'s spatial dims (``len(pads)`` of them from axis ``first``) grown to
    ``extent``, ``a`` copied in after each dim's padding before."""
    nd = len(pads)
    out = np.zeros(a.shape[:first] + tuple(extent) + a.shape[first + nd:], a.dtype)
    inside = tuple(slice(lo, lo + s) for s, (lo, _) in zip(a.shape[first:first + nd], pads))
    out[(slice(None),) * first + inside] = a
    return out


def _reach(spatial: tuple, pads: tuple, count: tuple, stride: tuple, kernel: tuple,
           dilation: tuple) -> tuple:
    """The padded input's sizes: at least the windows' reach, so that no geometry makes a
    kernel read outside."""
    return tuple(max(s + lo + hi, (o - 1) * st + (k - 1) * d + 1) for s, (lo, hi), o, st, k, d
                 in zip(spatial, pads, count, stride, kernel, dilation))


def col2im(rows: np.ndarray, kernel: tuple, dilation: tuple, stride: tuple, pads: tuple,
           size: tuple, count: tuple, groups: int, channels_last: bool = False) -> np.ndarray:
    """``autograd.kernels.col2im`` (documented there)."""
    nd = len(kernel)
    if not _compiled(rows, nd):
        image = reference.col2im(rows, kernel, dilation, stride, pads, size, count, groups)
        return np.moveaxis(np.ascontiguousarray(np.moveaxis(image, 1, -1)), -1, 1) \
            if channels_last else image
    n, per_group = rows.shape[1], rows.shape[-1]
    c = groups * per_group
    last = np.zeros(_spatial3((n,), 1, size) + (c,), rows.dtype)
    geo = _geometry(kernel, dilation, stride, tuple(lo for lo, _ in pads), count)
    _windows("col2im").run(rows.dtype.char, rows.size >= sizes.PARALLEL_MIN,
                           np.ascontiguousarray(rows).reshape(-1), geo, groups, last)
    image = np.moveaxis(last.reshape((n,) + tuple(size) + (c,)), -1, 1)
    return image if channels_last else np.ascontiguousarray(image)


def max_pool_argmax(a: np.ndarray, kernel: tuple, stride: tuple, padding: tuple,
                    dilation: tuple, count: tuple,
                    channels_last: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``autograd.kernels.max_pool_argmax`` (documented there)."""
    nd = len(kernel)
    if not _compiled(a, nd):
        compute = (reference.max_pool_argmax_channels_last if channels_last
                   else reference.max_pool_argmax)
        return compute(a, kernel, stride, padding, dilation, count)
    windows = math.prod(count)
    geo = _geometry(kernel, dilation, stride, padding, count)
    if channels_last:
        n, c = a.shape[0], a.shape[-1]
        values = np.empty((n, windows, c), a.dtype)
        indices = np.empty((n, windows, c), np.int64)
        x = np.ascontiguousarray(a).reshape(_spatial3((n,), 1, a.shape[1:-1]) + (c,))
        _windows("max_pool_argmax_channels_last").run(
            a.dtype.char, a.size >= sizes.PARALLEL_MIN, x, geo, values, indices)
        return values, indices
    planes = a.shape[0]
    values = np.empty((planes, windows), a.dtype)
    indices = np.empty((planes, windows), np.int64)
    plane_sizes = (1,) * (3 - nd) + tuple(a.shape[1:])
    _windows("max_pool_argmax")(a.dtype.char, np.ascontiguousarray(a).reshape(-1),
                                np.concatenate([geo, plane_sizes]), values, indices)
    return values, indices


def plane_scatter_add(g: np.ndarray, indices: np.ndarray, length: int,
                      unique: bool) -> np.ndarray:
    """``autograd.kernels.plane_scatter_add`` (documented there)."""
    if not (dispatch._COMPILED and type(g) is np.ndarray and g.dtype in _FLOATS
            and g.ndim in (2, 3) and indices.shape == g.shape):
        return reference.plane_scatter_add(g, indices, length, unique)
    out = np.zeros((g.shape[0], length) + g.shape[2:], g.dtype)
    as3 = (g.shape[0], g.shape[1], g.shape[2] if g.ndim == 3 else 1)
    outside = _windows("plane_scatter_add").run(
        g.dtype.char, g.size >= sizes.PARALLEL_MIN, np.ascontiguousarray(g).reshape(as3),
        np.ascontiguousarray(indices, dtype=np.int64).reshape(as3),
        out.reshape(as3[0], length, as3[2]))
    if outside:
        raise IndexError(f"plane_scatter_add: {outside} of the indices fall outside the "
                         f"planes of {length} entries")
    return out
