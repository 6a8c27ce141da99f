"""``nn.EmbeddingBag`` / ``F.embedding_bag``: PyTorch parity (sum/mean/max, 2-D input,
offsets, include_last_offset, padding_idx, per_sample_weights, max_norm; output and the
gradients of the weight and of per_sample_weights; float64 and float32), gradcheck, init,
state_dict, repr and errors."""

from __future__ import annotations

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


INDEX = np.array([1, 2, 4, 5, 4, 3, 2, 0, 1, 1])
OFFSETS = np.array([0, 2, 2, 6])
CASES = [
    dict(offsets=OFFSETS),
    dict(offsets=np.append(OFFSETS, INDEX.size), include_last_offset=True),
    dict(offsets=OFFSETS, padding_idx=2),
    dict(offsets=np.array([0, 3, 3]), padding_idx=-1),
    dict(two_d=True),
    dict(two_d=True, padding_idx=1),
    dict(offsets=OFFSETS, max_norm=1.2),
]


def _run(fn, lib, weight, case, mode, psw=None):
    kw = {k: v for k, v in case.items() if k not in ("offsets", "two_d")}
    index = INDEX.reshape(2, 5) if case.get("two_d") else INDEX
    offsets = None if case.get("two_d") else lib.tensor(case["offsets"])
    return fn(lib.tensor(index), weight, offsets, mode=mode, per_sample_weights=psw, **kw)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_embedding_bag_matches_torch(torch, case, mode, dtype):
    rng = np.random.default_rng(0)
    table = rng.standard_normal((6, 3)).astype(dtype)
    w, tw = ag.tensor(table, requires_grad=True), torch.tensor(table, requires_grad=True)
    out = _run(F.embedding_bag, ag, w, case, mode)
    tout = _run(torch.nn.functional.embedding_bag, torch, tw, case, mode)
    tol = dict(rtol=1e-12, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-6)
    assert out.dtype == dtype and out.shape == tuple(tout.shape)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), **tol)
    g = rng.standard_normal(out.shape).astype(dtype)
    out.backward(ag.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), **tol)
    np.testing.assert_allclose(w.data, tw.detach().numpy(), **tol)  # max_norm renormed both


@pytest.mark.parametrize("case", CASES[:5])
def test_per_sample_weights_match_torch(torch, case):
    rng = np.random.default_rng(1)
    table = rng.standard_normal((6, 3))
    psw_np = rng.standard_normal(INDEX.shape).reshape(
        (2, 5) if case.get("two_d") else INDEX.shape)
    w, tw = ag.tensor(table, requires_grad=True), torch.tensor(table, requires_grad=True)
    psw, tpsw = ag.tensor(psw_np, requires_grad=True), torch.tensor(psw_np, requires_grad=True)
    out = _run(F.embedding_bag, ag, w, case, "sum", psw)
    tout = _run(torch.nn.functional.embedding_bag, torch, tw, case, "sum", tpsw)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-12)
    g = rng.standard_normal(out.shape)
    out.backward(ag.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(psw.grad.data, tpsw.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_max_ties_send_the_gradient_to_the_first_maximum(torch):
    table = np.array([[1.0, 2.0], [1.0, 0.0], [0.0, 2.0]])
    w, tw = ag.tensor(table, requires_grad=True), torch.tensor(table, requires_grad=True)
    F.embedding_bag(ag.tensor([[1, 0, 2]]), w, mode="max").sum().backward()
    torch.nn.functional.embedding_bag(torch.tensor([[1, 0, 2]]), tw, mode="max").sum().backward()
    np.testing.assert_array_equal(w.grad.data, tw.grad.numpy())


def test_scale_grad_by_freq_divides_by_each_index_count():
    table = ag.tensor(np.eye(6), requires_grad=True)
    F.embedding_bag(ag.tensor(INDEX), table, ag.tensor(OFFSETS), mode="sum",
                    scale_grad_by_freq=True).sum().backward()
    expected = (np.bincount(INDEX, minlength=6) > 0).astype(float)
    np.testing.assert_allclose(table.grad.data, np.repeat(expected[:, None], 6, 1))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_gradcheck(mode):
    rng = np.random.default_rng(2)
    w = ag.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    index, offsets = ag.tensor([0, 3, 3, 1, 4, 2]), ag.tensor([0, 1, 4, 4])
    assert ag.gradcheck(lambda w: F.embedding_bag(index, w, offsets, mode=mode), [w])
    if mode == "sum":
        psw = ag.tensor(rng.standard_normal(6), requires_grad=True)
        fn = lambda w, p: F.embedding_bag(index, w, offsets, mode="sum",  # noqa: E731
                                          per_sample_weights=p)
        assert ag.gradcheck(fn, [w, psw])
        assert ag.gradgradcheck(fn, [w, psw])


def test_module_matches_torch_and_loads_its_state(torch):
    theirs = torch.nn.EmbeddingBag(7, 4, mode="max", padding_idx=3).double()
    ours = nn.EmbeddingBag(7, 4, mode="max", padding_idx=3, dtype=np.float64)
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert list(state) == list(ours.state_dict()) == ["weight"]
    ours.load_state_dict(state)
    x = np.array([[0, 3, 6], [3, 3, 3]])
    np.testing.assert_array_equal(ours(ag.tensor(x)).data,
                                  theirs(torch.tensor(x)).detach().numpy())
    assert ours.extra_repr() == theirs.extra_repr() == "7, 4, mode='max', padding_idx=3"


def test_init_and_from_pretrained():
    bag = nn.EmbeddingBag(400, 50, padding_idx=0, rng=np.random.default_rng(0))
    w = bag.weight.data
    np.testing.assert_array_equal(w[0], 0.0)
    assert abs(w[1:].mean()) < 0.02 and abs(w[1:].std() - 1) < 0.02
    pre = nn.EmbeddingBag.from_pretrained(ag.tensor(np.eye(3)), mode="sum")
    assert not pre.weight.requires_grad and pre.mode == "sum"
    np.testing.assert_array_equal(pre(ag.tensor([[0, 2]])).data, [[1.0, 0.0, 1.0]])


def test_errors():
    w = ag.zeros((4, 2))
    with pytest.raises(ValueError, match="offsets has to be None"):
        F.embedding_bag(ag.tensor([[0, 1]]), w, ag.tensor([0]))
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
        F.embedding_bag(ag.tensor([0, 1]), w)
    with pytest.raises(ValueError, match=r"offsets\[0\] has to be 0"):
        F.embedding_bag(ag.tensor([0, 1]), w, ag.tensor([1]))
    with pytest.raises(NotImplementedError, match="only supported for mode='sum'"):
        F.embedding_bag(ag.tensor([[0, 1]]), w, per_sample_weights=ag.ones((1, 2)))
    with pytest.raises(ValueError, match="max mode does not support"):
        F.embedding_bag(ag.tensor([[0, 1]]), w, mode="max", scale_grad_by_freq=True)
    with pytest.raises(IndexError, match="out of range"):
        F.embedding_bag(ag.tensor([[0, 9]]), w)
    with pytest.raises(ValueError, match="mode has to be one of"):
        nn.EmbeddingBag(3, 2, mode="median")
