"""Datasets and the mini-batch ``DataLoader`` (seed inventory §7.3)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

import autograd as ag

from ._common import LazyRng, Seed, as_array, check_lengths


class Dataset:
    """Base class for map-style datasets: ``len(ds)`` examples, ``ds[i]`` the i-th.

    Any object with ``__len__`` and ``__getitem__`` works with ``DataLoader``; subclassing
    this is optional. ``__getitem__`` returns one example: an array (or number) or a tuple
    of them, e.g. ``(x_i, y_i)``.
    """

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


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
    """PyTorch's name: like ``ArrayDataset`` but ``ds[i]`` gives Tensors."""

    def __getitem__(self, index: Any) -> Any:
        items = tuple(ag.tensor(a[index]) for a in self.arrays)
        return items[0] if len(items) == 1 else items


def _collate(examples: list[Any]) -> tuple[np.ndarray, ...]:
    first = examples[0]
    if isinstance(first, tuple | list):
        return tuple(np.stack([np.asarray(ex[k]) for ex in examples])
                     for k in range(len(first)))
    return (np.stack([np.asarray(ex) for ex in examples]),)


def _to_tensor(arr: np.ndarray, is_input: bool) -> ag.Tensor:
    if is_input and arr.dtype.kind != "f":
        arr = arr.astype(ag.get_default_dtype())
    elif arr.dtype.kind in "iu":
        arr = arr.astype(np.int64, copy=False)
    return ag.from_numpy(np.ascontiguousarray(arr))


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
    By default batches are Tensors (no grad): the first array (the inputs) becomes the
    default float dtype unless already floating; integer arrays (labels) become int64;
    other floats keep their dtype. ``as_numpy=True`` yields the plain NumPy arrays
    instead, dtypes untouched. ``transform`` (e.g. ``Compose([RandomHorizontalFlip(), ...])``)
    is applied to each batch's inputs array before conversion.

    Defaults follow PyTorch (``batch_size=1``, ``shuffle=False``); the course's sizes are 32,
    64, 128, 256, 512 (§7.3).
    """

    def __init__(self, *data: Any, batch_size: int = 1, shuffle: bool = False,
                 seed: Seed = None, drop_last: bool = False, as_numpy: bool = False,
                 transform: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        if not data:
            raise TypeError("DataLoader: give the data, e.g. DataLoader(X, y, batch_size=64) "
                            "or DataLoader(dataset, batch_size=64)")
        if len(data) == 1 and not isinstance(data[0], np.ndarray | ag.Tensor):
            dataset = data[0]
            if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
                raise TypeError(f"DataLoader: a dataset needs __len__ and __getitem__; got "
                                f"{type(dataset).__name__}. Pass arrays (DataLoader(X, y)) or "
                                "an ArrayDataset")
        else:
            dataset = ArrayDataset(*data)
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) \
                or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got "
                             f"{batch_size!r}")
        for flag, value in (("shuffle", shuffle), ("drop_last", drop_last),
                            ("as_numpy", as_numpy)):
            if not isinstance(value, bool):
                raise TypeError(f"DataLoader: {flag} must be True or False, got {value!r}")
        if transform is not None and not callable(transform):
            raise TypeError(f"DataLoader: transform must be callable, got {type(transform)}")
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
        self.n = len(dataset)
        if self.n == 0:
            raise ValueError("DataLoader: the dataset is empty")
        if drop_last and self.n < self.batch_size:
            raise ValueError(f"DataLoader: drop_last=True with {self.n} examples and "
                             f"batch_size={self.batch_size} gives no batch at all; lower "
                             "batch_size or set drop_last=False")

    def __len__(self) -> int:
        if self.drop_last:
            return self.n // self.batch_size
        return -(-self.n // self.batch_size)

    def _order(self) -> np.ndarray:
        if not self.shuffle:
            return np.arange(self.n)
        if self._int_seed:
            return np.random.default_rng((int(self._seed), self.epoch)).permutation(self.n)
        return self._rng.get().permutation(self.n)

    def _fetch(self, idx: np.ndarray) -> tuple[np.ndarray, ...]:
        if isinstance(self.dataset, ArrayDataset):
            return tuple(a[idx] for a in self.dataset.arrays)
        return _collate([self.dataset[int(i)] for i in idx])

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        self.epoch += 1
        for b in range(len(self)):
            parts = list(self._fetch(order[b * self.batch_size:(b + 1) * self.batch_size]))
            if self.transform is not None:
                parts[0] = self.transform(parts[0])
            if not self.as_numpy:
                parts = [_to_tensor(p, i == 0) for i, p in enumerate(parts)]
            yield parts[0] if len(parts) == 1 else tuple(parts)

    def __repr__(self) -> str:
        return (f"DataLoader(examples={self.n}, batch_size={self.batch_size}, "
                f"batches={len(self)}, shuffle={self.shuffle}, drop_last={self.drop_last})")
