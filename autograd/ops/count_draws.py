"""Random counts shaped by tensors of parameters: ``poisson`` (from rates) and
``binomial`` (from trial counts and success probabilities), and ``randint_like``.

They draw from ``generator``: a ``numpy.random.Generator``, an int seed, or None for the
global generator that ``manual_seed`` seeds (``creation.get_rng``). They follow
PyTorch's arguments, dtypes and gradients, not its random stream.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..creation import _make, get_rng
from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor


class PoissonDraw(Function):
    """Counts drawn beforehand (``counts``) for the parameter tensor ``x``; the gradient
    is 0, as PyTorch's ``poisson`` (a draw is not a differentiable function of its rate)."""

    @staticmethod
    def forward(ctx, x, counts):
        ctx.shape = x.shape
        return counts.astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        return Tensor._wrap(np.zeros(ctx.shape, dtype=g.dtype)), None


class BinomialDraw(Function):
    """Counts drawn beforehand, recorded so that a backward through them raises, as
    PyTorch's ``binomial`` (its derivative is not implemented)."""

    @staticmethod
    def forward(ctx, count, prob, counts):
        return counts

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("binomial: the derivative is not implemented (as in PyTorch); "
                           "detach() count and prob before drawing")


def _floating(op: str, name: str, x: Tensor) -> None:
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: expects floating point {name}, got {x.dtype}; convert with "
                        ".float() or .double()")


def poisson(input: Any, generator: Any = None) -> Tensor:
    """A Poisson draw for each rate ``λ`` of ``input`` (same shape and floating dtype):
    ``P(k) = λ^k e^-λ / k!``. Rates must be finite and >= 0 (PyTorch returns garbage for
    inf; we refuse it). The gradient is 0, as PyTorch's."""
    rates = as_tensor(input)
    _floating("poisson", "rates", rates)
    lam = rates.data
    if lam.size and not (np.isfinite(lam) & (lam >= 0)).all():
        bad = lam[~(np.isfinite(lam) & (lam >= 0))].flat[0]
        raise ValueError(f"poisson: expects finite non-negative rates, got {bad}")
    return PoissonDraw.apply(rates, get_rng(generator).poisson(lam.astype(np.float64)))


def binomial(count: Any, prob: Any, generator: Any = None) -> Tensor:
    """The number of successes in ``count`` trials of success probability ``prob``
    (broadcast together), in their floating dtype. A count below 0 gives 0 (PyTorch's
    result); a fractional count is truncated; probabilities must lie in [0, 1] (PyTorch
    does not check them). A backward through the result raises, as PyTorch's."""
    n, p = as_tensor(count), as_tensor(prob)
    _floating("binomial", "count", n)
    _floating("binomial", "prob", p)
    if p.data.size and not ((p.data >= 0) & (p.data <= 1)).all():
        bad = p.data[~((p.data >= 0) & (p.data <= 1))].flat[0]
        raise ValueError(f"binomial: expects probabilities prob in [0, 1], got {bad}")
    if n.data.size and not np.isfinite(n.data).all():
        raise ValueError("binomial: expects finite counts")
    trials = np.maximum(np.trunc(n.data), 0).astype(np.int64)
    draws = get_rng(generator).binomial(trials, p.data.astype(np.float64))
    dtype = np.result_type(n.dtype, p.dtype)
    return BinomialDraw.apply(n, p, np.asarray(draws, dtype=dtype))


def randint_like(input: Any, low: int = 0, high: int | None = None, *, dtype: Any = None,
                 requires_grad: bool = False, generator: Any = None, layout: Any = None,
                 device: Any = None) -> Tensor:
    """Integers drawn uniformly from ``[low, high)`` in ``input``'s shape and, unless
    ``dtype`` is given, input's dtype (float input gives whole floats, as PyTorch's).
    ``randint_like(x, high)`` draws from ``[0, high)``."""
    t = as_tensor(input)
    if high is None:
        low, high = 0, low
    low, high = operator.index(low), operator.index(high)
    if low >= high:
        raise ValueError(f"randint_like: low must be below high, got low={low}, high={high}")
    d = t.dtype if dtype is None else np.dtype(dtype)
    data = get_rng(generator).integers(low, high, t.shape, dtype=np.int64).astype(d)
    return _make(data, requires_grad, "randint_like", device)
