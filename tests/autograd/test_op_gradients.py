"""Every op in the op table: float64 gradcheck over its shapes (broadcast pairs, scalars,
empty and non-contiguous inputs), gradgradcheck, and parity with PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from optable import OPS, OpSpec, make_input
from torch_parity import requires_torch, torch

import autograd as ag


def _variants(op: OpSpec) -> list:
    cases = []
    for shapes in op.shapes:
        cases.append(pytest.param(op, shapes, "plain", id=f"{op.name}-{shapes}"))
        if any(len(s) >= 1 for s in shapes):
            cases.append(pytest.param(op, shapes, "noncontig", id=f"{op.name}-{shapes}-nc"))
    if op.empty_ok:
        first = op.shapes[0]
        top = max(len(s) for s in first)
        if top:
            empty = tuple((0,) + s[1:] if len(s) == top else s for s in first)
            cases.append(pytest.param(op, empty, "plain", id=f"{op.name}-{empty}-empty"))
    return cases


CASES = [c for op in OPS for c in _variants(op)]
SECOND = [pytest.param(op, op.shapes[0], id=op.name) for op in OPS if op.second_order]


def _inputs(op: OpSpec, shapes: tuple, variant: str, seed: int = 0) -> list[ag.Tensor]:
    rng = np.random.default_rng(seed)
    arrays = [make_input(s, op.domain, rng, noncontiguous=variant == "noncontig") for s in shapes]
    return [ag.from_numpy(a).requires_grad_() for a in arrays]


@pytest.mark.parametrize("op,shapes,variant", CASES)
def test_gradcheck(op: OpSpec, shapes: tuple, variant: str) -> None:
    inputs = _inputs(op, shapes, variant)
    report = ag.gradcheck(op.fn, inputs)
    assert report.passed, f"{op.name} {shapes} {variant}:\n{report}"
    assert report.verdict in ("great", "look")


@pytest.mark.parametrize("op,shapes", SECOND)
def test_gradgradcheck(op: OpSpec, shapes: tuple) -> None:
    inputs = _inputs(op, shapes, "plain", seed=1)
    report = ag.gradgradcheck(op.fn, inputs)
    assert report.passed, f"{op.name} {shapes}:\n{report}"


@requires_torch
@pytest.mark.parametrize("op,shapes,variant", [c for c in CASES if c.values[0].torch_fn])
def test_torch_parity(op: OpSpec, shapes: tuple, variant: str) -> None:
    th = torch()
    inputs = _inputs(op, shapes, variant, seed=2)
    out = op.fn(*inputs)
    t_inputs = [th.tensor(np.array(t.data), requires_grad=True) for t in inputs]
    t_out = op.torch_fn(*t_inputs)
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = np.random.default_rng(3).standard_normal(out.shape)
    grads = ag.grad(out, inputs, ag.tensor(upstream), allow_unused=True)
    t_grads = th.autograd.grad(t_out, t_inputs, th.tensor(upstream), allow_unused=True)
    for g, tg, t in zip(grads, t_grads, inputs):
        expected = np.zeros(t.shape) if tg is None else tg.numpy()
        actual = np.zeros(t.shape) if g is None else g.data
        np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-12)


def test_astype_gradient_is_cast_back() -> None:
    x = ag.tensor([1.5, -2.0, 3.0], dtype=np.float32, requires_grad=True)
    y = x.astype(np.float64)
    assert y.dtype == np.float64
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, np.array([3.0, -4.0, 6.0], dtype=np.float32))


@pytest.mark.parametrize("op", [op for op in OPS if len(op.shapes[0]) == 1], ids=repr)
def test_float32_stays_float32(op: OpSpec) -> None:
    x = ag.tensor(make_input(op.shapes[0][0], op.domain, np.random.default_rng(0)),
                  dtype=np.float32, requires_grad=True)
    out = op.fn(x)
    assert out.dtype == np.float32, f"{op.name} turned float32 into {out.dtype}"
    out.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.shape == x.shape


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_product_gradients_are_the_formulas_bits(dtype) -> None:
    # From kernels.sizes.COMPILED_MIN["mul_backward"] elements both gradients come from one
    # compiled pass: the same products as g·b and g·a, also for x·x and under create_graph.
    rng = np.random.default_rng(3)
    a_, b_, g_ = (rng.standard_normal((300, 300)).astype(dtype) for _ in range(3))
    a, b = ag.from_numpy(a_).requires_grad_(), ag.from_numpy(b_).requires_grad_()
    (a * b).backward(ag.from_numpy(g_))
    np.testing.assert_array_equal(a.grad.data, g_ * b_)
    np.testing.assert_array_equal(b.grad.data, g_ * a_)
    a.grad = None
    (a * a).backward(ag.from_numpy(g_))
    np.testing.assert_array_equal(a.grad.data, g_ * a_ + g_ * a_)
    ga, = ag.grad((a * b).sum(), [a], create_graph=True)
    ga.sum().backward()
    np.testing.assert_array_equal(b.grad.data, g_ * a_ + 1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows", [1, 5, 32, 33])
def test_few_rows_times_a_transposed_matrix_is_numpys_product(rows, dtype, rng) -> None:
    # Up to kernels.sizes.SWAPPED_PRODUCT_ROWS rows, a @ wᵀ runs as (w @ aᵀ)ᵀ; the result
    # is a @ wᵀ, C-contiguous, through linear and matmul, forward and backward.

    x_ = rng.standard_normal((rows, 300)).astype(dtype)
    w_ = rng.standard_normal((70, 300)).astype(dtype)
    expected = x_ @ w_.T
    tol = dict(rtol=1e-5, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    out = ag.kernels.matmul(x_, w_.T)
    assert out.flags.c_contiguous and out.dtype == dtype
    np.testing.assert_allclose(out, expected, **tol)
    x, w = ag.tensor(x_, requires_grad=True), ag.tensor(w_, requires_grad=True)
    for y in (ag.linear(x, w), x @ w.T):
        assert y.data.flags.c_contiguous
        np.testing.assert_allclose(y.data, expected, **tol)
    g = rng.standard_normal((rows, 70)).astype(dtype)
    (x @ w.T).backward(ag.tensor(g))
    np.testing.assert_allclose(x.grad.data, g @ w_, **tol)
    np.testing.assert_allclose(w.grad.data, g.T @ x_, **tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("columns", [1, 5, 31, 32])
def test_a_transposed_matrix_times_few_columns_is_numpys_product(columns, dtype,
                                                                 rng) -> None:
    # Below kernels.sizes.SWAPPED_PRODUCT_COLUMNS columns of x, gᵀ @ x runs on MKL as
    # (xᵀ @ g)ᵀ (where MKL multiplies); the result is gᵀ @ x, C-contiguous, also as the
    # weight gradient of a linear layer with few inputs.
    g_ = rng.standard_normal((1500, 300)).astype(dtype)
    x_ = rng.standard_normal((1500, columns)).astype(dtype)
    expected = g_.T @ x_
    tol = dict(rtol=1e-5, atol=1e-3) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-10)
    out = ag.kernels.matmul(g_.T, x_)
    assert out.flags.c_contiguous and out.dtype == dtype and out.shape == (300, columns)
    np.testing.assert_allclose(out, expected, **tol)
    x = ag.tensor(x_)
    w = ag.tensor(rng.standard_normal((300, columns)).astype(dtype), requires_grad=True)
    ag.linear(x, w).backward(ag.tensor(g_))
    assert w.grad.data.flags.c_contiguous
    np.testing.assert_allclose(w.grad.data, expected, **tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_batch_of_ones_weight_gradient_is_the_outer_product(dtype, rng) -> None:
    x = ag.tensor(rng.standard_normal((1, 6)).astype(dtype))
    w = ag.tensor(rng.standard_normal((4, 6)).astype(dtype), requires_grad=True)
    g = rng.standard_normal((1, 4)).astype(dtype)
    ag.linear(x, w).backward(ag.tensor(g))
    np.testing.assert_array_equal(w.grad.data, g.T * x.data)
    assert w.grad.dtype == dtype
