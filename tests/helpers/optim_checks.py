"""The check the optimizer parity tests share: a trajectory against torch's."""

from __future__ import annotations

import numpy as np


def assert_trajectory_matches(ours: list[np.ndarray], theirs: list[np.ndarray],
                              start: list[np.ndarray], dtype: type, rtol: float,
                              atol: float) -> None:
    """Our final parameters moved from ``start`` (by more than 1e-3 somewhere, so the
    comparison means something), kept ``dtype`` and are close to torch's."""
    moved = max(np.abs(o - s).max() for o, s in zip(ours, start))
    assert np.isfinite(moved) and moved > 1e-3
    for o, t in zip(ours, theirs):
        assert o.dtype == dtype
        np.testing.assert_allclose(o, t, rtol=rtol, atol=atol)
