"""The compiled fused nn kernels (softmax cross-entropy, batch norm, dropout, a linear
layer's bias) against their NumPy references.

Each kernel's result is compared with its reference evaluated in float64 on the
same inputs (so a float32 kernel is held to float32 rounding of the exact
answer), over sizes 0, 1, odd and above the parallel threshold, float32 and
float64, C-contiguous and non-contiguous inputs, and extreme logits.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from compiled import DTYPES, compiled_kernels_fixture, set_parallel_min

from autograd import kernels
from autograd.kernels import dispatch, reference

TEST_PARALLEL_MIN = 20_000  # the threshold while these tests run
BIG_ROWS = TEST_PARALLEL_MIN // 100 + 3  # with 100 columns: the parallel loops
SHAPES = [(0, 5), (1, 1), (1, 100), (7, 3), (1001, 17), (BIG_ROWS, 100)]

compiled_kernels = compiled_kernels_fixture(TEST_PARALLEL_MIN, every_size=False)


def laid_out(x: np.ndarray, layout: str) -> np.ndarray:
    """x's values in a C-contiguous, transposed (F-order) or row-strided array."""
    if layout == "transposed":
        return np.asfortranarray(x)
    if layout == "strided":
        wide = np.zeros((x.shape[0], 2 * x.shape[1]), x.dtype)
        wide[:, ::2] = x
        return wide[:, ::2]
    return x


def close(result: np.ndarray, truth: np.ndarray, dtype: type, scale: float = 1.0) -> None:
    """Within float rounding of the float64 answer: errors of a few hundred ulp of ``scale``."""
    eps = float(np.finfo(dtype).eps)
    assert result.dtype == dtype and result.shape == truth.shape
    np.testing.assert_allclose(result.astype(np.float64), truth, rtol=200 * eps,
                               atol=200 * eps * scale)


def logits_and_targets(shape: tuple, dtype: type, rng: np.random.Generator,
                       extreme: bool = False) -> tuple[np.ndarray, np.ndarray]:
    z = rng.standard_normal(shape) * 4
    if extreme and z.size:
        z[:, ::2] = 1000.0 * rng.choice([-1.0, 1.0], z[:, ::2].shape)
        z[0] = -1000.0
    a = rng.random(shape)
    a[rng.random(shape) < 0.5] = 0.0  # some rows one-hot-like, some soft
    return z.astype(dtype), a.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "strided"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_softmax_xent_matches_reference(shape, layout, dtype, rng) -> None:
    z, a = logits_and_targets(shape, dtype, rng)
    losses, probs, asum = kernels.softmax_xent_forward(laid_out(z, layout), laid_out(a, layout))
    t_losses, t_probs, t_asum = reference.softmax_xent_forward(z.astype(np.float64),
                                                               a.astype(np.float64))
    close(losses, t_losses, dtype, scale=1.0 + float(np.abs(z).max(initial=0.0)))
    close(probs, t_probs, dtype)
    close(asum, t_asum, dtype, scale=shape[1])
    g_rows = rng.standard_normal(shape[0]).astype(dtype)
    for g in (g_rows, dtype(0.25)):
        grad = kernels.softmax_xent_backward(laid_out(probs, layout), laid_out(a, layout),
                                             asum, g)
        close(grad, reference.softmax_xent_backward(t_probs, a.astype(np.float64), t_asum,
                                                    np.float64(g) if np.ndim(g) == 0
                                                    else g.astype(np.float64)),
              dtype, scale=shape[1])


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("shape", [(1, 1), (5, 9), (BIG_ROWS, 100)], ids=str)
def test_softmax_xent_with_extreme_logits(shape, dtype, rng) -> None:
    z, a = logits_and_targets(shape, dtype, rng, extreme=True)
    losses, probs, asum = kernels.softmax_xent_forward(z, a)
    t_losses, t_probs, _ = reference.softmax_xent_forward(z.astype(np.float64),
                                                          a.astype(np.float64))
    assert np.all(np.isfinite(losses)) and np.all(np.isfinite(probs))
    close(losses, t_losses, dtype, scale=2000.0)
    close(probs, t_probs, dtype)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=100 * np.finfo(dtype).eps)


def test_softmax_xent_of_a_nan_logit_is_nan() -> None:
    z = np.array([[0.0, np.nan, 1.0], [0.0, 1.0, 2.0]], np.float32)
    a = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]], np.float32)
    losses, probs, _ = kernels.softmax_xent_forward(z, a)
    assert np.isnan(losses[0]) and np.all(np.isnan(probs[0]))
    assert np.isfinite(losses[1])


def bn_inputs(shape: tuple, dtype: type, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    # An offset of 1000 with spread 3: a one-pass E[x²] − E[x]² would cancel.
    x = (rng.standard_normal(shape) * 3 + 1000).astype(dtype)
    gamma = rng.standard_normal(shape[1]).astype(dtype)
    beta = rng.standard_normal(shape[1]).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    return x, gamma, beta, g


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "strided"])
@pytest.mark.parametrize("shape", [s for s in SHAPES if s[0] > 0] + [(2, 1)], ids=str)
def test_batch_norm_matches_reference(shape, layout, dtype, rng) -> None:
    x, gamma, beta, g = bn_inputs(shape, dtype, rng)
    x64, g64 = x.astype(np.float64), g.astype(np.float64)
    mean, var = kernels.batch_norm_stats(laid_out(x, layout))
    t_mean, t_var = reference.batch_norm_stats(x64)
    close(mean, t_mean, dtype, scale=1000.0)
    close(var, t_var, dtype, scale=9.0)
    # Forward and backward from the same statistics, so only the kernels differ.
    inv_std = (1.0 / np.sqrt(t_var + 1e-5)).astype(dtype)
    mean = t_mean.astype(dtype)
    m64, inv64 = mean.astype(np.float64), inv_std.astype(np.float64)
    for gm, bt in ((gamma, beta), (None, None)):
        gm64 = None if gm is None else gm.astype(np.float64)
        bt64 = None if bt is None else bt.astype(np.float64)
        out = kernels.batch_norm_forward(laid_out(x, layout), mean, inv_std, gm, bt)
        close(out, reference.batch_norm_forward(x64, m64, inv64, gm64, bt64), dtype, scale=10.0)
        grads = kernels.batch_norm_backward(laid_out(g, layout), laid_out(x, layout), mean,
                                            inv_std, gm)
        truths = reference.batch_norm_backward(g64, x64, m64, inv64, gm64)
        for result, truth, scale in zip(grads, truths, (10.0, shape[0] * 10.0, shape[0])):
            close(result, truth, dtype, scale=scale)


@pytest.mark.filterwarnings("ignore:Mean of empty slice", "ignore:Degrees of freedom")
@pytest.mark.parametrize("shape", [(0, 4), (6, 3, 5)], ids=str)
def test_batch_norm_shapes_outside_the_kernels_run_the_reference(shape, rng) -> None:
    x = rng.standard_normal(shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean, var = kernels.batch_norm_stats(x)
        t_mean, t_var = reference.batch_norm_stats(x)
    np.testing.assert_array_equal(mean, t_mean)
    np.testing.assert_array_equal(var, t_var)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "strided"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("keep_prob", [0.0, 0.3, 0.48, 1.0])  # 0.48: 1/keep_prob rounds twice
def test_dropout_matches_reference_exactly(shape, layout, dtype, keep_prob, rng) -> None:
    x = rng.standard_normal(shape).astype(dtype)
    keep = kernels.keep_mask(shape, keep_prob, 99)
    out = kernels.dropout_mask_scale(laid_out(x, layout), laid_out(keep, layout), keep_prob)
    expected = reference.dropout_mask_scale(x, keep, keep_prob)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, expected)
    if keep_prob == 0.0:
        assert not out.any()


def splitmix64_by_hand(seed: int, count: int) -> list[int]:
    """Vigna's splitmix64.c in Python integers: the definition the kernels must match."""
    outputs, state, m = [], seed, (1 << 64) - 1
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & m
        z = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & m
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
        outputs.append(z ^ (z >> 31))
    return outputs


def test_splitmix64_is_the_published_generator() -> None:
    # splitmix64.c seeded with 0 starts 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, ...
    assert reference.splitmix64(0, 3).tolist() == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4,
                                                   0x06C45D188009454F]
    for seed in (1, 2**63 + 12345, 2**64 - 1):
        assert reference.splitmix64(seed, 5).tolist() == splitmix64_by_hand(seed, 5)


@pytest.mark.parametrize("size", [0, 1, 2, 7, 1000, 2 * TEST_PARALLEL_MIN + 1])
@pytest.mark.parametrize("keep_prob", [0.0, 2.0**-33, 0.3, 0.5, 1.0 - 2.0**-40, 1.0])
def test_keep_mask_compiled_matches_reference_exactly(size, keep_prob) -> None:
    for seed in (0, 7, 2**64 - 1):
        keep = kernels.keep_mask(size, keep_prob, seed)
        threshold = int(np.ceil(keep_prob * 2.0**32))
        assert keep.dtype == np.bool_ and keep.shape == (size,)
        np.testing.assert_array_equal(keep, reference.keep_mask(size, seed, threshold))
    if size and keep_prob in (0.0, 1.0):
        assert keep.all() == (keep_prob == 1.0) and keep.any() == (keep_prob == 1.0)


def test_keep_mask_elements_are_the_halves_of_each_output() -> None:
    seed, threshold = 2024, 0x9000_0000
    halves = [h for z in splitmix64_by_hand(seed, 3) for h in (z >> 32, z & 0xFFFFFFFF)]
    expected = [u < threshold for u in halves][:5]
    assert kernels.keep_mask(5, threshold / 2**32, seed).tolist() == expected


@pytest.mark.parametrize("keep_prob", [0.1, 0.5, 0.8])
def test_keep_mask_statistics(keep_prob) -> None:
    n = 1_000_000
    keep = kernels.keep_mask((1000, 1000), keep_prob, 5).reshape(-1)
    sigma = np.sqrt(keep_prob * (1 - keep_prob) / n)
    assert abs(keep.mean() - keep_prob) < 5 * sigma
    # neighbours are independent, within one 64-bit output (2j, 2j+1) and across two
    for a, b in ((keep[0::2], keep[1::2]), (keep[1:-1:2], keep[2::2])):
        both = np.mean(a & b)
        assert abs(both - keep_prob**2) < 5 * np.sqrt(keep_prob**2 * (1 - keep_prob**2)
                                                       / a.size)
    other = kernels.keep_mask((1000, 1000), keep_prob, 6).reshape(-1)
    assert abs(np.mean(keep == other) - (keep_prob**2 + (1 - keep_prob)**2)) < 0.005


def test_keep_mask_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="keep_prob must lie in"):
        kernels.keep_mask(3, 1.5, 0)
    with pytest.raises(ValueError, match="seed must be an int"):
        kernels.keep_mask(3, 0.5, -1)
    for seed in (2**64, 1.5, True):
        with pytest.raises(ValueError, match="seed must be an int"):
            kernels.keep_mask(3, 0.5, seed)
    assert kernels.keep_mask(3, 0.5, np.uint64(2**64 - 1)).shape == (3,)


def test_numpy_backend_runs_the_references(monkeypatch, rng) -> None:
    monkeypatch.setattr(dispatch, "_COMPILED", False)
    z, a = logits_and_targets((9, 4), np.float32, rng)
    for ours, theirs in zip(kernels.softmax_xent_forward(z, a),
                            reference.softmax_xent_forward(z, a)):
        np.testing.assert_array_equal(ours, theirs)
    x = rng.standard_normal((9, 4)).astype(np.float32)
    keep = kernels.keep_mask((9, 4), 0.5, 3)
    np.testing.assert_array_equal(keep, reference.keep_mask(36, 3, 2**31).reshape(9, 4))
    np.testing.assert_array_equal(kernels.dropout_mask_scale(x, keep, 0.5),
                                  reference.dropout_mask_scale(x, keep, 0.5))


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_softmax_xent_labels_match_the_dense_reference(shape, layout, dtype, rng) -> None:
    z, _ = logits_and_targets(shape, dtype, rng, extreme=shape[0] > 1)
    labels = rng.integers(0, shape[1], shape[0])
    weight = rng.random(shape[0]).astype(dtype)
    weight[::3] = 0.0  # ignored rows
    losses, probs = kernels.softmax_xent_labels_forward(laid_out(z, layout), labels, weight)
    t_losses, t_probs = reference.softmax_xent_labels_forward(z.astype(np.float64), labels,
                                                              weight.astype(np.float64))
    close(losses, t_losses, dtype, scale=2000.0 if shape[0] > 1 else 10.0)
    close(probs, t_probs, dtype)
    for g in (rng.standard_normal(shape[0]).astype(dtype), dtype(0.5)):
        grad = kernels.softmax_xent_labels_backward(laid_out(probs, layout), labels, weight, g)
        g64 = np.float64(g) if np.ndim(g) == 0 else g.astype(np.float64)
        close(grad, reference.softmax_xent_labels_backward(t_probs, labels,
                                                           weight.astype(np.float64), g64),
              dtype, scale=4.0)


@pytest.mark.parametrize("parallel_min", [10**9, 1], ids=["serial", "parallel"])
@pytest.mark.parametrize("labels,message", [([0, 3], "from 0 to 3"), ([-1, 2], "from -1 to 2")])
def test_softmax_xent_labels_out_of_range_is_a_clear_error(labels, message, parallel_min,
                                                           monkeypatch) -> None:
    # The compiled kernels check the labels themselves (the rows they skip are never read).
    set_parallel_min(monkeypatch, parallel_min)
    z = np.zeros((2, 3), np.float32)
    labels = np.array(labels)
    match = rf"labels must be in \[0, 3\), got values {message}"
    with pytest.raises(ValueError, match=match):
        kernels.softmax_xent_labels_forward(z, labels, np.ones(2, np.float32))
    with pytest.raises(ValueError, match=match):
        kernels.softmax_xent_labels_backward(np.full((2, 3), 1 / 3, np.float32), labels,
                                             np.ones(2, np.float32), 1.0)


def test_dropout_mask_scale_rejects_draws_and_wrong_shapes(rng) -> None:
    x = rng.standard_normal((3, 4)).astype(np.float32)
    with pytest.raises(TypeError, match="keep must be a bool array"):
        kernels.dropout_mask_scale(x, rng.random((3, 4), dtype=np.float32), 0.5)
    with pytest.raises(ValueError, match=r"keep mask of shape \(4, 3\) does not match"):
        kernels.dropout_mask_scale(x, np.ones((4, 3), dtype=bool), 0.5)


# ------------------------------------------------------------- inputs the tests above skip
def unusual(x: np.ndarray) -> dict[str, np.ndarray]:
    """x's values (2-D) with negative strides and read-only, and x's first row broadcast
    down the rows (zero strides, read-only)."""
    read_only = x.copy()
    read_only.flags.writeable = False
    return {"negative strides": x[::-1, ::-1].copy()[::-1, ::-1], "read-only": read_only,
            "broadcast": np.broadcast_to(x[:1], x.shape)}


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
def test_fused_kernels_read_unusual_layouts_as_their_contiguous_copy(dtype, rng) -> None:
    z, a = logits_and_targets((33, 7), dtype, rng)
    z[::4, 1] = 1e4
    z[1::4, 2] = -1e4
    x, gamma, beta, g = bn_inputs((33, 7), dtype, rng)
    mean, var = reference.batch_norm_stats(x.astype(np.float64))
    mean, inv_std = mean.astype(dtype), (1 / np.sqrt(var + 1e-5)).astype(dtype)
    labels = rng.integers(0, 7, 33)
    weight = rng.random(33).astype(dtype)
    keep = kernels.keep_mask(z.shape, 0.6, 3)
    calls = {  # input name -> kernels called with an unusual layout of it
        "z": [lambda v: kernels.softmax_xent_forward(v, a),
              lambda v: kernels.softmax_xent_labels_forward(v, labels, weight),
              lambda v: (kernels.dropout_mask_scale(v, keep, 0.6),)],
        "a": [lambda v: kernels.softmax_xent_forward(z, v)],
        "x": [kernels.batch_norm_stats,
              lambda v: (kernels.batch_norm_forward(v, mean, inv_std, gamma, beta),),
              lambda v: kernels.batch_norm_backward(g, v, mean, inv_std, gamma)],
        "g": [lambda v: kernels.batch_norm_backward(v, x, mean, inv_std, gamma)],
    }
    for name, value in {"z": z, "a": a, "x": x, "g": g}.items():
        for kind, arr in unusual(value).items():
            plain = np.array(arr)
            for call in calls[name]:
                for got, want in zip(call(arr), call(plain)):
                    assert got.dtype == want.dtype
                    np.testing.assert_array_equal(got, want, err_msg=f"{name} {kind}")
            np.testing.assert_array_equal(arr, plain)  # inputs untouched


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
def test_softmax_xent_of_logits_of_plus_minus_1e4(dtype) -> None:
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4]], dtype)
    a = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5], [0.5, 0.5, 0.0]], dtype)
    losses, probs, _ = kernels.softmax_xent_forward(z, a)
    rtol = 2 * np.finfo(dtype).eps
    np.testing.assert_allclose(losses, [2e4, np.log(3.0), np.log(2.0)], rtol=rtol)
    np.testing.assert_allclose(probs, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0]],
                               rtol=rtol, atol=0)
    labels_losses, _ = kernels.softmax_xent_labels_forward(z, np.array([1, 0, 2]),
                                                           np.ones(3, dtype))
    np.testing.assert_allclose(labels_losses, [2e4, np.log(3.0), 2e4 + np.log(2.0)], rtol=rtol)


@pytest.mark.parametrize("keep_prob", [1e-6, 0.03, 0.12, 0.48, 0.52, 0.85, 0.96, 0.7, 1.0])
def test_dropout_scales_by_one_over_keep_prob_in_the_inputs_dtype(keep_prob, monkeypatch,
                                                                 rng) -> None:
    # The compiled kernel scaled by 1/float32(keep_prob), the reference by the float32 of
    # the float64 1/keep_prob, an ulp apart for these keep_probs; both now scale as
    # PyTorch does (test below).
    x = rng.standard_normal((64, 33)).astype(np.float32)
    keep = kernels.keep_mask(x.shape, keep_prob, 5)
    compiled = kernels.dropout_mask_scale(x, keep, keep_prob)
    scale = np.float32(1) / np.float32(keep_prob)
    np.testing.assert_array_equal(compiled, np.where(keep, x * scale, np.float32(0)))
    monkeypatch.setattr(dispatch, "_COMPILED", False)
    np.testing.assert_array_equal(kernels.dropout_mask_scale(x, keep, keep_prob), compiled)


def test_dropout_scale_is_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    for p in (0.97, 0.52, 0.15, 0.3):
        theirs = torch.nn.functional.dropout(torch.ones(4000), p=p).unique().numpy()
        ours = kernels.dropout_mask_scale(np.ones(2, np.float32), np.array([True, False]), 1 - p)
        np.testing.assert_array_equal(theirs, np.unique(ours))


def test_dropout_of_integers_scales_in_floating_point() -> None:
    # The reference used to take 1/keep_prob in the integer dtype: 1/0.3 became 3.
    out = kernels.dropout_mask_scale(np.arange(-3, 3), np.ones(6, dtype=bool), 0.3)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, np.arange(-3.0, 3.0) * (1 / 0.3))


@pytest.mark.parametrize("compiled", [True, False], ids=["numba", "numpy"])
def test_batch_norm_vectors_of_another_length_are_refused(compiled, monkeypatch, rng) -> None:
    # The compiled kernels read one value per channel without bounds checks: a weight of
    # shape (1,) read past its end (garbage out), a (1, 4) one failed to compile; the
    # references broadcast a length-1 vector. Both backends now say what is wrong.
    monkeypatch.setattr(dispatch, "_COMPILED", compiled)
    x = rng.standard_normal((8, 4)).astype(np.float32)
    ok = np.ones(4, np.float32)
    for bad in (np.ones(1, np.float32), np.ones(6, np.float32), np.ones((1, 4), np.float32)):
        for name, args in [("mean", (bad, ok, ok, ok)), ("inv_std", (ok, bad, ok, ok)),
                           ("gamma", (ok, ok, bad, None)), ("beta", (ok, ok, None, bad))]:
            match = rf"batch_norm_forward: {name} must have one value per channel, shape \(4,\)"
            with pytest.raises(ValueError, match=match):
                kernels.batch_norm_forward(x, *args)
        with pytest.raises(ValueError, match=r"backward: gamma must have one value per channel"):
            kernels.batch_norm_backward(x, x, ok, ok, bad)
    with pytest.raises(ValueError, match=r"x must be \(N, C\) or \(N, C, L\)"):
        kernels.batch_norm_forward(np.ones(4, np.float32), ok, ok, None, None)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
def test_batch_norm_of_one_row_and_of_a_constant_column(dtype, rng) -> None:
    one = rng.standard_normal((1, 5)).astype(dtype)
    mean, var = kernels.batch_norm_stats(one)
    np.testing.assert_array_equal(mean, one[0])
    np.testing.assert_array_equal(var, np.zeros(5, dtype))
    x, gamma, beta, g = bn_inputs((64, 4), dtype, rng)
    x[:, 1] = dtype(0.1)
    mean, var = kernels.batch_norm_stats(x)
    # zero up to the rounding of the mean's float64 sum of 64 terms (exactly 0 for float32)
    assert 0.0 <= var[1] <= (64 * 0.1 * np.finfo(np.float64).eps) ** 2
    inv_std = (1 / np.sqrt(var + dtype(1e-5))).astype(dtype)
    out = kernels.batch_norm_forward(x, mean, inv_std, gamma, beta)
    np.testing.assert_allclose(out[:, 1], beta[1], rtol=0, atol=1e-9)
    grads = kernels.batch_norm_backward(g, x, mean, inv_std, gamma)
    truths = reference.batch_norm_backward(g.astype(np.float64), x.astype(np.float64),
                                           mean.astype(np.float64), inv_std.astype(np.float64),
                                           gamma.astype(np.float64))
    for result, truth, scale in zip(grads, truths, (3e3, 64.0, 64.0)):
        assert np.all(np.isfinite(result))
        close(result, truth, dtype, scale=scale)


def test_softmax_xent_labels_must_be_integers() -> None:
    # Bool labels used to reach the reference, where NumPy read them as a mask; float ones
    # failed inside NumPy's indexing.
    z = np.zeros((2, 3), np.float32)
    for labels in (np.array([True, False]), np.array([0.0, 2.0])):
        with pytest.raises(TypeError, match="labels must be integer class indices"):
            kernels.softmax_xent_labels_forward(z, labels, np.ones(2, np.float32))
        with pytest.raises(TypeError, match="labels must be integer class indices"):
            kernels.softmax_xent_labels_backward(np.full((2, 3), 1 / 3, np.float32), labels,
                                                 np.ones(2, np.float32), 1.0)


@pytest.mark.parametrize("bad", [(4, 1), (1,), (5,)], ids=str)
def test_softmax_xent_per_row_vectors_of_another_shape_are_refused(bad) -> None:
    # The compiled kernels leave such calls to the references, which broadcast an (N, 1)
    # weight into (N, N) losses and an (N, 3, ...) gradient.
    z = np.zeros((4, 3), np.float32)
    probs = np.full((4, 3), 1 / 3, np.float32)
    labels, vector = np.array([0, 1, 2, 0]), np.ones(bad, np.float32)
    match = r"weight must have one value per row, shape \(4,\) for a batch of shape \(4, 3\)"
    with pytest.raises(ValueError, match=match):
        kernels.softmax_xent_labels_forward(z, labels, vector)
    with pytest.raises(ValueError, match=match):
        kernels.softmax_xent_labels_backward(probs, labels, vector, 1.0)
    with pytest.raises(ValueError, match=r"asum must have one value per row"):
        kernels.softmax_xent_backward(probs, probs, vector, 1.0)
    with pytest.raises(ValueError, match=r"labels must have one value per row"):
        kernels.softmax_xent_labels_forward(z, np.zeros(bad, np.int64), np.ones(4, np.float32))


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
def test_batch_norm_propagates_nan_and_inf_as_the_reference(dtype, rng) -> None:
    x = rng.standard_normal((16, 4)).astype(dtype)
    x[3, 0], x[4, 1], x[5, 2], x[6, 2] = np.nan, np.inf, np.inf, -np.inf
    with np.errstate(invalid="ignore"):
        mean, var = kernels.batch_norm_stats(x)
        t_mean, t_var = reference.batch_norm_stats(x.astype(np.float64))
        np.testing.assert_array_equal(np.isnan(mean), [True, False, True, False])
        assert mean[1] == np.inf
        np.testing.assert_array_equal(np.isnan(var), np.isnan(t_var))
        close(mean[3:], t_mean[3:], dtype)
        out = kernels.batch_norm_forward(x, mean, (1 / np.sqrt(var + 1e-5)).astype(dtype),
                                         None, None)
    assert np.isnan(out[:, :3]).all() and np.isfinite(out[:, 3]).all()


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("shape", SHAPES + [(3, 4, 5), (2, 0, 3)], ids=str)
def test_add_bias_adds_in_place_with_numpys_bits(shape, dtype, rng) -> None:
    y = rng.standard_normal(shape).astype(dtype)
    bias = rng.standard_normal(shape[-1]).astype(dtype)
    expected = y + bias
    assert kernels.add_bias_(y, bias) is y
    np.testing.assert_array_equal(y, expected)


@pytest.mark.parametrize("layout", ["transposed", "strided"])
def test_add_bias_of_unusual_layouts_and_dtypes_is_numpys_add(layout, rng) -> None:
    y = laid_out(rng.standard_normal((6, 4)).astype(np.float32), layout)
    bias = np.arange(8.0, dtype=np.float32)[::2]  # a non-contiguous bias
    expected = y + bias
    assert kernels.add_bias_(y, bias) is y
    np.testing.assert_array_equal(y, expected)
    ints = np.ones((3, 2), np.int64)
    np.testing.assert_array_equal(kernels.add_bias_(ints, np.array([1, 2])), [[2, 3]] * 3)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("shape", SHAPES + [(3, 4, 5), (2, 0, 3)], ids=str)
def test_add_bias_relu_is_the_bias_then_the_relu_bit_for_bit(shape, dtype, rng) -> None:
    y = rng.standard_normal(shape).astype(dtype)
    bias = rng.standard_normal(shape[-1]).astype(dtype)
    expected = np.maximum(y + bias, 0)
    assert kernels.add_bias_relu_(y, bias) is y
    np.testing.assert_array_equal(y, expected)
    z = rng.standard_normal(shape).astype(dtype)
    np.testing.assert_array_equal(kernels.add_bias_relu_(z.copy(), None), np.maximum(z, 0))


def test_add_bias_relu_keeps_nan_and_takes_any_layout(rng) -> None:
    y = np.array([[np.nan, -1.0, 2.0], [np.inf, -np.inf, 0.0]], np.float32)
    kernels.add_bias_relu_(y, np.zeros(3, np.float32))
    np.testing.assert_array_equal(y, [[np.nan, 0, 2], [np.inf, 0, 0]])
    for layout in ("transposed", "strided"):
        y = laid_out(rng.standard_normal((6, 4)).astype(np.float32), layout)
        bias = np.arange(8.0, dtype=np.float32)[::2]
        expected = np.maximum(y + bias, 0)
        np.testing.assert_array_equal(kernels.add_bias_relu_(y, bias), expected)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("shape", SHAPES + [(3, 4, 5), (2, 0, 3)], ids=str)
def test_relu_backward_columns_masks_and_sums_over_rows(shape, dtype, rng) -> None:
    g = rng.standard_normal(shape).astype(dtype)
    out = np.maximum(rng.standard_normal(shape), 0).astype(dtype)
    dz, db = kernels.relu_backward_columns(g, out)
    np.testing.assert_array_equal(dz, np.where(out > 0, g, 0))
    truth = np.where(out > 0, g, 0).astype(np.float64).sum(axis=tuple(range(len(shape) - 1)))
    close(db, truth, dtype, scale=max(1.0, float(np.abs(g).sum(axis=0).max(initial=0))))


def test_relu_backward_columns_gives_the_same_bits_serial_and_parallel(monkeypatch, rng):
    g = rng.standard_normal((BIG_ROWS, 100)).astype(np.float32)
    out = np.maximum(rng.standard_normal((BIG_ROWS, 100)), 0).astype(np.float32)
    parallel = kernels.relu_backward_columns(g, out)
    set_parallel_min(monkeypatch, 10**9)
    serial = kernels.relu_backward_columns(g, out)
    for a, b in zip(parallel, serial):
        np.testing.assert_array_equal(a, b)


def test_relu_backward_columns_refuses_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match=r"gradient \(2, 3\) and the output \(3, 2\)"):
        kernels.relu_backward_columns(np.ones((2, 3)), np.ones((3, 2)))


LINEAR_SHAPES = [((64, 40), 30), ((2, 5, 40), 7), ((1, 33), 1), ((5, 3), 4), ((0, 40), 6),
                 ((BIG_ROWS, 40), 100)]


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("x_shape,features", LINEAR_SHAPES, ids=str)
@pytest.mark.parametrize("relu", [False, True], ids=["linear", "linear_relu"])
@pytest.mark.parametrize("with_bias", [True, False], ids=["bias", "no_bias"])
def test_linear_layers_follow_their_formulas(x_shape, features, relu, with_bias, dtype,
                                             rng) -> None:
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal((features, x_shape[-1])).astype(dtype)
    b = rng.standard_normal(features).astype(dtype) if with_bias else None
    g = rng.standard_normal((*x_shape[:-1], features)).astype(dtype)
    out = (kernels.linear_relu if relu else kernels.linear)(x, w, b)
    z = x.astype(np.float64) @ w.T.astype(np.float64) + (0.0 if b is None else b)
    assert out.flags.c_contiguous
    scale = max(1.0, float(np.abs(x).max(initial=0)) * x_shape[-1])
    close(out, np.maximum(z, 0) if relu else z, dtype, scale=scale)
    dz = np.where(out > 0, g, 0).astype(np.float64) if relu else g.astype(np.float64)
    rows, dz_rows = x.reshape(-1, x_shape[-1]).astype(np.float64), dz.reshape(-1, features)
    truths = (dz @ w.astype(np.float64), dz_rows.T @ rows, dz_rows.sum(axis=0))
    for needs in itertools.product([False, True], repeat=3):
        grads = kernels.linear_backward(g, x, w, out if relu else None, *needs)
        for need, grad, truth in zip(needs, grads, truths):
            if not need:
                assert grad is None
                continue
            close(grad, truth, dtype, scale=max(1.0, float(np.abs(dz).sum(axis=tuple(
                range(dz.ndim - 1))).max(initial=0)) * 10))


def test_linear_layers_take_any_layout(rng) -> None:
    x = rng.standard_normal((40, 50)).astype(np.float32)
    w, b = rng.standard_normal((30, 50)).astype(np.float32), np.arange(30, dtype=np.float32)
    g = rng.standard_normal((40, 30)).astype(np.float32)
    out = kernels.linear_relu(x, w, b)
    for layout in ("transposed", "strided"):
        x2, w2, g2 = laid_out(x, layout), laid_out(w, layout), laid_out(g, layout)
        np.testing.assert_allclose(kernels.linear_relu(x2, w2, b), out, rtol=1e-5, atol=1e-4)
        for got, want in zip(kernels.linear_backward(g2, x2, w2, laid_out(out, layout),
                                                     True, True, True),
                             kernels.linear_backward(g, x, w, out, True, True, True)):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)


def test_linear_layers_give_the_same_bits_serial_and_parallel(monkeypatch, rng) -> None:
    x = rng.standard_normal((BIG_ROWS, 40)).astype(np.float32)
    w, b = rng.standard_normal((100, 40)).astype(np.float32), rng.standard_normal(100)
    b = b.astype(np.float32)
    g = rng.standard_normal((BIG_ROWS, 100)).astype(np.float32)
    runs = []
    for parallel_min in (TEST_PARALLEL_MIN, 10**9):
        set_parallel_min(monkeypatch, parallel_min)
        out = kernels.linear_relu(x, w, b)
        runs.append((out, *kernels.linear_backward(g, x, w, out, True, True, True),
                     kernels.linear_backward(g, x, w, None, False, False, True)[2]))
    for parallel, serial in zip(*runs):  # each product is the one BLAS call either way
        np.testing.assert_array_equal(parallel, serial)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("m,n", [(256, 784), (3, 1), (1, 5), (0, 4), (4, 0), (7, 33)])
def test_outer_is_numpys_broadcast_multiply(m, n, dtype, rng) -> None:
    a, b = rng.standard_normal(m).astype(dtype), rng.standard_normal(n).astype(dtype)
    out = kernels.outer(a, b)
    assert out.shape == (m, n) and out.dtype == dtype and out.flags.c_contiguous
    np.testing.assert_array_equal(out, a[:, None] * b[None, :])


def test_outer_of_strided_mixed_and_integer_vectors_is_numpys(rng) -> None:
    a, b = rng.standard_normal(12)[::3], rng.standard_normal(10).astype(np.float32)[::2]
    np.testing.assert_array_equal(kernels.outer(a, b), a[:, None] * b[None, :])
    assert kernels.outer(a, b).dtype == np.float64
    ints = kernels.outer(np.arange(3), np.arange(4))
    np.testing.assert_array_equal(ints, np.arange(3)[:, None] * np.arange(4))

