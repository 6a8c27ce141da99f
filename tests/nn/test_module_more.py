"""Module: forward-hook options, state-dict hooks, extra state, set_submodule, casts,
to_empty, call_super_init and the documented no-ops, side by side with PyTorch."""

import warnings

import numpy as np
import pytest

import autograd as ag
import nn

torch = pytest.importorskip("torch")  # parity tests: skipped where PyTorch is not installed


def pair():
    """The same two-layer model in graphgrad and in PyTorch, with equal weights."""
    ours = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    theirs.double()
    theirs.load_state_dict({k: torch.from_numpy(v.astype(np.float64))
                            for k, v in ours.double().state_dict().items()})
    return ours, theirs


def run_both(ours, theirs, *args, **kwargs):
    x = np.arange(6.0).reshape(2, 3) / 7
    a = ours(ag.tensor(x), *args, **kwargs)
    b = theirs(torch.from_numpy(x), *args, **kwargs)
    return a, b


class Scaled(nn.Module):
    def forward(self, x, scale=1.0):
        return x * scale


class TScaled(torch.nn.Module):
    def forward(self, x, scale=1.0):
        return x * scale


def test_forward_hooks_with_kwargs_and_prepend_match_torch():
    calls = {"ours": [], "theirs": []}
    for mod, key in ((Scaled(), "ours"), (TScaled(), "theirs")):
        log = calls[key]
        mod.register_forward_pre_hook(lambda m, a, k: (a, {"scale": k["scale"] * 2}),
                                      with_kwargs=True)
        mod.register_forward_pre_hook(lambda m, a, log=log: log.append("first"), prepend=True)
        mod.register_forward_hook(
            lambda m, a, k, out, log=log: (log.append(k["scale"]), out + 1)[1], with_kwargs=True)
        h = mod.register_forward_hook(lambda m, a, out, log=log: log.append("late"))
        h.remove()
        x = ag.tensor([1.0, 2.0]) if key == "ours" else torch.tensor([1.0, 2.0])
        out = mod(x, scale=3.0)
        calls[key + "_out"] = np.asarray(out.data if key == "ours" else out.numpy()).tolist()
    assert calls["ours"] == calls["theirs"] == ["first", 6.0]
    assert calls["ours_out"] == calls["theirs_out"] == [7.0, 13.0]
    bad = Scaled()
    bad.register_forward_pre_hook(lambda m, a, k: 5, with_kwargs=True)
    with pytest.raises(RuntimeError, match="new_args, new_kwargs"):
        bad(ag.tensor([1.0]))


class Boom(nn.Module):
    def forward(self, x):
        raise ValueError("boom")


def test_always_call_hook_runs_when_forward_raises():
    seen = []
    m = Boom()
    m.register_forward_hook(lambda mod, a, out: seen.append(("always", out)), always_call=True)
    m.register_forward_hook(lambda mod, a, out: seen.append("normal"))
    with pytest.raises(ValueError, match="boom"):
        m(ag.tensor([1.0]))
    assert seen == [("always", None)]
    m2 = Boom()
    m2.register_forward_hook(lambda mod, a, out: 1 / 0, always_call=True)
    with pytest.warns(UserWarning, match="always_call"), pytest.raises(ValueError, match="boom"):
        m2(ag.tensor([1.0]))


def test_state_dict_hooks_match_torch():
    ours, theirs = pair()
    log = {"ours": [], "theirs": []}
    for model, key in ((ours, "ours"), (theirs, "theirs")):
        model[0].register_state_dict_pre_hook(
            lambda m, prefix, keep_vars, key=key: log[key].append(("pre", prefix, keep_vars)))

        def post(m, sd, prefix, meta, key=key):
            log[key].append(("post", prefix, sorted(sd)))
            sd[prefix + "note"] = 1
        model[2].register_state_dict_post_hook(post)
    a, b = ours.state_dict(), theirs.state_dict()
    assert list(a) == list(b) and log["ours"] == log["theirs"]
    bad = nn.Linear(1, 1)
    bad.register_state_dict_post_hook(lambda *args: {})
    with pytest.raises(RuntimeError, match="must return None"):
        bad.state_dict()


def test_load_state_dict_hooks_rename_and_clear_keys_as_torch():
    for lib, Linear in (("ours", nn.Linear), ("torch", torch.nn.Linear)):
        m = Linear(2, 2)

        def rename(mod, sd, prefix, meta, strict, missing, unexpected, errors):
            for k in list(sd):
                if k.startswith(prefix + "old_"):
                    sd[prefix + k[len(prefix) + 4:]] = sd.pop(k)
        m.register_load_state_dict_pre_hook(rename)
        w = np.full((2, 2), 3.0, dtype=np.float32)
        src = {"old_weight": w, "old_bias": np.zeros(2, dtype=np.float32), "extra": w}
        if lib == "torch":
            src = {k: torch.from_numpy(v) for k, v in src.items()}
        with pytest.raises((KeyError, RuntimeError), match="extra"):
            m.load_state_dict(dict(src))
        m.register_load_state_dict_post_hook(lambda mod, keys: keys.unexpected_keys.clear())
        result = m.load_state_dict(dict(src))
        assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
        got = m.weight.data if lib == "ours" else m.weight.detach().numpy()
        np.testing.assert_array_equal(got, w)
    m = nn.Linear(1, 1)
    m.register_load_state_dict_pre_hook(lambda mod, sd, *rest: rest[-1].append("nope"))
    with pytest.raises(RuntimeError, match="nope"):
        m.load_state_dict(m.state_dict())


class WithConfig(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(1, 1)
        self.config = {"alpha": 1}

    def get_extra_state(self):
        return dict(self.config)

    def set_extra_state(self, state):
        self.config = state


def test_extra_state_round_trip_and_keys():
    src, dst = WithConfig(), WithConfig()
    src.config = {"alpha": 7}
    outer = nn.Sequential(src)
    sd = outer.state_dict()
    assert list(sd) == ["0._extra_state", "0.fc.weight", "0.fc.bias"]  # torch's order
    nn.Sequential(dst).load_state_dict(sd)
    assert dst.config == {"alpha": 7}
    missing = {k: v for k, v in sd.items() if k != "0._extra_state"}
    with pytest.raises(KeyError, match="_extra_state"):
        nn.Sequential(WithConfig()).load_state_dict(missing)
    assert nn.Sequential(WithConfig()).load_state_dict(missing, strict=False).missing_keys == []
    with pytest.raises(RuntimeError, match="override"):
        nn.Linear(1, 1).get_extra_state()


def test_set_submodule_as_torch():
    ours, theirs = pair()
    ours.set_submodule("2", nn.Linear(2, 5))
    theirs.set_submodule("2", torch.nn.Linear(2, 5))
    assert [k for k in ours.state_dict()] == [k for k in theirs.state_dict()]
    assert ours[2].weight.shape == tuple(theirs[2].weight.shape)
    outer = nn.Sequential(nn.Sequential(nn.Linear(1, 1)))
    outer.set_submodule("0.extra", nn.ReLU())
    assert isinstance(outer.get_submodule("0.extra"), nn.ReLU)
    with pytest.raises(AttributeError, match="no attribute"):
        outer.set_submodule("0.missing", nn.ReLU(), strict=True)
    with pytest.raises(ValueError, match="without a target"):
        outer.set_submodule("", nn.ReLU())
    with pytest.raises(ValueError, match="not an nn.Module"):
        outer.set_submodule("0.x", 3)
    with pytest.raises(AttributeError, match="has no submodule"):
        outer.set_submodule("nope.x", nn.ReLU())


def test_casts_to_empty_and_no_ops():
    m = nn.BatchNorm1d(3)
    assert m.half().weight.dtype == np.float16 and m.num_batches_tracked.dtype == np.int64
    with pytest.raises(TypeError, match="bfloat16"):
        m.bfloat16()
    m.type(np.float64)
    assert m.weight.dtype == np.float64 and m.num_batches_tracked.dtype == np.float64
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Linear(1, 1).type(np.int32)
    lin = nn.Linear(2, 3)
    w = lin.weight
    assert lin.to_empty(device="cpu") is lin and lin.weight is w and w.shape == (3, 2)
    assert w.dtype == np.float32
    with pytest.raises(Exception, match="cuda|CPU|cpu"):
        lin.to_empty(device="cuda")
    assert lin.share_memory() is lin and lin.compile(mode="max-autotune") is None
    x = ag.tensor(np.ones((1, 2), dtype=np.float32))
    lin.reset_parameters()
    np.testing.assert_allclose(lin(x).data, x.data @ lin.weight.data.T + lin.bias.data)


def test_call_super_init_as_torch():
    class Base:
        def __init__(self, tag=None):
            self.tag = tag

    class Mixed(nn.Module, Base):
        call_super_init = True

    assert Mixed(tag="t").tag == "t"
    with pytest.raises(TypeError, match="unexpected keyword argument 'tag'"):
        nn.Module(tag=1)
    with pytest.raises(TypeError):
        torch.nn.Module(tag=1)


def test_existing_lookups_and_apply():
    ours, _ = pair()
    assert ours.get_parameter("0.weight") is ours[0].weight
    shared = nn.Linear(1, 1)
    model = nn.Sequential(shared, shared)
    assert len(list(model.named_modules())) == 2
    assert len(list(model.named_modules(remove_duplicate=False))) == 3
    visited = []
    model.apply(lambda m: visited.append(type(m).__name__))
    assert visited == ["Linear", "Sequential"]  # a shared child once, as torch
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a, b = run_both(*pair())
    np.testing.assert_allclose(a.data, b.detach().numpy())
