"""Pytrees as ``torch.func`` reads them: nested tuples, lists and dicts whose leaves are
anything else (Tensors, numbers, None). ``flatten`` lists the leaves in order and returns a
spec that ``unflatten`` fills back with new leaves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Spec = Any  # None for a leaf, else (type, keys or None, tuple of child specs)


def flatten(tree: Any) -> tuple[list[Any], Spec]:
    """The leaves of ``tree`` (dicts in insertion order) and its structure."""
    leaves: list[Any] = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree: Any, leaves: list[Any]) -> Spec:
    if isinstance(tree, dict):
        return (dict, tuple(tree), tuple(_flatten(v, leaves) for v in tree.values()))
    if isinstance(tree, (tuple, list)):
        kind = type(tree) if type(tree) in (tuple, list) else tuple
        return (kind, None, tuple(_flatten(v, leaves) for v in tree))
    leaves.append(tree)
    return None


def unflatten(spec: Spec, leaves: Any) -> Any:
    """The tree of structure ``spec`` holding ``leaves`` (in ``flatten``'s order)."""
    it = iter(leaves)
    return _unflatten(spec, it)


def _unflatten(spec: Spec, it: Any) -> Any:
    if spec is None:
        return next(it)
    kind, keys, children = spec
    values = [_unflatten(child, it) for child in children]
    return dict(zip(keys, values)) if kind is dict else kind(values)


def tree_map(fn: Callable[[Any], Any], tree: Any) -> Any:
    leaves, spec = flatten(tree)
    return unflatten(spec, [fn(leaf) for leaf in leaves])


def leaf_count(spec: Spec) -> int:
    return 1 if spec is None else sum(leaf_count(c) for c in spec[2])


def broadcast_prefix(prefix: Any, tree: Any, what: str, fn: str,
                     of: str = "inputs") -> list[Any]:
    """One value per leaf of ``tree``: ``prefix`` is a tree matching ``tree`` down to some
    depth whose leaves (ints or None) apply to every leaf below them (``in_dims``)."""
    if prefix is None or isinstance(prefix, int):
        return [prefix] * len(flatten(tree)[0])
    if isinstance(prefix, dict) and isinstance(tree, dict) and set(prefix) == set(tree):
        return [v for k in tree for v in broadcast_prefix(prefix[k], tree[k], what, fn, of)]
    if (isinstance(prefix, (tuple, list)) and isinstance(tree, (tuple, list))
            and len(prefix) == len(tree)):
        return [v for p, t in zip(prefix, tree) for v in broadcast_prefix(p, t, what, fn, of)]
    raise ValueError(f"{fn}: {what}={prefix!r} must be an int, None, or a (nested) "
                     f"tuple/list/dict matching the structure of the {of} "
                     f"{flatten(tree)[1]!r}")
