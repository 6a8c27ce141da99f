"""Anomaly detection: stop at the first NaN or Inf and say which op, and where, made it.

Inside ``with autograd.detect_anomaly():`` (or after ``set_detect_anomaly(True)``)
every op's forward output and every node's backward result is checked; the
first that holds a NaN or an Inf raises ``AnomalyError`` naming the op and the
file and line of *user* code (frames inside ``autograd/``, ``nn/`` and
``optim/`` are skipped) that created it. For a backward anomaly the line is
where the op was created in forward, which anomaly mode records in each node
it sees made; an op that makes the NaN inside a node's backward (a custom
Function's backward is user code) is reported as that node's backward anomaly,
with the line in the backward as well. Off, it costs one flag check per op (the
engine's debug hook). The course's symptom of exploding gradients is exactly
such a NaN (seed inventory §9.10).
"""

from __future__ import annotations

import functools
import linecache
import os
import sys
from types import FrameType, TracebackType
from typing import Any

import numpy as np

from . import engine
from .function import Context
from .graph import hooks
from .graph.style import nonfinite_counts
from .tensor import Tensor

_HERE = os.path.dirname(os.path.abspath(__file__))
_FRAMEWORK = tuple(os.path.join(os.path.dirname(_HERE), pkg) + os.sep
                   for pkg in ("autograd", "nn", "optim"))
_BACKWARD_CODE = engine.run_backward.__code__  # its local `node` is the node running
_enabled = False


class AnomalyError(RuntimeError):
    """A NaN or Inf appeared. ``op``, ``phase`` ('forward' or 'backward') and ``site``
    (``(filename, lineno, function)`` of the user code that made the op, or None) say where.
    """

    def __init__(self, message: str, op: str, phase: str,
                 site: tuple[str, int, str] | None) -> None:
        super().__init__(message)
        self.op = op
        self.phase = phase
        self.site = site


def _user_frame(frame: FrameType | None) -> tuple[str, int, str] | None:
    """The first frame outside the framework: the user code that made the op."""
    while frame is not None:
        code = frame.f_code
        filename = os.path.abspath(code.co_filename)
        if not filename.startswith(_FRAMEWORK):
            return filename, frame.f_lineno, code.co_name
        frame = frame.f_back
    return None


def _running_backward(frame: FrameType | None) -> Context | None:
    """The node whose backward is running, if an engine backward pass is on the stack.

    The whole stack is searched: a custom Function's ``backward`` is user code, so the
    engine's frame lies above the first user frame."""
    while frame is not None:
        if frame.f_code is _BACKWARD_CODE:
            return frame.f_locals.get("node")
        frame = frame.f_back
    return None


def _where(site: tuple[str, int, str] | None) -> str:
    if site is None:
        return "at an unknown place (the op was made before anomaly detection was turned " \
               "on: run the forward pass inside detect_anomaly() too)"
    filename, lineno, function = site
    code = linecache.getline(filename, lineno).strip()
    return f"at {filename}:{lineno} in {function}" + (f"\n    {code}" if code else "")


def _describe(a: np.ndarray) -> str | None:
    n_nan, n_inf = nonfinite_counts(a)
    if not n_nan and not n_inf:
        return None
    kind = "NaN" if n_nan else "Inf"
    return f"{kind} ({n_nan} NaN and {n_inf} Inf among the {a.size} values of shape {a.shape})"


def _check_forward(ctx: Context, raw: Any, recorded: bool) -> None:
    outs = raw if type(raw) is tuple else (raw,)
    problem = None
    for i, out in enumerate(outs):
        problem = _describe(np.asarray(out))
        if problem is not None:
            problem = f"{problem} in output {i}"
            break
    if problem is None:
        if recorded:
            hooks.ensure_record(ctx).site = _user_frame(sys._getframe(1))
        return
    frame = sys._getframe(1)
    site, running = _user_frame(frame), _running_backward(frame)
    name = ctx.name
    if running is not None:
        rec = hooks.record_of(running)
        made = rec.site if rec is not None else None
        during = f", {_where(site)}" if site is not None else ""
        message = (f"detect_anomaly: {name} produced {problem} during the backward of "
                   f"{running.name}{during}\nThat {running.name} was created in forward "
                   f"{_where(made)}")
        raise AnomalyError(message, running.name, "backward", made)
    message = f"detect_anomaly: {name} produced {problem} in forward, {_where(site)}"
    raise AnomalyError(message, name, "forward", site)


def _check_backward(node: Context, grads: list, in_grads: tuple) -> None:
    for i, g in enumerate(in_grads):
        if g is None:
            continue
        problem = _describe(np.asarray(g.data if isinstance(g, Tensor) else g))
        if problem is None:
            continue
        rec = hooks.record_of(node)
        site = rec.site if rec is not None else None
        incoming = [j for j, go in enumerate(grads)
                    if go is not None and _describe(np.asarray(go.data)) is not None]
        note = (f" (the gradient flowing into its output {incoming[0]} already had NaN/Inf)"
                if incoming else "")
        message = (f"detect_anomaly: the backward of {node.name} returned {problem} as the "
                   f"gradient of its argument {i}{note}; that {node.name} was created in "
                   f"forward {_where(site)}")
        raise AnomalyError(message, node.name, "backward", site)


def _set(mode: bool) -> None:
    global _enabled
    _enabled = bool(mode)
    if _enabled:
        hooks.add_observers(_check_forward, _check_backward)
    else:
        hooks.remove_observers(_check_forward, _check_backward)


class set_detect_anomaly:  # noqa: N801  (a function or a context manager, as torch's)
    """Turn anomaly detection on or off for the whole process (every thread).

    Called as a function it takes effect at once and stays; as a context manager
    (``with ag.set_detect_anomaly(flag):``) the previous setting comes back at the end
    of the block, as with PyTorch's. ``check_nan=False`` turns detection off, as in
    ``detect_anomaly``.
    """

    __slots__ = ("prev",)

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = _enabled
        _set(bool(mode) and check_nan)

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        _set(self.prev)


def is_anomaly_enabled() -> bool:
    """True while anomaly detection is on."""
    return _enabled


class detect_anomaly:  # noqa: N801  (a context manager, named like torch's)
    """Context manager (and decorator): raise ``AnomalyError`` at the first NaN/Inf.

    >>> with ag.detect_anomaly():
    ...     loss = model(x).log().mean()   # AnomalyError: Log produced NaN ... at file:line
    ...     loss.backward()

    ``check_nan=False`` turns it off for the block. Only for debugging: every
    op's output is scanned and every node remembers where it was created.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._previous = False

    def __enter__(self) -> detect_anomaly:
        self._previous = _enabled
        _set(self.check_nan)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        _set(self._previous)

    def __call__(self, fn: Any) -> Any:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper
