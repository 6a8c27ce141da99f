"""The LU family beyond the op table: pivots and info against PyTorch's (integer
results), rectangular and singular matrices, the ``_ex`` forms' info, the older
``lu``/``lu_solve`` forms and methods, and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag

RNG = np.random.default_rng(11)


def _pair(*shape: int, dtype: type = np.float64) -> tuple:
    x = RNG.standard_normal(shape).astype(dtype)
    return ag.tensor(x), torch().tensor(x)


def _same(ours: ag.Tensor, theirs, tol: float = 1e-10) -> None:
    assert ours.shape == tuple(theirs.shape)
    assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch."))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=tol, atol=tol)


@requires_torch
@pytest.mark.parametrize("shape", [(6, 6), (4, 5, 5), (40, 8, 8), (2, 3, 7, 4), (3, 4, 9),
                                   (0, 3, 3), (2, 0, 4), (1, 1)])
def test_factor_pivots_and_info_match_torch(shape: tuple) -> None:
    a, t = _pair(*shape)
    ours, theirs = ag.linalg.lu_factor_ex(a), torch().linalg.lu_factor_ex(t)
    for mine, reference in zip(ours, theirs):
        _same(mine, reference)


@requires_torch
@pytest.mark.parametrize("shape", [(5, 5), (3, 4, 6), (2, 6, 3)])
def test_plu_reconstructs_and_matches_torch(shape: tuple) -> None:
    a, t = _pair(*shape)
    p, lower, upper = ag.linalg.lu(a)
    np.testing.assert_allclose((p @ lower @ upper).data, a.data, atol=1e-12)
    for mine, reference in zip((p, lower, upper), torch().linalg.lu(t)):
        _same(mine, reference)
    lu, pivots = ag.linalg.lu_factor(a)
    theirs = torch().lu_unpack(*torch().linalg.lu_factor(t))
    for mine, reference in zip(ag.lu_unpack(lu, pivots), theirs):
        _same(mine, reference)


@requires_torch
def test_ties_pick_the_first_row_as_lapack() -> None:
    x = np.array([[1.0, 2.0, 0.0], [-1.0, 0.0, 3.0], [1.0, 5.0, 1.0]])
    theirs = torch().linalg.lu_factor(torch().tensor(x)).pivots
    _same(ag.linalg.lu_factor(ag.tensor(x)).pivots, theirs)


@requires_torch
def test_singular_matrices_give_info_and_lu_factor_raises() -> None:
    x = np.array([[[1.0, 2.0], [2.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]], [[2.0, 1.0], [1.0, 3.0]]])
    ours = ag.linalg.lu_factor_ex(ag.tensor(x))
    theirs = torch().linalg.lu_factor_ex(torch().tensor(x))
    for mine, reference in zip(ours, theirs):
        _same(mine, reference)
    _same(ag.linalg.inv_ex(ag.tensor(x)).info, torch().linalg.inv_ex(torch().tensor(x)).info)
    _same(ag.linalg.solve_ex(ag.tensor(x), ag.tensor(x)).info,
          torch().linalg.solve_ex(torch().tensor(x), torch().tensor(x)).info)
    assert np.isnan(ag.linalg.inv_ex(ag.tensor(x)).inverse.data[:2]).all()
    vector = ag.linalg.solve_ex(ag.tensor(x), ag.tensor(np.ones((3, 2)))).result
    assert vector.shape == (3, 2) and np.isnan(vector.data[:2]).all()
    np.testing.assert_allclose(vector.data[2], np.linalg.solve(x[2], np.ones(2)))
    broadcast = ag.linalg.solve_ex(ag.tensor(x), ag.tensor(np.ones((4, 3, 2, 1)))).result
    assert broadcast.shape == (4, 3, 2, 1) and np.isnan(broadcast.data[:, :2]).all()
    np.testing.assert_allclose(ag.linalg.inv_ex(ag.tensor(x)).inverse.data[2], np.linalg.inv(x[2]))
    with pytest.raises(RuntimeError, match="lu_factor"):
        ag.linalg.lu_factor(ag.tensor(x))
    with pytest.raises(RuntimeError, match="inv_ex"):
        ag.linalg.inv_ex(ag.tensor(x), check_errors=True)


@requires_torch
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_ex_info_matches_torch(upper: bool) -> None:
    x = RNG.standard_normal((4, 4, 4))
    x = x @ np.swapaxes(x, -1, -2) + np.eye(4)
    x[1, 2, 2] = -5.0
    x[2, 0, 0] = 0.0
    ours = ag.linalg.cholesky_ex(ag.tensor(x), upper=upper)
    theirs = torch().linalg.cholesky_ex(torch().tensor(x), upper=upper)
    _same(ours.info, theirs.info)
    good = theirs.info.numpy() == 0
    np.testing.assert_allclose(ours.L.data[good], theirs.L.numpy()[good], atol=1e-12)
    assert np.isnan(ours.L.data[~good]).all()
    with pytest.raises(RuntimeError, match="cholesky_ex"):
        ag.linalg.cholesky_ex(ag.tensor(x), check_errors=True)


def test_gradient_of_the_nonsingular_part_stays_finite() -> None:
    x = np.stack([np.zeros((2, 2)), np.eye(2) * 2.0])
    a = ag.tensor(x, requires_grad=True)
    ag.linalg.inv_ex(a).inverse[1].sum().backward()
    np.testing.assert_allclose(a.grad.data, np.stack([np.zeros((2, 2)), -np.full((2, 2), 0.25)]))


@requires_torch
def test_old_forms_and_methods_match_torch() -> None:
    a, t = _pair(3, 4, 4)
    b, tb = _pair(3, 4, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lu, pivots, infos = a.lu(get_infos=True)
        tlu, tpivots, tinfos = t.lu(get_infos=True)
        for mine, reference in zip((lu, pivots, infos), (tlu, tpivots, tinfos)):
            _same(mine, reference)
        _same(b.lu_solve(lu, pivots), tb.lu_solve(tlu, tpivots))
        _same(ag.lu(a)[1], torch().lu(t)[1])


@pytest.mark.parametrize("name", ["lu", "lu_solve"])
def test_old_forms_warn_once(name: str) -> None:
    from autograd.ops import deprecation

    a = ag.tensor(RNG.standard_normal((3, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lu, pivots = ag.lu(a)
    call = {"lu": lambda: ag.lu(a), "lu_solve": lambda: ag.lu_solve(a, lu, pivots)}[name]
    deprecation._WARNED.discard(f"torch.{name}")
    with pytest.warns(UserWarning, match=f"torch.{name} is deprecated"):
        call()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call()


@requires_torch
def test_float32_factors_match_torch() -> None:
    a, t = _pair(5, 5, dtype=np.float32)
    for mine, reference in zip(ag.linalg.lu_factor(a), torch().linalg.lu_factor(t)):
        _same(mine, reference, tol=1e-5)


def test_errors_name_the_op() -> None:
    a = ag.tensor(RNG.standard_normal((3, 3)))
    lu, pivots = ag.linalg.lu_factor(a)
    with pytest.raises(ag.errors.ShapeError, match="lu_solve"):
        ag.linalg.lu_solve(lu, pivots, ag.ones(4, 1, dtype=ag.float64))
    with pytest.raises(ValueError, match="pivots"):
        ag.linalg.lu_solve(lu, ag.tensor(np.array([0, 1, 2], dtype=np.int32)), a)
    with pytest.raises(TypeError, match="integer pivots"):
        ag.lu_unpack(lu, ag.ones(3, dtype=ag.float64))
    with pytest.raises(TypeError, match="lu_factor"):
        ag.linalg.lu_factor(ag.tensor(np.ones((3, 3), dtype=np.int64)))
    with pytest.raises(NotImplementedError, match="pivot=True"):
        ag.linalg.lu_factor(a, pivot=False)


@requires_torch
@pytest.mark.parametrize("a_shape,tau_shape", [((0, 4, 3), (0, 2)), ((3, 0), (0,)),
                                               ((4, 3), (0,))])
def test_householder_product_of_empty_inputs_matches_torch(a_shape: tuple,
                                                           tau_shape: tuple) -> None:
    (a, t), (tau, ttau) = _pair(*a_shape), _pair(*tau_shape)
    _same(ag.linalg.householder_product(a, tau), torch().linalg.householder_product(t, ttau))


def test_householder_and_tensor_solvers_check_shapes() -> None:
    a = ag.tensor(RNG.standard_normal((3, 4)))
    with pytest.raises(ag.errors.ShapeError, match="m >= n"):
        ag.linalg.householder_product(a, ag.tensor(RNG.standard_normal(2)))
    with pytest.raises(ag.errors.ShapeError, match="tau"):
        ag.linalg.householder_product(a.mT, ag.tensor(RNG.standard_normal(4)))
    with pytest.raises(ag.errors.ShapeError, match="tensorinv"):
        ag.linalg.tensorinv(ag.tensor(RNG.standard_normal((2, 3, 4))), ind=1)
    with pytest.raises(ag.errors.ShapeError, match="tensorsolve"):
        ag.linalg.tensorsolve(ag.tensor(RNG.standard_normal((2, 3, 4))),
                              ag.tensor(RNG.standard_normal((2, 3))))


@requires_torch
def test_tensorinv_and_tensorsolve_match_torch() -> None:
    a, t = _pair(4, 2, 2)
    _same(ag.linalg.tensorinv(a, ind=1), torch().linalg.tensorinv(t, ind=1))
    b, tb = _pair(2, 2)
    a2, t2 = _pair(2, 2, 4)
    _same(ag.linalg.tensorsolve(a2, b), torch().linalg.tensorsolve(t2, tb))
