"""``GraphDrawing``: a ``graphviz.Digraph`` that says how to install Graphviz when it must."""

from __future__ import annotations

from typing import Any

import graphviz

INSTALL_HINT = (
    "Rendering needs the Graphviz program `dot`, which was not found on PATH (the DOT text "
    "is always available as .source). Install it: Debian/Ubuntu `sudo apt-get install -y "
    "graphviz`; conda `conda install -c conda-forge graphviz`; macOS `brew install graphviz`; "
    "Windows https://graphviz.org/download/ and add its bin folder to PATH. (`pip install "
    "graphviz` only installs the Python wrapper, not `dot`.)"
)


class GraphvizNotFoundError(RuntimeError):
    """Rendering a drawing needs the Graphviz ``dot`` program, which is missing."""


class GraphDrawing(graphviz.Digraph):
    """The drawing ``draw_graph`` returns: a ``graphviz.Digraph`` with friendlier failures.

    ``.source`` is the DOT text (always available). In Jupyter it shows inline
    as SVG; ``render(filename, format='svg'|'png'|'pdf')`` (graphviz's own
    ``render``: it writes the DOT file ``filename`` and the picture
    ``filename.<format>``, or exactly ``outfile=`` if given) and ``pipe`` need the
    ``dot`` program; without it they raise ``GraphvizNotFoundError`` saying how
    to install it.
    """

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        """graphviz's ``pipe``: the drawing in ``format`` as bytes (needs ``dot``)."""
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as err:
            raise GraphvizNotFoundError(INSTALL_HINT) from err

    def render(self, *args: Any, **kwargs: Any) -> str:
        """graphviz's ``render``: writes the drawing to a file, returns its path (needs ``dot``)."""
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as err:
            raise GraphvizNotFoundError(INSTALL_HINT) from err

    def _repr_svg_(self) -> str:
        return self.pipe(format="svg", encoding="utf-8")
