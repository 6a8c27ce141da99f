"""The toplevel family against PyTorch where results are integers, bools, tuples or
constants: index generators, membership and bins, windows and ``logspace``, the return
forms of ``atleast_*``/``meshgrid``/``broadcast_*``, ``frexp``'s exponent, the overloads of
``var_mean``, dtypes and errors. Gradients and their parity are in the op table
(tests/helpers/optable_toplevel.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
from autograd.errors import ShapeError


@pytest.fixture
def torch():
    th = pytest.importorskip("torch")
    th.set_num_threads(1)
    return th


def _same(out, expected, tol: float = 0.0) -> None:
    exp = expected.detach().numpy()
    assert out.shape == exp.shape and out.dtype == exp.dtype, (out.shape, out.dtype, exp.dtype)
    np.testing.assert_allclose(out.data, exp, rtol=tol, atol=tol)


@pytest.mark.parametrize("row,col,offset", [(3, 4, 1), (3, 3, -1), (4, 2, 0), (0, 3, 0),
                                            (3, 5, -7), (2, 2, 9)])
def test_triangle_indices_match_torch(torch, row, col, offset) -> None:
    _same(ag.tril_indices(row, col, offset), torch.tril_indices(row, col, offset))
    _same(ag.triu_indices(row, col, offset), torch.triu_indices(row, col, offset))
    _same(ag.tril_indices(row, col, offset, dtype=np.int32),
          torch.tril_indices(row, col, offset, dtype=torch.int32))


def test_triangle_indices_refuse_float_dtype_and_negative_sizes() -> None:
    with pytest.raises(TypeError, match="tril_indices"):
        ag.tril_indices(2, 2, dtype=np.float32)
    with pytest.raises(ValueError, match="triu_indices"):
        ag.triu_indices(-1, 2)


def test_isin_matches_torch(torch) -> None:
    a, b = [1.0, np.nan, 3.0, 2.0], [2.0, np.nan, 7.0]
    _same(ag.isin(ag.tensor(a), ag.tensor(b)), torch.isin(torch.tensor(a), torch.tensor(b)))
    _same(ag.isin(ag.tensor(a), ag.tensor(b), invert=True),
          torch.isin(torch.tensor(a), torch.tensor(b), invert=True))
    _same(ag.isin(ag.tensor([[1, 2], [3, 4]]), 3), torch.isin(torch.tensor([[1, 2], [3, 4]]), 3))
    _same(ag.isin(2, ag.tensor([1, 2])), torch.isin(2, torch.tensor([1, 2])))


@pytest.mark.parametrize("right", [False, True])
def test_bucketize_matches_torch(torch, right) -> None:
    values, edges = [[-1.0, 1.0, 2.5], [3.0, 5.0, 9.0]], [1.0, 3.0, 5.0]
    _same(ag.bucketize(ag.tensor(values), ag.tensor(edges), right=right),
          torch.bucketize(torch.tensor(values), torch.tensor(edges), right=right))
    _same(ag.bucketize(3, ag.tensor(edges), right=right, out_int32=True),
          torch.bucketize(3, torch.tensor(edges), right=right, out_int32=True))


def test_bucketize_needs_1d_boundaries() -> None:
    with pytest.raises(ShapeError, match="bucketize"):
        ag.bucketize(ag.tensor([1.0]), ag.ones(2, 2))


@pytest.mark.parametrize("indices,shape", [([5, 0, 3], (2, 3)), ([-1, 6, -7], (2, 3)),
                                           (4, (2, 3)), ([[1, 7], [0, 2]], (2, 2, 2)),
                                           ([3, 1], 4)])
def test_unravel_index_matches_torch(torch, indices, shape) -> None:
    out = ag.unravel_index(ag.tensor(indices), shape)
    expected = torch.unravel_index(torch.tensor(indices), shape)
    assert len(out) == len(expected)
    for o, e in zip(out, expected):
        _same(o, e)


def test_unravel_index_refuses_float_indices() -> None:
    with pytest.raises(TypeError, match="unravel_index"):
        ag.unravel_index(ag.tensor([1.0]), (2,))


@pytest.mark.parametrize("name", ["hann_window", "hamming_window", "bartlett_window",
                                  "blackman_window", "kaiser_window"])
@pytest.mark.parametrize("length", [0, 1, 2, 7, 10])
@pytest.mark.parametrize("periodic", [True, False])
def test_windows_match_torch(torch, name, length, periodic) -> None:
    _same(getattr(ag, name)(length, periodic, dtype=np.float64),
          getattr(torch, name)(length, periodic, dtype=torch.float64), 1e-12)
    _same(getattr(ag, name)(length, periodic), getattr(torch, name)(length, periodic), 1e-6)


def test_window_parameters_match_torch(torch) -> None:
    _same(ag.hamming_window(6, False, 0.5, 0.5, dtype=np.float64),
          torch.hamming_window(6, False, 0.5, 0.5, dtype=torch.float64), 1e-12)
    _same(ag.kaiser_window(6, True, 3.0, dtype=np.float64),
          torch.kaiser_window(6, True, 3.0, dtype=torch.float64), 1e-12)
    assert ag.hann_window(3, requires_grad=True).requires_grad


def test_windows_refuse_integer_dtype_and_negative_length() -> None:
    with pytest.raises(TypeError, match="hann_window"):
        ag.hann_window(3, dtype=np.int64)
    with pytest.raises(ValueError, match="kaiser_window"):
        ag.kaiser_window(-1)


def test_logspace_matches_torch(torch) -> None:
    _same(ag.logspace(-2, 3, 6), torch.logspace(-2, 3, 6), 1e-6)
    _same(ag.logspace(0, 1, 5, base=2.0, dtype=np.float64),
          torch.logspace(0, 1, 5, base=2.0, dtype=torch.float64), 1e-12)
    _same(ag.logspace(0, 2, 3, dtype=np.int64), torch.logspace(0, 2, 3, dtype=torch.int64))
    _same(ag.logspace(1, 2, 0), torch.logspace(1, 2, 0))


def test_atleast_returns_a_tensor_for_one_and_a_tuple_otherwise() -> None:
    x = ag.tensor(1.0)
    assert ag.atleast_1d(x).shape == (1,)
    assert isinstance(ag.atleast_2d([x]), tuple) and ag.atleast_2d([x])[0].shape == (1, 1)
    shapes = [t.shape for t in ag.atleast_3d(x, ag.ones(2), ag.ones(2, 3))]
    assert shapes == [(1, 1, 1), (1, 2, 1), (2, 3, 1)]
    y = ag.ones(2, 3, 4, 5)
    assert ag.atleast_3d(y) is y


def test_block_diag_dtypes_and_empty(torch) -> None:
    _same(ag.block_diag(ag.tensor([1, 2]), ag.tensor([[3.5]], dtype=np.float64)),
          torch.block_diag(torch.tensor([1, 2]), torch.tensor([[3.5]], dtype=torch.float64)))
    _same(ag.block_diag(), torch.block_diag())
    _same(ag.block_diag(ag.ones(0, 2), ag.tensor(3.0)),
          torch.block_diag(torch.ones(0, 2), torch.tensor(3.0)))
    with pytest.raises(ShapeError, match="block_diag"):
        ag.block_diag(ag.ones(1, 1, 1))


def test_broadcast_shapes_and_tensors(torch) -> None:
    assert ag.broadcast_shapes((2, 1), 3, (1,)) == tuple(torch.broadcast_shapes((2, 1), 3, (1,)))
    assert ag.broadcast_shapes() == ()
    with pytest.raises(ShapeError, match="broadcast_shapes"):
        ag.broadcast_shapes((2,), (3,))
    a, b = ag.broadcast_tensors(ag.ones(3, 1), ag.tensor([1, 2]))
    assert a.shape == b.shape == (3, 2) and b.dtype == np.int64


def test_meshgrid_forms(torch) -> None:
    x, y = ag.tensor([1, 2, 3]), ag.tensor([4, 5])
    for indexing in ("ij", "xy"):
        for o, e in zip(ag.meshgrid(x, y, indexing=indexing),
                        torch.meshgrid(torch.tensor([1, 2, 3]), torch.tensor([4, 5]),
                                       indexing=indexing)):
            _same(o, e)
    assert [g.shape for g in ag.meshgrid([x, y])] == [(3, 2), (3, 2)]
    with pytest.raises(ValueError, match="indexing"):
        ag.meshgrid(x, y, indexing="yx")
    with pytest.raises(TypeError, match="meshgrid"):
        ag.meshgrid(x, ag.tensor([1.0]))
    with pytest.raises(ShapeError, match="meshgrid"):
        ag.meshgrid(ag.ones(2, 2))


def test_cartesian_prod_and_combinations_match_torch(torch) -> None:
    x = ag.tensor([1, 2, 3])
    tx = torch.tensor([1, 2, 3])
    assert ag.cartesian_prod(x) is x
    _same(ag.cartesian_prod(x, ag.tensor([7, 8])), torch.cartesian_prod(tx, torch.tensor([7, 8])))
    for r in range(5):
        for rep in (False, True):
            _same(ag.combinations(x, r, rep), torch.combinations(tx, r, rep))
    with pytest.raises(ShapeError, match="combinations"):
        ag.combinations(ag.ones(2, 2))


def test_column_stack_and_vander_dtypes(torch) -> None:
    _same(ag.column_stack([ag.tensor(1), ag.tensor([2]), ag.tensor([[3, 4]])]),
          torch.column_stack([torch.tensor(1), torch.tensor([2]), torch.tensor([[3, 4]])]))
    _same(ag.vander(ag.tensor([1, 2, 3])), torch.vander(torch.tensor([1, 2, 3])))
    _same(ag.vander(ag.tensor([True, False]), 3), torch.vander(torch.tensor([True, False]), 3))
    _same(ag.vander(ag.tensor([0.0, 2.0]), 0), torch.vander(torch.tensor([0.0, 2.0]), 0))
    with pytest.raises(ShapeError, match="vander"):
        ag.vander(ag.ones(2, 2))


def test_var_mean_overloads_match_torch(torch) -> None:
    data = np.random.default_rng(0).standard_normal((3, 4))
    a, t = ag.tensor(data), torch.tensor(data)
    cases = [((), {}), ((1,), {}), ((0, False), {}), ((1, True, True), {}),
             ((False,), {}), (((0, 1),), {"correction": 2, "keepdim": True})]
    for args, kwargs in cases:
        for name in ("var_mean", "std_mean"):
            for o, e in zip(getattr(ag, name)(a, *args, **kwargs),
                            getattr(torch, name)(t, *args, **kwargs)):
                _same(o, e, 1e-12)
    with pytest.raises(TypeError, match="var_mean"):
        ag.var_mean(ag.tensor([1, 2]))


def test_frexp_matches_torch(torch) -> None:
    data = np.array([0.0, -0.0, 1.0, -3.5, 1e-310, 5e-324, 1e300, np.inf, -np.inf, np.nan])
    out, expected = ag.frexp(ag.tensor(data)), torch.frexp(torch.tensor(data))
    _same(out.mantissa, expected.mantissa)
    _same(out.exponent, expected.exponent)
    small = ag.tensor([1e-300, 3.0], dtype=np.float64, requires_grad=True)
    small.frexp().mantissa.sum().backward()
    np.testing.assert_array_equal(small.grad.data, np.ldexp(1.0, -np.frexp(small.data)[1]))
    f32 = ag.frexp(ag.tensor([6.0]))
    assert f32.mantissa.dtype == np.float32 and f32.exponent.dtype == np.int32
    with pytest.raises(TypeError, match="frexp"):
        ag.frexp(ag.tensor([1, 2]))


def test_rsub_dtypes_match_torch(torch) -> None:
    _same(ag.rsub(ag.tensor([1, 2]), 5), torch.rsub(torch.tensor([1, 2]), 5))
    _same(ag.rsub(ag.tensor([1.0, 2.0]), ag.tensor([3, 4]), alpha=2),
          torch.rsub(torch.tensor([1.0, 2.0]), torch.tensor([3, 4]), alpha=2))


def test_trapezoid_forms_match_torch(torch) -> None:
    y = [[1, 2, 4], [0, 3, 3]]
    _same(ag.trapezoid(ag.tensor(y)), torch.trapezoid(torch.tensor(y)))
    _same(ag.trapz(ag.tensor(y), dx=2), torch.trapz(torch.tensor(y), dx=2))
    _same(ag.trapezoid(ag.tensor(y), ag.tensor([0, 1, 3])),
          torch.trapezoid(torch.tensor(y), torch.tensor([0, 1, 3])))
    _same(ag.cumulative_trapezoid(ag.tensor(y), dim=0),
          torch.cumulative_trapezoid(torch.tensor(y), dim=0))
    for shape in [(2, 0), (2, 1)]:
        _same(ag.trapezoid(ag.zeros(shape)), torch.trapezoid(torch.zeros(shape)))
        _same(ag.cumulative_trapezoid(ag.zeros(shape)),
              torch.cumulative_trapezoid(torch.zeros(shape)))
    with pytest.raises(ShapeError, match="one x value"):
        ag.trapezoid(ag.ones(3), ag.ones(4))
    with pytest.raises(ShapeError, match="trapezoid"):
        ag.trapezoid(ag.tensor(1.0))
    with pytest.raises(TypeError, match="x or dx"):
        ag.trapezoid(ag.ones(3), ag.ones(3), dx=1.0)


def test_gradient_forms_match_torch(torch) -> None:
    data = np.random.default_rng(1).standard_normal((3, 4))
    a, t = ag.tensor(data), torch.tensor(data)
    coords = [0.0, 0.5, 2.0, 2.5]
    cases = [{}, {"dim": 1}, {"dim": [-1, 0], "spacing": [2.0, 0.5]}, {"spacing": 3.0},
             {"dim": 1, "spacing": ("coords",), "edge_order": 2}]
    for kwargs in cases:
        ours, theirs = dict(kwargs), dict(kwargs)
        if kwargs.get("spacing") == ("coords",):
            ours["spacing"], theirs["spacing"] = (ag.tensor(coords),), (torch.tensor(coords),)
        out, expected = ag.gradient(a, **ours), torch.gradient(t, **theirs)
        assert len(out) == len(expected)
        for o, e in zip(out, expected):
            _same(o, e, 1e-12)
    _same(ag.gradient(ag.tensor([1, 2, 4, 8]))[0], torch.gradient(torch.tensor([1, 2, 4, 8]))[0])
    _same(ag.gradient(ag.tensor([1.0, 4.0]), spacing=ag.tensor(2.0))[0],
          torch.gradient(torch.tensor([1.0, 4.0]), spacing=torch.tensor(2.0))[0])
    assert ag.gradient(ag.tensor(1.0)) == ()


def test_gradient_errors() -> None:
    with pytest.raises(ShapeError, match="edge_order"):
        ag.gradient(ag.ones(2, 2), edge_order=2)
    with pytest.raises(ValueError, match="edge_order"):
        ag.gradient(ag.ones(4), edge_order=3)
    with pytest.raises(ValueError, match="one per dim"):
        ag.gradient(ag.ones(3, 3), spacing=[1.0])
    with pytest.raises(ShapeError, match="coordinates"):
        ag.gradient(ag.ones(3), spacing=(ag.ones(4),))
    with pytest.raises(ShapeError, match="1-D"):
        ag.gradient(ag.ones(3), spacing=[ag.tensor(2.0)])


def test_histogram_matches_torch(torch) -> None:
    data = np.array([[0.0, 1.0, 2.0], [3.0, 10.0, np.nan]])
    weights = np.arange(6.0).reshape(2, 3)
    cases = [((4,), {"range": (0.0, 3.0)}), ((3,), {"range": (0.5, 2.5), "density": True}),
             ((2,), {"range": (0.0, 12.0), "weight": "w"}), (("edges",), {"density": True}),
             (("edges",), {"weight": "w"})]
    for args, kwargs in cases:
        ours, theirs = dict(kwargs), dict(kwargs)
        if "weight" in kwargs:
            ours["weight"], theirs["weight"] = ag.tensor(weights), torch.tensor(weights)
        a_bins = ag.tensor([0.0, 1.0, 5.0, 10.0]) if args == ("edges",) else args[0]
        t_bins = torch.tensor([0.0, 1.0, 5.0, 10.0], dtype=torch.float64) \
            if args == ("edges",) else args[0]
        out = ag.histogram(ag.tensor(data), a_bins, **ours)
        expected = torch.histogram(torch.tensor(data), t_bins, **theirs)
        _same(out.hist, expected.hist, 1e-12)
        _same(out.bin_edges, expected.bin_edges, 1e-12)
    method = ag.tensor(data).histogram(3, range=(0.0, 3.0))
    _same(method.hist, torch.tensor(data).histogram(3, range=(0.0, 3.0)).hist)
    for values in ([1.0, 1.0], [], [0.25, 0.5, 0.75]):
        out, expected = ag.histogram(ag.tensor(values), 3), torch.histogram(
            torch.tensor(values), 3)
        _same(out.hist, expected.hist)
        _same(out.bin_edges, expected.bin_edges, 1e-6)


def test_histogram_errors() -> None:
    with pytest.raises(TypeError, match="histogram"):
        ag.histogram(ag.tensor([1, 2]), 2)
    with pytest.raises(ValueError, match="must not exceed"):
        ag.histogram(ag.tensor([1.0]), 2, range=(3.0, 1.0))
    with pytest.raises(ValueError, match="not finite"):
        ag.histogram(ag.tensor([np.nan]), 2)
    with pytest.raises(ShapeError, match="weight"):
        ag.histogram(ag.tensor([1.0]), 2, weight=ag.ones(2))


def _relayouts(lib, x):
    """A chain of the in-place shape changes on a tensor of the graph, then a recorded
    in-place write through a view of its root."""
    root = x * 1.0
    y = root[1:]
    y.unsqueeze_(0)
    y.transpose_(0, 2)
    y.swapdims_(1, 2)
    y.squeeze_()
    y.mul_(lib.arange(1.0, 3.0, dtype=y.dtype))
    z = root.clone()
    z.t_()
    z.swapaxes_(0, 1)
    return root, y, z


def test_relayout_in_place_matches_torch(torch) -> None:
    data = np.random.default_rng(2).standard_normal((3, 2))
    x, tx = ag.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    ours, theirs = _relayouts(ag, x), _relayouts(torch, tx)
    weights = [np.random.default_rng(i).standard_normal(t.shape) for i, t in enumerate(theirs)]
    for o, e in zip(ours, theirs):
        _same(o, e, 1e-12)
    sum(((o * ag.tensor(w)).sum() for o, w in zip(ours, weights)), ag.tensor(0.0)).backward()
    sum((e * torch.tensor(w)).sum() for e, w in zip(theirs, weights)).backward()
    _same(x.grad, tx.grad, 1e-12)
    assert ours[2].grad_fn is not None and ours[2]._version.value == theirs[2]._version


def test_relayout_in_place_refusals_and_version() -> None:
    leaf = ag.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        leaf.t_()
    with ag.no_grad():
        leaf.t_()
    assert leaf.shape == (3, 2)
    base = ag.zeros(2, 3)
    row = base[0]
    with pytest.raises(RuntimeError, match="live views"):
        base.transpose_(0, 1)
    row.unsqueeze_(0)
    row.fill_(1.0)
    np.testing.assert_array_equal(base.data, [[1, 1, 1], [0, 0, 0]])
    b = ag.ones(2, 3, requires_grad=True) * 1.0
    saved = b * b
    b.t_()
    with pytest.raises(Exception, match="modified in place"):
        saved.sum().backward()
    with pytest.raises(ShapeError, match="dim"):
        ag.ones(2, 3, 4).t_()
    in_graph = ag.ones(2, 3, requires_grad=True) * 1.0
    with ag.no_grad(), pytest.raises(RuntimeError, match="no_grad"):
        in_graph.squeeze_()


@pytest.mark.parametrize("shape,wrap", [((3, 3), False), ((7, 3), True), ((7, 3), False),
                                        ((3, 5), True), ((4, 4, 4), False), ((5, 4), True)])
def test_fill_diagonal_matches_torch(torch, shape, wrap) -> None:
    data = np.random.default_rng(0).standard_normal(shape)
    x, tx = ag.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y, ty = (x * 2.0).fill_diagonal_(-1.5, wrap), (tx * 2.0).fill_diagonal_(-1.5, wrap)
    _same(y, ty, 1e-12)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    _same(x.grad, tx.grad, 1e-12)
    with pytest.raises(ShapeError, match="fill_diagonal_"):
        ag.ones(2, 3, 3).fill_diagonal_(1.0)


def test_narrow_copy_matches_torch(torch) -> None:
    data = np.arange(12.0).reshape(3, 4)
    x, tx = ag.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y, ty = x.narrow_copy(1, -3, 2), tx.narrow_copy(1, -3, 2)
    _same(y, ty)
    assert not np.shares_memory(y.data, x.data)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    _same(x.grad, tx.grad)
    _same(ag.narrow_copy(ag.tensor(data), 0, 1, 2), torch.narrow_copy(torch.tensor(data), 0, 1, 2))


def test_igamma_special_values_and_accuracy(torch) -> None:
    inf, nan = np.inf, np.nan
    a = np.array([0, 0, 1, 2, -1, 1, inf, 1, inf, 0.5, 1e-3, 3, 2, 0.5, 50, 7.5])
    x = np.array([0, 1, 0, inf, 1, -1, 1, nan, inf, 0.25, 1e-3, 50, 40, 3, 30, 8.5])
    for name in ("igamma", "igammac"):
        out = getattr(ag, name)(ag.tensor(a), ag.tensor(x))
        _same(out, getattr(torch, name)(torch.tensor(a), torch.tensor(x)), 1e-12)
    # Near the peak of a large shape, where PyTorch's own expansion keeps ~1e-10.
    big = ag.igamma(ag.tensor([100.0, 500.0], dtype=np.float64), 1.0 + ag.tensor(
        [100.0, 509.0], dtype=np.float64))
    np.testing.assert_allclose(big.data, [0.5528962934345113, 0.6769366400888723], rtol=1e-12)
    f32 = ag.igammac(ag.tensor([2.0]), 1.5)
    assert f32.dtype == np.float32


def test_igamma_gradient_rules() -> None:
    a = ag.tensor([1.5, 2.0], dtype=np.float64, requires_grad=True)
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    with pytest.raises(NotImplementedError, match="first argument"):
        ag.igamma(a, x).sum().backward()
    ag.igammac(a.detach(), x).sum().backward()
    expected = -np.exp((a.data - 1) * np.log(x.data) - x.data
                       - np.array([math.lgamma(1.5), math.lgamma(2.0)]))
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12)
    with pytest.raises(TypeError, match="igamma"):
        ag.igamma(ag.tensor([1, 2]), ag.tensor([1, 2]))


def test_igamma_and_mvlgamma_in_place_and_values(torch) -> None:
    x = ag.tensor([1.0, 2.0, 4.0], dtype=np.float64)
    x.igammac_(ag.tensor([0.5, 2.0, 1.0], dtype=np.float64))
    tx = torch.tensor([1.0, 2.0, 4.0], dtype=torch.float64)
    tx.igammac_(torch.tensor([0.5, 2.0, 1.0], dtype=torch.float64))
    _same(x, tx, 1e-12)
    values = [0.5, 1.0, 1.2, 2.5, 7.0]
    _same(ag.mvlgamma(ag.tensor(values), 3), torch.mvlgamma(torch.tensor(values), 3), 1e-6)
    _same(ag.mvlgamma(ag.tensor([2, 3]), 1), torch.mvlgamma(torch.tensor([2, 3]), 1), 1e-6)
    y = ag.tensor([2.5, 3.0])
    y.mvlgamma_(2)
    _same(y, torch.tensor([2.5, 3.0]).mvlgamma_(2), 1e-6)
    with pytest.raises(ValueError, match="p has to be"):
        ag.mvlgamma(ag.ones(2), 0)


def test_poisson_draws() -> None:
    ag.manual_seed(0)
    rates = ag.tensor(np.repeat([0.0, 0.5, 4.0, 30.0], 4000).reshape(4, 4000),
                      requires_grad=True)
    draws = ag.poisson(rates)
    assert draws.shape == rates.shape and draws.dtype == np.float64
    np.testing.assert_array_equal(draws.data, np.round(draws.data))
    means, variances = draws.data.mean(1), draws.data.var(1)
    np.testing.assert_allclose(means, [0.0, 0.5, 4.0, 30.0], atol=0.3, rtol=0.05)
    np.testing.assert_allclose(variances, [0.0, 0.5, 4.0, 30.0], atol=0.3, rtol=0.1)
    draws.sum().backward()
    np.testing.assert_array_equal(rates.grad.data, 0.0)
    again = ag.poisson(ag.ones(5), generator=3).data
    np.testing.assert_array_equal(again, ag.poisson(ag.ones(5), generator=3).data)
    with pytest.raises(ValueError, match="non-negative"):
        ag.poisson(ag.tensor([-1.0]))
    with pytest.raises(TypeError, match="poisson"):
        ag.poisson(ag.tensor([1, 2]))


def test_binomial_draws() -> None:
    ag.manual_seed(1)
    count = ag.tensor([[10.0], [40.0], [-3.0], [7.9]], dtype=np.float64)
    prob = ag.tensor(np.full(3000, 0.25), requires_grad=True)
    draws = ag.binomial(count, prob)
    assert draws.shape == (4, 3000) and draws.dtype == np.float64
    np.testing.assert_allclose(draws.data.mean(1), [2.5, 10.0, 0.0, 1.75], atol=0.1)
    assert draws.data.min() >= 0 and (draws.data <= np.trunc(np.maximum(count.data, 0))).all()
    with pytest.raises(RuntimeError, match="not implemented"):
        draws.sum().backward()
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ag.binomial(ag.tensor([5.0]), ag.tensor([1.5]))
    with pytest.raises(TypeError, match="count"):
        ag.binomial(ag.tensor([5]), ag.tensor([0.5]))


def test_randint_like() -> None:
    ag.manual_seed(2)
    floats = ag.randint_like(ag.ones(50, 40), 5)
    assert floats.dtype == np.float32 and floats.shape == (50, 40)
    assert set(np.unique(floats.data)) == {0.0, 1.0, 2.0, 3.0, 4.0}
    ints = ag.randint_like(ag.ones(1000, dtype=np.int32), -3, 2)
    assert ints.dtype == np.int32 and ints.data.min() == -3 and ints.data.max() == 1
    assert ag.randint_like(ag.ones(3), 1, 9, dtype=np.int64).dtype == np.int64
    with pytest.raises(ValueError, match="low must be below high"):
        ag.randint_like(ag.ones(2), 3, 3)


def test_histogramdd_matches_torch(torch) -> None:
    points = [[0.0, 1.0], [1.0, 1.0], [2.0, 5.0], [3.0, 3.0], [9.0, 0.5]]
    weights = [1.0, 2.0, 3.0, 4.0, 5.0]
    cases = [(([2, 3],), {}), ((2,), {"range": [0.0, 4.0, 0.0, 6.0], "density": True}),
             (("edges",), {"weight": True})]
    for args, kwargs in cases:
        ours, theirs = dict(kwargs), dict(kwargs)
        if kwargs.get("weight"):
            ours["weight"], theirs["weight"] = ag.tensor(weights), torch.tensor(weights)
        if args == ("edges",):
            a_bins = [ag.tensor([0.0, 1.0, 3.0]), ag.tensor([0.0, 2.0, 6.0])]
            t_bins = [torch.tensor([0.0, 1.0, 3.0]), torch.tensor([0.0, 2.0, 6.0])]
        else:
            a_bins = t_bins = args[0]
        out = ag.histogramdd(ag.tensor(points), a_bins, **ours)
        expected = torch.histogramdd(torch.tensor(points), t_bins, **theirs)
        _same(out.hist, expected.hist, 1e-6)
        for o, e in zip(out.bin_edges, expected.bin_edges, strict=True):
            _same(o, e, 1e-6)
    with pytest.raises(ShapeError, match="at least 2 dims"):
        ag.histogramdd(ag.tensor([1.0, 2.0]), 2)
    with pytest.raises(ValueError, match="entries for 2 dims"):
        ag.histogramdd(ag.tensor(points), [2, 2, 2])
