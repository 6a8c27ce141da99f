"""Build the notebooks from their sources and execute them, keeping the outputs.

Each notebook's source is a Python file in ``notebooks/src/`` in the "percent"
format: cells start with ``# %%`` (code) or ``# %% [markdown]`` (markdown, every
line a ``# `` comment). ``python notebooks/build.py`` turns every source into
``notebooks/<name>.ipynb`` and runs it top to bottom in a fresh kernel, so the
committed notebooks carry their outputs and read well without running;
``python notebooks/build.py 03_shallow`` builds the ones whose names start so.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).parent
SOURCES = HERE / "src"


def parse(source: str) -> list[nbformat.NotebookNode]:
    """Split percent-format text into notebook cells."""
    cells: list[nbformat.NotebookNode] = []
    kind, lines = None, []

    def flush() -> None:
        text = "\n".join(lines).strip("\n")
        if kind == "markdown":
            text = "\n".join(ln[2:] if ln.startswith("# ") else ln.lstrip("#")
                             for ln in text.splitlines())
            cells.append(nbformat.v4.new_markdown_cell(text))
        elif kind == "code" and text.strip():
            cells.append(nbformat.v4.new_code_cell(text))

    for line in source.splitlines():
        if line.startswith("# %%"):
            if kind is not None:
                flush()
            kind = "markdown" if "[markdown]" in line else "code"
            lines = []
        elif kind is not None:
            lines.append(line)
    if kind is not None:
        flush()
    return cells


def build(src: Path, execute: bool = True) -> Path:
    """Write ``notebooks/<src.stem>.ipynb`` from ``src``, executed when asked."""
    nb = nbformat.v4.new_notebook()
    nb.cells = parse(src.read_text())
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    out = HERE / f"{src.stem}.ipynb"
    if execute:
        os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        start = time.perf_counter()
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(HERE)}}).execute()
        print(f"{out.name}: executed in {time.perf_counter() - start:.1f} s")
    nbformat.write(nb, out)
    return out


def main(argv: list[str]) -> int:
    prefixes = argv or [""]
    sources = sorted(p for p in SOURCES.glob("*.py") if any(p.stem.startswith(x)
                                                             for x in prefixes))
    if not sources:
        print(f"no notebook sources in {SOURCES} match {prefixes}", file=sys.stderr)
        return 1
    for src in sources:
        build(src)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
