"""optim.Muon against torch.optim.Muon step for step (float64 and float32, every option),
its bfloat16 Newton–Schulz iteration against torch's, the state_dict round trip and the
errors."""

from __future__ import annotations

import numpy as np
import pytest
from optim_checks import assert_trajectory_matches
from torch_parity import requires_torch
from torch_parity import torch as _torch

import autograd as ag
import optim
from optim.muon import to_bfloat16, zeropower_via_newtonschulz

CONFIGS = [
    dict(),
    dict(lr=0.02, momentum=0.9, nesterov=False),
    dict(lr=0.01, weight_decay=0.0, adjust_lr_fn="original"),
    dict(lr=0.01, weight_decay=0.05, adjust_lr_fn="match_rms_adamw"),
    dict(lr=0.02, ns_coefficients=(2.0, -1.5, 0.5), ns_steps=3, eps=1e-4),
    dict(lr=0.02, momentum=0.0, ns_steps=0),
]
# wide, tall and square weights: the tall one is orthogonalized through its transpose and
# gets the "original" lr scaling √(A/B)
SHAPES = [(4, 7), (9, 4), (9, 9)]
STEPS = 8


def _loss(ps, x, y):
    w1, w2, w3 = ps
    h = ((x @ w1.T) @ w2.T).tanh() * 0.5
    out = h @ w3
    return ((out.sum(axis=1) - y) ** 2).mean()


def _steps(tensor, opt, ps, x, y, steps):
    for _ in range(steps):
        loss = _loss(ps, tensor(x), tensor(y))
        opt.zero_grad()
        loss.backward()
        opt.step()


def _train(tensor, make_opt, start, x, y, steps):
    ps = [tensor(a.copy(), requires_grad=True) for a in start]
    opt = make_opt(ps)
    _steps(tensor, opt, ps, x, y, steps)
    return ps, opt


def _data(rng, dtype):
    start = [(rng.standard_normal(s) * 0.5).astype(dtype) for s in SHAPES]
    x = rng.standard_normal((6, 7)).astype(dtype)
    y = rng.standard_normal(6).astype(dtype)
    return start, x, y


@requires_torch
@pytest.mark.parametrize("opts", CONFIGS, ids=[f"cfg{i}" for i in range(len(CONFIGS))])
@pytest.mark.parametrize("dtype,rtol,atol", [(np.float64, 1e-12, 1e-13),
                                             (np.float32, 1e-5, 1e-6)])
def test_trajectory_matches_torch(opts, dtype, rtol, atol, rng):
    torch = _torch()
    start, x, y = _data(rng, dtype)
    ours, opt = _train(ag.tensor, lambda ps: optim.Muon(ps, **opts), start, x, y, STEPS)
    theirs, topt = _train(torch.tensor, lambda ps: torch.optim.Muon(ps, **opts), start, x, y,
                          STEPS)
    assert_trajectory_matches([o.data for o in ours], [t.detach().numpy() for t in theirs],
                              start, dtype, rtol, atol)
    for p, tp in zip(ours, theirs):
        mine, ref = opt.state[p], topt.state[tp]
        assert set(mine) == set(ref) == {"momentum_buffer"}
        np.testing.assert_allclose(mine["momentum_buffer"],
                                   ref["momentum_buffer"].numpy(), rtol=rtol, atol=atol)


@requires_torch
@pytest.mark.parametrize("shape", [(1, 1), (3, 4), (4, 3), (8, 8), (16, 5), (2, 30)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_newton_schulz_matches_torch_bitwise(shape, dtype, rng):
    from torch.optim._muon import _zeropower_via_newtonschulz

    torch = _torch()
    g = (rng.standard_normal(shape) * 3.0).astype(dtype)
    ref = _zeropower_via_newtonschulz(torch.tensor(g), (3.4445, -4.7750, 2.0315), 5, 1e-7)
    ours = zeropower_via_newtonschulz(g)
    assert ours.shape == shape
    np.testing.assert_array_equal(ours, ref.float().numpy())


@requires_torch
def test_to_bfloat16_matches_torch_cast(rng):
    torch = _torch()
    values = np.concatenate([
        rng.standard_normal(2000) * 10.0 ** rng.integers(-40, 39, 2000),
        [0.0, -0.0, np.inf, -np.inf, np.nan, 3.4e38, 3.39e38, -3.4e38, 1e-40, -5e-45,
         1.0 + 2.0 ** -8, 1.0 + 3 * 2.0 ** -8, 1.0 + 2.0 ** -8 + 2.0 ** -40,  # ties
         1.0 + 2.0 ** -8 + 2.0 ** -20],
    ])
    for dtype in (np.float64, np.float32):
        with np.errstate(over="ignore"):
            v = values.astype(dtype)
        ref = torch.tensor(v).bfloat16().float().numpy()
        np.testing.assert_array_equal(to_bfloat16(v), ref)


def test_orthogonalization_spreads_singular_values(rng):
    g = rng.standard_normal((6, 10)) @ np.diag(np.logspace(-2, 1, 10))
    s = np.linalg.svd(zeropower_via_newtonschulz(g, ns_steps=10), compute_uv=False)
    assert s.max() < 1.3 and s.min() > 0.6  # from a condition number near 1000


def test_state_dict_round_trip_resumes_exactly(rng):
    start, x, y = _data(rng, np.float64)
    opts = dict(lr=0.02, adjust_lr_fn="match_rms_adamw", ns_coefficients=(3.0, -3.2, 1.2))
    straight, _ = _train(ag.tensor, lambda ps: optim.Muon(ps, **opts), start, x, y, 6)
    ps, opt = _train(ag.tensor, lambda ps: optim.Muon(ps, **opts), start, x, y, 3)
    saved = opt.state_dict()
    resumed = optim.Muon(ps)
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0]["ns_coefficients"] == (3.0, -3.2, 1.2)
    _steps(ag.tensor, resumed, ps, x, y, 3)
    for a, b in zip(ps, straight):
        np.testing.assert_array_equal(a.data, b.data)


def test_errors():
    w = ag.tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match="Muon only supports 2D parameters.*shape \\(3,\\)"):
        optim.Muon([ag.tensor(np.ones(3), requires_grad=True)])
    opt = optim.Muon([w])
    with pytest.raises(ValueError, match="2D parameters.*\\(2, 2, 2\\)"):
        opt.add_param_group({"params": [ag.zeros(2, 2, 2, requires_grad=True)]})
    opt.add_param_group({"params": (t for t in [ag.zeros(3, 2, requires_grad=True)])})
    assert [p.shape for p in opt.param_groups[1]["params"]] == [(3, 2)]
    with pytest.raises(ValueError, match="Muon: invalid lr"):
        optim.Muon([w], lr=-1.0)
    with pytest.raises(ValueError, match="Muon: invalid momentum"):
        optim.Muon([w], momentum=-0.1)
    with pytest.raises(ValueError, match="Muon: invalid weight_decay"):
        optim.Muon([w], weight_decay=-0.1)
    with pytest.raises(ValueError, match="adjust_lr_fn 'sqrt' is not supported"):
        optim.Muon([w], adjust_lr_fn="sqrt")
    with pytest.raises(ValueError, match="exactly 3 values"):
        optim.Muon([w], ns_coefficients=(1.0, 2.0))
    with pytest.raises(ValueError, match="less than 100"):
        optim.Muon([w], ns_steps=100)
    with pytest.raises(ValueError, match="2D matrix"):
        zeropower_via_newtonschulz(np.ones(4))
