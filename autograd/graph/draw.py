"""``draw_graph``: a picture of the recorded graph with values and gradients.

Tensors are boxes (name, shape and dtype, value, gradient), ops are ellipses
(name and, after a backward run inside ``record()``, the order in which backward
visited them), and the edges run forward, from inputs to outputs, as the course
draws them (seed inventory §1.1: edges carry values forward and gradients
backward). Each edge is coloured and thickened by the size of the gradient
flowing back along it, on a log scale, so vanishing and exploding gradients
(§9.10) stand out; a NaN or Inf in a value or gradient is painted red.

The walk is iterative and the drawing linear in the size of the graph: ten
thousand ops draw in a couple of seconds, most of it graphviz quoting the labels
(rendering them with ``dot`` takes far longer; ``max_nodes`` bounds both).
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import graphviz
import numpy as np

from ..function import Context
from ..tensor import Tensor
from . import hooks, style, walk
from .drawing import GraphDrawing
from .modules import ModuleIndex

DETAILS = ("names", "shapes", "full")
RANKDIRS = ("LR", "TB", "RL", "BT")


class _TensorNode:
    __slots__ = ("id", "name", "role", "shape", "dtype", "value", "grad", "module", "producer")

    def __init__(self, node_id: str, shape: tuple, dtype: Any) -> None:
        self.id = node_id
        self.name = ""
        self.role = "tensor"
        self.shape = shape
        self.dtype = dtype
        self.value = None
        self.grad = None
        self.module = None
        self.producer: Context | None = None


def _roots(root: Any) -> list[Tensor]:
    roots = [root] if isinstance(root, Tensor) else list(root) \
        if isinstance(root, (list, tuple)) else [root]
    for r in roots:
        if not isinstance(r, Tensor):
            raise TypeError(f"draw_graph: expected a Tensor (or a list of them), got "
                            f"{type(r).__name__}")
    return roots


def _key(t: Tensor) -> tuple:
    return ("leaf", id(t)) if t.grad_fn is None else ("out", id(t.grad_fn), t._output_index)


def _named(names: Any, what: str) -> list[tuple[str | None, Tensor]]:
    """``{name: tensor}``, ``(name, tensor)`` pairs (``named_parameters()``) or tensors."""
    if names is None:
        return []
    if isinstance(names, Tensor):
        names = [names]
    items = names.items() if isinstance(names, Mapping) else names
    try:
        items = list(items)
    except TypeError:
        raise TypeError(f"draw_graph: {what}= takes {{name: tensor}}, (name, tensor) pairs or "
                        f"tensors, got {type(names).__name__}") from None
    pairs = []
    for item in items:
        if isinstance(item, Tensor):
            pairs.append((None, item))
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Tensor):
            pairs.append((None if item[0] is None else str(item[0]), item[1]))
        else:
            shown = item[1] if isinstance(item, tuple) and len(item) == 2 else item
            raise TypeError(f"draw_graph: {what}= takes {{name: tensor}}, (name, tensor) pairs "
                            f"or tensors, but got a {type(shown).__name__} where a Tensor "
                            "belongs; pass the tensors themselves")
    return pairs


def _check_options(modules: Any, rankdir: str, grad_range: Any, max_nodes: Any) -> None:
    if modules is not None and not (hasattr(modules, "named_modules")
                                    and hasattr(modules, "named_parameters")):
        raise TypeError(f"draw_graph: modules= takes an nn.Module (anything with "
                        f"named_modules() and named_parameters()), got "
                        f"{type(modules).__name__}; to draw several models, put them in one "
                        "nn.Sequential")
    if not isinstance(rankdir, str) or rankdir.upper() not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    try:
        lo, hi = (float(v) for v in grad_range)
        valid = 0.0 < lo < hi < float("inf")
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ValueError(f"draw_graph: grad_range must be two numbers (low, high) with "
                         f"0 < low < high, e.g. (1e-6, 1e2), got {grad_range!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool)
                                  or not isinstance(max_nodes, numbers.Integral) or max_nodes < 1):
        raise ValueError(f"draw_graph: max_nodes must be a positive int (or None for no "
                         f"limit), got {max_nodes!r}")


class _Builder:
    """Collects the nodes and edges of one drawing, then writes them out."""

    def __init__(self, roots: list[Tensor], params: Any, modules: Any, names: Any,
                 max_nodes: int | None) -> None:
        self.index = ModuleIndex(modules) if modules is not None else None
        if max_nodes is not None:
            # The roots' own ops are always drawn, however many roots there are.
            max_nodes = max(max_nodes, len({id(r.grad_fn) for r in roots if r.grad_fn}))
        self.ops = walk.nodes(roots, limit=max_nodes)
        self.op_ids = {id(n): f"op{k}" for k, n in enumerate(self.ops)}
        self.tensors: dict[tuple, _TensorNode] = {}
        self.edges: list[tuple[str, str, np.ndarray | None]] = []
        # Edges out of a tensor coloured by its whole gradient for want of their own share.
        self._total_edges: list[int] = []
        self.hidden = 0
        self.known: dict[tuple, tuple[str | None, Tensor]] = {}
        self.parameters: set[tuple] = set()
        if self.index is not None:
            for full, p in modules.named_parameters():
                self.known.setdefault(("leaf", id(p)), (full, p))
                self.parameters.add(("leaf", id(p)))
        for name, t in _named(params, "params"):
            self.known[_key(t)] = (name, t)
            self.parameters.add(_key(t))
        for name, t in _named(names, "names"):
            self.known[_key(t)] = (name, t)
        self.roots = roots
        self._leaf_grads: dict[int, list[np.ndarray]] = {}

    # ------------------------------------------------------------ collection
    def tensor_for_leaf(self, t: Tensor) -> _TensorNode:
        key = ("leaf", id(t))
        tn = self.tensors.get(key)
        if tn is None:
            tn = self.tensors[key] = _TensorNode(f"t{len(self.tensors)}", t.shape, t.dtype)
            name, _ = self.known.get(key, (None, t))
            tn.name = name or t.name or ""
            is_param = key in self.parameters or type(t).__name__ == "Parameter"
            tn.role = "parameter" if is_param else "input"
            tn.value = t.data
            tn.grad = None if t.grad is None else t.grad.data
            if self.index is not None and is_param:
                tn.module = self.index.param_owner.get(id(t))
        return tn

    def tensor_for_output(self, node: Context, i: int) -> _TensorNode:
        key = ("out", id(node), i)
        tn = self.tensors.get(key)
        if tn is None:
            shape, dtype = node.out_meta[i]
            tn = self.tensors[key] = _TensorNode(f"t{len(self.tensors)}", shape, dtype)
            tn.producer = node
            name, t = self.known.get(key, (None, None))
            rec = hooks.record_of(node)
            if rec is not None and rec.values is not None:
                tn.value = rec.values[i]
            elif t is not None:
                tn.value = t.data
            if rec is not None and rec.grads is not None:
                tn.grad = rec.grads[i]
            elif t is not None and t.grad is not None:
                tn.grad = t.grad.data
            tn.name = name or (t.name if t is not None else "") or ""
            self.edges.append((self.op_ids[id(node)], tn.id, tn.grad))
        return tn

    def collect(self) -> None:
        for r in self.roots:
            if r.grad_fn is None:
                tn = self.tensor_for_leaf(r)
            else:
                self.known.setdefault(_key(r), (None, r))
                tn = self.tensor_for_output(r.grad_fn, r._output_index)
            tn.role = "output"
            if tn.value is None:
                tn.value = r.data
        for node in self.ops:
            rec = hooks.record_of(node)
            edge_grads = rec.edge_grads if rec is not None else None
            for j, edge in enumerate(node.next_edges):
                if edge is None:
                    continue
                parent, i = edge
                contribution = None if edge_grads is None else edge_grads[j]
                if type(parent) is Context:
                    if id(parent) not in self.op_ids:
                        self.hidden += 1
                        self.edges.append(("more", self.op_ids[id(node)], None))
                        continue
                    tn = self.tensor_for_output(parent, i)
                else:
                    tn = self.tensor_for_leaf(parent)
                    if contribution is not None:
                        self._leaf_grads.setdefault(id(parent), []).append(contribution)
                if contribution is None and tn.grad is not None:
                    contribution = tn.grad
                    self._total_edges.append(len(self.edges))
                self.edges.append((tn.id, self.op_ids[id(node)], contribution))
        for (kind, ident, *_), tn in self.tensors.items():
            if kind == "leaf" and tn.grad is None and ident in self._leaf_grads:
                tn.grad = sum(self._leaf_grads[ident][1:], self._leaf_grads[ident][0])
        # A tensor's gradient is the sum over its uses: it is the share of an edge only when
        # the tensor has one use. Several uses, unrecorded shares: leave the edges plain.
        tensor_ids = {tn.id for tn in self.tensors.values()}
        uses = Counter(src for src, _, _ in self.edges if src in tensor_ids)
        for k in self._total_edges:
            src, dst, _ = self.edges[k]
            if uses[src] > 1:
                self.edges[k] = (src, dst, None)

    # --------------------------------------------------------------- labels
    def tensor_label(self, tn: _TensorNode, detail: str, max_elements: int,
                     show_grad: bool) -> str:
        title = tn.name or ("" if tn.role == "tensor" else tn.role)
        if tn.name and tn.role in ("input", "parameter", "output"):
            title = f"{tn.name} ({tn.role})"
        lines = [title] if title else []
        if detail != "names":
            lines.append(f"{tuple(tn.shape)} {np.dtype(tn.dtype).name}")
        if detail == "full":
            lines.append("value " + ("not recorded" if tn.value is None
                                     else style.summary(tn.value, max_elements)))
            if show_grad and tn.grad is not None:
                lines.append("grad " + style.summary(tn.grad, max_elements))
        return "\n".join(lines) or " "

    def op_orders(self) -> dict[int, int]:
        visited = []
        for node in self.ops:
            rec = hooks.record_of(node)
            if rec is not None and rec.order is not None:
                visited.append((rec.order, id(node)))
        return {ident: rank + 1 for rank, (_, ident) in enumerate(sorted(visited))}


def _bad(*arrays: np.ndarray | None) -> bool:
    return any(a is not None and any(style.nonfinite_counts(np.asarray(a))) for a in arrays)


def draw_graph(root: Tensor | Sequence[Tensor], *, params: Any = None, modules: Any = None,
               names: Mapping[str, Tensor] | Iterable[Tensor] | None = None,
               collapse: bool | str | Iterable[Any] | None = None, rankdir: str = "LR",
               detail: str = "full", show_grad: bool = True, color_grads: bool = True,
               show_order: bool = True, grad_range: tuple[float, float] = (1e-6, 1e2),
               max_nodes: int | None = 10_000, max_elements: int = 4) -> GraphDrawing:
    """Draw the graph recorded behind ``root`` as a ``graphviz.Digraph``.

    Parameters
    ----------
    root : the output tensor (or a list of them), e.g. the loss.
    params : ``{name: tensor}`` or ``(name, tensor)`` pairs naming parameters (e.g.
        ``model.named_parameters()``).
    modules : an ``nn.Module``: its parameters are named, and the ops of each submodule
        are grouped in a labelled cluster. Which module ran each op is exact when the
        forward ran inside ``autograd.graph.record(modules=model)``; otherwise an op
        joins the module whose parameter it consumes.
    names : ``{name: tensor}``, ``(name, tensor)`` pairs or tensors (whose ``.name`` is
        used) to label any tensor, intermediates included.
    collapse : module names or submodules of ``modules`` (one, or a list) to draw as one
        box each (``True``: every module without submodules), so a deep network stays
        readable.
    rankdir : graphviz layout direction: ``'LR'`` (left to right), ``'TB'`` (top to
        bottom), ``'RL'`` or ``'BT'``.
    detail : ``'names'``, ``'shapes'`` (adds shape and dtype) or ``'full'`` (adds value
        and gradient summaries: the values for tensors of at most ``max_elements``
        elements, min/mean/max otherwise).
    show_grad, color_grads, show_order : show gradients in tensor boxes; colour and
        thicken edges by gradient RMS between ``grad_range`` ``(low, high)``, ``0 < low <
        high`` (log scale); number the ops in backward's visit order.
    max_nodes : draw at most this many ops (those nearest the roots, and always the
        roots' own); the rest are summarised by one node. ``None``: no limit.

    Values of intermediate tensors and the gradients flowing through them are
    known when the forward and backward ran inside ``autograd.graph.record()``;
    otherwise leaves show their data and ``.grad``, the root its value, and
    tensors passed in ``names`` their data (and ``.grad`` after ``retain_grad()``).
    An edge shows the gradient that flowed along it: recorded, or else its
    tensor's gradient when that tensor has a single use (with several, the
    share of each use is unknown and the edge is left plain).

    Returns a ``GraphDrawing`` (a ``graphviz.Digraph``): ``.source`` is the DOT
    text, Jupyter shows it inline, ``.render(...)`` writes SVG/PNG/PDF with the
    Graphviz ``dot`` program.
    """
    if detail not in DETAILS:
        raise ValueError(f"draw_graph: detail must be one of {DETAILS}, got {detail!r}")
    if collapse is not None and collapse is not False and modules is None:
        raise ValueError("draw_graph: collapse= needs modules=<the nn.Module> to know the "
                         "modules")
    _check_options(modules, rankdir, grad_range, max_nodes)
    rankdir = rankdir.upper()
    b = _Builder(_roots(root), params, modules, names, max_nodes)
    b.collect()
    index = b.index
    collapsed = index.collapsed(collapse) if index is not None else set()

    g = GraphDrawing(name="graph", graph_attr={"rankdir": rankdir, "fontsize": "11"},
                     node_attr={"fontsize": "10", "fontname": "Helvetica"},
                     edge_attr={"arrowsize": "0.6"})
    members: dict[str | None, list[tuple[str, str, dict]]] = {}
    redirect: dict[str, str] = {}

    def place(node_id: str, module: str | None, label: str, attrs: dict) -> None:
        box = index.box_of(module, collapsed) if index is not None else None
        if box is not None:
            redirect[node_id] = f"module_{box}"
            return
        members.setdefault(module, []).append((node_id, label, attrs))

    op_module = {id(n): index.op_module(n) if index is not None else None for n in b.ops}
    for tn in b.tensors.values():
        attrs = {"shape": "box", "style": "filled,rounded",
                 "fillcolor": style.ROLE_FILL[tn.role]}
        if _bad(tn.value, tn.grad if show_grad else None):
            attrs.update(fillcolor=style.BAD_FILL, color=style.BAD_COLOR, penwidth="2")
        module = tn.module if tn.producer is None else op_module[id(tn.producer)]
        place(tn.id, module, b.tensor_label(tn, detail, max_elements, show_grad), attrs)
    orders = b.op_orders() if show_order else {}
    for node in b.ops:
        label = node.name
        if id(node) in orders:
            label += f"\n#{orders[id(node)]} in backward"
        place(b.op_ids[id(node)], op_module[id(node)], label,
              {"shape": "ellipse", "style": "filled", "fillcolor": style.OP_FILL})
    for module_name in sorted({v[len("module_"):] for v in redirect.values()}):
        place_box(members, index, module_name, show_grad)
    if b.hidden:
        members.setdefault(None, []).append(
            ("more", f"... {b.hidden} more input edge(s) from ops beyond max_nodes",
             {"shape": "note", "style": "dashed"}))
    _emit(g, members, index)

    merged = set()
    for src, dst, grad in b.edges:
        ends = redirect.get(src, src), redirect.get(dst, dst)
        # Parallel edges are real (x * x uses x twice) unless a collapsed box or the
        # max_nodes summary made them so: those are drawn once.
        if ends != (src, dst) or src == "more":
            if ends[0] == ends[1] or ends in merged:
                continue
            merged.add(ends)
        src, dst = ends
        attrs = style.magnitude_style(grad, grad_range) if color_grads else {}
        g.edge(src, dst, **attrs)
    if color_grads and any(grad is not None for _, _, grad in b.edges):
        g.attr(label=style.legend(grad_range), labelloc="b", fontsize="9")
    return g


def place_box(members: dict, index: ModuleIndex, name: str, show_grad: bool) -> None:
    """A collapsed module's box: its name and type, and its parameters' gradient sizes."""
    lines = [index.label(name)]
    bad = False
    for full, p in index.parameters_of(name):
        line = f"{full[len(name) + 1 if name else 0:]} {tuple(p.shape)}"
        if show_grad and p.grad is not None:
            line += f" grad rms {style.rms(p.grad.data):.3g}"
            bad = bad or _bad(p.grad.data)
        lines.append(line)
    attrs = {"shape": "box3d", "style": "filled", "fillcolor": style.MODULE_FILL}
    if bad:
        attrs.update(fillcolor=style.BAD_FILL, color=style.BAD_COLOR)
    parent = index.parents(name)
    owner = parent[-1] if parent else None
    members.setdefault(owner, []).append((f"module_{name}", "\n".join(lines), attrs))


def _label(text: str) -> str:
    """``text`` as a DOT label shown as written: a backslash in a name (``a\\lb``,
    ``\\nabla``) is a character, not an escape (``\\l``, ``\\n``), and ``<...>`` is not
    HTML. Our own line breaks are newline characters, which DOT keeps."""
    return graphviz.escape(text)


def _emit(g: GraphDrawing, members: dict, index: ModuleIndex | None) -> None:
    """Write the nodes, each module's in a cluster nested like the modules are."""
    for node_id, label, attrs in members.get(None, []):
        g.node(node_id, _label(label), **attrs)
    if index is None:
        return
    used = {m for m, items in members.items() if m is not None and items}
    shown = set(used)
    for m in used:
        shown.update(index.parents(m))
    children: dict[str | None, list[str]] = {}
    for m in sorted(shown):
        parents = index.parents(m)
        children.setdefault(parents[-1] if parents else None, []).append(m)
    # Depth-first over the module tree, whose depth is the nesting of the model.
    stack: list[tuple[Any, list[str]]] = [(g, children.get(None, []))]
    pending: list[Any] = []
    while stack:
        parent_graph, names = stack.pop()
        for m in names:
            sub = GraphDrawing(name=f"cluster_{m or 'model'}")
            sub.attr(label=_label(index.label(m)), style="rounded,dashed", color="gray40",
                     fontsize="10")
            for node_id, label, attrs in members.get(m, []):
                sub.node(node_id, _label(label), **attrs)
            pending.append((parent_graph, sub))
            stack.append((sub, children.get(m, [])))
    for parent_graph, sub in reversed(pending):
        parent_graph.subgraph(sub)
