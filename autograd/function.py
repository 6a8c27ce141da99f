"""The custom-op API: ``Function`` and its per-call ``Context`` (the graph node).

A Function subclass defines two static methods:

* ``forward(ctx, *args)`` receives NumPy arrays in place of Tensor arguments
  (other arguments pass through unchanged) and returns an array or a tuple of
  arrays. It may call ``ctx.save_for_backward(...)`` with arrays it wants back.
* ``backward(ctx, *grad_outputs)`` receives one gradient Tensor per output and
  returns one gradient Tensor (or ``None``) per argument of ``forward``.
  It is written with Tensor operations, so when the engine runs with
  ``create_graph=True`` the backward pass is itself recorded and can be
  differentiated again.

``Function.apply(*args)`` runs the forward, wraps the result in Tensors and,
when grad mode is on and an input requires grad, records a ``Context`` as the
outputs' ``grad_fn``. Integer and bool outputs have no gradient: they never
require grad, and a call whose outputs are all such is not recorded. The
Context is the graph node: it keeps the edges to the inputs' nodes, the saved
tensors and the outputs' shapes, but never the output Tensors themselves, so
the graph holds no reference cycle.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .errors import GraphError
from .grad_mode import _call_in_mode, no_grad
from .grad_mode import _state as _grad_state
from .tensor import Tensor, _VersionCounter

_new = object.__new__


def _version_of(t: Tensor) -> int:
    vc = t._vc
    return 0 if vc is None else vc.value


def _input_version(array: np.ndarray, args: tuple) -> _VersionCounter | None:
    """The version counter of the input Tensor whose memory ``array`` is a view of (an
    in-place change through the view changes that input too), else None."""
    base = array.base
    if base is None:
        return None
    for t in args:
        if isinstance(t, Tensor):
            data = t.data
            if data is base or data.base is base:
                return t._version
    return None

class ViewStep:
    """How a view was made: op ``fn`` run on its base (argument ``position``) with the
    other arguments ``args``, taking output ``output`` (None for a single output). It
    reads the same view again from another base, recorded (``read``) or as a NumPy view
    of an array (``read_array``), which is how a change made through a view is written
    into its base and how the other views' histories are rebased (``inplace.apply_``)."""

    __slots__ = ("fn", "args", "position", "output")

    def __init__(self, fn: type, args: tuple, position: int, output: int | None) -> None:
        self.fn, self.position, self.output = fn, position, output
        self.args = args[:position] + (None,) + args[position + 1:]  # no reference to the base

    def _with(self, base: Any) -> list:
        args = list(self.args)
        args[self.position] = base
        return args

    def read(self, base: Tensor) -> Tensor:
        """The view of ``base`` this step makes, as a recorded op."""
        out = self.fn.apply(*self._with(base))
        return out if self.output is None else out[self.output]

    def read_array(self, base: np.ndarray) -> np.ndarray:
        """The view of the array ``base`` this step makes (the op's forward on arrays)."""
        args = [a.data if isinstance(a, Tensor) else a for a in self._with(base)]
        out = self.fn.forward(Context(self.fn), *args)
        return out if self.output is None else out[self.output]


def _note_view(out: Tensor, args: tuple, fn: type, output: int | None = None) -> None:
    """An output of ``fn`` that views an input's memory: note both on their shared version
    counter, with the step that made the view, so a recorded in-place op on either
    rebases the other's history (or refuses, naming the fix)."""
    base = out.data.base
    for position, t in enumerate(args):
        if isinstance(t, Tensor):
            data = t.data
            if data is base or data.base is base:
                t._version.note_view(out, t, ViewStep(fn, args, position, output))
                return


_make = Tensor._make

# Debugging hook: None, or a callable ``observer(ctx, raw_outputs, recorded)`` run after
# every forward while anomaly detection or graph recording is on (autograd.graph.hooks
# installs it). Kept to one global check so that the hot path pays nothing else.
_observer = None

_INPUT, _OUTPUT, _CONSTANT, _TENSOR = 0, 1, 2, 3


class Context:
    """One recorded call of a Function: the node of the computation graph.

    Attributes
    ----------
    fn : the Function subclass that was applied.
    next_edges : one entry per forward argument: ``(node, output_index)`` for an
        input made by another op, ``(leaf_tensor, -1)`` for a leaf that requires
        grad, ``None`` otherwise.
    needs_input_grad : tuple of bools, one per forward argument.
    out_meta : ``(shape, dtype)`` of each output.
    """

    __slots__ = (
        "fn",
        "next_edges",
        "needs_input_grad",
        "out_meta",
        "_inputs",
        "_input_arrays",
        "_to_save",
        "_saved",
        "_released",
        "_hooks",
        "_out_versions",
        "__dict__",
        "__weakref__",
    )
    # Set by the rarely used PyTorch calls below, in the instance's __dict__.
    _non_differentiable: tuple | None = None
    _materialize_grads = True

    def __init__(self, fn: type[Function]) -> None:
        self.fn = fn
        self._to_save = None

    def mark_non_differentiable(self, *outputs: Any) -> None:
        """Mark outputs of ``forward`` (the arrays it returns) as not differentiable, as
        PyTorch's: they come out not requiring grad, and ``backward`` still receives a
        gradient for each, zeros. (Integer and bool outputs never are differentiable.)"""
        self._non_differentiable = outputs

    def set_materialize_grads(self, value: bool) -> None:
        """``False``: ``backward`` of a forward with several outputs receives None, not
        zeros, for the outputs no gradient reached (PyTorch's option; zeros by default)."""
        self._materialize_grads = bool(value)

    @property
    def name(self) -> str:
        """The op's name as shown in errors and drawings (e.g. ``'Mul'``)."""
        return getattr(self.fn, "display_name", None) or self.fn.__name__

    def save_for_backward(self, *items: Any) -> None:
        """Keep arrays (or Tensors) for ``backward``; read them back as ``saved_tensors``.

        An array that is one of the forward's inputs is saved as that input Tensor
        (so its history is kept for higher-order gradients and its version is
        checked); an array the forward returns is saved as that output.
        """
        self._to_save = items

    def _resolve_saved(self, inputs: tuple, outputs: tuple) -> None:
        saved = []
        for item in self._to_save:
            if item is None:
                saved.append((_CONSTANT, None, 0))
                continue
            if isinstance(item, Tensor):
                saved.append((_TENSOR, item, _version_of(item)))
                continue
            for t in inputs:
                if isinstance(t, Tensor) and t.data is item:
                    vc = t._vc
                    saved.append((_INPUT, t, 0 if vc is None else vc.value))
                    break
            else:
                for j, out in enumerate(outputs):
                    if out is item:
                        # The output Tensor does not exist yet: its version counter (its
                        # input's, when it is a view of one) is chosen here, and apply()
                        # gives it to the Tensor it returns.
                        if self._out_versions is None:
                            self._out_versions = [None] * len(outputs)
                        vc = self._out_versions[j]
                        if vc is None:
                            vc = _input_version(item, inputs) or _VersionCounter()
                            self._out_versions[j] = vc
                        saved.append((_OUTPUT, (item, j, vc), vc.value))
                        break
                else:
                    vc = None
                    if type(item) is np.ndarray and item.base is not None:
                        vc = _input_version(item, inputs)
                    if vc is None:
                        saved.append((_CONSTANT, item, 0))
                    else:
                        # A view of an input (``x.T``, ``x[0]``): changing the input in
                        # place changes it too, so it is checked against the input's version.
                        view = _make(item, False, None, 0)
                        view._vc = vc
                        saved.append((_TENSOR, view, vc.value))
        self._saved = saved
        self._to_save = None

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """The saved values as Tensors; raises if the graph was freed or an input changed."""
        if self._to_save is not None:  # read inside forward, before the node is recorded
            return tuple(None if a is None else Tensor._wrap(a) for a in self._to_save)
        if self._released:
            raise GraphError(
                f"Trying to backward through the graph a second time (op {self.name}): its "
                "saved tensors were freed after the first backward. Pass retain_graph=True "
                "to the first backward() (or autograd.grad) to keep them."
            )
        if self._saved is None:
            return ()
        result = []
        for kind, value, version in self._saved:
            if kind == _INPUT or kind == _TENSOR:
                vc = value._vc
                if (0 if vc is None else vc.value) != version:
                    self._raise_modified(kind, value, value.data, vc.value, version)
                result.append(value)
            elif kind == _OUTPUT:
                array, index, vc = value
                if vc.value != version:
                    self._raise_modified(kind, index, array, vc.value, version)
                out = Tensor._make(array, True, self, index)
                out._vc = vc
                result.append(out)
            elif value is None:
                result.append(None)
            elif type(value) is np.ndarray:
                result.append(_make(value, False, None, 0))
            else:
                result.append(Tensor._wrap(value))
        return tuple(result)

    def _raise_modified(self, kind: int, which: Any, array: np.ndarray, now: int,
                        then: int) -> None:
        """Raise the error of a saved value changed in place since the forward: the op, the
        value's place, dtype, shape and versions, the fix and (in anomaly mode) where the op
        was made. ``which`` is the saved Tensor, or the output's index for an output."""
        name = self.name
        hint = ""
        if kind == _OUTPUT:
            what = f"its output {which}"
        elif kind == _TENSOR:
            what = "a tensor, or a view of one of its inputs"
        else:
            position = self._input_position(which)
            what = "an input" if position is None else f"its input {position}"
            if which.name:
                what += f" {which.name!r}"
            if which.grad_fn is None and which._requires_grad:
                hint = (" If it is a parameter an optimizer updated (step() under no_grad), "
                        "call backward() before the update.")
        from .graph import hooks  # only on this error: the records of anomaly mode

        rec = hooks.record_of(self)
        site = None if rec is None else rec.site
        if site is None:
            where = (f" To see where that {name} was made, run the forward pass inside "
                     "`with autograd.detect_anomaly():`.")
        else:
            where = f" That {name} was made at {site[0]}:{site[1]} in {site[2]}."
        raise GraphError(
            f"A {array.dtype} tensor of shape {array.shape} saved by {name} for the backward "
            f"pass ({what}) was modified in place (its version is now {now}, it was {then} "
            "when saved). Use an out-of-place op (x = x + y instead of x += y / x.add_(y)) or "
            f".clone() the tensor before changing it.{hint}{where}"
        )

    def _take_over(self, t: Tensor, result: Tensor) -> None:
        """Make ``t`` this node's output in place of ``result``: an in-place op computed out
        of place, whose values were just copied into ``t.data``, or computed over
        ``t.data`` itself (``result.data is t.data``: the array the forward saved was then
        both its input and its output). A saved output becomes t's memory, checked
        against t's version from now on."""
        saved = self._saved
        over_input = result.data is t.data
        for i, (kind, value, _) in enumerate(saved or ()):
            if kind == _OUTPUT and value[0] is result.data:
                saved[i] = (_OUTPUT, (t.data, value[1], t._version), t._version.value)
            elif over_input and kind == _INPUT and value is t:
                saved[i] = (_OUTPUT, (t.data, result._output_index, t._version),
                            t._version.value)

    def _input_position(self, t: Tensor) -> int | None:
        """The position of ``t`` among the forward's arguments, when its edge shows it."""
        own = (t, -1) if t.grad_fn is None else (t.grad_fn, t._output_index)
        for i, edge in enumerate(self.next_edges):
            if edge is not None and edge[0] is own[0] and edge[1] == own[1]:
                return i
        return None

    def register_hook(self, index: int, hook: Any) -> None:
        """Call ``hook(grad)`` on the gradient of output ``index`` when backward reaches it.

        Hooks run in the order they were registered, except ``retain_grad()``'s, which runs
        last (as PyTorch's): ``.grad`` holds the gradient every hook has had its say on.
        """
        if self._hooks is None:
            self._hooks = {}
        hooks = self._hooks.setdefault(index, [])
        if hooks and getattr(hooks[-1], "_retain_grad", False):
            hooks.insert(len(hooks) - 1, hook)
        else:
            hooks.append(hook)

    def __repr__(self) -> str:
        return f"<{self.name}Backward>"


class Function:
    """Base class of every differentiable operation, built-in or user-defined.

    Example
    -------
    >>> class Cube(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return grad * 3 * x ** 2
    >>> y = Cube.apply(x)
    """

    @staticmethod
    def forward(ctx: Context, *args: Any) -> Any:
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Context, *grad_outputs: Tensor) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, *grads)")

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run ``forward`` on the arguments and record the node when needed."""
        ctx = _new(Context)
        ctx.fn = cls
        ctx._to_save = None
        record = False
        arrays = []
        for a in args:
            if isinstance(a, Tensor):
                if a._requires_grad:
                    record = True
                arrays.append(a.data)
            else:
                arrays.append(a)
        if record and not _grad_state.enabled:
            record = False
        raw = cls.forward(ctx, *arrays)
        if _observer is not None:
            _observer(ctx, raw, record)
        if type(raw) is not tuple:
            if type(raw) is not np.ndarray:
                raw = _as_array_output(ctx, raw)
            if not record:
                out = _make(raw, False, None, 0)
                if raw.base is not None:
                    out._vc = _input_version(raw, args)
                    if out._vc is not None:
                        _note_view(out, args, cls)
                return out
            if _record(ctx, args, (raw,)) is not None:  # integer or bool: no gradient
                return _constant(raw, args, cls)
            out = _make(raw, True, ctx, 0)
            if ctx._out_versions is not None:
                out._vc = ctx._out_versions[0]
            elif raw.base is not None:
                out._vc = _input_version(raw, args)
            if raw.base is not None and out._vc is not None:
                _note_view(out, args, cls)
            return out
        outs = tuple(o if type(o) is np.ndarray else _as_array_output(ctx, o) for o in raw)
        constants = _record(ctx, args, outs) if record else None
        if constants is not None and len(constants) == len(outs):
            record = False
        versions = ctx._out_versions if record else None
        results = []
        for i, o in enumerate(outs):
            t = _make(o, record, ctx if record else None, i if record else 0)
            vc = versions[i] if versions is not None else None
            t._vc = vc if vc is not None else _input_version(o, args)
            if o.base is not None and t._vc is not None:
                _note_view(t, args, cls, i)
            results.append(t)
        if constants is not None and record:
            for i in constants:
                t = results[i]
                t._requires_grad, t.grad_fn, t._output_index = False, None, 0
        return tuple(results)


def _as_array_output(ctx: Context, value: Any) -> np.ndarray:
    """A forward's output that is not an ndarray (NumPy gives scalars for 0-d results:
    ``np.exp`` of a 0-d array is an ``np.float64``) as a 0-d array; where the forward
    saved that very object, the array is saved instead, so it is still recognised as
    the output (its history kept for gradients of gradients)."""
    arr = np.asarray(value)
    saved = ctx._to_save
    if saved is not None and any(item is value for item in saved):
        ctx._to_save = tuple(arr if item is value else item for item in saved)
    return arr


def _marked(ctx: Context, out: np.ndarray) -> bool:
    """Whether ``forward`` passed ``out`` to ``ctx.mark_non_differentiable``."""
    return any(out is o or (isinstance(o, Tensor) and o.data is out)
               for o in ctx._non_differentiable)


def _constant(raw: np.ndarray, args: tuple, fn: type) -> Tensor:
    """An output of ``fn`` that is not recorded: no ``grad_fn``, no ``requires_grad``."""
    out = _make(raw, False, None, 0)
    if raw.base is not None:
        out._vc = _input_version(raw, args)
        if out._vc is not None:
            _note_view(out, args, fn)
    return out


_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


def _record(ctx: Context, args: tuple, outs: tuple) -> list[int] | None:
    """Make ``ctx`` a graph node: edges to the inputs, output metadata, saved values.

    Returns None, or the positions of the integer and bool outputs, which have no
    gradient; when every output is such, ``ctx`` is not made a node.
    """
    # The dtypes are compared with float32 and float64 first, so the usual outputs never
    # pay for the slower ``dtype.kind``.
    constants = None
    if len(outs) == 1:
        out = outs[0]
        dtype = out.dtype
        if dtype is not _F32 and dtype is not _F64 and dtype.kind != "f":
            return [0]
        if ctx._non_differentiable is not None and _marked(ctx, out):
            return [0]
        ctx.out_meta = ((out.shape, dtype),)
    else:
        meta = tuple([(o.shape, o.dtype) for o in outs])
        for _, dtype in meta:
            if dtype is not _F32 and dtype is not _F64 and dtype.kind != "f":
                constants = [i for i, (_, d) in enumerate(meta) if d.kind != "f"]
                break
        if ctx._non_differentiable is not None:
            constants = sorted({*(constants or ()),
                                *(i for i, o in enumerate(outs) if _marked(ctx, o))}) or None
        if constants is not None and len(constants) == len(outs):
            return constants
        ctx.out_meta = meta
    edges = []
    needs = []
    for t in args:
        if isinstance(t, Tensor) and t._requires_grad:
            fn = t.grad_fn
            edges.append((t, -1) if fn is None else (fn, t._output_index))
            needs.append(True)
        else:
            edges.append(None)
            needs.append(False)
    ctx.next_edges = tuple(edges)
    ctx.needs_input_grad = tuple(needs)
    ctx._saved = None
    ctx._released = False
    ctx._hooks = None
    ctx._out_versions = None
    if ctx._to_save is not None:
        ctx._resolve_saved(args, outs)
    return constants


class _DelayedError(Function):
    """Identity whose backward raises: what ``once_differentiable`` leaves in a recorded
    backward pass, so differentiating it again fails instead of giving 0."""

    @staticmethod
    def forward(ctx, value, name):
        ctx.op = name
        return value

    @staticmethod
    def backward(ctx, grad):
        raise GraphError(f"trying to differentiate twice a function that was marked with "
                         f"@once_differentiable ({ctx.op}.backward): its gradient was "
                         f"computed outside the graph. Write that backward with Tensor ops "
                         f"to differentiate it again")


def once_differentiable(backward: Any) -> Any:
    """Decorator for a ``Function.backward`` computed outside the graph (with NumPy on
    ``.data``, say), as PyTorch's: it runs under ``no_grad``, and in a recorded backward
    pass (``create_graph=True``) its gradients come out as nodes whose own backward
    raises, so a gradient of them fails loudly instead of silently missing the part that
    went through NumPy.

    >>> class Cube(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     @once_differentiable
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return Tensor(3 * x.data ** 2 * grad.data)
    """
    @functools.wraps(backward)
    def wrapper(ctx: Context, *grads: Any) -> Any:
        recording = _grad_state.enabled
        result = _call_in_mode(no_grad, backward, ctx, *grads)
        if not recording or not any(isinstance(g, Tensor) and g._requires_grad for g in grads):
            return result
        results = result if isinstance(result, tuple) else (result,)
        guarded = tuple(r if not isinstance(r, Tensor) else _DelayedError.apply(
            Tensor._make(r.data, True, None, 0), ctx.name) for r in results)
        return guarded if isinstance(result, tuple) else guarded[0]

    return wrapper
