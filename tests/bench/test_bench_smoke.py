"""The benchmark harness runs end to end and its pieces compute the right things.

Speed is never asserted here: only that every section runs, writes well-formed
results, and that the contenders compute the same training step.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
from autograd import kernels as K
from autograd.kernels import aot

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    # bench/ is run from the repository root (python -m bench), it is not installed.
    sys.path.insert(0, str(ROOT))

from bench import contenders as C  # noqa: E402
from bench.memory import graph_saved_bytes  # noqa: E402
from bench.models import MODELS, make_step  # noqa: E402
from bench.step import check_agreement  # noqa: E402


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return out


def test_quick_run_writes_every_section_as_json(quick_run):
    results = json.loads((quick_run / "results.json").read_text())
    assert set(results["sections"]) == {"step", "models", "ops", "cold", "memory", "blas"}
    machine = results["machine"]
    assert machine["cores"] >= 1 and machine["versions"]["numpy"]
    assert set(machine["graphgrad_blas"]) >= {"set", "reason"}
    assert machine["graphgrad_blas"]["numpy_imported_before"] is False
    assert machine["graphgrad_kernels"]["backend"] == K.backend()
    step = results["sections"]["step"]
    for batch in step["batches"]:
        assert {"graphgrad", "numpy"} <= set(batch["contenders"])
        for c in batch["contenders"].values():
            assert c["ms"] > 0 and c["images_per_s"] > 0 and c["roofline_fraction"] > 0
        assert "graphgrad/numpy" in batch["ratios"]
        assert "graphgrad/numpy_plain" in batch["ratios_alone"]
        assert batch["alone"]["numpy_plain"]["malloc"].startswith("GRAPHGRAD_MALLOC=system")
        assert not batch["alone"]["numpy"]["malloc"].startswith("GRAPHGRAD_MALLOC=system")
        assert batch["roofline"]["flops"] == C.matmul_flops(batch["batch_size"])
        rounds_ms = batch["roofline"]["rounds_ms"]  # timed before the rounds and after each
        assert len(rounds_ms) == 2 and batch["roofline"]["ms"] == min(rounds_ms)
        assert batch["agreement"]["max_abs_diff"] < 1e-4
    models = results["sections"]["models"]
    assert {row["model"] for row in models["rows"]} == set(MODELS)
    assert all(row["graphgrad"] > 0 for row in models["rows"])
    ops = results["sections"]["ops"]
    names = {row["op"] for row in ops["rows"]}
    assert {"exp", "log", "tanh", "sigmoid", "relu", "softplus", "mul", "add",
            "softmax_cross_entropy", "batch_norm", "dropout"} <= names
    assert all(row["graphgrad"] > 0 and row["numpy"] > 0 for row in ops["rows"])
    assert ops["overhead_us_per_op"]["graphgrad"] > 0
    cold = results["sections"]["cold"]
    assert cold["import_autograd_s"] > 0 and cold["import_autograd_from_source_s"] > 0
    assert cold["cold_cache"]["first_step_s"] > 0 and cold["warm_cache"]["first_step_s"] > 0
    # With the compiled kernels an empty cache compiles them with Numba, and a warm one
    # loads their ahead-of-time builds without it (unless GRAPHGRAD_AOT=0 switches the
    # builds off; parallel loops, which run where they share MKL's threads or where
    # GRAPHGRAD_PARALLEL_MIN asks for them, are never built); the NumPy references never
    # need it.
    compiled = K.backend() == "numba"
    assert cold["cold_cache"]["imported_numba"] is compiled
    if machine["graphgrad_kernels"]["parallel_min"] is None:  # as the bench decided it
        assert cold["warm_cache"]["imported_numba"] is (compiled and not aot.enabled())
    floor = cold["numba_floor"]
    assert floor["import_numba_s"] > 0 and floor["first_cached_call_s"] > 0
    assert cold["numba_floor_s"] in cold["numba_floor_samples_s"]
    assert cold["warm_first_step_extra_s"] in cold["warm_extra_samples_s"]
    memory = results["sections"]["memory"]
    assert memory["graph_bytes"]["graphgrad"] > 0 and memory["graph_bytes"]["numpy"] > 0
    for trace in memory["rss"].values():
        assert trace["peak_rss_bytes"] >= trace["rss_first_window_bytes"] > 0
        assert isinstance(trace["flat"], bool)
    blas = results["sections"]["blas"]
    assert set(blas) == {"auto", "none", "Haswell"}
    assert blas["none"]["blas_info"]["set"] is None
    assert all(row["matmul_gflops"] > 0 for v in blas.values() for row in v["rows"])


def test_quick_run_writes_markdown_and_plot(quick_run):
    md = (quick_run / "RESULTS.md").read_text()
    for heading in ("## Machine", "## Targets", "## Training step", "## Ops", "## Cold start",
                    "## Memory", "## BLAS lever"):
        assert heading in md
    assert "Load average" in md and "autograd.blas" in md and "graphgrad's kernels:" in md
    assert "not judged: a --quick run" in md
    assert (quick_run / "step.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_only_runs_the_chosen_sections(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bench", "--quick", "--only", "memory",
                           "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert list(results["sections"]) == ["memory"]
    assert not (tmp_path / "step.png").exists()


def test_matmul_flops_counts_forward_three_and_backward_five():
    n = 7
    layers = [784 * 256, 256 * 256, 256 * 10]
    forward = 2 * n * sum(layers)
    backward = 2 * n * (sum(layers) + layers[1] + layers[2])  # dW for all, dA for two
    assert C.matmul_flops(n) == forward + backward
    assert len(C.matmul_shapes(n)) == 8


def test_contenders_compute_the_same_step():
    data = C.make_data(16, n_batches=2, seed=3)
    agreement = check_agreement(data, C.contenders(), n_steps=3)
    assert agreement["max_abs_diff"] < 1e-4
    assert len(agreement["losses"]["graphgrad"]) == 3
    # the loss moves: the optimizer really updated the parameters
    losses = agreement["losses"]["numpy"]
    assert losses[0] != losses[2]


def test_graph_saved_bytes_counts_each_saved_array_once():
    x = ag.tensor(np.ones((10, 4), dtype=np.float32), requires_grad=True)
    y = ag.exp(x)  # keeps its output (160 bytes)
    z = (y * y).sum()  # keeps y, already counted
    assert graph_saved_bytes(z) == 160
    assert graph_saved_bytes(ag.tensor([1.0])) == 0


@pytest.mark.parametrize("name", list(MODELS))
def test_each_course_model_trains_in_graphgrad(name):
    step = make_step("graphgrad", name)
    losses = [float(step(i).item()) for i in range(8)]
    assert all(np.isfinite(losses))
