"""PyTorch's Context calls in custom Functions: mark_non_differentiable,
set_materialize_grads, and the once_differentiable decorator."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag

SEEN: dict = {}  # what the backwards received (a node's own attributes go when it is freed)


class SortWithIndex(ag.Function):
    """Sorted values and, as floats, the permutation: the second output is marked."""

    @staticmethod
    def forward(ctx, x):
        order = np.argsort(x, kind="stable")
        index = order.astype(x.dtype)
        ctx.mark_non_differentiable(index)
        ctx.order = order
        return x[order], index

    @staticmethod
    def backward(ctx, grad, grad_index):
        SEEN['index'] = grad_index
        out = np.zeros_like(grad.data)
        out[ctx.order] = grad.data
        return ag.tensor(out)


def test_a_marked_output_does_not_require_grad_and_backward_gets_zeros_for_it():
    x = ag.tensor([3.0, 1.0, 2.0], dtype=np.float64, requires_grad=True)
    values, index = SortWithIndex.apply(x)
    assert values.requires_grad and not index.requires_grad and index.grad_fn is None
    (values * ag.tensor([1.0, 2.0, 3.0], dtype=np.float64) + index).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 1.0, 2.0])
    np.testing.assert_array_equal(SEEN['index'].data, [0.0, 0.0, 0.0])


class Halves(ag.Function):
    @staticmethod
    def forward(ctx, x, materialize):
        ctx.set_materialize_grads(materialize)
        return x * 0.5, x * 0.25

    @staticmethod
    def backward(ctx, grad_a, grad_b):
        SEEN['halves'] = grad_a, grad_b
        total = 0.0
        if grad_a is not None:
            total = total + grad_a * 0.5
        if grad_b is not None:
            total = total + grad_b * 0.25
        return total, None


@pytest.mark.parametrize("materialize", [True, False])
def test_set_materialize_grads_false_passes_none_for_outputs_without_gradient(materialize):
    x = ag.tensor([4.0], requires_grad=True)
    a, _ = Halves.apply(x, materialize)
    a.sum().backward()
    assert x.grad.item() == 0.5
    missing = SEEN['halves'][1]
    if materialize:
        np.testing.assert_array_equal(missing.data, [0.0])
    else:
        assert missing is None


class NumpyCube(ag.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    @ag.once_differentiable
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        SEEN['recording'] = ag.is_grad_enabled()
        return ag.Tensor(3.0 * x.data ** 2 * grad.data)


def test_once_differentiable_gives_first_gradients_and_refuses_second_ones():
    x = ag.tensor([2.0], dtype=np.float64, requires_grad=True)
    y = NumpyCube.apply(x)
    y.backward()
    assert x.grad.item() == 12.0 and not SEEN['recording']  # ran under no_grad
    w = ag.tensor([1.0], dtype=np.float64, requires_grad=True)
    (g,) = ag.grad((NumpyCube.apply(x) * w).sum(), x, create_graph=True)
    assert g.item() == 12.0 and g.requires_grad
    with pytest.raises(ag.GraphError, match=r"differentiate twice a function that was marked "
                                            r"with @once_differentiable \(NumpyCube.backward\)"):
        g.sum().backward()
    (plain,) = ag.grad(NumpyCube.apply(x).sum(), x, create_graph=True)
    assert not plain.requires_grad  # nothing recorded reached it, as in torch
    assert NumpyCube.backward.__name__ == "backward"
