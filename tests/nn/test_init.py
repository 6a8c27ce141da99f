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
