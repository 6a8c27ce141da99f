"""affine_grid and grid_sample against PyTorch (values, input, grid and theta gradients, in
float64 and float32, every mode, padding and corner alignment), gradcheck, warnings and
errors."""

import itertools
import warnings

import numpy as np
import pytest

import autograd as ag
import nn.functional as F

TOL = {np.float64: {"rtol": 1e-10, "atol": 1e-12}, np.float32: {"rtol": 1e-5, "atol": 1e-5}}


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


def _grid(rng, shape, dtype):
    """Locations inside and outside [−1, 1], with the corner (1, −1) and the centre
    exactly, where borders clip and pixels tie."""
    grid = rng.uniform(-1.4, 1.4, shape)
    grid[0, 0, 0], grid[0, 0, 1] = (1.0, -1.0), (0.0, 0.0)
    return grid.astype(dtype)


CASES = list(itertools.product(("bilinear", "nearest"), ("zeros", "border", "reflection"),
                               (True, False)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode,padding,align", CASES)
def test_grid_sample_matches_torch(torch, rng, dtype, mode, padding, align):
    x = rng.standard_normal((2, 3, 5, 4)).astype(dtype).transpose(0, 1, 3, 2)  # strided
    grid = _grid(rng, (2, 3, 6, 2), dtype)
    weights = rng.standard_normal((2, 3, 3, 6)).astype(dtype)
    xa, ga = ag.tensor(x, requires_grad=True), ag.tensor(grid, requires_grad=True)
    out = F.grid_sample(xa, ga, mode=mode, padding_mode=padding, align_corners=align)
    (out * ag.tensor(weights)).sum().backward()
    xt, gt = torch.tensor(x, requires_grad=True), torch.tensor(grid, requires_grad=True)
    expected = torch.nn.functional.grid_sample(xt, gt, mode=mode, padding_mode=padding,
                                               align_corners=align)
    (expected * torch.tensor(weights)).sum().backward()
    assert out.dtype == dtype and out.shape == tuple(expected.shape)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **TOL[dtype])
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), **TOL[dtype])
    np.testing.assert_allclose(ga.grad.data, gt.grad.numpy(), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (1, 2, 3, 1, 2), (1, 1, 1, 3)])
@pytest.mark.parametrize("align", [True, False])
def test_affine_grid_matches_torch(torch, rng, dtype, size, align):
    dims = len(size) - 2
    theta = rng.standard_normal((size[0], dims, dims + 1)).astype(dtype)
    ta, tt = ag.tensor(theta, requires_grad=True), torch.tensor(theta, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unit-size grids warn with align_corners
        grid = F.affine_grid(ta, size, align_corners=align)
        expected = torch.nn.functional.affine_grid(tt, size, align_corners=align)
    weights = rng.standard_normal(grid.shape).astype(dtype)
    (grid * ag.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    assert grid.dtype == dtype and grid.shape == tuple(expected.shape)
    np.testing.assert_allclose(grid.data, expected.detach().numpy(), **TOL[dtype])
    np.testing.assert_allclose(ta.grad.data, tt.grad.numpy(), **TOL[dtype])


def test_spatial_transformer_gradcheck(rng):
    x = ag.tensor(rng.standard_normal((1, 2, 4, 3)), requires_grad=True)
    theta = ag.tensor(np.array([[[0.9, 0.2, 0.1], [-0.3, 1.1, 0.05]]]), requires_grad=True)
    for padding in ("zeros", "border", "reflection"):
        assert ag.gradcheck(lambda a, t, p=padding: F.grid_sample(
            a, F.affine_grid(t, (1, 2, 3, 5), align_corners=False), padding_mode=p,
            align_corners=False), (x, theta))
    grid = ag.tensor(rng.uniform(-1.2, 1.2, (1, 3, 2, 2)), requires_grad=True)
    assert ag.gradcheck(lambda a, g: F.grid_sample(a, g, align_corners=True), (x, grid))
    assert ag.gradcheck(lambda a: F.grid_sample(a, grid.detach(), mode="nearest",
                                                align_corners=True), (x,))


def test_nearest_gives_the_grid_a_zero_gradient_and_none_warns(rng):
    x = ag.tensor(rng.standard_normal((1, 1, 3, 3)), requires_grad=True)
    grid = ag.tensor(rng.uniform(-1, 1, (1, 2, 2, 2)), requires_grad=True)
    with pytest.warns(UserWarning, match="align_corners=False"):
        F.grid_sample(x, grid, mode="nearest").sum().backward()
    assert np.all(grid.grad.data == 0)
    with pytest.warns(UserWarning, match="align_corners=False"):
        F.affine_grid(ag.tensor(np.eye(2, 3)[None]), (1, 1, 2, 2))


def test_errors(rng):
    x = ag.tensor(rng.standard_normal((2, 1, 3, 3)))
    grid = ag.tensor(rng.uniform(-1, 1, (2, 2, 2, 2)))
    with pytest.raises(ag.ShapeError, match="grid_sample"):
        F.grid_sample(x, grid[:1], align_corners=False)
    with pytest.raises(ag.ShapeError, match="grid_sample"):
        F.grid_sample(x[0], grid, align_corners=False)
    with pytest.raises(ValueError, match="mode"):
        F.grid_sample(x, grid, mode="area", align_corners=False)
    with pytest.raises(ValueError, match="padding_mode"):
        F.grid_sample(x, grid, padding_mode="circular", align_corners=False)
    with pytest.raises(TypeError, match="float32"):
        F.grid_sample(x, grid.astype(np.float32), align_corners=False)
    with pytest.raises(ag.ShapeError, match=r"\(2, 2, 3\)"):
        F.affine_grid(ag.tensor(np.zeros((1, 2, 3))), (2, 1, 4, 4), align_corners=False)
    with pytest.raises(ValueError, match="positive"):
        F.affine_grid(ag.tensor(np.zeros((1, 2, 3))), (1, 1, 0, 4), align_corners=False)


# ------------------------------------------------------------ interpolate bicubic
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("resize", [{"size": (9, 4)}, {"scale_factor": 2.5},
                                    {"scale_factor": (0.6, 1.7)}, {"size": (5, 1)}])
@pytest.mark.parametrize("align", [False, True])
def test_bicubic_interpolate_matches_torch(torch, rng, dtype, resize, align):
    x = rng.standard_normal((2, 3, 7, 5)).astype(dtype).transpose(0, 1, 3, 2)  # strided
    _interpolate_matches_torch(torch, rng, x, mode="bicubic", align_corners=align, **resize)


def _interpolate_matches_torch(torch, rng, x, **settings):
    """interpolate's value and input gradient against PyTorch's for ``settings``."""
    xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = F.interpolate(xa, **settings)
    expected = torch.nn.functional.interpolate(xt, **settings)
    weights = rng.standard_normal(out.shape).astype(x.dtype)
    (out * ag.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    assert out.dtype == x.dtype and out.shape == tuple(expected.shape)
    tol = TOL[np.float64] if x.dtype == np.float64 else {"rtol": 1e-5, "atol": 1e-5}
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **tol)
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), **tol)


def test_bicubic_gradcheck_module_and_errors(torch, rng):
    import nn

    x = ag.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    assert ag.gradcheck(lambda a: F.interpolate(a, size=(5, 3), mode="bicubic"), (x,))
    assert ag.gradgradcheck(lambda a: F.interpolate(a, scale_factor=1.5, mode="bicubic",
                                                    align_corners=True), (x,))
    layer = nn.Upsample(scale_factor=2.0, mode="bicubic")
    assert repr(layer) == repr(torch.nn.Upsample(scale_factor=2.0, mode="bicubic"))
    assert layer(x).shape == (1, 2, 6, 8)
    with pytest.raises(ag.ShapeError, match="bicubic mode needs 4D"):
        F.interpolate(x[0], size=3, mode="bicubic")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("resize", [{"size": (4, 5)}, {"scale_factor": 0.3},
                                    {"scale_factor": (0.6, 1.7)}, {"size": (1, 1)}])
@pytest.mark.parametrize("align", [False, True])
def test_antialias_matches_torch(torch, rng, dtype, mode, resize, align):
    x = rng.standard_normal((2, 2, 13, 9)).astype(dtype).transpose(0, 1, 3, 2)  # strided
    _interpolate_matches_torch(torch, rng, x, mode=mode, align_corners=align, antialias=True,
                               **resize)


def test_antialias_gradcheck_and_errors(rng):
    x = ag.tensor(rng.standard_normal((1, 2, 7, 6)), requires_grad=True)
    assert ag.gradcheck(lambda a: F.interpolate(a, size=(3, 4), mode="bicubic",
                                                antialias=True), (x,))
    assert ag.gradgradcheck(lambda a: F.interpolate(a, scale_factor=0.5, mode="bilinear",
                                                    antialias=True), (x,))
    with pytest.raises(ValueError, match="antialias"):
        F.interpolate(x, size=3, mode="area", antialias=True)


# ------------------------------------------------------------ fractional max pooling
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("settings", [{"kernel_size": 2, "output_size": (5, 4)},
                                      {"kernel_size": (3, 2), "output_ratio": (0.5, 0.6)},
                                      {"kernel_size": 3, "output_size": (9, 1)},
                                      {"kernel_size": 1, "output_size": (11, 9)}])
def test_fractional_max_pool2d_matches_torch(torch, rng, dtype, settings):
    x = rng.standard_normal((2, 3, 9, 11)).astype(dtype).transpose(0, 1, 3, 2)  # strided
    x[0, 0, 3, 3] = np.nan  # a nan wins its windows, as in PyTorch
    x[1, 1, :4, :4] = 1.0  # ties: the first maximum is picked
    samples = rng.random((2, 3, 2)).astype(dtype)
    xa = ag.tensor(x, requires_grad=True)
    out, index = F.fractional_max_pool2d(xa, return_indices=True, _random_samples=samples,
                                         **settings)
    xt = torch.tensor(x, requires_grad=True)
    expected, expected_index = torch.nn.functional.fractional_max_pool2d(
        xt, return_indices=True, _random_samples=torch.tensor(samples), **settings)
    weights = rng.standard_normal(out.shape).astype(dtype)
    (out * ag.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    assert out.dtype == dtype and index.dtype == np.int64
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    np.testing.assert_array_equal(index.data, expected_index.numpy())
    np.testing.assert_array_equal(xa.grad.data, xt.grad.numpy())


def test_fractional_max_pool2d_module_unbatched_random_and_errors(torch, rng):
    import nn

    x = rng.standard_normal((3, 7, 7))
    samples = rng.random((1, 3, 2))
    layer = nn.FractionalMaxPool2d(2, output_size=4, _random_samples=samples)
    reference = torch.nn.FractionalMaxPool2d(2, output_size=4,
                                             _random_samples=torch.tensor(samples))
    np.testing.assert_array_equal(layer(ag.tensor(x)).data,
                                  reference(torch.tensor(x)).numpy())
    assert list(layer.state_dict()) == list(reference.state_dict()) == ["_random_samples"]
    assert repr(layer) == repr(reference) == "FractionalMaxPool2d()"
    drawn = nn.FractionalMaxPool2d((2, 3), output_ratio=0.5, rng=np.random.default_rng(3))
    first, again = drawn(ag.tensor(x[None])), drawn(ag.tensor(x[None]))
    assert first.shape == (1, 3, 3, 3) and not np.array_equal(first.data, again.data)
    xg = ag.tensor(x, requires_grad=True)
    assert ag.gradcheck(lambda a: F.fractional_max_pool2d(a, 2, output_size=3,
                                                          _random_samples=samples), (xg,))
    with pytest.raises(ValueError, match="output size, or a pooling ratio"):
        nn.FractionalMaxPool2d(2)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.FractionalMaxPool2d(2, output_ratio=1.5)
    with pytest.raises(ag.ShapeError, match="does not fit"):
        F.fractional_max_pool2d(ag.tensor(x), 3, output_size=6, _random_samples=samples)
    with pytest.raises(ag.ShapeError, match=r"\(1, 3, 2\)"):
        F.fractional_max_pool2d(ag.tensor(x), 2, output_size=3, _random_samples=samples[0])
