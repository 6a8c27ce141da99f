"""Pooling against PyTorch 2.13: ``max_pool``, ``avg_pool``, ``lp_pool``, adaptive pooling
and ``max_unpool`` (1d and 2d, functions and modules). Values, returned indices and input
gradients in float64 and float32 over padding, dilation, ceil_mode, count_include_pad,
divisor_override, batched/unbatched and batch-1 inputs; ties, NaN and -inf under max
pooling; ``gradcheck``/``gradgradcheck`` on non-contiguous input; reprs; errors."""

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


CASES = [  # function, args, kwargs, input shape
    ("max_pool2d", (2,), {}, (2, 3, 6, 8)),
    ("max_pool2d", (3, 2, 1), {"return_indices": True}, (1, 2, 7, 6)),
    ("max_pool2d", ((2, 3), (1, 2), (1, 0), (2, 1)), {"ceil_mode": True,
                                                      "return_indices": True}, (2, 7, 8)),
    ("max_pool2d", (2,), {"ceil_mode": True, "return_indices": True}, (1, 1, 5, 5)),
    ("max_pool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 2, 6, 6)),
    ("max_pool1d", (3, 2, 1), {"return_indices": True}, (2, 3, 9)),
    ("max_pool1d", (2,), {"dilation": 2, "ceil_mode": True}, (3, 8)),
    ("avg_pool2d", (2,), {}, (2, 3, 6, 8)),
    ("avg_pool2d", (3, 2, 1), {"ceil_mode": True}, (1, 2, 7, 6)),
    ("avg_pool2d", (3, 2, 1), {"ceil_mode": True, "count_include_pad": False}, (2, 7, 6)),
    ("avg_pool2d", ((2, 3), (2, 1), (1, 1)), {"divisor_override": 4}, (2, 2, 5, 6)),
    ("avg_pool1d", (3, 2, 1), {"ceil_mode": True, "count_include_pad": False}, (2, 3, 8)),
    ("avg_pool1d", (4,), {"stride": 3}, (3, 9)),
    ("lp_pool2d", (2.0, 2), {}, (2, 3, 6, 8)),
    ("lp_pool2d", (3.0, (2, 3)), {"stride": 2, "ceil_mode": True}, (2, 7, 6)),
    ("lp_pool1d", (1.5, 3), {"stride": 2}, (2, 3, 9)),
    ("adaptive_avg_pool2d", ((3, 5),), {}, (2, 3, 7, 8)),
    ("adaptive_avg_pool2d", ((None, 11),), {}, (1, 2, 5, 7)),
    ("adaptive_avg_pool1d", (4,), {}, (3, 9)),
    ("adaptive_max_pool2d", ((3, 5),), {"return_indices": True}, (2, 3, 7, 8)),
    ("adaptive_max_pool2d", (9,), {"return_indices": True}, (2, 5, 7)),
    ("adaptive_max_pool1d", (4,), {"return_indices": True}, (1, 3, 9)),
    ("max_pool3d", (2,), {"return_indices": True}, (1, 2, 4, 5, 4)),
    ("max_pool3d", ((3, 2, 2), 2, 1), {"ceil_mode": True, "return_indices": True}, (2, 5, 4, 5)),
    ("avg_pool3d", ((3, 2, 2), 2, 1), {"ceil_mode": True, "count_include_pad": False},
     (1, 2, 5, 4, 5)),
    ("avg_pool3d", (2,), {"divisor_override": 3}, (2, 4, 5, 4)),
    ("lp_pool3d", (2.0, 2), {"stride": 1}, (1, 2, 3, 4, 3)),
    ("adaptive_avg_pool3d", ((2, 3, None),), {}, (1, 2, 5, 4, 3)),
    ("adaptive_max_pool3d", ((2, 3, 2),), {"return_indices": True}, (2, 5, 4, 3)),
]


@pytest.mark.parametrize("fn,args,kwargs,shape", CASES)
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_matches_torch(torch, rng, fn, args, kwargs, shape, dtype, tol):
    x = rng.standard_normal(shape).astype(dtype)
    if fn.startswith("lp"):
        x = np.abs(x) + 0.5
    _compare(torch, fn, x, args, kwargs, rng, tol)


GRADCHECKED = [  # small shapes, batch 1 and odd sizes
    ("max_pool2d", (3, 2, 1), {"ceil_mode": True}, (1, 2, 5, 4)),
    ("max_pool2d", (2,), {}, (2, 1, 4, 5)),
    ("max_pool1d", (2,), {"dilation": 2, "padding": 1}, (2, 5)),
    ("avg_pool2d", (3, 2, 1), {"ceil_mode": True, "count_include_pad": False}, (1, 5, 4)),
    ("avg_pool1d", (2,), {"stride": 1, "ceil_mode": True}, (1, 2, 5)),
    ("lp_pool2d", (2.0, 2), {"ceil_mode": True}, (1, 1, 5, 3)),
    ("lp_pool1d", (3.0, 2), {}, (2, 5)),
    ("adaptive_avg_pool2d", ((2, 3),), {}, (1, 2, 5, 4)),
    ("adaptive_avg_pool1d", (3,), {}, (2, 5)),
    ("adaptive_max_pool2d", ((2, 3),), {}, (1, 2, 5, 4)),
    ("adaptive_max_pool1d", (3,), {}, (2, 5)),
    ("max_pool3d", (2,), {"stride": 1, "padding": 1}, (1, 1, 3, 2, 3)),
    ("avg_pool3d", (2,), {"stride": 1, "padding": 1, "count_include_pad": False}, (1, 3, 2, 3)),
    ("adaptive_avg_pool3d", (2,), {}, (1, 1, 3, 2, 3)),
    ("adaptive_max_pool3d", (2,), {}, (1, 3, 2, 3)),
]


@pytest.mark.parametrize("fn,args,kwargs,shape", GRADCHECKED)
def test_gradcheck_noncontiguous(rng, fn, args, kwargs, shape):
    a = ag.tensor(rng.standard_normal(shape[:-2] + shape[:-3:-1]), requires_grad=True)
    if fn.startswith("lp"):
        a = ag.tensor(np.abs(a.data) + 0.5, requires_grad=True)

    def pool(t):
        out = getattr(F, fn)(ag.swapaxes(t, -1, -2), *args, **kwargs)
        return out[0] if isinstance(out, tuple) else out

    assert ag.gradcheck(pool, (a,))
    assert ag.gradgradcheck(pool, (a,))


def test_max_ties_nan_and_inf_follow_torch(torch, rng):
    x = np.round(rng.standard_normal((2, 3, 6, 7)))  # many ties
    _compare(torch, "max_pool2d", x, (3, 2, 1), {"return_indices": True}, rng, 0)
    _compare(torch, "adaptive_max_pool2d", x, ((4, 3),), {"return_indices": True}, rng, 0)
    x = rng.standard_normal((1, 1, 4, 6))
    x[0, 0, 0, 0] = x[0, 0, 1, 1] = x[0, 0, 2, 4] = np.nan
    x[0, 0, 3, 3] = -np.inf
    _compare(torch, "max_pool2d", x, (2,), {"return_indices": True}, rng, 0)
    _compare(torch, "adaptive_max_pool2d", x, (2,), {"return_indices": True}, rng, 0)
    x = np.full((1, 1, 4, 4), -np.inf)
    _compare(torch, "max_pool2d", x, (3, 2, 1), {"return_indices": True}, rng, 0)


CHANNELS_LAST = [  # function, args, kwargs, the input's memory (N, *spatial, C)
    ("max_pool2d", (2,), {}, (2, 6, 8, 3)),
    ("max_pool2d", (3, 2, 1), {"ceil_mode": True}, (2, 7, 6, 4)),
    ("max_pool2d", ((2, 3), (1, 2), (1, 0), (2, 1)), {"ceil_mode": True}, (1, 7, 8, 5)),
    ("max_pool1d", (2, 2, 1, 2, True), {}, (2, 2, 3)),  # windows holding padding only
    ("max_pool3d", (2,), {"stride": 1, "padding": 1}, (1, 3, 4, 3, 6)),
]


@pytest.mark.parametrize("fn,args,kwargs,memory", CHANNELS_LAST)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_channels_last_max_pool_matches_torch_and_keeps_the_layout(torch, rng, fn, args,
                                                                   kwargs, memory, dtype):
    # A channels-last batch (a convolution's output) is pooled with its channels
    # innermost: PyTorch's values, indices and gradient, and a channels-last result.
    x = np.round(rng.standard_normal(memory) * 2).astype(dtype)  # ties
    x.flat[::7] = np.nan
    view = np.moveaxis(x, -1, 1)
    a = ag.from_numpy(view).requires_grad_()
    out, idx = getattr(F, fn)(a, *args, **kwargs, return_indices=True)
    t = torch.from_numpy(view).requires_grad_()
    ref, ref_idx = getattr(torch.nn.functional, fn)(t, *args, **kwargs, return_indices=True)
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    np.testing.assert_array_equal(idx.data, ref_idx.numpy())
    assert np.moveaxis(out.data, 1, -1).flags.c_contiguous
    g = rng.standard_normal(out.shape).astype(dtype)
    out.backward(ag.tensor(g))
    ref.backward(torch.from_numpy(g))
    empty = np.isneginf(out.data) & np.isneginf(ref.detach().numpy())
    if not empty.any():  # PyTorch's backward writes out of bounds from such windows
        # overlapping windows sum their gradients (in float64 in the NumPy reference)
        tol = 1e-12 if dtype == np.float64 else 1e-6
        np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=tol, atol=tol)


def test_channels_last_max_pool_gradchecks(rng):
    a = ag.from_numpy(np.moveaxis(rng.standard_normal((2, 5, 4, 3)), -1, 1)).requires_grad_()

    def pool(t):
        return F.max_pool2d(t, 3, 2, 1, ceil_mode=True)

    assert ag.gradcheck(pool, (a,))
    assert ag.gradgradcheck(pool, (a,))


def test_window_without_input_entries(torch):
    """Dilation can make a window hold padding only: -inf and PyTorch's (out-of-range)
    index, with no gradient (PyTorch's own backward writes out of bounds there)."""
    x = np.array([[3.0], [5.0]])
    a = ag.tensor(x, requires_grad=True)
    out, idx = F.max_pool1d(a, 2, 2, 1, 2, True, True)
    ref, ref_idx = torch.nn.functional.max_pool1d(torch.from_numpy(x), 2, 2, 1, 2, True, True)
    np.testing.assert_array_equal(out.data, ref.numpy())
    np.testing.assert_array_equal(idx.data, ref_idx.numpy())
    ag.sum(out).backward()
    assert (a.grad.data == 0).all()


@pytest.mark.parametrize("fn,args", [
    ("max_pool2d", (2,)), ("avg_pool2d", (3, 2, 1)), ("lp_pool2d", (2.0, 2)),
    ("adaptive_avg_pool2d", (2,)), ("adaptive_max_pool2d", (2,)), ("max_pool1d", (2,)),
])
def test_empty_batch(torch, fn, args):
    x = np.zeros((0, 3, 6, 6))[..., 0] if fn.endswith("1d") else np.zeros((0, 3, 6, 6))
    a = ag.tensor(x, requires_grad=True)
    out = getattr(F, fn)(a, *args)
    assert out.shape == tuple(getattr(torch.nn.functional, fn)(torch.from_numpy(x), *args).shape)
    ag.sum(out).backward()
    assert a.grad.shape == x.shape


@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 1e-6)])
def test_max_unpool_matches_torch(torch, rng, dtype, tol):
    x = torch.from_numpy(rng.standard_normal((2, 3, 7, 8)).astype(dtype))
    pooled, idx = torch.nn.functional.max_pool2d(x, 3, 2, 1, return_indices=True)
    _compare(torch, "max_unpool2d", pooled.numpy(), (idx, 3, 2, 1), {"output_size": (7, 8)},
             rng, tol)
    volume = torch.from_numpy(rng.standard_normal((2, 3, 5, 4, 4)).astype(dtype))
    pooled, idx = torch.nn.functional.max_pool3d(volume, 2, return_indices=True)
    _compare(torch, "max_unpool3d", pooled.numpy(), (idx, 2), {"output_size": (5, 4, 4)},
             rng, tol)
    pooled, idx = torch.nn.functional.max_pool1d(x[0], 2, return_indices=True)
    _compare(torch, "max_unpool1d", pooled.numpy(), (idx, 2), {}, rng, tol)
    _compare(torch, "max_unpool1d", pooled.numpy(), (idx, 2), {"output_size": [2, 3, 9]},
             rng, tol)
    unpool = nn.MaxUnpool2d(2)
    pooled, idx = nn.MaxPool2d(2, return_indices=True)(ag.tensor(x.numpy()[:1]))
    assert unpool(pooled, idx).shape == (1, 3, 6, 8)
    assert ag.gradcheck(lambda t: F.max_unpool2d(t, idx, 2), (ag.tensor(
        pooled.data.astype(np.float64), requires_grad=True),))


MODULES = [  # name, args, kwargs, input shape
    ("MaxPool1d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 3, 8)),
    ("MaxPool2d", (2,), {}, (1, 3, 6, 8)),
    ("MaxPool2d", ((3, 2),), {"stride": 1, "dilation": (1, 2)}, (3, 6, 8)),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}, (2, 3, 8)),
    ("AvgPool2d", (2,), {"divisor_override": 3}, (1, 3, 6, 8)),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (3, 7, 8)),
    ("LPPool1d", (2, 3), {"stride": 2}, (2, 3, 8)),
    ("LPPool2d", (1.5, 2), {}, (1, 3, 6, 8)),
    ("AdaptiveAvgPool1d", (3,), {}, (2, 3, 8)),
    ("AdaptiveAvgPool2d", ((3, None),), {}, (1, 3, 6, 8)),
    ("AdaptiveMaxPool1d", (3,), {}, (2, 3, 8)),
    ("AdaptiveMaxPool2d", (1,), {}, (1, 3, 6, 8)),
    ("MaxPool3d", (2,), {"padding": 1}, (1, 2, 3, 4, 5)),
    ("AvgPool3d", ((2, 1, 2),), {"ceil_mode": True}, (2, 3, 4, 5)),
    ("LPPool3d", (2, 2), {}, (1, 2, 4, 4, 4)),
    ("AdaptiveAvgPool3d", ((1, 2, 3),), {}, (1, 2, 3, 4, 5)),
    ("AdaptiveMaxPool3d", (2,), {}, (2, 3, 4, 5)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", MODULES)
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_modules_match_torch(torch, rng, name, args, kwargs, shape, dtype, tol):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert ours.state_dict() == {} and not theirs.state_dict()
    x = rng.standard_normal(shape).astype(dtype)
    if name.startswith("LP"):
        x = np.abs(x) + 0.5
    g = rng.standard_normal(theirs(torch.from_numpy(x)).shape).astype(dtype)
    assert_module_matches_torch(ours, theirs, x, g, torch, rtol=tol, atol=tol)


def test_module_reprs_and_indices(torch):
    for name, args in [("MaxUnpool1d", (2,)), ("MaxUnpool2d", (3, 1, 1)), ("MaxUnpool3d", (2,)),
                       ("MaxPool1d", (3,)), ("AdaptiveMaxPool2d", ((2, None), True))]:
        assert repr(getattr(nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
    out, idx = nn.AdaptiveMaxPool1d(2, return_indices=True)(ag.tensor([[1.0, 3.0, 2.0]]))
    assert out.data.tolist() == [[3.0, 3.0]] and idx.data.tolist() == [[1, 1]]


@pytest.mark.parametrize("call,error", [
    (lambda a: F.max_pool2d(a, 2, padding=2), "at most half of the kernel size"),
    (lambda a: F.max_pool2d(a, 2, padding=2, dilation=3), "at most half of the kernel size"),
    (lambda a: F.max_pool2d(a, 9), "output size 0 is too small"),
    (lambda a: F.max_pool2d(a[0, 0], 2), r"expected 3D \(unbatched\) or 4D"),
    (lambda a: F.max_pool2d(a, (2, 2, 2)), "tuple of 2 ints"),
    (lambda a: F.max_pool2d(a, 0), "must be positive"),
    (lambda a: F.avg_pool1d(a[0], 2, padding=2), "at most half"),
    (lambda a: F.avg_pool2d(a, 2, divisor_override=0), "divisor_override"),
    (lambda a: F.adaptive_avg_pool2d(a, (1, 2, 3)), "tuple of 2"),
    (lambda a: F.max_pool2d(ag.tensor(np.zeros((1, 0, 4, 4))), 2), "non-zero sizes"),
    (lambda a: F.max_unpool2d(a, ag.tensor(np.full(a.shape, 99)), 2), "invalid max index"),
    (lambda a: F.max_unpool2d(a, ag.tensor(np.zeros(a.shape, np.int64)), 2,
                              output_size=(11, 11)), "invalid output_size"),
    (lambda a: F.max_pool2d(ag.tensor(np.zeros((1, 1, 4, 4), np.int64)), 2), "floating"),
])
def test_errors(call, error):
    a = ag.tensor(np.zeros((1, 2, 4, 4)))
    with pytest.raises((ValueError, TypeError, ag.ShapeError), match=error):
        call(a)
