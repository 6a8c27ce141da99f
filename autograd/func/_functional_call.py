"""``functional_call``: run a module with other tensors in place of its parameters and
buffers (PyTorch's ``torch.func.functional_call``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_MISSING = object()


def _owner(module: Any, path: str) -> tuple[Any, str]:
    *parents, name = path.split(".")
    owner = module
    for part in parents:
        owner = getattr(owner, part)
    return owner, name


def _swap(owner: Any, name: str, value: Any) -> Any:
    """Put ``value`` under ``name`` in whichever of the owner's registries holds it
    (``_parameters``/``_buffers``, bypassing the Parameter-only assignment check), or as
    a plain attribute; return what was there (``_MISSING`` if nothing)."""
    for registry in ("_parameters", "_buffers"):
        table = owner.__dict__.get(registry)
        if isinstance(table, dict) and name in table:
            old, table[name] = table[name], value
            return old
    old = owner.__dict__.get(name, _MISSING)
    object.__setattr__(owner, name, value)
    return old


def _restore(owner: Any, name: str, old: Any) -> None:
    for registry in ("_parameters", "_buffers"):
        table = owner.__dict__.get(registry)
        if isinstance(table, dict) and name in table:
            table[name] = old
            return
    if old is _MISSING:
        object.__delattr__(owner, name)
    else:
        object.__setattr__(owner, name, old)


def _merge(dicts: Any) -> dict[str, Any]:
    if isinstance(dicts, dict):
        return dict(dicts)
    merged: dict[str, Any] = {}
    for d in dicts:
        repeated = sorted(set(merged) & set(d))
        if repeated:
            raise ValueError(f"functional_call: {repeated} appeared in multiple dictionaries; "
                             "give each parameter or buffer in only one")
        merged.update(d)
    return merged


def _named_state(module: Any) -> dict[str, list[str]]:
    """For each parameter/buffer object, every name it has in ``module`` (tied weights
    have several)."""
    names: dict[int, list[str]] = {}
    for getter in ("named_parameters", "named_buffers"):
        for name, t in getattr(module, getter)(remove_duplicate=False):
            names.setdefault(id(t), []).append(name)
    return {n: group for group in names.values() for n in group}


@contextmanager
def _reparametrized(module: Any, tensors: dict[str, Any], tie_weights: bool,
                    strict: bool) -> Iterator[None]:
    aliases = _named_state(module)
    if strict:
        missing = sorted(set(aliases) - set(tensors))
        unexpected = sorted(set(tensors) - set(aliases))
        if missing or unexpected:
            raise RuntimeError(f"functional_call: error(s) in reparametrizing for "
                               f"{type(module).__name__}: unexpected key(s) {unexpected}, "
                               f"missing key(s) {missing}; pass strict=False to allow them")
    plan = dict(tensors)
    if tie_weights:
        for name, value in tensors.items():
            for alias in aliases.get(name, [name]):
                if alias in tensors and tensors[alias] is not value:
                    raise ValueError(f"functional_call: {name!r} and {alias!r} are tied in "
                                     "the module but were given different tensors; give one, "
                                     "the same for both, or pass tie_weights=False")
                plan.setdefault(alias, value)
    done: list[tuple[Any, str, Any]] = []
    try:
        for path, value in plan.items():
            owner, name = _owner(module, path)
            done.append((owner, name, _swap(owner, name, value)))
        yield
    finally:
        for owner, name, old in reversed(done):
            _restore(owner, name, old)


def functional_call(module: Any, parameter_and_buffer_dicts: Any, args: Any = None,
                    kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """``module(*args, **kwargs)`` with the tensors of ``parameter_and_buffer_dicts`` (a
    dict, or a tuple of dicts with disjoint keys, from dotted names such as
    ``'0.weight'`` to Tensors) used in place of the module's parameters and buffers;
    the originals are put back afterwards, also when the call raises.

    Duck typed, so ``autograd`` does not import ``nn``: the module needs
    ``named_parameters``/``named_buffers`` (with ``remove_duplicate``) and submodules
    reachable by attribute; a name held in an owner's ``_parameters``/``_buffers`` dict
    is swapped there (any Tensor is accepted, not only Parameters), any other name is
    set as a plain attribute for the call. ``args`` is a tuple, or one argument.
    ``tie_weights``: a tensor given for one name of a tied parameter also replaces the
    others (giving the tied names different tensors raises). ``strict``: every parameter
    and buffer must be given and no other name. With ``grad``, this gives gradients with
    respect to a dict of parameters:
    ``grad(lambda p: loss(functional_call(model, p, (x,))))(dict(model.named_parameters()))``.
    """
    call_args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _reparametrized(module, _merge(parameter_and_buffer_dicts), tie_weights, strict):
        return module(*call_args, **(kwargs or {}))
