"""``autograd.distributions`` against ``torch.distributions``: values and gradients (in
the parameters and the value) of log_prob, cdf, icdf, entropy and the moments in float64,
sample shapes, and argument validation errors. Sampling statistics, rsample gradients
and KL divergences are in ``test_distributions_sampling.py``."""

from __future__ import annotations

import re

import numpy as np
import pytest
from distribution_checks import assert_grads_close, build, method_and_grads
from torch_parity import requires_torch, torch

import autograd as ag

R = np.random.default_rng(11)
POS = R.uniform(0.5, 2.0, (2, 3))
SPD = (lambda a: a @ a.transpose(0, 2, 1) + 3 * np.eye(3))(R.standard_normal((2, 3, 3)))
TRIL = np.tril(R.standard_normal((3, 3)), -1) + np.diag([1.0, 1.5, 0.7])

# name -> (constructor, parameters, value for log_prob/cdf, methods)
CASES = {
    "Normal": (lambda D, p: D.Normal(**p), {"loc": R.standard_normal(3), "scale": POS[:, :1]},
               R.standard_normal(3), ("log_prob", "cdf", "icdf", "entropy", "mean", "variance",
                                      "stddev", "mode")),
    "Laplace": (lambda D, p: D.Laplace(**p), {"loc": R.standard_normal(3), "scale": POS},
                R.standard_normal(3), ("log_prob", "cdf", "icdf", "entropy", "mean",
                                       "variance", "stddev", "mode")),
    "Exponential": (lambda D, p: D.Exponential(**p), {"rate": POS}, POS[0] + 0.1,
                    ("log_prob", "cdf", "icdf", "entropy", "mean", "variance", "stddev")),
    "Uniform": (lambda D, p: D.Uniform(**p),
                {"low": np.array([-1.0, 0.0, 0.5]),
                 "high": np.array([-1.0, 0.0, 0.5]) + np.array([[1.0], [2.0]])},
                np.array([-0.5, 0.4, 0.9]),
                ("log_prob", "cdf", "icdf", "entropy", "mean", "variance", "stddev")),
    "Bernoulli-probs": (lambda D, p: D.Bernoulli(**p), {"probs": POS / 2.5},
                        np.array([0.0, 1.0, 1.0]), ("log_prob", "entropy", "mean", "variance")),
    "Bernoulli-logits": (lambda D, p: D.Bernoulli(**p), {"logits": R.standard_normal((2, 3))},
                         np.array([1.0, 0.0, 1.0]), ("log_prob", "entropy", "mean", "variance")),
    "Categorical-probs": (lambda D, p: D.Categorical(**p), {"probs": R.uniform(0.1, 1, (2, 4))},
                          np.array([[0, 3], [2, 1], [1, 1]]), ("log_prob", "entropy")),
    "Categorical-logits": (lambda D, p: D.Categorical(**p),
                           {"logits": R.standard_normal((2, 4))},
                           np.array([3, 0]), ("log_prob", "entropy")),
    "OneHotCategorical": (lambda D, p: D.OneHotCategorical(**p),
                          {"probs": R.uniform(0.1, 1, (2, 4))}, np.eye(4)[[1, 3]],
                          ("log_prob", "entropy", "mean", "variance")),
    "Gamma": (lambda D, p: D.Gamma(**p), {"concentration": POS * 2, "rate": POS[1]},
              POS[0], ("log_prob", "entropy", "mean", "variance", "mode")),
    "Beta": (lambda D, p: D.Beta(**p), {"concentration1": POS * 2, "concentration0": POS[1]},
             POS[0] / 2.5, ("log_prob", "entropy", "mean", "variance", "mode")),
    "Dirichlet": (lambda D, p: D.Dirichlet(**p), {"concentration": R.uniform(0.5, 3, (2, 4))},
                  (lambda a: a / a.sum(-1, keepdims=True))(R.uniform(0.1, 1, (3, 1, 4))),
                  ("log_prob", "entropy", "mean", "variance", "mode")),
    "MVN-cov": (lambda D, p: D.MultivariateNormal(**p),
                {"loc": R.standard_normal(3), "covariance_matrix": SPD},
                R.standard_normal((4, 1, 3)),
                ("log_prob", "entropy", "mean", "variance", "covariance_matrix",
                 "precision_matrix", "scale_tril")),
    "MVN-tril": (lambda D, p: D.MultivariateNormal(**p),
                 {"loc": R.standard_normal((2, 3)), "scale_tril": TRIL},
                 R.standard_normal(3),
                 ("log_prob", "entropy", "variance", "covariance_matrix", "precision_matrix")),
    "MVN-precision": (lambda D, p: D.MultivariateNormal(**p),
                      {"loc": R.standard_normal(3), "precision_matrix": SPD[0]},
                      R.standard_normal((2, 3)),
                      ("log_prob", "entropy", "variance", "covariance_matrix", "scale_tril")),
    "Independent": (lambda D, p: D.Independent(D.Normal(**p), 1),
                    {"loc": R.standard_normal((2, 3)), "scale": POS}, R.standard_normal(3),
                    ("log_prob", "entropy", "mean", "variance")),
    "LogNormal": (lambda D, p: D.LogNormal(**p), {"loc": R.standard_normal(3), "scale": POS},
                  POS[1], ("log_prob", "cdf", "icdf", "entropy", "mean", "variance", "mode")),
    "Transformed-affine-sigmoid": (
        lambda D, p: D.TransformedDistribution(D.Normal(p["loc"], p["scale"]), [
            D.transforms.AffineTransform(p["shift"], -2.0), D.transforms.SigmoidTransform()]),
        {"loc": R.standard_normal(3), "scale": POS, "shift": R.standard_normal(3)},
        POS[0] / 2.5, ("log_prob", "cdf", "icdf")),
    "Transformed-tanh-exp": (
        lambda D, p: D.TransformedDistribution(D.Laplace(p["loc"], p["scale"]), [
            D.transforms.TanhTransform(), D.transforms.ExpTransform()]),
        {"loc": R.standard_normal(3), "scale": POS}, np.array([0.5, 1.2, 2.0]),
        ("log_prob", "cdf", "icdf")),
    "Transformed-affine-event": (
        lambda D, p: D.TransformedDistribution(D.Normal(p["loc"], p["scale"]), [
            D.transforms.AffineTransform(p["shift"], p["factor"], event_dim=1)]),
        {"loc": R.standard_normal(3), "scale": POS, "shift": R.standard_normal(3),
         "factor": R.standard_normal((2, 3))}, R.standard_normal(3), ("log_prob",)),
}


def _make(case: str, lib: str):
    """The distribution of ``case`` in ``lib`` (``ag`` or ``torch``), with leaf parameters
    that require grad, and those parameters."""
    make, params, _, _ = CASES[case]
    return build(make, params, lib)


def _evaluate(case: str, method: str, lib: str) -> tuple:
    """``method``'s result and the gradients of a weighted sum of it in the parameters and
    (for a continuous value) the value."""
    dist, leaves = _make(case, lib)
    value = CASES[case][2]
    if method == "icdf":
        value = 1 / (1 + np.exp(-value))
    return method_and_grads(dist, leaves, method, value, lib)


# Gradients through digamma use trigamma, where torch's float64 values are off by ~5e-10
# relative (graphgrad's agree with mpmath to 1e-15): compared at 2e-9 instead of 1e-10.
TRIGAMMA = {("Gamma", "entropy"), ("Beta", "entropy"), ("Dirichlet", "entropy")}

PAIRS = [(case, m) for case, spec in CASES.items() for m in spec[3]]


@requires_torch
@pytest.mark.parametrize(("case", "method"), PAIRS, ids=[f"{c}-{m}" for c, m in PAIRS])
def test_values_and_gradients_match_torch(case, method):
    ours, our_grads = _evaluate(case, method, "ag")
    theirs, their_grads = _evaluate(case, method, "torch")
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    assert our_grads.keys() == their_grads.keys()
    rtol, atol = (2e-9, 1e-9) if (case, method) in TRIGAMMA else (1e-10, 1e-12)
    assert_grads_close(our_grads, their_grads, rtol, atol)


@requires_torch
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("sample_shape", [(), (5,), (2, 1)])
def test_shapes_match_torch(case, sample_shape):
    ours, _ = _make(case, "ag")
    theirs, _ = _make(case, "torch")
    assert ours.batch_shape == tuple(theirs.batch_shape)
    assert ours.event_shape == tuple(theirs.event_shape)
    drawn = ours.sample(sample_shape, generator=0)
    assert drawn.shape == tuple(theirs.sample(sample_shape).shape)
    assert drawn.dtype == np.dtype(str(theirs.sample().dtype).removeprefix("torch."))
    assert not drawn.requires_grad
    assert ours.has_rsample == theirs.has_rsample
    if case.startswith("Transformed"):
        return
    expanded = ours.expand((4,) + ours.batch_shape)
    assert expanded.batch_shape == tuple(theirs.expand((4,) + theirs.batch_shape).batch_shape)
    assert expanded.sample((3,), generator=0).shape == (3, 4) + ours.batch_shape + (
        ours.event_shape)


INVALID = [
    ("Normal", lambda D, T: D.Normal(T([0.0, 1.0]), T([1.0, -2.0]))),
    ("Normal-nan", lambda D, T: D.Normal(T([float("nan")]), T([1.0]))),
    ("Exponential", lambda D, T: D.Exponential(T([0.0]))),
    ("Uniform", lambda D, T: D.Uniform(T([1.0]), T([0.5]))),
    ("Bernoulli", lambda D, T: D.Bernoulli(probs=T([1.5]))),
    ("Categorical", lambda D, T: D.Categorical(probs=T([[0.2, -0.1]]))),
    ("Gamma", lambda D, T: D.Gamma(T([1.0]), T([-1.0]))),
    ("Dirichlet", lambda D, T: D.Dirichlet(T([1.0, 0.0]))),
    ("MVN", lambda D, T: D.MultivariateNormal(T([0.0, 0.0]), scale_tril=T([[1.0, 0], [0, -1]]))),
    ("MVN-cov", lambda D, T: D.MultivariateNormal(
        T([0.0, 0.0]), covariance_matrix=T([[1.0, 2.0], [2.0, 1.0]]))),
    ("Normal-sample", lambda D, T: D.Normal(T(0.0), T(1.0)).log_prob(T([float("nan")]))),
    ("Exponential-sample", lambda D, T: D.Exponential(T([1.0])).log_prob(T([-1.0]))),
    ("Bernoulli-sample", lambda D, T: D.Bernoulli(T([0.5])).log_prob(T([0.5]))),
    ("Categorical-sample", lambda D, T: D.Categorical(T([0.5, 0.5])).log_prob(T(2))),
    ("Dirichlet-shape", lambda D, T: D.Dirichlet(T([1.0, 2.0])).log_prob(T([0.5, 0.2, 0.3]))),
    ("Normal-broadcast", lambda D, T: D.Normal(T([0.0, 1.0]), T(1.0)).log_prob(T([1.0] * 3))),
    ("neither", lambda D, T: D.Bernoulli()),
    ("both", lambda D, T: D.Categorical(T([0.5, 0.5]), T([0.0, 0.0]))),
]


@requires_torch
@pytest.mark.parametrize(("name", "build"), INVALID, ids=[n for n, _ in INVALID])
def test_validation_errors_match_torch(name, build):
    th = torch()
    with pytest.raises(ValueError) as theirs:
        build(th.distributions, lambda v: th.tensor(v, dtype=th.float64))
    with pytest.raises(ValueError) as ours:
        build(ag.distributions, lambda v: ag.tensor(v, dtype=np.float64))
    assert _message(ours.value) == _message(theirs.value)


def _message(error: Exception) -> str:
    """The first line of an error, with the distribution's repr and tensor bounds (whose
    tensors print differently) left out and ``torch.Size([2])`` written as ``(2,)``."""
    line = str(error).split("\n")[0]
    line = re.sub(r"distribution .*?( to satisfy|, but found)", r"distribution D\1", line)
    line = re.sub(r"tensor\(.*?\)\)", "tensor(...))", line)
    return re.sub(r"torch\.Size\(\[(.*?)\]\)",
                  lambda m: repr(tuple(int(x) for x in m.group(1).split(",") if x.strip())),
                  line)


def test_validation_can_be_turned_off():
    d = ag.distributions.Normal(ag.tensor([0.0]), ag.tensor([-1.0]), validate_args=False)
    assert np.isnan(d.log_prob(ag.tensor([0.0])).data).all()
    ag.distributions.Distribution.set_default_validate_args(False)
    try:
        ag.distributions.Exponential(ag.tensor([-1.0]))
    finally:
        ag.distributions.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError, match="rate"):
        ag.distributions.Exponential(ag.tensor([-1.0]))


def test_numbers_give_default_dtype_and_empty_batch():
    d = ag.distributions.Normal(0.0, 1.0)
    assert d.batch_shape == () and d.loc.dtype == np.float32
    assert d.sample((2,), generator=1).dtype == np.float32
    assert repr(d) == "Normal(loc: 0.0, scale: 1.0)"
