"""The compiled LSTM and GRU cell kernels (``recurrent.py``, forward and backward) against
their NumPy references (``recurrent_reference.py``).

The kernels' sigmoid and tanh are the vectorizable ones of ``activations.py``, the
references NumPy's, so the two agree to float rounding, not bit for bit: each result is
held to a few ulp of the reference evaluated in float64 on the same inputs. Shapes cover
an empty batch, one row, one hidden unit and odd sizes; inputs come C-contiguous and
strided, with gates from moderate to saturating. Other dtypes run the references.
"""

from __future__ import annotations

import numpy as np
import pytest
from compiled import DTYPES, compiled_kernels_fixture

from autograd import kernels
from autograd.kernels import recurrent_reference as reference

compiled_kernels = compiled_kernels_fixture(every_size=False)

SHAPES = [(0, 3), (1, 1), (1, 7), (5, 1), (32, 128), (7, 33)]  # (N, H)


def _arrays(rng, shape: tuple, gates: int, dtype: type, scale: float) -> tuple:
    n, hidden = shape
    gi = (rng.standard_normal((n, gates * hidden)) * scale).astype(dtype)
    gh = (rng.standard_normal((n, gates * hidden)) * scale).astype(dtype)
    state = rng.standard_normal((n, hidden)).astype(dtype)
    return gi, gh, state


def _strided(a: np.ndarray) -> np.ndarray:
    """a's values in a non-contiguous array (every other column of a wider one)."""
    wide = np.zeros((a.shape[0], 2 * a.shape[1]), a.dtype)
    wide[:, ::2] = a
    return wide[:, ::2]


def _close(results: tuple, truths: tuple, dtype: type, ulps: float = 8) -> None:
    """Each result within ``ulps`` ulp of its float64 truth (relative to max(|truth|, 1)),
    of the kernel's dtype and shape."""
    eps = float(np.finfo(dtype).eps)
    for result, truth in zip(results, truths, strict=True):
        assert result.dtype == dtype and result.shape == truth.shape
        assert result.flags.c_contiguous
        np.testing.assert_allclose(result, truth, rtol=ulps * eps, atol=ulps * eps)


def _f64(*arrays: np.ndarray) -> list[np.ndarray]:
    return [a.astype(np.float64) for a in arrays]


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("scale", [1.0, 12.0])
@pytest.mark.parametrize("layout", ["contiguous", "strided"])
def test_lstm_kernels_match_the_reference(shape, dtype, scale, layout, rng) -> None:
    gi, gh, c = _arrays(rng, shape, 4, dtype, scale)
    lay = _strided if layout == "strided" else (lambda a: a)
    h_new, c_new, acts = kernels.lstm_cell_forward(lay(gi), lay(gh), lay(c))
    truth = reference.lstm_forward(*_f64(gi, gh, c))
    _close((h_new, c_new, acts), truth, dtype)
    # the backward from the reference's acts (in the kernel's dtype), so only it is tested
    dh, dc_out = (rng.standard_normal(shape).astype(dtype) for _ in range(2))
    ref_acts = truth[2].astype(dtype)
    dgates, dc = kernels.lstm_cell_backward(lay(dh), lay(dc_out), lay(ref_acts), lay(c))
    _close((dgates, dc), reference.lstm_backward(*_f64(dh, dc_out, ref_acts, c)), dtype,
           ulps=16 * (1 + scale))


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("scale", [1.0, 12.0])
@pytest.mark.parametrize("layout", ["contiguous", "strided"])
def test_gru_kernels_match_the_reference(shape, dtype, scale, layout, rng) -> None:
    gi, gh, h = _arrays(rng, shape, 3, dtype, scale)
    lay = _strided if layout == "strided" else (lambda a: a)
    h_new, acts = kernels.gru_cell_forward(lay(gi), lay(gh), lay(h))
    truth = reference.gru_forward(*_f64(gi, gh, h))
    _close((h_new, acts), truth, dtype, ulps=8 * (1 + scale))
    dh = rng.standard_normal(shape).astype(dtype)
    ref_acts = truth[1].astype(dtype)
    grads = kernels.gru_cell_backward(lay(dh), lay(ref_acts), lay(gh), lay(h))
    _close(grads, reference.gru_backward(*_f64(dh, ref_acts, gh, h)), dtype,
           ulps=16 * (1 + scale))


def test_saturated_gates_stay_finite_and_exact() -> None:
    """Gates of ±1e4 saturate σ to 0/1 and tanh to ±1 without overflow: c' = c or g."""
    big = np.float32(1e4)
    gi = np.array([[big, -big, big, big]], np.float32)  # i = 1, f = 0, g = 1, o = 1
    h_new, c_new, acts = kernels.lstm_cell_forward(gi, np.zeros_like(gi),
                                                   np.array([[5.0]], np.float32))
    np.testing.assert_array_equal(acts[:, :4], [[1, 0, 1, 1]])
    np.testing.assert_array_equal(c_new, [[1.0]])
    np.testing.assert_allclose(h_new, [[np.tanh(1.0)]], rtol=2e-7)
    gi = np.array([[-big, big, 0]], np.float32)  # r = 0, z = 1: h' = h
    h_new, _ = kernels.gru_cell_forward(gi, np.full_like(gi, 3.0), np.array([[-2.5]], np.float32))
    np.testing.assert_array_equal(h_new, [[-2.5]])


def test_the_formulas_by_hand() -> None:
    """One LSTM and one GRU unit against the textbook formulas, in float64."""
    a = np.array([[0.3, -0.2, 0.7, 1.1]])
    gh = np.array([[0.1, 0.4, -0.5, 0.2]])
    c = np.array([[0.6]])
    s = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    i, f, g, o = s(0.4), s(0.2), np.tanh(0.2), s(1.3)
    h_new, c_new, acts = kernels.lstm_cell_forward(a, gh, c)
    np.testing.assert_allclose(c_new, [[f * 0.6 + i * g]], rtol=1e-15)
    np.testing.assert_allclose(h_new, [[o * np.tanh(f * 0.6 + i * g)]], rtol=1e-15)
    gi3, gh3, h = a[:, :3], gh[:, :3], np.array([[-0.8]])
    r, z = s(0.4), s(0.2)
    n = np.tanh(0.7 + r * -0.5)
    h_new, acts = kernels.gru_cell_forward(gi3, gh3, h)
    np.testing.assert_allclose(h_new, [[(1 - z) * n + z * -0.8]], rtol=1e-15)
    np.testing.assert_allclose(acts, [[r, z, n]], rtol=1e-15)


def test_other_dtypes_run_the_references(rng) -> None:
    gi, gh, c = _arrays(rng, (3, 4), 4, np.float16, 1.0)
    h_new, c_new, acts = kernels.lstm_cell_forward(gi, gh, c)
    assert h_new.dtype == np.float16
    for result, truth in zip((h_new, c_new, acts), reference.lstm_forward(gi, gh, c)):
        np.testing.assert_array_equal(result, truth)
    h_new, _ = kernels.gru_cell_forward(gi[:, :12], gh[:, :12], c)
    np.testing.assert_array_equal(h_new, reference.gru_forward(gi[:, :12], gh[:, :12], c)[0])


def test_wrong_shapes_are_refused_with_the_expected_one() -> None:
    z = np.zeros
    with pytest.raises(ValueError, match=r"lstm_cell_forward: gh must be \(N, 4·H\) = \(2, 12\)"):
        kernels.lstm_cell_forward(z((2, 12)), z((2, 9)), z((2, 3)))
    with pytest.raises(ValueError, match="lstm_cell_forward: c must be"):
        kernels.lstm_cell_forward(z((2, 12)), z((2, 12)), z(3))
    with pytest.raises(ValueError, match=r"lstm_cell_backward: acts must be \(N, 5·H\)"):
        kernels.lstm_cell_backward(z((2, 3)), z((2, 3)), z((2, 12)), z((2, 3)))
    with pytest.raises(ValueError, match="lstm_cell_backward: dc_out must have the shape"):
        kernels.lstm_cell_backward(z((2, 3)), z((1, 3)), z((2, 15)), z((2, 3)))
    with pytest.raises(ValueError, match=r"gru_cell_forward: gi must be \(N, 3·H\)"):
        kernels.gru_cell_forward(z((3, 9)), z((2, 9)), z((2, 3)))
    with pytest.raises(ValueError, match="gru_cell_backward: dh_out must have the shape"):
        kernels.gru_cell_backward(z((2, 4)), z((2, 9)), z((2, 9)), z((2, 3)))


@pytest.mark.parametrize("dtype", DTYPES + [np.float16], ids=["f32", "f64", "f16"])
def test_lstm_kernels_write_into_given_arrays_with_the_same_values(dtype, rng) -> None:
    gi, gh, c = _arrays(rng, (5, 6), 4, dtype, 2.0)
    h_new, c_new, acts = kernels.lstm_cell_forward(gi, gh, c)
    out = tuple(np.full(a.shape, np.nan, dtype) for a in (h_new, c_new, acts))
    got = kernels.lstm_cell_forward(gi, gh, c, out=out)
    assert all(g is o for g, o in zip(got, out))
    for a, b in zip(got, (h_new, c_new, acts)):
        np.testing.assert_array_equal(a, b)
    dh, dc = (rng.standard_normal((5, 6)).astype(dtype) for _ in "hc")
    dgates, dc_prev = kernels.lstm_cell_backward(dh, dc, acts, c)
    rows = np.full((3, 5, 24), np.nan, dtype)  # one step's rows of a sequence's buffer
    got, got_dc = kernels.lstm_cell_backward(dh, dc, acts, c, dgates=rows[1])
    assert np.shares_memory(got, rows[1])
    np.testing.assert_array_equal(rows[1], dgates)
    np.testing.assert_array_equal(got_dc, dc_prev)
    assert np.isnan(rows[0]).all() and np.isnan(rows[2]).all()


def test_lstm_kernels_refuse_output_arrays_they_cannot_write(rng) -> None:
    gi, gh, c = _arrays(rng, (4, 3), 4, np.float32, 1.0)
    good = [np.empty((4, 3), np.float32), np.empty((4, 3), np.float32),
            np.empty((4, 15), np.float32)]
    bad = {"c_out": np.empty((4, 3), np.float64), "acts": np.empty((4, 12), np.float32),
           "h_out": np.empty((3, 4), np.float32).T}
    for name, array in bad.items():
        out = list(good)
        out[["h_out", "c_out", "acts"].index(name)] = array
        with pytest.raises(ValueError, match=f"lstm_cell_forward: {name} must be a writeable "
                                             "C-contiguous float32 array of shape"):
            kernels.lstm_cell_forward(gi, gh, c, out=tuple(out))
    read_only = np.empty((4, 12), np.float32)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="lstm_cell_backward: dgates must be"):
        kernels.lstm_cell_backward(c, c, good[2], c, dgates=read_only)
