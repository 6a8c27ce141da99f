"""The compiled fused nn kernels (softmax cross-entropy, batch norm, dropout) against
their NumPy references.

Each kernel's result is compared with its reference evaluated in float64 on the
same inputs (so a float32 kernel is held to float32 rounding of the exact
answer), over sizes 0, 1, odd and above the parallel threshold, float32 and
float64, C-contiguous and non-contiguous inputs, and extreme logits.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograd import kernels
from autograd.kernels import dispatch, reference, sizes

DTYPES = [np.float32, np.float64]
TEST_PARALLEL_MIN = 20_000  # the threshold while these tests run (the default is NEVER)
BIG_ROWS = TEST_PARALLEL_MIN // 100 + 3  # with 100 columns: the parallel loops
SHAPES = [(0, 5), (1, 1), (1, 100), (7, 3), (1001, 17), (BIG_ROWS, 100)]


@pytest.fixture(autouse=True)
def compiled_kernels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the compiled kernels even under GRAPHGRAD_KERNELS=numpy, the parallel loops
    from ``TEST_PARALLEL_MIN`` elements."""
    monkeypatch.setattr(dispatch, "_COMPILED", True)
    monkeypatch.setattr(sizes, "PARALLEL_MIN", TEST_PARALLEL_MIN)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


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
@pytest.mark.parametrize("keep_prob", [0.0, 0.3, 1.0])
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
    monkeypatch.setattr(sizes, "PARALLEL_MIN", parallel_min)
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
