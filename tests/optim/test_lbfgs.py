"""LBFGS against torch.optim.LBFGS (skipped without torch): the same iterates, losses and
evaluation counts with and without the strong-Wolfe line search, on Rosenbrock's function
and a logistic regression with two parameters, over several step() calls; the history
kept across steps and through state_dict; the stopping rules; the argument checks."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import optim
from optim.line_search import cubic_minimizer


def _rosenbrock(lib, p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def _logistic_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    y = (X @ np.array([1.5, -2.0, 0.5]) + 0.3 * rng.standard_normal(40) > 0).astype(float)
    return X, y


def _run(lib, problem, kwargs, steps):
    """Losses and parameters after each of ``steps`` step() calls, and the evaluation and
    iteration counts."""
    if problem == "rosenbrock":
        params = [lib.tensor(np.array([-1.5, 2.0]), requires_grad=True)]

        def loss_fn():
            return _rosenbrock(lib, params[0])
    else:
        X, y = _logistic_data()
        params = [lib.tensor(np.zeros(3), requires_grad=True),
                  lib.tensor(np.zeros(1), requires_grad=True)]
        Xt, yt = lib.tensor(X), lib.tensor(y)
        softplus = ag.softplus if lib is ag else lib.nn.functional.softplus

        def loss_fn():
            z = Xt @ params[0] + params[1]
            # mean log(1 + e^z) − y·z: the logistic loss, as both libraries spell it
            return (softplus(z) - yt * z).mean() + 0.01 * (params[0] ** 2).sum()

    opt = (optim.LBFGS if lib is ag else lib.optim.LBFGS)(params, **kwargs)

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    history = []
    for _ in range(steps):
        first = opt.step(closure)
        history.append((float(first.detach()), [np.array(p.detach().numpy() if lib is not ag
                                                else p.data, copy=True) for p in params]))
    state = opt.state[params[0]]
    return history, int(state["func_evals"]), int(state["n_iter"])


CASES = [
    ("rosenbrock", dict(), 3),
    ("rosenbrock", dict(line_search_fn="strong_wolfe"), 4),
    ("rosenbrock", dict(lr=0.5, history_size=3, max_iter=7), 5),
    ("rosenbrock", dict(line_search_fn="strong_wolfe", history_size=2, max_iter=10,
                        max_eval=12), 4),
    ("logistic", dict(), 2),
    ("logistic", dict(line_search_fn="strong_wolfe"), 2),
    ("logistic", dict(lr=0.3, max_iter=5, tolerance_change=1e-12), 4),
]


@pytest.mark.parametrize("problem, kwargs, steps", CASES,
                         ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(CASES)])
def test_lbfgs_matches_torch(problem, kwargs, steps):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    ours, our_evals, our_iters = _run(ag, problem, kwargs, steps)
    theirs, their_evals, their_iters = _run(torch, problem, kwargs, steps)
    assert (our_evals, our_iters) == (their_evals, their_iters)
    # The same decisions, so the same counts; the iterates agree to rounding, amplified a
    # little over dozens of iterations on Rosenbrock's valley.
    for (loss, params), (tloss, tparams) in zip(ours, theirs):
        assert loss == pytest.approx(tloss, rel=1e-6, abs=1e-12)
        for p, tp in zip(params, tparams):
            np.testing.assert_allclose(p, tp, rtol=1e-5, atol=1e-10)


def test_lbfgs_solves_rosenbrock_with_the_line_search():
    x = ag.tensor(np.array([-1.2, 1.0]), requires_grad=True)
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe", max_iter=100, history_size=10)

    def closure():
        opt.zero_grad()
        loss = _rosenbrock(ag, x)
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    np.testing.assert_allclose(x.data, [1.0, 1.0], atol=1e-5)


def test_lbfgs_float32_parameters_keep_their_dtype():
    w = ag.tensor(np.array([3.0, -2.0], dtype=np.float32), requires_grad=True)
    opt = optim.LBFGS([w])

    def closure():
        opt.zero_grad()
        loss = ((w - 1.0) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    assert w.dtype == np.float32
    np.testing.assert_allclose(w.data, [1.0, 1.0], atol=1e-5)


def test_lbfgs_history_survives_a_state_dict_round_trip():
    def make():
        x = ag.tensor(np.array([-1.5, 2.0]), requires_grad=True)
        opt = optim.LBFGS([x], max_iter=4, history_size=5)

        def closure():
            opt.zero_grad()
            loss = _rosenbrock(ag, x)
            loss.backward()
            return loss

        return x, opt, closure

    x, opt, closure = make()
    for _ in range(4):
        opt.step(closure)
    full = x.data.copy()
    x, opt, closure = make()
    for _ in range(2):
        opt.step(closure)
    saved, at = opt.state_dict(), x.data.copy()
    x2, opt2, closure2 = make()
    x2.data[...] = at
    opt2.load_state_dict(saved)
    for _ in range(2):
        opt2.step(closure2)
    np.testing.assert_array_equal(x2.data, full)


def test_lbfgs_stops_at_once_when_the_gradient_is_zero():
    x = ag.tensor(np.array([1.0, 1.0]), requires_grad=True)
    opt = optim.LBFGS([x])
    calls = []

    def closure():
        calls.append(1)
        opt.zero_grad()
        loss = _rosenbrock(ag, x)
        loss.backward()
        return loss

    assert float(opt.step(closure)) == 0.0
    assert len(calls) == 1 and np.array_equal(x.data, [1.0, 1.0])


def test_lbfgs_arguments():
    a = ag.tensor(np.zeros(2), requires_grad=True)
    b = ag.tensor(np.zeros(2), requires_grad=True)
    with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
        optim.LBFGS([{"params": [a]}, {"params": [b]}])
    with pytest.raises(ValueError, match="line_search_fn must be None or 'strong_wolfe'"):
        optim.LBFGS([a], line_search_fn="armijo")
    with pytest.raises(ValueError, match="history_size must be a positive int"):
        optim.LBFGS([a], history_size=0)
    with pytest.raises(TypeError, match="LBFGS.step needs a closure"):
        optim.LBFGS([a]).step()
    assert optim.LBFGS([a], max_iter=8).param_groups[0]["max_eval"] == 10


def test_cubic_minimizer():
    # f = (x − 1)² through x = 0 and 3: the cubic is that parabola, minimum at 1.
    assert cubic_minimizer(0.0, 1.0, -2.0, 3.0, 4.0, 4.0) == pytest.approx(1.0)
    assert cubic_minimizer(3.0, 4.0, 4.0, 0.0, 1.0, -2.0) == pytest.approx(1.0)
    assert cubic_minimizer(0.0, 1.0, -2.0, 3.0, 4.0, 4.0, bounds=(2.0, 5.0)) == 2.0
    # The cubic through (0, 0) and (1, 1) with slopes 2 at both has no minimum: the midpoint.
    assert cubic_minimizer(0.0, 0.0, 2.0, 1.0, 1.0, 2.0) == 0.5
    assert cubic_minimizer(0.0, 0.0, 1.0, 1.0, 0.0, 1.0) == pytest.approx(0.5 + 12 ** 0.5 / 12)
