"""Helpers shared by the data utilities: array conversion and seeding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import autograd as ag

Seed = int | np.random.Generator | None


def as_array(data: Any, func: str, what: str) -> np.ndarray:
    """``data`` (an ndarray, a Tensor or a nested list) as an ndarray; errors name ``func``."""
    if isinstance(data, ag.Tensor):
        return data.data
    if (hasattr(data, "__getitem__") and not isinstance(data, Sequence | np.ndarray)
            and not hasattr(data, "__array__") and not hasattr(data, "__array_interface__")):
        # NumPy would index such an object (a dataset, say) until IndexError: maybe forever
        raise TypeError(f"{func}: {what} must be an array or a Tensor, got a "
                        f"{type(data).__name__}; a dataset goes alone into "
                        "DataLoader(dataset, batch_size=...), with options as keywords")
    try:
        arr = np.asarray(data)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{func}: {what} must be an array or a Tensor, got "
                        f"{type(data).__name__} ({exc})") from None
    if arr.dtype == object:
        raise TypeError(f"{func}: {what} must be a numeric array or a Tensor, got an object "
                        "array (ragged lists?)")
    return arr


def like(original: Any, arr: np.ndarray) -> Any:
    """``arr`` as a (non-differentiable) Tensor when ``original`` was one, else as is."""
    return ag.from_numpy(np.ascontiguousarray(arr)) if isinstance(original, ag.Tensor) else arr


def make_rng(seed: Seed, func: str) -> np.random.Generator:
    """A generator for ``seed``: a fresh seeded one for an int, the Generator given, or
    autograd's global generator (``ag.manual_seed``) for None."""
    if seed is None:
        return ag.get_rng()
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng(int(seed))
    raise TypeError(f"{func}: seed must be an int, a numpy Generator or None, "
                    f"got {type(seed).__name__}")


class LazyRng:
    """A ``seed`` resolved once for an int or a Generator; for None, autograd's global
    generator looked up at every draw, so a later ``ag.manual_seed`` still takes effect."""

    def __init__(self, seed: Seed, func: str) -> None:
        self._rng = None if seed is None else make_rng(seed, func)

    def get(self) -> np.random.Generator:
        """The generator to draw from now."""
        return self._rng if self._rng is not None else ag.get_rng()


def check_lengths(arrays: dict[str, np.ndarray], func: str) -> int:
    """The common number of examples (length of axis 0) of ``arrays``; errors if they differ."""
    lengths = {}
    for name, arr in arrays.items():
        if arr.ndim == 0:
            raise ValueError(f"{func}: {name} must have a batch axis (N, ...), got a scalar")
        lengths[name] = arr.shape[0]
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise ValueError(f"{func}: every array needs the same number of examples on axis 0, "
                         f"but {described}; pass matching X and y")
    return next(iter(lengths.values()))
