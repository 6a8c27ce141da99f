"""BatchNorm2d/3d, GroupNorm, InstanceNorm1d/2d/3d and LocalResponseNorm against PyTorch."""

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


def _load_from(ours, ref, rng, torch):
    """Random affine parameters into ``ref``, then all of its state into ``ours``."""
    with torch.no_grad():
        for p in ref.parameters():
            p.copy_(torch.tensor(rng.standard_normal(p.shape) * 0.5 + 1.0))
    ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})


def _assert_same_state(ours, ref):
    theirs = ref.state_dict()
    assert list(ours.state_dict()) == list(theirs)
    for key, value in ours.state_dict().items():
        np.testing.assert_allclose(value, theirs[key].numpy(), rtol=1e-5, err_msg=key)


def _gradchecks(f, *tensors):
    assert ag.gradcheck(f, tensors)
    assert ag.gradgradcheck(f, tensors)


# ---- BatchNorm2d / BatchNorm3d --------------------------------------------------------------

@pytest.mark.parametrize("name, shape", [("BatchNorm2d", (4, 3, 5, 2)),
                                         ("BatchNorm3d", (2, 3, 2, 3, 2))])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_nd_matches_torch_over_training_steps_then_eval(name, shape, momentum, rng,
                                                                  torch):
    ours = getattr(nn, name)(3, momentum=momentum)
    ref = getattr(torch.nn, name)(3, momentum=momentum)
    _load_from(ours, ref, rng, torch)
    for step in range(3):
        xs = (rng.standard_normal(shape) * (step + 1) + step).astype(np.float32)
        gs = rng.standard_normal(shape).astype(np.float32)
        assert_module_matches_torch(ours, ref, xs, gs, torch, rtol=1e-4, atol=1e-5)
    _assert_same_state(ours, ref)
    ours.eval()
    ref.eval()
    xs = rng.standard_normal((1,) + shape[1:]).astype(np.float32)
    gs = rng.standard_normal(xs.shape).astype(np.float32)
    assert_module_matches_torch(ours, ref, xs, gs, torch, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kwargs", [dict(affine=False), dict(track_running_stats=False),
                                    dict(bias=False)])
def test_batchnorm2d_options_match_torch_in_float64(kwargs, rng, torch):
    ours, ref = nn.BatchNorm2d(2, **kwargs).double(), torch.nn.BatchNorm2d(2, **kwargs).double()
    assert repr(ours).split("  [")[0] == repr(ref)
    assert list(ours.state_dict()) == list(ref.state_dict())
    _load_from(ours, ref, rng, torch)
    for training in (True, False):
        ours.train(training)
        ref.train(training)
        xs = rng.standard_normal((3, 2, 3, 3))
        assert_module_matches_torch(ours, ref, xs, rng.standard_normal(xs.shape), torch,
                                    rtol=1e-10, atol=1e-10)


def test_batch_norm_functional_takes_any_rank_and_noncontiguous_input(rng, torch):
    x = rng.standard_normal((3, 2, 4, 2)).transpose(0, 1, 3, 2)[:, :, :, ::2]  # (3, 2, 2, 2)
    gamma, beta = rng.standard_normal(2) + 1.5, rng.standard_normal(2)
    args = [ag.tensor(a, requires_grad=True) for a in (x, gamma, beta)]
    _gradchecks(lambda x, g, b: F.batch_norm(x, None, None, g, b, training=True), *args)
    y = F.batch_norm(args[0], None, None, args[1], args[2], training=True)
    assert y.grad_fn.name == "Reshape"  # the fused op on the (N, C, L) view
    assert F.batch_norm(args[0][:, :, 0], None, None, training=True).grad_fn.name == (
        "BatchNormTrain")
    ref = torch.nn.functional.batch_norm(torch.tensor(x), None, None, torch.tensor(gamma),
                                         torch.tensor(beta), training=True)
    np.testing.assert_allclose(y.data, ref.numpy(), rtol=1e-10, atol=1e-12)


def test_batchnorm_2d_3d_keep_the_fused_path_and_check_ranks(rng):
    x = ag.tensor(rng.standard_normal((2, 3, 2, 2)), requires_grad=True)
    bn = nn.BatchNorm2d(3).double()
    bn(x).sum().backward()
    assert x.grad.shape == x.shape
    with pytest.raises(ag.ShapeError, match=r"BatchNorm2d: expected 4D input \(N, C, H, W\), "
                                            r"got input of shape \(2, 3, 4\)"):
        bn(ag.zeros(2, 3, 4, dtype=np.float64))
    with pytest.raises(ag.ShapeError, match="BatchNorm3d: expected 5D"):
        nn.BatchNorm3d(3)(ag.zeros(2, 3, 2, 2))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm2d(3)(ag.zeros(1, 3, 1, 1))
    with pytest.raises(ValueError, match=r"\(N, 4\).*got \(2, 3, 2, 2\)"):
        nn.BatchNorm2d(4).double()(x)


# ---- GroupNorm -------------------------------------------------------------------------------

@pytest.mark.parametrize("groups, shape", [(2, (1, 4, 3)), (3, (2, 3, 2, 3)), (1, (3, 4)),
                                           (4, (2, 4, 5))])
def test_group_norm_matches_torch(groups, shape, rng, torch):
    channels = shape[1]
    for dtype, tol in ((np.float64, 1e-10), (np.float32, 1e-5)):
        ours = nn.GroupNorm(groups, channels, dtype=dtype)
        ref = torch.nn.GroupNorm(groups, channels, dtype=getattr(torch, np.dtype(dtype).name))
        _load_from(ours, ref, rng, torch)
        xs = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
        assert_module_matches_torch(ours, ref, xs, rng.standard_normal(shape).astype(dtype),
                                    torch, rtol=tol * 10, atol=tol)


def test_group_norm_gradchecks_and_layout(rng, torch):
    x = rng.standard_normal((2, 6, 3, 2)).transpose(0, 1, 3, 2)  # non-contiguous
    args = [ag.tensor(a, requires_grad=True)
            for a in (x, rng.standard_normal(6) + 1, rng.standard_normal(6))]
    _gradchecks(lambda x, w, b: F.group_norm(x, 3, w, b, eps=1e-5), *args)
    gn = nn.GroupNorm(3, 6)
    ref = torch.nn.GroupNorm(3, 6)
    assert repr(gn).split("  [")[0] == repr(ref)
    assert list(gn.state_dict()) == list(ref.state_dict())
    for kwargs in (dict(affine=False), dict(bias=False)):
        assert repr(nn.GroupNorm(3, 6, **kwargs)).split("  [")[0] == repr(
            torch.nn.GroupNorm(3, 6, **kwargs))
        assert list(nn.GroupNorm(3, 6, **kwargs).state_dict()) == list(
            torch.nn.GroupNorm(3, 6, **kwargs).state_dict())
    with pytest.raises(ValueError, match="GroupNorm: num_channels must be divisible"):
        nn.GroupNorm(4, 6)
    with pytest.raises(ValueError, match=r"group_norm.*\(2, 6, 2, 3\).*num_groups=4"):
        F.group_norm(args[0], 4)
    with pytest.raises(ag.ShapeError, match=r"GroupNorm: expected input of shape \(N, 6, \*\)"):
        gn(ag.zeros(2, 4))
    with pytest.raises(ag.ShapeError, match=r"group_norm: weight of shape \(3,\)"):
        F.group_norm(args[0], 3, ag.ones(3, dtype=np.float64))


# ---- InstanceNorm ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, shape", [("InstanceNorm1d", (3, 2, 5)),
                                         ("InstanceNorm2d", (2, 3, 3, 2)),
                                         ("InstanceNorm3d", (1, 2, 2, 2, 3))])
@pytest.mark.parametrize("kwargs", [{}, dict(affine=True),
                                    dict(affine=True, track_running_stats=True, momentum=0.3)])
def test_instance_norm_matches_torch_training_then_eval(name, shape, kwargs, rng, torch):
    ours, ref = getattr(nn, name)(shape[1], **kwargs), getattr(torch.nn, name)(shape[1], **kwargs)
    assert repr(ours).split("  [")[0] == repr(ref)
    assert list(ours.state_dict()) == list(ref.state_dict())
    _load_from(ours, ref, rng, torch)
    for step in range(2):
        xs = (rng.standard_normal(shape) * (step + 1) + step).astype(np.float32)
        assert_module_matches_torch(ours, ref, xs, rng.standard_normal(shape).astype(np.float32),
                                    torch, rtol=1e-4, atol=1e-5)
    _assert_same_state(ours, ref)
    ours.eval()
    ref.eval()
    xs = rng.standard_normal(shape[1:]).astype(np.float32)  # unbatched
    np.testing.assert_allclose(ours(ag.tensor(xs)).data,
                               ref(torch.from_numpy(xs)).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_instance_norm_functional_gradchecks_and_errors(rng):
    x = ag.tensor(rng.standard_normal((2, 3, 4))[:, :, ::-1], requires_grad=True)
    w = ag.tensor(rng.standard_normal(3) + 1, requires_grad=True)
    b = ag.tensor(rng.standard_normal(3), requires_grad=True)
    _gradchecks(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), x, w, b)
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        nn.InstanceNorm1d(3)(ag.zeros(2, 3, 1))
    with pytest.raises(ag.ShapeError, match=r"size at dim=1 to match num_features \(3\), but "
                                            r"got: 4"):
        nn.InstanceNorm1d(3, affine=True)(ag.zeros(2, 4, 5))
    with pytest.warns(UserWarning, match="num_features"):
        nn.InstanceNorm1d(3)(ag.tensor(rng.standard_normal((2, 4, 5)).astype(np.float32)))
    with pytest.raises(ag.ShapeError, match=r"InstanceNorm2d: expected 3D \(unbatched\) or 4D"):
        nn.InstanceNorm2d(3)(ag.zeros(3, 4))
    with pytest.raises(ValueError, match="use_input_stats=False needs running_mean"):
        F.instance_norm(x, use_input_stats=False)


@pytest.mark.parametrize("shape", [(0, 4, 3), (2, 4, 0)])
def test_empty_input_gives_empty_output_as_torch(shape):
    for out in (F.instance_norm(ag.zeros(*shape)), F.group_norm(ag.zeros(*shape), 2),
                F.local_response_norm(ag.zeros(*shape), 2),
                nn.InstanceNorm1d(4, track_running_stats=True)(ag.zeros(*shape))):
        assert out.shape == shape


# ---- LocalResponseNorm -----------------------------------------------------------------------

@pytest.mark.parametrize("size, shape", [(3, (2, 5, 4)), (2, (1, 4, 2, 3)), (5, (2, 3, 2, 1, 2)),
                                         (1, (1, 2, 3))])
def test_local_response_norm_matches_torch(size, shape, rng, torch):
    ours = nn.LocalResponseNorm(size, alpha=0.5, beta=0.6, k=1.5)
    ref = torch.nn.LocalResponseNorm(size, alpha=0.5, beta=0.6, k=1.5)
    assert repr(ours).split("  [")[0] == repr(ref)
    for dtype, tol in ((np.float64, 1e-10), (np.float32, 1e-5)):
        xs = (rng.standard_normal(shape) * 2).astype(dtype)
        assert_module_matches_torch(ours, ref, xs, rng.standard_normal(shape).astype(dtype),
                                    torch, rtol=tol * 10, atol=tol)
    x = ag.tensor(rng.standard_normal(shape), requires_grad=True)
    _gradchecks(lambda x: F.local_response_norm(x, size, 0.5, 0.6, 1.5), x)


def test_local_response_norm_errors():
    with pytest.raises(ag.ShapeError, match=r"local_response_norm: .*3 or more dimensions, got "
                                            r"\(2, 4\)"):
        nn.LocalResponseNorm(3)(ag.zeros(2, 4))
    with pytest.raises(ValueError, match="size must be a positive int"):
        F.local_response_norm(ag.zeros(2, 3, 4), 0)
