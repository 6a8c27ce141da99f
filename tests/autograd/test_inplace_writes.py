"""Writes into a tensor of the graph, recorded as PyTorch records them: ``t[index] = v``,
``copy_``, ``fill_`` and ``zero_`` give t the history of ``index_put``, so the gradient
reaches t's former value where it was not overwritten and the written value where it
was. Checked against hand-derived gradients, float64 gradcheck and gradgradcheck, and
PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import HAS_TORCH, requires_torch, torch

import autograd as ag


def _x(*shape: int, dtype: type = np.float64) -> ag.Tensor:
    data = np.arange(1, int(np.prod(shape)) + 1, dtype=dtype).reshape(shape)
    return ag.tensor(data, requires_grad=True)


def test_overwritten_places_get_no_gradient() -> None:
    x = _x(3)
    y = x * 2.0
    y[0] = 0.0
    assert y.grad_fn.name == "IndexPut" and y.requires_grad
    np.testing.assert_array_equal(y.data, [0.0, 4.0, 6.0])
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 16.0, 24.0])


def test_a_value_that_requires_grad_puts_a_constant_tensor_in_the_graph() -> None:
    w = ag.tensor(3.0, requires_grad=True)
    buf = ag.zeros(3, dtype=np.float64)
    buf[1] = w
    assert buf.requires_grad and buf.grad_fn.name == "IndexPut"
    (buf * ag.tensor([1.0, 5.0, 7.0])).sum().backward()
    assert w.grad.item() == 5.0


def test_a_broadcast_value_gets_the_sum_of_its_places() -> None:
    x, row = _x(4, 3), ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x + 0.0
    y[1:3] = row
    g = np.arange(12.0).reshape(4, 3)
    y.backward(ag.tensor(g))
    np.testing.assert_array_equal(row.grad.data, g[1] + g[2])
    want = g.copy()
    want[1:3] = 0
    np.testing.assert_array_equal(x.grad.data, want)


def test_a_value_with_extra_leading_ones_gets_its_own_shape() -> None:
    x, v = _x(2, 3), ag.tensor(np.ones((1, 3)), requires_grad=True)
    y = x * 1.0
    y[0] = v  # NumPy drops the leading 1
    y.backward(ag.tensor(np.arange(6.0).reshape(2, 3)))
    assert v.grad.shape == (1, 3)
    np.testing.assert_array_equal(v.grad.data, [[0.0, 1.0, 2.0]])


def test_a_boolean_mask_write() -> None:
    x = ag.tensor([-1.0, 2.0, -3.0, 4.0], requires_grad=True)
    y = x * 1.0
    y[y.data < 0] = 0.0  # ReLU by hand
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 0.0, 1.0])


def test_a_repeated_index_sends_the_gradient_to_the_write_that_stays() -> None:
    x, v = _x(3), ag.tensor([10.0, 20.0, 30.0], requires_grad=True)
    y = x * 1.0
    y[[0, 0, 2]] = v
    kept = np.zeros(3)
    kept[[0, 0, 2]] = [10.0, 20.0, 30.0]  # NumPy's choice of the write that stays
    np.testing.assert_array_equal(y.data, [kept[0], 2.0, 30.0])
    y.backward(ag.tensor([1.0, 2.0, 3.0]))
    got = v.grad.data
    assert got[2] == 3.0 and sorted(got[:2]) == [0.0, 1.0]
    assert v.data[got[:2].argmax()] == kept[0]  # the surviving write got the gradient
    np.testing.assert_array_equal(x.grad.data, [0.0, 2.0, 0.0])


def test_copy_fill_and_zero_are_recorded() -> None:
    w = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = ag.zeros(2, 3, dtype=np.float64)
    a.copy_(w)
    assert a.grad_fn.name == "IndexPut"
    (a * ag.tensor(np.arange(6.0).reshape(2, 3))).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [3.0, 5.0, 7.0])

    s = ag.tensor(2.0, requires_grad=True)
    b = ag.zeros(4, dtype=np.float64)
    b.fill_(s)
    (b * b).sum().backward()
    assert s.grad.item() == 16.0  # 4 places, each 2·2

    x = _x(3)
    y = x * 3.0
    y.zero_()
    (y + x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0, 1.0])


def test_the_value_gradient_has_the_value_dtype() -> None:
    v = ag.tensor(2.0, dtype=np.float64, requires_grad=True)
    y = ag.zeros(3)  # float32
    y[0] = v
    assert y.dtype == np.float32
    y.sum().backward()
    assert v.grad.dtype == np.float64 and v.grad.item() == 1.0


def _write_rows(x: ag.Tensor, v: ag.Tensor) -> ag.Tensor:
    y = x * x
    y[1:, ::2] = v * v
    y[np.array([0, 2]), 1] = v[0]
    return y * x


def test_writing_over_a_saved_value_is_caught_at_backward() -> None:
    x = _x(3)
    y = x * 2.0
    z = y * y  # saves y
    y[0] = 0.0
    with pytest.raises(ag.GraphError, match="modified in place"):
        z.sum().backward()


def test_the_refusals() -> None:
    w = _x(3)
    with pytest.raises(RuntimeError, match=r"^item assignment .*leaf tensor that requires "
                                           r"grad.*no_grad"):
        w[0] = 1.0
    y = w * 1.0
    alias = y.detach()[0:2]  # a view of another tensor: its history can't be rebased
    with pytest.raises(RuntimeError, match=r"shares its memory with other tensors .*\(shapes "
                                           r"\(2,\), \(3,\)\).*detach\(\)-ed alias"):
        y[2] = 0.0
    assert alias.shape == (2,)
    with pytest.raises(TypeError, match=r"^copy_: the value requires grad, but a tensor of "
                                        r"dtype int64 can't carry a gradient"):
        ag.tensor([1, 2, 3]).copy_(w)
    with ag.no_grad():
        w[0] = 5.0  # parameter updates go under no_grad
    assert w.data[0] == 5.0 and w.grad_fn is None


@requires_torch
def test_matches_pytorch() -> None:
    th = torch()
    rng = np.random.default_rng(1)
    xs, vs = rng.standard_normal((4, 5)), rng.standard_normal(5)
    mask = xs > 0.3
    g = rng.standard_normal((4, 5))

    def run(lib, x, v):
        y = x * 2.0
        y[0] = v
        y[2] += v * v
        y[:, 0] *= 3.0
        y[3, 1:3].sub_(v[3:])
        y[1][2:][::2] *= v[1]
        y[1:3, 1::2] = v[:2] * 3.0
        y[lib.tensor(mask)] = 0.5
        z = y * 1.0
        z.copy_(y * v)
        return z

    x, v = ag.tensor(xs, requires_grad=True), ag.tensor(vs, requires_grad=True)
    out = run(ag, x, v)
    out.backward(ag.tensor(g))
    tx, tv = th.tensor(xs, requires_grad=True), th.tensor(vs, requires_grad=True)
    tout = run(th, tx, tv)
    tout.backward(th.tensor(g))
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-15)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-14)
    np.testing.assert_allclose(v.grad.data, tv.grad.numpy(), rtol=1e-14)


def test_a_change_through_a_slice_rebases_its_base() -> None:
    # buf[0:2].add_(w) changes buf: buf takes the history of index_put(buf, 0:2, view + w)
    # and the view that of buf[0:2], as PyTorch rebases a view's base.
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    buf = ag.zeros(3, dtype=np.float64)
    view = buf[0:2]
    view.add_(w)
    assert buf.requires_grad and buf.grad_fn.name == "ViewPut"
    assert view.grad_fn.name == "GetItem"
    np.testing.assert_array_equal(buf.data, [1.0, 2.0, 0.0])
    ((buf * 2.0).sum() + (view * view).sum()).backward()
    np.testing.assert_array_equal(w.grad.data, [2.0 + 2.0, 2.0 + 4.0])


def test_augmented_assignment_to_an_index_matches_pytorch_semantics() -> None:
    x = _x(2, 3)
    y = x * 2.0
    y.retain_grad()
    y[0] += 1.0
    y[:, 1] *= 3.0
    assert y.grad_fn.name == "ViewPut"
    (y * y).sum().backward()
    want = np.array([[3.0, 15.0, 7.0], [8.0, 30.0, 12.0]])  # the values y ends with
    np.testing.assert_array_equal(y.data, want)
    np.testing.assert_array_equal(y.grad.data, 2 * want)
    dy_dx = np.array([[2.0, 6.0, 2.0], [2.0, 6.0, 2.0]])
    np.testing.assert_array_equal(x.grad.data, 2 * want * dy_dx)


def _add_through_rows(x: ag.Tensor, v: ag.Tensor) -> ag.Tensor:
    y = x * x
    y[1] += v * v
    y[:, 0].mul_(v[0])
    y[2][1:] -= v[1]  # a slice of a slice
    y.T[1].mul_(v[1])  # through a transpose
    y.reshape(-1)[::2] += v[0]
    return y * x


@pytest.mark.parametrize("fn,x_shape", [(_write_rows, (3, 4)), (_add_through_rows, (3, 2))],
                         ids=["writes", "changes through slices"])
def test_gradcheck_and_gradgradcheck(fn, x_shape) -> None:
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal(x_shape), requires_grad=True)
    v = ag.tensor(rng.standard_normal(2), requires_grad=True)
    assert ag.gradcheck(fn, (x, v))
    assert ag.gradgradcheck(fn, (x, v))


def test_every_live_slice_is_rebased() -> None:
    # A change of the base, or of one slice, while other slices of it are kept: each
    # keeps reading the base's memory, so each takes the history of reading its path.
    def run(lib, x, w):
        y = x * 2.0
        first, second, inner = y[0], y[1], y[2][1:]
        y.mul_(w)  # the base, with three slices alive
        first.add_(w)  # a slice, with its siblings and the base alive
        inner.sub_(1.0)
        return y, first, second, inner

    xs, ws = np.arange(1.0, 10.0).reshape(3, 3), np.array([2.0, -1.0, 0.5])
    x, w = ag.tensor(xs, requires_grad=True), ag.tensor(ws, requires_grad=True)
    outs = run(ag, x, w)
    sum((o * o).sum() for o in outs).backward()
    want_y = np.array([[6.0, -5.0, 3.5], [16.0, -10.0, 6.0], [28.0, -17.0, 8.0]])
    np.testing.assert_array_equal(outs[0].data, want_y)
    if HAS_TORCH:
        th = torch()
        tx, tw = th.tensor(xs, requires_grad=True), th.tensor(ws, requires_grad=True)
        touts = run(th, tx, tw)
        sum((o * o).sum() for o in touts).backward()
        np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-15)
        np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-15)


def test_changes_through_views_made_by_other_ops_are_rebased_too() -> None:
    def run(lib, x, w):
        y = x * 2.0
        y.T[1].mul_(w)  # a transpose, then an index
        y.view(-1)[0] += 5.0
        z = y.unsqueeze(0).squeeze(0)
        z.sub_(w[0])
        t = y.t()
        t[2] *= 3.0
        r = y.reshape(3, 2)
        r.relu_()
        (y * y).sum().backward()
        return y, t, z

    xs, ws = np.arange(1.0, 7.0).reshape(2, 3) - 3.5, np.array([1.0, 2.0])
    x, w = ag.tensor(xs, requires_grad=True), ag.tensor(ws, requires_grad=True)
    outs = run(ag, x, w)
    np.testing.assert_array_equal(outs[1].data, outs[0].data.T)  # every view reads y
    if HAS_TORCH:
        th = torch()
        tx, tw = th.tensor(xs, requires_grad=True), th.tensor(ws, requires_grad=True)
        touts = run(th, tx, tw)
        for ours, theirs in zip(outs, touts):
            np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-15)
        np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-15)
        np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-15)


def test_changes_through_other_views_are_refused() -> None:
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    y = w * 2.0
    alias = y.detach().reshape(2, 1)
    with pytest.raises(RuntimeError, match=r"shares its memory with other tensors"):
        y[0:1].add_(1.0)  # the alias views memory y's history does not own
    with pytest.raises(RuntimeError, match=r"^add_: this tensor is a view of a leaf tensor "
                                           r"that requires grad \(shape \(2,\)\).*no_grad"):
        w[0] += 1.0
    assert alias.shape == (2, 1)
    buf = ag.zeros(3)
    with ag.no_grad():
        kept = buf[1:]
        buf.add_(1.0)  # not recorded: NumPy's semantics, the view sees the change
    np.testing.assert_array_equal(kept.data, [1.0, 1.0])


def test_writing_a_slice_back_into_its_place_changes_nothing() -> None:
    x = _x(3)
    y = x * 2.0
    y[0] = y[0]  # what t[i] += v ends with: the slice is already there
    y[1:] *= 3.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 6.0, 6.0])
    y = x * 2.0
    with pytest.raises(RuntimeError, match="shares its memory with other tensors"):
        y[0] = y.detach()[0]  # not a slice of y's history: refused, not skipped


def test_the_view_registry_stays_small_over_many_transient_slices() -> None:
    # A mini-batch loop slices its data tensor once per batch: the notes of dead slices
    # are dropped as they accumulate (each lookup is O(1); before, every slice scanned
    # all earlier ones and 20,000 slices took 26 s).
    data = ag.tensor(np.zeros((5000, 3)))
    kept = [data[i:i + 1] for i in range(0, 5000, 500)]
    for i in range(5000):
        batch = data[i:i + 2]
        assert batch.shape[0] >= 1
    counter = data._vc
    assert len(counter.views) <= 4 * len(kept) + 8
    root, path = counter.view_path(kept[3])
    assert root is data and len(path) == 1 and path[0].read_array(data.data).shape == (1, 3)


def test_a_change_through_an_empty_view_changes_nothing(rng) -> None:
    x = ag.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    z = x * 1.0
    before = z.data.copy()
    z[-3:0:2] += ag.tensor(np.ones((0, 3)), requires_grad=True)  # selects no row
    z[1:1].relu_()
    np.testing.assert_array_equal(z.data, before)
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.ones((4, 3)))


def test_a_view_keeps_its_root_so_a_later_change_finds_the_whole_family(rng) -> None:
    # z = z.T.contiguous().T leaves z a view of a root nobody else holds; row is a view of
    # that root too, so changing z in place must rebase row (it was refused: "shares its
    # memory with ... a view of another tensor")
    def run(y):
        z = y * 1.0
        z = z.T.contiguous().T
        z[0].sub_(z[1])
        row = z[1]
        z = z.T.contiguous().T
        z.pow_(2)
        return z.sum() + row.sum() * 3

    y0 = rng.standard_normal((4, 3))
    assert ag.gradcheck(run, (ag.tensor(y0, requires_grad=True),))
    if HAS_TORCH:
        ty = torch().tensor(y0, requires_grad=True)
        run(ty).backward()
        y = ag.tensor(y0, requires_grad=True)
        run(y).backward()
        np.testing.assert_allclose(y.grad.data, ty.grad.numpy(), rtol=1e-12)
