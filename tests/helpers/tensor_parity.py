"""Compare a graphgrad result with PyTorch's: the same shape, dtype and values."""

from __future__ import annotations

import numpy as np


def assert_same_as_torch(out, expected, rtol: float = 1e-6) -> None:
    """``out`` (a graphgrad Tensor) has the shape, dtype and values (nan where nan) of
    ``expected`` (a torch tensor)."""
    want = expected.detach().numpy()
    assert out.shape == want.shape and out.dtype == want.dtype, (out.shape, out.dtype,
                                                                 want.shape, want.dtype)
    np.testing.assert_allclose(out.data, want, rtol=rtol, equal_nan=True)
