"""PyTorch's ``rsub``: subtraction with the operands swapped, ``other - alpha · input``."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from ._util import as_tensor
from .elementwise import mul, sub


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``other - alpha · input``, broadcast, in the promoted dtype of ``sub``; ``other``
    may be a number. The gradient is ``-alpha`` for ``input`` and 1 for ``other``."""
    a = as_tensor(input)
    return sub(other, a if alpha == 1 else mul(a, alpha))
