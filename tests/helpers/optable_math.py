"""The op table's entries for the math family (see optable.py): PyTorch's second names,
the inverse hyperbolics, the further elementwise arithmetic and the special functions.

``digamma`` and ``polygamma(1, ·)`` have no ``torch_fn``: PyTorch's trigamma is only good
to ~5e-10 relative, beyond the parity test's 1e-10 (their values are checked against
torch and mpmath in tests/autograd/test_math_ops.py)."""

from __future__ import annotations

from optable import BINARY, UNARY, OpSpec

import autograd as ag


def _torch():
    import torch

    return torch


OPS: list[OpSpec] = [
    OpSpec("multiply", ag.multiply, BINARY, lambda a, b: _torch().multiply(a, b)),
    OpSpec("subtract_alpha", lambda a, b: ag.subtract(a, b, alpha=2.5), BINARY,
           lambda a, b: _torch().subtract(a, b, alpha=2.5)),
    OpSpec("divide", lambda a, b: a.divide(b), BINARY, lambda a, b: a.divide(b),
           domain="positive"),
    OpSpec("divide_trunc", lambda a, b: ag.divide(a, b, rounding_mode="trunc"), BINARY,
           lambda a, b: _torch().div(a, b, rounding_mode="trunc"), domain="away"),
    OpSpec("divide_floor", lambda a, b: a.divide(b, rounding_mode="floor"), BINARY,
           lambda a, b: a.div(b, rounding_mode="floor"), domain="away"),
    OpSpec("absolute", ag.absolute, UNARY, lambda a: a.absolute(), domain="away"),
    OpSpec("negative", lambda a: a.negative(), UNARY, lambda a: a.negative()),
    OpSpec("positive", lambda a: ag.positive(a) * 2.0, UNARY, lambda a: a.positive() * 2.0),
    OpSpec("arccos_arcsin_arctan", lambda a: ag.arccos(a) + a.arcsin() * ag.arctan(a), UNARY,
           lambda a: a.arccos() + a.arcsin() * a.arctan(), domain="unit"),
    OpSpec("fix_sgn", lambda a: a.fix() * a + a.sgn() * a, UNARY,
           lambda a: a.fix() * a + a.sgn() * a, domain="away"),
    OpSpec("acosh", lambda a: (a + 1.0).acosh(), UNARY, lambda a: (a + 1.0).acosh(),
           domain="positive"),
    OpSpec("asinh", ag.asinh, UNARY, lambda a: a.asinh()),
    OpSpec("atanh", lambda a: a.arctanh(), UNARY, lambda a: a.arctanh(), domain="unit"),
    OpSpec("arccosh_arcsinh", lambda a: ag.arccosh(a + 1.0) * ag.arcsinh(a), UNARY,
           lambda a: (a + 1.0).arccosh() * a.arcsinh(), domain="positive"),
    OpSpec("exp2", ag.exp2, UNARY, lambda a: a.exp2()),
    OpSpec("deg2rad_rad2deg", lambda a: a.deg2rad() * ag.rad2deg(a), UNARY,
           lambda a: a.deg2rad() * a.rad2deg()),
    OpSpec("frac", ag.frac, UNARY, lambda a: a.frac(), domain="away"),
    OpSpec("hypot", ag.hypot, BINARY, lambda a, b: _torch().hypot(a, b), domain="away"),
    OpSpec("logaddexp2", ag.logaddexp2, BINARY, lambda a, b: _torch().logaddexp2(a, b)),
    OpSpec("copysign", ag.copysign, BINARY, lambda a, b: _torch().copysign(a, b),
           domain="away"),
    OpSpec("float_power", ag.float_power, BINARY, lambda a, b: _torch().float_power(a, b),
           domain="positive"),
    OpSpec("fmax", ag.fmax, BINARY, lambda a, b: _torch().fmax(a, b), domain="away"),
    OpSpec("fmin", lambda a, b: a.fmin(b), BINARY, lambda a, b: a.fmin(b), domain="away"),
    OpSpec("ldexp", ag.ldexp, BINARY, lambda a, b: _torch().ldexp(a, b)),
    OpSpec("xlogy", ag.xlogy, BINARY, lambda a, b: _torch().xlogy(a, b), domain="positive"),
    OpSpec("xlogy_scalar", lambda b: ag.xlogy(1.5, b) + b.xlogy(3.0), UNARY,
           lambda b: _torch().xlogy(1.5, b) + b.xlogy(3.0), domain="positive"),
    OpSpec("sinc", ag.sinc, UNARY, lambda a: a.sinc(), domain="away"),
    OpSpec("logit", lambda a: ((a + 1.0) * 0.5).logit(), UNARY,
           lambda a: ((a + 1.0) * 0.5).logit(), domain="unit"),
    OpSpec("logit_eps", lambda a: ag.logit((a + 1.0) * 0.5, eps=0.2), UNARY,
           lambda a: _torch().logit((a + 1.0) * 0.5, eps=0.2), domain="unit"),
    OpSpec("lgamma", ag.lgamma, UNARY, lambda a: a.lgamma(), domain="positive"),
    OpSpec("lgamma_negative", lambda a: ag.lgamma(-a), UNARY, lambda a: (-a).lgamma(),
           domain="away"),
    OpSpec("digamma", ag.digamma, UNARY, domain="positive"),
    OpSpec("trigamma", lambda a: ag.polygamma(1, a), UNARY, domain="positive"),
    OpSpec("polygamma_2", lambda a: a.polygamma(2), UNARY, lambda a: a.polygamma(2),
           domain="positive"),
    OpSpec("erfinv", ag.erfinv, UNARY, lambda a: a.erfinv(), domain="unit"),
    OpSpec("i0", ag.i0, UNARY, lambda a: a.i0()),
]
