"""PyTorch's view-copy functions: each view op (``permute``, ``select``, ``diagonal``,
``view``, ...) followed by a copy into new, contiguous memory, so the result never
shares memory with its input (``permute_copy(x, dims)`` is ``x.permute(dims).clone(
memory_format=torch.contiguous_format)``). Also ``unsafe_chunk``, ``unsafe_split`` and
``unsafe_split_with_sizes``, which in PyTorch are views its version tracking does not
follow; here they are copies, so an in-place change of a piece never reaches the input
nor trips a saved tensor's version check.

Each is differentiable: the gradient is the view op's, the copy passing it through.
``detach_copy`` is a copy outside the graph; ``view_copy(x, dtype)`` reinterprets the
bits (not differentiable, as PyTorch's). ``as_strided_copy`` lives with ``as_strided``
(``strided.py``).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor, normalize_axis
from .contract import diagonal
from .matrix import t
from .rearrange import select, unbind
from .shape import chunk, expand, permute, reshape, split, squeeze, transpose, unsqueeze
from .splitting import split_with_sizes, unfold

__all__ = [
    "alias_copy", "diagonal_copy", "expand_copy", "permute_copy", "select_copy", "slice_copy",
    "split_copy", "split_with_sizes_copy", "squeeze_copy", "t_copy", "transpose_copy",
    "unbind_copy", "unfold_copy", "unsqueeze_copy", "view_copy", "detach_copy",
    "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes",
]


class Copy(Function):
    """The values in new C-ordered memory; the gradient passes through unchanged."""

    @staticmethod
    def forward(ctx, a):
        return np.array(a, order="C", copy=True)

    @staticmethod
    def backward(ctx, g):
        return g


def _copy(x: Tensor) -> Tensor:
    return Copy.apply(x)


def _copies(pieces: Any) -> tuple[Tensor, ...]:
    return tuple(Copy.apply(p) for p in pieces)


def alias_copy(input: Any) -> Tensor:
    """A copy of ``input`` (PyTorch's ``alias`` is the tensor itself as a view)."""
    return _copy(as_tensor(input))


def detach_copy(input: Any) -> Tensor:
    """A copy of ``input``'s values outside the graph (``input.detach().clone()``)."""
    return Tensor._wrap(np.array(as_tensor(input).data, order="C", copy=True))


def diagonal_copy(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """``diagonal(input, offset, dim1, dim2)`` copied."""
    return _copy(diagonal(input, offset, dim1, dim2))


def expand_copy(input: Any, size: Any, *, implicit: bool = False) -> Tensor:
    """``input.expand(size)`` copied (each repeated element its own memory); ``implicit``
    is PyTorch's tracing flag and changes nothing."""
    return _copy(expand(input, tuple(size)))


def permute_copy(input: Any, dims: Any) -> Tensor:
    """``input.permute(dims)`` copied, C-ordered."""
    return _copy(permute(input, *dims))


def select_copy(input: Any, dim: int, index: int) -> Tensor:
    """``input.select(dim, index)`` copied."""
    return _copy(select(input, dim, index))


def slice_copy(input: Any, dim: int = 0, start: int | None = None, end: int | None = None,
               step: int = 1) -> Tensor:
    """``input[..., start:end:step]`` along ``dim`` (Python's slice rules), copied;
    ``step`` must be positive, as PyTorch's."""
    a = as_tensor(input)
    step = operator.index(step)
    if step <= 0:
        raise ValueError(f"slice_copy: slice step must be positive, got {step}")
    d = normalize_axis(operator.index(dim), max(a.ndim, 1), "slice_copy")[0]
    bounds = slice(None if start is None else operator.index(start),
                   None if end is None else operator.index(end), step)
    return _copy(a[(slice(None),) * d + (bounds,)])


def split_copy(tensor: Any, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """``split(tensor, split_size, dim)`` with each piece copied."""
    return _copies(split(tensor, split_size, dim))


def split_with_sizes_copy(input: Any, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """``split_with_sizes(input, split_sizes, dim)`` with each piece copied."""
    return _copies(split_with_sizes(input, split_sizes, dim))


def squeeze_copy(input: Any, dim: Any = None) -> Tensor:
    """``squeeze(input, dim)`` copied (``dim`` an int, a tuple, or None for every size-1
    dim)."""
    return _copy(squeeze(input, dim))


def t_copy(input: Any) -> Tensor:
    """``t(input)`` copied (a tensor of at most 2 dims)."""
    return _copy(t(input))


def transpose_copy(input: Any, dim0: int, dim1: int) -> Tensor:
    """``input.transpose(dim0, dim1)`` copied, C-ordered."""
    return _copy(transpose(input, dim0, dim1))


def unbind_copy(input: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """``unbind(input, dim)`` with each slice copied."""
    return _copies(unbind(input, dim))


def unfold_copy(input: Any, dimension: int, size: int, step: int) -> Tensor:
    """``input.unfold(dimension, size, step)`` copied (overlapping windows get their own
    memory, so the copy is writable)."""
    return _copy(unfold(input, dimension, size, step))


def unsqueeze_copy(input: Any, dim: int) -> Tensor:
    """``unsqueeze(input, dim)`` copied."""
    return _copy(unsqueeze(input, dim))


def view_copy(input: Any, size: Any) -> Tensor:
    """``input`` with the shape ``size`` (one entry may be -1), copied; unlike ``view`` it
    works for any layout. With a dtype in place of ``size``: the bits reinterpreted as
    that dtype (the last dim scaled by the ratio of item sizes; not differentiable)."""
    a = as_tensor(input)
    if isinstance(size, (tuple, list, int, np.integer)):
        shape = (operator.index(size),) if not isinstance(size, (tuple, list)) else size
        return _copy(reshape(a, tuple(shape)))
    from ..tensor_info import _dtype_of  # torch dtypes and names too

    dtype = _dtype_of(size)
    data = np.ascontiguousarray(a.data)
    if data.ndim == 0 and dtype.itemsize != data.itemsize:
        raise RuntimeError(f"view_copy: self.dim() cannot be 0 to view {a.dtype} as {dtype} "
                           "(different element sizes)")
    try:
        return Tensor._wrap(data.view(dtype).copy())
    except ValueError as error:
        raise RuntimeError(f"view_copy: can't view {a.dtype} of shape {a.shape} as {dtype}: "
                           f"{error}") from None


def unsafe_chunk(input: Any, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``chunk(input, chunks, dim)``, each piece a copy (see the module's note)."""
    return _copies(chunk(input, chunks, dim))


def unsafe_split(tensor: Any, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """``split(tensor, split_size, dim)``, each piece a copy (see the module's note)."""
    return _copies(split(tensor, split_size, dim))


def unsafe_split_with_sizes(input: Any, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """``split_with_sizes(input, split_sizes, dim)``, each piece a copy."""
    return _copies(split_with_sizes(input, split_sizes, dim))
