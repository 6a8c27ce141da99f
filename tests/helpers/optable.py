"""The op table: one entry per differentiable op, driving gradcheck, gradgradcheck,
property and PyTorch-parity tests.

Each entry gives the op as a function of Tensors, the input shapes to try
(broadcast pairs, scalars, empty and non-contiguous inputs are generated from
them), the input domain, whether it is checked to second order, and the same
computation in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import autograd as ag


@dataclass
class OpSpec:
    name: str
    fn: Callable[..., Any]
    shapes: list[tuple[tuple[int, ...], ...]]
    torch_fn: Callable[..., Any] | None = None
    domain: str = "real"  # real | positive | away (from 0 and ties) | unit (in (-1, 1))
    second_order: bool = True
    empty_ok: bool = True
    extra: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return self.name


UNARY = [((2, 3),), ((),), ((5,),), ((2, 1, 3),)]
BINARY = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((4, 1, 3), (2, 3))]
REDUCE = [((3, 4),), ((2, 3, 4),), ((5,),)]


def make_input(shape: tuple, domain: str, rng: np.random.Generator,
               noncontiguous: bool = False) -> np.ndarray:
    """A float64 array for ``shape`` in the op's domain (optionally a non-contiguous view)."""
    if noncontiguous and len(shape) >= 2:
        base = rng.standard_normal(tuple(reversed(shape)))
        x = base.T
    elif noncontiguous and len(shape) == 1:
        x = rng.standard_normal(shape[0] * 2)[::2]
    else:
        x = rng.standard_normal(shape)
    x = np.asarray(x, dtype=np.float64)
    if domain == "positive":
        x = np.abs(x) + 0.5
    elif domain == "away":
        x = np.sign(x) * (np.abs(x) + 0.1)
        if x.size:
            x = x + rng.permutation(x.size).reshape(x.shape) * 1e-2
    elif domain == "unit":
        x = np.tanh(x) * 0.9
    return np.asarray(x)


OPS: list[OpSpec] = [
    OpSpec("add", lambda a, b: a + b, BINARY, lambda a, b: a + b),
    OpSpec("sub", lambda a, b: a - b, BINARY, lambda a, b: a - b),
    OpSpec("mul", lambda a, b: a * b, BINARY, lambda a, b: a * b),
    OpSpec("div", lambda a, b: a / b, BINARY, lambda a, b: a / b, domain="positive"),
    OpSpec("pow_tensor", lambda a, b: a ** b, BINARY, lambda a, b: a ** b, domain="positive"),
    OpSpec("pow_scalar", lambda a: a ** 3, UNARY, lambda a: a ** 3),
    OpSpec("pow_frac", lambda a: a ** 1.5, UNARY, lambda a: a ** 1.5, domain="positive"),
    OpSpec("rpow", lambda a: 2.0 ** a, UNARY, lambda a: 2.0 ** a),
    OpSpec("rsub_rdiv", lambda a: (1.0 - a) / (2.0 + a * a), UNARY,
           lambda a: (1.0 - a) / (2.0 + a * a)),
    OpSpec("scalar_mul_add_sub", lambda a: 0.5 - (2.5 * (a * -1.5 + 0.25) - 3.0), UNARY,
           lambda a: 0.5 - (2.5 * (a * -1.5 + 0.25) - 3.0)),
    OpSpec("neg", lambda a: -a, UNARY, lambda a: -a),
    OpSpec("exp", ag.exp, UNARY, lambda a: a.exp()),
    OpSpec("log", ag.log, UNARY, lambda a: a.log(), domain="positive"),
    OpSpec("log1p", ag.log1p, UNARY, lambda a: a.log1p(), domain="positive"),
    OpSpec("sqrt", ag.sqrt, UNARY, lambda a: a.sqrt(), domain="positive"),
    OpSpec("abs", ag.abs, UNARY, lambda a: a.abs(), domain="away"),
    OpSpec("sin", ag.sin, UNARY, lambda a: a.sin()),
    OpSpec("cos", ag.cos, UNARY, lambda a: a.cos()),
    OpSpec("tanh", ag.tanh, UNARY, lambda a: a.tanh()),
    OpSpec("sigmoid", ag.sigmoid, UNARY, lambda a: a.sigmoid()),
    OpSpec("relu", ag.relu, UNARY, lambda a: a.relu(), domain="away"),
    OpSpec("leaky_relu", lambda a: ag.leaky_relu(a, 0.1), UNARY,
           lambda a: __import__("torch").nn.functional.leaky_relu(a, 0.1), domain="away"),
    OpSpec("softplus", ag.softplus, UNARY, lambda a: __import__("torch").nn.functional.softplus(a)),
    OpSpec("clip", lambda a: ag.clip(a, -0.5, 0.7), UNARY, lambda a: a.clamp(-0.5, 0.7),
           domain="away"),
    OpSpec("maximum", ag.maximum, BINARY, lambda a, b: __import__("torch").maximum(a, b),
           domain="away"),
    OpSpec("minimum", ag.minimum, BINARY, lambda a, b: __import__("torch").minimum(a, b),
           domain="away"),
    OpSpec("where", lambda a, b: ag.where(a.data > 0, a, b), BINARY,
           lambda a, b: __import__("torch").where(a > 0, a, b), domain="away"),
    OpSpec("sum_all", lambda a: a.sum(), REDUCE, lambda a: a.sum()),
    OpSpec("sum_axis", lambda a: a.sum(axis=-1), REDUCE, lambda a: a.sum(dim=-1)),
    OpSpec("sum_keep", lambda a: a.sum(axis=0, keepdims=True), REDUCE,
           lambda a: a.sum(dim=0, keepdim=True)),
    OpSpec("sum_tuple", lambda a: a.sum(axis=(0, -1)) if a.ndim > 1 else a.sum(axis=(0,)),
           REDUCE, lambda a: a.sum(dim=(0, -1)) if a.ndim > 1 else a.sum(dim=(0,))),
    OpSpec("mean", lambda a: a.mean(axis=-1), REDUCE, lambda a: a.mean(dim=-1)),
    OpSpec("mean_all", lambda a: a.mean(), REDUCE, lambda a: a.mean(), empty_ok=False),
    OpSpec("max_axis", lambda a: a.max(axis=-1), REDUCE, lambda a: a.amax(dim=-1),
           domain="away", empty_ok=False),
    OpSpec("min_all", lambda a: a.min(), REDUCE, lambda a: a.amin(), domain="away",
           empty_ok=False),
    OpSpec("var", lambda a: a.var(axis=-1), REDUCE, lambda a: a.var(dim=-1, unbiased=False)),
    OpSpec("var_ddof", lambda a: a.var(axis=0, ddof=1), [((3, 4),), ((5, 2),)],
           lambda a: a.var(dim=0, unbiased=True)),
    OpSpec("logsumexp", lambda a: ag.logsumexp(a, axis=-1), REDUCE,
           lambda a: a.logsumexp(dim=-1), empty_ok=False),
    OpSpec("softmax", lambda a: ag.softmax(a, axis=-1), REDUCE, lambda a: a.softmax(dim=-1)),
    OpSpec("softmax_0", lambda a: ag.softmax(a, axis=0), REDUCE, lambda a: a.softmax(dim=0)),
    OpSpec("log_softmax", lambda a: ag.log_softmax(a, axis=-1), REDUCE,
           lambda a: a.log_softmax(dim=-1)),
    OpSpec("matmul_2d", ag.matmul, [((3, 4), (4, 2)), ((1, 3), (3, 1)), ((0, 3), (3, 2)),
                                    ((2, 0), (0, 3)), ((3, 1), (1, 4))], lambda a, b: a @ b,
           empty_ok=False),
    OpSpec("matmul_1d", ag.matmul, [((4,), (4,)), ((4,), (4, 2)), ((3, 4), (4,)),
                                    ((2, 3, 4), (4,)), ((4,), (2, 4, 3))], lambda a, b: a @ b),
    OpSpec("matmul_batched", ag.matmul, [((2, 3, 4), (2, 4, 2)), ((2, 3, 4), (4, 2)),
                                         ((3, 4), (2, 4, 2)), ((2, 1, 3, 4), (3, 4, 2)),
                                         ((2, 3, 1), (1, 4)), ((2, 3, 1), (2, 1, 4))],
           lambda a, b: a @ b),
    OpSpec("linear", ag.linear, [((4, 3), (2, 3), (2,)), ((3,), (2, 3), (2,)),
                                 ((2, 4, 3), (5, 3), (5,)), ((0, 3), (2, 3), (2,)),
                                 ((4, 1), (3, 1), (3,)), ((5, 3), (1, 3), (1,)),
                                 ((1, 3), (1, 3), (1,))],
           lambda x, w, b: __import__("torch").nn.functional.linear(x, w, b), empty_ok=False),
    OpSpec("linear_nobias", lambda x, w: ag.linear(x, w), [((4, 3), (2, 3))],
           lambda x, w: __import__("torch").nn.functional.linear(x, w)),
    OpSpec("reshape", lambda a: a.reshape(-1), UNARY, lambda a: a.reshape(-1)),
    OpSpec("transpose", lambda a: a.T, UNARY,
           lambda a: a.permute(*reversed(range(a.ndim))) if a.ndim else a),
    OpSpec("permute", lambda a: a.permute(1, 2, 0), [((2, 3, 4),)], lambda a: a.permute(1, 2, 0)),
    OpSpec("swap", lambda a: a.transpose(0, 2), [((2, 3, 4),)], lambda a: a.transpose(0, 2)),
    OpSpec("broadcast_to", lambda a: ag.broadcast_to(a, (4,) + a.shape), UNARY,
           lambda a: a.expand((4,) + tuple(a.shape))),
    OpSpec("expand", lambda a: a.expand(2, -1, 3), [((4, 1),)], lambda a: a.expand(2, -1, 3)),
    OpSpec("squeeze_unsqueeze", lambda a: a.unsqueeze(0).squeeze(), UNARY,
           lambda a: a.unsqueeze(0).squeeze()),
    OpSpec("flatten", lambda a: a.flatten(1), [((2, 3, 4),)], lambda a: a.flatten(1)),
    OpSpec("index_basic", lambda a: a[1:, ::2], [((3, 5),)], lambda a: a[1:, ::2]),
    OpSpec("index_int", lambda a: a[-1], [((3, 5),)], lambda a: a[-1], empty_ok=False),
    OpSpec("index_none_ellipsis", lambda a: a[None, ..., 1], [((3, 5),)],
           lambda a: a[None, ..., 1]),
    OpSpec("index_array_repeat", lambda a: a[np.array([0, 2, 0, 0])], [((3, 5),), ((4,),)],
           lambda a: a[__import__("torch").tensor([0, 2, 0, 0])], empty_ok=False),
    OpSpec("index_2arrays", lambda a: a[np.array([0, 1, 1]), np.array([2, 2, 0])], [((3, 5),)],
           lambda a: a[__import__("torch").tensor([0, 1, 1]),
                       __import__("torch").tensor([2, 2, 0])],
           empty_ok=False),
    OpSpec("index_bool", lambda a: a[a.data > 0], [((3, 5),)], lambda a: a[a > 0]),
    OpSpec("cat", lambda a, b: ag.cat([a, b, a], axis=0), [((2, 3), (4, 3)), ((0, 3), (1, 3))],
           lambda a, b: __import__("torch").cat([a, b, a], dim=0)),
    OpSpec("stack", lambda a, b: ag.stack([a, b], axis=1), [((2, 3), (2, 3))],
           lambda a, b: __import__("torch").stack([a, b], dim=1)),
    OpSpec("split", lambda a: ag.split(a, [1, 3], axis=1)[1] * 2 + ag.split(a, 2, axis=1)[0].sum(),
           [((2, 4),)],
           lambda a: __import__("torch").split(a, [1, 3], dim=1)[1] * 2
           + __import__("torch").split(a, 2, dim=1)[0].sum()),
    OpSpec("clone", lambda a: a.clone() * a, UNARY, lambda a: a.clone() * a),
    OpSpec("std", lambda a: a.std(axis=-1), [((3, 4),)], lambda a: a.std(dim=-1, unbiased=False)),
]

OPS_BY_NAME = {op.name: op for op in OPS}
