"""scatter, scatter_add, take_along_dim, masked_select (autograd/ops/scattering.py) and the
re-laying ops of autograd/ops/stacking.py: values and dtypes against torch, the special
cases and the errors. Gradients over shapes are in the op table."""

from __future__ import annotations

import numpy as np
import pytest
from tensor_parity import assert_same_as_torch as _check

import autograd as ag
from autograd.errors import ShapeError


@pytest.fixture
def torch():
    th = pytest.importorskip("torch")
    th.set_num_threads(1)
    return th


X = np.arange(12, dtype=np.float32).reshape(3, 4)
IDX = np.array([[0, 1], [2, 0]])


@pytest.mark.parametrize("call", [
    lambda m, x, i: m.scatter(x, 0, i, x * 10),
    lambda m, x, i: m.scatter(x, 1, i, x * 10),
    lambda m, x, i: m.scatter(x, 1, i, value=-1.0),
    lambda m, x, i: x.scatter(-1, i, 2.5),
    lambda m, x, i: m.scatter_add(x, 0, i * 0, x),
    lambda m, x, i: x.scatter_add(1, i, x),
    lambda m, x, i: m.take_along_dim(x[:2], i, 1),
    lambda m, x, i: m.take_along_dim(x, i),
    lambda m, x, i: m.take_along_dim(x, i[:1, :1], 0),
    lambda m, x, i: m.masked_select(x, x > 4),
    lambda m, x, i: x.masked_select((x > 4)[0]),
])
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_values_match_torch(torch, call, dtype) -> None:
    _check(call(ag, ag.tensor(X.astype(dtype)), ag.tensor(IDX)),
           call(torch, torch.tensor(X.astype(dtype)), torch.tensor(IDX)))


def test_0d_and_empty(torch) -> None:
    x = ag.tensor(1.0)
    assert ag.scatter(x, 0, ag.tensor(0), ag.tensor(5.0)).item() == 5.0
    assert ag.scatter_add(x, 0, ag.tensor(0), ag.tensor(5.0)).item() == 6.0
    assert ag.masked_select(x, ag.tensor(True)).tolist() == [1.0]
    a = ag.tensor(X, requires_grad=True)
    out = ag.scatter(a, 0, ag.zeros(0, 4, dtype=np.int64), a)
    np.testing.assert_array_equal(out.data, X)
    assert out.requires_grad and out.data is not a.data
    assert ag.masked_select(ag.zeros(0, 3), ag.tensor([True, False, True])).shape == (0,)


@pytest.mark.parametrize("name,index,rows", [
    ("scatter_add", [[0, 0], [0, 0]], 2),  # repeated places add up
    ("scatter", [[1, 1, 1, 1], [1, 1, 1, 1]], 2),  # a place written twice
], ids=["scatter_add", "scatter"])
def test_scatter_gradients_at_repeated_places_follow_torch(name, index, rows, torch) -> None:
    index = np.array(index)
    src = X[:rows, :index.shape[1]] * 2
    a, s = ag.tensor(X, requires_grad=True), ag.tensor(src, requires_grad=True)
    ta, ts = torch.tensor(X, requires_grad=True), torch.tensor(src, requires_grad=True)
    up = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    getattr(ag, name)(a, 0, ag.tensor(index), s).backward(ag.tensor(up))
    getattr(torch, name)(ta, 0, torch.tensor(index), ts).backward(torch.tensor(up))
    np.testing.assert_array_equal(a.grad.data, ta.grad.numpy())
    np.testing.assert_array_equal(s.grad.data, ts.grad.numpy())
    if name == "scatter_add":
        np.testing.assert_array_equal(s.grad.data, up[[0, 0]][:, :2])


@pytest.mark.parametrize("call,error,match", [
    (lambda x: ag.scatter(x, 0, ag.tensor([[5]]), x), IndexError,
     r"scatter: index 5 is out of bounds for dim 0 of size 3 \(input shape \(3, 4\)\)"),
    (lambda x: ag.scatter(x, 0, ag.tensor([[-1]]), x), IndexError, "scatter: index -1 is out"),
    (lambda x: ag.scatter(x, 0, ag.tensor([0]), x), ShapeError,
     r"scatter: index must have the same number of dims as the input, got index shape \(1,\)"),
    (lambda x: ag.scatter(x, 0, ag.tensor([[0.0]]), x), TypeError,
     "scatter: index must be an int32 or int64 tensor, got dtype float32"),
    (lambda x: ag.scatter(x, 0, ag.tensor([[0]]), x.astype(np.float64)), TypeError,
     "scatter: src must have the input's dtype float32, got float64"),
    (lambda x: ag.scatter(x, 0, ag.zeros(4, 5, dtype=np.int64), x), ShapeError,
     r"scatter: index of shape \(4, 5\) must be no larger than the input \(3, 4\) apart"),
    (lambda x: ag.scatter(x, 0, ag.tensor([[0]]), ag.ones(1, dtype=np.float32)), ShapeError,
     "scatter: src must have the same number of dims as the input"),
    (lambda x: ag.scatter(x, 0, ag.tensor([[0]])), TypeError, "scatter: give the values"),
    (lambda x: ag.scatter_add(x, 0, ag.tensor([[0]]), 1.0), TypeError,
     "scatter_add: src must be a Tensor"),
    (lambda x: ag.take_along_dim(x, ag.tensor([0]), 0), ShapeError,
     r"take_along_dim: input and indices should have the same number of dims, got shapes "
     r"\(3, 4\) and \(1,\)"),
    (lambda x: ag.take_along_dim(x, ag.tensor([[0, 1]]), 0), ShapeError,
     r"take_along_dim: shapes \(3, 4\) and \(1, 2\) cannot be broadcast together apart from"),
    (lambda x: ag.masked_select(x, ag.ones(3, 4)), TypeError,
     "masked_select: the mask must be bool, got float32"),
    (lambda x: ag.masked_select(x, ag.ones(2, 4, dtype=bool)), ShapeError,
     r"masked_select: shapes \(3, 4\) \(input\) and \(2, 4\) \(mask\) cannot be broadcast"),
])
def test_errors(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call(ag.tensor(X))


@pytest.mark.parametrize("call", [
    lambda m, x: m.hstack([x, x]),
    lambda m, x: m.hstack([x[0], x[1], x[0, 0]]),
    lambda m, x: m.vstack([x[0], x]),
    lambda m, x: m.dstack([x, x]),
    lambda m, x: m.dstack([x[0, 0]]),
    lambda m, x: m.movedim(x, 0, 1),
    lambda m, x: x.moveaxis([0, 1], [1, 0]),
    lambda m, x: m.narrow(x, 1, 1, 2),
    lambda m, x: x.narrow(0, -1, 1),
    lambda m, x: x.narrow(1, 4, 0),
    lambda m, x: m.rot90(x),
    lambda m, x: m.rot90(x, 3),
    lambda m, x: m.rot90(x, -2, [1, 0]),
    lambda m, x: m.rot90(x, 4),
    lambda m, x: m.fliplr(x),
    lambda m, x: m.flipud(x[0]),
    lambda m, x: m.repeat_interleave(x, 2, 0),
    lambda m, x: x.repeat_interleave(m.tensor([1, 0, 2]), dim=0),
    lambda m, x: m.repeat_interleave(x[0, 0], 3),
    lambda m, x: m.diff(x),
    lambda m, x: m.diff(x, 2, 0),
    lambda m, x: m.diff(x, 5),
    lambda m, x: m.diff(x, 0),
    lambda m, x: m.diff(x > 5),
    lambda m, x: m.diff(x, 1, 0, prepend=x[:1], append=x),
])
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_layout_values_match_torch(torch, call, dtype) -> None:
    _check(call(ag, ag.tensor(X.astype(dtype))), call(torch, torch.tensor(X.astype(dtype))))


def test_repeat_interleave_counts_only(torch) -> None:
    _check(ag.repeat_interleave(ag.tensor([2, 0, 1])),
           torch.repeat_interleave(torch.tensor([2, 0, 1])))


def test_narrow_is_a_view() -> None:
    x = ag.tensor(X.copy())
    y = x.narrow(1, 1, 2)
    with ag.no_grad():
        y.fill_(-1.0)
    assert (x.data[:, 1:3] == -1).all()


@pytest.mark.parametrize("call,error,match", [
    (lambda x: ag.narrow(x, 1, 2, 3), ValueError,
     r"narrow: start \(2\) \+ length \(3\) exceeds the size 4 of dim 1"),
    (lambda x: ag.narrow(x, 1, -5, 1), IndexError, "narrow: start -5 is out of range"),
    (lambda x: ag.narrow(x[0, 0], 0, 0, 1), ShapeError, "narrow: can't narrow a 0-d tensor"),
    (lambda x: ag.rot90(x, 1, [0, 0]), ValueError, "rot90: the rotation dims must differ"),
    (lambda x: ag.rot90(x, 1, [0, 1, 2]), ValueError, "rot90: expects exactly 2 rotation"),
    (lambda x: ag.rot90(x[0], 1), ShapeError, r"rot90: .* got shape \(4,\)"),
    (lambda x: ag.fliplr(x[0]), ShapeError, r"fliplr: .* at least 2 dims, got shape \(4,\)"),
    (lambda x: ag.flipud(x[0, 0]), ShapeError, r"flipud: .* got shape \(\)"),
    (lambda x: ag.movedim(x, (0, 1), (0,)), ValueError, "movedim: source .* same number"),
    (lambda x: ag.movedim(x, (0, 0), (0, 1)), ValueError, r"movedim: repeated dim in source"),
    (lambda x: ag.repeat_interleave(x, ag.tensor([1, 2]), 0), ShapeError,
     r"repeat_interleave: repeats must have one count per entry along dim 0: got 2 counts "
     r"for size 3"),
    (lambda x: ag.repeat_interleave(x, -1), ValueError, "repeat_interleave: repeats must be "
     "non-negative"),
    (lambda x: ag.diff(x, -1), ValueError, "diff: the order n must be non-negative"),
    (lambda x: ag.diff(x, prepend=x[0]), ShapeError, "diff: prepend and append must have"),
    (lambda x: ag.hstack([]), ValueError, "hstack needs at least one tensor"),
    (lambda x: ag.vstack(x), TypeError, "vstack takes a sequence of tensors"),
])
def test_layout_errors(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call(ag.tensor(X))


def test_index_add(torch) -> None:
    x, src = ag.tensor(X), ag.tensor(X[:, :2] * 10)
    for dtype in (np.float32, np.int64):
        xi, si = ag.tensor(X.astype(dtype)), ag.tensor((X[:, :2] * 10).astype(dtype))
        _check(ag.index_add(xi, 1, ag.tensor([3, 3]), si),
               torch.index_add(torch.tensor(X.astype(dtype)), 1, torch.tensor([3, 3]),
                               torch.tensor((X[:, :2] * 10).astype(dtype))))
    _check(ag.index_add(ag.tensor(1.0), 0, ag.tensor([0]), ag.tensor(2.0)),
           torch.index_add(torch.tensor(1.0), 0, torch.tensor([0]), torch.tensor(2.0)))
    with pytest.raises(ShapeError, match=r"index_add: source of shape \(3, 2\) does not fit: "
                                         r"for input \(3, 4\) and 3 indices along dim 1 it must "
                                         r"be \(3, 3\)"):
        ag.index_add(x, 1, ag.tensor([0, 1, 2]), src)
    with pytest.raises(IndexError, match="index_add: index out of range for dim 1 of size 4"):
        ag.index_add(x, 1, ag.tensor([0, 4]), src)
    with pytest.raises(TypeError, match="index_add: index must be a 0-D or 1-D integer"):
        ag.index_add(x, 1, ag.tensor([[0, 1]]), src)
    with pytest.raises(TypeError, match="index_add: source must have the input's dtype"):
        ag.index_add(x, 1, ag.tensor([0, 1]), src.double())
