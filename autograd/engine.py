"""Reverse-mode differentiation over the recorded graph.

The order is found by dependency counting, never by recursion: first a walk
from the roots counts, for every node, how many edges lead into it; then a node
runs as soon as all the gradients flowing into it have been summed in its
buffer. Each node runs once, so a node used several times gets the sum of its
gradients, and graphs of any depth (a chain of 100,000 ops) are fine.

Without ``retain_graph`` each node frees its saved tensors after it runs; a
second backward through it then raises an error saying so. ``grad()`` and
``backward(inputs=...)`` run only the nodes on a path to the tensors asked for,
as PyTorch does: the rest of the graph is neither computed nor freed. With
``create_graph`` the backward formulas run with grad mode on, so the pass is
itself recorded and can be differentiated again.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import kernels
from .errors import GraphError
from .function import Context
from .grad_mode import _state as _grad_state
from .tensor import Tensor, check_gradient_like

# Debugging hook: None, or a callable ``observer(node, grad_outputs, grad_inputs)`` run after
# each node's backward while anomaly detection or graph recording is on (installed by
# autograd.graph.hooks).
_observer = None


def _as_tuple(x: Any) -> tuple:
    if isinstance(x, Tensor):
        return (x,)
    try:
        return tuple(x)
    except TypeError:  # not a sequence: the callers' checks name what it is
        return (x,)


def _given_gradients(n: int, given: Any, who: str) -> tuple:
    """One gradient (or None) per output: None for all, one Tensor/array, or a sequence."""
    if given is None:
        out: tuple = (None,) * n
    elif isinstance(given, (Tensor, np.ndarray)):
        out = (given,)
    else:
        out = tuple(given)
    if len(out) != n:
        raise ValueError(f"{who}: {n} outputs but {len(out)} gradients")
    return out


def _root_gradient(root: Tensor, gradient: Any, who: str, position: int | None) -> Tensor:
    """The gradient to start from at ``root``. ``who`` (``'backward()'`` or ``'grad()'``)
    and the root's ``position`` among several name them in the errors."""
    if who != "backward()":
        outputs, given = "outputs", "grad_outputs"
    else:
        outputs, given = "tensors", "gradient" if position is None else "grad_tensors"
    if gradient is None:
        if root.data.size != 1:
            which = "" if position is None else f" ({outputs}[{position}])"
            raise RuntimeError(
                f"{who} of a tensor of shape {root.shape}{which} needs a gradient: it is "
                "only implicit for scalar outputs. Reduce the output first (e.g. "
                f"loss = out.sum() or out.mean()) or pass {given}=<tensor of shape "
                f"{root.shape}> (the vector of the vector-Jacobian product)."
            )
        return Tensor._wrap(np.ones(root.shape, dtype=root.dtype))
    g = gradient if isinstance(gradient, Tensor) else Tensor._wrap(
        np.asarray(gradient, dtype=root.dtype))
    if g.shape != root.shape:
        if position is None:
            what, tensor = "the gradient", "the tensor"
        else:
            what, tensor = f"{given}[{position}]", f"{outputs}[{position}]"
        raise RuntimeError(
            f"{who}: {what} has shape {g.shape} but {tensor} has shape {root.shape}; "
            "they must match"
        )
    return g


def _count_dependencies(roots: Sequence[Context]) -> dict[Context, int]:
    """How many edges lead into each node reachable from ``roots``."""
    deps: dict[Context, int] = {}
    start = set(roots)  # walked from the start: never pushed again when reached
    stack = list(roots)
    while stack:
        node = stack.pop()
        for edge in node.next_edges:
            if edge is None:
                continue
            parent = edge[0]
            if type(parent) is Context:
                count = deps.get(parent)
                if count is None:  # first edge into it: walk it once
                    deps[parent] = 1
                    if parent not in start:
                        stack.append(parent)
                else:
                    deps[parent] = count + 1
    return deps


def _needed_nodes(nodes: set[Context], capture: dict, owners: set[Context]) -> set[Context]:
    """For ``grad()``: of the graph's ``nodes``, those whose backward must run.

    A node must run when one of its edges leads to a captured leaf, to the node of a
    captured intermediate (``owners``), or to a node that must run; every node feeding
    gradient into one of these must then run too, so their buffers are complete when
    they are reached.
    """
    needed = set()
    children: dict[Context, list[Context]] = {}  # node -> the nodes its gradient comes from
    for node in nodes:
        for edge in node.next_edges:
            if edge is None:
                continue
            if type(edge[0]) is Context:
                children.setdefault(edge[0], []).append(node)
                hit = edge[0] in owners
            else:
                hit = id(edge[0]) in capture
            if hit:
                needed.add(node)
    frontier = list(needed)
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in needed:
                needed.add(child)
                frontier.append(child)
    return needed


def _check_grad(node: Context, g: Any, shape: tuple, dtype: np.dtype, edge: tuple) -> Tensor:
    """``g`` as a Tensor of the ``shape`` and ``dtype`` of the input ``edge`` leads to."""
    if not isinstance(g, Tensor):
        g = Tensor._wrap(np.asarray(g))
    if g.shape != shape:
        # The argument's position in forward: its edge's (each edge is its own tuple).
        i = next((k for k, e in enumerate(node.next_edges) if e is edge), "?")
        raise GraphError(
            f"{node.name}.backward returned a gradient of shape {g.shape} for argument {i} "
            f"of forward (counted from 0 after ctx), which has shape {shape}: they must be "
            "equal"
        )
    if g.dtype != dtype:
        g = g.astype(dtype)
    return g


class _Accumulator:
    """Where the gradients reaching leaves go: into ``.grad`` or into ``grad()``'s results.

    A leaf with hooks collects the gradients of all its uses first: its hooks run once,
    on the total, when the pass ends (``flush``), as PyTorch's do. With ``capture``
    (``grad()``, ``backward(inputs=...)``) only the captured leaves get anything, and
    only their hooks run; without ``leaf_hooks`` none do (a checkpoint's inner pass,
    whose gradients reach the leaves, and their hooks, through the outer pass).
    """

    def __init__(self, create_graph: bool, capture: dict | None, leaf_hooks: bool = True) -> None:
        self.create_graph = create_graph
        self.capture = capture
        self.leaf_hooks = leaf_hooks
        self.owned: set[int] = set()  # ids of arrays held elsewhere: a leaf's .grad copies them
        self.hooked: dict[int, list] = {}  # id(leaf) -> [leaf, summed gradient]

    def leaf(self, leaf: Tensor, g: Tensor) -> None:
        if self.capture is not None and id(leaf) not in self.capture:
            return
        if leaf._hooks and self.leaf_hooks:
            pending = self.hooked.get(id(leaf))
            if pending is None:
                self.hooked[id(leaf)] = [leaf, g]
            else:
                pending[1] = pending[1] + g
            return
        self._deliver(leaf, g)

    def _deliver(self, leaf: Tensor, g: Tensor) -> None:
        if self.capture is not None:
            prev = self.capture[id(leaf)]
            self.capture[id(leaf)] = g if prev is None else prev + g
        else:
            _accumulate(leaf, g, self.create_graph, self.owned)

    def flush(self) -> None:
        """Run each hooked leaf's hooks on its total gradient, then deliver the result."""
        for leaf, g in self.hooked.values():
            for hook in leaf._hooks:
                self.owned.add(id(g.data))  # the hook may keep it
                g = _call_hook(hook, g)
            self.owned.add(id(g.data))
            self._deliver(leaf, g)
        self.hooked.clear()


def _accumulate(t: Tensor, g: Tensor, create_graph: bool, owned: set[int]) -> None:
    """Add ``g`` into ``t._grad``, then run t's post-accumulate-grad hooks (if any)."""
    _sum_into_grad(t, g, create_graph, owned)
    if t._post_accumulate_grad_hooks:
        from .tensor_info import run_post_accumulate_grad_hooks

        run_post_accumulate_grad_hooks(t)


def _copy_like(arr: np.ndarray, like: np.ndarray) -> np.ndarray:
    """A copy of ``arr`` laid out in memory as ``like`` (PyTorch's rule for a gradient:
    the strides of its tensor when that is dense)."""
    out = np.empty_like(like, dtype=arr.dtype) if like.shape == arr.shape else \
        np.empty_like(arr)
    kernels.copy_into(out, arr)
    return out


def _sum_into_grad(t: Tensor, g: Tensor, create_graph: bool, owned: set[int]) -> None:
    """Add ``g`` into ``t._grad``.

    The first gradient is stored without a copy unless another tensor of this pass was
    handed the same array (``owned``), so a training step copies nothing. Such a stored
    array may still be read by a node that has not run yet (``x + x`` passes one array
    to both uses) or be held by a custom backward that returned it: it is never added
    into in place. The next gradient is summed into a new array, which ``.grad`` then
    owns (``_owns_data``), and later ones are added into that in place.
    """
    grad = t._grad
    if grad is None:
        if create_graph:
            t._grad = g
            return
        arr = g.data
        flags = arr.flags
        copied = not flags.owndata or not flags.writeable or id(arr) in owned
        if copied:  # in the tensor's own memory order (a channels-last one keeps it)
            arr = _copy_like(arr, t.data)
        owned.add(id(arr))
        grad = t._grad = Tensor._make(arr, False, None, 0)
        if copied:
            grad._owns_data = True
    elif create_graph or grad._requires_grad:
        t._grad = grad + g
    elif grad._owns_data:
        grad.data += g.data
    else:
        grad.data = grad.data + g.data
        grad._owns_data = True
        owned.add(id(grad.data))


def run_backward(roots: Sequence[Tensor], grads: Sequence[Tensor], retain_graph: bool,
                 create_graph: bool, capture: dict | None = None,
                 capture_nodes: dict | None = None, leaf_hooks: bool = True) -> None:
    """Propagate ``grads`` from ``roots`` through the graph.

    ``capture`` maps ``id(leaf)`` to a slot filled with that leaf's gradient
    instead of accumulating into ``.grad`` (used by ``grad()``); ``capture_nodes``
    maps ``(node, output_index)`` to a slot for non-leaf inputs. With ``capture``,
    only the nodes on a path to a captured tensor run (and are freed). Without
    ``leaf_hooks`` the hooks of leaves do not run.
    """
    acc = _Accumulator(create_graph, capture, leaf_hooks)
    buffers: dict[Context, list] = {}
    start: list[Context] = []
    for root, g in zip(roots, grads):
        if root.grad_fn is None:
            if root._requires_grad:
                acc.owned.add(id(g.data))
                acc.leaf(root, g)
            continue
        node = root.grad_fn
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * len(node.out_meta)
            start.append(node)
        i = root._output_index
        buf[i] = g if buf[i] is None else buf[i] + g
        acc.owned.add(id(g.data))
    if capture is None:
        deps = _count_dependencies(start)
        idle: list[Context] = []
    else:
        deps = _count_dependencies(start)
        owners = {node for node, _ in capture_nodes or ()}
        needed = _needed_nodes({*start, *deps}, capture, owners)
        # A node grad() does not need never becomes ready (one dependency too many), so
        # it is neither run nor freed; a captured intermediate among them takes its
        # gradient from its buffer once the pass is over.
        for node in {*start, *deps}:
            if node not in needed:
                deps[node] = deps.get(node, 0) + 1
        idle = [node for node in owners if node not in needed]
    ready = [n for n in start if deps.get(n, 0) == 0]
    prev_mode = _grad_state.enabled
    _grad_state.enabled = create_graph
    try:
        while ready:
            node = ready.pop()
            buf = buffers.pop(node)
            if node._hooks:
                _run_hooks(node, buf, acc)
            if capture_nodes:
                _capture(node, buf, capture_nodes)
            if len(buf) == 1 and buf[0] is not None and not node._released:
                in_grads = node.fn.backward(node, buf[0])
                if type(in_grads) is not tuple or len(in_grads) != len(node.next_edges):
                    in_grads = _checked_result(node, in_grads)
            else:
                in_grads = _call_backward(node, buf)
            if _observer is not None:
                _observer(node, buf, in_grads)
            for edge, g in zip(node.next_edges, in_grads):
                if edge is None:
                    continue
                parent, index = edge
                if type(parent) is Context:
                    if g is not None:
                        shape, dtype = parent.out_meta[index]
                        if type(g) is not Tensor or g.data.shape != shape or \
                                g.data.dtype != dtype:
                            g = _check_grad(node, g, shape, dtype, edge)
                        pbuf = buffers.get(parent)
                        if pbuf is None:
                            pbuf = buffers[parent] = [None] * len(parent.out_meta)
                        pbuf[index] = g if pbuf[index] is None else pbuf[index] + g
                    elif parent not in buffers:
                        buffers[parent] = [None] * len(parent.out_meta)
                    left = deps[parent] - 1
                    deps[parent] = left
                    if not left:
                        ready.append(parent)
                elif g is not None:
                    pd = parent.data
                    if type(g) is not Tensor or g.data.shape != pd.shape or \
                            g.data.dtype != pd.dtype:
                        g = _check_grad(node, g, pd.shape, pd.dtype, edge)
                    acc.leaf(parent, g)
            if not retain_graph:
                node._saved = None
                node._released = True
                extra = node.__dict__
                if extra:
                    extra.clear()
        for node in idle:
            if node in buffers:
                if node._hooks:
                    _run_hooks(node, buffers[node], acc)
                _capture(node, buffers[node], capture_nodes)
        acc.flush()
    finally:
        _grad_state.enabled = prev_mode


def _run_hooks(node: Context, buf: list, acc: _Accumulator) -> None:
    """Run the hooks on the gradients ``buf`` of ``node``'s outputs; a hook may replace one."""
    for index, hooks in node._hooks.items():
        if buf[index] is None:
            continue
        for hook in hooks:
            buf[index] = _call_hook(hook, buf[index])
        # retain_grad or the hook may keep it: a leaf's .grad must not share it
        acc.owned.add(id(buf[index].data))


def _call_hook(hook: Any, grad: Tensor) -> Tensor:
    """``hook(grad)``, or ``grad`` where it returns None. A replacement must be a Tensor
    of the gradient's shape and dtype, as PyTorch checks."""
    new = hook(grad)
    if new is None:
        return grad
    name = getattr(hook, "__qualname__", repr(hook))
    check_gradient_like(new, grad, f"the gradient returned by hook {name}", "the incoming")
    return new


def _capture(node: Context, buf: list, capture_nodes: dict) -> None:
    """Fill the slots of ``capture_nodes`` (``grad()``'s intermediates) ``node`` owns."""
    for index in range(len(buf)):
        key = (node, index)
        if key in capture_nodes and buf[index] is not None:
            capture_nodes[key] = buf[index]


def _call_backward(node: Context, buf: list) -> tuple:
    n_args = len(node.next_edges)
    single = len(buf) == 1
    if (buf[0] is None if single else all(g is None for g in buf)):
        return (None,) * n_args
    if node._released:
        raise GraphError(
            f"Trying to backward through the graph a second time (op {node.name}), but "
            "its saved tensors were freed after the first backward. Pass "
            "retain_graph=True to the first backward() (or autograd.grad) if you need to "
            "backward through the graph again."
        )
    if single:
        result = node.fn.backward(node, buf[0])
    elif node._materialize_grads:
        result = node.fn.backward(node, *[
            Tensor._wrap(np.zeros(shape, dtype=dtype)) if g is None else g
            for (shape, dtype), g in zip(node.out_meta, buf)])
    else:
        result = node.fn.backward(node, *buf)
    return _checked_result(node, result)


def _checked_result(node: Context, result: Any) -> tuple:
    """A backward's result as one gradient (or None) per forward argument."""
    n_args = len(node.next_edges)
    if type(result) is not tuple:
        result = tuple(result) if type(result) is list else (result,)
    if len(result) != n_args:
        if len(result) > n_args and all(r is None for r in result[n_args:]):
            result = result[:n_args]
        else:
            raise GraphError(
                f"{node.name}.backward returned {len(result)} gradients, but forward took "
                f"{n_args} arguments: return one gradient (or None) per argument"
            )
    return result


def _check_inputs(ins: tuple, who: str, name: str) -> None:
    """``ins`` are Tensors that require grad; ``who`` and ``name`` word the errors."""
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor):
            raise TypeError(f"{who}: {name} {i} has type {type(t).__name__}, not Tensor; pass "
                            "the tensors to differentiate with respect to")
        if not t._requires_grad:
            raise RuntimeError(
                f"{who}: {name} {i} does not require grad, so it has no gradient; create it "
                "with requires_grad=True (or leave it out)"
            )


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Any = None) -> None:
    """Accumulate into the leaves' ``.grad`` the gradient of ``tensors``.

    ``grad_tensors`` gives the vector for each non-scalar output. With
    ``inputs`` (a Tensor or a non-empty sequence of them), only those tensors'
    ``.grad`` are accumulated and only the part of the graph leading to them
    runs.
    """
    roots = _as_tuple(tensors)
    grads_in = _given_gradients(len(roots), grad_tensors, "backward()")
    for i, r in enumerate(roots):
        if not isinstance(r, Tensor):
            raise TypeError(f"backward(): element {i} of tensors has type "
                            f"{type(r).__name__}, not Tensor; pass the tensor(s) to "
                            "differentiate, e.g. the loss")
        if not r._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn: "
                "the tensor was not computed from any tensor with requires_grad=True (or it "
                "was computed under no_grad()). Set requires_grad=True on the inputs you "
                "want gradients for."
            )
    single = len(roots) == 1
    grads = [_root_gradient(r, g, "backward()", None if single else i)
             for i, (r, g) in enumerate(zip(roots, grads_in))]
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        targets = _as_tuple(inputs)
        if not targets:
            raise RuntimeError("backward(): inputs is empty, so no gradient would be "
                               "accumulated; pass the tensors whose .grad you want, or "
                               "inputs=None for every leaf")
        _check_inputs(targets, "backward()", "inputs")
        results = grad(roots, targets, grads, retain_graph=retain_graph,
                       create_graph=create_graph, allow_unused=True)
        owned: set[int] = set()
        for t, g in zip(targets, results):
            if g is not None:
                _accumulate(t, g, create_graph, owned)
        return
    run_backward(roots, grads, retain_graph, create_graph)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple[Tensor | None, ...]:
    """Return the gradients of ``outputs`` with respect to ``inputs`` as a tuple.

    As ``torch.autograd.grad``: leaves' ``.grad`` are left untouched; only the
    part of the graph leading to ``inputs`` runs (the rest is neither computed
    nor freed); with ``create_graph=True`` the results carry a graph of their
    own, so they can be differentiated again (gradients of gradients);
    ``retain_graph`` defaults to ``create_graph``. An input the outputs do not
    depend on is an error unless ``allow_unused=True`` (it then gets None) or
    ``materialize_grads=True`` (it gets zeros; ``allow_unused`` then defaults to
    True). ``only_inputs`` is accepted and ignored, as in PyTorch, where it is
    deprecated. With ``is_grads_batched=True`` each ``grad_outputs`` entry has a leading
    batch dimension and each result gets one too: the vector-Jacobian product of every
    row (PyTorch vectorizes it with vmap; this runs the rows one after another).
    """
    if not only_inputs:
        warnings.warn("grad(): only_inputs is deprecated and ignored (as in PyTorch); to "
                      "accumulate gradients into other leaves' .grad use backward()",
                      FutureWarning, stacklevel=2)
    if materialize_grads and allow_unused is False:
        raise ValueError("grad(): materialize_grads=True gives zeros for unused inputs, which "
                         "contradicts allow_unused=False; pass allow_unused=True or leave it "
                         "out")
    allow_unused = bool(allow_unused) or materialize_grads
    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    gos = _given_gradients(len(outs), grad_outputs, "grad()")
    _check_inputs(ins, "grad()", "input")
    for i, o in enumerate(outs):
        if not isinstance(o, Tensor):
            raise TypeError(f"grad(): output {i} has type {type(o).__name__}, not Tensor; pass "
                            "the tensors computed from the inputs (e.g. the loss)")
        if not o._requires_grad:
            raise RuntimeError(
                f"grad(): output {i} does not require grad and has no grad_fn: it does not "
                "depend on any input with requires_grad=True"
            )
    if retain_graph is None:
        retain_graph = create_graph
    if is_grads_batched:
        return _batched_grad(outs, ins, gos, retain_graph, create_graph, allow_unused,
                             materialize_grads)
    grads = [_root_gradient(o, g, "grad()", i) for i, (o, g) in enumerate(zip(outs, gos))]
    results = []
    for i, (t, g) in enumerate(zip(ins, captured_grads(outs, ins, grads, retain_graph,
                                                       create_graph))):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad(): input {i} (shape {t.shape}) was not used to compute the outputs. "
                    "Pass allow_unused=True to get None for it, or materialize_grads=True "
                    "to get zeros."
                )
            if materialize_grads:
                g = Tensor._make(np.zeros(t.shape, dtype=t.dtype), False, None, 0)
        elif not create_graph and g._requires_grad:
            g = g.detach()
        results.append(g)
    return tuple(results)


def _batched_grad(outs: tuple, ins: tuple, gos: tuple, retain_graph: bool,
                  create_graph: bool, allow_unused: bool,
                  materialize_grads: bool) -> tuple[Tensor | None, ...]:
    """``grad(is_grads_batched=True)``: one ``grad()`` per row of the batched
    ``grad_outputs``, the results stacked along a new first dimension."""
    rows = set()
    for i, (o, g) in enumerate(zip(outs, gos)):
        shape = None if g is None else np.shape(g.data if isinstance(g, Tensor) else g)
        if shape is None or len(shape) != o.ndim + 1 or tuple(shape[1:]) != o.shape:
            raise ValueError(f"grad(is_grads_batched=True): grad_outputs[{i}] must have a "
                             f"batch dimension before output {i}'s shape {o.shape}, got "
                             f"{'None' if shape is None else tuple(shape)}")
        rows.add(shape[0])
    if len(rows) != 1 or 0 in rows:
        raise ValueError(f"grad(is_grads_batched=True): the grad_outputs need one common, "
                         f"non-zero batch size, got {sorted(rows)}")
    n = rows.pop()
    per_row = [grad(outs, ins, [g[b] for g in gos], retain_graph=retain_graph or b < n - 1,
                    create_graph=create_graph, allow_unused=allow_unused,
                    materialize_grads=materialize_grads) for b in range(n)]
    from .ops import stack  # the ops are built on this module

    return tuple(None if column[0] is None else stack(list(column), axis=0)
                 for column in zip(*per_row))


def captured_grads(outs: Sequence[Tensor], ins: Sequence[Tensor], grads: Sequence[Tensor],
                   retain_graph: bool, create_graph: bool,
                   leaf_hooks: bool = True) -> list[Tensor | None]:
    """The gradients of ``outs`` (seeded with ``grads``) reaching ``ins``, None where none
    does: ``grad()`` without its checks. ``leaf_hooks=False`` leaves the hooks of leaves
    to a later pass (a checkpoint's recomputation hands its gradients on to the outer one).
    """
    capture = {id(t): None for t in ins if t.grad_fn is None}
    capture_nodes = {(t.grad_fn, t._output_index): None for t in ins if t.grad_fn is not None}
    run_backward(outs, grads, retain_graph, create_graph, capture, capture_nodes, leaf_hooks)
    return [capture[id(t)] if t.grad_fn is None else capture_nodes[(t.grad_fn, t._output_index)]
            for t in ins]
