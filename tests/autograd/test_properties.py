"""Property tests with hypothesis: broadcasting binary ops over any broadcastable shapes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag

SHAPES = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


def _sum_to(g: np.ndarray, shape: tuple) -> np.ndarray:
    while g.ndim > len(shape):
        g = g.sum(0)
    for i, s in enumerate(shape):
        if s == 1 and g.shape[i] != 1:
            g = g.sum(i, keepdims=True)
    return g


@settings(max_examples=60, deadline=None)
@given(shapes=SHAPES, seed=st.integers(0, 2**16))
def test_binary_ops_forward_and_gradients_match_numpy(shapes, seed) -> None:
    rng = np.random.default_rng(seed)
    sa, sb = shapes.input_shapes
    a_np = rng.standard_normal(sa)
    b_np = np.abs(rng.standard_normal(sb)) + 0.5
    a = ag.tensor(a_np, requires_grad=True)
    b = ag.tensor(b_np, requires_grad=True)
    up = rng.standard_normal(shapes.result_shape)
    for op, fa, fb in [
        (lambda x, y: x + y, lambda: np.ones_like(up * a_np), lambda: np.ones_like(up * b_np)),
        (lambda x, y: x * y, lambda: b_np + 0 * a_np, lambda: a_np + 0 * b_np),
        (lambda x, y: x / y, lambda: 1 / b_np + 0 * a_np, lambda: -a_np / b_np**2),
    ]:
        a.grad = b.grad = None
        out = op(a, b)
        np.testing.assert_allclose(out.data, op(a_np, b_np))
        out.backward(ag.tensor(up))
        assert a.grad.shape == sa and b.grad.shape == sb
        np.testing.assert_allclose(a.grad.data, _sum_to(up * fa(), sa), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b.grad.data, _sum_to(up * fb(), sb), rtol=1e-10, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=4), data=st.data())
def test_reductions_over_any_axes(shape, data) -> None:
    axes = data.draw(st.lists(st.integers(0, len(shape) - 1), unique=True, max_size=len(shape)))
    keep = data.draw(st.booleans())
    x_np = np.random.default_rng(0).standard_normal(shape)
    x = ag.tensor(x_np, requires_grad=True)
    out = x.sum(axis=tuple(axes), keepdims=keep)
    np.testing.assert_allclose(out.data, x_np.sum(axis=tuple(axes), keepdims=keep))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.ones(shape))
