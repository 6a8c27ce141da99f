"""optim.search: space sampling distributions, search runs on processes and on a Dask
LocalCluster, failure/NaN trials, coarse-to-fine narrowing, tables and plots."""

import itertools
import math
import multiprocessing
import operator
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from optim.search import (
    Choice,
    IntUniform,
    LogUniform,
    OneMinusLogUniform,
    Uniform,
    coarse_to_fine,
    grid_search,
    random_search,
    run_trials,
)

# --- objectives: top-level functions, so they pickle to worker processes -----------------


def bowl(params):
    """Minimum 0 at lr = 10^-2.5, units = 64."""
    return (math.log10(params["lr"]) + 2.5) ** 2 + ((params["units"] - 64) / 32) ** 2


def flaky(params):
    """Raises for one region, diverges for another, fine elsewhere."""
    if params["x"] < 0.2:
        raise RuntimeError("exploded at small x")
    if params["x"] > 0.8:
        return float("nan")
    return params["x"]


def accuracy_like(params):
    return 1.0 - abs(params["x"] - 0.3)


def choice_objective(params):
    return {"sgd": 3.0, "adam": 1.0, "rmsprop": 2.0}[params["opt"]] + params["x"]


def returns_value(params):
    return params["value"]


def exits(params):
    sys.exit(f"bad arguments {params}")


# --- spaces -------------------------------------------------------------------------------


def test_log_uniform_puts_a_quarter_in_each_decade(rng):
    space = LogUniform(1e-4, 1.0)  # alpha = 10^r, r ~ U(-4, 0)
    x = np.array([space.sample(rng) for _ in range(20_000)])
    assert x.min() >= 1e-4 and x.max() <= 1.0
    shares = np.histogram(np.log10(x), bins=[-4, -3, -2, -1, 0])[0] / x.size
    np.testing.assert_allclose(shares, 0.25, atol=0.015)
    # what the course warns against: uniform sampling puts ~90% in [0.1, 1]
    u = np.array([Uniform(1e-4, 1.0).sample(rng) for _ in range(20_000)])
    assert np.mean(u >= 0.1) == pytest.approx(0.9, abs=0.01)


def test_one_minus_log_uniform_samples_beta_through_one_minus_beta(rng):
    space = OneMinusLogUniform(0.9, 0.999)
    b = np.array([space.sample(rng) for _ in range(20_000)])
    assert b.min() >= 0.9 and b.max() <= 0.999
    r = np.log10(1 - b)  # r ~ U(-3, -1)
    assert r.min() >= -3 - 1e-9 and r.max() <= -1 + 1e-9
    shares = np.histogram(r, bins=[-3, -2, -1])[0] / b.size
    np.testing.assert_allclose(shares, 0.5, atol=0.015)
    np.testing.assert_allclose(space.grid(3), [0.9, 0.99, 0.999])


def test_int_uniform_is_inclusive_and_choice_is_uniform(rng):
    k = np.array([IntUniform(50, 100).sample(rng) for _ in range(20_000)])
    assert k.min() == 50 and k.max() == 100
    np.testing.assert_allclose(np.bincount(k - 50) / k.size, 1 / 51, atol=0.005)
    c = [Choice(["a", "b", "c"]).sample(rng) for _ in range(3000)]
    assert {c.count(o) for o in "abc"} <= set(range(900, 1100))
    assert IntUniform(2, 4).grid(5) == [2, 3, 4]
    assert LogUniform(1e-4, 1).grid(3) == pytest.approx([1e-4, 1e-2, 1.0])


def test_zoom_narrows_in_the_sampling_scale():
    z = LogUniform(1e-4, 1.0).zoom([1e-3, 1e-2], margin=0.1)  # decades -3..-2, pad 0.4 decade
    assert z.low == pytest.approx(10 ** -3.4) and z.high == pytest.approx(10 ** -1.6)
    assert IntUniform(50, 100).zoom([60, 70], margin=0.1).__dict__ == {"low": 55, "high": 75}
    assert Choice(["a", "b", "c"]).zoom(["c", "a", "c"]).options == ["a", "c"]
    assert Uniform(0, 1).zoom([0.95, 0.99], margin=0.1).high == 1.0  # never leaves the range


def test_log_uniform_exponents_are_uniform_by_kolmogorov_smirnov(rng):
    # log10 of the samples ~ U(-4, 0): the KS distance to that CDF is below the 1% critical
    # value 1.63 / sqrt(n)
    r = np.sort(np.log10([LogUniform(1e-4, 1.0).sample(rng) for _ in range(5000)]))
    cdf = (r + 4) / 4
    n = r.size
    ks = max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n))
    assert ks < 1.63 / math.sqrt(n)


def test_zoom_always_holds_the_best_values():
    # 10**log10(x) can come back an ulp below x: with margin=0 the box used to end
    # just short of the best value it was built from
    space = LogUniform(1e-4, 1.0)
    for values in ([2e-4, 0.387498633610299], [0.5093324443584016, 0.9]):
        z = space.zoom(values, margin=0.0)
        assert z.low <= min(values) and max(values) <= z.high
    with pytest.raises(ValueError, match="single point; pass margin > 0"):
        Uniform(0, 1).zoom([0.5, 0.5], margin=0.0)
    # a negative margin used to shrink the box below the values
    for space in (Uniform(0, 1), IntUniform(0, 10)):
        with pytest.raises(ValueError, match=r"zoom: margin must be a fraction >= 0"):
            space.zoom([4, 6], margin=-0.05)
    with pytest.raises(ValueError, match="coarse_to_fine: margin must be a fraction > 0"):
        coarse_to_fine(bowl, SPACE, n_trials=4, margin=0.0, executor="serial")


@pytest.mark.parametrize("make, match", [
    (lambda: LogUniform(-4, 0), r"not their exponents.*LogUniform\(0.0001, 1\)"),
    (lambda: LogUniform(0, 1), "low must be > 0.*smallest value worth trying"),
    (lambda: Uniform(1, 1), "low < high"),
    (lambda: OneMinusLogUniform(0.9, 1.0), "high must be < 1"),
    (lambda: IntUniform(5, 2), "low <= high"),
    (lambda: IntUniform(0.5, 2), "must be an integer"),
    (lambda: Choice([]), "at least one"),
    (lambda: Uniform(0, float("nan")), "finite"),
])
def test_space_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# --- searches -----------------------------------------------------------------------------

SPACE = {"lr": LogUniform(1e-4, 1.0), "units": IntUniform(16, 128)}


def test_random_search_on_processes_records_every_trial():
    result = random_search(bowl, SPACE, n_trials=8, seed=0, max_workers=2)
    assert len(result.trials) == 8 and all(t.status == "ok" for t in result.trials)
    for t in result.trials:
        assert t.score == pytest.approx(bowl(t.params)) and t.time >= 0
        assert 1e-4 <= t.params["lr"] <= 1 and 16 <= t.params["units"] <= 128
    assert result.best_score == min(t.score for t in result.trials)
    serial = random_search(bowl, SPACE, n_trials=8, seed=0, executor="serial")
    assert [t.params for t in serial.trials] == [t.params for t in result.trials]


def test_failed_and_diverged_trials_are_recorded_not_fatal():
    result = grid_search(flaky, {"x": Uniform(0.0, 1.0)}, points=6)  # 0, .2, .4, .6, .8, 1
    status = [t.status for t in result.trials]
    assert status == ["failed", "ok", "ok", "ok", "ok", "diverged"]
    failed = result.trials[0]
    assert "RuntimeError: exploded at small x" in failed.error and math.isnan(failed.score)
    assert result.trials[-1].error == "the objective returned nan"
    assert result.best.params["x"] == pytest.approx(0.2)
    text = str(result)
    assert "failed" in text and "diverged" in text and "exploded" in text
    table = result.table()
    assert [row["status"] for row in table][-2:] == ["failed", "diverged"]
    assert table[0]["x"] == pytest.approx(0.2) and set(table[0]) >= {"score", "time", "x"}


def test_no_successful_trial_gives_a_clear_error():
    result = random_search(flaky, {"x": Uniform(0.0, 0.1)}, n_trials=3, seed=0,
                           executor="serial")
    with pytest.raises(RuntimeError, match="no trial succeeded.*exploded"):
        _ = result.best


def test_mode_max_and_fixed_values_and_threads():
    space = {"x": Uniform(0.0, 1.0), "tag": "fixed"}
    with ThreadPoolExecutor(2) as pool:
        result = random_search(accuracy_like, space, n_trials=30, mode="max", seed=1,
                               executor=pool)
    assert result.best_score == max(t.score for t in result.trials)
    assert abs(result.best_params["x"] - 0.3) < 0.1
    assert all(t.params["tag"] == "fixed" for t in result.trials)
    assert "tag" not in str(result) and result.table()[0]["tag"] == "fixed"


def test_grid_search_covers_the_product():
    space = {"opt": Choice(["sgd", "adam", "rmsprop"]), "x": Uniform(0.0, 1.0)}
    result = grid_search(choice_objective, space, points={"x": 2}, executor="serial")
    assert len(result.trials) == 6
    assert result.best_params == {"opt": "adam", "x": 0.0}
    assert [tuple(t.params.values()) for t in result.trials] == list(
        itertools.product(["sgd", "adam", "rmsprop"], [0.0, 1.0]))


def test_grid_search_refuses_points_for_unknown_names():
    space = {"lr": LogUniform(1e-4, 1.0), "units": IntUniform(16, 128)}
    # a misspelt name used to be ignored silently, leaving 3 points for "lr"
    with pytest.raises(ValueError, match=r"points names \['LR'\], not in the space"):
        grid_search(bowl, space, points={"LR": 5}, executor="serial")
    result = grid_search(bowl, space, points={"lr": 5, "units": 1}, executor="serial")
    assert [t.params["lr"] for t in result.trials] == pytest.approx(
        [1e-4, 1e-3, 1e-2, 1e-1, 1.0])


def test_an_objective_returning_a_non_number_fails_its_trial_clearly():
    values = ["0.3", True, None, (0.1, 0.9), np.array([0.25]), np.float32(0.5), 2]
    trials = run_trials(returns_value, [{"value": v} for v in values], executor="serial")
    # "0.3" and True used to pass through float() as scores 0.3 and 1.0
    assert [t.status for t in trials] == ["failed"] * 4 + ["ok"] * 3
    assert trials[0].error.startswith("TypeError: the objective returned str '0.3', not a "
                                      "number; it must return one number")
    assert "returned bool True" in trials[1].error
    assert "returned NoneType None" in trials[2].error
    assert "returned tuple (0.1, 0.9)" in trials[3].error
    assert [t.score for t in trials[4:]] == [0.25, 0.5, 2.0]


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_sys_exit_in_the_objective_fails_the_trial_not_the_search(executor):
    # SystemExit is no Exception: it used to end the search (re-raised from the worker)
    result = grid_search(exits, {"x": Choice([1, 2])}, executor=executor, max_workers=1)
    assert [t.status for t in result.trials] == ["failed", "failed"]
    assert result.trials[0].error.startswith("SystemExit: bad arguments {'x': 1}")


def test_hyperparameter_names_must_not_shadow_trial_fields():
    # a hyperparameter "time" used to overwrite the trial's wall time in result.table()
    with pytest.raises(ValueError, match="'time' is also a trial field.*rename it"):
        random_search(accuracy_like, {"x": Uniform(0, 1), "time": Uniform(0, 10)},
                      n_trials=2, seed=0, executor="serial")
    with pytest.raises(ValueError, match="max_workers must be a positive integer"):
        random_search(bowl, SPACE, n_trials=2, seed=0, max_workers=0)


def test_coarse_to_fine_narrows_around_the_best():
    result = coarse_to_fine(bowl, SPACE, n_trials=16, rounds=3, keep=0.25, seed=2,
                            executor="serial")
    assert len(result.trials) == 48 and [t.round for t in result.trials][::16] == [0, 1, 2]
    widths = [math.log10(s["lr"].high / s["lr"].low) for s in result.spaces]
    assert widths[0] == pytest.approx(4.0) and widths[1] < widths[0] and widths[2] < widths[1]
    for s in result.spaces:
        assert s["lr"].low <= 10 ** -2.5 <= s["lr"].high and s["units"].low <= 64
    by_round = [[t.score for t in result.trials if t.round == r] for r in range(3)]
    assert np.median(by_round[2]) < np.median(by_round[0])  # later rounds sample better


def test_coarse_to_fine_box_holds_the_best_trials_in_log_space():
    space = {"lr": LogUniform(1e-4, 1.0), "beta": OneMinusLogUniform(0.9, 0.999),
             "units": IntUniform(16, 128)}
    result = coarse_to_fine(_c2f_objective, space, n_trials=12, rounds=2, keep=0.25,
                            margin=0.1, seed=3, executor="serial")
    fine = result.spaces[1]
    top = sorted((t for t in result.trials if t.round == 0), key=lambda t: t.score)[:3]
    for name in space:
        values = [t.params[name] for t in top]
        assert space[name].low <= fine[name].low <= min(values)
        assert max(values) <= fine[name].high <= space[name].high
    # lr: the decades spanned by the best trials, padded by 0.1 x 4 decades, inside [-4, 0]
    r = np.log10([t.params["lr"] for t in top])
    assert np.log10(fine["lr"].low) == pytest.approx(max(-4.0, r.min() - 0.4))
    assert np.log10(fine["lr"].high) == pytest.approx(min(0.0, r.max() + 0.4))
    # beta through 1 - beta: the pad is 0.1 x 2 decades of 1 - beta
    u = np.log10([1 - t.params["beta"] for t in top])
    assert np.log10(1 - fine["beta"].high) == pytest.approx(max(-3.0, u.min() - 0.2))
    assert all(fine[k].low <= t.params[k] <= fine[k].high
               for t in result.trials if t.round == 1 for k in space)


def _c2f_objective(params):
    return (math.log10(params["lr"]) + 2) ** 2 + math.log10(1 - params["beta"]) ** 2 / 9 \
        + abs(params["units"] - 40) / 100


def test_unpicklable_objective_and_bad_input():
    with pytest.raises(TypeError, match="top-level function"):
        random_search(lambda p: 0.0, SPACE, n_trials=2, seed=0)
    with pytest.raises(ValueError, match="mode must be"):
        random_search(bowl, SPACE, mode="best")
    with pytest.raises(ValueError, match="n_trials must be a positive integer"):
        random_search(bowl, SPACE, n_trials=0)
    with pytest.raises(TypeError, match="non-empty dict"):
        random_search(bowl, {}, n_trials=2)
    with pytest.raises(TypeError, match="executor must be"):
        random_search(bowl, SPACE, n_trials=2, executor="gpu")


def test_plot_uses_log_and_logit_axes():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    space = {"lr": LogUniform(1e-4, 1.0), "beta": OneMinusLogUniform(0.9, 0.999),
             "units": IntUniform(16, 128), "opt": Choice(["sgd", "adam"])}
    result = random_search(_plot_objective, space, n_trials=10, seed=0, executor="serial")
    fig = result.plot()
    scales = [ax.get_xscale() for ax in fig.axes]
    assert scales == ["log", "logit", "linear", "linear"]
    assert [ax.get_xlabel() for ax in fig.axes] == ["lr", "beta", "units", "opt"]
    assert len(fig.axes[0].collections[0].get_offsets()) == 10
    import matplotlib.pyplot as plt
    plt.close(fig)


def _plot_objective(params):
    return params["lr"] + params["units"] * 1e-3 + (params["opt"] == "sgd")


def test_plot_with_one_trial_failed_trials_and_given_axes():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    space = {"lr": LogUniform(1e-4, 1.0), "beta": OneMinusLogUniform(0.9, 0.999),
             "x": Uniform(0.0, 1.0)}
    one = random_search(accuracy_like, space, n_trials=1, seed=1, executor="serial")
    failed = random_search(flaky, {**space, "x": Uniform(0.0, 0.1)}, n_trials=3, seed=0,
                           executor="serial")
    for result, title in ((one, "1 trials"), (failed, "0 trials (3 failed or diverged")):
        fig = result.plot()
        assert fig.get_suptitle().startswith(title) and len(fig.axes) == 3
        plt.close(fig)
    fig, ax = plt.subplots()  # one Axes, not a list: used to fail on axes[0]
    assert one.plot(params=["x"], axes=ax) is fig and ax.get_xlabel() == "x"
    with pytest.raises(ValueError, match="3 hyperparameters .* need 3 axes, got 1"):
        one.plot(axes=ax)
    plt.close(fig)


def test_plot_without_matplotlib_says_how_to_install(monkeypatch):
    result = random_search(bowl, SPACE, n_trials=2, seed=0, executor="serial")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        result.plot()


def sleepy(params):
    time.sleep(params["seconds"])
    return params["seconds"]


def test_timeout_records_a_hung_trial_as_failed():
    start = time.perf_counter()
    result = grid_search(sleepy, {"seconds": Choice([0.0, 3.0])}, timeout=1.0, max_workers=2)
    assert time.perf_counter() - start < 2.9  # did not wait for the 3 s trial
    assert [t.status for t in result.trials] == ["ok", "failed"]
    assert "timed out" in result.trials[1].error


def test_a_timed_out_trial_does_not_outlive_the_search():
    # the worker running the 60 s trial used to go on after the search returned, and
    # Python's exit waited for it
    before = {p.pid for p in multiprocessing.active_children()}
    result = grid_search(sleepy, {"seconds": Choice([0.0, 60.0])}, timeout=1.0, max_workers=2)
    assert [t.status for t in result.trials] == ["ok", "failed"]
    deadline = time.monotonic() + 10.0
    while {p.pid for p in multiprocessing.active_children()} - before:
        assert time.monotonic() < deadline, "a worker of the search is still running"
        time.sleep(0.1)


# --- Dask distributed ----------------------------------------------------------------------


def _local_cluster(distributed, processes):
    return distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=processes,
                                    protocol="tcp://", host="127.0.0.1",
                                    dashboard_address=None)


def test_search_on_a_dask_local_cluster_with_threads():
    distributed = pytest.importorskip("distributed")
    with _local_cluster(distributed, processes=False) as cluster, \
            distributed.Client(cluster) as client:
        result = random_search(flaky, {"x": Uniform(0.0, 1.0)}, n_trials=12, seed=3,
                               executor=client.get_executor(), timeout=60)
    assert {t.status for t in result.trials} == {"ok", "failed", "diverged"}
    for t in result.trials:
        if t.status == "ok":
            assert t.score == t.params["x"]
    assert result.best_score == min(t.score for t in result.trials if t.status == "ok")


def test_search_on_a_dask_local_cluster_with_worker_processes():
    distributed = pytest.importorskip("distributed")
    # Worker processes import the objective by name, and this test module is not importable
    # there; operator.itemgetter is. The "loss" values exercise ok, NaN and failing trials.
    space = {"loss": Choice([0.3, 0.1, float("nan"), "not a number"])}
    with _local_cluster(distributed, processes=True) as cluster, \
            distributed.Client(cluster) as client:
        workers = client.run(os.getpid)
        result = random_search(operator.itemgetter("loss"), space, n_trials=16, seed=0,
                               executor=client.get_executor(), timeout=60)
    assert len(set(workers.values()) | {os.getpid()}) == 3  # two separate worker processes
    status = {}
    for t in result.trials:
        status.setdefault(str(t.params["loss"]), set()).add(t.status)
    assert status == {"0.3": {"ok"}, "0.1": {"ok"}, "nan": {"diverged"},
                      "not a number": {"failed"}}
    assert result.best_score == 0.1


def test_objective_from_main_is_refused_when_workers_cannot_import_it(monkeypatch) -> None:
    import multiprocessing

    from optim.search import runner

    def objective(params):
        return params["x"]

    objective.__module__ = "__main__"
    monkeypatch.setattr(multiprocessing, "get_start_method", lambda allow_none=False: "spawn")
    with pytest.raises(TypeError, match="defined in __main__"):
        runner.run_trials(objective, [{"x": 1.0}])


FORKED_AFTER_PARALLEL_KERNELS = """
import json
import numpy as np
import autograd as ag
from optim.search import Choice, grid_search

ag.sigmoid(ag.from_numpy(np.zeros(50_000, np.float32)))  # a parallel loop: Numba's threads start

def objective(params):  # in __main__: the fork start method hands it to the workers
    x = ag.from_numpy(np.full(50_000, params["v"], dtype=np.float32))
    return float(ag.sigmoid(x).sum().item())

result = grid_search(objective, {"v": Choice([0.0, 1.0])}, max_workers=2)
print(json.dumps([[t.status, t.score, t.error] for t in result.trials]))
"""


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="needs fork")
def test_workers_forked_after_parallel_kernels_run_their_kernels_serially() -> None:
    # Forked from a process whose parallel loops started GNU OpenMP, a worker running one
    # itself would be killed ("fork() called from a process already using GNU OpenMP").
    import json
    import subprocess

    env = {**os.environ, "GRAPHGRAD_PARALLEL_MIN": "1000", "NUMBA_NUM_THREADS": "2"}
    done = subprocess.run([sys.executable, "-c", FORKED_AFTER_PARALLEL_KERNELS], env=env,
                          capture_output=True, text=True, timeout=600,
                          cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                              os.path.abspath(__file__)))))
    assert done.returncode == 0, done.stderr
    trials = json.loads(done.stdout.strip().splitlines()[-1])
    assert [t[0] for t in trials] == ["ok", "ok"], trials
    assert [t[1] for t in trials] == [25_000.0, pytest.approx(50_000 / (1 + math.exp(-1)))]
