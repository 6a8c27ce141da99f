"""The compiled sliding-window kernels (im2col, col2im, max pooling's argmax and its
gradient's scatter) against their NumPy references (``windows_reference.py``).

im2col and max pooling copy and compare values, so they must match bit for bit
(indices too, NaNs included); col2im and the scatter sum overlapping taps in another
order, so they are held to float rounding. Geometries cover one to three spatial dims,
strides, dilations, asymmetric padding, groups, windows past the edge and empty ones,
and both of im2col's loops (runs of K2·C/G values shorter than ``windows.SHORT_RUN``
and longer).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from compiled import DTYPES, compiled_kernels_fixture, set_parallel_min

from autograd import kernels
from autograd.kernels import sizes
from autograd.kernels import windows_reference as reference

compiled_kernels = compiled_kernels_fixture(every_size=False)

# (N, C, *S), kernel, dilation, stride, pads ((before, after) per dim), groups
CONV_CASES = [
    ((2, 4, 9, 11), (3, 2), (1, 2), (2, 1), ((1, 1), (0, 2)), 2),
    ((3, 6, 7, 7), (5, 5), (1, 1), (1, 1), ((2, 2), (2, 2)), 1),
    ((2, 1, 12, 10), (3, 3), (2, 1), (1, 3), ((0, 0), (1, 1)), 1),
    ((2, 4, 10), (3,), (2,), (2,), ((1, 1),), 2),
    ((1, 3, 5), (5,), (1,), (1,), ((0, 0),), 1),
    ((2, 2, 5, 6, 7), (2, 3, 2), (1, 1, 2), (2, 1, 1), ((1, 0), (1, 1), (0, 1)), 1),
    ((1, 6, 4, 5, 3), (1, 2, 3), (1, 1, 1), (1, 2, 1), ((0, 0), (0, 1), (1, 1)), 3),
    ((0, 2, 4, 4), (2, 2), (1, 1), (1, 1), ((0, 0), (0, 0)), 1),
    ((3, 1, 8, 8), (5, 5), (1, 1), (1, 1), ((2, 2), (2, 2)), 1),  # LeNet's first layer
    ((2, 8, 6, 7), (3, 5), (1, 1), (1, 2), ((1, 1), (2, 2)), 2),  # runs of 20, two groups
]


def _count(size: tuple, kernel: tuple, dilation: tuple, stride: tuple, pads: tuple) -> tuple:
    return tuple((s + lo + hi - d * (k - 1) - 1) // st + 1
                 for s, k, d, st, (lo, hi) in zip(size, kernel, dilation, stride, pads))


def _geometry(case: tuple) -> tuple:
    shape, kernel, dilation, stride, pads, groups = case
    size = shape[2:]
    return kernel, dilation, stride, pads, size, _count(size, kernel, dilation, stride, pads), \
        groups


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: f"{c[0]}-k{c[1]}")
def test_im2col_is_the_reference_bit_for_bit(case, dtype, rng) -> None:
    x = rng.standard_normal(case[0]).astype(dtype)
    geometry = _geometry(case)
    rows = kernels.im2col(x, *geometry)
    expected = reference.im2col(x, *geometry)
    assert rows.dtype == dtype and rows.shape == expected.shape
    np.testing.assert_array_equal(rows, expected)
    # a non-contiguous input gives the same rows
    wide = np.zeros(x.shape[:-1] + (2 * x.shape[-1],), dtype)
    wide[..., ::2] = x
    np.testing.assert_array_equal(kernels.im2col(wide[..., ::2], *geometry), expected)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: f"{c[0]}-k{c[1]}")
def test_col2im_matches_the_reference(case, dtype, rng) -> None:
    geometry = _geometry(case)
    shape = reference.im2col(np.zeros(case[0], dtype), *geometry).shape
    rows = rng.standard_normal(shape).astype(dtype)
    out = kernels.col2im(rows, *geometry)
    expected = reference.col2im(rows.astype(np.float64), *geometry)
    assert out.dtype == dtype and out.shape == case[0]
    eps = float(np.finfo(dtype).eps)
    np.testing.assert_allclose(out, expected, rtol=50 * eps, atol=50 * eps)
    # the rows' layout does not matter (a gradient often arrives as a permuted view)
    flipped = np.ascontiguousarray(np.swapaxes(rows, 0, 1)).swapaxes(0, 1)
    np.testing.assert_array_equal(kernels.col2im(flipped, *geometry), out)


def test_col2im_is_the_adjoint_of_im2col(rng) -> None:
    """<im2col(x), r> = <x, col2im(r)> for every geometry."""
    for case in CONV_CASES:
        geometry = _geometry(case)
        x = rng.standard_normal(case[0])
        r = rng.standard_normal(kernels.im2col(x, *geometry).shape)
        assert np.isclose(np.vdot(kernels.im2col(x, *geometry), r),
                          np.vdot(x, kernels.col2im(r, *geometry)))


# planes (P, *S), kernel, stride, padding, dilation
POOL_CASES = [
    ((6, 28, 28), (2, 2), (2, 2), (0, 0), (1, 1)),
    ((5, 9, 11), (3, 2), (2, 1), (1, 1), (1, 2)),
    ((4, 7, 7), (3, 3), (2, 2), (1, 1), (1, 1)),
    ((3, 10), (4,), (3,), (2,), (1,)),
    ((3, 5), (3,), (1,), (1,), (3,)),
    ((3, 2), (2,), (1,), (1,), (3,)),  # dilation past the edge: an empty window
    ((2, 5, 6, 7), (2, 3, 2), (1, 2, 2), (1, 1, 0), (2, 1, 1)),
    ((0, 4, 4), (2, 2), (2, 2), (0, 0), (1, 1)),
    # rows whose inside windows run as one vectorized loop, edges by the scan
    ((4, 13, 29), (3, 3), (1, 1), (1, 1), (1, 1)),
    ((3, 15, 31), (2, 2), (2, 2), (0, 1), (1, 1)),
    ((2, 6, 40), (1, 4), (1, 3), (0, 1), (1, 2)),
    ((3, 7, 9), (2, 2), (2, 2), (0, 0), (1, 1)),  # 2×2 at stride 2, odd sizes: last ones left
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("case", [c for c in CONV_CASES if c[-1] == 1],
                         ids=lambda c: f"{c[0]}-k{c[1]}")
def test_im2col_taps_is_im2col_transposed_bit_for_bit(case, dtype, rng) -> None:
    # taps first, (∏K·C, N·∏O): the rows of one group transposed, in every geometry
    x = rng.standard_normal(case[0]).astype(dtype)
    geometry = _geometry(case)[:-1]
    cols = kernels.im2col_taps(x, *geometry)
    rows = reference.im2col(x, *geometry, 1)
    assert cols.dtype == dtype and cols.flags.c_contiguous
    np.testing.assert_array_equal(cols, rows.reshape(-1, cols.shape[0]).T)
    np.testing.assert_array_equal(cols, reference.im2col_taps(x, *geometry))
    wide = np.zeros(x.shape[:-1] + (2 * x.shape[-1],), dtype)
    wide[..., ::2] = x
    np.testing.assert_array_equal(kernels.im2col_taps(wide[..., ::2], *geometry), cols)


def _pool_count(case: tuple, ceil: bool = False) -> tuple:
    shape, kernel, stride, padding, dilation = case
    return tuple((s + 2 * p - d * (k - 1) - 1 + (st - 1 if ceil else 0)) // st + 1
                 for s, k, st, p, d in zip(shape[1:], kernel, stride, padding, dilation))


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("case", POOL_CASES, ids=lambda c: f"{c[0]}-k{c[1]}")
@pytest.mark.parametrize("values", ["normal", "ties", "nan", "inf"])
def test_max_pool_argmax_is_the_reference_bit_for_bit(case, values, dtype, rng) -> None:
    shape = case[0]
    a = rng.standard_normal(shape)
    if values == "ties":
        a = np.round(a)  # many equal maxima: the first one wins
    elif values == "nan" and a.size:
        a.flat[rng.choice(a.size, max(1, a.size // 7), replace=False)] = np.nan
    elif values == "inf" and a.size:
        a.flat[::3] = -np.inf
        a.flat[1::11] = np.inf
    a = a.astype(dtype)
    count = _pool_count(case)
    got = kernels.max_pool_argmax(a, case[1], case[2], case[3], case[4], count)
    expected = reference.max_pool_argmax(a, case[1], case[2], case[3], case[4], count)
    for part, truth in zip(got, expected):
        assert part.shape == truth.shape and part.dtype == truth.dtype
        np.testing.assert_array_equal(part, truth)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("case", POOL_CASES, ids=lambda c: f"{c[0]}-k{c[1]}")
@pytest.mark.parametrize("values", ["normal", "nan"])
@pytest.mark.parametrize("channels", [1, 5, 16])
def test_channels_last_max_pool_is_the_planes_one(case, values, channels, dtype, rng) -> None:
    # (N, *S, C) with the channels innermost: the planes kernel's values and indices for
    # each channel's plane, bit for bit, NaN and empty windows included.
    shape = (2,) + case[0][1:] + (channels,)
    a = rng.standard_normal(shape)
    if values == "nan" and a.size:
        a.flat[rng.choice(a.size, max(1, a.size // 7), replace=False)] = np.nan
    a = a.astype(dtype)
    count = _pool_count(case)
    got = kernels.max_pool_argmax(a, *case[1:], count, channels_last=True)
    expected = reference.max_pool_argmax_channels_last(a, *case[1:], count)
    planes = kernels.max_pool_argmax(np.moveaxis(a, -1, 1).reshape((-1,) + case[0][1:]),
                                     *case[1:], count)
    for part, truth, plane in zip(got, expected, planes):
        assert part.shape == (2, math.prod(count), channels) and part.dtype == truth.dtype
        np.testing.assert_array_equal(part, truth)
        np.testing.assert_array_equal(part, plane.reshape(2, channels, -1).transpose(0, 2, 1))


def test_max_pool_argmax_of_windows_past_the_end(rng) -> None:
    """ceil_mode's last window, partly past the input's end."""
    case = ((3, 7, 8), (3, 3), (2, 3), (1, 0), (1, 1))
    a = rng.standard_normal(case[0]).astype(np.float32)
    count = _pool_count(case, ceil=True)
    got = kernels.max_pool_argmax(a, case[1], case[2], case[3], case[4], count)
    expected = reference.max_pool_argmax(a, case[1], case[2], case[3], case[4], count)
    for part, truth in zip(got, expected):
        np.testing.assert_array_equal(part, truth)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("unique", [True, False])
def test_plane_scatter_add_matches_the_reference(unique, dtype, rng) -> None:
    planes, length, per_plane = 5, 13, 13 if unique else 40
    indices = np.stack([rng.permutation(length) if unique else rng.integers(0, length, per_plane)
                        for _ in range(planes)])
    g = rng.standard_normal((planes, per_plane)).astype(dtype)
    out = kernels.plane_scatter_add(g, indices, length, unique)
    expected = reference.plane_scatter_add(g.astype(np.float64), indices, length, unique)
    assert out.dtype == dtype and out.shape == (planes, length)
    eps = float(np.finfo(dtype).eps)
    np.testing.assert_allclose(out, expected, rtol=50 * eps, atol=50 * eps)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("unique", [True, False])
def test_plane_scatter_add_with_channels_matches_the_reference(unique, dtype, rng) -> None:
    planes, length, per_plane, channels = 3, 13, 13 if unique else 40, 6
    indices = np.stack([np.stack([rng.permutation(length) if unique else
                                  rng.integers(0, length, per_plane)
                                  for _ in range(channels)], axis=-1) for _ in range(planes)])
    g = rng.standard_normal((planes, per_plane, channels)).astype(dtype)
    out = kernels.plane_scatter_add(g, indices, length, unique)
    expected = reference.plane_scatter_add(g.astype(np.float64), indices, length, unique)
    assert out.dtype == dtype and out.shape == (planes, length, channels)
    eps = float(np.finfo(dtype).eps)
    np.testing.assert_allclose(out, expected, rtol=50 * eps, atol=50 * eps)
    by_channel = [reference.plane_scatter_add(g[:, :, c].astype(np.float64), indices[:, :, c],
                                              length, unique) for c in range(channels)]
    np.testing.assert_allclose(out, np.stack(by_channel, axis=-1), rtol=50 * eps,
                               atol=50 * eps)


def _serial_and_parallel(monkeypatch: pytest.MonkeyPatch, compute) -> tuple:
    """``compute()`` with every window kernel serial, then with every one parallel."""
    set_parallel_min(monkeypatch, sizes.NEVER)
    serial = compute()
    set_parallel_min(monkeypatch, 1)
    return serial, compute()


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: f"{c[0]}-k{c[1]}")
def test_parallel_window_kernels_give_the_serial_bits(case, dtype, rng, monkeypatch) -> None:
    # im2col, im2col_taps and col2im split their work over lines, taps or images, the
    # scatter over planes: every element is written, or summed, in the same order.
    x = rng.standard_normal(case[0]).astype(dtype)
    geometry = _geometry(case)
    rows = rng.standard_normal(reference.im2col(x, *geometry).shape).astype(dtype)
    planes, length, per_plane, channels = 7, 13, 40, 3
    indices = rng.integers(-1, length + 1, (planes, per_plane, channels))
    g = rng.standard_normal((planes, per_plane, channels)).astype(dtype)
    calls = {
        "im2col": lambda: kernels.im2col(x, *geometry),
        "col2im": lambda: kernels.col2im(rows, *geometry),
        "scatter": lambda: _scatter_or_count(g, indices, length),
        "scatter_planes": lambda: _scatter_or_count(g[..., 0], indices[..., 0], length),
    }
    if geometry[-1] == 1:
        calls["im2col_taps"] = lambda: kernels.im2col_taps(x, *geometry[:-1])
    for name, compute in calls.items():
        serial, parallel = _serial_and_parallel(monkeypatch, compute)
        np.testing.assert_array_equal(parallel, serial, err_msg=name)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("case", POOL_CASES, ids=lambda c: f"{c[0]}-k{c[1]}")
def test_parallel_channels_last_max_pool_gives_the_serial_bits(case, dtype, rng,
                                                              monkeypatch) -> None:
    a = rng.standard_normal((3,) + case[0][1:] + (5,))
    if a.size:
        a.flat[rng.choice(a.size, max(1, a.size // 7), replace=False)] = np.nan
    a = a.astype(dtype)
    count = _pool_count(case)
    serial, parallel = _serial_and_parallel(
        monkeypatch, lambda: kernels.max_pool_argmax(a, *case[1:], count, channels_last=True))
    for part, truth in zip(parallel, serial):
        np.testing.assert_array_equal(part, truth)


def _scatter_or_count(g: np.ndarray, indices: np.ndarray, length: int) -> np.ndarray | str:
    """The scatter's result, or its error (the count of indices outside the planes)."""
    try:
        return kernels.plane_scatter_add(g, indices, length, False)
    except IndexError as error:
        return str(error)


@pytest.mark.parametrize("bad", [13, -1])
def test_plane_scatter_add_refuses_indices_outside_the_planes(bad) -> None:
    indices = np.array([[0, 1], [2, bad]])
    with pytest.raises(IndexError, match="outside the planes of 13 entries"):
        kernels.plane_scatter_add(np.ones((2, 2)), indices, 13)


def test_other_dtypes_run_the_references(rng) -> None:
    x = rng.integers(-5, 5, (2, 3, 6, 6))
    geometry = _geometry(((2, 3, 6, 6), (2, 2), (1, 1), (2, 2), ((0, 0), (0, 0)), 1))
    rows = kernels.im2col(x, *geometry)
    assert rows.dtype == x.dtype
    np.testing.assert_array_equal(rows, reference.im2col(x, *geometry))
    np.testing.assert_array_equal(kernels.col2im(rows, *geometry),
                                  reference.col2im(rows, *geometry))
