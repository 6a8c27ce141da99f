"""Constraints on distribution parameters and supports, as ``torch.distributions.constraints``.

``check(value)`` gives a bool tensor of ``value``'s shape less its ``event_dim`` rightmost
dims: True where the value satisfies the constraint. Used by ``arg_constraints`` and
``support`` to validate arguments (``Distribution(validate_args=True)``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor

__all__ = [
    "Constraint", "MixtureSameFamilyConstraint", "boolean", "cat", "corr_cholesky", "dependent",
    "dependent_property", "greater_than", "greater_than_eq", "half_open_interval",
    "independent", "integer_interval", "interval",
    "is_dependent", "less_than", "lower_cholesky", "lower_triangular", "multinomial",
    "nonnegative", "nonnegative_integer", "one_hot", "positive", "positive_definite",
    "positive_integer", "positive_semidefinite", "real", "real_vector", "simplex", "square",
    "stack", "symmetric", "unit_interval",
]


def _data(x: Any) -> np.ndarray:
    return np.asarray(x.data if isinstance(x, Tensor) else x)


def _fmt(bound: Any) -> str:
    """A bound as PyTorch formats it: a one-element tensor as its number."""
    return str(bound.item()) if isinstance(bound, Tensor) and bound.ndim == 0 else str(bound)


class Constraint:
    """A region of values: ``is_discrete`` for integer-valued ones, ``event_dim`` the number
    of rightmost dims that together make one event."""

    is_discrete = False
    event_dim = 0

    def check(self, value: Any) -> Tensor:
        """A bool tensor, True where ``value`` lies in the region."""
        return Tensor._wrap(np.asarray(self._check(_data(value)), dtype=bool))

    def _check(self, v: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} defines no check")

    def __repr__(self) -> str:
        return type(self).__name__.lstrip("_") + "()"


class _Dependent(Constraint):
    """A constraint that depends on other parameters; it is not checked."""

    def __init__(self, *, is_discrete: bool = False, event_dim: int = 0):
        self.is_discrete, self.event_dim = is_discrete, event_dim

    def __call__(self, *, is_discrete: bool = False, event_dim: int = 0) -> _Dependent:
        return _Dependent(is_discrete=is_discrete, event_dim=event_dim)

    def check(self, value: Any) -> Tensor:
        raise ValueError("Cannot determine validity of dependent constraint")


def is_dependent(constraint: Any) -> bool:
    """Whether ``constraint`` is ``dependent`` (so it is not validated)."""
    return isinstance(constraint, _Dependent)


class _DependentProperty(property, _Dependent):
    """A property of a distribution (such as Uniform's support) that is also a dependent
    constraint when read from the class."""

    def __init__(self, fn: Any = None, *, is_discrete: bool = False, event_dim: int = 0):
        property.__init__(self, fn)
        _Dependent.__init__(self, is_discrete=is_discrete, event_dim=event_dim)


def dependent_property(fn: Any = None, *, is_discrete: bool = False, event_dim: int = 0):
    """Decorator: a property whose class attribute is a dependent constraint."""
    if fn is None:
        return lambda f: _DependentProperty(f, is_discrete=is_discrete, event_dim=event_dim)
    return _DependentProperty(fn, is_discrete=is_discrete, event_dim=event_dim)


class _IndependentConstraint(Constraint):
    """``base`` over ``reinterpreted_batch_ndims`` more rightmost dims, all of which must hold."""

    def __init__(self, base: Constraint, reinterpreted_batch_ndims: int):
        self.base_constraint, self.reinterpreted_batch_ndims = base, reinterpreted_batch_ndims

    @property
    def is_discrete(self) -> bool:
        return self.base_constraint.is_discrete

    @property
    def event_dim(self) -> int:
        return self.base_constraint.event_dim + self.reinterpreted_batch_ndims

    def _check(self, v: np.ndarray) -> np.ndarray:
        ok = np.asarray(self.base_constraint._check(v))
        n = self.reinterpreted_batch_ndims
        if ok.ndim < n:
            raise ValueError(f"Expected value.dim() >= {self.event_dim} but got {v.ndim}")
        return ok.reshape(ok.shape[:ok.ndim - n] + (-1,)).all(-1)

    def __repr__(self) -> str:
        return (f"IndependentConstraint({self.base_constraint!r}, "
                f"{self.reinterpreted_batch_ndims})")


class MixtureSameFamilyConstraint(Constraint):
    """The component support of a ``MixtureSameFamily``, checked with the component
    dimension put back (as a size-1 dim left of the event dims)."""

    def __init__(self, base_constraint: Constraint):
        if not isinstance(base_constraint, Constraint):
            raise TypeError(f"base_constraint must be a Constraint, got "
                            f"{type(base_constraint).__name__}")
        self.base_constraint = base_constraint

    @property
    def is_discrete(self) -> bool:
        return self.base_constraint.is_discrete

    @property
    def event_dim(self) -> int:
        return self.base_constraint.event_dim

    def _check(self, v):
        n = self.event_dim
        if v.ndim < n:
            raise ValueError(f"Expected value.dim() >= {n} but got {v.ndim}")
        ok = np.asarray(self.base_constraint._check(np.expand_dims(v, -1 - n)))
        return ok.reshape(ok.shape[:v.ndim - n] + (-1,)).all(-1)

    def __repr__(self) -> str:
        return f"MixtureSameFamilyConstraint({self.base_constraint!r})"


class _Boolean(Constraint):
    is_discrete = True

    def _check(self, v):
        return (v == 0) | (v == 1)


class _OneHot(Constraint):
    is_discrete, event_dim = True, 1

    def _check(self, v):
        return ((v == 0) | (v == 1)).all(-1) & (v.sum(-1) == 1)


class _IntegerInterval(Constraint):
    is_discrete = True

    def __init__(self, lower_bound: Any, upper_bound: Any):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def _check(self, v):
        return (v % 1 == 0) & (_data(self.lower_bound) <= v) & (v <= _data(self.upper_bound))

    def __repr__(self):
        return (f"IntegerInterval(lower_bound={_fmt(self.lower_bound)}, "
                f"upper_bound={_fmt(self.upper_bound)})")


class _IntegerGreaterThan(Constraint):
    is_discrete = True

    def __init__(self, lower_bound: Any):
        self.lower_bound = lower_bound

    def _check(self, v):
        return (v % 1 == 0) & (v >= _data(self.lower_bound))

    def __repr__(self):
        return f"IntegerGreaterThan(lower_bound={_fmt(self.lower_bound)})"


class _Real(Constraint):
    def _check(self, v):
        return v == v


class _GreaterThan(Constraint):
    def __init__(self, lower_bound: Any):
        self.lower_bound = lower_bound

    def _check(self, v):
        return _data(self.lower_bound) < v

    def __repr__(self):
        return f"{type(self).__name__[1:]}(lower_bound={_fmt(self.lower_bound)})"


class _GreaterThanEq(_GreaterThan):
    def _check(self, v):
        return _data(self.lower_bound) <= v


class _LessThan(Constraint):
    def __init__(self, upper_bound: Any):
        self.upper_bound = upper_bound

    def _check(self, v):
        return v < _data(self.upper_bound)

    def __repr__(self):
        return f"LessThan(upper_bound={_fmt(self.upper_bound)})"


class _Interval(Constraint):
    def __init__(self, lower_bound: Any, upper_bound: Any):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def _check(self, v):
        return (_data(self.lower_bound) <= v) & (v <= _data(self.upper_bound))

    def __repr__(self):
        return (f"{type(self).__name__[1:]}(lower_bound={_fmt(self.lower_bound)}, "
                f"upper_bound={_fmt(self.upper_bound)})")


class _HalfOpenInterval(_Interval):
    def _check(self, v):
        return (_data(self.lower_bound) <= v) & (v < _data(self.upper_bound))


class _Simplex(Constraint):
    event_dim = 1

    def _check(self, v):
        return (v >= 0).all(-1) & (np.abs(v.sum(-1) - 1) < 1e-6)


class _LowerCholesky(Constraint):
    event_dim = 2

    def _check(self, v):
        lower = (np.tril(v) == v).reshape(v.shape[:-2] + (-1,)).min(-1)
        positive = (np.diagonal(v, axis1=-2, axis2=-1) > 0).min(-1)
        return lower & positive


class _Multinomial(Constraint):
    """Nonnegative counts summing to at most ``upper_bound`` over the last dim."""

    is_discrete, event_dim = True, 1

    def __init__(self, upper_bound: Any):
        self.upper_bound = upper_bound

    def _check(self, v):
        return (v >= 0).all(-1) & (v.sum(-1) <= _data(self.upper_bound))


class _LowerTriangular(Constraint):
    event_dim = 2

    def _check(self, v):
        return (np.tril(v) == v).reshape(v.shape[:-2] + (-1,)).min(-1)


class _CorrCholesky(Constraint):
    """Lower Cholesky factors of correlation matrices: unit-norm rows (to 10·n·eps)."""

    event_dim = 2

    def _check(self, v):
        tol = float(np.finfo(v.dtype if v.dtype.kind == "f" else np.float64).eps) * v.shape[-1] * 10
        unit_rows = (np.abs(np.linalg.norm(v, axis=-1) - 1.0) <= tol).all(-1)
        return _LowerCholesky()._check(v) & unit_rows


class _Square(Constraint):
    event_dim = 2

    def _check(self, v):
        return np.full(v.shape[:-2], v.shape[-2] == v.shape[-1], dtype=bool)


class _Symmetric(_Square):
    def _check(self, v):
        square = super()._check(v)
        if not square.all():
            return square
        return np.isclose(v, np.swapaxes(v, -1, -2), atol=1e-6).all((-2, -1))


class _PositiveSemidefinite(_Symmetric):
    def _check(self, v):
        symmetric = super()._check(v)
        if not symmetric.all():
            return symmetric
        return (np.linalg.eigvalsh(v) >= 0).all(-1)


class _PositiveDefinite(_Symmetric):
    def _check(self, v):
        symmetric = super()._check(v)
        if not symmetric.all():
            return symmetric
        flat = v.reshape((-1,) + v.shape[-2:])
        chol_ok = np.array([_cholesky_ok(m) for m in flat], dtype=bool)
        return chol_ok.reshape(v.shape[:-2])


class _Cat(Constraint):
    """``cseq[i]`` on the i-th slice (of ``lengths[i]``) along ``dim``."""

    def __init__(self, cseq: Any, dim: int = 0, lengths: Any = None):
        if not all(isinstance(c, Constraint) for c in cseq):
            raise TypeError("cat: all elements of cseq must be Constraint instances")
        self.cseq = list(cseq)
        self.lengths = list(lengths) if lengths is not None else [1] * len(self.cseq)
        if len(self.lengths) != len(self.cseq):
            raise ValueError(f"cat: lengths ({len(self.lengths)}) must match cseq "
                             f"({len(self.cseq)})")
        self.dim = dim

    @property
    def is_discrete(self) -> bool:
        return any(c.is_discrete for c in self.cseq)

    @property
    def event_dim(self) -> int:
        return max(c.event_dim for c in self.cseq)

    def _check(self, v):
        if not -v.ndim <= self.dim < v.ndim:
            raise ValueError(f"cat: dim {self.dim} out of range for a value of {v.ndim} dims")
        bounds = np.cumsum([0] + self.lengths)
        parts = [np.asarray(c._check(np.take(v, np.arange(lo, hi), self.dim)))
                 for c, lo, hi in zip(self.cseq, bounds[:-1], bounds[1:])]
        return np.concatenate(parts, self.dim)


class _Stack(Constraint):
    """``cseq[i]`` on the i-th index along ``dim``."""

    def __init__(self, cseq: Any, dim: int = 0):
        if not all(isinstance(c, Constraint) for c in cseq):
            raise TypeError("stack: all elements of cseq must be Constraint instances")
        self.cseq, self.dim = list(cseq), dim

    @property
    def is_discrete(self) -> bool:
        return any(c.is_discrete for c in self.cseq)

    @property
    def event_dim(self) -> int:
        dim = max(c.event_dim for c in self.cseq)
        return dim + 1 if self.dim + dim < 0 else dim

    def _check(self, v):
        if not -v.ndim <= self.dim < v.ndim:
            raise ValueError(f"stack: dim {self.dim} out of range for a value of {v.ndim} dims")
        parts = [np.asarray(c._check(np.take(v, i, self.dim)))
                 for i, c in enumerate(self.cseq)]
        return np.stack(parts, self.dim)


def _cholesky_ok(m: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(m)
    except np.linalg.LinAlgError:
        return False
    return True


dependent = _Dependent()
independent = _IndependentConstraint
boolean = _Boolean()
one_hot = _OneHot()
nonnegative_integer = _IntegerGreaterThan(0)
positive_integer = _IntegerGreaterThan(1)
integer_interval = _IntegerInterval
real = _Real()
real_vector = _IndependentConstraint(real, 1)
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
less_than = _LessThan
unit_interval = _Interval(0.0, 1.0)
interval = _Interval
half_open_interval = _HalfOpenInterval
simplex = _Simplex()
lower_cholesky = _LowerCholesky()
lower_triangular = _LowerTriangular()
corr_cholesky = _CorrCholesky()
multinomial = _Multinomial
square = _Square()
symmetric = _Symmetric()
positive_semidefinite = _PositiveSemidefinite()
cat = _Cat
stack = _Stack
positive_definite = _PositiveDefinite()
