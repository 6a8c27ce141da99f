"""Optional PyTorch access for parity tests: skip cleanly when it is not installed."""

from __future__ import annotations

import importlib.util

import pytest

HAS_TORCH = importlib.util.find_spec("torch") is not None
requires_torch = pytest.mark.skipif(
    not HAS_TORCH,
    reason="PyTorch not installed: parity tests skipped (pip install torch==2.13.0 to run them)",
)


def torch():
    """The torch module (call only from tests marked ``requires_torch``)."""
    import torch as _torch

    _torch.set_num_threads(1)
    return _torch
