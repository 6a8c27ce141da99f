"""Exceptions raised by the engine, each saying what happened and how to fix it."""

import numpy as np

#: NumPy's own error for an axis out of range (``numpy.exceptions`` since NumPy 1.25, the
#: top-level ``numpy.AxisError`` before), raised as NumPy raises it; an IndexError and a
#: ValueError both.
AxisError = getattr(np, "exceptions", np).AxisError


class GraphError(RuntimeError):
    """A mistake in the lifecycle of the recorded graph (freed graph, stale saved tensor)."""


class ShapeError(ValueError):
    """Operands whose shapes do not fit the operation; the message names both and the op."""
