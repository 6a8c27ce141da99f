"""Random draws with PyTorch's signatures: ``randperm`` and ``normal``.

Both draw from ``generator`` (PyTorch's keyword; graphgrad's ``rng`` is accepted too): a
``numpy.random.Generator``, an int seed, or None for the global generator that
``manual_seed`` seeds (``creation.get_rng``).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..creation import _float_dtype, _make, _size_arg, get_rng
from ..device import device as check_device
from ..function import Function
from ..tensor import Tensor
from ._util import broadcast_shape


def _generator(generator: Any, rng: Any) -> np.random.Generator:
    if generator is not None and rng is not None:
        raise TypeError("give the generator once, as generator= or rng=")
    return get_rng(generator if generator is not None else rng)


def randperm(n: int, *, generator: Any = None, rng: Any = None, dtype: Any = np.int64,
             requires_grad: bool = False, device: Any = None) -> Tensor:
    """A random permutation of ``0, 1, ..., n-1`` (int64 unless ``dtype``)."""
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"randperm: n must be non-negative, got {n}")
    data = _generator(generator, rng).permutation(n).astype(dtype)
    return _make(data, requires_grad, "randperm", device)


class Normal(Function):
    """``mean + std·z`` for standard normal draws z (given). Its gradient is 0 for both
    ``mean`` and ``std``, as PyTorch's ``normal`` (it does not reparameterize: use
    ``mean + std * randn_like(mean)`` for a gradient through the draw)."""

    @staticmethod
    def forward(ctx, mean, std, z):
        ctx.shapes = (np.shape(mean), np.shape(std))
        return (mean + std * z).astype(z.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        grads = [Tensor._wrap(np.zeros(s, dtype=g.dtype)) if need else None
                 for s, need in zip(ctx.shapes, ctx.needs_input_grad)]
        return grads[0], grads[1], None


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Any = None,
           rng: Any = None, dtype: Any = None, requires_grad: bool = False,
           device: Any = None) -> Tensor:
    """Samples of ``N(mean, std²)``: ``mean`` and ``std`` are tensors (broadcast together,
    giving the shape) or numbers (then ``size`` gives the shape). The result is in the
    floating dtype of the tensor arguments (else ``dtype`` or the default); a result of
    tensors that require grad is recorded with gradient 0, as PyTorch's."""
    tensors = [x for x in (mean, std) if isinstance(x, Tensor)]
    if size is not None and tensors:
        raise TypeError("normal: give size= only when mean and std are numbers; with tensors "
                        "the shape is theirs")
    if not tensors:
        if size is None:
            raise TypeError("normal: with numbers for mean and std give the shape as size=")
        shape = _size_arg(size, "normal")
        d = _float_dtype(dtype, "normal")
    else:
        shapes = [np.shape(x.data if isinstance(x, Tensor) else x) for x in (mean, std)]
        shape = broadcast_shape("normal", *shapes)
        floats = [t.dtype for t in tensors if t.dtype.kind == "f"]
        if len(floats) != len(tensors):
            raise TypeError(f"normal: mean and std tensors must be floating point, got "
                            f"{[str(t.dtype) for t in tensors]}")
        d = np.result_type(*floats) if dtype is None else np.dtype(dtype)
    std_values = np.asarray(std.data if isinstance(std, Tensor) else std)
    if std_values.size and (std_values < 0).any():
        raise ValueError(f"normal: std must be >= 0, got a minimum of {std_values.min()}")
    z = _generator(generator, rng).standard_normal(
        shape, dtype=d if d.itemsize in (4, 8) else np.float64).astype(d, copy=False)
    if not tensors:
        return _make(np.asarray(mean + std * z, dtype=d), requires_grad, "normal", device)
    if device is not None:
        check_device(device)
    operands = [x if isinstance(x, Tensor) else np.asarray(x, dtype=d) for x in (mean, std)]
    out = Normal.apply(operands[0], operands[1], z)
    if requires_grad and not out.requires_grad:
        out.requires_grad_()
    return out
