"""In-place changes of a tensor's data, guarded so gradients are never silently wrong.

Each in-place change bumps the tensor's version counter; a backward through an op
that saved the tensor before the change then raises. The in-place activations
(``relu_``, ``F.relu(x, inplace=True)``, ``nn.Dropout(inplace=True)``, ...) go through
``apply_``, which records them as PyTorch does: the tensor takes the op's history; so do
the arithmetic (``add_``, ``x += y``, ...) and the writes (``t[index] = v``, ``copy_``,
``fill_``, ``zero_``, recorded as ``index_put``); a change of a view of t (``t[i]``,
``t.T``, ...) or of t rebases the histories of t and its live views. A leaf that
requires grad is refused while the graph is recorded, with the fix (``no_grad()`` for
parameter updates); so are the random fills of a tensor in the graph (their new values
depend on nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import grad_mode
from . import ops as _ops
from .errors import ShapeError
from .ops import index as _index
from .ops.overwrite import OVER_INPUT, VIEW_PUT, binary_over_input, index_put_over_input
from .tensor import Tensor


def _check(t: Tensor, op: str) -> None:
    if t._requires_grad and grad_mode._state.enabled:
        if t.grad_fn is None:
            raise RuntimeError(
                f"{op}: a leaf tensor that requires grad (shape {t.shape}) is being changed "
                "in place while the graph is recorded. Wrap parameter updates in "
                "`with autograd.no_grad():`."
            )
        raise RuntimeError(
            f"{op}: in-place change of a tensor of shape {t.shape} that is part of the "
            f"recorded graph (made by {t.grad_fn.name}). Use the out-of-place form "
            "(x = x + y) so the gradient stays correct."
        )
    _writable(t, op)


def _writable(t: Tensor, op: str) -> None:
    if not t.data.flags.writeable:
        raise RuntimeError(
            f"{op}: this tensor's data is a read-only view (e.g. made by broadcast_to / "
            "expand); .clone() it before changing it in place"
        )


def apply_(t: Tensor, op: str, compute: Callable[[Tensor], Tensor],
           saves_input: bool = False, others: tuple = (),
           over_input: Callable[[Tensor], Tensor] | None = None) -> Tensor:
    """Change ``t`` in place to ``compute(t)``, an op of ``t`` with t's shape and dtype,
    and return ``t``.

    When the op is recorded, ``t`` takes its history, as after PyTorch's in-place ops
    (``t.grad_fn`` becomes the op's node; ``retain_grad()`` moves along, hooks registered
    before stay with t's former node). relu, sigmoid, tanh, exp, sqrt and neg (and
    ``over_input``, the same op computed over t's memory, when given) write over t's
    memory in one pass when t owns it (``ops.overwrite``); other ops run out of place
    and their result is copied into t's memory. Either way a saved output then
    points at t's memory (checked against t's version), so an op whose backward needs
    only its output (relu, sigmoid, tanh, dropout's mask) holds no second copy.
    ``saves_input=True`` is for ops whose backward needs their input (or that are
    composed of several ops): they run on a copy of t that carries t's history, which
    their nodes keep. ``others`` are the op's other operands: one that requires grad
    makes the op recorded even when t does not. Views share memory, so their histories
    are rebased as PyTorch's are:
    changing a view of ``root`` (made by ops: ``root[i]``, ``root.T``, ``root.view(-1)``,
    ``root[0].T[1:]``...) gives root the history of writing the view's new value into it
    (``ViewPut``), and every live view of root (the changed one too, after a change of
    root itself) the history of reading it again from root's new one; so ``y[0] += 1``,
    ``y[:, 1] *= w`` and ``y.T.relu_()`` work on tensors of the graph. Refused, with the
    fix in the message: a leaf that requires grad (or a view of one) while the graph is
    recorded, and a tensor that shares its memory with a live view of another tensor (a
    ``detach()``-ed alias, say), whose history could not be rebased.
    """
    recorded = _recording(t, *others)
    if recorded and t._requires_grad and t.grad_fn is None:
        _check(t, op)  # raises: a leaf that requires grad
    _writable(t, op)
    rebase = None
    if recorded and t._vc is not None:
        views = t._vc.other_views(t)
        if views:
            rebase = _views_to_rebase(t, op, views)
    if over_input is None and not saves_input and compute in OVER_INPUT:
        over_input = OVER_INPUT[compute].apply
    if over_input is not None and rebase is None and _owns_contiguous_floats(t):
        result = _checked_result(op, t, over_input(t), recorded)
    else:
        source = t
        if saves_input and recorded:
            source = Tensor._make(t.data.copy(), t._requires_grad, t.grad_fn, t._output_index)
        result = _checked_result(op, t, compute(source), recorded)
    if rebase is not None and rebase[1]:  # t is a view: the change goes into its root
        _write_into_root(rebase[0], rebase[1], result)
    else:
        node = result.grad_fn
        if result.data is not t.data:
            np.copyto(t.data, result.data)
        _bump(t)
        if node is not None:
            node._take_over(t, result)
            _move_retained_grad(t, node, result._output_index)
            t._requires_grad = True
    if rebase is not None:
        _reread_views(rebase[0], [v for v in (*rebase[2], t) if v is not rebase[0]])
    return t


def _owns_contiguous_floats(t: Tensor) -> bool:
    """Whether an op of ``ops.overwrite`` can write over t's memory: an array of its own
    (no view of another one, which the engine would take the result for a view of),
    C-contiguous, floating point."""
    data = t.data
    return data.base is None and data.flags.c_contiguous and data.dtype.kind == "f"


def _checked_result(op: str, t: Tensor, result: Tensor, recorded: bool) -> Tensor:
    """``result``, once it is known to fit in ``t`` and to carry a history when the op is
    recorded."""
    if result.dtype != t.dtype:
        raise TypeError(f"{op}: result type {result.dtype} can't be cast to the tensor's "
                        f"dtype {t.dtype} in place; use the out-of-place form")
    if result.shape != t.shape:
        raise ShapeError(f"{op}: the result's shape {result.shape} differs from the "
                         f"tensor's shape {t.shape}; use the out-of-place form")
    if recorded and result.grad_fn is None:
        raise RuntimeError(f"{op}: the op was not recorded, so the tensor would keep a "
                           "history that no longer matches its values; use the "
                           "out-of-place form")
    return result


def _views_to_rebase(t: Tensor, op: str,
                     views: list[Tensor]) -> tuple[Tensor, tuple, list[Tensor]]:
    """For a recorded change of ``t`` while ``views`` share its memory: ``(root, path,
    views)``, root the tensor they were all made from by view ops (t itself, or the one
    ``path`` starts from). Refused when one of them is a view of another tensor (its
    history could not be rebased), and for views of a leaf that requires grad."""
    made_from = t._vc.view_path(t)
    root, path = (t, ()) if made_from is None else made_from
    for v in views:
        if v is not root and (v._vc.view_path(v) or (None,))[0] is not root:
            shapes = ", ".join(str(o.shape) for o in views[:3])
            raise RuntimeError(
                f"{op}: this tensor of shape {t.shape} shares its memory with other tensors "
                f"through view ops (shapes {shapes}); recording the change in place would "
                "leave their gradients wrong (changes are recorded through the views of one "
                "tensor; some of these view another one, such as a detach()-ed alias). Use "
                "the out-of-place form, or .clone() the tensor first and change the clone."
            )
    if path and root._requires_grad and root.grad_fn is None:
        raise RuntimeError(
            f"{op}: this tensor is a view of a leaf tensor that requires grad (shape "
            f"{root.shape}), changed in place while the graph is recorded. Wrap parameter "
            "updates in `with autograd.no_grad():`."
        )
    if path:
        _writable(root, op)
    return root, path, views


def _write_into_root(root: Tensor, path: tuple, result: Tensor) -> None:
    """Put ``result``, the new value of the view ``path`` makes of ``root``, into root:
    root takes the history of the nested ``ViewPut`` (the view's gradient goes to result,
    the rest to root's former value), as PyTorch rebases a view's base. A view one step
    from a root that owns its memory is written in place (``ops.overwrite.VIEW_PUT``)."""
    if len(path) == 1 and _owns_contiguous_floats(root):
        value = VIEW_PUT.apply(root, path[0], result)  # writes the view's places of root
    else:
        bases = [root]
        for step in path[:-1]:
            bases.append(step.read(bases[-1]))
        value = result
        for base, step in zip(reversed(bases), reversed(path)):
            value = _index.ViewPut.apply(base, step, value)
        np.copyto(root.data, value.data)
    _bump(root)
    _move_retained_grad(root, value.grad_fn, 0)
    root._requires_grad = True


def _reread_views(root: Tensor, views: list[Tensor]) -> None:
    """Give each view of ``root`` the history of reading it again from root's new one."""
    for view in views:
        read = root
        for step in view._vc.view_path(view)[1]:
            read = step.read(read)
        _move_retained_grad(view, read.grad_fn, read._output_index)
        view._requires_grad = True


def _recording(t: Tensor, *others: Any) -> bool:
    """Whether an op of ``t`` and ``others`` is recorded now."""
    if not grad_mode._state.enabled:
        return False
    return t._requires_grad or any(isinstance(o, Tensor) and o._requires_grad for o in others)


def _recorded_binary(t: Tensor, op: str, outplace: Callable, other: Any, alpha: float = 1.0,
                     saves_input: bool = False) -> Tensor:
    """``t = outplace(t, alpha·other)`` recorded, t taking the op's history (``apply_``);
    a floating result of another precision is cast back to t's dtype, as PyTorch's."""
    if isinstance(other, Tensor) or isinstance(other, np.ndarray):
        shape = other.shape
        if not _fits(shape, t.shape):
            raise _broadcast_error(op, shape, t.shape)

    def compute(source: Tensor) -> Tensor:
        operand = source if other is t else other
        if alpha != 1.0:
            operand = operand * alpha
        result = outplace(source, operand)
        if result.dtype != t.dtype and result.dtype.kind == "f" and t.dtype.kind == "f":
            result = _ops.astype(result, t.dtype)
        return result

    if type(other) in (float, int):
        over_input = binary_over_input(outplace, t, other * alpha)
    else:
        over_input = binary_over_input(outplace, t, other) if alpha == 1.0 else None
    return apply_(t, op, compute, saves_input, others=(other,), over_input=over_input)


def _move_retained_grad(t: Tensor, node: Any, index: int) -> None:
    """Point ``t`` at its new node, taking a ``retain_grad()`` hook along (PyTorch's rule:
    retaining a gradient belongs to the tensor, other hooks to the node)."""
    retained = t._retains_grad
    if retained:
        hooks = t.grad_fn._hooks.get(t._output_index, []) if t.grad_fn._hooks else []
        hooks[:] = [h for h in hooks if getattr(h, "_tensor", None) is None
                    or h._tensor() is not t]
        t._retains_grad = False
    t.grad_fn, t._output_index = node, index
    if retained:
        t.retain_grad()


def relu_(t: Tensor) -> Tensor:
    """``max(t, 0)`` in place (recorded: ``t`` takes the op's history)."""
    return apply_(t, "relu_", _ops.relu)


def sigmoid_(t: Tensor) -> Tensor:
    """``1/(1 + e^-t)`` in place (recorded: ``t`` takes the op's history)."""
    return apply_(t, "sigmoid_", _ops.sigmoid)


def tanh_(t: Tensor) -> Tensor:
    """``tanh(t)`` in place (recorded: ``t`` takes the op's history)."""
    return apply_(t, "tanh_", _ops.tanh)


def _data(x: Any) -> Any:
    """An operand's array (or the number itself); the unrecorded paths call it, where no
    operand requires grad."""
    return x.data if isinstance(x, Tensor) else x


def _numeric(v: Any) -> bool:
    try:
        return np.asarray(v).dtype.kind in "biufc"
    except ValueError:  # a ragged sequence
        return False


def _describe(v: Any) -> str:
    """What an operand is, for the errors: its dtype and shape, or its Python type."""
    if isinstance(v, (np.ndarray, np.generic)):
        return f"a {v.dtype} array of shape {v.shape}"
    return f"a {type(v).__name__}"


def _not_numbers(op: str, t: Tensor, v: Any) -> TypeError:
    return TypeError(f"{op}: the operand is {_describe(v)}, which can't be combined with a "
                     f"tensor of dtype {t.dtype}; pass a number, an array of numbers or a "
                     "Tensor")


def _fits(shape: tuple, target: tuple) -> bool:
    """True when ``shape`` broadcasts to exactly ``target`` (an in-place result's shape)."""
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def _operand(t: Tensor, v: Any, op: str, alpha: float = 1.0) -> np.ndarray:
    """``alpha·v`` as an array that can be written into ``t`` in place, or a TypeError."""
    arr = np.asarray(v)
    if arr.dtype.kind not in "biufc":
        raise _not_numbers(op, t, v)
    if alpha != 1.0:
        arr = np.multiply(arr, alpha)
    if arr.dtype.kind == "f" and t.data.dtype.kind in "iub":
        raise TypeError(
            f"{op}: result type {arr.dtype} can't be cast to {t.dtype} in place; use the "
            f"out-of-place form (x = x + y gives a float tensor) or convert the tensor first "
            "(x = x.astype(np.float32))"
        )
    return arr


def _ufunc_(ufunc: Any, op: str, t: Tensor, v: Any, alpha: float = 1.0) -> Tensor:
    """``t = ufunc(t, alpha·v)`` in place, NumPy's errors turned into ones naming the op."""
    v = _operand(t, v, op, alpha)
    try:
        ufunc(t.data, v, out=t.data, casting="unsafe")
    except ValueError:
        if _fits(v.shape, t.shape):
            raise
        raise _broadcast_error(op, v.shape, t.shape) from None
    return _bump(t)


def _broadcast_error(op: str, shape: tuple, target: tuple) -> ShapeError:
    return ShapeError(
        f"{op}: an operand of shape {shape} can't be broadcast to the tensor's shape "
        f"{target}, and an in-place result keeps the tensor's shape; use the "
        "out-of-place form (x = x + y) for a result of the broadcast shape"
    )


def mark_modified(*tensors: Tensor) -> None:
    """Record that the tensors' data was changed in place by code outside the engine
    (an optimizer's fused kernel, say), so stale saved copies are detected."""
    for t in tensors:
        t._version.value += 1


def _bump(t: Tensor) -> Tensor:
    t._version.value += 1
    return t


# The arithmetic below is recorded when t or the operand requires grad (t then takes the
# op's history, see ``apply_``), and otherwise runs as one NumPy ufunc into t's memory.


def add_(t: Tensor, other: Any, alpha: float = 1.0) -> Tensor:
    """``t += alpha * other`` in place."""
    if _recording(t, other):
        return _recorded_binary(t, "add_", _ops.add, other, alpha)
    _check(t, "add_")
    return _ufunc_(np.add, "add_", t, _data(other), alpha)


def sub_(t: Tensor, other: Any, alpha: float = 1.0) -> Tensor:
    """``t -= alpha * other`` in place."""
    if _recording(t, other):
        return _recorded_binary(t, "sub_", _ops.sub, other, alpha)
    _check(t, "sub_")
    return _ufunc_(np.subtract, "sub_", t, _data(other), alpha)


def mul_(t: Tensor, other: Any) -> Tensor:
    """``t *= other`` in place."""
    if _recording(t, other):
        return _recorded_binary(t, "mul_", _ops.mul, other, saves_input=True)
    _check(t, "mul_")
    return _ufunc_(np.multiply, "mul_", t, _data(other))


def div_(t: Tensor, other: Any) -> Tensor:
    """``t /= other`` in place."""
    if t.data.dtype.kind != "f":
        raise TypeError(
            f"div_: true division can't write into a tensor of dtype {t.dtype} in place; use "
            "the out-of-place form (x = x / y gives a float tensor)"
        )
    if _recording(t, other):
        return _recorded_binary(t, "div_", _ops.div, other, saves_input=True)
    _check(t, "div_")
    return _ufunc_(np.true_divide, "div_", t, _data(other))


def _assign(t: Tensor, op: str, index: Any, value: Any) -> Tensor:
    """``t[index] = value`` in place (value cast to t's dtype): recorded as ``index_put``
    when t or value requires grad (t then takes its history, see ``apply_``), otherwise
    one NumPy assignment into t's memory."""
    if _recording(t, value):
        if t.dtype.kind not in "fc":
            raise TypeError(f"{op}: the value requires grad, but a tensor of dtype {t.dtype} "
                            "can't carry a gradient; write value.detach(), or make the "
                            "tensor floating point")
        over_input = (index_put_over_input(index, value)
                      if _index.integers_first(index) is None else None)
        return apply_(t, op, lambda source: _index.index_put(source, index, value),
                      others=(value,), over_input=over_input)
    _writable(t, op)
    _index.write(t.data, index, _data(value))
    return _bump(t)


def zero_(t: Tensor) -> Tensor:
    """Fill with zeros in place (recorded when t is in the graph: no gradient reaches
    its former value)."""
    return _assign(t, "zero_", Ellipsis, 0)


def fill_(t: Tensor, value: Any) -> Tensor:
    """Fill with ``value`` (a number, or a 0-d tensor or array) in place; recorded when t
    or value requires grad (value's gradient: the sum of t's)."""
    v = _data(value)
    if not _numeric(v):
        raise _not_numbers("fill_", t, v)
    if np.ndim(v) != 0:
        raise ShapeError(
            f"fill_: the value must be a single number (shape ()), got shape "
            f"{np.shape(v)}; use copy_ to copy an array of values into the tensor of "
            f"shape {t.shape}"
        )
    return _assign(t, "fill_", Ellipsis, value)


def _draw(t: Tensor, op: str, generator: Any, sample: Any) -> Tensor:
    """Write ``sample(rng, shape, dtype)`` into ``t`` in place (floating tensors only)."""
    from .creation import get_rng

    _check(t, op)
    if t.data.dtype.kind != "f":
        raise TypeError(f"{op}: fills with floating point samples; the tensor has dtype "
                        f"{t.dtype} (shape {t.shape})")
    rng = get_rng(generator)
    dtype = t.data.dtype if t.data.dtype.itemsize in (4, 8) else np.float64
    t.data[...] = sample(rng, t.shape, dtype)
    return _bump(t)


def normal_(t: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with samples of the normal distribution ``N(mean, std²)`` in place, drawn from
    ``generator`` (a numpy Generator or an int seed) or autograd's global generator."""
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _draw(t, "normal_", generator,
                 lambda rng, shape, dt: rng.standard_normal(shape, dtype=dt) * std + mean)


def uniform_(t: Tensor, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with samples of the uniform distribution on ``[a, b)`` in place, drawn from
    ``generator`` (a numpy Generator or an int seed) or autograd's global generator."""
    if a > b:
        raise ValueError(f"uniform_: expects a <= b, got a={a} and b={b}")
    return _draw(t, "uniform_", generator,
                 lambda rng, shape, dt: rng.random(shape, dtype=dt) * (b - a) + a)


def copy_(t: Tensor, src: Any) -> Tensor:
    """Copy ``src`` (broadcast to t's shape, cast to its dtype) into t in place; recorded
    when t or src requires grad (src's gradient: t's, summed over the broadcasting)."""
    v = np.asarray(_data(src))
    if v.dtype.kind not in "biufc":
        raise _not_numbers("copy_", t, src)
    if not _fits(v.shape, t.shape):
        raise ShapeError(f"copy_: source of shape {v.shape} can't be broadcast to the "
                         f"tensor's shape {t.shape}")
    return _assign(t, "copy_", Ellipsis, src)


def clamp_(t: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limit values to ``[min, max]`` in place (recorded as ``clip`` when t or a bound
    requires grad: t takes the op's history)."""
    if _recording(t, min, max):
        return apply_(t, "clamp_", lambda source: _ops.clip(source, min, max),
                      saves_input=True, others=(min, max))
    _check(t, "clamp_")
    lo, hi = _data(min), _data(max)
    bounds = [b for b in (lo, hi) if b is not None]
    for b in bounds:
        if not _numeric(b):
            raise _not_numbers("clamp_", t, b)
    # Checked before clipping: NumPy 2 refuses float bounds for an integer array in place,
    # NumPy 1 only warns and truncates.
    result = np.result_type(t.data, *bounds)
    if not np.can_cast(result, t.dtype, casting="same_kind"):
        raise TypeError(
            f"clamp_: result type {result} can't be cast to {t.dtype} in place (bounds "
            f"{min!r}, {max!r}); use bounds of the tensor's kind (integers for an "
            "integer tensor) or the out-of-place x = x.clamp(min, max)")
    try:
        np.clip(t.data, lo, hi, out=t.data)
    except ValueError:
        for b in bounds:
            if not _fits(np.shape(b), t.shape):
                raise ShapeError(f"clamp_: a bound of shape {np.shape(b)} can't be broadcast "
                                 f"to the tensor's shape {t.shape}") from None
        raise
    return _bump(t)


def _is_in_place_already(t: Tensor, index: Any, value: Any) -> bool:
    """Whether ``value`` is the view ``t[index]`` itself, as when Python runs ``t[i] += v``
    as ``tmp = t[i]; tmp += v; t[i] = tmp``: then the write has happened (and was recorded
    by rebasing t's history), and writing again would change nothing."""
    if not isinstance(value, Tensor) or value._vc is None or value._vc is not t._vc:
        return False
    made_from = value._vc.view_path(value)  # value must be a view of t (so of t's history)
    t_made_from = t._vc.view_path(t)
    t_root, t_path = (t, ()) if t_made_from is None else t_made_from
    if made_from is None or made_from[0] is not t_root or made_from[1][:-1] != t_path:
        return False
    try:
        place = t.data[index]
    except (IndexError, TypeError, ValueError):
        return False
    return (isinstance(place, np.ndarray) and place.base is not None
            and place.__array_interface__["data"][0] == value.data.__array_interface__["data"][0]
            and place.shape == value.shape and place.strides == value.data.strides)


def setitem(t: Tensor, index: Any, value: Any) -> None:
    """``t[index] = value`` in place; recorded as ``index_put`` (t takes its history) when
    t or value requires grad, as PyTorch records it."""
    op = "item assignment (t[index] = value)"
    index = _index.normalize_index(index)
    if _is_in_place_already(t, index, value):  # t[i] += v: the view was changed in place
        return
    try:
        _assign(t, op, index, value)
    except (TypeError, ValueError):
        v = _data(value)
        if not _numeric(v):
            raise _not_numbers(op, t, v) from None
        target = _index.selected_shape(t.shape, index)
        if not _fits(np.shape(v), target):
            raise ShapeError(
                f"{op}: a value of shape {np.shape(v)} can't be broadcast to the shape "
                f"{target} that the index selects in the tensor of shape {t.shape}"
            ) from None
        raise
