"""The torch.nn names added last against PyTorch in float64: the lazy 3-D, transposed and
instance-norm layers; the ``*_with_indices`` and 3-D fractional max pooling; ``RNNBase``
and ``RNNCellBase``; the deprecated ``upsample*``; ``CrossMapLRN2d``; and bicubic and
volumetric ``grid_sample`` (values, input and grid gradients, gradcheck, errors)."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag
import nn
import nn.functional as F

EXACT = {"rtol": 1e-10, "atol": 1e-12}


def _backward_both(out: ag.Tensor, expected, rng: np.random.Generator) -> None:
    """Backpropagate the same random weights through our output and PyTorch's."""
    th = torch()
    weights = rng.standard_normal(out.shape)
    (out * ag.tensor(weights)).sum().backward()
    (expected * th.tensor(weights)).sum().backward()


# ------------------------------------------------------------------------ lazy layers
LAZY = [
    ("LazyConv3d", (4, 2), {"padding": 1}, (2, 3, 4, 3, 5)),
    ("LazyConv3d", (2, 2), {}, (3, 3, 4, 3)),  # unbatched
    ("LazyConvTranspose1d", (4, 3), {"groups": 2, "stride": 2}, (2, 6, 5)),
    ("LazyConvTranspose2d", (3, (2, 3)), {"padding": 1, "output_padding": 1, "stride": 2},
     (2, 2, 4, 5)),
    ("LazyConvTranspose3d", (2, 2), {"bias": False, "dilation": 2}, (1, 3, 3, 4, 2)),
    ("LazyBatchNorm3d", (), {}, (3, 2, 2, 3, 2)),
    ("LazyBatchNorm3d", (), {"affine": False, "momentum": None}, (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 5)),
    ("LazyInstanceNorm2d", (), {"bias": False}, (2, 3, 4, 3)),
    ("LazyInstanceNorm3d", (), {"track_running_stats": False}, (2, 2, 3, 2, 3)),
]


@requires_torch
@pytest.mark.parametrize("name,args,kwargs,shape", LAZY)
def test_lazy_layer_matches_torch(rng, name, args, kwargs, shape):
    th = torch()
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(th.nn, name)(*args, **kwargs)
    assert ours.has_uninitialized_params() and theirs.has_uninitialized_params()
    assert repr(ours).startswith(repr(theirs))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = rng.standard_normal(shape)
    ours.double()
    theirs.double()
    ours(ag.tensor(x))
    theirs(th.from_numpy(x))
    assert type(ours).__name__ == type(theirs).__name__
    assert repr(ours).startswith(repr(theirs))
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert all(type(p) is nn.Parameter for p in ours.parameters())
    # PyTorch's weights and buffers in: the same output, gradients and buffer updates
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    xa, xt = ag.tensor(x, requires_grad=True), th.tensor(x, requires_grad=True)
    out, expected = ours(xa), theirs(xt)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **EXACT)
    _backward_both(out, expected, rng)
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), **EXACT)
    for (key, p), q in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), **EXACT, err_msg=key)
    for (key, b), c in zip(ours.named_buffers(), theirs.buffers(), strict=True):
        np.testing.assert_allclose(b.data, c.numpy(), **EXACT, err_msg=key)


def test_lazy_transposed_init_load_and_errors():
    up = nn.LazyConvTranspose2d(6, 3, groups=2, dtype=np.float64, rng=np.random.default_rng(0))
    up(ag.ones((1, 4, 5, 5), dtype=np.float64))
    assert up.weight.shape == (4, 3, 3, 3) and up.in_channels == 4
    # PyTorch's fan_in for a transposed weight is its dim 1 times the kernel
    assert np.abs(up.weight.data).max() <= 1 / math.sqrt(3 * 9)
    assert np.abs(up.weight.data).max() > 0.5 / math.sqrt(3 * 9)
    xg = ag.tensor(np.random.default_rng(1).standard_normal((1, 4, 2, 3)), requires_grad=True)
    assert ag.gradcheck(lambda a, w, b: up(a), (xg, up.weight, up.bias))
    source = nn.ConvTranspose1d(5, 4, 2)
    lazy = nn.LazyConvTranspose1d(4, 2)
    lazy.load_state_dict(source.state_dict())
    assert not lazy.has_uninitialized_params() and lazy.in_channels == 5
    x = ag.ones((1, 5, 3))
    np.testing.assert_array_equal(lazy(x).data, source(x).data)
    assert type(lazy) is nn.ConvTranspose1d
    with pytest.raises(ValueError, match="multiple of groups"):
        nn.LazyConvTranspose1d(4, 3, groups=2)(ag.ones((2, 5, 5)))
    with pytest.raises(ValueError, match="LazyConv3d"):
        nn.LazyConv3d(4, 3)(ag.ones((2, 5, 5)))
    with pytest.raises(ValueError, match="LazyBatchNorm3d"):
        nn.LazyBatchNorm3d()(ag.ones((2, 3, 4, 4)))
    # PyTorch reads axis 1 even of an unbatched input, which the forward then refuses
    norm = nn.LazyInstanceNorm1d()
    with pytest.raises(ValueError, match="num_features"):
        norm(ag.ones((3, 5)))
    assert norm.num_features == 5


def test_lazy_instance_norm_without_state_stays_empty():
    norm = nn.LazyInstanceNorm2d(affine=False, track_running_stats=False)
    assert not norm.has_uninitialized_params()
    x = ag.tensor(np.random.default_rng(2).standard_normal((2, 3, 4, 4)))
    with pytest.warns(UserWarning, match="num_features"):
        out = norm(x)
    assert type(norm) is nn.InstanceNorm2d and norm.num_features == 0
    np.testing.assert_allclose(out.data.mean(axis=(2, 3)), 0, atol=1e-12)


# ------------------------------------------------------------------------ pooling
@requires_torch
@pytest.mark.parametrize("name,args", [
    ("max_pool1d_with_indices", (3, 2, 1)),
    ("max_pool2d_with_indices", ((2, 3), 2, (1, 0), 1, True)),
    ("max_pool3d_with_indices", (2, 1, 0, (1, 2, 1))),
    ("adaptive_max_pool1d_with_indices", (4,)),
    ("adaptive_max_pool2d_with_indices", ((3, None),)),
    ("adaptive_max_pool3d_with_indices", (2,)),
])
def test_with_indices_pooling_matches_torch(rng, name, args):
    th = torch()
    n = int(name.split("_pool")[1][0])
    x = rng.standard_normal((2, 3) + (5, 6, 7)[:n])
    x[0, 0, ...] = 1.0  # ties: the first maximum wins
    xa, xt = ag.tensor(x, requires_grad=True), th.tensor(x, requires_grad=True)
    out, index = getattr(F, name)(xa, *args)
    expected, expected_index = getattr(th.nn.functional, name)(xt, *args)
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    np.testing.assert_array_equal(index.data, expected_index.numpy())
    assert index.dtype == np.int64
    _backward_both(out, expected, rng)
    np.testing.assert_array_equal(xa.grad.data, xt.grad.numpy())
    # return_indices is accepted and ignored: the pair comes back either way
    assert len(getattr(F, name)(ag.tensor(x[0]), *args, return_indices=False)) == 2
    xg = ag.tensor(x[1:, :2], requires_grad=True)  # no ties, so the argmax is stable
    assert ag.gradcheck(lambda a: getattr(F, name)(a, *args)[0], (xg,))


FRACTIONAL_3D = [{"kernel_size": 2, "output_size": (4, 3, 5)},
                 {"kernel_size": (3, 2, 1), "output_ratio": (0.5, 0.6, 0.7)},
                 {"kernel_size": 1, "output_size": (6, 5, 7)},
                 {"kernel_size": (1, 3, 2), "output_size": 2}]


@requires_torch
@pytest.mark.parametrize("settings", FRACTIONAL_3D)
def test_fractional_max_pool3d_matches_torch(rng, settings):
    th = torch()
    x = rng.standard_normal((2, 3, 7, 8, 6)).transpose(0, 1, 2, 4, 3)  # strided
    x[0, 0, 2:5, 2:5, 2:5] = 1.0  # ties: the first maximum is picked
    x[1, 1, 3, 3, 3] = x[1, 1, 4, 4, 4] = np.nan  # the window's last nan wins
    samples = rng.random((2, 3, 3))
    xa, xt = ag.tensor(x, requires_grad=True), th.tensor(x, requires_grad=True)
    out, index = F.fractional_max_pool3d(xa, return_indices=True, _random_samples=samples,
                                         **settings)
    expected, expected_index = th.nn.functional.fractional_max_pool3d(
        xt, return_indices=True, _random_samples=th.tensor(samples), **settings)
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    np.testing.assert_array_equal(index.data, expected_index.numpy())
    _backward_both(out, expected, rng)
    np.testing.assert_array_equal(xa.grad.data, xt.grad.numpy())
    again = F.fractional_max_pool3d_with_indices(ag.tensor(x), _random_samples=samples,
                                                 **settings)
    np.testing.assert_array_equal(again[1].data, index.data)


@requires_torch
def test_fractional_max_pool2d_with_indices_and_last_nan(rng):
    th = torch()
    x = np.zeros((1, 2, 6, 6))
    x[0, 0, 3, 3] = x[0, 0, 4, 5] = np.nan
    samples = rng.random((1, 2, 2))
    out, index = F.fractional_max_pool2d_with_indices(ag.tensor(x), 3, output_size=2,
                                                      _random_samples=samples)
    expected, expected_index = th.nn.functional.fractional_max_pool2d_with_indices(
        th.tensor(x), 3, output_size=2, _random_samples=th.tensor(samples))
    np.testing.assert_array_equal(out.data, expected.numpy())
    np.testing.assert_array_equal(index.data, expected_index.numpy())
    assert index.data[0, 0, 1, 1] == 4 * 6 + 5


@requires_torch
def test_fractional_max_pool3d_module_gradcheck_and_errors(rng):
    th = torch()
    x = rng.standard_normal((3, 5, 6, 7))
    samples = rng.random((1, 3, 3))
    layer = nn.FractionalMaxPool3d(2, output_size=(3, 4, 4), _random_samples=samples)
    reference = th.nn.FractionalMaxPool3d(2, output_size=(3, 4, 4),
                                          _random_samples=th.tensor(samples))
    np.testing.assert_array_equal(layer(ag.tensor(x)).data,
                                  reference(th.tensor(x)).numpy())
    assert list(layer.state_dict()) == list(reference.state_dict()) == ["_random_samples"]
    assert repr(layer) == repr(reference) == "FractionalMaxPool3d()"
    assert layer.kernel_size == reference.kernel_size == (2, 2, 2)
    drawn = nn.FractionalMaxPool3d(2, output_ratio=0.5, return_indices=True,
                                   rng=np.random.default_rng(3))
    (first, _), (again, _) = drawn(ag.tensor(x[None])), drawn(ag.tensor(x[None]))
    assert first.shape == (1, 3, 2, 3, 3) and not np.array_equal(first.data, again.data)
    xg = ag.tensor(x, requires_grad=True)
    assert ag.gradcheck(lambda a: F.fractional_max_pool3d(a, 2, output_size=3,
                                                          _random_samples=samples), (xg,))
    with pytest.raises(ValueError, match="output size, or a pooling ratio"):
        nn.FractionalMaxPool3d(2)
    with pytest.raises(ValueError, match="only one of"):
        nn.FractionalMaxPool3d(2, output_size=2, output_ratio=0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.FractionalMaxPool3d(2, output_ratio=(0.5, 0.5, 1.0))
    with pytest.raises(ValueError, match="greater than 0"):
        nn.FractionalMaxPool3d((2, 0, 2), output_size=2)
    with pytest.raises(ag.ShapeError, match="does not fit"):  # PyTorch wants a spare row
        F.fractional_max_pool3d(ag.tensor(x), 2, output_size=(4, 4, 4),
                                _random_samples=samples)
    with pytest.raises(RuntimeError, match="too large"):
        th.nn.functional.fractional_max_pool3d(th.tensor(x), 2, output_size=(4, 4, 4),
                                               _random_samples=th.tensor(samples))
    with pytest.raises(ag.ShapeError, match=r"\(1, 3, 3\)"):
        F.fractional_max_pool3d(ag.tensor(x), 2, output_size=2, _random_samples=samples[0])
    with pytest.raises(ag.ShapeError, match="5-D"):
        F.fractional_max_pool3d(ag.tensor(x[0]), 2, output_size=2)
    with pytest.raises(ValueError, match="output_size or an output_ratio"):
        F.fractional_max_pool3d(ag.tensor(x), 2)


# ------------------------------------------------------------------------ recurrent bases
@requires_torch
@pytest.mark.parametrize("mode,kwargs", [("RNN_TANH", {}), ("RNN_RELU", {"num_layers": 2}),
                                         ("GRU", {"bidirectional": True, "bias": False}),
                                         ("LSTM", {"proj_size": 2, "num_layers": 2})])
def test_rnn_base_builds_torch_weights(mode, kwargs):
    th = torch()
    ours, theirs = nn.RNNBase(mode, 3, 4, **kwargs), th.nn.RNNBase(mode, 3, 4, **kwargs)
    assert ours.mode == theirs.mode == mode
    assert repr(ours).startswith(repr(theirs))
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert list(ours.state_dict()) == list(theirs.state_dict())
    with pytest.raises(NotImplementedError):
        ours(ag.ones((2, 3)))


@requires_torch
def test_rnn_layers_are_rnn_bases_with_torch_modes(rng):
    th = torch()
    for ours, theirs in ((nn.RNN(2, 3), th.nn.RNN(2, 3)),
                         (nn.RNN(2, 3, nonlinearity="relu"), th.nn.RNN(2, 3, nonlinearity="relu")),
                         (nn.LSTM(2, 3), th.nn.LSTM(2, 3)), (nn.GRU(2, 3), th.nn.GRU(2, 3))):
        assert isinstance(ours, nn.RNNBase) and ours.mode == theirs.mode
    for cell in (nn.RNNCell(2, 3), nn.LSTMCell(2, 3), nn.GRUCell(2, 3)):
        assert isinstance(cell, nn.RNNCellBase)
    # a relu RNN still runs relu steps, as PyTorch's
    ours, theirs = nn.RNN(2, 3, nonlinearity="relu", dtype=np.float64), \
        th.nn.RNN(2, 3, nonlinearity="relu").double()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = rng.standard_normal((4, 1, 2))
    np.testing.assert_allclose(ours(ag.tensor(x))[0].data,
                               theirs(th.tensor(x))[0].detach().numpy(), **EXACT)
    with pytest.raises(ValueError, match="Unrecognized RNN mode"):
        nn.RNNBase("RNN", 2, 3)


@requires_torch
def test_rnn_cell_base_matches_torch():
    th = torch()
    ours, theirs = nn.RNNCellBase(2, 3, False, 4), th.nn.RNNCellBase(2, 3, False, 4)
    assert ours.extra_repr() == theirs.extra_repr() == "2, 3, bias=False"
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert np.abs(ours.weight_ih.data).max() <= 1 / math.sqrt(3)
    with pytest.raises(NotImplementedError):
        ours(ag.ones(2))


# ------------------------------------------------------------------------ deprecated upsample
@requires_torch
@pytest.mark.parametrize("name,kwargs", [
    ("upsample", {"scale_factor": 2}),
    ("upsample", {"size": (5, 7), "mode": "bilinear", "align_corners": False}),
    ("upsample", {"size": 9, "mode": "bicubic", "align_corners": True}),
    ("upsample_nearest", {"size": (3, 8)}),
    ("upsample_bilinear", {"scale_factor": 1.5}),
    ("upsample_bilinear", {"size": (7, 2)}),
])
def test_deprecated_upsample_warns_and_matches_torch(rng, name, kwargs):
    th = torch()
    x = rng.standard_normal((2, 3, 4, 5))
    xa, xt = ag.tensor(x, requires_grad=True), th.tensor(x, requires_grad=True)
    with pytest.warns(UserWarning, match=rf"`nn.functional.{name}` is deprecated"):
        out = getattr(F, name)(xa, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = getattr(th.nn.functional, name)(xt, **kwargs)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **EXACT)
    _backward_both(out, expected, rng)
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), **EXACT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        xg = ag.tensor(x[:1, :1], requires_grad=True)
        assert ag.gradcheck(lambda a: getattr(F, name)(a, **kwargs), (xg,))


def test_upsample_bilinear_aligns_corners():
    x = ag.tensor(np.arange(4.0).reshape(1, 1, 2, 2))
    with pytest.warns(UserWarning):
        out = F.upsample_bilinear(x, size=3)
    np.testing.assert_allclose(out.data, F.interpolate(x, size=3, mode="bilinear",
                                                       align_corners=True).data)
    assert out.data[0, 0, 0, 0] == 0.0 and out.data[0, 0, -1, -1] == 3.0


# ------------------------------------------------------------------------ CrossMapLRN2d
def _torch_cross_map(th, x, size, alpha, beta, k):
    """The legacy window written with torch ops, so autograd gives its true derivative."""
    channels, reach = x.shape[1], (size - 1) // 2 + 1
    squares = x * x
    window = []
    for c in range(channels):
        lo, hi = max(0, c - reach + 1), min(channels - 1, c + reach - 1)
        s = squares[:, lo:hi + 1].sum(1)
        window.append(s + squares[:, 0] if lo > 0 else s)
    return x * (th.stack(window, 1) * (alpha / size) + k) ** (-beta)


@requires_torch
@pytest.mark.parametrize("size,channels", [(1, 3), (2, 3), (3, 2), (3, 6), (4, 5), (5, 8),
                                           (6, 2), (7, 3)])
def test_cross_map_lrn2d_matches_torch(rng, size, channels):
    th = torch()
    x = rng.standard_normal((2, channels, 3, 4))
    layer, reference = nn.CrossMapLRN2d(size, 0.5, 0.7, 1.3), th.nn.CrossMapLRN2d(size, 0.5,
                                                                                  0.7, 1.3)
    xa = ag.tensor(x, requires_grad=True)
    out = layer(xa)
    with th.no_grad():
        np.testing.assert_allclose(out.data, reference(th.tensor(x)).numpy(), **EXACT)
    xt = th.tensor(x, requires_grad=True)
    expected = _torch_cross_map(th, xt, size, 0.5, 0.7, 1.3)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **EXACT)
    _backward_both(out, expected, rng)
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), **EXACT)


def test_cross_map_lrn2d_gradcheck_repr_and_errors(rng):
    xg = ag.tensor(rng.standard_normal((1, 5, 2, 2)), requires_grad=True)
    assert ag.gradcheck(lambda a: nn.CrossMapLRN2d(3, 0.4, 0.6, 1.1)(a), (xg,))
    assert ag.gradgradcheck(lambda a: nn.CrossMapLRN2d(4, 0.4, 0.6, 1.1)(a), (xg,))
    assert repr(nn.CrossMapLRN2d(3)) == "CrossMapLRN2d(3, alpha=0.0001, beta=0.75, k=1)"
    assert not list(nn.CrossMapLRN2d(3).parameters())
    with pytest.raises(ValueError, match="Expected input to be 4D"):
        nn.CrossMapLRN2d(3)(ag.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="size"):
        nn.CrossMapLRN2d(0)(ag.ones((1, 2, 2, 2)))
    with pytest.raises(TypeError, match="floating point"):
        nn.CrossMapLRN2d(3)(ag.tensor(np.ones((1, 2, 2, 2), dtype=np.int64)))


# ------------------------------------------------------------------------ grid_sample
GRID_CASES = [(mode, padding, align, dims)
              for mode, padding, align in itertools.product(
                  ("bicubic", "bilinear", "nearest"), ("zeros", "border", "reflection"),
                  (True, False))
              for dims in ((2,) if mode == "bicubic" else (3,))]


@requires_torch
@pytest.mark.parametrize("mode,padding,align,dims", GRID_CASES)
def test_grid_sample_bicubic_and_volumes_match_torch(rng, mode, padding, align, dims):
    th = torch()
    spatial = (5, 4) if dims == 2 else (3, 5, 4)
    x = rng.standard_normal((2, 3) + spatial[::-1]).transpose(  # strided
        0, 1, *range(dims + 1, 1, -1))
    grid = rng.uniform(-1.4, 1.4, (2,) + ((3, 6) if dims == 2 else (2, 3, 4)) + (dims,))
    grid[(0,) * (dims + 1)] = (1.0, -1.0, 0.0)[:dims]  # a corner exactly
    grid[(1,) * (dims + 1)] = 0.0  # the centre exactly
    xa, ga = ag.tensor(x, requires_grad=True), ag.tensor(grid, requires_grad=True)
    xt, gt = th.tensor(x, requires_grad=True), th.tensor(grid, requires_grad=True)
    out = F.grid_sample(xa, ga, mode, padding, align)
    expected = th.nn.functional.grid_sample(xt, gt, mode, padding, align)
    assert out.shape == tuple(expected.shape)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **EXACT)
    _backward_both(out, expected, rng)
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), **EXACT)
    np.testing.assert_allclose(ga.grad.data, gt.grad.numpy(), **EXACT)


@pytest.mark.parametrize("mode,dims", [("bicubic", 2), ("bilinear", 3)])
@pytest.mark.parametrize("padding", ["zeros", "reflection"])
def test_grid_sample_gradcheck(rng, mode, dims, padding):
    spatial = (3, 4) if dims == 2 else (2, 3, 3)
    x = ag.tensor(rng.standard_normal((1, 2) + spatial), requires_grad=True)
    # away from pixel boundaries, where the weights' derivative jumps
    grid = rng.uniform(-0.9, 0.9, (1, 2, 3, dims) if dims == 2 else (1, 2, 2, 2, dims))
    g = ag.tensor(grid, requires_grad=True)
    assert ag.gradcheck(lambda a, b: F.grid_sample(a, b, mode, padding, align_corners=True),
                        (x, g))


def test_grid_sample_bicubic_interpolates_and_volume_errors(rng):
    # the cubic weights sum to one and vanish at the other pixels: constants stay put and
    # the pixels themselves are read exactly
    image = rng.standard_normal((1, 2, 5, 6))
    rows, cols = rng.integers(0, 5, 7), rng.integers(0, 6, 7)
    at_pixels = np.stack([cols / 5 * 2 - 1, rows / 4 * 2 - 1], -1).reshape(1, 1, 7, 2)
    out = F.grid_sample(ag.tensor(image), ag.tensor(at_pixels), "bicubic", align_corners=True)
    np.testing.assert_allclose(out.data[0, :, 0], image[0][:, rows, cols], rtol=1e-12)
    anywhere = ag.tensor(rng.uniform(-1.5, 1.5, (1, 4, 4, 2)))
    flat = F.grid_sample(ag.tensor(np.full((1, 1, 5, 6), 2.5)), anywhere, "bicubic",
                         "border", align_corners=False)
    np.testing.assert_allclose(flat.data, 2.5, rtol=1e-12)
    volume = ag.tensor(rng.standard_normal((1, 1, 2, 2, 2)))
    grid3 = ag.tensor(np.zeros((1, 1, 1, 1, 3)))
    with pytest.raises(ValueError, match="bicubic interpolation only supports 4D"):
        F.grid_sample(volume, grid3, "bicubic", align_corners=False)
    with pytest.raises(ag.ShapeError, match="grid_sample"):
        F.grid_sample(volume, ag.tensor(np.zeros((1, 1, 1, 1, 2))), align_corners=False)
    with pytest.raises(ag.ShapeError, match="grid_sample"):
        F.grid_sample(volume, ag.tensor(np.zeros((1, 1, 1, 3))), align_corners=False)
