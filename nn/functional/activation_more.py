"""``glu``, ``rrelu`` and ``gumbel_softmax`` (PyTorch's ``torch.nn.functional`` names),
composed from engine ops."""

from __future__ import annotations

import numpy as np

import autograd as ag

from ._inputs import floating_input
from .activation import in_place_or_not, softmax


def glu(input: ag.Tensor, dim: int = -1) -> ag.Tensor:
    """Gated linear unit (Dauphin et al., 2017; PyTorch's ``F.glu``): ``input`` is split in
    halves ``a``, ``b`` along ``dim`` and ``a·sigmoid(b)`` is returned, so that dimension
    halves: ``(*, 2k, *)`` → ``(*, k, *)``. The size along ``dim`` must be even. Gradients
    from the engine: ``∂/∂a = sigmoid(b)``, ``∂/∂b = a·sigmoid(b)·(1 − sigmoid(b))``."""
    x = floating_input(input, "glu")
    if x.ndim == 0:
        raise ag.ShapeError("glu: a 0-d tensor cannot be halved; pass at least 1 dimension")
    if not -x.ndim <= dim < x.ndim:
        raise IndexError(f"glu: dim {dim} is out of range for a tensor of shape "
                         f"{tuple(x.shape)}")
    axis = dim % x.ndim
    size = x.shape[axis]
    if size % 2:
        raise ag.ShapeError(f"glu: halving dimension must be even, but dimension {axis} of "
                            f"shape {tuple(x.shape)} is size {size}")
    half = size // 2
    first = (slice(None),) * axis + (slice(0, half),)
    second = (slice(None),) * axis + (slice(half, size),)
    return x[first] * ag.sigmoid(x[second])


def rrelu(input: ag.Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, inplace: bool = False, *,
          rng: np.random.Generator | None = None) -> ag.Tensor:
    """Randomized leaky ReLU (Xu et al., 2015; PyTorch's ``F.rrelu``): ``x`` where
    ``x > 0``, else ``a·x``. Training: a fresh slope ``a ~ U(lower, upper)`` per element,
    drawn from ``rng`` or the global generator (``ag.manual_seed``); evaluation: the fixed
    slope ``a = (lower + upper)/2`` (a leaky ReLU). The gradient is 1 or the element's
    ``a`` (``a`` at x = 0, as PyTorch). ``inplace=True`` writes the result into ``input``.
    The random draws differ from PyTorch's generator (same distribution)."""
    x = floating_input(input, "rrelu")
    if not lower <= upper:
        raise ValueError(f"rrelu: lower bound {lower} must not exceed upper bound {upper}")

    def compute(t: ag.Tensor) -> ag.Tensor:
        if training:
            slope = ag.get_rng(rng).uniform(lower, upper, t.shape).astype(t.dtype)
        else:
            slope = np.asarray((lower + upper) / 2, dtype=t.dtype)
        return t * ag.tensor(np.where(t.data > 0, np.ones((), t.dtype), slope))

    return in_place_or_not("rrelu", inplace, x, compute, saves_input=False)


def rrelu_(input: ag.Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False, *, rng: np.random.Generator | None = None) -> ag.Tensor:
    """``rrelu(input, lower, upper, training, inplace=True)``."""
    return rrelu(input, lower, upper, training, True, rng=rng)


def gumbel_softmax(logits: ag.Tensor, tau: float = 1.0, hard: bool = False,
                   eps: float = 1e-10, dim: int = -1, *,
                   rng: np.random.Generator | None = None) -> ag.Tensor:
    """A sample from the Gumbel-softmax (concrete) distribution (Jang et al., 2016;
    Maddison et al., 2016; PyTorch's ``F.gumbel_softmax``):

        y = softmax((logits + g)/tau, dim),   g = −log(E), E ~ Exponential(1)

    with the noise drawn from ``rng`` or the global generator. ``hard=True`` returns the
    one-hot of ``argmax(y)`` along ``dim`` in the forward pass with ``y``'s gradient
    (straight-through: ``y_hard − stop_grad(y) + y``). Output shape = ``logits``'s.
    ``eps`` is unused, as in PyTorch (kept for its signature)."""
    x = floating_input(logits, "gumbel_softmax")
    noise = -np.log(ag.get_rng(rng).standard_exponential(x.shape)).astype(x.dtype)
    soft = softmax((x + ag.tensor(noise)) / float(tau), dim)
    if not hard:
        return soft
    axis = dim % max(x.ndim, 1)
    index = np.expand_dims(np.argmax(soft.data, axis=axis), axis) if x.ndim else 0
    one_hot = np.zeros(x.shape, x.dtype)
    if x.ndim:
        np.put_along_axis(one_hot, index, 1, axis=axis)
    else:
        one_hot[()] = 1
    return ag.tensor(one_hot) - soft.detach() + soft
