"""The compiled erf, erfc and GELU kernels (``fastmath.erf``/``erfc``/``erfcx2``,
``activations.py``, ``activation_grads.py``) against exact values, their NumPy references
and PyTorch.

float32 results are compared in ulp with the float64 references rounded to float32 (Cody's
erf/erfc are within ~1 ulp of float64 themselves, so that is the correctly rounded value
except at rare near-ties); float64 results with mpmath at 40 digits. The backward kernels
are measured in ulp of ``max(|result|, term)``, the term being Φ(x) (σ(2u) for the tanh
form): near x ≈ -0.75 the derivative crosses 0 as the difference of two terms of ~0.23,
and no formula evaluated in the dtype keeps relative accuracy there (PyTorch's neither).
Every float32 in [-4.5, 4.5] was also checked offline: erf within 1 ulp, erfc within 2
(also over [4.5, 10.5]).
"""

from __future__ import annotations

import numpy as np
import pytest
from compiled import DTYPES, SIZES, compiled_kernels_fixture, in_layout

from autograd import kernels
from autograd.kernels import fastmath, reference, sizes

mpmath = pytest.importorskip("mpmath")
mpmath.mp.dps = 40

UNARY = ["erf", "erfc", "gelu", "gelu_tanh"]
BINARY = ["gelu_backward", "gelu_tanh_backward"]
BETA, KAPPA = mpmath.sqrt(2 / mpmath.pi), mpmath.mpf("0.044715")

compiled_kernels = compiled_kernels_fixture()


def ulp_error(result: np.ndarray, exact: np.ndarray, term: np.ndarray | None = None) -> np.ndarray:
    """``|result - exact|`` in ulp (of result's dtype) of ``max(|exact|, |term|)``; nan where
    exactly one of the two is nan counts as an infinite error."""
    dt = result.dtype
    exact = np.asarray(exact, dtype=np.float64)
    scale = np.abs(exact) if term is None else np.maximum(np.abs(exact), np.abs(term))
    scale = scale.astype(dt)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(result.astype(np.float64) - exact) / np.spacing(scale).astype(np.float64)
    both_nan = np.isnan(result) & np.isnan(exact)
    err = np.where(both_nan | (result == exact), 0.0, err)
    return np.where(np.isnan(result) != np.isnan(exact), np.inf, err)


def call(name: str, x: np.ndarray, grad: np.ndarray | None = None) -> np.ndarray:
    fn = getattr(kernels, name)
    return fn(np.ones_like(x) if grad is None else grad, x) if name in BINARY else fn(x)


def term(name: str, x: np.ndarray) -> np.ndarray | None:
    """The larger term of a backward formula near its zero (float64): Φ(x) or σ(2u)."""
    x = x.astype(np.float64)
    if name == "gelu_backward":
        return 0.5 * reference.erfc(-x / np.sqrt(2))
    if name == "gelu_tanh_backward":
        return reference.sigmoid(1.5957691216057308 * (x + 0.044715 * x**3))
    return None


def exact_float64(name: str, x: np.ndarray) -> np.ndarray:
    """The reference in float64 math: close enough to round to float32 correctly."""
    fn = getattr(reference, name)
    x = x.astype(np.float64)
    with np.errstate(all="ignore"):
        return fn(np.ones_like(x), x) if name in BINARY else fn(x)


MP = {
    "erf": mpmath.erf,
    "erfc": mpmath.erfc,
    "gelu": lambda x: x * mpmath.ncdf(x),
    "gelu_backward": lambda x: mpmath.ncdf(x) + x * mpmath.npdf(x),
    "gelu_tanh": lambda x: x / (1 + mpmath.exp(-2 * BETA * (x + KAPPA * x**3))),
    "gelu_tanh_backward": lambda x: (lambda s: s + x * s * (1 - s) * 2 * BETA
                                     * (1 + 3 * KAPPA * x * x))(
        1 / (1 + mpmath.exp(-2 * BETA * (x + KAPPA * x**3)))),
}


def exact_mpmath(name: str, x: np.ndarray) -> np.ndarray:
    return np.array([float(MP[name](mpmath.mpf(float(v)))) for v in x])


# name: (float32, float64) bound in ulp, and the float32 / float64 input ranges
BOUNDS = {
    "erf": ((1, 1), (-4.5, 4.5), (-6.5, 6.5)),
    "erfc": ((2, 2), (-4.5, 10.5), (-6.5, 27.5)),
    "gelu": ((2, 2), (-15.0, 6.0), (-39.0, 9.0)),
    "gelu_tanh": ((3, 2), (-11.0, 6.0), (-12.0, 9.0)),
    "gelu_backward": ((2, 2), (-15.0, 6.0), (-39.0, 9.0)),
    "gelu_tanh_backward": ((8, 6), (-11.0, 6.0), (-12.0, 9.0)),
}


@pytest.mark.parametrize("name", UNARY + BINARY)
def test_float32_is_within_a_few_ulp_of_the_correctly_rounded_value(name, rng) -> None:
    (bound, _), (lo, hi), _ = BOUNDS[name]
    x = np.concatenate([np.linspace(lo, hi, 1_000_001), rng.uniform(lo, hi, 500_000),
                        rng.uniform(-0.8, -0.7, 100_000),  # the backward kernels' zero
                        np.exp(rng.uniform(-100, 0, 50_000)) * rng.choice([-1, 1], 50_000)])
    x = x.astype(np.float32)
    exact = exact_float64(name, x)
    err = ulp_error(call(name, x), exact.astype(np.float32), term(name, x))
    worst = int(np.argmax(err))
    assert err[worst] <= bound, f"{name}: {err[worst]} ulp at x={x[worst]!r}"


@pytest.mark.parametrize("name", UNARY + BINARY)
def test_float64_is_within_a_few_ulp_of_mpmath(name, rng) -> None:
    (_, bound), _, (lo, hi) = BOUNDS[name]
    x = np.concatenate([rng.uniform(lo, hi, 2000), rng.uniform(-1.5, 1.5, 600),
                        rng.uniform(-0.8, -0.7, 200),
                        np.exp(rng.uniform(-300, 0, 200)) * rng.choice([-1, 1], 200)])
    exact = exact_mpmath(name, x)
    err = ulp_error(call(name, x), exact, term(name, x))
    worst = int(np.argmax(err))
    assert err[worst] <= bound, f"{name}: {err[worst]} ulp at x={x[worst]!r}"


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
def test_erfc_keeps_its_relative_accuracy_down_to_the_subnormals(dtype) -> None:
    # 1 - erf would be 0 here; past ~10.05 (float32) / 27.2 (float64) erfc rounds to 0.
    top = 10.1 if dtype == np.float32 else 27.3
    x = np.linspace(5.0, top, 3001).astype(dtype)
    exact = exact_mpmath("erfc", x.astype(np.float64))
    got = kernels.erfc(x)
    normal = exact >= np.finfo(dtype).tiny
    assert ulp_error(got[normal], exact[normal]).max() <= 2
    tiny = float(np.finfo(dtype).smallest_subnormal)
    assert np.abs(got[~normal] - exact[~normal].astype(dtype)).max() <= tiny
    assert kernels.erfc(np.array([top + 0.5, 1e30, np.inf], dtype)).tolist() == [0, 0, 0]


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
def test_special_values(dtype) -> None:
    def arr(*v: float) -> np.ndarray:
        return np.array(v, dtype=dtype)

    tiny = np.finfo(dtype).smallest_subnormal
    erf = kernels.erf(arr(0.0, -0.0, np.inf, -np.inf, np.nan, 30.0, -30.0))
    assert erf[:2].tolist() == [0, 0] and np.signbit(erf[:2]).tolist() == [False, True]
    assert erf[2:4].tolist() == [1, -1] and np.isnan(erf[4]) and erf[5:].tolist() == [1, -1]
    assert kernels.erf(arr(tiny))[0] == tiny  # 2/√π·tiny rounds to tiny
    erfc = kernels.erfc(arr(0.0, -0.0, np.inf, -np.inf, np.nan, -30.0))
    assert erfc.tolist()[:4] == [1, 1, 0, 2] and np.isnan(erfc[4]) and erfc[5] == 2
    for name in ("gelu", "gelu_tanh"):
        out = call(name, arr(0.0, -0.0, np.inf, -np.inf, np.nan, 100.0, -100.0, 1e30, -1e30))
        assert np.signbit(out[[0, 1, 3, 6, 8]]).tolist() == [False, True, True, True, True]
        assert out[[0, 1, 3, 6, 8]].tolist() == [0, 0, 0, 0, 0], name
        np.testing.assert_array_equal(out[[2, 5, 7]], arr(np.inf, 100, 1e30), err_msg=name)
        assert np.isnan(out[4]), name
    for name in BINARY:
        out = call(name, arr(np.inf, -np.inf, 100.0, -100.0, np.nan, 0.0), arr(3, 3, 3, 3, 3, 3))
        assert out[:4].tolist() == [3, 0, 3, 0] and np.isnan(out[4]) and out[5] == 1.5, name
        assert np.isnan(call(name, arr(1.0), arr(np.nan))[0])


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
def test_gelu_is_tiny_not_zero_until_it_underflows(dtype) -> None:
    # x·Φ(x) for x ≪ 0 is about -φ(x): 1 - erf(x/√2) would lose it all below x ≈ -5.5.
    x = np.array([-8.0, -12.0, -14.0 if dtype == np.float32 else -37.0], dtype)
    exact = exact_mpmath("gelu", x.astype(np.float64))
    assert ulp_error(kernels.gelu(x), exact).max() <= 2
    assert (kernels.gelu(x) < 0).all()
    below = -14.6 if dtype == np.float32 else -38.7
    assert kernels.gelu(np.array([below], dtype))[0] == 0


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("layout", ["contiguous", "strided", "transposed"])
@pytest.mark.parametrize("size", SIZES)
def test_every_size_and_layout_gives_the_serial_result(size, layout, dtype, rng,
                                                     monkeypatch) -> None:
    x = (rng.standard_normal(size) * rng.choice([0.01, 1.0, 5.0, 30.0], size)).astype(dtype)
    g = rng.standard_normal(size).astype(dtype)
    xl, gl = in_layout(x, layout), in_layout(g, layout)
    got = {name: call(name, xl) for name in UNARY} | {name: call(name, xl, gl) for name in BINARY}
    monkeypatch.setattr(sizes, "PARALLEL_MIN", sizes.NEVER)
    xc, gc = np.ascontiguousarray(xl), np.ascontiguousarray(gl)
    for name in UNARY + BINARY:
        want = call(name, xc, gc) if name in BINARY else call(name, xc)
        out = got[name]
        assert out.dtype == dtype and out.shape == xl.shape, name
        # a transposed input's result has its layout (dispatch.memory_order), others C order
        assert (out.strides == xl.strides if layout == "transposed" and xl.ndim == 2
                and not xl.flags.c_contiguous else out.flags.c_contiguous), name
        np.testing.assert_array_equal(out, want, err_msg=f"{name}, {layout}, size {size}")
    if dtype == np.float32 and size:
        for name in UNARY + BINARY:
            exact = exact_float64(name, xc) if name in UNARY else \
                getattr(reference, name)(gc.astype(np.float64), xc.astype(np.float64))
            t = term(name, xc)
            err = ulp_error(got[name], exact.astype(np.float32), None if t is None else gc * t)
            assert err.max() <= BOUNDS[name][0][0] + 1, name  # +1: the product with grad


def test_float32_and_float64_backward_arguments_run_in_float64(rng) -> None:
    g = rng.standard_normal(1001).astype(np.float32)
    x = rng.standard_normal(1001)
    for name in BINARY:
        out = getattr(kernels, name)(g, x)
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out, getattr(kernels, name)(g.astype(np.float64), x))


def test_inputs_the_compiled_kernels_do_not_take_run_the_references() -> None:
    half = np.linspace(-3, 3, 7, dtype=np.float16)
    for name in UNARY:
        out = getattr(kernels, name)(half)
        assert out.dtype == np.float16, name
        np.testing.assert_allclose(out, exact_float64(name, half), rtol=2e-3, atol=1e-3)
    ints = np.arange(-3, 4)
    np.testing.assert_array_equal(kernels.erf(ints), reference.erf(ints.astype(np.float64)))
    assert kernels.gelu(np.array(1.0)).shape == () and kernels.gelu(np.array(1.0)) == \
        pytest.approx(0.8413447460685429)
    grad = kernels.gelu_backward(np.ones(7, np.float16), ints)
    assert grad.dtype == np.float64  # float16 with int64: float64, as NumPy's ufuncs give


@pytest.mark.parametrize("name", UNARY + BINARY)
def test_references_round_float64_math_to_the_input_dtype(name, rng) -> None:
    x = rng.uniform(-6, 6, 2000)
    exact = exact_mpmath(name, x)
    for dtype in (np.float16, np.float32, np.float64):
        xd = x.astype(dtype)
        out = getattr(reference, name)(np.ones_like(xd), xd) if name in BINARY else \
            getattr(reference, name)(xd)
        assert out.dtype == dtype
    # in float64, the references are as good as their float64 formula (x/√2 and u rounded)
    out = getattr(reference, name)(np.ones_like(x), x) if name in BINARY else \
        getattr(reference, name)(x)
    np.testing.assert_allclose(out, exact, rtol=1e-13, atol=1e-15)


def test_fitted_coefficients_are_as_close_as_documented() -> None:
    # fastmath's module docstring: G within 0.011 / 0.017 ulp, S 0.12 / 0.014, L 0.11 / 0.12
    # (float64 / float32, in ulp of the value each gives); checked at 201 points each.
    def poly(coeffs: tuple, x: mpmath.mpf) -> mpmath.mpf:
        return mpmath.polyval([mpmath.mpf(float(v)) for v in coeffs[::-1]], x)

    for e, eps, (g_ulp, s_ulp, l_ulp) in [(fastmath.ERF64, 2.0**-53, (0.02, 0.15, 0.15)),
                                           (fastmath.ERF32, 2.0**-24, (0.03, 0.03, 0.15))]:
        k, c = mpmath.mpf(float(e.k)), mpmath.mpf(float(e.c))
        g0 = mpmath.mpf(float(e.g0_hi)) + mpmath.mpf(float(e.g0_lo))
        ymax = mpmath.mpf(float(e.tail_max))
        for t in mpmath.linspace(-1, (ymax - k) / (ymax + k), 201):
            y = k * (1 + t) / (1 - t)
            exact = (y + c) * mpmath.exp(y * y) * mpmath.erfc(y)
            assert abs((g0 + t * poly(e.g, t)) / exact - 1) <= g_ulp * eps
        a = mpmath.mpf(float(e.small_max))
        for y in mpmath.linspace(a / 200, a, 201):
            assert abs((1 + poly(e.small, y * y)) * y / mpmath.erf(y) - 1) <= s_ulp * eps
        for y in mpmath.linspace(a, mpmath.mpf(float(e.log_max)), 201):
            assert abs(mpmath.exp(poly(e.log_tail, y - a)) - mpmath.erfc(y)) <= l_ulp * eps


# PyTorch's gelu(x) computes 1 + erf(x/√2), which loses x·Φ(x) as x falls below about -1, and
# its float32 erf inside gelu is ~7 ulp off near 0; so parity is checked where it is accurate.
TORCH_PARITY = {  # name: (lowest x, max ulp float32, max ulp float64)
    "erf": (-6.0, 1, 1),
    "erfc": (-6.0, 3, 2),
    "gelu": (-1.0, 9, 3),
    "gelu_tanh": (-1.0, 3, 3),
    "gelu_backward": (0.0, 5, 2),
    "gelu_tanh_backward": (0.0, 9, 22),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("name", UNARY + BINARY)
def test_parity_with_pytorch(name, dtype) -> None:
    torch = pytest.importorskip("torch")
    lo, *bounds = TORCH_PARITY[name]
    x = np.linspace(lo, 8.0, 200_001).astype(dtype)
    tx = torch.from_numpy(x)
    if name == "erf":
        want = torch.erf(tx)
    elif name == "erfc":
        want = torch.erfc(tx)
    elif name in ("gelu", "gelu_tanh"):
        want = torch.nn.functional.gelu(tx, approximate="tanh" if "tanh" in name else "none")
    else:
        want = torch.ops.aten.gelu_backward(torch.ones_like(tx), tx,
                                            approximate="tanh" if "tanh" in name else "none")
    err = ulp_error(call(name, x), want.numpy())
    assert err.max() <= bounds[dtype == np.float64], f"{name}: {err.max()} ulp"
