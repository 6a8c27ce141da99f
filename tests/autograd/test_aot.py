"""The kernels' ahead-of-time builds (``autograd/kernels/aot.py``).

A serial kernel call runs the kernel's ahead-of-time module; these tests check that
every kernel gives the same bits that way as through Numba's JIT, that a fresh process
with the modules built runs a training step without importing Numba, and that a failed
or disabled build falls back to the JIT with the same results.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from autograd import kernels as K
from autograd.kernels import aot, cells, dispatch, fused, layers, sizes, sliding
from autograd.kernels.exercise import exercise
from optim import kernels as optim_kernels
from optim.kernels.exercise import exercise as optim_exercise

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(K.backend() != "numba", reason="GRAPHGRAD_KERNELS=numpy")


def _forget_resolved_kernels() -> None:
    for registry in (dispatch._kernels, fused._kernels, sliding._kernels, cells._kernels,
                     layers._kernels, optim_kernels._serial_kernels):
        for kernel in registry.values():
            kernel._runs.clear()


@pytest.fixture
def jit_only(monkeypatch):
    """Run the block with the ahead-of-time builds switched off (and forget what the
    kernels resolved before and after, so the rest of the session builds as usual)."""
    monkeypatch.setenv("GRAPHGRAD_AOT", "0")
    _forget_resolved_kernels()
    yield
    monkeypatch.delenv("GRAPHGRAD_AOT")
    _forget_resolved_kernels()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_kernel_gives_the_jits_bits(dtype, jit_only, monkeypatch):
    monkeypatch.setattr(sizes, "PARALLEL_MIN", sizes.NEVER)  # built: the serial loops
    jit = exercise(dtype) | optim_exercise(dtype)
    monkeypatch.setenv("GRAPHGRAD_AOT", "1")
    _forget_resolved_kernels()
    built = exercise(dtype) | optim_exercise(dtype)
    assert all(k._runs for k in fused._kernels.values())  # each resolved through aot
    assert len(cells._kernels) == 4 and all(k._runs for k in cells._kernels.values())
    for name, expected in jit.items():
        np.testing.assert_array_equal(built[name], expected, err_msg=name)
        assert built[name].dtype == expected.dtype, name


STEP = """
import json, sys
import numpy as np
import autograd as ag, nn, optim
ag.manual_seed(0)
rng = np.random.default_rng(0)
x = ag.from_numpy(rng.standard_normal((32, 784)).astype(np.float32))
y = ag.from_numpy(rng.integers(0, 10, 32))
model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
opt = optim.Adam(model.parameters())
for _ in range(2):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
print(json.dumps({"loss": float(loss.item()), "numba": "numba" in sys.modules,
                  "mkl": ag.kernels.mkl.active()}))
"""


def _serial_environment(**env: str) -> dict[str, str]:
    """This process's environment with every loop serial (the builds are of the serial
    loops; parallel ones would start Numba), plus ``env``."""
    return {**os.environ, "GRAPHGRAD_PARALLEL_MIN": "never", **env}


def _run_step(env: dict[str, str]) -> dict:
    done = subprocess.run([sys.executable, "-c", STEP], env=_serial_environment(**env), cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_fresh_process_with_built_kernels_does_not_start_numba(tmp_path):
    env = {"GRAPHGRAD_AOT_DIR": str(tmp_path), "GRAPHGRAD_KERNELS": "numba", "GRAPHGRAD_AOT": "1"}
    first = _run_step(env)  # builds the linear layers' passes, the cross-entropy pair, Adam
    assert first["numba"]  # (where MKL multiplies, each layer's forward and backward as one)
    built = {p.name.split(".")[0].rsplit("_", 1)[0] for p in tmp_path.glob("*/gg_*")}
    layers = ["gg_linear_forward", "gg_linear_backward"] if first["mkl"] else [
        "gg_add_bias_inplace", "gg_linear_backward"]
    assert built == {*layers, "gg_softmax_xent_labels_forward",
                     "gg_softmax_xent_labels_backward", "gg_adam_serial"}
    second = _run_step(env)
    assert not second["numba"]
    assert second["loss"] == first["loss"]
    jit = _run_step({"GRAPHGRAD_AOT": "0", "GRAPHGRAD_KERNELS": "numba"})
    assert jit["numba"] and jit["loss"] == first["loss"]


def test_a_parallel_call_leaves_the_serial_module_built(monkeypatch, tmp_path):
    # A fresh process runs its first calls serially while Numba loads: whatever a process
    # ran in parallel must be built for them (else each fresh process builds one more).
    from compiled import set_parallel_min

    monkeypatch.setenv("GRAPHGRAD_AOT_DIR", str(tmp_path))
    monkeypatch.setattr(aot, "_state", {"fingerprint": None, "failure": None})
    set_parallel_min(monkeypatch, 1000)
    kernel = aot.Kernel(f"{fused.__name__.rsplit('.', 1)[0]}.nn_fused", "add_bias_inplace",
                        parallel_flag=True)
    y = np.full((100, 20), -3.0, np.float32)
    kernel.run("f", True, y, np.full(20, 2.0, np.float32), True)  # relu(-3 + 2)
    np.testing.assert_array_equal(y, 0.0)
    assert kernel.module_path("f").exists()


def test_adam_together_leaves_the_serial_update_built(monkeypatch):
    from compiled import set_parallel_min

    set_parallel_min(monkeypatch, 1000)
    monkeypatch.setattr(optim_kernels, "_serial_kernels", {})
    arrays = [[np.ones(800, np.float32) for _ in range(2)] for _ in range(4)]
    assert optim_kernels.adam_many(*arrays, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                                   weight_decay=0.0, decoupled=False, maximize=False,
                                   step_size=1e-3, bc2_sqrt=0.5)
    assert "f" in optim_kernels._serial_kernel("adam")._runs


@pytest.mark.parametrize("name", ["sgd", "rmsprop"])
def test_a_parallel_optimizer_update_leaves_its_serial_update_built(name, monkeypatch):
    from compiled import set_parallel_min

    import autograd as ag
    import nn
    import optim

    set_parallel_min(monkeypatch, 1000)
    monkeypatch.setattr(optim_kernels, "_serial_kernels", {})
    monkeypatch.setattr(optim_kernels, "_parallel_runs", {})
    w = nn.Parameter(np.ones(3000, np.float32))
    opt = optim.SGD([w], lr=0.1, momentum=0.9) if name == "sgd" else optim.RMSprop([w], lr=0.1)
    w.grad = ag.from_numpy(np.full(3000, 2.0, np.float32))
    opt.step()
    assert "f" in optim_kernels._serial_kernel(name)._runs
    assert (w.data < 1).all()


def test_a_failed_build_warns_once_and_runs_the_jit(monkeypatch, tmp_path):
    monkeypatch.setenv("GRAPHGRAD_AOT_DIR", str(tmp_path))
    monkeypatch.setenv("GRAPHGRAD_AOT", "1")
    monkeypatch.setitem(aot._state, "failure", None)

    def broken(*args):
        raise OSError("no C compiler")

    monkeypatch.setattr(aot, "_build", broken)
    x = np.linspace(-2, 2, 5000, dtype=np.float32)
    kernel = aot.Kernel("autograd.kernels.activations", "sigmoid", parallel_flag=True)
    with pytest.warns(RuntimeWarning, match="no C compiler.*JIT"):
        out = np.empty_like(x)
        kernel("f", x, out)
    np.testing.assert_array_equal(out, K.sigmoid(x))
    again = aot.Kernel("autograd.kernels.activations", "tanh", parallel_flag=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = np.empty_like(x)
        again("f", x, out)  # no second attempt, no second warning
    np.testing.assert_array_equal(out, K.tanh(x))
    assert not list(tmp_path.glob("*/gg_*.so"))


def test_support_code_listed_with_dotdot_paths_builds(monkeypatch, tmp_path):
    # Numba lists ".../numba/pycc/../core/runtime/nrt.cpp". Each support file compiles
    # into a directory of its own, below which the object's path repeats the source's;
    # setuptools before ~70 makes only the normalized directory, so gcc found no
    # ".../pycc" to write "pycc/../core/runtime/nrt.o" through, and every build failed.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pycc's pending-deprecation warning
        from numba.pycc import CC
        from numba.pycc.platform import Toolchain
    listed, compile_objects = CC._get_mixin_sources, Toolchain.compile_objects

    root = os.path.dirname(sys.modules["numba"].__file__)

    def through_np(self):  # every file as ".../numba/np/../<its path in numba>"
        return [os.path.join(root, "np", "..", os.path.relpath(os.path.normpath(s), root))
                for s in listed(self)]

    compiled = []

    def spy(self, sources, *args, **kwargs):
        compiled.extend(sources)
        return compile_objects(self, sources, *args, **kwargs)

    monkeypatch.setattr(CC, "_get_mixin_sources", through_np)
    monkeypatch.setattr(Toolchain, "compile_objects", spy)
    monkeypatch.setenv("GRAPHGRAD_AOT_DIR", str(tmp_path))
    monkeypatch.setenv("GRAPHGRAD_AOT", "1")
    monkeypatch.setitem(aot._state, "failure", None)
    kernel = aot.Kernel("autograd.kernels.activations", "relu", parallel_flag=True)
    x = np.linspace(-2, 2, 5000, dtype=np.float32)
    out = np.empty_like(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kernel("f", x, out)
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    assert compiled and all(".." not in Path(s).parts for s in compiled)
    assert len(list(tmp_path.glob("*/gg_relu_*.so"))) == 1
    assert len(list(tmp_path.glob("*/mixin/objects.txt"))) == 1


def test_disabled_builds_write_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("GRAPHGRAD_AOT_DIR", str(tmp_path))
    monkeypatch.setenv("GRAPHGRAD_AOT", "0")
    kernel = aot.Kernel("autograd.kernels.activations", "relu", parallel_flag=True)
    x = np.linspace(-2, 2, 5000, dtype=np.float32)
    out = np.empty_like(x)
    kernel("f", x, out)
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    assert not list(tmp_path.iterdir())


def test_where_the_modules_go(monkeypatch, tmp_path):
    monkeypatch.delenv("GRAPHGRAD_AOT_DIR", raising=False)
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert aot.cache_dir() == tmp_path / "graphgrad-aot"
    monkeypatch.setenv("GRAPHGRAD_AOT_DIR", str(tmp_path / "mine"))
    assert aot.cache_dir() == tmp_path / "mine"
    kernel = aot.Kernel("autograd.kernels.activations", "relu", parallel_flag=True)
    paths = {kernel.module_path(key) for key in ("f", "d")}
    assert len(paths) == 2
    assert all(p.parent == tmp_path / "mine" / aot.fingerprint() for p in paths)


def test_a_call_with_other_types_than_its_key_first_had_is_refused(monkeypatch):
    monkeypatch.setattr(aot, "CHECK", True)
    kernel = aot.Kernel("autograd.kernels.activations", "relu", parallel_flag=True)
    x = np.linspace(-1, 1, 8, dtype=np.float32)
    out = np.empty_like(x)
    kernel("f", x, out)
    for bad in (np.arange(8, dtype=np.int32), x.reshape(2, 4),
                np.linspace(-1, 1, 16, dtype=np.float32)[::2]):
        with pytest.raises(TypeError, match="relu: arguments for key 'f' must keep the types"):
            kernel("f", bad, out)


def test_the_suite_checks_every_kernel_call():
    assert aot.CHECK  # tests/conftest.py sets GRAPHGRAD_AOT_CHECK before autograd loads


RELU = """
import json, sys
import numpy as np
from autograd import kernels
out = kernels.relu(np.linspace(-1, 1, 10_000, dtype=np.float32))
print(json.dumps({"sum": float(out.sum()), "numba": "numba" in sys.modules}))
"""


def test_processes_building_the_same_kernel_at_once_take_turns(tmp_path):
    env = _serial_environment(GRAPHGRAD_AOT_DIR=str(tmp_path), GRAPHGRAD_KERNELS="numba",
                              GRAPHGRAD_AOT="1")
    runs = [subprocess.Popen([sys.executable, "-c", RELU], env=env, cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = []
    for run in runs:
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
        results.append(json.loads(out))
    assert results[0]["sum"] == results[1]["sum"]
    # One built the module; the other waited for it (or came after) and never needed Numba.
    assert sorted(r["numba"] for r in results) == [False, True]
    assert len(list(tmp_path.glob("*/gg_relu_*.so"))) == 1
