"""``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian`` and
``linearize``: PyTorch's ``torch.func`` transforms over ``autograd.functional``.

Each transform flattens the pytree arguments it differentiates into a tuple of tensors,
hands a flat function to ``autograd.functional`` (one backward pass per product, forward
mode by the double-vjp trick) and rebuilds the pytrees. Inputs are replaced by fresh
leaves, so the caller's tensors never gain ``requires_grad`` or ``.grad``; grad mode is
switched on inside, so the transforms work under ``no_grad`` as torch.func's do. Nested
in another transform (``grad(grad(f))``, ``jacrev(jacfwd(f))``) or given tensors that
require grad, results keep their graph so they can be differentiated again. Unlike
torch.func, a top-level call whose arguments do not require grad returns detached results
even when ``func`` closes over a tensor that does (graphgrad has no transform levels to
tell the two apart); pass such a tensor as an argument to differentiate through it.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import functional, grad_mode
from ..tensor import Tensor
from ._levels import inside_transform, keep_graph, lift
from ._pytree import flatten, unflatten

Argnums = int | tuple[int, ...]


def _normalize_argnums(argnums: Argnums, n_args: int, fn: str) -> Argnums:
    def one(a: Any) -> int:
        try:
            i = operator.index(a)
        except TypeError:
            raise TypeError(f"{fn}: argnums must be an int or a tuple of ints, got "
                            f"{argnums!r}") from None
        if not -n_args <= i < n_args:
            raise RuntimeError(f"{fn}: got argnums={argnums!r} but only {n_args} positional "
                               "inputs; pass fewer or smaller argnums")
        return i % n_args

    if isinstance(argnums, tuple):
        if not argnums:
            raise RuntimeError(f"{fn}: argnums must be non-empty")
        nums = tuple(one(a) for a in argnums)
        if len(set(nums)) != len(nums):
            raise RuntimeError(f"{fn}: argnums {argnums!r} has repeated entries")
        return nums
    return one(argnums)


def _differentiated(args: tuple, argnums: Argnums) -> Any:
    return tuple(args[i] for i in argnums) if isinstance(argnums, tuple) else args[argnums]


def _with_replaced(args: tuple, argnums: Argnums, diff: Any) -> tuple:
    new = list(args)
    for i, value in (zip(argnums, diff) if isinstance(argnums, tuple) else [(argnums, diff)]):
        new[i] = value
    return tuple(new)


def _tensor_leaves(tree: Any, what: str, fn: str) -> tuple[list[Tensor], Any]:
    leaves, spec = flatten(tree)
    for leaf in leaves:
        if not isinstance(leaf, Tensor):
            raise TypeError(f"{fn}: expected every {what} to be a Tensor (or a tuple/list/dict "
                            f"of Tensors), got a {type(leaf).__name__}")
    return leaves, spec


def _split_aux(result: Any, has_aux: bool, fn: str) -> tuple[Any, Any]:
    if not has_aux:
        return result, None
    if not (isinstance(result, tuple) and len(result) == 2):
        raise RuntimeError(f"{fn}(f, ...)(*args): output of function f should be a tuple "
                           "(output, aux) if has_aux is True")
    return result


class _Flat:
    """``func`` seen as a function of a flat tuple of tensors (the leaves of the
    differentiated arguments) returning a flat tuple (its output's leaves); the output's
    structure and ``aux`` are recorded on the side."""

    def __init__(self, func: Callable, args: tuple, kwargs: dict, argnums: Argnums,
                 has_aux: bool, fn: str) -> None:
        self.func, self.args, self.kwargs = func, args, kwargs
        self.argnums, self.has_aux, self.fn = argnums, has_aux, fn
        self.leaves, self.in_spec = _tensor_leaves(_differentiated(args, argnums), "input", fn)
        self.out_spec: Any = None
        self.aux: Any = None

    def __call__(self, *xs: Tensor) -> tuple[Tensor, ...]:
        args = _with_replaced(self.args, self.argnums, unflatten(self.in_spec, xs))
        with inside_transform():
            out, self.aux = _split_aux(self.func(*args, **self.kwargs), self.has_aux, self.fn)
        outs, self.out_spec = _tensor_leaves(out, "output", self.fn)
        return tuple(outs)


def grad_and_value(func: Callable, argnums: Argnums = 0, has_aux: bool = False) -> Callable:
    """Like ``grad``, but the returned function gives ``(gradient, value)`` (with
    ``has_aux``: ``(gradient, (value, aux))``), as ``torch.func.grad_and_value``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nums = _normalize_argnums(argnums, len(args), "grad_and_value")
        flat = _Flat(func, args, kwargs, nums, has_aux, "grad_and_value")

        def scalar(*xs: Tensor) -> Tensor:
            outs = flat(*xs)
            if flat.out_spec is not None or outs[0].ndim != 0:
                got = "a tuple/list/dict" if flat.out_spec is not None else \
                    f"a tensor with {outs[0].ndim} dims"
                raise RuntimeError(f"grad_and_value(f)(*args): expected f(*args) to return a "
                                   f"scalar (0-d) Tensor, got {got}; reduce it, e.g. .sum()")
            return outs[0]

        keep = keep_graph(flat.leaves)
        value, grads = functional.vjp(scalar, tuple(flat.leaves), None, create_graph=keep)
        gradient = unflatten(flat.in_spec, grads)
        if has_aux:
            return gradient, (value, lift(flat.aux, keep))
        return gradient, value

    return wrapper


def grad(func: Callable, argnums: Argnums = 0, has_aux: bool = False) -> Callable:
    """``torch.func.grad``: a function computing the gradient of the scalar (0-d) ``func``
    with respect to the positional argument(s) ``argnums`` (an int, or a tuple giving a
    tuple of gradients). Each argument may be a Tensor or a tuple/list/dict of them; its
    gradient has the same structure. With ``has_aux``, ``func`` returns ``(output, aux)``
    and the result is ``(gradient, aux)``. Composes: ``grad(grad(f))`` is the second
    derivative."""
    both = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gradient, value = both(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient

    return wrapper


def vjp(func: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """``torch.func.vjp``: ``(func(*primals), vjp_fn)`` where ``vjp_fn(cotangents)`` returns
    the tuple ``vᵀ ∂func/∂primals`` (one entry per primal, each shaped like it); the
    cotangents have the output's structure and shapes. ``vjp_fn`` may be called many times
    (the graph is kept). With ``has_aux``: ``(output, vjp_fn, aux)``."""
    flat = _Flat(func, primals, {}, tuple(range(len(primals))), has_aux, "vjp")
    keep = keep_graph(flat.leaves)
    xs = functional._prepare(tuple(flat.leaves), keep, "vjp")
    with grad_mode.enable_grad():
        outs = flat(*xs)
    out_spec = flat.out_spec

    def vjp_fn(cotangents: Any) -> tuple:
        cots, spec = _tensor_leaves(cotangents, "cotangent", "vjp_fn")
        if spec != out_spec:
            raise RuntimeError("vjp_fn: expected the pytree structure of the cotangents to be "
                               "the same as that of the function's outputs")
        for i, (c, o) in enumerate(zip(cots, outs)):
            if c.shape != o.shape:
                raise RuntimeError(f"vjp_fn: cotangent {i} has shape {c.shape} but output {i} "
                                   f"has shape {o.shape}; they must match")
        grads = functional._grad(outs, xs, tuple(cots), keep_graph(flat.leaves + cots),
                                 False, "")
        return unflatten(flat.in_spec, grads)

    output = lift(unflatten(out_spec, outs), keep)
    return (output, vjp_fn, lift(flat.aux, keep)) if has_aux else (output, vjp_fn)


def jvp(func: Callable, primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False) -> tuple:
    """``torch.func.jvp``: ``(func(*primals), J·tangents)`` where ``primals`` and
    ``tangents`` are tuples of the same structure and shapes; the second result has the
    output's structure. Computed as two backward passes (``autograd.functional.jvp``'s
    double-vjp trick), not by dual numbers. With ``has_aux``: ``(output, jvp_out, aux)``."""
    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, tuple):
            raise RuntimeError(f"jvp(f, primals, tangents): expected {name} to be a tuple, "
                               f"got {type(value).__name__}; e.g. jvp(f, (x,), (t,))")
    flat = _Flat(func, primals, {}, tuple(range(len(primals))), has_aux, "jvp")
    ts, t_spec = _tensor_leaves(tangents, "tangent", "jvp")
    if t_spec != flat.in_spec:
        raise RuntimeError("jvp(f, primals, tangents): expected primals and tangents to "
                           "have the same pytree structure")
    keep = keep_graph(flat.leaves + ts)
    out, jvp_out = functional.jvp(flat, tuple(flat.leaves), tuple(ts), create_graph=keep,
                                  strict=strict)
    result = (unflatten(flat.out_spec, out), unflatten(flat.out_spec, jvp_out))
    return (*result, lift(flat.aux, keep)) if has_aux else result


def _jacobian(func: Callable, argnums: Argnums, has_aux: bool, strategy: str,
              fn: str) -> Callable:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nums = _normalize_argnums(argnums, len(args), fn)
        flat = _Flat(func, args, kwargs, nums, has_aux, fn)
        keep = keep_graph(flat.leaves)
        table = functional.jacobian(flat, tuple(flat.leaves), create_graph=keep,
                                    strategy=strategy)
        jac = unflatten(flat.out_spec, [unflatten(flat.in_spec, row) for row in table])
        return (jac, lift(flat.aux, keep)) if has_aux else jac

    return wrapper


def _check_chunk_size(chunk_size: Any, fn: str) -> None:
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"{fn}: chunk_size should be a positive int or None, got "
                         f"{chunk_size!r}")


def jacrev(func: Callable, argnums: Argnums = 0, *, has_aux: bool = False,
           chunk_size: int | None = None, _preallocate_and_copy: bool = False) -> Callable:
    """``torch.func.jacrev``: the Jacobian of ``func`` with respect to ``argnums``, a row
    (one vjp) per output element. For output leaf ``o`` and input leaf ``x`` the entry has
    shape ``o.shape + x.shape``; entries are nested as the outputs, then as the
    differentiated arguments (a tuple of them when ``argnums`` is a tuple).
    ``chunk_size`` only bounds memory in PyTorch; rows are computed one at a time here."""
    _check_chunk_size(chunk_size, "jacrev")
    return _jacobian(func, argnums, has_aux, "reverse-mode", "jacrev")


def jacfwd(func: Callable, argnums: Argnums = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable:
    """``torch.func.jacfwd``: the same Jacobian as ``jacrev``, a column (one jvp) per input
    element. ``randomness`` ('error', 'different', 'same') is validated; graphgrad's
    columns are separate calls so it changes nothing."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"jacfwd: only allowed values for randomness are 'error', "
                           f"'different', or 'same', got {randomness!r}")
    return _jacobian(func, argnums, has_aux, "forward-mode", "jacfwd")


def hessian(func: Callable, argnums: Argnums = 0) -> Callable:
    """``torch.func.hessian``: ``jacfwd(jacrev(func, argnums), argnums)``, entries of shape
    ``out.shape + x_i.shape + x_j.shape``."""
    return jacfwd(jacrev(func, argnums), argnums)


def linearize(func: Callable, *primals: Any) -> tuple[Any, Callable]:
    """``torch.func.linearize``: ``(func(*primals), jvp_fn)`` with ``jvp_fn(*tangents)``
    equal to ``jvp(func, primals, tangents)[1]``. PyTorch records the linearized graph
    once; graphgrad recomputes ``func`` per call, which gives the same values."""
    output, _ = jvp(func, primals, tuple(
        _zero_like(p) for p in primals))

    def jvp_fn(*tangents: Any) -> Any:
        return jvp(func, primals, tangents)[1]

    return output, jvp_fn


def _zero_like(tree: Any) -> Any:
    leaves, spec = flatten(tree)
    return unflatten(spec, [Tensor._make(np.zeros_like(leaf.data), False, None, 0)
                            if isinstance(leaf, Tensor) else leaf for leaf in leaves])
