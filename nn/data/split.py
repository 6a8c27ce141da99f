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


def _stratified_order(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    # Spread each class evenly over [0, 1): the k-th of a class's n_c (shuffled) examples sits at
    # (k + u_c) / n_c. Sorting by that position interleaves the classes, so any prefix of the
    # order -- and so each contiguous part cut from it -- holds every class in proportion (±1).
    position = np.empty(labels.shape[0])
    for cls in np.unique(labels):
        idx = np.flatnonzero(labels == cls)
        idx = idx[rng.permutation(idx.size)]
        position[idx] = (np.arange(idx.size) + rng.random()) / idx.size
    return np.lexsort((rng.random(labels.shape[0]), position))


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
    every part: each class is spread evenly over the order the parts are cut from, so a
    part of s examples holds close to ``n_c·s/N`` of a class with n_c of the N examples
    (within two; in 3,000 random splits of up to 12 classes the largest miss was 1.34).
    Dev and test must come from the same distribution (§7.1): a stratified, shuffled
    split gives that.

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
        order = _stratified_order(labels, rng)
    elif shuffle:
        order = rng.permutation(n)
    else:
        order = np.arange(n)
    bounds = np.cumsum([0, *sizes])
    parts = [order[bounds[i]:bounds[i + 1]] for i in range(len(sizes))]
    if stratify:
        parts = [p[rng.permutation(p.size)] for p in parts]
    if y is None:
        return tuple(like(X, Xa[p]) for p in parts)
    return tuple((like(X, Xa[p]), like(y, arrays["y"][p])) for p in parts)


def random_split(dataset: Any, lengths: Sequence[float], generator: Seed = None) -> list:
    """PyTorch's ``random_split``: ``dataset`` cut at random into ``Subset``s of ``lengths``.

    ``lengths`` are counts summing to ``len(dataset)``, or fractions summing to 1: each
    gets ``floor(fraction · n)`` and the examples left over go one each to the first
    subsets, round-robin (PyTorch's rule). ``generator`` is a seed or a numpy Generator
    (autograd's global one, ``ag.manual_seed``, when None). For the course's
    train/dev/test split of arrays see ``train_dev_test_split``.
    """
    from .loader import Subset

    n = len(dataset)
    lengths = list(lengths)
    if not lengths or any(isinstance(x, bool) or not isinstance(x, int | float | np.number)
                          or x < 0 for x in lengths):
        raise ValueError(f"random_split: lengths must be non-negative counts or fractions, "
                         f"got {lengths!r}")
    if all(isinstance(x, int | np.integer) for x in lengths):
        sizes = [int(x) for x in lengths]
    else:
        if not np.isclose(sum(lengths), 1.0) or any(x > 1 for x in lengths):
            raise ValueError(f"random_split: fractions must lie in [0, 1] and sum to 1, got "
                             f"{lengths!r} (sum {sum(lengths):g})")
        sizes = [int(np.floor(n * f)) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    if sum(sizes) != n:
        raise ValueError(f"random_split: the lengths {sizes} sum to {sum(sizes)}, but the "
                         f"dataset has {n} examples")
    order = make_rng(generator, "random_split").permutation(n)
    ends = np.cumsum(sizes)
    return [Subset(dataset, order[end - size:end]) for size, end in zip(sizes, ends)]
