"""NumPy definitions of the recurrent-cell kernels (``recurrent.py``): what runs for other
dtypes and under ``GRAPHGRAD_KERNELS=numpy``, and what the kernels are tested against.

With ``gi`` the input projection and ``gh = h @ W_hhᵀ + b_hh`` the hidden projection,
gates stacked along the last axis in PyTorch's order:

LSTM (i, f, g, o of ``a = gi + gh``)::

    i, f, o = σ(a_i), σ(a_f), σ(a_o);  g = tanh(a_g)
    c' = f·c + i·g;  h' = o·tanh(c')
    dc_tot = dc' + dh'·o·(1 − tanh²c');  dc = dc_tot·f
    da_i = dc_tot·g·i(1 − i);  da_f = dc_tot·c·f(1 − f)
    da_g = dc_tot·i·(1 − g²);  da_o = dh'·tanh(c')·o(1 − o)

GRU (r, z, n; the reset gate multiplies the hidden projection, bias included)::

    r = σ(gi_r + gh_r);  z = σ(gi_z + gh_z);  n = tanh(gi_n + r·gh_n)
    h' = (1 − z)·n + z·h = n + z·(h − n)
    dn = dh'·(1 − z)·(1 − n²);  dz = dh'·(h − n)·z(1 − z);  dr = dn·gh_n·r(1 − r)
    dgi = [dr, dz, dn];  dgh = [dr, dz, dn·r];  dh (direct) = dh'·z
"""

from __future__ import annotations

import numpy as np

from . import reference


def lstm_forward(gi: np.ndarray, gh: np.ndarray, c: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(h', c', acts)``, acts ``(N, 5H)`` = ``[σ(i), σ(f), tanh(g), σ(o), tanh(c')]``."""
    i, f, g, o = np.split(gi + gh, 4, axis=-1)
    i, f, o = reference.sigmoid(i), reference.sigmoid(f), reference.sigmoid(o)
    g = np.tanh(g)
    c_new = f * c + i * g
    tc = np.tanh(c_new)
    return o * tc, c_new, np.concatenate([i, f, g, o, tc], axis=-1)


def lstm_backward(dh: np.ndarray, dc_out: np.ndarray, acts: np.ndarray, c: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """``(dgates (N, 4H), dc (N, H))``."""
    i, f, g, o, tc = np.split(acts, 5, axis=-1)
    d_c = dc_out + dh * o * ((1 - tc) * (1 + tc))
    dgates = np.concatenate([d_c * g * (i * (1 - i)), d_c * c * (f * (1 - f)),
                             d_c * i * ((1 - g) * (1 + g)), dh * tc * (o * (1 - o))], axis=-1)
    return dgates, d_c * f


def gru_forward(gi: np.ndarray, gh: np.ndarray, h: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """``(h', acts)``, acts ``(N, 3H)`` = ``[r, z, n]``."""
    i_r, i_z, i_n = np.split(gi, 3, axis=-1)
    h_r, h_z, h_n = np.split(gh, 3, axis=-1)
    r = reference.sigmoid(i_r + h_r)
    z = reference.sigmoid(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    return n + z * (h - n), np.concatenate([r, z, n], axis=-1)


def gru_backward(dh_out: np.ndarray, acts: np.ndarray, gh: np.ndarray, h: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(dgi (N, 3H), dgh (N, 3H), dh (N, H))``, dh through the update gate only."""
    r, z, n = np.split(acts, 3, axis=-1)
    h_n = np.split(gh, 3, axis=-1)[2]
    dn = dh_out * (1 - z) * ((1 - n) * (1 + n))
    dr = dn * h_n * (r * (1 - r))
    dz = dh_out * (h - n) * (z * (1 - z))
    return (np.concatenate([dr, dz, dn], axis=-1), np.concatenate([dr, dz, dn * r], axis=-1),
            dh_out * z)
