"""Hyperparameter search (seed inventory §10): log-scale spaces, random and grid search,
coarse-to-fine refinement, trials in parallel processes or on a Dask cluster.

>>> from optim.search import LogUniform, OneMinusLogUniform, IntUniform, random_search
>>> space = {"lr": LogUniform(1e-4, 1), "beta": OneMinusLogUniform(0.9, 0.999),
...          "hidden": IntUniform(50, 100)}
>>> result = random_search(dev_error, space, n_trials=25, seed=0)   # dev_error(params) -> float
>>> print(result); result.best_params; result.plot()
"""

from .results import SearchResult, Trial
from .runner import coarse_to_fine, grid_search, random_search, run_trials
from .spaces import Choice, IntUniform, LogUniform, OneMinusLogUniform, Space, Uniform

__all__ = [
    "Space", "Uniform", "LogUniform", "OneMinusLogUniform", "IntUniform", "Choice",
    "random_search", "grid_search", "coarse_to_fine", "run_trials", "SearchResult", "Trial",
]
