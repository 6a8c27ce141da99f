"""autograd.graph's walks: nodes, leaves and saved_bytes on awkward roots and saved values."""

import numpy as np

import autograd as ag
from autograd.graph import leaves, nodes, saved_bytes


def test_nodes_lists_an_op_shared_by_several_roots_once():
    x = ag.tensor(np.arange(4.0), requires_grad=True)
    a, b = ag.split(x * 2, 2)
    assert [n.name for n in nodes([a, b])] == ["Split", "Mul"]


def test_nodes_limit_is_the_number_of_ops_returned():
    x = ag.tensor(1.0, requires_grad=True)
    y = ag.sin(ag.sin(ag.sin(x)))
    assert [len(nodes(y, limit=k)) for k in (0, 1, 2, 5)] == [0, 1, 2, 3]


def test_leaves_and_nodes_take_a_generator_of_roots():
    x, w = ag.tensor(1.0, requires_grad=True), ag.tensor(2.0, requires_grad=True)
    outs = [x * w, x + 1]
    assert {id(t) for t in leaves(o for o in outs)} == {id(x), id(w)}
    assert len(nodes(o for o in outs)) == 2


class ScaleFlat(ag.Function):
    """A custom op that saves a shape (a tuple), not an array, for its backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x.shape)
        return x.reshape(-1) * 2

    @staticmethod
    def backward(ctx, grad):
        (shape,) = ctx.saved_tensors
        return (grad * 2).reshape(tuple(int(s) for s in shape.data))


def test_saved_bytes_skips_saved_values_that_are_not_arrays():
    x = ag.tensor(np.ones((2, 3)), requires_grad=True)
    y = ScaleFlat.apply(x)
    assert saved_bytes(y) == 0
    h = ag.exp(y)  # saves its output: 6 float64
    assert saved_bytes(h.sum()) == 6 * 8
    h.sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.exp(2.0) * np.ones((2, 3)))
