"""``autograd.linalg`` beyond the op table: result types and field names, integer
results (``matrix_rank``, ``lstsq``'s rank), errors, non-differentiable modes and the
values whose PyTorch gradients cannot be compared (``cond`` for p ≠ ±2)."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag

RNG = np.random.default_rng(7)


def _pair(*shape: int, dtype: type = np.float64) -> tuple:
    x = RNG.standard_normal(shape).astype(dtype)
    return ag.tensor(x), torch().tensor(x)


def _close(ours: ag.Tensor, theirs) -> None:
    assert ours.shape == tuple(theirs.shape)
    assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch."))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-10, atol=1e-12)


def test_linalg_loads_on_first_use() -> None:
    code = ("import sys, autograd; assert 'autograd.linalg' not in sys.modules; "
            "autograd.linalg.svdvals; assert 'autograd.linalg' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


@requires_torch
@pytest.mark.parametrize("name,two", [("qr", False), ("eigh", False), ("svd", False),
                                      ("slogdet", False), ("lstsq", True)])
def test_result_fields_are_torchs(name: str, two: bool) -> None:
    a, ta = _pair(3, 3)
    b, tb = _pair(3, 2)
    out = getattr(ag.linalg, name)(a, b) if two else getattr(ag.linalg, name)(a)
    t_out = getattr(torch().linalg, name)(ta, tb) if two else getattr(torch().linalg, name)(ta)
    assert len(out) == len(t_out)
    for field in out._fields:
        assert hasattr(t_out, field)


@requires_torch
@pytest.mark.parametrize("kwargs", [{}, {"atol": 0.5}, {"rtol": 0.3}, {"atol": 0.1, "rtol": 0.5},
                                    {"atol": np.array([0.1, 0.5, 2.0])}])
def test_pinv_cutoffs_match_torch(kwargs: dict) -> None:
    x = RNG.standard_normal((3, 4, 3)) @ np.diag([1.0, 0.3, 1.0])
    t_kwargs = {k: torch().tensor(v) if isinstance(v, np.ndarray) else v
                for k, v in kwargs.items()}
    _close(ag.linalg.pinv(ag.tensor(x), **kwargs),
           torch().linalg.pinv(torch().tensor(x), **t_kwargs))
    empty = ag.linalg.pinv(ag.zeros(0, 3, 2).double(), **kwargs)
    assert empty.shape == (0, 2, 3)


@requires_torch
def test_top_level_svd_returns_v_and_zeros_without_uv() -> None:
    a, ta = _pair(4, 3)
    _, _, v = a.svd()
    _, _, tv = ta.svd()
    assert v.shape == (3, 3)
    np.testing.assert_allclose(np.abs(v.data), np.abs(tv.numpy()), atol=1e-12)
    u0, s0, v0 = ag.svd(a, compute_uv=False)
    tu0, ts0, tv0 = torch().svd(ta, compute_uv=False)
    for ours, theirs in ((u0, tu0), (s0, ts0), (v0, tv0)):
        _close(ours, theirs)


@requires_torch
def test_qr_complete_and_r_modes() -> None:
    a, ta = _pair(4, 3)
    for mode in ("complete", "r"):
        (q, r), (tq, tr) = ag.linalg.qr(a, mode), torch().linalg.qr(ta, mode)
        _close(q, tq)
        _close(r, tr)
    x = ag.tensor(a.data, requires_grad=True)
    with pytest.raises(RuntimeError, match="mode='r'"):
        ag.linalg.qr(x, mode="r").R.sum().backward()
    with pytest.raises(RuntimeError, match="mode='complete'"):
        ag.linalg.qr(x, mode="complete").Q.sum().backward()
    with pytest.raises(ValueError, match="linalg.qr"):
        ag.linalg.qr(a, mode="full")


@requires_torch
def test_triangular_solve_returns_the_cloned_coefficient() -> None:
    a, ta = _pair(3, 3)
    b, tb = _pair(3, 2)
    x, coefficient = ag.triangular_solve(b, a + 3 * ag.eye(3).double())
    tx, t_coefficient = torch().triangular_solve(tb, ta + 3 * torch().eye(3))
    _close(x, tx)
    _close(coefficient, t_coefficient)


@requires_torch
def test_lstsq_fields_as_torchs_default_driver() -> None:
    a, ta = _pair(2, 5, 3)
    b, tb = _pair(2, 5, 2)
    out, t_out = ag.linalg.lstsq(a, b), torch().linalg.lstsq(ta, tb)
    for ours, theirs in zip(out, t_out):
        _close(ours, theirs)
    vector = ag.linalg.lstsq(a[0], b[0, :, 0]).solution
    _close(vector, torch().linalg.lstsq(ta[0], tb[0, :, :1]).solution[:, 0])
    deficient = a[0] @ ag.tensor(np.diag([1.0, 1.0, 0.0]))
    assert int(ag.linalg.lstsq(deficient, b[0]).rank.data) == 2


@requires_torch
@pytest.mark.parametrize("kwargs", [{}, {"atol": 0.5}, {"rtol": 0.3}, {"atol": 0.1, "rtol": 0.2},
                                    {"hermitian": True}])
def test_matrix_rank_matches_torch(kwargs: dict) -> None:
    x = RNG.standard_normal((3, 4, 4))
    x[1] = x[1] @ np.diag([1.0, 1.0, 1e-20, 0.0])
    x = x + x.transpose(0, 2, 1) if kwargs.get("hermitian") else x
    ours = ag.linalg.matrix_rank(ag.tensor(x), **kwargs)
    _close(ours, torch().linalg.matrix_rank(torch().tensor(x), **kwargs))


@requires_torch
@pytest.mark.parametrize("p", [None, 2, -2, 1, -1, math.inf, -math.inf, "fro", "nuc"])
def test_cond_values_match_torch(p) -> None:
    a, ta = _pair(2, 3, 3)
    _close(ag.linalg.cond(a, p), torch().linalg.cond(ta, p))


@requires_torch
def test_cond_of_singular_matrices_is_quiet() -> None:
    x = np.array([[[0.0, 0.0], [0.0, 0.0]], [[1.0, 2.0], [2.0, 4.0]]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = ag.linalg.cond(ag.tensor(x))
    assert np.isnan(ours.data[0]) and ours.data[1] > 1e15
    assert np.isnan(torch().linalg.cond(torch().tensor(x))[0])


@requires_torch
def test_empty_and_float32_results() -> None:
    _close(ag.linalg.cond(ag.zeros(0, 4, 3).double()),
           torch().linalg.cond(torch().zeros(0, 4, 3, dtype=torch().float64)))
    a, ta = _pair(2, 3, 3, dtype=np.float32)
    for name in ("svdvals", "eigvalsh", "matrix_exp", "inv"):
        ours = getattr(ag.linalg, name)(a + 3 * ag.eye(3))
        theirs = getattr(torch().linalg, name)(ta + 3 * torch().eye(3))
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-4, atol=1e-5)


@requires_torch
@pytest.mark.parametrize("ord", [0, 1, -1, 0.5, math.inf, -math.inf])
def test_vector_norm_orders(ord) -> None:
    a, ta = _pair(3, 4)
    _close(ag.linalg.vector_norm(a, ord, dim=1), torch().linalg.vector_norm(ta, ord, dim=1))


@requires_torch
def test_matrix_exp_of_large_and_mixed_scales() -> None:
    x = RNG.standard_normal((3, 4, 4)) * np.array([0.01, 1.0, 6.0])[:, None, None]
    ours = ag.linalg.matrix_exp(ag.tensor(x))
    theirs = torch().linalg.matrix_exp(torch().tensor(x))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-11)


@pytest.mark.parametrize("call,match", [
    (lambda: ag.linalg.cholesky(-ag.eye(3).double()), "linalg.cholesky.*positive-definite"),
    (lambda: ag.linalg.cholesky(ag.tensor([[1.0, 0.0], [0.0, np.nan]])), "order 2"),
    (lambda: ag.linalg.solve(ag.zeros(3, 3).double(), ag.ones(3).double()),
     "linalg.solve.*singular"),
    (lambda: ag.linalg.inv(ag.zeros(2, 2).double()), "linalg.inv.*singular"),
    (lambda: ag.linalg.solve_triangular(ag.zeros(2, 2).double(), ag.ones(2, 1).double(),
                                        upper=True), "solve_triangular.*singular"),
])
def test_singular_and_indefinite_inputs_raise(call, match: str) -> None:
    with pytest.raises(RuntimeError, match=match):
        call()


@pytest.mark.parametrize("call,error", [
    (lambda: ag.linalg.eigh(ag.eye(2).double(), UPLO="X"), ValueError),
    (lambda: ag.linalg.solve(ag.eye(3).double(), ag.ones(2, 2).double()), ag.ShapeError),
    (lambda: ag.linalg.svd(ag.ones(3).double()), ag.ShapeError),
    (lambda: ag.linalg.cholesky(ag.ones(2, 3).double()), ag.ShapeError),
    (lambda: ag.linalg.matrix_norm(ag.ones(2, 2).double(), 3), ValueError),
    (lambda: ag.linalg.vector_norm(ag.ones(2).double(), "fro"), ValueError),
    (lambda: ag.linalg.multi_dot([ag.ones(2, 2).double()]), ValueError),
    (lambda: ag.linalg.eigvalsh(ag.eye(2, dtype=np.int64)), TypeError),
    (lambda: ag.linalg.vecdot(ag.tensor([1, 2]), ag.tensor([3, 4])), TypeError),
    (lambda: ag.linalg.vander(ag.tensor([1.0, 2.0]), N=1), ValueError),
    (lambda: ag.linalg.lstsq(ag.ones(3, 2).double(), ag.ones(4, 1).double()), ag.ShapeError),
])
def test_bad_input_raises(call, error: type) -> None:
    with pytest.raises(error):
        call()


def test_values_only_gradients_are_finite_at_repeated_values() -> None:
    """``eigvalsh`` and ``svdvals`` need no vector gradients, so they are defined at the
    identity (repeated values), as PyTorch's."""
    for fn in (ag.linalg.eigvalsh, ag.linalg.svdvals):
        x = ag.eye(3).double().requires_grad_()
        fn(x).sum().backward()
        np.testing.assert_allclose(x.grad.data, np.eye(3), atol=1e-12)


@requires_torch
def test_vander_of_integers_stays_integer() -> None:
    x = np.array([[1, 2, 3], [-1, 0, 4]])
    _close(ag.linalg.vander(ag.tensor(x)), torch().linalg.vander(torch().tensor(x)))


def test_tensor_methods_are_registered() -> None:
    a = ag.tensor(RNG.standard_normal((3, 3)))
    spd = a @ a.mT + ag.eye(3).double()
    low = spd.cholesky()
    np.testing.assert_allclose((low @ low.mT).data, spd.data, atol=1e-12)
    np.testing.assert_allclose((spd @ low.cholesky_inverse()).data, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(a.matrix_exp().data, ag.linalg.matrix_exp(a).data)


def test_deprecated_top_level_forms_warn_once() -> None:
    from autograd.ops import deprecation

    a = ag.eye(2).double()
    deprecation._WARNED.discard("torch.qr")
    with pytest.warns(UserWarning, match="torch.qr is deprecated"):
        ag.qr(a)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ag.qr(a)
