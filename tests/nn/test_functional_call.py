"""functional_call (nn.utils.stateless and autograd.func) against torch.func.functional_call:
outputs with substitute tensors, restoration (also on error), tied weights, strict mode,
and gradients with respect to a dict of parameters."""

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import func as F
from nn.utils.stateless import functional_call

torch = pytest.importorskip("torch")  # parity tests: skipped where PyTorch is not installed
tf = torch.func

RNG = np.random.default_rng(1)


def twin_models():
    """The same two-layer MLP in graphgrad and in torch, float64."""
    ours = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(),
                                 torch.nn.Linear(4, 2)).double()
    with torch.no_grad():
        for (_, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            tp.copy_(torch.tensor(p.data))
    return ours, theirs


def new_params(model):
    return {name: RNG.normal(size=p.shape) for name, p in model.named_parameters()}


def test_output_matches_torch_and_module_is_restored():
    model, tmodel = twin_models()
    before = {n: p for n, p in model.named_parameters()}
    arrays, x = new_params(model), RNG.normal(size=(5, 3))
    out = functional_call(model, {k: ag.tensor(v) for k, v in arrays.items()}, (ag.tensor(x),))
    tout = tf.functional_call(tmodel, {k: torch.tensor(v) for k, v in arrays.items()},
                              (torch.tensor(x),))
    np.testing.assert_allclose(out.data, tout.detach().numpy(), atol=1e-12)
    assert {n: p for n, p in model.named_parameters()} == before
    assert all(isinstance(p, nn.Parameter) for p in model.parameters())
    np.testing.assert_allclose(F.functional_call(model, {}, ag.tensor(x)).data,
                               tmodel(torch.tensor(x)).detach().numpy(), atol=1e-12)


def test_partial_dicts_tuple_of_dicts_and_kwargs():
    model, tmodel = twin_models()
    arrays, x = new_params(model), RNG.normal(size=(2, 3))
    first = {k: ag.tensor(v) for k, v in arrays.items() if k.startswith("0.")}
    last = {k: ag.tensor(v) for k, v in arrays.items() if k.startswith("2.")}
    tfirst = {k: torch.tensor(v) for k, v in arrays.items() if k.startswith("0.")}
    out = functional_call(model, first, ag.tensor(x))
    np.testing.assert_allclose(out.data, tf.functional_call(tmodel, tfirst, (
        torch.tensor(x),)).detach().numpy(), atol=1e-12)
    both = functional_call(model, (first, last), (ag.tensor(x),))
    tboth = tf.functional_call(tmodel, ({k: torch.tensor(v) for k, v in arrays.items()},),
                               (torch.tensor(x),))
    np.testing.assert_allclose(both.data, tboth.detach().numpy(), atol=1e-12)
    with pytest.raises(ValueError, match="multiple dictionaries"):
        functional_call(model, (first, first), (ag.tensor(x),))


class Failing(nn.Linear):
    def forward(self, x):
        assert self.weight.shape == (5, 5)  # the substitute is in place during the call
        raise RuntimeError("boom")


def test_restored_after_an_error():
    model = Failing(3, 2)
    weight, marker = model.weight, ag.ones(1)
    with pytest.raises(RuntimeError, match="boom"):
        functional_call(model, {"weight": ag.tensor(np.ones((5, 5), np.float32)),
                                "marker": marker}, (ag.ones(1, 3),))
    assert model.weight is weight and model._parameters["weight"] is weight
    assert not hasattr(model, "marker")


def test_buffers_are_replaced_too():
    bn = nn.BatchNorm1d(3).double().eval()
    tbn = torch.nn.BatchNorm1d(3).double().eval()
    mean, var, x = RNG.normal(size=3), RNG.uniform(1, 2, size=3), RNG.normal(size=(4, 3))
    out = functional_call(bn, {"running_mean": ag.tensor(mean), "running_var": ag.tensor(var)},
                          (ag.tensor(x),))
    tout = tf.functional_call(tbn, {"running_mean": torch.tensor(mean),
                                    "running_var": torch.tensor(var)}, (torch.tensor(x),))
    np.testing.assert_allclose(out.data, tout.detach().numpy(), atol=1e-12)
    assert np.all(bn.running_mean.data == 0)


class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 2, bias=False)
        self.b = nn.Linear(2, 2, bias=False)
        self.b.weight = self.a.weight

    def forward(self, x, scale=1.0):
        return self.b(self.a(x)) * scale


def test_tied_weights_and_strict():
    model, x = Tied(), ag.tensor(np.ones((1, 2), np.float32))
    w = ag.tensor(np.array([[2.0, 0.0], [0.0, 3.0]], np.float32))
    np.testing.assert_allclose(functional_call(model, {"a.weight": w}, (x,)).data, [[4, 9]])
    np.testing.assert_allclose(
        F.functional_call(model, {"a.weight": w}, (x,), {"scale": 2.0}).data, [[8, 18]])
    untied = functional_call(model, {"a.weight": w}, (x,), tie_weights=False).data
    np.testing.assert_allclose(untied, (x.data @ w.data.T) @ model.a.weight.data.T, rtol=1e-6)
    with pytest.raises(ValueError, match="tied"):
        functional_call(model, {"a.weight": w, "b.weight": w * 2}, (x,))
    with pytest.raises(RuntimeError, match="missing"):
        functional_call(model, {"a.weight": w}, (x,), strict=True)
    with pytest.raises(RuntimeError, match="unexpected"):
        functional_call(model, {"a.weight": w, "b.weight": w, "c": w}, (x,), strict=True)


def test_grad_with_respect_to_a_parameter_dict_matches_torch():
    model, tmodel = twin_models()
    x, y = RNG.normal(size=(6, 3)), RNG.normal(size=(6, 2))

    def loss(params):
        return ((functional_call(model, params, (ag.tensor(x),)) - ag.tensor(y)) ** 2).mean()

    def tloss(params):
        return ((tf.functional_call(tmodel, params, (torch.tensor(x),)) - torch.tensor(y))
                ** 2).mean()

    params = {k: v.detach() for k, v in model.named_parameters()}
    grads = F.grad(loss)(params)
    tgrads = tf.grad(tloss)({k: v.detach() for k, v in tmodel.named_parameters()})
    assert grads.keys() == tgrads.keys()
    for k in grads:
        np.testing.assert_allclose(grads[k].data, tgrads[k].numpy(), atol=1e-12)
    assert all(p.grad is None for p in model.parameters())
    # per-example gradients: vmap over the batch, the parameters shared
    per = F.vmap(F.grad(lambda p, xi, yi: ((functional_call(model, p, (xi,)) - yi) ** 2).sum()),
                 in_dims=(None, 0, 0))(params, ag.tensor(x), ag.tensor(y))
    tper = tf.vmap(tf.grad(lambda p, xi, yi: ((tf.functional_call(tmodel, p, (xi,)) - yi) ** 2)
                           .sum()), in_dims=(None, 0, 0))(
        {k: v.detach() for k, v in tmodel.named_parameters()}, torch.tensor(x), torch.tensor(y))
    for k in per:
        np.testing.assert_allclose(per[k].data, tper[k].numpy(), atol=1e-12)
