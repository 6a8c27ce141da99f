"""Gradient clipping and the course's unrolling of all parameters into one vector θ."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

import autograd as ag

Parameters = ag.Tensor | Iterable[ag.Tensor]


def _as_list(parameters: Parameters) -> list[ag.Tensor]:
    if isinstance(parameters, ag.Tensor):
        return [parameters]
    return list(parameters)


def _norm_order(norm_type: float | str) -> float:
    """``norm_type`` as a float, as PyTorch reads it (so ``'inf'`` is accepted)."""
    try:
        order = float(norm_type)
    except (TypeError, ValueError):
        raise TypeError(f"clip_grad_norm_: norm_type must be a number or 'inf', got "
                        f"{norm_type!r}") from None
    if not order > 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be positive (or inf), got "
                         f"{norm_type!r}")
    return order


def clip_grad_norm_(parameters: Parameters, max_norm: float, norm_type: float | str = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> ag.Tensor:
    """Rescale the gradients in place so that their joint norm is at most ``max_norm``.
    (``foreach``, PyTorch's choice of loop, gives the same result and is ignored.)

    The total norm is the ``norm_type``-norm of all gradients taken together, as
    if concatenated into one vector (``inf`` or ``'inf'`` for the largest absolute
    value). When it exceeds ``max_norm`` every gradient is multiplied by
    ``max_norm / (total_norm + 1e-6)`` (PyTorch's rule); as in PyTorch, a NaN total
    norm makes every gradient NaN and an infinite one scales them by 0. Returns the
    total norm before clipping, as a 0-d Tensor. Parameters without a gradient are
    skipped.
    """
    order = _norm_order(norm_type)
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return ag.tensor(0.0)
    if math.isinf(order):
        total = float(np.max([np.max(np.abs(g.data)) if g.data.size else 0.0 for g in grads]))
    else:
        total = float(sum(float(np.sum(np.abs(g.data.astype(np.float64)) ** order))
                          for g in grads) ** (1.0 / order))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {order} of the gradients is "
            f"{total}, so they can't be clipped; pass error_if_nonfinite=False to skip this check"
        )
    coef = max_norm / (total + 1e-6)
    if coef < 1.0 or math.isnan(coef):
        with ag.no_grad():
            for g in grads:
                g.mul_(coef)
    return ag.tensor(total, dtype=grads[0].dtype)


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
from .grad_check import check_gradients  # noqa: E402, F401  (nn.utils.check_gradients)
