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


_state = _GradState()


def is_grad_enabled() -> bool:
    """Return True when new operations are recorded in the graph."""
    return _state.enabled


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
        return _decorate(fn, self.mode)


def _decorate(fn: F, mode: bool) -> F:
    """``fn`` run with grad mode ``mode``, the caller's mode restored after each call.

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


def _call_in_mode(mode: bool, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    prev = _state.enabled
    _state.enabled = mode
    try:
        return fn(*args, **kwargs)
    finally:
        _state.enabled = prev


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
        return _decorate(fn, self.mode)


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
