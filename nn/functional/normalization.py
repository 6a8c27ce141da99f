"""Layer normalization and RMS normalization (PyTorch's ``F.layer_norm`` and ``F.rms_norm``),
composed from engine ops."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

import autograd as ag

from ._inputs import floating_input, same_dtype


def _normalized_shape(normalized_shape: Any, name: str) -> tuple[int, ...]:
    """``normalized_shape`` (an int or a sequence of ints) as a non-empty tuple of ints."""
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (normalized_shape,)
    try:
        shape = tuple(int(s) for s in normalized_shape)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: normalized_shape must be an int or a sequence of ints, got "
                        f"{normalized_shape!r}") from None
    if not shape:
        raise ValueError(f"{name}: normalized_shape must have at least one dimension, got ()")
    if any(s < 0 for s in shape):
        raise ValueError(f"{name}: normalized_shape must not have negative sizes, got {shape}")
    return shape


def _check_affine(t: ag.Tensor | None, role: str, shape: tuple, x: ag.Tensor, name: str) -> None:
    if t is None:
        return
    if tuple(t.shape) != shape:
        raise ag.ShapeError(f"{name}: {role} of shape {tuple(t.shape)} does not match "
                            f"normalized_shape {shape}")
    same_dtype(x, t, role, name)


def _trailing_axes(x: ag.Tensor, shape: tuple[int, ...], name: str) -> tuple[int, ...]:
    """The axes of ``x`` that ``normalized_shape`` covers: its last ``len(shape)``."""
    k = len(shape)
    if x.ndim < k or tuple(x.shape[x.ndim - k:]) != shape:
        star = ", ".join(["*", *map(str, shape)])
        raise ag.ShapeError(f"{name}: normalized_shape {shape} needs input of shape ({star}), "
                            f"got input of shape {tuple(x.shape)}")
    return tuple(range(x.ndim - k, x.ndim))


def _layer_norm(x: Any, normalized_shape: Any, weight: ag.Tensor | None, bias: ag.Tensor | None,
                eps: float, name: str) -> ag.Tensor:
    """``layer_norm`` whose errors are prefixed with ``name`` (the layer that called it)."""
    x = floating_input(x, name)
    shape = _normalized_shape(normalized_shape, name)
    axes = _trailing_axes(x, shape, name)
    _check_affine(weight, "weight", shape, x, name)
    _check_affine(bias, "bias", shape, x, name)
    mean = ag.mean(x, axis=axes, keepdims=True)
    var = ag.var(x, axis=axes, keepdims=True)  # biased: 1/n, as PyTorch's
    out = (x - mean) / ag.sqrt(var + float(eps))
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def layer_norm(input: ag.Tensor, normalized_shape: Any, weight: ag.Tensor | None = None,
               bias: ag.Tensor | None = None, eps: float = 1e-5) -> ag.Tensor:
    """Normalize over the last ``len(normalized_shape)`` dimensions, per example (Ba et al.,
    2016; PyTorch's ``F.layer_norm``):

        y = (x − E[x]) / sqrt(Var[x] + eps) · weight + bias

    with the mean and the *biased* (1/n) variance over those dimensions, ``eps`` inside the
    square root. Unlike batch norm the statistics are per example, so training and
    evaluation compute the same thing and a batch of 1 is fine.

    Shapes: input ``(*, *normalized_shape)`` → the same shape; ``weight`` and ``bias``
    (optional) of shape ``normalized_shape`` and of the input's dtype. The gradients wrt the
    input, weight and bias (and their own gradients) come from the engine ops it is
    written with: ``mean``, ``var``, ``sqrt``, ``/``, ``*``, ``+``.
    """
    return _layer_norm(input, normalized_shape, weight, bias, eps, "layer_norm")


def _rms_norm(x: Any, normalized_shape: Any, weight: ag.Tensor | None, eps: float | None,
              name: str) -> ag.Tensor:
    """``rms_norm`` whose errors are prefixed with ``name`` (the layer that called it)."""
    x = floating_input(x, name)
    shape = _normalized_shape(normalized_shape, name)
    axes = _trailing_axes(x, shape, name)
    _check_affine(weight, "weight", shape, x, name)
    if eps is None:
        eps = float(np.finfo(x.dtype if x.dtype.itemsize >= 4 else np.float32).eps)
    out = x * ag.rsqrt(ag.mean(x * x, axis=axes, keepdims=True) + float(eps))
    return out if weight is None else out * weight


def rms_norm(input: ag.Tensor, normalized_shape: Any, weight: ag.Tensor | None = None,
             eps: float | None = None) -> ag.Tensor:
    """Root mean square normalization over the last ``len(normalized_shape)`` dimensions
    (Zhang & Sennrich, 2019; PyTorch's ``F.rms_norm``):

        y = x / sqrt(mean(x²) + eps) · weight

    No mean is subtracted and there is no bias. ``eps=None`` is the machine epsilon of
    the computation's dtype (float32's for float32 and narrower, float64's for float64),
    as PyTorch's. Shapes: input ``(*, *normalized_shape)`` → the same shape; ``weight``
    (optional) of shape ``normalized_shape``. Gradients come from the engine ops.
    """
    return _rms_norm(input, normalized_shape, weight, eps, "rms_norm")
