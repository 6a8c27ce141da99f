"""PyTorch's deprecated names: ``nn.init``'s initializers without the trailing underscore
and ``nn.utils.clip_grad_norm`` warn with a FutureWarning (PyTorch's category and message)
and give exactly what the underscore form gives; ``nn.utils.clip_grad`` is PyTorch's module
path for the clipping functions."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import autograd as ag
import nn
from nn import init
from tests.helpers.torch_parity import requires_torch, torch

# old name: (the function it forwards to, extra arguments, the weight's shape)
ALIASES = {
    "uniform": (init.uniform_, (-0.5, 0.5), (4, 3)),
    "normal": (init.normal_, (0.0, 2.0), (4, 3)),
    "constant": (init.constant_, (0.25,), (4, 3)),
    "eye": (init.eye_, (), (4, 3)),
    "dirac": (init.dirac_, (), (4, 3, 3)),
    "xavier_uniform": (init.xavier_uniform_, (), (4, 3)),
    "xavier_normal": (init.glorot_normal_, (), (4, 3)),  # PyTorch's formula
    "kaiming_uniform": (init.kaiming_uniform_, (), (4, 3)),
    "kaiming_normal": (init.kaiming_normal_, (), (4, 3)),
    "orthogonal": (init.orthogonal_, (), (4, 3)),
    "sparse": (init.sparse_, (0.5,), (4, 3)),
}
RANDOM = {"uniform", "normal", "xavier_uniform", "xavier_normal", "kaiming_uniform",
          "kaiming_normal", "orthogonal", "sparse"}


def _seeded(name: str) -> dict:
    """A fresh generator with the same seed for each call (none for the fixed fills)."""
    return {"rng": np.random.default_rng(7)} if name in RANDOM else {}


@pytest.mark.parametrize("name", sorted(ALIASES))
def test_alias_warns_and_forwards(name):
    new, args, shape = ALIASES[name]
    w = nn.Parameter(np.zeros(shape))
    with pytest.warns(FutureWarning, match=f"`nn.init.{name}` is now deprecated in favor "
                                           f"of `nn.init.{new.__name__}`"):
        out = getattr(init, name)(w, *args, **_seeded(name))
    assert out is w
    expected = new(nn.Parameter(np.zeros(shape)), *args, **_seeded(name))
    np.testing.assert_array_equal(w.data, expected.data)
    assert not np.all(w.data == 0)
    assert getattr(init, name).__name__ == name


def test_underscore_forms_exist_for_every_alias():
    for name in ALIASES:
        assert callable(getattr(init, name + "_"))


@requires_torch
def test_alias_names_match_torch():
    t = torch()
    deprecated = {n for n in dir(t.nn.init) if not n.startswith("_") and not n[0].isupper()
                  and hasattr(t.nn.init, n + "_")}
    assert deprecated == set(ALIASES)


def test_xavier_normal_alias_keeps_torch_std():
    w = nn.Parameter(np.zeros((600, 400)))
    with pytest.warns(FutureWarning):
        init.xavier_normal(w, gain=2.0, rng=np.random.default_rng(0))
    assert w.data.std() == pytest.approx(2.0 * np.sqrt(2.0 / 1000), rel=0.03)


def _params_with_grads():
    params = [nn.Parameter(np.ones((2, 3))), nn.Parameter(np.ones(4))]
    for p, g in zip(params, (np.full((2, 3), 3.0), np.full(4, -4.0))):
        p.grad = ag.tensor(g)
    return params


def test_clip_grad_norm_deprecated_alias():
    params, reference = _params_with_grads(), _params_with_grads()
    with pytest.warns(FutureWarning, match="`nn.utils.clip_grad_norm` is now deprecated in "
                                           "favor of `nn.utils.clip_grad_norm_`"):
        total = nn.utils.clip_grad_norm(params, 1.0)
    expected = nn.utils.clip_grad_norm_(reference, 1.0)
    assert total.item() == pytest.approx(expected.item())
    for p, r in zip(params, reference):
        np.testing.assert_array_equal(p.grad.data, r.grad.data)
    assert np.sqrt(sum(float((p.grad.data ** 2).sum()) for p in params)) == pytest.approx(
        1.0, rel=1e-5)


def test_clip_grad_module_path():
    module = importlib.import_module("nn.utils.clip_grad")
    assert nn.utils.clip_grad is module
    assert module.clip_grad_norm_ is nn.utils.clip_grad_norm_
    assert module.clip_grad_value_ is nn.utils.clip_grad_value_
    assert module.clip_grad_norm is nn.utils.clip_grad_norm


@requires_torch
def test_clip_grad_module_names_match_torch():
    t = torch()
    import torch.nn.utils.clip_grad as torch_clip_grad  # noqa: F401

    assert set(nn.utils.clip_grad.__all__) == set(t.nn.utils.clip_grad.__all__)
