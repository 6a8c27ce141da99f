"""MKL's GEMM for the large float products (``autograd/kernels/mkl.py``): when it is used,
what it takes, and that it multiplies as NumPy does (within rounding), also in a forked
process after the parent multiplied on MKL's threads."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from autograd.kernels import mkl

ROOT = Path(__file__).resolve().parents[2]

INSTALLED = mkl.find_library() is not None
needs_mkl = pytest.mark.skipif(not INSTALLED, reason="MKL is not installed (pip install mkl)")


@pytest.fixture
def decide_again(monkeypatch):
    """Forget this process's decision before and after the test (the environment the test
    sets then decides)."""
    monkeypatch.setattr(mkl, "foreign_openmp", lambda: False)  # PyTorch may be imported here
    fresh = {"decided": False, "gemm": None, "path": None, "reason": ""}
    saved = dict(mkl._state)
    mkl._state.update(fresh)
    yield
    mkl._state.update(saved)


def test_the_choice_comes_from_the_environment():
    assert mkl.requested({}) == "auto"
    assert mkl.requested({mkl.ENV: " OFF "}) == "off"
    with pytest.raises(ValueError, match="GRAPHGRAD_MKL='yes'.*'auto'.*'on'.*'off'"):
        mkl.requested({mkl.ENV: "yes"})


def test_auto_takes_mkl_only_on_intel_cpus():
    assert mkl.cpu_is_intel("vendor_id\t: GenuineIntel\nmodel name\t: Xeon")
    assert not mkl.cpu_is_intel("vendor_id\t: AuthenticAMD\nmodel name\t: EPYC")


def test_off_and_a_missing_library(monkeypatch, decide_again):
    monkeypatch.setenv(mkl.ENV, "off")
    assert not mkl.active() and mkl.info()["reason"] == "GRAPHGRAD_MKL=off"
    mkl._state["decided"] = False
    monkeypatch.setenv(mkl.ENV, "on")
    monkeypatch.setenv(mkl.LIBRARY_ENV, "")
    monkeypatch.setattr(mkl.sys, "prefix", "/nonexistent")
    monkeypatch.setattr(mkl.sys, "base_prefix", "/nonexistent")
    with pytest.raises(RuntimeError, match="GRAPHGRAD_MKL=on but no libmkl_rt.*pip install mkl"):
        mkl.active()
    mkl._state["decided"] = False
    monkeypatch.setenv(mkl.ENV, "auto")
    assert not mkl.active()  # auto without the library: NumPy's products, no error


def test_a_library_that_does_not_load_is_named(monkeypatch, decide_again, tmp_path):
    broken = tmp_path / "libmkl_rt.so.2"
    broken.write_text("not a library")
    monkeypatch.setenv(mkl.LIBRARY_ENV, str(broken))
    monkeypatch.setenv(mkl.ENV, "auto")
    monkeypatch.setattr(mkl, "cpu_is_intel", lambda: True)
    assert not mkl.active() and str(broken) in str(mkl.info()["reason"])
    mkl._state["decided"] = False
    monkeypatch.setenv(mkl.ENV, "on")
    with pytest.raises(OSError):
        mkl.active()


# The products run in fresh processes: in this one PyTorch (imported by other tests)
# may have put GNU OpenMP in the global symbols first, where MKL is rightly not used.
PRODUCTS = """
import numpy as np, autograd as ag
from autograd import kernels as K
from autograd.kernels import mkl
assert mkl.active(), mkl.info()
rng = np.random.default_rng(0)

def operand(shape, dtype, transposed):
    if transposed:
        return rng.standard_normal(shape[::-1]).astype(dtype).T
    return rng.standard_normal(shape).astype(dtype)

compiled = mkl._compiled
assert compiled("gemm") is not None  # BLAS called from a kernel (blas_calls.py)

def by_ctypes(f, *args):  # f(*args) with MKL called through ctypes (kernels: numpy)
    mkl._compiled = lambda name: None
    try:
        return f(*args)
    finally:
        mkl._compiled = compiled

for dtype in (np.float32, np.float64):
    tol = 1e-4 if dtype == np.float32 else 1e-12
    for m, k, n in [(512, 784, 256), (64, 64, 64), (3, 1000, 100), (300, 7, 130)]:
        for ta in (False, True):
            for tb in (False, True):
                a, b = operand((m, k), dtype, ta), operand((k, n), dtype, tb)
                got = mkl.product(a, b)
                assert got is not None and got.dtype == dtype and got.flags.c_contiguous
                for result in (got, K.matmul(a, b), by_ctypes(mkl.product, a, b)):
                    np.testing.assert_allclose(result, a @ b, rtol=tol, atol=tol * k ** 0.5)

big = rng.standard_normal((128, 128)).astype(np.float32)
assert mkl.product(big, big) is not None  # 128^3 = 2^21 multiply-adds
assert mkl.product(big[:16], big[:, :16]) is None  # 16 * 128 * 16 < MIN_WORK
assert mkl.product(big.astype(np.float64), big) is None  # mixed dtypes
assert mkl.product(big.astype(np.int64), big.astype(np.int64)) is None
assert mkl.product(big[:, ::2], big[:64]) is None  # a strided view
assert mkl.product(big[None], big[None]) is None  # batched: NumPy's matmul
assert mkl.product(np.zeros((0, 128), np.float32), big) is None
assert K.matmul(np.zeros((0, 128), np.float32), big).shape == (0, 128)

for dtype in (np.float32, np.float64):  # v @ b on gemv, b as it is or transposed
    tol = 1e-4 if dtype == np.float32 else 1e-12
    for k, n in [(512, 256), (128, 100), (10_000, 3)]:
        v = rng.standard_normal(k).astype(dtype)
        for b in (operand((k, n), dtype, False), operand((k, n), dtype, True)):
            got = mkl.vector_product(v, b)
            assert got is not None and got.dtype == dtype and got.shape == (n,)
            for result in (got, K.matmul(v, b), by_ctypes(mkl.vector_product, v, b)):
                np.testing.assert_allclose(result, v @ b, rtol=tol, atol=tol * k ** 0.5)
v = np.ones(64, np.float32)
assert mkl.vector_product(v, big[:64, :64]) is None  # 4096 < GEMV_MIN_WORK: OpenBLAS's
assert mkl.vector_product(np.ones(256, np.float32)[::2], big) is None  # a strided vector
assert mkl.vector_product(v.astype(np.float64), big[:64]) is None  # mixed dtypes
out = np.full((128, 128), np.nan, np.float32)  # into out=, as a convolution's chunks go
assert mkl.product(big, big.T, out) is out
np.testing.assert_allclose(out, big @ big.T, rtol=1e-4, atol=1e-3)
assert K.matmul(big, big, out=out) is out
np.testing.assert_allclose(out, big @ big, rtol=1e-4, atol=1e-3)
assert mkl.product(big, big, out[:, :64]) is None  # not the result's shape
assert mkl.product(big, big, big) is None  # overlaps an operand: NumPy's matmul copes
np.testing.assert_allclose(K.matmul(big.copy(), big, out=out.T), big @ big, rtol=1e-4,
                           atol=1e-3)  # a transposed out: NumPy's matmul
x = ag.tensor(rng.standard_normal((256, 300)), requires_grad=True)
w = ag.tensor(rng.standard_normal((200, 300)), requires_grad=True)
b = ag.tensor(rng.standard_normal(200), requires_grad=True)
g = rng.standard_normal((256, 200))
y = ag.linear(x, w, b)
y.backward(ag.tensor(g))
np.testing.assert_allclose(y.data, x.data @ w.data.T + b.data, rtol=1e-12, atol=1e-10)
np.testing.assert_allclose(x.grad.data, g @ w.data, rtol=1e-12, atol=1e-10)
np.testing.assert_allclose(w.grad.data, g.T @ x.data, rtol=1e-12, atol=1e-10)
np.testing.assert_allclose(b.grad.data, g.sum(0), rtol=1e-12, atol=1e-10)  # gemv: 1ᵀg
print("ok")
"""

# A linear layer's forward and backward as one compiled call each (kernels/layers.py).
LAYERS = """
import numpy as np, autograd as ag
from autograd import kernels as K
from autograd.kernels import layers, mkl, products
assert mkl.active(), mkl.info()
rng = np.random.default_rng(0)
made = []  # the products made from Python, one by one
matmul = products.matmul
def counted(a, b, out=None):
    made.append((a.shape, b.shape))
    return matmul(a, b, out)
products.matmul = counted

for dtype in (np.float32, np.float64):
    tol = 1e-5 if dtype == np.float32 else 1e-12
    x = rng.standard_normal((3, 50, 40)).astype(dtype)  # (..., in): 150 rows
    w, b = rng.standard_normal((30, 40)).astype(dtype), rng.standard_normal(30).astype(dtype)
    g = rng.standard_normal((3, 50, 30)).astype(dtype)
    for relu in (False, True):
        out = (K.linear_relu if relu else K.linear)(x, w, b)
        gx, gw, gb = K.linear_backward(g, x, w, out if relu else None, True, True, True)
        z = x @ w.T + b
        dz = np.where(out > 0, g, 0) if relu else g
        for got, want in ((out, np.maximum(z, 0) if relu else z), (gx, dz @ w),
                          (gw, dz.reshape(-1, 30).T @ x.reshape(-1, 40)),
                          (gb, dz.reshape(-1, 30).sum(0))):
            assert got.dtype == dtype and got.flags.c_contiguous
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol * 40)
    assert not made, made  # each one compiled call
    assert all(k._runs or k._jit for k in layers._kernels.values()) and len(layers._kernels) == 2

# where the one call does not take the arrays, the products run one by one
x, w = rng.standard_normal((50, 40)).astype(np.float32), rng.standard_normal((30, 40))
w = w.astype(np.float32)
for args in ((x[:, ::2], w[:, ::2]), (x.T.copy().T, w), (x.astype(np.float64), w)):
    made.clear()
    np.testing.assert_allclose(K.linear(*args, None), args[0] @ args[1].T, rtol=1e-5,
                               atol=1e-4)
    assert made
made.clear()
narrow, w_narrow = x[:, :20].copy(), w[:, :20].copy()  # gᵀx with 20 columns: matmul's swap
K.linear_backward(K.linear(narrow, w_narrow, None), narrow, w_narrow, None, True, True, False)
assert made == [((50, 30), (30, 20)), ((30, 50), (50, 20))], made

# the ops through it: float64 finite differences, and no product from Python
for op in (ag.linear, ag.linear_relu):
    xs = ag.tensor(rng.standard_normal((2, 6, 40)), requires_grad=True)
    ws = ag.tensor(rng.standard_normal((5, 40)), requires_grad=True)
    bs = ag.tensor(rng.standard_normal(5), requires_grad=True)
    made.clear()
    assert ag.gradcheck(op, (xs, ws, bs)) and ag.gradgradcheck(op, (xs, ws, bs))
    gradient = ag.tensor(rng.standard_normal((2, 6, 5)))  # C-contiguous (a sum's is not)
    made.clear()
    op(xs, ws, bs).backward(gradient)
    assert not made, made
print("ok")
"""


@needs_mkl
def test_linear_layers_run_as_one_call_on_mkl():
    proc = run_python(LAYERS, GRAPHGRAD_MKL="on", MKL_NUM_THREADS="2")
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


# optim.search forks its workers: MKL's threads must not leave them a dead pool.
FORK = """
import multiprocessing, numpy as np
from autograd import kernels as K
from autograd.kernels import mkl

def product(queue):
    a = np.full((256, 256), 0.5, np.float32)
    queue.put(float(K.matmul(a, a)[0, 0]))

if __name__ == "__main__":
    assert mkl.active(), mkl.info()
    a = np.full((256, 256), 0.5, np.float32)
    assert K.matmul(a, a)[0, 0] == 64.0  # on MKL's two threads
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=product, args=(queue,))
    child.start()
    child.join(120)
    if child.is_alive():
        child.kill()
    assert child.exitcode == 0, child.exitcode
    assert queue.get(timeout=5) == 64.0
    print("ok")
"""

# GNU OpenMP in the global symbols first, as `import torch` puts it there.
FOREIGN = """
import ctypes, numpy as np
ctypes.CDLL("libgomp.so.1", mode=ctypes.RTLD_GLOBAL)
from autograd import kernels as K
from autograd.kernels import mkl
assert mkl.foreign_openmp()
a = np.random.default_rng(0).standard_normal((512, 784)).astype(np.float32)
b = np.random.default_rng(1).standard_normal((784, 256)).astype(np.float32)
np.testing.assert_allclose(K.matmul(a, b), a @ b, rtol=1e-5, atol=1e-4)
print(mkl.active(), mkl.info()["reason"])
"""


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("GRAPHGRAD_KERNELS", mkl.ENV)}
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "script.py")
        with open(script, "w") as f:
            f.write(code)
        return subprocess.run([sys.executable, script], cwd=ROOT, env={**clean, **env},
                              capture_output=True, text=True, timeout=600)


@needs_mkl
@pytest.mark.parametrize("threads", ["1", "2"])
def test_products_agree_with_numpy(threads):
    proc = run_python(PRODUCTS, GRAPHGRAD_MKL="on", MKL_NUM_THREADS=threads)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


@needs_mkl
@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX's")
def test_a_forked_process_multiplies_after_its_parent():
    proc = run_python(FORK, GRAPHGRAD_MKL="on", MKL_NUM_THREADS="2")
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


@needs_mkl
def test_mkl_is_not_used_beside_another_openmp_runtime():
    proc = run_python(FOREIGN, GRAPHGRAD_MKL="auto", MKL_NUM_THREADS="2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False " + mkl.FOREIGN_OPENMP
    proc = run_python(FOREIGN, GRAPHGRAD_MKL="on", MKL_NUM_THREADS="2")
    assert "GRAPHGRAD_MKL" in proc.stderr and "mkl.active() before importing" in proc.stderr
