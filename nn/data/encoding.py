"""Label encodings (seed inventory §7.5)."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from ._common import as_array, like


def one_hot(labels: Any, num_classes: int | None = None, dtype: Any = None) -> Any:
    """One row per label with a 1 in the label's column: ``np.eye(C)[labels]`` (§7.5, S4).

    ``labels`` of shape ``(N,)`` (any shape ``S`` works) with integer values in
    ``[0, num_classes)`` give shape ``(N, C)`` (``S + (C,)``), the PyTorch layout; the course's
    ``(C, m)`` columns are its transpose. ``num_classes`` defaults to ``max(labels) + 1``.
    The dtype is the default float dtype (PyTorch's ``one_hot`` gives int64; floats are what
    a loss against probabilities needs). Arrays in, arrays out; Tensors in, Tensors out.
    """
    y = as_array(labels, "one_hot", "labels")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError("one_hot: labels must be whole numbers (class indices), got "
                             "non-integer floats")
        y = y.astype(np.int64)
    elif y.dtype.kind not in "iub":
        raise TypeError(f"one_hot: labels must be integer class indices, got dtype {y.dtype}")
    y = y.astype(np.int64, copy=False)
    if num_classes is None:
        if y.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from empty labels; pass it")
        num_classes = int(y.max()) + 1
    if isinstance(num_classes, bool) or not isinstance(num_classes, int | np.integer) \
            or num_classes < 1:
        raise ValueError(f"one_hot: num_classes must be a positive integer, got {num_classes!r}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"one_hot: labels must lie in [0, {num_classes}), got values from "
                         f"{int(y.min())} to {int(y.max())}")
    out = np.eye(num_classes, dtype=ag.get_default_dtype() if dtype is None else dtype)[y]
    return like(labels, out)
