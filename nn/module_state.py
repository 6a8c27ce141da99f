"""State dicts of a ``Module``: saving, loading and their hooks.

``state_dict`` snapshots every parameter and persistent buffer under its dotted
name; ``load_state_dict`` checks every key and shape first, then copies the values
in place (so optimizers holding the Parameters keep working). Extra state and the
four state-dict hook kinds follow PyTorch's contracts. ``StateDictMixin`` is one
of ``Module``'s bases; it uses the registries and traversal ``Module`` defines.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

import autograd as ag

if TYPE_CHECKING:
    from .module import Module


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` did not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class StateDictMixin:
    """``state_dict``, ``load_state_dict``, extra state and the state-dict hooks of
    ``Module`` (the hook lists are created by ``Module.__init__``)."""

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
        if type(self).get_extra_state is not StateDictMixin.get_extra_state:
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
                if type(m).set_extra_state is not StateDictMixin.set_extra_state}

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
