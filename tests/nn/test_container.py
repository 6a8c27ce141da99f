"""Sequential, ModuleList and ModuleDict."""

from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn


def test_sequential_applies_in_order_and_indexes_like_a_list():
    a, b = nn.Linear(3, 4), nn.Linear(4, 2)
    seq = nn.Sequential(a, nn.ReLU(), b)
    x = ag.randn(5, 3)
    np.testing.assert_allclose(seq(x).data, b(a(x).relu()).data, rtol=1e-6)
    assert len(seq) == 3 and seq[0] is a and seq[-1] is b
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear"]
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is a
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and "3.weight" not in dict(seq.named_parameters())
    with pytest.raises(IndexError, match="out of range"):
        seq[4]


def _ops(out):
    """The op names from ``out`` back to the input, along first inputs."""
    names, node = [], out.grad_fn
    while node is not None:
        names.append(node.name)
        edge = node.next_edges[0]
        node = edge[0] if edge is not None and isinstance(edge[0], ag.Context) else None
    return names


def _unfused(seq, x):
    for m in seq:
        x = m(x)
    return x


def test_sequential_runs_linear_then_relu_as_one_op_with_the_same_values():
    ag.manual_seed(0)
    seq = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 4), nn.ReLU(inplace=True),
                        nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2)).double()
    x = ag.randn(7, 6, dtype=np.float64, requires_grad=True)
    out = seq(x)
    assert _ops(out) == ["Linear", "Tanh", "Linear", "LinearRelu", "LinearRelu"]
    expected = _unfused(seq, x)
    assert _ops(expected)[-2:] == ["Relu", "Linear"]
    np.testing.assert_array_equal(out.data, expected.data)
    grads = ag.grad(out.sum(), [x, *seq.parameters()])
    truth = ag.grad(expected.sum(), [x, *seq.parameters()])
    for g, t in zip(grads, truth):
        np.testing.assert_allclose(g.data, t.data, rtol=1e-12, atol=1e-12)


def test_sequential_does_not_fuse_what_hooks_or_subclasses_may_see():
    ag.manual_seed(0)
    x = ag.randn(3, 4, requires_grad=True)

    class Custom(nn.Linear):
        def forward(self, x):
            return super().forward(x) * 2

    assert _ops(nn.Sequential(Custom(4, 2), nn.ReLU())(x)) == ["Relu", "Mul", "Linear"]
    seen = []
    seq = nn.Sequential(nn.Linear(4, 2), nn.ReLU())
    handle = seq[0].register_forward_hook(lambda m, i, o: seen.append(o))
    assert _ops(seq(x)) == ["Relu", "Linear"] and len(seen) == 1
    handle.remove()
    handle = seq[1].register_forward_pre_hook(lambda m, i: seen.append(i))
    assert _ops(seq(x)) == ["Relu", "Linear"] and len(seen) == 2
    handle.remove()
    assert _ops(seq(x)) == ["LinearRelu"]
    assert _ops(nn.Sequential(nn.ReLU(), nn.Linear(4, 2))(x)) == ["Linear", "Relu"]
    with pytest.raises(ag.ShapeError, match=r"linear_relu: input of shape \(3, 4\) does not "
                                            r"fit weight of shape \(2, 5\)"):
        nn.Sequential(nn.Linear(5, 2), nn.ReLU())(x)


def test_sequential_from_ordered_dict_uses_the_names():
    seq = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 3)), ("out", nn.Linear(3, 1))]))
    assert [n for n, _ in seq.named_parameters()] == [
        "hidden.weight", "hidden.bias", "out.weight", "out.bias"]


def test_sequential_from_ordered_dict_indexes_by_position():
    hidden, act, out = nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 3)
    seq = nn.Sequential(OrderedDict([("hidden", hidden), ("act", act), ("out", out)]))
    assert seq[0] is hidden and seq[1] is act and seq[-1] is out
    with pytest.raises(IndexError, match="index 3 is out of range for 3 modules"):
        seq[3]
    new = nn.Linear(3, 3)
    seq[0] = new  # replaces 'hidden' in place: the forward still runs it first
    assert [n for n, _ in seq.named_children()] == ["hidden", "act", "out"]
    assert seq.hidden is new and len(seq) == 3
    x = ag.randn(4, 3)
    np.testing.assert_allclose(seq(x).data, out(new(x).relu()).data, rtol=1e-6)
    tail = seq[1:]
    assert [n for n, _ in tail.named_children()] == ["act", "out"]
    assert list(tail.state_dict()) == ["out.weight", "out.bias"]


def test_replacing_a_named_layer_keeps_the_order_of_the_forward():
    seq = nn.Sequential(OrderedDict([("fc1", nn.Linear(2, 3)), ("act", nn.ReLU()),
                                     ("fc2", nn.Linear(3, 1))]))
    seq.fc1 = nn.Linear(2, 3)
    assert [n for n, _ in seq.named_children()] == ["fc1", "act", "fc2"]
    assert seq(ag.ones(4, 2)).shape == (4, 1)


def test_a_slice_of_a_numbered_sequential_keeps_its_keys_a_module_list_renumbers():
    seq = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    assert list(seq[1:].state_dict()) == ["2.weight", "2.bias"]
    assert list(seq[:-1].state_dict()) == ["0.weight", "0.bias"]
    layers = nn.ModuleList([nn.ReLU(), nn.Linear(2, 2)])
    assert list(layers[1:].state_dict()) == ["0.weight", "0.bias"]


def test_module_list_setitem_replaces_in_place():
    layers = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    layers[-1] = nn.Sigmoid()
    assert [n for n, _ in layers.named_children()] == ["0", "1"]
    assert isinstance(layers[1], nn.Sigmoid)
    with pytest.raises(TypeError, match=r"ModuleList\[0\].*not a Module"):
        layers[0] = lambda x: x


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError, match="Sequential argument 1"):
        nn.Sequential(nn.ReLU(), lambda x: x)


def test_delete_and_insert_renumber():
    seq = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())
    del seq[1]
    assert [type(m).__name__ for m in seq] == ["ReLU", "Sigmoid"]
    seq.insert(0, nn.Identity())
    assert [n for n, _ in seq.named_children()] == ["0", "1", "2"]
    assert isinstance(seq[0], nn.Identity)


def test_module_list_registers_its_modules():
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    model = Stack()
    assert len(list(model.parameters())) == 6
    assert "layers.2.bias" in dict(model.named_parameters())
    assert model(ag.randn(1, 2)).shape == (1, 2)
    model.layers.extend([nn.Linear(2, 2)])
    assert len(model.layers) == 4
    with pytest.raises(NotImplementedError, match="iterate"):
        model.layers(ag.zeros(1))


def test_module_dict_registers_by_key():
    heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})
    assert heads.keys() == ["a", "b"] and "a" in heads and len(heads) == 2
    assert [n for n, _ in heads.named_parameters()] == ["a.weight", "a.bias", "b.weight", "b.bias"]
    heads["c"] = nn.Identity()
    assert list(heads) == ["a", "b", "c"]
    heads["a"] = nn.Linear(2, 5)  # replaced in place, as in PyTorch
    assert list(heads) == ["a", "b", "c"] and heads["a"].out_features == 5
    with pytest.raises(KeyError, match="its keys are"):
        heads["missing"]
    with pytest.raises(TypeError, match="not a Module"):
        heads["d"] = 3


def test_insert_returns_the_container_as_append_and_extend_do():
    seq = nn.Sequential(nn.ReLU())
    assert seq.insert(0, nn.Tanh()) is seq
    assert [type(m).__name__ for m in seq] == ["Tanh", "ReLU"]
    listed = nn.ModuleList([nn.ReLU()])
    assert listed.insert(1, nn.Sigmoid()) is listed and len(listed) == 2


def test_parameter_list_registers_and_wraps_tensors_as_torch():
    class Mixture(nn.Module):
        def __init__(self):
            super().__init__()
            self.weights = nn.ParameterList([nn.Parameter(ag.zeros(2)), ag.ones(3)])

        def forward(self, x):
            return sum((w.sum() for w in self.weights), x)

    model = Mixture()
    assert [n for n, _ in model.named_parameters()] == ["weights.0", "weights.1"]
    assert isinstance(model.weights[1], nn.Parameter) and model.weights[-1].shape == (3,)
    assert model.weights.append(ag.zeros(1)) is model.weights and len(model.weights) == 3
    model.weights[0] = ag.full((2,), 2.0)
    model(ag.tensor(1.0)).backward()
    assert all(p.grad is not None for p in model.parameters())
    assert len(model.weights[1:]) == 2
    with pytest.raises(IndexError, match="index 3 is out of range for 3 parameters"):
        model.weights[3]
    with pytest.raises(TypeError, match="ParameterList.append: ndarray is not a Parameter"):
        model.weights.append(np.zeros(2))


def test_parameter_dict_registers_by_key_as_torch():
    scales = nn.ParameterDict({"a": ag.ones(2), "b": nn.Parameter(ag.zeros(1))})
    assert [n for n, _ in scales.named_parameters()] == ["a", "b"]
    assert isinstance(scales["a"], nn.Parameter) and "b" in scales and len(scales) == 2
    scales.update([("c", ag.ones(3))])
    assert scales.keys() == ["a", "b", "c"]
    del scales["a"]
    assert list(scales) == ["b", "c"] and list(scales.state_dict()) == ["b", "c"]
    with pytest.raises(KeyError, match="ParameterDict has no parameter 'z'; its keys are"):
        scales["z"]
    with pytest.raises(NotImplementedError, match="ParameterDict has no forward"):
        scales()
