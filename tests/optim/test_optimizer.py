"""The Optimizer base: parameter groups, step/closure, zero_grad, state, bad input."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import optim

ALL = [
    (optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True)),
    (optim.Momentum, dict(lr=0.05)),
    (optim.Adagrad, dict(lr=0.05, lr_decay=0.01)),
    (optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
    (optim.Adam, dict(lr=0.01, amsgrad=True)),
    (optim.AdamW, dict(lr=0.01)),
]
IDS = [cls.__name__ for cls, _ in ALL]


def _problem(rng, dtype=np.float32):
    """A two-parameter least-squares model and its data."""
    w = ag.tensor(rng.standard_normal((3, 4)).astype(dtype), requires_grad=True)
    b = ag.tensor(np.zeros(3, dtype), requires_grad=True)
    x = ag.tensor(rng.standard_normal((10, 4)).astype(dtype))
    y = ag.tensor(rng.standard_normal((10, 3)).astype(dtype))
    return [w, b], x, y


def _loss(params, x, y):
    w, b = params
    return ((x @ w.T + b - y) ** 2).mean()


def _train(opt, params, x, y, steps):
    for _ in range(steps):
        opt.zero_grad()
        _loss(params, x, y).backward()
        opt.step()


@pytest.mark.parametrize("cls,opts", ALL, ids=IDS)
def test_training_lowers_the_loss_and_keeps_arrays(cls, opts, rng):
    params, x, y = _problem(rng)
    arrays = [p.data for p in params]
    before = _loss(params, x, y).item()
    opt = cls((p for p in params), **opts)
    _train(opt, params, x, y, 30)
    assert _loss(params, x, y).item() < 0.9 * before
    assert all(p.data is a and p.dtype == np.float32 for p, a in zip(params, arrays))


@pytest.mark.parametrize("cls,opts", ALL, ids=IDS)
def test_state_dict_resume_is_bitwise(cls, opts, rng, tmp_path):
    import nn

    params, x, y = _problem(rng)
    start = [p.data.copy() for p in params]
    opt = cls(params, **opts)
    _train(opt, params, x, y, 20)
    uninterrupted = [p.data.copy() for p in params]

    for route in ("memory", "nn.save", "np.savez"):
        for p, s in zip(params, start):
            p.data[...] = s
        opt = cls(params, **opts)
        _train(opt, params, x, y, 10)
        saved = opt.state_dict()
        snapshot = [p.data.copy() for p in params]
        _train(opt, params, x, y, 3)  # training on must not change the saved state
        if route == "nn.save":
            nn.save({"optimizer": saved}, tmp_path / "opt.npz")
            saved = nn.load(tmp_path / "opt.npz")["optimizer"]
        elif route == "np.savez":
            saved = _npz_round_trip(saved, tmp_path / "flat.npz")
        for p, s in zip(params, snapshot):
            p.data[...] = s
        resumed = cls(params, **opts)
        resumed.load_state_dict(saved)
        _train(resumed, params, x, y, 10)
        for p, want in zip(params, uninterrupted):
            np.testing.assert_array_equal(p.data, want, err_msg=route)


def _npz_round_trip(sd, path):
    """Save a state dict as a flat .npz (no pickle) and rebuild it from the file."""
    flat = {}
    for i, group in enumerate(sd["param_groups"]):
        for k, v in group.items():
            flat[f"group/{i}/{k}"] = np.asarray(v)
    for i, entry in sd["state"].items():
        for k, v in entry.items():
            flat[f"state/{i}/{k}"] = np.asarray(v)
    np.savez(path, **flat)
    out = {"state": {}, "param_groups": [{} for _ in sd["param_groups"]]}
    with np.load(path, allow_pickle=False) as archive:
        for name in archive.files:
            kind, i, k = name.split("/")
            if kind == "group":
                out["param_groups"][int(i)][k] = archive[name]
            else:
                out["state"].setdefault(int(i), {})[k] = archive[name]
    return out


def test_state_dict_layout_is_pytorchs(rng):
    params, x, y = _problem(rng)
    opt = optim.Adam([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.1}], lr=0.01)
    _train(opt, params, x, y, 2)
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.01, 0.1]
    assert sd["param_groups"][0]["betas"] == (0.9, 0.999)
    assert set(sd["state"]) == {0, 1}
    assert sd["state"][0]["step"] == 2
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    assert sd["state"][0]["exp_avg"].shape == (3, 4)
    assert sd["state"][0]["exp_avg"] is not opt.state[params[0]]["exp_avg"]


def test_param_groups_use_their_own_options(rng):
    a = ag.tensor(np.ones(3), requires_grad=True)
    b = ag.tensor(np.ones(3), requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1)
    a.grad = ag.tensor(np.ones(3))
    b.grad = ag.tensor(np.ones(3))
    opt.step()
    np.testing.assert_allclose(a.data, 0.9)
    np.testing.assert_allclose(b.data, 0.5)
    assert opt.param_groups[1]["momentum"] == 0.0
    c = ag.tensor(np.ones(2), requires_grad=True)
    opt.add_param_group({"params": [c], "lr": 1.0})
    c.grad = ag.tensor(np.full(2, 0.25))
    opt.step()
    np.testing.assert_allclose(c.data, 0.75)


def test_step_skips_params_without_grad_and_returns_closure_loss(rng):
    params, x, y = _problem(rng)
    w, b = params
    b_before = b.data.copy()
    opt = optim.Adam(params, lr=0.1)

    def closure():
        opt.zero_grad()
        loss = ((x @ w.T - y) ** 2).mean()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert isinstance(loss, ag.Tensor) and loss.item() > 0
    assert b.grad is None and b not in opt.state
    np.testing.assert_array_equal(b.data, b_before)
    assert opt.state[w]["step"] == 1


def test_zero_grad_to_none_or_zeros(rng):
    params, x, y = _problem(rng)
    opt = optim.SGD(params, lr=0.1)
    _loss(params, x, y).backward()
    opt.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.data.any() for p in params)
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_update_bumps_the_version_so_a_stale_graph_errors(rng):
    w = ag.tensor(rng.standard_normal(4), requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    stale = (w * w).sum()
    opt.step()
    with pytest.raises(RuntimeError):
        stale.backward()


def test_scalar_parameter_and_float64(rng):
    w = ag.tensor(np.float64(0.0), requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    (w**2 - 10 * w + 25).backward()
    opt.step()
    assert w.dtype == np.float64 and w.shape == ()
    # first Adam step: m̂ = g, v̂ = g², so w moves by lr·|g|/(|g| + ε) against g = −10
    assert w.item() == pytest.approx(0.1 * 10 / (10 + 1e-8), rel=1e-15)
    opt2 = optim.Adam([w], lr=0.1)
    opt2.load_state_dict(opt.state_dict())
    assert opt2.state[w]["exp_avg"].shape == ()


@pytest.mark.parametrize("make,match", [
    (lambda p: optim.SGD(p, lr=-0.1), "lr"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "Nesterov"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-1), "momentum"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.999)), r"betas\[0\]"),
    (lambda p: optim.Adam(p, betas=(0.9, -0.1)), r"betas\[1\]"),
    (lambda p: optim.Adam(p, betas=(0.9,)), "pair"),
    (lambda p: optim.AdamW(p, eps=-1e-8), "eps"),
    (lambda p: optim.RMSprop(p, alpha=-0.5), "alpha"),
    (lambda p: optim.Adagrad(p, lr_decay=-1), "lr_decay"),
    (lambda p: optim.Momentum(p, lr=0.1, beta=1.0), "beta"),
    (lambda p: optim.Momentum(p), "required"),
    (lambda p: optim.SGD([p[0], p[0]], lr=0.1), "twice"),
    (lambda p: optim.SGD([{"params": [p[0]]}, {"params": [p[0]]}], lr=0.1), "more than one"),
    (lambda p: optim.SGD([], lr=0.1), "empty"),
    (lambda p: optim.SGD([p[0] * 2], lr=0.1), "non-leaf"),
])
def test_bad_input_raises_value_error(make, match, rng):
    params, _, _ = _problem(rng)
    with pytest.raises(ValueError, match=match):
        make(params)


def test_bad_types_raise_type_error(rng):
    params, _, _ = _problem(rng)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(params[0], lr=0.1)
    with pytest.raises(TypeError, match="ndarray"):
        optim.SGD([np.ones(3)], lr=0.1)
    with pytest.raises(TypeError, match="floating"):
        optim.SGD([ag.tensor([1, 2, 3])], lr=0.1)


def test_load_state_dict_checks_structure(rng):
    params, x, y = _problem(rng)
    opt = optim.Adam(params, lr=0.01)
    _train(opt, params, x, y, 1)
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="groups"):
        optim.Adam([{"params": [params[0]]}, {"params": [params[1]]}]).load_state_dict(sd)
    with pytest.raises(ValueError, match="parameters"):
        optim.Adam([params[0]]).load_state_dict(sd)
    sd["state"][0]["exp_avg"] = np.zeros(5)
    with pytest.raises(ValueError, match="shape"):
        optim.Adam(params).load_state_dict(sd)


def test_repr_lists_groups(rng):
    params, _, _ = _problem(rng)
    text = repr(optim.Adam(params, lr=0.01))
    assert text.startswith("Adam (") and "lr: 0.01" in text
