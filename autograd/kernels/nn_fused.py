"""Compiled kernels of the fused nn ops: softmax cross-entropy, batch norm, dropout
(its keep mask and its scaling).

Each replaces a chain of NumPy passes (and their temporaries) by one or two
passes over memory. Arrays arrive C-contiguous and of one float dtype
(``fused.py`` prepares them); per-row/per-column values are written into the
output arrays the caller allocates. The last argument, ``parallel``, chooses the
``prange`` loop as in ``activations.py`` (an argument, not a global: Numba
freezes globals into cached code). The NumPy definitions they are tested
against are in ``reference.py``.

Softmax cross-entropy works on rows of ``z`` ``(N, C)`` with a target
distribution ``A`` ``(N, C)``. Per row: ``M = max z``, ``S = Σ e^(z − M)``,
``p = e^(z − M)/S`` (kept for the backward), and the loss
``L = −Σ A·log p = log S·ΣA − ΣA(z − M)`` (written with ``z − M`` so no large
numbers cancel); backward is ``(p·ΣA − A)·g``, one pass with no exp. With class
labels y and row weights w instead of A (A = w·onehot(y), never built) the loss is
``w·(log S − (z_y − M))`` and the backward ``(p − onehot(y))·w·g``.

Batch norm works on ``x`` ``(N, C)``, per column: the mean and the biased
variance by two passes (sum, then the sum of squared deviations) accumulated in
float64 whatever the input dtype; rows are split in chunks over the threads, one
accumulator row per chunk.
"""

from __future__ import annotations

import numpy as np

from . import fastmath as fm
from .activations import JIT, SCALAR
from .numba_setup import njit, prange
from .reference import LOW32, SPLITMIX_GAMMA, SPLITMIX_MIX1, SPLITMIX_MIX2

BLOCK = {"error_model": "numpy", "fastmath": {"contract"}}  # a row block's work: a call
_CHUNKS = 16  # row chunks of the parallel column sums (a multiple of any small thread count)


# ------------------------------------------------------------ softmax cross-entropy
_LOW63 = np.int64(0x7FFFFFFFFFFFFFFF)


@njit(**SCALAR)
def _order_key(v):
    """v's IEEE bits as an int64 that orders as the floats do (+nan above +inf): a float
    max loop does not vectorize (measured 35 µs for 1000 rows of 100), an integer one does
    (9 µs)."""
    b = np.int64(fm.float_bits(v))
    return b ^ ((b >> 63) & _LOW63)


@njit(**SCALAR)
def _row_max(z, i):
    m = _order_key(z[i, 0])
    for j in range(1, z.shape[1]):
        k = _order_key(z[i, j])
        m = k if k > m else m
    return fm.float_from_bits(m ^ ((m >> 63) & _LOW63), z[i, 0])


# Sums vectorize only when LLVM may reorder them ('reassoc'), a flag the exp of
# fastmath.py must not get; so they are separate (not Numba-inlined) functions whose
# own instructions carry it, and the exp loop has no reduction in it.
@njit(error_model="numpy", fastmath={"reassoc", "contract"})
def _target_sums(a, z, m, i):
    """``(Σ a_i, Σ a_i·(z_i − m))`` over row i."""
    sa = fm.consts(z[i, 0]).zero
    saz = sa
    for j in range(z.shape[1]):
        sa += a[i, j]
        saz += a[i, j] * (z[i, j] - m)
    return sa, saz


@njit(error_model="numpy", fastmath={"reassoc", "contract"})
def _row_sum(p, i):
    s = fm.consts(p[i, 0]).zero
    for j in range(p.shape[1]):
        s += p[i, j]
    return s


@njit(**SCALAR)
def _softmax_rows(z, lo, hi, p, m, s):
    """Rows ``[lo, hi)``: ``p = softmax(z)``, ``m`` the row maxima, ``s = Σ e^(z − m)``.

    Three passes: ``z − m`` per row, then e^ over the block as one flat loop (a loop
    of C per row vectorizes badly for few classes: measured 38 µs for 512 rows of 10
    against 13 µs flat), then the sums and the scaling per row.
    """
    c = z.shape[1]
    for i in range(lo, hi):
        mi = _row_max(z, i)
        m[i] = mi
        for j in range(c):
            p[i, j] = z[i, j] - mi
    # Indexed from 0: an index from lo·c, which Numba must check for a negative value,
    # stops LLVM vectorizing (e^ over 1e5 float32: 368 against 33 µs).
    block = p.reshape(-1)[lo * c:hi * c]
    for k in range(block.size):
        block[k] = fm.exp(block[k])
    for i in range(lo, hi):
        si = _row_sum(p, i)
        s[i] = si
        inv = fm.consts(si).one / si
        for j in range(c):
            p[i, j] *= inv


@njit(**BLOCK)
def _target_block(z, a, lo, hi, p, losses, asum, m, s):
    _softmax_rows(z, lo, hi, p, m, s)
    for i in range(lo, hi):
        sa, saz = _target_sums(a, z, m[i], i)
        asum[i] = sa
        losses[i] = fm.log(s[i]) * sa - saz


@njit(**JIT)
def softmax_xent_forward(z, a, p, losses, asum, parallel):
    """Per row i of ``(N, C)`` z and a (C >= 1): ``p_i = softmax(z_i)``,
    ``losses[i] = −Σ_c a_ic·log p_ic``, ``asum[i] = Σ_c a_ic``."""
    n = z.shape[0]
    m = np.empty(n, z.dtype)
    s = np.empty(n, z.dtype)
    if not parallel:
        _target_block(z, a, 0, n, p, losses, asum, m, s)
    else:
        blocks = min(n, _CHUNKS)
        for b in prange(blocks):
            _target_block(z, a, b * n // blocks, (b + 1) * n // blocks, p, losses, asum, m, s)


@njit(**JIT)
def softmax_xent_backward(p, a, asum, g, g_step, out, parallel):
    """``out_ic = (p_ic·asum_i − a_ic)·g[i·g_step]``: g is per row (step 1) or one number
    (step 0)."""
    if not parallel:
        for i in range(p.shape[0]):
            gi = g[i * g_step]
            for j in range(p.shape[1]):
                out[i, j] = (p[i, j] * asum[i] - a[i, j]) * gi
    else:
        for i in prange(p.shape[0]):
            gi = g[i * g_step]
            for j in range(p.shape[1]):
                out[i, j] = (p[i, j] * asum[i] - a[i, j]) * gi


@njit(**BLOCK)
def _label_block(z, labels, weight, lo, hi, p, losses, m, s):
    """Rows ``[lo, hi)``; returns how many of their labels lie outside [0, C) (those rows'
    losses are left unwritten)."""
    _softmax_rows(z, lo, hi, p, m, s)
    outside = 0
    for i in range(lo, hi):
        label = labels[i]
        if label < 0 or label >= z.shape[1]:
            outside += 1
        else:
            losses[i] = weight[i] * (fm.log(s[i]) - (z[i, label] - m[i]))
    return outside


@njit(**JIT)
def softmax_xent_labels_forward(z, labels, weight, p, losses, parallel):
    """Per row i of ``(N, C)`` z: ``p_i = softmax(z_i)``,
    ``losses[i] = −weight[i]·log p_i[labels[i]]``. Returns how many labels lie outside
    [0, C) (their losses are left unwritten: the caller raises)."""
    n = z.shape[0]
    m = np.empty(n, z.dtype)
    s = np.empty(n, z.dtype)
    bad = 0
    if not parallel:
        bad = _label_block(z, labels, weight, 0, n, p, losses, m, s)
    else:
        blocks = min(n, _CHUNKS)
        for b in prange(blocks):
            bad += _label_block(z, labels, weight, b * n // blocks, (b + 1) * n // blocks, p,
                                losses, m, s)
    return bad


@njit(**BLOCK)
def _label_grad_block(p, labels, weight, g, g_step, lo, hi, out):
    """Rows ``[lo, hi)`` of the gradient; returns how many of their labels lie outside
    [0, C) (those rows are left unwritten).

    A call per block, not an inlined helper per row: without ``parallel`` Numba keeps
    the reference counts of an inlined helper's array arguments in the loop (8 atomic
    calls a row: 20 against 1.6 µs for (512, 10), bench/README finding 22)."""
    outside = 0
    for i in range(lo, hi):
        label = labels[i]
        if label < 0 or label >= p.shape[1]:
            outside += 1
            continue
        wg = weight[i] * g[i * g_step]
        for j in range(p.shape[1]):
            out[i, j] = p[i, j] * wg
        out[i, label] -= wg
    return outside


@njit(**JIT)
def softmax_xent_labels_backward(p, labels, weight, g, g_step, out, parallel):
    """``out_i = (p_i − onehot(labels[i]))·weight[i]·g[i·g_step]``; returns the count of
    labels outside [0, C), whose rows are skipped."""
    n = p.shape[0]
    if not parallel:
        return _label_grad_block(p, labels, weight, g, g_step, 0, n, out)
    blocks = min(n, _CHUNKS)
    bad = 0
    for b in prange(blocks):
        bad += _label_grad_block(p, labels, weight, g, g_step, b * n // blocks,
                                 (b + 1) * n // blocks, out)
    return bad


# ------------------------------------------------------------------------ linear
@njit(**SCALAR)
def finish_row(y, b, i, has_bias, relu):
    """Row i of a linear layer's product: ``y += b`` (has_bias), then ``y = max(y, 0)``
    (relu; nan stays nan)."""
    zero = fm.consts(y[0, 0]).zero
    if has_bias and relu:
        for j in range(y.shape[1]):
            v = y[i, j] + b[j]
            y[i, j] = zero if v <= zero else v
    elif has_bias:
        for j in range(y.shape[1]):
            y[i, j] += b[j]
    elif relu:
        for j in range(y.shape[1]):
            v = y[i, j]
            y[i, j] = zero if v <= zero else v


@njit(**JIT)
def add_bias_inplace(y, b, relu, parallel):
    """``y[i, j] += b[j]`` over the rows of 2-D ``y``, then with relu
    ``y[i, j] = max(y[i, j], 0)`` (nan stays nan): a linear layer's bias, and the ReLU
    after it, added to its product in place in one pass (NumPy's broadcasting ``y += b``
    alone takes ~2.5× longer). ``y`` has at least one element."""
    if not parallel:
        for i in range(y.shape[0]):
            finish_row(y, b, i, True, relu)
    else:
        for i in prange(y.shape[0]):
            finish_row(y, b, i, True, relu)


@njit(**SCALAR)
def grad_rows(g, out, lo, hi, dz, sums, k, relu):
    """Rows ``[lo, hi)``: with relu ``dz = g where out > 0 else 0``, their column sums into
    ``sums[k]`` (float64); without, the column sums of g (dz and out are not read)."""
    zero = fm.consts(g[0, 0]).zero
    if relu:
        for i in range(lo, hi):
            for j in range(g.shape[1]):
                v = g[i, j] if out[i, j] > zero else zero
                dz[i, j] = v
                sums[k, j] += v
    else:
        for i in range(lo, hi):
            for j in range(g.shape[1]):
                sums[k, j] += g[i, j]


@njit(**SCALAR)
def sum_chunks(sums, db):
    """``db[j] = Σₖ sums[k, j]``: the column sums of ``_CHUNKS`` row chunks, in order."""
    for j in range(db.shape[0]):
        total = 0.0
        for k in range(sums.shape[0]):
            total += sums[k, j]
        db[j] = total


@njit(**JIT)
def outer(a, b, out, parallel):
    """``out[i, j] = a[i]·b[j]``: the outer product a linear layer's weight gradient is for a
    batch of one (NumPy's broadcast multiply runs ~7× slower at (256, 784) float32)."""
    m, n = out.shape
    if not parallel:
        for i in range(m):
            ai, row = a[i], out[i]
            for j in range(n):
                row[j] = ai * b[j]
    else:
        for i in prange(m):
            ai, row = a[i], out[i]
            for j in range(n):
                row[j] = ai * b[j]


# ------------------------------------------------------------------- batch norm
@njit(**SCALAR)
def _column_sums(x, shift, chunk, k, acc):
    """Into ``acc[k]``: Σ over rows ``[k·chunk, (k+1)·chunk)`` of ``x − shift``."""
    for i in range(k * chunk, min((k + 1) * chunk, x.shape[0])):
        for j in range(x.shape[1]):
            acc[k, j] += np.float64(x[i, j]) - shift[j]


@njit(**SCALAR)
def _column_squares(x, shift, chunk, k, acc):
    """Into ``acc[k]``: Σ over rows ``[k·chunk, (k+1)·chunk)`` of ``(x − shift)²``."""
    for i in range(k * chunk, min((k + 1) * chunk, x.shape[0])):
        for j in range(x.shape[1]):
            d = np.float64(x[i, j]) - shift[j]
            acc[k, j] += d * d


@njit(**SCALAR)
def _chunk_means(acc, n, out):
    """``out[j] = Σ_k acc[k, j] / n``; zeroes ``acc`` for the next pass."""
    for j in range(acc.shape[1]):
        total = 0.0
        for k in range(acc.shape[0]):
            total += acc[k, j]
            acc[k, j] = 0.0
        out[j] = total / n


@njit(**JIT)
def batch_norm_stats(x, mean, var, parallel):
    """Per column of ``x`` ``(N, C)``, N >= 1: ``mean = Σx/N``, ``var = Σ(x − mean)²/N``.

    Written with loops only, like the other kernels here: an array expression would be
    compiled as a function of its own, which warns that it has nothing to parallelize."""
    n, cols = x.shape
    chunks = _CHUNKS if parallel else 1
    chunk = (n + chunks - 1) // chunks
    acc = np.zeros((chunks, cols), np.float64)
    mu = np.zeros(cols, np.float64)
    if not parallel:
        _column_sums(x, mu, chunk, 0, acc)
    else:
        for k in prange(chunks):
            _column_sums(x, mu, chunk, k, acc)
    _chunk_means(acc, n, mu)
    if not parallel:
        _column_squares(x, mu, chunk, 0, acc)
    else:
        for k in prange(chunks):
            _column_squares(x, mu, chunk, k, acc)
    sq = np.empty(cols, np.float64)
    _chunk_means(acc, n, sq)
    for j in range(cols):
        mean[j] = mu[j]
        var[j] = sq[j]


@njit(**JIT)
def batch_norm_forward(x, mean, inv_std, gamma, beta, out, parallel):
    """``out = (x − mean)·inv_std·gamma + beta`` per column (``(C,)`` vectors, x's dtype)."""
    scale = np.empty(x.shape[1], x.dtype)
    for j in range(x.shape[1]):
        scale[j] = inv_std[j] * gamma[j]
    if not parallel:
        for i in range(x.shape[0]):
            for j in range(x.shape[1]):
                out[i, j] = (x[i, j] - mean[j]) * scale[j] + beta[j]
    else:
        for i in prange(x.shape[0]):
            for j in range(x.shape[1]):
                out[i, j] = (x[i, j] - mean[j]) * scale[j] + beta[j]


@njit(**SCALAR)
def _bn_grad_sums(g, x, mean, inv_std, chunk, k, acc):
    for i in range(k * chunk, min((k + 1) * chunk, x.shape[0])):
        for j in range(x.shape[1]):
            gij = np.float64(g[i, j])
            acc[k, 0, j] += gij
            acc[k, 1, j] += gij * ((np.float64(x[i, j]) - mean[j]) * inv_std[j])


@njit(**JIT)
def batch_norm_backward(g, x, mean, inv_std, gamma, out, grad_gamma, grad_beta, parallel):
    """``out = γ·inv_std·(g − mean(g) − x̂·mean(g·x̂))`` with ``x̂ = (x − mean)·inv_std``,
    ``grad_gamma = Σ g·x̂``, ``grad_beta = Σ g`` per column (sums in float64)."""
    n, cols = x.shape
    chunks = _CHUNKS if parallel else 1
    chunk = (n + chunks - 1) // chunks
    acc = np.zeros((chunks, 2, cols), np.float64)
    mean64 = mean.astype(np.float64)
    inv64 = inv_std.astype(np.float64)
    if not parallel:
        _bn_grad_sums(g, x, mean64, inv64, chunk, 0, acc)
    else:
        for k in prange(chunks):
            _bn_grad_sums(g, x, mean64, inv64, chunk, k, acc)
    sums = acc.sum(axis=0)
    # out = a·g + b·(x − mean) + c per column, the coefficients folded once.
    a = np.empty(cols, x.dtype)
    b = np.empty(cols, x.dtype)
    c = np.empty(cols, x.dtype)
    for j in range(cols):
        grad_beta[j] = sums[0, j]
        grad_gamma[j] = sums[1, j]
        s = np.float64(gamma[j]) * inv64[j]
        a[j] = s
        b[j] = -s * inv64[j] * sums[1, j] / n
        c[j] = -s * sums[0, j] / n
    if not parallel:
        for i in range(n):
            for j in range(cols):
                out[i, j] = a[j] * g[i, j] + b[j] * (x[i, j] - mean[j]) + c[j]
    else:
        for i in prange(n):
            for j in range(cols):
                out[i, j] = a[j] * g[i, j] + b[j] * (x[i, j] - mean[j]) + c[j]


# ---------------------------------------------------------------------- dropout
# SplitMix64 (constants and NumPy definition in reference.py): output k of the generator
# is mix(seed + k·γ), so each element's draw comes from its index alone and the loop
# vectorizes (AVX2 emulates the 64-bit multiplies) and splits over threads freely.


@njit(**SCALAR)
def _splitmix64(seed, k):
    """Output ``k`` (from 1) of SplitMix64 seeded with ``seed`` (uint64 arithmetic mod 2⁶⁴)."""
    z = seed + np.uint64(k) * SPLITMIX_GAMMA
    z = (z ^ (z >> np.uint64(30))) * SPLITMIX_MIX1
    z = (z ^ (z >> np.uint64(27))) * SPLITMIX_MIX2
    return z ^ (z >> np.uint64(31))


@njit(**JIT)
def keep_mask(seed, threshold, keep, parallel):
    """``keep[i] = u_i < threshold`` with ``u_2j, u_2j+1`` the high and low 32 bits of
    SplitMix64 output ``j + 1`` (flat bool ``keep``; ``threshold`` ≤ 2³², uint64)."""
    n = keep.size
    pairs = n // 2
    if not parallel:
        for j in range(pairs):
            z = _splitmix64(seed, j + 1)
            keep[2 * j] = (z >> np.uint64(32)) < threshold
            keep[2 * j + 1] = (z & LOW32) < threshold
    else:
        for j in prange(pairs):
            z = _splitmix64(seed, j + 1)
            keep[2 * j] = (z >> np.uint64(32)) < threshold
            keep[2 * j + 1] = (z & LOW32) < threshold
    if n % 2:
        keep[n - 1] = (_splitmix64(seed, pairs + 1) >> np.uint64(32)) < threshold


@njit(**JIT)
def dropout_mask_scale(x, keep, keep_prob, out, parallel):
    """``out = x/keep_prob where keep, else 0`` (flat arrays; keep_prob > 0)."""
    c = fm.consts(keep_prob)
    scale = c.one / keep_prob
    if not parallel:
        for i in range(x.size):
            out[i] = x[i] * scale if keep[i] else c.zero
    else:
        for i in prange(x.size):
            out[i] = x[i] * scale if keep[i] else c.zero
