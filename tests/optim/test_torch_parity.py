"""Trajectory parity with torch.optim: 50 steps on a small network from the same start.

The network is written with raw tensors (x @ W.T + b, relu) so the test needs no nn.
With ``maximize=True`` both sides maximize the negated loss, so every run converges.
"""

from __future__ import annotations

import numpy as np
import pytest
from optim_checks import assert_trajectory_matches

import autograd as ag
import optim
from optim import kernels

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
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.01, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("NAdam", dict(lr=0.01, betas=(0.3, 0.9), eps=1e-6, maximize=True)),
    ("RAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.01)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.01, betas=(0.3, 0.9), eps=1e-6, maximize=True)),
    ("Adamax", dict(lr=0.01)),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01)),
    ("Adamax", dict(lr=0.01, betas=(0.3, 0.9), weight_decay=0.1, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=5.0, rho=0.5, eps=1e-4, weight_decay=0.01)),
    ("Adadelta", dict(lr=2.0, rho=0.95, weight_decay=0.1, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.03, etas=(0.3, 1.5), step_sizes=(1e-3, 0.05))),
    ("Rprop", dict(lr=0.02, maximize=True)),
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
    assert_trajectory_matches(ours, theirs, params, dtype, rtol, atol)


API_CONFIGS = [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adam", dict(lr=0.02, amsgrad=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.02)),
    ("NAdam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.02, weight_decay=0.1)),
    ("Adamax", dict(lr=0.02, weight_decay=0.1)),
    ("Adadelta", dict(lr=5.0, rho=0.8, eps=1e-3, weight_decay=0.1)),
    ("Rprop", dict(lr=0.02, etas=(0.4, 1.3))),
]


def _api_run(tensor, make_opt, start):
    """30 steps that use the Optimizer API mid-training: a group added with its own lr, a
    parameter whose grad is None on some steps, zero_grad both ways, lr changed in
    param_groups, state_dict() loaded into a fresh optimizer, a group added without
    options (so the defaults fill it in)."""
    ps = [tensor(a.copy(), requires_grad=True) for a in start]
    opt = make_opt([ps[0]])
    for s in range(30):
        opt.zero_grad(set_to_none=s % 2 == 0)
        loss = (ps[0] ** 2).sum() + (ps[2] ** 3).sum() * 0.1
        if s % 3:
            loss = loss + ((ps[1] - 1) ** 2).sum()
        loss.backward()
        if s % 3 == 0:
            ps[1].grad = None  # skipped by step(), its state untouched
        if s == 5:
            opt.add_param_group({"params": ps[1], "lr": 0.03})
        if s == 10:
            for group in opt.param_groups:
                group["lr"] *= 0.5
        if s == 15:
            saved = opt.state_dict()
            opt = make_opt([{"params": [ps[0]]}, {"params": [ps[1]]}])
            opt.load_state_dict(saved)
        if s == 20:
            opt.add_param_group({"params": [ps[2]]})
        opt.step()
    return ps


@pytest.mark.parametrize("name,opts", API_CONFIGS, ids=[n for n, _ in API_CONFIGS])
def test_optimizer_api_mid_training_matches_torch(name, opts, rng):
    torch.set_num_threads(1)
    start = [rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal((2, 2))]
    ours = _api_run(ag.tensor, lambda ps: getattr(optim, name)(ps, **opts), start)
    theirs = _api_run(torch.tensor, lambda ps: getattr(torch.optim, name)(ps, **opts), start)
    for o, t, s in zip(ours, theirs, start):
        assert np.abs(o.data - s).max() > 1e-3
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-12, atol=1e-14)


STATE_NAMES = [n for n, _ in API_CONFIGS]


@pytest.mark.parametrize("name", STATE_NAMES)
def test_state_dict_names_and_scalars_are_torchs(name, rng):
    # the per-parameter state has torch's entries (so a state moves between the two by
    # name), and its scalars (step, NAdam's float32 mu_product) torch's values
    torch.set_num_threads(1)
    opts = dict(API_CONFIGS)[name]
    start = rng.standard_normal((4, 3))
    ours, theirs = ag.tensor(start.copy(), requires_grad=True), torch.tensor(start.copy(),
                                                                           requires_grad=True)
    opt, topt = getattr(optim, name)([ours], **opts), getattr(torch.optim, name)([theirs], **opts)
    for _ in range(7):
        for w, o in ((ours, opt), (theirs, topt)):
            o.zero_grad()
            (w**2).sum().backward()
            o.step()
    state, tstate = opt.state_dict()["state"][0], topt.state_dict()["state"][0]
    assert set(state) == set(tstate)
    for key, value in tstate.items():
        if value.ndim == 0:
            assert state[key] == value.item(), key
        else:
            np.testing.assert_allclose(state[key], value.numpy(), rtol=1e-12, err_msg=key)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the reference
@pytest.mark.parametrize("use_reference", [False, True], ids=["numba", "numpy"])
@pytest.mark.parametrize("opts", [dict(centered=True), dict(centered=True, momentum=0.5),
                                  dict(centered=False)], ids=str)
def test_rmsprop_stays_finite_as_torch_where_float32_squares_overflow(opts, use_reference,
                                                                      monkeypatch):
    # |g| ~ 1e21: g² overflows float32, and so does the centered mean's square; torch's
    # fused multiply-add keeps the variance inf (a zero step) where inf − inf was nan
    monkeypatch.setattr(kernels, "USE_REFERENCE", use_reference)
    ours = ag.tensor(np.ones(9, np.float32), requires_grad=True)
    theirs = torch.ones(9, requires_grad=True)
    opt, topt = optim.RMSprop([ours], lr=0.01, **opts), torch.optim.RMSprop([theirs], lr=0.01,
                                                                            **opts)
    for k, scale in enumerate([1e19, 1e20, 1e21, 3e21, 1e25, 1.0]):
        g = np.linspace(-1, 1, 9).astype(np.float32) * np.float32(scale * (k + 1))
        ours.grad, theirs.grad = ag.tensor(g), torch.from_numpy(g.copy())
        opt.step()
        topt.step()
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=3e-7)  # ulps
    assert np.isfinite(ours.data).all()


BAD_OPTIONS = [
    ("SGD", dict(lr=-0.1), "lr"), ("SGD", dict(lr=0.1, momentum=-0.5), "momentum"),
    ("SGD", dict(lr=0.1, weight_decay=-1.0), "weight_decay"),
    ("SGD", dict(lr=0.1, nesterov=True), "Nesterov"),
    ("Adagrad", dict(lr=-1.0), "lr"), ("Adagrad", dict(lr_decay=-1.0), "lr_decay"),
    ("Adagrad", dict(initial_accumulator_value=-1.0), "initial_accumulator_value"),
    ("Adagrad", dict(eps=-1.0), "eps"), ("Adagrad", dict(weight_decay=-1.0), "weight_decay"),
    ("RMSprop", dict(alpha=-0.1), "alpha"), ("RMSprop", dict(eps=-1.0), "eps"),
    ("RMSprop", dict(momentum=-1.0), "momentum"), ("RMSprop", dict(lr=-1.0), "lr"),
    ("Adam", dict(lr=-1e-3), "lr"), ("Adam", dict(eps=-1.0), "eps"),
    ("Adam", dict(betas=(1.0, 0.999)), r"betas\[0\]"),
    ("Adam", dict(betas=(0.9, -0.1)), r"betas\[1\]"),
    ("Adam", dict(weight_decay=-1.0), "weight_decay"),
    ("AdamW", dict(betas=(0.9, 1.0)), r"betas\[1\]"),
    ("NAdam", dict(lr=-1e-3), "lr"), ("NAdam", dict(eps=-1.0), "eps"),
    ("NAdam", dict(betas=(1.0, 0.999)), r"betas\[0\]"),
    ("NAdam", dict(betas=(0.9, 1.5)), r"betas\[1\]"),
    ("NAdam", dict(weight_decay=-1.0), "weight_decay"),
    ("NAdam", dict(momentum_decay=-1.0), "momentum_decay"),
    ("RAdam", dict(lr=-1e-3), "lr"), ("RAdam", dict(eps=-1.0), "eps"),
    ("RAdam", dict(betas=(-0.1, 0.999)), r"betas\[0\]"),
    ("RAdam", dict(betas=(0.9, 1.0)), r"betas\[1\]"),
    ("RAdam", dict(weight_decay=-1.0), "weight_decay"),
    ("Adamax", dict(lr=-1e-3), "lr"), ("Adamax", dict(eps=-1.0), "eps"),
    ("Adamax", dict(betas=(1.0, 0.999)), r"betas\[0\]"),
    ("Adamax", dict(betas=(0.9, 1.0)), r"betas\[1\]"),
    ("Adamax", dict(weight_decay=-1.0), "weight_decay"),
    ("Adadelta", dict(lr=-1.0), "lr"), ("Adadelta", dict(rho=-0.1), "rho"),
    ("Adadelta", dict(rho=1.5), "rho"), ("Adadelta", dict(eps=-1.0), "eps"),
    ("Adadelta", dict(weight_decay=-1.0), "weight_decay"),
    ("Rprop", dict(lr=-1.0), "lr"), ("Rprop", dict(etas=(1.2, 0.5)), "etas"),
    ("Rprop", dict(etas=(0.0, 1.2)), "etas"),
]


@pytest.mark.parametrize("name,opts,arg", BAD_OPTIONS,
                         ids=[f"{n}-{a}" for n, _, a in BAD_OPTIONS])
def test_invalid_options_raise_where_torch_raises_and_name_the_argument(name, opts, arg):
    with pytest.raises(ValueError):
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **opts)
    with pytest.raises(ValueError, match=rf"^{name}: .*{arg}"):
        getattr(optim, name)([ag.tensor(np.zeros(2), requires_grad=True)], **opts)
