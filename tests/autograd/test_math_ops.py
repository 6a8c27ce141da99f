"""The math family (synonyms.py, hyperbolic.py, elementwise_more.py, special.py,
predicates.py, bitwise.py): values, dtypes and special values against torch, the special
functions' accuracy against mpmath, integer and bool ops, operators, in-place forms and
errors. Gradients over shapes are in the op table (tests/helpers/optable_math.py)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
from autograd.errors import ShapeError


def _check(out, expected, rtol: float = 1e-6, atol: float = 0.0) -> None:
    """``out`` has the shape, dtype and values (nan where nan) of the torch tensor
    ``expected`` (tensor_parity's check, with an absolute tolerance too)."""
    want = expected.detach().numpy()
    assert (out.shape, out.dtype) == (want.shape, want.dtype), (out.shape, out.dtype,
                                                                want.shape, want.dtype)
    np.testing.assert_allclose(out.data, want, rtol=rtol, atol=atol, equal_nan=True)


@pytest.fixture
def torch():
    th = pytest.importorskip("torch")
    th.set_num_threads(1)
    return th


SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e-30, -1e-30, 50.0, np.inf, -np.inf,
           np.nan]
F32 = np.array([[1.5, -2.0, 0.0], [np.nan, 4.0, -np.inf]], dtype=np.float32)
F64 = np.array(SPECIAL, dtype=np.float64)
UNIT = np.array([-1.0, -0.999, -0.5, -0.0, 0.0, 0.3, 0.99, 1.0, 1.5, np.nan])
I64 = np.array([[3, -1, 0], [2, 7, -5]])

UNARY_NAMES = ["absolute", "negative", "positive", "arccos", "arcsin", "arctan", "fix", "sgn",
               "acosh", "asinh", "atanh", "arccosh", "arcsinh", "arctanh", "exp2", "deg2rad",
               "rad2deg", "sinc", "logit", "lgamma", "digamma", "erfinv", "i0", "signbit",
               "isposinf", "isneginf", "isreal"]
FLOAT_ONLY = ["frac"]


@pytest.mark.parametrize("name", UNARY_NAMES + FLOAT_ONLY)
@pytest.mark.parametrize("data", [F32, F64, UNIT, I64], ids=["f32", "f64", "unit", "i64"])
def test_unary_values_and_dtypes_match_torch(torch, name, data) -> None:
    if data.dtype.kind == "i" and name in FLOAT_ONLY:
        with pytest.raises(TypeError, match=name):
            getattr(ag, name)(ag.tensor(data))
        return
    with np.errstate(all="ignore"):
        out = getattr(ag, name)(ag.tensor(data))
    expected = getattr(torch, name)(torch.tensor(data))
    # PyTorch computes float32 in float32 (losing digits near digamma's zero), graphgrad
    # in float64
    _check(out, expected, rtol=1e-12 if data.dtype == np.float64 else 1e-6,
           atol=0.0 if data.dtype == np.float64 else 1e-6)
    _check(getattr(ag.tensor(data), name)(), expected, rtol=1e-6, atol=1e-6)


A = np.array([[1.5, -2.0, 0.0, -0.0], [np.nan, 4.0, -np.inf, 7.0]])
B = np.array([[0.5, 0.0, -3.0, 2.0], [1.0, np.nan, -np.inf, 7.0]])


@pytest.mark.parametrize("call", [
    lambda m, x, y: m.multiply(x, y),
    lambda m, x, y: m.subtract(x, y, alpha=2),
    lambda m, x, y: m.divide(x, y),
    lambda m, x, y: m.divide(x, y, rounding_mode="trunc"),
    lambda m, x, y: m.divide(x, y, rounding_mode="floor"),
    lambda m, x, y: m.floor_divide(x, y),
    lambda m, x, y: x // 0.3,
    lambda m, x, y: 7.0 // x,
    lambda m, x, y: m.greater(x, y),
    lambda m, x, y: m.greater_equal(x, y),
    lambda m, x, y: m.less(x, y),
    lambda m, x, y: x.less_equal(y),
    lambda m, x, y: x.not_equal(y),
    lambda m, x, y: m.hypot(x, y),
    lambda m, x, y: m.logaddexp2(x, y),
    lambda m, x, y: m.copysign(x, y),
    lambda m, x, y: m.float_power(x, y),
    lambda m, x, y: m.float_power(x.float(), 2),
    lambda m, x, y: m.fmax(x, y),
    lambda m, x, y: m.fmin(x, y),
    lambda m, x, y: m.ldexp(x, y),
    lambda m, x, y: m.xlogy(x, y),
    lambda m, x, y: m.xlogy(x, 2.0),
    lambda m, x, y: m.heaviside(x, y),
    lambda m, x, y: m.nextafter(x, y),
    lambda m, x, y: m.nextafter(x.float(), y.float()),
    lambda m, x, y: m.polygamma(3, y),
    lambda m, x, y: y.polygamma(2),
], ids=lambda c: "")
def test_binary_values_and_dtypes_match_torch(torch, call) -> None:
    with np.errstate(all="ignore"):
        out = call(ag, ag.tensor(A), ag.tensor(B))
    _check(out, call(torch, torch.tensor(A), torch.tensor(B)), rtol=1e-12)


def _dtype(module, name: str):
    """The dtype ``name`` of graphgrad (NumPy's) or of torch."""
    return getattr(np, name) if module is ag else getattr(module, name)


II = np.array([[7, -7, 0, 12], [-12, 5, 1, -1]])
JJ = np.array([[2, 2, -3, 8], [5, -3, 1, 0]])


@pytest.mark.parametrize("call", [
    lambda m, x, y: m.divide(x, y + (y == 0), rounding_mode="trunc"),
    lambda m, x, y: m.divide(x, y + (y == 0), rounding_mode="floor"),
    lambda m, x, y: x // 3,
    lambda m, x, y: m.divide(x, y + (y == 0)),
    lambda m, x, y: m.subtract(x, y, alpha=3),
    lambda m, x, y: m.gcd(x, y),
    lambda m, x, y: m.lcm(x, y),
    lambda m, x, y: x.int().gcd(y),
    lambda m, x, y: m.bitwise_and(x, y),
    lambda m, x, y: x | y,
    lambda m, x, y: x ^ 6,
    lambda m, x, y: 6 & x,
    lambda m, x, y: 5 | x.int(),
    lambda m, x, y: 9 ^ x,
    lambda m, x, y: ~x,
    lambda m, x, y: ~(x > 0),
    lambda m, x, y: (x > 0) & (y > 0),
    lambda m, x, y: (x > 0) ^ True,
    lambda m, x, y: x.to(_dtype(m, "uint8")) & y.to(_dtype(m, "int8")),
    lambda m, x, y: x << y,
    lambda m, x, y: x >> y,
    lambda m, x, y: x.int() << 40,
    lambda m, x, y: x >> 64,
    lambda m, x, y: 1 << x.abs(),
    lambda m, x, y: 100 >> x.abs(),
    lambda m, x, y: x.to(_dtype(m, "uint8")) >> 9,
    lambda m, x, y: m.bitwise_left_shift(x, 63),
    lambda m, x, y: m.heaviside(x, y),
    lambda m, x, y: m.fmax(x, y),
    lambda m, x, y: m.copysign(x, y),
    lambda m, x, y: m.xlogy(x, y),
    lambda m, x, y: m.ldexp(x, y),
    lambda m, x, y: m.signbit(x.to(_dtype(m, "uint8"))),
    lambda m, x, y: m.signbit(x > 0),
    lambda m, x, y: m.sgn(x),
], ids=lambda c: "")
def test_integer_values_and_dtypes_match_torch(torch, call) -> None:
    out = call(ag, ag.tensor(II), ag.tensor(JJ))
    _check(out, call(torch, torch.tensor(II), torch.tensor(JJ)))


def test_integer_division_by_zero_raises() -> None:
    for mode in ("trunc", "floor"):
        with pytest.raises(ZeroDivisionError, match="division by zero"):
            ag.divide(ag.tensor([1, 2]), ag.tensor([1, 0]), rounding_mode=mode)


@pytest.mark.parametrize("call,error,match", [
    (lambda: ag.divide(ag.tensor([1.0]), 2.0, rounding_mode="round"), ValueError,
     "rounding_mode"),
    (lambda: ag.bitwise_and(ag.tensor([1.0]), 1), TypeError, "bitwise_and"),
    (lambda: ~ag.tensor([1.0]), TypeError, "bitwise_not"),
    (lambda: ag.tensor([True]) << 1, TypeError, "bitwise_left_shift"),
    (lambda: ag.gcd(ag.tensor([True]), ag.tensor([True])), TypeError, "gcd"),
    (lambda: ag.bitwise_or(ag.tensor([1, 2]), ag.tensor([1, 2, 3])), ShapeError, "(2,)"),
    (lambda: ag.hypot(ag.tensor([1]), ag.tensor([1])), TypeError, "hypot"),
    (lambda: ag.logaddexp2(ag.tensor([1]), 1.0), TypeError, "logaddexp2"),
    (lambda: ag.nextafter(ag.tensor([1]), ag.tensor([2])), TypeError, "nextafter"),
    (lambda: ag.heaviside(ag.tensor([1.0], dtype=np.float64), ag.tensor([1.0])), TypeError,
     "same dtype"),
    (lambda: ag.heaviside(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 2.0, 3.0])), ShapeError,
     "heaviside"),
    (lambda: ag.polygamma(-1, ag.tensor([1.0])), ValueError, "n must be >= 0"),
    (lambda: ag.polygamma(1.5, ag.tensor([1.0])), TypeError, "n must be an int"),
    (lambda: ag.positive(ag.tensor([True])), TypeError, "bool"),
    (lambda: ag.subtract(ag.tensor([1]), ag.tensor([2]), alpha=0.5), TypeError, "alpha"),
    (lambda: ag.fmax(ag.ones(2), ag.ones(3)), ShapeError, "fmax"),
])
def test_errors_name_the_op(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


def _mp_reference(fn, xs):
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    return np.array([float(fn(mpmath, mpmath.mpf(float(x)))) for x in xs])


_RNG = np.random.default_rng(0)
_WIDE = np.concatenate([_RNG.uniform(-30, 30, 150), _RNG.uniform(0, 3, 100),
                        10.0 ** _RNG.uniform(-200, 200, 40), [0.5, 1.5, 2.5, 9.999, 10.0, 1e-8]])


@pytest.mark.parametrize("name,fn,xs,rtol,atol", [
    ("lgamma", lambda mp, x: mp.log(abs(mp.gamma(x))), _WIDE[np.abs(_WIDE) < 1e5], 5e-14,
     1e-15),  # near lgamma's zeros below -2 only absolute accuracy is possible
    ("digamma", lambda mp, x: mp.digamma(x), _WIDE, 1e-13, 1e-15),
    ("erfinv", lambda mp, x: mp.erfinv(x), np.concatenate(
        [_RNG.uniform(-1, 1, 200), 1 - 10.0 ** -_RNG.uniform(1, 15.9, 50),
         [1e-300, 0.5, 1 - 2.0 ** -53]]), 1e-15, 0),
    ("i0", lambda mp, x: mp.besseli(0, x), np.concatenate(
        [_RNG.uniform(-60, 60, 150), [0.0, 29.999, 30.0, 700.0, 1e-300]]), 1e-14, 0),
])
def test_special_functions_accuracy_against_mpmath(name, fn, xs, rtol, atol) -> None:
    out = getattr(ag, name)(ag.tensor(xs)).data
    near_root = np.zeros(xs.shape, bool) if name != "lgamma" else (xs < -2)
    want = _mp_reference(fn, xs)
    np.testing.assert_allclose(out[~near_root], want[~near_root], rtol=rtol, atol=atol)
    np.testing.assert_allclose(out[near_root], want[near_root], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_polygamma_accuracy_against_mpmath(n) -> None:
    xs = np.concatenate([_RNG.uniform(-8, 8, 60), _RNG.uniform(0, 3, 40),
                         10.0 ** _RNG.uniform(-5, 5, 30)])
    want = _mp_reference(lambda mp, x: mp.polygamma(n, x), xs)
    np.testing.assert_allclose(ag.polygamma(n, ag.tensor(xs)).data, want, rtol=1e-13)


def test_special_functions_close_to_torch_on_a_wide_range(torch) -> None:
    xs = _WIDE
    t = torch.tensor(xs)
    for name in ("lgamma", "digamma", "i0"):
        with np.errstate(all="ignore"):
            out = getattr(ag, name)(ag.tensor(xs))
        _check(out, getattr(torch, name)(t), rtol=1e-12 if name != "lgamma" else 1e-10)
    # PyTorch's trigamma is good to ~5e-10 relative only
    _check(ag.polygamma(1, ag.tensor(xs)), torch.polygamma(1, t), rtol=2e-9)
    ys = np.concatenate([_RNG.uniform(-1, 1, 200), [-1.0, 1.0, 0.0, -0.0, 1.5, np.nan]])
    _check(ag.erfinv(ag.tensor(ys)), torch.erfinv(torch.tensor(ys)), rtol=1e-13)
    f32 = (xs[np.abs(xs) < 50]).astype(np.float32)
    for name in ("lgamma", "digamma", "i0"):  # torch's float32 loses digits near the zeros
        _check(getattr(ag, name)(ag.tensor(f32)), getattr(torch, name)(torch.tensor(f32)),
               rtol=2e-6, atol=1e-6)
    _check(ag.erfinv(ag.tensor(ys, dtype=np.float32)),
           torch.erfinv(torch.tensor(ys, dtype=torch.float32)), rtol=2e-6)


def test_polygamma_and_digamma_at_poles_and_infinities(torch) -> None:
    x = np.array([0.0, -0.0, -3.0, np.inf, -np.inf, np.nan, 1e-300])
    _check(ag.digamma(ag.tensor(x)), torch.digamma(torch.tensor(x)))
    _check(ag.lgamma(ag.tensor(x)), torch.lgamma(torch.tensor(x)))
    for n in (2, 3):
        _check(ag.polygamma(n, ag.tensor(x[[0, 2, 4, 5]])),
               torch.polygamma(n, torch.tensor(x[[0, 2, 4, 5]])))
    # at a negative integer PyTorch's trigamma is ~6.6e32 (sin(πx) is not exactly 0); inf
    assert ag.polygamma(1, ag.tensor([0.0, -1.0])).data.tolist() == [np.inf, np.inf]


def test_gradients_at_special_points_match_torch(torch) -> None:
    x = ag.tensor([0.0, 0.0, 2.0, -1.0], requires_grad=True)
    y = ag.tensor([np.nan, 0.0, 3.0, 2.0], requires_grad=True)
    tx, ty = (torch.tensor(v.data, requires_grad=True) for v in (x, y))
    with np.errstate(all="ignore"):
        (ag.xlogy(x, y).sum() + ag.sinc(x).sum() + ag.copysign(x, y).sum()
         + ag.fmax(x, ag.tensor([0.0, 1.0, 2.0, np.nan])).sum()).backward()
    (torch.xlogy(tx, ty).sum() + torch.sinc(tx).sum() + torch.copysign(tx, ty).sum()
     + torch.fmax(tx, torch.tensor([0.0, 1.0, 2.0, np.nan])).sum()).backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), equal_nan=True)
    np.testing.assert_allclose(y.grad.data, ty.grad.numpy(), equal_nan=True)
    z = ag.tensor([0.0, 0.5, 1.0, 0.1], requires_grad=True)
    tz = torch.tensor(z.data, requires_grad=True)
    ag.logit(z, eps=0.1).sum().backward()
    torch.logit(tz, eps=0.1).sum().backward()
    np.testing.assert_allclose(z.grad.data, tz.grad.numpy())


# in-place name -> its arguments after the tensor, given an operand y of the library
IN_PLACE_ARGS = {
    "absolute": (), "negative": (), "arccos": (), "arcsin": (), "arctan": (), "fix": (),
    "sgn": (), "asinh": (), "atanh": (), "arcsinh": (), "arctanh": (), "exp2": (),
    "deg2rad": (), "rad2deg": (), "frac": (), "sinc": (), "logit": (), "lgamma": (),
    "digamma": (), "erfinv": (), "i0": (),
    "acosh": None, "arccosh": None,  # need x >= 1: run on 1 + x
    "multiply": lambda y: (y,), "subtract": lambda y: (y,), "divide": lambda y: (y,),
    "hypot": lambda y: (y,), "copysign": lambda y: (-y,), "ldexp": lambda y: (y,),
    "xlogy": lambda y: (y,), "float_power": lambda y: (y,), "floor_divide": lambda y: (0.3,),
    "polygamma": lambda y: (2,), "greater": lambda y: (y,), "greater_equal": lambda y: (y,),
    "less": lambda y: (y,), "less_equal": lambda y: (y,), "not_equal": lambda y: (y,),
    "heaviside": lambda y: (y,), "nextafter": lambda y: (y,),
}
# PyTorch's floor_divide has no derivative; graphgrad's is div(rounding_mode='floor')'s, 0
OUT_OF_PLACE = {"floor_divide": lambda t, *a: t.div(*a, rounding_mode="floor")}
NO_GRADIENT = {"greater", "greater_equal", "less", "less_equal", "not_equal", "heaviside",
               "nextafter"}


@pytest.mark.parametrize("name", sorted(IN_PLACE_ARGS))
def test_in_place_forms_match_torch(torch, name) -> None:
    rng = np.random.default_rng(4)
    x0, y0 = rng.uniform(0.1, 0.9, (3, 4)), rng.uniform(0.1, 0.9, (3, 4))
    x0.flat[0] = y0.flat[0] = 0.5  # a tie for the comparisons
    grad = name not in NO_GRADIENT
    x, tx = ag.tensor(x0, requires_grad=grad), torch.tensor(x0, requires_grad=grad)
    args = IN_PLACE_ARGS[name]
    z, tz = (x + 1.0, tx + 1.0) if args is None else (x * 1.0, tx * 1.0)
    args = args or ()
    y_args = args(ag.tensor(y0)) if callable(args) else args
    ty_args = args(torch.tensor(y0)) if callable(args) else args
    assert getattr(z, f"{name}_")(*y_args) is z
    with torch.no_grad():
        _check(z, getattr(tz.clone(), f"{name}_")(*ty_args), rtol=1e-12)
    if grad:  # PyTorch differentiates only some of these in place: its out-of-place form
        w = rng.standard_normal(x0.shape)
        (z * ag.tensor(w)).sum().backward()
        out_of_place = OUT_OF_PLACE.get(name, lambda t, *a: getattr(t, name)(*a))
        (out_of_place(tz, *ty_args) * torch.tensor(w)).sum().backward()
        want = tx.grad.numpy() if not tx.grad._is_zerotensor() else np.zeros(x0.shape)
        # PyTorch's trigamma, digamma's derivative, is good to ~5e-10 only
        np.testing.assert_allclose(x.grad.data, want, rtol=1e-8 if name == "digamma" else 1e-12)


def test_in_place_logit_eps_and_subtract_alpha(torch) -> None:
    data = np.array([0.05, 0.5, 0.97])
    t, tt = ag.tensor(data), torch.tensor(data)
    t.logit_(0.1).subtract_(ag.tensor(data), alpha=2)
    tt.logit_(0.1).subtract_(torch.tensor(data), alpha=2)
    _check(t, tt, rtol=1e-12)


def test_integer_in_place_forms_and_floordiv_operator(torch) -> None:
    t, tt = ag.tensor(II), torch.tensor(II)
    for name in ("bitwise_and_", "bitwise_or_", "gcd_", "bitwise_left_shift_"):
        getattr(t, name)(ag.tensor(np.abs(JJ)))
        getattr(tt, name)(torch.tensor(np.abs(JJ)))
        _check(t, tt)
    t.bitwise_not_()
    tt.bitwise_not_()
    _check(t, tt)
    alias = t
    t //= 3
    t &= 14
    t |= 1
    t ^= 5
    t <<= 2
    t >>= 1
    assert alias is t  # the augmented assignments write in place, as torch's
    tt //= 3
    tt &= 14
    tt |= 1
    tt ^= 5
    tt <<= 2
    tt >>= 1
    _check(t, tt)


def test_rounded_division_has_zero_gradient_and_aliases_share_graph() -> None:
    a = ag.tensor([5.0, -7.0], requires_grad=True)
    b = ag.tensor([2.0, 2.0], requires_grad=True)
    (ag.divide(a, b, rounding_mode="floor") * 3.0).sum().backward()
    assert a.grad.data.tolist() == [0.0, 0.0] and b.grad.data.tolist() == [0.0, 0.0]
    assert ag.positive(a) is a
    assert ag.float_power(ag.tensor([2], dtype=np.int32), 3).dtype == np.float64


def test_empty_and_zero_dim_inputs() -> None:
    empty = ag.tensor(np.zeros((0, 3)))
    for name in ("lgamma", "digamma", "erfinv", "i0", "signbit", "isposinf", "sinc"):
        assert getattr(ag, name)(empty).shape == (0, 3)
    assert ag.polygamma(2, empty).shape == (0, 3)
    assert ag.gcd(ag.tensor(np.zeros((0,), np.int64)), 3).shape == (0,)
    assert ag.lgamma(ag.tensor(3.0)).shape == () and ag.i0(ag.tensor(0.0)).item() == 1.0
