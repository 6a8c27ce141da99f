"""The fused Numba kernels agree with their NumPy references, bit for bit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from compiled import set_parallel_min

from optim import kernels
from optim.kernels import reference
from optim.radam import rectification

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
        dict(lr=0.0, beta1=0.0, beta2=0.5, eps=0.0, weight_decay=0.5, decoupled=True,
             maximize=True, amsgrad=True),
    ],
    "nadam": [
        dict(lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False,
             maximize=False),
        dict(lr=1e-2, beta1=0.8, beta2=0.99, eps=1e-8, weight_decay=0.1, decoupled=False,
             maximize=True),
        dict(lr=1e-2, beta1=0.3, beta2=0.9, eps=1e-6, weight_decay=0.05, decoupled=True,
             maximize=False),
        dict(lr=0.0, beta1=0.0, beta2=0.5, eps=0.0, weight_decay=0.5, decoupled=True,
             maximize=True),
    ],
    "radam": [  # rectified but for the last (β₂ = 0.5: ρ∞ = 3, never above 5)
        dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False,
             maximize=False),
        dict(lr=1e-2, beta1=0.8, beta2=0.99, eps=1e-8, weight_decay=0.1, decoupled=False,
             maximize=True),
        dict(lr=1e-2, beta1=0.3, beta2=0.9, eps=1e-6, weight_decay=0.05, decoupled=True,
             maximize=False),
        dict(lr=1e-2, beta1=0.0, beta2=0.5, eps=0.0, weight_decay=0.5, decoupled=True,
             maximize=True),
    ],
    "adamax": [
        dict(beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, maximize=False),
        dict(beta1=0.8, beta2=0.99, eps=1e-8, weight_decay=0.1, maximize=True),
        dict(beta1=0.3, beta2=0.0, eps=0.0, weight_decay=0.0, maximize=False),
    ],
    "adadelta": [
        dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, maximize=False),
        dict(lr=0.5, rho=0.95, eps=1e-4, weight_decay=0.1, maximize=True),
        dict(lr=2.0, rho=0.0, eps=1e-8, weight_decay=0.0, maximize=False),
    ],
    "rprop": [
        dict(etaminus=0.5, etaplus=1.2, step_size_min=1e-6, step_size_max=50.0,
             maximize=False),
        dict(etaminus=0.3, etaplus=1.5, step_size_min=0.02, step_size_max=0.03,
             maximize=True),
    ],
}
STATE = {"sgd": ["buf"], "momentum": ["v"], "adagrad": ["s"],
         "rmsprop": ["sq", "gavg", "buf"], "adam": ["m", "v", "vmax"], "nadam": ["m", "v"],
         "radam": ["m", "v"], "adamax": ["m", "u"], "adadelta": ["sq", "acc"],
         "rprop": ["prev", "step"]}


def _nadam_steps(opts: dict, t: int) -> dict:
    """NAdam's step sizes at step ``t`` with the default momentum_decay (the product of
    the μ in float64: ``optim.NAdam`` keeps it in float32, as torch does)."""
    def mu(s: int) -> float:
        return opts["beta1"] * (1.0 - 0.5 * 0.96 ** (s * 4e-3))

    product = float(np.prod([mu(s) for s in range(1, t + 1)]))
    return {"grad_step": opts["lr"] * (1.0 - mu(t)) / (1.0 - product),
            "avg_step": opts["lr"] * mu(t + 1) / (1.0 - product * mu(t + 1)),
            "bias_correction2": 1 - opts["beta2"] ** t}


def _radam_steps(opts: dict, t: int) -> dict:
    """RAdam's scalars at step ``t + 10``: late enough that β₂ ≥ 0.9 is rectified."""
    t += 10
    return {"bias_correction1": 1 - opts["beta1"] ** t,
            "bc2_sqrt": (1 - opts["beta2"] ** t) ** 0.5, "rect": rectification(opts["beta2"], t)}


# the arguments an update takes besides its options: the step's scalars
SCHEDULES = {"nadam": _nadam_steps, "radam": _radam_steps,
             "adamax": lambda opts, t: {"clr": 2e-3 / (1 - opts["beta1"] ** t)}}


def _run(fn, name: str, opts: dict, p: np.ndarray, grads: list[np.ndarray]) -> list[np.ndarray]:
    """Three steps of ``fn`` from fresh state; returns p and the state arrays."""
    opts = dict(opts)
    state = {k: np.zeros_like(p) for k in STATE[name]}
    if name == "adagrad":
        state["s"] += 0.1
    if name == "rprop":
        state["step"] += 0.025
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
        if name in SCHEDULES:
            extra = SCHEDULES[name](opts, t)
        fn(p, g, *state.values(), **opts, **extra)
    return [p] + [a for a in state.values() if a is not None]


TEST_PARALLEL_THRESHOLD = 5_000  # while the test below runs


@pytest.mark.parametrize("size", [37, TEST_PARALLEL_THRESHOLD + 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,case", [(n, i) for n, cs in CASES.items() for i in range(len(cs))])
def test_fused_matches_reference_bitwise(name, case, dtype, size, rng, monkeypatch):
    set_parallel_min(monkeypatch, TEST_PARALLEL_THRESHOLD)
    opts = CASES[name][case]
    p0 = rng.standard_normal(size).astype(dtype)
    grads = [rng.standard_normal(size).astype(dtype) for _ in range(3)]
    p_fused = p0.copy()
    p_before = p_fused
    fused_out = _run(getattr(kernels, name), name, opts, p_fused, grads)
    ref_out = _run(getattr(reference, name), name, opts, p0.copy(), grads)
    assert fused_out[0] is p_before
    assert not np.array_equal(fused_out[0], p0) or opts["lr"] == 0
    for got, want in zip(fused_out, ref_out):
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, want)


def test_kernel_uses_fused_path_and_keeps_the_array(rng, monkeypatch):
    monkeypatch.setattr(kernels, "USE_REFERENCE", False)  # as without GRAPHGRAD_KERNELS=numpy
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
    fused = _python(code, GRAPHGRAD_KERNELS="numba", GRAPHGRAD_AOT="0")  # the JIT kernels
    built = _python(code, GRAPHGRAD_KERNELS="numba")  # their ahead-of-time builds
    assert ref.startswith("True False ")
    assert fused.startswith("False True ")
    assert ref.split(" ", 2)[2] == fused.split(" ", 2)[2] == built.split(" ", 2)[2]


def test_import_does_not_load_numba_for_optim():
    out = _python("import sys, optim; import optim.kernels; print('optim.kernels.fused' in "
                  "sys.modules)")
    assert out == "False"


# -------------------------------------------------------- inputs the tests above skip
def _opts(name: str) -> dict:
    """A case of ``name`` with its options switched on (momentum, weight decay, amsgrad,
    AdamW's decoupled decay)."""
    if name in ("adam", "nadam", "radam"):
        return dict(CASES[name][1], decoupled=True)
    return dict(CASES[name][0 if name == "momentum" else 1])


def _update(fn, name: str, p: np.ndarray, g: np.ndarray, state: dict, opts: dict,
            t: int = 2) -> None:
    """Step ``t`` (not the first) of ``fn`` on p and the state arrays ``STATE[name]``."""
    opts = dict(opts)
    state = dict(state)
    extra = {"first": False} if name == "sgd" else {}
    if name == "adam":
        if not opts.pop("amsgrad"):
            state["vmax"] = None
        extra = {"step_size": opts["lr"] / (1 - opts["beta1"] ** t),
                 "bc2_sqrt": (1 - opts["beta2"] ** t) ** 0.5}
    if name in SCHEDULES:
        extra = SCHEDULES[name](opts, t)
    if name == "rmsprop":
        state["gavg"] = state["gavg"] if opts["centered"] else None
        state["buf"] = state["buf"] if opts["momentum"] > 0 else None
    fn(p, g, *state.values(), **opts, **extra)


def _state(name: str, like: np.ndarray) -> dict:
    """State arrays mid-training (RMSprop's centered average below its root mean square)."""
    values = np.linspace(0.5, 1.5, like.size).astype(like.dtype).reshape(like.shape)
    return {k: values * like.dtype.type(0.1 if k == "gavg" else 1) for k in STATE[name]}


NAMES = list(CASES)


@pytest.mark.parametrize("grad_dtype", [np.float64, np.int64, np.float16])
@pytest.mark.parametrize("name", NAMES)
def test_a_gradient_of_another_dtype_is_read_in_the_parameters_dtype(name, grad_dtype, rng):
    # The kernels cast it to p's dtype first; the reference computed in the wider dtype,
    # so the two differed in the last bits.
    p0 = rng.standard_normal(41).astype(np.float32)
    g = (rng.standard_normal(41) * 3).astype(grad_dtype)
    runs = []
    for fn, grad in ((kernels, g), (reference, g), (reference, g.astype(np.float32))):
        p, state = p0.copy(), _state(name, p0)
        _update(getattr(fn, name), name, p, grad, state, _opts(name))
        runs.append([p, *state.values()])
    for fused, ref, cast in zip(*runs):
        assert fused.dtype == np.float32
        np.testing.assert_array_equal(fused, ref)
        np.testing.assert_array_equal(fused, cast)


@pytest.mark.parametrize("alias", ["the parameter", "a view of the parameter", "a state array",
                                   "the parameter's memory shifted by one"])
@pytest.mark.parametrize("name", NAMES)
def test_a_gradient_sharing_memory_with_the_update_is_read_as_before_it(name, alias, rng):
    # Both paths read g as it was before the step, as with a copy of it. The reference
    # used to read it after its own first in-place writes (AdamW's decay when g is p,
    # momentum's v when g is v); the kernels read elements they had already written when
    # g overlapped p at another offset.
    start = rng.standard_normal(42)

    def run(fn, copy_grad: bool) -> list[np.ndarray]:
        memory = start.copy()
        p = memory[1:]
        state = _state(name, p)
        g = {"the parameter": p, "a view of the parameter": p[:],
             "a state array": state[STATE[name][0]],
             "the parameter's memory shifted by one": memory[:-1]}[alias]
        _update(getattr(fn, name), name, p, g.copy() if copy_grad else g, state, _opts(name))
        return [p, *state.values()]

    want = run(reference, copy_grad=True)
    for fn in (kernels, reference):
        for got, expected in zip(run(fn, copy_grad=False), want):
            np.testing.assert_array_equal(got, expected, err_msg=fn.__name__)


@pytest.mark.parametrize("use_reference", [False, True], ids=["fused", "reference"])
@pytest.mark.parametrize("name", NAMES)
def test_read_only_arrays_and_integer_parameters_are_refused_before_any_change(
        name, use_reference, monkeypatch, rng):
    # A read-only parameter (np.broadcast_to, a memory map opened 'r', ag.from_numpy of
    # either) used to reach Numba, which failed to compile a store into it.
    monkeypatch.setattr(kernels, "USE_REFERENCE", use_reference)
    for frozen in ["parameter", *STATE[name]]:
        p = rng.standard_normal(12)
        state = _state(name, p)
        (p if frozen == "parameter" else state[frozen]).flags.writeable = False
        before = [p.copy(), *[a.copy() for a in state.values()]]
        what = "parameter" if frozen == "parameter" else "optimizer state"
        with pytest.raises(ValueError, match=f"{name}: the {what} array is read-only"):
            _update(getattr(kernels, name), name, p, np.ones(12), state, _opts(name))
        for now, then in zip([p, *state.values()], before):
            np.testing.assert_array_equal(now, then)
    ints = np.arange(12)
    with pytest.raises(TypeError, match=f"{name}: the parameter must be floating point"):
        _update(getattr(kernels, name), name, ints, np.ones(12), _state(name, ints),
                _opts(name))
    np.testing.assert_array_equal(ints, np.arange(12))


@pytest.mark.parametrize("name", NAMES)
def test_a_gradient_of_another_shape_is_never_read_past_its_end(name, rng):
    # The kernels took the flat gradient as is: a (1,) gradient for 12 parameters was read
    # 11 elements past its end. Now the reference runs: it broadcasts a (1,) gradient and
    # refuses a gradient that cannot be broadcast.
    p0 = rng.standard_normal((3, 4))
    runs = []
    for fn in (kernels, reference):
        p, state = p0.copy(), _state(name, p0)
        _update(getattr(fn, name), name, p, np.array([0.5]), state, _opts(name))
        runs.append([p, *state.values()])
    for fused, ref in zip(*runs):
        np.testing.assert_array_equal(fused, ref)
    with pytest.raises(ValueError, match="broadcast"):
        _update(kernels.sgd, "sgd", p0.copy(), np.ones((4, 3)), _state("sgd", p0),
                _opts("sgd"))


def test_memory_mapped_parameter_is_updated_in_place(tmp_path, rng):
    p0 = rng.standard_normal(300).astype(np.float32)
    grads = [rng.standard_normal(300).astype(np.float32) for _ in range(3)]
    np.save(tmp_path / "p.npy", p0)
    mapped = np.load(tmp_path / "p.npy", mmap_mode="r+")
    opts = CASES["adam"][1]
    _run(kernels.adam, "adam", opts, mapped, grads)
    want = _run(reference.adam, "adam", opts, p0.copy(), grads)[0]
    np.testing.assert_array_equal(mapped, want)
    mapped.flush()
    np.testing.assert_array_equal(np.load(tmp_path / "p.npy"), want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_late_in_training_matches_reference_bitwise(dtype, rng):
    # Step 10**7: both bias corrections are 1 to the last bit.
    p0 = rng.standard_normal(301).astype(dtype)
    g = rng.standard_normal(301).astype(dtype)
    for amsgrad in (False, True):
        opts = dict(CASES["adam"][1], amsgrad=amsgrad)
        runs = []
        for fn in (kernels, reference):
            p, state = p0.copy(), _state("adam", p0)
            _update(fn.adam, "adam", p, g, state, opts, t=10**7)
            runs.append([p, *state.values()])
        for fused, ref in zip(*runs):
            np.testing.assert_array_equal(fused, ref)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,case", [(n, i) for n, cs in CASES.items() for i in range(len(cs))])
def test_fused_matches_reference_on_special_values(name, case, dtype, rng):
    # nan, ±inf, ±0, the largest and the smallest numbers in parameters and gradients:
    # the same values on both paths (a nan's sign and payload bits may differ).
    p0 = rng.standard_normal(64).astype(dtype)
    fi = np.finfo(dtype)
    p0[:6] = [np.nan, np.inf, -np.inf, 0.0, -0.0, fi.max]
    grads = []
    for _ in range(3):
        g = rng.standard_normal(64).astype(dtype)
        g[6:16] = [np.nan, np.inf, -np.inf, 0.0, -0.0, fi.max, fi.tiny, fi.smallest_subnormal,
                   1e30, -1e-30]
        grads.append(g)
    with np.errstate(all="ignore"):
        fused = _run(getattr(kernels, name), name, CASES[name][case], p0.copy(), grads)
        ref = _run(getattr(reference, name), name, CASES[name][case], p0.copy(), grads)
    for got, want in zip(fused, ref):
        np.testing.assert_array_equal(got, want)


ADAM_GROUP_CASES = [case for case in CASES["adam"] if not case["amsgrad"]]


@pytest.mark.parametrize("case", ADAM_GROUP_CASES, ids=range(len(ADAM_GROUP_CASES)))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_many_is_adam_on_each_parameter_bit_for_bit(case, dtype, rng, monkeypatch):
    set_parallel_min(monkeypatch, 1000)
    options = {k: v for k, v in case.items() if k != "amsgrad"}
    options.update(step_size=case["lr"] / (1 - case["beta1"] ** 3),
                   bc2_sqrt=(1 - case["beta2"] ** 3) ** 0.5)
    shapes = [(300, 7), (5,), (1,), (64, 33), (9000,)]  # several blocks, and 1-element ones
    arrays = [[rng.standard_normal(s).astype(dtype) for s in shapes] for _ in range(4)]
    arrays[3] = [np.abs(v) for v in arrays[3]]  # second moments are >= 0
    each = [[a.copy() for a in group] for group in arrays]
    assert kernels.adam_many(*arrays, **options)
    for p, g, m, v in zip(*each):
        kernels.adam(p, g, m, v, None, **options)
    for together, alone in zip(arrays, each):
        for a, b in zip(together, alone):
            np.testing.assert_array_equal(a, b)


def test_adam_many_declines_what_it_cannot_update_together(rng, monkeypatch):
    set_parallel_min(monkeypatch, 1000)
    options = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                   decoupled=False, maximize=False, step_size=1e-3, bc2_sqrt=0.5)

    def arrays(n=2000, dtype=np.float32):
        return [[rng.standard_normal(n).astype(dtype) for _ in range(2)] for _ in range(4)]

    ok = arrays()
    assert kernels.adam_many(*ok, **options)
    for change in (lambda a: a[0].__setitem__(0, np.zeros(4000, np.float32)[::2]),  # strided
                   lambda a: a[1].__setitem__(1, np.zeros(4000, np.float32)[:2000]),  # a view
                   lambda a: a[2].__setitem__(0, a[2][0].astype(np.float64)),  # mixed dtypes
                   lambda a: a[0].__setitem__(1, np.ones((2, 1000), np.float32))):  # shapes
        bad = arrays()
        change(bad)
        before = [[x.copy() for x in group] for group in bad]
        assert not kernels.adam_many(*bad, **options)
        for group, saved in zip(bad, before):
            for x, y in zip(group, saved):
                np.testing.assert_array_equal(x, y)  # nothing changed
    assert not kernels.adam_many(*arrays(n=10), **options)  # too few elements together
    set_parallel_min(monkeypatch, 10**9)
    assert not kernels.adam_many(*arrays(), **options)  # the loops run serially


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_updates_a_group_as_it_updates_each_parameter(amsgrad, rng, monkeypatch):
    import autograd as ag
    import optim

    set_parallel_min(monkeypatch, 1000)
    shapes = [(40, 30), (30,), (7, 40), (7,)]
    values = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    grads = [[rng.standard_normal(s).astype(np.float32) for s in shapes] for _ in range(3)]
    results = []
    for together in (True, False):
        params = [ag.tensor(v.copy(), requires_grad=True) for v in values]
        opt = optim.AdamW(params, lr=1e-2, amsgrad=amsgrad)
        if not together:
            monkeypatch.setattr(kernels, "adam_many", lambda *a, **k: False)
        for step in range(3):
            for p, g in zip(params, grads[step]):
                p.grad = ag.tensor(g.copy())
            if step == 1:
                params[1].grad = None  # skipped once: its step count falls behind
            opt.step()
        results.append([p.data.copy() for p in params])
        monkeypatch.undo()
        set_parallel_min(monkeypatch, 1000)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_adam_many_follows_replaced_and_read_only_arrays(rng, monkeypatch):
    set_parallel_min(monkeypatch, 1000)
    options = dict(lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                   decoupled=False, maximize=False, step_size=1e-2, bc2_sqrt=0.5)
    ps, gs, ms, vs = ([rng.standard_normal(n).astype(np.float32) for n in (1500, 7)]
                      for _ in range(4))
    vs = [np.abs(v) for v in vs]
    assert kernels.adam_many(ps, gs, ms, vs, **options)  # the group is made and kept
    ms[0] = rng.standard_normal(1500).astype(np.float32)  # a new moment (load_state_dict)
    expected = [a.copy() for a in (ps[0], ms[0], vs[0])]
    kernels.adam(*expected[:1], gs[0], *expected[1:], None, **options)
    assert kernels.adam_many(ps, gs, ms, vs, **options)
    for got, want in zip((ps[0], ms[0], vs[0]), expected):
        np.testing.assert_array_equal(got, want)
    ps[1].flags.writeable = False
    before = ps[0].copy()
    assert not kernels.adam_many(ps, gs, ms, vs, **options)
    np.testing.assert_array_equal(ps[0], before)
