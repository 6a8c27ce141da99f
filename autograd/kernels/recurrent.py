"""Compiled kernels of the recurrent cells' pointwise part: the gate nonlinearities and the
state update of one LSTM or GRU time step, forward and backward, each one pass over the
batch's ``(N, H)`` hidden units.

The hidden-state matmul stays outside (BLAS); a kernel receives the input projection
``gi`` and the hidden projection ``gh = h @ W_hhᵀ + b_hh``, both ``(N, G·H)`` with the
gates stacked along the columns in PyTorch's order (LSTM: i, f, g, o; GRU: r, z, n),
and writes into arrays the caller allocates. Arrays arrive C-contiguous and of one
float dtype (``cells.py`` prepares them). The sigmoid and tanh are those of
``activations.py`` (vectorizable exp, so each row's loop over H compiles to SIMD code).
Each row is read and written through one view per gate, every loop running over
``range(H)``: indexing the row at ``k·H + j`` instead kept LLVM from vectorizing
(measured, float32 (32, 128): the LSTM forward 194 µs against 21 µs with the views).

The NumPy definitions they are tested against are in ``recurrent_reference.py``, which
also states the formulas.
"""

from __future__ import annotations

from . import fastmath as fm
from .activations import _sigmoid, _tanh
from .numba_setup import njit

SERIAL = {"cache": True, "error_model": "numpy", "fastmath": {"contract"}}


@njit(inline="always")
def _gates4(a, hidden):
    """The four ``(H,)`` gate views of a row of ``4H`` (or the first four of ``5H``)."""
    return a[:hidden], a[hidden:2 * hidden], a[2 * hidden:3 * hidden], a[3 * hidden:4 * hidden]


@njit(inline="always")
def _gates3(a, hidden):
    return a[:hidden], a[hidden:2 * hidden], a[2 * hidden:3 * hidden]


@njit(**SERIAL)
def lstm_forward(gi, gh, c, h_out, c_out, acts):
    """LSTM step: ``h_out``, ``c_out`` ``(N, H)`` and ``acts`` ``(N, 5H)`` =
    ``[σ(i), σ(f), tanh(g), σ(o), tanh(c_out)]`` from gates ``gi + gh`` ``(N, 4H)`` and
    ``c`` ``(N, H)``."""
    n, hidden = c.shape
    for r in range(n):
        xi, xf, xg, xo = _gates4(gi[r], hidden)
        yi, yf, yg, yo = _gates4(gh[r], hidden)
        ai, af, ag, ao = _gates4(acts[r], hidden)
        at = acts[r, 4 * hidden:]
        cr, co, ho = c[r], c_out[r], h_out[r]
        for j in range(hidden):
            i = _sigmoid(xi[j] + yi[j])
            f = _sigmoid(xf[j] + yf[j])
            g = _tanh(xg[j] + yg[j])
            o = _sigmoid(xo[j] + yo[j])
            c_new = f * cr[j] + i * g
            tc = _tanh(c_new)
            ai[j] = i
            af[j] = f
            ag[j] = g
            ao[j] = o
            at[j] = tc
            co[j] = c_new
            ho[j] = o * tc


@njit(**SERIAL)
def lstm_backward(dh, dc_out, acts, c, dgates, dc):
    """LSTM step backward: ``dgates`` ``(N, 4H)`` (the gradient of the pre-activation
    gates) and ``dc`` ``(N, H)`` from the gradients ``dh``, ``dc_out`` of the step's
    outputs, the forward's ``acts`` and ``c``."""
    n, hidden = c.shape
    for r in range(n):
        ai, af, ag, ao = _gates4(acts[r], hidden)
        at = acts[r, 4 * hidden:]
        di, df, dg, do = _gates4(dgates[r], hidden)
        dhr, dcr, cr, dcp = dh[r], dc_out[r], c[r], dc[r]
        for j in range(hidden):
            i, f, g, o, tc = ai[j], af[j], ag[j], ao[j], at[j]
            one = fm.consts(i).one
            d_h = dhr[j]
            d_c = dcr[j] + d_h * o * ((one - tc) * (one + tc))
            di[j] = d_c * g * (i * (one - i))
            df[j] = d_c * cr[j] * (f * (one - f))
            dg[j] = d_c * i * ((one - g) * (one + g))
            do[j] = d_h * tc * (o * (one - o))
            dcp[j] = d_c * f


@njit(**SERIAL)
def gru_forward(gi, gh, h, h_out, acts):
    """GRU step: ``h_out`` ``(N, H)`` and ``acts`` ``(N, 3H)`` = ``[r, z, n]`` from ``gi``,
    ``gh`` ``(N, 3H)`` and ``h`` ``(N, H)``."""
    rows, hidden = h.shape
    for b in range(rows):
        xr, xz, xn = _gates3(gi[b], hidden)
        yr, yz, yn = _gates3(gh[b], hidden)
        ar, az, an = _gates3(acts[b], hidden)
        hb, ho = h[b], h_out[b]
        for j in range(hidden):
            r = _sigmoid(xr[j] + yr[j])
            z = _sigmoid(xz[j] + yz[j])
            n = _tanh(xn[j] + r * yn[j])
            ar[j] = r
            az[j] = z
            an[j] = n
            ho[j] = n + z * (hb[j] - n)


@njit(**SERIAL)
def gru_backward(dh_out, acts, gh, h, dgi, dgh, dh):
    """GRU step backward: ``dgi``, ``dgh`` ``(N, 3H)`` (the gradients of the two
    projections) and ``dh`` ``(N, H)`` (h's gradient through the update gate only: the
    part through ``gh`` is ``dgh @ W_hh``, a matmul left to the caller) from ``dh_out``,
    the forward's ``acts``, ``gh`` and ``h``."""
    rows, hidden = h.shape
    for b in range(rows):
        ar, az, an = _gates3(acts[b], hidden)
        yn = gh[b, 2 * hidden:]
        xr, xz, xn = _gates3(dgi[b], hidden)
        hr, hz, hn = _gates3(dgh[b], hidden)
        db, hb, dhb = dh_out[b], h[b], dh[b]
        for j in range(hidden):
            r, z, n = ar[j], az[j], an[j]
            one = fm.consts(r).one
            d = db[j]
            dn = d * (one - z) * ((one - n) * (one + n))
            dr = dn * yn[j] * (r * (one - r))
            dz = d * (hb[j] - n) * (z * (one - z))
            xr[j] = dr
            xz[j] = dz
            xn[j] = dn
            hr[j] = dr
            hz[j] = dz
            hn[j] = dn * r
            dhb[j] = d * z
