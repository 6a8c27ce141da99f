"""RMSNorm and F.rms_norm with PyTorch 2.13's semantics: values and gradients against
PyTorch (float64 and float32; skipped without torch), the formula and eps default,
gradcheck/gradgradcheck, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest
from module_parity import assert_module_matches_torch

import autograd as ag
import nn
import nn.functional as F


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


SHAPES = [(5, (4, 5)), ((2, 3), (4, 2, 3)), ((3,), (2, 2, 3)), (4, (0, 4))]


@pytest.mark.parametrize("eps", [None, 1e-3])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("normalized_shape, input_shape", SHAPES)
@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-5)],
                         ids=["float64", "float32"])
def test_rms_norm_matches_torch(normalized_shape, input_shape, affine, eps, dtype, rtol, rng,
                                torch):
    ours = nn.RMSNorm(normalized_shape, eps=eps, elementwise_affine=affine, dtype=dtype)
    theirs = torch.nn.RMSNorm(normalized_shape, eps=eps, elementwise_affine=affine,
                              dtype=getattr(torch, np.dtype(dtype).name))
    if affine:
        w = rng.uniform(0.5, 1.5, ours.weight.shape).astype(dtype)
        ours.weight.data[...] = w
        with torch.no_grad():
            theirs.weight.copy_(torch.from_numpy(w))
    assert ours.extra_repr() == theirs.extra_repr()
    x = (rng.standard_normal(input_shape) * 3).astype(dtype)
    g = rng.standard_normal(input_shape).astype(dtype)
    assert_module_matches_torch(ours, theirs, x, g, torch, rtol=rtol, atol=rtol * 1e-2)


def test_functional_rms_norm_matches_torch_including_second_derivatives(rng, torch):
    x_np = rng.standard_normal((3, 4))
    w_np = rng.uniform(0.5, 1.5, 4)
    x, w = ag.tensor(x_np, requires_grad=True), ag.tensor(w_np, requires_grad=True)
    tx, tw = torch.tensor(x_np, requires_grad=True), torch.tensor(w_np, requires_grad=True)
    y = F.rms_norm(x, (4,), w, eps=1e-4)
    ty = torch.nn.functional.rms_norm(tx, [4], tw, eps=1e-4)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12)
    gx, = ag.grad((y * y * y).sum(), x, create_graph=True)
    tgx, = torch.autograd.grad((ty * ty * ty).sum(), tx, create_graph=True)
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-10)
    gx.sum().backward()
    tgx.sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-9)


def test_rms_norm_formula_and_eps_default(rng):
    x = rng.standard_normal((6, 5))
    y = nn.RMSNorm(5, dtype=np.float64)(ag.tensor(x)).data
    eps64 = np.finfo(np.float64).eps
    np.testing.assert_allclose(y, x / np.sqrt((x ** 2).mean(-1, keepdims=True) + eps64),
                               rtol=1e-14)
    x32 = x.astype(np.float32)
    y32 = F.rms_norm(ag.tensor(x32), 5).data
    eps32 = np.finfo(np.float32).eps
    np.testing.assert_allclose(y32, x32 / np.sqrt((x32 ** 2).mean(-1, keepdims=True) + eps32),
                               rtol=1e-6)
    assert y32.dtype == np.float32
    zeros = F.rms_norm(ag.zeros(2, 3, dtype=np.float64), 3).data
    np.testing.assert_array_equal(zeros, 0.0)  # eps keeps 0/0 away
    layer = nn.RMSNorm([2, 3])
    assert layer.weight.shape == (2, 3) and layer.weight.dtype == ag.get_default_dtype()
    np.testing.assert_array_equal(layer.weight.data, 1.0)
    assert nn.RMSNorm(3, elementwise_affine=False).weight is None
    assert list(nn.RMSNorm(3).state_dict()) == ["weight"]


def test_rms_norm_gradcheck_and_gradgradcheck(rng):
    x = ag.tensor(rng.standard_normal((3, 2, 4)), requires_grad=True)
    w = ag.tensor(rng.uniform(0.5, 1.5, (2, 4)), requires_grad=True)
    fn = lambda a, b: F.rms_norm(a, (2, 4), b, eps=1e-6)  # noqa: E731
    assert ag.gradcheck(fn, (x, w))
    assert ag.gradgradcheck(fn, (x, w))


def test_rms_norm_errors():
    with pytest.raises(ag.ShapeError, match=r"RMSNorm\(\(4,\), eps=None, elementwise_affine="
                                            r"True\): normalized_shape \(4,\) needs input of "
                                            r"shape \(\*, 4\), got input of shape \(2, 3\)"):
        nn.RMSNorm(4)(ag.ones(2, 3))
    with pytest.raises(ag.ShapeError, match=r"rms_norm: weight of shape \(3,\) does not match "
                                            r"normalized_shape \(4,\)"):
        F.rms_norm(ag.ones(2, 4), 4, ag.ones(3))
    with pytest.raises(TypeError, match="rms_norm: input must be floating point"):
        F.rms_norm(ag.tensor(np.ones((2, 4), dtype=np.int64)), 4)
    with pytest.raises(ValueError, match="normalized_shape must have at least one dimension"):
        nn.RMSNorm(())
