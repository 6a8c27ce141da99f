"""The kernel tests' setting: compiled kernels at every size, whatever the environment.

``compiled_kernels_fixture`` makes the autouse fixture a kernel test module assigns to a
name; under ``GRAPHGRAD_KERNELS=numpy`` (``make test-variants``) it still runs the compiled
kernels, so they are checked against their NumPy references in every variant.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from autograd.kernels import dispatch, pool, sizes

TEST_PARALLEL_MIN = 50_000  # the threshold while these tests run (set, not automatic)
SIZES = [0, 1, 1001, 20_001, TEST_PARALLEL_MIN + 1]  # the last one runs the parallel loop
DTYPES = [np.float32, np.float64]


def in_layout(x: np.ndarray, layout: str) -> np.ndarray:
    """The values of x in a non-contiguous array when layout asks for it ('strided' or
    'transposed'; anything else gives x)."""
    if layout == "strided":
        base = np.zeros(2 * x.size, x.dtype)
        base[::2] = x
        return base[::2]
    if layout == "transposed":
        rows = next((d for d in range(2, 100) if x.size % d == 0), 1) if x.size else 3
        return x.reshape(-1, rows).T
    return x


def compiled_kernels_fixture(parallel_min: int = TEST_PARALLEL_MIN,
                             every_size: bool = True) -> Callable[..., None]:
    """An autouse fixture that runs the compiled kernels (also at sizes below
    ``sizes.COMPILED_MIN`` when ``every_size``), the parallel loops from ``parallel_min``
    elements."""

    @pytest.fixture(autouse=True)
    def compiled_kernels(monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(dispatch, "_COMPILED", True)
        if every_size:
            monkeypatch.setattr(dispatch, "COMPILED_MIN", {})
        set_parallel_min(monkeypatch, parallel_min)

    return compiled_kernels


def set_parallel_min(monkeypatch: pytest.MonkeyPatch, elements: int) -> None:
    """Parallel loops from ``elements`` while the test runs, as a threshold the user set
    (the automatic one could turn every loop serial on the first parallel call)."""
    monkeypatch.setattr(sizes, "PARALLEL_MIN", elements)
    monkeypatch.setattr(sizes, "PARALLEL_AUTO", False)
    monkeypatch.setattr(pool, "ready", pool.ready)  # as it was, after the test
    if elements != sizes.NEVER:
        pool.decide()  # Numba loaded: the loops run parallel from the first call
