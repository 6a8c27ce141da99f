"""F.unfold / F.fold (im2col / col2im) and nn.Unfold / nn.Fold: PyTorch parity of values and
gradients, float64 gradcheck and gradgradcheck, reprs and errors."""

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


# (input shape, kernel_size, dilation, padding, stride)
UNFOLD = [
    ((2, 3, 5, 4), 2, 1, 0, 1),
    ((1, 2, 7, 6), (2, 3), (2, 1), (1, 2), (2, 1)),
    ((3, 4, 5), 3, 1, 1, 2),
    ((2, 1, 3, 3), 3, 1, 0, 1),
]


def _block_count(shape, kernel, dilation, padding, stride):
    pair = [np.broadcast_to(np.asarray(v), (2,)) for v in (kernel, dilation, padding, stride)]
    return int(np.prod([(n + 2 * p - d * (k - 1) - 1) // s + 1
                        for n, k, d, p, s in zip(shape[-2:], *pair)]))


@pytest.mark.parametrize("case", UNFOLD)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_unfold_and_fold_match_torch(case, dtype, rng, torch):
    shape, *geometry = case
    x = rng.standard_normal(shape).astype(dtype)
    ours, theirs = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = F.unfold(ours, *geometry), torch.nn.functional.unfold(theirs, *geometry)
    assert out.shape == tuple(ref.shape) and out.dtype == dtype
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    grad = rng.standard_normal(out.shape).astype(dtype)
    out.backward(ag.tensor(grad))
    ref.backward(torch.from_numpy(grad))
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-6, atol=1e-6)

    cols = ag.tensor(grad, requires_grad=True)
    tcols = torch.tensor(grad, requires_grad=True)
    folded = F.fold(cols, shape[-2:], *geometry)
    tfolded = torch.nn.functional.fold(tcols, shape[-2:], *geometry)
    np.testing.assert_allclose(folded.data, tfolded.detach().numpy(), rtol=1e-6, atol=1e-6)
    folded.backward(ag.tensor(x))
    tfolded.backward(torch.from_numpy(x))
    np.testing.assert_array_equal(cols.grad.data, tcols.grad.numpy())


@pytest.mark.parametrize("case", UNFOLD[1:3])
def test_gradcheck_and_gradgradcheck(case, rng):
    shape, *geometry = case
    x = ag.tensor(rng.standard_normal(shape), requires_grad=True)
    assert ag.gradcheck(lambda x: F.unfold(x, *geometry), (x,))
    assert ag.gradgradcheck(lambda x: F.unfold(x, *geometry) ** 2, (x,))
    blocks = _block_count(shape, *geometry)
    per_block = shape[-3] * int(np.prod(np.broadcast_to(np.asarray(geometry[0]), (2,))))
    cols = ag.tensor(rng.standard_normal(shape[:-3] + (per_block, blocks)), requires_grad=True)
    assert ag.gradcheck(lambda c: F.fold(c, shape[-2:], *geometry), (cols,))
    assert ag.gradgradcheck(lambda c: F.fold(c, shape[-2:], *geometry) ** 2, (cols,))


def test_non_contiguous_input(rng, torch):
    x = rng.standard_normal((2, 5, 6, 3))
    view = ag.permute(ag.tensor(x), (0, 3, 1, 2))[:, :, ::2]
    ref = torch.nn.functional.unfold(torch.from_numpy(x).permute(0, 3, 1, 2)[:, :, ::2], 2)
    np.testing.assert_array_equal(F.unfold(view, 2).data, ref.numpy())


def test_empty_batch():
    assert F.unfold(ag.zeros(0, 2, 3, 3), 2).shape == (0, 8, 4)
    assert F.fold(ag.zeros(0, 8, 4), 3, 2).shape == (0, 2, 3, 3)


def test_layers_and_reprs(rng, torch):
    x = rng.standard_normal((2, 3, 6, 5))
    unfold = nn.Unfold((2, 3), dilation=1, padding=1, stride=2)
    fold = nn.Fold((6, 5), (2, 3), padding=1, stride=2)
    tunfold = torch.nn.Unfold((2, 3), dilation=1, padding=1, stride=2)
    tfold = torch.nn.Fold((6, 5), (2, 3), padding=1, stride=2)
    assert repr(unfold) == repr(tunfold) and repr(fold) == repr(tfold)
    assert list(unfold.parameters()) == [] and unfold.state_dict() == {}
    np.testing.assert_allclose(fold(unfold(ag.tensor(x))).data,
                               tfold(tunfold(torch.from_numpy(x))).numpy(), rtol=1e-12)


def test_errors():
    with pytest.raises(ag.ShapeError, match=r"unfold: expected a 3-D .* got shape \(4, 5\)"):
        F.unfold(ag.zeros(4, 5), 2)
    with pytest.raises(ag.ShapeError, match="unfold: .* smaller than the kernel"):
        F.unfold(ag.zeros(1, 1, 2, 2), 3)
    with pytest.raises(ag.ShapeError, match=r"fold: .* make 2 \* 2 blocks, but the input of "
                                            r"shape \(1, 4, 5\) has 5"):
        F.fold(ag.zeros(1, 4, 5), (3, 3), 2)
    with pytest.raises(ag.ShapeError, match=r"must be divisible by the product of kernel_size"):
        F.fold(ag.zeros(1, 5, 4), (3, 3), 2)
    with pytest.raises(TypeError, match="kernel_size must be an int or a tuple of 2 ints"):
        F.unfold(ag.zeros(1, 1, 4, 4), (2, 2, 2))
    with pytest.raises(ValueError, match="stride must be at least 1"):
        F.fold(ag.zeros(1, 4, 4), (3, 3), 2, stride=0)
