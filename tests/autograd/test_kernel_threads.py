"""Below the parallel threshold a compiled kernel never wakes Numba's thread pool.

Right after an OpenBLAS matmul a parallel region waits for a core (``sizes.py``): a
training step with batch norm took 24 ms instead of 1.5 when its batch-norm kernels
ran array expressions as parallel regions on every call. This runs a model's forward,
backward and optimizer steps with every fused kernel, below ``PARALLEL_MIN``, in a
fresh process with two Numba threads, and counts the process's OS threads: Numba
starts its pool at the first parallel region, so the count must not grow. The same
process then runs one kernel above a lowered threshold, to show the count would grow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """
import json, os
import numpy as np
import autograd as ag, nn, optim

def threads():
    return len(os.listdir("/proc/self/task"))

rng = np.random.default_rng(0)
x = ag.from_numpy(rng.standard_normal((64, 784)).astype(np.float32))
y = ag.from_numpy(rng.integers(0, 10, 64))
soft = ag.from_numpy(np.full((64, 10), 0.1, np.float32))
model = nn.Sequential(nn.Linear(784, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.2),
                      nn.Linear(128, 64), nn.Tanh(), nn.Linear(64, 64), nn.Sigmoid(),
                      nn.Linear(64, 10))
optimizers = [optim.Adam(model.parameters()), optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
              optim.RMSprop(model.parameters())]
(x @ x.T).sum()  # OpenBLAS starts its threads
before = threads()
for opt in optimizers:
    for target in (y, soft):
        opt.zero_grad()
        z = model(x)
        loss = nn.functional.cross_entropy(z, target) + ag.log(ag.exp(z).sum())
        loss.backward()
        opt.step()
after = threads()
big = ag.tensor(np.ones(1 << 17, np.float32), requires_grad=True)
ag.sigmoid(big).sum().backward()  # above PARALLEL_MIN, lowered for this process
print(json.dumps({"before": before, "after": after, "parallel": threads()}))
"""


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux's /proc")
def test_serial_kernels_do_not_start_numbas_thread_pool():
    # MKL off: its products start Intel's OpenMP pool, which Numba's parallel loops then
    # share (its GOMP_* symbols come first), so no thread would be left to count.
    env = {**os.environ, "NUMBA_NUM_THREADS": "2", "GRAPHGRAD_PARALLEL_MIN": str(1 << 17),
           "GRAPHGRAD_KERNELS": "numba", "GRAPHGRAD_MKL": "off"}
    out = subprocess.run([sys.executable, "-c", PROGRAM], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    counts = json.loads(out.stdout.strip().splitlines()[-1])
    assert counts["after"] == counts["before"], counts
    assert counts["parallel"] > counts["after"], counts
