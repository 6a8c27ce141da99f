"""``max_unpool1d``, ``max_unpool2d`` and ``max_unpool3d``: PyTorch's partial inverses of
max pooling."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag

from ._planes import PlanePut
from .pooling import int_tuple, planes


def _output_size(op: str, spatial: tuple, k: tuple, s: tuple, p: tuple,
                 output_size: Any) -> tuple[int, ...]:
    n = len(k)
    default = tuple((size - 1) * st + kk - 2 * pp for size, kk, st, pp in zip(spatial, k, s, p))
    if output_size is None:
        sizes = default
    else:
        sizes = tuple(output_size)
        if len(sizes) == n + 2:
            sizes = sizes[2:]
        if len(sizes) != n:
            raise ValueError(f"{op}: output_size should be a sequence containing {n} or {n + 2} "
                             f"elements, but it has a length of {len(sizes)}")
        for d, (size, low, st) in enumerate(zip(sizes, default, s)):
            if not low - st < size < low + st:
                raise ValueError(f"{op}: invalid output_size {tuple(output_size)} (dim {d} must "
                                 f"be between {low - st} and {low + st}, exclusive)")
    if any(size < 0 for size in sizes):
        raise ValueError(f"{op}: output_size must be non-negative, got {sizes}")
    return sizes


def _max_unpool(op: str, n: int, input: Any, indices: Any, kernel_size: Any, stride: Any,
                padding: Any, output_size: Any) -> ag.Tensor:
    x, lead, spatial = planes(input, n, op)
    k = int_tuple(kernel_size, n, op, "kernel_size")
    s = k if stride is None else int_tuple(stride, n, op, "stride")
    p = int_tuple(padding, n, op, "padding")
    sizes = _output_size(op, spatial, k, s, p, output_size)
    idx = np.asarray(indices.data if isinstance(indices, ag.Tensor) else indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{op}: indices must be integers (int64, as max_pool's return_indices "
                        f"gives), got dtype {idx.dtype}")
    if idx.shape != tuple(input.shape):
        raise ag.ShapeError(f"{op}: expected indices of the input's shape {tuple(input.shape)}, "
                            f"got {idx.shape}")
    length = math.prod(sizes)
    idx = idx.reshape(x.shape[0], math.prod(spatial))
    bad = idx[(idx < 0) | (idx >= length)]
    if bad.size:
        raise ValueError(f"{op}: found an invalid max index {int(bad[0])} (output volumes are "
                         f"of size {'x'.join(map(str, sizes))})")
    flat = ag.reshape(x, (x.shape[0], math.prod(spatial)))
    out = PlanePut.apply(flat, idx.astype(np.int64), length)
    return ag.reshape(out, lead + sizes)


def max_unpool1d(input: ag.Tensor, indices: Any, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> ag.Tensor:
    """Zeros of length ``output_size`` (default ``(L − 1)·stride + kernel_size −
    2·padding``) with each entry of ``input`` ``(N, C, L)`` or ``(C, L)`` put at its index
    from ``max_pool1d(..., return_indices=True)``. An output size may be given as ``(L,)``
    or ``(N, C, L)``, within a stride of the default (PyTorch's rule). The gradient reads
    the output gradient at the indices."""
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding,
                       output_size)


def max_unpool2d(input: ag.Tensor, indices: Any, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> ag.Tensor:
    """``max_unpool1d`` for ``(N, C, H, W)`` or ``(C, H, W)``; the indices are flat in each
    output plane (``h·W_out + w``), as ``max_pool2d`` returns them. Where two entries share
    an index one of them is kept."""
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding,
                       output_size)


def max_unpool3d(input: ag.Tensor, indices: Any, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> ag.Tensor:
    """``max_unpool2d`` for ``(N, C, D, H, W)`` or ``(C, D, H, W)``, with the indices
    ``max_pool3d`` returns (flat in each output volume)."""
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding,
                       output_size)
