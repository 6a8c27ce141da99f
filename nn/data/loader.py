"""Datasets and the mini-batch ``DataLoader`` (seed inventory §7.3)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

import autograd as ag

from ._common import LazyRng, Seed, as_array, check_lengths
from .collate import _collate, _convert
from .dataset import Dataset, IterableDataset
from .sampler import BatchSampler


class Subset(Dataset):
    """The examples of ``dataset`` at ``indices``, in that order (PyTorch's ``Subset``):
    ``Subset(ds, idx)[i] == ds[idx[i]]``. ``random_split`` makes them."""

    def __init__(self, dataset: Any, indices: Any) -> None:
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(f"Subset: a dataset needs __len__ and __getitem__; got "
                            f"{type(dataset).__name__}")
        idx = np.asarray(indices)
        if idx.ndim != 1 or (idx.size and idx.dtype.kind not in "iu"):
            raise TypeError(f"Subset: indices must be a 1-D sequence of integers, got "
                            f"{idx.dtype} of shape {idx.shape}")
        n = len(dataset)
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise IndexError(f"Subset: indices must lie in [-{n}, {n}) for a dataset of {n} "
                             f"examples, got {idx.min()} to {idx.max()}")
        self.dataset = dataset
        self.indices = idx.astype(np.int64) % n if n else idx.astype(np.int64)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: Any) -> Any:
        return self.dataset[int(self.indices[index])]


class ArrayDataset(Dataset):
    """Examples are the rows (axis 0) of equally long arrays: ``ds[i] == (X[i], y[i])``.

    Takes ndarrays or Tensors (stored as their arrays, without copying). With one array
    ``ds[i]`` is that row itself. ``ds[idx]`` with an integer index array gives a batch at once,
    which ``DataLoader`` uses instead of stacking single examples.
    """

    def __init__(self, *arrays: Any) -> None:
        name = type(self).__name__
        if not arrays:
            raise ValueError(f"{name}: give at least one array, e.g. {name}(X, y)")
        self.arrays = tuple(as_array(a, name, f"array {i}") for i, a in enumerate(arrays))
        check_lengths({f"array {i} (shape {a.shape})": a for i, a in enumerate(self.arrays)},
                      name)

    def __len__(self) -> int:
        return self.arrays[0].shape[0]

    def __getitem__(self, index: Any) -> Any:
        items = tuple(a[index] for a in self.arrays)
        return items[0] if len(items) == 1 else items


class TensorDataset(ArrayDataset):
    """PyTorch's ``TensorDataset``: like ``ArrayDataset``, but ``ds[i]`` is always a tuple
    of Tensors, one per array, even for a single array (``(x,) = ds[i]``), and
    ``ds.tensors`` holds the arrays as Tensors (sharing memory). A ``DataLoader`` over it
    yields tuples likewise."""

    @property
    def tensors(self) -> tuple[ag.Tensor, ...]:
        """The stored arrays as Tensors (no copy)."""
        return tuple(ag.from_numpy(a) for a in self.arrays)

    def __getitem__(self, index: Any) -> tuple[ag.Tensor, ...]:
        return tuple(ag.tensor(a[index]) for a in self.arrays)


class DataLoader:
    """Mini-batches over arrays or a dataset, reshuffled every epoch.

    ``DataLoader(X, y, batch_size=64, shuffle=True, seed=0)`` over arrays/Tensors, or
    ``DataLoader(dataset, ...)`` over any object with ``__len__`` and ``__getitem__``
    (``ArrayDataset``, ``TensorDataset``, your own). Each ``for batch in loader`` is one
    epoch (§7.3): with ``shuffle=True`` a new permutation of the m examples, cut into
    ``ceil(m / batch_size)`` batches; the last one is smaller when ``batch_size`` does not
    divide m (the cost of a batch should average over its actual size), or dropped with
    ``drop_last=True``. ``len(loader)`` is the number of batches per epoch.

    Seeding: with an int ``seed``, epoch e's permutation comes from ``default_rng((seed, e))``:
    the same seed gives the same epochs, and epochs differ from each other. With
    ``seed=None`` the permutations come from autograd's global generator
    (``ag.manual_seed``); a Generator is drawn from directly.

    What a batch is: one array gives a single batch, several give a tuple ``(xb, yb)``.
    Over a dataset a batch is shaped like its examples (PyTorch's ``default_collate``):
    tuple (or list) examples give a tuple of stacked fields (a ``TensorDataset`` always
    does), dict examples a dict, a single value one stacked array; strings are kept as a
    tuple, and a list of numbers inside an example becomes a row of an array (NumPy's
    reading; PyTorch would give one tensor per position).
    By default batches are Tensors (no grad): the first array (the inputs) becomes the
    default float dtype unless already floating; integer arrays (labels) become int64;
    other floats keep their dtype (so Python floats give float64, as in PyTorch); the
    values of dict batches all follow the labels' rule. ``as_numpy=True`` yields the plain
    NumPy arrays instead, dtypes untouched. ``transform`` (e.g.
    ``Compose([RandomHorizontalFlip(), ...])``) is applied to each batch's inputs array
    before conversion.

    PyTorch's ordering options: ``sampler=`` (any iterable of indices, e.g. a
    ``WeightedRandomSampler``; not with ``shuffle``) is cut into batches of ``batch_size``;
    ``batch_sampler=`` (an iterable of index lists, e.g. a ``BatchSampler``) gives the
    batches itself and excludes ``batch_size``, ``shuffle``, ``sampler`` and
    ``drop_last``. An ``IterableDataset`` is read as a stream and batched in its order
    (no ``shuffle`` nor samplers; ``len(loader)`` needs its ``len``). ``collate_fn``
    replaces the batching above: it receives the list of examples and its result is
    yielded as is (``default_collate`` is PyTorch's rule; ``as_numpy`` and ``transform``
    belong to the built-in batching, so they do not combine with it).

    Defaults follow PyTorch (``batch_size=1``, ``shuffle=False``), and every option is a
    keyword (positional arguments are the data). The course's sizes are 32, 64, 128, 256,
    512 (§7.3). ``generator`` is PyTorch's name for ``seed``; ``pin_memory=True`` only
    warns (nothing to pin without a GPU); ``num_workers`` other than 0 is refused, since
    batches are built in the main process. Unlike PyTorch's, an empty dataset, or
    ``drop_last=True`` with fewer examples than ``batch_size``, is an error (an epoch
    without batches), and ``batch_size=None`` (unbatched loading) is not offered.
    """

    def __init__(self, *data: Any, batch_size: int = 1, shuffle: bool = False,
                 sampler: Iterable[Any] | None = None,
                 batch_sampler: Iterable[Sequence[Any]] | None = None,
                 seed: Seed = None, drop_last: bool = False,
                 collate_fn: Callable[[list[Any]], Any] | None = None, as_numpy: bool = False,
                 transform: Callable[[np.ndarray], np.ndarray] | None = None,
                 generator: Seed = None, num_workers: int = 0,
                 pin_memory: bool = False) -> None:
        if generator is not None:  # PyTorch's name for the shuffling seed
            if seed is not None:
                raise TypeError("DataLoader: give the shuffling seed once, as seed= or "
                                "generator=")
            seed = generator
        if num_workers != 0:
            raise ValueError(f"DataLoader: num_workers={num_workers!r} is not offered: batches "
                             "are built in the main process (array datasets are sliced in "
                             "one step, with no per-example work to spread). Leave it out")
        if pin_memory:
            warnings.warn("DataLoader: pin_memory=True has no effect: pinned memory speeds "
                          "copies to a GPU, and graphgrad computes on the CPU only",
                          stacklevel=2)
        if not data:
            raise TypeError("DataLoader: give the data, e.g. DataLoader(X, y, batch_size=64) "
                            "or DataLoader(dataset, batch_size=64)")
        if len(data) > 1 and (isinstance(data[0], Dataset) or any(
                isinstance(d, bool | int | float | np.number) for d in data[1:])):
            raise TypeError("DataLoader: options are keyword arguments, e.g. DataLoader("
                            "dataset, batch_size=32, shuffle=True); positional arguments "
                            "are the data (DataLoader(X, y, batch_size=32)), and a number "
                            "among them is not data")
        if len(data) == 1 and isinstance(data[0], IterableDataset):
            dataset = data[0]
        elif len(data) == 1 and not isinstance(data[0], np.ndarray | ag.Tensor):
            dataset = data[0]
            if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
                raise TypeError(f"DataLoader: a dataset needs __len__ and __getitem__; got "
                                f"{type(dataset).__name__}. Pass arrays (DataLoader(X, y)) or "
                                "an ArrayDataset")
        else:
            dataset = ArrayDataset(*data)
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) \
                or batch_size < 1:
            hint = (" (PyTorch's batch_size=None, unbatched loading, is not offered: index "
                    "the dataset for single examples)" if batch_size is None else "")
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got "
                             f"{batch_size!r}{hint}")
        for flag, value in (("shuffle", shuffle), ("drop_last", drop_last),
                            ("as_numpy", as_numpy)):
            if not isinstance(value, bool):
                raise TypeError(f"DataLoader: {flag} must be True or False, got {value!r}")
        if transform is not None and not callable(transform):
            raise TypeError(f"DataLoader: transform must be callable, got {type(transform)}")
        _check_ordering(dataset, batch_size, shuffle, sampler, batch_sampler, drop_last)
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got {type(collate_fn)}")
        if collate_fn is not None and (as_numpy or transform is not None):
            raise TypeError("DataLoader: as_numpy and transform apply to the built-in "
                            "batching; with a collate_fn, convert or transform inside it")
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.collate_fn = collate_fn
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.as_numpy = as_numpy
        self.transform = transform
        self.epoch = 0
        self._seed = seed
        self._int_seed = isinstance(seed, int | np.integer) and not isinstance(seed, bool)
        self._rng = LazyRng(seed, "DataLoader")
        self._streamed = isinstance(dataset, IterableDataset)
        if self._streamed or sampler is not None or batch_sampler is not None:
            return  # PyTorch's rules: the length is asked only by len(loader)
        self.n = len(dataset)
        if self.n == 0:
            raise ValueError("DataLoader: the dataset is empty")
        if drop_last and self.n < self.batch_size:
            raise ValueError(f"DataLoader: drop_last=True with {self.n} examples and "
                             f"batch_size={self.batch_size} gives no batch at all; lower "
                             "batch_size or set drop_last=False")

    def __len__(self) -> int:
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        if self.sampler is not None:
            return len(BatchSampler(self.sampler, self.batch_size, self.drop_last))
        n = len(self.dataset) if self._streamed else self.n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _index_batches(self) -> Iterator[Any]:
        if self.batch_sampler is not None:
            return iter(self.batch_sampler)
        if self.sampler is not None:
            return iter(BatchSampler(self.sampler, self.batch_size, self.drop_last))
        order = self._order()
        return (order[b * self.batch_size:(b + 1) * self.batch_size] for b in range(len(self)))

    def _example_batches(self) -> Iterator[list[Any]]:
        batch: list[Any] = []
        for example in self.dataset:
            batch.append(example)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def _order(self) -> np.ndarray:
        if not self.shuffle:
            return np.arange(self.n)
        if self._int_seed:
            return np.random.default_rng((int(self._seed), self.epoch)).permutation(self.n)
        return self._rng.get().permutation(self.n)

    def _fetch(self, indices: Any) -> Any:
        idx = np.asarray(indices)
        if idx.dtype.kind not in "iu":  # keys of a dict-like dataset
            return _collate([self.dataset[k] for k in indices])
        ds = self.dataset
        while type(ds) is Subset:  # to the rows of the dataset underneath
            idx, ds = ds.indices[idx], ds.dataset
        if type(ds).__getitem__ in (ArrayDataset.__getitem__, TensorDataset.__getitem__):
            parts = tuple(a[idx] for a in ds.arrays)  # rows at once, no per-example stacking
            return parts if len(parts) > 1 or isinstance(ds, TensorDataset) else parts[0]
        return _collate([ds[int(i)] for i in idx])

    def __iter__(self) -> Iterator[Any]:
        if self._streamed:
            for examples in self._example_batches():
                yield (self.collate_fn(examples) if self.collate_fn is not None
                       else self._finish(_collate(examples)))
            return
        batches = self._index_batches()
        self.epoch += 1
        for indices in batches:
            if self.collate_fn is not None:
                keys = indices.tolist() if isinstance(indices, np.ndarray) else indices
                yield self.collate_fn([self.dataset[k] for k in keys])
            else:
                yield self._finish(self._fetch(indices))

    def _finish(self, batch: Any) -> Any:
        """The built-in batching's last steps: ``transform``, then Tensors."""
        if self.transform is not None:
            if isinstance(batch, dict):
                raise TypeError("DataLoader: transform applies to the inputs array of a "
                                "batch, but the examples are dicts; apply it in the "
                                "dataset's __getitem__ instead")
            if isinstance(batch, tuple):
                batch = (self.transform(batch[0]), *batch[1:])
            else:
                batch = self.transform(batch)
        if not self.as_numpy:
            batch = (tuple(_convert(p, i == 0) for i, p in enumerate(batch))
                     if isinstance(batch, tuple) else _convert(batch, True))
        return batch

    def __repr__(self) -> str:
        if self._streamed or self.sampler is not None or self.batch_sampler is not None:
            return (f"DataLoader(dataset={type(self.dataset).__name__}, batch_size="
                    f"{self.batch_size}, drop_last={self.drop_last})")
        return (f"DataLoader(examples={self.n}, batch_size={self.batch_size}, "
                f"batches={len(self)}, shuffle={self.shuffle}, drop_last={self.drop_last})")


def _check_ordering(dataset: Any, batch_size: int, shuffle: bool, sampler: Any,
                    batch_sampler: Any, drop_last: bool) -> None:
    """PyTorch's rules on which ordering options go together."""
    if isinstance(dataset, IterableDataset):
        for name, value in (("shuffle", shuffle or None), ("sampler", sampler),
                            ("batch_sampler", batch_sampler)):
            if value is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"{name} option, but got {name}={value!r}; the stream's "
                                 "own order is used")
    if sampler is not None and shuffle:
        raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle "
                         "(a RandomSampler shuffles)")
    if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None
                                      or drop_last):
        raise ValueError("DataLoader: batch_sampler option is mutually exclusive with "
                         "batch_size, shuffle, sampler, and drop_last")
