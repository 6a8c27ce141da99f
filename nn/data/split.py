"""Train / dev / test splits by ratios (seed inventory §7.1)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._common import Seed, as_array, check_lengths, like, make_rng

_FUNC = "train_dev_test_split"


def _check_ratios(ratios: Sequence[float]) -> np.ndarray:
    r = np.asarray(ratios, dtype=np.float64)
    if r.ndim != 1 or r.size < 2:
        raise ValueError(f"{_FUNC}: ratios must be a sequence of two or more fractions such as "
                         f"(0.6, 0.2, 0.2), got {ratios!r}")
    if not np.all(np.isfinite(r)) or np.any(r < 0):
        raise ValueError(f"{_FUNC}: ratios must be finite and non-negative, got "
                         f"{tuple(r.tolist())}")
    if abs(r.sum() - 1.0) > 1e-6:
        raise ValueError(f"{_FUNC}: ratios must sum to 1, got {tuple(r.tolist())} (sum "
                         f"{r.sum():g}); "
                         "e.g. (0.6, 0.2, 0.2), (0.98, 0.01, 0.01) or (0.7, 0.15, 0.15)")
    return r


def split_sizes(n: int, ratios: Sequence[float]) -> list[int]:
    """Part sizes for ``n`` examples: ``floor(r_i·n)``, the leftover examples going to the parts
    with the largest fractional remainders, so the sizes always add up to ``n``
    (10,000 at 70/15/15 gives 7,000/1,500/1,500)."""
    r = _check_ratios(ratios)
    exact = r * n
    sizes = np.floor(exact + 1e-9).astype(np.int64)
    leftover = n - int(sizes.sum())
    order = np.argsort(-(exact - sizes), kind="stable")
    sizes[order[:leftover]] += 1
    return sizes.tolist()


def _class_counts(class_sizes: np.ndarray, sizes: Sequence[int],
                  rng: np.random.Generator) -> np.ndarray:
    """``counts[c, i]``, the number of class-c examples in part i: ``n_c·s_i/N`` rounded down
    or up, with each class's row adding up to ``n_c`` and each part's column to ``s_i``.

    Such a rounding always exists: which cells to round up is a flow problem whose row
    and column totals are whole numbers, the fractional parts of ``n_c·s_i/N`` are a
    fractional solution of it, and a flow problem with whole capacities has a whole
    solution too. It is found by rounding everything down, then giving each class its
    missing round-ups one at a time along an augmenting path: a round-up into a full part
    moves another class's round-up on to a part with room. Classes and parts are visited
    in random order.
    """
    n = int(class_sizes.sum())
    share = np.outer(class_sizes, np.asarray(sizes, dtype=np.int64))
    counts, fractional = share // n, share % n != 0
    up = np.zeros(counts.shape, dtype=bool)
    room = np.asarray(sizes, dtype=np.int64) - counts.sum(axis=0)
    for c in rng.permutation(len(class_sizes)):
        for _ in range(int(class_sizes[c] - counts[c].sum())):
            _augment(int(c), fractional, up, room, rng)
    return counts + up


def _augment(c: int, fractional: np.ndarray, up: np.ndarray, room: np.ndarray,
             rng: np.random.Generator) -> None:
    """Round class ``c`` up in one more part, by a breadth-first search over the parts."""
    came_from: dict[int, tuple[int | None, int]] = {}  # part -> (previous part, class moved in)
    frontier = []
    for j in rng.permutation(up.shape[1]).tolist():
        if fractional[c, j] and not up[c, j]:
            came_from[j] = (None, c)
            frontier.append(j)
    while frontier:
        j = frontier.pop(0)
        if room[j] > 0:
            room[j] -= 1
            while j is not None:
                previous, k = came_from[j]
                up[k, j] = True
                if previous is not None:
                    up[k, previous] = False
                j = previous
            return
        for j2 in rng.permutation(up.shape[1]).tolist():
            movable = np.flatnonzero(up[:, j] & fractional[:, j2] & ~up[:, j2])
            if j2 not in came_from and movable.size:
                came_from[j2] = (j, int(movable[rng.integers(movable.size)]))
                frontier.append(j2)
    raise RuntimeError(f"{_FUNC}: found no stratified allocation, which always exists; "
                       "please report this as a bug")


def _stratified_parts(labels: np.ndarray, sizes: Sequence[int],
                      rng: np.random.Generator) -> list[np.ndarray]:
    """The parts' example indices, each class dealt out by ``_class_counts``'s counts."""
    codes = np.unique(labels, return_inverse=True)[1].reshape(-1)
    class_sizes = np.bincount(codes)
    counts = _class_counts(class_sizes, sizes, rng)
    by_class = np.lexsort((rng.random(codes.size), codes))  # grouped, shuffled within
    rank = np.arange(codes.size) - np.repeat(np.cumsum(class_sizes) - class_sizes, class_sizes)
    # the r-th member of its class goes to the first part whose running count exceeds r
    part = (rank[:, None] >= np.cumsum(counts, axis=1)[codes[by_class]]).sum(axis=1)
    return [rng.permutation(by_class[part == i]) for i in range(len(sizes))]


def train_dev_test_split(X: Any, y: Any = None, ratios: Sequence[float] = (0.6, 0.2, 0.2),
                         seed: Seed = None, stratify: bool = False,
                         shuffle: bool = True) -> tuple:
    """Split examples (axis 0) into train / dev / test parts by ``ratios``.

    The course's ratios (§7.1): 60/20/20 for small data (the default), 98/1/1 for a
    million examples, 70/15/15 (S2); any number of parts works, e.g. ``(0.7, 0.3)`` for
    train/test. Part sizes are ``floor(r_i·N)`` plus the leftover examples to the largest
    remainders (see ``split_sizes``), so they add up to N exactly.

    ``shuffle=True`` permutes the examples first (seeded by ``seed``: an int, a Generator, or
    None for autograd's global generator); ``shuffle=False`` cuts them in order.
    ``stratify=True`` (needs ``y`` of class labels) keeps each class's share equal in
    every part, to within one example per class: a part of s examples gets ``n_c·s/N``
    examples of a class with n_c of the N, rounded down or up, and the part sizes stay the
    ones above. Dev and test must come from the same distribution (§7.1): a stratified,
    shuffled split gives that.

    Returns ``(X_train, X_dev, X_test)`` without ``y``, else the pairs
    ``((X_train, y_train), (X_dev, y_dev), (X_test, y_test))`` — ready for
    ``DataLoader(*train)``. Arrays come back as arrays, Tensors as Tensors (without grad).
    """
    Xa = as_array(X, _FUNC, "X")
    arrays = {"X": Xa}
    if y is not None:
        arrays["y"] = as_array(y, _FUNC, "y")
    n = check_lengths(arrays, _FUNC)
    sizes = split_sizes(n, ratios)
    if not isinstance(shuffle, bool) or not isinstance(stratify, bool):
        raise TypeError(f"{_FUNC}: shuffle and stratify must be True or False")
    rng = make_rng(seed, _FUNC)
    if stratify:
        if y is None:
            raise ValueError(f"{_FUNC}: stratify=True needs the class labels y")
        labels = arrays["y"]
        if labels.ndim != 1:
            raise ValueError(f"{_FUNC}: stratify=True needs 1-D class labels, got y of shape "
                             f"{labels.shape}; pass integer labels, not one-hot rows")
        if not shuffle:
            raise ValueError(f"{_FUNC}: stratify=True shuffles within classes; "
                             "it cannot be combined with shuffle=False")
        parts = _stratified_parts(labels, sizes, rng)
    else:
        order = rng.permutation(n) if shuffle else np.arange(n)
        bounds = np.cumsum([0, *sizes])
        parts = [order[bounds[i]:bounds[i + 1]] for i in range(len(sizes))]
    if y is None:
        return tuple(like(X, Xa[p]) for p in parts)
    return tuple((like(X, Xa[p]), like(y, arrays["y"][p])) for p in parts)
