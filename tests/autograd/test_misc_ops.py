"""The matrix functions (autograd/ops/matrix_functions.py) and products
(autograd/ops/products.py): special values, singular matrices, in-place forms and errors
against PyTorch. Gradcheck, gradgradcheck and gradient parity over shapes are in the op
table (tests/helpers/optable_misc.py)."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import torch as torch_module

import autograd as ag
from autograd.errors import ShapeError


@pytest.fixture
def torch():
    pytest.importorskip("torch")
    return torch_module()


def _same(out, expected) -> None:
    exp = expected.detach().numpy()
    assert out.shape == exp.shape and out.dtype == exp.dtype, (out.shape, out.dtype, exp.dtype)
    np.testing.assert_allclose(out.data, exp, rtol=1e-6, atol=1e-9)


SINGULAR = [[[1.0, 2.0], [2.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]], [[3.0, 1.0], [0.0, 0.0]]]


def test_det_gradient_at_singular_matrices_is_the_cofactor_matrix(torch) -> None:
    a = np.array(SINGULAR + [[[2.0, 1.0], [1.0, 3.0]]])
    x = ag.tensor(a, requires_grad=True)
    ag.det(x).sum().backward()
    tx = torch.tensor(a, requires_grad=True)
    # PyTorch's first-order backward gives 0 at singular matrices; with create_graph it
    # computes the cofactors, which graphgrad always gives.
    (expected,) = torch.autograd.grad(torch.det(tx).sum(), tx, create_graph=True)
    np.testing.assert_allclose(x.grad.data, expected.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(x.grad.data[0], [[4.0, -2.0], [-2.0, 1.0]])


def test_det_second_order_at_a_singular_matrix_raises() -> None:
    x = ag.tensor(SINGULAR[0], requires_grad=True)
    with pytest.raises(RuntimeError, match="singular.*identity"):
        ag.grad(ag.det(x), x, create_graph=True)


def test_det_of_empty_batches_and_0x0_matrices(torch) -> None:
    _same(ag.det(ag.zeros((0, 3, 3))), torch.det(torch.zeros(0, 3, 3)))
    _same(ag.zeros((2, 0, 0)).det(), torch.zeros(2, 0, 0).det())


def test_det_keeps_float32(torch) -> None:
    a = np.random.default_rng(0).standard_normal((2, 3, 3)).astype(np.float32)
    _same(ag.tensor(a).det(), torch.tensor(a).det())


def test_slogdet_named_tuple_and_special_values(torch) -> None:
    a = np.array(SINGULAR[:1] + [[[-2.0, 0.0], [0.0, 3.0]], [[2.0, 1.0], [1.0, 3.0]]])
    out, expected = ag.slogdet(ag.tensor(a)), torch.slogdet(torch.tensor(a))
    _same(out.sign, expected.sign)
    _same(out.logabsdet, expected.logabsdet)
    sign, logabs = ag.tensor(a).slogdet()
    assert sign is out[0] or np.array_equal(sign.data, out.sign.data)
    assert not sign.requires_grad


def test_slogdet_gradient_at_a_singular_matrix_raises() -> None:
    x = ag.tensor(SINGULAR[0], requires_grad=True)
    with pytest.raises(RuntimeError, match="slogdet.*singular"):
        ag.slogdet(x).logabsdet.backward()


def test_logdet_is_nan_for_negative_and_minus_inf_for_zero_determinants(torch) -> None:
    a = np.array([[[-2.0, 0.0], [0.0, 3.0]], [[0.0, 0.0], [0.0, 1.0]], [[2.0, 1.0], [1.0, 3.0]]])
    _same(ag.logdet(ag.tensor(a)), torch.logdet(torch.tensor(a)))
    x = ag.tensor(a[[0, 2]], requires_grad=True)
    tx = torch.tensor(a[[0, 2]], requires_grad=True)
    x.logdet().sum().backward()
    tx.logdet().sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())


def test_inverse_of_a_singular_matrix_raises_runtime_error() -> None:
    with pytest.raises(RuntimeError, match="inverse: .*singular.*pinverse"):
        ag.inverse(ag.tensor(SINGULAR[0]))
    with pytest.raises(RuntimeError, match="matrix_power: .*singular"):
        ag.matrix_power(ag.tensor(SINGULAR[1]), -1)


@pytest.mark.parametrize("op", ["det", "slogdet", "logdet", "inverse"])
def test_square_matrix_functions_refuse_bad_shapes_and_dtypes(op: str) -> None:
    fn = getattr(ag, op)
    with pytest.raises(ShapeError, match=f"{op}: expects square matrices .* 2 by 3"):
        fn(ag.ones((2, 3)))
    with pytest.raises(ShapeError, match=f"{op}: .*at least 2 dims, got shape \\(3,\\)"):
        fn(ag.ones(3))
    with pytest.raises(TypeError, match=f"{op}: expects a float32 or float64 .* got int64"):
        fn(ag.tensor([[1, 2], [3, 4]]))
    with pytest.raises(TypeError, match=f"{op}: expects a float32 or float64 .* got float16"):
        fn(ag.ones((2, 2), dtype=np.float16))


def test_matrix_power_special_cases(torch) -> None:
    a = np.array([[np.nan, 1.0], [2.0, np.inf]])
    x = ag.tensor(a, requires_grad=True)
    eye = x.matrix_power(0)
    _same(eye, torch.tensor(a).matrix_power(0))
    assert eye.requires_grad
    eye.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 2)))
    b = np.random.default_rng(1).standard_normal((2, 3, 3)) + 3 * np.eye(3)
    for n in (1, 2, 5, -1, -3):
        _same(ag.tensor(b).matrix_power(n), torch.tensor(b).matrix_power(n))
    with pytest.raises(TypeError, match="matrix_power: n must be an integer, got 1.5"):
        ag.matrix_power(ag.tensor(b), 1.5)
    with pytest.raises(ShapeError, match="matrix_power: expects square matrices"):
        ag.matrix_power(ag.ones((2, 3)), 2)


def test_pinverse_rcond_rank_deficient_and_empty(torch) -> None:
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]])
    _same(ag.pinverse(ag.tensor(a)), torch.pinverse(torch.tensor(a)))
    b = np.diag([1.0, 1e-3, 0.0])
    _same(ag.tensor(b).pinverse(rcond=1e-2), torch.tensor(b).pinverse(rcond=1e-2))
    _same(ag.pinverse(ag.zeros((0, 3))), torch.pinverse(torch.zeros(0, 3)))
    with pytest.raises(ShapeError, match="pinverse: .*at least 2 dims"):
        ag.pinverse(ag.ones(3))


def test_products_with_beta_zero_ignore_nan_in_input(torch) -> None:
    rng = np.random.default_rng(2)
    m, v, w = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal(3)
    nan3 = np.full(3, np.nan)
    _same(ag.addmv(ag.tensor(nan3), ag.tensor(m), ag.tensor(v), beta=0),
          torch.addmv(torch.tensor(nan3), torch.tensor(m), torch.tensor(v), beta=0))
    nan34 = np.full((3, 4), np.nan)
    _same(ag.addr(ag.tensor(nan34), ag.tensor(w), ag.tensor(v), beta=0, alpha=2),
          torch.addr(torch.tensor(nan34), torch.tensor(w), torch.tensor(v), beta=0, alpha=2))


def test_in_place_products(torch) -> None:
    rng = np.random.default_rng(3)
    x, m, v = rng.standard_normal(3), rng.standard_normal((3, 4)), rng.standard_normal(4)
    t = ag.tensor(x)
    assert t.addmv_(ag.tensor(m), ag.tensor(v), beta=2, alpha=0.5) is t
    _same(t, torch.tensor(x).addmv_(torch.tensor(m), torch.tensor(v), beta=2, alpha=0.5))
    y, u = rng.standard_normal((3, 4)), rng.standard_normal(3)
    t = ag.tensor(y)
    t.addr_(ag.tensor(u), ag.tensor(v), alpha=-1)
    _same(t, torch.tensor(y).addr_(torch.tensor(u), torch.tensor(v), alpha=-1))
    b1, b2 = rng.standard_normal((2, 3, 5)), rng.standard_normal((2, 5, 4))
    t = ag.tensor(y)
    t.addbmm_(ag.tensor(b1), ag.tensor(b2), beta=0.5)
    _same(t, torch.tensor(y).addbmm_(torch.tensor(b1), torch.tensor(b2), beta=0.5))


def test_in_place_product_is_recorded() -> None:
    m = ag.tensor(np.ones((3, 2)), requires_grad=True)
    t = ag.zeros(3, dtype=np.float64) * 1.0
    t.addmv_(m, ag.tensor([1.0, 2.0], dtype=np.float64))
    t.sum().backward()
    np.testing.assert_array_equal(m.grad.data, np.tile([1.0, 2.0], (3, 1)))


def test_product_errors() -> None:
    with pytest.raises(ShapeError, match=r"addmv: expects a matrix \(n, m\) and a vector"):
        ag.addmv(ag.ones(3), ag.ones((3, 2)), ag.ones(3))
    with pytest.raises(ShapeError, match="addmv: input of shape \\(2,\\) can't be broadcast"):
        ag.addmv(ag.ones(2), ag.ones((3, 2)), ag.ones(2))
    with pytest.raises(ShapeError, match="addr: expects two 1-D vectors"):
        ag.addr(ag.ones((3, 2)), ag.ones((3, 1)), ag.ones(2))
    with pytest.raises(ShapeError, match="addbmm: shapes .* cannot be multiplied"):
        ag.addbmm(ag.ones((3, 2)), ag.ones((2, 3, 4)), ag.ones((3, 4, 2)))
    with pytest.raises(ShapeError, match="outer: expects two 1-D tensors"):
        ag.ger(ag.ones((2, 2)), ag.ones(3))
    with pytest.raises(ShapeError, match="vdot: the vectors differ in length"):
        ag.vdot(ag.ones(3), ag.ones(2))
    with pytest.raises(ShapeError, match="vdot: expects two 1-D tensors"):
        ag.vdot(ag.ones((3, 1)), ag.ones(3))
    with pytest.raises(TypeError, match="vdot: expects operands of one dtype"):
        ag.vdot(ag.ones(3, dtype=np.float32), ag.ones(3, dtype=np.float64))


def test_methods_are_the_functions() -> None:
    a = ag.tensor(np.eye(2) * 2.0)
    assert a.det().item() == ag.det(a).item() == 4.0
    np.testing.assert_array_equal(a.inverse().data, np.eye(2) / 2)
    np.testing.assert_array_equal(ag.ones(2).ger(ag.ones(3)).data, np.ones((2, 3)))
    assert ag.ones(3).vdot(ag.ones(3)).item() == 3.0
