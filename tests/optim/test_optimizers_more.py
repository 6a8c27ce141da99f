"""ASGD and Adafactor against torch.optim step for step (float64 and float32, with
weight decay, maximize and the other options), plus their state_dict round trip and
errors."""

from __future__ import annotations

import numpy as np
import pytest
from optim_checks import assert_trajectory_matches

import autograd as ag
import optim

torch = pytest.importorskip("torch")

CONFIGS = [
    ("ASGD", dict(lr=0.05)),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=5, weight_decay=0.01)),
    ("ASGD", dict(lr=0.02, t0=0, maximize=True)),
    ("Adafactor", dict()),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-4, 1e-2), d=1.5, weight_decay=0.1)),
    ("Adafactor", dict(lr=0.02, maximize=True)),
]
# a matrix, a vector, a 0-d scale and a 3-D tensor (Adafactor factors its last two dims)
SHAPES = [(6, 4), (6,), (), (2, 3, 6)]
# Adafactor's first steps are nearly sign(g) steps, so float32 rounding in a gradient near
# 0 makes trajectories drift apart after ~20 steps (torch's float32 from its float64 too)
STEPS = 20


def _loss(ps, x, y, sign):
    w, b, s, k = ps
    h = (x @ w.T + b) * s
    out = (h.reshape(-1, 1, 1, 6) * k).sum(axis=-1).reshape(-1, 6)
    return ((out - y) ** 2).mean() * sign


def _train(tensor, make_opt, start, x, y, steps, maximize):
    ps = [tensor(a.copy(), requires_grad=True) for a in start]
    opt = make_opt(ps)
    sign = -1.0 if maximize else 1.0
    for _ in range(steps):
        loss = _loss(ps, tensor(x), tensor(y), sign)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return ps, opt


@pytest.mark.parametrize("name,opts", CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in
                                                      enumerate(CONFIGS)])
@pytest.mark.parametrize("dtype,rtol,atol", [(np.float64, 1e-10, 1e-12),
                                             (np.float32, 2e-4, 2e-5)])
def test_trajectory_matches_torch(name, opts, dtype, rtol, atol, rng):
    torch.set_num_threads(1)
    start = [(rng.standard_normal(s) * 0.5).astype(dtype) for s in SHAPES]
    x = rng.standard_normal((5, 4)).astype(dtype)
    y = rng.standard_normal((5, 6)).astype(dtype)
    maximize = opts.get("maximize", False)
    ours, opt = _train(ag.tensor, lambda ps: getattr(optim, name)(ps, **opts), start, x, y,
                       STEPS, maximize)
    theirs, topt = _train(torch.tensor, lambda ps: getattr(torch.optim, name)(ps, **opts),
                          start, x, y, STEPS, maximize)
    assert_trajectory_matches([o.data for o in ours], [t.detach().numpy() for t in theirs],
                              start, dtype, rtol, atol)
    for p, tp in zip(ours, theirs):
        mine, ref = opt.state[p], topt.state[tp]
        assert set(mine) == set(ref)
        for key, value in ref.items():
            np.testing.assert_allclose(np.asarray(mine[key], dtype=np.float64),
                                       value.double().numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", ["ASGD", "Adafactor"])
def test_state_dict_round_trip_resumes_exactly(name, rng):
    start = [rng.standard_normal(s) * 0.5 for s in SHAPES]
    x, y = rng.standard_normal((5, 4)), rng.standard_normal((5, 6))
    opts = dict(lr=0.01, t0=2) if name == "ASGD" else dict(weight_decay=0.1)
    straight, _ = _train(ag.tensor, lambda ps: getattr(optim, name)(ps, **opts), start, x, y,
                         8, False)
    ps, opt = _train(ag.tensor, lambda q: getattr(optim, name)(q, **opts), start, x, y, 4,
                     False)
    saved = opt.state_dict()
    resumed = getattr(optim, name)(ps, **opts)
    resumed.load_state_dict(saved)
    for _ in range(4):
        loss = _loss(ps, ag.tensor(x), ag.tensor(y), 1.0)
        resumed.zero_grad()
        loss.backward()
        resumed.step()
    for a, b in zip(ps, straight):
        np.testing.assert_array_equal(a.data, b.data)


def test_errors():
    w = ag.tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match="ASGD: invalid lr"):
        optim.ASGD([w], lr=-1.0)
    with pytest.raises(ValueError, match="beta2_decay"):
        optim.Adafactor([w], beta2_decay=0.5)
    with pytest.raises(ValueError, match="clipping threshold d"):
        optim.Adafactor([w], d=0.5)
    with pytest.raises(ValueError, match="eps"):
        optim.Adafactor([w], eps=(-1.0, 1e-3))
    with pytest.raises(ValueError, match="capturable"):
        optim.ASGD([w], capturable=True)


# ---------------------------------------------------------------- swa_utils
def _model_pair(rng, dtype=np.float64):
    import nn

    ours = nn.Sequential(nn.Linear(3, 4, dtype=dtype, rng=rng), nn.BatchNorm1d(4, dtype=dtype),
                         nn.Linear(4, 2, dtype=dtype, rng=rng))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4),
                                 torch.nn.Linear(4, 2)).to(getattr(torch, np.dtype(dtype).name))
    _copy_into(theirs, ours)
    return ours, theirs


def _copy_into(theirs, ours):
    theirs.load_state_dict({k: torch.tensor(np.array(v.data)) for k, v in
                            ours.state_dict().items()})


def _perturb(ours, rng):
    with ag.no_grad():
        for t in ours.parameters():
            t.data[...] = rng.standard_normal(t.shape)
        for t in ours.buffers():  # running statistics: variances stay positive
            t.data[...] = (np.abs(rng.standard_normal(t.shape)) + 0.1 if t.dtype.kind == "f"
                           else rng.integers(0, 9, t.shape))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("how", ["swa", "ema_multi", "ema_fn", "swa_buffers"])
def test_averaged_model_matches_torch(how, dtype, rng):
    from optim import swa_utils

    ours, theirs = _model_pair(rng, dtype)
    ref = torch.optim.swa_utils
    kwargs = {"swa": ({}, {}),
              "ema_multi": ({"multi_avg_fn": swa_utils.get_ema_multi_avg_fn(0.7),
                             "use_buffers": True},
                            {"multi_avg_fn": ref.get_ema_multi_avg_fn(0.7), "use_buffers": True}),
              "ema_fn": ({"avg_fn": swa_utils.get_ema_avg_fn(0.3)},
                         {"avg_fn": ref.get_ema_avg_fn(0.3)}),
              "swa_buffers": ({"use_buffers": True}, {"use_buffers": True})}[how]
    avg = swa_utils.AveragedModel(ours, **kwargs[0])
    tavg = ref.AveragedModel(theirs, **kwargs[1])
    assert list(avg.state_dict()) == list(tavg.state_dict())
    for _ in range(4):
        _perturb(ours, rng)
        _copy_into(theirs, ours)
        avg.update_parameters(ours)
        tavg.update_parameters(theirs)
    tol = {"rtol": 1e-12} if dtype == np.float64 else {"rtol": 1e-6, "atol": 1e-7}
    expected = tavg.state_dict()
    for key, value in avg.state_dict().items():
        assert value.dtype == expected[key].numpy().dtype, key
        np.testing.assert_allclose(np.asarray(value.data, dtype=np.float64),
                                   expected[key].double().numpy(), err_msg=key, **tol)
    x = rng.standard_normal((5, 3)).astype(dtype)
    avg.eval()
    tavg.eval()
    np.testing.assert_allclose(avg(ag.tensor(x)).data, tavg(torch.tensor(x)).detach().numpy(),
                               **tol)


def test_update_bn_matches_torch(rng):
    from optim import swa_utils

    ours, theirs = _model_pair(rng)
    ours.eval()
    theirs.eval()
    batches = [rng.standard_normal((6, 3)) * 2 + 1 for _ in range(3)]
    swa_utils.update_bn([(ag.tensor(b), None) for b in batches], ours)
    torch.optim.swa_utils.update_bn([(torch.tensor(b), None) for b in batches], theirs)
    assert not ours.training and ours[1].momentum == 0.1
    expected = theirs.state_dict()
    for key, value in ours.state_dict().items():
        np.testing.assert_allclose(np.asarray(value.data, dtype=np.float64),
                                   expected[key].double().numpy(), rtol=1e-12, err_msg=key)


@pytest.mark.parametrize("strategy,epochs", [("cos", 3), ("linear", 4), ("cos", 0),
                                             ("linear", 1)])
def test_swalr_matches_torch(strategy, epochs):
    from optim import swa_utils

    def rates(module, tensor):
        a, b = tensor(np.ones(2), requires_grad=True), tensor(np.ones(3), requires_grad=True)
        opt = module.SGD([{"params": [a]}, {"params": [b], "lr": 0.3}], lr=1.0)
        swa = (swa_utils if module is optim else torch.optim.swa_utils).SWALR(
            opt, swa_lr=[0.05, 0.1], anneal_epochs=epochs, anneal_strategy=strategy)
        seen = [[g["lr"] for g in opt.param_groups]]
        for step in range(7):
            if step == 3:
                opt.param_groups[0]["lr"] = 0.5  # an outside change is annealed from
            opt.step()
            swa.step()
            seen.append(swa.get_last_lr())
        return seen

    np.testing.assert_allclose(rates(optim, ag.tensor), rates(torch.optim, torch.tensor),
                               rtol=1e-12)


def test_swa_errors(rng):
    from optim import swa_utils

    ours, _ = _model_pair(rng)
    opt = optim.SGD(ours.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="anneal_strategy"):
        swa_utils.SWALR(opt, swa_lr=0.01, anneal_strategy="exp")
    with pytest.raises(ValueError, match="anneal_epochs"):
        swa_utils.SWALR(opt, swa_lr=0.01, anneal_epochs=-1)
    with pytest.raises(ValueError, match="decay"):
        swa_utils.get_ema_multi_avg_fn(1.5)
    with pytest.raises(ValueError, match="only one"):
        swa_utils.AveragedModel(ours, avg_fn=swa_utils.get_ema_avg_fn(),
                                multi_avg_fn=swa_utils.get_ema_multi_avg_fn())
