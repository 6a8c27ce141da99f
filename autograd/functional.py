"""Derivatives of whole functions: ``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``hvp``, ``vhp``.

Conventions follow ``torch.autograd.functional``: ``inputs`` is a Tensor or a
tuple of Tensors, ``func(*inputs)`` returns a Tensor or a tuple of Tensors, and
each result is a tuple exactly where the corresponding argument (or output)
was one. Results are detached unless ``create_graph=True``, in which case they
can be differentiated again. An input the outputs do not depend on gets zeros
(``strict=True`` raises instead).

Forward mode (``jvp``) uses the double-vjp trick: ``g(u) = Jᵀu`` is linear in
``u``, so the gradient of ``g(u)·v`` with respect to ``u`` is ``J v`` (seed
inventory §1.5: "treat each gradient as a new graph output and run backward
again").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import engine, grad_mode
from .ops import stack
from .tensor import Tensor

Inputs = Tensor | tuple[Tensor, ...]


def _tuple(x: Any, what: str, fn: str) -> tuple[bool, tuple[Tensor, ...]]:
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn}: {what} {i} must be a Tensor, got {type(t).__name__}")
    return is_tuple, items


def _untuple(is_tuple: bool, items: tuple) -> Any:
    return items if is_tuple else items[0]


def _prepare(inputs: tuple[Tensor, ...], create_graph: bool, fn: str) -> tuple[Tensor, ...]:
    """Inputs to differentiate with respect to: fresh leaves, or (create_graph) aliases
    that stay connected to the caller's graph so the result can be differentiated."""
    out = []
    for i, t in enumerate(inputs):
        if t.dtype.kind not in "fc":
            raise TypeError(f"{fn}: input {i} is {t.dtype}; only floating tensors can be "
                            "differentiated (convert it with .astype(np.float64))")
        if create_graph and t.requires_grad:
            with grad_mode.enable_grad():
                out.append(t.reshape(t.shape))
        else:
            out.append(Tensor._make(t.data, False, None, 0).requires_grad_(True))
    return tuple(out)


def _outputs(func: Callable, inputs: tuple[Tensor, ...], fn: str) -> tuple[bool, tuple]:
    with grad_mode.enable_grad():
        result = func(*inputs)
    return _tuple(result, "output", fn)


def _grad(outputs: tuple, inputs: tuple, grad_outputs: tuple, create_graph: bool,
          strict: bool, fn: str) -> tuple[Tensor, ...]:
    """Σ grad_outputs·outputs differentiated w.r.t. inputs, zeros for unused inputs."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if pairs:
        grads = engine.grad([o for o, _ in pairs], inputs, [g for _, g in pairs],
                            retain_graph=True, create_graph=create_graph, allow_unused=True)
    else:
        grads = (None,) * len(inputs)
    result = []
    for i, (g, t) in enumerate(zip(grads, inputs)):
        if g is None:
            if strict:
                raise RuntimeError(f"{fn}: the output does not depend on input {i} (strict="
                                   "True); pass strict=False to get zeros")
            g = Tensor._make(np.zeros(t.shape, dtype=t.dtype), False, None, 0)
        result.append(g if create_graph else g.detach())
    return tuple(result)


def _vectors(v: Any, like: tuple[Tensor, ...], what: str, fn: str) -> tuple[Tensor, ...]:
    if v is None:
        if len(like) != 1 or like[0].data.size != 1:
            raise RuntimeError(f"{fn}: v can be omitted only when the {what} is a single "
                               f"tensor with one element; give v with the {what}'s shape(s) "
                               f"{[t.shape for t in like]}")
        return (Tensor._make(np.ones(like[0].shape, dtype=like[0].dtype), False, None, 0),)
    _, vs = _tuple(v, "v", fn)
    if len(vs) != len(like):
        raise RuntimeError(f"{fn}: v has {len(vs)} tensors but the {what} has {len(like)}")
    for i, (a, b) in enumerate(zip(vs, like)):
        if a.shape != b.shape:
            raise RuntimeError(f"{fn}: v[{i}] has shape {a.shape} but the {what} {i} has "
                               f"shape {b.shape}; they must match")
    return vs


def _detach_all(items: tuple, create_graph: bool) -> tuple:
    return items if create_graph else tuple(t.detach() for t in items)


def vjp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """Vector-Jacobian product ``vᵀ J``: returns ``(func(*inputs), vᵀ ∂func/∂inputs)``.

    ``v`` has the outputs' shapes (it may be omitted for a one-element output);
    the result has the inputs' shapes. This is one backward pass.
    """
    in_tuple, ins = _tuple(inputs, "input", "vjp")
    xs = _prepare(ins, create_graph, "vjp")
    out_tuple, outs = _outputs(func, xs, "vjp")
    vs = _vectors(v, outs, "output", "vjp")
    grads = _grad(outs, xs, vs, create_graph, strict, "vjp")
    return _untuple(out_tuple, _detach_all(outs, create_graph)), _untuple(in_tuple, grads)


def jvp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """Jacobian-vector product ``J v``: returns ``(func(*inputs), ∂func/∂inputs · v)``.

    ``v`` has the inputs' shapes (it may be omitted for a one-element input); the
    result has the outputs' shapes. Computed by two backward passes (the
    double-vjp trick: ``J v = ∂(uᵀJ v)/∂u``).
    """
    in_tuple, ins = _tuple(inputs, "input", "jvp")
    vs = _vectors(v, ins, "input", "jvp")
    xs = _prepare(ins, create_graph, "jvp")
    out_tuple, outs = _outputs(func, xs, "jvp")
    result = _jvp(outs, xs, vs, create_graph, strict)
    return _untuple(out_tuple, _detach_all(outs, create_graph)), _untuple(out_tuple, result)


def _jvp(outs: tuple, xs: tuple, vs: tuple, create_graph: bool,
         strict: bool) -> tuple[Tensor, ...]:
    us = tuple(Tensor._make(np.zeros(o.shape, dtype=o.dtype), False, None, 0)
               .requires_grad_(True) for o in outs)
    with grad_mode.enable_grad():
        g = _grad(outs, xs, us, True, strict, "jvp")
    # g = Jᵀu is linear in u: its vjp with v, taken with respect to u, is J v.
    return _grad(g, us, vs, create_graph, False, "jvp")


def _one_hot(shape: tuple, dtype: Any, k: int) -> Tensor:
    e = np.zeros(int(np.prod(shape, dtype=np.int64)), dtype=dtype)
    e[k] = 1
    return Tensor._make(e.reshape(shape), False, None, 0)


def _assemble(pieces: list[Tensor], shape: tuple, axis: int, create_graph: bool) -> Tensor:
    if not pieces or 0 in shape:
        return Tensor._make(np.zeros(shape), False, None, 0)
    if create_graph:
        return stack(pieces, axis=axis).reshape(shape)
    return Tensor._make(np.stack([p.data for p in pieces], axis=axis).reshape(shape),
                        False, None, 0)


def jacobian(func: Callable[..., Any], inputs: Inputs, create_graph: bool = False,
             strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``: ``J[i][j]`` of shape
    ``outputs[i].shape + inputs[j].shape``, holding ∂outputs[i] / ∂inputs[j]
    (seed inventory §1.4: the matrix of first derivatives).

    ``strategy='reverse-mode'`` computes it a row at a time, one vjp per output
    element; ``'forward-mode'`` a column at a time, one jvp per input element
    (cheaper when the inputs are fewer than the outputs). ``vectorize`` is
    accepted for PyTorch compatibility: without vmap the rows are always
    computed one product at a time, which gives the same result.
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(f"jacobian: strategy must be 'reverse-mode' or 'forward-mode', got "
                         f"{strategy!r}")
    in_tuple, ins = _tuple(inputs, "input", "jacobian")
    xs = _prepare(ins, create_graph, "jacobian")
    out_tuple, outs = _outputs(func, xs, "jacobian")
    table: list[list[Tensor]] = []
    if strategy == "reverse-mode":
        rows: list[list[list[Tensor]]] = []
        for o in outs:
            per_input: list[list[Tensor]] = [[] for _ in xs]
            for k in range(o.data.size):
                e = _one_hot(o.shape, o.dtype, k)
                grads = _grad((o,), xs, (e,), create_graph, strict, "jacobian")
                for j, g in enumerate(grads):
                    per_input[j].append(g)
            rows.append(per_input)
        for o, per_input in zip(outs, rows):
            table.append([_assemble(per_input[j], o.shape + x.shape, 0, create_graph)
                          for j, x in enumerate(xs)])
    else:
        cols: list[list[list[Tensor]]] = [[[] for _ in xs] for _ in outs]
        for j, x in enumerate(xs):
            for k in range(x.data.size):
                tangent = tuple(_one_hot(xx.shape, xx.dtype, k) if jj == j else
                                Tensor._make(np.zeros(xx.shape, dtype=xx.dtype), False, None, 0)
                                for jj, xx in enumerate(xs))
                for i, col in enumerate(_jvp(outs, xs, tangent, create_graph, strict)):
                    cols[i][j].append(col)
        for i, o in enumerate(outs):
            table.append([_assemble(cols[i][j], o.shape + x.shape, -1, create_graph)
                          for j, x in enumerate(xs)])
    return _untuple(out_tuple, tuple(_untuple(in_tuple, tuple(row)) for row in table))


def hessian(func: Callable[..., Any], inputs: Inputs, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar ``func``: ``H[i][j]`` of shape
    ``inputs[i].shape + inputs[j].shape`` holding ∂²func / ∂inputs[i] ∂inputs[j].

    The Jacobian of the gradient: the gradient is taken with ``create_graph=True``
    and differentiated again (seed inventory §1.5: the Hessian of
    ``x*y + x**2`` is ``[[2, 1], [1, 0]]``).
    """
    in_tuple, ins = _tuple(inputs, "input", "hessian")

    def scalar(*xs: Tensor) -> Tensor:
        out = func(*xs)
        if not isinstance(out, Tensor) or out.data.size != 1:
            shape = out.shape if isinstance(out, Tensor) else type(out).__name__
            raise RuntimeError(f"hessian: func must return a Tensor with one element, got "
                               f"{shape}")
        return out.reshape(())

    def gradient(*xs: Tensor) -> tuple[Tensor, ...]:
        return jacobian(scalar, xs, create_graph=True, strict=strict)

    h = jacobian(gradient, ins, create_graph=create_graph, strict=strict,
                 strategy=outer_jacobian_strategy)
    return h if in_tuple else h[0][0]


def vhp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), vᵀ H)`` for a scalar ``func``: the vjp of its gradient."""
    in_tuple, ins = _tuple(inputs, "input", "vhp")
    vs = _vectors(v, ins, "input", "vhp")
    xs = _prepare(ins, True, "vhp")
    _, outs = _outputs(func, xs, "vhp")
    if len(outs) != 1 or outs[0].data.size != 1:
        raise RuntimeError("vhp: func must return a Tensor with one element")
    with grad_mode.enable_grad():
        g = _grad(outs, xs, (Tensor._make(np.ones(outs[0].shape, dtype=outs[0].dtype), False,
                                           None, 0),), True, strict, "vhp")
    result = _grad(g, xs, vs, create_graph, strict, "vhp")
    return _detach_all(outs, create_graph)[0], _untuple(in_tuple, result)


def hvp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), H v)`` for a scalar ``func``; equal to ``vhp`` since H is symmetric."""
    return vhp(func, inputs, v, create_graph, strict)
