"""Layers as functions: ``linear``, the activations, and ``one_hot``.

Thin wrappers over the engine's ops, named as in ``torch.nn.functional`` so a
PyTorch script ports by changing its imports (activation formulas: seed
inventory §3).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import autograd as ag

from ._inputs import floating_input, same_dtype


def linear(x: ag.Tensor, weight: ag.Tensor, bias: ag.Tensor | None = None) -> ag.Tensor:
    """``x @ weight.T + bias``: x ``(N, in)``, weight ``(out, in)``, bias ``(out,)`` → ``(N, out)``.

    One fused engine op (``autograd.linear``). The course writes the same layer
    column-wise as ``Z = W·A_prev + b`` with examples as columns (§1.4, §7.4);
    here examples are rows, as in PyTorch.
    """
    return ag.linear(x, weight, bias)


def linear_relu(x: ag.Tensor, weight: ag.Tensor, bias: ag.Tensor | None = None) -> ag.Tensor:
    """``relu(x @ weight.T + bias)`` as one fused engine op (``autograd.linear_relu``): the
    course's hidden layer ``A = relu(W·A_prev + b)`` (§1.4) with examples as rows. Same
    values as ``relu(linear(x, weight, bias))`` with a pass over memory fewer each way;
    ``nn.Sequential`` uses it for a ``Linear`` followed by a ``ReLU``. Not in PyTorch.
    """
    return ag.linear_relu(x, weight, bias)


def inplace_flag(name: str, inplace: Any) -> bool:
    """``inplace`` checked to be a bool (a generator passed where ``rng`` used to be
    positional is refused, not taken as True)."""
    if not isinstance(inplace, (bool, np.bool_)):
        hint = " (pass rng= by keyword)" if isinstance(inplace, np.random.Generator) else ""
        raise TypeError(f"{name}: inplace must be True or False, got {inplace!r}{hint}")
    return bool(inplace)


def in_place_or_not(name: str, inplace: bool, x: Any, compute: Any,
                    saves_input: bool = True) -> ag.Tensor:
    """``compute(x)``, or with ``inplace=True`` the same written into ``x`` (returned), as
    PyTorch's ``inplace=`` (``ag.apply_inplace``: x takes the op's history; refused for a
    leaf that requires grad while recording). ``saves_input=False`` for an op whose
    backward needs only its output or a mask: then no copy of x is kept."""
    if not inplace_flag(name, inplace):
        return compute(x)
    if not isinstance(x, ag.Tensor):
        raise TypeError(f"{name}: inplace=True changes a Tensor in place; got "
                        f"{type(x).__name__} (pass a Tensor, or inplace=False)")
    return ag.apply_inplace(x, f"{name}(inplace=True)", compute, saves_input)


def relu(input: ag.Tensor, inplace: bool = False) -> ag.Tensor:
    """``max(0, x)``; relu'(0) = 0 (course §3: "set it to 0 or 1"). ``inplace=True``
    writes the result into x (PyTorch's; the backward keeps only the output)."""
    return in_place_or_not("relu", inplace, input, ag.relu, saves_input=False)


def relu_(input: ag.Tensor) -> ag.Tensor:
    """``relu(input, inplace=True)``."""
    return relu(input, inplace=True)


def leaky_relu(input: ag.Tensor, negative_slope: float = 0.01,
               inplace: bool = False) -> ag.Tensor:
    """``x if x > 0 else negative_slope·x`` (course §3: ``max(0.01 z, z)``). With
    ``inplace=True`` the result is written into x; any slope works (PyTorch refuses a
    negative one in place), as the backward keeps a copy of the input."""
    return in_place_or_not("leaky_relu", inplace, input,
                           lambda t: ag.leaky_relu(t, negative_slope))


def leaky_relu_(input: ag.Tensor, negative_slope: float = 0.01) -> ag.Tensor:
    """``leaky_relu(input, negative_slope, inplace=True)``."""
    return leaky_relu(input, negative_slope, inplace=True)


def sigmoid(input: ag.Tensor) -> ag.Tensor:
    """``1 / (1 + e^-x)``, with ``σ' = σ(1 − σ)`` (course §3)."""
    return ag.sigmoid(input)


def tanh(input: ag.Tensor) -> ag.Tensor:
    """``(e^x − e^-x) / (e^x + e^-x)``, with ``tanh' = 1 − tanh²`` (course §3)."""
    return ag.tanh(input)


def softmax(input: ag.Tensor, dim: int = -1) -> ag.Tensor:
    """``e^{x_i} / Σ_j e^{x_j}`` along ``dim`` (course §12; computed with the max subtracted).

    Rows of an ``(N, C)`` input sum to 1 with the default ``dim=-1``; the course's
    column-per-example layout ``(C, m)`` is ``dim=0``.
    """
    return ag.softmax(input, axis=dim)


def log_softmax(input: ag.Tensor, dim: int = -1) -> ag.Tensor:
    """``x_i − log Σ_j e^{x_j}`` along ``dim`` (the log-sum-exp trick of §2.2)."""
    return ag.log_softmax(input, axis=dim)


def one_hot(labels: Any, num_classes: int = -1, dtype: Any = np.int64) -> ag.Tensor:
    """``(N,)`` integer labels → ``(N, num_classes)`` rows with a single 1 (course §7.5:
    ``np.eye(C)[labels]``). ``num_classes=-1`` uses ``max(labels) + 1``. The result is
    int64 like PyTorch's unless ``dtype`` is given (pass ``np.float32`` for targets)."""
    arr = np.asarray(labels.data if isinstance(labels, ag.Tensor) else labels)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"one_hot: labels must be integers, got dtype {arr.dtype}; convert "
                        "them with .astype(np.int64)")
    if num_classes == -1:
        num_classes = int(arr.max()) + 1 if arr.size else 0
    if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise ValueError(f"one_hot: labels must lie in [0, {num_classes}), got values from "
                         f"{int(arr.min())} to {int(arr.max())}")
    out = np.zeros(arr.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, arr[..., None], 1, axis=-1)
    return ag.tensor(out)


# --------------------------------------------------------- more activations
# PyTorch's formulas, composed from engine ops so that the gradient and its own gradient
# come from the engine. Each takes any shape and returns the same shape; ``inplace=True``
# writes the result into the input, as PyTorch's (see ``in_place_or_not``).


def _scaled(x: ag.Tensor, c: float) -> ag.Tensor:
    return x if c == 1 else x * c


def _expm1(u: ag.Tensor) -> ag.Tensor:
    """``e^u − 1`` for ``u <= 0``, as accurate as ``np.expm1`` (which PyTorch's ELU uses), with
    the gradient ``e^u`` from the engine.

    ``e^u − 1`` loses the digits of small ``u`` to cancellation (at u = −1e-10 only about 6
    are right), so the constant ``np.expm1(u) − (e^u − 1)``, the rounding error of that
    subtraction, is added back: the value is ``expm1``'s, and being a constant it changes
    no derivative.
    """
    e = ag.exp(u)
    rounding = np.expm1(u.data) - (e.data - 1)
    return (e - 1.0) + rounding


def _elu(x: ag.Tensor, negcoef: float, poscoef: float, input_scale: float) -> ag.Tensor:
    """PyTorch's ELU kernel: ``poscoef·x`` for x > 0, else ``negcoef·expm1(input_scale·x)``.

    The exponential is taken of ``where(x < 0, input_scale·x, 0)``, so the branch the last
    ``where`` discards never overflows (no ``inf·0 = nan`` in backward). At x = 0 the
    negative branch is its tangent ``negcoef·input_scale·x`` instead, so there the gradient
    is ``negcoef·input_scale`` and the second derivative 0, both as PyTorch's.
    """
    xs = _scaled(x, input_scale)
    negative = x < 0
    curve = _expm1(ag.where(negative, xs, 0.0))
    tangent = ag.where(negative, 0.0, xs)  # 0 for x < 0; only used at x = 0
    return ag.where(x > 0, _scaled(x, poscoef), _scaled(curve + tangent, negcoef))


def elu(input: ag.Tensor, alpha: float = 1.0, inplace: bool = False) -> ag.Tensor:
    """``x`` for x > 0, ``alpha·(e^x − 1)`` for x <= 0 (Clevert et al., 2015).

    ``elu'(0) = alpha`` (the left-hand slope) and ``elu''(0) = 0``, as PyTorch's. Shape
    ``(*)`` → ``(*)``; floating-point input only.
    """
    return in_place_or_not("elu", inplace, floating_input(input, "elu"),
                           lambda x: _elu(x, float(alpha), 1.0, 1.0))


def elu_(input: ag.Tensor, alpha: float = 1.0) -> ag.Tensor:
    """``elu(input, alpha, inplace=True)``."""
    return elu(input, alpha, inplace=True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: ag.Tensor, inplace: bool = False) -> ag.Tensor:
    """``scale·x`` for x > 0, ``scale·alpha·(e^x − 1)`` for x <= 0, with PyTorch's constants
    alpha = 1.6732632423543772848170429916717 and scale = 1.0507009873554804934193349852946
    (Klambauer et al., 2017: self-normalizing).

    ``selu'(0) = scale·alpha`` and ``selu''(0) = 0``, as PyTorch's. Shape ``(*)`` → ``(*)``.
    """
    return in_place_or_not("selu", inplace, floating_input(input, "selu"),
                           lambda x: _elu(x, _SELU_ALPHA * _SELU_SCALE, _SELU_SCALE, 1.0))


def selu_(input: ag.Tensor) -> ag.Tensor:
    """``selu(input, inplace=True)``."""
    return selu(input, inplace=True)


def celu(input: ag.Tensor, alpha: float = 1.0, inplace: bool = False) -> ag.Tensor:
    """``max(0, x) + min(0, alpha·(e^{x/alpha} − 1))`` (Barron, 2017), continuously
    differentiable for any alpha ≠ 0.

    ``x/alpha`` is computed as ``x·(1/alpha)``, as PyTorch does; ``celu'(0) = 1`` and
    ``celu''(0) = 0``, as PyTorch's. Shape ``(*)`` → ``(*)``.
    """
    if alpha == 0:
        raise ValueError("celu: alpha cannot be 0 (the input is divided by it)")
    return in_place_or_not("celu", inplace, floating_input(input, "celu"),
                           lambda x: _elu(x, float(alpha), 1.0, 1.0 / float(alpha)))


def celu_(input: ag.Tensor, alpha: float = 1.0) -> ag.Tensor:
    """``celu(input, alpha, inplace=True)``."""
    return celu(input, alpha, inplace=True)


def silu(input: ag.Tensor, inplace: bool = False) -> ag.Tensor:
    """``x·σ(x)`` (the swish); gradient ``σ(x)·(1 + x·(1 − σ(x)))``. Shape ``(*)`` → ``(*)``."""
    return in_place_or_not("silu", inplace, floating_input(input, "silu"),
                           lambda x: x * ag.sigmoid(x))


def mish(input: ag.Tensor, inplace: bool = False) -> ag.Tensor:
    """``x·tanh(softplus(x))`` (Misra, 2019), finite for any input. Shape ``(*)`` → ``(*)``."""
    return in_place_or_not("mish", inplace, floating_input(input, "mish"),
                           lambda x: x * ag.tanh(ag.softplus(x)))


def softplus(input: ag.Tensor, beta: float = 1.0, threshold: float = 20.0) -> ag.Tensor:
    """``log(1 + e^{beta·x}) / beta``, and ``x`` itself where ``beta·x > threshold`` (PyTorch's
    switch to the linear function, where the two agree to float precision).

    A smooth ReLU; its gradient is ``σ(beta·x)`` (1 above the threshold). At ``beta·x =
    threshold`` exactly, the value, gradient and second derivative are the smooth branch's;
    PyTorch's second derivative there is the linear branch's 0 (its double backward tests
    ``beta·x < threshold``), the one point where they differ. Shape ``(*)`` → ``(*)``.
    """
    x = floating_input(input, "softplus")
    bx = _scaled(x, beta)
    smooth = ag.softplus(bx)
    if beta != 1:
        smooth = smooth / float(beta)
    return ag.where(bx > threshold, x, smooth)


def hardtanh(input: ag.Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> ag.Tensor:
    """``min_val`` below it, ``max_val`` above it, ``x`` between: ``clip(x, min_val, max_val)``.

    The gradient is 1 strictly inside ``(min_val, max_val)`` and 0 elsewhere, *including at
    the bounds*, as PyTorch's ``hardtanh`` (``ag.clip``/``torch.clamp`` pass it at the
    bounds, so this is written with ``where``). Integer input stays integer, clipped to the
    bounds truncated to integers, as PyTorch's. Shape ``(*)`` → ``(*)``.
    """
    return _hardtanh(input, min_val, max_val, inplace, "hardtanh")


def hardtanh_(input: ag.Tensor, min_val: float = -1.0, max_val: float = 1.0) -> ag.Tensor:
    """``hardtanh(input, min_val, max_val, inplace=True)``."""
    return hardtanh(input, min_val, max_val, inplace=True)


def _hardtanh(x: Any, min_val: float, max_val: float, inplace: bool, name: str) -> ag.Tensor:
    if min_val > max_val:
        raise ValueError(f"{name}: min_val cannot be greater than max_val, got "
                         f"min_val={min_val} and max_val={max_val}")
    x = x if isinstance(x, ag.Tensor) else ag.as_tensor(x)
    if x.dtype.kind in "iu":
        lo_int, hi_int = int(min_val), int(max_val)
        return in_place_or_not(name, inplace, x, lambda t: ag.clip(t, lo_int, hi_int))
    lo, hi = float(min_val), float(max_val)
    return in_place_or_not(name, inplace, floating_input(x, name),
                           lambda t: ag.where(t <= lo, lo, ag.where(t >= hi, hi, t)))


def relu6(input: ag.Tensor, inplace: bool = False) -> ag.Tensor:
    """``min(max(0, x), 6)``: ``hardtanh(x, 0, 6)``, so the gradient is 0 at 0 and at 6, as
    PyTorch's. Shape ``(*)`` → ``(*)``."""
    return _hardtanh(input, 0.0, 6.0, inplace, "relu6")


def softsign(input: ag.Tensor) -> ag.Tensor:
    """``x / (1 + |x|)``; gradient ``1 / (1 + |x|)²``. Integer input gives the default float
    dtype, as PyTorch's. Shape ``(*)`` → ``(*)``."""
    x = input if isinstance(input, ag.Tensor) else ag.as_tensor(input)
    if x.dtype.kind in "iub":
        x = ag.astype(x, ag.get_default_dtype())
    return x / (ag.abs(x) + 1.0)


def hardsigmoid(input: ag.Tensor, inplace: bool = False) -> ag.Tensor:
    """``0`` for x <= −3, ``1`` for x >= 3, ``(x + 3)/6`` between: ``relu6(x + 3)/6``.

    The gradient is 1/6 strictly inside (−3, 3) and 0 at ±3, as PyTorch's; unlike PyTorch's
    it can be differentiated again (its derivative is 0). PyTorch's float64 gradient uses the
    float32 constant ``1.0f/6.0f`` (3e-8 off); this one is ``1/6`` in the input's dtype.
    Shape ``(*)`` → ``(*)``.
    """
    return in_place_or_not(
        "hardsigmoid", inplace, floating_input(input, "hardsigmoid"),
        lambda x: ag.where(x <= -3.0, 0.0, ag.where(x >= 3.0, 1.0, (x + 3.0) / 6.0)))


def hardswish(input: ag.Tensor, inplace: bool = False) -> ag.Tensor:
    """``x·relu6(x + 3)/6`` (Howard et al., 2019): 0 for x < −3, ``x`` for x > 3,
    ``x·(x + 3)/6`` between.

    The gradient is ``(2x + 3)/6`` strictly inside (−3, 3), 0 at x <= −3 and 1 at x >= 3
    (so 0 at −3 and 1 at 3), and the second derivative 1/3 strictly inside, 0 elsewhere:
    PyTorch's values at the kinks. Shape ``(*)`` → ``(*)``.
    """
    return in_place_or_not(
        "hardswish", inplace, floating_input(input, "hardswish"),
        lambda x: ag.where(x <= -3.0, 0.0, ag.where(x >= 3.0, x, x * (x + 3.0) / 6.0)))


def gelu(input: ag.Tensor, approximate: str = "none") -> ag.Tensor:
    """The Gaussian error linear unit (Hendrycks & Gimpel, 2016): ``x·Φ(x)``, Φ the
    standard normal CDF, as PyTorch's ``F.gelu`` (``autograd.gelu``, one compiled pass
    forward and one backward).

    ``approximate='none'``: ``0.5·x·(1 + erf(x/√2))``, computed as ``0.5·x·erfc(−x/√2)``:
    for negative x, ``1 + erf`` cancels (PyTorch's float32 GELU is ~4e-5 off at x = −3
    and 0 for x < −5.5), ``erfc`` does not, so the value is accurate to a few ulp down to
    the underflow. Gradient ``Φ(x) + x·φ(x)``. ``approximate='tanh'``:
    ``0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))``, the fit the BERT and GPT-2 papers
    used, in PyTorch's operation order. Both are smooth, so second derivatives exist.
    Shape ``(*)`` → ``(*)``; floating-point input.
    """
    return ag.gelu(floating_input(input, "gelu"), approximate)


def _default_float(input: Any) -> ag.Tensor:
    """``input`` as a Tensor, integer and bool input cast to the default float dtype (what
    PyTorch's composite activations such as ``tanhshrink`` return for them)."""
    x = input if isinstance(input, ag.Tensor) else ag.as_tensor(input)
    return ag.astype(x, ag.get_default_dtype()) if x.dtype.kind in "iub" else x


def prelu(input: ag.Tensor, weight: ag.Tensor) -> ag.Tensor:
    """``x`` for x > 0, ``a·x`` otherwise, with a learnable slope ``a`` (He et al., 2015).

    ``weight`` holds the slopes: a scalar or shape ``(1,)`` (one slope for every element),
    or ``(C,)`` with one slope per channel, the channel being dim 1 of an input with at
    least 2 dims (as in PyTorch: input ``(N, C, *)``). The gradient reaches ``weight`` as
    ``Σ min(0, x)·grad`` over all but the channel dim. At x = 0, as PyTorch's: ``∂y/∂x = a``
    (the left-hand slope) and ``∂²y/∂x∂a = 0``. Input and weight must share one floating
    dtype. Shape ``(*)`` → ``(*)``.
    """
    x = floating_input(input, "prelu")
    w = weight if isinstance(weight, ag.Tensor) else ag.as_tensor(weight)
    if w.ndim > 1:
        raise ag.ShapeError(f"prelu: weight must be a scalar or 1-D (one slope per channel), "
                            f"got shape {tuple(w.shape)}")
    same_dtype(x, w, "weight", "prelu")
    slopes = w.numel()
    channels = x.shape[1] if x.ndim >= 2 else 1
    if slopes == 1:
        w = ag.reshape(w, ())
    elif slopes == channels:
        w = ag.reshape(w, (channels,) + (1,) * (x.ndim - 2))
    else:
        raise ag.ShapeError(
            f"prelu: weight has {slopes} slopes but the input of shape {tuple(x.shape)} has "
            f"{channels} channel{'s' if channels != 1 else ''} (dim 1 of an input with 2 or "
            f"more dims, else 1); give one slope or one per channel "
            f"(nn.PReLU(num_parameters={channels}))")
    # At x = 0 the slope is a constant copy of w: the gradient there is w (PyTorch's) while
    # the mixed second derivative d²y/dx dw is 0 there, as PyTorch's double backward has it.
    slope = ag.where(x < 0, w, w.detach())
    return ag.where(x > 0, x, slope * x)


def logsigmoid(input: ag.Tensor) -> ag.Tensor:
    """``log σ(x) = −log(1 + e^{−x}) = −softplus(−x)``, finite for any input (−x for very
    negative x, 0 for very positive); gradient ``σ(−x) = 1 − σ(x)``. Shape ``(*)`` → ``(*)``.
    """
    return -ag.softplus(-floating_input(input, "logsigmoid"))


def _get_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    """PyTorch's implicit ``dim`` for a softmax-like call without one, with its
    deprecation warning: 0 for inputs of 0, 1 or 3 dims, else 1."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the "
                  "call to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmin(input: ag.Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> ag.Tensor:
    """``e^{−x_i} / Σ_j e^{−x_j}`` along ``dim``: ``softmax(−x)``, so each slice sums to 1 and
    the smallest entry gets the largest weight.

    ``dim=None`` is PyTorch's deprecated implicit choice, with its ``UserWarning``: dim 0
    for inputs of 0, 1 or 3 dims and dim 1 otherwise (pass ``dim`` to avoid both).
    ``dtype`` casts the input first (integer input needs it). ``_stacklevel`` places the
    warning at the caller. Shape ``(*)`` → ``(*)``.
    """
    x = input if isinstance(input, ag.Tensor) else ag.as_tensor(input)
    if dtype is not None:
        x = ag.astype(x, dtype)
    x = floating_input(x, "softmin")
    if dim is None:
        dim = _get_softmax_dim("softmin", x.ndim, _stacklevel)
    return ag.softmax(-x, axis=dim)


def threshold(input: ag.Tensor, threshold: float, value: float,
              inplace: bool = False) -> ag.Tensor:
    """``x`` where ``x > threshold``, ``value`` elsewhere (NaN stays NaN).

    The gradient is 1 where ``x > threshold`` and 0 elsewhere, 0 at the threshold itself,
    as PyTorch's. Integer input stays integer, with ``threshold`` and ``value`` truncated to
    integers first, as PyTorch's. ``inplace=True`` writes the result into ``input`` (any
    ``value``: the mask is taken before the write). Shape ``(*)`` → ``(*)``.
    """
    return _threshold(input, threshold, value, inplace)


def threshold_(input: ag.Tensor, threshold: float, value: float) -> ag.Tensor:
    """``threshold(input, threshold, value, inplace=True)``."""
    return _threshold(input, threshold, value, True)


def _threshold(x: Any, threshold: float, value: float, inplace: bool) -> ag.Tensor:
    x = x if isinstance(x, ag.Tensor) else ag.as_tensor(x)
    if x.dtype.kind in "iu":
        threshold, value = int(threshold), int(value)
    else:
        x = floating_input(x, "threshold")
        threshold, value = float(threshold), float(value)
    # ``<=`` rather than ``where(x > threshold, x, value)``: a NaN input is kept, as PyTorch's
    return in_place_or_not("threshold", inplace, x,
                           lambda t: ag.where(t <= threshold, value, t), saves_input=False)


def tanhshrink(input: ag.Tensor) -> ag.Tensor:
    """``x − tanh(x)``; gradient ``tanh²(x)``. Integer input gives the default float dtype, as
    PyTorch's. Shape ``(*)`` → ``(*)``."""
    x = _default_float(input)
    return x - ag.tanh(x)


def softshrink(input: ag.Tensor, lambd: float = 0.5) -> ag.Tensor:
    """``x − lambd`` for x > lambd, ``x + lambd`` for x < −lambd, 0 between (soft
    thresholding, the proximal map of ``lambd·|x|``).

    The gradient is 1 outside ``[−lambd, lambd]`` and 0 inside it, *including at ±lambd*, as
    PyTorch's. ``lambd`` must be >= 0. Shape ``(*)`` → ``(*)``.
    """
    x = floating_input(input, "softshrink")
    if not lambd >= 0:
        raise ValueError(f"softshrink: lambd must be >= 0, got {lambd}")
    lambd = float(lambd)
    # x·0 in the dead zone, not 0: −0 for negative x and NaN for NaN, as PyTorch's kernel
    return ag.where(x > lambd, x - lambd, ag.where(x < -lambd, x + lambd, x * 0.0))


def hardshrink(input: ag.Tensor, lambd: float = 0.5) -> ag.Tensor:
    """``x`` for ``|x| > lambd``, 0 for ``−lambd <= x <= lambd``.

    The gradient is 1 outside ``[−lambd, lambd]`` and 0 inside it, *including at ±lambd*, as
    PyTorch's. A negative ``lambd`` makes it the identity, as in PyTorch. Shape ``(*)`` →
    ``(*)``.
    """
    x = floating_input(input, "hardshrink")
    lambd = float(lambd)
    return ag.where(ag.logical_and(x >= -lambd, x <= lambd), 0.0, x)
