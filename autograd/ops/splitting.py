"""PyTorch's further ways to cut and re-lay a tensor: ``tensor_split`` (and ``hsplit``,
``vsplit``, ``dsplit``), ``split_with_sizes``, ``unflatten``, ``ravel``, ``unfold``
(sliding windows) and ``sum_to_size``.

The pieces, ``unflatten`` and ``unfold`` are views of the input, as PyTorch's: an in-place
change of the input shows through them. All but ``unfold`` are compositions of slicing,
``reshape`` and ``sum``; ``unfold`` is one op whose backward adds the overlapping
windows' gradients back into the input's places.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor, normalize_axis, unbroadcast
from .index import getitem
from .shape import reshape, split


def _dim(a: Tensor, dim: Any, op: str) -> int:
    try:
        d = operator.index(dim)
    except TypeError:
        raise TypeError(f"{op}: dim must be an int, got {dim!r}") from None
    return normalize_axis(d, a.ndim, op)[0]


def _piece(a: Tensor, d: int, start: int | None, stop: int | None) -> Tensor:
    return getitem(a, (slice(None),) * d + (slice(start, stop),))


def _spec(op: str, indices_or_sections: Any, named: dict) -> Any:
    """The split given positionally or by one of PyTorch's overloads' keywords
    (``sections=``, ``indices=``, ``tensor_indices_or_sections=``)."""
    given = [v for v in (indices_or_sections, *named.values()) if v is not None]
    if len(given) != 1:
        raise TypeError(f"{op}: give the split once: indices_or_sections (or one of "
                        f"{', '.join(named)}), got {len(given)}")
    return given[0]


def tensor_split(input: Any, indices_or_sections: Any = None, dim: int = 0, *,
                 sections: Any = None, indices: Any = None,
                 tensor_indices_or_sections: Any = None) -> tuple[Tensor, ...]:
    """Views of ``input`` cut along ``dim``. An int ``n`` gives ``n`` pieces whose sizes
    differ by at most one, the first ``size % n`` one longer (unlike ``split``, whose int
    is a piece's size); a list (or 1-D int tensor) of indices ``[i0, i1, ...]`` gives
    ``a[:i0], a[i0:i1], ..., a[ik:]`` with Python's slice rules (a negative index counts
    from the end, a pair out of order gives an empty piece). A 0-d int tensor counts as
    ``n``; PyTorch's keywords ``sections=``, ``indices=`` and
    ``tensor_indices_or_sections=`` name the same argument. Each piece's gradient goes
    back to its places."""
    a = as_tensor(input)
    if a.ndim == 0:
        raise ShapeError("tensor_split: expects a tensor of at least 1 dim, got a 0-d tensor")
    d = _dim(a, dim, "tensor_split")
    spec = _spec("tensor_split", indices_or_sections, {
        "sections": sections, "indices": indices,
        "tensor_indices_or_sections": tensor_indices_or_sections})
    if isinstance(spec, Tensor):
        if spec.dtype.kind not in "iu" or spec.ndim > 1:
            raise TypeError(f"tensor_split: a tensor indices_or_sections must be a 0-d or 1-D "
                            f"integer tensor, got dtype {spec.dtype} and shape {spec.shape}")
        spec = int(spec.data) if spec.ndim == 0 else [int(i) for i in spec.data]
    if isinstance(spec, (int, np.integer)):
        n = int(spec)
        if n <= 0:
            raise ValueError(f"tensor_split: the number of sections must be positive, got {n}")
        size, extra = divmod(a.shape[d], n)
        bounds = np.cumsum([size + 1] * extra + [size] * (n - extra))[:-1].tolist()
    else:
        bounds = [operator.index(i) for i in spec]
    edges = [None, *bounds, None]
    return tuple(_piece(a, d, lo, hi) for lo, hi in zip(edges[:-1], edges[1:]))


def _split_along(a: Any, spec: Any, d: int, op: str, need: int) -> tuple[Tensor, ...]:
    """``tensor_split`` along ``d`` for hsplit/vsplit/dsplit: an int must divide the dim."""
    a = as_tensor(a)
    if a.ndim < need:
        raise ShapeError(f"{op}: expects a tensor of at least {need} dims, got shape {a.shape}")
    if isinstance(spec, (int, np.integer)) and (spec == 0 or a.shape[d] % int(spec)):
        raise ShapeError(f"{op}: dim {d} of size {a.shape[d]} (shape {a.shape}) can't be split "
                         f"into {spec} equal parts; give indices to split at instead")
    return tensor_split(a, spec, d)


def hsplit(input: Any, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 1 (dim 0 for a 1-D tensor); an int must divide that dim."""
    a = as_tensor(input)
    return _split_along(a, indices_or_sections, 1 if a.ndim > 1 else 0, "hsplit", 1)


def vsplit(input: Any, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 0 of a tensor of at least 2 dims; an int must divide it."""
    return _split_along(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input: Any, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 2 of a tensor of at least 3 dims; an int must divide it."""
    return _split_along(input, indices_or_sections, 2, "dsplit", 3)


def split_with_sizes(input: Any, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Views of ``input`` of lengths ``split_sizes`` along ``dim`` (which must add up to that
    dim's length): ``split`` with a list."""
    a = as_tensor(input)
    if isinstance(split_sizes, (int, np.integer)):
        raise TypeError(f"split_with_sizes: split_sizes must be a sequence of ints, got "
                        f"{split_sizes!r}")
    return split(a, [operator.index(s) for s in split_sizes], _dim(a, dim, "split_with_sizes"))


def unflatten(input: Any, dim: int, sizes: Any) -> Tensor:
    """Dim ``dim`` expanded into the dims ``sizes`` (one may be -1, inferred), a view of
    ``input``: shape ``(..., n, ...)`` becomes ``(..., *sizes, ...)``, ``prod(sizes) = n``."""
    a = as_tensor(input)
    if a.ndim == 0:
        raise ShapeError("unflatten: can't unflatten a 0-d tensor")
    d = _dim(a, dim, "unflatten")
    try:
        sizes = [operator.index(s) for s in sizes]
    except TypeError:
        raise TypeError(f"unflatten: sizes must be a sequence of ints, got {sizes!r}") from None
    if not sizes:
        raise ValueError("unflatten: sizes must be non-empty")
    n = a.shape[d]
    known = int(np.prod([s for s in sizes if s != -1]))
    holes = sizes.count(-1)
    fits = known == n if not holes else known > 0 and n % known == 0
    if holes > 1 or any(s < -1 for s in sizes) or not fits:
        raise ShapeError(f"unflatten: sizes {sizes} don't multiply up to the size {n} of dim "
                         f"{d} of the tensor of shape {a.shape}")
    if holes:
        sizes[sizes.index(-1)] = n // known
    return reshape(a, a.shape[:d] + tuple(sizes) + a.shape[d + 1:])


def ravel(input: Any) -> Tensor:
    """The elements in row-major order as a 1-D tensor: a view when the layout allows, else
    a copy (``reshape(-1)``)."""
    return reshape(as_tensor(input), -1)


def _windows(a: np.ndarray, d: int, size: int, step: int) -> np.ndarray:
    """The windows of ``a`` along ``d`` as a view whose ``base`` is ``a``'s memory owner (so
    the engine sees a view of the input); read-only when windows overlap."""
    n = (a.shape[d] - size) // step + 1
    shape = a.shape[:d] + (n,) + a.shape[d + 1:] + (size,)
    strides = a.strides[:d] + (a.strides[d] * step,) + a.strides[d + 1:] + (a.strides[d],)
    owner = a if a.base is None else a.base
    if a.size and isinstance(owner, np.ndarray) and owner.flags.c_contiguous:
        offset = (a.__array_interface__["data"][0] - owner.__array_interface__["data"][0])
        out = np.ndarray(shape, a.dtype, buffer=owner, offset=offset, strides=strides)
    else:  # an empty tensor, or memory no buffer can show: a copy has the same values
        out = np.lib.stride_tricks.as_strided(a, shape, strides).copy()
    if step < size:
        out.flags.writeable = False
    return out


class Unfold(Function):
    """Sliding windows along a dim, as a view; the gradient adds each window's gradient
    back into the places it covers."""

    @staticmethod
    def forward(ctx, a, d, size, step):
        ctx.shape, ctx.d, ctx.size, ctx.step = a.shape, d, size, step
        return _windows(a, d, size, step)

    @staticmethod
    def backward(ctx, g):
        return UnfoldBackward.apply(g, ctx.shape, ctx.d, ctx.size, ctx.step), None, None, None


class UnfoldBackward(Function):
    """Zeros of ``shape`` with the windows ``g`` added back (overlaps sum); its gradient
    is the windows of the upstream gradient."""

    @staticmethod
    def forward(ctx, g, shape, d, size, step):
        ctx.d, ctx.size, ctx.step = d, size, step
        out = np.zeros(shape, dtype=g.dtype)
        n = g.shape[d]
        head = (slice(None),) * d
        for k in range(size):
            out[head + (slice(k, k + step * (n - 1) + 1, step),)] += g[..., k]
        return out

    @staticmethod
    def backward(ctx, gg):
        return Unfold.apply(gg, ctx.d, ctx.size, ctx.step), None, None, None, None


def unfold(input: Any, dimension: int, size: int, step: int) -> Tensor:
    """All windows of length ``size`` along ``dimension``, ``step`` apart, as a new last dim:
    shape ``(..., n, ..., size)`` with ``n = (len - size) // step + 1`` windows, ``out[...,
    i, ..., j] = a[..., i·step + j, ...]`` (a 0-d tensor counts as one element, giving
    ``(size,)``). A view of ``input`` (a strided one, as PyTorch's); where windows
    overlap (``step < size``) it is read-only here, where PyTorch lets in-place writes
    race. The gradient sums the windows' gradients back into the places they cover."""
    a = as_tensor(input)
    try:
        size, step = operator.index(size), operator.index(step)
    except TypeError:
        raise TypeError(f"unfold: size and step must be ints, got {size!r} and {step!r}") from None
    d = normalize_axis(operator.index(dimension), a.ndim, "unfold")[0]
    length = a.shape[d] if a.ndim else 1
    if step <= 0:
        raise ValueError(f"unfold: step must be positive, got {step}")
    if not 0 <= size <= length:
        raise ShapeError(f"unfold: size {size} must be between 0 and the length {length} of "
                         f"dim {d} (shape {a.shape})")
    if a.ndim == 0:
        return reshape(a, (1,))[:size]
    return Unfold.apply(a, d, size, step)


def sum_to_size(input: Any, *size: Any) -> Tensor:
    """``input`` summed down to ``size``, a shape ``input`` broadcasts from (summing the
    leading dims it lacks and its size-1 dims that ``input`` stretched): the reverse of
    ``expand``. The gradient is broadcast back."""
    a = as_tensor(input)
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    shape = tuple(operator.index(s) for s in shape)
    lead = a.ndim - len(shape)
    if lead < 0 or any(s != 1 and s != n for s, n in zip(shape, a.shape[lead:])):
        raise ShapeError(f"sum_to_size: size {shape} is not expandable to the tensor's shape "
                         f"{a.shape}; each dim of size must be 1 or equal to the tensor's")
    return unbroadcast(a, shape)
