"""The fused Numba kernels agree with their NumPy references, bit for bit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from optim import kernels
from optim.kernels import reference

ROOT = Path(__file__).resolve().parents[2]

CASES = {
    "sgd": [
        dict(lr=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
             maximize=False),
        dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01, nesterov=False,
             maximize=True),
        dict(lr=0.05, momentum=0.8, dampening=0.0, weight_decay=0.0, nesterov=True,
             maximize=False),
    ],
    "momentum": [dict(lr=0.1, beta=0.9), dict(lr=0.3, beta=0.0)],
    "adagrad": [
        dict(clr=0.1, weight_decay=0.0, eps=1e-10, maximize=False),
        dict(clr=0.07, weight_decay=0.1, eps=1e-6, maximize=True),
    ],
    "rmsprop": [
        dict(lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
             maximize=False),
        dict(lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.1, momentum=0.9, centered=True,
             maximize=False),
        dict(lr=0.02, alpha=0.3, eps=1e-6, weight_decay=0.0, momentum=0.0, centered=True,
             maximize=True),
    ],
    "adam": [
        dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False,
             maximize=False, amsgrad=False),
        dict(lr=1e-2, beta1=0.8, beta2=0.99, eps=1e-8, weight_decay=0.1, decoupled=False,
             maximize=True, amsgrad=True),
        dict(lr=1e-2, beta1=0.3, beta2=0.9, eps=1e-6, weight_decay=0.05, decoupled=True,
             maximize=False, amsgrad=False),
    ],
}
STATE = {"sgd": ["buf"], "momentum": ["v"], "adagrad": ["s"],
         "rmsprop": ["sq", "gavg", "buf"], "adam": ["m", "v", "vmax"]}


def _run(fn, name: str, opts: dict, p: np.ndarray, grads: list[np.ndarray]) -> list[np.ndarray]:
    """Three steps of ``fn`` from fresh state; returns p and the state arrays."""
    opts = dict(opts)
    state = {k: np.zeros_like(p) for k in STATE[name]}
    if name == "adagrad":
        state["s"] += 0.1
    if name == "rmsprop":
        state["gavg"] = state["gavg"] if opts["centered"] else None
        state["buf"] = state["buf"] if opts["momentum"] > 0 else None
    if name == "adam" and not opts.pop("amsgrad"):
        state["vmax"] = None
    for t, g in enumerate(grads, start=1):
        extra = {}
        if name == "sgd":
            extra["first"] = t == 1
        if name == "adam":
            extra = {"step_size": opts["lr"] / (1 - opts["beta1"] ** t),
                     "bc2_sqrt": (1 - opts["beta2"] ** t) ** 0.5}
        fn(p, g, *state.values(), **opts, **extra)
    return [p] + [a for a in state.values() if a is not None]


TEST_PARALLEL_THRESHOLD = 5_000  # while the test below runs (the default is never)


@pytest.mark.parametrize("size", [37, TEST_PARALLEL_THRESHOLD + 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,case", [(n, i) for n, cs in CASES.items() for i in range(len(cs))])
def test_fused_matches_reference_bitwise(name, case, dtype, size, rng, monkeypatch):
    monkeypatch.setattr(kernels, "PARALLEL_THRESHOLD", TEST_PARALLEL_THRESHOLD)
    opts = CASES[name][case]
    p0 = rng.standard_normal(size).astype(dtype)
    grads = [rng.standard_normal(size).astype(dtype) for _ in range(3)]
    p_fused = p0.copy()
    p_before = p_fused
    fused_out = _run(getattr(kernels, name), name, opts, p_fused, grads)
    ref_out = _run(getattr(reference, name), name, opts, p0.copy(), grads)
    assert fused_out[0] is p_before
    assert not np.array_equal(fused_out[0], p0)
    for got, want in zip(fused_out, ref_out):
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, want)


def test_kernel_uses_fused_path_and_keeps_the_array(rng):
    p = rng.standard_normal((4, 5))
    g = rng.standard_normal((4, 5))
    flat = kernels._flat(p, g, None)
    assert flat is not None and np.shares_memory(flat[0], p)
    assert flat[2] is flat[0]


def test_noncontiguous_parameter_falls_back_and_updates_in_place(rng):
    base = rng.standard_normal((6, 8))
    p = base[:, ::2]
    assert kernels._flat(p, np.ones_like(p), None) is None
    g = rng.standard_normal(p.shape)
    v = np.zeros_like(p)
    want = p.copy()
    reference.momentum(want, g, np.zeros_like(p), lr=0.1, beta=0.9)
    kernels.momentum(p, g, v, lr=0.1, beta=0.9)
    np.testing.assert_array_equal(base[:, ::2], want)


def test_fortran_ordered_parameter_and_transposed_grad(rng):
    p = np.asfortranarray(rng.standard_normal((5, 3)))
    g = rng.standard_normal((3, 5)).T
    m, v = np.zeros_like(p), np.zeros_like(p)
    assert m.flags.f_contiguous
    want = p.copy()
    opts = dict(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False,
                maximize=False, step_size=1.0, bc2_sqrt=0.03)
    reference.adam(want, g, np.zeros_like(p), np.zeros_like(p), None, **opts)
    kernels.adam(p, g, m, v, None, **opts)
    np.testing.assert_array_equal(p, want)


def _python(code: str, **env: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, **env}, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_environment_selects_the_numpy_references():
    code = (
        "import numpy as np, sys, autograd as ag, optim\n"
        "from optim import kernels\n"
        "w = ag.tensor(np.linspace(-1, 1, 7), requires_grad=True)\n"
        "opt = optim.Adam([w], lr=0.1)\n"
        "for _ in range(5):\n"
        "    opt.zero_grad(); ((w * w).sum()).backward(); opt.step()\n"
        "loaded = 'optim.kernels.fused' in sys.modules\n"
        "print(kernels.USE_REFERENCE, loaded, repr(w.data.tolist()))\n"
    )
    ref = _python(code, GRAPHGRAD_KERNELS="numpy")
    fused = _python(code, GRAPHGRAD_KERNELS="numba")
    assert ref.startswith("True False ")
    assert fused.startswith("False True ")
    assert ref.split(" ", 2)[2] == fused.split(" ", 2)[2]


def test_import_does_not_load_numba_for_optim():
    out = _python("import sys, optim; import optim.kernels; print('optim.kernels.fused' in "
                  "sys.modules)")
    assert out == "False"
