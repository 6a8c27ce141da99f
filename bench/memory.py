"""Section ``memory``: bytes the graph holds for backward, and RSS over many steps.

Graph bytes are the arrays saved in the graph's nodes between forward and backward
(the activations), each counted once, leaves (parameters, the input batch) excluded;
the NumPy baseline's counterpart is the cache its backward reads (Z1, A1, Z2, A2, Z3,
A3). RSS is traced in a fresh process per contender; it must stay flat: the mean RSS
of the last steps may not exceed that of the first steps by more than ``FLAT_TOLERANCE``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import contenders as C
from .child import spawn

FLAT_TOLERANCE = 0.05  # relative RSS growth, first window -> last window


def _node_arrays(node: Any) -> list[np.ndarray]:
    """Arrays a node keeps for backward: its saved values and arrays set on the context."""
    found = []
    for kind_value in getattr(node, "_saved", None) or ():
        value = kind_value[1]
        if isinstance(value, tuple):  # an output of the node: (array, index)
            found.append(value[0])
        elif getattr(value, "grad_fn", None) is not None:  # an intermediate tensor
            found.append(value.data)
        elif isinstance(value, np.ndarray):
            found.append(value)
    found += [v for v in getattr(node, "__dict__", {}).values() if isinstance(v, np.ndarray)]
    return found


def graph_saved_bytes(root: Any) -> int:
    """Walk from ``root.grad_fn`` through ``next_edges``; sum saved arrays, each base once."""
    seen_nodes = set()
    seen_arrays: set[int] = set()
    stack = [root.grad_fn] if root.grad_fn is not None else []
    total = 0
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        for a in _node_arrays(node):
            base = a if a.base is None else a.base
            if isinstance(base, np.ndarray) and id(base) not in seen_arrays:
                seen_arrays.add(id(base))
                total += base.nbytes
        for edge in node.next_edges:
            if edge is not None and edge[1] != -1:
                stack.append(edge[0])
    return total


def graph_bytes(batch_size: int) -> dict[str, Any]:
    """Graph bytes of one graphgrad forward, and the NumPy step's cache, at ``batch_size``."""
    data = C.make_data(batch_size)
    step = C.make_graphgrad(data)
    xs, ys = step.inputs
    loss = step.loss_fn(step.model(xs[0]), ys[0])
    result: dict[str, Any] = {"graphgrad": graph_saved_bytes(loss)}
    try:
        from autograd.graph import saved_bytes
    except ImportError:
        saved_bytes = None
    if saved_bytes is not None:
        result["graphgrad_autograd_graph_saved_bytes"] = saved_bytes(loss)
    loss.backward()
    np_step = C.make_numpy(data)
    np_step(0)
    result["numpy"] = sum(a.nbytes for a in np_step.cache)
    return result


def run(quick: bool) -> dict[str, Any]:
    """Graph bytes at batch 128 (8 when quick) and an RSS trace per contender."""
    batch = 8 if quick else 128
    steps, window = (60, 10) if quick else (1_000, 100)
    rss = {}
    for name in C.contenders():
        trace = spawn("rss", [name, batch, steps, window])
        growth = trace["growth_bytes"] / trace["rss_first_window_bytes"]
        trace["flat"] = growth <= FLAT_TOLERANCE
        rss[name] = trace
    return {"batch_size": batch, "graph_bytes": graph_bytes(batch), "rss": rss,
            "flat_tolerance": FLAT_TOLERANCE}
