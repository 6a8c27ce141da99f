"""``record()``: keep what a drawing of the graph needs beyond its structure.

A graph node keeps its edges and its outputs' shapes, but not its output values
(that would keep every activation alive) nor the gradients that flowed through
it (intermediates drop them). Inside ``with autograd.graph.record():`` the
forward remembers each recorded op's output arrays (a copy of those that are
views of other memory, which an optimizer step may change later) and the
backward remembers the gradient flowing into each op's outputs and along each
of its input edges, and the order in which it visited the ops. ``record(modules=model)`` also notes,
for every op, the innermost submodule whose ``forward`` ran it, so that
``draw_graph(..., modules=model)`` can group every op, not only those touching
a parameter. This holds the activations in memory until the graph is dropped:
use it for looking, not for training.
"""

from __future__ import annotations

import itertools
import sys
from types import FrameType, TracebackType
from typing import Any

import numpy as np

from ..function import Context
from ..tensor import Tensor
from . import hooks

_depth = 0
# (module name, frame of the module call running it), innermost last.
_module_stack: list[tuple[str, FrameType]] = []
_visits = itertools.count()


def _copy(x: Any) -> np.ndarray | None:
    # A copy: the engine may later accumulate into the very array it passed along.
    if x is None:
        return None
    return np.array(x.data if isinstance(x, Tensor) else x)


def _value(o: Any) -> np.ndarray:
    # A view shares its input's memory, which an in-place update (an optimizer step)
    # may change after the forward: keep what the forward produced.
    a = np.asarray(o)
    return a.copy() if a.base is not None else a


def _current_module() -> str | None:
    """The innermost module whose call is still running.

    A forward that raises skips the forward hooks, so its entry is never popped by
    them: an entry whose call is no longer on the Python stack is dropped here.
    """
    while _module_stack:
        name, call = _module_stack[-1]
        frame = sys._getframe(1)
        while frame is not None and frame is not call:
            frame = frame.f_back
        if frame is not None:
            return name
        _module_stack.pop()
    return None


def _on_forward(ctx: Context, raw: Any, recorded: bool) -> None:
    if not recorded:
        return
    rec = hooks.ensure_record(ctx)
    rec.values = tuple(_value(o) for o in raw) if type(raw) is tuple else (_value(raw),)
    if _module_stack:
        rec.module = _current_module()


def _on_backward(node: Context, grads: list, in_grads: tuple) -> None:
    rec = hooks.ensure_record(node)
    rec.grads = tuple(_copy(g) for g in grads)
    rec.edge_grads = tuple(_copy(g) for g in in_grads)
    rec.order = next(_visits)


def _enter_module(name: str) -> Any:
    def pre(module: Any, args: Any) -> None:
        _module_stack.append((name, sys._getframe(1)))  # the module call running the hook

    return pre


def _leave_module(name: str) -> Any:
    def post(module: Any, args: Any, output: Any) -> None:
        while _module_stack:
            if _module_stack.pop()[0] == name:
                break

    return post


class record:  # noqa: N801  (a context manager, named like no_grad)
    """Context manager: remember values (forward) and gradients (backward) for drawing.

    >>> with ag.graph.record(modules=model):
    ...     loss = loss_fn(model(x), y)
    ...     loss.backward()
    >>> ag.draw_graph(loss, modules=model)   # values and gradients of every op

    ``modules`` (an ``nn.Module``, optional) is traced with forward hooks so
    that each op knows the innermost submodule that ran it.
    """

    def __init__(self, modules: Any = None) -> None:
        if modules is not None and not hasattr(modules, "named_modules"):
            raise TypeError(f"record: modules= takes an nn.Module (anything with "
                            f"named_modules()), got {type(modules).__name__}; to trace several "
                            "models, put them in one nn.Sequential")
        self.modules = modules
        self._handles: list[Any] = []

    def __enter__(self) -> record:
        global _depth
        if self.modules is not None:
            # Hooks first: if registering fails, nothing is left switched on.
            try:
                for name, m in self.modules.named_modules():
                    self._handles.append(m.register_forward_pre_hook(_enter_module(name)))
                    self._handles.append(m.register_forward_hook(_leave_module(name)))
            except BaseException:
                self._remove_handles()
                raise
        _depth += 1
        hooks.add_observers(_on_forward, _on_backward)
        return self

    def _remove_handles(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        global _depth
        self._remove_handles()
        _depth -= 1
        if _depth == 0:
            _module_stack.clear()
            hooks.remove_observers(_on_forward, _on_backward)


def is_recording() -> bool:
    """True inside ``autograd.graph.record()``."""
    return _depth > 0
