"""Grad mode: whether operations record the graph.

The flag is thread-local, as in PyTorch: ``no_grad()`` in one thread does not
turn recording off in another.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Generator
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradState(threading.local):
    enabled = True
    inference = False


_state = _GradState()


def is_grad_enabled() -> bool:
    """Return True when new operations are recorded in the graph."""
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    """Return True inside ``inference_mode()`` (PyTorch's name)."""
    return _state.inference


class set_grad_enabled:
    """Turn graph recording on or off.

    Called as a function it takes effect at once; used as a context manager it
    restores the previous mode on exit; used as a decorator it applies the mode
    for the duration of each call (of each step, for a generator function).
    """

    __slots__ = ("mode", "prev")

    def __init__(self, mode: bool) -> None:
        self.prev = _state.enabled
        self.mode = bool(mode)
        _state.enabled = self.mode

    def __enter__(self) -> set_grad_enabled:
        return self

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self.prev

    def __call__(self, fn: F) -> F:
        _state.enabled = self.prev
        mode = self.mode
        return _decorate(fn, lambda: set_grad_enabled(mode))


def _decorate(fn: F, mode: Callable[[], Any]) -> F:
    """``fn`` run inside the context manager ``mode()`` makes, the caller's mode restored
    after each call.

    A generator function's body runs under ``mode`` at every step (``next``, ``send``,
    ``throw``, ``close``) and the caller's mode is back in between, as PyTorch's
    decorators do: wrapping only the call that makes the generator would run no line of
    its body under ``mode``.
    """
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator(*args: Any, **kwargs: Any) -> Generator:
            gen = fn(*args, **kwargs)
            step, value = gen.send, None
            while True:
                try:
                    response = _call_in_mode(mode, step, value)
                except StopIteration as stop:
                    return stop.value
                try:
                    value = yield response
                    step = gen.send
                except GeneratorExit:
                    _call_in_mode(mode, gen.close)
                    raise
                except BaseException as exc:  # thrown in by the caller: the body handles it
                    step, value = gen.throw, exc

        return generator  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _call_in_mode(mode, fn, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _call_in_mode(mode: Callable[[], Any], fn: Callable[..., Any], *args: Any,
                  **kwargs: Any) -> Any:
    with mode():
        return fn(*args, **kwargs)


class _GradModeContext:
    """Base for ``no_grad`` and ``enable_grad``: a context manager and decorator.

    Both ``@no_grad()`` and the bare ``@no_grad`` decorate a function.
    """

    mode = True
    __slots__ = ("prev",)

    def __new__(cls, fn: Any = None) -> Any:
        self = super().__new__(cls)
        return self if fn is None else self(fn)

    def __init__(self, fn: Any = None) -> None:
        pass

    def __enter__(self) -> _GradModeContext:
        self.prev = _state.enabled
        _state.enabled = self.mode
        return self

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self.prev

    def __call__(self, fn: F) -> F:
        return _decorate(fn, type(self))


class no_grad(_GradModeContext):
    """Context manager / decorator: operations inside record no graph.

    Use it for evaluation and for in-place parameter updates.
    """

    mode = False
    __slots__ = ()


class enable_grad(_GradModeContext):
    """Context manager / decorator: turn recording back on inside ``no_grad``."""

    mode = True
    __slots__ = ()


class inference_mode:
    """Context manager / decorator: PyTorch's ``inference_mode(mode=True)``.

    ``inference_mode()`` records no graph, as ``no_grad()``; ``inference_mode(False)``
    turns recording back on inside it, as in PyTorch. ``is_inference_mode_enabled()``
    reports it. Unlike PyTorch, graphgrad has no separate "inference tensors": what is
    made inside is an ordinary tensor that does not require grad, so using it in a
    recorded computation later is allowed (PyTorch raises), and nothing is faster than
    under ``no_grad()``. Both ``@inference_mode`` and ``@inference_mode()`` decorate a
    function.
    """

    __slots__ = ("mode", "prev")

    def __new__(cls, mode: Any = True) -> Any:
        self = super().__new__(cls)
        if callable(mode):
            self.mode = True
            return self(mode)
        return self

    def __init__(self, mode: Any = True) -> None:
        if callable(mode):
            return
        if not isinstance(mode, (bool, int)):
            raise TypeError(f"inference_mode takes a bool or a function, got {type(mode).__name__}")
        self.mode = bool(mode)

    def __enter__(self) -> inference_mode:
        self.prev = (_state.enabled, _state.inference)
        _state.enabled, _state.inference = not self.mode, self.mode
        return self

    def __exit__(self, *exc: object) -> None:
        _state.enabled, _state.inference = self.prev

    def __call__(self, fn: F) -> F:
        mode = self.mode
        return _decorate(fn, lambda: inference_mode(mode))
