"""Random search, grid search and coarse-to-fine refinement over any Executor (§10).

The objective is a picklable top-level function ``objective(params: dict) -> float`` (a dev
set error, say); lower is better unless ``mode='max'``. Trials run in parallel on a
``concurrent.futures.Executor``: a ``ProcessPoolExecutor`` by default (the course's "caviar"
strategy: many models at once), a Dask ``distributed`` cluster's ``client.get_executor()`` for
more machines, or ``'serial'`` to run in this process (handy for debugging). The worker
processes of the default pool run every kernel serially (``GRAPHGRAD_PARALLEL_MIN`` does not
apply there): the trials already share the cores, and a worker forked from a process whose
parallel kernels started GNU OpenMP would be killed by its first parallel loop.

Each trial's parameters, score, wall time and status are recorded: ``'ok'``, ``'failed'``
(the objective raised, called ``sys.exit``, returned something other than one number, or
timed out; the error is kept) or ``'diverged'`` (NaN or infinite score). A bad trial never
stops the search.
"""

from __future__ import annotations

import itertools
import math
import numbers
import os
import pickle
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from typing import Any

import numpy as np

from autograd.kernels import set_parallel_min, wait_for_numba

from .results import SearchResult, Trial
from .spaces import Space

Objective = Callable[[dict[str, Any]], float]
SearchSpace = Mapping[str, Any]


# Trial fields that table() and as_dict() put beside the params: a param must not shadow one.
_TRIAL_FIELDS = ("number", "score", "status", "time", "error", "round")


def _score(value: Any) -> float | None:
    """The objective's return value as a float, or None if it is not one number. Strings and
    bools are refused although ``float()`` takes them: "0.3" or True is a bug, not a score."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    try:  # a one-element array or Tensor, e.g. a loss returned as it is
        arr = np.asarray(value)
    except Exception:
        return None
    return float(arr.reshape(())) if arr.size == 1 and arr.dtype.kind in "iuf" else None


def _run_trial(objective: Objective, params: dict[str, Any]) -> dict[str, Any]:
    """Run one trial where the executor puts it and report, never raise."""
    start = time.perf_counter()
    try:
        value = objective(dict(params))
    # A failing trial is a result, not a crash of the search; SystemExit too (an argparse
    # error or sys.exit inside a training script), while Ctrl-C still stops everything.
    except (Exception, SystemExit) as exc:
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" ({last[0].filename}:{last[0].lineno})" if last else ""
        return {"status": "failed", "score": math.nan, "time": time.perf_counter() - start,
                "error": f"{type(exc).__name__}: {exc}{where}"}
    elapsed = time.perf_counter() - start
    score = _score(value)
    if score is None:
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return {"status": "failed", "score": math.nan, "time": elapsed,
                "error": f"TypeError: the objective returned {type(value).__name__} {shown}, "
                         "not a number; it must return one number, the trial's score (e.g. "
                         "the dev error)"}
    if not math.isfinite(score):
        return {"status": "diverged", "score": score, "time": elapsed,
                "error": f"the objective returned {score}"}
    return {"status": "ok", "score": score, "time": elapsed, "error": None}


def _check_space(space: SearchSpace, func: str) -> None:
    if not isinstance(space, Mapping) or not space:
        raise TypeError(f"{func}: space must be a non-empty dict of name -> Space (or a fixed "
                        f"value), got {type(space).__name__}")
    for name in space:
        if not isinstance(name, str):
            raise TypeError(f"{func}: hyperparameter names must be strings, got {name!r}")


def _check_mode(mode: str, func: str) -> None:
    if mode not in ("min", "max"):
        raise ValueError(f"{func}: mode must be 'min' (lower score is better) or 'max', got "
                         f"{mode!r}")


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _sample(space: SearchSpace, rng: np.random.Generator) -> dict[str, Any]:
    return {k: (v.sample(rng) if isinstance(v, Space) else v) for k, v in space.items()}


def run_trials(objective: Objective, param_list: Sequence[dict[str, Any]],
               executor: Executor | str | None = None, max_workers: int | None = None,
               timeout: float | None = None, first_number: int = 0,
               round_index: int = 0) -> list[Trial]:
    """Evaluate ``objective`` on each params dict, in parallel on ``executor``; the trials come
    back in the order of ``param_list``.

    ``executor``: None or ``'processes'`` makes a ``ProcessPoolExecutor(max_workers)`` for
    this call (the objective must then pickle: a module-level function, not a lambda);
    ``'serial'`` runs here; any ``concurrent.futures.Executor`` is used as given and left
    running (e.g. ``distributed.Client(...).get_executor()``).

    ``timeout`` (seconds, for the whole batch) bounds the wait: trials without a result by
    then are recorded as failed ("timed out") and cancelled if they have not started. In the
    process pool this call makes, the workers still running one are terminated, so a hung
    trial neither keeps a CPU busy nor keeps Python from exiting; on an executor you pass,
    a running trial is abandoned, not killed. ``'serial'`` ignores it.
    """
    if not callable(objective):
        raise TypeError(f"search: objective must be callable, got {type(objective).__name__}")
    if max_workers is not None and (isinstance(max_workers, bool) or not isinstance(
            max_workers, int) or max_workers < 1):
        raise ValueError(f"search: max_workers must be a positive integer (or None for one "
                         f"per CPU), got {max_workers!r}")
    for params in param_list:
        clash = [k for k in params if k in _TRIAL_FIELDS]
        if clash:
            raise ValueError(f"search: hyperparameter name {clash[0]!r} is also a trial field "
                             f"({', '.join(_TRIAL_FIELDS)}) and would overwrite it in "
                             f"result.table(); rename it (e.g. {clash[0] + '_'!r})")
    if executor == "serial":
        outcomes = [_run_trial(objective, p) for p in param_list]
    elif executor is None or executor == "processes":
        _check_importable_in_workers(objective)
        try:
            pickle.dumps(objective)
        except Exception as exc:
            raise TypeError(f"search: the objective cannot be sent to worker processes "
                            f"({exc}); define it as a top-level function in a module, or pass "
                            "executor='serial'") from None
        workers = max_workers or min(len(param_list), os.cpu_count() or 1) or 1
        wait_for_numba()  # the workers are forked: not half way through its import
        pool = ProcessPoolExecutor(max_workers=workers, initializer=set_parallel_min,
                                   initargs=(None,))
        futures = []
        try:
            futures = _submit(pool, objective, param_list)
            outcomes = _collect(futures, timeout)
        finally:
            abandoned = any(not f.done() for f in futures)  # timed out, or interrupted
            if abandoned:
                _terminate_workers(pool)
            pool.shutdown(wait=not abandoned, cancel_futures=True)
    elif isinstance(executor, Executor) or hasattr(executor, "submit"):
        outcomes = _collect(_submit(executor, objective, param_list), timeout)
    else:
        raise TypeError(f"search: executor must be None, 'processes', 'serial' or a "
                        f"concurrent.futures.Executor, got {executor!r}")
    return [Trial(number=first_number + i, params=dict(p), round=round_index, **o)
            for i, (p, o) in enumerate(zip(param_list, outcomes))]


def _check_importable_in_workers(objective: Objective) -> None:
    """Refuse, with the fix, an objective that worker processes could not import.

    A function defined in ``__main__`` (a script run directly, or a notebook cell) is sent
    by name; with the ``fork`` start method the workers inherit it, but under ``spawn``
    (macOS, Windows) or ``forkserver`` they re-import ``__main__`` without it and every
    trial would fail with a broken pool.
    """
    import multiprocessing

    if getattr(objective, "__module__", None) != "__main__":
        return
    if multiprocessing.get_start_method(allow_none=False) == "fork":
        return
    raise TypeError(
        f"search: the objective {getattr(objective, '__qualname__', objective)!r} is defined "
        f"in __main__, which worker processes started with "
        f"{multiprocessing.get_start_method()!r} cannot import; move it into a module "
        "(a .py file on sys.path) or pass executor='serial'")


def _terminate_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the worker processes of a pool this module made, once its trials are abandoned.

    Left alone, a worker running a hung trial keeps going after the search returns, and
    Python's exit waits for it. ``ProcessPoolExecutor`` has a public way to stop its workers
    only from Python 3.14 (``terminate_workers``); before, its ``_processes`` are used.
    """
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


def _submit(executor: Any, objective: Objective,
            param_list: Sequence[dict[str, Any]]) -> list[Any]:
    return [executor.submit(_run_trial, objective, p) for p in param_list]


def _collect(futures: Sequence[Any], timeout: float | None) -> list[dict[str, Any]]:
    deadline = None if timeout is None else time.monotonic() + timeout
    outcomes = []
    for fut in futures:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            outcomes.append(fut.result(timeout=wait))
        except FuturesTimeout:
            fut.cancel()
            outcomes.append({"status": "failed", "score": math.nan, "time": math.nan,
                             "error": f"timed out: no result within timeout={timeout}s"})
        except Exception as exc:  # the executor itself failed (worker died, pickling error)
            outcomes.append({"status": "failed", "score": math.nan, "time": math.nan,
                             "error": f"executor error: {type(exc).__name__}: {exc}"})
    return outcomes


def random_search(objective: Objective, space: SearchSpace, n_trials: int = 20,
                  mode: str = "min", seed: int | np.random.Generator | None = None,
                  executor: Executor | str | None = None, max_workers: int | None = None,
                  timeout: float | None = None) -> SearchResult:
    """Random search (§10): ``n_trials`` independent draws from ``space``, evaluated in parallel.

    Better than a grid once there are several hyperparameters: 25 random points try 25
    distinct learning rates where a 5×5 grid tries only 5. ``space`` maps names to spaces
    (``LogUniform``, ``Uniform``, ``IntUniform``, ``Choice``, ``OneMinusLogUniform``) or
    to fixed values passed through unchanged. ``seed`` makes the draws reproducible.
    ``executor``, ``max_workers`` and ``timeout`` are as in ``run_trials``.
    """
    _check_space(space, "random_search")
    _check_mode(mode, "random_search")
    if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 1:
        raise ValueError(f"random_search: n_trials must be a positive integer, got {n_trials!r}")
    rng = _rng(seed)
    params = [_sample(space, rng) for _ in range(n_trials)]
    trials = run_trials(objective, params, executor, max_workers, timeout)
    return SearchResult(trials, dict(space), mode)


def grid_search(objective: Objective, space: SearchSpace, points: int | Mapping[str, int] = 3,
                mode: str = "min", executor: Executor | str | None = None,
                max_workers: int | None = None, timeout: float | None = None) -> SearchResult:
    """Every combination of ``points`` values per hyperparameter (``space.grid(n)``: evenly
    spaced in the space's own scale, so a ``LogUniform`` grid is 1e-4, 1e-2, 1; all options of
    a ``Choice``). ``points`` is one count for all or a dict per name (names left out get 3).
    The trials run in ``itertools.product`` order: the first hyperparameter varies slowest."""
    _check_space(space, "grid_search")
    _check_mode(mode, "grid_search")
    unknown = [k for k in points if k not in space] if isinstance(points, Mapping) else []
    if unknown:
        raise ValueError(f"grid_search: points names {unknown}, not in the space (which has "
                         f"{list(space)}); check the spelling")
    axes = {}
    for name, sp in space.items():
        n = points.get(name, 3) if isinstance(points, Mapping) else points
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"grid_search: points for {name!r} must be a positive integer, "
                             f"got {n!r}")
        axes[name] = sp.grid(n) if isinstance(sp, Space) else [sp]
    params = [dict(zip(axes, combo)) for combo in itertools.product(*axes.values())]
    return SearchResult(run_trials(objective, params, executor, max_workers, timeout),
                        dict(space), mode)


def coarse_to_fine(objective: Objective, space: SearchSpace, n_trials: int = 20,
                   rounds: int = 2, keep: float = 0.25, margin: float = 0.1,
                   mode: str = "min", seed: int | np.random.Generator | None = None,
                   executor: Executor | str | None = None, max_workers: int | None = None,
                   timeout: float | None = None) -> SearchResult:
    """Coarse-to-fine search (§10, S0 L1870-1877): random search over the whole space, then
    zoom into the region of the best trials and sample it densely, ``rounds`` times.

    After each round the best ``keep`` fraction of its successful trials (at least 2) defines
    the next space: for each hyperparameter, the smallest range holding their values (in its
    sampling scale: decades for ``LogUniform``), widened by ``margin`` of the current range,
    never leaving the current one; a ``Choice`` keeps the options they used. All trials are
    returned (``trial.round`` says which round), with ``result.spaces`` the space of each round.
    """
    _check_space(space, "coarse_to_fine")
    _check_mode(mode, "coarse_to_fine")
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise ValueError(f"coarse_to_fine: rounds must be a positive integer, got {rounds!r}")
    if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 2:
        raise ValueError(f"coarse_to_fine: n_trials (per round) must be an integer >= 2, got "
                         f"{n_trials!r}")
    if not 0 < keep <= 1:
        raise ValueError(f"coarse_to_fine: keep must be a fraction in (0, 1], got {keep!r}")
    # margin = 0 would leave a single point when the best trials share one value (as when
    # only one trial of a round succeeds), and the search would stop half way.
    if isinstance(margin, bool) or not isinstance(margin, numbers.Real) or not margin > 0:
        raise ValueError(f"coarse_to_fine: margin must be a fraction > 0 of each range, got "
                         f"{margin!r}")
    rng = _rng(seed)
    current, spaces, trials = dict(space), [dict(space)], []
    for r in range(rounds):
        params = [_sample(current, rng) for _ in range(n_trials)]
        batch = run_trials(objective, params, executor, max_workers, timeout, len(trials), r)
        trials += batch
        if r == rounds - 1:
            break
        best = SearchResult(batch, current, mode).ranked()
        if not best:  # nothing succeeded this round: nothing to zoom on
            break
        top = best[:max(2, int(math.ceil(keep * len(best))))]
        current = {k: (v.zoom([t.params[k] for t in top], margin) if isinstance(v, Space)
                       else v) for k, v in current.items()}
        spaces.append(dict(current))
    result = SearchResult(trials, dict(space), mode)
    result.spaces = spaces
    return result
