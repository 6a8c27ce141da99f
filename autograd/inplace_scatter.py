"""The in-place forms of the indexed writes and reductions: ``put_``, ``index_copy_``,
``index_fill_``, ``masked_scatter_``, ``scatter_reduce_`` and ``index_reduce_``.

Each computes its op out of place and writes the result into the tensor through
``apply_``: when recorded the tensor takes the op's history, as after PyTorch's.
``tensor_methods`` attaches them (``METHODS``).
"""

from __future__ import annotations

from typing import Any

from . import ops
from .inplace import apply_
from .tensor import Tensor


def put_(self: Tensor, index: Any, source: Any, accumulate: bool = False) -> Tensor:
    """``t.flatten()[index[i]] = source[i]`` in place (added, with ``accumulate=True``)
    (``put``)."""
    return apply_(self, "put_", lambda t: ops.put(t, index, source, accumulate),
                  others=(source,))


def index_copy_(self: Tensor, dim: int, index: Any, source: Any) -> Tensor:
    """``t[..., index[i], ...] = source[..., i, ...]`` along ``dim`` in place
    (``index_copy``)."""
    return apply_(self, "index_copy_", lambda t: ops.index_copy(t, dim, index, source),
                  others=(source,))


def index_fill_(self: Tensor, dim: int, index: Any, value: Any) -> Tensor:
    """``value`` in the slices at ``index`` along ``dim``, in place (``index_fill``)."""
    return apply_(self, "index_fill_", lambda t: ops.index_fill(t, dim, index, value),
                  others=(value,))


def masked_scatter_(self: Tensor, mask: Any, source: Any) -> Tensor:
    """The elements of ``source``, in order, at the places where ``mask`` (broadcast to t's
    shape) is true, in place (``masked_scatter``)."""
    return apply_(self, "masked_scatter_", lambda t: ops.masked_scatter(t, mask, source),
                  others=(source,))


def scatter_reduce_(self: Tensor, dim: int, index: Any, src: Any, reduce: str, *,
                    include_self: bool = True) -> Tensor:
    """``src`` reduced into t at ``index`` along ``dim`` in place (``scatter_reduce``)."""
    return apply_(self, "scatter_reduce_",
                  lambda t: ops.scatter_reduce(t, dim, index, src, reduce,
                                               include_self=include_self),
                  saves_input=True, others=(src,))


def index_reduce_(self: Tensor, dim: int, index: Any, source: Any, reduce: str, *,
                  include_self: bool = True) -> Tensor:
    """The slices of ``source`` reduced into t's slices at ``index`` along ``dim`` in place
    (``index_reduce``)."""
    return apply_(self, "index_reduce_",
                  lambda t: ops.index_reduce(t, dim, index, source, reduce,
                                             include_self=include_self),
                  saves_input=True, others=(source,))


METHODS = {
    "put_": put_,
    "index_copy_": index_copy_,
    "index_fill_": index_fill_,
    "masked_scatter_": masked_scatter_,
    "scatter_reduce_": scatter_reduce_,
    "index_reduce_": index_reduce_,
}
