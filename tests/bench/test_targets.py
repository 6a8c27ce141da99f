"""bench/targets.py judges each performance target from a run's results."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.targets import COMPILED_OPS, ELEMENTWISE_OPS, judge  # noqa: E402

MIB = 2**20


def _batch(n, graphgrad, numpy, torch, roofline):
    alone = {"graphgrad": {"ms": graphgrad}, "numpy": {"ms": numpy}, "torch": {"ms": torch}}
    ratios = {"graphgrad/torch": graphgrad / torch, "graphgrad/numpy": graphgrad / numpy}
    return {"batch_size": n, "alone": alone, "ratios_alone": dict(ratios),
            "ratios": {k: v / 2 for k, v in ratios.items()},
            "contenders": {"graphgrad": {"roofline_fraction": roofline / graphgrad / 2}},
            "roofline": {"ms": roofline}}


def results(**changes):
    """A full run's results in which every target is met; ``changes`` replace sections."""
    ops = sorted(set(ELEMENTWISE_OPS) | set(COMPILED_OPS))
    sections = {
        "step": {"batches": [_batch(32, 1.0, 2.0, 2.0, 0.5), _batch(128, 2.0, 3.0, 3.0, 1.5),
                             _batch(512, 5.0, 7.0, 7.0, 4.5)]},
        "ops": {"rows": [{"op": op, "size": size, "graphgrad": 10.0, "numpy": 20.0,
                          "torch": 12.0} for op in ops for size in (1_000, 100_000, 10**7)],
                "overhead_us_per_op": {"graphgrad": 7.0, "torch": 10.0}},
        "cold": {"import_autograd_s": 0.2, "warm_first_step_extra_s": 0.4,
                 "numba_floor_s": 0.3},
        "memory": {"rss": {"graphgrad": {"rss_first_window_bytes": 100 * MIB,
                                         "rss_last_window_bytes": 100 * MIB, "steps": 1000,
                                         "flat": True}},
                   "graph_bytes": {"graphgrad": MIB, "numpy": 2 * MIB}},
    }
    sections.update(changes)
    return {"quick": False, "sections": {k: v for k, v in sections.items() if v is not None}}


def verdicts(r):
    return {v.target.split(":")[0].split(" under")[0]: v for v in judge(r)}


def test_a_run_meeting_every_target_is_judged_met():
    found = judge(results())
    assert len(found) == 9
    assert all(v.met is True for v in found), [v for v in found if v.met is not True]


def test_each_bound_is_checked_where_the_issue_puts_it():
    r = results()
    step = r["sections"]["step"]["batches"]
    step[0]["ratios_alone"]["graphgrad/torch"] = 0.81  # 32: bound 0.8
    step[1]["ratios_alone"]["graphgrad/torch"] = 1.0  # 128: bound 1.0, met
    step[2]["ratios_alone"]["graphgrad/numpy"] = 0.9
    step[2]["alone"]["graphgrad"]["ms"] = 4.5 / 0.84  # 84% of the roofline
    by_name = verdicts(r)
    assert by_name["Training step vs PyTorch"].met is False
    assert "32: 0.81" in by_name["Training step vs PyTorch"].measured
    assert by_name["Training step vs hand-written NumPy"].met is False
    assert by_name["≥ 85% of the matmul roofline at batch 512"].met is False
    assert "alone 84%" in by_name["≥ 85% of the matmul roofline at batch 512"].measured


def test_the_numpy_target_says_what_it_asks_of_the_roofline():
    measured = verdicts(results())["Training step vs hand-written NumPy"].measured
    # NumPy alone at 512: 4.5/7.0 = 64% of the roofline; 0.8x its time is 80% of it.
    assert "NumPy alone reaches 64% of the roofline at batch 512" in measured
    assert "80% of the roofline" in measured


def test_op_targets_name_the_ops_that_miss():
    r = results()
    rows = r["sections"]["ops"]["rows"]
    for row in rows:
        if row["op"] == "sigmoid" and row["size"] == 100_000:
            row["graphgrad"] = 1.3 * row["torch"]
        if row["op"] == "dropout" and row["size"] == 10**7:
            row["graphgrad"] = row["numpy"]  # not faster: a miss
        if row["op"] == "add":
            row["graphgrad"] = 5 * row["numpy"]  # no compiled kernel: not judged vs NumPy
        if row["size"] == 1_000:
            row["graphgrad"] = 100 * row["torch"]  # not a target size
    by_name = verdicts(r)
    torch_v = by_name["Elementwise forward+backward at 1e5 and 1e7"]
    numpy_v = by_name["Forward+backward at 1e5 and 1e7"]
    assert torch_v.met is False and "sigmoid at 1e5 (1.30)" in torch_v.measured
    assert "add at 1e5" in torch_v.measured  # 50/12: add is elementwise
    assert numpy_v.met is False and "dropout at 1e7 (1.00)" in numpy_v.measured
    assert "add" not in numpy_v.measured


def test_an_op_running_numpys_ufunc_is_named_not_judged_against_numpy():
    # Where NumPy has its AVX-512 log, graphgrad's log is NumPy's ufunc (COMPILED_MIN never).
    r = results()
    r["machine"] = {"graphgrad_kernels": {"backend": "numba",
                                          "compiled_min": {"log": None, "exp": 4096}}}
    for row in r["sections"]["ops"]["rows"]:
        if row["op"] in ("log", "exp"):
            row["graphgrad"] = 1.25 * row["numpy"]
    numpy_v = verdicts(r)["Forward+backward at 1e5 and 1e7"]
    assert numpy_v.met is False and "exp at 1e5 (1.25)" in numpy_v.measured
    judged, _, skipped = numpy_v.measured.partition("not judged")
    assert "log" not in judged
    assert "NumPy's own ufunc" in skipped and "log at 1e5 (1.25), log at 1e7 (1.25)" in skipped
    r["machine"]["graphgrad_kernels"]["compiled_min"]["log"] = 10**6
    assert "log at 1e7" in verdicts(r)["Forward+backward at 1e5 and 1e7"].measured.partition(
        "not judged")[0]


def test_a_ratio_at_its_bound_meets_it():
    r = results()
    for row in r["sections"]["ops"]["rows"]:
        row["graphgrad"] = 1.2 * row["torch"]
        row["numpy"] = row["graphgrad"] * 1.01
    by_name = verdicts(r)
    assert by_name["Elementwise forward+backward at 1e5 and 1e7"].met is True
    assert by_name["Forward+backward at 1e5 and 1e7"].met is True


def test_cold_start_and_memory_targets():
    r = results(cold={"import_autograd_s": 0.31, "warm_first_step_extra_s": 0.6,
                      "numba_floor_s": 0.55})
    r["sections"]["memory"]["rss"]["graphgrad"]["flat"] = False
    by_name = verdicts(r)
    assert by_name["`import autograd`"].met is False
    first = by_name["Warm kernel cache"]
    assert first.met is False and "Numba's own start-up: 0.550 s" in first.measured
    assert by_name["Memory"].met is False


def test_the_import_time_is_judged_with_bytecode_cached_and_shown_from_source():
    r = results(cold={"import_autograd_s": 0.15, "import_autograd_from_source_s": 0.31,
                      "warm_first_step_extra_s": 0.01, "numba_floor_s": 0.55})
    imported = verdicts(r)["`import autograd`"]
    assert imported.met is True
    assert imported.measured == "0.150 s (bytecode cached; compiling graphgrad's modules: 0.310 s)"


def test_a_warm_first_step_without_numba_says_so():
    r = results(cold={"import_autograd_s": 0.25, "warm_first_step_extra_s": 0.01,
                      "numba_floor_s": 0.55, "warm_cache": {"imported_numba": False}})
    first = verdicts(r)["Warm kernel cache"]
    assert first.met is True and "Numba not imported" in first.measured


def test_a_run_on_the_numpy_references_says_so():
    r = results(cold={"import_autograd_s": 0.25, "warm_first_step_extra_s": 0.01,
                      "numba_floor_s": 0.55, "warm_cache": {"imported_numba": False}})
    r["machine"] = {"graphgrad_kernels": {"backend": "numpy"}}
    first = verdicts(r)["Warm kernel cache"]
    assert "NumPy reference kernels" in first.measured and "built ahead" not in first.measured


@pytest.mark.parametrize("section", ["step", "ops", "cold", "memory"])
def test_a_section_left_out_is_not_measured_not_failed(section):
    found = judge(results(**{section: None}))
    missing = [v for v in found if v.met is None]
    assert missing and all("not run" in v.measured for v in missing)
    assert all(v.met is True for v in found if v.met is not None)


def test_without_pytorch_its_targets_are_not_measured():
    r = results()
    for row in r["sections"]["ops"]["rows"]:
        del row["torch"]
    del r["sections"]["ops"]["overhead_us_per_op"]["torch"]
    for b in r["sections"]["step"]["batches"]:
        del b["ratios_alone"]["graphgrad/torch"]
    by_name = verdicts(r)
    for name in ("Training step vs PyTorch", "Elementwise forward+backward at 1e5 and 1e7",
                 "Per-op overhead on 1-element tensors"):
        assert by_name[name].met is None, name
    assert by_name["Forward+backward at 1e5 and 1e7"].met is True


def test_a_quick_run_is_not_judged():
    r = results()
    r["quick"] = True
    (only,) = judge(r)
    assert only.met is None and "--quick" in only.measured


def test_results_md_shows_the_targets_first():
    r = results()
    r["sections"]["cold"]["warm_first_step_extra_s"] = 0.7
    r.update(args="", date="2026-11-30T06:00:00")
    lines = report._targets(r)
    table = [line for line in lines if line.startswith("| ")]
    assert table[0] == "| target | this run | met |"
    assert sum("| **no** |" in line for line in table) == 1
    assert sum(line.endswith("| yes |") for line in table) == 8
