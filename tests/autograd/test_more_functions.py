"""tan, atan2, logaddexp (transcend.py), nansum, nanmean, median (statistics.py), cdist,
cross, kron (geometry.py), isclose, unique, searchsorted (lookup.py), randperm and normal
(sampling.py): values, dtypes and special cases against torch, and the errors. Gradients
over shapes are in the op table."""

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


F = np.array([[1.5, -2.0, 0.0], [np.nan, 4.0, -np.inf]], dtype=np.float32)
I = np.array([[3, -1, 0], [2, 2, -5]])


@pytest.mark.parametrize("call", [
    lambda m, x, y: m.tan(x),
    lambda m, x, y: m.atan2(x, y),
    lambda m, x, y: m.atan2(x, m.tensor(2)),
    lambda m, x, y: x.arctan2(y[0]),
    lambda m, x, y: m.logaddexp(x.double(), y.double()),  # torch has no integer logaddexp
    lambda m, x, y: m.logaddexp(x.float(), x.float()),
    lambda m, x, y: m.nansum(x),
    lambda m, x, y: m.nansum(x, 1, keepdim=True),
    lambda m, x, y: x.nansum((0, 1)),
    lambda m, x, y: m.isclose(x, y),
    lambda m, x, y: m.isclose(x, x, equal_nan=True),
    lambda m, x, y: m.kron(x, y),
    lambda m, x, y: m.kron(x[0, 0], y),
    lambda m, x, y: m.median(x),
    lambda m, x, y: m.median(x, 1)[0],
    lambda m, x, y: m.median(x, 0, keepdim=True).indices,
])
@pytest.mark.parametrize("data", [(F, F[::-1].copy()), (I, I[::-1].copy())],
                         ids=["float32", "int64"])
def test_values_and_dtypes_match_torch(torch, call, data) -> None:
    x, y = data
    with np.errstate(all="ignore"):
        out = call(ag, ag.tensor(x), ag.tensor(y))
    _check(out, call(torch, torch.tensor(x), torch.tensor(y)))


def test_logaddexp_of_infinities_and_large_values(torch) -> None:
    a = np.array([-np.inf, np.inf, 1000.0, -1000.0])
    b = np.array([-np.inf, 1.0, 1000.0, -1000.0])
    _check(ag.logaddexp(ag.tensor(a), ag.tensor(b)), torch.logaddexp(torch.tensor(a),
                                                                     torch.tensor(b)))


def test_nanmean(torch) -> None:
    x = np.array([[np.nan, np.nan], [1.0, 2.0]])
    with np.errstate(all="ignore"):
        _check(ag.nanmean(ag.tensor(x), 1), torch.nanmean(torch.tensor(x), 1))
        _check(ag.tensor(x).nanmean(), torch.tensor(x).nanmean())
    with pytest.raises(TypeError, match="nanmean: expects a floating point input, got dtype int64"):
        ag.nanmean(ag.tensor([1, 2]))
    a = ag.tensor(x, requires_grad=True)
    ag.nanmean(a).backward()
    np.testing.assert_array_equal(a.grad.data, [[0.0, 0.0], [0.5, 0.5]])


def test_median_gradients_match_torch(torch) -> None:
    for x in ([1.0, 2.0, 2.0, 3.0], [2.0, 1.0, 2.0, 2.0], [1.0, np.nan, 3.0, np.nan]):
        a, t = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ag.median(a).backward()
        torch.median(t).backward()
        np.testing.assert_array_equal(a.grad.data, t.grad.numpy())
    x = np.array([[3.0, 1.0, 2.0, 5.0], [1.0, np.nan, 0.0, 4.0]])
    a, t = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, t_out = ag.median(a, 1), torch.median(t, 1)
    _check(out.values, t_out.values)
    _check(out.indices, t_out.indices)
    out.values.sum().backward()
    t_out.values.sum().backward()
    np.testing.assert_array_equal(a.grad.data, t.grad.numpy())


def test_median_edge_cases(torch) -> None:
    _check(ag.median(ag.zeros(0)), torch.median(torch.zeros(0)))
    values, indices = ag.median(ag.tensor(2.0), 0)
    assert values.item() == 2.0 and indices.item() == 0 and indices.dtype == np.int64
    with pytest.raises(ShapeError, match=r"median: reduction over dim 0 of size 0 \(input shape "
                                         r"\(0, 3\)\)"):
        ag.median(ag.zeros(0, 3), 0)


def test_cdist(torch) -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((5, 4))
    for p in (0.0, 1.0, 2.0, 3.5, np.inf):
        _check(ag.cdist(ag.tensor(a), ag.tensor(b), p), torch.cdist(torch.tensor(a),
                                                                    torch.tensor(b), p))
    x = ag.zeros(2, 3, dtype=np.float64, requires_grad=True)
    ag.cdist(x, ag.zeros(2, 3, dtype=np.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))
    with pytest.raises(ShapeError, match=r"cdist: .* X1 has shape \(3,\)"):
        ag.cdist(ag.ones(3), ag.ones(3, 3))
    with pytest.raises(ShapeError, match=r"cdist: X1 and X2 must have the same number of "
                                         r"columns, got shapes \(2, 3\) and \(3, 4\)"):
        ag.cdist(ag.ones(2, 3), ag.ones(3, 4))
    with pytest.raises(ShapeError, match=r"cdist: shapes \(2,\) and \(3,\) cannot be broadcast"):
        ag.cdist(ag.ones(2, 2, 3), ag.ones(3, 2, 3))
    with pytest.raises(ValueError, match="cdist: p must be non-negative"):
        ag.cdist(ag.ones(2, 3), ag.ones(2, 3), -1)


def test_cross(torch) -> None:
    a, b = np.arange(9.0).reshape(3, 3), np.array([[1.0, -2.0, 0.5]])
    _check(ag.cross(ag.tensor(a), ag.tensor(b), dim=1), torch.cross(torch.tensor(a),
                                                                    torch.tensor(b), dim=1))
    _check(ag.cross(ag.tensor(a), ag.tensor(a[::-1].copy())),
           torch.cross(torch.tensor(a), torch.tensor(a[::-1].copy()), dim=0))
    _check(ag.cross(ag.tensor(np.ones((2, 3), np.int64)), ag.tensor(I), dim=1),
           torch.cross(torch.ones(2, 3, dtype=torch.int64), torch.tensor(I), dim=1))
    with pytest.raises(ShapeError, match=r"cross: dim 1 must have length 3 in both inputs, got "
                                         r"shapes \(3, 2\)"):
        ag.cross(ag.ones(3, 2), ag.ones(3, 2), dim=1)
    with pytest.raises(ShapeError, match="cross: no dim of size 3"):
        ag.cross(ag.ones(2, 4), ag.ones(2, 4))
    with pytest.raises(ShapeError, match=r"cross: shapes \(2, 3\) and \(4, 3\) cannot be"):
        ag.cross(ag.ones(2, 3), ag.ones(4, 3))


def test_unique(torch) -> None:
    x = np.array([3, 1, 3, 2, 1])
    for kwargs in ({}, {"return_inverse": True}, {"return_counts": True},
                   {"return_inverse": True, "return_counts": True}, {"sorted": False}):
        out, expected = ag.unique(ag.tensor(x), **kwargs), torch.unique(torch.tensor(x), **kwargs)
        for o, e in zip(out if isinstance(out, tuple) else (out,),
                        expected if isinstance(expected, tuple) else (expected,)):
            _check(o, e)
    m = np.array([[1, 2], [1, 2], [0, 5]])
    for o, e in zip(ag.unique(ag.tensor(m), dim=0, return_inverse=True, return_counts=True),
                    torch.unique(torch.tensor(m), dim=0, return_inverse=True,
                                 return_counts=True)):
        _check(o, e)
    _check(ag.tensor(m).unique(return_inverse=True)[1],
           torch.tensor(m).unique(return_inverse=True)[1])
    assert not ag.unique(ag.tensor([1.0, 1.0], requires_grad=True)).requires_grad
    nan = np.array([1.0, np.nan, np.nan, 1.0])
    for o, e in zip(ag.unique(ag.tensor(nan), return_counts=True),
                    torch.unique(torch.tensor(nan), return_counts=True)):
        _check(o, e)


def test_searchsorted(torch) -> None:
    seq, v = np.array([1, 3, 5, 7]), np.array([[0, 3], [6, 9]])
    for kwargs in ({}, {"right": True}, {"side": "right"}, {"out_int32": True}):
        _check(ag.searchsorted(ag.tensor(seq), ag.tensor(v), **kwargs),
               torch.searchsorted(torch.tensor(seq), torch.tensor(v), **kwargs))
    rows = np.array([[1, 3, 5], [2, 4, 6]])
    _check(ag.searchsorted(ag.tensor(rows), ag.tensor([[3], [3]])),
           torch.searchsorted(torch.tensor(rows), torch.tensor([[3], [3]])))
    _check(ag.searchsorted(ag.tensor([1.0, 3.0]), 2.0), torch.searchsorted(torch.tensor([1.0,
                                                                                       3.0]),
                                                                          2.0))
    unsorted = np.array([5, 1, 3])
    sorter = np.argsort(unsorted)
    _check(ag.searchsorted(ag.tensor(unsorted), ag.tensor([2, 4]), sorter=ag.tensor(sorter)),
           torch.searchsorted(torch.tensor(unsorted), torch.tensor([2, 4]),
                              sorter=torch.tensor(sorter)))
    with pytest.raises(ShapeError, match=r"searchsorted: the leading dims of the sorted sequence "
                                         r"\(2, 3\) and of the input \(3, 1\)"):
        ag.searchsorted(ag.tensor(rows), ag.ones(3, 1))
    with pytest.raises(ValueError, match="searchsorted: right=True and side='left'"):
        ag.searchsorted(ag.tensor(seq), 1, right=True, side="left")


def test_isclose_errors() -> None:
    with pytest.raises(ShapeError, match=r"isclose: shapes \(2,\) and \(3,\) cannot be"):
        ag.isclose(ag.ones(2), ag.ones(3))
    with pytest.raises(ValueError, match="isclose: rtol and atol must be non-negative"):
        ag.isclose(ag.ones(2), ag.ones(2), rtol=-1.0)


def test_randperm() -> None:
    p = ag.randperm(10, generator=np.random.default_rng(0))
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(10))
    assert p.tolist() == ag.randperm(10, generator=0).tolist() == ag.randperm(10, rng=0).tolist()
    ag.manual_seed(3)
    first = ag.randperm(6).tolist()
    ag.manual_seed(3)
    assert ag.randperm(6).tolist() == first
    assert ag.randperm(0).shape == (0,)
    assert ag.randperm(4, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="randperm: n must be non-negative"):
        ag.randperm(-1)


def test_normal_forms_and_gradient() -> None:
    x = ag.normal(2.0, 3.0, size=(4000,), generator=0)
    assert x.shape == (4000,) and x.dtype == np.float32
    assert abs(float(x.data.mean()) - 2.0) < 0.2 and abs(float(x.data.std()) - 3.0) < 0.2
    np.testing.assert_array_equal(x.data, ag.normal(2.0, 3.0, (4000,), generator=0).data)
    mean = ag.tensor([0.0, 100.0], dtype=np.float64, requires_grad=True)
    std = ag.tensor([[1e-9], [1e-9], [1e-9]], dtype=np.float64)
    y = ag.normal(mean, std, generator=1)
    assert y.shape == (3, 2) and y.dtype == np.float64 and y.requires_grad
    np.testing.assert_allclose(y.data, np.broadcast_to([0.0, 100.0], (3, 2)), atol=1e-6)
    y.sum().backward()  # PyTorch's normal has gradient 0 for mean and std
    np.testing.assert_array_equal(mean.grad.data, [0.0, 0.0])
    assert ag.normal(mean, 1.0).shape == (2,)
    with pytest.raises(TypeError, match="normal: with numbers for mean and std give the shape"):
        ag.normal(0.0, 1.0)
    with pytest.raises(TypeError, match="normal: give size= only when mean and std are numbers"):
        ag.normal(mean, 1.0, (2,))
    with pytest.raises(ValueError, match="normal: std must be >= 0"):
        ag.normal(0.0, -1.0, (2,))
    with pytest.raises(ShapeError, match=r"normal: shapes \(2,\) and \(3,\) cannot be"):
        ag.normal(mean, ag.ones(3))
