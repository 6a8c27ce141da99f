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
    assert c["0: Linear"] == ["Linear"] and c["2: Linear"] == ["Linear"]
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
