"""Linear, Identity, Flatten and the activation layers: NumPy formulas, float64 gradcheck,
PyTorch parity (forward, input gradient and parameter gradients with copied weights)."""

import math

import numpy as np
import pytest
from module_parity import assert_module_matches_torch

import autograd as ag
import nn


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


def _x(rng, *shape):
    return ag.tensor(rng.standard_normal(shape), dtype=np.float64, requires_grad=True)


# --------------------------------------------------------------------- Linear
def test_linear_shapes_and_numpy_formula(rng):
    layer = nn.Linear(3, 5)
    assert layer.weight.shape == (5, 3) and layer.bias.shape == (5,)
    assert layer.weight.dtype == np.float32
    x = rng.standard_normal((4, 3)).astype(np.float32)
    expected = x @ layer.weight.data.T + layer.bias.data
    np.testing.assert_allclose(layer(ag.tensor(x)).data, expected, rtol=1e-6)


def test_linear_default_init_is_pytorchs_uniform_bound():
    ag.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight.data, layer.bias.data):
        assert p.min() >= -bound and p.max() <= bound
    # U(-b, b) has std b/sqrt(3)
    assert abs(layer.weight.data.std() - bound / math.sqrt(3)) < 0.02 * bound


def test_linear_init_is_seeded():
    ag.manual_seed(3)
    a = nn.Linear(4, 4)
    ag.manual_seed(3)
    b = nn.Linear(4, 4)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    c = nn.Linear(4, 4, rng=np.random.default_rng(3))
    d = nn.Linear(4, 4, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(c.bias.data, d.bias.data)


def test_linear_without_bias_and_errors():
    layer = nn.Linear(3, 2, bias=False)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    assert "bias=False" in repr(layer)
    with pytest.raises(ValueError, match=r"linear: input of shape \(4, 5\).*in_features = 3"):
        layer(ag.zeros(4, 5))
    with pytest.raises(ValueError, match="positive"):
        nn.Linear(0, 2)


def test_linear_refuses_an_input_of_another_dtype_as_torch():
    layer = nn.Linear(3, 2)
    with pytest.raises(TypeError, match=r"linear: input is float64 but weight is float32.*"
                                        r"x\.float\(\).*model\.double\(\)"):
        layer(ag.zeros(4, 3, dtype=np.float64))
    with pytest.raises(TypeError, match=r"input is int64 but weight is float32.*"
                                        r"x\.to\(dtype=np\.float32\)"):
        layer(ag.tensor(np.ones((4, 3), dtype=np.int64)))
    with pytest.raises(TypeError, match="bias is float64 but weight is float32"):
        ag.linear(ag.zeros(4, 3), layer.weight, ag.zeros(2, dtype=np.float64))
    assert layer.double()(ag.zeros(4, 3, dtype=np.float64)).dtype == np.float64


def test_linear_gradcheck(rng):
    layer = nn.Linear(3, 4).double()
    x = _x(rng, 5, 3)
    assert ag.gradcheck(lambda x, w, b: layer(x), (x, layer.weight, layer.bias))


def test_linear_matches_torch(rng, torch):
    layer = nn.Linear(3, 4)
    ref = torch.nn.Linear(3, 4)
    with torch.no_grad():
        ref.weight.copy_(torch.from_numpy(layer.weight.data))
        ref.bias.copy_(torch.from_numpy(layer.bias.data))
    assert_module_matches_torch(layer, ref, rng.standard_normal((6, 3)).astype(np.float32),
                                rng.standard_normal((6, 4)).astype(np.float32), torch)


# ------------------------------------------------------------ Identity, Flatten
def test_identity_and_flatten(rng):
    x = ag.tensor(rng.standard_normal((2, 3, 4)))
    assert nn.Identity(54, unused=1)(x) is x
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0)(x).shape == (24,)
    assert nn.Flatten(1, 1)(x).shape == (2, 3, 4)
    np.testing.assert_array_equal(nn.Flatten()(x).data, x.data.reshape(2, 12))


def test_flatten_gradcheck(rng):
    x = _x(rng, 2, 3, 2)
    assert ag.gradcheck(lambda x: nn.Flatten()(x) * ag.arange(6, dtype=np.float64), (x,))


# ----------------------------------------------------------------- activations
def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


ACTIVATIONS = [
    # (our layer, NumPy formula, PyTorch layer name and args)
    (nn.ReLU(), lambda z: np.maximum(z, 0), ("ReLU", ())),
    (nn.LeakyReLU(), lambda z: np.where(z > 0, z, 0.01 * z), ("LeakyReLU", ())),
    (nn.LeakyReLU(0.2), lambda z: np.where(z > 0, z, 0.2 * z), ("LeakyReLU", (0.2,))),
    (nn.Sigmoid(), _sigmoid, ("Sigmoid", ())),
    (nn.Tanh(), np.tanh, ("Tanh", ())),
    (nn.Softmax(), lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True), ("Softmax", (-1,))),
    (nn.Softmax(dim=0), lambda z: np.exp(z) / np.exp(z).sum(0, keepdims=True), ("Softmax", (0,))),
    (nn.LogSoftmax(), lambda z: z - np.log(np.exp(z).sum(-1, keepdims=True)),
     ("LogSoftmax", (-1,))),
]
IDS = ["relu", "leaky", "leaky0.2", "sigmoid", "tanh", "softmax", "softmax0", "logsoftmax"]


@pytest.mark.parametrize("layer, formula, _torch", ACTIVATIONS, ids=IDS)
def test_activation_forward_matches_numpy(layer, formula, _torch, rng):
    z = rng.standard_normal((4, 5))
    np.testing.assert_allclose(layer(ag.tensor(z, dtype=np.float64)).data, formula(z),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("layer, formula, _torch", ACTIVATIONS, ids=IDS)
def test_activation_gradcheck(layer, formula, _torch, rng):
    z = rng.standard_normal((3, 4))
    z[np.abs(z) < 1e-3] = 0.5  # keep finite differences away from relu's kink
    assert ag.gradcheck(layer, (ag.tensor(z, requires_grad=True),))


@pytest.mark.parametrize("layer, formula, spec", ACTIVATIONS, ids=IDS)
def test_activation_matches_torch(layer, formula, spec, rng, torch):
    name, args = spec
    assert_module_matches_torch(layer, getattr(torch.nn, name)(*args),
                                rng.standard_normal((4, 5)).astype(np.float32),
                                rng.standard_normal((4, 5)).astype(np.float32), torch)


def test_softmax_course_example():
    # seed inventory §18: z = [5, 2, -1, 3] -> [0.842, 0.042, 0.002, 0.114]
    p = nn.Softmax()(ag.tensor([[5.0, 2.0, -1.0, 3.0]], dtype=np.float64)).data[0]
    np.testing.assert_allclose(p, [0.84203357, 0.04192238, 0.00208719, 0.11395685], rtol=2e-6)
    np.testing.assert_allclose(np.round(p, 3), [0.842, 0.042, 0.002, 0.114])
    assert p.sum() == pytest.approx(1.0)


def test_activation_reprs():
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(nn.Softmax(dim=0)) == "Softmax(dim=0)"
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
