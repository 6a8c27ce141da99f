"""The op table's entries for the linalg family (see optable.py): ``autograd.linalg`` and
the top-level decompositions, solves and norms.

Inputs are made well-posed by composition (``_well``: away from singular, ``_spd``:
positive definite, ``_sym``: symmetric) and the eigen/singular vectors enter only through
gauge-invariant functions (``V·diag(f)·Vᵀ``), whose gradients are defined where the
values are distinct, as they are for random inputs.
"""

from __future__ import annotations

import math
from typing import Any

from optable import OpSpec
from optable_misc import _spd, _torch, _well

import autograd as ag


def _lib(a: Any) -> Any:
    """The ``linalg`` namespace of ``a``'s library."""
    return ag.linalg if isinstance(a, ag.Tensor) else _torch().linalg


def _top(a: Any) -> Any:
    return ag if isinstance(a, ag.Tensor) else _torch()


def _sym(a: Any) -> Any:
    return a + a.mT


def _flat(*ts: Any) -> Any:
    """The tensors flattened past their batch dim and joined, one output for the table."""
    parts = [t.reshape(t.shape[:-2] + (t.shape[-2] * t.shape[-1],)) for t in ts]
    return _top(ts[0]).cat(parts, -1)


def _gauge_free(u: Any, s: Any, vh: Any) -> Any:
    """``U·diag(S)·Uᵀ``, ``Vᵀ·diag(S²)·V`` and S (the first k columns/rows), joined."""
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]
    left = (u * s.unsqueeze(-2)) @ u.mT
    right = (vh.mT * (s * s).unsqueeze(-2)) @ vh
    return _flat(left, right, s.unsqueeze(-1))


def _eig_free(w: Any, v: Any) -> Any:
    return _flat((v * w.exp().unsqueeze(-2)) @ v.mT, w.unsqueeze(-1))


SQUARE = [((2, 3, 3),), ((3, 3),), ((1, 1),)]
SOLVE = [((2, 3, 3), (2, 3, 2)), ((3, 3), (2, 3, 1)), ((2, 3, 3), (3, 4))]
TRI = [((2, 3, 2), (2, 3, 3))]
SOLVE_RIGHT = [((2, 3, 3), (2, 4, 3)), ((3, 3), (2, 2, 3))]
TALL_WIDE = [((2, 4, 3),), ((3, 3),), ((2, 3, 5),)]
MATRIX_ORDS = ["fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2]

OPS: list[OpSpec] = [
    OpSpec("linalg.solve", lambda a, b: _lib(a).solve(_well(a), b), SOLVE,
           lambda a, b: _lib(a).solve(_well(a), b)),
    OpSpec("linalg.solve_vector", lambda a, b: _lib(a).solve(_well(a), b),
           [((2, 3, 3), (2, 3)), ((3, 3), (3,))], lambda a, b: _lib(a).solve(_well(a), b),
           empty_ok=False),
    OpSpec("linalg.solve_right", lambda a, b: _lib(a).solve(_well(a), b, left=False),
           SOLVE_RIGHT, lambda a, b: _lib(a).solve(_well(a), b, left=False)),
    OpSpec("linalg.inv", lambda a: _lib(a).inv(_well(a)), SQUARE,
           lambda a: _lib(a).inv(_well(a))),
    OpSpec("linalg.det", lambda a: _lib(a).det(_well(a)), SQUARE,
           lambda a: _lib(a).det(_well(a))),
    OpSpec("linalg.slogdet", lambda a: _lib(a).slogdet(_spd(a)).logabsdet, SQUARE,
           lambda a: _lib(a).slogdet(_spd(a)).logabsdet),
    OpSpec("linalg.pinv", lambda a: _lib(a).pinv(a), TALL_WIDE, lambda a: _lib(a).pinv(a)),
    OpSpec("linalg.pinv_atol", lambda a: _lib(a).pinv(a, atol=0.2), TALL_WIDE[:1],
           lambda a: _lib(a).pinv(a, atol=0.2)),
    OpSpec("linalg.matmul", lambda a, b: _lib(a).matmul(a, b), [((2, 3), (3,))],
           lambda a, b: _lib(a).matmul(a, b)),
    OpSpec("linalg.matrix_power", lambda a: _lib(a).matrix_power(a, 3), SQUARE,
           lambda a: _lib(a).matrix_power(a, 3)),
    OpSpec("linalg.cholesky", lambda a: _lib(a).cholesky(_spd(a)), SQUARE,
           lambda a: _lib(a).cholesky(_spd(a))),
    OpSpec("linalg.cholesky_upper", lambda a: _lib(a).cholesky(_spd(a), upper=True), SQUARE,
           lambda a: _lib(a).cholesky(_spd(a), upper=True)),
    OpSpec("cholesky", lambda a: _spd(a).cholesky(), SQUARE, lambda a: _spd(a).cholesky()),
    OpSpec("cholesky_solve", lambda b, a: b.cholesky_solve(_lib(a).cholesky(_spd(a))),
           [((2, 3, 2), (2, 3, 3)), ((3, 1), (3, 3))],
           lambda b, a: b.cholesky_solve(_lib(a).cholesky(_spd(a)))),
    OpSpec("cholesky_solve_upper",
           lambda b, a: _top(a).cholesky_solve(b, _lib(a).cholesky(_spd(a)).mT, upper=True),
           [((3, 2), (3, 3))],
           lambda b, a: _top(a).cholesky_solve(b, _lib(a).cholesky(_spd(a)).mT, upper=True),
           empty_ok=False),
    OpSpec("cholesky_inverse", lambda a: _lib(a).cholesky(_spd(a)).cholesky_inverse(), SQUARE,
           lambda a: _lib(a).cholesky(_spd(a)).cholesky_inverse()),
    OpSpec("triangular_solve", lambda b, a: b.triangular_solve(_well(a)).solution, TRI,
           lambda b, a: b.triangular_solve(_well(a)).solution),
    OpSpec("triangular_solve_lower_t",
           lambda b, a: _top(a).triangular_solve(b, _well(a), upper=False, transpose=True,
                                                 unitriangular=True).solution, TRI,
           lambda b, a: _top(a).triangular_solve(b, _well(a), upper=False, transpose=True,
                                                 unitriangular=True).solution),
    OpSpec("linalg.qr", lambda a: _flat(*_lib(a).qr(a)), TALL_WIDE,
           lambda a: _flat(*_lib(a).qr(a))),
    OpSpec("linalg.qr_complete", lambda a: _flat(*_lib(a).qr(a, mode="complete")),
           [((2, 3, 5),), ((3, 3),)], lambda a: _flat(*_lib(a).qr(a, mode="complete"))),
    OpSpec("qr_some", lambda a: _flat(*a.qr()), TALL_WIDE[:1], lambda a: _flat(*a.qr())),
    OpSpec("linalg.eigh", lambda a: _eig_free(*_lib(a).eigh(_sym(a))), SQUARE,
           lambda a: _eig_free(*_lib(a).eigh(_sym(a)))),
    OpSpec("linalg.eigh_upper", lambda a: _eig_free(*_lib(a).eigh(_sym(a), UPLO="U")),
           SQUARE[:1], lambda a: _eig_free(*_lib(a).eigh(_sym(a), UPLO="U"))),
    OpSpec("linalg.eigvalsh", lambda a: _lib(a).eigvalsh(_sym(a)), SQUARE,
           lambda a: _lib(a).eigvalsh(_sym(a))),
    OpSpec("linalg.svd", lambda a: _gauge_free(*_lib(a).svd(a)), TALL_WIDE,
           lambda a: _gauge_free(*_lib(a).svd(a))),
    OpSpec("linalg.svd_reduced", lambda a: _gauge_free(*_lib(a).svd(a, full_matrices=False)),
           TALL_WIDE, lambda a: _gauge_free(*_lib(a).svd(a, full_matrices=False))),
    OpSpec("svd_some", lambda a: (lambda u, s, v: _gauge_free(u, s, v.mT))(*a.svd()),
           TALL_WIDE, lambda a: (lambda u, s, v: _gauge_free(u, s, v.mT))(*a.svd())),
    OpSpec("linalg.svdvals", lambda a: _lib(a).svdvals(a), TALL_WIDE,
           lambda a: _lib(a).svdvals(a)),
    OpSpec("linalg.lstsq", lambda a, b: _lib(a).lstsq(a, b).solution,
           [((2, 5, 3), (2, 5, 2)), ((4, 2), (4, 3))],
           lambda a, b: _lib(a).lstsq(a, b).solution),
    OpSpec("linalg.matrix_exp", lambda a: _lib(a).matrix_exp(a), SQUARE + [((4, 4),)],
           lambda a: _lib(a).matrix_exp(a)),
    OpSpec("matrix_exp_large", lambda a: (a * 4).matrix_exp(), [((3, 3),)],
           lambda a: (a * 4).matrix_exp(), empty_ok=False),
    OpSpec("linalg.vector_norm", lambda a: _lib(a).vector_norm(a), [((2, 3),), ((4,),)],
           lambda a: _lib(a).vector_norm(a)),
    OpSpec("linalg.vector_norm_3", lambda a: _lib(a).vector_norm(a, 3, dim=(0, -1)),
           [((2, 3, 2),)], lambda a: _lib(a).vector_norm(a, 3, dim=(0, -1)), domain="away"),
    OpSpec("linalg.vector_norm_inf", lambda a: _lib(a).vector_norm(a, math.inf, dim=-1,
                                                                    keepdim=True),
           [((2, 3),)], lambda a: _lib(a).vector_norm(a, math.inf, dim=-1, keepdim=True),
           domain="away", empty_ok=False),
    *[OpSpec(f"linalg.matrix_norm_{o}", lambda a, o=o: _lib(a).matrix_norm(a, o),
             [((2, 3, 4),), ((3, 3),)], lambda a, o=o: _lib(a).matrix_norm(a, o),
             domain="away", empty_ok=o in ("fro", "nuc"))
      for o in MATRIX_ORDS],
    OpSpec("linalg.matrix_norm_dim", lambda a: _lib(a).matrix_norm(a, 1, dim=(2, 0),
                                                                   keepdim=True),
           [((3, 2, 4),)], lambda a: _lib(a).matrix_norm(a, 1, dim=(2, 0), keepdim=True),
           domain="away", empty_ok=False),
    OpSpec("linalg.norm", lambda a: _lib(a).norm(a), [((2, 3, 4),)], lambda a: _lib(a).norm(a)),
    OpSpec("linalg.norm_nuc", lambda a: _lib(a).norm(a, "nuc"), [((3, 4),)],
           lambda a: _lib(a).norm(a, "nuc")),
    OpSpec("linalg.norm_dim", lambda a: _lib(a).norm(a, 1, dim=1), [((3, 4),)],
           lambda a: _lib(a).norm(a, 1, dim=1), domain="away"),
    OpSpec("nuclear_norm", lambda a: _top(a).nuclear_norm(a), [((3, 4),)],
           lambda a: _top(a).nuclear_norm(a)),
    OpSpec("frobenius_norm", lambda a: _top(a).frobenius_norm(a, (0, 2)), [((3, 2, 4),)],
           lambda a: _top(a).frobenius_norm(a, (0, 2))),
    # PyTorch's cond of an empty batch does not require grad; its cond for p other than ±2
    # fails in backward (an in-place write in LinalgInvEx): values are compared in
    # test_linalg.py instead.
    OpSpec("linalg.cond", lambda a: _lib(a).cond(a), TALL_WIDE, lambda a: _lib(a).cond(a),
           empty_ok=False),
    OpSpec("linalg.cond_1", lambda a: _lib(a).cond(_well(a), 1), [((2, 3, 3),)],
           domain="away"),
    OpSpec("linalg.cond_fro", lambda a: _lib(a).cond(_well(a), "fro"), [((3, 3),)],
           empty_ok=False),
    OpSpec("linalg.multi_dot", lambda a, b, c: _lib(a).multi_dot([a, b, c]),
           [((3,), (3, 4), (4, 2)), ((2, 3), (3, 4), (4,))],
           lambda a, b, c: _lib(a).multi_dot([a, b, c]), empty_ok=False),
    OpSpec("chain_matmul", lambda a, b, c: _top(a).chain_matmul(a, b, c),
           [((2, 3), (3, 4), (4, 2))], lambda a, b, c: _top(a).chain_matmul(a, b, c),
           empty_ok=False),
    OpSpec("linalg.vecdot", lambda a, b: _lib(a).vecdot(a, b, dim=0),
           [((3, 2), (3, 1)), ((4,), (4,))], lambda a, b: _lib(a).vecdot(a, b, dim=0)),
    OpSpec("linalg.vander", lambda a: _lib(a).vander(a), [((2, 3),), ((4,),)],
           lambda a: _lib(a).vander(a)),
    OpSpec("linalg.vander_n", lambda a: _lib(a).vander(a, N=5), [((3,),)],
           lambda a: _lib(a).vander(a, N=5)),
    OpSpec("linalg.cross", lambda a, b: _lib(a).cross(a, b), [((2, 3), (1, 3)), ((3,), (3,))],
           lambda a, b: _lib(a).cross(a, b)),
    OpSpec("linalg.diagonal", lambda a: _lib(a).diagonal(a, offset=1), [((2, 3, 4),)],
           lambda a: _lib(a).diagonal(a, offset=1)),
]
OPS += [
    OpSpec(f"linalg.solve_triangular_{up}_{left}_{unit}",
           lambda a, b, up=up, left=left, unit=unit: _lib(a).solve_triangular(
               _well(a), b, upper=up, left=left, unitriangular=unit),
           [((2, 3, 3), (2, 3, 2) if left else (2, 2, 3)), ((3, 3), (3, 3))],
           lambda a, b, up=up, left=left, unit=unit: _lib(a).solve_triangular(
               _well(a), b, upper=up, left=left, unitriangular=unit))
    for up in (True, False) for left in (True, False) for unit in (True, False)
]
