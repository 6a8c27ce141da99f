"""Signal windows, as PyTorch makes them (``hann_window``, ``hamming_window``,
``bartlett_window``, ``blackman_window``, ``kaiser_window``), and ``logspace``.

Each window of length ``N`` is symmetric over ``n = 0..M-1`` with ``M = N`` (``periodic=
False``) or ``M = N + 1`` with the last point dropped (``periodic=True``, the default: the
window repeats seamlessly, as for spectral analysis). Computed in float64, then rounded.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from ..creation import _dtype, _float_dtype, _make
from ..tensor import Tensor


def _window(op: str, window_length: int, periodic: bool, dtype: Any, requires_grad: bool,
            device: Any, shape: Callable[[np.ndarray], np.ndarray]) -> Tensor:
    """``shape(phase)`` over the phase ``n / (M - 1)`` in ``[0, 1]``; lengths 0 and 1 give
    ``[]`` and ``[1.]`` as PyTorch."""
    n = operator.index(window_length)
    if n < 0:
        raise ValueError(f"{op}: window_length must be non-negative, got {n}")
    d = _float_dtype(dtype, op)
    if n <= 1:
        return _make(np.ones(n, dtype=d), requires_grad, op, device)
    m = n + 1 if periodic else n
    values = shape(np.arange(m, dtype=np.float64) / (m - 1))[:n]
    return _make(values.astype(d), requires_grad, op, device)


def hann_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """``w[n] = 0.5 - 0.5 cos(2π n / (M - 1))`` (the raised cosine)."""
    return _window("hann_window", window_length, periodic, dtype, requires_grad, device,
                   lambda p: 0.5 - 0.5 * np.cos(2 * np.pi * p))


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype: Any = None, layout: Any = None,
                   device: Any = None, requires_grad: bool = False) -> Tensor:
    """``w[n] = α - β cos(2π n / (M - 1))``, ``α = 0.54``, ``β = 0.46`` by default."""
    return _window("hamming_window", window_length, periodic, dtype, requires_grad, device,
                   lambda p: alpha - beta * np.cos(2 * np.pi * p))


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    layout: Any = None, device: Any = None,
                    requires_grad: bool = False) -> Tensor:
    """The triangle ``w[n] = 1 - |2n / (M - 1) - 1|``."""
    return _window("bartlett_window", window_length, periodic, dtype, requires_grad, device,
                   lambda p: 1 - np.abs(2 * p - 1))


def blackman_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    layout: Any = None, device: Any = None,
                    requires_grad: bool = False) -> Tensor:
    """``w[n] = 0.42 - 0.5 cos(2π n / (M - 1)) + 0.08 cos(4π n / (M - 1))``."""
    return _window("blackman_window", window_length, periodic, dtype, requires_grad, device,
                   lambda p: 0.42 - 0.5 * np.cos(2 * np.pi * p) + 0.08 * np.cos(4 * np.pi * p))


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype: Any = None, layout: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:
    """``w[n] = I₀(β √(1 - (2n / (M - 1) - 1)²)) / I₀(β)`` with ``I₀`` the modified Bessel
    function of order 0; ``β`` (12 by default) trades main-lobe width for side lobes."""
    return _window("kaiser_window", window_length, periodic, dtype, requires_grad, device,
                   lambda p: np.i0(beta * np.sqrt(np.clip(1 - (2 * p - 1) ** 2, 0, None)))
                   / np.i0(beta))


def logspace(start: float, end: float, steps: int, base: float = 10.0, *, dtype: Any = None,
             layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """``steps`` values ``base ** linspace(start, end, steps)``, computed in float64 and
    rounded to ``dtype`` (default float; an integer dtype truncates, as PyTorch)."""
    n = operator.index(steps)
    if n < 0:
        raise ValueError(f"logspace: steps must be non-negative, got {n}")
    start, end = (float(v.item() if isinstance(v, Tensor) else v) for v in (start, end))
    values = np.power(float(base), np.linspace(start, end, n, dtype=np.float64))
    return _make(values.astype(_dtype(dtype)), requires_grad, "logspace", device)
