"""``Linear``, ``Identity``, ``Flatten`` and ``Unflatten``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag

from . import init
from .functional import linear
from .module import Module
from .parameter import Parameter


class Linear(Module):
    """Fully connected layer ``y = x @ W.T + b`` (PyTorch's ``nn.Linear``).

    x ``(N, in_features)`` → y ``(N, out_features)``. ``weight`` is
    ``(out_features, in_features)`` — the course's ``W[l]`` shape ``(n[l], n[l-1])``
    (§1.4) — and ``bias`` is ``(out_features,)``. Default init is PyTorch's:
    ``kaiming_uniform_(a=√5)`` for the weight and the bias, i.e. both
    U(−1/sqrt(in_features), 1/sqrt(in_features)); re-initialize with ``nn.init``
    (e.g. the course's ``he_normal_``) as needed. Parameters are created in the
    default dtype (``dtype=`` overrides it) and drawn from ``rng`` or the global
    generator. The input must have the parameters' dtype (PyTorch's rule): a float64
    batch into a float32 layer is refused with the fix, not run in float64.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 dtype: Any = None, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if in_features <= 0 or out_features <= 0:
            raise ValueError(f"Linear: in_features and out_features must be positive, got "
                             f"({in_features}, {out_features})")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((out_features,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Draw PyTorch's default init again: U(−1/sqrt(in), 1/sqrt(in)) for W and b."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5.0), rng=rng)
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound, rng=rng)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Identity(Module):
    """Returns its input unchanged (a placeholder layer); ignores constructor arguments."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x


class Flatten(Module):
    """Flattens dimensions ``start_dim..end_dim`` into one: ``(N, C, H, W)`` → ``(N, C·H·W)``
    with the defaults (PyTorch's ``nn.Flatten``, which keeps the batch dimension)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return ag.flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size`` (PyTorch's ``nn.Unflatten``, the
    inverse of ``Flatten``): ``Unflatten(1, (C, H, W))`` maps ``(N, C·H·W)`` to
    ``(N, C, H, W)``.

    ``unflattened_size`` is a tuple or list of ints (kept as given, as PyTorch's repr shows
    it) whose product is the size of ``dim``; one entry may be −1, inferred. The result
    is a differentiable reshape of the input.
    """

    def __init__(self, dim: int, unflattened_size: tuple[int, ...] | list[int]) -> None:
        super().__init__()
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise TypeError(f"Unflatten: dim must be an int, got {dim!r}")
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError("Unflatten: unflattened_size must be a tuple of ints, but found "
                            f"type {type(unflattened_size).__name__}")
        for pos, size in enumerate(unflattened_size):
            if not isinstance(size, int):
                raise TypeError("Unflatten: unflattened_size must be tuple of ints, but found "
                                f"element of type {type(size).__name__} at pos {pos}")
        sizes = tuple(unflattened_size)
        if sizes.count(-1) > 1 or any(s < -1 for s in sizes):
            raise ValueError(f"Unflatten: unflattened_size {unflattened_size} may hold "
                             "non-negative sizes and at most one -1 (inferred)")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        shape = tuple(x.shape)
        name = f"{type(self).__name__}({self.extra_repr()})"
        if not shape or not -len(shape) <= self.dim < len(shape):
            raise IndexError(f"{name}: dim {self.dim} is out of range for input of shape "
                             f"{shape} (expected a dim in [{-len(shape)}, {len(shape) - 1}])")
        dim = self.dim % len(shape)
        sizes = tuple(self.unflattened_size)
        known = math.prod(s for s in sizes if s != -1)
        n = shape[dim]
        if (n != known) if -1 not in sizes else (known == 0 or n % known):
            raise ag.ShapeError(f"{name}: sizes {sizes} don't multiply up to the size of dim "
                                f"{dim} ({n}) of the input of shape {shape}")
        sizes = tuple(n // known if s == -1 else s for s in sizes)  # (0 elements can't infer)
        return ag.reshape(x, shape[:dim] + sizes + shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
