"""Random draws shaped by a tensor of probabilities: ``bernoulli`` and ``multinomial``.

Both draw from ``generator``: a ``numpy.random.Generator``, an int seed, or None for
the global generator that ``manual_seed`` seeds (``creation.get_rng``). They follow
PyTorch's arguments, results and errors, not its random stream.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..creation import get_rng
from ..errors import ShapeError
from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor


def check_probabilities(op: str, p: np.ndarray) -> None:
    """Refuse probabilities outside ``[0, 1]`` (nan too)."""
    if p.size and not ((p >= 0) & (p <= 1)).all():
        bad = p[~((p >= 0) & (p <= 1))].flat[0]
        raise ValueError(f"{op}: expects probabilities p in [0, 1], got {bad}")


class Bernoulli(Function):
    """``1`` where the uniform draw ``u < p``, else ``0``, in the dtype of ``x`` (whose values
    are p unless p is given). Its gradient is 0, as PyTorch's (a draw is not a
    differentiable function of p)."""

    @staticmethod
    def forward(ctx, x, p, u):
        ctx.shape = x.shape
        return (u < (x if p is None else p)).astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        return Tensor._wrap(np.zeros(ctx.shape, dtype=g.dtype)), None, None


def bernoulli(input: Any, p: float | None = None, *, generator: Any = None) -> Tensor:
    """0/1 draws of input's shape and dtype: element i is 1 with probability ``input[i]``
    (or with probability ``p`` for every element when p is given). A result of an input
    that requires grad is recorded with gradient 0, as PyTorch's."""
    x = as_tensor(input)
    if x.dtype.kind != "f":
        raise TypeError(f"bernoulli: expects a floating point tensor of probabilities, got "
                        f"{x.dtype}; convert it with .float() or .double()")
    check_probabilities("bernoulli", x.data if p is None else np.asarray(p, dtype=np.float64))
    return Bernoulli.apply(x, None if p is None else float(p), get_rng(generator).random(x.shape))


def _with_replacement(rng: np.random.Generator, w: np.ndarray, k: int) -> np.ndarray:
    """``k`` indices per row of weights ``w``, each category i with probability
    ``w[i] / Σw``: inverse CDF of uniform draws (a weight of 0 is never drawn)."""
    cdf = np.cumsum(w, axis=-1)
    u = rng.random((w.shape[0], k)) * cdf[:, -1:]
    rows = [np.searchsorted(c, v, side="right") for c, v in zip(cdf, u)]
    return np.minimum(np.stack(rows), w.shape[1] - 1)


def _without_replacement(rng: np.random.Generator, w: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct indices per row, drawn one after another in proportion to the weights
    left: the ``k`` largest ``w / E`` for exponential ``E`` (PyTorch's method); weights of 0
    come after all the others."""
    keys = w / rng.standard_exponential(w.shape)
    return np.argsort(-keys, axis=-1, kind="stable")[:, :k]


def multinomial(input: Any, num_samples: int, replacement: bool = False, *,
                generator: Any = None) -> Tensor:
    """Category indices drawn by the non-negative weights of each row of ``input``: ``(n,)``
    gives ``(num_samples,)``, ``(rows, n)`` gives ``(rows, num_samples)``, int64. Without
    replacement a category is drawn at most once per row (``num_samples <= n``)."""
    w = as_tensor(input)
    if w.ndim not in (1, 2):
        raise ShapeError(f"multinomial: expects a 1-D or 2-D tensor of weights, got shape "
                         f"{w.shape}")
    if w.dtype.kind != "f":
        raise TypeError(f"multinomial: expects floating point weights, got {w.dtype}; convert "
                        "them with .float() or .double()")
    k = operator.index(num_samples)
    if k <= 0:
        raise ValueError(f"multinomial: num_samples must be positive, got {k}")
    n = w.shape[-1]
    if not replacement and k > n:
        raise ValueError(f"multinomial: can't draw {k} samples without replacement from {n} "
                         "categories; pass replacement=True or fewer samples")
    rows = w.data.reshape(-1, n).astype(np.float64)
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise ValueError("multinomial: the weights must be finite and >= 0 (got inf, nan or a "
                         "negative weight)")
    if (rows.sum(axis=-1) <= 0).any():
        raise ValueError("multinomial: each row of weights must have a positive sum")
    draw = _with_replacement if replacement else _without_replacement
    out = draw(get_rng(generator), rows, k) if rows.shape[0] else np.zeros((0, k))
    out = out.astype(np.int64)
    return Tensor._wrap(out.reshape(w.shape[:-1] + (k,)))
