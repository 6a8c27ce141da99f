"""``nn.utils.stateless.functional_call``: a module run with substitute parameters and
buffers (PyTorch's ``torch.nn.utils.stateless``)."""

from __future__ import annotations

from typing import Any

import autograd as ag


def functional_call(module: Any, parameter_and_buffer_dicts: Any, args: Any = None,
                    kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """``module(*args, **kwargs)`` with the tensors of ``parameter_and_buffer_dicts`` (a
    dict from dotted names to Tensors, or a tuple of such dicts) in place of its
    parameters and buffers, restored afterwards even on error. The same function as
    ``autograd.func.functional_call`` (see it for ``tie_weights`` and ``strict``)."""
    return ag.func.functional_call(module, parameter_and_buffer_dicts, args, kwargs,
                                   tie_weights=tie_weights, strict=strict)
