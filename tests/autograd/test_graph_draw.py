"""draw_graph on the course's examples: nodes, edges, labels, colours (DOT source)."""

import re
import shutil
import time

import numpy as np
import pytest

import autograd as ag
from autograd.graph import GraphvizNotFoundError, draw_graph, record


def parse(g):
    """{node id: label} and a list of (src, dst, attributes) from the DOT source."""
    src = g.source
    nodes = {m.group(1): m.group(2) if m.group(3) is None else m.group(3) for m in
             re.finditer(r'^\t(\w+) \[label=(?:"(.*?)"|(\w+) )', src, flags=re.M | re.S)}
    edges = [(m.group(1), m.group(2), m.group(3) or "") for m in
             re.finditer(r"^\t(\w+) -> (\w+)(?: \[(.*?)\])?$", src, flags=re.M)]
    return nodes, edges


def first(label):
    return label.split("\n")[0]


def by_title(nodes):
    return {first(label): label for label in nodes.values()}


def edge_titles(nodes, edges):
    return {(first(nodes[a]), first(nodes[b])) for a, b, _ in edges}


def scalar(v, name):
    t = ag.tensor(v, dtype=np.float64, requires_grad=True)
    t.name = name
    return t


def test_f_equals_xy_plus_sin_x_values_and_gradients():
    x, y = scalar(2.0, "x"), scalar(3.0, "y")
    with record():
        f = x * y + ag.sin(x)
        f.name = "f"
        f.backward()
    nodes, edges = parse(draw_graph(f))
    titles = by_title(nodes)
    assert "value 6.9093" in titles["f (output)"] and "grad 1" in titles["f (output)"]
    assert "value 2\n" in titles["x (input)"] and "grad 2.5839" in titles["x (input)"]
    assert "value 3\n" in titles["y (input)"] and "grad 2" in titles["y (input)"]
    ops = {first(lbl) for lbl in nodes.values() if "backward" in lbl}
    assert ops == {"Add", "Mul", "Sin"}
    # intermediates: x*y = 6 and sin(2) = 0.9093, each with gradient 1 (from the Add)
    inner = [lbl for lbl in nodes.values() if lbl.startswith("() float64")]
    assert sorted(lbl.split("\n")[1] for lbl in inner) == ["value 0.9093", "value 6"]
    assert all("grad 1" in lbl for lbl in inner)
    assert edge_titles(nodes, edges) == {
        ("x (input)", "Mul"), ("y (input)", "Mul"), ("x (input)", "Sin"),
        ("Mul", "() float64"), ("Sin", "() float64"), ("() float64", "Add"),
        ("Add", "f (output)"),
    }
    # backward starts at the Add
    assert "#1 in backward" in titles["Add"]


def test_edges_carry_each_contribution_not_the_total():
    x, y = scalar(2.0, "x"), scalar(3.0, "y")
    with record():
        f = x * y + ag.sin(x)
        f.backward()
    nodes, edges = parse(draw_graph(f))
    tips = {(first(nodes[a]), first(nodes[b])): re.search(r'tooltip="gradient rms (\S+)"',
                                                          attrs).group(1)
            for a, b, attrs in edges if first(nodes[a]) == "x (input)"}
    assert tips == {("x (input)", "Mul"): "3", ("x (input)", "Sin"): "0.416"}


def test_without_record_leaves_and_root_still_show_values_and_grads():
    x, y = scalar(2.0, "x"), scalar(3.0, "y")
    f = x * y + ag.sin(x)
    f.backward()
    titles = by_title(parse(draw_graph(f))[0])
    assert "grad 2.5839" in titles["x (input)"]
    assert "value 6.9093" in titles["output"]
    assert "value not recorded" in titles["() float64"]


def test_names_label_intermediates():
    x, y = scalar(2.0, "x"), scalar(3.0, "y")
    xy = x * y
    f = xy + ag.sin(x)
    titles = by_title(parse(draw_graph(f, names={"xy": xy}))[0])
    assert "value 6\n" in titles["xy"] + "\n"


def test_sigmoid_neuron_with_named_parameters():
    x1, x2 = ag.tensor(1.5, dtype=np.float64), ag.tensor(-0.5, dtype=np.float64)
    w1, w2, b = scalar(0.8, None), scalar(-1.2, None), scalar(0.1, None)
    with record():
        y = ag.sigmoid(x1 * w1 + x2 * w2 + b)
        y.backward()
    g = draw_graph(y, params={"w1": w1, "w2": w2, "b": b})
    nodes, edges = parse(g)
    titles = by_title(nodes)
    s = 1 / (1 + np.exp(-(1.5 * 0.8 + 0.5 * 1.2 + 0.1)))
    ds = s * (1 - s)  # the course's ds = dy * y * (1 - y)
    assert f"value {s:.5g}" in titles["output"]
    assert f"grad {ds * 1.5:.5g}" in titles["w1 (parameter)"]
    assert f"grad {ds * -0.5:.5g}" in titles["w2 (parameter)"]
    assert f"grad {ds:.5g}" in titles["b (parameter)"]
    assert {first(lbl) for lbl in nodes.values() if "backward" in lbl} == {"Mul", "Add",
                                                                           "Sigmoid"}
    assert 'fillcolor="#cfe2ff"' in re.search(r"\t\w+ \[label=\"w1 \(parameter\).*?\]",
                                               g.source, flags=re.S).group(0)


def two_layer(rng):
    X = ag.tensor(rng.standard_normal((4, 3)))
    W1 = ag.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    b1 = ag.tensor(np.zeros(5), requires_grad=True)
    W2 = ag.tensor(rng.standard_normal((1, 5)), requires_grad=True)
    b2 = ag.tensor(np.zeros(1), requires_grad=True)
    Y = ag.tensor([[1.0], [0.0], [1.0], [0.0]])
    with record():
        A1 = ag.relu(X @ W1.T + b1)
        A2 = ag.sigmoid(A1 @ W2.T + b2)
        loss = -(Y * ag.log(A2) + (1 - Y) * ag.log(1 - A2)).mean()
        loss.backward()
    return loss, {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def test_two_layer_network_shapes_and_summaries():
    loss, params = two_layer(np.random.default_rng(0))
    nodes, edges = parse(draw_graph(loss, params=params))
    titles = by_title(nodes)
    w1 = titles["W1 (parameter)"]
    assert "(5, 3) float64" in w1
    assert re.search(r"value min \S+ mean \S+ max \S+", w1)
    assert re.search(r"grad min \S+ mean \S+ max \S+", w1)
    assert "() float64" in titles["output"]
    # X does not require grad: like PyTorch's, the graph has no edge to it
    assert not any("input" in t for t in titles)
    ops = [first(lbl) for lbl in nodes.values() if "backward" in lbl]
    assert {"MatMul", "Relu", "Sigmoid", "Log", "Mean"} <= set(ops)
    e = edge_titles(nodes, edges)
    assert {("W1 (parameter)", "Permute"), ("(3, 5) float64", "MatMul"),
            ("b1 (parameter)", "Add"), ("(4, 5) float64", "Relu"), ("Neg", "output")} <= e


def test_detail_levels():
    loss, params = two_layer(np.random.default_rng(0))
    names = by_title(parse(draw_graph(loss, params=params, detail="names"))[0])
    assert names["W1 (parameter)"] == "W1 (parameter)"
    shapes = by_title(parse(draw_graph(loss, params=params, detail="shapes"))[0])
    assert shapes["W1 (parameter)"] == "W1 (parameter)\n(5, 3) float64"
    with pytest.raises(ValueError, match="detail"):
        draw_graph(loss, detail="everything")


def chain(weight, depth):
    x = ag.tensor([1.0, -1.0], dtype=np.float64, requires_grad=True)
    x.name = "x"
    h = x
    with record():
        for _ in range(depth):
            h = h * weight
        out = h.sum()
        out.backward()
    return out


def edge_from_input(g):
    nodes, edges = parse(g)
    return next(attrs for a, _, attrs in edges if first(nodes[a]) == "x (input)")


def test_vanishing_gradient_edges_are_blue_and_thin_exploding_red_and_thick():
    vanishing = edge_from_input(draw_graph(chain(0.5, 40)))   # 0.5**40 ~ 9e-13
    exploding = edge_from_input(draw_graph(chain(1.5, 60)))   # 1.5**60 ~ 3.7e10
    assert 'color="0.660 0.850 0.800"' in vanishing and "penwidth=0.60" in vanishing
    assert 'color="0.000 0.850 0.800"' in exploding and "penwidth=5.00" in exploding


def test_zero_gradient_edge_is_grey_and_dashed():
    x = scalar(-1.0, "x")
    with record():
        y = ag.relu(x)
        y.backward()
    attrs = edge_from_input(draw_graph(y))
    assert "gray60" in attrs and "dashed" in attrs


def test_nan_values_and_gradients_are_painted_red():
    x = ag.tensor([-1.0, 2.0], dtype=np.float64, requires_grad=True)
    x.name = "x"
    with record(), np.errstate(invalid="ignore"):
        y = ag.sqrt(x).sum()
        y.backward()
    g = draw_graph(y)
    nodes, edges = parse(g)
    out = re.search(r"\t\w+ \[label=\"output.*?\]", g.source, flags=re.S).group(0)
    assert "1 NaN" not in out  # a sum of two values is one value: nan itself
    assert "value nan" in out and 'fillcolor="#ff9b9b"' in out
    attrs = edge_from_input(g)
    assert "color=red" in attrs and "label=NaN" in attrs


def test_max_nodes_summarises_the_rest():
    out = chain(1.0, 50)
    nodes, _ = parse(draw_graph(out, max_nodes=10))
    assert sum("backward" in lbl for lbl in nodes.values()) == 10
    assert "more" in nodes and "1 more" in nodes["more"]


def test_rankdir_and_legend():
    g = draw_graph(chain(1.0, 3), rankdir="TB")
    assert "rankdir=TB" in g.source
    assert "gradient RMS on a log scale" in g.source
    assert "gradient RMS" not in draw_graph(chain(1.0, 3), color_grads=False).source


def test_five_thousand_ops_draw_in_seconds_without_recursion():
    x = ag.tensor([0.5], dtype=np.float64, requires_grad=True)
    h = x
    with record():
        for _ in range(5000):
            h = ag.sin(h)
        h.backward()
    start = time.perf_counter()
    g = draw_graph(h)
    elapsed = time.perf_counter() - start
    assert elapsed < 20.0
    assert g.source.count("Sin\\n") + g.source.count("Sin\n") == 5000


def test_bad_root_is_a_clear_error():
    with pytest.raises(TypeError, match="draw_graph: expected a Tensor"):
        draw_graph(3.0)


@pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz dot program is absent")
def test_renders_svg_and_displays_inline(tmp_path):
    x, y = scalar(2.0, "x"), scalar(3.0, "y")
    f = x * y + ag.sin(x)
    f.backward()
    g = draw_graph(f)
    path = g.render(tmp_path / "f", format="svg")
    text = open(path).read()
    assert "<svg" in text and "Mul" in text and "2.5839" in text
    assert "<svg" in g._repr_svg_()
    assert "<svg" in g._repr_mimebundle_()["image/svg+xml"]


def test_without_dot_rendering_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    g = draw_graph(chain(1.0, 2))
    assert "digraph" in g.source
    with pytest.raises(GraphvizNotFoundError, match="apt-get install -y graphviz"):
        g._repr_mimebundle_()
    with pytest.raises(GraphvizNotFoundError, match="brew install graphviz"):
        g.render(tmp_path / "g", format="png")


def _backslash_names_graph():
    names = ["a\\lb", "c\\", "\\nabla", "<b>"]
    leaves = [scalar(1.0, n) for n in names]
    return draw_graph(leaves[0] * leaves[1] + leaves[2] * leaves[3], detail="names")


def test_backslashes_in_names_are_escaped_in_the_dot_source():
    labels = set(parse(_backslash_names_graph())[0].values())
    # DOT reads \l, \n and \\ as escapes: each backslash of a name is written doubled
    assert {"a\\\\lb (input)", "c\\\\ (input)", "\\\\nabla (input)"} <= labels


@pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz dot program is absent")
def test_backslashes_in_names_are_drawn_as_written():
    g = _backslash_names_graph()
    svg = g.pipe(format="svg", encoding="utf-8")  # dot renders them as one line each
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for expected in ["a\\lb (input)", "c\\ (input)", "\\nabla (input)", "&lt;b&gt; (input)"]:
        assert expected in texts


def tooltip(attrs):
    found = re.search(r'tooltip="gradient rms (\S+)"', attrs)
    return found.group(1) if found else None


def test_a_tensor_used_twice_by_one_op_draws_two_edges_each_with_its_share():
    x = scalar(3.0, "x")
    with record():
        h = x * x          # dh/dx = 2x: 3 along each edge
        y = h + h          # dy/dh = 2: 1 along each edge
        y.backward()
    nodes, edges = parse(draw_graph(y))
    into_mul = [tooltip(a) for s, d, a in edges if (first(nodes[s]), first(nodes[d]))
                == ("x (input)", "Mul")]
    assert into_mul == ["6", "6"]  # 2 * 3 each; x.grad = 12
    assert "grad 12" in by_title(nodes)["x (input)"]
    into_add = [tooltip(a) for s, d, a in edges if first(nodes[d]) == "Add"
                and first(nodes[s]) == "() float64"]
    assert into_add == ["1", "1"]


def test_without_record_a_leaf_used_twice_leaves_its_edges_plain():
    x, w = scalar(2.0, "x"), scalar(5.0, "w")
    y = x * w + x      # x.grad = w + 1 = 6 is the sum of two shares, 5 and 1
    y.backward()
    nodes, edges = parse(draw_graph(y))
    from_x = [a for s, _, a in edges if first(nodes[s]) == "x (input)"]
    assert len(from_x) == 2 and all(tooltip(a) is None for a in from_x)
    from_w = [a for s, _, a in edges if first(nodes[s]) == "w (input)"]
    assert [tooltip(a) for a in from_w] == ["2"]  # used once: its .grad is the edge's


def test_several_roots_are_drawn_whatever_max_nodes():
    x = scalar(2.0, "x")
    y1, y2, y3 = x * 2, x + 1, ag.sin(x)
    nodes, edges = parse(draw_graph([y1, y2, y3], max_nodes=1))
    assert sorted(lbl for lbl in nodes.values() if lbl in ("Mul", "Add", "Sin")) == [
        "Add", "Mul", "Sin"]
    assert sum(first(lbl) == "output" for lbl in nodes.values()) == 3


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_max_nodes_must_be_a_positive_int(bad):
    with pytest.raises(ValueError, match="draw_graph: max_nodes must be a positive int"):
        draw_graph(chain(1.0, 3), max_nodes=bad)


def test_outputs_of_one_split_as_roots_draw_the_split_once():
    x = ag.tensor(np.arange(4.0), requires_grad=True)
    a, b = ag.split(x * 2, 2)
    g = draw_graph([a, b], detail="names")
    assert len(re.findall(r"^\t\w+ \[label=Split\b", g.source, flags=re.M)) == 1
    nodes, edges = parse(g)
    assert sum(first(nodes[s]) == " " and first(nodes[d]) == "Split" for s, d, _ in edges) == 1


def test_params_and_names_take_pairs_and_reject_what_is_not_a_tensor():
    w, b = scalar(2.0, None), scalar(1.0, None)
    x = ag.tensor(3.0, dtype=np.float64)
    y = w * x + b
    titles = by_title(parse(draw_graph(y, params=[("w", w), ("b", b)], detail="names"))[0])
    assert {"w (parameter)", "b (parameter)"} <= set(titles)
    titles = by_title(parse(draw_graph(y, params=iter([("w", w)]), detail="names"))[0])
    assert "w (parameter)" in titles
    with pytest.raises(TypeError, match=r"draw_graph: params= .* got a float where a Tensor"):
        draw_graph(y, params={"w": 2.0})
    with pytest.raises(TypeError, match=r"draw_graph: names= .* got a int where a Tensor"):
        draw_graph(y, names=[1])


@pytest.mark.parametrize("grad_range", [(1.0, 1.0), (0.0, 1.0), (10.0, 1.0), (1e-3,), None])
def test_grad_range_must_be_increasing_and_positive(grad_range):
    x = scalar(2.0, "x")
    y = x * 3
    y.backward()
    with pytest.raises(ValueError, match=r"draw_graph: grad_range must be .* 0 < low < high"):
        draw_graph(y, grad_range=grad_range)


def test_rankdir_is_checked_and_case_free():
    assert "rankdir=BT" in draw_graph(chain(1.0, 2), rankdir="bt").source
    with pytest.raises(ValueError, match="draw_graph: rankdir must be one of"):
        draw_graph(chain(1.0, 2), rankdir="XY")


def test_integer_bool_and_complex_values_are_written_exactly():
    labels = ag.tensor(np.array([123456789, 7]))
    mask = ag.tensor(np.array([True, False]))
    z = ag.tensor(np.array([1 + 2j, 3j]))
    assert "value [123456789, 7]" in draw_graph(labels).source
    assert "value [True, False]" in draw_graph(mask).source
    assert "value 3 of 6 True" in draw_graph(ag.tensor(np.arange(6) % 2 == 0)).source
    assert "value [1+2j, 0+3j]" in draw_graph(z).source
    assert "value 6 elements" in draw_graph(ag.Tensor(np.array(list("abcdef")))).source
    assert "value min 0 mean 49.5 max 99" in draw_graph(ag.tensor(np.arange(100))).source


def test_recorded_view_keeps_its_forward_value_after_an_update_of_its_input():
    W = ag.tensor([[1.0, 2.0]], dtype=np.float64, requires_grad=True)
    W.name = "W"
    with record():
        y = (W.T * 3).sum()        # W.T is a view of W's memory
        y.backward()
    with ag.no_grad():
        W -= 0.5 * W.grad          # an optimizer step, in place
    nodes, edges = parse(draw_graph(y))
    permute = next(k for k, lbl in nodes.items() if first(lbl) == "Permute")
    out = next(d for s, d, _ in edges if s == permute)
    assert "value [1, 2]\n" in nodes[out]  # as in the forward, not W's data after the step
    assert "value [-0.5, 0.5]\n" in by_title(nodes)["W (input)"]  # a leaf shows its data now
