"""Seeing the recorded graph: drawing it, walking it, measuring what it keeps.

* ``draw_graph(root, ...)``: a graphviz picture with values, gradients and modules.
* ``record(modules=None)``: a context manager that keeps the intermediate values and
  gradients (and which module ran each op) for ``draw_graph`` to show.
* ``nodes(root)``, ``leaves(root)``: the graph's op nodes and leaf tensors, found
  iteratively.
* ``saved_bytes(root)``: the bytes of the arrays the graph keeps for backward.
"""

from .draw import draw_graph
from .drawing import GraphDrawing, GraphvizNotFoundError
from .record import is_recording, record
from .walk import leaves, nodes, saved_bytes

__all__ = ["draw_graph", "GraphDrawing", "GraphvizNotFoundError", "record", "is_recording",
           "nodes", "leaves", "saved_bytes"]
