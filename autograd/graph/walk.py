"""Visiting the recorded graph without recursion, and measuring what it keeps alive."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..function import _CONSTANT, _INPUT, _OUTPUT, _TENSOR, Context
from ..tensor import Tensor


def _as_list(roots: Any) -> list:
    # A list, so that a generator of roots can be walked more than once.
    return [roots] if isinstance(roots, Tensor) else list(roots)


def _root_nodes(roots: Any) -> list[Context]:
    """The roots' ops, each once (several outputs of one split share it)."""
    found: dict[int, Context] = {}
    for r in _as_list(roots):
        if isinstance(r, Tensor) and r.grad_fn is not None:
            found.setdefault(id(r.grad_fn), r.grad_fn)
    return list(found.values())


def nodes(roots: Tensor | Iterable[Tensor], limit: int | None = None) -> list[Context]:
    """The op nodes reachable from ``roots``, breadth first (nearest the roots first).

    Iterative, so graphs of any depth are fine. With ``limit``, stops after that many.
    """
    order: list[Context] = []
    seen: set[int] = set()
    frontier = _root_nodes(roots)
    for n in frontier:
        seen.add(id(n))
    head = 0
    while head < len(frontier) and (limit is None or len(order) < limit):
        node = frontier[head]
        head += 1
        order.append(node)
        for edge in node.next_edges:
            if edge is not None and type(edge[0]) is Context and id(edge[0]) not in seen:
                seen.add(id(edge[0]))
                frontier.append(edge[0])
    return order


def leaves(roots: Tensor | Iterable[Tensor]) -> list[Tensor]:
    """The leaf tensors requiring grad that the graph of ``roots`` reaches (each once)."""
    found: dict[int, Tensor] = {}
    roots = _as_list(roots)
    for r in roots:
        if r.grad_fn is None and r._requires_grad:
            found.setdefault(id(r), r)
    for node in nodes(roots):
        for edge in node.next_edges:
            if edge is not None and edge[1] == -1:
                found.setdefault(id(edge[0]), edge[0])
    return list(found.values())


def saved_arrays(node: Context) -> list[tuple[np.ndarray, bool]]:
    """The arrays ``node`` keeps for its backward, each with whether it is a leaf's data.

    Empty once a backward has freed them.
    """
    saved = getattr(node, "_saved", None)
    if not saved:
        return []
    arrays = []
    for kind, value, _version in saved:
        if kind == _INPUT or kind == _TENSOR:
            arrays.append((value.data, value.grad_fn is None))
        elif kind == _OUTPUT:  # (array, index, version counter)
            arrays.append((value[0], False))
        elif kind == _CONSTANT and isinstance(value, np.ndarray):
            arrays.append((value, False))
    return arrays


def saved_bytes(roots: Tensor | Iterable[Tensor], include_leaves: bool = False) -> int:
    """Bytes of the arrays the graph of ``roots`` holds for backward (each buffer once).

    This is the memory backward needs beyond the inputs and parameters: the
    activations. Arrays of leaf tensors (inputs, parameters) are left out unless
    ``include_leaves``, since the caller holds them anyway. A view counts its
    whole base buffer, which it keeps alive. Checkpointing (``autograd.checkpoint``)
    exists to make this number small.
    """
    seen: set[int] = set()
    total = 0
    for node in nodes(roots):
        for a, is_leaf in saved_arrays(node):
            if is_leaf and not include_leaves:
                continue
            base = a.base if isinstance(a.base, np.ndarray) else a
            if id(base) in seen:
                continue
            seen.add(id(base))
            total += base.nbytes
    return total
