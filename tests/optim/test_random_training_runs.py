"""Random training runs against PyTorch: an MLP of random depth and activations (with
LayerNorm), a loss, an optimizer configuration, a learning-rate schedule, one or two
parameter groups and optional gradient clipping, trained 5 steps by graphgrad and by
torch from the same weights on the same data: the same losses and the same weights.

BatchNorm and Rprop are left out: a parameter whose gradient is 0 up to rounding (a bias
or a β followed by BatchNorm) gets updates of lr's size from Adam's normalization or
Rprop's signs, in whatever direction the rounding noise points, which differs between
two correct implementations.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim

torch = pytest.importorskip("torch")

SEEDS_PER_CASE, CASES = 50, 4
OPTIMIZERS = [
    ("SGD", dict(lr=0.05)), ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-2)),
    ("SGD", dict(lr=0.05, momentum=0.5, dampening=0.1)), ("SGD", dict(lr=0.05, maximize=True)),
    ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.1)),
    ("Adam", dict(lr=0.01)), ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, maximize=True)), ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, amsgrad=True, betas=(0.8, 0.99))), ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    ("Adadelta", dict(lr=1.0)), ("Adamax", dict(lr=0.01)), ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, decoupled_weight_decay=True, weight_decay=0.1)),
    ("RAdam", dict(lr=0.01)), ("RAdam", dict(lr=0.01, decoupled_weight_decay=True,
                                             weight_decay=0.1)),
]
SCHEDULES = [
    None, ("StepLR", dict(step_size=2, gamma=0.5)), ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=5, eta_min=1e-4)),
    ("MultiStepLR", dict(milestones=[1, 3], gamma=0.3)),
    ("LinearLR", dict(start_factor=0.5, total_iters=3)),
    ("ConstantLR", dict(factor=0.5, total_iters=2)),
    ("PolynomialLR", dict(total_iters=4, power=2.0)),
    ("CosineAnnealingWarmRestarts", dict(T_0=2, T_mult=2)),
    ("OneCycleLR", dict(max_lr=0.05, total_steps=10)),
    ("CyclicLR", dict(base_lr=0.001, max_lr=0.05, step_size_up=2)),
    ("ReduceLROnPlateau", dict(factor=0.5, patience=0)),
]
ACTIVATIONS = ["ReLU", "Tanh", "Sigmoid", "LeakyReLU", "ELU", "GELU", "SiLU", "Softplus",
               "LayerNorm"]
# loss -> which of the data's targets it takes: class labels, values, or 0/1 values
LOSSES = {"cross_entropy": 1, "mse_loss": 2, "l1_loss": 2, "huber_loss": 2,
          "binary_cross_entropy_with_logits": 3}


def _model(lib_nn, layers: list) -> object:
    modules = []
    for kind, *sizes in layers:
        if kind == "Linear":
            modules.append(lib_nn.Linear(sizes[0], sizes[1], bias=sizes[2]))
        else:
            modules.append(getattr(lib_nn, kind)(*sizes[:1] if kind == "LayerNorm" else ()))
    return lib_nn.Sequential(*modules)


def _configuration(seed: int) -> dict:
    rnd = random.Random(seed)
    dims = [5] + [rnd.choice([3, 4, 6]) for _ in range(rnd.randint(1, 3))] + [3]
    layers = []
    for i in range(len(dims) - 1):
        layers.append(("Linear", dims[i], dims[i + 1], rnd.random() < 0.8))
        if i < len(dims) - 2:
            layers.append((rnd.choice(ACTIVATIONS), dims[i + 1]))
    name, options = rnd.choice(OPTIMIZERS)
    schedule = rnd.choice(SCHEDULES)
    if schedule and schedule[0] in ("OneCycleLR", "CyclicLR") and name not in (
            "SGD", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam", "RAdam"):
        schedule = None  # no momentum or β₁ to cycle: refused by both
    if schedule and schedule[0] == "CyclicLR" and name not in ("SGD", "RMSprop"):
        schedule = None
    return {"layers": layers, "optimizer": (name, options), "schedule": schedule,
            "two_groups": rnd.random() < 0.4, "clip": rnd.choice([None, 0.5]),
            "loss": rnd.choice(sorted(LOSSES))}


def _train(lib, config: dict, weights: list, data: tuple) -> tuple[list, list]:
    """5 steps of ``config`` in ``lib`` (autograd or torch): the losses, the weights."""
    ours = lib is ag
    lib_nn, lib_optim = (nn, optim) if ours else (torch.nn, torch.optim)
    functional = F if ours else torch.nn.functional
    model = _model(lib_nn, config["layers"])
    if not ours:
        model = model.double()
    params = list(model.parameters())
    for p, w in zip(params, weights):
        if ours:
            p.data = w.copy()
        else:
            with torch.no_grad():
                p.copy_(torch.tensor(w))
    name, options = config["optimizer"]
    groups = params
    if config["two_groups"] and len(params) > 1:
        k = len(params) // 2
        groups = [{"params": params[:k]}, {"params": params[k:], "lr": options["lr"] * 0.5}]
    optimizer = getattr(lib_optim, name)(groups, **options)
    schedule = None
    if config["schedule"]:
        kind, kw = config["schedule"]
        schedule = getattr(lib_optim.lr_scheduler, kind)(optimizer, **kw)
    x, target = lib.tensor(data[0]), lib.tensor(data[LOSSES[config["loss"]]])
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = getattr(functional, config["loss"])(model(x), target)
        loss.backward()
        if config["clip"]:
            (nn.utils if ours else torch.nn.utils).clip_grad_norm_(model.parameters(),
                                                                    config["clip"])
        optimizer.step()
        if schedule is not None:
            schedule.step(loss.item()) if config["schedule"][0] == "ReduceLROnPlateau" \
                else schedule.step()
        losses.append(loss.item())
    final = [np.array(p.data if ours else p.detach().numpy()) for p in params]
    return losses, final


@pytest.mark.parametrize("case", range(CASES))
def test_random_training_runs_match_pytorch(case) -> None:
    for seed in range(case * SEEDS_PER_CASE, (case + 1) * SEEDS_PER_CASE):
        config = _configuration(seed)
        torch.manual_seed(seed)
        start = [p.detach().numpy().copy()
                 for p in _model(torch.nn, config["layers"]).double().parameters()]
        rng = np.random.default_rng(seed)
        values = rng.standard_normal((8, 3))
        data = (rng.standard_normal((8, 5)), rng.integers(0, 3, 8), values,
                (values > 0).astype(np.float64))
        ours, theirs = _train(ag, config, start, data), _train(torch, config, start, data)
        np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-9, atol=1e-12,
                                   err_msg=f"seed {seed}: losses, {config}")
        for a, b in zip(ours[1], theirs[1]):
            np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9,
                                       err_msg=f"seed {seed}: weights, {config}")
