"""Batching examples: ``default_collate`` (PyTorch's rule, for ``collate_fn``) and the
``DataLoader``'s built-in batching to NumPy arrays then Tensors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

import autograd as ag


def _fail(found: Any) -> TypeError:
    return TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, "
                     f"dicts or lists; found {type(found).__name__}"
                     + (f" of dtype {found.dtype}" if isinstance(found, np.ndarray | np.generic)
                        else ""))


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of examples into a batch shaped like one example (PyTorch's rules):

    - Tensors: stacked on a new axis 0 (``ag.stack``, so the batch keeps the graph).
    - NumPy arrays and NumPy scalars: as Tensors, stacked; the dtype is kept.
    - Python floats: a float64 Tensor; ints: int64; bools: bool; strings/bytes: the list.
    - dicts: a dict of the collated values key by key (same type of mapping when it can
      be rebuilt from a dict); namedtuples: the same namedtuple of collated fields.
    - other sequences: transposed and collated field by field; a tuple gives a list (as
      PyTorch does), a list a list. Every example must have the same length.

    Object/string NumPy arrays and other types raise TypeError; stacking needs equal
    shapes (``ag.stack``'s error says which).
    """
    if len(batch) == 0:
        raise ValueError("default_collate: the batch is empty")
    elem = batch[0]
    if isinstance(elem, ag.Tensor):
        return ag.stack(list(batch))
    if isinstance(elem, np.ndarray | np.generic) and not isinstance(elem, np.str_ | np.bytes_):
        if elem.dtype.kind in "OSUV":
            raise _fail(elem)
        return ag.from_numpy(np.ascontiguousarray(np.stack([np.asarray(b) for b in batch])))
    if isinstance(elem, bool):
        return ag.from_numpy(np.array(batch, dtype=np.bool_))
    if isinstance(elem, float):
        return ag.from_numpy(np.array(batch, dtype=np.float64))
    if isinstance(elem, int):
        return ag.from_numpy(np.array(batch, dtype=np.int64))
    if isinstance(elem, str | bytes):
        return list(batch)
    if isinstance(elem, Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            return type(elem)(collated)
        except TypeError:
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch, strict=True)))
    if isinstance(elem, Sequence):
        if any(len(b) != len(elem) for b in batch):
            raise RuntimeError("default_collate: each element in list of batch should be of "
                               f"equal size, got lengths {[len(b) for b in batch]}")
        fields = [default_collate(list(s)) for s in zip(*batch, strict=True)]
        if isinstance(elem, tuple | list):
            return fields
        try:
            return type(elem)(fields)
        except TypeError:
            return fields
    raise _fail(elem)


# The DataLoader's built-in batching (its documented NumPy-first reading of examples).

def _stack(values: list[Any], what: str) -> Any:
    """One field of a batch: the examples' values stacked on a new axis 0.

    Dicts are batched key by key, strings are kept as a tuple (as PyTorch's
    ``default_collate`` does); anything else goes through ``np.asarray``, so a Python
    int gives int64, a float float64 and a list of numbers a row of an array.
    """
    first = values[0]
    if isinstance(first, Mapping):
        return {k: _stack([v[k] for v in values], f"{what}[{k!r}]") for k in first}
    if isinstance(first, str | bytes):
        return tuple(values)
    try:
        return np.stack([np.asarray(v) for v in values])
    except ValueError as exc:
        raise ValueError(f"DataLoader: can't batch the examples' {what} ({exc}); it must "
                         "have the same shape in every example") from None


def _collate(examples: list[Any]) -> Any:
    """A batch shaped like one example: a tuple of fields for tuple (or list) examples,
    a dict for dict examples, else one array."""
    first = examples[0]
    if isinstance(first, tuple | list):
        return tuple(_stack([ex[k] for ex in examples], f"field {k}")
                     for k in range(len(first)))
    return _stack(examples, "values")


def _to_tensor(arr: np.ndarray, is_input: bool) -> ag.Tensor:
    if is_input and arr.dtype.kind != "f":
        arr = arr.astype(ag.get_default_dtype())
    elif arr.dtype.kind in "iu":
        arr = arr.astype(np.int64, copy=False)
    return ag.from_numpy(np.ascontiguousarray(arr))


def _convert(part: Any, is_input: bool) -> Any:
    """Arrays of a batch as Tensors (see ``DataLoader``); strings stay as they are."""
    if isinstance(part, np.ndarray):
        return _to_tensor(part, is_input)
    if isinstance(part, dict):
        return {k: _convert(v, False) for k, v in part.items()}
    return part
