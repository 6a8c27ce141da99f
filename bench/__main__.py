"""``python -m bench [--quick] [--only step|models|ops|cold|memory|blas ...] [--out DIR]``."""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from typing import Any

from . import blas_lever, cold, memory, models, ops, report, step
from .machine import describe

SECTIONS = {"step": step.run, "models": models.run, "ops": ops.run, "cold": cold.run,
            "memory": memory.run, "blas": blas_lever.run}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes and few iterations: checks the harness, not speed")
    parser.add_argument("--only", nargs="+", choices=list(SECTIONS), default=list(SECTIONS),
                        help="run only these sections")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent,
                        help="where results.json, RESULTS.md and step.png go (default bench/)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> dict[str, Any]:
    args = parse(argv)
    results: dict[str, Any] = {
        "args": "".join(f" {a}" for a in argv),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": describe(),
        "sections": {},
        "section_seconds": {},
    }
    print(f"graphgrad bench on {results['machine']['cpu_model']}, load "
          f"{results['machine']['loadavg']}; BLAS: {results['machine']['graphgrad_blas']}",
          flush=True)
    for name in args.only:
        start = time.perf_counter()
        print(f"[{name}] ...", flush=True)
        results["sections"][name] = SECTIONS[name](args.quick)
        results["section_seconds"][name] = time.perf_counter() - start
    results["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    for path in report.write(results, args.out):
        print(f"wrote {path}")
    print(report.markdown(results))
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
