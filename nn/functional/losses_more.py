"""PyTorch's ``multilabel_margin_loss`` and ``triplet_margin_with_distance_loss``, composed
from engine ops, so their gradients come from the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd as ag

from ._inputs import floating_input
from .distance import pairwise_distance
from .loss import _check_reduction
from .margin_losses import triplet_inputs, triplet_loss
from .more_losses import _reduce_all


def multilabel_margin_loss(input: ag.Tensor, target: Any, reduction: str = "mean") -> ag.Tensor:
    """Multi-label hinge loss: for each example,
    ``L = (1/C) Σ_{j ∈ targets} Σ_{i ∉ targets} max(0, 1 − (x_j − x_i))``.

    ``input`` is ``(N, C)`` scores (or ``(C,)``); ``target`` of the same shape holds class
    indices, read up to the first −1 (PyTorch's format: ``[3, 0, −1, 1]`` means classes 3
    and 0). A repeated index counts twice, as in PyTorch. A term counts only where it is
    strictly positive (PyTorch's kernel), so one exactly on the margin has gradient 0.
    'none' gives ``(N,)`` (``()`` for 1-D input); the target gets no gradient.
    """
    name = "multilabel_margin_loss"
    _check_reduction(reduction, name)
    input = floating_input(input, name)
    y = np.asarray(target.data if isinstance(target, ag.Tensor) else target)
    if y.dtype.kind not in "iu":
        raise TypeError(f"{name}: target must be class indices (integers), got dtype "
                        f"{y.dtype}; convert with .astype(np.int64)")
    if input.ndim not in (1, 2) or y.shape != tuple(input.shape):
        raise ag.ShapeError(f"{name}: input must be (N, C) or (C,) and target of its shape, got "
                            f"input {tuple(input.shape)} and target {y.shape}")
    classes = input.shape[-1]
    scores = input.reshape(-1, classes)
    labels = y.reshape(-1, classes).astype(np.int64)
    listed = np.cumprod(labels != -1, axis=1).astype(bool)  # the prefix before the first −1
    if ((labels[listed] < 0) | (labels[listed] >= classes)).any():
        raise IndexError(f"{name}: target indices must be in [0, {classes}) (−1 ends the "
                         f"list), got {labels[listed].tolist()}")
    picks = np.where(listed, labels, 0)
    rows = np.arange(labels.shape[0])[:, None]
    is_target = np.zeros(labels.shape, dtype=bool)
    is_target[np.broadcast_to(rows, labels.shape)[listed], labels[listed]] = True
    chosen = scores[rows, picks]
    z = 1.0 - chosen.reshape(*chosen.shape, 1) + scores.reshape(scores.shape[0], 1, classes)
    counted = listed[:, :, None] & ~is_target[:, None, :] & (z.data > 0)
    loss = ag.where(counted, z, 0.0).sum(axis=(1, 2)) / classes
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce_all(loss, reduction)


def triplet_margin_with_distance_loss(anchor: ag.Tensor, positive: ag.Tensor,
                                      negative: ag.Tensor, *,
                                      distance_function: Callable[..., ag.Tensor] | None = None,
                                      margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> ag.Tensor:
    """``max(0, margin + d(a, p) − d(a, n))`` for any distance ``d`` (a callable of two
    Tensors giving one distance per triplet; default ``pairwise_distance``, the Euclidean).

    With ``swap`` the negative distance is ``min(d(a, n), d(p, n))``. The three inputs have
    the same number of dims; 'none' gives whatever shape ``d`` gives. The gradient flows
    through ``d`` (which must be built from engine ops), as in PyTorch.
    """
    name = "triplet_margin_with_distance_loss"
    a, pos, neg = triplet_inputs(name, anchor, positive, negative, margin, reduction)
    distance = pairwise_distance if distance_function is None else distance_function
    return triplet_loss(a, pos, neg, distance, margin, swap, reduction)
