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
    assert z.grad_fn.fn.__name__ == op.capitalize() + "OverInput"
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
    x = ag.tensor(rng.standard_normal((8, 5), dtype=np.float32))
    grads = []
    for inplace in (False, True):
        ag.manual_seed(0)
        model = nn.Sequential(nn.Linear(5, 7), nn.ReLU(inplace=inplace), nn.Linear(7, 3),
                              nn.Sigmoid())
        F.mse_loss(model(x), ag.zeros((8, 3))).backward()
        grads.append([p.grad.data for p in model.parameters()])
    for a, b in zip(*grads):
        np.testing.assert_array_equal(a, b)


def _check_against_out_of_place(z: ag.Tensor, x: ag.Tensor, y: ag.Tensor, outplace,
                                weights: np.ndarray, rtol: float) -> None:
    """z, changed in place from ``x * 1.0`` with operand y, against ``outplace(x * 1.0,
    y)`` on fresh leaves: the same values, and the same gradients of ``Σ weights·z``."""
    (z * weights).sum().backward()
    xe, ye = ag.tensor(x.data, requires_grad=True), ag.tensor(y.data, requires_grad=True)
    expected = outplace(xe * 1.0, ye)
    (expected * weights).sum().backward()
    np.testing.assert_array_equal(z.data, expected.data)
    np.testing.assert_array_equal(x.grad.data, xe.grad.data)
    if ye.grad is None:
        assert y.grad is None
    else:
        np.testing.assert_allclose(y.grad.data, ye.grad.data, rtol=rtol)


# (in-place change, the same out of place) of z and y, y of shape (4,) unless noted
ARITHMETIC = {
    "z += y": (lambda z, y: z.__iadd__(y), lambda z, y: z + y),
    "z -= y": (lambda z, y: z.__isub__(y), lambda z, y: z - y),
    "z += z": (lambda z, y: z.__iadd__(z), lambda z, y: z + z),
    "z -= z": (lambda z, y: z.sub_(z), lambda z, y: z - z),
    "z += 0.5": (lambda z, y: z.__iadd__(0.5), lambda z, y: z + 0.5),
    "z -= 2": (lambda z, y: z.__isub__(2), lambda z, y: z - 2),
    "z *= 3.0": (lambda z, y: z.__imul__(3.0), lambda z, y: z * 3.0),
    "z.mul_(-2)": (lambda z, y: z.mul_(-2), lambda z, y: z * -2),
    "z.add_(1.5, alpha=2)": (lambda z, y: z.add_(1.5, alpha=2), lambda z, y: z + 3.0),
    # these keep the out-of-place op and the copy: the values and gradients are the same
    "z.add_(y, alpha=2)": (lambda z, y: z.add_(y, alpha=2), lambda z, y: z + 2 * y),
    "z *= y": (lambda z, y: z.__imul__(y), lambda z, y: z * y),
    "z /= y": (lambda z, y: z.__itruediv__(y), lambda z, y: z / y),
}
OVERWRITTEN = {"z += y": "Add", "z -= y": "Sub", "z += z": "Add", "z -= z": "Sub",
               "z += 0.5": "Add", "z -= 2": "Add", "z *= 3.0": "Mul", "z.mul_(-2)": "Mul",
               "z.add_(1.5, alpha=2)": "Add"}


@pytest.mark.parametrize("y_shape", [(4,), (5, 4), (1, 4), ()], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("case", ARITHMETIC)
def test_arithmetic_in_place_matches_out_of_place(case, dtype, y_shape, rng) -> None:
    change, outplace = ARITHMETIC[case]
    x0 = rng.standard_normal((5, 4)).astype(dtype)
    y0 = (rng.uniform(0.5, 2.0, y_shape) * rng.choice([-1, 1], y_shape)).astype(dtype)
    x, y = ag.tensor(x0, requires_grad=True), ag.tensor(y0, requires_grad=True)
    z = x * 1.0
    memory = z.data
    assert change(z, y) is z
    assert z.data is memory and z.dtype == dtype
    if case in OVERWRITTEN:  # computed over z's memory by the op's in-place form
        assert z.grad_fn.name == OVERWRITTEN[case]
        assert z.grad_fn.fn.__name__.endswith("OverInput")
    _check_against_out_of_place(z, x, y, outplace, rng.standard_normal((5, 4)).astype(dtype),
                                rtol=1e-6)


@pytest.mark.parametrize("case", ["z += y", "z -= y", "z += z", "z *= 3.0"])
def test_arithmetic_gradcheck_and_gradgradcheck(case, rng) -> None:
    change = ARITHMETIC[case][0]

    def f(x, y):
        z = x * 1.0
        change(z, y)
        return z

    args = (ag.tensor(rng.standard_normal((3, 4)), requires_grad=True),
            ag.tensor(rng.standard_normal(4), requires_grad=True))
    assert ag.gradcheck(f, args) and ag.gradgradcheck(f, args)


def test_operand_of_another_dtype_is_cast_into_the_tensor(rng) -> None:
    x = ag.tensor(rng.standard_normal((2, 3)).astype(np.float32), requires_grad=True)
    y = ag.tensor(rng.standard_normal(3), requires_grad=True)  # float64
    z = x * 1.0
    z += y
    assert z.dtype == np.float32
    np.testing.assert_array_equal(z.data, (x.data + y.data).astype(np.float32))
    z.sum().backward()
    assert y.grad.dtype == np.float64
    np.testing.assert_array_equal(y.grad.data, [2.0, 2.0, 2.0])


def test_residual_block_trains_like_its_out_of_place_form(rng) -> None:
    x = ag.tensor(rng.standard_normal((6, 4)).astype(np.float32))
    grads = []
    for in_place in (False, True):
        ag.manual_seed(0)
        lin1, lin2 = nn.Linear(4, 4), nn.Linear(4, 4)
        h = lin2(F.relu(lin1(x)))
        if in_place:
            h += x
            h.relu_()
        else:
            h = F.relu(h + x)
        h.sum().backward()
        grads.append([p.grad.data for p in (*lin1.parameters(), *lin2.parameters())])
    for a, b in zip(*grads):
        np.testing.assert_array_equal(a, b)


# t[index] = value on a tensor of the graph, and the same with index_put out of place
WRITES = {
    "z[1] = v": (lambda z, v: z.__setitem__(1, v), lambda z, v: ag.index_put(z, 1, v)),
    "z[:, 0] = v": (lambda z, v: z.__setitem__((slice(None), 0), v[:4]),
                    lambda z, v: ag.index_put(z, (slice(None), 0), v[:4])),
    "z[[0, 2, 0]] = v": (lambda z, v: z.__setitem__(np.array([0, 2, 0]), v),
                         lambda z, v: ag.index_put(z, (np.array([0, 2, 0]),), v)),
    "z[z > 0] = 0": (lambda z, v: z.__setitem__(z.data > 0, 0.0),
                     lambda z, v: ag.index_put(z, z.data > 0, 0.0)),
    "z.fill_(v[0])": (lambda z, v: z.fill_(v[0]), lambda z, v: ag.index_put(z, ..., v[0])),
    "z.copy_(v)": (lambda z, v: z.copy_(v), lambda z, v: ag.index_put(z, ..., v)),
    "z.zero_()": (lambda z, v: z.zero_(), lambda z, v: ag.index_put(z, ..., 0.0)),
}


@pytest.mark.parametrize("case", WRITES)
def test_writes_go_into_the_tensor_with_the_gradients_of_index_put(case, rng) -> None:
    write, outplace = WRITES[case]
    x0, v0 = rng.standard_normal((4, 5)), rng.standard_normal(5)
    x, v = ag.tensor(x0, requires_grad=True), ag.tensor(v0, requires_grad=True)
    z = x * 1.0
    memory = z.data
    write(z, v)
    assert z.data is memory and z.grad_fn.fn.__name__ == "IndexPutOverInput"
    _check_against_out_of_place(z, x, v, outplace, rng.standard_normal((4, 5)), rtol=1e-12)


def test_rows_written_in_a_loop_gradcheck(rng) -> None:
    def rows(x, w):
        h = ag.zeros((3, 2), dtype=np.float64) * x.sum()  # in the graph, owns its memory
        for i in range(3):
            h[i] = ag.tanh(x[i] * w)
        return h

    args = (ag.tensor(rng.standard_normal((3, 2)), requires_grad=True),
            ag.tensor(rng.standard_normal(2), requires_grad=True))
    assert ag.gradcheck(rows, args) and ag.gradgradcheck(rows, args)


def test_a_refused_write_leaves_the_tensor_as_it_was(rng) -> None:
    x = ag.tensor(rng.standard_normal(5), requires_grad=True)
    z = x * 1.0
    before, version, node = z.data.copy(), z._version.value, z.grad_fn
    with pytest.raises(IndexError):
        z[np.array([0, 7])] = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises((ValueError, IndexError)):
        z[np.array([0, 1])] = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    np.testing.assert_array_equal(z.data, before)
    assert z._version.value == version and z.grad_fn is node


CHANGES_THROUGH_A_VIEW = {
    "y[1] += v": lambda y, v: y[1].add_(v),
    "y[:, 2] *= 3": lambda y, v: y[:, 2].mul_(3),
    "y[:, 1:].relu_()": lambda y, v: y[:, 1:].relu_(),
    "y.T.tanh_()": lambda y, v: y.T.tanh_(),
}


@pytest.mark.parametrize("change", CHANGES_THROUGH_A_VIEW)
def test_a_change_through_a_view_writes_the_places_into_the_base(change, rng) -> None:
    def run(x, v):
        y = x * 1.0
        CHANGES_THROUGH_A_VIEW[change](y, v)
        return y

    args = (ag.tensor(rng.standard_normal((3, 4)), requires_grad=True),
            ag.tensor(rng.standard_normal(4), requires_grad=True))
    y = args[0] * 1.0
    memory = y.data
    CHANGES_THROUGH_A_VIEW[change](y, args[1])
    assert y.data is memory and y.grad_fn.fn.__name__ == "ViewPutOverInput"
    assert ag.gradcheck(run, args) and ag.gradgradcheck(run, args)
