"""The differentiable ops, one family per module, re-exported as functions."""

from .compare import argmax, argmin, eq, ge, gt, le, lt, ne, sign
from .elementwise import (
    abs,
    add,
    astype,
    clip,
    cos,
    div,
    exp,
    leaky_relu,
    log,
    log1p,
    maximum,
    minimum,
    mul,
    neg,
    pow,
    relu,
    sigmoid,
    sin,
    softplus,
    sqrt,
    sub,
    tanh,
    where,
)
from .index import getitem
from .linalg import linear, matmul
from .reduce import log_softmax, logsumexp, max, mean, min, softmax, std, sum, var
from .shape import (
    broadcast_to,
    cat,
    chunk,
    concatenate,
    expand,
    flatten,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    swapaxes,
    transpose,
    unsqueeze,
    view,
)

__all__ = [
    "abs", "add", "argmax", "argmin", "astype", "broadcast_to", "cat", "chunk", "clip",
    "concatenate", "cos", "div", "eq", "exp", "expand", "flatten", "ge", "getitem", "gt",
    "le", "leaky_relu", "linear", "log", "log1p", "log_softmax", "logsumexp", "lt", "matmul", "max",
    "maximum", "mean", "min", "minimum", "mul", "ne", "neg", "permute", "pow", "relu",
    "reshape", "sigmoid", "sign", "sin", "softmax", "softplus", "split", "sqrt", "squeeze",
    "stack", "std", "sub", "sum", "swapaxes", "tanh", "transpose", "unsqueeze", "var", "view",
    "where",
]
