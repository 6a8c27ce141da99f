"""The Module system: registration, iteration, modes, grads, state dicts, hooks, repr, dtype."""

import copy

import numpy as np
import pytest

import autograd as ag
import nn


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class WithBuffer(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(ag.ones(2))
        self.register_buffer("count", ag.zeros(1))
        self.register_buffer("scratch", ag.zeros(3), persistent=False)

    def forward(self, x):
        return x * self.scale


def test_parameter_is_a_leaf_tensor_that_requires_grad():
    p = nn.Parameter(ag.zeros(2, 3))
    assert isinstance(p, ag.Tensor)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert repr(p).startswith("Parameter containing:\ntensor(")
    frozen = nn.Parameter(ag.zeros(2), requires_grad=False)
    assert not frozen.requires_grad


def test_parameter_from_a_graph_tensor_is_detached():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    p = nn.Parameter(x * 2)
    assert p.is_leaf
    np.testing.assert_array_equal(p.data, [2.0, 4.0])


def test_attribute_assignment_registers_parameters_and_modules():
    model = TwoLayer()
    names = [n for n, _ in model.named_parameters()]
    assert names == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert [n for n, _ in model.named_children()] == ["fc1", "act", "fc2"]
    assert [n for n, _ in model.named_modules()] == ["", "fc1", "act", "fc2"]
    assert len(list(model.modules())) == 4
    assert len(list(model.parameters(recurse=False))) == 0


def test_shared_parameters_and_modules_appear_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert model.num_parameters() == 6


def test_reassigning_a_name_moves_it_between_registries():
    model = TwoLayer()
    model.fc1 = nn.Parameter(ag.zeros(1))
    assert "fc1" not in dict(model.named_children())
    assert "fc1" in dict(model.named_parameters())
    model.fc1 = None
    assert model.fc1 is None
    assert "fc1" not in dict(model.named_parameters())


def test_replacing_a_parameter_or_submodule_keeps_its_place():
    model = TwoLayer()
    model.fc1 = nn.Linear(3, 4)
    assert [n for n, _ in model.named_children()] == ["fc1", "act", "fc2"]
    layer = nn.Linear(2, 3)
    layer.weight = nn.Parameter(ag.zeros(3, 2))
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert list(layer.state_dict()) == ["weight", "bias"]
    layer.register_parameter("weight", nn.Parameter(ag.ones(3, 2)))
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    holder = WithBuffer()
    holder.register_buffer("count", ag.ones(1))
    assert [n for n, _ in holder.named_buffers()] == ["count", "scratch"]


def test_a_module_shared_under_two_names_is_saved_under_both():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = nn.Linear(2, 2)
            self.dec = self.enc

    model = Tied()
    assert list(model.state_dict()) == ["enc.weight", "enc.bias", "dec.weight", "dec.bias"]
    assert [n for n, _ in model.named_parameters()] == ["enc.weight", "enc.bias"]
    assert len(list(model.parameters())) == 2
    assert [n for n, _ in model.named_parameters(remove_duplicate=False)] == [
        "enc.weight", "enc.bias", "dec.weight", "dec.bias"]
    assert [n for n, _ in model.named_modules(remove_duplicate=False)] == ["", "enc", "dec"]
    state = {k: np.full(v.shape, 3.0, np.float32) for k, v in model.state_dict().items()}
    model.load_state_dict(state)  # strict: both names are expected
    np.testing.assert_array_equal(model.dec.weight.data, 3.0)


def test_state_dict_prefix_goes_before_each_key_as_it_is():
    assert list(nn.Linear(2, 2).state_dict(prefix="encoder.")) == ["encoder.weight",
                                                                    "encoder.bias"]
    assert list(TwoLayer().state_dict(prefix="m_"))[0] == "m_fc1.weight"


def test_assigning_a_plain_tensor_to_a_parameter_name_is_refused():
    model = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"parameter 'weight'.*nn.Parameter"):
        model.weight = ag.zeros(2, 2)


def test_forgetting_super_init_gives_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"call super\(\)\.__init__\(\)"):
        Broken()


def test_missing_forward_gives_a_clear_error():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(ag.zeros(1))


def test_buffers_are_in_state_dict_unless_non_persistent():
    m = WithBuffer()
    assert [n for n, _ in m.named_buffers()] == ["count", "scratch"]
    assert list(m.state_dict()) == ["scale", "count"]
    m.count = ag.ones(1)
    np.testing.assert_array_equal(m.count.data, [1.0])
    with pytest.raises(TypeError, match="buffer 'count'"):
        m.count = [1.0]


def test_register_errors():
    m = nn.Module()
    with pytest.raises(TypeError, match="nn.Parameter"):
        m.register_parameter("w", ag.zeros(2))
    with pytest.raises(KeyError, match="contain no '.'"):
        m.register_buffer("a.b", ag.zeros(1))
    with pytest.raises(TypeError, match="not a Module"):
        m.add_module("f", lambda x: x)


def test_train_eval_propagate_to_every_descendant():
    model = nn.Sequential(TwoLayer(), nn.Dropout())
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    model.train(False)
    assert not model[0].fc1.training


def test_zero_grad_sets_none_or_zeros():
    model = TwoLayer()
    model(ag.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.data == 0) for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_gradients_accumulate_until_zero_grad():
    model = nn.Linear(2, 1)
    x = ag.randn(4, 2)
    model(x).sum().backward()
    first = model.weight.grad.data.copy()
    model(x).sum().backward()
    np.testing.assert_allclose(model.weight.grad.data, 2 * first, rtol=1e-6)


def test_state_dict_is_a_snapshot_of_arrays():
    model = TwoLayer()
    sd = model.state_dict()
    assert all(isinstance(v, np.ndarray) for v in sd.values())
    before = sd["fc1.weight"].copy()
    with ag.no_grad():
        model.fc1.weight.add_(1.0)
    np.testing.assert_array_equal(sd["fc1.weight"], before)


def test_load_state_dict_round_trip_copies_in_place():
    a, b = TwoLayer(), TwoLayer()
    weight_object = b.fc1.weight
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert b.fc1.weight is weight_object
    x = ag.randn(3, 3)
    np.testing.assert_array_equal(a(x).data, b(x).data)


def test_load_state_dict_accepts_tensors_and_casts_dtype():
    a = nn.Linear(2, 2)
    sd = {k: ag.tensor(v.astype(np.float64)) for k, v in a.state_dict().items()}
    b = nn.Linear(2, 2)
    b.load_state_dict(sd)
    assert b.weight.dtype == np.float32
    np.testing.assert_allclose(b.weight.data, a.weight.data)


def test_load_state_dict_errors_name_the_keys_and_change_nothing():
    model = TwoLayer()
    before = model.fc1.weight.data.copy()
    sd = model.state_dict()
    sd["fc1.weight"] = sd["fc1.weight"] + 1
    del sd["fc2.bias"]
    sd["extra"] = np.zeros(1)
    with pytest.raises(KeyError, match=r"missing keys \['fc2.bias'\].*unexpected keys \['extra'\]"):
        model.load_state_dict(sd)
    np.testing.assert_array_equal(model.fc1.weight.data, before)
    result = model.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["fc2.bias"] and result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(model.fc1.weight.data, before + 1)


def test_load_state_dict_shape_mismatch_raises_even_when_not_strict():
    model = TwoLayer()
    sd = model.state_dict()
    sd["fc2.weight"] = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"size mismatch for 'fc2.weight'.*\(3, 4\).*\(2, 4\)"):
        model.load_state_dict(sd, strict=False)
    with pytest.raises(TypeError, match="mapping"):
        model.load_state_dict([1, 2])


def test_deepcopy_makes_an_independent_module():
    model = TwoLayer()
    clone = copy.deepcopy(model)
    with ag.no_grad():
        clone.fc1.weight.add_(1.0)
    assert not np.allclose(clone.fc1.weight.data, model.fc1.weight.data)
    assert isinstance(clone.fc1.weight, nn.Parameter)


def test_forward_hooks_see_and_replace_inputs_and_outputs():
    model = nn.Linear(2, 2)
    seen = []
    h1 = model.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = model.register_forward_hook(lambda m, args, out: seen.append(out.shape))
    out = model(ag.ones(3, 2))
    np.testing.assert_allclose(out.data, np.broadcast_to(model.bias.data, (3, 2)))
    assert seen == [(3, 2)]
    h1.remove()
    h2.remove()
    model(ag.ones(1, 2))
    assert seen == [(3, 2)]
    h3 = model.register_forward_hook(lambda m, args, out: out * 2)
    np.testing.assert_allclose(model(ag.zeros(1, 2)).data, 2 * model.bias.data[None])
    h3.remove()


def test_repr_prints_the_tree_with_shapes_and_counts():
    text = repr(TwoLayer())
    assert text.splitlines()[0] == "TwoLayer("
    assert "(fc1): Linear(in_features=3, out_features=4, bias=True)" in text
    assert "[weight (4, 3), bias (4,); 16 params]" in text
    assert "(act): ReLU()" in text
    assert text.splitlines()[-1] == ")  [26 params]"


def test_double_and_float_cast_parameters_buffers_and_grads_in_place():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    weight = model[0].weight
    model(ag.randn(4, 2)).sum().backward()
    model.double()
    assert model[0].weight is weight
    assert weight.dtype == np.float64 and weight.grad.dtype == np.float64
    assert model[1].running_mean.dtype == np.float64
    assert model[1].num_batches_tracked.dtype == np.int64
    model.float()
    assert weight.dtype == np.float32
    with pytest.raises(TypeError, match="floating"):
        model.to(np.int32)


def test_double_model_passes_gradcheck():
    ag.manual_seed(0)
    model = TwoLayer().double()
    x = ag.randn(5, 3, dtype=np.float64, requires_grad=True)
    params = list(model.parameters())

    def f(x, *ps):
        return model(x)

    assert ag.gradcheck(f, (x, *params))


def test_requires_grad_and_apply():
    model = TwoLayer()
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    assert model.num_parameters(trainable_only=True) == 0
    visited = []
    model.apply(lambda m: visited.append(type(m).__name__))
    assert visited == ["Linear", "ReLU", "Linear", "TwoLayer"]


def test_get_submodule_parameter_and_buffer_by_dotted_path_as_torch():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.BatchNorm1d(3)))
    assert model.get_submodule("") is model
    assert model.get_submodule("1.0") is model[1][0]
    assert model.get_parameter("0.weight") is model[0].weight
    assert model.get_buffer("1.0.running_var") is model[1][0].running_var
    for lookup, message in [
            (lambda: model.get_submodule("2"), "Sequential has no submodule '2'"),
            (lambda: model.get_submodule("0.x"),
             r"Linear has no submodule 'x' \(looking up '0.x'\)"),
            (lambda: model.get_parameter("0.running_mean"),
             "Linear has no parameter 'running_mean'"),
            (lambda: model.get_buffer("1.0.weight"), "BatchNorm1d has no buffer 'weight'")]:
        with pytest.raises(AttributeError, match=message):
            lookup()


# ------------------------------------------------------------- backward hooks
def _record_hooks(module_list, log):
    handles = []
    for name, layer in module_list:
        handles.append(layer.register_full_backward_pre_hook(
            lambda m, go, name=name: log.append(("pre", name, [np.asarray(g) for g in go]))))
        handles.append(layer.register_full_backward_hook(
            lambda m, gi, go, name=name: log.append(
                ("full", name, [None if g is None else np.asarray(g) for g in gi],
                 [np.asarray(g) for g in go]))))
    return handles


def test_full_backward_hooks_see_what_torchs_see_layer_by_layer(rng):
    torch = pytest.importorskip("torch")
    w1, b1 = rng.standard_normal((4, 3)), rng.standard_normal(4)
    w2, b2 = rng.standard_normal((2, 4)), rng.standard_normal(2)
    x = rng.standard_normal((5, 3))
    ours = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(),
                                 torch.nn.Linear(4, 2)).double()
    for m, (w, b) in ((ours[0], (w1, b1)), (ours[2], (w2, b2))):
        m.weight.data[...], m.bias.data[...] = w, b
    with torch.no_grad():
        for m, (w, b) in ((theirs[0], (w1, b1)), (theirs[2], (w2, b2))):
            m.weight.copy_(torch.from_numpy(w))
            m.bias.copy_(torch.from_numpy(b))
    log_ours, log_theirs = [], []
    _record_hooks(list(ours.named_children()) + [("all", ours)], log_ours)
    _record_hooks(list(theirs.named_children()) + [("all", theirs)], log_theirs)
    (ours(ag.tensor(x, requires_grad=True)) ** 2).sum().backward()
    (theirs(torch.tensor(x, requires_grad=True)) ** 2).sum().backward()
    assert [entry[:2] for entry in log_ours] == [entry[:2] for entry in log_theirs]
    for mine, other in zip(log_ours, log_theirs):
        for a_list, b_list in zip(mine[2:], other[2:]):
            for a, b in zip(a_list, b_list):
                assert (a is None) == (b is None)
                if a is not None:
                    np.testing.assert_allclose(a, b.detach().numpy() if hasattr(b, "detach")
                                               else b, rtol=1e-12)


def test_backward_hooks_replace_gradients_fire_once_per_call_and_can_be_removed():
    layer = nn.Linear(3, 2)
    calls = []
    handle = layer.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0,))
    pre = layer.register_full_backward_pre_hook(lambda m, go: calls.append(len(go)))
    x = ag.randn(4, 3, requires_grad=True)
    (layer(x) + layer(x)).sum().backward()  # two calls, two firings
    assert calls == [1, 1] and np.all(x.grad.data == 0) and layer.weight.grad is not None
    handle.remove()
    pre.remove()
    x.grad = None
    layer(x).sum().backward()
    assert np.any(x.grad.data != 0) and calls == [1, 1]
    with ag.no_grad():
        layer.register_full_backward_hook(lambda m, gi, go: calls.append("no"))
        layer(x)
    with pytest.warns(UserWarning, match="no input requires grad"):
        layer(ag.randn(4, 3)).sum().backward()
    assert calls[-1] == "no"  # fired from the outputs, with grad_input (None,)
    bad = nn.Linear(3, 2)
    bad.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(ValueError, match="returned 2 values for 1 positional inputs"):
        bad(x).sum().backward()


def test_a_hooked_module_keeps_second_derivatives():
    layer = nn.Sequential(nn.Linear(2, 3), nn.Tanh()).double()
    layer.register_full_backward_hook(lambda m, gi, go: None)
    layer[0].register_full_backward_pre_hook(lambda m, go: None)
    x = ag.tensor(np.array([[0.3, -0.2]]), requires_grad=True)
    assert ag.gradgradcheck(lambda t: layer(t), (x,))


def test_state_dict_keep_vars_destination_and_load_assign_as_torch():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    kept = model.state_dict(keep_vars=True)
    assert kept["0.weight"] is model[0].weight and kept["1.running_mean"] is model[1].running_mean
    into = {"extra": 1}
    assert model.state_dict(prefix="m.", destination=into) is into
    assert list(into)[:2] == ["extra", "m.0.weight"]
    source = {k: np.full_like(v, 0.5, dtype=np.float64)
              for k, v in model.state_dict().items() if k != "1.num_batches_tracked"}
    source["1.num_batches_tracked"] = np.array(3)
    weight = model[0].weight
    model.load_state_dict(source, assign=True)
    assert model[0].weight is weight and weight.data is source["0.weight"]
    assert weight.dtype == np.float64  # assign keeps the given array, dtype and all
    model.load_state_dict({k: v.astype(np.float32) for k, v in source.items()})
    assert weight.data is source["0.weight"] and np.all(weight.data == 0.5)  # copied in
