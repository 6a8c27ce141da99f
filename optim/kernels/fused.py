"""Fused Numba kernels for the optimizer updates: one pass over memory, no temporaries.

Each update is written once, as an ``inline='always'`` function of one element's
values that returns the new values; a serial and a parallel loop (``prange``) call
it. Optional state (a momentum buffer, amsgrad's maximum) selects a loop outside
the element loop: a conditional store inside it stops LLVM from vectorizing (measured
8x slower). (The serial and parallel loops are separate functions because Numba's
cache keys a compiled function by its source, not its options: one function compiled
both ways would load the serial code for the parallel loop from the cache.) The
dispatcher in ``__init__`` picks the parallel loop from
``autograd.kernels.parallel_min()`` elements (``autograd/kernels/sizes.py`` and
``pool.py`` say when that is). Arrays arrive flat and contiguous, and every scalar
arrives already cast to the parameter's dtype, so a float32 update stays float32 (a
float64 literal would upcast the whole loop). The operations and their order are those
of ``reference.py``: the two agree to the last bit. ``error_model='numpy'`` keeps
division from blocking vectorization.

Importing this module imports Numba, so ``optim`` imports it only on first use.
"""

from __future__ import annotations

import numpy as np

from autograd.kernels.numba_setup import njit, prange

_JIT = {"cache": True, "error_model": "numpy"}


@njit(inline="always", **_JIT)
def _lerp(avg, target, w, w_small, one_minus_w):
    """PyTorch's ``lerp``: ``avg + w(target − avg)``, from the nearer end."""
    if w_small:
        return avg + w * (target - avg)
    return target - (target - avg) * one_minus_w


@njit(inline="always", **_JIT)
def _grad(pi, gi, sign, wd, has_wd):
    d = sign * gi
    if has_wd:
        d = d + wd * pi
    return d


# ---------------------------------------------------------------------------- SGD
@njit(inline="always", **_JIT)
def _sgd_elem(pi, gi, bi, neg_lr, mom, one_minus_damp, wd, sign, has_wd, has_mom, nesterov,
              first):
    d = _grad(pi, gi, sign, wd, has_wd)
    if has_mom:
        bi = d if first else bi * mom + one_minus_damp * d
        d = d + mom * bi if nesterov else bi
    return pi + neg_lr * d, bi


@njit(**_JIT)
def sgd_serial(p, g, buf, neg_lr, mom, one_minus_damp, wd, sign, has_wd, has_mom, nesterov,
               first):
    if has_mom:
        for i in range(p.size):
            p[i], buf[i] = _sgd_elem(p[i], g[i], buf[i], neg_lr, mom, one_minus_damp, wd, sign,
                                     has_wd, True, nesterov, first)
    else:
        for i in range(p.size):
            p[i] = _sgd_elem(p[i], g[i], p[i], neg_lr, mom, one_minus_damp, wd, sign, has_wd,
                             False, nesterov, first)[0]


@njit(parallel=True, **_JIT)
def sgd_parallel(p, g, buf, neg_lr, mom, one_minus_damp, wd, sign, has_wd, has_mom, nesterov,
                 first):
    if has_mom:
        for i in prange(p.size):
            p[i], buf[i] = _sgd_elem(p[i], g[i], buf[i], neg_lr, mom, one_minus_damp, wd, sign,
                                     has_wd, True, nesterov, first)
    else:
        for i in prange(p.size):
            p[i] = _sgd_elem(p[i], g[i], p[i], neg_lr, mom, one_minus_damp, wd, sign, has_wd,
                             False, nesterov, first)[0]


# ---------------------------------------------------------------- course momentum
@njit(**_JIT)
def momentum_serial(p, g, v, lr, beta, one_minus_beta):
    for i in range(p.size):
        vi = v[i] * beta + one_minus_beta * g[i]
        v[i] = vi
        p[i] = p[i] - lr * vi


@njit(parallel=True, **_JIT)
def momentum_parallel(p, g, v, lr, beta, one_minus_beta):
    for i in prange(p.size):
        vi = v[i] * beta + one_minus_beta * g[i]
        v[i] = vi
        p[i] = p[i] - lr * vi


# ------------------------------------------------------------------------ Adagrad
@njit(inline="always", **_JIT)
def _adagrad_elem(pi, gi, si, neg_clr, wd, eps, sign, has_wd):
    d = _grad(pi, gi, sign, wd, has_wd)
    si = si + d * d
    return pi + neg_clr * d / (np.sqrt(si) + eps), si


@njit(**_JIT)
def adagrad_serial(p, g, s, neg_clr, wd, eps, sign, has_wd):
    for i in range(p.size):
        p[i], s[i] = _adagrad_elem(p[i], g[i], s[i], neg_clr, wd, eps, sign, has_wd)


@njit(parallel=True, **_JIT)
def adagrad_parallel(p, g, s, neg_clr, wd, eps, sign, has_wd):
    for i in prange(p.size):
        p[i], s[i] = _adagrad_elem(p[i], g[i], s[i], neg_clr, wd, eps, sign, has_wd)


# ------------------------------------------------------------------------ RMSprop
@njit(inline="always", **_JIT)
def _registers8(consts):
    """The first 8 scalars of ``consts`` as a tuple, loaded once before the loop: read
    inside it, LLVM must assume a store to ``p`` may change them and does not vectorize
    (measured 6x slower for Adam over 269k float32 on an AVX2 Zen 3)."""
    return (consts[0], consts[1], consts[2], consts[3], consts[4], consts[5], consts[6],
            consts[7])


@njit(inline="always", **_JIT)
def _rmsprop_elem(pi, gi, si, ai, bi, c, sign, has_wd, centered, has_mom, w_small):
    # c = (neg_lr, alpha, 1-alpha, eps, wd, momentum, -1, 1-(1-alpha)), typed constants
    d = _grad(pi, gi, sign, c[4], has_wd)
    si = si * c[1] + c[2] * d * d
    if centered:
        ai = _lerp(ai, d, c[2], w_small, c[7])
        var = si + c[6] * ai * ai
        if si == np.inf:  # ai² overflowed too (inf − inf); torch's fused multiply-add: inf
            var = si
        avg = np.sqrt(var)
    else:
        avg = np.sqrt(si)
    avg = avg + c[3]
    if has_mom:
        bi = bi * c[5] + d / avg
        return pi + c[0] * bi, si, ai, bi
    return pi + c[0] * d / avg, si, ai, bi


@njit(**_JIT)
def rmsprop_serial(p, g, sq, gavg, buf, consts, sign, has_wd, centered, has_mom, w_small):
    c = _registers8(consts)
    if centered and has_mom:
        for i in range(p.size):
            p[i], sq[i], gavg[i], buf[i] = _rmsprop_elem(p[i], g[i], sq[i], gavg[i], buf[i], c,
                                                         sign, has_wd, True, True, w_small)
    elif centered:
        for i in range(p.size):
            p[i], sq[i], gavg[i], _ = _rmsprop_elem(p[i], g[i], sq[i], gavg[i], p[i], c, sign,
                                                    has_wd, True, False, w_small)
    elif has_mom:
        for i in range(p.size):
            p[i], sq[i], _, buf[i] = _rmsprop_elem(p[i], g[i], sq[i], p[i], buf[i], c, sign,
                                                   has_wd, False, True, w_small)
    else:
        for i in range(p.size):
            p[i], sq[i], _, _ = _rmsprop_elem(p[i], g[i], sq[i], p[i], p[i], c, sign, has_wd,
                                              False, False, w_small)


@njit(parallel=True, **_JIT)
def rmsprop_parallel(p, g, sq, gavg, buf, consts, sign, has_wd, centered, has_mom, w_small):
    c = _registers8(consts)
    if centered and has_mom:
        for i in prange(p.size):
            p[i], sq[i], gavg[i], buf[i] = _rmsprop_elem(p[i], g[i], sq[i], gavg[i], buf[i], c,
                                                         sign, has_wd, True, True, w_small)
    elif centered:
        for i in prange(p.size):
            p[i], sq[i], gavg[i], _ = _rmsprop_elem(p[i], g[i], sq[i], gavg[i], p[i], c, sign,
                                                    has_wd, True, False, w_small)
    elif has_mom:
        for i in prange(p.size):
            p[i], sq[i], _, buf[i] = _rmsprop_elem(p[i], g[i], sq[i], p[i], buf[i], c, sign,
                                                   has_wd, False, True, w_small)
    else:
        for i in prange(p.size):
            p[i], sq[i], _, _ = _rmsprop_elem(p[i], g[i], sq[i], p[i], p[i], c, sign, has_wd,
                                              False, False, w_small)


# --------------------------------------------------------------------------- Adam
@njit(inline="always", **_JIT)
def _adam_elem(pi, gi, mi, vi, vmi, c, sign, has_wd, decoupled, amsgrad, w_small):
    # c = (neg_step_size, bc2_sqrt, eps, wd, decay, 1-beta1, 1-(1-beta1), beta2, 1-beta2)
    if decoupled:
        pi = pi * c[4]
        d = sign * gi
    else:
        d = _grad(pi, gi, sign, c[3], has_wd)
    mi = _lerp(mi, d, c[5], w_small, c[6])
    vi = vi * c[7] + c[8] * d * d
    if amsgrad:
        vmi = np.maximum(vmi, vi)
        denom = np.sqrt(vmi) / c[1] + c[2]
    else:
        denom = np.sqrt(vi) / c[1] + c[2]
    return pi + c[0] * mi / denom, mi, vi, vmi


@njit(**_JIT)
def adam_serial(p, g, m, v, vmax, consts, sign, has_wd, decoupled, amsgrad, w_small):
    c = _registers8(consts) + (consts[8],)
    if amsgrad:
        for i in range(p.size):
            p[i], m[i], v[i], vmax[i] = _adam_elem(p[i], g[i], m[i], v[i], vmax[i], c, sign,
                                                   has_wd, decoupled, True, w_small)
    else:
        for i in range(p.size):
            p[i], m[i], v[i], _ = _adam_elem(p[i], g[i], m[i], v[i], p[i], c, sign, has_wd,
                                             decoupled, False, w_small)


@njit(parallel=True, **_JIT)
def adam_many_parallel(ps, gs, ms, vs, blocks, consts, sign, has_wd, decoupled, w_small):
    """Adam (no amsgrad) over several parameters at once: ``ps``, ``gs``, ``ms``, ``vs``
    tuples of flat arrays, ``blocks`` rows ``(array, start, stop)`` shared out over the
    threads; each element as ``adam_parallel`` updates it."""
    c = _registers8(consts) + (consts[8],)
    for b in prange(blocks.shape[0]):
        t, lo, hi = blocks[b, 0], blocks[b, 1], blocks[b, 2]
        p, g, m, v = ps[t][lo:hi], gs[t][lo:hi], ms[t][lo:hi], vs[t][lo:hi]
        for i in range(p.size):  # from 0: a loop from lo would not vectorize
            p[i], m[i], v[i], _ = _adam_elem(p[i], g[i], m[i], v[i], p[i], c, sign, has_wd,
                                             decoupled, False, w_small)


@njit(parallel=True, **_JIT)
def adam_parallel(p, g, m, v, vmax, consts, sign, has_wd, decoupled, amsgrad, w_small):
    c = _registers8(consts) + (consts[8],)
    if amsgrad:
        for i in prange(p.size):
            p[i], m[i], v[i], vmax[i] = _adam_elem(p[i], g[i], m[i], v[i], vmax[i], c, sign,
                                                   has_wd, decoupled, True, w_small)
    else:
        for i in prange(p.size):
            p[i], m[i], v[i], _ = _adam_elem(p[i], g[i], m[i], v[i], p[i], c, sign, has_wd,
                                             decoupled, False, w_small)


# -------------------------------------------------------------------------- NAdam
@njit(inline="always", **_JIT)
def _nadam_elem(pi, gi, mi, vi, c, sign, has_wd, decoupled, w_small):
    # c = (-grad_step, -avg_step, bias_correction2, eps, wd, decay, 1-beta1, 1-(1-beta1),
    #      beta2, 1-beta2)
    if decoupled:
        pi = pi * c[5]
        d = sign * gi
    else:
        d = _grad(pi, gi, sign, c[4], has_wd)
    mi = _lerp(mi, d, c[6], w_small, c[7])
    vi = vi * c[8] + c[9] * d * d
    denom = np.sqrt(vi / c[2]) + c[3]
    pi = pi + c[0] * d / denom
    return pi + c[1] * mi / denom, mi, vi


@njit(**_JIT)
def nadam_serial(p, g, m, v, consts, sign, has_wd, decoupled, w_small):
    c = _registers8(consts) + (consts[8], consts[9])
    for i in range(p.size):
        p[i], m[i], v[i] = _nadam_elem(p[i], g[i], m[i], v[i], c, sign, has_wd, decoupled,
                                       w_small)


@njit(parallel=True, **_JIT)
def nadam_parallel(p, g, m, v, consts, sign, has_wd, decoupled, w_small):
    c = _registers8(consts) + (consts[8], consts[9])
    for i in prange(p.size):
        p[i], m[i], v[i] = _nadam_elem(p[i], g[i], m[i], v[i], c, sign, has_wd, decoupled,
                                       w_small)


# -------------------------------------------------------------------------- RAdam
@njit(inline="always", **_JIT)
def _radam_elem(pi, gi, mi, vi, c, sign, has_wd, decoupled, rectify, w_small):
    # c = (bias_correction1, lr, bc2_sqrt, rect, eps, wd, decay, 1-beta1, 1-(1-beta1), beta2,
    #      1-beta2, 1), the 1 typed (a literal 1 would divide in float64)
    if decoupled:
        pi = pi * c[6]
        d = sign * gi
    else:
        d = _grad(pi, gi, sign, c[5], has_wd)
    mi = _lerp(mi, d, c[7], w_small, c[8])
    vi = vi * c[9] + c[10] * d * d
    step = mi / c[0] * c[1]
    if rectify:
        step = step * (c[11] / (np.sqrt(vi) + c[4]) * c[2]) * c[3]
    return pi - step, mi, vi


@njit(**_JIT)
def radam_serial(p, g, m, v, consts, sign, has_wd, decoupled, rectify, w_small):
    c = _registers8(consts) + (consts[8], consts[9], consts[10], consts[11])
    for i in range(p.size):
        p[i], m[i], v[i] = _radam_elem(p[i], g[i], m[i], v[i], c, sign, has_wd, decoupled,
                                       rectify, w_small)


@njit(parallel=True, **_JIT)
def radam_parallel(p, g, m, v, consts, sign, has_wd, decoupled, rectify, w_small):
    c = _registers8(consts) + (consts[8], consts[9], consts[10], consts[11])
    for i in prange(p.size):
        p[i], m[i], v[i] = _radam_elem(p[i], g[i], m[i], v[i], c, sign, has_wd, decoupled,
                                       rectify, w_small)


# ------------------------------------------------------------------------- Adamax
@njit(inline="always", **_JIT)
def _adamax_elem(pi, gi, mi, ui, c, sign, has_wd, w_small):
    # c = (neg_clr, eps, wd, 1-beta1, 1-(1-beta1), beta2, unused, unused)
    d = _grad(pi, gi, sign, c[2], has_wd)
    mi = _lerp(mi, d, c[3], w_small, c[4])
    ui = np.maximum(ui * c[5], np.abs(d) + c[1])
    return pi + c[0] * mi / ui, mi, ui


@njit(**_JIT)
def adamax_serial(p, g, m, u, consts, sign, has_wd, w_small):
    c = _registers8(consts)
    for i in range(p.size):
        p[i], m[i], u[i] = _adamax_elem(p[i], g[i], m[i], u[i], c, sign, has_wd, w_small)


@njit(parallel=True, **_JIT)
def adamax_parallel(p, g, m, u, consts, sign, has_wd, w_small):
    c = _registers8(consts)
    for i in prange(p.size):
        p[i], m[i], u[i] = _adamax_elem(p[i], g[i], m[i], u[i], c, sign, has_wd, w_small)


# ----------------------------------------------------------------------- Adadelta
@njit(inline="always", **_JIT)
def _adadelta_elem(pi, gi, si, ai, c, sign, has_wd):
    # c = (neg_lr, rho, 1-rho, eps, wd, unused, unused, unused)
    d = _grad(pi, gi, sign, c[4], has_wd)
    si = si * c[1] + c[2] * d * d
    delta = np.sqrt(ai + c[3]) / np.sqrt(si + c[3]) * d
    ai = ai * c[1] + c[2] * delta * delta
    return pi + c[0] * delta, si, ai


@njit(**_JIT)
def adadelta_serial(p, g, sq, acc, consts, sign, has_wd):
    c = _registers8(consts)
    for i in range(p.size):
        p[i], sq[i], acc[i] = _adadelta_elem(p[i], g[i], sq[i], acc[i], c, sign, has_wd)


@njit(parallel=True, **_JIT)
def adadelta_parallel(p, g, sq, acc, consts, sign, has_wd):
    c = _registers8(consts)
    for i in prange(p.size):
        p[i], sq[i], acc[i] = _adadelta_elem(p[i], g[i], sq[i], acc[i], c, sign, has_wd)


# -------------------------------------------------------------------------- Rprop
@njit(inline="always", **_JIT)
def _rprop_elem(pi, gi, qi, si, c, sign):
    # c = (etaminus, etaplus, step_min, step_max, 1, 0, unused, unused)
    d = sign * gi
    agree = d * qi
    if agree > c[5]:
        factor = c[1]
    elif agree < c[5]:
        factor = c[0]
    elif agree == c[5]:
        factor = c[4]
    else:  # nan: the step size becomes nan, as PyTorch's
        factor = agree
    si = si * factor
    si = c[2] if si < c[2] else (c[3] if si > c[3] else si)
    if agree < c[5]:
        d = c[5]
    return pi - np.sign(d) * si, d, si


@njit(**_JIT)
def rprop_serial(p, g, prev, step, consts, sign):
    c = _registers8(consts)
    for i in range(p.size):
        p[i], prev[i], step[i] = _rprop_elem(p[i], g[i], prev[i], step[i], c, sign)


@njit(parallel=True, **_JIT)
def rprop_parallel(p, g, prev, step, consts, sign):
    c = _registers8(consts)
    for i in prange(p.size):
        p[i], prev[i], step[i] = _rprop_elem(p[i], g[i], prev[i], step[i], c, sign)
