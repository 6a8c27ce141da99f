"""``Module``: the base class of every layer and model, with PyTorch's semantics.

Assigning a ``Parameter`` or a ``Module`` to an attribute registers it; tensors
that are state but not learnable (BatchNorm's running statistics) are registered
with ``register_buffer``. Everything else — iteration over parameters with
dotted names, train/eval mode, ``zero_grad``, state dicts, forward hooks,
dtype casts and the printed tree — follows from those three registries.

This file holds the registries, their traversal, the modes, ``__call__`` with its
hooks and the printed tree; state dicts live in ``module_state`` and dtype/device
conversions in ``module_convert``, as mixins that ``Module`` inherits.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import autograd as ag

from .buffer import Buffer
from .hooks import HookedCall
from .module_convert import ConversionMixin
from .module_state import IncompatibleKeys, StateDictMixin
from .parameter import Parameter

__all__ = ["IncompatibleKeys", "Module"]


def _pre_hook_result(hook: Any, result: Any, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    if result is None:
        return args, kwargs
    if not (isinstance(result, tuple) and len(result) == 2):
        raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, "
                           f"new_kwargs), but got {result!r} from {hook!r}")
    new_args, new_kwargs = result
    return (new_args if isinstance(new_args, tuple) else (new_args,)), new_kwargs


class Module(StateDictMixin, ConversionMixin):
    """Base class of layers and models (PyTorch's ``nn.Module``).

    Subclasses call ``super().__init__()`` first, assign their parameters and
    submodules as attributes, and define ``forward``. Calling the module runs the
    forward pre-hooks, ``forward`` and the forward hooks.

    >>> class TwoLayer(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc1 = Linear(2, 3)
    ...         self.fc2 = Linear(3, 1)
    ...     def forward(self, x):
    ...         return self.fc2(self.fc1(x).relu())
    >>> [name for name, _ in TwoLayer().named_parameters()]
    ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
    """

    training: bool
    call_super_init: bool = False  # PyTorch's: True makes __init__ call super().__init__

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not self.call_super_init and (args or kwargs):
            extra = f"keyword argument {next(iter(kwargs))!r}" if kwargs else "arguments"
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected {extra}; "
                            "Module.__init__ takes none (set call_super_init = True on the "
                            "class to pass them on to the next class in the MRO)")
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", [])
        object.__setattr__(self, "_forward_pre_hooks", [])
        object.__setattr__(self, "_backward_hooks", [])
        object.__setattr__(self, "_backward_pre_hooks", [])
        object.__setattr__(self, "_hook_flags", {})  # id(hook) -> {"with_kwargs", ...}
        object.__setattr__(self, "_state_dict_pre_hooks", [])
        object.__setattr__(self, "_state_dict_hooks", [])
        object.__setattr__(self, "_load_state_dict_pre_hooks", [])
        object.__setattr__(self, "_load_state_dict_post_hooks", [])
        if self.call_super_init:
            super().__init__(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} has no forward(): define `def forward(self, x)` in the "
            "subclass"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks
                or self._backward_pre_hooks):
            return self.forward(*args, **kwargs)
        flags = self.__dict__.get("_hook_flags", {})
        out, ran = None, set()
        try:
            for hook in list(self._forward_pre_hooks):
                if "with_kwargs" in flags.get(id(hook), ()):
                    args, kwargs = _pre_hook_result(hook, hook(self, args, kwargs), args, kwargs)
                    continue
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
            hooked = None
            if (self._backward_hooks or self._backward_pre_hooks) and ag.is_grad_enabled():
                hooked = HookedCall(self, args)
                args = hooked.wrap_inputs(args)
            out = self.forward(*args, **kwargs)
            for hook in list(self._forward_hooks):
                ran.add(id(hook))
                out = self._run_forward_hook(hook, args, kwargs, out)
            return out if hooked is None else hooked.wrap_outputs(out)
        except Exception:
            for hook in list(self._forward_hooks):
                if "always_call" in flags.get(id(hook), ()) and id(hook) not in ran:
                    try:
                        out = self._run_forward_hook(hook, args, kwargs, out)
                    except Exception as exc:  # the forward's own error is the one to see
                        warnings.warn("forward hook with ``always_call=True`` raised an "
                                      "exception that was silenced as another error was "
                                      f"raised in forward: {exc}", stacklevel=2)
            raise

    def _run_forward_hook(self, hook: Callable[..., Any], args: tuple, kwargs: dict,
                          out: Any) -> Any:
        if "with_kwargs" in self._hook_flags.get(id(hook), ()):
            result = hook(self, args, kwargs, out)
        else:
            result = hook(self, args, out)
        return out if result is None else result

    # ---------------------------------------------------------- registration
    def _registries(self) -> tuple[dict, dict, dict]:
        try:
            return self._parameters, self._buffers, self._modules
        except AttributeError:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() at the start of __init__ "
                "before assigning parameters, buffers or submodules"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Buffer):
            self.register_buffer(name, value, persistent=value.persistent)
        elif isinstance(value, Parameter):
            params, _, _ = self._registries()
            self._forget(name, keep=params)
            params[name] = value
        elif isinstance(value, Module):
            _, _, modules = self._registries()
            self._forget(name, keep=modules)
            modules[name] = value
        elif "_parameters" in self.__dict__ and name in self._parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter {name!r} of "
                    f"{type(self).__name__} (nn.Parameter or None expected); wrap it: "
                    f"nn.Parameter(value)"
                )
            self._parameters[name] = None
        elif "_buffers" in self.__dict__ and name in self._buffers:
            if value is not None and not isinstance(value, ag.Tensor):
                raise TypeError(
                    f"cannot assign {type(value).__name__} as buffer {name!r} of "
                    f"{type(self).__name__} (Tensor or None expected)"
                )
            self._buffers[name] = value
        elif "_modules" in self.__dict__ and name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as child module {name!r} of "
                    f"{type(self).__name__} (Module or None expected)"
                )
            self._modules[name] = None
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: dict) -> None:
        """Remove ``name`` from the attributes and from every registry but ``keep``, where
        assigning it again replaces the entry in place (a replaced layer keeps its
        position, as in PyTorch: a named Sequential still runs in order)."""
        self.__dict__.pop(name, None)
        for registry in self._registries():
            if registry is not keep:
                registry.pop(name, None)
        self._non_persistent.discard(name)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry in d and name in d[registry]:
                return d[registry][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for registry in self._registries():
            if name in registry:
                del registry[name]
                self._non_persistent.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers)
                      | set(self._modules))

    def _check_name(self, name: Any, kind: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name must be a str, got {type(name).__name__}")
        if name == "" or "." in name:
            raise KeyError(f"{kind} name {name!r} must be non-empty and contain no '.'")
        if hasattr(type(self), name) or (name in self.__dict__):
            raise KeyError(f"attribute {name!r} already exists on {type(self).__name__}")

    def _register(self, registry: dict, kind: str, name: str, value: Any) -> None:
        if name not in registry:
            self._check_name(name, kind)
        self._forget(name, keep=registry)
        registry[name] = value

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (a Parameter, or None for an absent one) under ``name``."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter({name!r}): expected nn.Parameter or None, got "
                f"{type(param).__name__}; wrap it: nn.Parameter(tensor)"
            )
        self._register(self._parameters, "parameter", name, param)

    def register_buffer(self, name: str, tensor: ag.Tensor | None,
                        persistent: bool = True) -> None:
        """Register a non-learnable Tensor (e.g. running statistics) under ``name``.

        Buffers are saved in ``state_dict()`` unless ``persistent=False``, and
        cast by ``to(dtype)`` when floating point.
        """
        if tensor is not None and not isinstance(tensor, ag.Tensor):
            raise TypeError(
                f"register_buffer({name!r}): expected a Tensor or None, got "
                f"{type(tensor).__name__}"
            )
        self._register(self._buffers, "buffer", name, tensor)
        if not persistent:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as a child under ``name`` (same as attribute assignment)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module({name!r}): {type(module).__name__} is not a Module")
        self._register(self._modules, "module", name, module)

    register_module = add_module

    # ------------------------------------------------------------- iteration
    def named_modules(self, memo: set[int] | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """This module and all below it with dotted names ('' for self); a module reachable
        under several names appears once (under its first), or under each name with
        ``remove_duplicate=False``."""
        memo = set() if memo is None else memo
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name,
                                               remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """This module and all its descendants, each once."""
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct submodules with their attribute names, each once."""
        seen: set[int] = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator[Module]:
        """The direct submodules."""
        for _, child in self.named_children():
            yield child

    def get_submodule(self, target: str) -> Module:
        """The submodule at the dotted path ``target`` (``''`` is this module), as
        PyTorch's: ``model.get_submodule('encoder.0')``."""
        module = self
        for name in target.split(".") if target else []:
            child = module._modules.get(name)
            if child is None:
                raise AttributeError(f"{type(module).__name__} has no submodule {name!r} "
                                     f"(looking up {target!r})")
            module = child
        return module

    def set_submodule(self, target: str, module: Module, strict: bool = False) -> None:
        """Put ``module`` at the dotted path ``target``, replacing the submodule there
        (``model.set_submodule('encoder.0', nn.Linear(4, 4))``). The parent must exist;
        with ``strict=True`` so must the attribute; an existing attribute that is not a
        Module is refused."""
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        path, _, name = target.rpartition(".")
        parent = self.get_submodule(path)
        exists = name in parent._modules or hasattr(parent, name)
        if strict and not exists:
            raise AttributeError(f"{type(parent).__name__} has no attribute `{name}`")
        if exists and not isinstance(getattr(parent, name), Module | None):
            raise AttributeError(f"`{name}` is not an nn.Module")
        setattr(parent, name, module)

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at the dotted path ``target``, e.g. ``'0.weight'``."""
        return self._get_member(target, "_parameters", "parameter")

    def get_buffer(self, target: str) -> ag.Tensor:
        """The buffer at the dotted path ``target``, e.g. ``'bn.running_mean'``."""
        return self._get_member(target, "_buffers", "buffer")

    def _get_member(self, target: str, registry: str, kind: str) -> Any:
        path, _, name = target.rpartition(".")
        owner = self.get_submodule(path)
        members = getattr(owner, registry)
        if members.get(name) is None:
            raise AttributeError(f"{type(owner).__name__} has no {kind} {name!r} (looking up "
                                 f"{target!r})")
        return members[name]

    def _named_members(self, registry: str, prefix: str, recurse: bool,
                       remove_duplicate: bool = True) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()
        owners = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                  if recurse else [(prefix, self)])
        for owner_name, owner in owners:
            for name, value in getattr(owner, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{owner_name}.{name}" if owner_name else name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``(dotted_name, parameter)`` pairs, e.g. ``('0.weight', W)``; a shared
        parameter appears once (under its first name)."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """The learnable parameters, each once, in registration order (what optimizers take)."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, ag.Tensor]]:
        """``(dotted_name, buffer)`` pairs."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[ag.Tensor]:
        """The registered buffers."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def num_parameters(self, trainable_only: bool = False) -> int:
        """The number of scalar parameters (each shared parameter counted once)."""
        return sum(p.numel() for p in self.parameters()
                   if p.requires_grad or not trainable_only)

    # ---------------------------------------------------------------- modes
    def train(self, mode: bool = True) -> Module:
        """Set training mode (dropout active, batch statistics) on this module and
        every descendant; ``train(False)`` is ``eval()``. Returns self."""
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode): mode must be a bool, got {type(mode).__name__}")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (dropout off, running statistics) everywhere. Returns self."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze (True) every parameter. Returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None (default, as PyTorch) or to zeros.

        Gradients accumulate across ``backward()`` calls (course: "always
        accumulate"), so reset them before each step.
        """
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad = ag.zeros_like(p.grad)

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn(m)`` on every submodule (children first) and on self. Returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def compile(self, *args: Any, **kwargs: Any) -> None:
        """Does nothing: PyTorch compiles ``forward`` in place with ``torch.compile``;
        graphgrad has no compiler, and the module runs as written (the arguments are
        accepted and ignored)."""

    # ----------------------------------------------------------------- hooks
    def _add_hook(self, hooks: list, hook: Callable[..., Any], prepend: bool,
                  **flags: bool) -> ag.RemovableHandle:
        if not callable(hook):
            raise TypeError(f"{type(self).__name__}: a hook must be callable, got "
                            f"{type(hook).__name__}")
        hooks.insert(0, hook) if prepend else hooks.append(hook)
        self._hook_flags[id(hook)] = {k for k, on in flags.items() if on}
        return ag.RemovableHandle(hooks, hook)

    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                                  with_kwargs: bool = False) -> ag.RemovableHandle:
        """Call ``hook(module, args)`` before ``forward``; it may return new args (a
        non-tuple is wrapped as a 1-tuple). With ``with_kwargs=True`` it is
        ``hook(module, args, kwargs)`` and may return ``(new_args, new_kwargs)``.
        ``prepend=True`` runs it before the hooks already registered.

        Returns a handle whose ``remove()`` unregisters the hook.
        """
        return self._add_hook(self._forward_pre_hooks, hook, prepend, with_kwargs=with_kwargs)

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                              with_kwargs: bool = False,
                              always_call: bool = False) -> ag.RemovableHandle:
        """Call ``hook(module, args, output)`` after ``forward``; it may return a new output.

        ``with_kwargs=True``: ``hook(module, args, kwargs, output)``. ``always_call=True``:
        it also runs when a pre-hook or ``forward`` raises (with the output so far, None
        when there is none), and its own error is then only warned about. ``prepend=True``
        runs it first. Returns a handle whose ``remove()`` unregisters the hook.
        """
        return self._add_hook(self._forward_hooks, hook, prepend, with_kwargs=with_kwargs,
                              always_call=always_call)

    def register_full_backward_hook(self, hook: Callable[..., Any],
                                    prepend: bool = False) -> ag.RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` when the gradients of this
        module's inputs are computed, as PyTorch's: ``grad_input`` has one entry per
        positional argument (None for non-tensors and inputs without gradient),
        ``grad_output`` one per tensor output; it may return a new ``grad_input``. If no
        input requires grad it fires with the outputs' gradients and ``grad_input`` all
        None, with PyTorch's warning. Handy to watch gradients vanish or explode layer by
        layer (course §5)."""
        return self._add_hook(self._backward_hooks, hook, prepend)

    def register_full_backward_pre_hook(self, hook: Callable[..., Any],
                                        prepend: bool = False) -> ag.RemovableHandle:
        """Call ``hook(module, grad_output)`` when the gradients of this module's outputs
        are known, before they flow into it; it may return a new ``grad_output``."""
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    # ------------------------------------------------------------------ repr
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's line (its settings)."""
        return ""

    def _own_parameters_summary(self) -> str:
        own = [(n, p) for n, p in self._parameters.items() if p is not None]
        if not own:
            return ""
        shapes = ", ".join(f"{n} {tuple(p.shape)}" for n, p in own)
        count = sum(p.numel() for _, p in own)
        return f"  [{shapes}; {count:,} params]"

    def _repr_lines(self) -> list[str]:
        extra = self.extra_repr()
        children = [(n, m) for n, m in self._modules.items() if m is not None]
        if not children:
            return [f"{type(self).__name__}({extra})" + self._own_parameters_summary()]
        lines = [f"{type(self).__name__}(" + self._own_parameters_summary()]
        if extra:
            lines.append("  " + extra)
        for child_name, child in children:
            sub = child._repr_lines()
            lines.append(f"  ({child_name}): {sub[0]}")
            lines.extend("  " + s for s in sub[1:])
        total = self.num_parameters()
        lines.append(")" + (f"  [{total:,} params]" if total else ""))
        return lines

    def __repr__(self) -> str:
        return "\n".join(self._repr_lines())
