"""Containers: ``Sequential``, ``ModuleList``, ``ModuleDict``, ``ParameterList`` and
``ParameterDict`` (as PyTorch's)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import autograd as ag

from .activation import ReLU
from .functional import linear_relu
from .linear import Linear
from .module import Module
from .parameter import Parameter


def _check_module(value: Any, where: str) -> Module:
    if not isinstance(value, Module):
        raise TypeError(f"{where}: {type(value).__name__} is not a Module (an nn layer or "
                        "model); wrap plain functions in a Module subclass")
    return value


def _hookless(m: Module) -> bool:
    """Whether calling ``m`` runs only its ``forward`` (no hooks to see its output)."""
    return not (m._forward_pre_hooks or m._forward_hooks or m._backward_hooks
                or m._backward_pre_hooks)


class _IndexedModules(Module):
    """Children with list-style indexing by position; shared by Sequential and ModuleList.

    ModuleList's children are named '0', '1', ...; a Sequential made from an
    ``OrderedDict`` keeps its names, and position ``i`` is its ``i``-th child.
    """

    def _key(self, idx: int) -> str:
        """The name of the child at position ``idx`` (negative counts from the end)."""
        n = len(self._modules)
        if not isinstance(idx, int):
            raise TypeError(f"{type(self).__name__} indices must be integers or slices, "
                            f"got {type(idx).__name__}")
        if not -n <= idx < n:
            raise IndexError(f"{type(self).__name__} index {idx} is out of range for "
                             f"{n} modules")
        return list(self._modules)[idx]

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return self._slice(list(self._modules.items())[idx])
        return self._modules[self._key(idx)]

    def _slice(self, items: list[tuple[str, Module]]) -> _IndexedModules:
        raise NotImplementedError(f"{type(self).__name__} must say what a slice of it is")

    def __setitem__(self, idx: int, module: Module) -> None:
        setattr(self, self._key(idx), _check_module(module, f"{type(self).__name__}[{idx}]"))

    def __delitem__(self, idx: int | slice) -> None:
        """Remove the child(ren) at ``idx``; the rest are renumbered '0', '1', ... (as
        PyTorch does, also for a Sequential made from an OrderedDict)."""
        items = list(self._modules.values())
        if isinstance(idx, slice):
            del items[idx]
        else:
            del items[list(self._modules).index(self._key(idx))]
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

    def insert(self, index: int, module: Module) -> _IndexedModules:
        """Insert ``module`` before position ``index``. Returns self."""
        items = list(self._modules.values())
        items.insert(index, _check_module(module, f"{type(self).__name__}.insert"))
        self._modules.clear()
        for i, m in enumerate(items):
            self._modules[str(i)] = m
        return self


class Sequential(_IndexedModules):
    """Modules applied one after another: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    Takes modules as arguments (named '0', '1', ...) or one ``OrderedDict`` of
    named modules. Supports indexing by position (a slice gives a new Sequential
    sharing the modules under their names, so ``model[:-1].state_dict()`` has the
    model's keys), ``len``, iteration and ``append``, as PyTorch's.

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

    def _slice(self, items: list[tuple[str, Module]]) -> Sequential:
        return type(self)(OrderedDict(items))

    def forward(self, x: Any) -> Any:
        """The modules in turn. A ``Linear`` followed by a ``ReLU`` (both exactly those
        classes, neither with hooks) runs as one ``linear_relu`` op: the same values
        (gradients within float rounding) with a pass over memory fewer each way; the
        graph then has one ``LinearRelu`` node where the two ops would be."""
        waiting = None  # a Linear that may fuse with a ReLU after it
        for m in self._modules.values():
            if waiting is not None:
                if type(m) is ReLU and _hookless(m):
                    x = linear_relu(x, waiting.weight, waiting.bias)
                    waiting = None
                    continue
                x = waiting(x)
                waiting = None
            if type(m) is Linear and _hookless(m):
                waiting = m
            else:
                x = m(x)
        return x if waiting is None else waiting(x)


class ModuleList(_IndexedModules):
    """A list of modules whose parameters are registered (a plain list's are not).

    Use it for a variable number of layers; it has no ``forward`` of its own.
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _slice(self, items: list[tuple[str, Module]]) -> ModuleList:
        return type(self)(m for _, m in items)

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError("ModuleList has no forward(): iterate over it in the "
                                  "parent module's forward")


class _NamedMembers(Module):
    """Dict-style access to one of a Module's registries (``_registry``): shared by
    ModuleDict and ParameterDict, whose ``__setitem__`` checks and registers a value."""

    _registry = "_modules"
    _kind = "module"

    def __init__(self, members: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        if members is not None:
            self.update(members)

    def _members(self) -> OrderedDict:
        return getattr(self, self._registry)

    def __getitem__(self, key: str) -> Any:
        try:
            return self._members()[key]
        except KeyError:
            raise KeyError(f"{type(self).__name__} has no {self._kind} {key!r}; its keys are "
                           f"{list(self._members())}") from None

    def __delitem__(self, key: str) -> None:
        del self._members()[key]

    def __len__(self) -> int:
        return len(self._members())

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._members()))

    def __contains__(self, key: object) -> bool:
        return key in self._members()

    def keys(self) -> list[str]:
        return list(self._members().keys())

    def values(self) -> list[Any]:
        return list(self._members().values())

    def items(self) -> list[tuple[str, Any]]:
        return list(self._members().items())

    def update(self, members: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        """Add or replace entries from a mapping or ``(name, value)`` pairs."""
        pairs = members.items() if isinstance(members, Mapping) else members
        for key, value in OrderedDict(pairs).items():
            self[key] = value

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no forward(): index it in the "
                                  f"parent module's forward")


class ModuleDict(_NamedMembers):
    """A dict of modules whose parameters are registered, keeping insertion order."""

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, _check_module(module, f"ModuleDict[{key!r}]"))

def _as_parameter(value: Any, where: str) -> Parameter:
    """``value`` as a Parameter: a plain Tensor is wrapped (sharing its array), as torch's
    ParameterList and ParameterDict do."""
    if isinstance(value, Parameter):
        return value
    if isinstance(value, ag.Tensor):
        return Parameter(value)
    raise TypeError(f"{where}: {type(value).__name__} is not a Parameter or Tensor")


class ParameterList(Module):
    """A list of parameters that a Module registers (a plain list's are not), named
    '0', '1', ... in ``named_parameters()``; Tensors are made Parameters, as PyTorch's."""

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def _key(self, idx: int) -> str:
        n = len(self._parameters)
        if not isinstance(idx, int) or not -n <= idx < n:
            raise IndexError(f"ParameterList index {idx!r} is out of range for {n} parameters")
        return str(idx % n)

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return ParameterList(list(self)[idx])
        return self._parameters[self._key(idx)]

    def __setitem__(self, idx: int, value: Any) -> None:
        self.register_parameter(self._key(idx), _as_parameter(value, "ParameterList"))

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(list(self._parameters.values()))

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` (a Parameter, or a Tensor made one) at the end. Returns self."""
        self.register_parameter(str(len(self)), _as_parameter(value, "ParameterList.append"))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Append each of ``values``. Returns self."""
        for value in values:
            self.append(value)
        return self

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError("ParameterList has no forward(): use its parameters in the "
                                  "parent module's forward")


class ParameterDict(_NamedMembers):
    """A dict of parameters that a Module registers, in insertion order; Tensors are made
    Parameters, as PyTorch's."""

    _registry = "_parameters"
    _kind = "parameter"

    def __setitem__(self, key: str, value: Any) -> None:
        self.register_parameter(key, _as_parameter(value, f"ParameterDict[{key!r}]"))
