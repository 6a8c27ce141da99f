"""Result dtypes of ops on integer, bool and mixed operands follow PyTorch's rules.

Ops whose result is not an integer (math functions, activations, softmax, mean/var,
true division) compute integer input in the default float dtype instead of
truncating back to integers; a float scalar (Python's or NumPy's) takes the tensor's
float dtype, or the default one with an integer tensor; an integer tensor meets a
float tensor in the float tensor's dtype; a 0-d float operand takes a dimensioned float
operand's dtype.
"""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag

INTS = np.array([-3, -1, 0, 2, 5])


@pytest.mark.parametrize("name", ["exp", "log1p", "sqrt", "sin", "cos", "tanh", "sigmoid",
                                  "softplus", "leaky_relu", "softmax", "log_softmax"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_float_valued_ops_on_integers_compute_in_the_default_float_dtype(name, dtype) -> None:
    values = np.abs(INTS).astype(dtype)
    out = getattr(ag, name)(ag.tensor(values))
    assert out.dtype == np.float32
    want = getattr(ag, name)(ag.tensor(values.astype(np.float32)))
    np.testing.assert_array_equal(out.data, want.data)


def test_sigmoid_of_integers_is_not_truncated() -> None:
    np.testing.assert_allclose(ag.sigmoid(ag.tensor(INTS)).data,
                               1 / (1 + np.exp(-INTS)), rtol=1e-6)


@pytest.mark.parametrize("name", ["mean", "var", "std", "logsumexp"])
def test_float_valued_reductions_of_integers(name) -> None:
    out = getattr(ag.tensor([1, 2, 3, 4]), name)()
    want = getattr(ag.tensor([1.0, 2.0, 3.0, 4.0]), name)()
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.data, want.data)  # var is 1.25, not 1


def test_sum_and_max_of_integers_stay_integers() -> None:
    t = ag.tensor([1, 2, 3])
    assert t.sum().dtype == np.int64 and t.max().dtype == np.int64


@pytest.mark.parametrize("expr,value", [
    (lambda i: i + 2.5, [3.5, 4.5]), (lambda i: 2.5 - i, [1.5, 0.5]),
    (lambda i: i * 2.5, [2.5, 5.0]), (lambda i: i / 2, [0.5, 1.0]),
    (lambda i: i / i, [1.0, 1.0]), (lambda i: i ** 0.5, [1.0, np.sqrt(2)]),
    (lambda i: 2.0 ** i, [2.0, 4.0]), (lambda i: i * np.float64(2.5), [2.5, 5.0]),
    (lambda i: i + ag.tensor([0.5, 0.5]), [1.5, 2.5]),
    (lambda i: ag.tensor([0.5, 0.5]) - i, [-0.5, -1.5]),
])
def test_integers_meet_floats_in_the_default_float_dtype(expr, value) -> None:
    out = expr(ag.tensor([1, 2]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, value, rtol=1e-6)


def test_integer_arithmetic_stays_integer() -> None:
    i = ag.tensor([1, 2])
    for out in (i + 1, i * 3, i - i, i ** 2):
        assert out.dtype == np.int64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_float_scalars_keep_the_tensors_dtype(dtype) -> None:
    t = ag.tensor([1.0, 4.0], dtype=dtype, requires_grad=True)
    for out in (t * np.float64(2.0), t / np.sqrt(4.0), np.float64(2.0) * t,
                t + np.float32(1.0), t - np.float64(1.0), t ** np.float64(2.0)):
        assert out.dtype == dtype
    (t / np.sqrt(4.0)).sum().backward()
    assert t.grad.dtype == dtype
    np.testing.assert_allclose(t.grad.data, [0.5, 0.5])


def test_joins_picks_and_products_of_integers_and_floats_are_float32() -> None:
    i, f = ag.tensor([1, 2]), ag.tensor([0.5, 1.5])
    for out in (ag.where(np.array([True, False]), i, 1.5), ag.cat([i, f]), ag.stack([f, i]),
                ag.maximum(i, 1.5)):
        assert out.dtype == np.float32
    with pytest.raises(TypeError, match="matmul: .*int64, float32"):  # PyTorch's products
        i @ f  # never promote
    assert ag.cat([i, i]).dtype == np.int64
    np.testing.assert_array_equal(ag.where(np.array([True, False]), i, 1.5).data, [1.0, 1.5])


def test_an_integer_tensor_meets_a_float64_tensor_in_float64() -> None:
    out = ag.tensor([1, 2]) * ag.tensor([0.5, 0.5], dtype=np.float64)
    assert out.dtype == np.float64


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow", "maximum", "minimum"])
def test_a_0d_float64_operand_takes_the_dimensioned_float32_dtype(op) -> None:
    x = ag.tensor([0.5, 1.5, 2.5], requires_grad=True)
    s = ag.tensor(np.float64(2.0), requires_grad=True)
    for a, b in ((x, s), (s, x), (x, np.array(2.0))):
        assert getattr(ag, op)(a, b).dtype == np.float32
    getattr(ag, op)(x, s).sum().backward()
    assert x.grad.dtype == np.float32
    assert s.grad.dtype == np.float64 and s.grad.shape == ()


def test_the_0d_rule_keeps_numpys_promotion_otherwise() -> None:
    f32_0d, f64_0d = ag.tensor(1.0), ag.tensor(np.float64(2.0))
    assert (f32_0d * f64_0d).dtype == np.float64  # both 0-d: the wider
    assert (ag.ones(2, dtype=np.float64) * f32_0d).dtype == np.float64
    assert (ag.tensor([1, 2]) * f64_0d).dtype == np.float64  # the float's category wins
    mask = np.array([True, False, True])
    assert ag.where(mask, ag.ones(3), f64_0d).dtype == np.float32


def test_a_0d_float64_operand_gets_its_gradient_through_the_cast() -> None:
    x = ag.tensor([0.5, 1.5, 2.5], requires_grad=True)
    s = ag.tensor(np.float64(0.75), requires_grad=True)
    (x * s).sum().backward()
    assert s.grad.item() == pytest.approx(4.5)
    np.testing.assert_array_equal(x.grad.data, np.full(3, 0.75, dtype=np.float32))


@requires_torch
def test_matches_torch() -> None:
    torch_ = torch()
    i, ti = ag.tensor([1, 2, 3]), torch_.tensor([1, 2, 3])
    f, tf = ag.tensor([0.5, 1.5, 2.5]), torch_.tensor([0.5, 1.5, 2.5])
    pairs = [(i + 2.5, ti + 2.5), (i / 2, ti / 2), (i / i, ti / ti), (i + f, ti + tf),
             (ag.exp(i), torch_.exp(ti)), (ag.sigmoid(i), torch_.sigmoid(ti)),
             (f * np.float64(3.0), tf * np.float64(3.0)), (i ** 0.5, ti ** 0.5),
             (f * ag.tensor(np.float64(3.0)), tf * torch_.tensor(3.0, dtype=torch_.float64)),
             (f + np.array(2.0), tf + torch_.from_numpy(np.array(2.0))),
             (i * ag.tensor(np.float64(0.5)), ti * torch_.tensor(0.5, dtype=torch_.float64))]
    for ours, theirs in pairs:
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)


@requires_torch
@pytest.mark.parametrize("name", ["lt", "le", "gt", "ge", "eq", "ne"])
def test_comparison_with_a_0d_tensor_of_another_precision_is_in_the_dimensioned_dtype(name):
    # maximum(t, s) holds float32(s) where s wins; PyTorch compares it with s in float32
    th = torch()
    s = np.float64(0.7)  # not a float32 number
    values = np.array([0.5, 1.0, 0.7], dtype=np.float32)
    ours = getattr(ag, name)(ag.maximum(ag.tensor(values), ag.tensor(s)), ag.tensor(s))
    theirs = getattr(th, name)(th.maximum(th.tensor(values), th.tensor(s)),
                                  th.tensor(s))
    np.testing.assert_array_equal(ours.data, theirs.numpy())
    reversed_ours = getattr(ag, name)(ag.tensor(s), ag.tensor(values))
    reversed_theirs = getattr(th, name)(th.tensor(s), th.tensor(values))
    np.testing.assert_array_equal(reversed_ours.data, reversed_theirs.numpy())
