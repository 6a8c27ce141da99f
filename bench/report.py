"""Write the results: ``results.json``, the Markdown tables of ``RESULTS.md``, ``step.png``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .step import PLAIN_NUMPY
from .targets import judge

SECTION_TITLES = {"step": "Training step", "models": "The course's models", "ops": "Ops",
                  "cold": "Cold start", "memory": "Memory", "blas": "BLAS lever"}


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(v: Any) -> str:
        if v is None:
            return "–"
        if isinstance(v, float):
            return f"{v:.3g}" if abs(v) < 100 else f"{v:,.0f}"
        return str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def _machine(m: dict[str, Any]) -> list[str]:
    blas = m["graphgrad_blas"]
    loaded = ", ".join(f"{b['internal_api']} {b['version']} ({b['architecture']}, "
                       f"{b['num_threads']} threads)" for b in m["loaded_blas"]) or "unknown"
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    return [
        f"- CPU: {m['cpu_model']}, {m['cores']} cores; flags: {' '.join(m['cpu_flags'])}",
        f"- Load average when the run started (1/5/15 min): {m['loadavg']}; "
        f"at the end: {m.get('loadavg_end', '–')}",
        f"- Python {m['python']}; {versions}; threads per contender: {m['threads_used']}",
        f"- NumPy's BLAS: {m['numpy_blas']['name']} {m['numpy_blas']['version']} "
        f"({m['numpy_blas']['openblas_configuration']}); loaded: {loaded}",
        f"- autograd.blas: set={blas['set']}, OPENBLAS_CORETYPE={blas['openblas_coretype']} "
        f"— {blas['reason']}",
        f"- graphgrad's kernels: {m.get('graphgrad_kernels', {}).get('text', 'not recorded')}",
    ]


def _step(r: dict[str, Any]) -> list[str]:
    names = list(r["batches"][0]["contenders"])
    rows = []
    for b in r["batches"]:
        roof = b["roofline"]
        for name in names:
            c = b["contenders"][name]
            rows.append([b["batch_size"], name, c["ms"], c["ms_min"], c["images_per_s"],
                         roof["ms"], roof["gflops"], f"{100 * c['roofline_fraction']:.0f}%"])
    lines = _table(["batch", "contender", "ms/step (median)", "ms/step (min)", "images/s",
                    "roofline ms", "NumPy matmul GFLOP/s", "of roofline"], rows)
    pairs = list(r["batches"][0]["ratios"])
    lines += ["", "Ratios of median step times (below 1: the first is faster):", ""]
    lines += _table(["batch", *pairs, "losses agree to"],
                    [[b["batch_size"], *(b["ratios"][p] for p in pairs),
                      b["agreement"]["max_abs_diff"]] for b in r["batches"]])
    lines += ["", "The same ratios from the fastest step of each contender (less sensitive "
              "to other processes' load):", ""]
    lines += _table(["batch", *pairs], [[b["batch_size"], *(b["ratios_of_min"][p] for p in pairs)]
                                        for b in r["batches"]])
    names = list(r["batches"][0]["alone"])
    pairs_alone = list(r["batches"][0]["ratios_alone"])
    lines += ["", "Each contender alone in a fresh process (no other framework's thread pools "
              "in it; the contenders' processes take turns over rounds and the round with the "
              "fastest median counts): median / fastest ms per step, and the ratios of the "
              "medians:", ""]
    lines += _table(["batch", *names, *pairs_alone, "graphgrad alone: of roofline"],
                    [[b["batch_size"],
                      *(f"{b['alone'][n]['ms']:.3g} / {b['alone'][n]['ms_min']:.3g}"
                        for n in names),
                      *(b["ratios_alone"][p] for p in pairs_alone),
                      f"{100 * b['roofline']['ms'] / b['alone']['graphgrad']['ms']:.0f}%"]
                     for b in r["batches"]])
    if PLAIN_NUMPY in names:
        lines += ["", "`numpy` runs with the settings `import autograd` makes for the whole "
                  "process (glibc malloc thresholds, OpenBLAS core type), as it must when the "
                  "contenders share a process; `numpy_plain` is the same step in a process "
                  "without them (`GRAPHGRAD_MALLOC=system GRAPHGRAD_BLAS_CORETYPE=none`), as "
                  "a student's script runs."]
    lines += ["", f"Matmul FLOPs per step: {r['matmul_flops_formula']} "
              "(forward 3 matmuls, backward 5)."]
    return lines


def _models(r: dict[str, Any]) -> list[str]:
    impls = [k for k in ("graphgrad", "torch") if k in r["rows"][0]]
    ratio = ["graphgrad/torch"] if "torch" in impls else []
    rows = [[row["model"], row["batch"], row["steps"], *(row[i] for i in impls),
             *(row[k] for k in ratio)] for row in r["rows"]]
    return [f"ms per training step (forward, backward, optimizer): the median over the steps "
            f"that fit in {r['budget_s']} s, the fastest of {r['rounds']} rounds of fresh "
            "processes per framework taking turns (the models are described in "
            "`bench/models.py`):", "",
            *_table(["model", "batch", "steps timed", *(f"{i} ms" for i in impls), *ratio],
                    rows)]


def _ops(r: dict[str, Any]) -> list[str]:
    impls = [k for k in r["rows"][0] if k not in ("op", "size")]
    ratio_cols = [f"graphgrad/{i}" for i in impls if i != "graphgrad"]
    rows = [[row["op"], f"{row['size']:.0e}", *(row[i] for i in impls),
             *(row["graphgrad"] / row[i] for i in impls if i != "graphgrad")]
            for row in r["rows"]]
    lines = [f"µs per forward+backward: the fastest of {r.get('rounds', 1)} medians, each "
             "implementation in fresh processes of its own (so that no other framework's idle "
             "threads compete for the cores), the implementations taking turns:", ""]
    lines += _table(["op", "elements", *impls, *ratio_cols], rows)
    overhead = ", ".join(f"{k} {v:.2f} µs" for k, v in r["overhead_us_per_op"].items())
    lines += ["", f"Per-op overhead, 1-element tensors, forward+backward over a "
              f"{r['chain_length']}-op mul/add chain (each framework in its own processes, "
              f"fastest of {r.get('chain_rounds', r.get('rounds', 1))} medians): {overhead}."]
    return lines


def _cold(r: dict[str, Any]) -> list[str]:
    rows = [[label, d["setup_s"], d["first_step_s"], d["steady_step_s"] * 1e3]
            for label, d in (("empty kernel cache", r["cold_cache"]),
                             ("warm kernel cache", r["warm_cache"]))]
    source = r.get("import_autograd_from_source_s")
    from_source = ("" if source is None else
                   f"; {source:.3f} s with graphgrad's modules compiled from source at each "
                   "import (`PYTHONDONTWRITEBYTECODE=1` and no cached bytecode)")
    return [f"`import autograd`: {r['import_autograd_s']:.3f} s with its bytecode cached, as "
            f"after `pip install` or a first import (median of {len(r['import_samples_s'])} "
            f"fresh processes){from_source}.", "",
            f"First graphgrad training step of a fresh process (batch {r['batch_size']}):", "",
            *_table(["cache", "import nn+optim, build (s)", "first step (s)",
                     "steady step (ms)"], rows), "",
            f"Compile time (cold first step − steady step): {r['compile_s']:.2f} s. "
            f"Warm cache: the first step costs {r['warm_first_step_extra_s']:.3f} s more "
            f"than a steady one (median of {len(r.get('warm_extra_samples_s', [0]))} fresh "
            "processes).", "", *_numba_floor(r)]


def _numba_floor(r: dict[str, Any]) -> list[str]:
    if "numba_floor" not in r:  # results written before the floor was measured
        return []
    f = r["numba_floor"]
    floor = (f"Numba's own start-up (fresh process, same warm cache, `bench/numba_floor.py`): "
             f"`import numba` {f['import_numba_s']:.3f} s + first call of an empty cached "
             f"kernel {f['first_cached_call_s']:.3f} s (Numba sets up its CPU target) = "
             f"{r['numba_floor_s']:.3f} s (median of {len(r['numba_floor_samples_s'])})")
    if "imported_numba" not in r["warm_cache"]:  # results from before the ahead-of-time builds
        return [f"Of that, {floor}; loading graphgrad's kernels and the rest: "
                f"{r['warm_first_step_extra_s'] - r['numba_floor_s']:.3f} s."]
    if r["warm_cache"].get("numba_in_background"):
        return [f"The warm first step ran its loops serially while a background thread "
                f"loaded Numba for the parallel loops (`autograd/kernels/pool.py`), so "
                f"{floor} was not on its path."]
    if r["warm_cache"]["imported_numba"]:
        return [f"The warm first step imported Numba: {floor} of it."]
    return [f"The warm first step ran every kernel from its ahead-of-time build "
            f"(`autograd/kernels/aot.py`) and never imported Numba, so it did not pay "
            f"{floor}."]


def _memory(r: dict[str, Any]) -> list[str]:
    g = r["graph_bytes"]
    mib = 2.0**20
    lines = [f"Bytes held for backward at batch {r['batch_size']} (saved activations, "
             f"leaves excluded): graphgrad {g['graphgrad'] / mib:.2f} MiB, hand-written "
             f"NumPy cache {g['numpy'] / mib:.2f} MiB."]
    if "graphgrad_autograd_graph_saved_bytes" in g:
        lines[-1] += (f" (autograd.graph.saved_bytes agrees: "
                      f"{g['graphgrad_autograd_graph_saved_bytes'] / mib:.2f} MiB.)")
    rows = [[name, t["rss_before_bytes"] / mib, t["peak_rss_bytes"] / mib,
             t["rss_first_window_bytes"] / mib, t["rss_last_window_bytes"] / mib,
             "yes" if t["flat"] else "NO"] for name, t in r["rss"].items()]
    any_trace = next(iter(r["rss"].values()))
    lines += ["", f"RSS over {any_trace['steps']} steps, each contender in its own process "
              f"(mean of the first and of the last {any_trace['window']} steps; flat means "
              f"growth ≤ {100 * r['flat_tolerance']:.0f}%):", ""]
    lines += _table(["contender", "RSS after imports (MiB)", "peak RSS (MiB)",
                     "first window (MiB)", "last window (MiB)", "flat"], rows)
    return lines


def _blas(r: dict[str, Any]) -> list[str]:
    rows = []
    for variant, d in r.items():
        for row in d["rows"]:
            rows.append([variant, d["blas_info"]["openblas_coretype"] or "(unset)",
                         ", ".join(sorted(set(d["openblas_architecture"]))) or "?",
                         row["batch_size"], row["matmul_gflops"], row["graphgrad_ms"],
                         row["numpy_ms"]])
    return ["Fresh processes differing only in GRAPHGRAD_BLAS_CORETYPE:", "",
            *_table(["GRAPHGRAD_BLAS_CORETYPE", "OPENBLAS_CORETYPE", "OpenBLAS loaded",
                     "batch", "matmul GFLOP/s (MLP shapes)", "graphgrad ms/step",
                     "NumPy ms/step"], rows)]


def _targets(results: dict[str, Any]) -> list[str]:
    mark = {True: "yes", False: "**no**", None: "–"}
    return ["Judged from this run alone (`bench/targets.py`); the step ratios from each "
            "contender alone in its own processes:", "",
            *_table(["target", "this run", "met"],
                    [[v.target, v.measured, mark[v.met]] for v in judge(results)])]


RENDER = {"step": _step, "models": _models, "ops": _ops, "cold": _cold, "memory": _memory,
          "blas": _blas}


def markdown(results: dict[str, Any]) -> str:
    """RESULTS.md: the machine, the targets met or not, then one table per section that ran."""
    lines = ["# graphgrad benchmark results", "",
             f"Generated by `python -m bench{results['args']}` on {results['date']}; "
             "regenerate with the same command. Numbers from a shared 2-core machine: "
             "read them with the load average below.", "", "## Machine", "",
             *_machine(results["machine"]), "", "## Targets", "", *_targets(results)]
    for key, render in RENDER.items():
        if key in results["sections"]:
            lines += ["", f"## {SECTION_TITLES[key]}", "", *render(results["sections"][key])]
    return "\n".join(lines) + "\n"


def plot_step(step: dict[str, Any], path: Path) -> None:
    """Bar chart: ms/step per contender and batch size, each contender alone in its own
    process (solid) and taking turns in one process (light), with the matmul roofline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    colors = {"graphgrad": "tab:green", "numpy": "tab:blue", PLAIN_NUMPY: "tab:cyan",
              "torch": "tab:orange"}
    batches = step["batches"]
    names = list(dict.fromkeys([*batches[0]["contenders"], *batches[0].get("alone", {})]))
    width = 0.4
    fig, axes = plt.subplots(1, len(batches), figsize=(4.6 * len(batches), 3.8))
    for ax, b in zip(axes if len(batches) > 1 else [axes], batches):
        for i, name in enumerate(names):
            color = colors.get(name, "tab:gray")
            if name in b.get("alone", {}):
                ax.bar(i - width / 2, b["alone"][name]["ms"], width, color=color)
            if name in b["contenders"]:
                ax.bar(i + width / 2, b["contenders"][name]["ms"], width, color=color,
                       alpha=0.35)
        roofline = ax.axhline(b["roofline"]["ms"], color="black", linestyle="--",
                              linewidth=1)
        ax.set_xticks(range(len(names)), names, fontsize="small")
        ax.set_title(f"batch {b['batch_size']}")
        ax.set_ylabel("ms per training step (median)")
        ax.legend([Patch(color="gray"), Patch(color="gray", alpha=0.35), roofline],
                  ["alone in its process", "taking turns in one process", "matmul roofline"],
                  fontsize="x-small")
    fig.suptitle("MLP 784-256-256-10, Adam, float32, 2 threads")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write(results: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write results.json, RESULTS.md and (when the step section ran) step.png."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "results.json", out_dir / "RESULTS.md"]
    paths[0].write_text(json.dumps(results, indent=1) + "\n")
    paths[1].write_text(markdown(results))
    if "step" in results["sections"]:
        paths.append(out_dir / "step.png")
        plot_step(results["sections"]["step"], paths[-1])
    return paths
