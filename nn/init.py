"""Weight initializers (seed inventory §5), in place, under ``no_grad``.

Each takes the tensor to fill (usually a Parameter of shape ``(out, in)``), fills
it in place and returns it; random ones draw from ``rng`` (``generator=``, PyTorch's
name, works too) or the global generator (``autograd.manual_seed``). ``fan_in`` is the
course's ``n^[l-1]`` (the weight's second dimension), ``fan_out`` its ``n^[l]``.

Course forms: ``small_random_`` (std 0.01), ``he_normal_`` (std ``sqrt(2/n_in)``)
and ``xavier_normal_`` (std ``sqrt(1/n_in)``). PyTorch forms: ``kaiming_uniform_``,
``kaiming_normal_``, ``xavier_uniform_``/``glorot_uniform_`` and ``glorot_normal_``
(std ``gain·sqrt(2/(n_in + n_out))``, which the course does not have, §16 item 17),
``trunc_normal_``, ``orthogonal_``, ``sparse_``, ``eye_`` and ``dirac_``; and PyTorch's
deprecated names without the underscore (``uniform``, ``xavier_normal``...), which warn.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import autograd as ag

_GAINS = {"linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0,
          "relu": math.sqrt(2.0), "selu": 0.75}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """PyTorch's recommended gain for a nonlinearity: 1 (linear, sigmoid), 5/3 (tanh),
    √2 (relu), ``sqrt(2/(1 + slope²))`` (leaky_relu, slope ``param`` or 0.01), 3/4 (selu)."""
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1.0 + slope * slope))
    if nonlinearity not in _GAINS:
        raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; choose "
                         f"from {sorted([*_GAINS, 'leaky_relu'])}")
    return _GAINS[nonlinearity]


def _fans(tensor: ag.Tensor, name: str) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError(f"{name}: fan_in and fan_out need a weight with at least 2 "
                         f"dimensions (out, in), got shape {tuple(tensor.shape)}; initialize "
                         "biases with zeros_ or uniform_")
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fill(tensor: ag.Tensor, values: Any) -> ag.Tensor:
    with ag.no_grad():
        tensor.copy_(values)
    return tensor


def _draw_dtype(tensor: ag.Tensor) -> Any:
    return tensor.dtype if tensor.dtype in (np.float32, np.float64) else np.float64


def _normal(tensor: ag.Tensor, mean: float, std: float, rng: Any) -> ag.Tensor:
    sample = ag.get_rng(rng).standard_normal(tensor.shape, dtype=_draw_dtype(tensor))
    return _fill(tensor, sample * std + mean if mean else sample * std)


def _uniform(tensor: ag.Tensor, a: float, b: float, rng: Any) -> ag.Tensor:
    if not a <= b:
        raise ValueError(f"uniform_: the lower bound a={a} exceeds the upper bound b={b}")
    sample = ag.get_rng(rng).random(tensor.shape, dtype=_draw_dtype(tensor))
    return _fill(tensor, sample * (b - a) + a)


def _source(rng: Any, generator: Any, name: str) -> Any:
    """``rng``, or ``generator``, PyTorch's name for it (a numpy Generator or an int seed)."""
    if generator is None:
        return rng
    if rng is not None:
        raise TypeError(f"{name}: give the generator once, as rng= or generator=")
    return generator


def zeros_(tensor: ag.Tensor) -> ag.Tensor:
    """Fill with 0 (fine for biases; for weights it leaves every unit the same —
    the course's symmetry problem, §5)."""
    return _fill(tensor, 0)


def ones_(tensor: ag.Tensor) -> ag.Tensor:
    """Fill with 1 (BatchNorm's γ starts here)."""
    return _fill(tensor, 1)


def constant_(tensor: ag.Tensor, val: float) -> ag.Tensor:
    """Fill with ``val``."""
    return _fill(tensor, val)


def normal_(tensor: ag.Tensor, mean: float = 0.0, std: float = 1.0,
            rng: np.random.Generator | None = None, *,
            generator: Any = None) -> ag.Tensor:
    """Samples of N(mean, std²)."""
    rng = _source(rng, generator, "normal_")
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _normal(tensor, mean, std, rng)


def uniform_(tensor: ag.Tensor, a: float = 0.0, b: float = 1.0,
             rng: np.random.Generator | None = None, *,
             generator: Any = None) -> ag.Tensor:
    """Samples of U(a, b) (std ``(b − a)/√12``)."""
    rng = _source(rng, generator, "uniform_")
    return _uniform(tensor, a, b, rng)


def small_random_(tensor: ag.Tensor, scale: float = 0.01,
                  rng: np.random.Generator | None = None, *,
                  generator: Any = None) -> ag.Tensor:
    """**Course** (§5, S1 L504): ``W = np.random.randn(n[1], n[0]) * 0.01`` — N(0, scale²),
    std = ``scale``. Small weights keep tanh/sigmoid out of saturation."""
    rng = _source(rng, generator, "small_random_")
    return _normal(tensor, 0.0, scale, rng)


def he_normal_(tensor: ag.Tensor, rng: np.random.Generator | None = None, *,
               generator: Any = None) -> ag.Tensor:
    """**Course** He init for ReLU (§5, S0 L763-781): N(0, 2/n_in), std ``sqrt(2/n_in)``.

    Equals PyTorch's ``kaiming_normal_(w, nonlinearity='relu')``.
    """
    rng = _source(rng, generator, "he_normal_")
    fan_in, _ = _fans(tensor, "he_normal_")
    return _normal(tensor, 0.0, math.sqrt(2.0 / fan_in), rng)


def xavier_normal_(tensor: ag.Tensor, rng: np.random.Generator | None = None, *,
                   generator: Any = None) -> ag.Tensor:
    """**Course** Xavier init for tanh (§5, S0 L764; S2 L1103): N(0, 1/n_in), std
    ``sqrt(1/n_in)``.

    Note: this is the course's form, NOT PyTorch's ``xavier_normal_``, whose std is
    ``gain·sqrt(2/(n_in + n_out))`` — that one is ``glorot_normal_`` here.
    """
    rng = _source(rng, generator, "xavier_normal_")
    fan_in, _ = _fans(tensor, "xavier_normal_")
    return _normal(tensor, 0.0, math.sqrt(1.0 / fan_in), rng)


def _kaiming_std(tensor: ag.Tensor, a: float, mode: str, nonlinearity: str, name: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{name}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(tensor, name)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: ag.Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu",
                     rng: np.random.Generator | None = None, *,
                     generator: Any = None) -> ag.Tensor:
    """PyTorch's He-uniform: U(−bound, bound), ``bound = gain·sqrt(3/fan)``, so std
    ``gain/sqrt(fan)`` with ``gain = calculate_gain(nonlinearity, a)``.

    ``Linear``'s default, ``a=√5``, gives ``bound = 1/sqrt(n_in)``.
    """
    rng = _source(rng, generator, "kaiming_uniform_")
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    return _uniform(tensor, -bound, bound, rng)


def kaiming_normal_(tensor: ag.Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu",
                    rng: np.random.Generator | None = None, *,
                    generator: Any = None) -> ag.Tensor:
    """PyTorch's He-normal: N(0, std²) with std ``gain/sqrt(fan)``; for relu that is the
    course's ``sqrt(2/n_in)``."""
    rng = _source(rng, generator, "kaiming_normal_")
    return _normal(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_"),
                   rng)


def xavier_uniform_(tensor: ag.Tensor, gain: float = 1.0,
                    rng: np.random.Generator | None = None, *,
                    generator: Any = None) -> ag.Tensor:
    """PyTorch's Glorot-uniform: U(−bound, bound), ``bound = gain·sqrt(6/(n_in + n_out))``,
    std ``gain·sqrt(2/(n_in + n_out))``. Not in the course (§16 item 17)."""
    rng = _source(rng, generator, "xavier_uniform_")
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _uniform(tensor, -bound, bound, rng)


glorot_uniform_ = xavier_uniform_


def glorot_normal_(tensor: ag.Tensor, gain: float = 1.0,
                   rng: np.random.Generator | None = None, *,
                   generator: Any = None) -> ag.Tensor:
    """PyTorch's ``xavier_normal_``: N(0, std²), std ``gain·sqrt(2/(n_in + n_out))``.
    (This package's ``xavier_normal_`` is the course's ``sqrt(1/n_in)`` form.)"""
    rng = _source(rng, generator, "glorot_normal_")
    fan_in, fan_out = _fans(tensor, "glorot_normal_")
    return _normal(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng)


def trunc_normal_(tensor: ag.Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: Any = None, *,
                  rng: np.random.Generator | None = None) -> ag.Tensor:
    """PyTorch's ``trunc_normal_``: N(mean, std²) conditioned on ``[a, b]`` (absolute
    bounds, not in stds). Drawn exactly, by rejection: every value lies in ``[a, b]``. As
    PyTorch, it warns when ``mean`` is more than 2 std outside ``[a, b]``; where less than
    1e-12 of the normal's mass lies in ``[a, b]`` it raises."""
    rng = ag.get_rng(_source(rng, generator, "trunc_normal_"))
    if std < 0 or not a < b:
        raise ValueError(f"trunc_normal_: needs std >= 0 and a < b, got std={std}, a={a}, b={b}")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(f"trunc_normal_: mean {mean} is more than 2 std from [{a}, {b}]; the "
                      "values crowd against the nearer bound", stacklevel=2)
    if std == 0:
        return _fill(tensor, np.full(tensor.shape, min(max(mean, a), b)))
    lo, hi = (a - mean) / std, (b - mean) / std
    z = _standard_truncated_normal(int(np.prod(tensor.shape)), lo, hi, rng)
    return _fill(tensor, (z * std + mean).reshape(tensor.shape))


def _standard_truncated_normal(n: int, lo: float, hi: float,
                               rng: np.random.Generator) -> np.ndarray:
    """``n`` samples of N(0, 1) conditioned on ``[lo, hi]``, by rejection from the proposal
    that accepts most: N(0, 1) itself when ``[lo, hi]`` holds much of its mass, else
    uniform on ``[lo, hi]`` (a finite interval) or ``lo`` plus an exponential (Robert,
    1995: a one-sided tail; ``hi <= 0`` is mirrored)."""
    if lo == -math.inf and hi <= 0:
        return -_standard_truncated_normal(n, -hi, math.inf, rng)
    mass = 0.5 * (math.erf(hi / math.sqrt(2)) - math.erf(lo / math.sqrt(2)))
    if mass < 1e-12:
        raise ValueError(f"trunc_normal_: the bounds hold {mass:.2g} of the normal's mass; "
                         "move mean or the bounds closer")
    peak = min(max(0.0, lo), hi)  # where the density is highest in [lo, hi]
    if mass >= 0.2:
        def propose(k: int) -> np.ndarray:
            z = rng.standard_normal(k)
            return z[(z >= lo) & (z <= hi)]
    elif math.isfinite(lo) and math.isfinite(hi):
        def propose(k: int) -> np.ndarray:
            z = rng.uniform(lo, hi, k)
            return z[rng.random(k) <= np.exp((peak * peak - z * z) / 2)]
    else:  # a tail [lo, inf) with lo > 0
        rate = (lo + math.sqrt(lo * lo + 4)) / 2

        def propose(k: int) -> np.ndarray:
            z = lo + rng.exponential(1 / rate, k)
            return z[rng.random(k) <= np.exp(-((z - rate) ** 2) / 2)]
    out = np.empty(n)
    filled = 0
    while filled < n:
        kept = propose(min(1 << 20, 4 * (n - filled) + 16))[:n - filled]
        out[filled:filled + kept.size] = kept
        filled += kept.size
    return out


def orthogonal_(tensor: ag.Tensor, gain: float = 1.0, generator: Any = None, *,
                rng: np.random.Generator | None = None) -> ag.Tensor:
    """PyTorch's ``orthogonal_`` (Saxe et al., 2013): the QR factor of a Gaussian matrix of
    shape ``(rows, rest)``, signs fixed by R's diagonal, times ``gain``; its rows (or
    columns, whichever are fewer) are orthonormal·gain."""
    rng = ag.get_rng(_source(rng, generator, "orthogonal_"))
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: needs a tensor of at least 2 dimensions, got shape "
                         f"{tuple(tensor.shape)}")
    rows = tensor.shape[0]
    cols = int(np.prod(tensor.shape[1:]))
    flat = rng.standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (gain * q).reshape(tensor.shape))


def sparse_(tensor: ag.Tensor, sparsity: float, std: float = 0.01, generator: Any = None, *,
            rng: np.random.Generator | None = None) -> ag.Tensor:
    """PyTorch's ``sparse_`` (Martens, 2010) for a 2-D weight: N(0, std²), then in every
    column ``ceil(sparsity·rows)`` entries, chosen at random, set to 0."""
    rng = ag.get_rng(_source(rng, generator, "sparse_"))
    if tensor.ndim != 2:
        raise ValueError(f"sparse_: only 2-dimensional tensors are supported, got shape "
                         f"{tuple(tensor.shape)}")
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparse_: sparsity must lie in [0, 1], got {sparsity}")
    rows, cols = tensor.shape
    values = rng.standard_normal((rows, cols)) * std
    zeros = math.ceil(sparsity * rows)
    for col in range(cols):
        values[rng.permutation(rows)[:zeros], col] = 0.0
    return _fill(tensor, values)


def eye_(tensor: ag.Tensor) -> ag.Tensor:
    """PyTorch's ``eye_``: the identity matrix (ones on the diagonal of a 2-D tensor of any
    shape), so a Linear layer starts as the identity map."""
    if tensor.ndim != 2:
        raise ValueError(f"eye_: only 2-dimensional tensors are supported, got shape "
                         f"{tuple(tensor.shape)}")
    return _fill(tensor, np.eye(*tensor.shape))


def dirac_(tensor: ag.Tensor, groups: int = 1) -> ag.Tensor:
    """PyTorch's ``dirac_`` for a convolution weight ``(out, in, *kernel)`` (3 to 5
    dimensions): each of ``groups`` blocks of output channels passes its input channel
    through the kernel's centre, so the layer starts as the identity."""
    if tensor.ndim not in (3, 4, 5):
        raise ValueError(f"dirac_: only 3, 4 or 5-dimensional tensors are supported, got "
                         f"shape {tuple(tensor.shape)}")
    out_per_group = tensor.shape[0] // groups
    if groups < 1 or tensor.shape[0] % groups:
        raise ValueError(f"dirac_: dim 0 ({tensor.shape[0]}) must be divisible by groups "
                         f"({groups})")
    values = np.zeros(tensor.shape)
    centre = tuple(k // 2 for k in tensor.shape[2:])
    for g in range(groups):
        for d in range(min(out_per_group, tensor.shape[1])):
            values[(g * out_per_group + d, d, *centre)] = 1.0
    return _fill(tensor, values)


def _deprecated(new: Any, old_name: str, replacement: str | None = None) -> Any:
    """PyTorch's deprecated name ``old_name`` for ``new``: warns (FutureWarning, as
    PyTorch's) and forwards every argument."""
    replacement = replacement or new.__name__

    def deprecated_init(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of "
                      f"`nn.init.{replacement}`.", FutureWarning, stacklevel=2)
        return new(*args, **kwargs)

    deprecated_init.__name__ = deprecated_init.__qualname__ = old_name
    deprecated_init.__doc__ = (f"Deprecated (as in PyTorch): use ``{replacement}``, which "
                               "this calls after a FutureWarning.")
    return deprecated_init


# PyTorch's deprecated names without the trailing underscore. ``xavier_normal`` keeps
# PyTorch's formula (gain·sqrt(2/(n_in + n_out))): here that is ``glorot_normal_``, since
# this package's ``xavier_normal_`` is the course's.
uniform = _deprecated(uniform_, "uniform")
normal = _deprecated(normal_, "normal")
constant = _deprecated(constant_, "constant")
eye = _deprecated(eye_, "eye")
dirac = _deprecated(dirac_, "dirac")
xavier_uniform = _deprecated(xavier_uniform_, "xavier_uniform")
xavier_normal = _deprecated(glorot_normal_, "xavier_normal", "glorot_normal_")
kaiming_uniform = _deprecated(kaiming_uniform_, "kaiming_uniform")
kaiming_normal = _deprecated(kaiming_normal_, "kaiming_normal")
orthogonal = _deprecated(orthogonal_, "orthogonal")
sparse = _deprecated(sparse_, "sparse")
