"""Dataset base classes and combinators (PyTorch's ``torch.utils.data`` datasets):
map-style ``Dataset`` (``len`` and ``ds[i]``), ``IterableDataset`` (a stream), and
``ConcatDataset``, ``ChainDataset`` and ``StackDataset`` that join several."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator
from typing import Any


class Dataset:
    """Base class for map-style datasets: ``len(ds)`` examples, ``ds[i]`` the i-th.

    Any object with ``__len__`` and ``__getitem__`` works with ``DataLoader``; subclassing
    this is optional. ``__getitem__`` returns one example: an array (or number) or a tuple
    of them, e.g. ``(x_i, y_i)``. ``ds1 + ds2`` is ``ConcatDataset([ds1, ds2])``.
    """

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """Base class for datasets read as a stream: subclasses define ``__iter__`` yielding
    examples (``__len__`` optional). A ``DataLoader`` batches them in the order given, so
    ``shuffle`` and samplers do not apply. ``ds1 + ds2`` is ``ChainDataset([ds1, ds2])``."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __getitem__(self, index: int) -> Any:
        raise TypeError(f"{type(self).__name__} is an IterableDataset: iterate over it, it "
                        "has no indexing")

    def __add__(self, other: Dataset) -> ChainDataset:
        return ChainDataset([self, other])


class ConcatDataset(Dataset):
    """The examples of several map-style datasets one after another:
    ``len = sum(len(d))``, and index i falls in the dataset whose running total
    (``cumulative_sizes``) first exceeds it. Negative indices count from the end."""

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset; join streams "
                                "with ChainDataset")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        n = len(self)
        if idx < 0:
            if -idx > n:
                raise ValueError(f"ConcatDataset: absolute value of index should not exceed "
                                 f"dataset length {n}, got {idx}")
            idx += n
        if idx >= n:
            raise IndexError(f"ConcatDataset: index {idx} is out of range for {n} examples")
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """Several ``IterableDataset`` streams read one after another; ``len`` is the sum of
    theirs (each must have one)."""

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[Any]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise TypeError(f"ChainDataset only supports IterableDataset, got "
                                f"{type(d).__name__}")
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise TypeError(f"ChainDataset only supports IterableDataset, got "
                                f"{type(d).__name__}")
            total += len(d)
        return total


class StackDataset(Dataset):
    """Equally long datasets zipped: ``StackDataset(a, b)[i] == (a[i], b[i])``, or with
    keywords ``StackDataset(x=a, y=b)[i] == {"x": a[i], "y": b[i]}`` (one form or the
    other, not both)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            raise ValueError("StackDataset: give the datasets either positionally (tuple "
                             "examples) or as keywords (dict examples), not both")
        if not args and not kwargs:
            raise ValueError("StackDataset: at least one dataset should be passed")
        parts = list(args) if args else list(kwargs.values())
        lengths = [len(d) for d in parts]
        if any(n != lengths[0] for n in lengths):
            raise ValueError(f"StackDataset: size mismatch between datasets, lengths "
                             f"{lengths}")
        self._length = lengths[0]
        self.datasets: tuple[Any, ...] | dict[str, Any] = tuple(args) if args else dict(kwargs)

    def __getitem__(self, index: int) -> Any:
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self) -> int:
        return self._length
