"""Per call, the compiled recurrent-cell kernel (``recurrent.py``) or its NumPy reference
(``recurrent_reference.py``).

The compiled kernels take 2-D float32/float64 arrays of one dtype; other dtypes, and
every call under ``GRAPHGRAD_KERNELS=numpy``, run the references. Inputs are copied to
C order when they are not in it already. Outputs are new arrays, or the LSTM kernels'
``out=``/``dgates=`` arrays when given. Shapes, and those arrays' layout, are checked by
the public wrappers in ``__init__.py``.
"""

from __future__ import annotations

import numpy as np

from . import dispatch
from . import recurrent_reference as reference
from .aot import Kernel, registered

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_kernels: dict[str, Kernel] = {}


def _recurrent(name: str) -> Kernel:
    """The compiled kernel ``name`` of ``recurrent.py`` (see ``aot.py``)."""
    return registered(_kernels, f"{__package__}.recurrent", name, parallel_flag=False)


def _compiled(*arrays: np.ndarray) -> bool:
    """Whether the compiled kernels take these arrays: ndarrays of one float dtype."""
    if not dispatch._COMPILED:
        return False
    dtype = arrays[0].dtype
    if dtype not in _FLOATS:
        return False
    for a in arrays:
        if type(a) is not np.ndarray or a.dtype != dtype:
            return False
    return True


_c = np.ascontiguousarray


def lstm_forward(gi: np.ndarray, gh: np.ndarray, c: np.ndarray,
                 out: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``autograd.kernels.lstm_cell_forward`` (documented there)."""
    if not _compiled(gi, gh, c):
        return _into(out, reference.lstm_forward(gi, gh, c))
    n, hidden = c.shape
    dtype = c.dtype
    h_out, c_out, acts = out if out is not None else (
        np.empty((n, hidden), dtype), np.empty((n, hidden), dtype),
        np.empty((n, 5 * hidden), dtype))
    _recurrent("lstm_forward")(dtype.char, _c(gi), _c(gh), _c(c), h_out, c_out, acts)
    return h_out, c_out, acts


def lstm_backward(dh: np.ndarray, dc_out: np.ndarray, acts: np.ndarray, c: np.ndarray,
                  dgates: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``autograd.kernels.lstm_cell_backward`` (documented there)."""
    if not _compiled(dh, dc_out, acts, c):
        grads, dc = reference.lstm_backward(dh, dc_out, acts, c)
        if dgates is None:
            return grads, dc
        np.copyto(dgates, grads)
        return dgates, dc
    n, hidden = c.shape
    if dgates is None:
        dgates = np.empty((n, 4 * hidden), c.dtype)
    dc = np.empty((n, hidden), c.dtype)
    _recurrent("lstm_backward")(c.dtype.char, _c(dh), _c(dc_out), _c(acts), _c(c), dgates, dc)
    return dgates, dc


def _into(out: tuple[np.ndarray, ...] | None, result: tuple[np.ndarray, ...]
          ) -> tuple[np.ndarray, ...]:
    """``result``, copied into the arrays of ``out`` when given (the reference's path)."""
    if out is None:
        return result
    for target, value in zip(out, result):
        np.copyto(target, value)
    return out


def gru_forward(gi: np.ndarray, gh: np.ndarray, h: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """``autograd.kernels.gru_cell_forward`` (documented there)."""
    if not _compiled(gi, gh, h):
        return reference.gru_forward(gi, gh, h)
    n, hidden = h.shape
    h_out, acts = np.empty((n, hidden), h.dtype), np.empty((n, 3 * hidden), h.dtype)
    _recurrent("gru_forward")(h.dtype.char, _c(gi), _c(gh), _c(h), h_out, acts)
    return h_out, acts


def gru_backward(dh_out: np.ndarray, acts: np.ndarray, gh: np.ndarray, h: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``autograd.kernels.gru_cell_backward`` (documented there)."""
    if not _compiled(dh_out, acts, gh, h):
        return reference.gru_backward(dh_out, acts, gh, h)
    n, hidden = h.shape
    dgi, dgh = np.empty((n, 3 * hidden), h.dtype), np.empty((n, 3 * hidden), h.dtype)
    dh = np.empty((n, hidden), h.dtype)
    _recurrent("gru_backward")(h.dtype.char, _c(dh_out), _c(acts), _c(gh), _c(h), dgi, dgh, dh)
    return dgi, dgh, dh
