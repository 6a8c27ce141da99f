"""The stats family against PyTorch: indices and tie rules of the running extremes and
order statistics, quantile modes with nan, cov's weights, renorm in place, the counting
ops (nonzero, argwhere, bincount, histc, unique_consecutive), dtypes and errors.
Gradcheck, gradgradcheck and gradient parity are in the op table
(tests/helpers/optable_stats.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd as ag
from autograd.errors import ShapeError

NAN = np.nan


@pytest.fixture
def torch():
    th = pytest.importorskip("torch")
    th.set_num_threads(1)
    return th


def _same(out, expected) -> None:
    exp = expected.detach().numpy()
    assert out.shape == exp.shape and out.dtype == exp.dtype, (out.shape, out.dtype, exp.dtype)
    np.testing.assert_allclose(out.data, exp, rtol=1e-12, atol=1e-12)


def _ties_and_nan(seed: int, shape: tuple = (4, 7), with_nan: bool = True) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, size=shape).astype(np.float64)
    if with_nan:
        x[rng.random(shape) < 0.2] = NAN
    return x


# --- cummax, cummin, logcumsumexp -------------------------------------------------------

@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_running_extremes_match_torch_with_ties_and_nan(torch, name, dim) -> None:
    for seed, dtype in [(0, np.float64), (1, np.float32), (2, np.int64)]:
        x = _ties_and_nan(seed, with_nan=dtype != np.int64).astype(dtype)
        out = getattr(ag.tensor(x), name)(dim)
        expected = getattr(torch.tensor(x), name)(dim)
        _same(out.values, expected.values)
        _same(out.indices, expected.indices)


def test_running_extremes_result_types_and_edge_shapes(torch) -> None:
    out = ag.cummax(ag.tensor([1.0, 3.0, 2.0]), 0)
    assert type(out).__name__ == "CumMaxResult" and out._fields == ("values", "indices")
    assert ag.cummin(ag.tensor(2.5), -1).indices.shape == ()
    for shape, dim in [((0, 3), 0), ((0, 3), 1), ((2, 0), 1)]:
        x = ag.zeros(shape, dtype=np.float64, requires_grad=True)
        values, indices = ag.cummin(x, dim)
        assert values.shape == indices.shape == shape and indices.dtype == np.int64
        values.sum().backward()
        assert x.grad.shape == shape
    _same(ag.cummax(ag.tensor([True, False, True]), 0).indices,
          torch.cummax(torch.tensor([True, False, True]), 0).indices)
    with pytest.raises(TypeError, match="cummax"):
        ag.cummax(ag.tensor([1.0, 2.0]))


def test_logcumsumexp_is_stable_and_matches_torch(torch) -> None:
    x = np.array([[-1000.0, 0.0, 1000.0, 1000.0], [-np.inf, -np.inf, 3.0, -np.inf]])
    _same(ag.logcumsumexp(ag.tensor(x), 1), torch.logcumsumexp(torch.tensor(x), 1))
    _same(ag.tensor(x, dtype=np.float32).logcumsumexp(0),
          torch.tensor(x, dtype=torch.float32).logcumsumexp(0))
    a = ag.tensor([1e4, 1e4 + 1.0], requires_grad=True)
    ag.logcumsumexp(a, 0).sum().backward()
    assert np.all(np.isfinite(a.grad.data))
    with pytest.raises(TypeError, match="logcumsumexp"):
        ag.logcumsumexp(ag.tensor([1, 2]), 0)


# --- kthvalue, mode, nanmedian, aminmax, msort -------------------------------------------

def test_kthvalue_matches_torch(torch) -> None:
    x = _ties_and_nan(3)
    for k, dim, keep in [(1, 1, False), (4, 1, True), (7, -1, False), (2, 0, True)]:
        _same(ag.kthvalue(ag.tensor(x), k, dim, keep).values,
              torch.kthvalue(torch.tensor(x), k, dim, keep).values)
    distinct = np.random.default_rng(4).permutation(20).reshape(4, 5).astype(np.float64)
    for k in range(1, 6):
        _same(ag.tensor(distinct).kthvalue(k).indices, torch.tensor(distinct).kthvalue(k).indices)
    out = ag.kthvalue(ag.tensor(7.0), 1)
    assert out.values.item() == 7.0 and out.indices.shape == ()
    with pytest.raises(IndexError, match="kthvalue: k=3"):
        ag.kthvalue(ag.tensor([1.0, 2.0]), 3)
    with pytest.raises(IndexError, match="non-zero size"):
        ag.kthvalue(ag.zeros((0, 3)), 1, 0)


@pytest.mark.parametrize("dim", [0, 1])
def test_mode_matches_torch_ties_take_smallest_value_and_its_last_index(torch, dim) -> None:
    for seed in range(20):
        x = _ties_and_nan(seed, (5, 6), with_nan=False)
        out, expected = ag.mode(ag.tensor(x), dim), torch.mode(torch.tensor(x), dim)
        _same(out.values, expected.values)
        _same(out.indices, expected.indices)
    out = ag.mode(ag.tensor([[3, 1, 3, 1, 2]]), keepdim=True)
    assert out.values.tolist() == [[1]] and out.indices.tolist() == [[3]]


def test_mode_counts_each_nan_once_and_refuses_empty_dims() -> None:
    out = ag.mode(ag.tensor([NAN, 2.0, NAN, 2.0, 1.0]))
    assert out.values.item() == 2.0 and out.indices.item() == 3
    assert ag.mode(ag.tensor([NAN, NAN])).indices.item() == 0
    with pytest.raises(IndexError, match="mode"):
        ag.mode(ag.zeros((0,)))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_nanmedian_matches_torch(torch, dim) -> None:
    for seed in range(10):
        x = _ties_and_nan(seed)
        out = ag.nanmedian(ag.tensor(x), dim, keepdim=dim == 0)
        expected = torch.nanmedian(torch.tensor(x), dim, keepdim=dim == 0)
        _same(out.values, expected.values)
        _same(out.indices, expected.indices)
        _same(ag.tensor(x).nanmedian(), torch.tensor(x).nanmedian())


def test_nanmedian_of_a_row_of_nan_is_nan_at_its_first_place(torch) -> None:
    # PyTorch's index there is whatever its selection algorithm leaves (5 for 7 nan).
    x = np.full((2, 7), NAN)
    x[1, 3] = 2.0
    out = ag.nanmedian(ag.tensor(x), 1)
    _same(out.values, torch.nanmedian(torch.tensor(x), 1).values)
    assert out.indices.tolist() == [0, 3]


def test_nanmedian_of_everything_shares_the_gradient_among_ties(torch) -> None:
    x = np.array([[NAN, 1.0, 2.0], [2.0, 3.0, NAN]])
    a, t = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ag.nanmedian(a).backward()
    torch.nanmedian(t).backward()
    np.testing.assert_array_equal(a.grad.data, t.grad.numpy())
    assert np.isnan(ag.nanmedian(ag.tensor([NAN, NAN])).item())
    assert np.isnan(ag.nanmedian(ag.zeros((0,))).item())


def test_aminmax_matches_torch(torch) -> None:
    x = np.array([[1, 5, -2], [7, 0, 3]])
    for kwargs in [{}, {"keepdim": True}, {"dim": 0}, {"dim": -1, "keepdim": True}]:
        out, expected = ag.aminmax(ag.tensor(x), **kwargs), torch.aminmax(torch.tensor(x),
                                                                          **kwargs)
        _same(out.min, expected.min)
        _same(out.max, expected.max)
    out = ag.tensor([True, False]).aminmax()
    assert out._fields == ("min", "max") and out.min.item() is False and out.max.item() is True
    assert ag.aminmax(ag.zeros((2, 0)), dim=0).max.shape == (0,)
    with pytest.raises(ShapeError, match="aminmax"):
        ag.aminmax(ag.zeros((2, 0)))


def test_msort_sorts_along_the_first_dim(torch) -> None:
    x = _ties_and_nan(5)
    _same(ag.tensor(x).msort(), torch.tensor(x).msort())


# --- quantile, nanquantile --------------------------------------------------------------

@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
def test_quantiles_match_torch_in_every_mode(torch, name) -> None:
    rng = np.random.default_rng(6)
    q = [0.0, 0.125, 0.3, 0.5, 0.875, 1.0]
    for x in [_ties_and_nan(7, (3, 5)), rng.standard_normal((2, 3, 4)), np.full((2, 3), NAN)]:
        for dim in [None, 0, -1]:
            for keep in (False, True):
                for mode in ("linear", "lower", "higher", "midpoint", "nearest"):
                    for qq, tq in [(0.3, 0.3), (ag.tensor(q, dtype=np.float64),
                                                torch.tensor(q, dtype=torch.float64))]:
                        out = getattr(ag, name)(ag.tensor(x), qq, dim, keep, interpolation=mode)
                        expected = getattr(torch, name)(torch.tensor(x), tq, dim, keep,
                                                        interpolation=mode)
                        assert out.shape == tuple(expected.shape)
                        np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-12)


def test_quantile_keeps_float32_and_takes_a_0d_q(torch) -> None:
    x = np.array([0.1, 0.7, 0.3, 0.2], np.float32)
    out = ag.tensor(x).quantile(ag.tensor(0.4, dtype=np.float32))
    _same(out, torch.tensor(x).quantile(torch.tensor(0.4)))


@pytest.mark.parametrize("call, error, match", [
    (lambda: ag.quantile(ag.tensor([1.0, 2.0]), 1.5), ValueError, r"range \[0, 1\]"),
    (lambda: ag.quantile(ag.tensor([1.0, 2.0]), 0.5, interpolation="cubic"), ValueError,
     "interpolation"),
    (lambda: ag.quantile(ag.tensor([1, 2]), 0.5), TypeError, "float32 or float64"),
    (lambda: ag.quantile(ag.zeros((0, 3)), 0.5, 1), ShapeError, "non-empty"),
    (lambda: ag.quantile(ag.tensor([1.0], dtype=np.float64), ag.tensor([0.5])), TypeError,
     "dtype"),
    (lambda: ag.nanquantile(ag.tensor([1.0]), ag.tensor([[0.5]])), ShapeError, "1-D"),
])
def test_quantile_errors(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


# --- cov, corrcoef, dist, renorm --------------------------------------------------------

def test_cov_and_corrcoef_match_torch(torch) -> None:
    x = np.array([[1.0, 2.0, 4.0, 0.5], [0.0, 3.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.5]])
    fw, aw = np.array([1, 2, 0, 3]), np.array([0.5, 1.0, 2.0, 0.25])
    for kwargs, t_kwargs in [({}, {}), ({"correction": 0}, {"correction": 0}),
                             ({"fweights": ag.tensor(fw)}, {"fweights": torch.tensor(fw)}),
                             ({"aweights": ag.tensor(aw), "correction": 2},
                              {"aweights": torch.tensor(aw), "correction": 2}),
                             ({"fweights": ag.tensor(fw), "aweights": ag.tensor(aw)},
                              {"fweights": torch.tensor(fw), "aweights": torch.tensor(aw)})]:
        _same(ag.cov(ag.tensor(x), **kwargs), torch.cov(torch.tensor(x), **t_kwargs))
    _same(ag.tensor(x[0]).cov(), torch.tensor(x[0]).cov())
    _same(ag.corrcoef(ag.tensor(x)), torch.corrcoef(torch.tensor(x)))
    ints = np.array([[1, 2, 3], [1, 5, 2]])
    _same(ag.cov(ag.tensor(ints)), torch.cov(torch.tensor(ints)))
    _same(ag.tensor(ints).corrcoef(), torch.tensor(ints).corrcoef())
    _same(ag.corrcoef(ag.tensor([1.0, 2.0, 4.0])), torch.corrcoef(torch.tensor([1.0, 2.0, 4.0])))


def test_cov_warns_when_there_are_no_degrees_of_freedom(torch) -> None:
    x = np.array([[1.0, 2.0], [3.0, 1.0]])
    for correction in (2, 3):
        with pytest.warns(UserWarning, match="degrees of freedom"):
            out = ag.cov(ag.tensor(x), correction=correction)
        with pytest.warns(UserWarning):
            _same(out, torch.cov(torch.tensor(x), correction=correction))


@pytest.mark.parametrize("kwargs, error, match", [
    ({"fweights": ag.tensor([1.0, 2.0, 1.0])}, TypeError, "fweights must have an integer"),
    ({"aweights": ag.tensor([1, 2, 1])}, TypeError, "aweights must have a floating"),
    ({"fweights": ag.tensor([1, -2, 1])}, ValueError, "cannot be negative"),
    ({"fweights": ag.tensor([1, 2])}, ShapeError, "one entry per observation"),
])
def test_cov_weight_errors(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        ag.cov(ag.tensor([[1.0, 2.0, 4.0], [0.0, 3.0, 1.0]]), **kwargs)
    with pytest.raises(ShapeError, match="at most 2 dims"):
        ag.cov(ag.zeros((2, 2, 2)))


def test_dist_matches_torch_for_every_p(torch) -> None:
    a, b = np.array([1.0, 2.0]), np.array([[1.0, 4.0], [0.0, 0.0]])
    for p in [0, 1, 2, 3.5, np.inf, -np.inf]:
        _same(ag.dist(ag.tensor(a), ag.tensor(b), p), torch.dist(torch.tensor(a),
                                                                 torch.tensor(b), p))
    with pytest.raises(TypeError, match="dist"):
        ag.dist(ag.tensor([1, 2]), ag.tensor([1, 3]))
    with pytest.raises(ShapeError, match="dist"):
        ag.dist(ag.zeros((2,)), ag.zeros((3,)))


def test_renorm_scales_only_the_slices_over_maxnorm(torch) -> None:
    x = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    out = ag.renorm(ag.tensor(x), 2, 0, 1.0)
    np.testing.assert_allclose(np.linalg.norm(out.data, axis=1), [1.0, 0.5, 1.0], rtol=1e-6)
    _same(out, torch.renorm(torch.tensor(x), 2, 0, 1.0))
    a, ta = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    t, tt = a * 1.0, ta * 1.0
    assert t.renorm_(1, 1, 2.0) is t
    tt.renorm_(1, 1, 2.0)
    _same(t, tt)
    w = np.arange(6.0).reshape(3, 2)
    (t * ag.tensor(w)).sum().backward()
    (tt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("call, error", [
    (lambda: ag.renorm(ag.ones((3,)), 2, 0, 1.0), ValueError),
    (lambda: ag.renorm(ag.ones((2, 2)), 0, 0, 1.0), ValueError),
    (lambda: ag.renorm(ag.ones((2, 2)), 2, 0, -1.0), ValueError),
    (lambda: ag.renorm(ag.tensor([[1, 2]]), 2, 0, 1.0), TypeError),
])
def test_renorm_errors(call, error) -> None:
    with pytest.raises(error, match="renorm"):
        call()


# --- nonzero, argwhere, bincount, histc, unique_consecutive ------------------------------

@pytest.mark.parametrize("value", [3.0, 0.0, [[0, 1], [2, 0]], [NAN, 0.0], np.zeros((2, 0)),
                                   [[[True, False], [False, True]]]])
def test_nonzero_and_argwhere_match_torch(torch, value) -> None:
    x = np.array(value)
    _same(ag.tensor(x).nonzero(), torch.tensor(x).nonzero())
    _same(ag.argwhere(ag.tensor(x)), torch.argwhere(torch.tensor(x)))
    ours, theirs = ag.nonzero(ag.tensor(x), as_tuple=True), torch.nonzero(torch.tensor(x),
                                                                          as_tuple=True)
    assert isinstance(ours, tuple) and len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        _same(o, t)


@pytest.mark.parametrize("weights", [None, np.array([1.5, 2.0, 3.0], np.float32),
                                     np.array([1.5, 2.0, 3.0]), np.array([1, 2, 3]),
                                     np.array([True, False, True]),
                                     np.array([1.5, 2.0, 3.0], np.float16)])
def test_bincount_matches_torch_including_the_weights_dtype_rule(torch, weights) -> None:
    x = np.array([1, 3, 1])
    w = None if weights is None else ag.tensor(weights)
    tw = None if weights is None else torch.tensor(weights)
    _same(ag.bincount(ag.tensor(x), w, 6), torch.bincount(torch.tensor(x), tw, 6))
    _same(ag.tensor(x).bincount(w), torch.tensor(x).bincount(tw))
    _same(ag.bincount(ag.tensor(np.zeros(0, np.int64))),
          torch.bincount(torch.zeros(0, dtype=torch.int64)))


@pytest.mark.parametrize("call, error", [
    (lambda: ag.bincount(ag.tensor([-1, 2])), ValueError),
    (lambda: ag.bincount(ag.tensor([[1]])), ValueError),
    (lambda: ag.bincount(ag.tensor([1.0])), TypeError),
    (lambda: ag.bincount(ag.tensor([1, 2]), minlength=-1), ValueError),
    (lambda: ag.bincount(ag.tensor([1, 2]), ag.tensor([1.0])), ShapeError),
])
def test_bincount_errors(call, error) -> None:
    with pytest.raises(error, match="bincount"):
        call()


def test_histc_matches_torch(torch) -> None:
    rng = np.random.default_rng(8)
    cases = [(rng.standard_normal(500).astype(np.float32), (37, -1.3, 2.1)),
             (rng.standard_normal(500), (13,)),
             (np.array([1.0, 2.0, 1.0, 3.0, 0.5, 7.0], np.float32), (4, 0, 3)),
             (np.array([2.0, 2.0], np.float32), (3,)),
             (np.array(2.0, np.float32), (3,)),
             (np.zeros(0, np.float32), (3,)),
             (np.array([1.0, NAN, 2.0]), (2, 0, 3)),
             (np.array([0.1, 0.2, 0.3]), (3, 0.1, 0.3))]
    for x, args in cases:
        _same(ag.histc(ag.tensor(x), *args), torch.histc(torch.tensor(x), *args))
    _same(ag.tensor(cases[0][0]).histc(bins=5), torch.tensor(cases[0][0]).histc(bins=5))


@pytest.mark.parametrize("call, error, match", [
    (lambda: ag.histc(ag.tensor([1, 2]), 3), TypeError, "floating"),
    (lambda: ag.histc(ag.tensor([1.0]), 3, 2, 1), ValueError, "larger than min"),
    (lambda: ag.histc(ag.tensor([1.0]), 0), ValueError, "bins"),
    (lambda: ag.histc(ag.tensor([1.0, np.inf]), 3), ValueError, "not finite"),
    (lambda: ag.histc(ag.tensor([1.0, NAN]), 3), ValueError, "not finite"),
])
def test_histc_errors(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("value, dim", [
    ([1, 1, 2, 2, 3, 1, 1, 2], None), ([[1, 2], [1, 2]], None), ([NAN, NAN, 1.0, 1.0], None),
    (3, None), (np.zeros(0), None), ([[1, 2, 1], [1, 2, 1]], 1), ([[1, 1], [1, 1], [2, 0]], 0),
    (np.zeros((0, 3)), 0), (np.zeros((3, 0)), 1), ([[1, 1], [1, 2]], -1),
])
def test_unique_consecutive_matches_torch(torch, value, dim) -> None:
    x = np.array(value)
    kwargs = {"return_inverse": True, "return_counts": True, "dim": dim}
    ours, theirs = ag.unique_consecutive(ag.tensor(x), **kwargs), torch.unique_consecutive(
        torch.tensor(x), **kwargs)
    for o, t in zip(ours, theirs):
        _same(o, t)
    _same(ag.tensor(x).unique_consecutive(dim=dim), torch.tensor(x).unique_consecutive(dim=dim))


def test_unique_consecutive_errors() -> None:
    with pytest.raises(ShapeError, match="0-d"):
        ag.unique_consecutive(ag.tensor(3), dim=0)
    with pytest.raises(ShapeError, match="0-sized"):
        ag.unique_consecutive(ag.zeros((2, 0)), dim=0)


def test_counting_results_do_not_require_grad() -> None:
    x = ag.tensor([0.0, 1.5, 1.5, 2.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = [ag.nonzero(x), ag.argwhere(x), ag.histc(x, 3), *ag.unique_consecutive(
            x, return_inverse=True, return_counts=True)]
    assert not any(r.requires_grad for r in results)
