"""CyclicLR: parity with torch.optim.lr_scheduler.CyclicLR (rates and cycled momentum) for
every mode, a custom scale function, per-group values, save/resume and bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import optim
from optim import lr_scheduler as sched

LRS = (0.1, 0.02)

CASES = [
    ("SGD", dict(momentum=0.9), dict(base_lr=0.001, max_lr=0.1, step_size_up=7)),
    ("SGD", dict(momentum=0.9), dict(base_lr=[0.001, 0.002], max_lr=[0.1, 0.05],
                                     step_size_up=4, step_size_down=9, mode="triangular2")),
    ("SGD", dict(momentum=0.5), dict(base_lr=0.01, max_lr=0.2, step_size_up=5,
                                     mode="exp_range", gamma=0.97,
                                     base_momentum=[0.6, 0.7], max_momentum=0.95)),
    ("Adam", dict(betas=(0.9, 0.99)), dict(base_lr=1e-4, max_lr=1e-2, step_size_up=6)),
    ("RMSprop", dict(momentum=0.5), dict(base_lr=0.01, max_lr=0.1, step_size_up=3,
                                         step_size_down=5)),
    ("Adagrad", dict(), dict(base_lr=0.01, max_lr=0.1, step_size_up=3,
                             cycle_momentum=False)),
]


def _momenta(opt):
    return [v for g in opt.param_groups
            for v in ([g["momentum"]] if "momentum" in g else []) + list(g.get("betas", ()))]


def _pair(torch, opt_name, opt_kwargs):
    ours_opt = getattr(optim, opt_name)(
        [{"params": [ag.tensor(np.zeros(2), requires_grad=True)], "lr": lr} for lr in LRS],
        **opt_kwargs)
    theirs_opt = getattr(torch.optim, opt_name)(
        [{"params": [torch.zeros(2, requires_grad=True)], "lr": lr} for lr in LRS],
        **opt_kwargs)
    return ours_opt, theirs_opt


class HalfEachCycle:
    """A callable scale function with state (saved by state_dict, as LambdaLR's)."""

    def __init__(self) -> None:
        self.base = 0.5

    def __call__(self, x: float) -> float:
        return self.base ** (x - 1)


@pytest.mark.parametrize("opt_name,opt_kwargs,kwargs", CASES,
                         ids=[f"{o}-{i}" for i, (o, _, _) in enumerate(CASES)])
def test_cyclic_lr_matches_torch_with_its_momentum(opt_name, opt_kwargs, kwargs):
    torch = pytest.importorskip("torch")
    ours_opt, theirs_opt = _pair(torch, opt_name, opt_kwargs)
    theirs = torch.optim.lr_scheduler.CyclicLR(theirs_opt, **kwargs)
    ours = sched.CyclicLR(ours_opt, **kwargs)
    for step in range(60):
        if step:
            theirs_opt.step()
            theirs.step()
            ours.step()
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)
        assert [g["lr"] for g in ours_opt.param_groups] == \
            pytest.approx([g["lr"] for g in theirs_opt.param_groups], rel=1e-12)
        assert _momenta(ours_opt) == pytest.approx(_momenta(theirs_opt), rel=1e-12)


@pytest.mark.parametrize("scale_mode", ["cycle", "iterations"])
def test_cyclic_lr_custom_scale_fn_matches_torch(scale_mode):
    torch = pytest.importorskip("torch")
    ours_opt, theirs_opt = _pair(torch, "SGD", dict(momentum=0.9))
    kwargs = dict(base_lr=0.01, max_lr=0.1, step_size_up=4, scale_fn=lambda x: 1 / (1 + x),
                  scale_mode=scale_mode)
    theirs = torch.optim.lr_scheduler.CyclicLR(theirs_opt, **kwargs)
    ours = sched.CyclicLR(ours_opt, **kwargs)
    for _ in range(30):
        theirs_opt.step()
        theirs.step()
        ours.step()
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)


def test_cyclic_lr_triangle_by_hand():
    opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=0.5, momentum=0.9)
    s = sched.CyclicLR(opt, base_lr=0.0, max_lr=1.0, step_size_up=2, step_size_down=2,
                       mode="triangular2")
    seen = [s.get_last_lr()[0]]
    for _ in range(8):
        s.step()
        seen.append(s.get_last_lr()[0])
    assert seen == pytest.approx([0.0, 0.5, 1.0, 0.5, 0.0, 0.25, 0.5, 0.25, 0.0])
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.9)  # back at the cycle's start


def test_cyclic_lr_state_dict_resumes_and_keeps_a_callable_scale_fn():
    def make(opt, fn):
        return sched.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3, scale_fn=fn)

    def run(s, n):
        out = []
        for _ in range(n):
            s.step()
            out.append((s.get_last_lr(), _momenta(s.optimizer)))
        return out

    def fresh():
        return optim.SGD([{"params": [ag.tensor(np.zeros(2), requires_grad=True)], "lr": lr}
                          for lr in LRS], momentum=0.9)

    fn = HalfEachCycle()
    fn.base = 0.7
    full = run(make(fresh(), fn), 40)
    first = make(fresh(), fn)
    run(first, 20)
    opt_state, state = first.optimizer.state_dict(), first.state_dict()
    assert state["custom_scale_fn"] == {"base": 0.7}
    opt = fresh()
    again = HalfEachCycle()  # re-created with the default base; the state brings 0.7 back
    resumed = make(opt, again)
    opt.load_state_dict(opt_state)
    resumed.load_state_dict(state)
    assert again.base == 0.7
    assert run(resumed, 20) == full[20:]
    plain = sched.CyclicLR(fresh(), base_lr=0.01, max_lr=0.1, scale_fn=lambda x: 1.0)
    assert plain.state_dict()["custom_scale_fn"] is None


def test_cyclic_lr_bad_arguments():
    opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="CyclicLR: mode must be 'triangular'.*'sawtooth'"):
        sched.CyclicLR(opt, 0.01, 0.1, mode="sawtooth")
    with pytest.raises(ValueError, match="CyclicLR: step_size_up must be a positive integer"):
        sched.CyclicLR(opt, 0.01, 0.1, step_size_up=0)
    with pytest.raises(ValueError, match="CyclicLR: expected 1 values of max_lr"):
        sched.CyclicLR(opt, 0.01, [0.1, 0.2])
    adagrad = optim.Adagrad([ag.tensor(np.zeros(1), requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="CyclicLR: cycle_momentum=True .* Adagrad"):
        sched.CyclicLR(adagrad, 0.01, 0.1)
    with pytest.raises(TypeError, match="CyclicLR: expected an optim.Optimizer"):
        sched.CyclicLR(object(), 0.01, 0.1)
