"""``cov`` and ``corrcoef``: the covariance and correlation matrices of variables given
as rows, as PyTorch's (``numpy.cov`` with ``rowvar=True``).

Compositions of differentiable ops (means, a matrix product, a division), so their
gradients, to the input and to ``aweights``, come free and are differentiable again.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor, floating
from .elementwise import clip, sqrt
from .linalg import matmul
from .reduce import sum
from .shape import reshape, squeeze, swapaxes


def _weights(w: Any, name: str, observations: int, integral: bool) -> Tensor:
    w = as_tensor(w)
    kind_ok = w.dtype.kind in "iu" if integral else w.dtype.kind == "f"
    if not kind_ok:
        raise TypeError(f"cov: {name} must have {'an integer' if integral else 'a floating'} "
                        f"dtype, got {w.dtype}")
    if w.ndim > 1:
        raise ShapeError(f"cov: {name} must be a scalar or 1-D, got shape {w.shape}")
    if w.data.size != observations:
        raise ShapeError(f"cov: {name} must have one entry per observation (the input's "
                         f"columns), got {w.data.size} entries for {observations} observations")
    if w.data.size and w.data.min() < 0:
        raise ValueError(f"cov: {name} cannot be negative")
    return reshape(w, -1)


def cov(input: Any, *, correction: int = 1, fweights: Any = None,
        aweights: Any = None) -> Tensor:
    """The covariance matrix of the variables in the rows of ``input`` (shape (V, N): V
    variables, N observations; a 1-D input is one variable). With weights
    ``w = fweights·aweights`` (either may be omitted), mean ``μ = Σ w·x / Σ w`` and
    ``C = (x - μ) diag(w) (x - μ)ᵀ / f``, where ``f = Σ w - correction`` (or, with
    aweights, ``Σ w - correction·Σ w·aweights / Σ w``). Returns (V, V), squeezed to 0-d
    for a single variable. Warns when f <= 0 and then divides by 0, as PyTorch's.
    fweights are integer repeat counts, aweights float importances; integer input gives
    the default float dtype."""
    x = as_tensor(input)
    if x.ndim > 2:
        raise ShapeError(f"cov: expected an input with at most 2 dims (variables x "
                         f"observations), got shape {x.shape}")
    x = floating(x)
    x = reshape(x, (1, -1)) if x.ndim < 2 else x
    observations = x.shape[1]
    w = None
    if fweights is not None:
        w = _weights(fweights, "fweights", observations, integral=True).astype(x.dtype)
    if aweights is not None:
        aw = _weights(aweights, "aweights", observations, integral=False)
        w = aw if w is None else w * aw
    w_sum = Tensor._wrap(np.asarray(observations, x.dtype)) if w is None else sum(w)
    mean = sum(x if w is None else x * w, 1, True) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm_factor = w_sum - correction * sum(w * aw) / w_sum
    else:
        norm_factor = w_sum - correction
    if norm_factor.data <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the number of observations.", UserWarning, stacklevel=2)
        norm_factor = Tensor._wrap(np.zeros((), x.dtype))
    centered = x - mean
    c = matmul(centered, swapaxes(centered if w is None else centered * w, 0, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return squeeze(c / norm_factor)


def corrcoef(input: Any) -> Tensor:
    """Pearson's correlation matrix of the variables in the rows of ``input``:
    ``R_ij = C_ij / √(C_ii·C_jj)`` with ``C = cov(input)``, clipped to [-1, 1]. A single
    variable gives ``C / C`` (1, or nan for a constant), as PyTorch's."""
    c = cov(input)
    with np.errstate(divide="ignore", invalid="ignore"):
        if c.ndim == 0:
            return c / c
        stddev = sqrt(c.diagonal())
        c = c / reshape(stddev, (-1, 1))
        c = c / reshape(stddev, (1, -1))
    return clip(c, -1, 1)
