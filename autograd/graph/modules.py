"""Which ``nn.Module`` each op and parameter of a drawn graph belongs to.

``autograd`` does not import ``nn``: a module is anything with
``named_modules()`` and ``named_parameters()``. Membership comes from the trace
``autograd.graph.record(modules=model)`` made (the innermost module whose
``forward`` ran the op) or, for an untraced graph, from the parameters: an op
that consumes a module's parameter belongs to that module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..function import Context
from . import hooks


class ModuleIndex:
    """The modules of a model by dotted name ('' is the model), and who owns each parameter."""

    def __init__(self, model: Any) -> None:
        self.modules: dict[str, Any] = dict(model.named_modules())
        self.param_owner: dict[int, str] = {}
        self.param_name: dict[int, str] = {}
        for full, p in model.named_parameters():
            owner = full.rpartition(".")[0]
            self.param_owner.setdefault(id(p), owner)
            self.param_name.setdefault(id(p), full)

    def label(self, name: str) -> str:
        """The cluster's caption: ``"name: Kind"`` (just ``Kind`` for the root module)."""
        kind = type(self.modules[name]).__name__
        return f"{name}: {kind}" if name else kind

    def parents(self, name: str) -> list[str]:
        """The enclosing module names of ``name``, outermost ('') first, ``name`` excluded."""
        if name == "":
            return []
        parts = name.split(".")
        return [""] + [".".join(parts[:i]) for i in range(1, len(parts))]

    def parameters_of(self, name: str) -> list[tuple[str, Any]]:
        """(dotted name, parameter) of ``name`` and its submodules."""
        prefix = f"{name}." if name else ""
        return [(n, p) for n, p in self.modules[""].named_parameters() if n.startswith(prefix)]

    def op_module(self, node: Context) -> str | None:
        """The traced module of ``node``, else the owner of a parameter it consumes."""
        rec = hooks.record_of(node)
        if rec is not None and rec.module is not None:
            return rec.module if rec.module in self.modules else None
        best = None
        for edge in node.next_edges:
            if edge is not None and edge[1] == -1:
                owner = self.param_owner.get(id(edge[0]))
                if owner is not None and (best is None or len(owner) > len(best)):
                    best = owner
        return best

    def collapsed(self, spec: bool | str | Iterable[Any] | None) -> set[str]:
        """Module names to draw as one box: ``True`` means every module without children;
        otherwise a module (or its name), or a list of them."""
        if spec is None or spec is False:
            return set()
        if spec is True:
            return {n for n, m in self.modules.items() if n and _is_leaf_module(m)}
        if isinstance(spec, str) or hasattr(spec, "named_modules"):
            spec = [spec]  # one module, not the characters of its name nor its children
        elif not isinstance(spec, Iterable):
            raise TypeError(f"draw_graph: collapse= takes True, a module, a module name or a "
                            f"list of them, got {type(spec).__name__}")
        by_id = {id(m): n for n, m in self.modules.items()}
        names = set()
        for item in spec:
            if isinstance(item, str):
                if item not in self.modules:
                    raise ValueError(
                        f"draw_graph: collapse names module {item!r}, which the model does not "
                        f"have; its modules are {sorted(n for n in self.modules if n)}"
                    )
                names.add(item)
            elif id(item) in by_id:
                names.add(by_id[id(item)])
            else:
                raise ValueError(f"draw_graph: collapse got {type(item).__name__}, which is not "
                                 "a submodule (or the name of one) of the modules= model")
        return names

    def box_of(self, name: str | None, collapsed: set[str]) -> str | None:
        """The outermost collapsed module containing ``name`` (itself included), if any."""
        if name is None or not collapsed:
            return None
        for candidate in [*self.parents(name), name]:
            if candidate in collapsed:
                return candidate
        return None


def _is_leaf_module(m: Any) -> bool:
    return sum(1 for _ in m.named_modules()) == 1
