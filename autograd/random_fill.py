"""PyTorch's in-place random fills beyond ``normal_``/``uniform_``: ``bernoulli_``,
``random_``, ``exponential_``, ``cauchy_``, ``log_normal_`` and ``geometric_``.

Each draws from ``generator`` (a ``numpy.random.Generator``, an int seed, or None for
the global generator of ``manual_seed``), with PyTorch's arguments, defaults and
errors but not its random stream. As ``normal_``, they refuse a tensor of the recorded
graph (its new values depend on nothing) and bump the version counter.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .creation import get_rng
from .errors import ShapeError
from .inplace import _bump, _check, _draw
from .ops.draws import check_probabilities
from .tensor import Tensor


def _write(t: Tensor, op: str, values: np.ndarray) -> Tensor:
    """Store ``values`` (already drawn for t's shape) in t, for any dtype."""
    _check(t, op)
    t.data[...] = values
    return _bump(t)


def bernoulli_(self: Tensor, p: Any = 0.5, *, generator: Any = None) -> Tensor:
    """Fill with 0/1 draws, each 1 with probability ``p``: a number or a tensor broadcast
    to self's shape, in [0, 1]. Any dtype (bool and integers too), as PyTorch's."""
    probs = np.asarray(p.data if isinstance(p, Tensor) else p, dtype=np.float64)
    try:
        probs = np.broadcast_to(probs, self.shape)
    except ValueError:
        raise ShapeError(f"bernoulli_: p of shape {probs.shape} can't be broadcast to the "
                         f"tensor's shape {self.shape}") from None
    check_probabilities("bernoulli_", probs)
    return _write(self, "bernoulli_", get_rng(generator).random(self.shape) < probs)


def _random_bounds(args: tuple, kwargs: dict) -> tuple[Any, Any]:
    """PyTorch's ``random_()``, ``random_(to)``, ``random_(from, to)`` (``from`` and ``to``
    as keywords too; ``to=None`` is the dtype's top)."""
    if len(args) > 2:
        raise TypeError(f"random_: takes at most 2 positional arguments (from, to), got "
                        f"{len(args)}")
    unknown = set(kwargs) - {"from", "to"}
    if unknown:
        raise TypeError(f"random_: unexpected keyword argument {sorted(unknown)[0]!r}")
    if len(args) == 1 and "to" not in kwargs and "from" not in kwargs:
        return 0, args[0]
    low = args[0] if args else kwargs.get("from", 0)
    high = args[1] if len(args) == 2 else kwargs.get("to")
    return low, high


def _dtype_range(dtype: np.dtype) -> tuple[int, int]:
    """The integers a dtype holds exactly, as ``random_`` draws them: ``[0, 2^digits]`` for
    floats (the mantissa's digits: 11, 24, 53), the full range of integers, 0/1 for bool."""
    if dtype.kind == "f":
        return -(2 ** (np.finfo(dtype).nmant + 1)), 2 ** (np.finfo(dtype).nmant + 1)
    if dtype.kind == "b":
        return 0, 1
    info = np.iinfo(dtype)
    return int(info.min), int(info.max)


def random_(self: Tensor, *args: Any, generator: Any = None, **kwargs: Any) -> Tensor:
    """Fill with integers drawn uniformly from ``[from, to - 1]``: ``random_()`` from 0 to
    the largest integer the dtype holds exactly (``2^24`` for float32, ``2^53`` for float64,
    the maximum for integers), ``random_(to)`` from 0, ``random_(from, to)``; ``to=None``
    is that top. Any dtype, as PyTorch's; bounds a float tensor can't hold exactly raise
    (PyTorch only warns, announcing an error)."""
    low, high = _random_bounds(args, kwargs)
    low = operator.index(low)
    lowest, top = _dtype_range(self.dtype)
    high = top + 1 if high is None else operator.index(high)
    if low >= high:
        raise ValueError(f"random_: expects 'from' to be less than 'to', got from={low} >= "
                         f"to={high}")
    if low < lowest or high - 1 > top:
        raise ValueError(f"random_: [from, to) = [{low}, {high}) is out of the range "
                         f"[{lowest}, {top}] that a {self.dtype} tensor holds exactly")
    kind = self.dtype if self.dtype.kind in "iu" else np.int64
    values = get_rng(generator).integers(low, high, self.shape, dtype=kind)
    return _write(self, "random_", values)


def exponential_(self: Tensor, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with draws of the exponential distribution of rate ``lambd > 0`` (density
    ``λ·e^{-λx}``, mean ``1/λ``); floating tensors only."""
    if not lambd > 0:
        raise ValueError(f"exponential_: expects lambd > 0, got {lambd}")
    return _draw(self, "exponential_", generator,
                 lambda rng, shape, dt: rng.standard_exponential(shape, dtype=dt) / lambd)


def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *,
            generator: Any = None) -> Tensor:
    """Fill with draws of the Cauchy distribution (density
    ``1 / (πσ·(1 + ((x - median)/σ)²))``) with ``sigma > 0``; floating tensors only."""
    if not sigma > 0:
        raise ValueError(f"cauchy_: expects sigma > 0, got {sigma}")
    return _draw(self, "cauchy_", generator,
                 lambda rng, shape, dt: median + sigma * rng.standard_cauchy(shape))


def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *,
                generator: Any = None) -> Tensor:
    """Fill with ``exp(N(mean, std²))`` draws (``mean``, ``std > 0`` are those of the
    underlying normal, as PyTorch's); floating tensors only."""
    if not std > 0:
        raise ValueError(f"log_normal_: expects std > 0, got {std}")
    return _draw(self, "log_normal_", generator,
                 lambda rng, shape, dt: np.exp(mean + std * rng.standard_normal(shape)))


def geometric_(self: Tensor, p: float, *, generator: Any = None) -> Tensor:
    """Fill with the number of Bernoulli(p) trials up to and including the first success
    (1, 2, ...; ``P(k) = (1-p)^{k-1}·p``) for ``p`` in (0, 1). Any numeric dtype."""
    if not 0 < p < 1:
        raise ValueError(f"geometric_: expects p in (0, 1), got {p}")
    if self.dtype.kind == "b":
        raise TypeError("geometric_: draws counts 1, 2, ...; a bool tensor can't hold them")
    return _write(self, "geometric_", get_rng(generator).geometric(p, self.shape))


METHODS = {
    "bernoulli_": bernoulli_,
    "random_": random_,
    "exponential_": exponential_,
    "cauchy_": cauchy_,
    "log_normal_": log_normal_,
    "geometric_": geometric_,
}
