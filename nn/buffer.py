"""``Buffer``: marks a Tensor as a Module buffer when assigned (PyTorch's ``nn.Buffer``)."""

from __future__ import annotations

from typing import Any

import autograd as ag


class Buffer(ag.Tensor):
    """A Tensor that, assigned to a Module attribute, registers as a buffer:
    ``self.running = nn.Buffer(ag.zeros(3))`` is ``self.register_buffer('running',
    ag.zeros(3))``, and ``persistent=False`` keeps it out of ``state_dict``.

    ``Buffer(t)`` shares ``t``'s array (detached) and keeps its ``requires_grad``; with no
    data it is an empty tensor of the default dtype. PyTorch's ``Buffer(t)`` returns a
    plain tensor with a flag; here the object is this Tensor subclass, which behaves as a
    Tensor everywhere.
    """

    def __init__(self, data: Any = None, *, persistent: bool = True) -> None:
        if data is None:
            data = ag.empty(0)
        tensor = data if isinstance(data, ag.Tensor) else ag.tensor(data)
        super().__init__(tensor.data, requires_grad=tensor.requires_grad)
        self.persistent = persistent
