"""How values, gradients and their magnitudes look in a drawing."""

from __future__ import annotations

import math

import numpy as np

ROLE_FILL = {
    "input": "#eeeeee",
    "parameter": "#cfe2ff",
    "output": "#d4f4c8",
    "tensor": "#ffffff",
}
OP_FILL = "#ffe7c2"
MODULE_FILL = "#f4ecff"
BAD_FILL = "#ff9b9b"
BAD_COLOR = "red"
ZERO_COLOR = "gray60"


def _num(x: float) -> str:
    return f"{x:.5g}"


def _element(v: np.generic) -> str:
    """One element as written for its kind: ``True``, ``123456789``, ``2.5``, ``1+2j``."""
    kind = v.dtype.kind
    if kind == "b":
        return str(bool(v))
    if kind in "iu":
        return str(int(v))  # exact: a label or an index must not be rounded
    if kind in "fc":
        return _num(v.item())
    return str(v)


def nonfinite_counts(a: np.ndarray) -> tuple[int, int]:
    """(number of NaNs, number of ±Infs) in a floating array; (0, 0) otherwise."""
    if a.dtype.kind not in "fc":
        return 0, 0
    n_nan = int(np.count_nonzero(np.isnan(a)))
    n_inf = int(np.count_nonzero(np.isinf(a)))
    return n_nan, n_inf


def summary(a: np.ndarray, max_elements: int = 4) -> str:
    """The value itself for small arrays, ``min/mean/max`` otherwise; NaN/Inf counted.

    Floats to 5 significant digits, integers exactly, bools as ``True``/``False``
    (a large bool array as its count of ``True``).

    >>> summary(np.array(6.909297))
    '6.9093'
    >>> summary(np.array([True, False]))
    '[True, False]'
    """
    a = np.asarray(a)
    kind = a.dtype.kind
    if a.size <= max_elements:
        if a.ndim == 0:
            return _element(a[()])
        return "[" + ", ".join(_element(v) for v in a.ravel()) + "]"
    if kind == "b":
        return f"{int(np.count_nonzero(a))} of {a.size} True"
    if kind in "iu":
        return f"min {a.min()} mean {_num(float(a.mean()))} max {a.max()}"
    if kind == "c":
        return f"mean {_num(complex(a.mean()))} max |x| {_num(float(np.abs(a).max()))}"
    if kind != "f":
        return f"{a.size} elements"
    n_nan, n_inf = nonfinite_counts(a)
    finite = a[np.isfinite(a)] if n_nan or n_inf else a
    parts = []
    if finite.size:
        parts.append(f"min {_num(float(finite.min()))} mean {_num(float(finite.mean()))} "
                     f"max {_num(float(finite.max()))}")
    if n_nan:
        parts.append(f"{n_nan} NaN")
    if n_inf:
        parts.append(f"{n_inf} Inf")
    return ", ".join(parts)


def rms(a: np.ndarray) -> float:
    """Root mean square ``sqrt(mean(a²))``: a gradient's size independent of its shape."""
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.sqrt(np.mean(np.square(a))))


def magnitude_style(g: np.ndarray | None, grad_range: tuple[float, float]) -> dict[str, str]:
    """Edge attributes for a gradient: colour and width on a log scale of its RMS.

    Blue and thin at ``grad_range[0]`` or below (vanishing), green in the middle,
    red and thick at ``grad_range[1]`` or above (exploding); an all-zero gradient
    is grey and dashed, a NaN/Inf one red, bold and labelled.
    """
    if g is None:
        return {}
    n_nan, n_inf = nonfinite_counts(np.asarray(g))
    if n_nan or n_inf:
        return {"color": BAD_COLOR, "penwidth": "4", "style": "bold",
                "label": "NaN" if n_nan else "Inf", "fontcolor": BAD_COLOR}
    r = rms(g)
    if r == 0.0:
        return {"color": ZERO_COLOR, "penwidth": "0.6", "style": "dashed"}
    lo, hi = math.log10(grad_range[0]), math.log10(grad_range[1])
    t = min(1.0, max(0.0, (math.log10(r) - lo) / (hi - lo)))
    return {"color": f"{0.66 * (1.0 - t):.3f} 0.850 0.800",
            "penwidth": f"{0.6 + 4.4 * t:.2f}",
            "tooltip": f"gradient rms {r:.3g}"}


def legend(grad_range: tuple[float, float]) -> str:
    """The caption explaining the edge colours."""
    return (f"edges: gradient RMS on a log scale, blue/thin <= {grad_range[0]:g} (vanishing) "
            f"... red/thick >= {grad_range[1]:g} (exploding); grey dashed = zero; "
            "red bold = NaN/Inf")
