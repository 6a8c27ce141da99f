"""GLU, RReLU, Softmax2d, Bilinear, gumbel_softmax and pdist against PyTorch."""

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


def _gradchecks(f, *tensors):
    assert ag.gradcheck(f, tensors)
    assert ag.gradgradcheck(f, tensors)


@pytest.mark.parametrize("dim, shape", [(-1, (3, 4)), (1, (1, 6, 3)), (0, (2,)),
                                        (-2, (2, 4, 3))])
def test_glu_matches_torch(dim, shape, rng, torch):
    ours, ref = nn.GLU(dim), torch.nn.GLU(dim)
    assert repr(ours) == repr(ref)
    out_shape = list(shape)
    out_shape[dim] //= 2
    for dtype, tol in ((np.float64, 1e-12), (np.float32, 1e-6)):
        xs = rng.standard_normal(shape).astype(dtype)
        assert_module_matches_torch(ours, ref, xs, rng.standard_normal(out_shape).astype(dtype),
                                    torch, rtol=tol * 10, atol=tol)
    x = ag.tensor(rng.standard_normal(shape[::-1]).T, requires_grad=True)  # non-contiguous
    _gradchecks(lambda x: F.glu(x, dim - len(shape) if dim >= 0 else dim), x)


def test_glu_errors():
    with pytest.raises(ag.ShapeError, match=r"glu: halving dimension must be even, but "
                                            r"dimension 1 of shape \(2, 3\) is size 3"):
        F.glu(ag.zeros(2, 3))
    with pytest.raises(IndexError, match="glu: dim 2 is out of range"):
        F.glu(ag.zeros(2, 4), dim=2)
    with pytest.raises(TypeError, match="glu: input must be floating point"):
        F.glu(ag.tensor(np.ones(4, dtype=np.int64)))


def test_rrelu_eval_is_leaky_relu_with_the_mean_slope(rng, torch):
    ours, ref = nn.RReLU(0.1, 0.3).eval(), torch.nn.RReLU(0.1, 0.3).eval()
    assert repr(ours) == repr(ref)
    assert repr(nn.RReLU(inplace=True)) == repr(torch.nn.RReLU(inplace=True))
    xs = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])
    assert_module_matches_torch(ours, ref, xs, rng.standard_normal(xs.shape), torch,
                                rtol=1e-12, atol=1e-12)
    _gradchecks(lambda x: F.rrelu(x, 0.1, 0.3), ag.tensor(xs * 1.1 + 0.05, requires_grad=True))


def test_rrelu_training_draws_slopes_in_range_from_the_generator(rng):
    xs = -rng.random((200, 50)) - 0.1
    x = ag.tensor(xs, requires_grad=True)
    y = F.rrelu(x, 0.2, 0.4, training=True, rng=np.random.default_rng(3))
    slopes = y.data / xs
    assert slopes.min() >= 0.2 and slopes.max() <= 0.4
    assert abs(slopes.mean() - 0.3) < 0.005 and abs(slopes.var() - 0.2**2 / 12) < 3e-4
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, slopes)  # the gradient is the drawn slope
    ag.manual_seed(5)
    first = F.rrelu(ag.tensor(xs), training=True).data
    ag.manual_seed(5)
    np.testing.assert_array_equal(F.rrelu(ag.tensor(xs), training=True).data, first)
    positive = rng.random(10) + 0.1
    np.testing.assert_array_equal(F.rrelu(ag.tensor(positive), training=True).data, positive)
    with pytest.raises(ValueError, match="rrelu: lower bound 0.5 must not exceed"):
        F.rrelu(ag.tensor(xs), 0.5, 0.2)


def test_rrelu_in_place(rng):
    xs = rng.standard_normal(8)
    x = ag.tensor(xs)
    assert F.rrelu_(x) is x
    np.testing.assert_allclose(x.data, np.where(xs > 0, xs, xs * (1 / 8 + 1 / 3) / 2))
    layer = nn.RReLU(inplace=True)
    y = ag.tensor(xs)
    assert layer(y) is y


@pytest.mark.parametrize("shape", [(2, 3, 4, 2), (3, 2, 2)])
def test_softmax2d_matches_torch(shape, rng, torch):
    xs = rng.standard_normal(shape)
    assert_module_matches_torch(nn.Softmax2d(), torch.nn.Softmax2d(), xs,
                                rng.standard_normal(shape), torch, rtol=1e-10, atol=1e-12)
    assert repr(nn.Softmax2d()) == repr(torch.nn.Softmax2d())
    with pytest.raises(ag.ShapeError, match=r"Softmax2d: expected input of shape \(N, C, H, W\) "
                                            r"or \(C, H, W\), got \(2, 3\)"):
        nn.Softmax2d()(ag.zeros(2, 3))


@pytest.mark.parametrize("batch", [(1,), (4,), (2, 3), ()])
def test_bilinear_matches_torch(batch, rng, torch):
    for dtype, tol in ((np.float64, 1e-10), (np.float32, 1e-5)):
        ours = nn.Bilinear(3, 2, 5, dtype=dtype)
        ref = torch.nn.Bilinear(3, 2, 5, dtype=getattr(torch, np.dtype(dtype).name))
        ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
        x1 = rng.standard_normal(batch + (3,)).astype(dtype)
        x2 = rng.standard_normal(batch + (2,)).astype(dtype)
        a, b = ag.tensor(x1, requires_grad=True), ag.tensor(x2, requires_grad=True)
        ta, tb = torch.tensor(x1, requires_grad=True), torch.tensor(x2, requires_grad=True)
        out, tout = ours(a, b), ref(ta, tb)
        np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=tol * 10, atol=tol)
        g = rng.standard_normal(out.shape).astype(dtype)
        out.backward(ag.tensor(g))
        tout.backward(torch.from_numpy(g))
        for mine, theirs in ((a.grad, ta.grad), (b.grad, tb.grad),
                             (ours.weight.grad, ref.weight.grad), (ours.bias.grad, ref.bias.grad)):
            np.testing.assert_allclose(mine.data, theirs.numpy(), rtol=tol * 10, atol=tol)


def test_bilinear_gradchecks_init_repr_and_errors(rng, torch):
    args = [ag.tensor(rng.standard_normal(s), requires_grad=True)
            for s in ((3, 4), (3, 2), (2, 4, 2), (2,))]
    args[0] = ag.tensor(rng.standard_normal((4, 3)).T, requires_grad=True)  # non-contiguous
    _gradchecks(F.bilinear, *args)
    layer = nn.Bilinear(400, 30, 20, rng=np.random.default_rng(0))
    ref = torch.nn.Bilinear(400, 30, 20)
    assert repr(layer).split("  [")[0] == repr(ref)
    assert [(k, v.shape) for k, v in layer.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in ref.state_dict().items()]
    bound = 1 / np.sqrt(400)
    w = layer.weight.data
    assert w.min() >= -bound and w.max() <= bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01 * bound and abs(w.mean()) < 0.01 * bound
    assert np.abs(layer.bias.data).max() <= bound
    assert nn.Bilinear(2, 3, 4, bias=False).bias is None
    with pytest.raises(ag.ShapeError, match=r"bilinear: input1 \(5, 2\) and input2 \(4, 3\)"):
        nn.Bilinear(2, 3, 4)(ag.zeros(5, 2), ag.zeros(4, 3))
    with pytest.raises(ag.ShapeError, match=r"weight of shape \(4, 2, 3\).*expected \(out, 3, 3\)"):
        F.bilinear(ag.zeros(5, 3), ag.zeros(5, 3), ag.zeros(4, 2, 3))


@pytest.mark.parametrize("hard", [False, True])
def test_gumbel_softmax(hard, rng, torch):
    logits = np.log(np.array([0.1, 0.2, 0.7]))
    x = ag.tensor(np.tile(logits, (4000, 1)), requires_grad=True)
    y = F.gumbel_softmax(x, tau=0.5, hard=hard, rng=np.random.default_rng(1))
    np.testing.assert_allclose(y.data.sum(-1), 1, rtol=1e-12)
    if hard:
        assert set(np.unique(y.data)) == {0.0, 1.0}
    # argmax of logits + Gumbel noise is a draw from softmax(logits)
    counts = np.bincount(y.data.argmax(-1), minlength=3) / 4000
    np.testing.assert_allclose(counts, [0.1, 0.2, 0.7], atol=0.03)
    ag.manual_seed(0)
    first = F.gumbel_softmax(x, tau=0.5, hard=hard, dim=1).data
    ag.manual_seed(0)
    np.testing.assert_array_equal(F.gumbel_softmax(x, tau=0.5, hard=hard, dim=1).data, first)
    # straight-through: the hard sample has the soft sample's gradient
    z = ag.tensor(rng.standard_normal((3, 2, 4)), requires_grad=True)
    hard_y = F.gumbel_softmax(z, hard=True, dim=1, rng=np.random.default_rng(7))
    soft_y = F.gumbel_softmax(z, hard=False, dim=1, rng=np.random.default_rng(7))
    assert np.all(hard_y.data.sum(1) == 1)
    w = rng.standard_normal(z.shape)
    (ga,) = ag.grad((hard_y * ag.tensor(w)).sum(), (z,))
    (gb,) = ag.grad((soft_y * ag.tensor(w)).sum(), (z,))
    np.testing.assert_allclose(ga.data, gb.data, rtol=1e-12)


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, float("inf"), 0.5, 0.0])
def test_pdist_matches_torch(p, rng, torch):
    xs = rng.standard_normal((5, 3))
    xs[3] = xs[1]  # a zero distance: gradient 0 there, as torch
    xs[4, 0] = xs[0, 0]  # an equal component: no infinite slope for p < 1
    x, tx = ag.tensor(xs, requires_grad=True), torch.tensor(xs, requires_grad=True)
    out, tout = F.pdist(x, p), torch.nn.functional.pdist(tx, p)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(out.shape)
    out.backward(ag.tensor(g))
    tout.backward(torch.from_numpy(g))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert F.pdist(ag.zeros(1, 3)).shape == (0,)
    xs32 = rng.standard_normal((4, 2)).astype(np.float32)
    assert F.pdist(ag.tensor(xs32), p).dtype == np.float32


def test_pdist_gradchecks_and_errors(rng):
    x = ag.tensor(rng.standard_normal((3, 4))[:, ::2], requires_grad=True)
    for p in (2.0, 1.5, 0.5):
        _gradchecks(lambda x, p=p: F.pdist(x, p), x)
    with pytest.raises(ag.ShapeError, match=r"pdist: only supports 2D input \(N, M\), got shape "
                                            r"\(2, 3, 4\)"):
        F.pdist(ag.zeros(2, 3, 4))
    with pytest.raises(ValueError, match="pdist: p must be a non-negative number"):
        F.pdist(ag.zeros(2, 3), -1.0)
