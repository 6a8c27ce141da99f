"""The compiled elementwise kernels against their NumPy references.

Each kernel is compared, in ulp, with its reference evaluated in extended
precision (``np.longdouble``) and rounded to the input dtype: the correctly
rounded answer of the formula the reference defines. Inputs cover sizes 0, 1,
odd and above the parallel threshold, contiguous / strided / transposed
layouts, float32 and float64, and the special values (±inf, nan, ±1000, ±0,
subnormals, the overflow edges).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from compiled import DTYPES, SIZES, compiled_kernels_fixture, in_layout, set_parallel_min

from autograd import kernels
from autograd.kernels import dispatch, reference, sizes

ROOT = Path(__file__).resolve().parents[2]
LAYOUTS = ["contiguous", "strided", "transposed"]

compiled_kernels = compiled_kernels_fixture()


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many representable numbers lie between a and b (0 for two nans, ±0 equal)."""
    assert a.dtype == b.dtype and a.shape == b.shape
    itype = np.int32 if a.dtype == np.float32 else np.int64
    low = np.iinfo(itype).min

    def key(v: np.ndarray) -> np.ndarray:
        i = np.ascontiguousarray(v).view(itype).astype(np.int64)
        return np.where(i < 0, low - i, i)  # monotone in the float's value

    ka, kb = key(a), key(b)
    far = np.int64(2**40)
    with np.errstate(over="ignore"):
        d = np.abs(ka - kb)
    d = np.where((ka < 0) != (kb < 0), np.minimum(np.abs(ka), far) + np.minimum(np.abs(kb), far),
                 d)
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    d = np.where(nan_a & nan_b, 0, d)
    return np.where(nan_a != nan_b, far, d)


def specials(dtype: type) -> list[float]:
    fi = np.finfo(dtype)
    return [0.0, -0.0, np.inf, -np.inf, np.nan, 1000.0, -1000.0, 1e-30, -1e-30, 20.0, -20.0,
            0.5, -0.5, 88.7, -88.7, -103.5, 709.7, -745.0, float(fi.smallest_subnormal),
            -float(fi.smallest_subnormal), float(fi.tiny), float(fi.max), -float(fi.max)]


def values(n: int, dtype: type, rng: np.random.Generator, domain: str) -> np.ndarray:
    """n values: random over several scales, the special values mixed in."""
    if domain == "positive":
        x = np.exp(rng.uniform(-80.0, 80.0, n))
    elif domain == "modest":
        x = rng.standard_normal(n) * rng.choice([1e-3, 1.0, 10.0], n)
    else:
        x = rng.standard_normal(n) * rng.choice([1e-3, 1.0, 10.0, 100.0], n)
    with np.errstate(over="ignore"):
        x = x.astype(dtype)
        sp = np.array(specials(dtype) if domain != "modest" else [0.0, -0.0, np.nan, 1e-30],
                      dtype=dtype)
    k = min(n, sp.size)
    x[rng.permutation(n)[:k]] = sp[:k]
    return x


def truth(name: str, *args: np.ndarray | float, exact: bool = False) -> np.ndarray:
    """The reference in extended precision, rounded to the inputs' dtype.

    Scalar parameters are first rounded to that dtype, as the kernels round them.
    ``exact``: the reference in the inputs' own dtype, for kernels whose every
    step is one rounding (relu, leaky relu), which must agree bit for bit.
    """
    if exact:
        with np.errstate(all="ignore"):
            return getattr(reference, name)(*args)
    dt = np.result_type(*[a for a in args if isinstance(a, np.ndarray)])
    wide = [np.longdouble(dt.type(a)) if np.isscalar(a) else a.astype(np.longdouble)
            for a in args]
    with np.errstate(all="ignore"):
        return getattr(reference, name)(*wide).astype(dt)


# name, input domains (per array argument), extra scalar args, max ulp (float32, float64)
UNARY = [
    ("exp", "any", (), (1, 1)),
    ("log", "positive", (), (1, 1)),
    ("tanh", "any", (), (2, 2)),
    ("sigmoid", "any", (), (2, 2)),
    ("relu", "any", (), (0, 0)),
    ("leaky_relu", "any", (0.01,), (0, 0)),
    ("softplus", "any", (), (2, 2)),
]
BINARY = [
    ("tanh_backward", (), (2, 2)),
    ("sigmoid_backward", (), (2, 2)),
    ("relu_backward", (), (0, 0)),
    ("leaky_relu_backward", (0.2,), (0, 0)),
    ("softplus_backward", (), (3, 3)),  # sigmoid (2 ulp) times grad
]


def check(result: np.ndarray, expected: np.ndarray, max_ulp: int,
          like: np.ndarray | None = None) -> None:
    """``result`` within ``max_ulp`` of ``expected``, of its dtype and shape, laid out as
    ``like`` (the input) when that is a dense permutation of a C-ordered array (a
    transpose), C-contiguous otherwise."""
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    if like is not None and dispatch.memory_order(like) is not None:
        assert result.strides == tuple(s // like.itemsize * result.itemsize
                                       for s in like.strides)
    else:
        assert result.flags.c_contiguous
    d = ulp_distance(result, expected)
    worst = int(d.max()) if d.size else 0
    assert worst <= max_ulp, f"{worst} ulp at input index {np.unravel_index(d.argmax(), d.shape)}"


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name,domain,params,tol", UNARY, ids=[u[0] for u in UNARY])
def test_unary_kernel_matches_reference(name, domain, params, tol, size, layout, dtype,
                                        rng) -> None:
    x = in_layout(values(size, dtype, rng, domain), layout)
    if domain == "positive":
        x[..., :1] = -1.0  # log of a negative number: nan
    with np.errstate(all="ignore"):
        out = getattr(kernels, name)(x, *params)
    check(out, truth(name, x, *params, exact=tol == (0, 0)), tol[dtype == np.float64], like=x)
    assert not np.shares_memory(out, x)


IN_PLACE = ["exp", "sigmoid", "tanh", "relu"]  # the kernels with an ``<name>_inplace`` form


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", IN_PLACE)
def test_in_place_kernel_gives_the_bits_of_the_out_of_place_one(name, size, dtype,
                                                                 rng) -> None:
    x = values(size, dtype, rng, "any").reshape(-1, 1) if size else np.zeros((0, 3), dtype)
    with np.errstate(all="ignore"):
        expected = getattr(kernels, name)(x)
        written = x.copy()
        out = getattr(kernels, name)(written, out=written)
    assert out is written
    np.testing.assert_array_equal(out, expected)
    assert np.array_equal(np.signbit(out), np.signbit(expected))  # relu(-0.0) is +0.0


@pytest.mark.parametrize("name", IN_PLACE)
def test_out_into_another_array_and_below_the_compiled_size(name, rng, monkeypatch) -> None:
    x = rng.standard_normal((4, 5)).astype(np.float32)
    other = np.empty_like(x)
    assert getattr(kernels, name)(x, out=other) is other
    np.testing.assert_array_equal(other, getattr(kernels, name)(x))
    monkeypatch.setattr(dispatch, "COMPILED_MIN", {name: 10**9})  # the NumPy reference
    written = x.copy()
    assert getattr(kernels, name)(written, out=written) is written
    np.testing.assert_allclose(written, other, rtol=1e-6)


def test_out_of_another_shape_dtype_or_layout_is_refused() -> None:
    x = np.ones((4, 6), np.float32)
    for bad in (np.empty((6, 4), np.float32), np.empty((4, 6), np.float64),
                np.empty((6, 4), np.float32).T):
        with pytest.raises(ValueError, match="relu: out must be a C-contiguous array"):
            kernels.relu(x, out=bad)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name,params,tol", BINARY, ids=[b[0] for b in BINARY])
def test_backward_kernel_matches_reference(name, params, tol, size, layout, dtype, rng) -> None:
    # Modest magnitudes: near the overflow edge a product can overflow in the dtype
    # but not in extended precision, and a product with a subnormal factor keeps
    # only that factor's few bits; neither says anything about the kernel.
    g = in_layout(values(size, dtype, rng, "modest"), layout)
    y = in_layout(values(size, dtype, rng, "modest"), layout)
    with np.errstate(all="ignore"):
        out = getattr(kernels, name)(g, y, *params)
    check(out, truth(name, g, y, *params, exact=tol == (0, 0)), tol[dtype == np.float64],
          like=g)


@pytest.mark.parametrize("name", [b[0] for b in BINARY])
def test_backward_kernel_of_float32_and_float64_is_float64(name, rng) -> None:
    g = rng.standard_normal(1001).astype(np.float32)
    y = rng.standard_normal(1001)
    params = dict((b[0], b[1]) for b in BINARY)[name]
    out = getattr(kernels, name)(g, y, *params)
    check(out, truth(name, g.astype(np.float64), y, *params), 2)
    assert out.dtype == np.float64


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
def test_softplus_across_the_whole_log1p_range(dtype) -> None:
    # softplus(x) = max(x, 0) + log1p(t), t = e^-|x| in (0, 1]: a dense grid of t, with both
    # sides of the series' split at t = sqrt(2) - 1 and t down to the float's smallest
    # values (where log1p(t) = t), compared with the extended-precision reference.
    t = np.concatenate([np.linspace(0.0, 1.0, 100_001), np.geomspace(1e-300, 1.0, 20_001),
                        np.sqrt(2.0) - 1 + np.linspace(-1e-6, 1e-6, 2_001)])
    with np.errstate(divide="ignore"):
        x = np.log(t).astype(dtype)
    x = np.concatenate([x, -x])
    check(kernels.softplus(x), truth("softplus", x), 2)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
def test_sigmoid_down_through_its_subnormal_results(dtype) -> None:
    # sigmoid(x) = e^x/(1 + e^x) turns subnormal below x ≈ -87.3 (float32) / -708.4
    # (float64) and rounds to 0 below ≈ -103.3 / -744.4; the kernel carries e^x scaled by
    # a power of two there (fastmath.exp_nonpositive_scaled) and rounds once at the end.
    tiny, smallest = np.finfo(dtype).tiny, np.finfo(dtype).smallest_subnormal
    lo, hi = float(np.log(smallest)) - 2, float(np.log(tiny)) + 2
    x = np.linspace(lo, hi, 200_001).astype(dtype)
    out = kernels.sigmoid(x)
    check(out, truth("sigmoid", x), 2)
    assert out[0] == 0 and 7 * tiny < out[-1] < 8 * tiny  # e^2·tiny
    assert np.all(np.diff(out) >= 0)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
def test_special_values(dtype) -> None:
    def arr(*v: float) -> np.ndarray:
        return np.array(v, dtype=dtype)

    with np.errstate(all="ignore"):
        assert np.array_equal(kernels.sigmoid(arr(1000, -1000, np.inf, -np.inf)), arr(1, 0, 1, 0))
        assert np.array_equal(kernels.softplus(arr(1000, -1000, np.inf, -np.inf)),
                              arr(1000, 0, np.inf, 0))
        assert np.array_equal(kernels.exp(arr(1000, -1000, np.inf, -np.inf, 0)),
                              arr(np.inf, 0, np.inf, 0, 1))
        assert np.array_equal(kernels.log(arr(0, -0.0, np.inf, 1)),
                              arr(-np.inf, -np.inf, np.inf, 0))
        assert np.isnan(kernels.log(arr(-1, -np.inf, np.nan))).all()
        assert np.array_equal(kernels.tanh(arr(1000, -1000, np.inf, -np.inf)), arr(1, -1, 1, -1))
        g = arr(3, 3, 3, 3)
        y = arr(1000, -1000, np.inf, -np.inf)
        assert np.array_equal(kernels.softplus_backward(g, y), arr(3, 0, 3, 0))
        assert np.array_equal(kernels.relu_backward(g, y), arr(3, 0, 3, 0))
        for name in ("exp", "tanh", "sigmoid", "relu", "softplus"):
            assert np.isnan(getattr(kernels, name)(arr(np.nan))).all(), name
    assert np.signbit(kernels.tanh(arr(-0.0)))[0]
    tiny = np.finfo(dtype).smallest_subnormal
    assert kernels.exp(arr(np.log(float(tiny))))[0] == tiny


def _full_log_loop():
    """A loop of ``fastmath.log`` on every element, compiled as the kernels are."""
    from autograd.kernels import activations, fastmath
    from autograd.kernels.numba_setup import njit

    @njit(error_model=activations.JIT["error_model"], fastmath=activations.JIT["fastmath"])
    def loop(x, out):
        for i in range(x.size):
            out[i] = fastmath.log(x[i])

    return loop


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "parallel"])
def test_log_kernel_gives_the_bits_of_the_full_formula_around_special_inputs(parallel, dtype,
                                                                             rng) -> None:
    # The kernel takes the fast formula for positive normal inputs and redoes the others;
    # here they sit in one block of several, at its edges and inside.
    from autograd.kernels import activations

    n = 4000
    x = np.exp(rng.uniform(-30.0, 30.0, n)).astype(dtype)
    fi = np.finfo(dtype)
    odd = [0.0, -0.0, -1.0, np.inf, -np.inf, np.nan, float(fi.smallest_subnormal),
           float(fi.tiny) / 3, float(fi.tiny), float(fi.max)]
    start = 3 * n // 16
    x[start:start + len(odd)] = odd
    x[start + 200] = -2.0
    out = np.empty_like(x)
    with np.errstate(all="ignore"):
        activations.log(x, out, parallel)
    expected = np.empty_like(x)
    with np.errstate(all="ignore"):
        _full_log_loop()(x, expected)
    np.testing.assert_array_equal(out.view(f"i{x.itemsize}"), expected.view(f"i{x.itemsize}"))
    assert np.isnan(out[start + 2]) and out[start] == -np.inf and out[start + 3] == np.inf
    assert out[start + 6] == np.log(np.longdouble(fi.smallest_subnormal)).astype(dtype)


def test_kernels_outside_the_compiled_set_use_the_reference(rng) -> None:
    ints = rng.integers(-5, 5, 11)
    assert kernels.relu(ints).dtype == ints.dtype
    np.testing.assert_array_equal(kernels.relu(ints), reference.relu(ints))
    np.testing.assert_array_equal(kernels.exp(ints), np.exp(ints))
    np.testing.assert_array_equal(kernels.sigmoid(np.array(0.5)), reference.sigmoid(np.array(0.5)))
    half = np.ones(3, np.float16)
    assert kernels.tanh(half).dtype == np.float16
    g, x = rng.standard_normal((2, 3)), rng.standard_normal(3)
    np.testing.assert_array_equal(kernels.relu_backward(g, x), reference.relu_backward(g, x))


def unusual_layouts(x: np.ndarray, file: Path) -> dict[str, np.ndarray]:
    """Arrays holding x's values (1-D, size divisible by 4; the broadcast one repeats x[0])
    in layouts the common tests skip: negative strides, a read-only array, a zero-stride
    broadcast (also read-only) and a read-only memory map of ``file``."""
    read_only = x.copy()
    read_only.flags.writeable = False
    np.save(file, x)
    return {
        "negative strides": x[::-1].copy()[::-1],
        "2-D negative strides": x.reshape(4, -1)[::-1, ::-1].copy()[::-1, ::-1],
        "read-only": read_only,
        "broadcast": np.broadcast_to(x[:1], x.shape),
        "memmap": np.load(file, mmap_mode="r"),
    }


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("size", [8, 4096])  # below and at the ufunc kernels' COMPILED_MIN
def test_unusual_layouts_give_the_contiguous_result(size, dtype, rng, tmp_path,
                                                    monkeypatch) -> None:
    # The kernels read any layout as its C-ordered copy: the same bits as on that copy,
    # the input untouched, a new C-contiguous array of the input's dtype and shape.
    monkeypatch.setattr(dispatch, "COMPILED_MIN", sizes.COMPILED_MIN)
    xs = unusual_layouts(values(size, dtype, rng, "any"), tmp_path / "x.npy")
    ys = unusual_layouts(values(size, dtype, rng, "modest"), tmp_path / "y.npy")
    for layout, xl in xs.items():
        yl = ys[layout]
        xc, yc = np.array(xl), np.array(yl)
        for name, _, params, tol in UNARY:
            with np.errstate(all="ignore"):
                out, want = getattr(kernels, name)(xl, *params), getattr(kernels, name)(xc, *params)
            if layout == "memmap":  # not an ndarray itself: NumPy's reference runs
                check(out, want, max(tol) + 2)
            else:
                assert out.dtype == dtype and out.flags.c_contiguous, (name, layout)
                np.testing.assert_array_equal(out, want, err_msg=f"{name}, {layout}")
            np.testing.assert_array_equal(xl, xc)
        for name, params, tol in BINARY:
            with np.errstate(all="ignore"):
                out = getattr(kernels, name)(yl, xl, *params)
                want = getattr(kernels, name)(yc, xc, *params)
            if layout == "memmap":
                check(out, want, max(tol) + 2)
            else:
                np.testing.assert_array_equal(out, want, err_msg=f"{name}, {layout}")


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
def test_results_keep_a_channels_last_layout(dtype, rng, monkeypatch) -> None:
    # As PyTorch's elementwise ops keep a tensor's memory format: an (N, C, H, W) view of
    # channels-last memory gives a result with its strides, the same bits as the
    # C-ordered input's; two inputs keep it when they share it, and give C order when not.
    monkeypatch.setattr(dispatch, "COMPILED_MIN", sizes.COMPILED_MIN)
    shape = (3, 5, 7, 64)  # (N, H, W, C) in memory
    x = values(math.prod(shape), dtype, rng, "modest").reshape(shape).transpose(0, 3, 1, 2)
    g = values(math.prod(shape), dtype, rng, "modest").reshape(shape).transpose(0, 3, 1, 2)
    xc, gc = np.ascontiguousarray(x), np.ascontiguousarray(g)
    assert dispatch.memory_order(x) == (0, 2, 3, 1) and dispatch.memory_order(xc) is None
    for name, _, params, _ in UNARY:
        with np.errstate(all="ignore"):
            out, want = getattr(kernels, name)(x, *params), getattr(kernels, name)(xc, *params)
        assert out.strides == x.strides, name
        np.testing.assert_array_equal(out, want, err_msg=name)
    for name, params, _ in BINARY:
        with np.errstate(all="ignore"):
            kept = getattr(kernels, name)(g, x, *params)
            mixed = getattr(kernels, name)(gc, x, *params)
            want = getattr(kernels, name)(gc, xc, *params)
        assert kept.strides == x.strides and mixed.flags.c_contiguous, name
        np.testing.assert_array_equal(kept, want, err_msg=name)
        np.testing.assert_array_equal(mixed, want, err_msg=name)


def test_integer_and_bool_inputs_are_computed_in_floating_point() -> None:
    # They run the references, which used to round sigmoid's and the slope's fractions
    # back to the integer dtype: sigmoid(int) was all 0, leaky_relu's slope 0.01 became 0,
    # sigmoid and softplus of bools raised.
    ints = np.arange(-3, 3)
    floats = ints.astype(np.float64)
    for name, params in [("sigmoid", ()), ("softplus", ()), ("leaky_relu", (0.01,))]:
        out = getattr(kernels, name)(ints, *params)
        assert out.dtype == np.float64, name
        np.testing.assert_array_equal(out, getattr(reference, name)(floats, *params))
        flags = getattr(kernels, name)(np.array([True, False]), *params)
        assert flags.dtype == np.float16, name  # as np.exp(bool) is
        np.testing.assert_allclose(flags, getattr(reference, name)(np.array([1.0, 0.0]),
                                                                   *params), rtol=1e-3)
    assert kernels.leaky_relu(ints, 0.01)[0] == -0.03
    grad = kernels.leaky_relu_backward(np.ones(6, np.int64), ints, 0.01)
    assert grad.dtype == np.float64
    np.testing.assert_array_equal(grad, [0.01, 0.01, 0.01, 0.01, 1.0, 1.0])
    np.testing.assert_allclose(kernels.softplus_backward(np.ones(6, np.int64), ints),
                               reference.sigmoid(floats))
    np.testing.assert_array_equal(kernels.relu(ints), [0, 0, 0, 0, 1, 2])  # exact: stays int


@pytest.mark.parametrize("name", sorted(set(sizes.COMPILED_MIN) - {"mul_backward"}))
def test_small_arrays_of_single_ufunc_kernels_run_numpy(name, monkeypatch, rng) -> None:
    monkeypatch.setattr(dispatch, "COMPILED_MIN", sizes.COMPILED_MIN)
    calls = []
    real = dispatch._kernel(name)

    class Recording:
        def run(self, key, parallel, *args):
            calls.append(args[0].size)
            return real.run(key, parallel, *args)

    monkeypatch.setitem(dispatch._kernels, name, Recording())
    limit = sizes.COMPILED_MIN[name]
    if limit == sizes.NEVER:  # NumPy's loop wins at every size (log, where NumPy has AVX-512)
        x = np.abs(rng.standard_normal(100_000)).astype(np.float32)
        np.testing.assert_array_equal(getattr(kernels, name)(x), getattr(reference, name)(x))
        assert calls == []
        return
    small = np.abs(rng.standard_normal(limit - 1)).astype(np.float32)
    np.testing.assert_array_equal(getattr(kernels, name)(small), getattr(reference, name)(small))
    large = np.abs(rng.standard_normal(limit)).astype(np.float32)
    check(getattr(kernels, name)(large), truth(name, large), 2)
    assert calls == [limit]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != "GRAPHGRAD_KERNELS"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=300)


BACKEND_PROBE = (
    "import sys, numpy as np; import autograd.kernels as k;"
    "k.sigmoid(np.ones(3, np.float32)); print(k.backend(), 'numba' in sys.modules)"
)


def test_environment_variable_selects_the_numpy_references() -> None:
    assert run_python(BACKEND_PROBE, GRAPHGRAD_KERNELS="numpy").stdout.split() == ["numpy",
                                                                                  "False"]
    assert run_python(BACKEND_PROBE, GRAPHGRAD_AOT="0").stdout.split() == ["numba", "True"]
    assert run_python(BACKEND_PROBE).stdout.split()[0] == "numba"  # maybe without Numba: aot.py


def test_bad_environment_variable_is_a_clear_error() -> None:
    proc = run_python("import autograd", GRAPHGRAD_KERNELS="cuda")
    assert proc.returncode != 0
    assert "GRAPHGRAD_KERNELS='cuda'" in proc.stderr and "'numpy'" in proc.stderr


def test_import_loads_nothing_heavy() -> None:
    # The import time itself is measured by `python -m bench` (cold start), not asserted here.
    code = ("import sys, autograd; print([m for m in ('numba', 'graphviz', 'torch', "
            "'matplotlib') if m in sys.modules])")
    assert run_python(code).stdout.strip() == "[]"


def test_a_later_process_loads_jit_kernels_from_the_cache() -> None:
    # The JIT kernels (parallel calls, or no ahead-of-time builds) are cached on disk.
    code = ("import numpy as np; import autograd.kernels as k;"
            "from autograd.kernels import activations as a;"
            "k.sigmoid(np.ones(3, np.float32)); print(len(a.sigmoid.stats.cache_hits))")
    run_python(code, GRAPHGRAD_AOT="0")  # compiled (or loaded) and cached
    assert run_python(code, GRAPHGRAD_AOT="0").stdout.strip() == "1"


AUTO = (sizes.AUTO_PARALLEL_MIN, True)


@pytest.mark.parametrize("value,expected", [(None, AUTO), ("", AUTO), (" Auto ", AUTO),
                                            ("never", (sizes.NEVER, False)),
                                            (" 100000 ", (100_000, False)), ("1", (1, False))])
def test_parallel_threshold_from_the_environment(value, expected) -> None:
    environ = {} if value is None else {"GRAPHGRAD_PARALLEL_MIN": value}
    assert sizes.parallel_min_from_env(environ) == expected


def test_the_parallel_threshold_is_set_per_process(monkeypatch) -> None:
    monkeypatch.setattr(sizes, "PARALLEL_MIN", sizes.NEVER)
    monkeypatch.setattr(sizes, "PARALLEL_AUTO", False)
    monkeypatch.setitem(sizes.COMPILED_MIN, "log", sizes.COMPILED_MIN["log"])
    monkeypatch.setattr(sizes, "numpy_has_avx512", lambda: True)  # log then follows it
    assert kernels.parallel_min() is None
    assert kernels.set_parallel_min(20_000) is None
    assert kernels.parallel_min() == sizes.PARALLEL_MIN == sizes.COMPILED_MIN["log"] == 20_000
    assert kernels.set_parallel_min(None) == 20_000
    assert sizes.PARALLEL_MIN == sizes.NEVER
    for bad in (0, -1, 2.5, True, "100", "Auto"):
        with pytest.raises(ValueError, match="positive int, None .* or 'auto'"):
            kernels.set_parallel_min(bad)
    assert kernels.parallel_min() is None
    assert kernels.set_parallel_min("auto") is None
    assert sizes.PARALLEL_AUTO
    # The automatic threshold, or (decided already, without a shared pool) none.
    shared = kernels.parallel_info()["shared"]
    assert kernels.parallel_min() in ((sizes.AUTO_PARALLEL_MIN,) if shared else
                                      (sizes.AUTO_PARALLEL_MIN, None))
    assert kernels.set_parallel_min(None) == "auto"
    assert not sizes.PARALLEL_AUTO and kernels.parallel_min() is None


@pytest.mark.parametrize("value", ["0", "-5", "1e6", "many"])
def test_a_bad_parallel_threshold_says_what_to_set(value) -> None:
    with pytest.raises(ValueError, match="GRAPHGRAD_PARALLEL_MIN=.*'never' or a positive whole"):
        sizes.parallel_min_from_env({"GRAPHGRAD_PARALLEL_MIN": value})


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("size", SIZES)
def test_mul_backward_gives_numpys_products(size, dtype, rng) -> None:
    grad, a, b = (values(size, dtype, rng, "any") for _ in range(3))
    with np.errstate(all="ignore"):
        ga, gb = kernels.mul_backward(grad, a, b)
        np.testing.assert_array_equal(ga, grad * b)
        np.testing.assert_array_equal(gb, grad * a)
        ga, gb = kernels.mul_backward(grad, a, a)  # x·x: one array for both factors
    np.testing.assert_array_equal(ga, gb)
    assert ga.dtype == dtype and not np.shares_memory(ga, gb)


@pytest.mark.parametrize("case", ["strided", "broadcast", "mixed dtypes", "integers"])
def test_mul_backward_of_other_arrays_is_numpys_two_multiplies(case, rng) -> None:
    grad, a, b = rng.standard_normal((3, 6, 4))
    if case == "strided":
        grad = np.asfortranarray(grad)  # same values, not C-contiguous
    elif case == "broadcast":
        b = b[:1]
    elif case == "mixed dtypes":
        a = a.astype(np.float32)
    else:
        grad, a, b = (np.arange(24).reshape(6, 4) + k for k in range(3))
    ga, gb = kernels.mul_backward(grad, a, b)
    assert ga.dtype == np.result_type(grad, b) and gb.dtype == np.result_type(grad, a)
    np.testing.assert_array_equal(ga, grad * b)
    np.testing.assert_array_equal(gb, grad * a)


def test_mul_backward_runs_compiled_from_its_threshold(monkeypatch, rng) -> None:
    monkeypatch.setattr(dispatch, "COMPILED_MIN", dict(sizes.COMPILED_MIN))
    calls = []
    monkeypatch.setattr(reference, "mul_backward",
                        lambda *args: calls.append(args[0].size) or (args[0], args[0]))
    set_parallel_min(monkeypatch, sizes.NEVER)
    for size in (sizes.COMPILED_MIN["mul_backward"] - 1, sizes.COMPILED_MIN["mul_backward"]):
        kernels.mul_backward(*rng.standard_normal((3, size)).astype(np.float32))
    assert calls == [sizes.COMPILED_MIN["mul_backward"] - 1]
    set_parallel_min(monkeypatch, 40_000)  # a parallel loop pays from fewer
    for size in (39_999, 40_000):
        kernels.mul_backward(*rng.standard_normal((3, size)).astype(np.float32))
    assert calls == [sizes.COMPILED_MIN["mul_backward"] - 1, 39_999]
