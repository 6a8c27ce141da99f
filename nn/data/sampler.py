"""Samplers: the order in which a ``DataLoader`` visits a dataset (PyTorch's
``torch.utils.data`` samplers). A sampler yields example indices; a ``BatchSampler``
groups them into lists, one list per batch.

``generator`` is where PyTorch takes a ``torch.Generator``; here it is an int seed (a
generator seeded once, so later epochs differ but replay the same from the same seed), a
``numpy.random.Generator``, or None for autograd's global generator (``ag.manual_seed``).
The random streams are NumPy's, so the indices drawn differ from PyTorch's for the same
seed; their distributions are the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized
from typing import Any

import numpy as np

from ._common import LazyRng, Seed


def _positive_int(value: Any, what: str, owner: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{owner}: {what} should be a positive integer value, but got "
                         f"{what}={value!r}")
    return int(value)


def _boolean(value: Any, what: str, owner: str, error: type[Exception]) -> bool:
    if not isinstance(value, bool):
        raise error(f"{owner}: {what} should be a boolean value, but got {what}={value!r}")
    return value


class Sampler:
    """Base class of samplers: ``iter(sampler)`` yields the indices (or keys) of the
    examples in the order to visit them; subclasses define ``__iter__`` and, when the
    count is known, ``__len__``."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """Indices ``0, 1, ..., len(data_source) - 1`` in order (the loader's default)."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Random indices into ``data_source`` (``shuffle=True``'s order).

    Without replacement: ``num_samples // n`` whole permutations of ``range(n)``, then the
    first ``num_samples % n`` of one more (so ``num_samples > n`` repeats every index
    evenly, as PyTorch does). With ``replacement=True``: ``num_samples`` independent
    uniform draws. ``num_samples`` defaults to ``n = len(data_source)``.
    """

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None, generator: Seed = None) -> None:
        self.data_source = data_source
        self.replacement = _boolean(replacement, "replacement", "RandomSampler", TypeError)
        self._num_samples = (None if num_samples is None else
                             _positive_int(num_samples, "num_samples", "RandomSampler"))
        self.generator = generator
        self._rng = LazyRng(generator, "RandomSampler")

    @property
    def num_samples(self) -> int:
        """How many indices one pass yields."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n, rng = len(self.data_source), self._rng.get()
        if self.replacement:
            yield from rng.integers(0, n, size=self.num_samples).tolist()
            return
        for _ in range(self.num_samples // n):
            yield from rng.permutation(n).tolist()
        yield from rng.permutation(n)[:self.num_samples % n].tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a new random order at every pass, without replacement."""

    def __init__(self, indices: Iterable[Any], generator: Seed = None) -> None:
        self.indices = indices
        self.generator = generator
        self._rng = LazyRng(generator, "SubsetRandomSampler")

    def __iter__(self) -> Iterator[Any]:
        for i in self._rng.get().permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices into ``range(len(weights))``, index i drawn with probability
    ``weights[i] / sum(weights)`` (the weights need not sum to 1), as
    ``torch.multinomial``: with ``replacement=False`` each index at most once, the
    probabilities renormalized over those left, so at most as many samples as nonzero
    weights."""

    def __init__(self, weights: Any, num_samples: int, replacement: bool = True,
                 generator: Seed = None) -> None:
        owner = "WeightedRandomSampler"
        self.num_samples = _positive_int(num_samples, "num_samples", owner)
        self.replacement = _boolean(replacement, "replacement", owner, ValueError)
        w = np.asarray(getattr(weights, "data", weights), dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"{owner}: weights should be a 1d sequence but given weights "
                             f"have shape {tuple(w.shape)}")
        if w.size == 0 or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise ValueError(f"{owner}: weights must be finite, non-negative and not all "
                             f"zero, got {w.tolist() if w.size <= 8 else w}")
        if not replacement and np.count_nonzero(w) < self.num_samples:
            raise ValueError(f"{owner}: cannot draw {self.num_samples} samples without "
                             f"replacement from {np.count_nonzero(w)} nonzero weights; "
                             "lower num_samples or set replacement=True")
        self.weights = w
        self.generator = generator
        self._rng = LazyRng(generator, owner)

    def __iter__(self) -> Iterator[int]:
        p = self.weights / self.weights.sum()
        draws = self._rng.get().choice(len(p), size=self.num_samples,
                                       replace=self.replacement, p=p)
        yield from draws.tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` (any iterable) into lists of ``batch_size``; the
    last, shorter list is yielded unless ``drop_last=True``.

    >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False))
    [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    """

    def __init__(self, sampler: Iterable[Any], batch_size: int, drop_last: bool) -> None:
        self.sampler = sampler
        self.batch_size = _positive_int(batch_size, "batch_size", "BatchSampler")
        self.drop_last = _boolean(drop_last, "drop_last", "BatchSampler", ValueError)

    def __iter__(self) -> Iterator[list[Any]]:
        batch: list[Any] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
