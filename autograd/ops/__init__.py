"""The differentiable ops, one family per module, re-exported as functions.

The families a training step never uses (PyTorch's further tensor functions: ``mm``,
``gather``, ``cumsum``, ``sort``, ...) are imported on first use, which keeps
``import autograd`` fast; ``DEFERRED`` maps each of their names to its module.
"""

from .compare import argmax, argmin, eq, ge, gt, le, lt, ne
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
from .linalg import linear, linear_relu, matmul
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
    "le", "leaky_relu", "linear", "linear_relu", "log", "log1p", "log_softmax", "logsumexp",
    "lt", "matmul", "max",
    "maximum", "mean", "min", "minimum", "mul", "ne", "neg", "permute", "pow", "relu",
    "reshape", "sigmoid", "sin", "softmax", "softplus", "split", "sqrt", "squeeze",
    "stack", "std", "sub", "sum", "swapaxes", "tanh", "transpose", "unsqueeze", "var", "view",
    "where",
]

# The deferred families: module -> the names it defines.
_FAMILIES = {
    "aliases": "all amax amin any clamp clone count_nonzero numel",
    "contract": "addmm baddbmm diag diag_embed diagonal einsum inner outer tensordot trace",
    "geometry": "cdist cross kron",
    "gelu_op": "gelu",
    "logical": "allclose equal isfinite isinf isnan logical_and logical_not logical_or logical_xor",
    "lookup": "isclose searchsorted unique",
    "matrix": "bmm dot mm mv t tril triu",
    "modulo": "fmod remainder",
    "norms": "norm",
    "index": "index_put",
    "pointwise": "addcdiv addcmul clamp_max clamp_min lerp nan_to_num reciprocal rsqrt square",
    "rearrange": "flip gather index_select masked_fill repeat roll select tile unbind",
    "scan": "cumprod cumsum prod",
    "sampling": "normal randperm",
    "scattering": "index_add masked_select scatter scatter_add take_along_dim",
    "stacking": "diff dstack fliplr flipud hstack moveaxis movedim narrow repeat_interleave rot90 "
                "vstack",
    "sorting": "argsort sort topk",
    "statistics": "median nanmean nansum",
    "transcend": "atan2 logaddexp tan",
    "unary": "acos asin atan ceil cosh erf erfc expm1 floor log10 log2 round sign sinh trunc",
    "synonyms": "absolute arccos arcsin arctan divide fix floor_divide greater greater_equal "
                "less less_equal multiply negative not_equal positive sgn subtract",
    "hyperbolic": "acosh arccosh arcsinh arctanh asinh atanh",
    "elementwise_more": "copysign deg2rad exp2 float_power fmax fmin frac hypot ldexp "
                        "logaddexp2 rad2deg",
    "special": "digamma erfinv i0 lgamma logit polygamma sinc xlogy",
    "predicates": "heaviside isneginf isposinf isreal nextafter signbit",
    "bitwise": "bitwise_and bitwise_left_shift bitwise_not bitwise_or bitwise_right_shift "
               "bitwise_xor gcd lcm",
    "running": "cummax cummin logcumsumexp",
    "order_stats": "aminmax kthvalue mode msort nanmedian",
    "quantiles": "nanquantile quantile",
    "covariance": "corrcoef cov",
    "pnorms": "dist renorm",
    "counting": "argwhere bincount histc nonzero unique_consecutive",
    "splitting": "dsplit hsplit ravel split_with_sizes sum_to_size tensor_split unflatten unfold "
                 "vsplit",
    "scatter_more": "index_copy index_fill masked_scatter put take",
    "scatter_reductions": "index_reduce scatter_reduce",
    "view_scatter": "diagflat diagonal_scatter select_scatter slice_scatter",
    "draws": "bernoulli multinomial",
    "matrix_functions": "det inverse logdet matrix_power pinverse slogdet",
    "products": "addbmm addmv addr ger vdot",
    "factorizations": "cholesky matrix_exp qr svd",
    "solvers": "cholesky_inverse cholesky_solve triangular_solve",
    "matrix_norms": "frobenius_norm nuclear_norm",
    "chains": "chain_matmul",
    "assembling": "atleast_1d atleast_2d atleast_3d block_diag broadcast_shapes broadcast_tensors "
                  "cartesian_prod column_stack combinations meshgrid row_stack tril_indices "
                  "triu_indices vander",
    "moments_pair": "std_mean var_mean",
    "reversed_sub": "rsub",
    "float_parts": "frexp",
    "binning": "bucketize histogram histogramdd isin unravel_index",
    "integrate": "cumulative_trapezoid trapezoid trapz",
    "finite_differences": "gradient",
    "relayout_in_place": "narrow_copy",
    "incomplete_gamma": "igamma igammac mvlgamma",
    "count_draws": "binomial poisson randint_like",
    "windows": "bartlett_window blackman_window hamming_window hann_window kaiser_window "
               "logspace",
    "lu_decomposition": "lu lu_solve lu_unpack",
    "householder": "orgqr",
    "strided": "as_strided as_strided_copy as_strided_scatter",
    "view_copies": "alias_copy detach_copy diagonal_copy expand_copy permute_copy select_copy "
                   "slice_copy split_copy split_with_sizes_copy squeeze_copy t_copy "
                   "transpose_copy unbind_copy unfold_copy unsqueeze_copy view_copy "
                   "unsafe_chunk unsafe_split unsafe_split_with_sizes",
    "lowrank": "pca_lowrank svd_lowrank",
    "qr_factors": "geqrf ormqr",
    "segments": "segment_reduce",
}
DEFERRED: dict[str, str] = {name: module for module, names in _FAMILIES.items()
                            for name in names.split()}


def __getattr__(name: str):
    if name not in DEFERRED:
        raise AttributeError(f"module 'autograd.ops' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{DEFERRED[name]}", __name__), name)
    globals()[name] = value
    return value
