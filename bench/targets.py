"""The performance targets, judged from one run's results.

``judge(results)`` returns one ``Verdict`` per target of the performance issue: the
bound, this run's numbers that decide it, and whether they meet it (``None`` where
the run lacks them: a section left out with ``--only``, PyTorch not installed, or a
``--quick`` run, whose sizes are not the targets').

The step ratios are judged from each contender alone in fresh processes of its own
(``ratios_alone``): in one process the frameworks' idle thread pools slow each other
(bench/README, "Two thread pools fight"). The side-by-side ratios are shown beside
them. Everything is one run on a shared machine: a target met in one run can miss in
the next (bench/README, "Reading the numbers on this machine").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

STEP_VS_TORCH = {32: 0.8, 128: 1.0, 512: 1.0}  # batch: largest graphgrad/torch
STEP_VS_NUMPY = 0.8  # at each of the batches above
ROOFLINE_BATCH, ROOFLINE_FRACTION = 512, 0.85
OP_SIZES = (100_000, 10_000_000)
OP_VS_TORCH = 1.2
# The ops of the ops section whose forward or backward runs a compiled kernel: all but
# mul and add, which are NumPy's ufuncs in graphgrad too; log only at the sizes its
# COMPILED_MIN gives it a kernel (``_split_by_kernel``).
COMPILED_OPS = ("exp", "log", "tanh", "sigmoid", "relu", "softplus", "gelu_tanh",
                "softmax_cross_entropy", "batch_norm", "dropout")
ELEMENTWISE_OPS = ("exp", "log", "tanh", "sigmoid", "relu", "softplus", "gelu_tanh", "mul",
                   "add")
IMPORT_SECONDS = 0.3
WARM_FIRST_STEP_EXTRA_SECONDS = 0.5


@dataclass(frozen=True)
class Verdict:
    """One target: its bound, this run's numbers, and whether they meet it."""

    target: str
    measured: str
    met: bool | None  # None: this run did not measure it


def _missing(target: str, why: str) -> Verdict:
    return Verdict(target, f"not measured ({why})", None)


def _batches(step: dict[str, Any], sizes: Iterable[int]) -> list[dict[str, Any]]:
    wanted = set(sizes)
    return [b for b in step["batches"] if b["batch_size"] in wanted]


def _ratio_verdict(target: str, batches: list[dict[str, Any]], pair: str,
                   bound: Callable[[int], float], extra: str = "") -> Verdict:
    """``pair``'s alone ratio at each batch against ``bound(batch)``."""
    if not batches or pair not in batches[0]["ratios_alone"]:
        return _missing(target, "no such contender or batch sizes in this run")
    alone = ", ".join(f"{b['batch_size']}: {b['ratios_alone'][pair]:.2f}" for b in batches)
    together = ", ".join(f"{b['ratios'][pair]:.2f}" for b in batches if pair in b["ratios"])
    met = all(b["ratios_alone"][pair] <= bound(b["batch_size"]) for b in batches)
    return Verdict(target, f"alone {alone}; side by side {together}{extra}", met)


def _step(results: dict[str, Any]) -> list[Verdict]:
    torch_t = "Training step vs PyTorch: ≤ 0.8× at batch 32, ≤ 1.0× at 128 and 512"
    numpy_t = f"Training step vs hand-written NumPy: ≤ {STEP_VS_NUMPY}× at every batch"
    roof_t = f"≥ {ROOFLINE_FRACTION:.0%} of the matmul roofline at batch {ROOFLINE_BATCH}"
    step = results["sections"].get("step")
    if step is None:
        return [_missing(t, "step section not run") for t in (torch_t, numpy_t, roof_t)]
    batches = _batches(step, STEP_VS_TORCH)
    plain = [b for b in batches if "graphgrad/numpy_plain" in b["ratios_alone"]]
    extra = ("; against numpy_plain (no graphgrad process settings) "
             + ", ".join(f"{b['ratios_alone']['graphgrad/numpy_plain']:.2f}" for b in plain)
             if plain else "")
    if batches and "numpy" in batches[-1]["alone"]:
        # 0.8× NumPy's time is NumPy's fraction of the roofline / 0.8 for graphgrad.
        b = max(batches, key=lambda b: b["batch_size"])
        numpy_fraction = b["roofline"]["ms"] / b["alone"]["numpy"]["ms"]
        extra += (f"; NumPy alone reaches {numpy_fraction:.0%} of the roofline at batch "
                  f"{b['batch_size']}, so {STEP_VS_NUMPY}× its time is "
                  f"{numpy_fraction / STEP_VS_NUMPY:.0%} of the roofline")
    verdicts = [_ratio_verdict(torch_t, batches, "graphgrad/torch", STEP_VS_TORCH.__getitem__),
                _ratio_verdict(numpy_t, batches, "graphgrad/numpy", lambda _: STEP_VS_NUMPY,
                               extra)]
    big = _batches(step, [ROOFLINE_BATCH])
    if not big:
        return [*verdicts, _missing(roof_t, f"no batch {ROOFLINE_BATCH} in this run")]
    b = big[0]
    alone = b["roofline"]["ms"] / b["alone"]["graphgrad"]["ms"]
    together = b["contenders"]["graphgrad"]["roofline_fraction"]
    return [*verdicts, Verdict(roof_t, f"alone {alone:.0%}; side by side {together:.0%}",
                               alone >= ROOFLINE_FRACTION)]


def _op_rows(ops: dict[str, Any], names: Iterable[str]) -> list[dict[str, Any]]:
    wanted = set(names)
    return [r for r in ops["rows"] if r["op"] in wanted and r["size"] in OP_SIZES]


def _size(n: int) -> str:
    """``100000`` as ``1e5``."""
    return f"{n:.0e}".replace("e+0", "e").replace("e+", "e")


def _op_verdict(target: str, rows: list[dict[str, Any]], other: str,
                meets: Callable[[float], bool]) -> Verdict:
    """Whether every row's graphgrad/other ratio ``meets`` the bound; names the misses
    and the worst ratio."""
    ratios = [(r["graphgrad"] / r[other], r["op"], r["size"]) for r in rows]
    misses = [f"{op} at {_size(size)} ({ratio:.2f})" for ratio, op, size in ratios
              if not meets(ratio)]
    worst = max(ratios)
    measured = (f"missed by: {', '.join(misses)}" if misses else "every op meets it") + \
        f"; worst {worst[1]} at {_size(worst[2])}: {worst[0]:.2f}"
    return Verdict(target, measured, not misses)


def _split_by_kernel(rows: list[dict[str, Any]], results: dict[str, Any]
                     ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(rows whose op ran its compiled kernel, rows where it ran NumPy's ufunc)``, from the
    run's ``COMPILED_MIN`` (log's is "never" where NumPy has its AVX-512 log, which the
    serial kernel does not beat: ``autograd/kernels/sizes.py``)."""
    setup = results.get("machine", {}).get("graphgrad_kernels", {})
    compiled_min = setup.get("compiled_min", {})
    if setup.get("backend") == "numpy":
        return rows, []

    def ufunc(row: dict[str, Any]) -> bool:
        if row["op"] not in compiled_min:
            return False
        least = compiled_min[row["op"]]
        return least is None or row["size"] < least

    return [r for r in rows if not ufunc(r)], [r for r in rows if ufunc(r)]


def _ops(results: dict[str, Any]) -> list[Verdict]:
    torch_t = (f"Elementwise forward+backward at 1e5 and 1e7: within {OP_VS_TORCH}× of "
               "PyTorch")
    numpy_t = "Forward+backward at 1e5 and 1e7: faster than NumPy for every compiled op"
    overhead_t = "Per-op overhead on 1-element tensors: ≤ PyTorch's"
    ops = results["sections"].get("ops")
    if ops is None:
        return [_missing(t, "ops section not run") for t in (torch_t, numpy_t, overhead_t)]
    verdicts = []
    rows = _op_rows(ops, ELEMENTWISE_OPS)
    if not rows or "torch" not in rows[0]:
        verdicts.append(_missing(torch_t, "no PyTorch or no 1e5/1e7 sizes in this run"))
    else:
        verdicts.append(_op_verdict(torch_t, rows, "torch", lambda ratio: ratio <= OP_VS_TORCH))
    rows, ufunc_rows = _split_by_kernel(_op_rows(ops, COMPILED_OPS), results)
    if not rows:
        verdicts.append(_missing(numpy_t, "no 1e5/1e7 sizes in this run"))
    else:
        verdict = _op_verdict(numpy_t, rows, "numpy", lambda ratio: ratio < 1.0)
        if ufunc_rows:
            skipped = ", ".join(f"{r['op']} at {_size(r['size'])} "
                                f"({r['graphgrad'] / r['numpy']:.2f})" for r in ufunc_rows)
            verdict = Verdict(numpy_t, f"{verdict.measured}; not judged, as graphgrad runs "
                              f"NumPy's own ufunc there (its COMPILED_MIN): {skipped}",
                              verdict.met)
        verdicts.append(verdict)
    us = ops["overhead_us_per_op"]
    if "torch" not in us:
        verdicts.append(_missing(overhead_t, "no PyTorch"))
    else:
        verdicts.append(Verdict(overhead_t, f"graphgrad {us['graphgrad']:.2f} µs, PyTorch "
                                f"{us['torch']:.2f} µs per op", us["graphgrad"] <= us["torch"]))
    return verdicts


def _cold(results: dict[str, Any]) -> list[Verdict]:
    import_t = f"`import autograd` under {IMPORT_SECONDS} s"
    first_t = (f"Warm kernel cache: first step under +{WARM_FIRST_STEP_EXTRA_SECONDS} s over "
               "a steady step")
    cold = results["sections"].get("cold")
    if cold is None:
        return [_missing(t, "cold section not run") for t in (import_t, first_t)]
    extra = cold["warm_first_step_extra_s"]
    floor = ""
    if cold.get("warm_cache", {}).get("numba_in_background") and "numba_floor_s" in cold:
        floor = (f" (Numba, {cold['numba_floor_s']:.3f} s, loaded in a background thread "
                 "meanwhile)")
    elif cold.get("warm_cache", {}).get("imported_numba", True) and "numba_floor_s" in cold:
        floor = f" (Numba's own start-up: {cold['numba_floor_s']:.3f} s of it)"
    elif results.get("machine", {}).get("graphgrad_kernels", {}).get("backend") == "numpy":
        floor = " (NumPy reference kernels: Numba not used)"
    elif "numba_floor_s" in cold:
        floor = " (kernels built ahead of time: Numba not imported)"
    source = cold.get("import_autograd_from_source_s")
    imported = f"{cold['import_autograd_s']:.3f} s" + (
        "" if source is None else f" (bytecode cached; compiling graphgrad's modules: "
                                  f"{source:.3f} s)")
    return [Verdict(import_t, imported,
                    cold["import_autograd_s"] < IMPORT_SECONDS),
            Verdict(first_t, f"+{extra:.3f} s{floor}", extra < WARM_FIRST_STEP_EXTRA_SECONDS)]


def _memory(results: dict[str, Any]) -> list[Verdict]:
    target = "Memory: RSS flat over the steps (graph bytes reported against NumPy's cache)"
    memory = results["sections"].get("memory")
    if memory is None:
        return [_missing(target, "memory section not run")]
    trace = memory["rss"]["graphgrad"]
    graph = memory["graph_bytes"]
    mib = 2.0**20
    return [Verdict(target, f"graphgrad RSS {trace['rss_first_window_bytes'] / mib:.0f} → "
                    f"{trace['rss_last_window_bytes'] / mib:.0f} MiB over {trace['steps']} "
                    f"steps; graph {graph['graphgrad'] / mib:.2f} MiB vs NumPy cache "
                    f"{graph['numpy'] / mib:.2f} MiB", trace["flat"])]


def judge(results: dict[str, Any]) -> list[Verdict]:
    """Every target, in the order the performance issue lists them."""
    if results.get("quick"):
        return [Verdict("All targets", "not judged: a --quick run measures other sizes, with "
                        "too few repeats to time anything", None)]
    return [*_step(results), *_ops(results), *_cold(results), *_memory(results)]
