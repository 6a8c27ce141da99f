"""The op table's entries for the randomized low-rank factorizations and ``ormqr`` (see
optable.py). The random start of ``svd_lowrank`` differs from PyTorch's, so the entries
use what does not depend on it once q covers the rank: the singular values and the
product ``U·diag(S)·Vᵀ``."""

from __future__ import annotations

from optable import OpSpec

import autograd as ag


def _torch():
    import torch

    return torch


def _lib(t):
    return ag if isinstance(t, ag.Tensor) else _torch()


def _seeded(fn):
    """``fn`` with the generator reseeded first, so repeated calls (gradcheck's) draw the
    same random start."""
    def run(*ts):
        if isinstance(ts[0], ag.Tensor):
            ag.manual_seed(0)
        else:
            _torch().manual_seed(0)
        return fn(*ts)
    return run


def _values(name, **kwargs):
    return _seeded(lambda a: getattr(_lib(a), name)(a, **kwargs)[1])


def _product(a):
    u, s, v = _lib(a).svd_lowrank(a, q=min(a.shape[-2:]), niter=1)
    return (u * s[..., None, :]) @ v.mT


def _ormqr(left, transpose):
    return lambda a, tau, c: _lib(a).ormqr(a, tau, c, left, transpose)


OPS: list[OpSpec] = [
    OpSpec("svd_lowrank_values", _values("svd_lowrank", q=3), [((5, 3),), ((3, 4),),
                                                               ((2, 4, 3),)],
           _values("svd_lowrank", q=3), empty_ok=False),
    OpSpec("svd_lowrank_product", _seeded(_product), [((4, 3),), ((3, 5),)], _seeded(_product),
           empty_ok=False, second_order=False),
    OpSpec("pca_lowrank_values", _values("pca_lowrank"), [((5, 3),), ((6, 4),)],
           _values("pca_lowrank"), empty_ok=False),
    OpSpec("ormqr", _ormqr(True, False), [((4, 3), (3,), (4, 2)), ((2, 4, 2), (2, 2), (2, 4, 3))],
           _ormqr(True, False), empty_ok=False),
    OpSpec("ormqr_transposed", _ormqr(True, True), [((4, 3), (3,), (4, 2)),
                                                    ((4, 5), (4,), (4, 2))], _ormqr(True, True),
           empty_ok=False),
    OpSpec("ormqr_right", _ormqr(False, False), [((3, 3), (3,), (2, 3))], _ormqr(False, False),
           empty_ok=False),
    OpSpec("ormqr_right_transposed", _ormqr(False, True), [((4, 2), (2,), (3, 4)),
                                                           ((4, 3), (3,), (2, 4))],
           _ormqr(False, True), empty_ok=False),
]
