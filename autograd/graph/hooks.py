"""The engine's two debugging hook points, and the per-node records they fill.

``Function.apply`` and the backward loop each check one module-level variable,
``_observer``; it is ``None`` unless anomaly detection (``autograd.anomaly``) or
graph recording (``autograd.graph.record``) is on, so they cost nothing else when
off. While on, the observers registered here run after every forward
(``observer(ctx, raw_outputs, recorded)``) and after every node's backward
(``observer(node, grad_outputs, grad_inputs)``).

What they learn about a node is kept in a ``NodeRecord`` held in a weak-keyed
table: the record lives exactly as long as the node, and the node itself gains
no attribute (so the graph keeps no extra reference cycles).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from .. import engine, function

ForwardObserver = Callable[[function.Context, object, bool], None]
BackwardObserver = Callable[[function.Context, list, tuple], None]


class NodeRecord:
    """What the debugging modes learned about one graph node.

    values : the output arrays of the forward (while recording), one per output.
    grads : the gradient arrays that flowed into each output in the last backward.
    edge_grads : the gradient arrays the node's backward sent along each input edge.
    order : a number increasing with the backward visit order (last backward).
    module : qualified name of the innermost ``nn.Module`` that ran the op (traced).
    site : ``(filename, lineno, function)`` of the user code that created the op.
    """

    __slots__ = ("values", "grads", "edge_grads", "order", "module", "site")

    def __init__(self) -> None:
        self.values = None
        self.grads = None
        self.edge_grads = None
        self.order = None
        self.module = None
        self.site = None


_records: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_forward: list[ForwardObserver] = []
_backward: list[BackwardObserver] = []


def record_of(node: function.Context) -> NodeRecord | None:
    """The record of ``node``, or ``None`` if no debugging mode saw it being made."""
    return _records.get(node)


def ensure_record(node: function.Context) -> NodeRecord:
    """The record of ``node``, made empty on first use."""
    rec = _records.get(node)
    if rec is None:
        rec = _records[node] = NodeRecord()
    return rec


def _dispatch_forward(ctx: function.Context, raw: object, recorded: bool) -> None:
    for observer in tuple(_forward):
        observer(ctx, raw, recorded)


def _dispatch_backward(node: function.Context, grads: list, in_grads: tuple) -> None:
    for observer in tuple(_backward):
        observer(node, grads, in_grads)


def _install() -> None:
    function._observer = _dispatch_forward if _forward else None
    engine._observer = _dispatch_backward if _backward else None


def add_observers(forward: ForwardObserver | None = None,
                  backward: BackwardObserver | None = None) -> None:
    """Start calling ``forward`` / ``backward`` from the engine (each at most once)."""
    if forward is not None and forward not in _forward:
        _forward.append(forward)
    if backward is not None and backward not in _backward:
        _backward.append(backward)
    _install()


def remove_observers(forward: ForwardObserver | None = None,
                     backward: BackwardObserver | None = None) -> None:
    """Stop calling the given observers; the hooks go back to ``None`` when none is left."""
    if forward in _forward:
        _forward.remove(forward)
    if backward in _backward:
        _backward.remove(backward)
    _install()
