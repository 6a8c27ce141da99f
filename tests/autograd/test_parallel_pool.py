"""The automatic parallel threshold (``autograd/kernels/pool.py``): parallel loops where
they share MKL's Intel OpenMP threads with the products, serial loops elsewhere; each
case in a fresh process, whose first parallel call makes the choice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograd.kernels import mkl

ROOT = Path(__file__).resolve().parents[2]

needs_mkl = pytest.mark.skipif(mkl.find_library() is None,
                               reason="MKL is not installed (pip install mkl)")
needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs /proc")

PROGRAM = """
import json, os
import numpy as np
import autograd as ag, optim
from autograd import kernels

def threads():
    return len(os.listdir("/proc/self/task"))

before = threads()
x = np.random.default_rng(0).standard_normal(100_000).astype(np.float32)
ag.sigmoid(ag.from_numpy(x))  # the first parallel call: serial while Numba loads
kernels.parallel_info(decide=True)  # wait for it
t = ag.tensor(x, requires_grad=True)
y = ag.sigmoid(t)
y.backward(ag.ones_like(y))
s = 1 / (1 + np.exp(-x.astype(np.float64)))
error = float(max(np.abs(y.detach().numpy() - s).max(), np.abs(t.grad.numpy() - s * (1 - s)).max()))
w = ag.tensor(np.ones((784, 256), np.float32), requires_grad=True)
(ag.from_numpy(np.ones((512, 784), np.float32)) @ w).sum().backward()  # a product on MKL
opt = optim.Adam([w])
opt.step()
print(json.dumps({**kernels.parallel_info(), "added_threads": threads() - before,
                  "error": error, "adam_finite": bool(np.isfinite(w.detach().numpy()).all())}))
"""


def run(program: str, **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("GRAPHGRAD_PARALLEL_MIN", "NUMBA_THREADING_LAYER", "GRAPHGRAD_MKL")}
    environ.update(NUMBA_NUM_THREADS="2", OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="1",
                   GRAPHGRAD_KERNELS="numba", **env)
    out = subprocess.run([sys.executable, "-c", program], env=environ, cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@needs_mkl
@needs_proc
def test_automatic_loops_run_on_mkls_threads():
    found = run(PROGRAM, GRAPHGRAD_MKL="on")
    assert found["auto"] and found["started"] and found["ready"] and found["shared"], found
    assert found["parallel_min"] == 32_768
    assert found["reason"] == "Numba's loops run on MKL's Intel OpenMP threads"
    # One Intel OpenMP worker for Numba's loops and MKL's products alike: no second pool.
    assert found["added_threads"] == 1, found
    assert found["error"] < 1e-6 and found["adam_finite"]


@needs_proc
def test_without_mkl_the_automatic_loops_stay_serial():
    found = run(PROGRAM, GRAPHGRAD_MKL="off")
    assert found["auto"] and found["started"] and not found["ready"] and not found["shared"]
    assert found["parallel_min"] is None
    assert found["reason"] == "MKL is not active (GRAPHGRAD_MKL=off)"
    assert found["added_threads"] == 0, found  # Numba never started its pool
    assert found["error"] < 1e-6 and found["adam_finite"]


@needs_mkl
def test_numbas_own_threading_layer_is_not_shared():
    found = run(PROGRAM, GRAPHGRAD_MKL="on", NUMBA_THREADING_LAYER="workqueue")
    assert not found["shared"] and found["parallel_min"] is None
    assert found["reason"] == "NUMBA_THREADING_LAYER=workqueue (Numba's own pool, not MKL's)"


def test_a_threshold_the_user_sets_is_kept_without_a_shared_pool():
    found = run(PROGRAM, GRAPHGRAD_MKL="off", GRAPHGRAD_PARALLEL_MIN="50000")
    assert not found["auto"] and not found["shared"] and found["parallel_min"] == 50_000
    assert found["ready"] and found["reason"] == "MKL is not active (GRAPHGRAD_MKL=off)"
    assert found["error"] < 1e-6


def test_never_keeps_every_loop_serial():
    found = run(PROGRAM, GRAPHGRAD_PARALLEL_MIN="never")
    assert found["parallel_min"] is None and not found["auto"] and not found["started"]


FORK = """
import os, sys
import numpy as np
import autograd as ag

from autograd import kernels
x = ag.from_numpy(np.linspace(-3, 3, 100_000, dtype=np.float32))
assert kernels.parallel_info(decide=True)["ready"]
want = ag.sigmoid(x).numpy()  # parallel, on MKL's threads
pid = os.fork()
if pid == 0:
    ok = np.allclose(ag.sigmoid(x).numpy(), want) and kernels.parallel_min() is None
    product = np.ones((512, 784), np.float32) @ np.ones((784, 256), np.float32)
    ok = ok and np.allclose(ag.from_numpy(np.ones((512, 784), np.float32)).matmul(
        ag.from_numpy(np.ones((784, 256), np.float32))).numpy(), product)
    os._exit(0 if ok else 1)
_, status = os.waitpid(pid, 0)
print('{"child": %d}' % os.waitstatus_to_exitcode(status))
"""


@needs_mkl
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_runs_its_loops_serially():
    # Numba's OpenMP layer would kill a forked child's first parallel loop (SIGTERM).
    assert run(FORK, GRAPHGRAD_MKL="on") == {"child": 0}


LOADING = """
import json, sys, threading
import numpy as np
import autograd as ag
from autograd import kernels

x = ag.from_numpy(np.ones(100_000, np.float32))
ag.sigmoid(x)  # the first parallel call: Numba loads in the background
loading = [t.name for t in threading.enumerate() if t.name == "graphgrad-numba"]
first = kernels.parallel_info()
ag.sigmoid(x)
print(json.dumps({"loading": loading, "first": first,
                  "decided": kernels.parallel_info(decide=True)}))
"""


@needs_mkl
def test_numba_loads_in_the_background_and_the_loops_wait_for_it():
    found = run(LOADING, GRAPHGRAD_MKL="on")
    if found["loading"]:  # (a cold kernel cache may have imported Numba to build first)
        assert found["first"]["started"] and not found["first"]["ready"], found
    assert found["decided"]["ready"] and found["decided"]["shared"], found
