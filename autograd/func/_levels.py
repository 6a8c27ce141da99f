"""How deep we are inside function transforms, so a transform nested in another keeps the
graph of its results (``create_graph``) for the outer one to differentiate."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..tensor import Tensor
from ._pytree import tree_map

_state = threading.local()


@contextmanager
def inside_transform() -> Iterator[None]:
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1


def keep_graph(leaves: list[Any]) -> bool:
    """Whether results must stay differentiable: an outer transform is running, or the
    caller passed tensors that require grad (ordinary autograd above the transform)."""
    if getattr(_state, "depth", 0) > 0:
        return True
    return any(isinstance(t, Tensor) and t.requires_grad for t in leaves)


def lift(tree: Any, keep: bool) -> Any:
    """``tree`` with its tensors detached unless the graph is kept."""
    if keep:
        return tree
    return tree_map(lambda t: t.detach() if isinstance(t, Tensor) else t, tree)
