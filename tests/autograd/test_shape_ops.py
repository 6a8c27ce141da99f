"""The shape family beyond the op table: views and in-place changes through them, the
in-place forms (``put_``, ``index_copy_``, ...) against PyTorch, ties and zeros in
``scatter_reduce``, integer tensors, and the errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag
from autograd.errors import ShapeError

pytestmark = requires_torch


def _pair(values, requires_grad=True):
    """The same float64 leaf in both libraries."""
    values = np.asarray(values, dtype=np.float64)
    return (ag.tensor(values, requires_grad=requires_grad),
            torch().tensor(values, requires_grad=requires_grad))


def _lib(x):
    return ag if isinstance(x, ag.Tensor) else torch()


def _close(ours, theirs):
    if theirs is None:
        assert ours is None or not np.any(ours.data)
        return
    ours = ours.data if isinstance(ours, ag.Tensor) else ours
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-12, atol=1e-12)


def _index_reduce(y, *args, **kwargs):
    with warnings.catch_warnings():  # PyTorch's "index_reduce() is in beta" warning
        warnings.simplefilter("ignore", UserWarning)
        return y.index_reduce_(*args, **kwargs)


# Each changes y, a non-leaf in the graph, in place with a second operand s that
# requires grad; values and both gradients must match PyTorch's.
IN_PLACE = {
    "put_": lambda y, s, L: y.put_(L.tensor([5, 0, 5]), s[0, :3], accumulate=True),
    "put_plain": lambda y, s, L: y.put_(L.tensor([-1, 2]), s[1, 1:3]),
    "index_copy_": lambda y, s, L: y.index_copy_(0, L.tensor([2, 0]), s),
    "index_copy_view": lambda y, s, L: y[1:].index_copy_(1, L.tensor([3]), s[:, :1]),
    "index_fill_": lambda y, s, L: y.index_fill_(1, L.tensor([0, 3]), s[1, 2]),
    "masked_scatter_": lambda y, s, L: y.masked_scatter_(L.tensor([True, False, True, False]),
                                                         s * 3.0),
    "scatter_reduce_prod": lambda y, s, L: y.scatter_reduce_(
        0, L.tensor([[0, 0, 2, 1], [0, 1, 2, 1]]), s, "prod"),
    "scatter_reduce_amin_noself": lambda y, s, L: y.scatter_reduce_(
        1, L.tensor([[0, 0], [3, 3]]), s[:, :2], "amin", include_self=False),
    "index_reduce_mean": lambda y, s, L: _index_reduce(y, 0, L.tensor([1, 1]), s, "mean"),
    "index_reduce_amax_noself": lambda y, s, L: _index_reduce(y, 0, L.tensor([2, 0]), s, "amax",
                                                              include_self=False),
}


@pytest.mark.parametrize("name", IN_PLACE)
def test_in_place_forms_match_torch(name):
    change = IN_PLACE[name]
    results = []
    for x, s in zip(_pair(np.arange(12.0).reshape(3, 4) - 5.5),
                    _pair(np.arange(8.0).reshape(2, 4) * 0.5 - 1.25)):
        y = x * 2.0
        out = change(y, s, _lib(x))
        assert out is y or name.endswith("view")
        (y * y).sum().backward()
        results.append((y, x.grad, s.grad))
    for ours, theirs in zip(*results):
        _close(ours, theirs)


def test_in_place_form_on_a_plain_tensor_and_a_refused_leaf():
    t = ag.zeros(3, 4, dtype=np.float64)
    t.index_fill_(0, ag.tensor([1]), 2.0)
    np.testing.assert_array_equal(t.data, [[0] * 4, [2] * 4, [0] * 4])
    leaf = ag.zeros(3, dtype=np.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        leaf.put_(ag.tensor([0]), ag.tensor([1.0], dtype=np.float64))


def test_pieces_and_unflatten_are_views():
    base = ag.tensor(np.arange(12.0).reshape(3, 4))
    pieces = base.tensor_split([1], dim=1)
    grid = base.unflatten(1, (2, 2))
    windows = base.unfold(1, 2, 2)
    base.data[0, 0] = 100.0
    assert pieces[0].data[0, 0] == grid.data[0, 0, 0] == windows.data[0, 0, 0] == 100.0
    windows.data[2, 1, 1] = -1.0  # windows 2 apart do not overlap: writable
    assert base.data[2, 3] == -1.0


def test_unfold_overlapping_windows_are_read_only():
    windows = ag.tensor(np.arange(5.0)).unfold(0, 3, 1)
    with pytest.raises(RuntimeError, match="read-only"):
        windows.add_(1.0)


def test_change_through_views_reaches_the_base_gradient_as_torch():
    results = []
    for x in _pair(np.arange(12.0).reshape(3, 4) / 7.0):
        y = x * 1.5
        y.unfold(1, 2, 2)[1].mul_(3.0)  # writes y[1] through the windows
        piece = y.tensor_split(3, dim=0)[2]
        piece.add_(y[0])
        y.unflatten(1, (2, -1))[:, 0].neg_()
        (y ** 2).sum().backward()
        results.append((y, x.grad))
    for ours, theirs in zip(*results):
        _close(ours, theirs)


def test_base_changed_after_unfold_is_read_again_by_the_windows():
    results = []
    for x in _pair(np.linspace(-1.0, 1.0, 6)):
        y = x * 2.0
        windows = y.unfold(0, 3, 1)
        y.add_(x * x)
        (windows * windows).sum().backward()
        results.append((windows, x.grad))
    for ours, theirs in zip(*results):
        _close(ours, theirs)


# Ties between input and src (amax/amin share the gradient evenly), zeros for prod (a
# lone zero in a place gets the product of the others, two zeros give 0).
TIES_AND_ZEROS = np.array([[1.0, 2.0, 3.0, 0.0, 0.0], [2.0, 0.0, 5.0, 1.0, 1.0],
                           [0.0, 2.0, 1.0, 1.0, 1.0]])
SRC = np.array([[2.0, 2.0, 0.0, 2.0, 0.0], [1.0, 0.0, 0.0, 3.0, 4.0]])


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_ties_and_zeros_as_torch(reduce, include_self):
    results = []
    for x, s in zip(_pair(TIES_AND_ZEROS), _pair(SRC)):
        L = _lib(x)
        out = x.scatter_reduce(0, L.tensor([[0, 0, 1, 0, 0], [0, 0, 1, 0, 0]]), s, reduce,
                               include_self=include_self)
        out.backward(L.tensor(np.arange(1.0, 16.0).reshape(3, 5)))
        results.append((out, x.grad, s.grad))
    for ours, theirs in zip(*results):
        _close(ours, theirs)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
def test_scatter_reduce_integers_as_torch(reduce):
    a, src, index = [[1, 2, 3], [4, 5, 6]], [[2, 7, -3], [-9, 1, 1]], [[1, 1, 0], [0, 1, 0]]
    ours = ag.tensor(a).scatter_reduce(0, ag.tensor(index), ag.tensor(src), reduce)
    theirs = torch().tensor(a).scatter_reduce(0, torch().tensor(index), torch().tensor(src),
                                              reduce)
    assert ours.dtype == np.int64 and not ours.requires_grad
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_integer_results_keep_their_dtype():
    t = ag.arange(12).reshape(3, 4)
    assert all(p.dtype == np.int64 for p in ag.hsplit(t, 2))
    assert ag.take(t, ag.tensor([3, -1])).data.tolist() == [3, 11]
    assert ag.diagflat(ag.tensor([1, 2])).data.tolist() == [[1, 0], [0, 2]]
    assert ag.put(t, ag.tensor([0]), ag.tensor([-7])).data[0, 0] == -7


def test_zero_dim_inputs_as_torch():
    th = torch()
    for ours, theirs in [
        (ag.tensor(2.0).unfold(0, 1, 1), th.tensor(2.0).unfold(0, 1, 1)),
        (ag.tensor(2.0).index_copy(0, ag.tensor([0]), ag.tensor(5.0)),
         th.tensor(2.0).index_copy(0, th.tensor([0]), th.tensor(5.0))),
        (ag.tensor(2.0).index_fill(0, ag.tensor([0, -1]), 1.0),
         th.tensor(2.0).index_fill(0, th.tensor([0, -1]), 1.0)),
        (ag.tensor(2.0).ravel(), th.tensor(2.0).ravel()),
        (ag.tensor(3.0).diagflat(-1), th.tensor(3.0).diagflat(-1)),
        (ag.tensor(2.0).scatter_reduce(0, ag.tensor(0), ag.tensor(3.0), "prod"),
         th.tensor(2.0).scatter_reduce(0, th.tensor(0), th.tensor(3.0), "prod")),
    ]:
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_splits_as_torch():
    th = torch()
    data = np.arange(24.0).reshape(2, 3, 4)
    ours, theirs = ag.tensor(data), th.tensor(data)
    cases = [
        (ours.tensor_split(ag.tensor([1, 3]), 2), theirs.tensor_split(th.tensor([1, 3]), 2)),
        (ours.tensor_split(ag.tensor(2), 1), theirs.tensor_split(th.tensor(2), 1)),
        (ours.tensor_split(5, 1), theirs.tensor_split(5, 1)),
        (ag.tensor_split(ours, sections=3, dim=2), th.tensor_split(theirs, sections=3, dim=2)),
        (ours.tensor_split(indices=[-1], dim=1), theirs.tensor_split(indices=[-1], dim=1)),
        (ag.vsplit(ours, [5]), th.vsplit(theirs, [5])),
        (ours.dsplit([3, 1]), theirs.dsplit([3, 1])),
        (ours.split_with_sizes([0, 3, 1], -1), theirs.split_with_sizes([0, 3, 1], -1)),
    ]
    for mine, expected in cases:
        assert len(mine) == len(expected)
        for m, e in zip(mine, expected):
            np.testing.assert_array_equal(m.data, e.numpy())


@pytest.mark.parametrize("call,error,match", [
    (lambda t: t.tensor_split(0), ValueError, "positive"),
    (lambda t: t.tensor_split(2, sections=2), TypeError, "once"),
    (lambda t: ag.tensor(1.0).tensor_split(1), ShapeError, "0-d"),
    (lambda t: t.hsplit(3), ShapeError, "equal parts"),
    (lambda t: ag.vsplit(t[0], 2), ShapeError, "at least 2 dims"),
    (lambda t: t.dsplit(2), ShapeError, "at least 3 dims"),
    (lambda t: t.split_with_sizes([1, 2]), ShapeError, "add up"),
    (lambda t: t.unflatten(1, (3, -1)), ShapeError, "multiply up"),
    (lambda t: t.unflatten(1, (-1, -1)), ShapeError, "multiply up"),
    (lambda t: t.unfold(1, 5, 1), ShapeError, "size 5"),
    (lambda t: t.unfold(1, 2, 0), ValueError, "step"),
    (lambda t: t.sum_to_size(3, 4), ShapeError, "not expandable"),
    (lambda t: t.take(ag.tensor([8])), IndexError, "take"),
    (lambda t: t.take(ag.tensor([1.0])), TypeError, "integer"),
    (lambda t: t.put(ag.tensor([0, 1]), ag.tensor([1.0], dtype=np.float64)), ShapeError,
     "same number"),
    (lambda t: t.put(ag.tensor([0]), ag.tensor([1.0])), TypeError, "dtype"),
    (lambda t: t.index_copy(0, ag.tensor([-1]), t[:1]), IndexError, r"\[0, 2\)"),
    (lambda t: t.index_copy(1, ag.tensor([0]), t), ShapeError, "must be"),
    (lambda t: t.index_fill(0, ag.tensor([2]), 1.0), IndexError, "index_fill"),
    (lambda t: t.masked_scatter(ag.tensor([True] * 4), t[0, :3]), ShapeError, "8 true"),
    (lambda t: t.masked_scatter(ag.tensor([1, 0, 1, 0]), t), TypeError, "bool"),
    (lambda t: t.scatter_reduce(0, ag.tensor([[0]]), t, "max"), ValueError, "amax"),
    (lambda t: t.index_reduce(0, ag.tensor([0]), t[:1], "sum"), ValueError, "'prod'"),
    (lambda t: ag.select_scatter(t, t[0, :3], 0, 1), ShapeError, "does not fit"),
    (lambda t: ag.select_scatter(t, t[0], 0, 2), IndexError, "out of range"),
    (lambda t: ag.slice_scatter(t, t, 1, step=-1), ValueError, "step"),
    (lambda t: ag.diagonal_scatter(t, t[0, :2].float(), 0), TypeError, "dtype"),
    (lambda t: ag.diagonal_scatter(t[0], t[0], 0), ShapeError, "2 dims"),
])
def test_errors_name_the_op_and_the_fix(call, error, match):
    with pytest.raises(error, match=match):
        call(ag.tensor(np.arange(8.0).reshape(2, 4)))


def test_names_are_functions_and_methods():
    names = ["dsplit", "hsplit", "ravel", "split_with_sizes", "sum_to_size", "tensor_split",
             "unflatten", "unfold", "vsplit", "index_copy", "index_fill", "masked_scatter",
             "put", "take", "index_reduce", "scatter_reduce", "diagflat", "diagonal_scatter",
             "select_scatter", "slice_scatter"]
    for name in names:
        assert callable(getattr(ag, name)) and callable(getattr(ag.Tensor, name))
    for name in ["put_", "index_copy_", "index_fill_", "masked_scatter_", "scatter_reduce_",
                 "index_reduce_"]:
        assert callable(getattr(ag.Tensor, name))
