"""The strong-Wolfe line search behind ``LBFGS(line_search_fn="strong_wolfe")``.

Nocedal & Wright, *Numerical Optimization* (2nd ed.), algorithms 3.5 and 3.6: bracket
a step that satisfies the strong Wolfe conditions, then zoom into the bracket with
safeguarded cubic interpolation. The decisions (the bracketing tests, the extrapolation
bounds, the 10% safeguard near the bracket's ends, the stopping rules) are those of
PyTorch's ``torch.optim.lbfgs._strong_wolfe``, so the same steps come out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Evaluate = Callable[[float], tuple[float, np.ndarray]]


def cubic_minimizer(x1: float, f1: float, g1: float, x2: float, f2: float, g2: float,
                    bounds: tuple[float, float] | None = None) -> float:
    """The minimizer of the cubic through ``(x1, f1)`` and ``(x2, f2)`` with slopes ``g1``,
    ``g2``, clipped to ``bounds`` (default: between x1 and x2); their midpoint when the
    cubic has no minimum (N&W eq. 3.59)."""
    low, high = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 * d1 - g1 * g2
    if d2_square < 0:
        return (low + high) / 2.0
    d2 = math.sqrt(d2_square)
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, low), high)


@dataclass
class _Point:
    """A trial step ``t`` with the loss, gradient and slope ``g·d`` there."""

    t: float
    f: float
    g: np.ndarray
    gtd: float


def strong_wolfe(evaluate: Evaluate, d: np.ndarray, t: float, f: float, g: np.ndarray,
                 gtd: float, c1: float = 1e-4, c2: float = 0.9,
                 tolerance_change: float = 1e-9, max_ls: int = 25
                 ) -> tuple[float, np.ndarray, float, int]:
    """A step along ``d`` from the point with loss ``f``, gradient ``g`` and slope ``gtd``
    (``g·d < 0``), starting the search at ``t``.

    ``evaluate(t)`` gives the loss and flat gradient at ``x + t·d``. Accepted: a step
    with sufficient decrease ``f(t) <= f + c1·t·gtd`` and curvature ``|g(t)·d| <= c2·|gtd|``;
    the search also ends after ``max_ls`` evaluations or when the bracket is narrower
    than ``tolerance_change`` (relative to ``max|d|``). Returns the loss, gradient and
    step of the best point found, and the number of evaluations.
    """
    d_norm = float(np.abs(d).max())
    start = _Point(0.0, f, g.copy(), gtd)
    prev = start
    f_new, g_new = evaluate(t)
    evals = 1
    new = _Point(t, f_new, g_new, float(g_new @ d))
    bracket: list[_Point] | None = None
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if new.f > f + c1 * new.t * gtd or (ls_iter > 1 and new.f >= prev.f):
            bracket = [prev, _copied(new)]
            break
        if abs(new.gtd) <= -c2 * gtd:
            bracket, done = [new], True
            break
        if new.gtd >= 0:
            bracket = [prev, _copied(new)]
            break
        # Still going down: extrapolate, between 1.01 and 10 times the step.
        step = cubic_minimizer(prev.t, prev.f, prev.gtd, new.t, new.f, new.gtd,
                               bounds=(new.t + 0.01 * (new.t - prev.t), new.t * 10))
        prev = _copied(new)
        f_new, g_new = evaluate(step)
        evals += 1
        new = _Point(step, f_new, g_new, float(g_new @ d))
        ls_iter += 1
    if ls_iter == max_ls:
        bracket = [start, new]
    assert bracket is not None
    if done:
        return bracket[0].f, bracket[0].g, bracket[0].t, evals
    return _zoom(evaluate, d, bracket, f, gtd, c1, c2, tolerance_change, max_ls, ls_iter,
                 d_norm, evals)


def _copied(p: _Point) -> _Point:
    return _Point(p.t, p.f, p.g.copy(), p.gtd)


def _zoom(evaluate: Evaluate, d: np.ndarray, bracket: list[_Point], f: float, gtd: float,
          c1: float, c2: float, tolerance_change: float, max_ls: int, ls_iter: int,
          d_norm: float, evals: int) -> tuple[float, np.ndarray, float, int]:
    """Shrink ``bracket`` (two points, one with a lower loss) around a strong-Wolfe step."""
    low, high = (0, 1) if bracket[0].f <= bracket[-1].f else (1, 0)
    stuck = False
    while ls_iter < max_ls:
        a, b = bracket
        if abs(b.t - a.t) * d_norm < tolerance_change:
            break
        t = cubic_minimizer(a.t, a.f, a.gtd, b.t, b.f, b.gtd)
        # Safeguard: a step within 10% of the bracket's ends twice in a row (or outside
        # it) moves to 10% inside the nearer end.
        lo_t, hi_t = min(a.t, b.t), max(a.t, b.t)
        margin = 0.1 * (hi_t - lo_t)
        if min(hi_t - t, t - lo_t) < margin:
            if stuck or t >= hi_t or t <= lo_t:
                t = hi_t - margin if abs(t - hi_t) < abs(t - lo_t) else lo_t + margin
                stuck = False
            else:
                stuck = True
        else:
            stuck = False
        f_new, g_new = evaluate(t)
        evals += 1
        ls_iter += 1
        new = _Point(t, f_new, g_new.copy(), float(g_new @ d))
        if new.f > f + c1 * t * gtd or new.f >= bracket[low].f:
            bracket[high] = new
            low, high = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
            continue
        if abs(new.gtd) <= -c2 * gtd:
            bracket[low] = new
            break
        if new.gtd * (bracket[high].t - bracket[low].t) >= 0:
            bracket[high] = bracket[low]
        bracket[low] = new
    best = bracket[low]
    return best.f, best.g, best.t, evals
