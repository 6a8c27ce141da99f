"""Gradient clipping, the course's unrolling of all parameters into one vector θ, and
folding a batch norm into the linear layer before it for inference."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np

import autograd as ag

Parameters = ag.Tensor | Iterable[ag.Tensor]


def _as_list(parameters: Parameters) -> list[ag.Tensor]:
    if isinstance(parameters, ag.Tensor):
        return [parameters]
    return list(parameters)


def _norm_order(norm_type: float | str, name: str) -> float:
    """``norm_type`` as a float, as PyTorch reads it (so ``'inf'`` is accepted)."""
    try:
        order = float(norm_type)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: norm_type must be a number or 'inf', got "
                        f"{norm_type!r}") from None
    if not order > 0:
        raise ValueError(f"{name}: norm_type must be positive (or inf), got {norm_type!r}")
    return order


def get_total_norm(tensors: Parameters, norm_type: float | str = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> ag.Tensor:
    """The ``norm_type``-norm of all ``tensors`` taken together, as if concatenated into one
    vector (``inf`` or ``'inf'``: the largest absolute value), as a 0-d Tensor of the first
    one's dtype (PyTorch's ``nn.utils.get_total_norm``; usually given the gradients). Sums
    run in float64. ``error_if_nonfinite`` raises on a nan or infinite norm; ``foreach``
    is accepted and changes nothing. No tensors: 0."""
    name = "get_total_norm"
    order = _norm_order(norm_type, name)
    arrays = [t.data if isinstance(t, ag.Tensor) else np.asarray(t) for t in _as_list(tensors)]
    if not arrays:
        return ag.tensor(0.0)
    if math.isinf(order):
        total = float(np.max([np.max(np.abs(a)) if a.size else 0.0 for a in arrays]))
    else:
        total = float(sum(float(np.sum(np.abs(a.astype(np.float64)) ** order))
                          for a in arrays) ** (1.0 / order))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"{name}: the total norm of order {order} of the gradients is {total}, so they "
            "can't be clipped; pass error_if_nonfinite=False to skip this check")
    return ag.tensor(total, dtype=arrays[0].dtype)


def clip_grads_with_norm_(parameters: Parameters, max_norm: float, total_norm: ag.Tensor | float,
                          foreach: bool | None = None) -> None:
    """Scale every gradient in place by ``max_norm / (total_norm + 1e-6)`` when that is below
    1 (PyTorch's ``nn.utils.clip_grads_with_norm_``: the second half of
    ``clip_grad_norm_``, given the norm, e.g. from ``get_total_norm``). A nan norm makes
    every gradient nan, an infinite one scales them by 0, as PyTorch's."""
    total = float(total_norm.item() if isinstance(total_norm, ag.Tensor) else total_norm)
    coef = max_norm / (total + 1e-6)
    if coef < 1.0 or math.isnan(coef):
        with ag.no_grad():
            for p in _as_list(parameters):
                if p.grad is not None:
                    p.grad.mul_(coef)


def clip_grad_norm_(parameters: Parameters, max_norm: float, norm_type: float | str = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> ag.Tensor:
    """Rescale the gradients in place so that their joint norm is at most ``max_norm``.
    (``foreach``, PyTorch's choice of loop, gives the same result and is ignored.)

    The total norm is the ``norm_type``-norm of all gradients taken together, as
    if concatenated into one vector (``inf`` or ``'inf'`` for the largest absolute
    value; ``get_total_norm``). When it exceeds ``max_norm`` every gradient is multiplied
    by ``max_norm / (total_norm + 1e-6)`` (PyTorch's rule; ``clip_grads_with_norm_``); as
    in PyTorch, a NaN total norm makes every gradient NaN and an infinite one scales them
    by 0. Returns the total norm before clipping, as a 0-d Tensor. Parameters without a
    gradient are skipped.
    """
    params = _as_list(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    _norm_order(norm_type, "clip_grad_norm_")
    if not grads:
        return ag.tensor(0.0)
    try:
        total = get_total_norm(grads, norm_type, error_if_nonfinite)
    except RuntimeError as error:
        raise RuntimeError(str(error).replace("get_total_norm", "clip_grad_norm_", 1)) from None
    clip_grads_with_norm_(params, max_norm, total)
    return total


def clip_grad_norm(parameters: Parameters, max_norm: float, norm_type: float | str = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> ag.Tensor:
    """Deprecated (as in PyTorch): ``clip_grad_norm_``, after a FutureWarning."""
    warnings.warn("`nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Parameters, clip_value: float,
                     foreach: bool | None = None) -> None:
    """Clamp every gradient element to ``[-clip_value, clip_value]`` in place (``foreach``,
    PyTorch's choice of loop, gives the same result and is ignored)."""
    if clip_value < 0:
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    with ag.no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)


def parameters_to_vector(parameters: Parameters) -> ag.Tensor:
    """**Course** (§8): unroll ``W[1], b[1], …, W[L], b[L]`` into one vector θ.

    The parameters are flattened (row-major) and concatenated in the order given
    (``model.parameters()`` order). The result stays in the graph: gradients
    flow back to the parameters.
    """
    params = _as_list(parameters)
    if not params:
        raise ValueError("parameters_to_vector: no parameters given")
    return ag.cat([p.reshape(-1) for p in params])


def grads_to_vector(parameters: Parameters) -> np.ndarray:
    """**Course** (§8): unroll the gradients ``dW[1], db[1], …`` into one vector dθ, in the
    same order as ``parameters_to_vector`` (zeros for a parameter without a gradient)."""
    params = _as_list(parameters)
    return np.concatenate([np.zeros(p.numel(), dtype=p.dtype) if p.grad is None
                           else p.grad.data.reshape(-1) for p in params])


def vector_to_parameters(vec: ag.Tensor | np.ndarray, parameters: Parameters) -> None:
    """**Course** (§8): the inverse of ``parameters_to_vector`` — copy consecutive slices of
    θ back into the parameters, in place (reshaped to each parameter's shape)."""
    data = np.asarray(vec.data if isinstance(vec, ag.Tensor) else vec)
    params = _as_list(parameters)
    if data.ndim != 1:
        raise ValueError(f"vector_to_parameters: expected a 1-D vector, got shape {data.shape}")
    needed = sum(p.numel() for p in params)
    if data.size != needed:
        raise ValueError(f"vector_to_parameters: the vector has {data.size} elements but the "
                         f"parameters hold {needed}")
    offset = 0
    with ag.no_grad():
        for p in params:
            n = p.numel()
            p.copy_(data[offset:offset + n].reshape(p.shape))
            offset += n
from ..grad_check import check_gradients  # noqa: E402, F401  (nn.utils.check_gradients)


def skip_init(module_cls: type, *args: Any, **kwargs: Any) -> Any:
    """``module_cls(*args, **kwargs)`` with its parameters and buffers left uninitialized
    (PyTorch's ``nn.utils.skip_init``): fill them yourself afterwards. PyTorch builds the
    module on the meta device so no initialization is computed; here the module is built
    as usual and then given fresh memory with ``Module.to_empty``, so the result is the
    same but the initialization cost is still paid. ``device=``, if given, must be the
    CPU and is not passed on."""
    from ..module import Module

    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    device = kwargs.pop("device", "cpu")
    return module_cls(*args, **kwargs).to_empty(device=device)


# PyTorch's submodule paths: nn.utils.rnn (packed sequences), .parametrize,
# .parametrizations, .stateless (functional_call), .fusion, .convert_parameters, .clip_grad
from . import (  # noqa: E402, F401
    clip_grad,
    convert_parameters,
    fusion,
    parametrizations,
    parametrize,
    rnn,
    stateless,
)
from .fusion import (  # noqa: E402, F401
    fuse_conv_bn_eval,
    fuse_conv_bn_weights,
    fuse_linear_bn_eval,
    fuse_linear_bn_weights,
)
from .weight_norm import remove_weight_norm, weight_norm  # noqa: E402, F401
