"""The parallel loops of ``+``, ``-``, ``·``, ``/`` and of the gradient copies
(``autograd/kernels/parallel_arithmetic.py``): NumPy's bits where they run, NumPy itself where they
do not apply."""

from __future__ import annotations

import numpy as np
import pytest
from compiled import DTYPES, TEST_PARALLEL_MIN, compiled_kernels_fixture, in_layout

import autograd as ag
from autograd import kernels

compiled_kernels = compiled_kernels_fixture(every_size=False)

UFUNCS = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply, "divide": np.divide}
BIG = TEST_PARALLEL_MIN + 7


def run(name, a, b):
    return getattr(kernels, name)(a, b)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("size", [0, 1, 1001, TEST_PARALLEL_MIN, BIG])
@pytest.mark.parametrize("name", list(UFUNCS))
def test_the_loops_give_numpys_bits(name, size, dtype, rng):
    a = rng.standard_normal(size).astype(dtype)
    b = rng.standard_normal(size).astype(dtype)
    got = run(name, a.reshape(-1, 1), b.reshape(-1, 1))
    assert got.dtype == dtype and got.shape == (size, 1) and got.flags.c_contiguous
    np.testing.assert_array_equal(got, UFUNCS[name](a, b).reshape(-1, 1), strict=True)


@pytest.mark.parametrize("name", list(UFUNCS))
def test_inf_nan_and_numpys_warnings_as_at_every_size(name, rng):
    a = rng.standard_normal(BIG).astype(np.float32)
    b = rng.standard_normal(BIG).astype(np.float32)
    b[::97] = np.inf
    b[5] = np.nan
    with np.errstate(all="ignore"):
        want = UFUNCS[name](a, b)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(run(name, a, b), want, strict=True)
    huge = np.full(BIG, 3e38, np.float32)
    zero = np.zeros(BIG, np.float32)
    operands = {"add": (huge, huge), "subtract": (huge, -huge), "multiply": (huge, huge),
                "divide": (huge, zero)}[name]
    with pytest.warns(RuntimeWarning, match="overflow|divide by zero"):
        assert np.isinf(run(name, *operands)).all()


@pytest.mark.parametrize("layout", ["strided", "transposed"])
@pytest.mark.parametrize("name", list(UFUNCS))
def test_other_layouts_shapes_and_dtypes_take_numpys_ufunc(name, layout, rng):
    a = rng.standard_normal(BIG).astype(np.float32)
    b = rng.standard_normal(BIG).astype(np.float32)
    al, bl = in_layout(a, layout), in_layout(b, layout)
    np.testing.assert_array_equal(run(name, al, bl), UFUNCS[name](al, bl), strict=True)
    wide = b.astype(np.float64)  # promoted to float64, as NumPy does
    np.testing.assert_array_equal(run(name, a, wide), UFUNCS[name](a, wide), strict=True)
    row = b[:1]  # broadcast
    np.testing.assert_array_equal(run(name, a, row), UFUNCS[name](a, row), strict=True)
    ints = np.arange(BIG)
    np.testing.assert_array_equal(run(name, ints, ints), UFUNCS[name](ints, ints), strict=True)
    assert run(name, np.float32(2), np.float32(3)) == UFUNCS[name](np.float32(2), np.float32(3))


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
def test_copy_into(dtype, rng):
    a = rng.standard_normal((BIG, 2)).astype(dtype)
    out = np.empty_like(a)
    kernels.copy_into(out, a)
    np.testing.assert_array_equal(out, a, strict=True)
    strided = np.empty((BIG, 4), dtype)[:, ::2]
    kernels.copy_into(strided, a)
    np.testing.assert_array_equal(strided, a, strict=True)
    wide = np.empty((BIG, 2), np.float64)
    kernels.copy_into(wide, a.astype(np.float32))
    np.testing.assert_array_equal(wide, a.astype(np.float32).astype(np.float64))


def test_ops_and_their_gradients_above_the_threshold(rng):
    a = ag.tensor(rng.standard_normal(BIG).astype(np.float32), requires_grad=True)
    b = ag.tensor(rng.standard_normal(BIG).astype(np.float32), requires_grad=True)
    g = rng.standard_normal(BIG).astype(np.float32)
    an, bn = a.detach().numpy(), b.detach().numpy()
    for op, want, ga, gb in ((ag.add, an + bn, g, g), (ag.sub, an - bn, g, -g),
                             (ag.mul, an * bn, g * bn, g * an),
                             (ag.div, an / bn, g / bn, -(an / bn) / bn * g)):
        a.grad = b.grad = None
        y = op(a, b)
        np.testing.assert_array_equal(y.detach().numpy(), want, strict=True)
        y.backward(ag.from_numpy(g))  # leaf gradients: copies of g (it stays the caller's)
        np.testing.assert_allclose(a.grad.numpy(), ga, rtol=1e-6, strict=True)
        np.testing.assert_allclose(b.grad.numpy(), gb, rtol=1e-6, strict=True)
