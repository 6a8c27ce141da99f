"""Gradient clipping (PyTorch parity) and the course's θ unrolling."""

import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    grads_to_vector,
    parameters_to_vector,
    vector_to_parameters,
)


def _params_with_grads(rng):
    ps = [nn.Parameter(rng.standard_normal(s).astype(np.float32)) for s in [(3, 4), (4,), (2, 3)]]
    for p in ps:
        p.grad = ag.tensor(rng.standard_normal(p.shape).astype(np.float32) * 3)
    return ps


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, rng):
    torch = pytest.importorskip("torch")
    ours = _params_with_grads(rng)
    theirs = [torch.nn.Parameter(torch.from_numpy(p.data.copy())) for p in ours]
    for t, p in zip(theirs, ours):
        t.grad = torch.from_numpy(p.grad.data.copy())
    total = clip_grad_norm_(ours, max_norm, norm_type)
    ref_total = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert float(total) == pytest.approx(float(ref_total), rel=1e-5)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_clip_grad_norm_caps_the_joint_norm(rng):
    ps = _params_with_grads(rng)
    before = np.sqrt(sum((p.grad.data.astype(np.float64) ** 2).sum() for p in ps))
    total = clip_grad_norm_(ps, 1.0)
    assert float(total) == pytest.approx(before, rel=1e-6)
    after = np.sqrt(sum((p.grad.data.astype(np.float64) ** 2).sum() for p in ps))
    assert after == pytest.approx(1.0, rel=1e-5)


def test_clip_grad_norm_edge_cases(rng):
    p = nn.Parameter(ag.ones(2))
    assert float(clip_grad_norm_(p, 1.0)) == 0.0  # no grads: nothing to do
    p.grad = ag.tensor([np.nan, 1.0])
    with pytest.raises(RuntimeError, match="error_if_nonfinite"):
        clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="norm_type"):
        clip_grad_norm_(p, 1.0, norm_type=0)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf · 0
def test_clip_grad_norm_of_nonfinite_gradients_follows_torch():
    # torch multiplies by clamp(max_norm / (total + 1e-6), max=1): NaN for a NaN total
    a, b = nn.Parameter(ag.ones(2)), nn.Parameter(ag.ones(3))
    a.grad, b.grad = ag.tensor([np.nan, 1.0]), ag.tensor([1.0, 2.0, 3.0])
    assert np.isnan(float(clip_grad_norm_([a, b], 1.0)))
    assert np.all(np.isnan(a.grad.data)) and np.all(np.isnan(b.grad.data))
    for order in (np.inf, "inf"):  # the NaN is not lost behind a larger gradient's max
        b.grad, a.grad = ag.tensor([1.0, 2.0, 3.0]), ag.tensor([np.nan, 1.0])
        assert np.isnan(float(clip_grad_norm_([b, a], 1.0, order)))
        assert np.all(np.isnan(b.grad.data))
    a.grad, b.grad = ag.tensor([np.inf, 1.0]), ag.tensor([1.0, 2.0, 3.0])
    assert float(clip_grad_norm_([a, b], 1.0)) == np.inf
    np.testing.assert_array_equal(b.grad.data, [0.0, 0.0, 0.0])  # scaled by 0


def test_clip_grad_norm_reads_norm_type_as_torch_does():
    ours = _params_with_grads(np.random.default_rng(0))
    theirs = _params_with_grads(np.random.default_rng(0))
    assert float(clip_grad_norm_(ours, 1.0, "inf")) == float(
        clip_grad_norm_(theirs, 1.0, float("inf")))
    for p, q in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad.data, q.grad.data)
    with pytest.raises(TypeError, match="norm_type must be a number or 'inf', got 'max'"):
        clip_grad_norm_(ours, 1.0, "max")
    with pytest.raises(ValueError, match="positive"):
        clip_grad_norm_(ours, 1.0, float("nan"))


def test_clip_grad_value(rng):
    ps = _params_with_grads(rng)
    clip_grad_value_(ps, 0.5)
    for p in ps:
        assert np.abs(p.grad.data).max() <= 0.5
    with pytest.raises(ValueError, match="clip_value"):
        clip_grad_value_(ps, -1)


def test_parameters_to_vector_round_trip_in_parameters_order():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    theta = parameters_to_vector(model.parameters())
    expected = np.concatenate([p.data.ravel() for p in model.parameters()])
    np.testing.assert_array_equal(theta.data, expected)
    assert theta.shape == (3 * 2 + 2 + 2 + 1,)
    new = np.arange(theta.shape[0], dtype=np.float32)
    vector_to_parameters(new, model.parameters())
    np.testing.assert_array_equal(model[0].weight.data, new[:6].reshape(2, 3))
    np.testing.assert_array_equal(model[1].bias.data, new[-1:])
    np.testing.assert_array_equal(parameters_to_vector(model.parameters()).data, new)


def test_theta_is_differentiable_and_grads_unroll_in_the_same_order(rng):
    model = nn.Linear(2, 2).double()
    theta = parameters_to_vector(model.parameters())
    (theta * theta).sum().backward()
    np.testing.assert_allclose(grads_to_vector(model.parameters()), 2 * theta.data)


def test_vector_to_parameters_errors():
    model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="has 5 elements but the parameters hold 6"):
        vector_to_parameters(np.zeros(5), model.parameters())
    with pytest.raises(ValueError, match="1-D"):
        vector_to_parameters(np.zeros((2, 3)), model.parameters())
    with pytest.raises(ValueError, match="no parameters"):
        parameters_to_vector([])


def test_clipping_takes_torchs_foreach_with_the_same_result():
    for foreach in (None, True, False):
        w = nn.Parameter(ag.ones(3))
        w.grad = ag.full((3,), 4.0)
        total = nn.utils.clip_grad_norm_([w], 1.0, foreach=foreach)
        assert total.item() == pytest.approx(48 ** 0.5)
        nn.utils.clip_grad_value_([w], 0.1, foreach=foreach)
        np.testing.assert_allclose(w.grad.data, [0.1, 0.1, 0.1])


def test_get_total_norm_and_clip_grads_with_norm_match_torch(rng):
    torch = pytest.importorskip("torch")
    from nn.utils import clip_grads_with_norm_, get_total_norm

    arrays = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    for order in (2.0, 1.0, float("inf")):
        ours = get_total_norm([ag.tensor(a) for a in arrays], order)
        theirs = torch.nn.utils.get_total_norm([torch.tensor(a) for a in arrays], order)
        assert float(ours) == pytest.approx(float(theirs), rel=1e-12)
        params = [ag.tensor(a.copy(), requires_grad=True) for a in arrays]
        tparams = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
        for p, tp, a in zip(params, tparams, arrays):
            p.grad, tp.grad = ag.tensor(a * 3.0), torch.tensor(a * 3.0)
        clip_grads_with_norm_(params, 0.5, ours * 3.0)
        torch.nn.utils.clip_grads_with_norm_(tparams, 0.5, theirs * 3.0)
        for p, tp in zip(params, tparams):
            np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-12)
    assert float(get_total_norm([])) == 0.0
    with pytest.raises(RuntimeError, match="get_total_norm: the total norm .* nan"):
        get_total_norm([ag.tensor([np.nan])], error_if_nonfinite=True)


@pytest.mark.parametrize("bias, affine", [(True, True), (False, True), (True, False)])
def test_fuse_linear_bn_eval_computes_what_the_two_compute(bias, affine, rng):
    from nn.utils import fuse_linear_bn_eval

    linear = nn.Linear(5, 4, bias=bias).double()
    bn = nn.BatchNorm1d(4, affine=affine).double()
    for _ in range(3):  # running statistics away from 0 and 1
        bn(linear(ag.tensor(rng.standard_normal((16, 5)) * 2 + 1)))
    if affine:
        bn.weight.data[...] = rng.uniform(0.5, 2.0, 4)
        bn.bias.data[...] = rng.standard_normal(4)
    linear.eval()
    bn.eval()
    fused = fuse_linear_bn_eval(linear, bn)
    x = ag.tensor(rng.standard_normal((7, 5)))
    np.testing.assert_allclose(fused(x).data, bn(linear(x)).data, rtol=1e-12, atol=1e-14)
    assert fused.bias is not None and fused.weight.requires_grad
    assert fused.bias.requires_grad is bias
    assert linear.weight is not fused.weight  # a copy: the original is left as it was
    with pytest.raises(RuntimeError, match="fuse_linear_bn_eval: fusion is for inference"):
        fuse_linear_bn_eval(linear.train(), bn)


def test_fuse_linear_bn_weights_match_torch(rng):
    torch = pytest.importorskip("torch")
    from nn.utils import fuse_linear_bn_weights

    w, b = rng.standard_normal((4, 3)), rng.standard_normal(4)
    rm, rv = rng.standard_normal(4), rng.uniform(0.5, 2.0, 4)
    g, beta = rng.uniform(0.5, 2.0, 4), rng.standard_normal(4)
    ours = fuse_linear_bn_weights(*[ag.tensor(a) for a in (w, b, rm, rv)], 1e-5,
                                  ag.tensor(g), ag.tensor(beta))
    theirs = torch.nn.utils.fuse_linear_bn_weights(*[torch.tensor(a) for a in (w, b, rm, rv)],
                                                   1e-5, torch.tensor(g), torch.tensor(beta))
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-13)
