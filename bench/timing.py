"""Wall-clock timing: the median of repeated calls after a warm-up."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def time_calls(fn: Callable[[int], object], warmup: int, repeat: int) -> list[float]:
    """Seconds taken by each of ``repeat`` calls ``fn(i)``, after ``warmup`` untimed calls."""
    for i in range(warmup):
        fn(i)
    times = []
    clock = time.perf_counter
    for i in range(repeat):
        start = clock()
        fn(warmup + i)
        times.append(clock() - start)
    return times


def median_seconds(fn: Callable[[int], object], warmup: int, repeat: int) -> float:
    """The median of ``time_calls``: robust to the odd slow call on a shared machine."""
    return statistics.median(time_calls(fn, warmup, repeat))


def repeats_for(seconds_per_call: float, budget: float, lo: int = 3, hi: int = 200) -> int:
    """How many repeats fit in ``budget`` seconds, clamped to ``[lo, hi]``."""
    if seconds_per_call <= 0:
        return hi
    return max(lo, min(hi, int(budget / seconds_per_call)))
