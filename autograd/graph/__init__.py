"""Seeing the recorded graph: drawing it, walking it, measuring what it keeps.

* ``draw_graph(root, ...)``: a graphviz picture with values, gradients and modules.
* ``record(modules=None)``: a context manager that keeps the intermediate values and
  gradients (and which module ran each op) for ``draw_graph`` to show.
* ``nodes(root)``, ``leaves(root)``: the graph's op nodes and leaf tensors, found
  iteratively.
* ``saved_bytes(root)``: the bytes of the arrays the graph keeps for backward.
"""

from .record import is_recording, record
from .walk import leaves, nodes, saved_bytes


def __getattr__(name: str):
    # The drawing modules import the graphviz package (~0.1 s): load them on first use.
    if name == "draw_graph":
        from .draw import draw_graph

        return draw_graph
    if name in ("GraphDrawing", "GraphvizNotFoundError"):
        from . import drawing

        return getattr(drawing, name)
    raise AttributeError(f"module 'autograd.graph' has no attribute {name!r}")


__all__ = ["draw_graph", "GraphDrawing", "GraphvizNotFoundError", "record", "is_recording",
           "nodes", "leaves", "saved_bytes"]
