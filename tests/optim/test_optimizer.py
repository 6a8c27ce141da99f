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
    (optim.NAdam, dict(lr=0.01, weight_decay=0.01, decoupled_weight_decay=True)),
    (optim.RAdam, dict(lr=0.01, weight_decay=0.01)),
    (optim.Adamax, dict(lr=0.05)),
    (optim.Adadelta, dict(lr=10.0, weight_decay=0.01)),
    (optim.Rprop, dict(lr=0.01)),
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


def test_add_param_group_fills_defaults_and_rejects_unordered_or_shared_params(rng):
    params, _, _ = _problem(rng)
    opt = optim.Adam([params[0]], lr=0.01, betas=(0.8, 0.9))
    opt.add_param_group({"params": [params[1]], "eps": 1e-6})
    group = opt.param_groups[1]
    assert group["lr"] == 0.01 and group["betas"] == (0.8, 0.9) and group["eps"] == 1e-6
    assert group["amsgrad"] is False and group["params"] == [params[1]]
    extra = ag.tensor(np.ones(2), requires_grad=True)
    with pytest.raises(TypeError, match="ordered collection.*pass a list"):
        opt.add_param_group({"params": {extra}})
    with pytest.raises(ValueError, match="already in parameter group 1"):
        opt.add_param_group({"params": [extra, params[1]]})
    assert len(opt.param_groups) == 2  # a rejected group leaves nothing behind
    with pytest.raises(TypeError, match=r"named_parameters\(\).*model.parameters\(\)"):
        optim.SGD([("w", params[0])], lr=0.1)


def test_a_group_may_be_empty_as_in_torch(rng):
    params, x, y = _problem(rng)
    # the usual decay / no-decay split, for a model that has nothing to leave undecayed
    opt = optim.AdamW([{"params": params}, {"params": [], "weight_decay": 0.0}], lr=0.01)
    _train(opt, params, x, y, 2)
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], []]
    again = optim.AdamW([{"params": params}, {"params": [], "weight_decay": 0.0}], lr=0.01)
    again.load_state_dict(sd)
    assert again.state[params[0]]["step"] == 2 and again.param_groups[1]["weight_decay"] == 0.0


def test_state_reads_empty_for_a_parameter_not_yet_stepped(rng):
    params, _, _ = _problem(rng)
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    assert opt.state[params[0]] == {}  # a defaultdict(dict), as torch.optim's


def test_zero_grad_without_none_zeroes_the_same_grad_tensor(rng):
    params, x, y = _problem(rng)
    opt = optim.SGD(params, lr=0.1)
    _loss(params, x, y).backward()
    grads = [p.grad for p in params]
    opt.zero_grad(set_to_none=False)
    assert all(p.grad is g and not g.data.any() for p, g in zip(params, grads))
    _loss(params, x, y).backward()  # accumulates onto the zeros
    onto_zeros = [p.grad.data.copy() for p in params]
    opt.zero_grad()
    _loss(params, x, y).backward()
    for p, want in zip(params, onto_zeros):
        np.testing.assert_allclose(p.grad.data, want, rtol=1e-6)
    w = ag.tensor(np.ones(3), requires_grad=True)
    ag.grad((w**3).sum(), w, create_graph=True)[0].sum().backward(create_graph=True)
    assert w.grad.requires_grad or w.grad.grad_fn is not None
    optim.SGD([w], lr=0.1).zero_grad(set_to_none=False)
    assert w.grad.grad_fn is None and not w.grad.requires_grad and not w.grad.data.any()


def test_load_state_dict_restores_options_and_shares_nothing(rng):
    params, x, y = _problem(rng)
    opt = optim.Adam(params, lr=0.01)
    _train(opt, params, x, y, 3)
    sd = opt.state_dict()
    sd["param_groups"][0].update(lr=0.5, betas=[0.5, 0.6])  # a list, as JSON would give
    other = optim.Adam(params, lr=0.01)
    other.load_state_dict(sd)
    group = other.param_groups[0]
    assert group["lr"] == 0.5 and group["betas"] == (0.5, 0.6)
    assert group["params"] == params
    sd["param_groups"][0]["lr"] = 9.0
    sd["state"][0]["exp_avg"][...] = 7.0
    sd["state"][0]["step"] = 100
    assert group["lr"] == 0.5
    assert not (other.state[params[0]]["exp_avg"] == 7.0).any()
    assert other.state[params[0]]["step"] == 3
    saved = other.state_dict()
    group["betas"] = (0.1, 0.2)
    other.state[params[0]]["exp_avg"][...] = 3.0
    assert saved["param_groups"][0]["betas"] == (0.5, 0.6)
    assert not (saved["state"][0]["exp_avg"] == 3.0).any()


def test_load_state_dict_is_all_or_nothing_with_clear_errors(rng):
    params, x, y = _problem(rng)
    opt = optim.Adam([{"params": [params[0]]}, {"params": [params[1]]}], lr=0.01)
    _train(opt, params, x, y, 1)
    sd = opt.state_dict()
    fresh = optim.Adam([{"params": [params[0]]}, {"params": [params[1]]}], lr=0.02)
    bad = {**sd, "param_groups": [sd["param_groups"][0],
                                  {**sd["param_groups"][1], "betas": (0.9, 1.5)}]}
    with pytest.raises(ValueError, match=r"betas\[1\]"):
        fresh.load_state_dict(bad)
    assert [g["lr"] for g in fresh.param_groups] == [0.02, 0.02] and not fresh.state
    with pytest.raises(ValueError, match="parameter 7, which no saved group lists"):
        fresh.load_state_dict({**sd, "state": {7: sd["state"][0]}})
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        fresh.load_state_dict({"param_groups": sd["param_groups"]})
    with pytest.raises(ValueError, match="group 1 has 2 parameters.*group 1 has 1"):
        fresh.load_state_dict({**sd, "param_groups": [sd["param_groups"][0],
                                                      {**sd["param_groups"][1],
                                                       "params": [1, 2]}]})


def test_torchs_implementation_options_are_taken_or_refused_with_the_reason():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    for make in (lambda **k: optim.SGD([w], lr=0.1, **k), lambda **k: optim.Adam([w], **k),
                 lambda **k: optim.AdamW([w], **k), lambda **k: optim.Adagrad([w], **k)):
        make(foreach=False)
        make(fused=True)
        with pytest.raises(ValueError, match="differentiable=True is not offered"):
            make(differentiable=True)
    optim.RMSprop([w], foreach=True)
    with pytest.raises(ValueError, match="capturable=True is for CUDA graphs"):
        optim.Adam([w], capturable=True)
    # torch offers these no fused implementation
    for cls in (optim.NAdam, optim.RAdam, optim.Adamax, optim.Adadelta):
        cls([w], foreach=True)
        for option in ("capturable", "differentiable"):
            with pytest.raises(ValueError, match=rf"^{cls.__name__}: {option}=True"):
                cls([w], **{option: True})


def test_adam_with_decoupled_weight_decay_is_adamw():
    start = np.array([1.0, -2.0, 3.0])
    results = []
    for make in (lambda p: optim.Adam([p], lr=0.1, weight_decay=0.1,
                                      decoupled_weight_decay=True),
                 lambda p: optim.AdamW([p], lr=0.1, weight_decay=0.1)):
        p = ag.tensor(start.copy(), requires_grad=True)
        opt = make(p)
        for _ in range(5):
            p.grad = ag.tensor(np.array([0.5, 0.5, -1.0]))
            opt.step()
        results.append(p.data.copy())
    np.testing.assert_array_equal(*results)
