"""Every fused optimizer update run on one dtype: what builds them all ahead of time
(``graphgrad build-kernels``), and what ``tests/autograd/test_aot.py`` compares between
the ahead-of-time builds and Numba's JIT."""

from __future__ import annotations

import numpy as np

import autograd as ag


def exercise(dtype: type) -> dict[str, np.ndarray]:
    """Three steps of every optimizer, and of each option that selects another loop
    (momentum, Nesterov, centered, amsgrad, weight decay), on 300 seeded float ``dtype``
    parameters; the parameters after them by name."""
    import optim

    settings = {
        "sgd": (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
        "sgd_plain": (optim.SGD, {"lr": 0.1}),
        "momentum": (optim.Momentum, {"lr": 0.1}),
        "adagrad": (optim.Adagrad, {"lr": 0.1, "weight_decay": 0.01}),
        "rmsprop": (optim.RMSprop, {"lr": 0.01, "centered": True, "momentum": 0.9}),
        "rmsprop_plain": (optim.RMSprop, {"lr": 0.01}),
        "adam": (optim.Adam, {"lr": 0.01, "amsgrad": True, "weight_decay": 0.01}),
        "adam_plain": (optim.Adam, {"lr": 0.01}),
        "adamw": (optim.AdamW, {"lr": 0.01}),
        "nadam": (optim.NAdam, {"lr": 0.01}),
        "radam": (optim.RAdam, {"lr": 0.01}),
        "adamax": (optim.Adamax, {"lr": 0.01}),
        "adadelta": (optim.Adadelta, {}),
        "rprop": (optim.Rprop, {"lr": 0.05}),
    }
    rng = np.random.default_rng(3)
    start = rng.standard_normal(300).astype(dtype)
    grads = [rng.standard_normal(300).astype(dtype) for _ in range(3)]
    out = {}
    for name, (cls, options) in settings.items():
        p = ag.from_numpy(start.copy()).requires_grad_()
        opt = cls([p], **options)
        for grad in grads:
            p.grad = ag.from_numpy(grad.copy())
            opt.step()
        out[name] = p.data.copy()
    return out
