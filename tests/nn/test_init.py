"""Initializers: standard deviations within 3% on a 1000×1000 matrix, in place, seeded."""

import math

import numpy as np
import pytest

import autograd as ag
import nn
from nn import init

N_OUT, N_IN = 1000, 1000


def _w():
    return nn.Parameter(np.empty((N_OUT, N_IN), dtype=np.float32))


STDS = [
    ("small_random_", lambda w, rng: init.small_random_(w, rng=rng), 0.01),
    ("small_random_0.1", lambda w, rng: init.small_random_(w, 0.1, rng=rng), 0.1),
    ("he_normal_", lambda w, rng: init.he_normal_(w, rng=rng), math.sqrt(2 / N_IN)),
    ("xavier_normal_ (course)", lambda w, rng: init.xavier_normal_(w, rng=rng),
     math.sqrt(1 / N_IN)),
    ("glorot_normal_", lambda w, rng: init.glorot_normal_(w, rng=rng),
     math.sqrt(2 / (N_IN + N_OUT))),
    ("normal_", lambda w, rng: init.normal_(w, 0.0, 0.5, rng=rng), 0.5),
    ("uniform_", lambda w, rng: init.uniform_(w, -1.0, 1.0, rng=rng), 1 / math.sqrt(3)),
    ("kaiming_uniform_", lambda w, rng: init.kaiming_uniform_(w, rng=rng),
     math.sqrt(2 / (1 + 0.01**2)) / math.sqrt(N_IN)),
    ("kaiming_uniform_ a=√5", lambda w, rng: init.kaiming_uniform_(w, a=math.sqrt(5), rng=rng),
     1 / math.sqrt(3 * N_IN)),
    ("kaiming_normal_ relu", lambda w, rng: init.kaiming_normal_(w, nonlinearity="relu",
                                                                 rng=rng), math.sqrt(2 / N_IN)),
    ("xavier_uniform_", lambda w, rng: init.xavier_uniform_(w, rng=rng),
     math.sqrt(2 / (N_IN + N_OUT))),
    ("glorot_uniform_ gain", lambda w, rng: init.glorot_uniform_(w, gain=5 / 3, rng=rng),
     5 / 3 * math.sqrt(2 / (N_IN + N_OUT))),
]


@pytest.mark.parametrize("name, fill, std", STDS, ids=[s[0] for s in STDS])
def test_standard_deviation_within_3_percent(name, fill, std):
    w = _w()
    out = fill(w, np.random.default_rng(0))
    assert out is w and w.dtype == np.float32
    assert abs(w.data.std() / std - 1) < 0.03
    assert abs(w.data.mean()) < 0.03 * std


def test_uniform_bounds():
    w = _w()
    init.xavier_uniform_(w, rng=np.random.default_rng(1))
    bound = math.sqrt(6 / (N_IN + N_OUT))
    assert w.data.min() >= -bound and w.data.max() <= bound


def test_constant_fills_and_parameter_stays_a_leaf():
    w = nn.Parameter(ag.randn(3, 4))
    init.zeros_(w)
    assert np.all(w.data == 0) and w.is_leaf and w.requires_grad
    init.ones_(w)
    assert np.all(w.data == 1)
    init.constant_(w, 0.25)
    assert np.all(w.data == 0.25)


def test_seeded_by_manual_seed_and_by_rng():
    a, b = nn.Parameter(np.empty((5, 5))), nn.Parameter(np.empty((5, 5)))
    ag.manual_seed(11)
    init.he_normal_(a)
    ag.manual_seed(11)
    init.he_normal_(b)
    np.testing.assert_array_equal(a.data, b.data)
    init.small_random_(a, rng=np.random.default_rng(2))
    init.small_random_(b, rng=np.random.default_rng(2))
    np.testing.assert_array_equal(a.data, b.data)


def test_init_bumps_the_version_so_stale_graphs_are_caught():
    w = nn.Parameter(ag.ones(2, 2, dtype=np.float64))
    y = (w * w).sum()
    init.zeros_(w)
    with pytest.raises(Exception, match="modified in place"):
        y.backward()


def test_calculate_gain_matches_torch():
    torch = pytest.importorskip("torch")
    for name in ["linear", "sigmoid", "tanh", "relu", "selu"]:
        assert init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", 0.2))


def test_errors():
    with pytest.raises(ValueError, match=r"at least 2 dimensions.*\(5,\).*zeros_"):
        init.he_normal_(nn.Parameter(np.empty(5)))
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="mode must be"):
        init.kaiming_normal_(_w(), mode="fan_avg")
    with pytest.raises(ValueError, match="std must be >= 0"):
        init.normal_(_w(), std=-1)


# ----------------------------------------------- PyTorch's other initializers
def _tn_moments(a, b):
    """The mean and std of N(0, 1) truncated to [a, b] (either may be infinite)."""
    def pdf(x):
        return 0.0 if math.isinf(x) else math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    def x_pdf(x):
        return 0.0 if math.isinf(x) else x * pdf(x)

    mass = 0.5 * (math.erf(b / math.sqrt(2)) - math.erf(a / math.sqrt(2)))
    mean = (pdf(a) - pdf(b)) / mass
    return mean, math.sqrt(1 + (x_pdf(a) - x_pdf(b)) / mass - mean ** 2)


def _tn_std(a, b):
    return _tn_moments(a, b)[1]


def test_trunc_normal_stays_in_its_bounds_with_the_truncated_std():
    w = _w()
    init.trunc_normal_(w, 0.0, 1.0, -0.5, 0.5, generator=np.random.default_rng(0))
    assert w.data.min() >= -0.5 and w.data.max() <= 0.5
    assert w.data.std() == pytest.approx(_tn_std(-0.5, 0.5), rel=0.03)
    init.trunc_normal_(w, 1.0, 2.0, a=-1.0, b=4.0, rng=np.random.default_rng(1))
    assert w.data.min() >= -1.0 and w.data.max() <= 4.0
    assert (w.data - 1.0).std() / 2.0 == pytest.approx(_tn_std(-1.0, 1.5), rel=0.03)
    # the far tails, where a normal proposal would take thousands of draws per value
    for lo, hi in [(3.0, 4.0), (2.5, math.inf), (-math.inf, -3.0), (-7.0, -2.5)]:
        with pytest.warns(UserWarning, match="more than 2 std from"):
            init.trunc_normal_(w, 0.0, 1.0, lo, hi, generator=2)
        mean, std = _tn_moments(lo, hi)
        assert lo <= w.data.min() and w.data.max() <= hi
        assert w.data.mean() == pytest.approx(mean, rel=0.01)
        assert w.data.std() == pytest.approx(std, rel=0.03)
    with pytest.raises(ValueError, match="hold 0 of the normal"), pytest.warns(UserWarning):
        init.trunc_normal_(w, 100.0, 1.0)
    init.trunc_normal_(w, 0.25, 0.0)
    assert np.all(w.data == 0.25)


@pytest.mark.parametrize("shape", [(4, 6), (6, 4), (3, 2, 2)])
def test_orthogonal_gives_orthonormal_rows_or_columns_times_gain(shape):
    w = nn.Parameter(np.empty(shape))
    init.orthogonal_(w, gain=2.0, generator=3)
    flat = w.data.reshape(shape[0], -1)
    small = min(flat.shape)
    gram = flat @ flat.T if flat.shape[0] == small else flat.T @ flat
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-12)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.orthogonal_(nn.Parameter(np.empty(3)))


def test_sparse_zeroes_the_same_count_as_torch_in_every_column():
    w = nn.Parameter(np.empty((10, 7)))
    init.sparse_(w, 0.25, std=0.5, generator=0)
    assert all((w.data[:, c] == 0).sum() == math.ceil(0.25 * 10) for c in range(7))
    assert 0.3 < w.data[w.data != 0].std() < 0.7
    with pytest.raises(ValueError, match="only 2-dimensional"):
        init.sparse_(nn.Parameter(np.empty((2, 2, 2))), 0.1)


@pytest.mark.parametrize("shape, groups", [((3, 5), None), ((5, 3), None), ((3, 5, 3), 1),
                                           ((4, 2, 3, 3), 2), ((2, 2, 3, 3, 3), 1)])
def test_eye_and_dirac_equal_torchs(shape, groups):
    torch = pytest.importorskip("torch")
    ours = nn.Parameter(np.full(shape, 7.0))
    theirs = torch.full(shape, 7.0, dtype=torch.float64)
    if groups is None:
        init.eye_(ours)
        torch.nn.init.eye_(theirs)
    else:
        init.dirac_(ours, groups)
        torch.nn.init.dirac_(theirs, groups)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_the_generator_keyword_is_rng_by_torchs_name():
    a, b = _w(), _w()
    init.kaiming_uniform_(a, a=math.sqrt(5), generator=np.random.default_rng(4))
    init.kaiming_uniform_(b, a=math.sqrt(5), rng=np.random.default_rng(4))
    np.testing.assert_array_equal(a.data, b.data)
    init.normal_(a, 0.0, 1.0, generator=5)
    init.normal_(b, 0.0, 1.0, rng=5)
    np.testing.assert_array_equal(a.data, b.data)
    with pytest.raises(TypeError, match="give the generator once"):
        init.uniform_(a, rng=1, generator=1)
