"""ag.checkpoint: the same gradients, far fewer saved activations; saved_bytes itself."""

import tracemalloc

import numpy as np
import pytest

import autograd as ag
import nn
from autograd.graph import saved_bytes

N, D, DEPTH, SEG = 64, 128, 8, 4


def weights(seed=0):
    rng = np.random.default_rng(seed)
    return [ag.tensor(rng.standard_normal((D, D)) * 0.1, requires_grad=True)
            for _ in range(DEPTH)]


def segment(h, ws):
    for w in ws:
        h = ag.tanh(h @ w) * ag.sigmoid(h)  # two activations kept per layer
    return h


def network(x, ws, checkpointed):
    h = x
    for i in range(0, DEPTH, SEG):
        part = ws[i:i + SEG]
        if checkpointed:
            h = ag.checkpoint(lambda t, part=part: segment(t, part), h, params=part)
        else:
            h = segment(h, part)
    return (h ** 2).mean()


def run(checkpointed):
    ws = weights()
    x = ag.tensor(np.random.default_rng(1).standard_normal((N, D)), requires_grad=True)
    loss = network(x, ws, checkpointed)
    kept = saved_bytes(loss)
    loss.backward()
    return loss.item(), kept, [w.grad.data for w in ws], x.grad.data


def test_same_loss_and_gradients_as_without_checkpointing():
    plain = run(False)
    ck = run(True)
    assert plain[0] == ck[0]
    for a, b in zip(plain[2], ck[2]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(plain[3], ck[3], rtol=1e-12, atol=1e-15)


def test_activations_inside_fn_are_not_kept():
    _, plain, _, _ = run(False)
    _, ck, _, _ = run(True)
    act = N * D * 8
    # checkpointed: the second segment's input plus the loss's (h ** 2) input
    assert ck == 2 * act
    # plain: per layer h @ w output, tanh, sigmoid, their product (inputs of the next)
    assert plain >= 3 * DEPTH * act
    assert ck * 10 < plain


def test_course_exercise_memory_held_after_forward_with_and_without_checkpointing():
    ws = weights()
    x = ag.tensor(np.random.default_rng(1).standard_normal((N, D)))
    held = {}
    for checkpointed in (False, True):
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        loss = network(x, ws, checkpointed)
        held[checkpointed] = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        loss.backward()
        for w in ws:
            w.grad = None
    assert held[True] * 5 < held[False]


def test_module_fn_finds_its_parameters_and_multiple_outputs():
    ag.manual_seed(0)
    block = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3)).double()
    x = ag.tensor(np.random.default_rng(2).standard_normal((5, 4)))
    block(x).sum().backward()
    expected = [p.grad.data.copy() for p in block.parameters()]
    block.zero_grad()
    ag.checkpoint(block, x).sum().backward()
    for p, e in zip(block.parameters(), expected):
        np.testing.assert_allclose(p.grad.data, e, rtol=1e-12)

    a = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    s, d = ag.checkpoint(lambda t: (ag.sin(t), t * 3.0), a)
    (s.sum() + d.sum()).backward()
    np.testing.assert_allclose(a.grad.data, np.cos([1.0, 2.0]) + 3.0)


def test_random_numbers_are_replayed_in_the_recomputation():
    w = ag.tensor(np.ones(1000), requires_grad=True)

    def noisy(t):
        mask = (ag.rand(1000, dtype=np.float64) > 0.5).astype(np.float64)
        return t * w * mask

    x = ag.tensor(np.ones(1000))
    ag.manual_seed(3)
    noisy(x).sum().backward()
    expected = w.grad.data.copy()
    w.grad = None
    ag.manual_seed(3)
    ag.checkpoint(noisy, x, params=[w]).sum().backward()
    np.testing.assert_array_equal(w.grad.data, expected)


def test_tensors_used_but_not_declared_are_an_error():
    w = ag.tensor([2.0], dtype=np.float64, requires_grad=True)
    x = ag.tensor([1.0], dtype=np.float64, requires_grad=True)
    y = ag.checkpoint(lambda t: t * w, x)
    with pytest.raises(RuntimeError, match="params="):
        y.backward()
    with pytest.raises(ValueError, match="leaf"):
        ag.checkpoint(lambda t: t * 2, x, params=[w * 2])


def test_double_backward_goes_through_a_checkpoint():
    x = ag.tensor([1.5], dtype=np.float64, requires_grad=True)
    y = ag.checkpoint(lambda t: t ** 3, x)
    (g,) = ag.grad(y, x, create_graph=True)
    (gg,) = ag.grad(g, x)
    np.testing.assert_allclose(g.data, [3 * 1.5 ** 2])
    np.testing.assert_allclose(gg.data, [6 * 1.5])


def test_saved_bytes_counts_each_activation_once_and_drops_after_backward():
    x = ag.tensor(np.ones((10, 10)), requires_grad=True)
    w = ag.tensor(np.ones((10, 10)), requires_grad=True)
    assert saved_bytes(x * w) == 0  # only leaves are saved
    assert saved_bytes(x * w, include_leaves=True) == 2 * 800
    h = ag.tanh(x @ w)  # tanh keeps its output; matmul keeps the leaves
    loss = (h * h).sum()  # Mul saves h twice: one buffer
    assert saved_bytes(loss) == 800
    loss.backward()
    assert saved_bytes(loss) == 0


def test_a_parameters_hook_runs_once_on_its_gradient():
    w = ag.tensor([0.3, -1.2, 0.5], dtype=np.float64, requires_grad=True)
    x = ag.tensor([1.0, 2.0, 3.0], dtype=np.float64, requires_grad=True)
    calls = []

    def double(g):
        calls.append(g.data.copy())
        return g * 2.0

    w.register_hook(double)
    ag.checkpoint(lambda t: t * w, x, params=[w]).sum().backward()
    assert len(calls) == 1
    np.testing.assert_array_equal(calls[0], x.data)
    np.testing.assert_array_equal(w.grad.data, 2.0 * x.data)


def test_use_reentrant_and_keyword_arguments_are_accepted_as_in_torch():
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    w = ag.tensor([3.0, 4.0], dtype=np.float64, requires_grad=True)

    def fn(t, *, scale, shift):
        return (t * scale + shift) ** 2

    for use_reentrant in (False, True, None):
        x.grad = w.grad = None
        y = ag.checkpoint(fn, x, scale=w, shift=1.0, use_reentrant=use_reentrant)
        y.sum().backward()
        inner = x.data * w.data + 1.0
        np.testing.assert_allclose(y.data, inner ** 2)
        np.testing.assert_allclose(x.grad.data, 2 * inner * w.data)
        np.testing.assert_allclose(w.grad.data, 2 * inner * x.data)  # a Tensor keyword arg


def test_dropout_module_gets_the_same_mask_when_recomputed():
    block = nn.Sequential(nn.Linear(6, 6), nn.Dropout(0.5), nn.Tanh()).double()
    x = ag.tensor(np.random.default_rng(4).standard_normal((8, 6)), requires_grad=True)
    grads = []
    for checkpointed in (False, True):
        block.zero_grad()
        x.grad = None
        ag.manual_seed(5)
        (ag.checkpoint(block, x) if checkpointed else block(x)).sum().backward()
        grads.append([x.grad.data.copy()] + [p.grad.data.copy() for p in block.parameters()])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def _nested_with_hook(lib):
    """Nested checkpoints, a keyword argument and a hooked weight, in ag or torch."""
    x = lib.tensor(np.array([0.3, -1.2, 0.5]), requires_grad=True)
    w = lib.tensor(np.array([1.5, 0.5, -2.0]), requires_grad=True)
    w.register_hook(lambda g: g * 3.0)
    if lib is ag:
        ck = ag.checkpoint

        def inner(t, *, k):
            return ag.sin(t * w) * k

        def outer(t):
            return ck(inner, t * 2.0, k=3.0, params=[w], use_reentrant=False) ** 2
        y = ck(outer, x, params=[w], use_reentrant=False)
    else:
        from torch.utils.checkpoint import checkpoint as ck

        def inner(t, *, k):
            return lib.sin(t * w) * k

        def outer(t):
            return ck(inner, t * 2.0, k=3.0, use_reentrant=False) ** 2
        y = ck(outer, x, use_reentrant=False)
    y.sum().backward()
    return x.grad.detach().numpy(), w.grad.detach().numpy()


def test_nested_checkpoints_with_hooks_and_keywords_match_torch():
    torch = pytest.importorskip("torch")
    for ours, theirs in zip(_nested_with_hook(ag), _nested_with_hook(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
