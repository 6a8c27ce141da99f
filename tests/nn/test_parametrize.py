"""``nn.utils.parametrize`` and ``nn.utils.parametrizations`` (weight_norm, spectral_norm)
plus the old-style ``nn.utils.weight_norm``: state_dict keys, forward and gradient parity
with PyTorch (training and eval, power-iteration buffers), gradcheck, removal, caching."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils import parametrizations as PS
from nn.utils import parametrize as P


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


def _twins(torch, make_ours, make_theirs, dtype=np.float64):
    torch.manual_seed(0)
    theirs = make_theirs().to(torch.float64 if dtype == np.float64 else torch.float32)
    ours = make_ours(dtype)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _compare(ours, theirs, torch, x_np, tol):
    x, tx = ag.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    out, tout = ours(x), theirs(tx)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), **tol)
    g = np.random.default_rng(5).standard_normal(out.shape).astype(x_np.dtype)
    out.backward(ag.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), **tol)
    tparams = dict(theirs.named_parameters())
    names = [n for n, _ in ours.named_parameters()]
    assert names == list(tparams)
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, tparams[name].grad.numpy(), err_msg=name, **tol)
    for name, b in ours.named_buffers():
        np.testing.assert_allclose(b.data, dict(theirs.named_buffers())[name].numpy(), **tol)


TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-4, atol=1e-5)}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_matches_torch(torch, dtype, dim):
    ours, theirs = _twins(
        torch, lambda dt: PS.weight_norm(nn.Linear(5, 3, dtype=dt), dim=dim),
        lambda: torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(5, 3), dim=dim),
        dtype)
    assert type(ours).__name__ == "ParametrizedLinear"
    assert list(ours.state_dict()) == ["bias", "parametrizations.weight.original0",
                                       "parametrizations.weight.original1"]
    assert ours.parametrizations.weight.original0.shape == tuple(
        theirs.parametrizations.weight.original0.shape)
    x = np.random.default_rng(1).standard_normal((2, 5)).astype(dtype)
    _compare(ours, theirs, torch, x, TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_spectral_norm_matches_torch_in_training_and_eval(torch, dtype):
    ours, theirs = _twins(
        torch, lambda dt: PS.spectral_norm(nn.Conv2d(2, 3, 2, dtype=dt), n_power_iterations=2),
        lambda: torch.nn.utils.parametrizations.spectral_norm(torch.nn.Conv2d(2, 3, 2),
                                                              n_power_iterations=2), dtype)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = np.random.default_rng(1).standard_normal((1, 2, 4, 3)).astype(dtype)
    for _ in range(2):
        ours.zero_grad()
        theirs.zero_grad()
        _compare(ours, theirs, torch, x, TOL[dtype])
    ours.eval()
    theirs.eval()
    u_before = ours.parametrizations.weight[0]._u.data.copy()
    ours.zero_grad()
    theirs.zero_grad()
    _compare(ours, theirs, torch, x, TOL[dtype])
    np.testing.assert_array_equal(ours.parametrizations.weight[0]._u.data, u_before)


def test_spectral_norm_default_dim_and_init():
    ag.manual_seed(0)
    layer = PS.spectral_norm(nn.ConvTranspose2d(2, 3, 2))
    sn = layer.parametrizations.weight[0]
    assert sn.dim == 1 and sn._u.shape == (3,) and sn._v.shape == (2 * 2 * 2,)
    assert np.isclose(np.linalg.norm(sn._u.data), 1.0)
    layer = PS.spectral_norm(nn.Linear(6, 4, dtype=np.float64))
    w = layer.parametrizations.weight.original.data
    sigma = np.linalg.svd(w, compute_uv=False)[0]
    with ag.no_grad():
        np.testing.assert_allclose(np.linalg.svd(layer.weight.data, compute_uv=False)[0], 1.0,
                                   rtol=1e-3)
    assert sigma > 0
    with pytest.raises(ValueError, match="n_power_iterations"):
        PS.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)


def test_weight_norm_gradcheck():
    layer = PS.weight_norm(nn.Linear(3, 2, dtype=np.float64, rng=np.random.default_rng(0)))
    x = ag.tensor(np.random.default_rng(1).standard_normal((2, 3)), requires_grad=True)
    g, v = layer.parametrizations.weight.original0, layer.parametrizations.weight.original1
    assert ag.gradcheck(lambda x, g, v: layer(x), [x, g, v])
    assert ag.gradgradcheck(lambda x, g, v: layer(x), [x, g, v])


class _Symmetric(nn.Module):
    def forward(self, x):
        return ag.triu(x) + ag.triu(x, 1).T


def test_register_assign_cache_and_remove():
    layer = nn.Linear(3, 3, dtype=np.float64, rng=np.random.default_rng(0))
    bias = layer.bias
    P.register_parametrization(layer, "weight", _Symmetric())
    assert P.is_parametrized(layer) and P.is_parametrized(layer, "weight")
    assert not P.is_parametrized(layer, "bias")
    w = layer.weight.data
    np.testing.assert_array_equal(w, w.T)
    with P.cached():
        assert layer.weight is layer.weight
    assert layer.weight is not layer.weight
    target = np.arange(9.0).reshape(3, 3)
    layer.weight = ag.tensor(target)
    np.testing.assert_array_equal(layer.parametrizations.weight.original.data, target)
    P.remove_parametrizations(layer, "weight")
    assert type(layer) is nn.Linear and not P.is_parametrized(layer)
    assert list(layer.state_dict()) == ["bias", "weight"] and layer.bias is bias
    np.testing.assert_array_equal(layer.weight.data, np.triu(target) + np.triu(target, 1).T)
    with pytest.raises(ValueError, match="does not have a parametrization"):
        P.remove_parametrizations(layer, "weight")
    with pytest.raises(ValueError, match="does not have a parameter"):
        P.register_parametrization(layer, "nothing", _Symmetric())


def test_remove_weight_norm_parametrization_needs_leave_parametrized():
    layer = PS.weight_norm(nn.Linear(3, 2, dtype=np.float64))
    with pytest.raises(ValueError, match="sequence of tensors"):
        P.remove_parametrizations(layer, "weight", leave_parametrized=False)
    with ag.no_grad():
        before = layer.weight.data.copy()
    P.remove_parametrizations(layer, "weight")
    np.testing.assert_allclose(layer.weight.data, before)


@pytest.mark.filterwarnings("ignore:`torch.nn.utils.weight_norm` is deprecated")
@pytest.mark.parametrize("dim", [0, None])
def test_old_style_weight_norm_matches_torch(torch, dim):
    ours, theirs = _twins(
        torch, lambda dt: nn.utils.weight_norm(nn.Linear(4, 3, dtype=dt), dim=dim),
        lambda: torch.nn.utils.weight_norm(torch.nn.Linear(4, 3), dim=dim))
    assert list(ours.state_dict()) == ["bias", "weight_g", "weight_v"]
    x = np.random.default_rng(1).standard_normal((2, 4))
    _compare(ours, theirs, torch, x, TOL[np.float64])
    with pytest.warns(FutureWarning, match="parametrizations.weight_norm"):
        nn.utils.weight_norm(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="two weight_norm hooks"):
        nn.utils.weight_norm(ours)
    nn.utils.remove_weight_norm(ours)
    torch.nn.utils.remove_weight_norm(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    np.testing.assert_allclose(ours.weight.data, theirs.weight.detach().numpy())
    with pytest.raises(ValueError, match="not found"):
        nn.utils.remove_weight_norm(ours)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("trivialization", [True, False])
def test_orthogonal_matches_torch(torch, shape, orthogonal_map, trivialization):
    kw = dict(orthogonal_map=orthogonal_map, use_trivialization=trivialization)
    ours, theirs = _twins(
        torch, lambda dt: PS.orthogonal(nn.Linear(shape[1], shape[0], dtype=dt), **kw),
        lambda: torch.nn.utils.parametrizations.orthogonal(
            torch.nn.Linear(shape[1], shape[0]), **kw))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    step = np.linspace(-0.3, 0.4, shape[0] * shape[1]).reshape(shape)
    np.fill_diagonal(step, 0.0)  # householder reads the diagonal as signs (int-cast, as torch)
    with torch.no_grad():
        theirs.parametrizations.weight.original.add_(torch.tensor(step))
    ours.parametrizations.weight.original.data += step
    with ag.no_grad():
        w = ours.weight.data
    gram = w.T @ w if shape[0] >= shape[1] else w @ w.T
    np.testing.assert_allclose(gram, np.eye(min(shape)), atol=1e-6)  # base made in float32
    x = np.random.default_rng(1).standard_normal((2, shape[1]))
    _compare(ours, theirs, torch, x, TOL[np.float64])


def test_orthogonal_assignment_matches_torch(torch):
    ours, theirs = _twins(
        torch, lambda dt: PS.orthogonal(nn.Linear(3, 5, dtype=dt), orthogonal_map="householder",
                                        use_trivialization=False),
        lambda: torch.nn.utils.parametrizations.orthogonal(
            torch.nn.Linear(3, 5), orthogonal_map="householder", use_trivialization=False))
    target = np.linalg.qr(np.random.default_rng(2).standard_normal((5, 3)))[0]
    ours.weight = ag.tensor(target)
    theirs.weight = torch.tensor(target)
    np.testing.assert_allclose(ours.parametrizations.weight.original.data,
                               theirs.parametrizations.weight.original.detach().numpy(),
                               atol=1e-12)
    with ag.no_grad():
        np.testing.assert_allclose(ours.weight.data, target, atol=1e-12)
    square = PS.orthogonal(nn.Linear(3, 3), use_trivialization=False)
    with pytest.raises(NotImplementedError, match="use_trivialization=False"):
        square.weight = ag.tensor(np.eye(3, dtype=np.float32))
    with pytest.raises(ValueError, match="orthogonal_map has to be one of"):
        PS.orthogonal(nn.Linear(3, 3), orthogonal_map="qr")
    with pytest.raises(ValueError, match="matrix or batch of matrices"):
        PS.orthogonal(nn.Linear(3, 3), "bias")


def test_orthogonal_gradcheck():
    layer = PS.orthogonal(nn.Linear(3, 4, dtype=np.float64, rng=np.random.default_rng(0)))
    original = layer.parametrizations.weight.original
    x = ag.tensor(np.random.default_rng(1).standard_normal((2, 3)), requires_grad=True)
    with ag.no_grad():
        original.add_(ag.tensor(np.random.default_rng(2).standard_normal((4, 3)) * 0.3))
    assert ag.gradcheck(lambda x, w: layer(x), [x, original])
