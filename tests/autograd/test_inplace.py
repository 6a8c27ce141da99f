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


@pytest.mark.parametrize("change", [
    lambda a: a.add_(ag.ones(3, 2)),
    lambda a: a.sub_(np.ones((3, 2))),
    lambda a: a.mul_(ag.ones(3, 2)),
    lambda a: a.div_(ag.ones(3, 2)),
])
def test_an_operand_that_would_grow_the_tensor_is_a_shape_error(change) -> None:
    a = ag.zeros(2)
    with pytest.raises(ag.ShapeError, match=r"_: an operand of shape \(3, 2\) can't be broadcast "
                                            r"to the tensor's shape \(2,\)"):
        change(a)
    np.testing.assert_array_equal(a.data, [0.0, 0.0])


def test_augmented_assignment_that_would_grow_the_tensor_is_a_shape_error() -> None:
    a = ag.zeros(2)
    with pytest.raises(ag.ShapeError, match=r"^add_: an operand of shape \(3, 2\)"):
        a += ag.ones(3, 2)


def test_item_assignment_fill_and_copy_name_the_op_and_the_shapes() -> None:
    a = ag.zeros(2)
    with pytest.raises(ag.ShapeError, match=r"^item assignment \(t\[index\] = value\): a value "
                                            r"of shape \(3,\) can't be broadcast to the shape "
                                            r"\(\) .* tensor of shape \(2,\)"):
        a[0] = ag.ones(3)
    b = ag.zeros(2, 3)
    with pytest.raises(ag.ShapeError, match=r"shape \(4,\) can't be broadcast to the shape "
                                            r"\(3,\)"):
        b[0] = ag.ones(4)
    with pytest.raises(ag.ShapeError, match=r"^fill_: the value must be a single number .* "
                                            r"got shape \(2,\); use copy_"):
        a.fill_(ag.tensor([1.0, 2.0]))
    with pytest.raises(ag.ShapeError, match=r"^copy_: source of shape \(3,\) can't be "
                                            r"broadcast to the tensor's shape \(2,\)"):
        a.copy_(ag.ones(3))
    with pytest.raises(TypeError, match=r"^fill_: the operand is a str"):
        a.fill_("x")
    with pytest.raises(TypeError, match=r"^add_: the operand is a str"):
        a.add_("x")
    a.fill_(ag.tensor(3.0))  # a 0-d tensor is a single number
    np.testing.assert_array_equal(a.data, [3.0, 3.0])


def test_an_operand_that_requires_grad_is_refused_naming_the_op() -> None:
    a = ag.zeros(2)
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^item assignment \(t\[index\] = value\): the "
                                           r"operand requires grad.*ag.where"):
        a[0] = w[0]
    with pytest.raises(RuntimeError, match=r"^copy_: the operand requires grad.*clone"):
        a.copy_(w)
    with pytest.raises(RuntimeError, match=r"^add_: the operand requires grad.*detach"):
        a.add_(w)


def test_clamp_of_an_integer_tensor_with_float_bounds_is_a_type_error() -> None:
    i = ag.tensor([0, 1, 2, 3])
    with pytest.raises(TypeError, match=r"^clamp_: result type float64 can't be cast to int64 "
                                        r"in place"):
        i.clamp_(0.5, 2.5)
    assert i.clamp_(1, 2).tolist() == [1, 1, 2, 2]


def test_augmented_float_into_an_integer_tensor_raises_like_the_method() -> None:
    i = ag.tensor([1, 2])
    alias = i
    for change in (lambda t: t.add_(0.5), lambda t: t.__iadd__(0.5)):
        with pytest.raises(TypeError, match=r"^add_: result type float\d+ can't be cast to int64"):
            change(i)
    with pytest.raises(TypeError, match="can't be cast to int64"):
        i -= 0.5
    with pytest.raises(TypeError, match="can't be cast to int64"):
        i *= 1.5
    with pytest.raises(TypeError, match="div_: true division can't write into a tensor of "
                                        "dtype int64"):
        i /= 2
    with pytest.raises(TypeError, match=r"^__iadd__: result type float32 can't be cast to int64"):
        i += ag.tensor([0.5, 0.5], requires_grad=True)  # the recorded, out-of-place branch
    i += 1
    assert i is alias and i.dtype == np.int64 and i.tolist() == [2, 3]
