"""Search results: the trials, the best one, a text table and plots of score against each
hyperparameter."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .spaces import Space


@dataclass
class Trial:
    """One evaluation: its ``params``, ``score``, wall ``time`` in seconds, ``status``
    (``'ok'``, ``'failed'`` or ``'diverged'``), the ``error`` message if any, and the
    coarse-to-fine ``round`` it belongs to."""

    number: int
    params: dict[str, Any]
    score: float
    status: str
    time: float
    error: str | None = None
    round: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Flat dict: the fields with the params spread in as their own keys."""
        d = asdict(self)
        return {**{k: v for k, v in d.items() if k != "params"}, **d["params"]}


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    return str(value)


class SearchResult:
    """All trials of a search. ``best`` is the best successful trial (lowest score, or highest
    with ``mode='max'``); ``table()`` the trials as dicts; ``str(result)`` a readable table
    of the searched (non-fixed) hyperparameters; ``plot()`` score against each of them."""

    def __init__(self, trials: list[Trial], space: dict[str, Any], mode: str = "min") -> None:
        self.trials = trials
        self.space = space
        self.mode = mode
        self.spaces = [space]

    def ranked(self) -> list[Trial]:
        """The successful trials, best first."""
        ok = [t for t in self.trials if t.status == "ok"]
        return sorted(ok, key=lambda t: t.score, reverse=self.mode == "max")

    @property
    def best(self) -> Trial:
        """The best successful trial; raises, with the counts and first error, if none
        succeeded."""
        ranked = self.ranked()
        if not ranked:
            counts = {s: sum(t.status == s for t in self.trials) for s in ("failed", "diverged")}
            first = next((t.error for t in self.trials if t.error), "no trials")
            raise RuntimeError(f"search: no trial succeeded ({counts['failed']} failed, "
                               f"{counts['diverged']} diverged); first error: {first}")
        return ranked[0]

    @property
    def best_params(self) -> dict[str, Any]:
        return dict(self.best.params)

    @property
    def best_score(self) -> float:
        return self.best.score

    def table(self, sort: bool = True) -> list[dict[str, Any]]:
        """One flat dict per trial (number, score, status, time, error, round, then the
        params); best first when ``sort``, failed and diverged trials last."""
        trials = self.ranked() + [t for t in self.trials if t.status != "ok"] if sort \
            else self.trials
        return [t.as_dict() for t in trials]

    def __str__(self) -> str:
        # Fixed values are the same in every trial: the text table shows what was searched.
        names = [k for k, v in self.space.items() if isinstance(v, Space)]
        header = ["#", "score", "status", "time (s)", *names]
        rows = [[str(t.number), _fmt(t.score), t.status, _fmt(t.time),
                 *(_fmt(t.params.get(n)) for n in names)]
                for t in self.ranked() + [t for t in self.trials if t.status != "ok"]]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in [header, *rows]]
        lines.insert(1, "  ".join("-" * w for w in widths))
        bad = [t for t in self.trials if t.error]
        lines += [f"trial {t.number} {t.status}: {t.error}" for t in bad]
        return "\n".join(lines)

    def __repr__(self) -> str:
        ok = sum(t.status == "ok" for t in self.trials)
        return f"SearchResult(trials={len(self.trials)}, ok={ok}, mode={self.mode!r})"

    def plot(self, params: list[str] | None = None, axes: Any = None) -> Any:
        """Score against each hyperparameter, one panel each (successful trials; failed and
        diverged ones are counted in the title). Log spaces get a log x axis, β spaces
        (``OneMinusLogUniform``) a logit one, ``Choice`` a categorical one. ``axes`` is one
        Axes or any sequence or array of them, at least one per plotted hyperparameter; by
        default a new figure is made. Needs matplotlib (``pip install graphgrad[plot]``);
        returns the Figure."""
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError("SearchResult.plot needs matplotlib: pip install matplotlib "
                              "(or graphgrad[plot])") from None
        names = params or [k for k, v in self.space.items() if isinstance(v, Space)]
        unknown = [n for n in names if n not in self.space]
        if unknown:
            raise KeyError(f"SearchResult.plot: unknown hyperparameters {unknown}; the space "
                           f"has {list(self.space)}")
        if not names:
            raise ValueError("SearchResult.plot: the space has no searched hyperparameters "
                             "(only fixed values); pass params=[...] to choose what to plot")
        if axes is None:
            fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.2),
                                     squeeze=False)
            axes = axes[0]
        else:
            axes = list(np.ravel(np.asarray(axes, dtype=object)))
            if len(axes) < len(names):
                raise ValueError(f"SearchResult.plot: {len(names)} hyperparameters {names} "
                                 f"need {len(names)} axes, got {len(axes)}; pass more axes "
                                 "or choose some with params=[...]")
            fig = axes[0].figure
        ok = self.ranked()
        scores = [t.score for t in ok]
        for ax, name in zip(axes, names):
            sp = self.space[name]
            values = [t.params[name] for t in ok]
            if isinstance(sp, Space) and sp.scale == "categorical":
                labels = [str(o) for o in sp.options]
                ax.scatter([labels.index(str(v)) for v in values], scores)
                ax.set_xticks(range(len(labels)), labels)
            else:
                ax.scatter(values, scores)
                if isinstance(sp, Space) and sp.scale != "linear":
                    ax.set_xscale(sp.scale)
            ax.set_xlabel(name)
            ax.set_ylabel("score")
        bad = len(self.trials) - len(ok)
        fig.suptitle(f"{len(ok)} trials" + (f" ({bad} failed or diverged, not shown)"
                                           if bad else ""))
        fig.tight_layout()
        return fig
