"""The third set of distributions (Multinomial, NegativeBinomial, the relaxed families,
OneHotCategoricalStraightThrough, ContinuousBernoulli, Kumaraswamy, VonMises, InverseGamma,
FisherSnedecor, GeneralizedPareto, LowRankMultivariateNormal, MixtureSameFamily,
LogisticNormal, LKJCholesky, Wishart) and the remaining transforms against
``torch.distributions`` in float64: values and gradients, shapes, validation errors, sample
statistics with fixed seeds, rsample gradients and the KL divergences PyTorch registers."""

from __future__ import annotations

import contextlib
import math
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
R = np.random.default_rng(29)
POS = R.uniform(0.5, 2.0, (4, 3))
PROBS = np.array([0.05, 0.4, 0.93])
CONT = ("log_prob", "cdf", "icdf", "entropy", "mean", "variance", "stddev", "mode")
SIMPLEX = R.dirichlet(np.ones(4), size=(2,))
COUNTS = np.array([[0.0, 3.0, 1.0, 2.0], [4.0, 0.0, 0.0, 2.0]])


def _cls(M, name: str):
    """``M.name``; torch keeps the log-space relaxed families in their modules only."""
    if hasattr(M, name):
        return getattr(M, name)
    module = {"LogitRelaxedBernoulli": "relaxed_bernoulli",
              "ExpRelaxedCategorical": "relaxed_categorical"}[name]
    return getattr(getattr(M, module), name)


_TRIL = np.tril(R.standard_normal((2, 3, 3)), -1) + np.eye(3) * R.uniform(0.5, 1.5, (2, 3, 1))
_SPD = _TRIL @ np.swapaxes(_TRIL, -1, -2) + 0.5 * np.eye(3)

# name -> (constructor, parameters, value for log_prob/cdf, methods)
CASES = {
    "Multinomial-probs": (lambda M, p: M.Multinomial(6, p["probs"]), {"probs": SIMPLEX * 3},
                          COUNTS, ("log_prob", "mean", "variance")),
    "Multinomial-logits": (lambda M, p: M.Multinomial(6, logits=p["logits"]),
                           {"logits": R.standard_normal((2, 4))}, COUNTS,
                           ("log_prob", "mean", "variance")),
    "NegativeBinomial-probs": (lambda M, p: M.NegativeBinomial(p["r"], p["probs"]),
                               {"r": POS[0] * 2, "probs": POS[1:3] / 2.1},
                               np.array([0.0, 2.0, 5.0]),
                               ("log_prob", "mean", "variance", "mode")),
    "NegativeBinomial-logits": (lambda M, p: M.NegativeBinomial(p["r"], logits=p["logits"]),
                                {"r": POS[0] * 2, "logits": R.standard_normal((2, 3))},
                                np.array([1.0, 0.0, 4.0]),
                                ("log_prob", "mean", "variance", "mode")),
    "LogitRelaxedBernoulli": (lambda M, p: _cls(M, "LogitRelaxedBernoulli")(p["temperature"],
                                                                   p["probs"]),
                              {"temperature": np.array(0.7), "probs": POS[:2] / 2.1},
                              R.standard_normal(3), ("log_prob",)),
    "RelaxedBernoulli": (lambda M, p: M.RelaxedBernoulli(p["temperature"],
                                                         logits=p["logits"]),
                         {"temperature": POS[0], "logits": R.standard_normal((2, 3))},
                         PROBS, ("log_prob",)),
    "ExpRelaxedCategorical": (lambda M, p: _cls(M, "ExpRelaxedCategorical")(p["temperature"],
                                                                   p["probs"]),
                              {"temperature": np.array(0.6), "probs": SIMPLEX},
                              np.log(R.dirichlet(np.ones(4), size=(2,))), ("log_prob",)),
    "RelaxedOneHotCategorical": (lambda M, p: M.RelaxedOneHotCategorical(
        p["temperature"], logits=p["logits"]), {"temperature": np.array(0.8),
                                                "logits": R.standard_normal((2, 4))},
        R.dirichlet(np.ones(4)), ("log_prob",)),
    "OneHotCategoricalStraightThrough": (
        lambda M, p: M.OneHotCategoricalStraightThrough(p["probs"]), {"probs": SIMPLEX},
        np.eye(4)[[1, 3]], ("log_prob", "entropy", "mean", "variance")),
    "ContinuousBernoulli-probs": (lambda M, p: M.ContinuousBernoulli(p["probs"]),
                                  {"probs": np.array([[0.05, 0.4995, 0.93], [0.2, 0.7, 0.5]])},
                                  np.array([0.1, 0.5, 0.97]), CONT[:-1]),
    "ContinuousBernoulli-logits": (lambda M, p: M.ContinuousBernoulli(logits=p["logits"]),
                                   {"logits": R.standard_normal((2, 3)) * 2},
                                   np.array([0.3, 0.0, 1.0]), CONT[:-1]),
    "Kumaraswamy": (lambda M, p: M.Kumaraswamy(p["a"], p["b"]),
                    {"a": POS[0] * 1.5, "b": POS[1:3] * 1.5}, PROBS,
                    ("log_prob", "cdf", "icdf", "entropy", "mean", "variance", "mode")),
    "VonMises": (lambda M, p: M.VonMises(p["loc"], p["concentration"]),
                 {"loc": R.standard_normal(3), "concentration": np.array(
                     [[0.3, 2.0, 3.7], [3.8, 6.0, 20.0]])}, R.standard_normal(3) * 2,
                 ("log_prob", "mean", "variance", "mode")),
    "InverseGamma": (lambda M, p: M.InverseGamma(p["concentration"], p["rate"]),
                     {"concentration": np.array([[0.7, 1.5, 2.5], [3.0, 1.2, 4.0]]),
                      "rate": POS[0]}, POS[1],
                     ("log_prob", "entropy", "mean", "variance", "mode")),
    "InverseGamma-cdf": (lambda M, p: M.InverseGamma(p["concentration"].detach(), p["rate"]),
                         {"concentration": np.array([0.7, 1.5, 2.5]), "rate": POS[0]}, POS[1],
                         ("cdf",)),
    "FisherSnedecor": (lambda M, p: M.FisherSnedecor(p["df1"], p["df2"]),
                       {"df1": np.array([[1.5, 3.0, 5.0], [2.5, 8.0, 1.0]]),
                        "df2": np.array([1.5, 4.5, 9.0])}, POS[1],
                       ("log_prob", "mean", "variance", "mode")),
    "GeneralizedPareto": (lambda M, p: M.GeneralizedPareto(p["loc"], p["scale"], p["c"]),
                          {"loc": np.array([0.1, -0.5, 0.0]), "scale": POS[0],
                           "c": np.array([[0.3, 0.0, -0.2], [0.6, 0.1, 0.7]])},
                          np.array([0.5, 0.3, 0.4]), CONT),
    "LowRankMultivariateNormal": (
        lambda M, p: M.LowRankMultivariateNormal(p["loc"], p["cov_factor"], p["cov_diag"]),
        {"loc": R.standard_normal(3), "cov_factor": R.standard_normal((2, 3, 2)),
         "cov_diag": POS[0]}, R.standard_normal((4, 1, 3)),
        ("log_prob", "entropy", "mean", "variance", "mode", "covariance_matrix",
         "precision_matrix", "scale_tril")),
    "MixtureSameFamily": (lambda M, p: M.MixtureSameFamily(
        M.Categorical(logits=p["logits"]), M.Normal(p["loc"], p["scale"])),
        {"logits": R.standard_normal((2, 3)), "loc": R.standard_normal((2, 3)),
         "scale": POS[:2]}, R.standard_normal((4, 2)), ("log_prob", "cdf", "mean", "variance")),
    "MixtureSameFamily-mvn": (lambda M, p: M.MixtureSameFamily(
        M.Categorical(p["probs"]), M.MultivariateNormal(p["loc"], scale_tril=p["tril"])),
        {"probs": SIMPLEX[0, :3], "loc": R.standard_normal((3, 2)),
         "tril": np.tril(R.standard_normal((3, 2, 2)), -1) + np.eye(2) * POS[0, :, None, None]},
        R.standard_normal((4, 2)), ("log_prob", "mean", "variance")),
    "LogisticNormal": (lambda M, p: M.LogisticNormal(p["loc"], p["scale"]),
                       {"loc": R.standard_normal((2, 3)), "scale": POS[0]},
                       R.dirichlet(np.ones(4), size=(2,)), ("log_prob",)),
    "LKJCholesky": (lambda M, p: M.LKJCholesky(3, p["concentration"]),
                    {"concentration": np.array([0.5, 1.0, 2.5])},
                    np.linalg.cholesky(np.array([[1.0, 0.3, -0.2], [0.3, 1.0, 0.4],
                                                 [-0.2, 0.4, 1.0]])), ("log_prob",)),
    "Wishart-tril": (lambda M, p: M.Wishart(p["df"], scale_tril=p["tril"]),
                     {"df": np.array([3.5, 6.0]), "tril": _TRIL},
                     _SPD, ("log_prob", "entropy", "mean", "mode", "variance")),
    "Wishart-cov": (lambda M, p: M.Wishart(p["df"], covariance_matrix=p["cov"]),
                    {"df": np.array(4.5), "cov": _SPD}, _SPD * 0.7 + np.eye(3),
                    ("log_prob", "entropy", "mean", "variance")),
    "Wishart-precision": (lambda M, p: M.Wishart(p["df"], precision_matrix=p["precision"]),
                          {"df": np.array([2.5, 8.0]), "precision": _SPD[0]}, _SPD,
                          ("log_prob", "entropy", "mean", "mode", "variance")),
}
# Through lgamma/digamma/mvlgamma, whose float64 values in torch differ in the last digits.
LOOSE = {("Kumaraswamy", "entropy"), ("InverseGamma", "entropy")} | {
    (f"Wishart-{kind}", method) for kind in ("tril", "cov", "precision")
    for method in ("log_prob", "entropy")}


def _make(case: str, lib: str):
    make, params, _, _ = CASES[case]
    return build(make, params, lib)


@contextlib.contextmanager
def _torch_float64():
    """Torch with float64 as its default dtype, for the duration."""
    th = torch()
    default = th.get_default_dtype()
    th.set_default_dtype(th.float64)
    try:
        yield
    finally:
        th.set_default_dtype(default)


def _evaluate(case: str, method: str, lib: str) -> tuple:
    """``method``'s result and the gradients of a weighted sum of it in the parameters and
    (continuous families) the value. Torch runs with float64 as its default dtype: some of
    its families make float constants (GeneralizedPareto's ``torch.tensor(0.0)``) that
    must match the parameters' dtype."""
    if lib == "torch":
        with _torch_float64():
            return _run(case, method, lib)
    return _run(case, method, lib)


def _run(case: str, method: str, lib: str) -> tuple:
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
    rtol, atol = (2e-9, 1e-9) if (case, method) in LOOSE else (1e-10, 1e-12)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)
    assert_grads_close(our_grads, their_grads, rtol, atol)


@requires_torch
@pytest.mark.parametrize("case", list(CASES))
def test_shapes_constraints_and_expand_match_torch(case):
    ours, _ = _make(case, "ag")
    theirs, _ = _make(case, "torch")
    assert ours.batch_shape == tuple(theirs.batch_shape)
    assert ours.event_shape == tuple(theirs.event_shape)
    assert ours.has_rsample == theirs.has_rsample
    assert ours.has_enumerate_support == theirs.has_enumerate_support
    assert repr(ours.support).split("(")[0] == repr(theirs.support).split("(")[0]
    assert ours.support.event_dim == theirs.support.event_dim
    assert ours.support.is_discrete == theirs.support.is_discrete
    assert {k: repr(c).split("(")[0] for k, c in ours.arg_constraints.items()} == {
        k: repr(c).split("(")[0] for k, c in theirs.arg_constraints.items()}
    drawn = ours.sample((5,), generator=0)
    their_draw = theirs.sample((5,))
    assert drawn.shape == tuple(their_draw.shape) and not drawn.requires_grad
    assert drawn.dtype == np.dtype(str(their_draw.dtype).removeprefix("torch."))
    assert ours.support.check(drawn).data.all()
    expanded = ours.expand((4,) + ours.batch_shape)
    assert expanded.batch_shape == (4,) + ours.batch_shape
    assert expanded.event_shape == ours.event_shape
    assert expanded.sample((3,), generator=0).shape == (3, 4) + ours.batch_shape + ours.event_shape
    value = np.asarray(CASES[case][2])
    their_expanded = theirs.expand((4,) + ours.batch_shape)
    with _torch_float64():
        their_log_prob = their_expanded.log_prob(torch().tensor(value)).detach().numpy()
    np.testing.assert_allclose(expanded.log_prob(ag.tensor(value)).data, their_log_prob,
                               rtol=1e-9, atol=1e-12)


def _tril(batch: tuple, n: int) -> np.ndarray:
    return np.tril(R.standard_normal(batch + (n, n)), -1) + np.eye(n) * R.uniform(
        0.5, 1.5, batch + (n, 1))


KL = {
    "ContinuousBernoulli": (lambda M, p: (M.ContinuousBernoulli(p[0]),
                                          M.ContinuousBernoulli(logits=p[1])),
                            [np.array([0.1, 0.4995, 0.8]), R.standard_normal((2, 3))]),
    "Beta-ContinuousBernoulli": (lambda M, p: (M.Beta(p[0], p[1]), M.ContinuousBernoulli(p[2])),
                                 [POS[0], POS[1], np.array([0.2, 0.5, 0.7])]),
    "ContinuousBernoulli-Exponential": (lambda M, p: (M.ContinuousBernoulli(p[0]),
                                                      M.Exponential(p[1])),
                                        [np.array([0.2, 0.5, 0.7]), POS[0]]),
    "ContinuousBernoulli-Normal": (lambda M, p: (M.ContinuousBernoulli(logits=p[0]),
                                                 M.Normal(p[1], p[2])),
                                   [R.standard_normal(3), R.standard_normal(3), POS[0]]),
    "ContinuousBernoulli-Uniform": (lambda M, p: (M.ContinuousBernoulli(p[0]),
                                                  M.Uniform(p[1], p[2])),
                                    [np.array([0.2, 0.5, 0.7]), np.array([-0.5, 0.1, -1.0]),
                                     np.array([1.5, 2.0, 0.9])]),
    "Uniform-ContinuousBernoulli": (lambda M, p: (M.Uniform(p[0], p[1]),
                                                  M.ContinuousBernoulli(p[2])),
                                    [np.array([0.1, 0.0, 0.3]), np.array([0.6, 0.5, 0.9]),
                                     np.array([0.2, 0.5, 0.7])]),
    "ContinuousBernoulli-Pareto": (lambda M, p: (M.ContinuousBernoulli(p[0]),
                                                 M.Pareto(p[1], p[2])),
                                   [np.array([0.2, 0.7]), POS[0, :2], POS[1, :2]]),
    "Normal-ContinuousBernoulli": (lambda M, p: (M.Normal(p[0], p[1]),
                                                 M.ContinuousBernoulli(p[2])),
                                   [R.standard_normal(2), POS[0, :2], np.array([0.2, 0.7])]),
    "OneHotCategorical": (lambda M, p: (M.OneHotCategorical(p[0]),
                                        M.OneHotCategorical(logits=p[1])),
                          [SIMPLEX, R.standard_normal((3, 1, 4))]),
    "OneHotCategoricalStraightThrough": (
        lambda M, p: (M.OneHotCategoricalStraightThrough(p[0]),
                      M.OneHotCategoricalStraightThrough(logits=p[1])),
        [SIMPLEX, R.standard_normal(4)]),
    "LowRank-LowRank": (lambda M, p: (M.LowRankMultivariateNormal(p[0], p[1], p[2]),
                                      M.LowRankMultivariateNormal(p[3], p[4], p[5])),
                        [R.standard_normal(3), R.standard_normal((2, 3, 2)), POS[0],
                         R.standard_normal((2, 3)), R.standard_normal((3, 1)), POS[1]]),
    "MVN-LowRank": (lambda M, p: (M.MultivariateNormal(p[0], scale_tril=p[1]),
                                  M.LowRankMultivariateNormal(p[2], p[3], p[4])),
                    [R.standard_normal(3), _tril((2,), 3), R.standard_normal(3),
                     R.standard_normal((3, 2)), POS[0]]),
    "LowRank-MVN": (lambda M, p: (M.LowRankMultivariateNormal(p[0], p[1], p[2]),
                                  M.MultivariateNormal(p[3], scale_tril=p[4])),
                    [R.standard_normal(3), R.standard_normal((2, 3, 2)), POS[0],
                     R.standard_normal(3), _tril((), 3)]),
    "LogNormal": (lambda M, p: (M.LogNormal(p[0], p[1]), M.LogNormal(p[2], p[3])),
                  [R.standard_normal(3), POS[0], R.standard_normal((2, 3)), POS[1:3]]),
    "InverseGamma": (lambda M, p: (M.InverseGamma(p[0], p[1]), M.InverseGamma(p[2], p[3])),
                     [POS[0], POS[1], POS[2], POS[3]]),
    "LogisticNormal": (lambda M, p: (M.LogisticNormal(p[0], p[1]),
                                     M.LogisticNormal(p[2], p[3])),
                       [R.standard_normal(3), POS[0], R.standard_normal((2, 3)), POS[1:3]]),
}


@requires_torch
@pytest.mark.parametrize("name", list(KL))
def test_kl_divergence_matches_torch(name):
    ours, our_grads = kl_and_grads(*KL[name], "ag")
    theirs, their_grads = kl_and_grads(*KL[name], "torch")
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    # through digamma/trigamma
    rtol = 5e-9 if name.startswith("Beta") or name == "InverseGamma" else 1e-9
    assert_grads_close(our_grads, their_grads, rtol, 1e-11)


def _eye(n: int):
    return np.eye(n).tolist()


INVALID = [
    ("Multinomial-probs", lambda M, T: M.Multinomial(3, T([-0.1, 1.1]))),
    ("Multinomial-sample", lambda M, T: M.Multinomial(3, T([0.5, 0.5])).log_prob(T([-1.0, 4.0]))),
    ("Multinomial-neither", lambda M, T: M.Multinomial(3)),
    ("NegativeBinomial-count", lambda M, T: M.NegativeBinomial(T([-1.0]), T([0.5]))),
    ("NegativeBinomial-probs", lambda M, T: M.NegativeBinomial(T([2.0]), T([1.0]))),
    ("NegativeBinomial-sample",
     lambda M, T: M.NegativeBinomial(T([2.0]), T([0.5])).log_prob(T([1.5]))),
    ("RelaxedBernoulli", lambda M, T: M.RelaxedBernoulli(T(0.5), T([1.5]))),
    ("RelaxedBernoulli-sample",
     lambda M, T: M.RelaxedBernoulli(T(0.5), T([0.5])).log_prob(T([1.5]))),
    ("RelaxedOneHotCategorical",
     lambda M, T: M.RelaxedOneHotCategorical(T(0.5), T([-0.5, 1.5]))),
    ("ContinuousBernoulli-validate",
     lambda M, T: M.ContinuousBernoulli(T([1.5]), validate_args=True)),
    ("ContinuousBernoulli-sample",
     lambda M, T: M.ContinuousBernoulli(T([0.3])).log_prob(T([1.5]))),
    ("ContinuousBernoulli-both", lambda M, T: M.ContinuousBernoulli(T([0.3]), T([0.0]))),
    ("Kumaraswamy", lambda M, T: M.Kumaraswamy(T([1.0]), T([0.0]))),
    ("Kumaraswamy-sample", lambda M, T: M.Kumaraswamy(T([1.0]), T([2.0])).log_prob(T([1.5]))),
    ("VonMises", lambda M, T: M.VonMises(T([0.0]), T([-1.0]))),
    ("InverseGamma", lambda M, T: M.InverseGamma(T([1.0]), T([0.0]))),
    ("InverseGamma-sample", lambda M, T: M.InverseGamma(T([1.0]), T([1.0])).log_prob(T([-1.0]))),
    ("FisherSnedecor", lambda M, T: M.FisherSnedecor(T([0.0]), T([1.0]))),
    ("GeneralizedPareto", lambda M, T: M.GeneralizedPareto(T([0.0]), T([-1.0]), T([0.5]))),
    ("GeneralizedPareto-sample",
     lambda M, T: M.GeneralizedPareto(0.0, 1.0, 0.5).log_prob(T([-1.0]))),
    ("LowRankMultivariateNormal", lambda M, T: M.LowRankMultivariateNormal(
        T([0.0, 0.0]), T([[1.0], [0.5]]), T([1.0, -1.0]))),
    ("LowRankMultivariateNormal-factor", lambda M, T: M.LowRankMultivariateNormal(
        T([0.0, 0.0]), T([[1.0, 0.5, 0.2]]), T([1.0, 1.0]))),
    ("LowRankMultivariateNormal-diag", lambda M, T: M.LowRankMultivariateNormal(
        T([0.0, 0.0]), T([[1.0], [0.5]]), T([1.0, 1.0, 1.0]))),
    ("LowRankMultivariateNormal-loc", lambda M, T: M.LowRankMultivariateNormal(
        T(0.0), T([[1.0], [0.5]]), T([1.0, 1.0]))),
    ("MixtureSameFamily-components", lambda M, T: M.MixtureSameFamily(
        M.Categorical(T([0.5, 0.5])), M.Normal(T([0.0, 1.0, 2.0]), T([1.0, 1.0, 1.0])))),
    ("MixtureSameFamily-mixture", lambda M, T: M.MixtureSameFamily(
        M.Normal(T([0.0]), T([1.0])), M.Normal(T([0.0, 1.0]), T([1.0, 1.0])))),
    ("MixtureSameFamily-batch", lambda M, T: M.MixtureSameFamily(
        M.Categorical(T([[0.5, 0.5]] * 3)), M.Normal(T([[0.0, 1.0]] * 2), T([[1.0, 1.0]] * 2)))),
    ("LogisticNormal", lambda M, T: M.LogisticNormal(T([0.0]), T([0.0]))),
    ("LogisticNormal-sample",
     lambda M, T: M.LogisticNormal(T([0.0]), T([1.0])).log_prob(T([0.7, 0.7]))),
    ("LKJCholesky-dim", lambda M, T: M.LKJCholesky(1, T([1.0]))),
    ("LKJCholesky", lambda M, T: M.LKJCholesky(3, T([0.0]))),
    ("LKJCholesky-sample", lambda M, T: M.LKJCholesky(2, T(1.0)).log_prob(T([[1.0, 0.0],
                                                                            [0.5, 0.5]]))),
    ("Wishart-df", lambda M, T: M.Wishart(1.0, covariance_matrix=T(_eye(3)))),
    ("Wishart-df-tensor", lambda M, T: M.Wishart(T([3.0, 1.5]), scale_tril=T(_eye(3)))),
    ("Wishart-precision", lambda M, T: M.Wishart(4.0, precision_matrix=T([[1.0, 2.0],
                                                                          [2.0, 1.0]]))),
    ("Wishart-tril", lambda M, T: M.Wishart(4.0, scale_tril=T([[1.0, 0.0], [1.0, -1.0]]))),
    ("Wishart-sample", lambda M, T: M.Wishart(4.0, scale_tril=T(_eye(2))).log_prob(
        T([[1.0, 2.0], [2.0, 1.0]]))),
]


@requires_torch
@pytest.mark.parametrize(("name", "build"), INVALID, ids=[n for n, _ in INVALID])
def test_validation_errors_match_torch(name, build):
    th = torch()
    with pytest.raises((ValueError, AssertionError)) as theirs:
        build(th.distributions, lambda v: th.tensor(v, dtype=th.float64))
    with pytest.raises(ValueError) as ours:
        build(D, lambda v: ag.tensor(v, dtype=np.float64))
    assert _message(ours.value) == _message(theirs.value)


def _message(error: Exception) -> str:
    """The error's first line with the distribution's repr and the tensors' values (which
    print differently) left out."""
    line = str(error).split("\n")[0].replace("torch.float64", "float64")
    line = re.sub(r"torch\.Size\(\[(\d+)\]\)", r"(\1,)", line)
    line = re.sub(r"df=.*? expected", "df=T expected", line)
    return re.sub(r"distribution .*?( to satisfy|, but found| to be positive)", r"distribution D\1",
                  line)


def test_refusals():
    with pytest.raises(NotImplementedError, match="inhomogeneous total_count"):
        D.Multinomial(ag.tensor([2.0]), ag.tensor([0.5, 0.5]))
    with pytest.raises(NotImplementedError, match="rsample"):
        D.VonMises(_t([0.0]), _t([1.0])).rsample()
    with pytest.raises(NotImplementedError, match="rsample"):
        D.MixtureSameFamily(D.Categorical(_t([0.5, 0.5])), D.Normal(_t([0.0, 1.0]),
                                                                   _t([1.0, 1.0]))).rsample()
    # As PyTorch's: probs are clamped into (0, 1) before the default validation sees them.
    assert D.ContinuousBernoulli(_t([1.5])).probs.item() == 1 - np.finfo(np.float64).eps
    with pytest.warns(UserWarning, match="Low df"):
        D.Wishart(2.5, covariance_matrix=_t(np.eye(3)))


def _t(x, grad: bool = False) -> ag.Tensor:
    return ag.tensor(np.asarray(x, dtype=np.float64), requires_grad=grad)


STATS = {
    "Multinomial": lambda: D.Multinomial(7, _t([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])),
    "NegativeBinomial": lambda: D.NegativeBinomial(_t([2.5, 0.7, 6.0]), _t([0.3, 0.6, 0.1])),
    "ContinuousBernoulli": lambda: D.ContinuousBernoulli(_t([0.1, 0.5, 0.8, 0.9995])),
    "Kumaraswamy": lambda: D.Kumaraswamy(_t([0.5, 2.0, 5.0]), _t([0.7, 3.0, 1.5])),
    "InverseGamma": lambda: D.InverseGamma(_t([5.0, 9.0]), _t([1.0, 3.0])),
    "FisherSnedecor": lambda: D.FisherSnedecor(_t([3.0, 12.0]), _t([12.0, 20.0])),
    "GeneralizedPareto": lambda: D.GeneralizedPareto(_t([0.5, -1.0, 0.0]), _t([1.0, 2.0, 0.5]),
                                                     _t([0.1, 0.0, -0.4])),
    "LowRankMultivariateNormal": lambda: D.LowRankMultivariateNormal(
        _t([1.0, -1.0, 0.5]), _t([[1.0, 0.2], [0.5, -0.3], [0.0, 1.0]]), _t([0.5, 1.0, 0.2])),
    "MixtureSameFamily": lambda: D.MixtureSameFamily(
        D.Categorical(_t([0.2, 0.5, 0.3])), D.Normal(_t([-2.0, 0.0, 3.0]), _t([0.5, 1.0, 0.7]))),
    "OneHotCategoricalStraightThrough": lambda: D.OneHotCategoricalStraightThrough(
        _t([0.2, 0.5, 0.3])),
    "Wishart": lambda: D.Wishart(_t(6.0), covariance_matrix=_t(_SPD[0])),
}


@pytest.mark.parametrize("name", list(STATS))
def test_sample_mean_and_variance(name):
    assert_sample_moments(STATS[name]())


def test_low_rank_sample_covariance():
    dist = STATS["LowRankMultivariateNormal"]()
    x = dist.sample((40000,), generator=5).data
    np.testing.assert_allclose(np.cov(x.T), dist.covariance_matrix.data, atol=0.05)


def test_von_mises_circular_moments():
    loc, kappa = np.array([0.5, -2.5, 3.0]), np.array([0.2, 2.0, 15.0])
    dist = D.VonMises(_t(loc), _t(kappa))
    x = dist.sample((40000,), generator=11).data
    assert ((x >= -np.pi) & (x < np.pi)).all()
    # E[cos(x - μ)] = I₁(κ)/I₀(κ) = 1 - circular variance; E[sin(x - μ)] = 0.
    np.testing.assert_allclose(np.cos(x - loc).mean(0), 1 - dist.variance.data, atol=0.01)
    np.testing.assert_allclose(np.sin(x - loc).mean(0), 0.0, atol=0.01)


def test_relaxed_draws_recover_their_discrete_laws():
    probs = np.array([0.15, 0.6, 0.25])
    x = D.RelaxedBernoulli(_t(0.5), _t(probs)).sample((40000,), generator=3).data
    assert ((x > 0) & (x < 1)).all()
    np.testing.assert_allclose((x > 0.5).mean(0), probs, atol=0.01)  # exactly σ(logits)
    y = D.RelaxedOneHotCategorical(_t(0.7), _t(probs)).sample((40000,), generator=4).data
    np.testing.assert_allclose(y.sum(-1), 1.0, rtol=1e-12)
    counts = np.bincount(y.argmax(-1), minlength=3) / len(y)  # the Gumbel-max trick
    np.testing.assert_allclose(counts, probs, atol=0.01)
    cold = D.RelaxedOneHotCategorical(_t(0.01), _t(probs)).sample((200,), generator=5).data
    assert (cold.max(-1) > 0.99).mean() > 0.95


def test_logistic_normal_is_stick_broken_normal():
    loc, scale = np.array([0.3, -0.5]), np.array([0.4, 1.2])
    x = D.LogisticNormal(_t(loc), _t(scale)).sample((40000,), generator=6).data
    assert x.shape == (40000, 3) and np.allclose(x.sum(-1), 1.0)
    # The inverse stick-breaking of a draw is Normal(loc, scale).
    z = D.StickBreakingTransform().inv(ag.tensor(x)).data
    np.testing.assert_allclose(z.mean(0), loc, atol=0.02)
    np.testing.assert_allclose(z.std(0), scale, rtol=0.02)


def test_lkj_cholesky_draws_are_correlation_factors():
    dim, eta = 4, np.array([0.5, 2.0])
    dist = D.LKJCholesky(dim, _t(eta))
    L = dist.sample((20000,), generator=8).data
    assert L.shape == (20000, 2, dim, dim) and dist.support.check(ag.tensor(L)).data.all()
    corr = L @ np.swapaxes(L, -1, -2)
    np.testing.assert_allclose(np.diagonal(corr, axis1=-2, axis2=-1), 1.0, rtol=1e-12)
    # The first off-diagonal correlation is (2·Beta(b, b) - 1) with b = η - 1 + d/2: mean 0,
    # variance 1/(2η + d - 1). (PyTorch's onion sampler, followed here, gives the later rows
    # Beta(offset + ½, ·) draws whose marginals are wider than that.)
    r = corr[..., 1, 0]
    np.testing.assert_allclose(r.mean(0), 0.0, atol=0.02)
    np.testing.assert_allclose(r.var(0), 1 / (2 * eta + dim - 1), rtol=0.05)
    np.testing.assert_allclose(corr[..., 3, 2].mean(0), 0.0, atol=0.02)


RSAMPLE = {
    "LogitRelaxedBernoulli": (lambda t, p: D.LogitRelaxedBernoulli(t, p), ([0.7], [0.2, 0.9])),
    "RelaxedBernoulli": (lambda t, logits: D.RelaxedBernoulli(t, logits=logits),
                         ([0.5], [[0.3, -1.0], [2.0, 0.1]])),
    "ExpRelaxedCategorical": (lambda t, logits: D.ExpRelaxedCategorical(t, logits=logits),
                              (0.6, [[0.3, -1.0, 0.5], [1.0, 0.0, -0.5]])),
    "RelaxedOneHotCategorical": (lambda t, p: D.RelaxedOneHotCategorical(t, p),
                                 (1.3, [0.2, 0.5, 0.3])),
    "ContinuousBernoulli": (lambda p: D.ContinuousBernoulli(p), ([0.1, 0.3, 0.8],)),
    "Kumaraswamy": (lambda a, b: D.Kumaraswamy(a, b), ([0.5, 2.0], [[1.5], [3.0]])),
    "GeneralizedPareto": (lambda loc, scale, c: D.GeneralizedPareto(loc, scale, c),
                          ([0.5, -1.0, 0.0], [1.0, 2.0, 0.5], [0.3, -0.2, 0.1])),
    "LowRankMultivariateNormal": (lambda loc, w, d: D.LowRankMultivariateNormal(loc, w, d),
                                  ([0.5, -1.0, 0.0], [[1.0], [0.3], [-0.5]], [1.0, 2.0, 0.5])),
    "LogisticNormal": (lambda loc, scale: D.LogisticNormal(loc, scale),
                       ([0.5, -1.0], [1.0, 0.3])),
}  # InverseGamma, FisherSnedecor and Wishart draw gammas by rejection: see the next test


@pytest.mark.parametrize("name", list(RSAMPLE))
def test_rsample_gradcheck_with_fixed_noise(name):
    make, params = RSAMPLE[name]
    inputs = [_t(p, grad=True) for p in params]
    assert ag.gradcheck(lambda *a: make(*a).rsample((3,), generator=0), inputs)


def test_gamma_based_rsample_gradients_match_analytic_expectations():
    rate = _t(2.0, grad=True)
    D.InverseGamma(_t(4.0), rate).rsample((100000,), generator=1).mean().backward()
    np.testing.assert_allclose(rate.grad.item(), 1 / 3, rtol=0.02)  # E[x] = β/(α - 1)
    conc = _t(4.0, grad=True)
    D.InverseGamma(conc, _t(2.0)).rsample((100000,), generator=2).mean().backward()
    np.testing.assert_allclose(conc.grad.item(), -2 / 9, rtol=0.03)  # -β/(α - 1)²
    df2 = _t(10.0, grad=True)
    D.FisherSnedecor(_t(5.0), df2).rsample((100000,), generator=3).mean().backward()
    np.testing.assert_allclose(df2.grad.item(), -2 / 64, rtol=0.1)  # d/dd₂ d₂/(d₂ - 2)
    df, tril = _t(5.0, grad=True), _t(_TRIL[0], grad=True)
    x = D.Wishart(df, scale_tril=tril).rsample((20000,), generator=4)
    (x.mean(0) * _t(np.eye(3))).sum().backward()  # E[tr X] = ν·|L|²_F
    np.testing.assert_allclose(df.grad.item(), (_TRIL[0] ** 2).sum(), rtol=0.03)
    np.testing.assert_allclose(tril.grad.data, 2 * 5.0 * _TRIL[0], rtol=0.05, atol=0.3)


def test_straight_through_passes_the_gradient_to_the_probabilities():
    probs = _t([0.2, 0.5, 0.3], grad=True)
    x = D.OneHotCategoricalStraightThrough(probs).rsample((4,), generator=2)
    assert set(np.unique(x.data)) <= {0.0, 1.0} and (x.data.sum(-1) == 1).all()
    weights = np.arange(12.0).reshape(4, 3)
    (x * _t(weights)).sum().backward()
    # x = onehot + p - p.detach(): d/dp is the weights summed over the draws (Categorical
    # normalizes p, whose gradient then loses its mean along the simplex).
    g = weights.sum(0)
    np.testing.assert_allclose(probs.grad.data, g - (g * probs.data).sum(), rtol=1e-12)


VECTORS = R.standard_normal((2, 3))
TRANSFORMS = {
    "stick-breaking": (lambda T, t: T.StickBreakingTransform(), VECTORS),
    "stick-breaking-inverse": (lambda T, t: T.StickBreakingTransform().inv,
                               R.dirichlet(np.ones(4), size=(2,))),
    "corr-cholesky": (lambda T, t: T.CorrCholeskyTransform(), VECTORS),
    "independent": (lambda T, t: T.IndependentTransform(T.ExpTransform(), 1), VECTORS),
    "reshape": (lambda T, t: T.ReshapeTransform((2, 3), (3, 2)), VECTORS),
    "cat": (lambda T, t: T.CatTransform([T.ExpTransform(), T.AffineTransform(1.0, -2.0)],
                                        dim=-1, lengths=[2, 1]), VECTORS),
    "cat-batch-dim": (lambda T, t: T.CatTransform([T.ExpTransform(), T.TanhTransform()],
                                                  dim=0), VECTORS),
    "stack": (lambda T, t: T.StackTransform([T.ExpTransform(), T.SigmoidTransform(),
                                             T.TanhTransform()], dim=1), VECTORS),
    "cdf": (lambda T, t: T.CumulativeDistributionTransform(
        (D if T is D.transforms else torch().distributions).Normal(t(0.5), t(2.0))), VECTORS),
}


@requires_torch
@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transforms_match_torch(name):
    ours, transform = transform_and_grad(*TRANSFORMS[name], "ag")
    theirs, their_transform = transform_and_grad(*TRANSFORMS[name], "torch")
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert repr(transform.codomain).split("(")[0] == repr(their_transform.codomain).split("(")[0]
    assert transform.domain.event_dim == their_transform.domain.event_dim
    assert transform.codomain.event_dim == their_transform.codomain.event_dim
    assert transform.bijective == their_transform.bijective
    for shape in ((5, 2, 3), (2, 3)):
        try:
            expected = tuple(their_transform.forward_shape(shape))
        except (ValueError, AttributeError):
            continue
        assert transform.forward_shape(shape) == expected
        assert transform.inverse_shape(expected) == tuple(their_transform.inverse_shape(expected))


@requires_torch
def test_matrix_transforms_match_torch():
    th = torch()
    x = R.standard_normal((2, 3, 3))
    for name in ("LowerCholeskyTransform", "PositiveDefiniteTransform", "SoftmaxTransform"):
        ours, theirs = getattr(D, name)(), getattr(th.distributions, name)()
        xa, xt = ag.tensor(x, requires_grad=True), th.tensor(x, requires_grad=True)
        ya, yt = ours(xa), theirs(xt)
        np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(ours.inv(ya).data, theirs.inv(yt).detach().numpy(),
                                   rtol=1e-10, atol=1e-12)
        (ga,) = ag.grad((ya * ag.tensor(x)).sum(), [xa])
        (gt,) = th.autograd.grad((yt * th.tensor(x)).sum(), [xt])
        np.testing.assert_allclose(ga.data, gt.numpy(), rtol=1e-10, atol=1e-12)
        assert repr(ours.codomain).split("(")[0] == repr(theirs.codomain).split("(")[0]
        assert ours == getattr(D, name)() and ours != D.ExpTransform()
        with pytest.raises(NotImplementedError):
            ours.log_abs_det_jacobian(xa, ya)
    assert D.constraints.positive_definite.check(
        D.PositiveDefiniteTransform()(ag.tensor(x))).data.all()
    corr = D.CorrCholeskyTransform()(ag.tensor(R.standard_normal((4, 6)))).data
    assert corr.shape == (4, 4, 4) and D.constraints.corr_cholesky.check(corr).data.all()


@requires_torch
def test_top_level_exports_match_torch():
    th = torch()
    theirs = {n for n in th.distributions.__all__ if n != "kl"}
    missing = theirs - set(D.__all__)
    assert not missing, missing
    for name in theirs:
        assert hasattr(D, name), name
    assert {n for n in th.distributions.constraints.__all__} <= set(D.constraints.__all__)


@requires_torch
def test_constraints_match_torch():
    th = torch()
    C, TC = D.constraints, th.distributions.constraints
    values = {
        "multinomial": (C.multinomial(4), TC.multinomial(4), [[1.0, 3.0], [3.0, 2.0],
                                                              [-1.0, 2.0]]),
        "lower_triangular": (C.lower_triangular, TC.lower_triangular,
                             [[[1.0, 0.0], [2.0, 1.0]], [[1.0, 1e-3], [2.0, 1.0]]]),
        "corr_cholesky": (C.corr_cholesky, TC.corr_cholesky,
                          [[[1.0, 0.0], [0.6, 0.8]], [[1.0, 0.0], [0.6, 0.7]]]),
        "symmetric": (C.symmetric, TC.symmetric, [[[1.0, 2.0], [2.0, 1.0]],
                                                  [[1.0, 2.0], [2.1, 1.0]]]),
        "positive_semidefinite": (C.positive_semidefinite, TC.positive_semidefinite,
                                  [[[1.0, 1.0], [1.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]]]),
        "positive_integer": (C.positive_integer, TC.positive_integer, [0.0, 1.0, 2.5, 3.0]),
        "cat": (C.cat([C.positive, C.real], 0, [1, 2]), TC.cat([TC.positive, TC.real], 0, [1, 2]),
                [-1.0, 2.0, -3.0]),
        "stack": (C.stack([C.positive, C.unit_interval], 1),
                  TC.stack([TC.positive, TC.unit_interval], 1), [[0.5, 0.5], [2.0, 2.0]]),
        "mixture": (C.MixtureSameFamilyConstraint(C.positive),
                    TC.MixtureSameFamilyConstraint(TC.positive), [[0.5, -1.0], [2.0, 3.0]]),
    }
    for name, (ours, theirs, value) in values.items():
        np.testing.assert_array_equal(ours.check(ag.tensor(value)).data,
                                      theirs.check(th.tensor(value)).numpy(), err_msg=name)
        assert ours.event_dim == theirs.event_dim and ours.is_discrete == theirs.is_discrete


@requires_torch
def test_biject_to_and_transform_to_match_torch():
    th = torch()
    C, TC = D.constraints, th.distributions.constraints
    pairs = [(C.real, TC.real), (C.positive, TC.positive), (C.greater_than(2.0),
                                                            TC.greater_than(2.0)),
             (C.less_than(-1.0), TC.less_than(-1.0)), (C.unit_interval, TC.unit_interval),
             (C.interval(-2.0, 3.0), TC.interval(-2.0, 3.0)), (C.simplex, TC.simplex),
             (C.real_vector, TC.real_vector), (C.corr_cholesky, TC.corr_cholesky),
             (C.independent(C.positive, 1), TC.independent(TC.positive, 1)),
             (C.lower_cholesky, TC.lower_cholesky), (C.positive_definite, TC.positive_definite),
             (C.cat([C.positive, C.real], -1, [2, 1]), TC.cat([TC.positive, TC.real], -1, [2, 1])),
             (C.stack([C.unit_interval, C.real, C.positive], -1),
              TC.stack([TC.unit_interval, TC.real, TC.positive], -1))]
    x = R.standard_normal((2, 3))
    for ours_c, theirs_c in pairs:
        for ours_reg, theirs_reg in ((D.biject_to, th.distributions.biject_to),
                                     (D.transform_to, th.distributions.transform_to)):
            try:
                theirs = theirs_reg(theirs_c)
            except NotImplementedError:
                with pytest.raises(NotImplementedError):
                    ours_reg(ours_c)
                continue
            ours = ours_reg(ours_c)
            assert type(ours).__name__ == type(theirs).__name__, ours_c
            value = x if ours_c is not C.lower_cholesky and ours_c is not C.positive_definite \
                else R.standard_normal((2, 3, 3))
            y = ours(ag.tensor(value))
            np.testing.assert_allclose(y.data, theirs(th.tensor(value)).numpy(), rtol=1e-10,
                                       atol=1e-12)
            assert ours_c.check(y).data.all()


@requires_torch
def test_exponential_family_members_match_torch():
    th = torch()
    for name in D.__all__:
        theirs = getattr(th.distributions, name, None)
        if isinstance(theirs, type) and issubclass(theirs, th.distributions.Distribution):
            ours = getattr(D, name)
            assert issubclass(ours, D.ExponentialFamily) == issubclass(
                theirs, th.distributions.ExponentialFamily), name


EF_CASES = {
    "Normal": lambda M, t: M.Normal(t([0.3, -1.0]), t([0.5, 2.0])),
    "Gamma": lambda M, t: M.Gamma(t([0.7, 3.0]), t([2.0, 0.5])),
    "Exponential": lambda M, t: M.Exponential(t([0.7, 3.0])),
    "Bernoulli": lambda M, t: M.Bernoulli(t([0.2, 0.9])),
    "ContinuousBernoulli": lambda M, t: M.ContinuousBernoulli(t([0.2, 0.4999, 0.9])),
    "Wishart": lambda M, t: M.Wishart(t([4.0, 6.5]), covariance_matrix=t(_SPD)),
}


@requires_torch
@pytest.mark.parametrize("name", list(EF_CASES))
def test_bregman_entropy_matches_closed_form_and_torch(name):
    th = torch()
    ours = EF_CASES[name](D, lambda v: ag.tensor(np.asarray(v, dtype=np.float64)))
    theirs = EF_CASES[name](th.distributions, lambda v: th.tensor(v, dtype=th.float64))
    bregman = D.ExponentialFamily.entropy(ours).data
    np.testing.assert_allclose(
        bregman, th.distributions.ExponentialFamily.entropy(theirs).detach().numpy(),
        rtol=1e-10, atol=1e-12)
    if name != "ContinuousBernoulli":  # its closed form uses Taylor series near ½
        np.testing.assert_allclose(bregman, ours.entropy().data, rtol=1e-9, atol=1e-12)


@requires_torch
def test_bregman_kl_matches_torch():
    th = torch()
    out = []
    for lib, new, grad in ((D, ag.tensor, ag.grad), (th.distributions, th.tensor,
                                                     th.autograd.grad)):
        df_q, cov_q = new(np.array([5.0, 7.5]), requires_grad=True), new(_SPD[::-1].copy(),
                                                                         requires_grad=True)
        p = lib.Wishart(new(np.array([4.0, 6.5])), covariance_matrix=new(_SPD))
        kl = lib.kl_divergence(p, lib.Wishart(df_q, covariance_matrix=cov_q))
        grads = grad(kl.sum(), [df_q, cov_q])
        out.append([np.asarray(getattr(a, "data", None) if lib is D else a.detach().numpy())
                    for a in (kl, *grads)])
    for a, b in zip(*out):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)
    with pytest.raises(NotImplementedError, match="different exponential families"):
        D.kl_divergence(D.Normal(_t(0.0), _t(1.0)), D.Gamma(_t(1.0), _t(1.0)))
    # The Bregman form agrees with the closed form where both exist.
    p, q = D.Normal(_t([0.3, 1.0]), _t([0.5, 2.0])), D.Normal(_t([-1.0, 0.0]), _t([1.5, 0.7]))
    np.testing.assert_allclose(D.kl_extra._kl_expfamily_expfamily(p, q).data,
                               D.kl_divergence(p, q).data, rtol=1e-10)


@requires_torch
@pytest.mark.parametrize("n", [1, 6, 25])
def test_multinomial_entropy_matches_torch_up_to_its_float32_log_factorial(n):
    th = torch()
    probs = SIMPLEX * 2
    ours_p, their_p = _t(probs, grad=True), th.tensor(probs, requires_grad=True)
    ours = D.Multinomial(n, ours_p).entropy()
    theirs = th.distributions.Multinomial(n, their_p).entropy()
    # PyTorch takes lgamma(n + 1) of an int64 tensor, i.e. in float32.
    float32_error = math.lgamma(n + 1) - th.lgamma(th.tensor(n) + 1).item()
    np.testing.assert_allclose(ours.data + float32_error, theirs.detach().numpy(), rtol=1e-12)
    (g_ours,) = ag.grad(ours.sum(), [ours_p])
    (g_theirs,) = th.autograd.grad(theirs.sum(), [their_p])
    np.testing.assert_allclose(g_ours.data, g_theirs.numpy(), rtol=1e-10, atol=1e-12)


def test_multinomial_log_prob_with_impossible_categories():
    dist = D.Multinomial(3, logits=_t([0.0, -np.inf, 1.0]))
    value = _t([[1.0, 0.0, 2.0], [1.0, 1.0, 1.0]])
    lp = dist.log_prob(value).data
    p = np.exp([0.0, 1.0]) / np.exp([0.0, 1.0]).sum()
    np.testing.assert_allclose(lp[0], np.log(3 * p[0] * p[1] ** 2), rtol=1e-12)
    assert lp[1] == -np.inf
    counts = dist.sample((1000,), generator=0).data
    assert (counts[:, 1] == 0).all() and (counts.sum(-1) == 3).all()


@requires_torch
def test_transformed_kl_refusals_match_torch():
    th = torch()
    for lib, new in ((D, lambda v: ag.tensor(v, dtype=np.float64)),
                     (th.distributions, lambda v: th.tensor(v, dtype=th.float64))):
        with pytest.raises(NotImplementedError):
            lib.kl_divergence(lib.Kumaraswamy(new([1.0]), new([2.0])),
                              lib.Kumaraswamy(new([1.5]), new([2.0])))
        with pytest.raises(NotImplementedError):
            lib.kl_divergence(lib.RelaxedBernoulli(new(0.5), new([0.3])),
                              lib.RelaxedBernoulli(new(0.5), new([0.6])))
        same = lib.Kumaraswamy(new([1.0]), new([2.0]))
        assert lib.kl_divergence(same, lib.Kumaraswamy(new([1.0]), new([2.0]))).item() == 0.0
    assert D.AffineTransform(_t([1.0, 2.0]), 2.0) == D.AffineTransform(_t([1.0, 2.0]), 2.0)
    assert D.AffineTransform(_t([1.0, 2.0]), 2.0) != D.AffineTransform(_t([1.0, 2.5]), 2.0)
    assert D.ComposeTransform([D.ExpTransform(), D.PowerTransform(_t(2.0))]) == (
        D.ComposeTransform([D.ExpTransform(), D.PowerTransform(_t(2.0))]))
    assert D.ExpTransform().inv == D.ExpTransform().inv != D.ExpTransform()


@pytest.mark.parametrize("make", [
    lambda: D.FisherSnedecor(_t([10.0]), _t([10.0])),
    lambda: D.LowRankMultivariateNormal(_t([0.0]), _t([[1.0]]), _t([1.0])),
    lambda: D.StudentT(_t([7.0])),
], ids=["FisherSnedecor", "LowRankMultivariateNormal", "StudentT"])
def test_int_seed_draws_use_one_stream(make):
    """A family drawing twice must not restart the generator: with an int seed both draws
    would start from one state and be dependent (F = X/X would be 1 at df1 = df2, the
    low-rank normal's two noises equal)."""
    dist = make()
    x = dist.sample((40000,), generator=9).data.reshape(-1)
    np.testing.assert_allclose(x.var(), dist.variance.data.reshape(-1), rtol=0.1)
    y = dist.sample((40000,), generator=np.random.default_rng(9)).data.reshape(-1)
    np.testing.assert_array_equal(x, y)
