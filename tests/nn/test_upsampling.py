"""``interpolate``, ``pixel_shuffle``, ``pixel_unshuffle``, ``channel_shuffle`` and their
modules against PyTorch 2.13: values and input gradients in float64 and float32 over sizes
and scale factors (up, down, fractional, recomputed), every mode and align_corners;
``gradcheck``/``gradgradcheck`` on non-contiguous input; reprs; errors."""

from __future__ import annotations

import numpy as np
import pytest
from functional_parity import assert_functional_matches_torch as _compare
from module_parity import assert_module_matches_torch

import autograd as ag
import nn
import nn.functional as F


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


RESIZES = [
    {"size": (9, 4)}, {"size": (10, 14)}, {"size": (1, 1)}, {"scale_factor": 2},
    {"scale_factor": 3.0}, {"scale_factor": 1.7}, {"scale_factor": (0.6, 2.3)},
    {"scale_factor": 0.333}, {"scale_factor": 1.7, "recompute_scale_factor": True},
]
MODES = [("nearest", {}), ("nearest-exact", {}), ("bilinear", {}),
         ("bilinear", {"align_corners": True}), ("area", {})]


@pytest.mark.parametrize("resize", RESIZES)
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 2e-6)])
def test_interpolate_matches_torch(torch, rng, resize, dtype, tol):
    x4 = rng.standard_normal((2, 3, 5, 7)).astype(dtype)
    for mode, extra in MODES:
        _compare(torch, "interpolate", x4, (), {"mode": mode, **extra, **resize}, rng, tol)
    first = {k: v[0] if isinstance(v, tuple) else v for k, v in resize.items()}
    for mode, extra in [("nearest", {}), ("nearest-exact", {}), ("linear", {}),
                        ("linear", {"align_corners": True})]:
        _compare(torch, "interpolate", x4[:, :, 0], (), {"mode": mode, **extra, **first},
                 rng, tol)
    if first.get("scale_factor") != 0.333:  # would give a depth of 0
        x5 = rng.standard_normal((1, 2, 3, 4, 5)).astype(dtype)
        for mode in ("nearest", "nearest-exact", "trilinear", "area"):
            _compare(torch, "interpolate", x5, (), {"mode": mode, **first}, rng, tol)


@pytest.mark.parametrize("length,resize", [
    (255, {"scale_factor": 1.3}), (123, {"scale_factor": 3.83}), (274, {"scale_factor": 0.54}),
    (200, {"scale_factor": 1.004}), (12, {"size": 246}), (9, {"scale_factor": 1.05}),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_source_positions_at_rounding_edges(torch, length, resize, dtype):
    """Cases where floating-point details decide which input entry a place reads: PyTorch
    floors float64 positions as float32, has no shortcut for an unchanged size in the
    nearest modes, and copies such a dim in the linear modes."""
    x = np.arange(length, dtype=dtype).reshape(1, 1, length)
    for mode in ("nearest", "nearest-exact", "linear"):
        ours = F.interpolate(ag.tensor(x), mode=mode, **resize).data
        theirs = torch.nn.functional.interpolate(torch.from_numpy(x), mode=mode, **resize)
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-6, err_msg=mode)


@pytest.mark.parametrize("mode,extra,size", [
    ("nearest", {}, (7, 3)), ("nearest-exact", {}, (2, 5)), ("bilinear", {}, (7, 3)),
    ("bilinear", {"align_corners": True}, (2, 6)), ("area", {}, (2, 3)),
])
def test_interpolate_gradcheck_noncontiguous(rng, mode, extra, size):
    a = ag.tensor(rng.standard_normal((1, 2, 4, 5)), requires_grad=True)

    def fn(t):
        return F.interpolate(ag.swapaxes(t, -1, -2), size, mode=mode, **extra)

    assert ag.gradcheck(fn, (a,))
    assert ag.gradgradcheck(fn, (a,))


@pytest.mark.parametrize("fn,factor,shape", [
    ("pixel_shuffle", 2, (2, 8, 3, 4)), ("pixel_shuffle", 3, (2, 3, 18, 3, 2)),
    ("pixel_shuffle", 2, (4, 1, 3)), ("pixel_unshuffle", 2, (2, 2, 6, 4)),
    ("pixel_unshuffle", 3, (1, 3, 6)), ("channel_shuffle", 3, (2, 6, 4)),
    ("channel_shuffle", 2, (1, 4, 3, 2)),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_shuffles_match_torch(torch, rng, fn, factor, shape, dtype):
    _compare(torch, fn, rng.standard_normal(shape).astype(dtype), (factor,), {}, rng, 0)
    a = ag.tensor(rng.standard_normal(shape), requires_grad=True)
    assert ag.gradcheck(lambda t: getattr(F, fn)(t * 1.0, factor), (a,))


MODULES = [  # name, args, kwargs, input shape
    ("Upsample", (), {"scale_factor": 2}, (1, 2, 3, 4)),
    ("Upsample", ((5, 3),), {"mode": "bilinear"}, (2, 2, 3, 4)),
    ("Upsample", (7,), {"mode": "linear", "align_corners": True}, (2, 3, 4)),
    ("Upsample", (), {"scale_factor": (2, 1.5), "mode": "nearest-exact"}, (1, 2, 3, 4)),
    ("UpsamplingNearest2d", (), {"scale_factor": 3}, (1, 2, 3, 4)),
    ("UpsamplingBilinear2d", ((5, 7),), {}, (2, 1, 3, 4)),
    ("PixelShuffle", (2,), {}, (1, 8, 3, 2)),
    ("PixelUnshuffle", (2,), {}, (1, 2, 4, 6)),
    ("ChannelShuffle", (2,), {}, (2, 4, 3)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", MODULES)
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 2e-6)])
def test_modules_match_torch(torch, rng, name, args, kwargs, shape, dtype, tol):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert ours.state_dict() == {} and not theirs.state_dict()
    x = rng.standard_normal(shape).astype(dtype)
    g = rng.standard_normal(theirs(torch.from_numpy(x)).shape).astype(dtype)
    assert_module_matches_torch(ours, theirs, x, g, torch, rtol=tol, atol=tol)


def test_upsample_attributes(torch):
    ours, theirs = nn.UpsamplingBilinear2d(scale_factor=2), torch.nn.UpsamplingBilinear2d(
        scale_factor=2)
    for attr in ("name", "size", "scale_factor", "mode", "align_corners",
                 "recompute_scale_factor"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr


@pytest.mark.parametrize("call,error", [
    (lambda a: F.interpolate(a), "exactly one of size or scale_factor"),
    (lambda a: F.interpolate(a, 3, 2.0), "exactly one of size or scale_factor"),
    (lambda a: F.interpolate(a, 3, align_corners=True), "align_corners option"),
    (lambda a: F.interpolate(a, 3, mode="linear"), "linear mode needs 3D"),
    (lambda a: F.interpolate(a[0], 3, mode="bilinear"), "bilinear mode needs 4D"),
    (lambda a: F.interpolate(a, 3, mode="cubic"), "not supported"),
    (lambda a: F.interpolate(a, (3, 4, 5)), "same number of spatial"),
    (lambda a: F.interpolate(a, scale_factor=0.1), "greater than 0"),
    (lambda a: F.interpolate(a, 3, recompute_scale_factor=True), "not meaningful"),
    (lambda a: F.interpolate(a, 3, mode="nearest", antialias=True), "antialias"),
    (lambda a: F.pixel_shuffle(a, 2), "divisible by upscale_factor"),
    (lambda a: F.pixel_unshuffle(a, 3), "divisible by downscale_factor"),
    (lambda a: F.channel_shuffle(a, 2), "divisible by groups"),
    (lambda a: F.channel_shuffle(a, 0), "must be positive"),
    (lambda a: F.pixel_shuffle(a[0, 0], 1), "at least 3 dimensions"),
    (lambda a: F.channel_shuffle(a[0, 0], 1), "at least 3 dimensions"),
])
def test_errors(call, error):
    a = ag.tensor(np.zeros((1, 3, 4, 4)))
    with pytest.raises((ValueError, NotImplementedError, ag.ShapeError), match=error):
        call(a)
