"""Contractions and diagonals (autograd/ops/contract.py): PyTorch's equation forms, dtypes,
special cases and error messages. Gradcheck, gradgradcheck and gradient parity over
shapes (broadcast, 0-d, empty, non-contiguous) are in the op table."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
from autograd.errors import ShapeError


@pytest.fixture
def torch():
    th = pytest.importorskip("torch")
    th.set_num_threads(1)
    return th


def _check(torch, out, expected) -> None:
    exp = expected.detach().numpy()
    assert out.shape == exp.shape and out.dtype == exp.dtype, (out.shape, out.dtype, exp.shape,
                                                              exp.dtype)
    np.testing.assert_allclose(out.data, exp, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("equation,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("i j , j k -> i k", [(2, 3), (3, 4)]),
    ("ba", [(2, 3)]),
    ("ba...", [(2, 3, 4)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("iji->j", [(3, 2, 3)]),
    ("...ij,...jk", [(5, 1, 2, 3), (4, 3, 2)]),
    ("...ij->ij", [(2, 3, 4)]),
    ("i...->...", [(2, 3)]),
    ("...", [(2,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij,jk->ik", [(2, 1), (4, 3)]),
    ("i,->i", [(3,), ()]),
    ("->", [()]),
    ("ij,ij,ij->", [(2, 3), (2, 3), (2, 3)]),
    ("ij->ji", [(0, 3)]),
])
def test_einsum_forms_match_torch(torch, equation, shapes) -> None:
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    out = ag.einsum(equation, *[ag.tensor(a) for a in arrays])
    _check(torch, out, torch.einsum(equation, *[torch.tensor(a) for a in arrays]))
    listed = ag.einsum(equation, [ag.tensor(a) for a in arrays])
    np.testing.assert_array_equal(listed.data, out.data)


def test_einsum_integers_and_third_order() -> None:
    out = ag.einsum("i,i", ag.tensor([1, 2]), ag.tensor([3, 4]))
    assert out.dtype == np.int64 and out.item() == 11
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=np.float64, requires_grad=True)
    y = ag.einsum("ij,jk,ki->", x, x, x)  # trace(x³): d³/dx³ is a constant
    (g,) = ag.grad(y, [x], create_graph=True)
    np.testing.assert_allclose(g.data, 3 * (x.data @ x.data).T)
    (gg,) = ag.grad(g.sum(), [x], create_graph=True)
    (ggg,) = ag.grad(gg.sum(), [x])
    assert ggg.shape == (2, 2) and np.isfinite(ggg.data).all()


@pytest.mark.parametrize("equation,shapes,match", [
    ("ij,jk->ik", [(2, 3), (4, 4)], "einsum: subscript j has size 4 for operand 1"),
    ("ij,jk->ik", [(2, 3)], r"einsum: fewer operands \(1\)"),
    ("ij->i", [(2, 3), (3,)], r"einsum: more operands \(2\)"),
    ("ijk->i", [(2, 3)], r"einsum: the term 'ijk' has 3 subscripts .*shape \(2, 3\)"),
    ("ii->i", [(2, 3)], r"einsum: subscript i is repeated for operand 0 \(shape \(2, 3\)\)"),
    ("ij->k", [(2, 3)], "einsum: output subscript 'k' does not appear"),
    ("ij->ii", [(2, 2)], "einsum: output subscript repeated"),
    ("i1->i", [(2, 3)], "einsum: invalid subscript '1'"),
    ("i..j->i", [(2, 3)], "einsum: an ellipsis must be written '...'"),
    ("...ijk->i", [(2, 3)], r"einsum: operand of shape \(2, 3\) has fewer dims"),
])
def test_einsum_errors(equation, shapes, match) -> None:
    with pytest.raises((ShapeError, ValueError), match=match):
        ag.einsum(equation, *[ag.ones(*s) for s in shapes])


def test_einsum_refuses_the_sublist_form() -> None:
    with pytest.raises(TypeError, match="einsum: the first argument must be the equation"):
        ag.einsum(ag.ones(2), [0])


def test_tensordot_outer_inner_match_torch(torch) -> None:
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 4, 5))
    _check(torch, ag.tensordot(ag.tensor(a), ag.tensor(b)),
           torch.tensordot(torch.tensor(a), torch.tensor(b)))
    _check(torch, ag.tensordot(ag.tensor(a), ag.tensor(b), 0),
           torch.tensordot(torch.tensor(a), torch.tensor(b), 0))
    _check(torch, ag.tensordot(ag.tensor(a), ag.tensor(b), ([1], [0])),
           torch.tensordot(torch.tensor(a), torch.tensor(b), ([1], [0])))
    v, w = np.arange(3), np.arange(4)
    _check(torch, ag.outer(ag.tensor(v), ag.tensor(w)), torch.outer(torch.tensor(v),
                                                                    torch.tensor(w)))
    _check(torch, ag.inner(ag.tensor(a), ag.tensor(b[0].T)),
           torch.inner(torch.tensor(a), torch.tensor(b[0].T)))
    _check(torch, ag.inner(ag.tensor(2.0), ag.tensor(a)), torch.inner(torch.tensor(2.0),
                                                                      torch.tensor(a)))


def test_contraction_errors() -> None:
    with pytest.raises(ShapeError, match=r"tensordot: contracted dims differ in size: dim 2 of "
                                         r"\(2, 3, 4\) \(4\) and dim 0 of \(3, 4\) \(3\)"):
        ag.tensordot(ag.ones(2, 3, 4), ag.ones(3, 4), 1)
    with pytest.raises(ShapeError, match="tensordot: dims=3 is out of range"):
        ag.tensordot(ag.ones(2, 3), ag.ones(2, 3), 3)
    with pytest.raises(ShapeError, match="tensordot: both lists of dims must have the same"):
        ag.tensordot(ag.ones(2, 3), ag.ones(2, 3), ([0, 1], [0]))
    with pytest.raises(ShapeError, match=r"outer: expects two 1-D tensors, got shapes \(2, 3\)"):
        ag.outer(ag.ones(2, 3), ag.ones(3))
    with pytest.raises(ShapeError, match=r"inner: the last dims of shapes \(2, 3\) and \(2,\)"):
        ag.inner(ag.ones(2, 3), ag.ones(2))


def test_addmm_baddbmm(torch) -> None:
    x = np.array([np.nan, 1.0, 2.0, 3.0])
    a, b = np.ones((2, 3)), np.ones((3, 4))
    _check(torch, ag.addmm(ag.tensor(x), ag.tensor(a), ag.tensor(b), beta=0),
           torch.addmm(torch.tensor(x), torch.tensor(a), torch.tensor(b), beta=0))
    _check(torch, ag.tensor(x[1:2]).addmm(ag.tensor(a), ag.tensor(b), alpha=3),
           torch.tensor(x[1:2]).addmm(torch.tensor(a), torch.tensor(b), alpha=3))
    with pytest.raises(ShapeError, match=r"addmm: expects two 2-D matrices, got shapes "
                                         r"\(2, 3, 1\) and \(3, 4\)"):
        ag.addmm(ag.ones(1), ag.ones(2, 3, 1), ag.ones(3, 4))
    with pytest.raises(ShapeError, match=r"addmm: shapes \(2, 3\) and \(2, 4\) cannot be "
                                         "multiplied"):
        ag.addmm(ag.ones(1), ag.ones(2, 3), ag.ones(2, 4))
    with pytest.raises(ShapeError, match=r"addmm: input of shape \(3,\) can't be broadcast to "
                                         r"the product's shape \(2, 4\)"):
        ag.addmm(ag.ones(3), ag.ones(2, 3), ag.ones(3, 4))
    with pytest.raises(ShapeError, match=r"baddbmm: shapes \(2, 2, 3\) and \(3, 3, 4\) cannot"):
        ag.baddbmm(ag.ones(1), ag.ones(2, 2, 3), ag.ones(3, 3, 4))


@pytest.mark.parametrize("call", [
    lambda m, x: m.diagonal(x),
    lambda m, x: m.diagonal(x, 1),
    lambda m, x: m.diagonal(x, -2, 1, 0),
    lambda m, x: m.diagonal(x, 5),
    lambda m, x: m.diag(x[0]),
    lambda m, x: m.diag(x[0], 2),
    lambda m, x: m.diag(x[0, 0], -1),
    lambda m, x: m.diag_embed(x),
    lambda m, x: m.diag_embed(x, 1, 0, -1),
    lambda m, x: m.trace(x[0]),
])
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_diagonals_match_torch(torch, call, dtype) -> None:
    x = np.arange(24).reshape(2, 3, 4).astype(dtype)
    _check(torch, call(ag, ag.tensor(x)), call(torch, torch.tensor(x)))


def test_diagonal_errors() -> None:
    with pytest.raises(ShapeError, match=r"trace: expects a 2-D matrix, got shape \(2, 3, 3\)"):
        ag.trace(ag.ones(2, 3, 3))
    with pytest.raises(ShapeError, match=r"diag: expects a 1-D or 2-D tensor, got shape \(\)"):
        ag.diag(ag.tensor(1.0))
    with pytest.raises(ValueError, match="diagonal: dim1 and dim2 can't be the same dim"):
        ag.diagonal(ag.ones(2, 3), 0, 1, -1)
    with pytest.raises(ShapeError, match=r"diagonal: needs a tensor of at least 2 dims"):
        ag.diagonal(ag.ones(3))
    with pytest.raises(ShapeError, match=r"diag_embed: needs a tensor of at least 1 dim"):
        ag.diag_embed(ag.tensor(1.0))
