"""``autograd.special``, PyTorch's ``torch.special``: the namespace's names, values over wide
ranges with the special values (0, negatives, large, nan, ±inf) in float64 and float32,
result dtypes, gradients against torch, gradcheck and gradgradcheck, which functions
record no gradient, and the derivatives PyTorch refuses. One table (``UNARY``) drives the
value, dtype and gradient tests. Where PyTorch's own values are inaccurate (``bessel_j0``...
by up to 1e-7, ``airy_ai`` by 1e-6) the float64 values are held to mpmath instead."""

from __future__ import annotations

import importlib
import sys
import warnings

import numpy as np
import pytest

import autograd as ag
import autograd.special as S
from tests.helpers.torch_parity import requires_torch, torch

RNG = np.random.default_rng(0)
EDGES = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e-300, -1e-300, 1e-8, 30.0, -30.0, 1e3,
                  -1e3, 1e300, -1e300, np.nan, np.inf, -np.inf])
WIDE = np.concatenate([np.linspace(-40.0, 40.0, 801), RNG.standard_normal(200) * 5,
                       np.geomspace(1e-300, 1e300, 121), -np.geomspace(1e-300, 1e300, 121),
                       EDGES])
UNIT = np.concatenate([np.linspace(0.0, 1.0, 401), np.geomspace(1e-300, 0.5, 200),
                       1.0 - np.geomspace(1e-16, 0.5, 60), [-0.5, 1.5, np.nan, np.inf,
                                                            -np.inf, -0.0]])

# name: (points, float64 rtol against torch, differentiable, points for the gradient)
UNARY = {
    "erfcx": (WIDE, 1e-13, True, [-3.0, -0.3, 0.2, 0.6, 5.0]),
    "ndtr": (WIDE, 1e-13, True, [-6.0, -1.0, 0.3, 2.0]),
    "log_ndtr": (WIDE, 1e-12, True, [-30.0, -3.0, -0.5, 0.7, 4.0]),
    "ndtri": (UNIT, 1e-12, True, [1e-3, 0.02, 0.4, 0.6, 0.97]),
    "entr": (WIDE, 1e-14, True, [0.1, 0.7, 2.0, 9.0]),
    "i0e": (WIDE, 1e-13, True, [-40.0, -2.0, -0.3, 0.4, 3.0, 35.0]),
    "i1": (WIDE, 1e-13, True, [-3.0, -0.3, 0.4, 3.0]),
    "i1e": (WIDE, 1e-13, True, [-40.0, -2.0, -0.3, 0.4, 3.0, 35.0]),
    "bessel_j0": (WIDE, None, False, None),
    "bessel_j1": (WIDE, None, False, None),
    "bessel_y0": (WIDE, None, False, None),
    "bessel_y1": (WIDE, None, False, None),
    "modified_bessel_i0": (WIDE, 1e-13, False, None),
    "modified_bessel_i1": (WIDE, 1e-13, False, None),
    "modified_bessel_k0": (WIDE, 1e-13, False, None),
    "modified_bessel_k1": (WIDE, 1e-13, False, None),
    "scaled_modified_bessel_k0": (WIDE, 1e-13, False, None),
    "scaled_modified_bessel_k1": (WIDE, 1e-13, False, None),
    "spherical_bessel_j0": (WIDE, 1e-14, False, None),
    "airy_ai": (WIDE, None, False, None),
    # the names shared with the top level
    "erf": (WIDE, 1e-14, True, [-1.0, 0.3]), "erfc": (WIDE, 1e-14, True, [-1.0, 0.3]),
    "erfinv": (UNIT * 2 - 1, 1e-14, True, [-0.5, 0.3]),
    "expit": (WIDE, 1e-15, True, [-1.0, 0.3]), "exp2": (WIDE, 1e-15, True, [-1.0, 0.3]),
    "expm1": (WIDE, 1e-15, True, [-1.0, 0.3]), "log1p": (WIDE, 1e-15, True, [-0.5, 0.3]),
    "gammaln": (WIDE, 1e-12, True, [-1.5, 0.3, 4.0]),
    "digamma": (WIDE, 1e-12, True, [-1.5, 0.3, 4.0]),
    "psi": (WIDE, 1e-12, True, [-1.5, 0.3, 4.0]),
    "i0": (WIDE, 1e-13, True, [-1.0, 0.3]), "sinc": (WIDE, 1e-14, True, [-1.3, 0.3]),
    "logit": (UNIT, 1e-14, True, [0.2, 0.7]), "round": (WIDE, 0.0, False, None),
}
# PyTorch's values off by more than 1e-12: held to mpmath in float64 (absolute error
# relative to max(|f|, floor), since the functions oscillate through zeros).
MPMATH = {"bessel_j0": lambda m, v: m.besselj(0, v), "bessel_j1": lambda m, v: m.besselj(1, v),
          "bessel_y0": lambda m, v: m.bessely(0, v), "bessel_y1": lambda m, v: m.bessely(1, v),
          "airy_ai": lambda m, v: m.airyai(v)}
POLYNOMIALS = [n for n in S.__all__ if "polynomial" in n]
# PyTorch's ndtr is ``(1 + erf(x/√2))/2``: 0 below x ≈ -8.3, where ours keeps the tail
# (held to mpmath below); against torch it is compared to an absolute 1e-16 there.
TORCH_ATOL = {"ndtr": 1e-16}


def _quiet(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return fn(*args)


def _assert_close(ours: np.ndarray, ref: np.ndarray, rtol: float, name: str,
                  atol: float = 0.0) -> None:
    assert ours.shape == ref.shape, name
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref), err_msg=f"{name}: nan")
    inf = np.isinf(ref)
    np.testing.assert_array_equal(ours[inf], ref[inf], err_msg=f"{name}: inf")
    finite = np.isfinite(ref)
    np.testing.assert_allclose(ours[finite], ref[finite], rtol=rtol,
                               atol=max(atol, rtol * 1e-300), err_msg=name)


def test_names_match_torch_special():
    pytest.importorskip("torch")
    import torch as real_torch

    funcs = {n for n in dir(real_torch.special) if not n.startswith("_")
             and callable(getattr(real_torch.special, n)) and n != "Tensor"}
    assert set(S.__all__) == funcs
    for name in S.__all__:
        assert callable(getattr(S, name)), name


def test_lazy_attribute_and_import():
    """``autograd.special`` loads on first use, as an attribute and as a submodule."""
    assert ag.special is S
    assert sys.modules["autograd.special"] is S
    assert importlib.import_module("autograd.special").ndtr is S.ndtr


@requires_torch
@pytest.mark.parametrize("name", [n for n in UNARY if UNARY[n][1] is not None])
def test_values_float64_match_torch(name):
    t = torch()
    points, rtol, _, _ = UNARY[name]
    ours = _quiet(lambda: getattr(S, name)(ag.tensor(points, dtype=np.float64))).numpy()
    ref = getattr(t.special, name)(t.from_numpy(points)).numpy()
    _assert_close(ours, ref, rtol, name, TORCH_ATOL.get(name, 0.0))


def test_ndtr_keeps_the_lower_tail():
    mpmath = pytest.importorskip("mpmath")
    points = -np.linspace(5.0, 37.5, 200)
    ours = S.ndtr(ag.tensor(points, dtype=np.float64)).numpy()
    ref = np.array([float(mpmath.ncdf(v)) for v in points])
    np.testing.assert_allclose(ours, ref, rtol=3e-13)


@pytest.mark.parametrize("name", sorted(MPMATH))
def test_values_float64_match_mpmath(name):
    mpmath = pytest.importorskip("mpmath")
    points = np.concatenate([np.linspace(-60.0, 60.0, 1201), np.geomspace(1e-200, 500, 80),
                             -np.geomspace(1e-200, 500, 80)])
    if name.startswith("bessel_y"):
        points = points[points > 0]
    ours = getattr(S, name)(ag.tensor(points, dtype=np.float64)).numpy()
    ref = np.array([float(MPMATH[name](mpmath, v)) for v in points])
    scale = np.maximum(np.abs(ref), 5e-2)  # near a zero (and the phase): absolute accuracy
    assert np.max(np.abs(ours - ref) / scale) < 1e-12


@requires_torch
@pytest.mark.parametrize("name", sorted(MPMATH))
def test_special_values_and_loose_parity_where_torch_is_inaccurate(name):
    t = torch()
    ours = _quiet(lambda: getattr(S, name)(ag.tensor(WIDE, dtype=np.float64))).numpy()
    ref = getattr(t.special, name)(t.from_numpy(WIDE)).numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    np.testing.assert_array_equal(ours[np.isinf(ref)], ref[np.isinf(ref)])
    moderate = np.isfinite(ref) & (np.abs(WIDE) < 1e3)
    np.testing.assert_allclose(ours[moderate], ref[moderate], rtol=1e-12, atol=1e-5)


@requires_torch
@pytest.mark.parametrize("name", sorted(UNARY))
def test_float32_and_integer_dtypes_match_torch(name):
    t = torch()
    # PyTorch's float32 Bessel and Airy values lose their phase beyond |x| ~ 20
    points = UNARY[name][0][np.abs(UNARY[name][0]) < (20 if name in MPMATH else 1e30)]
    points = points.astype(np.float32)
    ours = _quiet(lambda: getattr(S, name)(ag.tensor(points)))
    ref = getattr(t.special, name)(t.from_numpy(points)).numpy()
    assert ours.dtype == np.float32
    finite = np.isfinite(ref) & np.isfinite(ours.numpy())
    atol = 2e-5 if name in MPMATH else 2e-6
    np.testing.assert_allclose(ours.numpy()[finite], ref[finite], rtol=2e-5, atol=atol)
    if name == "round":  # PyTorch's refuses integer input; ours gives it back
        return
    ints = np.array([0, 1, 2, 3])
    assert getattr(S, name)(ag.tensor(ints)).dtype == getattr(t.special, name)(
        t.from_numpy(ints)).numpy().dtype


@requires_torch
@pytest.mark.parametrize("name", [n for n in UNARY if UNARY[n][2]])
def test_gradients_match_torch_and_gradcheck(name):
    t = torch()
    points = np.array(UNARY[name][3])
    x = ag.tensor(points, dtype=np.float64, requires_grad=True)
    getattr(S, name)(x).sum().backward()
    tx = t.tensor(points, dtype=t.float64, requires_grad=True)
    getattr(t.special, name)(tx).sum().backward()
    # PyTorch's trigamma (digamma's derivative) is good to ~5e-10 only
    rtol = 1e-9 if name in ("digamma", "psi") else 1e-10
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=rtol)
    fn = getattr(S, name)
    assert ag.gradcheck(fn, [ag.tensor(points, dtype=np.float64, requires_grad=True)])
    assert ag.gradgradcheck(fn, [ag.tensor(points, dtype=np.float64, requires_grad=True)])


@requires_torch
@pytest.mark.parametrize("name", [n for n in UNARY if not UNARY[n][2]] + POLYNOMIALS)
def test_no_gradient_recorded_as_in_torch(name):
    t = torch()
    args = (ag.tensor([0.3, 1.5], dtype=np.float64, requires_grad=True),)
    targs = (t.tensor([0.3, 1.5], dtype=t.float64, requires_grad=True),)
    if name in POLYNOMIALS:
        args, targs = args + (3,), targs + (3,)
    out = getattr(S, name)(*args)
    assert out.requires_grad == getattr(t.special, name)(*targs).requires_grad
    if not out.requires_grad:
        with pytest.raises(Exception):  # noqa: B017  (no graph: backward refuses)
            out.sum().backward()


@requires_torch
@pytest.mark.parametrize("name", POLYNOMIALS)
@pytest.mark.parametrize("n", [-2, 0, 1, 2, 3, 5, 7, 9, 12, 25, 2.7])
def test_polynomials_match_torch(name, n):
    t = torch()
    x = np.concatenate([np.linspace(-3.0, 3.0, 121), [0.0, 1.0, -1.0, 0.5, np.inf, -np.inf]])
    ours = _quiet(lambda: getattr(S, name)(ag.tensor(x, dtype=np.float64), n)).numpy()
    ref = getattr(t.special, name)(t.from_numpy(x), n).numpy()
    # PyTorch's trigonometric forms for high degrees on (-1, 1) are exact only to ~1e-15
    _assert_close(ours, ref, 1e-12, name, atol=1e-14)
    # tensor degrees broadcast against x, and the dtypes follow PyTorch's
    degrees = np.array([[0.0], [3.0], [8.0]])
    ours = getattr(S, name)(ag.tensor(x[:5].astype(np.float32)), ag.tensor(degrees))
    ref = getattr(t.special, name)(t.from_numpy(x[:5]).float(), t.from_numpy(degrees))
    assert ours.shape == tuple(ref.shape) and ours.dtype == ref.numpy().dtype
    np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-12)
    assert getattr(S, name)(ag.tensor([1, 2]), 3).dtype == np.float32
    assert np.isnan(getattr(S, name)(np.nan, 3).item())


BINARY_POINTS = (np.array([1.0, 0.5, 2.0, 2.0, 2.0, 2.0, 2.0, 3.0, np.inf, np.nan, 2.0, -2.0,
                           2.0, 4.5, 1.5, 10.0, 0.0, 0.0, 1.0, 3.0]),
                 np.array([1.0, 1.0, 0.0, -1.0, -1.5, np.inf, -np.inf, 0.5, 2.0, 1.0, np.nan,
                           1.0, -0.0, 30.0, 0.01, 1e3, 0.0, -1.0, -1.0, 0.2]))


@requires_torch
@pytest.mark.parametrize("name", ["zeta", "xlog1py", "xlogy", "gammainc", "gammaincc"])
def test_binary_values_match_torch(name):
    t = torch()
    a, b = BINARY_POINTS
    grid_a, grid_b = np.meshgrid(np.geomspace(0.05, 40, 25), np.geomspace(0.01, 60, 25))
    a, b = np.concatenate([a, grid_a.ravel() + 1.0]), np.concatenate([b, grid_b.ravel()])
    ours = _quiet(lambda: getattr(S, name)(ag.tensor(a, dtype=np.float64),
                                           ag.tensor(b, dtype=np.float64))).numpy()
    ref = getattr(t.special, name)(t.from_numpy(a), t.from_numpy(b)).numpy()
    # PyTorch's incomplete gamma is off by up to 2e-9 (ours: 4e-14, held to mpmath below)
    _assert_close(ours, ref, 1e-8 if name.startswith("gammainc") else 1e-11, name)
    assert getattr(S, name)(ag.tensor(a[:3].astype(np.float32)), 2.0).dtype == np.float32


def test_gammainc_matches_mpmath():
    mpmath = pytest.importorskip("mpmath")
    a, x = (v.ravel() for v in np.meshgrid(np.geomspace(0.05, 40, 12) + 1.0,
                                           np.geomspace(0.01, 60, 12)))
    ours = S.gammainc(ag.tensor(a, dtype=np.float64), ag.tensor(x, dtype=np.float64)).numpy()
    ref = np.array([float(mpmath.gammainc(p, 0, q, regularized=True)) for p, q in zip(a, x)])
    np.testing.assert_allclose(ours, ref, rtol=1e-12)


@requires_torch
@pytest.mark.parametrize("name, which", [("zeta", 1), ("xlog1py", 0), ("xlog1py", 1),
                                         ("gammainc", 1), ("gammaincc", 1)])
def test_binary_gradients_match_torch(name, which):
    t = torch()
    a, b = np.array([2.5, 1.7, 4.0]), np.array([0.3, 1.2, 2.5])
    args = [ag.tensor(v, dtype=np.float64) for v in (a, b)]
    targs = [t.tensor(v, dtype=t.float64) for v in (a, b)]
    args[which].requires_grad_()
    targs[which].requires_grad_()
    getattr(S, name)(*args).sum().backward()
    getattr(t.special, name)(*targs).sum().backward()
    np.testing.assert_allclose(args[which].grad.numpy(), targs[which].grad.numpy(), rtol=1e-10)

    def fn(v):
        return getattr(S, name)(*[v if i == which else args[i].detach() for i in (0, 1)])

    assert ag.gradcheck(fn, [ag.tensor(args[which].data, requires_grad=True)])
    assert ag.gradgradcheck(fn, [ag.tensor(args[which].data, requires_grad=True)])


@pytest.mark.parametrize("name", ["zeta", "gammainc", "gammaincc"])
def test_first_argument_derivative_refused_as_in_torch(name):
    x = ag.tensor([2.5, 3.0], dtype=np.float64, requires_grad=True)
    out = getattr(S, name)(x, ag.tensor([0.5, 1.0], dtype=np.float64))
    with pytest.raises(NotImplementedError, match="not implemented"):
        out.sum().backward()


@requires_torch
def test_reductions_and_rest_follow_torch_signatures():
    t = torch()
    a = RNG.standard_normal((3, 4))
    ta = t.from_numpy(a)
    for ours, ref in [
        (S.softmax(ag.tensor(a), 1), t.special.softmax(ta, 1)),
        (S.log_softmax(ag.tensor(a), 0), t.special.log_softmax(ta, 0)),
        (S.softmax(ag.tensor(a.astype(np.float32)), 1, dtype=np.float64),
         t.special.softmax(ta.float(), 1, dtype=t.float64)),
        (S.logsumexp(ag.tensor(a), 1), t.special.logsumexp(ta, 1)),
        (S.logsumexp(ag.tensor(a), (0, 1), keepdim=True),
         t.special.logsumexp(ta, (0, 1), keepdim=True)),
        (S.multigammaln(ag.tensor(a + 3.0), 3), t.special.multigammaln(ta + 3.0, 3)),
        (S.polygamma(2, ag.tensor(a + 3.0)), t.special.polygamma(2, ta + 3.0)),
        (S.logit(ag.tensor(np.abs(a) / 4), eps=0.1), t.special.logit(ta.abs() / 4, eps=0.1)),
        (S.xlogy(ag.tensor(a), 2.0), t.special.xlogy(ta, 2.0)),
    ]:
        assert ours.shape == tuple(ref.shape) and ours.dtype == ref.numpy().dtype
        np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-12)


def test_scaled_functions_stay_finite_where_unscaled_overflow():
    x = ag.tensor([800.0, -800.0], dtype=np.float64)
    assert np.all(np.isfinite(S.i0e(x).numpy())) and np.all(np.isfinite(S.i1e(x).numpy()))
    assert np.isinf(S.modified_bessel_i0(x).numpy()).all()
    assert S.scaled_modified_bessel_k0(ag.tensor([800.0])).item() > 0
    assert S.modified_bessel_k0(ag.tensor([800.0])).item() == 0
    assert S.erfcx(ag.tensor([1e10], dtype=np.float64)).item() == pytest.approx(
        1 / (1e10 * np.sqrt(np.pi)), rel=1e-15)
    assert S.ndtri(ag.tensor([1e-300], dtype=np.float64)).item() == pytest.approx(
        -37.04709629936120, rel=1e-13)  # mpmath's root of Φ(x) = 1e-300
