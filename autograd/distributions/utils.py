"""Shared helpers of the distributions: parameter broadcasting and probs/logits conversion."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .. import ops
from ..creation import get_rng, tensor
from ..tensor import Tensor


def broadcast_all(*values: Any) -> tuple[Tensor, ...]:
    """The values as tensors broadcast to one shape; numbers become tensors of the dtype of
    the tensor arguments (the default dtype when there are none), as PyTorch's."""
    if not all(isinstance(v, (Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number or Tensor")
    tensors = [v for v in values if isinstance(v, Tensor)]
    dtype = tensors[0].dtype if tensors else None
    as_tensors = [v if isinstance(v, Tensor) else tensor(float(v), dtype=dtype)
                  for v in values]
    return tuple(ops.broadcast_tensors(*as_tensors))


def sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """``value`` summed over its ``dim`` rightmost dims."""
    if dim == 0:
        return value
    return value.reshape(value.shape[:value.ndim - dim] + (-1,)).sum(-1)


def softplus(x: Tensor) -> Tensor:
    """``log(1 + eˣ)`` without overflow, at full precision for any x. ``max(x, 0)`` is
    written ``(x + |x|)/2`` so the gradient at x = 0 is the true ½ (``clamp`` would pass 1)."""
    return (x + x.abs()) * 0.5 + (-x.abs()).exp().log1p()


def clamp_probs(probs: Tensor) -> Tensor:
    """Probabilities clamped into ``[eps, 1 - eps]`` for their dtype."""
    eps = float(np.finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """``log p`` (categorical) or ``log(p/(1 - p))`` (binary), probs clamped first."""
    p = clamp_probs(probs)
    return p.log() - (-p).log1p() if is_binary else p.log()


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """``sigmoid(logits)`` (binary) or ``softmax(logits, -1)`` (categorical)."""
    return ops.sigmoid(logits) if is_binary else ops.softmax(logits, -1)


class lazy_property:  # noqa: N801 - named as PyTorch's decorator
    """A property computed on first read and then stored on the instance."""

    def __init__(self, fn: Any):
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        value = self.fn(instance)
        setattr(instance, self.fn.__name__, value)
        return value


def draw(kind: str, shape: tuple, like: Tensor, generator: Any = None) -> Tensor:
    """A constant tensor of ``shape`` in ``like``'s dtype of standard draws of ``kind``
    (``normal``, ``uniform`` on [0, 1), ``exponential``) from ``generator`` (a
    ``numpy.random.Generator``, an int seed, or None for the global generator)."""
    rng = get_rng(generator)
    values = {"normal": rng.standard_normal, "uniform": rng.random,
              "exponential": rng.standard_exponential}[kind](shape)
    return Tensor._wrap(np.asarray(values, dtype=like.dtype))
