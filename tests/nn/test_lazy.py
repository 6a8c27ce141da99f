"""Lazy layers: placeholders until the first forward, then PyTorch's shapes, keys, init
bounds and results; loading a state dict materializes them too."""

import math

import numpy as np
import pytest

import autograd as ag
import nn

torch = pytest.importorskip("torch")  # parity tests: skipped where PyTorch is not installed

CASES = [
    (lambda: nn.LazyLinear(3), lambda: torch.nn.LazyLinear(3), (2, 5)),
    (lambda: nn.LazyLinear(4, bias=False), lambda: torch.nn.LazyLinear(4, bias=False), (1, 3, 6)),
    (lambda: nn.LazyConv1d(4, 3, groups=2), lambda: torch.nn.LazyConv1d(4, 3, groups=2), (2, 6, 7)),
    (lambda: nn.LazyConv1d(2, 2), lambda: torch.nn.LazyConv1d(2, 2), (3, 5)),  # unbatched
    (lambda: nn.LazyConv2d(3, 3, padding=1), lambda: torch.nn.LazyConv2d(3, 3, padding=1),
     (1, 2, 5, 4)),
    (lambda: nn.LazyBatchNorm1d(), lambda: torch.nn.LazyBatchNorm1d(), (4, 3)),
    (lambda: nn.LazyBatchNorm1d(affine=False), lambda: torch.nn.LazyBatchNorm1d(affine=False),
     (3, 2, 5)),
    (lambda: nn.LazyBatchNorm2d(), lambda: torch.nn.LazyBatchNorm2d(), (2, 3, 2, 2)),
]


@pytest.mark.parametrize("make,make_torch,shape", CASES)
def test_lazy_layer_materializes_like_torch(make, make_torch, shape):
    ours, theirs = make(), make_torch().double()
    assert ours.has_uninitialized_params() and theirs.has_uninitialized_params()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = np.random.default_rng(0).standard_normal(shape)
    ours.double()
    ours(ag.tensor(x))
    theirs(torch.from_numpy(x))
    assert type(ours).__name__ == type(theirs).__name__
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert ours.extra_repr().split(",")[0] == theirs.extra_repr().split(",")[0]
    assert all(type(p) is nn.Parameter for p in ours.parameters())
    # same weights in: same output and gradients
    ours, theirs = make(), make_torch()
    ours.double()
    theirs.double()
    ours(ag.tensor(x))
    theirs(torch.from_numpy(x))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ours(xa) ** 2).sum().backward()
    (theirs(xt) ** 2).sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=name)


def test_lazy_init_bounds_and_dtype():
    m = nn.LazyLinear(300, rng=np.random.default_rng(0))
    m(ag.ones((1, 400)))
    bound = 1 / math.sqrt(400)
    w = m.weight.data
    assert w.dtype == np.float32 and np.abs(w).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound
    c = nn.LazyConv2d(8, 3, dtype=np.float64)
    c(ag.ones((1, 4, 5, 5), dtype=np.float64))
    assert c.weight.dtype == np.float64 and np.abs(c.weight.data).max() <= 1 / math.sqrt(36)


def test_lazy_gradcheck_after_first_forward():
    m = nn.LazyLinear(2, dtype=np.float64)
    x = ag.tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    m(x)
    assert ag.gradcheck(lambda x, w, b: m(x), (x, m.weight, m.bias))


def test_lazy_load_state_dict_materializes_and_errors():
    src = nn.Linear(4, 2)
    lazy = nn.LazyLinear(2)
    lazy.load_state_dict(src.state_dict())
    assert not lazy.has_uninitialized_params() and lazy.in_features == 4
    np.testing.assert_array_equal(lazy.weight.data, src.weight.data)
    x = ag.ones((1, 4))
    np.testing.assert_allclose(lazy(x).data, src(x).data)
    assert type(lazy) is nn.Linear
    bn = nn.LazyBatchNorm1d()
    with pytest.raises(ag.ShapeError, match="LazyBatchNorm1d"):
        bn(ag.ones(3))
    conv = nn.LazyConv1d(4, 2, groups=2)
    with pytest.raises(ValueError, match="multiple of groups"):
        conv(ag.ones((1, 3, 5)))
    assert repr(nn.LazyLinear(3)).startswith(repr(torch.nn.LazyLinear(3)))
    p = nn.UninitializedParameter()
    assert p.shape == (0,) and p.requires_grad
    p.materialize((2, 3))
    assert type(p) is nn.Parameter and p.shape == (2, 3)
    b = nn.UninitializedBuffer()
    b.materialize((2,))
    assert type(b) is ag.Tensor and not b.requires_grad


def test_buffer_marker_registers_as_torch():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.kept = nn.Buffer(ag.ones(2))
            self.scratch = nn.Buffer(ag.zeros(1), persistent=False)

    class T(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.kept = torch.nn.Buffer(torch.ones(2))
            self.scratch = torch.nn.Buffer(torch.zeros(1), persistent=False)

    ours, theirs = M(), T()
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["kept"]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert not list(ours.parameters()) and nn.Buffer().shape == (0,)
    np.testing.assert_array_equal((ours.kept * 2).data, [2.0, 2.0])
