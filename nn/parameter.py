"""``Parameter``: a leaf Tensor that a Module registers as learnable."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag


class Parameter(ag.Tensor):
    """A Tensor that is a learnable parameter of a Module (PyTorch's ``nn.Parameter``).

    Assigning a Parameter to a Module attribute registers it, so it appears in
    ``parameters()``, ``state_dict()`` and the optimizers. It is always a leaf and
    requires grad by default. ``data`` may be a Tensor (its array is shared, not
    copied), an ndarray (kept as is) or anything ``autograd.tensor`` accepts
    (Python floats become the default dtype).

    >>> w = Parameter(ag.zeros(2, 3))
    >>> w.requires_grad, w.is_leaf, w.shape
    (True, True, (2, 3))
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty(0, dtype=ag.get_default_dtype())
        if isinstance(data, ag.Tensor):
            if data.grad_fn is not None:
                data = data.detach()
            data = data.data
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
