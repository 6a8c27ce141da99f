"""Compare an ``nn.functional`` function with PyTorch's of the same name: the output (and
returned indices), then the input gradient for one random output gradient."""

from __future__ import annotations

import numpy as np

import autograd as ag
import nn.functional as F


def assert_functional_matches_torch(torch, fn, x, args, kwargs, rng, tol):
    """``F.<fn>(x, *args, **kwargs)`` here and in ``torch.nn.functional``; a tuple result is
    (values, int64 indices), compared exactly."""
    a, t = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = getattr(F, fn)(a, *args, **kwargs)
    tout = getattr(torch.nn.functional, fn)(t, *args, **kwargs)
    if isinstance(tout, tuple):
        assert out[1].dtype == np.int64
        np.testing.assert_array_equal(out[1].data, tout[1].numpy())
        out, tout = out[0], tout[0]
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=tol, atol=tol)
    g = rng.standard_normal(out.shape).astype(x.dtype)
    out.backward(ag.tensor(g))
    tout.backward(torch.from_numpy(g))
    np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=tol, atol=tol)
