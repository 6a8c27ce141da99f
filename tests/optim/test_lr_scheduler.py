"""Learning-rate schedules: parity with torch.optim.lr_scheduler over 100 epochs (also
SequentialLR, ChainedScheduler and OneCycleLR with its momentum), the course's worked
numbers, save/resume and bad arguments."""

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


def _mul(e):
    return 0.9 if e % 4 == 0 else 0.99


def _grow(e):
    return 1.02


SCHEDULES = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[10, 30, 30, 60], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.95)),
    ("LambdaLR", dict(lr_lambda=_inv)),
    ("CosineAnnealingLR", dict(T_max=20, eta_min=0.001)),
    ("CosineAnnealingLR", dict(T_max=7)),
    ("CosineAnnealingWarmRestarts", dict(T_0=10, T_mult=2, eta_min=1e-4)),
    ("CosineAnnealingWarmRestarts", dict(T_0=6)),
    ("ConstantLR", dict()),
    ("ConstantLR", dict(factor=0.25, total_iters=12)),
    ("LinearLR", dict()),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.0, total_iters=40)),
    ("LinearLR", dict(start_factor=0.1, end_factor=0.9, total_iters=30)),
    ("PolynomialLR", dict(total_iters=60, power=0.5)),
    ("PolynomialLR", dict(total_iters=40, power=2.0)),
    ("MultiplicativeLR", dict(lr_lambda=[_mul, _grow])),
    ("MultiplicativeLR", dict(lr_lambda=_mul)),
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
    if name in COMPOSITES:
        return COMPOSITES[name](sched, opt)
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


def _build(mod, opt, spec):
    """The schedulers of ``spec`` ([(name, kwargs), ...]) from ``mod`` (ours or torch's)."""
    return [getattr(mod, n)(opt, **kw) for n, kw in spec]


SEQUENCES = [  # (spec, milestones): every scheduler with a closed form starts at a milestone
    ([("LinearLR", dict(start_factor=0.1, total_iters=10)),
      ("CosineAnnealingLR", dict(T_max=30, eta_min=1e-3))], [10]),
    ([("ConstantLR", dict(factor=0.2, total_iters=5)), ("ExponentialLR", dict(gamma=0.9)),
      ("StepLR", dict(step_size=7, gamma=0.5))], [8, 30]),
    ([("MultiplicativeLR", dict(lr_lambda=_mul)), ("LambdaLR", dict(lr_lambda=_inv)),
      ("PolynomialLR", dict(total_iters=20, power=2.0))], [15, 40]),
    ([("CosineAnnealingWarmRestarts", dict(T_0=5, eta_min=1e-3)),
      ("MultiStepLR", dict(milestones=[10, 20, 20], gamma=0.5)),
      ("ConstantLR", dict(factor=0.5, total_iters=10)),
      ("LinearLR", dict(start_factor=0.5, end_factor=0.1, total_iters=20))], [12, 40, 60]),
]

CHAINED = [
    [("ConstantLR", dict(factor=0.1, total_iters=20)), ("ExponentialLR", dict(gamma=0.9))],
    [("LinearLR", dict(start_factor=0.2, total_iters=15)),
     ("CosineAnnealingLR", dict(T_max=25, eta_min=1e-3)),
     ("MultiplicativeLR", dict(lr_lambda=_mul))],
    [("PolynomialLR", dict(total_iters=50, power=1.5)), ("StepLR", dict(step_size=9, gamma=0.7)),
     ("ConstantLR", dict(factor=0.5, total_iters=30))],
]

COMPOSITES = {
    "SequentialLR": lambda mod, opt: mod.SequentialLR(opt, _build(mod, opt, SEQUENCES[1][0]),
                                                      milestones=SEQUENCES[1][1]),
    "ChainedScheduler": lambda mod, opt: mod.ChainedScheduler(_build(mod, opt, CHAINED[1])),
    "OneCycleLR": lambda mod, opt: mod.OneCycleLR(opt, max_lr=[1.0, 0.2], total_steps=70,
                                                  three_phase=True),
}

NAMES = list(dict(SCHEDULES)) + ["ReduceLROnPlateau", "InverseTimeDecay", "InverseSqrtDecay",
                                 *COMPOSITES]


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_resumes_the_schedule(name):
    def advance(s, epochs, start):
        out = []
        for e in range(start, start + epochs):
            s.step(_metric(e)) if isinstance(s, sched.ReduceLROnPlateau) else s.step()
            out.append((s.get_last_lr(), [g["momentum"] for g in s.optimizer.param_groups]))
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


def _torch_sgd(torch, lrs=LRS):
    return torch.optim.SGD([{"params": [torch.zeros(2, requires_grad=True)], "lr": lr}
                            for lr in lrs])


CHAINS = [
    [("StepLR", dict(step_size=5, gamma=0.5)), ("ExponentialLR", dict(gamma=0.97))],
    [("CosineAnnealingLR", dict(T_max=15, eta_min=0.001)),
     ("MultiStepLR", dict(milestones=[10, 40], gamma=0.3))],
    [("ExponentialLR", dict(gamma=0.97)), ("CosineAnnealingLR", dict(T_max=15, eta_min=0.001))],
    [("CosineAnnealingWarmRestarts", dict(T_0=4, T_mult=2, eta_min=1e-4)),
     ("StepLR", dict(step_size=7, gamma=0.5))],
]


@pytest.mark.parametrize("chain", CHAINS, ids=["+".join(n for n, _ in c) for c in CHAINS])
def test_two_schedulers_on_one_optimizer_match_torch(chain):
    torch = pytest.importorskip("torch")
    theirs_opt, ours_opt = _torch_sgd(torch), _ours()
    theirs = [getattr(torch.optim.lr_scheduler, n)(theirs_opt, **kw) for n, kw in chain]
    ours = [getattr(sched, n)(ours_opt, **kw) for n, kw in chain]
    assert [g["initial_lr"] for g in ours_opt.param_groups] == list(LRS)
    for _ in range(120):
        theirs_opt.step()
        for s in theirs + ours:
            s.step()
        want = [g["lr"] for g in theirs_opt.param_groups]
        assert [g["lr"] for g in ours_opt.param_groups] == pytest.approx(want, rel=1e-13)
        assert ours[0].get_last_lr() == pytest.approx(theirs[0].get_last_lr(), rel=1e-13)


@pytest.mark.parametrize("name,kwargs", SCHEDULES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULES)])
def test_resuming_with_last_epoch_matches_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    theirs_opt, ours_opt = _torch_sgd(torch), _ours()
    for opt in (theirs_opt, ours_opt):
        for group in opt.param_groups:  # as an optimizer's loaded state_dict leaves them
            group["initial_lr"], group["lr"] = group["lr"], group["lr"] * 0.3
    theirs = getattr(torch.optim.lr_scheduler, name)(theirs_opt, last_epoch=7, **kwargs)
    ours = getattr(sched, name)(ours_opt, last_epoch=7, **kwargs)
    for _ in range(40):
        assert ours.last_epoch == theirs.last_epoch
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-13)
        theirs_opt.step()
        theirs.step()
        ours.step()


def test_a_group_added_after_the_scheduler():
    torch = pytest.importorskip("torch")
    theirs_opt, ours_opt = _torch_sgd(torch, (0.1,)), _ours((0.1,))
    theirs = torch.optim.lr_scheduler.StepLR(theirs_opt, step_size=2)
    ours = sched.StepLR(ours_opt, step_size=2)
    theirs_opt.add_param_group({"params": [torch.zeros(1, requires_grad=True)], "lr": 1.0})
    ours_opt.add_param_group({"params": [ag.tensor(np.zeros(1), requires_grad=True)],
                              "lr": 1.0})
    for _ in range(6):  # chainable forms decay every group's current rate, as in torch
        theirs_opt.step()
        theirs.step()
        ours.step()
    assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-15)
    opt = _ours((0.1,))
    lam = sched.LambdaLR(opt, lambda e: 0.5**e)
    opt.add_param_group({"params": [ag.tensor(np.zeros(1), requires_grad=True)], "lr": 1.0})
    with pytest.raises(ValueError, match="LambdaLR.step: .* 2 parameter groups .* made for 1"):
        lam.step()  # torch fails here too (a zip length error); it used to skip the group


def test_reduce_on_plateau_covers_a_group_added_later():
    torch = pytest.importorskip("torch")
    theirs_opt, ours_opt = _torch_sgd(torch), _ours()
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs_opt, patience=1, min_lr=1e-3)
    ours = sched.ReduceLROnPlateau(ours_opt, patience=1, min_lr=1e-3)
    theirs_opt.add_param_group({"params": [torch.zeros(1, requires_grad=True)], "lr": 1.0})
    ours_opt.add_param_group({"params": [ag.tensor(np.zeros(1), requires_grad=True)],
                              "lr": 1.0})
    for _ in range(12):
        theirs.step(1.0)
        ours.step(1.0)
        assert ours.get_last_lr() == theirs.get_last_lr()
    assert ours.get_last_lr()[2] < 1.0
    listed = sched.ReduceLROnPlateau(_ours(), patience=0, min_lr=[0.0, 0.0])
    listed.optimizer.add_param_group({"params": [ag.tensor(np.zeros(1), requires_grad=True)]})
    listed.step(1.0)
    with pytest.raises(ValueError, match="min_lrs"):
        listed.step(2.0)


PLATEAU_MORE = [
    dict(patience=0, factor=0.5, min_lr=0.01, eps=1e-3),
    dict(mode="max", threshold=0.1, patience=2, cooldown=2),
    dict(threshold_mode="abs", threshold=0.05, patience=0, cooldown=1, factor=0.9),
]


@pytest.mark.parametrize("kwargs", PLATEAU_MORE)
def test_reduce_on_plateau_noisy_metric_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    theirs_opt, ours_opt = _torch_sgd(torch), _ours()
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs_opt, **kwargs)
    ours = sched.ReduceLROnPlateau(ours_opt, **kwargs)
    rng = np.random.default_rng(0)
    for epoch in range(200):
        metric = float(rng.random() + 1 / (epoch + 1))
        theirs.step(metric)
        ours.step(metric)
        assert ours.get_last_lr() == theirs.get_last_lr()
        assert (ours.last_epoch, ours.best, ours.num_bad_epochs, ours.cooldown_counter) == \
            (theirs.last_epoch, theirs.best, theirs.num_bad_epochs, theirs.cooldown_counter)


def test_reduce_on_plateau_is_an_lr_scheduler_as_in_torch():
    s = sched.ReduceLROnPlateau(_ours())
    assert isinstance(s, sched.LRScheduler)
    assert s.get_last_lr() == list(LRS) and s.last_epoch == 0


def test_warm_restarts_interleaving_step_and_step_epoch_matches_torch():
    torch = pytest.importorskip("torch")
    theirs_opt, ours_opt = _torch_sgd(torch), _ours()
    theirs = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(theirs_opt, T_0=3, T_mult=3,
                                                                  eta_min=1e-3)
    ours = sched.CosineAnnealingWarmRestarts(ours_opt, T_0=3, T_mult=3, eta_min=1e-3)
    plan = [None] * 20 + [26, None, None, 7.5, None, 40.25] + [None] * 30
    for epoch in plan:
        theirs_opt.step()
        with warnings.catch_warnings():  # torch deprecates step(epoch) but supports it
            warnings.simplefilter("ignore")
            theirs.step(epoch)
        ours.step(epoch)
        assert (ours.last_epoch, ours.T_cur, ours.T_i) == \
            (theirs.last_epoch, theirs.T_cur, theirs.T_i)
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-13)


def _assert_same_lrs(ours, theirs, ours_opt, theirs_opt):
    """Every group's rate, from get_last_lr() and from param_groups, as torch's."""
    want = [g["lr"] for g in theirs_opt.param_groups]
    assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12, abs=1e-300)
    assert [g["lr"] for g in ours_opt.param_groups] == pytest.approx(want, rel=1e-12,
                                                                     abs=1e-300)
    assert [g["lr"] for g in ours_opt.param_groups] == ours.get_last_lr()


@pytest.mark.parametrize("spec,milestones", SEQUENCES,
                         ids=["+".join(n for n, _ in spec) for spec, _ in SEQUENCES])
def test_sequential_lr_matches_torch(spec, milestones):
    torch = pytest.importorskip("torch")
    theirs_opt, ours_opt = _torch_sgd(torch), _ours()
    theirs = torch.optim.lr_scheduler.SequentialLR(
        theirs_opt, _build(torch.optim.lr_scheduler, theirs_opt, spec), milestones=milestones)
    ours = sched.SequentialLR(ours_opt, _build(sched, ours_opt, spec), milestones=milestones)
    _assert_same_lrs(ours, theirs, ours_opt, theirs_opt)
    for _ in range(100):
        theirs_opt.step()
        theirs.step()
        ours.step()
        assert ours.last_epoch == theirs.last_epoch
        _assert_same_lrs(ours, theirs, ours_opt, theirs_opt)
    assert [s.last_epoch for s in ours._schedulers] == [s.last_epoch for s in theirs._schedulers]


@pytest.mark.parametrize("spec", CHAINED, ids=["+".join(n for n, _ in c) for c in CHAINED])
@pytest.mark.parametrize("give_optimizer", [False, True])
def test_chained_scheduler_matches_torch(spec, give_optimizer):
    torch = pytest.importorskip("torch")
    theirs_opt, ours_opt = _torch_sgd(torch), _ours()
    theirs = torch.optim.lr_scheduler.ChainedScheduler(
        _build(torch.optim.lr_scheduler, theirs_opt, spec),
        optimizer=theirs_opt if give_optimizer else None)
    ours = sched.ChainedScheduler(_build(sched, ours_opt, spec),
                                  optimizer=ours_opt if give_optimizer else None)
    assert ours.optimizer is ours_opt
    _assert_same_lrs(ours, theirs, ours_opt, theirs_opt)
    for _ in range(100):
        theirs_opt.step()
        theirs.step()
        ours.step()
        _assert_same_lrs(ours, theirs, ours_opt, theirs_opt)


def test_composite_state_holds_the_inner_states_as_in_torch():
    torch = pytest.importorskip("torch")
    for name in ("SequentialLR", "ChainedScheduler"):
        theirs_opt, ours_opt = _torch_sgd(torch), _ours()
        theirs = COMPOSITES[name](torch.optim.lr_scheduler, theirs_opt)
        ours = COMPOSITES[name](sched, ours_opt)
        for _ in range(20):
            theirs_opt.step()
            theirs.step()
            ours.step()
        mine, want = ours.state_dict(), theirs.state_dict()
        assert "optimizer" not in mine and len(mine["_schedulers"]) == len(want["_schedulers"])
        for inner, their_inner in zip(mine["_schedulers"], want["_schedulers"]):
            assert "optimizer" not in inner and inner["last_epoch"] == their_inner["last_epoch"]
            assert inner["_step_count"] == their_inner["_step_count"]
        assert mine.get("_milestones") == want.get("_milestones")
        assert mine.get("last_epoch") == want.get("last_epoch")


ONE_CYCLE = [
    ("SGD", dict(momentum=0.9), dict(max_lr=[1.0, 0.3], total_steps=100)),
    ("SGD", dict(), dict(max_lr=0.5, epochs=10, steps_per_epoch=7, pct_start=0.25,
                         anneal_strategy="linear", three_phase=True, div_factor=10.0,
                         final_div_factor=100.0, base_momentum=[0.8, 0.7],
                         max_momentum=[0.9, 0.99])),
    ("SGD", dict(momentum=0.9), dict(max_lr=0.1, total_steps=20, pct_start=0.0)),
    ("Adam", dict(betas=(0.9, 0.99)), dict(max_lr=[0.01, 0.002], total_steps=60,
                                           three_phase=True)),
    ("AdamW", dict(), dict(max_lr=0.01, total_steps=45, pct_start=0.4,
                           anneal_strategy="linear")),
    ("RMSprop", dict(momentum=0.5), dict(max_lr=0.05, total_steps=25)),
    ("Adagrad", dict(), dict(max_lr=0.1, total_steps=30, cycle_momentum=False)),
]


def _momenta(opt):
    """Each group's momentum (SGD, RMSprop) or betas (Adam, AdamW), in one flat list."""
    return [v for g in opt.param_groups
            for v in ([g["momentum"]] if "momentum" in g else []) + list(g.get("betas", ()))]


@pytest.mark.parametrize("opt_name,opt_kwargs,kwargs", ONE_CYCLE,
                         ids=[f"{o}-{i}" for i, (o, _, _) in enumerate(ONE_CYCLE)])
def test_one_cycle_lr_matches_torch_with_its_momentum(opt_name, opt_kwargs, kwargs):
    torch = pytest.importorskip("torch")
    params = [ag.tensor(np.zeros(2), requires_grad=True) for _ in LRS]
    ours_opt = getattr(optim, opt_name)([{"params": [p], "lr": lr} for p, lr in
                                         zip(params, LRS)], **opt_kwargs)
    theirs_opt = getattr(torch.optim, opt_name)(
        [{"params": [torch.zeros(2, requires_grad=True)], "lr": lr} for lr in LRS],
        **opt_kwargs)
    theirs = torch.optim.lr_scheduler.OneCycleLR(theirs_opt, **kwargs)
    ours = sched.OneCycleLR(ours_opt, **kwargs)
    total = ours.total_steps
    assert total == theirs.total_steps
    for step in range(total + 1):
        if step:
            theirs_opt.step()
            theirs.step()
            ours.step()
        _assert_same_lrs(ours, theirs, ours_opt, theirs_opt)
        assert _momenta(ours_opt) == pytest.approx(_momenta(theirs_opt), rel=1e-12)
    assert all(g["betas"][1] == opt_kwargs.get("betas", (0, 0.999))[1]
               for g in ours_opt.param_groups if "betas" in g)
    for key in ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"):
        want = [g[key] for g in theirs_opt.param_groups if key in g]
        assert [g[key] for g in ours_opt.param_groups if key in g] == \
            pytest.approx(want, rel=1e-15)
    with pytest.raises(ValueError):
        theirs.step()
    with pytest.raises(ValueError, match=f"OneCycleLR.*total_steps={total}"):
        ours.step()


def test_one_cycle_lr_cycled_momentum_drives_the_updates_as_in_torch():
    """The cycled momentum / beta1 is the one the optimizers use: same trajectories."""
    torch = pytest.importorskip("torch")
    c = np.array([1.0, -2.0, 0.5])
    for opt_name, opt_kwargs in (("SGD", dict(momentum=0.9, nesterov=True)), ("Adam", {})):
        p = ag.tensor(np.ones(3), requires_grad=True)
        q = torch.ones(3, dtype=torch.float64, requires_grad=True)
        ours_opt = getattr(optim, opt_name)([p], lr=0.1, **opt_kwargs)
        theirs_opt = getattr(torch.optim, opt_name)([q], lr=0.1, **opt_kwargs)
        ours = sched.OneCycleLR(ours_opt, max_lr=0.05, total_steps=40)
        theirs = torch.optim.lr_scheduler.OneCycleLR(theirs_opt, max_lr=0.05, total_steps=40)
        for _ in range(40):
            ours_opt.zero_grad()
            ((p - ag.tensor(c)) ** 2).sum().backward()
            ours_opt.step()
            ours.step()
            theirs_opt.zero_grad()
            ((q - torch.tensor(c)) ** 2).sum().backward()
            theirs_opt.step()
            theirs.step()
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-12)


def test_one_cycle_lr_empty_phase():
    # pct_start·total_steps = 1 empties the warm-up: torch's constructor divides by zero
    with pytest.raises(ValueError, match="OneCycleLR: step 0 falls in phase 0 .* empty"):
        sched.OneCycleLR(_ours(), max_lr=0.1, total_steps=10, pct_start=0.1)
    # pct_start=1.0 leaves the last phase empty: steps 0..total_steps-1 work, then the
    # extra step raises (torch: ZeroDivisionError)
    s = sched.OneCycleLR(_ours(), max_lr=0.1, total_steps=10, pct_start=1.0)
    for _ in range(9):
        s.step()
    assert s.get_last_lr() == pytest.approx([0.1, 0.1])
    with pytest.raises(ValueError, match="phase 1 .* empty"):
        s.step()


def test_one_cycle_lr_needs_momentum_or_betas():
    opt = optim.Adagrad([ag.tensor(np.zeros(2), requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="OneCycleLR: cycle_momentum=True .* Adagrad"):
        sched.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    course = optim.Momentum([ag.tensor(np.zeros(2), requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="momentum"):
        sched.OneCycleLR(course, max_lr=0.1, total_steps=10)
    sched.OneCycleLR(course, max_lr=0.1, total_steps=10, cycle_momentum=False)
    with pytest.raises(KeyError, match="'max_lr'"):  # resuming needs the optimizer's state
        sched.OneCycleLR(_ours(), max_lr=0.1, total_steps=10, last_epoch=3)


BAD = [  # (name, kwargs, message, whether torch rejects it too)
    ("ConstantLR", dict(factor=1.5), r"factor must lie in \(0, 1\], got 1.5", True),
    ("ConstantLR", dict(factor=-0.1), "factor", True),
    ("ConstantLR", dict(factor=0.0), "factor", False),  # torch divides by 0 at total_iters
    ("ConstantLR", dict(total_iters=0), "total_iters must be a positive integer, got 0", False),
    ("ConstantLR", dict(total_iters=2.5), "total_iters", False),
    ("LinearLR", dict(start_factor=0.0), "start_factor", True),
    ("LinearLR", dict(start_factor=1.2), "start_factor", True),
    ("LinearLR", dict(end_factor=-0.5), "end_factor", True),
    ("LinearLR", dict(end_factor=1.5), "end_factor", True),
    ("LinearLR", dict(total_iters=0), "total_iters", False),
    ("PolynomialLR", dict(total_iters=-3), "total_iters", False),
    ("PolynomialLR", dict(power=-1.0), "power must be a number >= 0", False),
    ("MultiplicativeLR", dict(lr_lambda=[_mul]), "expected 2 lr_lambdas", True),
    ("OneCycleLR", dict(max_lr=0.1), "total_steps, or both epochs and steps_per_epoch", True),
    ("OneCycleLR", dict(max_lr=0.1, epochs=3), "total_steps", True),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=0), "total_steps must be a positive", True),
    ("OneCycleLR", dict(max_lr=0.1, epochs=-1, steps_per_epoch=3), "epochs", True),
    ("OneCycleLR", dict(max_lr=0.1, epochs=2, steps_per_epoch=1.5), "steps_per_epoch", True),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=9, pct_start=1.5), "pct_start", True),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=9, pct_start=1), "pct_start .* float", True),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=9, anneal_strategy="exp"), "'exp'", True),
    ("OneCycleLR", dict(max_lr=[0.1], total_steps=9), "expected 2 values of max_lr", True),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=9, max_momentum=[0.9] * 3), "max_momentum",
     True),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=9, div_factor=0.0), "div_factor", False),
]


@pytest.mark.parametrize("name,kwargs,message,torch_rejects", BAD,
                         ids=[f"{n}-{i}" for i, (n, *_) in enumerate(BAD)])
def test_bad_arguments_raise_naming_the_scheduler(name, kwargs, message, torch_rejects):
    with pytest.raises(ValueError, match=f"{name}.*{message}"):
        getattr(sched, name)(_ours(), **kwargs)
    if torch_rejects:
        try:
            import torch
        except ImportError:
            return
        with pytest.raises(ValueError):
            getattr(torch.optim.lr_scheduler, name)(_torch_sgd(torch), **kwargs)


def test_bad_composites_and_lambdas():
    opt, other = _ours(), _ours()
    mine = sched.ExponentialLR(opt, gamma=0.9)
    theirs = sched.ExponentialLR(other, gamma=0.9)
    plateau = sched.ReduceLROnPlateau(opt)
    with pytest.raises(TypeError, match="MultiplicativeLR: lr_lambda should be a function"):
        sched.MultiplicativeLR(_ours(), lr_lambda=0.9)
    with pytest.raises(ValueError, match="SequentialLR expects at least one scheduler"):
        sched.SequentialLR(opt, [], milestones=[])
    with pytest.raises(ValueError, match="SequentialLR expects one milestone fewer"):
        sched.SequentialLR(opt, [mine], milestones=[3])
    with pytest.raises(ValueError, match=r"SequentialLR .* same optimizer.*schedulers\[1\]"):
        sched.SequentialLR(opt, [mine, theirs], milestones=[3])
    with pytest.raises(ValueError, match="SequentialLR does not support ReduceLROnPlateau"):
        sched.SequentialLR(opt, [mine, plateau], milestones=[3])
    with pytest.raises(TypeError, match=r"SequentialLR: schedulers\[0\] is a float"):
        sched.SequentialLR(opt, [0.5], milestones=[])
    with pytest.raises(TypeError, match="SequentialLR: expected an optim.Optimizer"):
        sched.SequentialLR(object(), [mine], milestones=[])
    with pytest.raises(ValueError, match="ChainedScheduler expects at least one"):
        sched.ChainedScheduler([])
    with pytest.raises(ValueError, match="ChainedScheduler expects all .* same optimizer"):
        sched.ChainedScheduler([mine, theirs])
    with pytest.raises(ValueError, match="ChainedScheduler expects all .* same optimizer"):
        sched.ChainedScheduler([mine], optimizer=other)
    with pytest.raises(ValueError, match="ChainedScheduler does not support ReduceLROnPlateau"):
        sched.ChainedScheduler([plateau])
