"""PyTorch's ``var_mean`` and ``std_mean``: the spread and the mean over the same dims in
one call. Compositions of ``var``/``std`` and ``mean``, so their gradients come from those.
"""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from ._util import as_tensor
from .reduce import mean, std, var


def _arguments(op: str, dim: Any, unbiased: Any, correction: Any) -> tuple[Any, int]:
    """PyTorch's overloads: ``(input, unbiased)``, ``(input, dim, unbiased)`` and
    ``(input, dim, *, correction=)``; the default correction is 1 (Bessel's), PyTorch's,
    unlike our ``var``'s NumPy default."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}: give either unbiased or correction=, not both")
    if unbiased is not None:
        return dim, int(bool(unbiased))
    return dim, 1 if correction is None else correction


def _floating_input(op: str, input: Any) -> Tensor:
    a = as_tensor(input)
    if a.dtype.kind != "f":
        raise TypeError(f"{op}: supports floating point tensors only, got {a.dtype}; convert "
                        "with .float() or .double()")
    return a


def var_mean(input: Any, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` over ``dim`` (all dims when None): ``var = Σ(x - mean)² / (N - c)``
    with correction ``c`` (1 by default; ``unbiased=False`` is ``c = 0``). Floating
    input only, as PyTorch."""
    dim, c = _arguments("var_mean", dim, unbiased, correction)
    a = _floating_input("var_mean", input)
    return (var(a, dim=dim, keepdim=keepdim, correction=c),
            mean(a, dim=dim, keepdim=keepdim))


def std_mean(input: Any, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` over ``dim``: ``std = √var`` with the correction of ``var_mean``."""
    dim, c = _arguments("std_mean", dim, unbiased, correction)
    a = _floating_input("std_mean", input)
    return (std(a, dim=dim, keepdim=keepdim, correction=c),
            mean(a, dim=dim, keepdim=keepdim))
