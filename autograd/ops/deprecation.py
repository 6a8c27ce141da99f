"""PyTorch's deprecation warnings for the older linear-algebra names, given once per
process as PyTorch's ``TORCH_WARN_ONCE``."""

from __future__ import annotations

import warnings

_WARNED: set[str] = set()


def warn_once(name: str, advice: str) -> None:
    """A ``UserWarning`` that ``name`` is deprecated, with ``advice``, the first time only."""
    if name in _WARNED:
        return
    _WARNED.add(name)
    warnings.warn(f"{name} is deprecated and will be removed in a future PyTorch release; "
                  f"{advice}", UserWarning, stacklevel=3)
