"""How a Tensor prints: PyTorch's ``repr`` layout and its print options.

``tensor_repr(t)`` gives what ``repr(t)`` and ``str(t)`` show, by the rules of torch's
``_tensor_str``: every element of a tensor printed with one width; floats with
``precision`` decimals, in scientific notation when the nonzero finite magnitudes span
more than a factor 1000 or leave [1e-4, 1e8], and as ``2.`` when all are integers;
more than ``threshold`` elements summarized to ``edgeitems`` per end of each dimension
around ``...``; rows wrapped at ``linewidth``; then the suffixes ``dtype=`` (for dtypes
other than the default float, int64 and bool), ``grad_fn=`` or ``requires_grad=True``.
Dtypes are written by their NumPy names (``dtype=float64``), graphgrad's dtypes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from . import dtypes

PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTIONS = _PrintOptions()


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """Set how tensors print, as ``torch.set_printoptions`` (its defaults and profiles).

    - ``precision``: decimals of floats (default 4);
    - ``threshold``: more elements than this are summarized (default 1000);
    - ``edgeitems``: items shown at each end of a summarized dimension (default 3);
    - ``linewidth``: characters per line before a row wraps (default 80);
    - ``profile``: ``'default'``, ``'short'`` (precision 2, edgeitems 2) or ``'full'``
      (never summarize); the other arguments override it;
    - ``sci_mode``: True or False forces scientific notation on or off; None (the default,
      restored by every call that leaves it out, as in torch) chooses from the values.

    Options left as None keep their current value. Invalid values raise before anything
    changes.
    """
    _check_option("precision", precision, int, 0)
    _check_option("threshold", threshold, (int, float), 0)
    _check_option("edgeitems", edgeitems, int, 0)
    _check_option("linewidth", linewidth, int, 1)
    if profile is not None and profile not in PROFILES:
        raise ValueError(f"set_printoptions: unknown profile {profile!r}; use one of "
                         f"{', '.join(map(repr, PROFILES))}")
    if sci_mode is not None and not isinstance(sci_mode, (bool, np.bool_)):
        raise TypeError(f"set_printoptions: sci_mode must be True, False or None, got "
                        f"{sci_mode!r}")
    updates = dict(PROFILES[profile]) if profile is not None else {}
    given = {"precision": precision, "threshold": threshold, "edgeitems": edgeitems,
             "linewidth": linewidth}
    updates.update({k: v for k, v in given.items() if v is not None})
    for key, value in updates.items():
        setattr(_OPTIONS, key, value)
    _OPTIONS.sci_mode = None if sci_mode is None else bool(sci_mode)


def _check_option(name: str, value: Any, types: Any, lowest: int) -> None:
    if value is None:
        return
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (types, np.integer)):
        raise TypeError(f"set_printoptions: {name} must be a number, got {value!r}")
    if not value >= lowest:  # NaN fails too
        raise ValueError(f"set_printoptions: {name} must be >= {lowest}, got {value!r}")


def get_printoptions() -> dict[str, Any]:
    """The current print options, as a dict ``set_printoptions(**options)`` accepts."""
    return dataclasses.asdict(_OPTIONS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Change the print options (``set_printoptions``'s arguments) inside a ``with``
    block; the previous ones come back at its end, also after an error."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ---------------------------------------------------------------------- the layout
class _Formatter:
    """One width and one notation for every element of an array (torch's rules)."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        precision = _OPTIONS.precision
        if not self.floating:
            for value in values.reshape(-1).tolist():
                self.max_width = max(self.max_width, len(f"{value}"))
            return
        nonzero_finite = values[np.isfinite(values) & (values != 0)]
        if nonzero_finite.size == 0:
            return
        magnitudes = np.abs(nonzero_finite.astype(np.float64))
        smallest, largest = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(nonzero_finite == np.ceil(nonzero_finite)))
        if _OPTIONS.sci_mode is None:
            self.sci_mode = bool(largest / smallest > 1000.0 or largest > 1.0e8
                                 or smallest < 1.0e-4)
        else:
            self.sci_mode = _OPTIONS.sci_mode
        for value in nonzero_finite.tolist():
            if self.sci_mode:
                width = len(f"{value:.{precision}e}")
            elif self.int_mode:  # room for the "." that marks a float
                width = len(f"{value:.0f}") + 1
            else:
                width = len(f"{value:.{precision}f}")
            self.max_width = max(self.max_width, width)

    def format(self, value: Any) -> str:
        if not self.floating:
            text = f"{value}"
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{_OPTIONS.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{_OPTIONS.precision}f}"
        return text.rjust(self.max_width)


class _Formatters:
    """The formatter of a real array, or the pair for a complex one's parts."""

    def __init__(self, values: np.ndarray) -> None:
        is_complex = values.dtype.kind == "c"
        self.real = _Formatter(values.real if is_complex else values)
        self.imag = _Formatter(values.imag) if is_complex else None

    def width(self) -> int:
        if self.imag is None:
            return self.real.max_width
        return self.real.max_width + self.imag.max_width + 1  # and the "j"

    def format(self, value: Any) -> str:
        if self.imag is None:
            return self.real.format(value)
        real = self.real.format(value.real)
        imag = (self.imag.format(value.imag) + "j").lstrip()
        return real + imag if imag[0] in "+-" else real + "+" + imag


def _summarized(a: np.ndarray) -> np.ndarray:
    """The elements a summarized print shows (they alone set the width)."""
    edge = _OPTIONS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        # a[-0:] is all of a: with edgeitems=0 torch measures the whole vector
        return np.concatenate((a[:edge], a[-edge:])) if a.shape[0] > 2 * edge else a
    if not edge:
        return np.empty((0,) * a.ndim, dtype=a.dtype)
    rows = ([a[i] for i in range(edge)] + [a[i] for i in range(len(a) - edge, len(a))]
            if a.shape[0] > 2 * edge else list(a))
    return np.stack([_summarized(row) for row in rows])


def _vector_str(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatters) -> str:
    edge = _OPTIONS.edgeitems
    element_length = fmt.width() + 2  # and ", "
    per_line = max(1, math.floor((_OPTIONS.linewidth - indent) / element_length))
    if summarize and not edge:
        items = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        items = ([fmt.format(v) for v in a[:edge].tolist()] + [" ..."]
                 + [fmt.format(v) for v in a[-edge:].tolist()])
    else:
        items = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatters) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)
    edge = _OPTIONS.edgeitems
    if summarize and a.shape[0] > 2 * edge:
        rows = ([_nested_str(a[i], indent + 1, summarize, fmt) for i in range(edge)] + ["..."]
                + [_nested_str(a[i], indent + 1, summarize, fmt)
                   for i in range(len(a) - edge, len(a))])
    else:
        rows = [_nested_str(row, indent + 1, summarize, fmt) for row in a]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def array_str(a: np.ndarray, indent: int = 0) -> str:
    """The bracketed values of ``a`` as torch lays them out, continuation lines indented
    by ``indent`` + 1 (the length of the text before the opening bracket)."""
    if a.size == 0:
        return "[]"
    summarize = a.size > _OPTIONS.threshold
    return _nested_str(a, indent, summarize, _Formatters(_summarized(a) if summarize else a))


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    # torch's count: 2 more than the last line's length (its measure, kept for equal wraps)
    last_line = len(text) - text.rfind("\n") + 1
    parts = [text]
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > _OPTIONS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line += len(suffix) + 2
    return "".join(parts) + ")"


def tensor_repr(t: Any) -> str:
    """``repr(t)`` for a Tensor ``t``: ``tensor([...], <suffixes>)``, as PyTorch prints."""
    a = t.data
    prefix = "tensor("
    indent = len(prefix)
    default = dtypes.get_default_dtype()
    default_complex = np.dtype(np.complex128 if default == np.float64 else np.complex64)
    has_default_dtype = a.dtype in (default, default_complex, np.dtype(np.int64),
                                    np.dtype(np.bool_))
    suffixes = []
    if a.size == 0:
        if a.ndim != 1:  # the shape of an empty tensor is not in its "[]"
            suffixes.append(f"size={tuple(a.shape)}")
        if a.dtype != default:  # no value shows an empty tensor's kind
            suffixes.append(f"dtype={a.dtype}")
        body = "[]"
    else:
        if not _OPTIONS.edgeitems:
            suffixes.append(f"size={tuple(a.shape)}")
        if not has_default_dtype:
            suffixes.append(f"dtype={a.dtype}")
        body = array_str(a, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name}Backward>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
