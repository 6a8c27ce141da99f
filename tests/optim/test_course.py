"""The course's forms: EWA's worked numbers, Momentum and Adam against the notes'
formulas written in NumPy, and the seeds' demo J = w² − 10w + 25."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import optim


def test_ewa_reproduces_the_notes_temperatures():
    avg = optim.EWA(0.98)
    assert avg.update(40) == pytest.approx(40.0, rel=1e-14)
    assert avg.raw == pytest.approx(0.8, rel=1e-14) and avg.t == 1
    corrected = avg.update(49)
    assert avg.raw == pytest.approx(0.0196 * 40 + 0.02 * 49, rel=1e-14)
    assert avg.raw == pytest.approx(1.764, rel=1e-14)
    assert corrected == pytest.approx((0.0196 * 40 + 0.02 * 49) / 0.0396, rel=1e-14)
    assert corrected == pytest.approx(44.545454545454, rel=1e-12)
    assert avg.value == corrected and avg.t == 2


def test_ewa_without_correction_and_on_arrays():
    raw = optim.EWA(0.9, bias_correction=False)
    assert raw.value is None
    assert raw.update(10.0) == pytest.approx(1.0)
    series = np.array([[1.0, 2.0], [3.0, 4.0]])
    avg = optim.EWA(0.5)
    for theta in series:
        out = avg.update(theta)
    v = 0.5 * (0.5 * series[0]) + 0.5 * series[1]
    np.testing.assert_allclose(avg.raw, v)
    np.testing.assert_allclose(out, v / (1 - 0.25))
    for _ in range(200):
        avg.update(np.array([7.0, 7.0]))
    np.testing.assert_allclose(avg.value, 7.0)
    with pytest.raises(ValueError, match="shape"):
        avg.update(np.ones(3))
    avg.reset()
    assert avg.t == 0 and avg.value is None
    with pytest.raises(ValueError, match="beta"):
        optim.EWA(1.0)


def _quadratic(w):
    """J = Σ s·(w − c)², a badly scaled bowl, and its gradient."""
    s = np.array([0.5, 3.0, 10.0])
    c = np.array([1.0, -2.0, 0.5])
    return s, c


def _trajectory(make_opt, steps, w0):
    w = ag.tensor(w0.copy(), requires_grad=True)
    s, c = _quadratic(w)
    opt = make_opt([w])
    out = []
    for _ in range(steps):
        opt.zero_grad()
        (ag.tensor(s) * (w - ag.tensor(c)) ** 2).sum().backward()
        opt.step()
        out.append(w.data.copy())
    return np.array(out)


def test_momentum_is_the_notes_formula():
    w0 = np.array([3.0, 1.0, -1.0])
    s, c = _quadratic(w0)
    lr, beta = 0.04, 0.9
    w, v, want = w0.copy(), np.zeros(3), []
    for _ in range(40):
        dw = 2 * s * (w - c)
        v = beta * v + (1 - beta) * dw
        w = w - lr * v
        want.append(w)
    got = _trajectory(lambda p: optim.Momentum(p, lr=lr, beta=beta), 40, w0)
    np.testing.assert_allclose(got, np.array(want), rtol=1e-12, atol=1e-14)


def test_momentum_with_beta_zero_is_gradient_descent():
    w0 = np.array([3.0, 1.0, -1.0])
    got = _trajectory(lambda p: optim.Momentum(p, lr=0.02, beta=0.0), 10, w0)
    want = _trajectory(lambda p: optim.SGD(p, lr=0.02), 10, w0)
    np.testing.assert_allclose(got, want, rtol=1e-15)


def test_adam_is_the_notes_formula_with_bias_correction():
    w0 = np.array([3.0, 1.0, -1.0])
    s, c = _quadratic(w0)
    alpha, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8
    w, v, sq, want = w0.copy(), np.zeros(3), np.zeros(3), []
    for t in range(1, 61):
        dw = 2 * s * (w - c)
        v = b1 * v + (1 - b1) * dw
        sq = b2 * sq + (1 - b2) * dw**2
        v_corr = v / (1 - b1**t)
        s_corr = sq / (1 - b2**t)
        w = w - alpha * v_corr / (np.sqrt(s_corr) + eps)
        want.append(w)
    got = _trajectory(lambda p: optim.Adam(p, lr=alpha, betas=(b1, b2), eps=eps), 60, w0)
    np.testing.assert_allclose(got, np.array(want), rtol=1e-11, atol=1e-13)


# The seeds' demo (seed-inventory §17.1). Learning rates chosen to converge in 1000 steps:
# Adam 0.1 (the notes' value), SGD 0.1, Momentum 0.1 with β = 0.9, RMSprop 0.01.
DEMO = [
    ("Adam", lambda p: optim.Adam(p, lr=0.1)),
    ("SGD", lambda p: optim.SGD(p, lr=0.1)),
    ("Momentum", lambda p: optim.Momentum(p, lr=0.1, beta=0.9)),
    ("RMSprop", lambda p: optim.RMSprop(p, lr=0.01)),
]


@pytest.mark.parametrize("name,make", DEMO, ids=[n for n, _ in DEMO])
def test_demo_minimizes_the_notes_cost(name, make):
    w = ag.tensor(0.0, requires_grad=True)
    opt = make([w])
    cost = w**2 - 10 * w + 25
    cost.backward()
    assert w.grad.item() == -10.0
    for _ in range(1000):
        opt.zero_grad()
        cost = w**2 - 10 * w + 25
        cost.backward()
        opt.step()
    assert abs(w.item() - 5.0) < 1e-3
    assert cost.item() < 1e-5
