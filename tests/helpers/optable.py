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
    OpSpec("linear_relu", ag.linear_relu, [((4, 3), (2, 3), (2,)), ((3,), (2, 3), (2,)),
                                           ((2, 4, 3), (5, 3), (5,)), ((0, 3), (2, 3), (2,)),
                                           ((4, 1), (3, 1), (3,)), ((1, 3), (1, 3), (1,))],
           lambda x, w, b: __import__("torch").nn.functional.linear(x, w, b).relu(),
           domain="away", empty_ok=False),
    OpSpec("linear_relu_nobias", lambda x, w: ag.linear_relu(x, w), [((4, 3), (2, 3))],
           lambda x, w: __import__("torch").nn.functional.linear(x, w).relu(), domain="away"),
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



def _torch() -> Any:
    return __import__("torch")


def _gather_index(shape: tuple) -> np.ndarray:
    """A fixed index for gather along dim 1 (repeats included) for an input of ``shape``."""
    return np.random.default_rng(0).integers(0, shape[1], size=(shape[0], 5) + shape[2:])


OPS += [
    OpSpec("t", lambda a: a.t(), [((2, 3),), ((4,),)], lambda a: a.t()),
    OpSpec("mm", ag.mm, [((3, 4), (4, 2))], lambda a, b: a.mm(b), empty_ok=False),
    OpSpec("bmm", ag.bmm, [((2, 3, 4), (2, 4, 5))], lambda a, b: a.bmm(b)),
    OpSpec("mv", lambda a, v: a.mv(v), [((3, 4), (4,))], lambda a, v: a.mv(v)),
    OpSpec("dot", lambda a, b: a.dot(b), [((4,), (4,))], lambda a, b: a.dot(b)),
    OpSpec("expand_as", lambda a: a.expand_as(ag.zeros((2,) + a.shape)), UNARY,
           lambda a: a.expand_as(_torch().zeros((2,) + tuple(a.shape), dtype=a.dtype))),
    OpSpec("reshape_as", lambda a: a.reshape_as(ag.zeros(a.data.size)), UNARY,
           lambda a: a.reshape_as(_torch().zeros(a.numel()))),
    OpSpec("square", ag.square, UNARY, lambda a: a.square()),
    OpSpec("reciprocal", lambda a: a.reciprocal(), UNARY, lambda a: a.reciprocal(),
           domain="positive"),
    OpSpec("rsqrt", lambda a: a.rsqrt(), UNARY, lambda a: a.rsqrt(), domain="positive"),
    OpSpec("masked_fill", lambda a: a.masked_fill(a.data > 0, 0.5), UNARY,
           lambda a: a.masked_fill(a > 0, 0.5), domain="away"),
    OpSpec("masked_fill_tensor", lambda a, v: a.masked_fill(a.data > 0, v), [((2, 3), ())],
           lambda a, v: a.masked_fill(a > 0, v), domain="away"),
    OpSpec("where_method", lambda a, b: a.where(a.data > 0, b), BINARY,
           lambda a, b: a.where(a > 0, b), domain="away"),
    OpSpec("unbind", lambda a: ag.stack([u * (i + 1.0) for i, u in enumerate(a.unbind(1))]),
           [((2, 3),), ((2, 3, 4),)],
           lambda a: _torch().stack([u * (i + 1.0) for i, u in enumerate(a.unbind(1))])),
    OpSpec("select", lambda a: a.select(1, -1), [((2, 3),), ((2, 3, 4),)],
           lambda a: a.select(1, -1)),
    OpSpec("norm", lambda a: a.norm(), REDUCE, lambda a: a.norm()),
    OpSpec("norm_dim", lambda a: a.norm(dim=-1, keepdim=True), REDUCE,
           lambda a: a.norm(dim=-1, keepdim=True)),
    OpSpec("norm_p3", lambda a: a.norm(p=3, dim=0), REDUCE, lambda a: a.norm(p=3, dim=0),
           domain="away"),
    OpSpec("norm_p1", lambda a: ag.norm(a, 1, dim=(0, -1) if a.ndim > 1 else 0), REDUCE,
           lambda a: a.norm(p=1, dim=(0, -1) if a.ndim > 1 else 0), domain="away"),
    OpSpec("norm_inf", lambda a: a.norm(p=float("inf"), dim=-1), REDUCE,
           lambda a: a.norm(p=float("inf"), dim=-1), domain="away", empty_ok=False),
    OpSpec("lerp", lambda a, b, w: a.lerp(b, w), [((2, 3), (2, 3), (2, 3)), ((2, 3), (3,), ())],
           lambda a, b, w: a.lerp(b, w)),
    OpSpec("lerp_scalar", lambda a, b: ag.lerp(a, b, 0.3), BINARY,
           lambda a, b: _torch().lerp(*_torch().broadcast_tensors(a, b), 0.3)),
    OpSpec("nan_to_num", lambda a: a.nan_to_num(), UNARY, lambda a: a.nan_to_num()),
    OpSpec("flip", lambda a: a.flip(0, -1), [((2, 3),), ((2, 3, 4),)],
           lambda a: a.flip((0, -1))),
    OpSpec("roll", lambda a: a.roll((1, -2), (0, 1)), [((3, 4),), ((2, 3, 4),)],
           lambda a: a.roll((1, -2), (0, 1))),
    OpSpec("roll_flat", lambda a: a.roll(2), UNARY, lambda a: a.roll(2)),
    OpSpec("repeat", lambda a: a.repeat(2, 1, 3), [((2, 3),), ((3,),), ((),)],
           lambda a: a.repeat(2, 1, 3)),
    OpSpec("tile", lambda a: a.tile((2,)), [((2, 3),), ((3,),)], lambda a: a.tile((2,))),
    OpSpec("tril", lambda a: a.tril(-1), [((3, 4),), ((2, 3, 3),)], lambda a: a.tril(-1)),
    OpSpec("triu", lambda a: ag.triu(a, 1), [((3, 4),), ((2, 4, 3),)], lambda a: a.triu(1)),
    OpSpec("index_select", lambda a: a.index_select(1, ag.tensor([2, 0, 2])),
           [((3, 4),), ((2, 3, 4),)],
           lambda a: a.index_select(1, _torch().tensor([2, 0, 2]))),
    OpSpec("gather", lambda a: a.gather(1, ag.tensor(_gather_index(a.shape))),
           [((3, 4),), ((2, 3, 4),)],
           lambda a: a.gather(1, _torch().tensor(_gather_index(tuple(a.shape))))),
]


def _with_zeros(a: Any) -> Any:
    """``a`` with some entries set to exactly 0 (two in a row of the first column), as a
    differentiable function of ``a`` (multiplied by a fixed 0/1 mask)."""
    mask = np.ones(a.shape)
    mask.reshape(-1)[::3] = 0.0
    if isinstance(a, ag.Tensor):
        return a * ag.tensor(mask, dtype=a.dtype)
    return a * _torch().tensor(mask, dtype=a.dtype)


OPS += [
    OpSpec("expm1", ag.expm1, UNARY, lambda a: a.expm1()),
    OpSpec("log2", lambda a: a.log2(), UNARY, lambda a: a.log2(), domain="positive"),
    OpSpec("log10", ag.log10, UNARY, lambda a: a.log10(), domain="positive"),
    OpSpec("sinh", lambda a: a.sinh(), UNARY, lambda a: a.sinh()),
    OpSpec("cosh", ag.cosh, UNARY, lambda a: a.cosh()),
    OpSpec("asin", lambda a: a.asin(), UNARY, lambda a: a.asin(), domain="unit"),
    OpSpec("acos", ag.acos, UNARY, lambda a: a.acos(), domain="unit"),
    OpSpec("atan", lambda a: a.atan(), UNARY, lambda a: a.atan()),
    OpSpec("erf", ag.erf, UNARY, lambda a: a.erf()),
    OpSpec("erfc", lambda a: a.erfc(), UNARY, lambda a: a.erfc()),
    OpSpec("gelu", ag.gelu, UNARY, lambda a: __import__("torch").nn.functional.gelu(a)),
    OpSpec("addcmul", lambda a, b: ag.addcmul(a, b, a * 2.0, value=0.5), BINARY,
           lambda a, b: a.addcmul(b, a * 2.0, value=0.5)),
    OpSpec("addcdiv", lambda a, b: a.addcdiv(a, b, value=-1.5), BINARY,
           lambda a, b: a.addcdiv(a, b, value=-1.5), domain="positive"),
    OpSpec("clamp_min", lambda a: a.clamp_min(0.3), UNARY, lambda a: a.clamp_min(0.3),
           domain="away"),
    OpSpec("clamp_max", lambda a, b: ag.clamp_max(a, b), BINARY, lambda a, b: a.clamp_max(b),
           domain="away"),
    OpSpec("index_put", lambda a, b: ag.index_put(a, (np.array([0, 0, 1]),), b[..., :1] * 1.0,
                                                  accumulate=True),
           [((2, 3), (1, 1)), ((3, 2), (3, 2))],
           lambda a, b: a.index_put((__import__("torch").tensor([0, 0, 1]),), b[..., :1] * 1.0,
                                    accumulate=True), empty_ok=False),
    OpSpec("gelu_tanh", lambda a: ag.gelu(a, approximate="tanh"), UNARY,
           lambda a: __import__("torch").nn.functional.gelu(a, approximate="tanh")),
    OpSpec("floor", lambda a: a.floor() * a, UNARY, lambda a: a.floor() * a, domain="away"),
    OpSpec("ceil", lambda a: ag.ceil(a) + a, UNARY, lambda a: a.ceil() + a, domain="away"),
    OpSpec("trunc", lambda a: a.trunc() * a, UNARY, lambda a: a.trunc() * a, domain="away"),
    OpSpec("round", lambda a: (a * 3.0).round() * a, UNARY, lambda a: (a * 3.0).round() * a,
           domain="away"),
    OpSpec("round_decimals", lambda a: a.round(decimals=1) + a * a, UNARY,
           lambda a: a.round(decimals=1) + a * a, domain="away"),
    OpSpec("cumsum", lambda a: a.cumsum(dim=-1), REDUCE + [((),)], lambda a: a.cumsum(dim=-1)),
    OpSpec("cumsum_0", lambda a: ag.cumsum(a, 0), REDUCE, lambda a: a.cumsum(0)),
    OpSpec("cumprod", lambda a: a.cumprod(dim=-1), REDUCE + [((),)],
           lambda a: a.cumprod(dim=-1)),
    OpSpec("cumprod_zeros", lambda a: _with_zeros(a).cumprod(0), REDUCE,
           lambda a: _with_zeros(a).cumprod(0)),
    OpSpec("prod_all", lambda a: a.prod(), REDUCE, lambda a: a.prod()),
    OpSpec("prod_dim", lambda a: a.prod(dim=-1, keepdim=True), REDUCE,
           lambda a: a.prod(dim=-1, keepdim=True)),
    OpSpec("prod_zeros", lambda a: _with_zeros(a).prod(0), REDUCE,
           lambda a: _with_zeros(a).prod(0)),
    OpSpec("sort", lambda a: a.sort(dim=-1)[0], REDUCE, lambda a: a.sort(dim=-1)[0],
           domain="away"),
    OpSpec("sort_desc", lambda a: ag.sort(a, 0, descending=True).values, REDUCE,
           lambda a: a.sort(dim=0, descending=True).values, domain="away"),
    OpSpec("topk", lambda a: a.topk(2, dim=0).values, [((3, 4),), ((5,),)],
           lambda a: a.topk(2, dim=0).values, domain="away", empty_ok=False),
    OpSpec("topk_smallest", lambda a: ag.topk(a, 3, largest=False)[0], REDUCE,
           lambda a: a.topk(3, largest=False)[0], domain="away", empty_ok=False),
    OpSpec("fmod", lambda a, b: a.fmod(b), BINARY, lambda a, b: a.fmod(b), domain="positive"),
    OpSpec("remainder", lambda a, b: a.remainder(-b), BINARY, lambda a, b: a.remainder(-b),
           domain="positive"),
    OpSpec("mod_scalar", lambda a: (a * 3.0) % 1.5, UNARY, lambda a: (a * 3.0) % 1.5,
           domain="away"),
]

OPS_BY_NAME = {op.name: op for op in OPS}

# PyTorch's further functions (autograd/ops/aliases.py, contract.py, scatter.py, ...).
OPS += [
    OpSpec("clamp", lambda a: ag.clamp(a, -0.5, 0.7), UNARY, lambda a: a.clamp(-0.5, 0.7),
           domain="away"),
    OpSpec("clamp_tensor_bounds", lambda a, lo, hi: ag.clamp(a, lo - 0.5, hi + 0.5),
           [((2, 3), (3,), (2, 1)), ((2, 3), (), ())],
           lambda a, lo, hi: _torch().clamp(a, lo - 0.5, hi + 0.5), domain="away"),
    OpSpec("clamp_min", lambda a: ag.clamp(a, min=0.1), UNARY, lambda a: a.clamp(min=0.1),
           domain="away"),
    OpSpec("amax", lambda a: ag.amax(a, (0, -1)) if a.ndim > 1 else ag.amax(a), REDUCE,
           lambda a: a.amax((0, -1)) if a.ndim > 1 else a.amax(), domain="away",
           empty_ok=False),
    OpSpec("amin_keep", lambda a: a.amin(-1, keepdim=True), REDUCE,
           lambda a: a.amin(-1, keepdim=True), domain="away", empty_ok=False),
]


def _einsum(equation: str) -> OpSpec:
    return lambda *xs: ag.einsum(equation, *xs)


def _t_einsum(equation: str) -> OpSpec:
    return lambda *xs: _torch().einsum(equation, *xs)


_EINSUMS = [  # (name, equation, shapes, empty_ok)
    ("matmul", "ij,jk->ik", [((3, 4), (4, 2)), ((3, 1), (1, 2)), ((0, 4), (4, 2)),
                             ((3, 0), (0, 2))], False),
    ("implicit", "ij,kj", [((2, 3), (4, 3))], True),
    ("ellipsis_broadcast", "...ij,...jk", [((2, 1, 3, 4), (5, 4, 2)), ((3, 4), (4, 2))], True),
    ("ellipsis_sum", "b...i->b", [((2, 3, 4),)], True),
    ("diagonal", "ii->i", [((3, 3),)], False),
    ("trace", "ii", [((4, 4),)], False),
    ("repeated_and_free", "iij,j->ji", [((3, 3, 4), (4,)), ((3, 3, 4), (1,))], False),
    ("sum_alone", "ij,k->i", [((3, 4), (2,))], True),
    ("three", "i,j,ik->jk", [((2,), (3,), (2, 4)), ((0,), (3,), (0, 4))], False),
    ("scalar", ",i->i", [((), (3,))], False),
    ("label_size_1", "ij,jk->ik", [((3, 1), (4, 2))], False),
]
OPS += [OpSpec(f"einsum_{name}", _einsum(eq), shapes, _t_einsum(eq), empty_ok=empty)
        for name, eq, shapes, empty in _EINSUMS]
OPS += [
    OpSpec("tensordot", lambda a, b: ag.tensordot(a, b, 2),
           [((2, 3, 4), (3, 4, 5)), ((3, 4), (3, 4)), ((2, 0, 4), (0, 4, 5))],
           lambda a, b: _torch().tensordot(a, b, 2), empty_ok=False),
    OpSpec("tensordot_lists", lambda a, b: ag.tensordot(a, b, ([0, 2], [2, 0])),
           [((2, 3, 4), (4, 5, 2))], lambda a, b: _torch().tensordot(a, b, ([0, 2], [2, 0])),
           empty_ok=False),
    OpSpec("outer", ag.outer, [((3,), (4,))], lambda a, b: _torch().outer(a, b)),
    OpSpec("inner", lambda a, b: a.inner(b), [((2, 3), (4, 3)), ((3,), (3,)), ((), (2, 3))],
           lambda a, b: a.inner(b)),
    OpSpec("trace", ag.trace, [((3, 3),), ((2, 4),)], lambda a: a.trace()),
    OpSpec("diag_vector", lambda a: ag.diag(a, 1), [((3,),)], lambda a: a.diag(1)),
    OpSpec("diag_matrix", lambda a: a.diag(-1), [((3, 4),), ((4, 2),)], lambda a: a.diag(-1)),
    OpSpec("diagonal", lambda a: a.diagonal(1, 2, 0), [((3, 4, 5),), ((2, 2, 2),)],
           lambda a: a.diagonal(1, 2, 0)),
    OpSpec("diag_embed", lambda a: ag.diag_embed(a, -1, 0, 2), [((2, 3),), ((4, 1),)],
           lambda a: _torch().diag_embed(a, -1, 0, 2)),
    OpSpec("diag_embed_default", lambda a: a.diag_embed(), [((3,),), ((2, 3),)],
           lambda a: a.diag_embed()),
    OpSpec("addmm", lambda x, a, b: ag.addmm(x, a, b, beta=0.5, alpha=2.0),
           [((2, 4), (2, 3), (3, 4)), ((4,), (2, 3), (3, 4)), ((), (2, 3), (3, 4)),
            ((2, 4), (2, 0), (0, 4))],
           lambda x, a, b: _torch().addmm(x, a, b, beta=0.5, alpha=2.0), empty_ok=False),
    OpSpec("addmm_default", lambda x, a, b: x.addmm(a, b), [((2, 4), (2, 3), (3, 4))],
           lambda x, a, b: x.addmm(a, b), empty_ok=False),
    OpSpec("baddbmm", lambda x, a, b: ag.baddbmm(x, a, b, beta=-1.0, alpha=0.5),
           [((2, 3, 4), (2, 3, 5), (2, 5, 4)), ((3, 1), (2, 3, 5), (2, 5, 4))],
           lambda x, a, b: _torch().baddbmm(x, a, b, beta=-1.0, alpha=0.5)),
]


def _scatter_index(shape: tuple, dim: int, size: int, repeats: bool = True) -> np.ndarray:
    """A fixed index of ``shape`` into a dim of ``size`` (distinct along ``dim`` unless
    ``repeats``, so that ``scatter``'s result does not depend on which write wins)."""
    rng = np.random.default_rng(0)
    if repeats:
        return rng.integers(0, size, size=shape)
    moved = np.moveaxis(np.zeros(shape, dtype=np.int64), dim, -1)
    for pos in np.ndindex(moved.shape[:-1]):
        moved[pos] = rng.permutation(size)[:moved.shape[-1]]
    return np.moveaxis(moved, -1, dim)


_SC_IDX = _scatter_index((2, 3), 0, 3, repeats=False)
_SCA_IDX = _scatter_index((3, 2), 1, 4)
OPS += [
    OpSpec("scatter", lambda a, s: ag.scatter(a, 0, ag.tensor(_SC_IDX), s),
           [((3, 4), (2, 3))],
           lambda a, s: _torch().scatter(a, 0, _torch().tensor(_SC_IDX), s), empty_ok=False),
    # src larger than index: PyTorch 2.13's backward refuses it (a gradient of index's
    # shape for src); ours gives src 0 outside the index's corner.
    OpSpec("scatter_src_larger", lambda a, s: ag.scatter(a, 0, ag.tensor(_SC_IDX), s),
           [((3, 4), (4, 5))], empty_ok=False),
    OpSpec("scatter_value", lambda a: a.scatter(0, ag.tensor(_SC_IDX), 0.5), [((3, 4),)],
           lambda a: a.scatter(0, _torch().tensor(_SC_IDX), 0.5), empty_ok=False),
    OpSpec("scatter_add", lambda a, s: ag.scatter_add(a, 1, ag.tensor(_SCA_IDX), s),
           [((3, 4), (3, 2))],
           lambda a, s: _torch().scatter_add(a, 1, _torch().tensor(_SCA_IDX), s),
           empty_ok=False),
    OpSpec("scatter_add_src_larger", lambda a, s: ag.scatter_add(a, 1, ag.tensor(_SCA_IDX), s),
           [((4, 4), (3, 5))], empty_ok=False),
    OpSpec("take_along_dim", lambda a: ag.take_along_dim(a, ag.tensor([[2, 0, 2], [-1, 1, 0]]),
                                                         1),
           [((2, 4),), ((1, 3),)],
           lambda a: _torch().take_along_dim(a, _torch().tensor([[2, 0, 2], [-1, 1, 0]]), 1),
           empty_ok=False),
    OpSpec("take_along_dim_flat", lambda a: a.take_along_dim(ag.tensor([0, 3, 3, 1])),
           [((2, 3),), ((4,),)],
           # PyTorch's dim=None form views the input: .contiguous() for the transposed case.
           lambda a: a.contiguous().take_along_dim(_torch().tensor([0, 3, 3, 1])),
           empty_ok=False),
    OpSpec("masked_select", lambda a: ag.masked_select(a, ag.tensor([[True], [False],
                                                                   [True]])),
           [((3, 4),), ((3, 1),), ((),), ((3, 0),)],
           lambda a: _torch().masked_select(a, _torch().tensor([[True], [False], [True]])),
           empty_ok=False),
    OpSpec("masked_select_self", lambda a: a.masked_select(a.data > 0), UNARY,
           lambda a: a.masked_select(a > 0), domain="away"),
]
OPS += [
    OpSpec("hstack", lambda a, b: ag.hstack([a, b, a]), [((2, 3), (2, 1)), ((3,), (2,)),
                                                          ((), (2,))],
           lambda a, b: _torch().hstack([a, b, a])),
    OpSpec("vstack", lambda a, b: ag.vstack([a, b]), [((3,), (2, 3)), ((2, 3), (1, 3))],
           lambda a, b: _torch().vstack([a, b]), empty_ok=False),
    OpSpec("dstack", lambda a, b: ag.dstack((a, b)), [((2, 3), (2, 3, 2)), ((3,), (3,)),
                                                      ((), ())],
           lambda a, b: _torch().dstack((a, b)), empty_ok=False),
    OpSpec("movedim", lambda a: a.movedim((0, 2), (-1, 0)), [((2, 3, 4),)],
           lambda a: a.movedim((0, 2), (-1, 0))),
    OpSpec("moveaxis", lambda a: ag.moveaxis(a, 0, -1), [((2, 3),), ((2, 3, 4),)],
           lambda a: _torch().moveaxis(a, 0, -1)),
    OpSpec("narrow", lambda a: a.narrow(-1, -3, 2), [((2, 4),), ((3,),)],
           lambda a: a.narrow(-1, -3, 2)),
    OpSpec("rot90", lambda a: ag.rot90(a), [((2, 3),), ((2, 3, 4),)],
           lambda a: _torch().rot90(a)),
    OpSpec("rot90_k", lambda a: a.rot90(-1, (2, 0)) + a.rot90(2, [0, 2]).rot90(1, [2, 0]),
           [((3, 2, 3),)], lambda a: a.rot90(-1, (2, 0)) + a.rot90(2, [0, 2]).rot90(1, [2, 0])),
    OpSpec("fliplr_flipud", lambda a: a.fliplr() * 2.0 + ag.flipud(a), [((2, 3),),
                                                                       ((2, 3, 4),)],
           lambda a: a.fliplr() * 2.0 + _torch().flipud(a)),
    OpSpec("repeat_interleave", lambda a: a.repeat_interleave(2), UNARY,
           lambda a: a.repeat_interleave(2)),
    OpSpec("repeat_interleave_counts", lambda a: ag.repeat_interleave(a, ag.tensor([0, 3, 1]), 1),
           [((2, 3),), ((1, 3, 2),)],
           lambda a: _torch().repeat_interleave(a, _torch().tensor([0, 3, 1]), 1)),
    OpSpec("diff", lambda a: a.diff(), REDUCE, lambda a: a.diff()),
    OpSpec("diff_n_prepend", lambda a, p, q: ag.diff(a, 2, 0, prepend=p, append=q),
           [((3, 4), (1, 4), (2, 4)), ((2,), (1,), (1,))],
           lambda a, p, q: _torch().diff(a, 2, 0, prepend=p, append=q), empty_ok=False),
]


def _with_nan(a: Any) -> Any:
    """``a`` with every third entry nan, as a differentiable function of ``a``."""
    mask = np.zeros(a.shape)
    mask.reshape(-1)[1::3] = np.nan
    if isinstance(a, ag.Tensor):
        return a + ag.tensor(mask, dtype=a.dtype)
    return a + _torch().tensor(mask, dtype=a.dtype)


OPS += [
    OpSpec("tan", ag.tan, UNARY, lambda a: a.tan(), domain="unit"),
    OpSpec("atan2", ag.atan2, BINARY, lambda a, b: _torch().atan2(a, b), domain="away"),
    OpSpec("logaddexp", lambda a, b: a.logaddexp(b * 3.0), BINARY,
           lambda a, b: a.logaddexp(b * 3.0)),
    OpSpec("nansum", lambda a: ag.nansum(_with_nan(a), -1), REDUCE,
           lambda a: _torch().nansum(_with_nan(a), -1)),
    OpSpec("nansum_all", lambda a: _with_nan(a).nansum(), REDUCE,
           lambda a: _with_nan(a).nansum()),
    OpSpec("nanmean", lambda a: ag.nanmean(_with_nan(a), -1, keepdim=True), REDUCE,
           lambda a: _torch().nanmean(_with_nan(a), -1, keepdim=True), empty_ok=False),
    OpSpec("cdist", ag.cdist, [((3, 4), (5, 4)), ((2, 3, 4), (5, 4)), ((2, 1, 3, 2), (3, 4, 2)),
                               ((0, 4), (5, 4))],
           lambda a, b: _torch().cdist(a, b), empty_ok=False),
    OpSpec("cdist_p1", lambda a, b: ag.cdist(a, b, p=1.0), [((3, 4), (5, 4))],
           lambda a, b: _torch().cdist(a, b, p=1.0), domain="away"),
    OpSpec("cdist_p3", lambda a, b: ag.cdist(a, b, 3), [((3, 4), (5, 4))],
           lambda a, b: _torch().cdist(a, b, 3), domain="away"),
    OpSpec("cross", lambda a, b: ag.cross(a, b, dim=-1), [((2, 3), (2, 3)), ((4, 3), (1, 3)),
                                                          ((3,), (3,))],
           lambda a, b: _torch().cross(a, b, dim=-1), empty_ok=False),
    OpSpec("cross_default_dim", lambda a, b: a.cross(b), [((3, 2), (3, 2))],
           lambda a, b: a.cross(b, dim=0), empty_ok=False),
    OpSpec("kron", ag.kron, [((2, 3), (4, 2)), ((2,), (3, 2)), ((), (2,)), ((2, 1, 2), (3, 2))],
           # PyTorch 2.13's kron views its inputs: .contiguous() for the strided cases.
           lambda a, b: _torch().kron(a.contiguous(), b.contiguous())),
    OpSpec("median_all", lambda a: a.median(), REDUCE, lambda a: a.median(), domain="away",
           empty_ok=False),
    OpSpec("median_dim", lambda a: ag.median(a, 0).values, REDUCE,
           lambda a: _torch().median(a, 0).values, domain="away", empty_ok=False),
    OpSpec("median_keepdim", lambda a: a.median(-1, keepdim=True)[0], REDUCE + [((),)],
           lambda a: a.median(-1, keepdim=True)[0], domain="away", empty_ok=False),
]
OPS += [
    OpSpec("index_add", lambda a, s: ag.index_add(a, 1, ag.tensor([2, 0, 2]), s, alpha=-2.0),
           [((2, 4), (2, 3)), ((3, 4, 2), (3, 3, 2))],
           lambda a, s: _torch().index_add(a, 1, _torch().tensor([2, 0, 2]), s, alpha=-2.0),
           empty_ok=False),
    OpSpec("index_add_method", lambda a, s: a.index_add(0, ag.tensor([1, 1]), s),
           [((3,), (2,)), ((3, 0), (2, 0))],
           lambda a, s: a.index_add(0, _torch().tensor([1, 1]), s), empty_ok=False),
]


# Later families, one table each.
from optable_copies import OPS as _COPIES_OPS  # noqa: E402
from optable_factors import OPS as _FACTORS_OPS  # noqa: E402
from optable_linalg import OPS as _LINALG_OPS  # noqa: E402
from optable_lu import OPS as _LU_OPS  # noqa: E402
from optable_math import OPS as _MATH_OPS  # noqa: E402
from optable_misc import OPS as _MISC_OPS  # noqa: E402
from optable_segments import OPS as _SEGMENTS_OPS  # noqa: E402
from optable_shape import OPS as _SHAPE_OPS  # noqa: E402
from optable_stats import OPS as _STATS_OPS  # noqa: E402
from optable_toplevel import OPS as _TOPLEVEL_OPS  # noqa: E402

OPS += _MATH_OPS + _STATS_OPS + _SHAPE_OPS + _MISC_OPS + _LINALG_OPS + _TOPLEVEL_OPS + _LU_OPS
OPS += _COPIES_OPS + _FACTORS_OPS + _SEGMENTS_OPS
