"""Dtype and device conversions of a ``Module``: ``to``, ``double``, ``type``, ...

Every conversion changes the arrays of the existing Parameters and buffers in
place, so the objects an optimizer holds stay the same. graphgrad computes on the
CPU with NumPy: a device other than the CPU is refused, and the device-only
conversions (``cpu``, ``share_memory``) return the module unchanged.
``ConversionMixin`` is one of ``Module``'s bases; it uses ``Module``'s
``parameters()`` and ``buffers()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

import autograd as ag

if TYPE_CHECKING:
    from .module import Module


class ConversionMixin:
    """The dtype and device conversions of ``Module`` (PyTorch's ``to``, ``double``,
    ``float``, ``half``, ``type``, ``to_empty``, ...); each returns the module or
    refuses what the CPU and NumPy cannot do (``cuda``, ``bfloat16``)."""

    def to(self, *args: Any, dtype: Any = None, device: Any = None) -> Module:
        """Cast every floating parameter and buffer (and gradient) to ``dtype`` in place.

        PyTorch's forms: ``to(np.float64)``, ``to(tensor)`` (its dtype), ``to('cpu')`` or
        ``to(device, dtype)``; a device other than the CPU is refused (``ag.device``).
        The Parameter objects stay the same (optimizers keep working); only their
        arrays change. ``double()`` before ``autograd.gradcheck``, which needs float64.
        """
        for arg in args:
            if isinstance(arg, ag.Tensor):
                dtype = arg.dtype
            elif isinstance(arg, str) or type(arg).__name__ == "device":
                device = arg
            else:
                dtype = arg
        if device is not None:
            ag.device(device)
        if dtype is None:
            return self
        dt = np.dtype(dtype)
        if dt.kind != "f":
            raise TypeError(f"Module.to: dtype must be floating point, got {dt}")
        for t in [*self.parameters(), *self.buffers()]:
            if t.dtype.kind == "f" and t.dtype != dt:
                t.data = t.data.astype(dt)
                ag.mark_modified(t)
                if t.grad is not None:
                    t.grad = ag.tensor(t.grad.data.astype(dt))
        return self

    def cpu(self) -> Module:
        """The module itself: its parameters always live on the CPU."""
        return self

    def cuda(self, device: Any = None) -> Module:
        """Refused: graphgrad computes on the CPU only."""
        ag.device("cuda")
        return self

    def double(self) -> Module:
        """Cast floating parameters and buffers to float64 (for gradient checks)."""
        return self.to(np.float64)

    def float(self) -> Module:
        """Cast floating parameters and buffers to float32."""
        return self.to(np.float32)

    def half(self) -> Module:
        """Cast floating parameters and buffers to float16."""
        return self.to(np.float16)

    def bfloat16(self) -> Module:
        """Refused: NumPy has no bfloat16 dtype, so there is nothing to cast to."""
        raise TypeError(f"{type(self).__name__}.bfloat16(): NumPy has no bfloat16 dtype; use "
                        "half() (float16), float() or double()")

    def type(self, dst_type: Any) -> Module:
        """Cast every parameter and buffer, floating or not, to ``dst_type`` (PyTorch's
        ``Module.type``; ``to`` casts only the floating ones). Parameters that require
        grad must stay floating. Returns self."""
        dt = np.dtype(dst_type)
        tensors = [*self.parameters(), *self.buffers()]
        if dt.kind not in "fc" and any(p.requires_grad for p in self.parameters()):
            raise RuntimeError(f"{type(self).__name__}.type({dt}): only Tensors of floating "
                               "point dtype can require gradients; freeze the parameters "
                               "first (requires_grad_(False))")
        for t in tensors:
            if t.dtype != dt:
                t.data = t.data.astype(dt)
                ag.mark_modified(t)
                if t.grad is not None:
                    t.grad = ag.tensor(t.grad.data.astype(dt))
        return self

    def to_empty(self, *, device: Any = "cpu", recurse: bool = True) -> Module:
        """Give every parameter and buffer fresh, uninitialized memory of the same shape
        and dtype (``np.empty_like``), as PyTorch's ``to_empty`` after building on the
        meta device; initialize them afterwards (``reset_parameters``,
        ``load_state_dict``). ``device`` must be the CPU. Returns self."""
        ag.device(device)
        for t in [*self.parameters(recurse), *self.buffers(recurse)]:
            t.data = np.empty_like(t.data)
            ag.mark_modified(t)
        return self

    def share_memory(self) -> Module:
        """Returns self: PyTorch moves the storages to shared memory for worker
        processes; graphgrad runs in one process, so there is nothing to move."""
        return self
