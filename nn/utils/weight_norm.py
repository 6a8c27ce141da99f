"""The old-style weight normalization hook (PyTorch's ``nn.utils.weight_norm`` /
``remove_weight_norm``): parameters ``<name>_g`` and ``<name>_v`` and a forward pre-hook that
recomputes ``<name> = g · v / ‖v‖`` before every call. ``parametrizations.weight_norm`` is
PyTorch's newer form of the same thing."""

from __future__ import annotations

import warnings
from typing import Any

import autograd as ag

from ..module import Module
from ..parameter import Parameter
from .parametrizations import norm_except_dim


class WeightNorm:
    """The pre-hook: recomputes ``module.<name>`` from ``<name>_g`` and ``<name>_v``."""

    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim

    def compute_weight(self, module: Module) -> ag.Tensor:
        g, v = getattr(module, self.name + "_g"), getattr(module, self.name + "_v")
        return v * (g / norm_except_dim(v, self.dim))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Split ``module.<name>`` into ``<name>_g`` (its norm over every dimension but ``dim``;
    ``None``: the whole norm, 0-d) and ``<name>_v`` (the weight itself), and recompute the
    weight ``g · v / ‖v‖`` before every forward call. Returns ``module``. Warns, as PyTorch
    does, that ``parametrizations.weight_norm`` supersedes it."""
    warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                  "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning,
                  stacklevel=2)
    for hook in module._forward_pre_hooks:
        if isinstance(hook, WeightNorm) and hook.name == name:
            raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter "
                               f"{name}")
    weight = module._parameters.get(name)
    if weight is None:
        raise ValueError(f"weight_norm: {type(module).__name__} has no parameter {name!r}")
    hook = WeightNorm(name, -1 if dim is None else dim)
    delattr(module, name)
    module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, hook.dim).data))
    module.register_parameter(name + "_v", Parameter(weight.data))
    setattr(module, name, hook.compute_weight(module))
    module.register_forward_pre_hook(hook)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    """Undo ``weight_norm``: ``<name>`` becomes one Parameter again holding ``g · v / ‖v‖``."""
    for hook in module._forward_pre_hooks:
        if isinstance(hook, WeightNorm) and hook.name == name:
            with ag.no_grad():
                weight = hook.compute_weight(module)
            module._forward_pre_hooks.remove(hook)
            delattr(module, name)
            del module._parameters[name + "_g"]
            del module._parameters[name + "_v"]
            module.register_parameter(name, Parameter(weight.data))
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {type(module).__name__}")


__all__ = ["weight_norm", "remove_weight_norm"]
