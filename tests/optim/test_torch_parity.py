"""Trajectory parity with torch.optim: 50 steps on a small network from the same start.

The network is written with raw tensors (x @ W.T + b, relu) so the test needs no nn.
With ``maximize=True`` both sides maximize the negated loss, so every run converges.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import optim

torch = pytest.importorskip("torch")

CONFIGS = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.5, maximize=True)),
    ("Adagrad", dict(lr=0.05)),
    ("Adagrad", dict(lr=0.05, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1,
                     eps=1e-6)),
    ("RMSprop", dict(lr=0.005)),
    ("RMSprop", dict(lr=0.005, alpha=0.9, weight_decay=0.01, momentum=0.9, centered=True)),
    ("RMSprop", dict(lr=0.005, centered=True)),
    ("RMSprop", dict(lr=0.005, momentum=0.5)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, betas=(0.3, 0.9), eps=1e-6, maximize=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
]


def _init(dtype, rng):
    shapes = [(8, 5), (8,), (3, 8), (3,)]
    params = [(rng.standard_normal(s) * 0.5).astype(dtype) for s in shapes]
    x = rng.standard_normal((16, 5)).astype(dtype)
    y = rng.standard_normal((16, 3)).astype(dtype)
    return params, x, y


def _train(tensor, relu, make_opt, params, x, y, steps, maximize):
    """``steps`` steps of the same loop in either framework; returns the parameter tensors."""
    ps = [tensor(p.copy(), requires_grad=True) for p in params]
    opt = make_opt(ps)
    xt, yt = tensor(x), tensor(y)
    sign = -1.0 if maximize else 1.0
    for _ in range(steps):
        w1, b1, w2, b2 = ps
        out = relu(xt @ w1.T + b1) @ w2.T + b2
        loss = ((out - yt) ** 2).mean() * sign
        opt.zero_grad()
        loss.backward()
        opt.step()
    return ps


@pytest.mark.parametrize("name,opts", CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in
                                                      enumerate(CONFIGS)])
@pytest.mark.parametrize("dtype,rtol,atol", [(np.float64, 1e-10, 1e-12),
                                             (np.float32, 2e-4, 2e-5)])
def test_trajectory_matches_torch(name, opts, dtype, rtol, atol, rng):
    torch.set_num_threads(1)
    params, x, y = _init(dtype, rng)
    maximize = opts.get("maximize", False)
    ours = _train(ag.tensor, ag.relu, lambda ps: getattr(optim, name)(ps, **opts), params, x,
                  y, 50, maximize)
    theirs = _train(torch.tensor, torch.relu,
                    lambda ps: getattr(torch.optim, name)(ps, **opts), params, x, y, 50,
                    maximize)
    ours = [p.data for p in ours]
    theirs = [p.detach().numpy() for p in theirs]
    moved = max(np.abs(o - p).max() for o, p in zip(ours, params))
    assert np.isfinite(moved) and moved > 1e-3
    for o, t in zip(ours, theirs):
        assert o.dtype == dtype
        np.testing.assert_allclose(o, t, rtol=rtol, atol=atol)
