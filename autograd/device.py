"""``device``: PyTorch's device argument, for scripts that pass one around.

graphgrad computes on the CPU, in NumPy arrays; ``'cpu'`` is accepted everywhere
PyTorch takes a device and any other device is refused with an error that says so.
"""

from __future__ import annotations

from typing import Any


def device(spec: Any = "cpu") -> str:
    """``'cpu'`` for ``'cpu'``, ``'cpu:0'`` or a torch CPU device; any other raises.

    ``x.device == ag.device('cpu')`` holds for every tensor, as in a CPU-only PyTorch.
    """
    name = str(spec)
    if name == "cpu" or name.startswith("cpu:"):
        return "cpu"
    raise ValueError(f"graphgrad computes on the CPU only (NumPy arrays), got device="
                     f"{spec!r}; use 'cpu' or leave the device out")
