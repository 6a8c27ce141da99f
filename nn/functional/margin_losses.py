"""PyTorch's margin and embedding losses: ``margin_ranking_loss``, ``hinge_embedding_loss``,
``soft_margin_loss``, ``multilabel_soft_margin_loss``, ``multi_margin_loss``,
``cosine_embedding_loss`` and ``triplet_margin_loss``, composed from engine ops, so their
gradients (and, where they exist, second derivatives) come from the engine.

Where PyTorch clamps with ``clamp_min(·, 0)`` (every loss here but ``multi_margin_loss``)
the hinge is ``ag.clip(·, min=0)``, which like PyTorch's passes the gradient at the
kink itself: a term exactly on its margin is 0 but has gradient ±1. ``multi_margin_loss``
counts a term only where it is strictly positive, as PyTorch's kernel does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag

from ._inputs import floating_input
from .distance import pairwise_distance
from .loss import _check_reduction, _tensor
from .more_losses import _broadcast_target, _reduce_all


def _labels(target: Any, name: str) -> np.ndarray:
    """±1 labels as an array (these losses compare them, so they get no gradient)."""
    t = np.asarray(target.data if isinstance(target, ag.Tensor) else target)
    if t.dtype.kind not in "fiu":
        raise TypeError(f"{name}: target must hold the labels 1 and -1 as numbers, got dtype "
                        f"{t.dtype} (for a mask use np.where(mask, 1, -1))")
    return t


def _shape_of(name: str, **shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The broadcast shape of the named shapes, or an error naming each."""
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        told = ", ".join(f"{k} {tuple(s)}" for k, s in shapes.items())
        raise ag.ShapeError(f"{name}: shapes {told} cannot be broadcast together") from None


def margin_ranking_loss(input1: ag.Tensor, input2: ag.Tensor, target: Any,
                        margin: float = 0.0, reduction: str = "mean") -> ag.Tensor:
    """``max(0, −target·(input1 − input2) + margin)``: with ``target`` 1, input1 should rank
    above input2 by at least ``margin`` (and below it with −1).

    The three have the same number of dims and broadcast (``(N,)`` each, or ``()``);
    'none' gives the broadcast shape. ``target`` gets a gradient when it requires one,
    as in PyTorch.
    """
    name = "margin_ranking_loss"
    _check_reduction(reduction, name)
    x1, x2 = floating_input(input1, name), floating_input(input2, name)
    target = _tensor(target)
    if not x1.ndim == x2.ndim == target.ndim:
        raise ag.ShapeError(f"{name}: input1, input2 and target must have the same number of "
                            f"dims, got shapes {tuple(x1.shape)}, {tuple(x2.shape)} and "
                            f"{tuple(target.shape)}")
    _shape_of(name, input1=x1.shape, input2=x2.shape, target=target.shape)
    diff = x1 - x2
    target = _broadcast_target(target, diff, name, labels=True)
    return _reduce_all(ag.clip(-target * diff + margin, min=0.0), reduction)


def hinge_embedding_loss(input: ag.Tensor, target: Any, margin: float = 1.0,
                         reduction: str = "mean") -> ag.Tensor:
    """``input`` where ``target`` is 1 and ``max(0, margin − input)`` where it is −1: for
    ``input`` a distance (e.g. L1) between two embeddings, similar pairs (1) are pulled
    together and dissimilar ones (−1) pushed at least ``margin`` apart.

    PyTorch's definition adds the first term wherever ``target != −1`` and the second
    wherever ``target != 1``, so any other label gets both; so does this. Input and target
    broadcast (any shapes); the target gets no gradient.
    """
    name = "hinge_embedding_loss"
    _check_reduction(reduction, name)
    input = floating_input(input, name)
    t = _labels(target, name)
    _shape_of(name, input=input.shape, target=t.shape)
    push = ag.where(t != 1, ag.clip(margin - input, min=0.0), 0.0)
    return _reduce_all(push + ag.where(t != -1, input, 0.0), reduction)


def soft_margin_loss(input: ag.Tensor, target: Any, reduction: str = "mean") -> ag.Tensor:
    """The two-class logistic loss ``log(1 + exp(−target·input))`` for labels ±1, computed
    as ``softplus(−target·input)``, finite for inputs of any size (PyTorch's evaluates
    the formula as written, so it is inf, with a nan gradient, once ``exp`` overflows:
    ``−target·input`` above ~88 in float32, ~709 in float64).

    The target broadcasts to the input's shape (not the other way, as in PyTorch); 'mean'
    averages over every element.
    """
    name = "soft_margin_loss"
    _check_reduction(reduction, name)
    input = floating_input(input, name)
    target = _broadcast_target(target, input, name, into_input=True, labels=True)
    return _reduce_all(ag.softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input: ag.Tensor, target: Any, weight: Any = None,
                                reduction: str = "mean") -> ag.Tensor:
    """One-vs-all logistic loss over C classes, averaged over the classes:
    ``L_n = (1/C) Σ_c w_c·[y_nc·softplus(−x_nc) + (1 − y_nc)·softplus(x_nc)]``, which is
    ``−(1/C) Σ_c w_c·[y log σ(x) + (1 − y) log(1 − σ(x))]`` for targets in {0, 1}.

    ``input`` is ``(N, C)`` (or ``(C,)``, or ``(*, C)``: the classes are the last dim);
    ``target`` (0/1 labels, or probabilities) and ``weight`` (e.g. ``(C,)``) broadcast to
    the input's shape. 'none' gives one loss per example, the input's shape without its
    last dim; 'mean' averages those. Target and weight get gradients when they require
    them, as in PyTorch. (PyTorch also lets a target enlarge the input's shape, then sums
    over the wrong dim; that is refused here.)
    """
    name = "multilabel_soft_margin_loss"
    _check_reduction(reduction, name)
    input = floating_input(input, name)
    if input.ndim == 0:
        raise ag.ShapeError(f"{name}: input must have a class dim, (N, C) or (C,), got a 0-d "
                            "tensor")
    target = _broadcast_target(target, input, name, into_input=True)
    loss = target * ag.softplus(-input) + (1.0 - target) * ag.softplus(input)
    if weight is not None:
        loss = loss * _broadcast_target(weight, input, name, role="weight", into_input=True)
    classes = input.shape[-1]
    per_example = loss.sum(axis=-1) / classes if classes else loss.sum(axis=-1) * math.nan
    return _reduce_all(per_example, reduction)


def multi_margin_loss(input: ag.Tensor, target: Any, p: int = 1, margin: float = 1.0,
                      weight: Any = None, reduction: str = "mean") -> ag.Tensor:
    """Multi-class hinge loss: for each example with class ``y``,
    ``L = (1/C) Σ_{c ≠ y} w_y · max(0, margin − x_y + x_c)^p``, ``p`` 1 or 2.

    ``input`` is ``(N, C)`` scores (or ``(C,)``, one example) and ``target`` ``(N,)``
    class indices (integers; ``()`` or ``(1,)`` for one example); ``weight`` ``(C,)`` is a
    constant per-class weight (it gets no gradient, as PyTorch's). A term counts only
    where ``margin − x_y + x_c > 0``, so one exactly on the margin adds 0 with gradient 0.
    'none' gives ``(N,)`` (``()`` for a 0-d target); 'mean' divides by N (an empty batch
    gives nan, where PyTorch returns an unset value).
    """
    name = "multi_margin_loss"
    _check_reduction(reduction, name)
    if p not in (1, 2):
        raise ValueError(f"{name}: p must be 1 or 2, got {p}")
    input = floating_input(input, name)
    if input.ndim > 2 or (input.ndim and input.shape[-1] == 0):
        raise ag.ShapeError(f"{name}: input must be scores (N, C) or (C,) with C > 0, got "
                            f"shape {tuple(input.shape)}")
    rows = input.shape[0] if input.ndim == 2 else 1
    classes = input.shape[-1] if input.ndim else 1
    y = np.asarray(target.data if isinstance(target, ag.Tensor) else target)
    if y.dtype.kind not in "iu":
        raise TypeError(f"{name}: target must be class indices (integers), got dtype "
                        f"{y.dtype}; convert with .astype(np.int64)")
    if y.ndim > 1 or y.size != rows:
        raise ag.ShapeError(f"{name}: target must be 1-D with one class index per example, "
                            f"({rows},), for input of shape {tuple(input.shape)}; got shape "
                            f"{y.shape}")
    labels = y.reshape(-1)
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = int(np.flatnonzero((labels < 0) | (labels >= classes))[0])
        raise IndexError(f"{name}: target contains class {int(labels[bad])} at position {bad}, "
                         f"outside [0, {classes}) for input with {classes} classes")
    w = None
    if weight is not None:
        w = np.asarray(weight.data if isinstance(weight, ag.Tensor) else weight, input.dtype)
        if w.shape != (classes,):
            raise ag.ShapeError(f"{name}: weight must be 1-D with one entry per class, "
                                f"({classes},), got shape {w.shape}")
    scores = input.reshape(rows, classes)
    picked = scores[np.arange(rows), labels].reshape(rows, 1)
    z = (margin - picked) + scores
    counted = (z.data > 0) & (np.arange(classes) != labels[:, None])
    terms = ag.where(counted, z if p == 1 else z * z, 0.0)
    if w is not None:
        terms = terms * w[labels][:, None]
    loss = terms.sum(axis=1) / classes
    if reduction == "none" and y.ndim == 0:
        loss = loss.reshape(())
    return _reduce_all(loss, reduction)


def cosine_embedding_loss(input1: ag.Tensor, input2: ag.Tensor, target: Any,
                          margin: float = 0.0, reduction: str = "mean") -> ag.Tensor:
    """``1 − cos(x1, x2)`` where ``target`` is 1 and ``max(0, cos(x1, x2) − margin)`` where it
    is −1 (0 for any other label): similar pairs are pulled to cosine 1, dissimilar ones
    pushed below ``margin``.

    PyTorch's cosine here is not ``F.cosine_similarity``'s: it is
    ``Σ x1·x2 / sqrt((Σ x1² + 1e-12)·(Σ x2² + 1e-12))``, the 1e-12 added to each squared
    norm, so a zero vector has cosine 0 (with a large but finite gradient). Inputs are
    ``(N, D)`` with target ``(N,)``, or ``(D,)`` with a 0-d target; the inputs broadcast
    against each other and the target against the rows. The target gets no gradient.
    """
    name = "cosine_embedding_loss"
    _check_reduction(reduction, name)
    x1, x2 = floating_input(input1, name), floating_input(input2, name)
    t = _labels(target, name)
    if t.ndim > 1:
        raise ag.ShapeError(f"{name}: target must be 0-d or 1-D (one label per pair), got "
                            f"shape {t.shape}")
    if not x1.ndim == x2.ndim == t.ndim + 1:
        want = ("2-D inputs (N, D) for a 1-D target" if t.ndim
                else "1-D inputs (D,) for a 0-d target")
        raise ag.ShapeError(f"{name}: expected {want}, got shapes {tuple(x1.shape)} and "
                            f"{tuple(x2.shape)} with target {t.shape}")
    pairs = _shape_of(name, input1=x1.shape, input2=x2.shape)[:-1]
    _shape_of(name, pairs=pairs, target=t.shape)
    dot = ag.sum(x1 * x2, axis=-1)
    size1 = ag.sum(x1 * x1, axis=-1) + 1e-12
    size2 = ag.sum(x2 * x2, axis=-1) + 1e-12
    cos = dot / ag.sqrt(size1 * size2)
    pull = ag.where(t == 1, 1.0 - cos, 0.0)
    return _reduce_all(pull + ag.where(t == -1, ag.clip(cos - margin, min=0.0), 0.0), reduction)


def triplet_margin_loss(anchor: ag.Tensor, positive: ag.Tensor, negative: ag.Tensor,
                        margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                        swap: bool = False, reduction: str = "mean") -> ag.Tensor:
    """``max(0, margin + d(a, p) − d(a, n))`` with ``d`` = ``pairwise_distance(·, ·, p, eps)``
    (``‖x1 − x2 + eps‖_p`` over the last dim): the anchor should be nearer its positive
    than its negative by at least ``margin`` (> 0).

    With ``swap`` the negative distance is ``min(d(a, n), d(p, n))`` (Balntas et al.,
    2016), a tie sharing the gradient equally, as PyTorch's ``min``. The three have the same
    number of dims and broadcast: ``(N, D)`` each → ``(N,)`` for 'none', ``(D,)`` → ``()``.
    """
    name = "triplet_margin_loss"
    a, pos, neg = triplet_inputs(name, anchor, positive, negative, margin, reduction)
    _shape_of(name, anchor=a.shape, positive=pos.shape, negative=neg.shape)
    return triplet_loss(a, pos, neg, lambda x1, x2: pairwise_distance(x1, x2, p, eps), margin,
                        swap, reduction)


def triplet_inputs(name: str, anchor: Any, positive: Any, negative: Any, margin: float,
                   reduction: str) -> tuple[ag.Tensor, ag.Tensor, ag.Tensor]:
    """The triplet losses' checks: the reduction, margin > 0, floating inputs with the same
    number of dims."""
    _check_reduction(reduction, name)
    if not margin > 0:
        raise ValueError(f"{name}: margin must be > 0, got {margin}")
    a, pos, neg = (floating_input(x, name) for x in (anchor, positive, negative))
    if not a.ndim == pos.ndim == neg.ndim:
        raise ag.ShapeError(f"{name}: anchor, positive and negative must have the same number "
                            f"of dims, got shapes {tuple(a.shape)}, {tuple(pos.shape)} and "
                            f"{tuple(neg.shape)}")
    return a, pos, neg


def triplet_loss(a: ag.Tensor, pos: ag.Tensor, neg: ag.Tensor, distance: Any, margin: float,
                 swap: bool, reduction: str) -> ag.Tensor:
    """``max(0, margin + d(a, p) − d(a, n))``, with ``min(d(a, n), d(p, n))`` for d(a, n)
    under ``swap``, reduced."""
    d_pos = distance(a, pos)
    d_neg = distance(a, neg)
    if swap:
        d_neg = ag.minimum(d_neg, distance(pos, neg))
    return _reduce_all(ag.clip(margin + d_pos - d_neg, min=0.0), reduction)
