"""Parametrizations (PyTorch's ``nn.utils.parametrize``): make a module's parameter or buffer
the output of small modules applied to an unconstrained tensor, recomputed on each read.

``register_parametrization(layer, 'weight', P)`` moves ``layer.weight`` to
``layer.parametrizations.weight.original`` (or ``original0, original1, …`` when
``P.right_inverse`` splits it into several tensors) and makes ``layer.weight`` a property
that returns ``P(original)``; assigning ``layer.weight = W`` stores ``P.right_inverse(W)``.
As in PyTorch, the layer's class is swapped for a subclass ``Parametrized<Class>`` holding
that property, and the original class comes back when the last parametrization goes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import autograd as ag

from ..container import ModuleDict, ModuleList
from ..module import Module
from ..parameter import Parameter

_cache_depth = 0
_cache: dict[tuple[int, str], ag.Tensor] = {}


@contextmanager
def cached() -> Iterator[None]:
    """Inside this context each parametrized tensor is computed once, on first read, and
    reused (e.g. a weight read at every step of a recurrent loop)."""
    global _cache_depth
    _cache_depth += 1
    try:
        yield
    finally:
        _cache_depth -= 1
        if not _cache_depth:
            _cache.clear()


def _register_original(owner: Module, name: str, like: ag.Tensor, value: ag.Tensor) -> None:
    """``value`` kept under ``name`` as a Parameter if ``like`` was one, else a buffer."""
    if isinstance(like, Parameter):
        owner.register_parameter(name, Parameter(value.data, requires_grad=like.requires_grad))
    else:
        owner.register_buffer(name, ag.tensor(value.data))


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order, and the unconstrained tensor(s)
    they read: ``original`` (or ``original0, original1, …``)."""

    def __init__(self, modules: Sequence[Module], original: ag.Tensor,
                 unsafe: bool = False) -> None:
        super().__init__(modules)
        self.unsafe = unsafe
        with ag.no_grad():
            new = original
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:  # as PyTorch: then the original is kept
                        pass
        self.is_tensor = isinstance(new, ag.Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if new is not original:
                with ag.no_grad():
                    original.data = new.data.astype(original.dtype, copy=True)
                    ag.mark_modified(original)
            if isinstance(original, Parameter):
                self.register_parameter("original", original)
            else:
                self.register_buffer("original", original)
        else:
            for i, tensor in enumerate(new):
                _register_original(self, f"original{i}", original, tensor)
        if not unsafe:
            self._check_consistent(original)

    def _check_consistent(self, original: ag.Tensor) -> None:
        value = self()
        if not isinstance(value, ag.Tensor):
            raise ValueError("register_parametrization: a parametrization must return a "
                             f"tensor, got {type(value).__name__}")
        if value.shape != original.shape or value.dtype != original.dtype:
            raise ValueError(
                "register_parametrization: the parametrization may not change the shape or "
                f"dtype of the tensor (unsafe=False): original {tuple(original.shape)} "
                f"{original.dtype}, parametrized {tuple(value.shape)} {value.dtype}; pass "
                "unsafe=True to allow it")

    def originals(self) -> list[ag.Tensor]:
        if self.is_tensor:
            return [self.original]
        return [getattr(self, f"original{i}") for i in range(self.ntensors)]

    def right_inverse(self, value: ag.Tensor) -> None:
        """Store ``value`` by running the right inverses backwards (no gradient)."""
        with ag.no_grad():
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    value = module.right_inverse(value)
            tensors = [value] if self.is_tensor else list(value)
            if len(tensors) != self.ntensors:
                raise ValueError(f"right_inverse returned {len(tensors)} tensors, expected "
                                 f"{self.ntensors}")
            for original, tensor in zip(self.originals(), tensors):
                data = tensor.data if isinstance(tensor, ag.Tensor) else tensor
                original.data = ag.tensor(data).data.astype(original.dtype, copy=True)
                ag.mark_modified(original)

    def forward(self) -> ag.Tensor:
        modules = list(self)
        x = modules[0](*self.originals())
        for module in modules[1:]:
            x = module(x)
        return x


def _make_property(tensor_name: str) -> property:
    def get(module: Module) -> ag.Tensor:
        parametrization = module.parametrizations[tensor_name]
        if not _cache_depth:
            return parametrization()
        key = (id(module), tensor_name)
        if key not in _cache:
            _cache[key] = parametrization()
        return _cache[key]

    def set_(module: Module, value: ag.Tensor) -> None:
        module.parametrizations[tensor_name].right_inverse(value)

    return property(get, set_)


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether ``module`` has a parametrization (on ``tensor_name``, if given)."""
    parametrizations = getattr(module, "parametrizations", None)
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else tensor_name in parametrizations


def register_parametrization(module: Module, tensor_name: str, parametrization: Module, *,
                             unsafe: bool = False) -> Module:
    """Make ``module.<tensor_name>`` read as ``parametrization(original)`` (stacked after
    any parametrization already there). The tensor must be a parameter or buffer of
    ``module``. Unless ``unsafe``, the parametrization may not change its shape or dtype.
    Returns ``module``."""
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        plist = module.parametrizations[tensor_name]
        if not unsafe:
            before = getattr(module, tensor_name)
            after = parametrization(before)
            if after.shape != before.shape or after.dtype != before.dtype:
                raise ValueError(
                    "register_parametrization: the parametrization may not change the shape "
                    f"or dtype of {tensor_name!r} (unsafe=False): {tuple(before.shape)} "
                    f"{before.dtype} became {tuple(after.shape)} {after.dtype}")
        plist.append(parametrization)
        plist.unsafe |= unsafe
        return module
    if tensor_name not in module._parameters and tensor_name not in module._buffers:
        raise ValueError(f"Module '{type(module).__name__}' does not have a parameter, a "
                         f"buffer, or a parametrized element with name '{tensor_name}'")
    original = getattr(module, tensor_name)
    plist = ParametrizationList([parametrization], original, unsafe=unsafe)
    delattr(module, tensor_name)
    if not is_parametrized(module):
        cls = type(module)
        module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), {})
        module.parametrizations = ModuleDict()
    setattr(type(module), tensor_name, _make_property(tensor_name))
    module.parametrizations[tensor_name] = plist
    return module


def remove_parametrizations(module: Module, tensor_name: str,
                            leave_parametrized: bool = True) -> Module:
    """Undo ``register_parametrization``: ``tensor_name`` becomes a plain parameter (or
    buffer) again, holding its current parametrized value (``leave_parametrized=True``) or
    the unconstrained original. Returns ``module``."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {type(module).__name__} does not have a parametrization on "
                         f"{tensor_name}")
    plist = module.parametrizations[tensor_name]
    if plist.is_tensor:
        original = plist.original
        if leave_parametrized:
            with ag.no_grad():
                value = getattr(module, tensor_name)
            original.data = value.data.astype(original.dtype, copy=True)
            ag.mark_modified(original)
    else:
        if not leave_parametrized:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor "
                             "that is parametrized in terms of a sequence of tensors.")
        with ag.no_grad():
            value = getattr(module, tensor_name)
        like = plist.original0
        original = (Parameter(value.data.copy(), requires_grad=like.requires_grad)
                    if isinstance(like, Parameter) else ag.tensor(value.data.copy()))
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    if isinstance(original, Parameter):
        module.register_parameter(tensor_name, original)
    else:
        module.register_buffer(tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = type(module).__bases__[0]
    return module


__all__ = ["cached", "is_parametrized", "register_parametrization",
           "remove_parametrizations", "ParametrizationList"]
