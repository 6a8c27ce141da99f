"""``erf`` and ``erfc``: float64 values against Python's libm ones and mpmath (in ulps),
special values, dtypes and shapes as PyTorch's, float32 and float64 parity with torch, and
first and second derivatives (gradcheck, gradgradcheck, torch). The op table
(tests/helpers/optable.py) checks them over its shapes too."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd as ag

TINY_NORMAL = np.finfo(np.float64).tiny


def _points() -> np.ndarray:
    """A dense grid over [-30, 30], random values, tiny and subnormal values, and the
    neighbours of the approximations' boundaries 0.46875, 0.5 and 4, both signs."""
    rng = np.random.default_rng(0)
    tiny = np.array([1e-300, 1e-20, 5e-324, 1e-310, TINY_NORMAL, 1e-200, 1e-8, 0.0])
    bounds = np.array([b + k * np.spacing(b) for b in (0.46875, 0.5, 4.0)
                       for k in range(-3, 4)])
    pos = np.concatenate([np.linspace(0, 30, 30001), np.abs(rng.standard_normal(5000)) * 2,
                          rng.uniform(0, 27, 5000), np.geomspace(1e-300, 1, 400), tiny,
                          bounds])
    return np.concatenate([pos, -pos])


X = _points()


def _ulps(got: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """``|got - ref|`` in units of the last place of ``ref`` (normal ``ref`` only)."""
    return np.abs(got - ref) / np.spacing(np.abs(ref))


def _float_steps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many representable floats lie between a and b (their ulp distance)."""
    bits = {4: np.int32, 8: np.int64}[a.dtype.itemsize]
    ia, ib = a.view(bits).astype(np.int64), b.view(bits).astype(np.int64)
    sign = np.int64(np.iinfo(bits).min)
    ia, ib = (np.where(i < 0, sign - i, i) for i in (ia, ib))
    return np.abs(ia - ib)


def _values(name: str, x: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return getattr(ag, name)(ag.tensor(x)).data


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


# --------------------------------------------------------------------------- values
@pytest.mark.parametrize("name,bound", [("erf", 2.0), ("erfc", 3.0)])
def test_float64_values_are_within_a_few_ulp_of_libm(name, bound) -> None:
    # glibc's own erfc is up to ~2.3 ulp off (measured against mpmath), hence erfc's 3.
    ref = np.array([getattr(math, name)(float(v)) for v in X])
    got = _values(name, X)
    normal = np.abs(ref) >= TINY_NORMAL
    assert _ulps(got[normal], ref[normal]).max() <= bound
    assert (ref[~normal] == 0).all() or np.abs(got - ref)[~normal].max() <= 2 * 5e-324


@pytest.mark.parametrize("name,bound", [("erf", 1.0), ("erfc", 2.0)])
def test_float64_values_are_within_the_claimed_ulp_of_the_exact_ones(name, bound) -> None:
    mpmath = pytest.importorskip("mpmath")
    x = X[::5]
    with mpmath.workprec(120):
        ref = np.array([float(getattr(mpmath, name)(mpmath.mpf(float(v)))) for v in x])
    got = _values(name, x)
    normal = np.abs(ref) >= TINY_NORMAL
    assert _ulps(got[normal], ref[normal]).max() <= bound
    assert np.abs(got - ref)[~normal].max() <= 5e-324  # subnormal erfc: off by 1 at most


def test_erfc_keeps_its_relative_accuracy_where_it_is_tiny() -> None:
    x = np.array([5.0, 10.0, 20.0, 26.0, 26.5])
    ref = np.array([math.erfc(v) for v in x])
    assert ref[-1] < 1e-306  # 1 - erf would be 0 for all of these
    assert _ulps(_values("erfc", x), ref).max() <= 3.0


def test_special_values() -> None:
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 6.0, -6.0, 27.5, 40.0, 1e300])
    erf, erfc = _values("erf", x), _values("erfc", x)
    np.testing.assert_array_equal(erf, [0.0, -0.0, 1.0, -1.0, np.nan, 1.0, -1.0, 1.0, 1.0, 1.0])
    assert not np.signbit(erf[0]) and np.signbit(erf[1])
    np.testing.assert_array_equal(erfc[[0, 1, 2, 3, 4, 6, 7, 8, 9]],
                                  [1.0, 1.0, 0.0, 2.0, np.nan, 2.0, 0.0, 0.0, 0.0])
    assert 0 < _values("erfc", np.array([27.0]))[0] < TINY_NORMAL  # a subnormal, not 0


def test_erf_is_exactly_odd_and_erfc_its_complement() -> None:
    np.testing.assert_array_equal(_values("erf", -X), -_values("erf", X))
    x = np.linspace(-3, 3, 601)
    np.testing.assert_allclose(_values("erfc", x), 1.0 - _values("erf", x), rtol=0, atol=3e-16)


# ------------------------------------------------------------------ dtypes and shapes
@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_float32_is_within_1_ulp_of_float64_rounded_and_2_of_torch(name, torch) -> None:
    # The compiled float32 kernel is within 1 ulp of the correctly rounded value (the NumPy
    # reference is the float64 result rounded); torch's float32 erf is within 1 ulp too.
    x = np.concatenate([np.linspace(-10, 10, 200001),
                        np.random.default_rng(1).standard_normal(20000) * 3]).astype(np.float32)
    got = _values(name, x)
    assert got.dtype == np.float32
    rounded = _values(name, x.astype(np.float64)).astype(np.float32)
    assert _float_steps(got, rounded).max() <= 1
    expected = getattr(torch, name)(torch.from_numpy(x)).numpy()
    assert _float_steps(got, expected).max() <= 2


@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_float64_is_within_2_ulp_of_torch(name, torch) -> None:
    expected = getattr(torch, name)(torch.from_numpy(X)).numpy()
    assert _float_steps(_values(name, X), expected).max() <= 2


@pytest.mark.parametrize("name", ["erf", "erfc"])
@pytest.mark.parametrize("data", [np.array([0, 1, -2, 3]), np.array([True, False]),
                                  np.array([1, 2], dtype=np.int16)], ids=["int64", "bool", "int16"])
def test_integer_input_gives_the_default_float_dtype_as_torch(name, data, torch) -> None:
    out = getattr(ag, name)(ag.tensor(data))
    expected = getattr(torch, name)(torch.from_numpy(data))
    assert out.dtype == ag.get_default_dtype() == expected.numpy().dtype
    np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-6)


def test_integer_input_follows_the_default_dtype() -> None:
    ag.set_default_dtype(np.float64)
    try:
        assert ag.erf(ag.tensor([1, 2])).dtype == np.float64
    finally:
        ag.set_default_dtype(np.float32)
    assert ag.erfc(ag.tensor([1, 2])).dtype == np.float32


def test_complex_input_is_refused_with_the_op_name() -> None:
    with pytest.raises(TypeError, match="erfc: complex input"):
        ag.erfc(ag.tensor(np.array([1 + 2j])))


@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_empty_0d_and_non_contiguous_tensors(name) -> None:
    fn = getattr(ag, name)
    empty = fn(ag.zeros((0, 3), dtype=np.float64))
    assert empty.shape == (0, 3) and empty.dtype == np.float64
    scalar = fn(ag.tensor(0.5, dtype=np.float64))
    assert scalar.shape == () and _ulps(scalar.data, getattr(math, name)(0.5)) <= 1
    base = np.random.default_rng(2).standard_normal((4, 3)) * 2
    t = ag.tensor(base).T
    out = getattr(t, name)()
    assert out.shape == (3, 4)
    np.testing.assert_array_equal(out.data, fn(ag.tensor(np.ascontiguousarray(base.T))).data)


def test_methods_are_the_functions() -> None:
    x = ag.tensor([-0.7, 0.2, 1.9], dtype=np.float64)
    np.testing.assert_array_equal(x.erf().data, ag.erf(x).data)
    np.testing.assert_array_equal(x.erfc().data, ag.erfc(x).data)


# ------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_gradients_match_finite_differences_to_second_order(name) -> None:
    fn = getattr(ag, name)
    rng = np.random.default_rng(3)
    x = ag.tensor(rng.standard_normal((3, 1)) * 1.5, dtype=np.float64, requires_grad=True)
    w = ag.tensor(rng.standard_normal(4), dtype=np.float64, requires_grad=True)

    def broadcast(a: ag.Tensor, b: ag.Tensor) -> ag.Tensor:
        return fn(a * b + 0.25) * b

    for check in (ag.gradcheck, ag.gradgradcheck):
        report = check(broadcast, (x, w))
        assert report.passed, report
        report = check(fn, (x,))
        assert report.passed, report


@pytest.mark.parametrize("name,sign", [("erf", 1.0), ("erfc", -1.0)])
def test_derivatives_are_the_gaussian(name, sign) -> None:
    a = np.array([-30.0, -2.0, 0.0, 0.5, 3.0])
    x = ag.tensor(a, dtype=np.float64, requires_grad=True)
    (g,) = ag.grad(getattr(ag, name)(x).sum(), x, create_graph=True)
    expected = sign * 2 / np.sqrt(np.pi) * np.exp(-a * a)
    np.testing.assert_allclose(g.data, expected, rtol=1e-15, atol=0)
    (gg,) = ag.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, -2 * a * expected, rtol=1e-15, atol=0)
    at_inf = ag.tensor([np.inf, -np.inf], dtype=np.float64, requires_grad=True)
    getattr(ag, name)(at_inf).sum().backward()
    np.testing.assert_array_equal(at_inf.grad.data, [0.0, 0.0])


@pytest.mark.parametrize("name", ["erf", "erfc"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_first_and_second_derivatives_match_torch(name, dtype, torch) -> None:
    data = (np.random.default_rng(4).standard_normal((3, 5)) * 2).astype(dtype)
    up = np.random.default_rng(5).standard_normal((3, 5)).astype(dtype)
    x = ag.tensor(data, requires_grad=True)
    (g,) = ag.grad(getattr(ag, name)(x), x, ag.tensor(up), create_graph=True)
    (gg,) = ag.grad((g * g).sum(), x)
    tx = torch.tensor(data, requires_grad=True)
    (tg,) = torch.autograd.grad(getattr(torch, name)(tx), tx, torch.tensor(up),
                                create_graph=True)
    (tgg,) = torch.autograd.grad((tg * tg).sum(), tx)
    assert g.dtype == gg.dtype == dtype
    rtol = 1e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=rtol, atol=0)
    np.testing.assert_allclose(gg.data, tgg.numpy(), rtol=rtol, atol=0)
