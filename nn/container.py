"""Containers of modules: ``Sequential``, ``ModuleList``, ``ModuleDict`` (as PyTorch's)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .module import Module


def _check_module(value: Any, where: str) -> Module:
    if not isinstance(value, Module):
        raise TypeError(f"{where}: {type(value).__name__} is not a Module (an nn layer or "
                        "model); wrap plain functions in a Module subclass")
    return value


class _IndexedModules(Module):
    """Children named '0', '1', ... with list-style indexing; shared by Sequential and
    ModuleList."""

    def _index(self, idx: int) -> str:
        n = len(self._modules)
        if not isinstance(idx, int):
            raise TypeError(f"{type(self).__name__} indices must be integers or slices, "
                            f"got {type(idx).__name__}")
        if not -n <= idx < n:
            raise IndexError(f"{type(self).__name__} index {idx} is out of range for "
                             f"{n} modules")
        return str(idx % n)

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return type(self)._of(list(self._modules.values())[idx])
        return self._modules[self._index(idx)]

    def __setitem__(self, idx: int, module: Module) -> None:
        self._modules[self._index(idx)] = _check_module(module, f"{type(self).__name__}[{idx}]")

    def __delitem__(self, idx: int | slice) -> None:
        items = list(self._modules.values())
        if isinstance(idx, slice):
            del items[idx]
        else:
            del items[int(self._index(idx))]
        self._modules.clear()
        for i, m in enumerate(items):
            self._modules[str(i)] = m

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def append(self, module: Module) -> _IndexedModules:
        """Add ``module`` at the end. Returns self."""
        self._modules[str(len(self._modules))] = _check_module(
            module, f"{type(self).__name__}.append")
        return self

    def extend(self, modules: Iterable[Module]) -> _IndexedModules:
        """Append each module of ``modules``. Returns self."""
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``."""
        items = list(self._modules.values())
        items.insert(index, _check_module(module, f"{type(self).__name__}.insert"))
        self._modules.clear()
        for i, m in enumerate(items):
            self._modules[str(i)] = m


class Sequential(_IndexedModules):
    """Modules applied one after another: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    Takes modules as arguments (named '0', '1', ...) or one ``OrderedDict`` of
    named modules. Supports indexing (a slice gives a new Sequential sharing the
    modules), ``len``, iteration and ``append``, as PyTorch's.

    >>> model = Sequential(Linear(784, 128), ReLU(), Linear(128, 10))
    >>> model[0].weight.shape
    (128, 784)
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            for name, m in modules[0].items():
                self.add_module(name, _check_module(m, f"Sequential[{name!r}]"))
        else:
            for i, m in enumerate(modules):
                self.add_module(str(i), _check_module(m, f"Sequential argument {i}"))

    @classmethod
    def _of(cls, modules: list[Module]) -> Sequential:
        return cls(*modules)

    def forward(self, x: Any) -> Any:
        for m in self._modules.values():
            x = m(x)
        return x


class ModuleList(_IndexedModules):
    """A list of modules whose parameters are registered (a plain list's are not).

    Use it for a variable number of layers; it has no ``forward`` of its own.
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    @classmethod
    def _of(cls, modules: list[Module]) -> ModuleList:
        return cls(modules)

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError("ModuleList has no forward(): iterate over it in the "
                                  "parent module's forward")


class ModuleDict(Module):
    """A dict of modules whose parameters are registered, keeping insertion order."""

    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        try:
            return self._modules[key]
        except KeyError:
            raise KeyError(f"ModuleDict has no module {key!r}; its keys are "
                           f"{list(self._modules)}") from None

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, _check_module(module, f"ModuleDict[{key!r}]"))

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> list[str]:
        return list(self._modules.keys())

    def values(self) -> list[Module]:
        return list(self._modules.values())

    def items(self) -> list[tuple[str, Module]]:
        return list(self._modules.items())

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace modules from a mapping or ``(name, module)`` pairs."""
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for key, m in OrderedDict(pairs).items():
            self[key] = m

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError("ModuleDict has no forward(): index it in the parent "
                                  "module's forward")
