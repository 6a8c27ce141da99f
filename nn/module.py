"""``Module``: the base class of every layer and model, with PyTorch's semantics.

Assigning a ``Parameter`` or a ``Module`` to an attribute registers it; tensors
that are state but not learnable (BatchNorm's running statistics) are registered
with ``register_buffer``. Everything else — iteration over parameters with
dotted names, train/eval mode, ``zero_grad``, state dicts, forward hooks,
dtype casts and the printed tree — follows from those three registries.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np

import autograd as ag

from .buffer import Buffer
from .hooks import HookedCall
from .parameter import Parameter


def _pre_hook_result(hook: Any, result: Any, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    if result is None:
        return args, kwargs
    if not (isinstance(result, tuple) and len(result) == 2):
        raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, "
                           f"new_kwargs), but got {result!r} from {hook!r}")
    new_args, new_kwargs = result
    return (new_args if isinstance(new_args, tuple) else (new_args,)), new_kwargs


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` did not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
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

    # ---------------------------------------------------------------- dtype
    def to(self, *args: Any, dtype: Any = None, device: Any = None) -> Module:
        """Cast every floating parameter and buffer (and gradient) to ``dtype`` in place.

        PyTorch's forms: ``to(np.float64)``, ``to(tensor)`` (its dtype), ``to('cpu')`` or
        ``to(device, dtype)``; a device other than the CPU is refused (``ag.device``).
        The Parameter objects stay the same (optimizers keep working); only their
        arrays change. ``double()`` before ``autograd.gradcheck``, which needs float64.
        """
        for arg in args:
            if isinstance(arg, ag.Tensor):
                dtype = arg.dtype
            elif isinstance(arg, str) or type(arg).__name__ == "device":
                device = arg
            else:
                dtype = arg
        if device is not None:
            ag.device(device)
        if dtype is None:
            return self
        dt = np.dtype(dtype)
        if dt.kind != "f":
            raise TypeError(f"Module.to: dtype must be floating point, got {dt}")
        for t in [*self.parameters(), *self.buffers()]:
            if t.dtype.kind == "f" and t.dtype != dt:
                t.data = t.data.astype(dt)
                ag.mark_modified(t)
                if t.grad is not None:
                    t.grad = ag.tensor(t.grad.data.astype(dt))
        return self

    def cpu(self) -> Module:
        """The module itself: its parameters always live on the CPU."""
        return self

    def cuda(self, device: Any = None) -> Module:
        """Refused: graphgrad computes on the CPU only."""
        ag.device("cuda")
        return self

    def double(self) -> Module:
        """Cast floating parameters and buffers to float64 (for gradient checks)."""
        return self.to(np.float64)

    def float(self) -> Module:
        """Cast floating parameters and buffers to float32."""
        return self.to(np.float32)

    def half(self) -> Module:
        """Cast floating parameters and buffers to float16."""
        return self.to(np.float16)

    def bfloat16(self) -> Module:
        """Refused: NumPy has no bfloat16 dtype, so there is nothing to cast to."""
        raise TypeError(f"{type(self).__name__}.bfloat16(): NumPy has no bfloat16 dtype; use "
                        "half() (float16), float() or double()")

    def type(self, dst_type: Any) -> Module:
        """Cast every parameter and buffer, floating or not, to ``dst_type`` (PyTorch's
        ``Module.type``; ``to`` casts only the floating ones). Parameters that require
        grad must stay floating. Returns self."""
        dt = np.dtype(dst_type)
        tensors = [*self.parameters(), *self.buffers()]
        if dt.kind not in "fc" and any(p.requires_grad for p in self.parameters()):
            raise RuntimeError(f"{type(self).__name__}.type({dt}): only Tensors of floating "
                               "point dtype can require gradients; freeze the parameters "
                               "first (requires_grad_(False))")
        for t in tensors:
            if t.dtype != dt:
                t.data = t.data.astype(dt)
                ag.mark_modified(t)
                if t.grad is not None:
                    t.grad = ag.tensor(t.grad.data.astype(dt))
        return self

    def to_empty(self, *, device: Any = "cpu", recurse: bool = True) -> Module:
        """Give every parameter and buffer fresh, uninitialized memory of the same shape
        and dtype (``np.empty_like``), as PyTorch's ``to_empty`` after building on the
        meta device; initialize them afterwards (``reset_parameters``,
        ``load_state_dict``). ``device`` must be the CPU. Returns self."""
        ag.device(device)
        for t in [*self.parameters(recurse), *self.buffers(recurse)]:
            t.data = np.empty_like(t.data)
            ag.mark_modified(t)
        return self

    def share_memory(self) -> Module:
        """Returns self: PyTorch moves the storages to shared memory for worker
        processes; graphgrad runs in one process, so there is nothing to move."""
        return self

    def compile(self, *args: Any, **kwargs: Any) -> None:
        """Does nothing: PyTorch compiles ``forward`` in place with ``torch.compile``;
        graphgrad has no compiler, and the module runs as written (the arguments are
        accepted and ignored)."""

    # ------------------------------------------------------------ state dict
    def state_dict(self, prefix: str = "", *, destination: dict | None = None,
                   keep_vars: bool = False) -> OrderedDict[str, Any]:
        """Every parameter and persistent buffer as a copied ``np.ndarray``, by dotted name.

        The arrays are copies, so the dict is a snapshot that later training does
        not change (e.g. the best weights kept by early stopping; PyTorch's share the
        parameters' memory). As in PyTorch, a submodule shared under two names is saved
        under both, and ``prefix`` is put before every key as it is (``prefix='encoder.'``
        gives ``'encoder.weight'``); ``keep_vars=True`` gives the Parameters and buffer
        Tensors themselves, and ``destination`` is a dict to fill and return. A module
        that overrides ``get_extra_state`` adds its result under ``<prefix>_extra_state``;
        the state-dict hooks run for each module of the tree.
        """
        out = OrderedDict() if destination is None else destination
        self._save_state(out, prefix, keep_vars)
        return out

    def _save_state(self, out: dict, prefix: str, keep_vars: bool) -> None:
        for hook in list(self._state_dict_pre_hooks):
            hook(self, prefix, keep_vars)
        for name, t in self._own_state().items():
            out[prefix + name] = t if keep_vars else t.data.copy()
        if type(self).get_extra_state is not Module.get_extra_state:
            out[prefix + "_extra_state"] = self.get_extra_state()
        for name, child in self._modules.items():
            if child is not None:
                child._save_state(out, f"{prefix}{name}.", keep_vars)
        for hook in list(self._state_dict_hooks):
            if hook(self, out, prefix, {"version": getattr(self, "_version", 1)}) is not None:
                raise RuntimeError("state_dict post-hook must return None")

    def _own_state(self) -> OrderedDict[str, ag.Tensor]:
        own = OrderedDict((n, p) for n, p in self._parameters.items() if p is not None)
        own.update((n, b) for n, b in self._buffers.items()
                   if b is not None and n not in self._non_persistent)
        return own

    def get_extra_state(self) -> Any:
        """State beyond parameters and buffers, saved by ``state_dict`` under
        ``_extra_state``: override it (with ``set_extra_state``) to keep, e.g., a
        config dict. The base method is never called."""
        raise RuntimeError(f"{type(self).__name__}.get_extra_state: override it (and "
                           "set_extra_state) to save extra state in the state_dict")

    def set_extra_state(self, state: Any) -> None:
        """Restore what ``get_extra_state`` returned (``load_state_dict`` calls it with the
        ``_extra_state`` entry). The base method is never called."""
        raise RuntimeError(f"{type(self).__name__}.set_extra_state: override it (and "
                           "get_extra_state) to load extra state from a state_dict")

    def _state_tensors(self) -> OrderedDict[str, ag.Tensor]:
        out: OrderedDict[str, ag.Tensor] = OrderedDict()
        for owner_name, owner in self.named_modules(remove_duplicate=False):
            dotted = f"{owner_name}." if owner_name else ""
            out.update((dotted + name, t) for name, t in owner._own_state().items())
        return out

    def _extra_state_owners(self) -> dict[str, Module]:
        """``'<prefix>_extra_state'`` for every module that overrides ``set_extra_state``."""
        return {(f"{name}." if name else "") + "_extra_state": m
                for name, m in self.named_modules(remove_duplicate=False)
                if type(m).set_extra_state is not Module.set_extra_state}

    def load_state_dict(self, state_dict: Any, strict: bool = True,
                        assign: bool = False) -> IncompatibleKeys:
        """Copy the values of ``state_dict`` into the parameters and buffers, in place.

        Every key and shape is checked before anything is copied, so a failed
        load leaves the module unchanged (except when load post-hooks are registered:
        then, as in PyTorch, the matching keys are loaded and the hooks run before
        ``strict`` judges the keys). With ``strict=True`` (default) missing
        and unexpected keys raise a ``KeyError`` that lists them; with
        ``strict=False`` they are returned. A shape mismatch always raises a
        ``ValueError``. Values may be arrays or Tensors; they are cast to the
        destination's dtype. ``assign=True`` (PyTorch's) instead makes each parameter
        and buffer hold the given array itself, with its dtype (the Parameter objects
        stay, so optimizers keep working). ``_extra_state`` entries go to the modules'
        ``set_extra_state``; the load hooks run as registered. Returns
        ``(missing_keys, unexpected_keys)``.
        """
        if not hasattr(state_dict, "keys") or not hasattr(state_dict, "__getitem__"):
            raise TypeError(
                f"load_state_dict expects a mapping of names to arrays (from state_dict() or "
                f"nn.load), got {type(state_dict).__name__}"
            )
        missing: list[str] = []
        unexpected: list[str] = []
        state_dict = self._run_load_pre_hooks(state_dict, strict, missing, unexpected)
        own = self._state_tensors()
        extras = self._extra_state_owners()
        missing += [k for k in own if k not in state_dict]
        missing += [k for k in extras if k not in state_dict and strict]
        unexpected += [k for k in state_dict if k not in own and k not in extras]
        post_hooked = [m for _, m in self.named_modules(remove_duplicate=False)
                       if m._load_state_dict_post_hooks]
        if strict and (missing or unexpected) and not post_hooked:
            raise self._key_error(state_dict, missing, unexpected)
        values = {}
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            arr = np.asarray(value.data if isinstance(value, ag.Tensor) else value)
            if arr.shape != target.shape:
                raise ValueError(
                    f"load_state_dict into {type(self).__name__}: size mismatch for {key!r}: "
                    f"the state dict has shape {arr.shape}, the module has {target.shape}"
                )
            values[key] = arr
        for key, arr in values.items():
            target = own[key]
            if assign:
                target.data = arr
            else:
                np.copyto(target.data, arr, casting="unsafe")
            ag.mark_modified(target)
        for key, owner in extras.items():
            if key in state_dict:
                owner.set_extra_state(state_dict[key])
        result = IncompatibleKeys(missing, unexpected)
        for owner in post_hooked:
            for hook in list(owner._load_state_dict_post_hooks):
                if hook(owner, result) is not None:
                    raise RuntimeError("load_state_dict post-hook must return None")
        if strict and (missing or unexpected):
            raise self._key_error(state_dict, missing, unexpected)
        return result

    def _run_load_pre_hooks(self, state_dict: Any, strict: bool, missing: list[str],
                            unexpected: list[str]) -> Any:
        """The load pre-hooks of every module, on a copy of ``state_dict`` (as PyTorch's)."""
        hooked = [(name, m) for name, m in self.named_modules(remove_duplicate=False)
                  if m._load_state_dict_pre_hooks]
        if not hooked:
            return state_dict
        state_dict, errors = OrderedDict(state_dict), []
        for name, m in hooked:
            for hook in list(m._load_state_dict_pre_hooks):
                hook(m, state_dict, f"{name}." if name else "", {}, strict, missing,
                     unexpected, errors)
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:"
                               "\n\t" + "\n\t".join(errors))
        return state_dict

    def _key_error(self, state_dict: Any, missing: list[str],
                   unexpected: list[str]) -> KeyError:
        parts = []
        if missing:
            parts.append(f"missing keys {missing}")
        if unexpected:
            parts.append(f"unexpected keys {unexpected}")
        return KeyError(
            f"load_state_dict into {type(self).__name__}: " + " and ".join(parts) + ". The "
            f"state dict was made by a different architecture (its keys: "
            f"{list(state_dict)[:8]}{'...' if len(state_dict) > 8 else ''}); pass "
            "strict=False to load the matching keys only."
        )

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

    def register_state_dict_pre_hook(self, hook: Callable[..., Any]) -> ag.RemovableHandle:
        """Call ``hook(module, prefix, keep_vars)`` when ``state_dict`` reaches this module,
        before its entries are saved (for every module of the tree, with its prefix)."""
        return self._add_hook(self._state_dict_pre_hooks, hook, False)

    def register_state_dict_post_hook(self, hook: Callable[..., Any]) -> ag.RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata)`` after this module's
        entries (and its submodules') are in ``state_dict``; it may edit the dict in place
        and must return None."""
        return self._add_hook(self._state_dict_hooks, hook, False)

    def register_load_state_dict_pre_hook(self,
                                          hook: Callable[..., Any]) -> ag.RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` before loading; ``state_dict`` is the loader's own
        copy, so the hook may rename or add keys in it. Strings appended to
        ``error_msgs`` make the load fail with them (RuntimeError)."""
        return self._add_hook(self._load_state_dict_pre_hooks, hook, False)

    def register_load_state_dict_post_hook(self,
                                           hook: Callable[..., Any]) -> ag.RemovableHandle:
        """Call ``hook(module, incompatible_keys)`` after loading, before ``strict``
        judges the keys: clearing ``incompatible_keys.missing_keys`` or
        ``.unexpected_keys`` in place lets a strict load pass. Must return None."""
        return self._add_hook(self._load_state_dict_post_hooks, hook, False)

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
