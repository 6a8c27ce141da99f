"""The input checks the functional layers and losses share."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag


def floating_input(x: Any, name: str) -> ag.Tensor:
    """``x`` as a Tensor, which must be floating point (PyTorch has no integer kernels for
    these functions either); ``name`` (the function or layer) starts the error."""
    x = x if isinstance(x, ag.Tensor) else ag.as_tensor(x)
    if x.dtype.kind != "f":
        raise TypeError(f"{name}: input must be floating point, got {x.dtype} (as in "
                        "PyTorch); convert it first, e.g. x.astype(np.float32)")
    return x


def same_dtype(x: ag.Tensor, t: ag.Tensor, role: str, name: str) -> None:
    """A parameter ``t`` (its ``role``: "weight", "bias") must have the input's dtype."""
    if t.dtype != x.dtype:
        raise TypeError(f"{name}: input is {x.dtype} but {role} is {t.dtype}; they must share "
                        "one dtype (as in PyTorch): convert the input, or the module with "
                        ".float() / .double()")


def channels_last(a: np.ndarray) -> bool:
    """Whether ``a`` ``(N, C, *spatial)`` holds its channels innermost in memory and is not
    also C-ordered (PyTorch's ``channels_last`` format: a convolution's output, and its
    activation, pooling and input gradient, are such views)."""
    return a.ndim > 2 and not a.flags.c_contiguous and np.moveaxis(a, 1, -1).flags.c_contiguous
