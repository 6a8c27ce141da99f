"""The distributions added after the first set (Cauchy, Gumbel, HalfNormal, HalfCauchy, Chi2,
StudentT, Weibull, Pareto, Binomial, Poisson, Geometric) against ``torch.distributions`` in float64:
values and gradients of log_prob/cdf/icdf/entropy and the moments, shapes, validation errors,
sample statistics with fixed seeds, rsample gradients and the KL divergences PyTorch
registers for them."""

from __future__ import annotations

import re

import numpy as np
import pytest
from distribution_checks import (
    assert_grads_close,
    assert_sample_moments,
    build,
    kl_and_grads,
    method_and_grads,
    transform_and_grad,
)
from torch_parity import requires_torch, torch

import autograd as ag

D = ag.distributions
R = np.random.default_rng(17)
POS = R.uniform(0.5, 2.0, (4, 3))
PROBS = np.array([0.05, 0.4, 0.93])
CONT = ("log_prob", "cdf", "icdf", "entropy", "mean", "variance", "stddev", "mode")

# name -> (constructor, parameters, value for log_prob/cdf, methods)
CASES = {
    "Cauchy": (lambda M, p: M.Cauchy(**p), {"loc": R.standard_normal(3), "scale": POS[:2]},
               R.standard_normal(3) * 3, CONT),
    "Gumbel": (lambda M, p: M.Gumbel(**p), {"loc": R.standard_normal(3), "scale": POS[:2]},
               R.standard_normal(3) * 2, CONT),
    "HalfNormal": (lambda M, p: M.HalfNormal(**p), {"scale": POS[:2]}, POS[2] - 0.4, CONT),
    "HalfCauchy": (lambda M, p: M.HalfCauchy(**p), {"scale": POS[:2]}, POS[2] * 2,
                   ("log_prob", "cdf", "icdf", "entropy", "mean", "variance", "mode")),
    "Chi2": (lambda M, p: M.Chi2(**p), {"df": POS[:2] * 3}, POS[2],
             ("log_prob", "entropy", "mean", "variance", "mode")),
    "Weibull": (lambda M, p: M.Weibull(**p), {"scale": POS[:2], "concentration": POS[2] * 2},
                POS[3], CONT),
    "Pareto": (lambda M, p: M.Pareto(**p), {"scale": POS[0] / 2, "alpha": POS[1:3] * 2},
               POS[0] / 2 + POS[3], ("log_prob", "cdf", "icdf", "entropy", "mean", "variance",
                                     "mode")),
    "Pareto-heavy": (lambda M, p: M.Pareto(**p), {"scale": POS[0], "alpha": POS[1] / 2},
                     POS[0] * 3, ("mean", "variance")),
    "StudentT": (lambda M, p: M.StudentT(**p), {"df": np.array([[0.7], [1.5], [3.5]]),
                                                "loc": R.standard_normal(3), "scale": POS[0]},
                 R.standard_normal(3) * 2, ("log_prob", "entropy", "mean", "variance", "mode")),
    "Binomial-probs": (lambda M, p: M.Binomial(5, **p), {"probs": POS[:2] / 2.1},
                       np.array([0.0, 2.0, 5.0]),
                       ("log_prob", "entropy", "mean", "variance", "mode")),
    "Binomial-logits": (lambda M, p: M.Binomial(p["n"].detach(), logits=p["logits"]),
                        {"n": np.array([3.0, 7.0, 4.0]), "logits": R.standard_normal((2, 3)) * 3},
                        np.array([1.0, 0.0, 4.0]), ("log_prob", "mean", "variance", "mode")),
    "Poisson": (lambda M, p: M.Poisson(**p), {"rate": POS[:2] * 3},
                np.array([0.0, 3.0, 7.0]), ("log_prob", "mean", "variance", "mode")),
    "Geometric-probs": (lambda M, p: M.Geometric(**p), {"probs": POS[:2] / 2.1},
                        np.array([0.0, 2.0, 5.0]),
                        ("log_prob", "entropy", "mean", "variance", "mode")),
    "Geometric-logits": (lambda M, p: M.Geometric(**p), {"logits": R.standard_normal((2, 3))},
                         np.array([1.0, 0.0, 4.0]), ("log_prob", "entropy", "mean", "variance")),
}
# Through trigamma, whose float64 values in torch are off by ~5e-10 relative.
TRIGAMMA = {("Chi2", "entropy"), ("StudentT", "entropy")}


def _make(case: str, lib: str):
    make, params, _, _ = CASES[case]
    return build(make, params, lib)


def _evaluate(case: str, method: str, lib: str) -> tuple:
    """``method``'s result and the gradients of a weighted sum of it in the parameters and
    (continuous families) the value."""
    dist, leaves = _make(case, lib)
    value = CASES[case][2] if method != "icdf" else PROBS
    return method_and_grads(dist, leaves, method, value, lib)


PAIRS = [(case, m) for case, spec in CASES.items() for m in spec[3]]


@requires_torch
@pytest.mark.parametrize(("case", "method"), PAIRS, ids=[f"{c}-{m}" for c, m in PAIRS])
def test_values_and_gradients_match_torch(case, method):
    ours, our_grads = _evaluate(case, method, "ag")
    theirs, their_grads = _evaluate(case, method, "torch")
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    rtol, atol = (2e-9, 1e-9) if (case, method) in TRIGAMMA else (1e-10, 1e-12)
    assert_grads_close(our_grads, their_grads, rtol, atol)


@requires_torch
@pytest.mark.parametrize("case", list(CASES))
def test_shapes_dtypes_and_expand_match_torch(case):
    ours, _ = _make(case, "ag")
    theirs, _ = _make(case, "torch")
    assert ours.batch_shape == tuple(theirs.batch_shape)
    assert ours.has_rsample == theirs.has_rsample
    assert repr(ours.support).split("(")[0] == repr(theirs.support).split("(")[0]
    drawn = ours.sample((5,), generator=0)
    assert drawn.shape == tuple(theirs.sample((5,)).shape) and not drawn.requires_grad
    assert drawn.dtype == np.dtype(str(theirs.sample().dtype).removeprefix("torch."))
    expanded = ours.expand((4,) + ours.batch_shape)
    assert expanded.batch_shape == (4,) + ours.batch_shape
    assert expanded.sample((3,), generator=0).shape == (3, 4) + ours.batch_shape


INVALID = [
    ("Cauchy", lambda M, T: M.Cauchy(T([0.0]), T([-1.0]))),
    ("Gumbel", lambda M, T: M.Gumbel(T([float("nan")]), T([1.0]))),
    ("HalfNormal", lambda M, T: M.HalfNormal(T([0.0]))),
    ("HalfCauchy-sample", lambda M, T: M.HalfCauchy(T([1.0])).log_prob(T([-1.0]))),
    ("Chi2", lambda M, T: M.Chi2(T([-2.0]))),
    ("Weibull", lambda M, T: M.Weibull(T([1.0]), T([0.0]))),
    ("Pareto", lambda M, T: M.Pareto(T([-1.0]), T([1.0]))),
    ("Pareto-sample", lambda M, T: M.Pareto(T([2.0]), T([1.0])).log_prob(T([1.5]))),
    ("StudentT", lambda M, T: M.StudentT(T([0.0]))),
    ("Binomial-count", lambda M, T: M.Binomial(T([1.5]), T([0.5]))),
    ("Binomial-probs", lambda M, T: M.Binomial(T([2.0]), T([1.5]))),
    ("Binomial-sample", lambda M, T: M.Binomial(T([2.0]), T([0.5])).log_prob(T([3.0]))),
    ("Binomial-neither", lambda M, T: M.Binomial(T([2.0]))),
    ("Poisson", lambda M, T: M.Poisson(T([-0.5]))),
    ("Poisson-sample", lambda M, T: M.Poisson(T([1.0])).log_prob(T([1.5]))),
    ("Geometric-zero", lambda M, T: M.Geometric(T([0.0, 0.5]))),
    ("Geometric-above-one", lambda M, T: M.Geometric(T([1.5]))),
    ("Geometric-both", lambda M, T: M.Geometric(T([0.5]), T([0.0]))),
]


@requires_torch
@pytest.mark.parametrize(("name", "build"), INVALID, ids=[n for n, _ in INVALID])
def test_validation_errors_match_torch(name, build):
    th = torch()
    with pytest.raises(ValueError) as theirs:
        build(th.distributions, lambda v: th.tensor(v, dtype=th.float64))
    with pytest.raises(ValueError) as ours:
        build(D, lambda v: ag.tensor(v, dtype=np.float64))
    assert _message(ours.value) == _message(theirs.value)


def _message(error: Exception) -> str:
    """The error's first line with the distribution's repr (tensors print differently) left
    out."""
    line = str(error).split("\n")[0].replace("torch.float64", "float64")
    return re.sub(r"distribution .*?( to satisfy|, but found| to be positive)", r"distribution D\1",
                  line)


def _t(x, grad: bool = False) -> ag.Tensor:
    return ag.tensor(np.asarray(x, dtype=np.float64), requires_grad=grad)


STATS = {
    "Gumbel": lambda: D.Gumbel(_t([0.5, -2.0]), _t([1.0, 0.3])),
    "HalfNormal": lambda: D.HalfNormal(_t([1.0, 0.3])),
    "Chi2": lambda: D.Chi2(_t([0.7, 4.0])),
    "StudentT": lambda: D.StudentT(_t([9.0, 30.0]), _t([1.0, -2.0]), _t([0.5, 2.0])),
    "Weibull": lambda: D.Weibull(_t([1.0, 0.3]), _t([0.8, 3.0])),
    "Pareto": lambda: D.Pareto(_t([1.0, 0.3]), _t([5.0, 9.0])),
    "Poisson": lambda: D.Poisson(_t([0.3, 6.0])),
    "Binomial": lambda: D.Binomial(_t([3.0, 20.0]), _t([0.2, 0.9])),
    "Geometric": lambda: D.Geometric(_t([0.2, 0.9])),
}


@pytest.mark.parametrize("name", list(STATS))
def test_sample_mean_and_variance(name):
    assert_sample_moments(STATS[name]())


@pytest.mark.parametrize("name", ["Cauchy", "HalfCauchy"])
def test_heavy_tailed_sample_quantiles(name):
    dist = D.Cauchy(_t(0.5), _t(2.0)) if name == "Cauchy" else D.HalfCauchy(_t(2.0))
    x = dist.sample((40000,), generator=7).data
    p = np.array([0.1, 0.25, 0.5, 0.75, 0.9])
    expected = dist.icdf(_t(p)).data
    np.testing.assert_allclose(np.quantile(x, p), expected, rtol=0.05, atol=0.03)


RSAMPLE = {
    "Cauchy": (lambda loc, scale: D.Cauchy(loc, scale), ([0.5, -1.0], [1.0, 0.3])),
    "Gumbel": (lambda loc, scale: D.Gumbel(loc, scale), ([0.5, -1.0], [[1.0], [0.3]])),
    "HalfNormal": (lambda scale: D.HalfNormal(scale), ([1.0, 0.3],)),
    "HalfCauchy": (lambda scale: D.HalfCauchy(scale), ([1.0, 0.3],)),
    "Weibull": (lambda scale, k: D.Weibull(scale, k), ([1.0, 0.3], [[0.8], [2.5]])),
    "Pareto": (lambda scale, alpha: D.Pareto(scale, alpha), ([1.0, 0.3], [0.8, 2.5])),
}  # Chi2 (a Gamma) draws by rejection, so finite differences jump: see the expectation test


@pytest.mark.parametrize("name", list(RSAMPLE))
def test_rsample_gradcheck_with_fixed_noise(name):
    make, params = RSAMPLE[name]
    inputs = [_t(p, grad=True) for p in params]
    assert ag.gradcheck(lambda *a: make(*a).rsample((3,), generator=0), inputs)


def test_rsample_gradients_match_analytic_expectations():
    scale = _t(1.3, grad=True)
    D.HalfNormal(scale).rsample((200000,), generator=2).mean().backward()
    np.testing.assert_allclose(scale.grad.item(), np.sqrt(2 / np.pi), rtol=0.01)
    loc, scale = _t(0.4, grad=True), _t(0.8, grad=True)
    D.Gumbel(loc, scale).rsample((200000,), generator=3).mean().backward()
    np.testing.assert_allclose([loc.grad.item(), scale.grad.item()], [1.0, 0.5772156649],
                               rtol=0.01)
    df = _t(3.0, grad=True)
    D.Chi2(df).rsample((4000,), generator=4).mean().backward()  # E[x] = df
    np.testing.assert_allclose(df.grad.item(), 1.0, rtol=0.03)
    loc, scale = _t(0.3, grad=True), _t(1.5, grad=True)
    x = D.StudentT(_t(12.0), loc, scale).rsample((20000,), generator=5)
    ((x - 0.3) ** 2).mean().backward()  # E[(x - loc)²] = scale²·df/(df - 2)
    np.testing.assert_allclose(scale.grad.item(), 2 * 1.5 * 12 / 10, rtol=0.05)


def test_discrete_families_refuse_rsample():
    for dist in (D.Poisson(_t([1.0])), D.Geometric(_t([0.5])), D.Binomial(3, _t([0.5]))):
        with pytest.raises(NotImplementedError, match="rsample"):
            dist.rsample()


KL = {
    "Cauchy": (lambda M, p: (M.Cauchy(p[0], p[1]), M.Cauchy(p[2], p[3])),
               [R.standard_normal(3), POS[0], R.standard_normal((2, 3)), POS[1:3]]),
    "Gumbel": (lambda M, p: (M.Gumbel(p[0], p[1]), M.Gumbel(p[2], p[3])),
               [R.standard_normal(3), POS[0], R.standard_normal(3), POS[1]]),
    "HalfNormal": (lambda M, p: (M.HalfNormal(p[0]), M.HalfNormal(p[1])), [POS[0], POS[1:3]]),
    "Poisson": (lambda M, p: (M.Poisson(p[0]), M.Poisson(p[1])), [POS[0], POS[1]]),
    "Geometric": (lambda M, p: (M.Geometric(p[0]), M.Geometric(logits=p[1])),
                  [POS[0] / 2.1, R.standard_normal(3)]),
    "Pareto": (lambda M, p: (M.Pareto(p[0], p[1]), M.Pareto(p[2], p[3])),
               [POS[0], POS[1], POS[2], POS[3]]),
    "Binomial": (lambda M, p: (M.Binomial(p[0].detach(), p[1]), M.Binomial(p[2].detach(), p[3])),
                 [np.array([4.0, 6.0, 5.0]), POS[0] / 2.1, np.array([4.0, 5.0, 5.0]),
                  POS[1] / 2.1]),
    "Chi2-Gamma": (lambda M, p: (M.Chi2(p[0]), M.Gamma(p[1], p[2])), [POS[0], POS[1], POS[2]]),
}


@requires_torch
@pytest.mark.parametrize("name", list(KL))
def test_kl_divergence_matches_torch(name):
    ours, our_grads = kl_and_grads(*KL[name], "ag")
    theirs, their_grads = kl_and_grads(*KL[name], "torch")
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    rtol, atol = (2e-9, 1e-9) if name == "Chi2-Gamma" else (1e-10, 1e-12)
    assert_grads_close(our_grads, their_grads, rtol, atol)


@requires_torch
def test_binomial_kl_and_entropy_refusals_match_torch():
    th = torch()
    for lib, new in ((D, lambda v: ag.tensor(v, dtype=np.float64)),
                     (th.distributions, lambda v: th.tensor(v, dtype=th.float64))):
        with pytest.raises(NotImplementedError, match="q.total_count > p.total_count"):
            lib.kl_divergence(lib.Binomial(new([2.0]), new([0.5])),
                              lib.Binomial(new([3.0]), new([0.5])))
        with pytest.raises(NotImplementedError, match="Inhomogeneous total count"):
            lib.Binomial(new([2.0, 3.0]), new([0.5, 0.5])).entropy()


POSITIVE_X = R.uniform(0.2, 3.0, (2, 3))
TRANSFORMS = {
    "power-number": (lambda T, t: T.PowerTransform(2.5), POSITIVE_X),
    "power-0d": (lambda T, t: T.PowerTransform(t(np.array(-0.7))), POSITIVE_X),
    "power-tensor": (lambda T, t: T.PowerTransform(t(np.array([-1.5, 0.5, 3.0]))), POSITIVE_X),
    "softplus": (lambda T, t: T.SoftplusTransform(), np.array([-30.0, -1.0, 0.3, 5.0, 25.0])),
    "softplus-inverse": (lambda T, t: T.SoftplusTransform().inv, POSITIVE_X),
    "compose-power-exp": (lambda T, t: T.ComposeTransform([T.ExpTransform(),
                                                           T.PowerTransform(t(np.array(-0.7)))]),
                          POSITIVE_X),
}


@requires_torch
@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transforms_match_torch(name):
    ours, transform = transform_and_grad(*TRANSFORMS[name], "ag")
    theirs, their_transform = transform_and_grad(*TRANSFORMS[name], "torch")
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a.shape == b.shape and a.dtype == b.dtype
        # A number exponent is a float32 tensor (as PyTorch's): torch's pow gradient then
        # rounds ``p - 1`` to float32, graphgrad's does not (a ~3e-8 relative difference).
        rtol = 1e-7 if name == "power-number" and i == 3 else 1e-10
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12)
    assert repr(transform.codomain) == repr(their_transform.codomain)
    sign, their_sign = transform.sign, their_transform.sign
    np.testing.assert_array_equal(getattr(sign, "data", sign),
                                  getattr(their_sign, "numpy", lambda: their_sign)())


@requires_torch
def test_abs_transform_matches_torch():
    th = torch()
    ours, theirs = D.transforms.AbsTransform(), th.distributions.transforms.AbsTransform()
    x = np.array([-2.0, 0.0, 1.5])
    np.testing.assert_array_equal(ours(ag.tensor(x)).data, theirs(th.tensor(x)).numpy())
    np.testing.assert_array_equal(ours.inv(ag.tensor(x)).data, theirs.inv(th.tensor(x)).numpy())
    assert ours.bijective == theirs.bijective
    assert repr(ours.codomain) == repr(theirs.codomain)
    with pytest.raises(NotImplementedError):
        ours.log_abs_det_jacobian(ag.tensor(x), ag.tensor(x))


@requires_torch
def test_power_transform_shapes_match_torch():
    th = torch()
    ours = D.transforms.PowerTransform(ag.tensor(np.ones((4, 1))))
    theirs = th.distributions.transforms.PowerTransform(th.ones(4, 1))
    assert ours.forward_shape((3,)) == tuple(theirs.forward_shape((3,)))
    assert ours.inverse_shape((2, 1, 3)) == tuple(theirs.inverse_shape((2, 1, 3)))
