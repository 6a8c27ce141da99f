"""Learning-rate schedules: parity with torch.optim.lr_scheduler over 100 epochs, the
course's worked numbers, and save/resume."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd as ag
import optim
from optim import lr_scheduler as sched

LRS = (0.1, 0.02)


def _inv(e):
    return 1 / (1 + 0.05 * e)


SCHEDULES = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[10, 30, 30, 60], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.95)),
    ("LambdaLR", dict(lr_lambda=_inv)),
    ("CosineAnnealingLR", dict(T_max=20, eta_min=0.001)),
    ("CosineAnnealingLR", dict(T_max=7)),
    ("CosineAnnealingWarmRestarts", dict(T_0=10, T_mult=2, eta_min=1e-4)),
    ("CosineAnnealingWarmRestarts", dict(T_0=6)),
]


def _ours(lrs=LRS):
    params = [ag.tensor(np.zeros(2), requires_grad=True) for _ in lrs]
    return optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)])


def _metric(epoch):
    """A loss that improves, plateaus, improves a little, then plateaus for good."""
    return 1.0 / (1 + min(epoch, 20)) + (0.00001 * epoch if epoch > 50 else 0.0)


@pytest.mark.parametrize("name,kwargs", SCHEDULES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULES)])
def test_matches_torch_for_100_epochs(name, kwargs):
    torch = pytest.importorskip("torch")
    theirs_opt = torch.optim.SGD([{"params": [torch.zeros(2, requires_grad=True)], "lr": lr}
                                  for lr in LRS])
    theirs = getattr(torch.optim.lr_scheduler, name)(theirs_opt, **kwargs)
    ours = getattr(sched, name)(_ours(), **kwargs)
    assert ours.get_last_lr() == theirs.get_last_lr()
    for _ in range(100):
        theirs_opt.step()
        theirs.step()
        ours.step()
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-14, abs=1e-17)
        assert [g["lr"] for g in ours.optimizer.param_groups] == ours.get_last_lr()


@pytest.mark.parametrize("kwargs", [
    dict(patience=3),
    dict(patience=2, cooldown=3, factor=0.5, min_lr=[0.05, 0.001]),
    dict(mode="max", threshold_mode="abs", threshold=0.01, patience=1),
])
def test_reduce_on_plateau_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    theirs_opt = torch.optim.SGD([{"params": [torch.zeros(2, requires_grad=True)], "lr": lr}
                                  for lr in LRS])
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs_opt, **kwargs)
    ours = sched.ReduceLROnPlateau(_ours(), **kwargs)
    seen = set()
    for epoch in range(100):
        metric = _metric(epoch) if kwargs.get("mode", "min") == "min" else -_metric(epoch)
        theirs.step(metric)
        ours.step(metric)
        assert ours.get_last_lr() == theirs.get_last_lr()
        seen.add(tuple(ours.get_last_lr()))
    assert len(seen) > 2


def test_inverse_time_decay_worked_example():
    s = sched.InverseTimeDecay(_ours((0.2,)), decay_rate=1)
    assert s.get_last_lr() == [0.2]
    got = []
    for _ in range(4):
        s.step()
        got.append(s.get_last_lr()[0])
    assert got == pytest.approx([0.1, 0.2 / 3, 0.05, 0.04], rel=1e-15)
    assert [round(v, 4) for v in got] == [0.1, 0.0667, 0.05, 0.04]


def test_inverse_sqrt_decay():
    s = sched.InverseSqrtDecay(_ours((0.2,)), k=0.5)
    assert s.get_last_lr() == [0.2]
    for epoch in range(1, 10):
        s.step()
        assert s.get_last_lr()[0] == pytest.approx(0.5 * 0.2 / math.sqrt(epoch), rel=1e-15)


def test_course_exponential_and_staircase_forms():
    exp = sched.ExponentialLR(_ours((0.3,)), gamma=0.95)
    stair = sched.StepLR(_ours((0.3,)), step_size=5, gamma=0.5)
    for epoch in range(1, 40):
        exp.step()
        stair.step()
        assert exp.get_last_lr()[0] == pytest.approx(0.95**epoch * 0.3, rel=1e-12)
        assert stair.get_last_lr()[0] == pytest.approx(0.3 * 0.5 ** (epoch // 5), rel=1e-15)


def _make(name, opt):
    if name == "ReduceLROnPlateau":
        return sched.ReduceLROnPlateau(opt, patience=2, cooldown=1)
    if name == "InverseTimeDecay":
        return sched.InverseTimeDecay(opt, decay_rate=0.1)
    if name == "InverseSqrtDecay":
        return sched.InverseSqrtDecay(opt, k=2.0)
    return getattr(sched, name)(opt, **dict(SCHEDULES)[name])


class _Scale:
    """A callable object whose attribute LambdaLR saves in its state."""

    def __init__(self, base: float) -> None:
        self.base = base

    def __call__(self, epoch: int) -> float:
        return self.base**epoch


NAMES = list(dict(SCHEDULES)) + ["ReduceLROnPlateau", "InverseTimeDecay", "InverseSqrtDecay"]


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_resumes_the_schedule(name):
    def advance(s, epochs, start):
        out = []
        for e in range(start, start + epochs):
            s.step(_metric(e)) if isinstance(s, sched.ReduceLROnPlateau) else s.step()
            out.append(s.get_last_lr())
        return out

    full = advance(_make(name, _ours()), 60, 0)
    first = _make(name, _ours())
    advance(first, 30, 0)
    opt_state, sched_state = first.optimizer.state_dict(), first.state_dict()
    assert "optimizer" not in sched_state
    opt = _ours()
    resumed = _make(name, opt)
    opt.load_state_dict(opt_state)
    resumed.load_state_dict(sched_state)
    assert advance(resumed, 30, 30) == full[30:]


def test_lambda_lr_saves_callable_objects_state():
    opt = _ours((1.0,))
    s = sched.LambdaLR(opt, _Scale(0.5))
    s.step()
    state = s.state_dict()
    assert state["lr_lambdas"] == [{"base": 0.5}]
    other = sched.LambdaLR(_ours((1.0,)), _Scale(0.9))
    other.load_state_dict(state)
    assert other.lr_lambdas[0].base == 0.5 and other.last_epoch == 1
    with pytest.raises(ValueError, match="lr_lambdas"):
        sched.LambdaLR(_ours(), [_inv])


def test_bad_input():
    with pytest.raises(TypeError, match="Optimizer"):
        sched.StepLR(object(), step_size=3)
    with pytest.raises(ValueError, match="step_size"):
        sched.StepLR(_ours(), step_size=0)
    with pytest.raises(ValueError, match="T_0"):
        sched.CosineAnnealingWarmRestarts(_ours(), T_0=0)
    with pytest.raises(ValueError, match="factor"):
        sched.ReduceLROnPlateau(_ours(), factor=1.5)
    with pytest.raises(ValueError, match="decay_rate"):
        sched.InverseTimeDecay(_ours(), decay_rate=-1)
    with pytest.raises(KeyError, match="initial_lr"):
        sched.ExponentialLR(_ours(), gamma=0.9, last_epoch=5)


def test_warm_restarts_fractional_epochs_match_torch():
    torch = pytest.importorskip("torch")
    theirs_opt = torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.1)
    theirs = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(theirs_opt, T_0=3, T_mult=2)
    ours = sched.CosineAnnealingWarmRestarts(_ours((0.1,)), T_0=3, T_mult=2)
    for i in range(60):
        theirs_opt.step()
        with warnings.catch_warnings():  # torch deprecates step(epoch) but supports it
            warnings.simplefilter("ignore")
            theirs.step(i / 4)
        ours.step(i / 4)
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-14)
