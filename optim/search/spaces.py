"""Search spaces: how each hyperparameter is sampled, gridded and zoomed (seed inventory §10).

The course's point is the *scale*: sampling α uniformly in [1e-4, 1] puts ~90% of the samples
in [0.1, 1]; sampling its exponent uniformly gives each decade the same share. Every space
draws with ``sample(rng)``, lists ``grid(n)`` points for grid search and ``zoom(values)``
narrows itself around good values for coarse-to-fine search.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


def _number(value: Any, space: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating) \
            or not math.isfinite(value):
        raise ValueError(f"{space}: {name} must be a finite number, got {value!r}")
    return float(value)


class Space:
    """Base class. ``scale`` is how plots should draw the axis: 'linear', 'log', 'logit'
    (for β near 1) or 'categorical'."""

    scale = "linear"

    def sample(self, rng: np.random.Generator) -> Any:
        """One random value, drawn with ``rng``."""
        raise NotImplementedError(f"{type(self).__name__} must implement sample")

    def grid(self, n: int) -> list[Any]:
        """``n`` values evenly spread over the space (in its own scale), for grid search."""
        raise NotImplementedError(f"{type(self).__name__} must implement grid")

    def zoom(self, values: Sequence[Any], margin: float = 0.1) -> Space:
        """A narrower space around ``values`` (the best trials' values), widened by
        ``margin`` of its width on each side: the "fine" step of coarse-to-fine. It always
        holds ``values`` and never leaves the current space."""
        raise NotImplementedError(f"{type(self).__name__} must implement zoom")


def _check_margin(margin: Any, space: Space) -> float:
    # A negative margin would shrink the box below the best trials it is meant to hold.
    if isinstance(margin, bool) or not isinstance(margin, int | float | np.integer |
                                                  np.floating) or not margin >= 0:
        raise ValueError(f"{type(space).__name__}.zoom: margin must be a fraction >= 0 of the "
                         f"current range, got {margin!r}")
    return float(margin)


class _Interval(Space):
    """A real interval searched uniformly in a transformed coordinate u = to_u(x)."""

    def __init__(self, low: float, high: float) -> None:
        name = type(self).__name__
        self.low = _number(low, name, "low")
        self.high = _number(high, name, "high")
        if not self.low < self.high:
            raise ValueError(f"{name}: needs low < high, got low={low!r}, high={high!r}")

    def _to_u(self, x: np.ndarray) -> np.ndarray:
        return x

    def _from_u(self, u: np.ndarray) -> np.ndarray:
        return u

    def _u_bounds(self) -> tuple[float, float]:
        a, b = self._to_u(np.array([self.low, self.high]))
        return float(min(a, b)), float(max(a, b))

    def sample(self, rng: np.random.Generator) -> float:
        a, b = self._u_bounds()
        return float(np.clip(self._from_u(np.asarray(rng.uniform(a, b))), self.low, self.high))

    def grid(self, n: int) -> list[float]:
        a, b = self._u_bounds()
        return sorted(float(np.clip(v, self.low, self.high))
                      for v in self._from_u(np.linspace(a, b, n)))

    def zoom(self, values: Sequence[float], margin: float = 0.1) -> _Interval:
        """The smallest interval (in the sampling coordinate) holding ``values``, widened by
        ``margin`` × the current width on each side, inside the current interval."""
        a, b = self._u_bounds()
        pad = _check_margin(margin, self) * (b - a)
        x = np.asarray(values, dtype=np.float64)
        u = self._to_u(x)
        lo, hi = max(a, float(u.min()) - pad), min(b, float(u.max()) + pad)
        ends = np.sort(self._from_u(np.array([lo, hi])))
        # The round trip through the sampling coordinate (10**log10 x) can move an end by an
        # ulp past the best value it should hold; the values themselves bound the box.
        low = max(self.low, min(float(ends[0]), float(x.min())))
        high = min(self.high, max(float(ends[1]), float(x.max())))
        if not low < high:
            raise ValueError(f"{type(self).__name__}.zoom: the values all equal {low:g} and "
                             f"margin={margin!r}, so the zoomed range would be a single point; "
                             "pass margin > 0")
        return type(self)(low, high)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.low:g}, {self.high:g})"


class Uniform(_Interval):
    """``x ~ U(low, high)``: for hyperparameters whose effect is linear in their value."""


class LogUniform(_Interval):
    """``α = 10^r`` with ``r ~ U(log10 low, log10 high)`` (§10, S0 L1923-1932, S2 L2270-2280):
    every decade gets the same share of samples. The course's learning-rate range is
    ``LogUniform(1e-4, 1)``: ``r = -4·rand()``."""

    scale = "log"

    def __init__(self, low: float, high: float) -> None:
        super().__init__(low, high)
        if self.low == 0:
            raise ValueError("LogUniform: low must be > 0 for a log scale, got 0; pass the "
                             "smallest value worth trying, e.g. LogUniform(1e-4, 1)")
        if self.low < 0:
            # The notes write the range as exponents, r ~ U(a, b); the space takes the values.
            raise ValueError(f"LogUniform: low must be > 0 for a log scale, got {low!r}; it "
                             "takes the values, not their exponents: for α = 10^r with "
                             f"r ~ U({low:g}, {high:g}) pass LogUniform({10.0 ** self.low:g}, "
                             f"{10.0 ** self.high:g})")

    def _to_u(self, x: np.ndarray) -> np.ndarray:
        return np.log10(x)

    def _from_u(self, u: np.ndarray) -> np.ndarray:
        return 10.0 ** u


class OneMinusLogUniform(_Interval):
    """β sampled through 1 − β (§10, S0 L1936-1963, S2 L2285-2295): ``β = 1 − 10^r`` with
    ``r ~ U(log10(1 − high), log10(1 − low))``. For β in [0.9, 0.999], r ~ U(−3, −1).

    Why: the averaging window ``1/(1 − β)`` is what matters, and it is sensitive near 1
    (0.999 → 0.9995 doubles it from ~1000 to ~2000, 0.9 → 0.9005 barely moves it).
    """

    scale = "logit"

    def __init__(self, low: float, high: float) -> None:
        super().__init__(low, high)
        if self.high >= 1:
            raise ValueError(f"OneMinusLogUniform: high must be < 1 (1 − β > 0), got {high!r}")

    def _to_u(self, x: np.ndarray) -> np.ndarray:
        return np.log10(1.0 - x)

    def _from_u(self, u: np.ndarray) -> np.ndarray:
        return 1.0 - 10.0 ** u


class IntUniform(Space):
    """An integer uniform on ``[low, high]``, both ends included: the course's number of hidden
    units ``np.random.randint(50, 101)`` is ``IntUniform(50, 100)`` (§10)."""

    def __init__(self, low: int, high: int) -> None:
        for name, v in (("low", low), ("high", high)):
            if isinstance(v, bool) or not isinstance(v, int | np.integer):
                raise ValueError(f"IntUniform: {name} must be an integer, got {v!r}")
        if low > high:
            raise ValueError(f"IntUniform: needs low <= high, got {low} > {high}")
        self.low, self.high = int(low), int(high)

    def sample(self, rng: np.random.Generator) -> int:
        return int(rng.integers(self.low, self.high + 1))

    def grid(self, n: int) -> list[int]:
        return sorted({int(round(v)) for v in np.linspace(self.low, self.high, n)})

    def zoom(self, values: Sequence[int], margin: float = 0.1) -> IntUniform:
        pad = int(math.ceil(_check_margin(margin, self) * (self.high - self.low)))
        return IntUniform(max(self.low, int(min(values)) - pad),
                          min(self.high, int(max(values)) + pad))

    def __repr__(self) -> str:
        return f"IntUniform({self.low}, {self.high})"


class Choice(Space):
    """One of a list of options, each equally likely (layers in {2, 3, 4}, an optimizer name)."""

    scale = "categorical"

    def __init__(self, options: Sequence[Any]) -> None:
        options = list(options)
        if not options:
            raise ValueError("Choice: needs at least one option")
        self.options = options

    def sample(self, rng: np.random.Generator) -> Any:
        return self.options[int(rng.integers(len(self.options)))]

    def grid(self, n: int) -> list[Any]:
        return list(self.options)

    def zoom(self, values: Sequence[Any], margin: float = 0.1) -> Choice:
        """Keep the options that appear among ``values`` (the best trials)."""
        return Choice([o for o in self.options if any(o == v for v in values)])

    def __repr__(self) -> str:
        return f"Choice({self.options!r})"
