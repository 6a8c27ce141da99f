"""``Distribution``: the base class of ``autograd.distributions``, as PyTorch's.

A distribution has a ``batch_shape`` (independent, differently parameterized copies) and an
``event_shape`` (the shape of one draw); ``sample(sample_shape)`` returns
``sample_shape + batch_shape + event_shape``. Arguments are validated against
``arg_constraints`` (and values against ``support``) unless ``validate_args=False``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import grad_mode
from ..tensor import Tensor
from . import constraints
from .utils import lazy_property


def _shape(size: Any) -> tuple:
    return (int(size),) if isinstance(size, (int, np.integer)) else tuple(int(s) for s in size)


class Distribution:
    """Base class: subclasses set ``arg_constraints``, ``support`` and implement
    ``rsample`` or ``sample``, ``log_prob`` and the moments they have."""

    has_rsample = False
    has_enumerate_support = False
    _validate_args = True
    arg_constraints: dict[str, constraints.Constraint] = {}
    support: Any = None

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn validation on or off for distributions made without ``validate_args``."""
        if value not in (True, False):
            raise ValueError(f"set_default_validate_args expects a bool, got {value!r}")
        Distribution._validate_args = value

    def __init__(self, batch_shape: Any = (), event_shape: Any = (),
                 validate_args: bool | None = None):
        self._batch_shape, self._event_shape = _shape(batch_shape), _shape(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if not self._validate_args:
            return
        for param, constraint in self.arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue
            if param not in self.__dict__ and isinstance(
                    getattr(type(self), param, None), lazy_property):
                continue  # the other parameterization was given
            value = getattr(self, param)
            if not constraint.check(value).data.all():
                raise ValueError(
                    f"Expected parameter {param} ({type(value).__name__} of shape "
                    f"{tuple(value.shape)}) of distribution {self!r} to satisfy the "
                    f"constraint {constraint!r}, but found invalid values:\n{value}")

    @property
    def batch_shape(self) -> tuple:
        """The shape over which parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self) -> tuple:
        """The shape of a single draw."""
        return self._event_shape

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        """A new distribution with parameters expanded (not copied) to ``batch_shape``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement expand")

    def _expand_params(self, batch_shape: Any, names: tuple[str, ...]) -> Distribution:
        """``expand`` for distributions whose parameters all have the batch shape (plus their
        event shape)."""
        shape = _shape(batch_shape)
        new = type(self).__new__(type(self))
        for name in names:
            if name in self.__dict__:
                value = self.__dict__[name]
                setattr(new, name, value.expand(shape + value.shape[len(self.batch_shape):]))
        Distribution.__init__(new, shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no mean")

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no mode")

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no variance")

    @property
    def stddev(self) -> Tensor:
        """The square root of ``variance``."""
        return self.variance.sqrt()

    def sample(self, sample_shape: Any = (), *, generator: Any = None) -> Tensor:
        """Draws of shape ``sample_shape + batch_shape + event_shape``, detached from the
        graph; ``generator`` as the creation functions' (None: the global generator)."""
        with grad_mode.no_grad():
            return self.rsample(sample_shape, generator=generator).detach()

    def rsample(self, sample_shape: Any = (), *, generator: Any = None) -> Tensor:
        """Reparameterized draws: differentiable with respect to the parameters."""
        raise NotImplementedError(f"{type(self).__name__} has no rsample (has_rsample=False); "
                                  "use sample")

    def sample_n(self, n: int, *, generator: Any = None) -> Tensor:
        """``sample((n,))`` (deprecated in PyTorch)."""
        return self.sample((n,), generator=generator)

    def log_prob(self, value: Any) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no log_prob")

    def cdf(self, value: Any) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no cdf")

    def icdf(self, value: Any) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no icdf")

    def entropy(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no entropy")

    def perplexity(self) -> Tensor:
        """``exp(entropy)``."""
        return self.entropy().exp()

    def _extended_shape(self, sample_shape: Any = ()) -> tuple:
        return _shape(sample_shape) + self._batch_shape + self._event_shape

    def _validate_sample(self, value: Any) -> None:
        """Raise as PyTorch's when ``value`` is not a tensor, does not broadcast with
        ``batch_shape + event_shape`` or lies outside ``support``."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        n = len(self._event_shape)
        if value.shape[value.ndim - n:] != self._event_shape or value.ndim < n:
            raise ValueError(f"The right-most size of value must match event_shape: "
                             f"{tuple(value.shape)} vs {self._event_shape}.")
        full = self._batch_shape + self._event_shape
        for i, j in zip(reversed(value.shape), reversed(full)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                                 f"{tuple(value.shape)} vs {full}.")
        support = self.support
        if not support.check(value).data.all():
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape "
                f"{tuple(value.shape)}) to be within the support ({support!r}) of the "
                f"distribution {self!r}, but found invalid values:\n{value}")

    def __repr__(self) -> str:
        names = [k for k in self.arg_constraints if k in self.__dict__]
        args = ", ".join(
            f"{k}: {self.__dict__[k] if self.__dict__[k].numel() == 1 else self.__dict__[k].size()}"
            for k in names)
        return f"{type(self).__name__}({args})"

