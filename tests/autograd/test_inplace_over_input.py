"""The in-place forms of relu, sigmoid, tanh, exp, sqrt and neg write over the tensor's own
memory in one pass (``autograd.ops.overwrite``): the same values, gradients and checks as
the out-of-place op followed by a copy, which still runs where the tensor's memory is not
its own contiguous array."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

OPS = ["relu", "sigmoid", "tanh", "exp", "sqrt", "neg"]
SHAPES = [(5, 4), (6000,), (), (0, 3)]  # 6000: above the compiled kernels' minimum size


def _input(op: str, shape: tuple, dtype: type, rng: np.random.Generator) -> np.ndarray:
    x = rng.standard_normal(shape)
    return (np.abs(x) + 0.1 if op == "sqrt" else x).astype(dtype)


def _changed_in_place(op: str, x: ag.Tensor) -> ag.Tensor:
    z = x * 1.0
    getattr(z, op + "_")()
    return z


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("op", OPS)
def test_values_and_gradients_are_the_out_of_place_ones(op, shape, dtype, rng) -> None:
    x0, w0 = _input(op, shape, dtype, rng), rng.standard_normal(shape).astype(dtype)
    x = ag.tensor(x0, requires_grad=True)
    z = x * 1.0
    memory, seen = z.data, z.data.view()
    assert getattr(z, op + "_")() is z
    assert z.data is memory and z.grad_fn.name == op.capitalize()
    (z * w0).sum().backward()

    x_out = ag.tensor(x0, requires_grad=True)
    expected = getattr(ag, op)(x_out * 1.0)
    (expected * w0).sum().backward()
    np.testing.assert_array_equal(z.data, expected.data)
    np.testing.assert_array_equal(seen, expected.data)  # a NumPy view of z sees the change
    np.testing.assert_array_equal(x.grad.data, x_out.grad.data)
    assert z.dtype == dtype and x.grad.dtype == dtype


@pytest.mark.parametrize("op", OPS)
def test_gradcheck_and_gradgradcheck(op, rng) -> None:
    x = ag.tensor(_input(op, (3, 4), np.float64, rng), requires_grad=True)
    assert ag.gradcheck(lambda t: _changed_in_place(op, t), (x,))
    assert ag.gradgradcheck(lambda t: _changed_in_place(op, t), (x,))


@pytest.mark.parametrize("op", OPS)
def test_memory_that_is_not_its_own_contiguous_array_gives_the_same_result(op, rng) -> None:
    x0, w0 = _input(op, (6, 4), np.float64, rng), rng.standard_normal((4, 6))
    x = ag.tensor(x0, requires_grad=True)
    z = x.T * 1.0  # a product of a transposed view keeps its layout: Fortran order
    assert not z.data.flags.c_contiguous
    memory = z.data
    getattr(z, op + "_")()
    assert z.data is memory
    (z * w0).sum().backward()
    x_out = ag.tensor(x0, requires_grad=True)
    expected = getattr(ag, op)(x_out.T * 1.0)
    (expected * w0).sum().backward()
    np.testing.assert_array_equal(z.data, expected.data)
    np.testing.assert_array_equal(x.grad.data, x_out.grad.data)


def test_a_value_saved_before_the_change_is_still_caught(rng) -> None:
    x = ag.tensor(rng.standard_normal(5), requires_grad=True)
    y = ag.sigmoid(x * 1.0)
    y.relu_()  # sigmoid's backward needs its output, now overwritten
    with pytest.raises(RuntimeError, match="saved by Sigmoid .* modified in place"):
        y.sum().backward()
    z = x * 1.0
    product = z * x  # Mul saved z
    z.tanh_()
    with pytest.raises(RuntimeError, match="saved by Mul .* modified in place"):
        product.sum().backward()


def test_retain_grad_follows_the_tensor_and_the_node_is_drawn_as_the_op(rng) -> None:
    x = ag.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    z = x * 2.0
    z.retain_grad()
    z.relu_()
    z.sum().backward()
    np.testing.assert_array_equal(z.grad.data, np.ones((2, 3)))
    np.testing.assert_array_equal(x.grad.data, 2.0 * (x.data > 0))
    assert "Relu" in ag.draw_graph(z).source and "OverInput" not in ag.draw_graph(z).source


def test_without_a_graph_the_change_is_made_in_place_too(rng) -> None:
    z = ag.tensor(rng.standard_normal((3, 3)).astype(np.float32))
    memory = z.data
    expected = np.maximum(memory, 0)
    with ag.no_grad():
        z.relu_()
    assert z.data is memory and z.grad_fn is None
    np.testing.assert_array_equal(z.data, expected)


def test_inplace_activation_modules_train_like_the_out_of_place_ones(rng) -> None:
    x = ag.tensor(rng.standard_normal((8, 5)))
    grads = []
    for inplace in (False, True):
        ag.manual_seed(0)
        model = nn.Sequential(nn.Linear(5, 7), nn.ReLU(inplace=inplace), nn.Linear(7, 3),
                              nn.Sigmoid())
        F.mse_loss(model(x), ag.zeros((8, 3))).backward()
        grads.append([p.grad.data for p in model.parameters()])
    for a, b in zip(*grads):
        np.testing.assert_array_equal(a, b)
