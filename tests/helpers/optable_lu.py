"""The op table's entries for the LU family (see optable.py): ``linalg.lu_factor``,
``linalg.lu``, ``linalg.lu_solve``, ``lu_unpack``, ``lu_solve`` and the ``_ex`` forms.

Inputs are ``a + 3·I`` (``_well``) so that the pivot order is stable under gradcheck's
perturbations; ``cholesky_ex`` takes ``a·aᵀ + I`` (``_spd``).
"""

from __future__ import annotations

from typing import Any

from optable import OpSpec
from optable_linalg import SOLVE, SOLVE_RIGHT, SQUARE, _flat, _lib, _top
from optable_misc import _spd, _well


def _factor(a: Any) -> Any:
    return _lib(a).lu_factor(_well(a)).LU


def _plu(a: Any) -> Any:
    p, lower, upper = _lib(a).lu(_well(a))
    return _flat(p @ lower, upper)


def _solve(left: bool, adjoint: bool) -> Any:
    def fn(a: Any, b: Any) -> Any:
        lu, pivots = _lib(a).lu_factor(_well(a))
        return _lib(a).lu_solve(lu, pivots, b, left=left, adjoint=adjoint)
    return fn


def _unpack(a: Any) -> Any:
    lu, pivots = _lib(a).lu_factor(_well(a))
    p, lower, upper = _top(a).lu_unpack(lu, pivots)
    return _flat(p @ lower, upper)


def _old_solve(a: Any, b: Any) -> Any:
    lu, pivots = _lib(a).lu_factor(_well(a))
    return _top(a).lu_solve(b, lu, pivots)


OPS = [
    OpSpec("linalg.lu_factor", _factor, SQUARE, _factor),
    OpSpec("linalg.lu_factor_ex", lambda a: _lib(a).lu_factor_ex(_well(a)).LU, SQUARE,
           lambda a: _lib(a).lu_factor_ex(_well(a)).LU),
    OpSpec("linalg.lu", _plu, SQUARE, _plu),
    OpSpec("lu_unpack", _unpack, SQUARE, _unpack),
    OpSpec("linalg.lu_solve", _solve(True, False), SOLVE, _solve(True, False)),
    OpSpec("linalg.lu_solve_adjoint", _solve(True, True), SOLVE, _solve(True, True)),
    OpSpec("linalg.lu_solve_right", _solve(False, False), SOLVE_RIGHT, _solve(False, False)),
    OpSpec("linalg.lu_solve_right_adjoint", _solve(False, True), SOLVE_RIGHT,
           _solve(False, True)),
    OpSpec("lu_solve", _old_solve, SOLVE, _old_solve),
    OpSpec("linalg.inv_ex", lambda a: _lib(a).inv_ex(_well(a)).inverse, SQUARE,
           lambda a: _lib(a).inv_ex(_well(a)).inverse),
    OpSpec("linalg.solve_ex", lambda a, b: _lib(a).solve_ex(_well(a), b).result, SOLVE,
           lambda a, b: _lib(a).solve_ex(_well(a), b).result),
    OpSpec("linalg.cholesky_ex", lambda a: _lib(a).cholesky_ex(_spd(a)).L, SQUARE,
           lambda a: _lib(a).cholesky_ex(_spd(a)).L),
]


def _householder(a: Any, tau: Any) -> Any:
    return _lib(a).householder_product(a, tau)


def _tensorinv(a: Any) -> Any:
    return _lib(a).tensorinv(_well(a.reshape(6, 6)).reshape(2, 3, 6), ind=2)


def _tensorsolve(a: Any, b: Any) -> Any:
    return _lib(a).tensorsolve(_well(a.reshape(6, 6)).reshape(6, 2, 3), b, dims=(0,))


RECTANGULAR = [((2, 4, 3),), ((3, 5),), ((2, 1, 2, 4),)]

OPS += [
    OpSpec("linalg.lu_rectangular", lambda a: _flat(*_lib(a).lu(a)[1:]), RECTANGULAR,
           lambda a: _flat(*_lib(a).lu(a)[1:])),
    OpSpec("linalg.householder_product", _householder,
           [((2, 5, 3), (2, 2)), ((4, 4), (4,)), ((3, 2), (2,))], _householder,
           empty_ok=False),
    OpSpec("orgqr", lambda a, tau: _top(a).orgqr(a, tau), [((4, 3), (3,))],
           lambda a, tau: _top(a).orgqr(a, tau), empty_ok=False),
    OpSpec("linalg.tensorinv", _tensorinv, [((6, 6),)], _tensorinv, empty_ok=False),
    OpSpec("linalg.tensorsolve", _tensorsolve, [((6, 6), (2, 3))], _tensorsolve,
           empty_ok=False),
]
