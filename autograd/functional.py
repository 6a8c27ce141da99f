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
        if create_graph and t._requires_grad:
            with grad_mode.enable_grad():
                out.append(t.reshape(t.shape))
        else:
            out.append(Tensor._make(t.data, False, None, 0).requires_grad_(True))
    return tuple(out)


def _outputs(func: Callable, inputs: tuple[Tensor, ...], fn: str) -> tuple[bool, tuple]:
    with grad_mode.enable_grad():
        result = func(*inputs)
    return _tuple(result, "output", fn)


def _check_outputs(outs: tuple[Tensor, ...], strict: bool, fn: str) -> None:
    """With ``strict``, every output must be computed differentiably from the inputs."""
    if not strict:
        return
    for i, o in enumerate(outs):
        if not o._requires_grad:
            raise RuntimeError(
                f"{fn}: output {i} of func does not require grad: it is not computed from "
                "the inputs in a differentiable way (a constant, a detached or integer "
                "result), which strict=True forbids; pass strict=False to get zeros for it"
            )


_LINEAR = ("so the result could not be differentiated again, which strict=True forbids with "
           "create_graph=True; pass strict=False, or create_graph=False")


def _grad(outputs: tuple, inputs: tuple, grad_outputs: tuple, create_graph: bool,
          strict: bool, unused: str, constant: str | None = None) -> tuple[Tensor, ...]:
    """Σ grad_outputs·outputs differentiated w.r.t. inputs, zeros for unused inputs.

    With ``strict``, an unused input raises ``unused.format(i=...)``; with ``strict``
    and ``create_graph``, a result that does not depend on the inputs (nothing to
    differentiate again) raises ``constant.format(i=...)`` when ``constant`` is given.
    """
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o._requires_grad]
    if pairs:
        grads = engine.grad([o for o, _ in pairs], inputs, [g for _, g in pairs],
                            retain_graph=True, create_graph=create_graph, allow_unused=True)
    else:
        grads = (None,) * len(inputs)
    result = []
    for i, (g, t) in enumerate(zip(grads, inputs)):
        if g is None:
            if strict:
                raise RuntimeError(unused.format(i=i))
            g = Tensor._make(np.zeros(t.shape, dtype=t.dtype), False, None, 0)
        elif strict and create_graph and constant is not None and not g._requires_grad:
            raise RuntimeError(constant.format(i=i))
        result.append(g if create_graph else g.detach())
    return tuple(result)


def _unused(fn: str) -> str:
    return (f"{fn}: the output does not depend on input {{i}} (strict=True); pass "
            "strict=False to get zeros")


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
    the result has the inputs' shapes. This is one backward pass. With
    ``strict=True``, an output not computed from the inputs or an input the
    outputs do not depend on raises (and, with ``create_graph=True``, so does a
    result that does not depend on the inputs), as in PyTorch.
    """
    in_tuple, ins = _tuple(inputs, "input", "vjp")
    xs = _prepare(ins, create_graph, "vjp")
    out_tuple, outs = _outputs(func, xs, "vjp")
    _check_outputs(outs, strict, "vjp")
    vs = _vectors(v, outs, "output", "vjp")
    grads = _grad(outs, xs, vs, create_graph, strict, _unused("vjp"),
                  f"vjp: the Jacobian does not depend on input {{i}} (func is linear in it), "
                  f"{_LINEAR}")
    return _untuple(out_tuple, _detach_all(outs, create_graph)), _untuple(in_tuple, grads)


def jvp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """Jacobian-vector product ``J v``: returns ``(func(*inputs), ∂func/∂inputs · v)``.

    ``v`` has the inputs' shapes (it may be omitted for a one-element input); the
    result has the outputs' shapes. Computed by two backward passes (the
    double-vjp trick: ``J v = ∂(uᵀJ v)/∂u``). ``strict`` as in ``vjp``.
    """
    in_tuple, ins = _tuple(inputs, "input", "jvp")
    vs = _vectors(v, ins, "input", "jvp")
    xs = _prepare(ins, create_graph, "jvp")
    out_tuple, outs = _outputs(func, xs, "jvp")
    _check_outputs(outs, strict, "jvp")
    result = _jvp(outs, xs, vs, create_graph, strict, "jvp")
    return _untuple(out_tuple, _detach_all(outs, create_graph)), _untuple(out_tuple, result)


def _jvp(outs: tuple, xs: tuple, vs: tuple, create_graph: bool, strict: bool,
         fn: str) -> tuple[Tensor, ...]:
    us = tuple(Tensor._make(np.zeros(o.shape, dtype=o.dtype), False, None, 0)
               .requires_grad_(True) for o in outs)
    with grad_mode.enable_grad():
        g = _grad(outs, xs, us, True, strict, _unused(fn))
    # g = Jᵀu is linear in u: its vjp with v, taken with respect to u, is J v.
    return _grad(g, us, vs, create_graph, strict,
                 f"{fn}: output {{i}} does not depend on any input (strict=True); pass "
                 "strict=False to get zeros",
                 f"{fn}: the Jacobian of output {{i}} does not depend on the inputs (func is "
                 f"linear), {_LINEAR}")


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
    (cheaper when the inputs are fewer than the outputs; PyTorch needs
    ``vectorize=True`` for it, graphgrad does not). ``vectorize`` is accepted for
    PyTorch compatibility: without vmap the rows are always computed one product
    at a time, which gives the same result. ``strict`` as in ``vjp``.
    """
    return _jacobian(func, inputs, create_graph, strict, strategy, "jacobian", "output {i}")


def _jacobian(func: Callable[..., Any], inputs: Inputs, create_graph: bool, strict: bool,
              strategy: str, fn: str, out_name: str) -> Any:
    """``jacobian``; ``fn`` and ``out_name`` (with ``{i}``) word the strict errors."""
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(f"{fn}: strategy must be 'reverse-mode' or 'forward-mode', got "
                         f"{strategy!r}")
    in_tuple, ins = _tuple(inputs, "input", fn)
    xs = _prepare(ins, create_graph, fn)
    out_tuple, outs = _outputs(func, xs, fn)
    _check_outputs(outs, strict, fn)
    table: list[list[Tensor]] = []
    if strategy == "reverse-mode":
        rows: list[list[list[Tensor]]] = []
        for i, o in enumerate(outs):
            name = out_name.format(i=i)
            per_input: list[list[Tensor]] = [[] for _ in xs]
            for k in range(o.data.size):
                e = _one_hot(o.shape, o.dtype, k)
                grads = _grad((o,), xs, (e,), create_graph, strict,
                              f"{fn}: {name} does not depend on input {{i}} (strict=True); "
                              "pass strict=False to get zeros",
                              f"{fn}: the derivative of {name} with respect to input {{i}} "
                              f"does not depend on the inputs, {_LINEAR}")
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
                for i, col in enumerate(_jvp(outs, xs, tangent, create_graph, strict, fn)):
                    cols[i][j].append(col)
        for i, o in enumerate(outs):
            table.append([_assemble(cols[i][j], o.shape + x.shape, -1, create_graph)
                          for j, x in enumerate(xs)])
    return _untuple(out_tuple, tuple(_untuple(in_tuple, tuple(row)) for row in table))


def _scalar_output(outs: tuple, out_tuple: bool, fn: str) -> Tensor:
    """The one-element Tensor that ``hessian``, ``vhp`` and ``hvp`` need ``func`` to return."""
    if out_tuple or len(outs) != 1 or outs[0].data.size != 1:
        got = (f"a tuple of {len(outs)}" if out_tuple else f"a Tensor of shape {outs[0].shape}")
        raise RuntimeError(f"{fn}: func must return a single Tensor with one element (a "
                           f"scalar such as loss.sum()), got {got}")
    return outs[0]


def _gradient(out: Tensor, xs: tuple[Tensor, ...], strict: bool, fn: str) -> tuple[Tensor, ...]:
    """∂out/∂xs, recorded so it can be differentiated again (the first half of a Hessian)."""
    with grad_mode.enable_grad():
        return _grad((out,), xs, (Tensor._make(np.ones(out.shape, dtype=out.dtype), False,
                                               None, 0),), True, strict, _unused(fn),
                     f"{fn}: the gradient with respect to input {{i}} does not depend on the "
                     "inputs (func is linear in it), so its Hessian is zero, which strict=True "
                     "forbids; pass strict=False to get zeros")


def hessian(func: Callable[..., Any], inputs: Inputs, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar ``func``: ``H[i][j]`` of shape
    ``inputs[i].shape + inputs[j].shape`` holding ∂²func / ∂inputs[i] ∂inputs[j].

    The Jacobian of the gradient: the gradient is taken with ``create_graph=True``
    and differentiated again (seed inventory §1.5: the Hessian of
    ``x*y + x**2`` is ``[[2, 1], [1, 0]]``). With ``strict=True`` a gradient that
    does not depend on the inputs (func linear in one of them) raises, as in PyTorch.
    """
    in_tuple, ins = _tuple(inputs, "input", "hessian")

    def gradient(*xs: Tensor) -> tuple[Tensor, ...]:
        out_tuple, outs = _outputs(func, xs, "hessian")
        out = _scalar_output(outs, out_tuple, "hessian")
        _check_outputs((out,), strict, "hessian")
        return _gradient(out, xs, strict, "hessian")

    h = _jacobian(gradient, ins, create_graph, strict, outer_jacobian_strategy, "hessian",
                  "the gradient for input {i}")
    return h if in_tuple else h[0][0]


def vhp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), vᵀ H)`` for a scalar ``func``: the vjp of its gradient."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), H v)`` for a scalar ``func``; equal to ``vhp`` since H is symmetric."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func: Callable[..., Any], inputs: Inputs, v: Any, create_graph: bool,
                     strict: bool, fn: str) -> tuple[Any, Any]:
    in_tuple, ins = _tuple(inputs, "input", fn)
    vs = _vectors(v, ins, "input", fn)
    xs = _prepare(ins, True, fn)
    out_tuple, outs = _outputs(func, xs, fn)
    out = _scalar_output(outs, out_tuple, fn)
    _check_outputs((out,), strict, fn)
    g = _gradient(out, xs, strict, fn)
    result = _grad(g, xs, vs, create_graph, strict,
                   f"{fn}: the gradient does not depend on input {{i}} (strict=True); pass "
                   "strict=False to get zeros",
                   f"{fn}: the Hessian does not depend on input {{i}} (func is quadratic in "
                   f"it), {_LINEAR}")
    return _detach_all((out,), create_graph)[0], _untuple(in_tuple, result)
