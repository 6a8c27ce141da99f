"""draw_graph(modules=...): clusters per submodule, collapsed boxes for deep networks."""

import re

import numpy as np
import pytest

import autograd as ag
import nn
from autograd.graph import draw_graph, record


def network():
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1), nn.Sigmoid())


def forward(model, traced):
    x = ag.tensor(np.ones((2, 3), dtype=np.float32))
    if traced:
        with record(modules=model):
            loss = model(x).mean()
            loss.backward()
    else:
        loss = model(x).mean()
        loss.backward()
    return loss


def clusters(source):
    """{cluster label: the op names drawn directly inside it}."""
    found = {}
    for m in re.finditer(r"subgraph (cluster_\w+) \{\n\t+color=gray40 fontsize=10 "
                         r"label=(\"[^\"]*\"|\w+)(.*?)(?=\n\t+subgraph|\n\t+\})", source,
                         flags=re.S):
        label = m.group(2).strip('"')
        found[label] = re.findall(r'label="?(\w+)(?:\n#\d+ in backward)?"? fillcolor="#ffe7c2"',
                                  m.group(3))
    return found


def test_traced_forward_puts_every_op_in_its_module_cluster():
    model = network()
    loss = forward(model, traced=True)
    src = draw_graph(loss, modules=model).source
    c = clusters(src)
    assert c["0: Linear"] == ["Linear"] and c["2: Linear"] == ["Linear"]
    assert c["1: ReLU"] == ["Relu"] and c["3: Sigmoid"] == ["Sigmoid"]
    assert "label=Sequential" in src
    # parameters are named from named_parameters() and sit in their layer's cluster
    assert re.search(r'label="0: Linear".*?0\.weight \(parameter\)', src, flags=re.S)
    # the loss's Mean is outside the model
    assert "Mean" not in sum(c.values(), [])


def test_untraced_graph_groups_ops_by_the_parameters_they_use():
    model = network()
    loss = forward(model, traced=False)
    c = clusters(draw_graph(loss, modules=model).source)
    # untraced, Sequential ran Linear + ReLU as one op (a trace's hooks keep them apart)
    assert c["0: Linear"] == ["LinearRelu"] and c["2: Linear"] == ["Linear"]
    assert "1: ReLU" not in c  # no parameter: unknown without a trace


def test_collapse_draws_each_layer_as_one_box():
    model = network()
    loss = forward(model, traced=True)
    src = draw_graph(loss, modules=model, collapse=True).source
    boxes = re.findall(r"\t(module_\w+) \[label=\"([^\"]*)\"", src)
    assert [b for b, _ in boxes] == ["module_0", "module_1", "module_2", "module_3"]
    assert "weight (4, 3) grad rms" in dict(boxes)["module_0"]
    assert "Linear\n#" not in src and "Relu\n#" not in src
    edges = set(re.findall(r"\t(\w+) -> (\w+)", src))
    assert {("module_0", "module_1"), ("module_1", "module_2"), ("module_2", "module_3"),
            ("module_3", "op0")} <= edges
    only_first = draw_graph(loss, modules=model, collapse=["0"]).source
    assert "module_0" in only_first and "module_2" not in only_first
    one = draw_graph(loss, modules=model, collapse=[model[2]]).source
    assert len(re.findall(r"\tmodule_\w+ \[label=", one)) == 1 and "\tmodule_2 [label=" in one


def test_collapse_errors_are_clear():
    model = network()
    loss = forward(model, traced=False)
    with pytest.raises(ValueError, match="does not have"):
        draw_graph(loss, modules=model, collapse=["7"])
    with pytest.raises(ValueError, match="needs modules="):
        draw_graph(loss, collapse=True)


def test_twenty_layer_network_collapses_to_a_readable_picture():
    ag.manual_seed(0)
    layers = []
    for _ in range(20):
        layers += [nn.Linear(8, 8), nn.Tanh()]
    model = nn.Sequential(*layers)
    x = ag.tensor(np.ones((4, 8), dtype=np.float32))
    with record(modules=model):
        loss = model(x).sum()
        loss.backward()
    src = draw_graph(loss, modules=model, collapse=True).source
    node_lines = re.findall(r"^\t+\w+ \[label=", src, flags=re.M)
    assert len(node_lines) == 40 + 2  # one box per layer, plus the Sum and the output


def test_an_op_after_a_forward_that_raised_is_not_put_in_a_stale_module():
    model = network()
    x = ag.tensor(np.ones((2, 3), dtype=np.float32))
    with record(modules=model):
        with pytest.raises(ag.ShapeError):
            model(ag.tensor(np.ones((2, 5), dtype=np.float32)))  # raises inside model[0]
        loss = model(x).mean()
        loss.backward()
    src = draw_graph(loss, modules=model).source
    c = clusters(src)
    assert c["0: Linear"] == ["Linear"] and c["1: ReLU"] == ["Relu"]
    assert "Mean" not in sum(c.values(), [])  # the loss is outside the model, as without the error
    assert re.search(r'^\top\d+ \[label="Mean', src, flags=re.M)


def test_record_with_a_bad_modules_argument_leaves_nothing_switched_on():
    model = network()
    with pytest.raises(TypeError, match=r"record: modules= takes an nn.Module"):
        record(modules=[model[0], model[2]])
    assert not ag.graph.is_recording()

    class HalfModule:  # its second module cannot take hooks
        def named_modules(self):
            return [("0", model[0]), ("odd", object())]

    with pytest.raises(AttributeError):
        with record(modules=HalfModule()):
            pass
    assert not ag.graph.is_recording()
    assert not model[0]._forward_pre_hooks and not model[0]._forward_hooks
    y = model(ag.tensor(np.ones((1, 3), dtype=np.float32))).sum()
    assert ag.graph.hooks.record_of(y.grad_fn) is None  # nothing recorded any more


def test_modules_must_be_a_module():
    model = network()
    loss = forward(model, traced=False)
    with pytest.raises(TypeError, match=r"draw_graph: modules= takes an nn.Module"):
        draw_graph(loss, modules=[model])


class Encoded(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(3, 4), nn.Tanh())
        self.head = nn.Linear(4, 1)

    def forward(self, x):
        return self.head(self.encoder(x))


def test_collapse_takes_one_module_or_one_name():
    ag.manual_seed(0)
    model = Encoded()
    x = ag.tensor(np.ones((2, 3), dtype=np.float32))
    with record(modules=model):
        loss = model(x).sum()
        loss.backward()
    for spec in ("encoder", model.encoder):
        src = draw_graph(loss, modules=model, collapse=spec).source
        assert re.findall(r"\t(module_\w+) \[label=", src) == ["module_encoder"]
        assert "Tanh\n#" not in src and "label=\"Linear\n#" in src  # the head is still drawn
    with pytest.raises(TypeError, match="draw_graph: collapse= takes"):
        draw_graph(loss, modules=model, collapse=3)
