"""In-place safety: version counters, saved-tensor checks and the refusal to change a
tensor in the recorded graph."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag


def test_inplace_methods_change_data_and_bump_version() -> None:
    t = ag.tensor([1.0, 2.0, 3.0])
    v0 = t._version.value
    t.add_(1.0).mul_(2.0).sub_(1.0).div_(2.0)
    np.testing.assert_allclose(t.data, [1.5, 2.5, 3.5])
    t[0] = 10.0
    t.copy_(ag.tensor([4.0, 5.0, 6.0]))
    t.fill_(7.0)
    t.zero_()
    assert t._version.value == v0 + 8
    np.testing.assert_array_equal(t.data, 0.0)


def test_backward_through_a_changed_saved_tensor_raises_naming_the_op() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    a = ag.tensor([3.0, 4.0])
    y = (x * a).sum()
    a.mul_(2.0)
    with pytest.raises(ag.GraphError, match="saved by Mul") as err:
        y.backward()
    assert "clone()" in str(err.value)


def test_changing_a_saved_leaf_under_no_grad_is_detected() -> None:
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    with ag.no_grad():
        w.sub_(0.1)
    with pytest.raises(ag.GraphError, match="modified in place"):
        y.backward()


def test_inplace_on_leaf_requiring_grad_outside_no_grad_raises() -> None:
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w.add_(1.0)
    with pytest.raises(RuntimeError, match="no_grad"):
        w += 1.0
    with pytest.raises(RuntimeError, match="no_grad"):
        w[0] = 3.0
    with ag.no_grad():
        w += 1.0
        w[0] = 5.0
    np.testing.assert_allclose(w.data, [5.0, 3.0])


def test_augmented_assignment_on_graph_tensor_stays_correct() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2.0
    h += x  # recorded out of place: h = 3x
    h.sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 3.0])


def test_inplace_on_graph_tensor_with_method_raises() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2.0
    with pytest.raises(RuntimeError, match="out-of-place"):
        h.mul_(2.0)


def test_inplace_on_readonly_broadcast_view_raises() -> None:
    t = ag.broadcast_to(ag.tensor([1.0, 2.0]), (3, 2))
    with pytest.raises(RuntimeError, match="clone"):
        t.zero_()


def test_detach_shares_the_version_counter() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.exp(x)
    z = (y * y).sum()  # Mul saves y
    d = y.detach()
    d.zero_()
    ag.exp(x).sum().backward()  # a graph built after the change is fine
    with pytest.raises(ag.GraphError, match="modified in place"):
        z.backward()


@pytest.mark.parametrize("change", ["detached view", "no_grad"])
def test_changing_a_saved_output_in_place_is_detected(change) -> None:
    # exp saves its output y for the backward (d e^x = e^x): zeroing y afterwards would
    # give zero gradients silently.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.exp(x)
    z = y.sum()
    if change == "detached view":
        y.detach().zero_()
    else:
        with ag.no_grad():
            y.zero_()
    with pytest.raises(ag.GraphError, match=r"saved by Exp .*\(its output 0\) was modified"):
        z.backward()


def test_an_unchanged_saved_output_still_backpropagates() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    outs = ag.sigmoid(x), ag.tanh(x), ag.relu(x)
    sum(o.sum() for o in outs).backward()
    s = 1 / (1 + np.exp(-x.data))
    np.testing.assert_allclose(x.grad.data, s * (1 - s) + 1 - np.tanh(x.data) ** 2 + 1)


@pytest.mark.parametrize("view", [lambda t: t[0:1], lambda t: t.reshape(2, 1),
                                  lambda t: t.reshape(1, 2).T, lambda t: t[None][0]])
def test_a_change_through_a_view_reaches_the_viewed_tensor(view) -> None:
    # PyTorch's rule: a view shares its base's version counter, so changing the view
    # in place invalidates a graph that saved the base.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.exp(x)
    z = (y * y).sum()  # Mul saves y; Exp saves it as its output
    view(y.detach()).zero_()
    with pytest.raises(ag.GraphError, match="modified in place"):
        z.backward()


def test_a_change_through_a_view_of_a_parameter_under_no_grad() -> None:
    w = ag.tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    x = ag.tensor(np.array([[1.0, 1.0]]))
    loss = (x @ w).sum()  # MatMul saves w
    with ag.no_grad():
        w[0].mul_(2.0)
    with pytest.raises(ag.GraphError, match="saved by MatMul"):
        loss.backward()


def test_a_graph_built_after_a_change_through_a_view_is_fine() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.no_grad():
        x[0:1].mul_(3.0)  # bumps x's version
    (x * x).sum().backward()  # Mul saves x at its new version
    np.testing.assert_allclose(x.grad.data, [6.0, 4.0])
