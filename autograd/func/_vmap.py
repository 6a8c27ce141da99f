"""``vmap``: PyTorch's ``torch.func.vmap`` by a loop.

There are no batching rules: ``func`` runs once per batch element on the slices of its
mapped inputs and the results are stacked. Values, gradients (slices and stacking are
differentiable, so ``vmap(grad(f))`` gives per-example gradients and ``grad`` of a vmapped
function works) and error checks follow torch.func; the cost is a Python call per element.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any

from .. import creation
from ..ops import select, stack
from ..tensor import Tensor
from ._pytree import broadcast_prefix, flatten, unflatten


def _dim_of(in_dim: Any, leaf: Any, fn: str) -> int | None:
    if in_dim is None:
        return None
    if not isinstance(leaf, Tensor):
        raise ValueError(f"{fn}: got in_dim={in_dim} for an input but the input is of type "
                         f"{type(leaf).__name__}; vmap can only map over Tensors, give it "
                         "in_dim=None")
    if not -leaf.ndim <= in_dim < leaf.ndim:
        raise ValueError(f"{fn}: got in_dim={in_dim} for an input but the input has "
                         f"{leaf.ndim} dims (shape {leaf.shape}); in_dim must be in "
                         f"[-{leaf.ndim}, {leaf.ndim})")
    return in_dim % leaf.ndim


def _batch_size(leaves: list, dims: list, fn: str) -> int:
    sizes = [leaf.shape[d] for leaf, d in zip(leaves, dims) if d is not None]
    if not sizes:
        raise ValueError(f"{fn}: at least one input must be mapped (in_dims all None); "
                         "give a Tensor argument an int in_dim")
    if len(set(sizes)) != 1:
        raise ValueError(f"{fn}: expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    if sizes[0] == 0:
        raise ValueError(f"{fn}: the mapped dimension has size 0; graphgrad's vmap runs "
                         "func once per element, so it needs at least one")
    return sizes[0]


def _stack_output(results: list, out_dim: Any, fn: str) -> Tensor:
    first = results[0]
    if not isinstance(first, Tensor):
        raise ValueError(f"{fn}: func must only return Tensors, got type "
                         f"{type(first).__name__}")
    if out_dim is None:
        if any(r.shape != first.shape or not bool((r.data == first.data).all())
               for r in results[1:]):
            raise ValueError(f"{fn}: out_dims=None for an output that differs between "
                             "batch elements; give it an int out_dim")
        return first
    d = operator.index(out_dim)
    if not -(first.ndim + 1) <= d <= first.ndim:
        raise ValueError(f"{fn}: out_dim={out_dim} is out of range for an output with "
                         f"{first.ndim} dims (the stacked output has {first.ndim + 1})")
    return stack(results, dim=d)


def vmap(func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """``torch.func.vmap``: ``func`` mapped over a dimension of its inputs.

    ``in_dims`` is an int or None (applied to every argument) or a tuple with one entry
    per positional argument, each an int, None (not mapped) or a nested tuple/list/dict
    matching that argument's pytree. All mapped tensors must have the same size ``B`` in
    their mapped dim; non-Tensor arguments must get None. Outputs (a Tensor or a pytree
    of them) are stacked along ``out_dims`` (an int, or one entry per output leaf; None
    for an output that is the same for every element: PyTorch raises if that output
    depends on a mapped input at all; graphgrad, which cannot see dependence, raises only
    if its values differ between elements). A mapped dim of size 0 raises (PyTorch
    returns empty outputs; a loop has no element to learn their shapes from).
    ``randomness``: 'error' raises if
    ``func`` draws from the global generator, 'different' lets each element draw its
    own numbers, 'same' gives every element the same draws. Runs ``func`` ``B`` times
    (``chunk_size`` only bounds memory in PyTorch and changes nothing here); keyword
    arguments are passed unmapped.
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"vmap: only allowed values for randomness are 'error', "
                           f"'different', or 'same', got {randomness!r}")
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be a positive int or None, got "
                         f"{chunk_size!r}")
    if not (in_dims is None or isinstance(in_dims, (int, tuple))):
        raise ValueError(f"vmap: in_dims must be an int, None or a tuple, got {in_dims!r}")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        fn = "vmap"
        if isinstance(in_dims, tuple) and len(in_dims) != len(args):
            raise ValueError(f"{fn}: in_dims is a tuple of {len(in_dims)} but func got "
                             f"{len(args)} positional arguments; give one per argument")
        leaves, spec = flatten(args)
        prefix = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
        dims = [_dim_of(d, leaf, fn) for d, leaf in
                zip(broadcast_prefix(prefix, args, "in_dims", fn), leaves)]
        size = _batch_size(leaves, dims, fn)
        rng = creation.get_rng()
        start = rng.bit_generator.state
        results, out_spec = [], None
        for b in range(size):
            if randomness == "same":
                rng.bit_generator.state = start
            sliced = [leaf if d is None else select(leaf, d, b) for leaf, d in zip(leaves, dims)]
            out_leaves, out_spec = flatten(func(*unflatten(spec, sliced), **kwargs))
            if randomness == "error" and creation.get_rng().bit_generator.state != start:
                raise RuntimeError(f"{fn}: called a random operation while "
                                   "randomness='error'; pass randomness='different' or "
                                   "'same' to vmap")
            results.append(out_leaves)
        outs = [[r[i] for r in results] for i in range(len(results[0]))]
        shape_only = unflatten(out_spec, [None] * len(outs))
        dims_out = broadcast_prefix(out_dims, shape_only, "out_dims", fn, "outputs")
        return unflatten(out_spec, [_stack_output(o, d, fn) for o, d in zip(outs, dims_out)])

    return wrapper
