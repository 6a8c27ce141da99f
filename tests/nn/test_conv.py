"""Convolutions: F.conv1d/2d/3d, F.conv_transpose1d/2d/3d and their layers. One case table
drives the PyTorch parity (forward, input, weight and bias gradients) and the float64
gradchecks; then padding modes, init, state dicts, reprs and errors."""

import math

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


# (name, input shape, weight shape, keyword arguments)
CONV = [
    ("conv1d", (2, 3, 9), (4, 3, 3), {}),
    ("conv1d", (1, 4, 8), (6, 2, 4), {"stride": 2, "padding": 1, "dilation": 2, "groups": 2}),
    ("conv1d", (3, 7), (2, 3, 2), {"padding": "same"}),
    ("conv1d", (2, 2, 6), (2, 2, 3), {"padding": "valid", "stride": 3}),
    ("conv2d", (2, 3, 6, 5), (4, 3, 3, 3), {"padding": 1}),
    ("conv2d", (1, 4, 7, 6), (6, 2, 3, 2), {"stride": (2, 1), "padding": (1, 0),
                                            "dilation": (1, 2), "groups": 2}),
    ("conv2d", (2, 3, 5, 6), (2, 3, 4, 2), {"padding": "same", "dilation": (1, 3)}),
    ("conv2d", (3, 5, 5), (3, 1, 3, 3), {"groups": 3, "stride": 2}),
    ("conv3d", (1, 2, 4, 5, 3), (3, 2, 2, 3, 2), {"padding": (1, 0, 1), "stride": (1, 2, 1)}),
]
TRANSPOSED = [
    ("conv_transpose1d", (2, 3, 5), (3, 2, 3), {}),
    ("conv_transpose1d", (1, 4, 4), (4, 3, 3), {"stride": 3, "padding": 2, "output_padding": 1,
                                                "groups": 2, "dilation": 2}),
    ("conv_transpose1d", (4, 5), (4, 2, 2), {"stride": 1, "output_padding": 1, "dilation": 2}),
    ("conv_transpose2d", (2, 4, 3, 4), (4, 3, 3, 2), {"stride": (2, 3), "padding": 1,
                                                      "output_padding": (1, 2), "groups": 2,
                                                      "dilation": (1, 2)}),
    ("conv_transpose2d", (3, 4, 3), (3, 2, 2, 2), {"stride": 2}),
    ("conv_transpose3d", (1, 2, 2, 3, 2), (2, 2, 2, 2, 3), {"stride": (2, 1, 1),
                                                            "padding": (0, 1, 1)}),
]
CASES = CONV + TRANSPOSED
IDS = [f"{name}-{i}" for i, (name, *_) in enumerate(CASES)]


def _operands(rng, x_shape, w_shape, kwargs, name):
    out_c = w_shape[0] if "transpose" not in name else w_shape[1] * kwargs.get("groups", 1)
    return (rng.standard_normal(x_shape), rng.standard_normal(w_shape),
            rng.standard_normal(out_c))


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch: 'same' with an even kernel
@pytest.mark.parametrize(("name", "x_shape", "w_shape", "kwargs"), CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(name, x_shape, w_shape, kwargs, dtype, rng, torch):
    arrays = [a.astype(dtype) for a in _operands(rng, x_shape, w_shape, kwargs, name)]
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = getattr(F, name)(*ours, **kwargs)
    ref = getattr(torch.nn.functional, name)(*theirs, **kwargs)
    tol = {"rtol": 1e-10, "atol": 1e-10} if dtype == np.float64 else {"rtol": 1e-4, "atol": 1e-5}
    assert out.shape == tuple(ref.shape) and out.dtype == dtype
    np.testing.assert_allclose(out.data, ref.detach().numpy(), **tol)
    grad = rng.standard_normal(out.shape).astype(dtype)
    out.backward(ag.tensor(grad))
    ref.backward(torch.from_numpy(grad))
    for role, a, b in zip(("input", "weight", "bias"), ours, theirs):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), err_msg=role, **tol)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(("name", "x_shape", "w_shape", "kwargs"), CASES, ids=IDS)
def test_gradcheck(name, x_shape, w_shape, kwargs, rng):
    x, w, b = (ag.tensor(a, requires_grad=True)
               for a in _operands(rng, x_shape, w_shape, kwargs, name))
    fn = getattr(F, name)
    assert ag.gradcheck(lambda x, w, b: fn(x, w, b, **kwargs), (x, w, b))


@pytest.mark.parametrize("index", [1, 5, 6, 10, 13])
def test_gradgradcheck(index, rng):
    name, x_shape, w_shape, kwargs = CASES[index]
    x, w, b = (ag.tensor(a, requires_grad=True)
               for a in _operands(rng, x_shape, w_shape, kwargs, name))
    fn = getattr(F, name)
    assert ag.gradgradcheck(lambda x, w, b: fn(x, w, b, **kwargs), (x, w, b))


ONE_GROUP = [c for c in CONV if c[3].get("groups", 1) == 1]


def _conv_results(name, x, w, b, kwargs, g):
    for t in (x, w, b):
        t.grad = None
    out = getattr(F, name)(x, w, b, **kwargs)
    out.backward(ag.tensor(g(out.shape)))
    return [out.data, x.grad.data, w.grad.data, b.grad.data]


@pytest.mark.parametrize(("name", "x_shape", "w_shape", "kwargs"), ONE_GROUP,
                         ids=[c[0] for c in ONE_GROUP])
@pytest.mark.parametrize("images", [1, 2, 3])
def test_a_batch_in_chunks_gives_the_whole_batchs_results(name, x_shape, w_shape, kwargs,
                                                          images, rng, monkeypatch):
    """One group's im2col and product run a chunk of images at a time (5 images in chunks
    of 1, 2 or 3, the last one shorter): the same values and gradients as the whole batch
    at once."""
    from nn.functional import conv_product

    nd = len(w_shape) - 2
    x, w, b = (ag.tensor(a, requires_grad=True) for a in _operands(
        rng, (5,) + tuple(x_shape[-nd - 1:]), w_shape, kwargs, name))
    seed = np.random.default_rng(1)
    cotangent = seed.standard_normal(getattr(F, name)(x, w, b, **kwargs).shape)
    whole = _conv_results(name, x, w, b, kwargs, lambda shape: cotangent)
    monkeypatch.setattr(conv_product, "images_per_chunk", lambda *_: images)
    chunked = _conv_results(name, x, w, b, kwargs, lambda shape: cotangent)
    for a, c in zip(whole, chunked):
        np.testing.assert_allclose(c, a, rtol=1e-12, atol=1e-12)


def test_images_per_chunk_fills_the_chunk_bytes():
    from nn.functional.conv_product import CHUNK_BYTES, images_per_chunk

    per_image = 196 * 400 * 4  # the LeNet layer's rows of one 14×14 image, float32
    assert images_per_chunk(64, 196, 400, 4) == CHUNK_BYTES // per_image
    assert images_per_chunk(2, 1, 1, 4) == 2  # never more than the batch
    assert images_per_chunk(64, 10**6, 400, 8) == 1  # never fewer than one image
    assert images_per_chunk(0, 196, 400, 4) == 1


def test_chunked_convolution_passes_gradcheck_and_gradgradcheck(rng, monkeypatch):
    from nn.functional import conv_product

    monkeypatch.setattr(conv_product, "CHUNK_BYTES", 1)
    x, w, b = (ag.tensor(a, requires_grad=True) for a in _operands(
        rng, (3, 2, 4, 5), (3, 2, 3, 2), {}, "conv2d"))

    def fn(x, w, b):
        return F.conv2d(x, w, b, padding=(1, 0), stride=(1, 2))

    assert ag.gradcheck(fn, (x, w, b))
    assert ag.gradgradcheck(fn, (x, w, b))


def test_non_contiguous_input_and_no_bias(rng, torch):
    base = rng.standard_normal((2, 6, 3, 7))
    x = ag.tensor(base, requires_grad=True)
    w = ag.tensor(rng.standard_normal((4, 3, 2, 2)), requires_grad=True)
    view = ag.permute(x, (0, 3, 2, 1))[:, ::2]  # (2, 4, 3, 6) with odd strides
    assert ag.gradcheck(lambda x, w: F.conv2d(ag.permute(x, (0, 3, 2, 1))[:, ::2][:, :3], w,
                                              padding=(1, 0)), (x, w))
    ref = torch.nn.functional.conv2d(torch.from_numpy(base).permute(0, 3, 2, 1)[:, ::2][:, :3],
                                     torch.from_numpy(w.data), padding=(1, 0))
    np.testing.assert_allclose(F.conv2d(view[:, :3], w, padding=(1, 0)).data, ref.numpy(),
                               rtol=1e-10, atol=1e-12)


def _channels_last(a: np.ndarray) -> bool:
    return not a.flags.c_contiguous and np.moveaxis(a, 1, -1).flags.c_contiguous


def test_a_channels_last_batch_keeps_its_layout_through_conv_relu_and_pooling(rng, torch):
    # A convolution's output is a channels-last view (its product's rows are positions);
    # ReLU and max pooling keep that layout, the next convolution reads it without a
    # transposing copy, and the gradients flow back in it: PyTorch's values and
    # gradients, as from the same batch in C order.
    data = rng.standard_normal((2, 3, 9, 9))
    layers = [nn.Conv2d(3, 4, 3, padding=1).double(), nn.Conv2d(4, 5, 3, padding=1).double()]
    theirs = [torch.nn.Conv2d(3, 4, 3, padding=1).double(),
              torch.nn.Conv2d(4, 5, 3, padding=1).double()]
    for ours, ref in zip(layers, theirs):
        ref.weight.data = torch.from_numpy(ours.weight.data.copy())
        ref.bias.data = torch.from_numpy(ours.bias.data.copy())
    x = ag.tensor(data, requires_grad=True)
    hidden = F.max_pool2d(F.relu(layers[0](x)), 2)
    hidden.retain_grad()
    out = layers[1](hidden)
    assert all(_channels_last(t.data) for t in (layers[0](x), hidden, out))
    t = torch.from_numpy(data).requires_grad_()
    t_hidden = torch.nn.functional.max_pool2d(torch.relu(theirs[0](t)), 2)
    t_hidden.retain_grad()
    t_out = theirs[1](t_hidden)
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng.standard_normal(out.shape)
    out.backward(ag.tensor(g))
    t_out.backward(torch.from_numpy(g))
    assert _channels_last(hidden.grad.data)
    np.testing.assert_allclose(hidden.grad.data, t_hidden.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-10, atol=1e-12)
    for ours, ref in zip(layers, theirs):
        np.testing.assert_allclose(ours.weight.grad.data, ref.weight.grad.numpy(), rtol=1e-10,
                                   atol=1e-12)


def test_empty_batch():
    x = ag.zeros(0, 4, 5, 5, requires_grad=True)
    w = ag.ones(4, 2, 3, 3, requires_grad=True)
    out = F.conv2d(x, w, groups=2)
    assert out.shape == (0, 4, 3, 3)
    back = F.conv_transpose2d(out, w, stride=2, groups=2)
    assert back.shape == (0, 4, 7, 7)
    back.sum().backward()
    assert x.grad.shape == x.shape and not w.grad.data.any()


# ------------------------------------------------------------------- layers
def _copy_into_torch(ours, theirs, torch):
    theirs.load_state_dict({k: torch.from_numpy(np.asarray(v.data))
                            for k, v in ours.state_dict().items()})


LAYERS = [
    ("Conv1d", (3, 4, 2), {"stride": 2, "padding": 1}, (2, 3, 9)),
    ("Conv1d", (4, 2, 4), {"padding": "same", "padding_mode": "reflect", "groups": 2}, (1, 4, 7)),
    ("Conv1d", (2, 3, 3), {"padding": 2, "padding_mode": "circular", "bias": False}, (2, 5)),
    ("Conv2d", (2, 4, 3), {"padding": (1, 2), "padding_mode": "replicate", "dilation": 2},
     (2, 2, 6, 5)),
    ("Conv2d", (3, 3, (2, 3)), {"padding": "same", "padding_mode": "circular"}, (1, 3, 4, 5)),
    ("Conv2d", (4, 2, 3), {"padding": 1, "padding_mode": "reflect", "groups": 2}, (4, 5, 5)),
    ("Conv3d", (2, 3, 2), {"padding": 1, "padding_mode": "replicate"}, (1, 2, 3, 3, 3)),
    ("ConvTranspose1d", (4, 2, 3), {"stride": 2, "output_padding": 1, "groups": 2}, (2, 4, 5)),
    ("ConvTranspose2d", (3, 2, (3, 2)), {"stride": (1, 2), "padding": 1, "dilation": 2},
     (2, 3, 4, 3)),
    ("ConvTranspose3d", (2, 2, 2), {"stride": 2, "bias": False}, (1, 2, 2, 2, 2)),
]


@pytest.mark.parametrize(("layer", "args", "kwargs", "x_shape"), LAYERS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_layer_matches_torch(layer, args, kwargs, x_shape, dtype, rng, torch):
    ours = getattr(nn, layer)(*args, **kwargs, dtype=dtype)
    theirs = getattr(torch.nn, layer)(*args, **kwargs, dtype=torch.float64 if dtype == np.float64
                                      else torch.float32)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    assert repr(theirs).startswith(f"{layer}({ours.extra_repr()})")
    x = rng.standard_normal(x_shape).astype(dtype)
    out_shape = tuple(theirs(torch.from_numpy(x)).shape)
    tol = {"rtol": 1e-10, "atol": 1e-10} if dtype == np.float64 else {"rtol": 1e-4, "atol": 1e-5}
    assert_module_matches_torch(ours, theirs, x, rng.standard_normal(out_shape).astype(dtype),
                                torch, **tol)


@pytest.mark.parametrize(("layer", "args", "kwargs", "x_shape"), LAYERS[1:7:2])
def test_layer_gradcheck_with_padding_modes(layer, args, kwargs, x_shape, rng):
    ours = getattr(nn, layer)(*args, **kwargs, dtype=np.float64)
    x = ag.tensor(rng.standard_normal(x_shape), requires_grad=True)
    params = list(ours.parameters())
    assert ag.gradcheck(lambda x, *p: ours(x), (x, *params))


def test_conv_forward_with_another_weight(rng):
    layer = nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular", dtype=np.float64)
    x = ag.tensor(rng.standard_normal((1, 2, 4, 4)))
    np.testing.assert_allclose(layer._conv_forward(x, layer.weight * 2, None).data,
                               2 * (layer(x) - ag.reshape(layer.bias, (3, 1, 1))).data)


def test_conv_transpose_output_size_picks_output_padding(rng, torch):
    ours = nn.ConvTranspose2d(2, 3, 3, stride=(2, 3), padding=1, dtype=np.float64)
    theirs = torch.nn.ConvTranspose2d(2, 3, 3, stride=(2, 3), padding=1, dtype=torch.float64)
    _copy_into_torch(ours, theirs, torch)
    x = rng.standard_normal((1, 2, 4, 3))
    for size in ([8, 7], [1, 3, 7, 9], (7, 8)):
        out = ours(ag.tensor(x), output_size=size)
        ref = theirs(torch.from_numpy(x), output_size=size)
        np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match=r"valid sizes range from \(7, 7\) to \(8, 9\)"):
        ours(ag.tensor(x), output_size=(9, 7))
    with pytest.raises(ValueError, match="output_size must have 2 or 4 elements"):
        ours(ag.tensor(x), output_size=(7,))


@pytest.mark.parametrize(("layer", "args"), [
    ("Conv1d", (6, 4, 3)), ("Conv2d", (6, 8, (3, 5), 1, 0, 1, 2)),
    ("ConvTranspose2d", (4, 6, 3, 1, 0, 0, 2))])
def test_default_init_is_pytorchs(layer, args):
    ag.manual_seed(0)
    m = getattr(nn, layer)(*args)
    fan_in = m.weight.shape[1] * math.prod(m.weight.shape[2:])
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=√5): gain·sqrt(3/fan_in)
    for p in (m.weight.data, m.bias.data):
        assert p.min() >= -bound and p.max() <= bound
    assert abs(m.weight.data.std() - bound / math.sqrt(3)) < 0.12 * bound
    assert m.weight.data.max() > 0.8 * bound and m.weight.dtype == np.float32


def test_init_is_seeded_by_rng():
    a = nn.Conv2d(2, 3, 3, rng=np.random.default_rng(5))
    b = nn.Conv2d(2, 3, 3, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data, b.bias.data)


def test_reprs_match_torch(torch):
    for layer, args, kwargs in [
        ("Conv2d", (3, 8, 3), {}), ("Conv2d", (4, 8, 2), {"padding": "same", "bias": False}),
        ("Conv1d", (4, 4, 3), {"padding": "valid", "dilation": 2, "groups": 4,
                               "padding_mode": "reflect"}),
        ("ConvTranspose2d", (4, 6, (3, 2)), {"stride": 2, "output_padding": 1, "groups": 2}),
        ("ConvTranspose1d", (2, 2, 3), {"padding": 1, "dilation": 3}),
    ]:
        ours = getattr(nn, layer)(*args, **kwargs)
        theirs = getattr(torch.nn, layer)(*args, **kwargs)
        assert repr(theirs) == f"{layer}({ours.extra_repr()})"


# ------------------------------------------------------------------- errors
def test_functional_errors():
    x, w = ag.zeros(2, 4, 5, 5), ag.zeros(6, 2, 3, 3)
    with pytest.raises(ag.ShapeError, match=r"conv2d: given groups=1, weight of shape "
                                            r"\(6, 2, 3, 3\) expects 2 input channels.*has 4"):
        F.conv2d(x, w)
    with pytest.raises(ag.ShapeError, match="conv2d: expected a 3-D .* or 4-D .* got shape"):
        F.conv2d(ag.zeros(4, 5), w)
    with pytest.raises(ag.ShapeError, match=r"bias must have shape \(6,\)"):
        F.conv2d(x, w, ag.zeros(5), groups=2)
    with pytest.raises(ag.ShapeError, match="smaller than the kernel"):
        F.conv2d(ag.zeros(1, 4, 2, 2), w, groups=2)
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        F.conv2d(x, w, padding="same", stride=2, groups=2)
    with pytest.raises(ValueError, match="padding must be an int, a tuple of ints, 'valid'"):
        F.conv2d(x, w, padding="full", groups=2)
    with pytest.raises(ValueError, match="stride must be at least 1"):
        F.conv2d(x, w, stride=0, groups=2)
    with pytest.raises(TypeError, match="input is float32 but weight is float64"):
        F.conv1d(ag.zeros(1, 2, 5), ag.zeros(2, 2, 3, dtype=np.float64))
    with pytest.raises(TypeError, match="must be floating point"):
        F.conv1d(ag.tensor(np.ones((1, 2, 5), dtype=np.int64)), ag.zeros(2, 2, 3))
    with pytest.raises(ValueError, match="output_padding .* must be smaller than either stride"):
        F.conv_transpose2d(x, ag.zeros(4, 2, 3, 3), stride=2, output_padding=2)
    with pytest.raises(ag.ShapeError, match="conv_transpose1d: weight of shape"):
        F.conv_transpose1d(ag.zeros(1, 3, 4), ag.zeros(2, 2, 3))


def test_layer_errors():
    with pytest.raises(ag.ShapeError, match=r"Conv2d: given groups=1, weight of shape "
                                            r"\(4, 3, 3, 3\) expects 3 input channels, but the "
                                            r"input of shape \(1, 2, 5, 5\) has 2"):
        nn.Conv2d(3, 4, 3)(ag.zeros(1, 2, 5, 5))
    with pytest.raises(ag.ShapeError, match="ConvTranspose1d: expected a 2-D .* or 3-D"):
        nn.ConvTranspose1d(3, 4, 3)(ag.zeros(3))
    with pytest.raises(ValueError, match="in_channels .* must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match='only "zeros" padding mode is supported'):
        nn.ConvTranspose2d(3, 4, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        nn.Conv1d(3, 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match=r"pad: padding size should be less than the "
                                         r"corresponding input dimension.*\(3, 3\)"):
        nn.Conv1d(1, 1, 3, padding=3, padding_mode="reflect")(ag.zeros(1, 1, 3))
    with pytest.raises(TypeError, match="kernel_size must be an int or a tuple of 2 ints"):
        nn.Conv2d(3, 4, (3, 3, 3))
