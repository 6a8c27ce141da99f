"""BatchNorm1d: the course's formulas, PyTorch's running statistics, eval mode, gradients."""

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


def test_training_forward_is_the_course_formula(rng):
    x = rng.standard_normal((64, 4)) * 3 + 2
    bn = nn.BatchNorm1d(4, eps=1e-5).double()
    out = bn(ag.tensor(x)).data
    mu, var = x.mean(0), x.var(0)  # biased 1/m variance
    np.testing.assert_allclose(out, (x - mu) / np.sqrt(var + 1e-5), rtol=1e-10)
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(0), 1, rtol=1e-4)


def test_gamma_sqrt_var_beta_mu_recovers_the_input(rng):
    # seed §11: with γ = sqrt(σ² + ε) and β = μ batch norm is the identity
    x = rng.standard_normal((32, 3)) * 2 - 1
    bn = nn.BatchNorm1d(3).double()
    bn.load_state_dict({**bn.state_dict(), "weight": np.sqrt(x.var(0) + bn.eps),
                        "bias": x.mean(0)})
    np.testing.assert_allclose(bn(ag.tensor(x)).data, x, rtol=1e-10, atol=1e-12)


def test_parameters_buffers_and_init():
    bn = nn.BatchNorm1d(5)
    np.testing.assert_array_equal(bn.weight.data, 1)
    np.testing.assert_array_equal(bn.bias.data, 0)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    plain = nn.BatchNorm1d(5, affine=False, track_running_stats=False)
    assert list(plain.parameters()) == [] and plain.state_dict() == {}
    assert [name for name, _ in nn.BatchNorm1d(5, bias=False).named_parameters()] == ["weight"]
    assert nn.BatchNorm1d(5, bias=False).extra_repr() == (
        "5, eps=1e-05, momentum=0.1, affine=True, bias=False, track_running_stats=True")


def test_running_stats_use_the_unbiased_variance(rng):
    x = rng.standard_normal((10, 2))
    bn = nn.BatchNorm1d(2, momentum=0.1).double()
    bn(ag.tensor(x))
    np.testing.assert_allclose(bn.running_mean.data, 0.1 * x.mean(0))
    np.testing.assert_allclose(bn.running_var.data, 0.9 + 0.1 * x.var(0, ddof=1))
    assert int(bn.num_batches_tracked.item()) == 1


def test_momentum_none_is_the_cumulative_average(rng):
    bn = nn.BatchNorm1d(3, momentum=None).double()
    batches = [rng.standard_normal((8, 3)) + i for i in range(4)]
    for b in batches:
        bn(ag.tensor(b))
    np.testing.assert_allclose(bn.running_mean.data, np.mean([b.mean(0) for b in batches], 0))


def test_eval_uses_running_stats_and_does_not_update(rng):
    bn = nn.BatchNorm1d(3).double()
    for _ in range(5):
        bn(ag.tensor(rng.standard_normal((16, 3)) * 2 + 1))
    bn.eval()
    before = bn.running_mean.data.copy()
    x = rng.standard_normal((4, 3))
    expected = (x - bn.running_mean.data) / np.sqrt(bn.running_var.data + bn.eps)
    np.testing.assert_allclose(bn(ag.tensor(x)).data, expected, rtol=1e-10)
    np.testing.assert_array_equal(bn.running_mean.data, before)
    one = bn(ag.tensor(x[:1]))  # a single example is fine in eval mode
    assert one.shape == (1, 3)


def test_without_running_stats_eval_still_uses_the_batch(rng):
    bn = nn.BatchNorm1d(2, track_running_stats=False).double().eval()
    x = rng.standard_normal((6, 2))
    np.testing.assert_allclose(bn(ag.tensor(x)).data, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5),
                               rtol=1e-10)


def test_three_dimensional_input_normalizes_per_channel(rng):
    x = rng.standard_normal((4, 3, 5))
    out = nn.BatchNorm1d(3).double()(ag.tensor(x)).data
    mu, var = x.mean((0, 2), keepdims=True), x.var((0, 2), keepdims=True)
    np.testing.assert_allclose(out, (x - mu) / np.sqrt(var + 1e-5), rtol=1e-10)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 2)])
def test_gradcheck_and_gradgradcheck(shape, rng):
    x = ag.tensor(rng.standard_normal(shape), requires_grad=True)
    gamma = ag.tensor(rng.standard_normal(3) + 1.5, requires_grad=True)
    beta = ag.tensor(rng.standard_normal(3), requires_grad=True)

    def f(x, gamma, beta):
        return F.batch_norm(x, None, None, gamma, beta, training=True)

    assert ag.gradcheck(f, (x, gamma, beta))
    assert ag.gradgradcheck(f, (x, gamma, beta))
    assert f(x, gamma, beta).grad_fn.name == "BatchNormTrain"


@pytest.mark.parametrize("training", [True, False])
def test_gradcheck_through_a_module(training, rng):
    # training without running stats keeps the buffers still while differences are taken
    bn = nn.BatchNorm1d(4, track_running_stats=not training)
    model = nn.Sequential(nn.Linear(3, 4, bias=False), bn, nn.Tanh()).double()
    if not training:
        bn.load_state_dict({**bn.state_dict(), "running_mean": rng.standard_normal(4),
                            "running_var": rng.random(4) + 0.5})
        model.eval()
    x = ag.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    assert ag.gradcheck(lambda x, *ps: model(x), (x, *model.parameters()))


def test_matches_torch_over_training_steps_then_eval(rng, torch):
    bn = nn.BatchNorm1d(4, momentum=0.1)
    ref = torch.nn.BatchNorm1d(4, momentum=0.1)
    with torch.no_grad():
        ref.weight.copy_(torch.tensor([0.5, 1.0, 1.5, 2.0]))
        ref.bias.copy_(torch.tensor([0.1, -0.2, 0.3, 0.0]))
    bn.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    for step in range(4):
        xs = (rng.standard_normal((16, 4)) * (step + 1) + step).astype(np.float32)
        gs = rng.standard_normal((16, 4)).astype(np.float32)
        assert_module_matches_torch(bn, ref, xs, gs, torch, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.running_mean.data, ref.running_mean.numpy(), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.data, ref.running_var.numpy(), rtol=1e-5)
    assert int(bn.num_batches_tracked.item()) == int(ref.num_batches_tracked) == 4
    bn.eval()
    ref.eval()
    xs = rng.standard_normal((3, 4)).astype(np.float32)
    np.testing.assert_allclose(bn(ag.tensor(xs)).data, ref(torch.from_numpy(xs)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_bias_false_keeps_the_weight_only_as_torch(rng, torch):
    bn = nn.BatchNorm1d(3, bias=False)
    ref = torch.nn.BatchNorm1d(3, bias=False)
    assert bn.bias is None and list(bn.state_dict()) == list(ref.state_dict())
    assert bn.extra_repr() == ref.extra_repr()
    assert nn.BatchNorm1d(3).extra_repr() == torch.nn.BatchNorm1d(3).extra_repr()
    assert repr(nn.BatchNorm1d(3, affine=False)) == repr(torch.nn.BatchNorm1d(3, affine=False))
    with torch.no_grad():
        ref.weight.copy_(torch.tensor([0.5, 1.0, 2.0]))
    bn.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    xs = rng.standard_normal((8, 3)).astype(np.float32)
    gs = rng.standard_normal((8, 3)).astype(np.float32)
    assert_module_matches_torch(bn, ref, xs, gs, torch, rtol=1e-4, atol=1e-5)


def test_errors(rng):
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 3\).*got \(4, 5\)"):
        bn(ag.zeros(4, 5))
    with pytest.raises(ValueError, match=r"more than 1 value per channel.*\.eval\(\)"):
        bn(ag.zeros(1, 3))
    with pytest.raises(ValueError, match="x.T"):
        bn(ag.zeros(3))


def test_dtypes_follow_torch(rng, torch):
    """Statistics and parameters share the input's dtype; a float16 input may have them all
    float32 (the output stays float16, in training and evaluation); integers are refused."""
    bn = nn.BatchNorm1d(3)
    with pytest.raises(TypeError, match=r"batch_norm: input is float64 but running_mean is "
                                        r"float32.*model\.double\(\)"):
        bn(ag.zeros(4, 3, dtype=np.float64))
    with pytest.raises(TypeError, match="batch_norm: input must be floating point, got int64"):
        bn(ag.tensor(np.ones((4, 3), dtype=np.int64)))
    with pytest.raises(TypeError, match="input is float32 but weight is float64"):
        F.batch_norm(ag.zeros(4, 3), None, None, ag.ones(3, dtype=np.float64), training=True)
    x16 = rng.standard_normal((6, 3)).astype(np.float16)
    ref = torch.nn.BatchNorm1d(3)
    for training in (True, False):
        bn.train(training)
        ref.train(training)
        x = ag.tensor(x16, requires_grad=True)
        xt = torch.tensor(x16, requires_grad=True)
        y, yt = bn(x), ref(xt)
        assert y.dtype == np.float16 and yt.dtype == torch.float16
        np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-2, atol=1e-2)
        y.sum().backward()
        yt.sum().backward()
        assert x.grad.dtype == np.float16 and bn.weight.grad.dtype == np.float32
