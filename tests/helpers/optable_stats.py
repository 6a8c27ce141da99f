"""The op table's entries for the stats family (see optable.py): running extremes and
log-sum-exp, order statistics, quantiles, covariance and the p-norm ops."""

from __future__ import annotations

from typing import Any

import numpy as np
from optable import REDUCE, UNARY, OpSpec, _with_nan

import autograd as ag


def _torch() -> Any:
    return __import__("torch")


_QS = [0.0, 0.25, 0.5, 0.9, 1.0]
_MODES = ("linear", "lower", "higher", "midpoint", "nearest")
_FWEIGHTS = np.array([1, 0, 3, 2, 1])


def _quantiles(lib: Any, fn: str, a: Any, dim: int) -> Any:
    """Every interpolation mode's quantiles at ``_QS`` along ``dim``, added up (weighted so
    each mode's gradient shows)."""
    if lib is ag:
        q = ag.tensor(_QS, dtype=a.dtype)
    else:
        q = _torch().tensor(_QS, dtype=a.dtype)
    total = 0.0
    for i, mode in enumerate(_MODES):
        total = total + getattr(lib, fn)(a, q, dim, interpolation=mode) * float(i + 1)
    return total


OPS: list[OpSpec] = [
    # Empty inputs are tested in test_stats_ops.py: PyTorch 2.13's cummax gradient of an
    # empty tensor is returned still requiring grad, which the parity test can't read.
    OpSpec("cummax", lambda a: ag.cummax(a, -1).values, UNARY,
           lambda a: _torch().cummax(a, -1).values, domain="away", empty_ok=False),
    OpSpec("cummin_dim0", lambda a: a.cummin(0)[0], REDUCE, lambda a: a.cummin(0)[0],
           domain="away", empty_ok=False),
    OpSpec("logcumsumexp", lambda a: ag.logcumsumexp(a, 0), UNARY,
           lambda a: _torch().logcumsumexp(a, 0)),
    OpSpec("logcumsumexp_wide", lambda a: (a * 300.0).logcumsumexp(-1), REDUCE,
           lambda a: (a * 300.0).logcumsumexp(-1)),
    OpSpec("kthvalue", lambda a: ag.kthvalue(a, 2).values, REDUCE,
           lambda a: _torch().kthvalue(a, 2).values, domain="away"),
    OpSpec("kthvalue_keepdim", lambda a: a.kthvalue(3, 0, keepdim=True)[0],
           [((3, 4),), ((4, 2, 3),), ((3,),)], lambda a: a.kthvalue(3, 0, keepdim=True)[0],
           domain="away", empty_ok=False),
    OpSpec("mode", lambda a: ag.mode(a).values, REDUCE, lambda a: _torch().mode(a).values,
           domain="away"),
    OpSpec("mode_repeats", lambda a: ag.mode(ag.cat([a, a[:, 1:3], a[:, 2:3]], 1), 1,
                                             keepdim=True).values,
           [((3, 4),), ((2, 5),)],
           lambda a: _torch().mode(_torch().cat([a, a[:, 1:3], a[:, 2:3]], 1), 1,
                                   keepdim=True).values, domain="away"),
    OpSpec("nanmedian_all", lambda a: _with_nan(a).nanmedian(), REDUCE,
           lambda a: _with_nan(a).nanmedian(), domain="away", empty_ok=False),
    OpSpec("nanmedian_dim", lambda a: ag.nanmedian(_with_nan(a), -1, True).values, REDUCE,
           lambda a: _torch().nanmedian(_with_nan(a), -1, True).values, domain="away",
           empty_ok=False),
    OpSpec("aminmax", lambda a: ag.aminmax(a).min * 2.0 + ag.aminmax(a).max, REDUCE,
           lambda a: _torch().aminmax(a).min * 2.0 + _torch().aminmax(a).max, domain="away",
           empty_ok=False),
    OpSpec("aminmax_dim", lambda a: a.aminmax(dim=-1, keepdim=True).max - a.aminmax(dim=0).min,
           REDUCE,
           lambda a: a.aminmax(dim=-1, keepdim=True).max - a.aminmax(dim=0).min,
           domain="away", empty_ok=False),
    OpSpec("quantile", lambda a: ag.quantile(a, 0.3, -1), REDUCE,
           lambda a: _torch().quantile(a, 0.3, -1), domain="away", empty_ok=False),
    OpSpec("quantile_all_keepdim", lambda a: a.quantile(0.7, keepdim=True), REDUCE + [((),)],
           lambda a: a.quantile(0.7, keepdim=True), domain="away", empty_ok=False),
    OpSpec("quantile_modes", lambda a: _quantiles(ag, "quantile", a, 0), REDUCE,
           lambda a: _quantiles(_torch(), "quantile", a, 0), domain="away", empty_ok=False),
    OpSpec("quantile_q_grad", lambda a, q: ag.quantile(a, ag.sigmoid(q), 0, keepdim=True),
           [((5, 3), (4,)), ((6,), ())],
           lambda a, q: _torch().quantile(a, _torch().sigmoid(q), 0, keepdim=True),
           domain="away", empty_ok=False),
    OpSpec("nanquantile", lambda a: ag.nanquantile(_with_nan(a), 0.4, -1), REDUCE,
           lambda a: _torch().nanquantile(_with_nan(a), 0.4, -1), domain="away",
           empty_ok=False),
    OpSpec("nanquantile_modes", lambda a: _quantiles(ag, "nanquantile", _with_nan(a), -1),
           REDUCE, lambda a: _quantiles(_torch(), "nanquantile", _with_nan(a), -1),
           domain="away", empty_ok=False),
    OpSpec("msort", ag.msort, [((3, 4),), ((5,),), ((2, 3, 2),)], lambda a: _torch().msort(a),
           domain="away"),
    OpSpec("cov", ag.cov, [((3, 5),), ((4,),), ((1, 4),), ((2, 2),)],
           lambda a: _torch().cov(a), empty_ok=False),
    OpSpec("cov_weights", lambda a, w: a.cov(correction=2, fweights=ag.tensor(_FWEIGHTS),
                                             aweights=w),
           [((3, 5), (5,)), ((5,), (5,))],
           lambda a, w: a.cov(correction=2, fweights=_torch().tensor(_FWEIGHTS), aweights=w),
           domain="positive", empty_ok=False),
    OpSpec("cov_fweights", lambda a: ag.cov(a, correction=0, fweights=ag.tensor(_FWEIGHTS)),
           [((2, 5),)],
           lambda a: _torch().cov(a, correction=0, fweights=_torch().tensor(_FWEIGHTS)),
           empty_ok=False),
    OpSpec("corrcoef", ag.corrcoef, [((3, 5),), ((2, 4),)], lambda a: _torch().corrcoef(a),
           empty_ok=False),
    OpSpec("dist", ag.dist, [((2, 3), (2, 3)), ((2, 1), (1, 3)), ((), (2, 3)), ((3,), (2, 3))],
           lambda a, b: _torch().dist(a, b), empty_ok=False),
    OpSpec("dist_p", lambda a, b: a.dist(b, 1) + a.dist(b, 3.5) * 2.0, [((2, 3), (3,))],
           lambda a, b: a.dist(b, 1) + a.dist(b, 3.5) * 2.0, domain="away", empty_ok=False),
    OpSpec("dist_inf", lambda a, b: ag.dist(a, b, float("inf")) - ag.dist(a, b, -float("inf")),
           [((2, 3), (2, 3))],
           lambda a, b: _torch().dist(a, b, float("inf")) - _torch().dist(a, b, -float("inf")),
           domain="away", empty_ok=False),
    OpSpec("renorm", lambda a: ag.renorm(a, 2, 0, 1.5), [((3, 4),), ((4, 3, 2),)],
           lambda a: _torch().renorm(a, 2, 0, 1.5), empty_ok=False),
    OpSpec("renorm_p", lambda a: a.renorm(1, -1, 2.0) + a.renorm(3, 1, 1.0),
           [((3, 4),), ((2, 3, 5),)],
           lambda a: a.renorm(1, -1, 2.0) + a.renorm(3, 1, 1.0), domain="away",
           empty_ok=False),
    OpSpec("renorm_inf", lambda a: ag.renorm(a, float("inf"), 1, 1.0), [((3, 4),)],
           lambda a: _torch().renorm(a, float("inf"), 1, 1.0), domain="away", empty_ok=False),
]
