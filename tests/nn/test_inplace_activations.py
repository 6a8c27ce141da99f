"""In-place activations and dropout (PyTorch's ``inplace=True``, ``F.relu_``, ``Tensor.relu_``).

The tensor changed in place takes the op's history, so gradients through it are the
out-of-place ones: checked against the out-of-place forms, by float64 gradcheck and
gradgradcheck through the in-place call, and against PyTorch's in-place ops (which skip
when torch is not installed). Also the rules PyTorch has for them: a retained gradient
moves to the new value, hooks registered before stay with the old one, a later change of
a value a backward needs is an error, a leaf that requires grad and a tensor with live
views are refused; and the memory: the saved output is the tensor's own.
"""

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


# (name, F form, its kwargs, module, module args): every activation with PyTorch's flag
CASES = [
    ("relu", "relu", {}, "ReLU", ()),
    ("leaky_relu", "leaky_relu", {"negative_slope": 0.1}, "LeakyReLU", (0.1,)),
    ("elu", "elu", {"alpha": 0.7}, "ELU", (0.7,)),
    ("selu", "selu", {}, "SELU", ()),
    ("celu", "celu", {"alpha": 2.0}, "CELU", (2.0,)),
    ("silu", "silu", {}, "SiLU", ()),
    ("mish", "mish", {}, "Mish", ()),
    ("hardtanh", "hardtanh", {"min_val": -0.5, "max_val": 0.8}, "Hardtanh", (-0.5, 0.8)),
    ("relu6", "relu6", {}, "ReLU6", ()),
    ("hardsigmoid", "hardsigmoid", {}, "Hardsigmoid", ()),
    ("hardswish", "hardswish", {}, "Hardswish", ()),
]
IDS = [c[0] for c in CASES]


def _points(rng, shape=(3, 4)):
    """Float64 values away from every kink of the cases (0, ±0.5, 0.8, ±3, 6)."""
    x = rng.uniform(-4.0, 7.0, shape)
    for k in (0.0, -0.5, 0.8, -3.0, 3.0, 6.0):
        x = np.where(np.abs(x - k) < 0.05, x + 0.11, x)
    return x


@pytest.mark.parametrize("name, fn, kwargs, module, args", CASES, ids=IDS)
def test_inplace_matches_out_of_place(name, fn, kwargs, module, args, rng):
    x_np = _points(rng)
    weights = rng.standard_normal(x_np.shape)
    results = []
    for inplace in (False, True):
        x = ag.tensor(x_np, requires_grad=True)
        h = x * 1.5 - 0.25
        y = getattr(F, fn)(h, **kwargs, inplace=inplace)
        assert (y is h) is inplace
        (y * ag.tensor(weights)).sum().backward()
        results.append((y.data.copy(), x.grad.data.copy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])


@pytest.mark.parametrize("name, fn, kwargs, module, args", CASES, ids=IDS)
def test_inplace_gradcheck_and_gradgradcheck(name, fn, kwargs, module, args, rng):
    x = ag.tensor(_points(rng, (2, 3)), requires_grad=True)

    def f(t):
        return getattr(F, fn)(t * 1.0, **kwargs, inplace=True)

    assert ag.gradcheck(f, (x,))
    if name not in ("relu", "hardtanh", "relu6"):  # piecewise linear: f'' = 0 is checked too
        assert ag.gradgradcheck(f, (x,))


@pytest.mark.parametrize("name, fn, kwargs, module, args", CASES, ids=IDS)
def test_inplace_matches_torch(name, fn, kwargs, module, args, rng, torch):
    x_np = _points(rng)
    g_np = rng.standard_normal(x_np.shape)
    x = ag.tensor(x_np, requires_grad=True)
    h = x * 2.0
    getattr(F, fn)(h, **kwargs, inplace=True).backward(ag.tensor(g_np))
    tx = torch.tensor(x_np, requires_grad=True)
    th = tx * 2.0
    getattr(torch.nn.functional, fn)(th, **kwargs, inplace=True).backward(torch.tensor(g_np))
    np.testing.assert_allclose(h.data, th.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-7, atol=1e-15)


@pytest.mark.parametrize("name, fn, kwargs, module, args", CASES, ids=IDS)
def test_module_flag_and_repr_follow_torch(name, fn, kwargs, module, args, rng, torch):
    ours, theirs = getattr(nn, module), getattr(torch.nn, module)
    for inplace in (False, True):
        layer = ours(*args, inplace=inplace)
        assert layer.inplace is inplace
        assert repr(layer) == repr(theirs(*args, inplace=inplace))
    x_np = _points(rng)
    h = ag.tensor(x_np, requires_grad=True) + 0.0
    out = ours(*args, inplace=True)(h)
    assert out is h
    np.testing.assert_array_equal(out.data, getattr(F, fn)(ag.tensor(x_np), **kwargs).data)


def test_module_repr_without_torch() -> None:
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"
    assert repr(nn.ReLU()) == "ReLU()"
    assert repr(nn.LeakyReLU(0.2, True)) == "LeakyReLU(negative_slope=0.2, inplace=True)"
    assert repr(nn.Dropout(0.3, inplace=True)) == "Dropout(p=0.3, inplace=True)"


def test_underscore_forms_are_inplace_true(rng) -> None:
    x_np = _points(rng)
    pairs = [(F.relu_, F.relu, {}), (F.leaky_relu_, F.leaky_relu, {"negative_slope": 0.2}),
             (F.elu_, F.elu, {"alpha": 0.5}), (F.selu_, F.selu, {}),
             (F.celu_, F.celu, {"alpha": 1.5}),
             (F.hardtanh_, F.hardtanh, {"min_val": -1.0, "max_val": 2.0})]
    for inplace_fn, fn, kwargs in pairs:
        h = ag.tensor(x_np.copy())
        assert inplace_fn(h, **kwargs) is h
        np.testing.assert_array_equal(h.data, fn(ag.tensor(x_np), **kwargs).data)
    for method, fn in (("relu_", ag.relu), ("sigmoid_", ag.sigmoid), ("tanh_", ag.tanh)):
        x = ag.tensor(x_np, requires_grad=True)
        h = x * 1.0
        assert getattr(h, method)() is h
        h.sum().backward()
        x2 = ag.tensor(x_np, requires_grad=True)
        fn(x2).sum().backward()
        np.testing.assert_array_equal(h.data, fn(ag.tensor(x_np)).data)
        np.testing.assert_array_equal(x.grad.data, x2.grad.data)


def test_relu_inplace_keeps_no_second_copy(rng) -> None:
    x = ag.tensor(rng.standard_normal((4, 5)), requires_grad=True)
    h = x * 2.0
    memory = h.data
    F.relu(h, inplace=True)
    assert h.data is memory
    (saved,) = h.grad_fn.saved_tensors
    assert np.shares_memory(saved.data, memory)
    assert h.grad_fn.name == "Relu" and h._version.value == 1


def test_dropout_inplace_matches_out_of_place_and_keeps_only_the_mask(rng) -> None:
    x_np = rng.standard_normal((50, 8))
    outs = []
    for inplace in (False, True):
        x = ag.tensor(x_np, requires_grad=True)
        h = x * 1.0
        y = F.dropout(h, 0.4, inplace=inplace, rng=np.random.default_rng(7))
        assert (y is h) is inplace
        (y * y).sum().backward()
        outs.append((y.data.copy(), x.grad.data.copy()))
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    np.testing.assert_array_equal(outs[0][1], outs[1][1])
    layer = nn.Dropout(0.4, inplace=True, rng=np.random.default_rng(7))
    h = ag.tensor(x_np, requires_grad=True) * 1.0
    assert layer(h) is h
    np.testing.assert_array_equal(h.data, outs[0][0])
    x = ag.tensor(x_np, requires_grad=True)
    assert ag.gradcheck(lambda t: F.dropout(t * 1.0, 0.3, inplace=True,
                                            rng=np.random.default_rng(2)), (x,))


def test_dropout_inplace_in_eval_or_p0_leaves_the_tensor_alone(rng) -> None:
    h = ag.tensor(rng.standard_normal(6), requires_grad=True) * 1.0
    before = h.data.copy()
    assert nn.Dropout(0.5, inplace=True).eval()(h) is h
    assert F.dropout(h, 0.0, inplace=True) is h
    np.testing.assert_array_equal(h.data, before)
    assert h._version.value == 0


def test_inplace_relu_in_a_training_step_matches_the_default(rng) -> None:
    data = rng.standard_normal((16, 6)).astype(np.float32)
    labels = rng.integers(0, 3, 16)
    losses = []
    for inplace in (False, True):
        ag.manual_seed(3)
        model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(inplace=inplace), nn.Linear(8, 8),
                              nn.LeakyReLU(inplace=inplace), nn.Linear(8, 3))
        run = []
        for _ in range(5):
            loss = nn.CrossEntropyLoss()(model(ag.tensor(data)), ag.tensor(labels))
            model.zero_grad()
            loss.backward()
            with ag.no_grad():
                for p in model.parameters():
                    p.sub_(p.grad * 0.1)
            run.append(loss.item())
        losses.append(run)
    assert losses[0] == losses[1]


def test_retained_grad_moves_and_earlier_hooks_stay(rng, torch) -> None:
    x_np = rng.standard_normal(4)
    weights = np.arange(4.0)
    x = ag.tensor(x_np, requires_grad=True)
    h = x * 2.0
    seen = []
    h.register_hook(lambda g: seen.append(g.data.copy()))
    h.retain_grad()
    h.sigmoid_()
    (h * ag.tensor(weights)).sum().backward()
    tx = torch.tensor(x_np, requires_grad=True)
    th = tx * 2.0
    theirs = []
    th.register_hook(lambda g: theirs.append(g.clone().numpy()))
    th.retain_grad()
    th.sigmoid_()
    (th * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(h.grad.data, th.grad.numpy())  # the new value's: the weights
    np.testing.assert_allclose(seen[0], theirs[0])  # the old value's: σ'·weights
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())


def test_changing_a_value_a_backward_needs_raises() -> None:
    x = ag.tensor([-1.0, 2.0, 3.0], requires_grad=True)
    h = x * 2.0
    z = h * h  # saves h
    F.relu(h, inplace=True)
    with pytest.raises(ag.GraphError, match="modified in place"):
        z.sum().backward()
    h = x * 2.0
    h.relu_()  # relu saves its output, h itself
    h.sigmoid_()
    with pytest.raises(ag.GraphError, match="modified in place"):
        h.sum().backward()


def test_inplace_on_a_leaf_that_requires_grad_is_refused() -> None:
    x = ag.tensor([-1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        F.relu(x, inplace=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        nn.Dropout(0.5, inplace=True)(x)
    with ag.no_grad():
        x.relu_()
    np.testing.assert_array_equal(x.data, [0.0, 2.0])


def test_inplace_on_a_base_rebases_its_live_slices() -> None:
    x = ag.tensor([[-1.0, 2.0], [3.0, -4.0]], requires_grad=True)
    h = x * 1.0
    row = h[0]
    h.relu_()  # as PyTorch: row reads h's memory, so it takes the history of h[0]
    assert row.grad_fn.name == "GetItem"
    np.testing.assert_array_equal(row.data, [0.0, 2.0])
    (h.sum() + row.sum()).backward()
    np.testing.assert_array_equal(x.grad.data, [[0.0, 2.0], [1.0, 0.0]])
    flat = h.reshape(4)
    h.relu_()  # a reshape of it is alive too: it is rebased the same way
    assert flat.grad_fn.name == "Reshape"
    np.testing.assert_array_equal(flat.data, [0.0, 2.0, 3.0, 0.0])


def test_inplace_on_a_slice_rebases_its_base() -> None:
    x = ag.tensor([[-1.0, 2.0], [3.0, -4.0]], requires_grad=True)
    h = x * 1.0
    nn.ReLU(inplace=True)(h[1])  # as PyTorch: h takes the change's history
    np.testing.assert_array_equal(h.data, [[-1.0, 2.0], [3.0, 0.0]])
    h.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[1.0, 1.0], [1.0, 0.0]])


def test_inplace_flag_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="inplace must be True or False.*rng= by keyword"):
        nn.Dropout(0.5, np.random.default_rng(0))
    with pytest.raises(TypeError, match="inplace must be True or False"):
        F.relu(ag.ones(2), inplace="yes")


def test_inplace_needs_a_tensor_and_keeps_dtype() -> None:
    with pytest.raises(TypeError, match="changes a Tensor in place"):
        F.relu(np.ones(3), inplace=True)
    ints = ag.tensor(np.array([-3, 0, 5, 9]))
    assert F.hardtanh(ints, -2, 6, inplace=True) is ints
    np.testing.assert_array_equal(ints.data, [-2, 0, 5, 6])
    assert ints.dtype == np.int64
    with pytest.raises(TypeError, match="result type float32 can't be cast to .* int64"):
        ag.tensor(np.array([1, 2])).sigmoid_()


def test_inplace_on_a_tensor_without_grad_is_not_recorded(rng) -> None:
    h = ag.tensor(rng.standard_normal(5))
    F.elu(h, inplace=True)
    assert h.grad_fn is None and not h.requires_grad and h._version.value == 1
