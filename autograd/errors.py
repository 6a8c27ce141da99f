"""Exceptions raised by the engine, each saying what happened and how to fix it."""


class GraphError(RuntimeError):
    """A mistake in the lifecycle of the recorded graph (freed graph, stale saved tensor)."""


class ShapeError(ValueError):
    """Operands whose shapes do not fit the operation; the message names both and the op."""
