"""The in-place forms added in autograd/tensor_more.py (abs_, exp_, log_, sqrt_, neg_, pow_,
masked_fill_, index_add_, scatter_, scatter_add_): values and gradients against torch
when recorded (the tensor takes the op's history), gradcheck and gradgradcheck through
them, and the refusals of autograd.apply_inplace."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag

X = np.array([[0.5, -1.5, 2.0], [1.25, -0.75, 3.0]])
IDX = np.array([[1, 0, 1]])
MASK = np.array([True, False, True])

CASES = {
    "abs_": lambda m, t, o: t.abs_(),
    "exp_": lambda m, t, o: t.exp_(),
    "log_": lambda m, t, o: t.abs_().log_(),
    "sqrt_": lambda m, t, o: t.abs_().sqrt_(),
    "neg_": lambda m, t, o: t.neg_(),
    "pow_": lambda m, t, o: t.pow_(3),
    "pow_tensor": lambda m, t, o: t.abs_().pow_(o),
    "masked_fill_": lambda m, t, o: t.masked_fill_(m.tensor(MASK), 0.25),
    "masked_fill_tensor": lambda m, t, o: t.masked_fill_(m.tensor(MASK), o[0, 0]),
    "index_add_": lambda m, t, o: t.index_add_(1, m.tensor([2, 0, 2]), o, alpha=2.0),
    "scatter_": lambda m, t, o: t.scatter_(0, m.tensor(IDX), o[:1]),
    "scatter_value": lambda m, t, o: t.scatter_(1, m.tensor(IDX), value=-1.0),
    "scatter_add_": lambda m, t, o: t.scatter_add_(0, m.tensor(IDX), o[:1]),
}


@pytest.fixture
def torch():
    th = pytest.importorskip("torch")
    th.set_num_threads(1)
    return th


@pytest.mark.parametrize("name", CASES)
def test_recorded_in_place_matches_torch(torch, name) -> None:
    call = CASES[name]
    other = X[::-1].copy() * 0.5 + 1.0
    a, o = ag.tensor(X, requires_grad=True), ag.tensor(other, requires_grad=True)
    ta, to = torch.tensor(X, requires_grad=True), torch.tensor(other, requires_grad=True)
    t = a * 1.0
    out = call(ag, t, o)
    assert out is t and t.grad_fn is not None
    t_out = call(torch, ta * 1.0, to)
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-12)
    up = np.arange(6.0).reshape(2, 3)
    (out * ag.tensor(up)).sum().backward()
    (t_out * torch.tensor(up)).sum().backward()
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-12)
    expected = np.zeros(other.shape) if to.grad is None else to.grad.numpy()
    actual = np.zeros(other.shape) if o.grad is None else o.grad.data
    np.testing.assert_allclose(actual, expected, rtol=1e-12)


@pytest.mark.parametrize("name", CASES)
def test_gradcheck_through_in_place(name) -> None:
    call = CASES[name]
    a = ag.tensor(X, requires_grad=True)
    o = ag.tensor(X[::-1].copy() * 0.5 + 1.0, requires_grad=True)

    def fn(x, y):
        return call(ag, x * 1.0, y)

    assert ag.gradcheck(fn, [a, o]).passed
    assert ag.gradgradcheck(fn, [a, o]).passed


@pytest.mark.parametrize("name", CASES)
def test_unrecorded_in_place_matches_torch(torch, name) -> None:
    call = CASES[name]
    other = X[::-1].copy() * 0.5 + 1.0
    t = ag.tensor(X)
    out = call(ag, t, ag.tensor(other))
    assert out is t and t.grad_fn is None and not t.requires_grad
    np.testing.assert_allclose(t.data, call(torch, torch.tensor(X), torch.tensor(other)).numpy())


def test_refusals() -> None:
    leaf = ag.tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError, match="exp_: a leaf tensor that requires grad"):
        leaf.exp_()
    with ag.no_grad():
        leaf.neg_()
    np.testing.assert_array_equal(leaf.data, -X)
    with pytest.raises(TypeError, match="sqrt_: result type float32 can't be cast to .*int64"):
        ag.tensor([1, 4]).sqrt_()
    with pytest.raises(RuntimeError, match="abs_: this tensor's data is a read-only view"):
        ag.broadcast_to(ag.tensor([1.0, -1.0]), (2, 2)).abs_()


def test_saved_input_is_kept_for_backward() -> None:
    a = ag.tensor([0.5, 2.0], dtype=np.float64, requires_grad=True)
    t = a * 1.0
    y = t.log_()  # log's backward needs the input: a copy carries t's history
    y.sum().backward()
    np.testing.assert_allclose(a.grad.data, 1.0 / a.data)
