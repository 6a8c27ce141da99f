"""Weight initializers (seed inventory §5), in place, under ``no_grad``.

Each takes the tensor to fill (usually a Parameter of shape ``(out, in)``), fills
it in place and returns it; random ones draw from ``rng`` or the global generator
(``autograd.manual_seed``). ``fan_in`` is the course's ``n^[l-1]`` (the weight's
second dimension), ``fan_out`` its ``n^[l]``.

Course forms: ``small_random_`` (std 0.01), ``he_normal_`` (std ``sqrt(2/n_in)``)
and ``xavier_normal_`` (std ``sqrt(1/n_in)``). PyTorch forms: ``kaiming_uniform_``,
``kaiming_normal_``, ``xavier_uniform_``/``glorot_uniform_`` and ``glorot_normal_``
(std ``gain·sqrt(2/(n_in + n_out))``, which the course does not have, §16 item 17).
"""

from __future__ import annotations

import math
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
            rng: np.random.Generator | None = None) -> ag.Tensor:
    """Samples of N(mean, std²)."""
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _normal(tensor, mean, std, rng)


def uniform_(tensor: ag.Tensor, a: float = 0.0, b: float = 1.0,
             rng: np.random.Generator | None = None) -> ag.Tensor:
    """Samples of U(a, b) (std ``(b − a)/√12``)."""
    return _uniform(tensor, a, b, rng)


def small_random_(tensor: ag.Tensor, scale: float = 0.01,
                  rng: np.random.Generator | None = None) -> ag.Tensor:
    """**Course** (§5, S1 L504): ``W = np.random.randn(n[1], n[0]) * 0.01`` — N(0, scale²),
    std = ``scale``. Small weights keep tanh/sigmoid out of saturation."""
    return _normal(tensor, 0.0, scale, rng)


def he_normal_(tensor: ag.Tensor, rng: np.random.Generator | None = None) -> ag.Tensor:
    """**Course** He init for ReLU (§5, S0 L763-781): N(0, 2/n_in), std ``sqrt(2/n_in)``.

    Equals PyTorch's ``kaiming_normal_(w, nonlinearity='relu')``.
    """
    fan_in, _ = _fans(tensor, "he_normal_")
    return _normal(tensor, 0.0, math.sqrt(2.0 / fan_in), rng)


def xavier_normal_(tensor: ag.Tensor, rng: np.random.Generator | None = None) -> ag.Tensor:
    """**Course** Xavier init for tanh (§5, S0 L764; S2 L1103): N(0, 1/n_in), std
    ``sqrt(1/n_in)``.

    Note: this is the course's form, NOT PyTorch's ``xavier_normal_``, whose std is
    ``gain·sqrt(2/(n_in + n_out))`` — that one is ``glorot_normal_`` here.
    """
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
                     rng: np.random.Generator | None = None) -> ag.Tensor:
    """PyTorch's He-uniform: U(−bound, bound), ``bound = gain·sqrt(3/fan)``, so std
    ``gain/sqrt(fan)`` with ``gain = calculate_gain(nonlinearity, a)``.

    ``Linear``'s default, ``a=√5``, gives ``bound = 1/sqrt(n_in)``.
    """
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    return _uniform(tensor, -bound, bound, rng)


def kaiming_normal_(tensor: ag.Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu",
                    rng: np.random.Generator | None = None) -> ag.Tensor:
    """PyTorch's He-normal: N(0, std²) with std ``gain/sqrt(fan)``; for relu that is the
    course's ``sqrt(2/n_in)``."""
    return _normal(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_"),
                   rng)


def xavier_uniform_(tensor: ag.Tensor, gain: float = 1.0,
                    rng: np.random.Generator | None = None) -> ag.Tensor:
    """PyTorch's Glorot-uniform: U(−bound, bound), ``bound = gain·sqrt(6/(n_in + n_out))``,
    std ``gain·sqrt(2/(n_in + n_out))``. Not in the course (§16 item 17)."""
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _uniform(tensor, -bound, bound, rng)


glorot_uniform_ = xavier_uniform_


def glorot_normal_(tensor: ag.Tensor, gain: float = 1.0,
                   rng: np.random.Generator | None = None) -> ag.Tensor:
    """PyTorch's ``xavier_normal_``: N(0, std²), std ``gain·sqrt(2/(n_in + n_out))``.
    (This package's ``xavier_normal_`` is the course's ``sqrt(1/n_in)`` form.)"""
    fan_in, fan_out = _fans(tensor, "glorot_normal_")
    return _normal(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng)
