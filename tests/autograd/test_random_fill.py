"""Random draws (autograd/ops/draws.py) and in-place random fills
(autograd/random_fill.py), checked by their statistics with fixed seeds: means and
variances within a few standard errors, ranges, shapes, dtypes, errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
from autograd.errors import ShapeError

N = 40_000


def _within(sample: np.ndarray, mean: float, sd: float, k: float = 5.0) -> None:
    """The sample mean is within ``k`` standard errors of ``mean``."""
    assert abs(sample.mean() - mean) < k * sd / np.sqrt(sample.size), (sample.mean(), mean)


def test_bernoulli_draws_by_the_tensor_of_probabilities() -> None:
    p = np.array([0.0, 0.2, 0.9, 1.0], dtype=np.float32)
    x = ag.tensor(np.tile(p, (N // 4, 1)), requires_grad=True)
    out = ag.bernoulli(x, generator=0)
    assert out.dtype == np.float32 and out.shape == x.shape
    assert set(np.unique(out.data)) <= {0.0, 1.0}
    for j, pj in enumerate(p):
        _within(out.data[:, j], pj, np.sqrt(pj * (1 - pj)) + 1e-12)
    assert out.requires_grad  # as PyTorch: recorded, with gradient 0
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros(x.shape))


def test_bernoulli_with_p_and_the_method() -> None:
    out = ag.zeros(N, dtype=np.float64).bernoulli(0.3, generator=np.random.default_rng(1))
    assert out.dtype == np.float64
    _within(out.data, 0.3, np.sqrt(0.21))


def test_bernoulli_follows_the_global_seed() -> None:
    x = ag.full((50,), 0.5)
    ag.manual_seed(7)
    first = ag.bernoulli(x)
    ag.manual_seed(7)
    np.testing.assert_array_equal(first.data, ag.bernoulli(x).data)
    assert not np.array_equal(ag.bernoulli(x, generator=1).data, ag.bernoulli(x, generator=2).data)


def test_bernoulli_errors() -> None:
    with pytest.raises(ValueError, match=r"bernoulli: expects probabilities p in \[0, 1\], "
                                         r"got 1.5"):
        ag.bernoulli(ag.tensor([0.5, 1.5]))
    with pytest.raises(ValueError, match="bernoulli: .*got nan"):
        ag.bernoulli(ag.tensor([np.nan]))
    with pytest.raises(ValueError, match="bernoulli: .*got -0.1"):
        ag.bernoulli(ag.ones(2), -0.1)
    with pytest.raises(TypeError, match="bernoulli: expects a floating point tensor"):
        ag.bernoulli(ag.tensor([1, 0]))


def test_bernoulli_in_place_with_a_number_or_a_broadcast_tensor() -> None:
    t = ag.zeros((N // 2, 2), dtype=np.float32)
    assert t.bernoulli_(generator=3) is t
    _within(t.data, 0.5, 0.5)
    t.bernoulli_(ag.tensor([0.1, 0.8]), generator=4)
    _within(t.data[:, 0], 0.1, 0.3)
    _within(t.data[:, 1], 0.8, 0.4)
    b = ag.zeros(3, dtype=np.bool_).bernoulli_(ag.tensor([0.0, 1.0, 1.0]))
    np.testing.assert_array_equal(b.data, [False, True, True])
    i = ag.zeros(1000, dtype=np.int64).bernoulli_(0.5, generator=5)
    assert i.dtype == np.int64 and set(np.unique(i.data)) == {0, 1}
    with pytest.raises(ShapeError, match="bernoulli_: p of shape \\(2,\\) can't be broadcast"):
        ag.zeros((2, 3)).bernoulli_(ag.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="bernoulli_: .*got 2.0"):
        ag.zeros(3).bernoulli_(2.0)


def test_random_ranges_by_dtype_and_bounds() -> None:
    t = ag.zeros(N, dtype=np.float32).random_(generator=0)
    assert t.data.min() >= 0 and t.data.max() <= 2 ** 24 and t.data.max() > 2 ** 23
    assert np.array_equal(t.data, np.round(t.data))
    i8 = ag.zeros(N, dtype=np.int8).random_(generator=1)
    assert i8.data.min() == 0 and i8.data.max() == 127
    u = ag.zeros(N, dtype=np.float64).random_(10, generator=2)
    assert set(np.unique(u.data)) == set(range(10))
    _within(u.data, 4.5, np.sqrt(99 / 12))
    v = ag.zeros(N, dtype=np.int64).random_(-3, 2, generator=3)
    assert set(np.unique(v.data)) == set(range(-3, 2))
    w = ag.zeros(1000, dtype=np.int16).random_(**{"from": 5, "to": 7}, generator=4)
    assert set(np.unique(w.data)) == {5, 6}
    top = ag.zeros(1000, dtype=np.uint8).random_(250, None, generator=5)
    assert top.data.min() >= 250 and top.data.max() == 255
    b = ag.zeros(100, dtype=np.bool_).random_(generator=6)
    assert b.dtype == np.bool_ and b.data.any() and not b.data.all()


def test_random_errors() -> None:
    with pytest.raises(ValueError, match="random_: expects 'from' to be less than 'to', got "
                                         "from=5 >= to=5"):
        ag.zeros(3).random_(5, 5)
    with pytest.raises(ValueError, match=r"random_: \[from, to\) = \[-2, 3\) is out of the range "
                                         r"\[0, 255\] that a uint8 tensor holds exactly"):
        ag.zeros(3, dtype=np.uint8).random_(-2, 3)
    with pytest.raises(ValueError, match="random_: .*float32 tensor holds exactly"):
        ag.zeros(3).random_(2 ** 25)
    with pytest.raises(TypeError, match="random_: unexpected keyword argument 'high'"):
        ag.zeros(3).random_(high=3)


def test_exponential_cauchy_log_normal_geometric_statistics() -> None:
    e = ag.zeros(N).exponential_(2.0, generator=0).data
    assert e.dtype == np.float32 and e.min() >= 0
    _within(e, 0.5, 0.5)
    np.testing.assert_allclose(e.var(), 0.25, rtol=0.05)
    c = ag.zeros(N, dtype=np.float64).cauchy_(median=3.0, sigma=2.0, generator=1).data
    q1, q2, q3 = np.quantile(c, [0.25, 0.5, 0.75])  # Cauchy has no mean: check its quartiles
    assert abs(q2 - 3.0) < 0.1 and abs((q3 - q1) - 4.0) < 0.2
    ln = ag.zeros(N, dtype=np.float64).log_normal_(0.5, 0.25, generator=2).data
    assert ln.min() > 0
    _within(np.log(ln), 0.5, 0.25)
    np.testing.assert_allclose(np.log(ln).std(), 0.25, rtol=0.03)
    g = ag.zeros(N).geometric_(0.25, generator=3).data
    assert g.dtype == np.float32 and g.min() == 1 and np.array_equal(g, np.round(g))
    _within(g, 4.0, np.sqrt(0.75) / 0.25)
    gi = ag.zeros(100, dtype=np.int64).geometric_(0.5, generator=4)
    assert gi.dtype == np.int64 and gi.data.min() >= 1


def test_log_normal_defaults_are_mean_1_std_2() -> None:
    ln = ag.zeros(N, dtype=np.float64).log_normal_(generator=5).data
    _within(np.log(ln), 1.0, 2.0)


@pytest.mark.parametrize("call,message", [
    (lambda t: t.exponential_(0), "exponential_: expects lambd > 0, got 0"),
    (lambda t: t.exponential_(-1.0), "exponential_: expects lambd > 0, got -1.0"),
    (lambda t: t.cauchy_(0, 0), "cauchy_: expects sigma > 0, got 0"),
    (lambda t: t.log_normal_(1, 0), "log_normal_: expects std > 0, got 0"),
    (lambda t: t.geometric_(0), r"geometric_: expects p in \(0, 1\), got 0"),
    (lambda t: t.geometric_(1.0), r"geometric_: expects p in \(0, 1\), got 1.0"),
])
def test_fill_parameter_errors(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call(ag.zeros(3))


def test_continuous_fills_refuse_integer_tensors_and_leaves_in_the_graph() -> None:
    with pytest.raises(TypeError, match="exponential_: fills with floating point samples"):
        ag.zeros(3, dtype=np.int64).exponential_()
    with pytest.raises(TypeError, match="geometric_: .*bool"):
        ag.zeros(3, dtype=np.bool_).geometric_(0.5)
    w = ag.zeros(3, requires_grad=True)
    for fill in (lambda: w.cauchy_(), lambda: w.random_(), lambda: w.bernoulli_(0.5)):
        with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
            fill()
    with ag.no_grad():
        w.random_(3, generator=0)
    assert w._version.value == 1 and set(np.unique(w.data)) <= {0.0, 1.0, 2.0}


def test_multinomial_with_replacement_follows_the_weights() -> None:
    w = ag.tensor([1.0, 0.0, 3.0, 4.0])
    s = ag.multinomial(w, N, replacement=True, generator=0)
    assert s.dtype == np.int64 and s.shape == (N,)
    counts = np.bincount(s.data, minlength=4) / N
    assert counts[1] == 0
    np.testing.assert_allclose(counts, [0.125, 0.0, 0.375, 0.5], atol=0.01)
    rows = ag.tensor([[1.0, 1.0], [0.0, 1.0]]).multinomial(500, True, generator=1)
    assert rows.shape == (2, 500) and (rows.data[1] == 1).all()


def test_multinomial_without_replacement_draws_distinct_categories() -> None:
    w = ag.tensor(np.tile([1.0, 2.0, 3.0, 4.0], (N // 4, 1)))
    s = ag.multinomial(w, 3, generator=2).data
    assert s.shape == (N // 4, 3)
    assert (np.sort(s, axis=1)[:, 1:] != np.sort(s, axis=1)[:, :-1]).all()
    first = np.bincount(s[:, 0], minlength=4) / s.shape[0]
    np.testing.assert_allclose(first, [0.1, 0.2, 0.3, 0.4], atol=0.02)
    # P(second = 0 | first = 3) = 1 / (1 + 2 + 3): drawn from the weights left.
    after_3 = s[s[:, 0] == 3, 1]
    np.testing.assert_allclose((after_3 == 0).mean(), 1 / 6, atol=0.02)
    all_of_them = ag.multinomial(ag.tensor([0.5, 0.0, 2.0]), 3, generator=3).data
    assert sorted(all_of_them) == [0, 1, 2] and all_of_them[-1] == 1


def test_multinomial_errors() -> None:
    with pytest.raises(ShapeError, match="multinomial: expects a 1-D or 2-D tensor"):
        ag.multinomial(ag.ones((2, 2, 2)), 1)
    with pytest.raises(TypeError, match="multinomial: expects floating point weights"):
        ag.multinomial(ag.tensor([1, 2]), 1)
    with pytest.raises(ValueError, match="multinomial: num_samples must be positive, got 0"):
        ag.multinomial(ag.ones(2), 0)
    with pytest.raises(ValueError, match="can't draw 3 samples without replacement from 2"):
        ag.multinomial(ag.ones(2), 3)
    with pytest.raises(ValueError, match="finite and >= 0"):
        ag.multinomial(ag.tensor([-1.0, 2.0]), 1)
    with pytest.raises(ValueError, match="finite and >= 0"):
        ag.multinomial(ag.tensor([np.inf, 2.0]), 1)
    with pytest.raises(ValueError, match="positive sum"):
        ag.multinomial(ag.tensor([[1.0, 1.0], [0.0, 0.0]]), 1)
    assert ag.multinomial(ag.zeros((0, 3)), 2).shape == (0, 2)
