"""The op table's entries for the misc family (see optable.py): the matrix functions
(``det``, ``inverse``, ``slogdet``, ...) and the products ``addmv``, ``addr``, ``addbmm``,
``ger`` and ``vdot``."""

from __future__ import annotations

from typing import Any

import numpy as np
from optable import OpSpec

import autograd as ag


def _torch() -> Any:
    return __import__("torch")


def _eye_like(a: Any) -> Any:
    """The identity of ``a``'s matrix size and dtype, a graphgrad or a PyTorch tensor."""
    n = a.shape[-1]
    if isinstance(a, ag.Tensor):
        return ag.tensor(np.eye(n), dtype=a.dtype)
    return _torch().eye(n, dtype=a.dtype)


def _well(a: Any) -> Any:
    """``a + 3·I``: for standard normal entries, a well-conditioned matrix (det far from 0)."""
    return a + 3.0 * _eye_like(a)


def _spd(a: Any) -> Any:
    """``a·aᵀ + I``: symmetric positive definite, so its determinant is positive."""
    return a @ a.mT + _eye_like(a)


SQUARE = [((2, 3, 3),), ((3, 3),), ((1, 1),), ((2, 1, 2, 2),)]

OPS: list[OpSpec] = [
    OpSpec("det", lambda a: ag.det(_well(a)), SQUARE, lambda a: _torch().det(_well(a))),
    OpSpec("det_method", lambda a: _well(a).det(), [((4, 4),)], lambda a: _well(a).det(),
           empty_ok=False),
    OpSpec("inverse", lambda a: ag.inverse(_well(a)), SQUARE,
           lambda a: _torch().inverse(_well(a))),
    OpSpec("logdet", lambda a: _spd(a).logdet(), SQUARE, lambda a: _spd(a).logdet()),
    # -(a + 3I) of odd size has a negative determinant: sign -1 reaches the result.
    OpSpec("slogdet", lambda a: (lambda s, v: s * v)(*ag.slogdet(-_well(a))),
           [((2, 3, 3),), ((2, 2),)],
           lambda a: (lambda s, v: s * v)(*_torch().slogdet(-_well(a)))),
    OpSpec("slogdet_logabsdet", lambda a: _well(a).slogdet().logabsdet, SQUARE,
           lambda a: _well(a).slogdet().logabsdet),
    OpSpec("matrix_power_3", lambda a: a.matrix_power(3), SQUARE,
           lambda a: a.matrix_power(3)),
    OpSpec("matrix_power_6", lambda a: ag.matrix_power(a * 0.5, 6), [((3, 3),)],
           lambda a: _torch().matrix_power(a * 0.5, 6), empty_ok=False),
    OpSpec("matrix_power_neg", lambda a: ag.matrix_power(_well(a), -2), SQUARE,
           lambda a: _torch().matrix_power(_well(a), -2)),
    OpSpec("matrix_power_0", lambda a: a.matrix_power(0), SQUARE, lambda a: a.matrix_power(0)),
    OpSpec("matrix_power_1", lambda a: ag.matrix_power(a, 1), SQUARE,
           lambda a: _torch().matrix_power(a, 1)),
    OpSpec("pinverse", lambda a: ag.pinverse(a), [((2, 3, 5),), ((4, 3),), ((2, 5, 2),)],
           lambda a: _torch().pinverse(a)),
    OpSpec("pinverse_square", lambda a: _well(a).pinverse(), [((3, 3),)],
           lambda a: _well(a).pinverse(), empty_ok=False),
    OpSpec("addmv", lambda x, m, v: ag.addmv(x, m, v, beta=0.5, alpha=2.0),
           [((3,), (3, 4), (4,)), ((), (3, 4), (4,)), ((1,), (3, 4), (4,)),
            ((3,), (3, 0), (0,))],
           lambda x, m, v: _torch().addmv(x, m, v, beta=0.5, alpha=2.0), empty_ok=False),
    OpSpec("addmv_method", lambda x, m, v: x.addmv(m, v), [((3,), (3, 4), (4,))],
           lambda x, m, v: x.addmv(m, v), empty_ok=False),
    OpSpec("addmv_beta0", lambda x, m, v: ag.addmv(x, m, v, beta=0), [((3,), (3, 4), (4,))],
           lambda x, m, v: _torch().addmv(x, m, v, beta=0), empty_ok=False),
    OpSpec("addr", lambda x, a, b: ag.addr(x, a, b, beta=-1.0, alpha=0.5),
           [((3, 4), (3,), (4,)), ((4,), (3,), (4,)), ((), (3,), (4,)), ((3, 1), (3,), (4,))],
           lambda x, a, b: _torch().addr(x, a, b, beta=-1.0, alpha=0.5), empty_ok=False),
    OpSpec("addr_method", lambda x, a, b: x.addr(a, b), [((3, 4), (3,), (4,))],
           lambda x, a, b: x.addr(a, b), empty_ok=False),
    OpSpec("addbmm", lambda x, a, b: ag.addbmm(x, a, b, beta=0.5, alpha=-2.0),
           [((3, 4), (2, 3, 5), (2, 5, 4)), ((4,), (2, 3, 5), (2, 5, 4)),
            ((), (1, 3, 5), (1, 5, 4))],
           lambda x, a, b: _torch().addbmm(x, a, b, beta=0.5, alpha=-2.0)),
    OpSpec("addbmm_method", lambda x, a, b: x.addbmm(a, b), [((3, 4), (2, 3, 5), (2, 5, 4))],
           lambda x, a, b: x.addbmm(a, b)),
    OpSpec("ger", lambda a, b: a.ger(b), [((3,), (4,)), ((1,), (2,))], lambda a, b: a.ger(b)),
    OpSpec("vdot", ag.vdot, [((4,), (4,)), ((1,), (1,))], lambda a, b: _torch().vdot(a, b)),
    OpSpec("vdot_method", lambda a, b: a.vdot(b * 2.0), [((3,), (3,))],
           lambda a, b: a.vdot(b * 2.0)),
]
