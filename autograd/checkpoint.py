"""Gradient checkpointing: trade compute for memory (seed inventory §1.5).

``checkpoint(fn, *args)`` runs ``fn`` without recording a graph, so none of the
activations inside it are kept; only its inputs are. When backward reaches it,
``fn`` is run again, this time recording, and its gradient is taken on the
spot. The gradients are the same as without checkpointing; the cost is one
more forward of ``fn``. Checkpointing every k-th block of a deep network keeps
about 1/k of the activations ("drop some intermediate values in forward,
recompute in backward", the course's exercise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from . import creation, engine, grad_mode
from .function import Context, Function
from .graph.walk import leaves
from .tensor import Tensor


class _Plan:
    """What backward needs to run ``fn`` again exactly as forward did.

    ``template`` holds fn's non-Tensor arguments, positional then keyword (``None``
    where a Tensor goes: those come back as the node's saved tensors, with their
    version checked); ``keys`` names the keyword ones.
    """

    __slots__ = ("fn", "template", "is_tensor", "keys", "params", "rng_state", "single")

    def __init__(self, fn: Callable, args: tuple, kwargs: dict[str, Any], params: list[Tensor],
                 rng_state: Any) -> None:
        self.fn = fn
        self.keys = tuple(kwargs)
        values = (*args, *kwargs.values())
        self.is_tensor = tuple(isinstance(a, Tensor) for a in values)
        self.template = tuple(None if t else a for a, t in zip(values, self.is_tensor))
        self.params = params
        self.rng_state = rng_state
        self.single = True

    def call(self, values: list[Any]) -> Any:
        """``fn`` on the arguments ``values`` (positional then keyword, as in ``template``)."""
        n = len(values) - len(self.keys)
        return self.fn(*values[:n], **dict(zip(self.keys, values[n:])))

    def args(self, tensors: Any) -> list[Any]:
        """The template's arguments with ``tensors`` in the Tensors' places."""
        it = iter(tensors)
        return [next(it) if is_t else a for a, is_t in zip(self.template, self.is_tensor)]

    def replay(self, values: list[Any]) -> tuple:
        """``fn`` on ``values``, recording, with the random state the forward saw; its
        outputs as a tuple."""
        rng = creation.get_rng()
        current = rng.bit_generator.state
        if self.rng_state is not None:
            rng.bit_generator.state = self.rng_state
        try:
            with grad_mode.enable_grad():
                out = self.call(values)
        finally:
            rng.bit_generator.state = current
        return (out,) if isinstance(out, Tensor) else tuple(out)


class _Checkpoint(Function):
    @staticmethod
    def forward(ctx: Context, plan: _Plan, *arrays: Any) -> Any:
        user = arrays[:len(plan.is_tensor)]
        call_args = [Tensor._make(a, False, None, 0) if is_t else a
                     for a, is_t in zip(user, plan.is_tensor)]
        with grad_mode.no_grad():
            out = plan.call(call_args)
        plan.single = isinstance(out, Tensor)
        outs = (out,) if plan.single else tuple(out)
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                raise TypeError(f"checkpoint: fn must return a Tensor or a tuple of Tensors; "
                                f"output {i} is {type(o).__name__}")
        ctx.save_for_backward(*[a for a, is_t in zip(user, plan.is_tensor) if is_t])
        ctx.plan = plan
        return outs[0].data if plan.single else tuple(o.data for o in outs)

    @staticmethod
    def backward(ctx: Context, *grads: Tensor) -> tuple:
        plan: _Plan = ctx.plan
        if grad_mode.is_grad_enabled():
            return _recorded_backward(plan, ctx.saved_tensors, grads)
        call_args = plan.args(_fresh_leaf(t, t._requires_grad) for t in ctx.saved_tensors)
        outs = plan.replay(call_args)
        inputs = [a for a, is_t in zip(call_args, plan.is_tensor) if is_t and a._requires_grad]
        wrt = inputs + plan.params
        _check_closure(outs, wrt)
        pairs = [(o, g) for o, g in zip(outs, grads) if o._requires_grad]
        # The leaves' hooks (a parameter's) run once, in the outer pass these gradients
        # go on to, not here as well.
        got = iter(engine.captured_grads([o for o, _ in pairs], wrt, [g for _, g in pairs],
                                         retain_graph=False, create_graph=False,
                                         leaf_hooks=False)
                   if pairs and wrt else (None,) * len(wrt))
        result: list[Any] = [None]
        for a, is_t in zip(call_args, plan.is_tensor):
            result.append(next(got) if is_t and a._requires_grad else None)
        result.extend(next(got) for _ in plan.params)
        return tuple(result)


def _fresh_leaf(t: Tensor, requires_grad: bool) -> Tensor:
    """A leaf holding t's values, with no history."""
    leaf = Tensor._make(t.data, False, None, 0)
    return leaf.requires_grad_(True) if requires_grad else leaf


def _recorded_backward(plan: _Plan, saved: tuple, grads: tuple) -> tuple:
    """The backward under ``create_graph=True``: the gradients as a checkpointed function
    of fn's Tensor inputs, its params and the output gradients.

    That function (``vjp`` below) recomputes fn on its inputs and takes the gradient,
    recording it; being checkpointed itself, it keeps nothing from its run but its
    inputs, and its own backward (the second-order pass) runs it again, recording —
    so gradients of every order go through, each pass one recomputation deeper, as with
    PyTorch's non-reentrant checkpoint.
    """
    needs = [t._requires_grad for t in saved]
    n_in = len(saved)

    def vjp(*tensors: Tensor) -> tuple:
        # Called from the checkpoint's forward, the inputs are plain arrays (no grad):
        # they become leaves to differentiate against; called from its backward, those
        # that need a gradient already are such leaves, recorded upon.
        inputs = [t if t._requires_grad or not need else _fresh_leaf(t, True)
                  for t, need in zip(tensors[:n_in], needs)]
        outs = plan.replay(plan.args(inputs))
        wrt = [t for t in inputs if t._requires_grad] + plan.params
        _check_closure(outs, wrt)
        pairs = [(o, g) for o, g in zip(outs, tensors[n_in:]) if o._requires_grad]
        got = (engine.captured_grads([o for o, _ in pairs], wrt, [g for _, g in pairs],
                                     retain_graph=True, create_graph=True, leaf_hooks=False)
               if pairs and wrt else [None] * len(wrt))
        return tuple(creation.zeros_like(t) if g is None else g for g, t in zip(got, wrt))

    # grads has one Tensor per output of fn (the engine fills in zeros for the others).
    got = iter(checkpoint(vjp, *saved, *grads, params=plan.params, preserve_rng_state=False))
    need = iter(needs)
    result: list[Any] = [None]
    result.extend(next(got) if is_t and next(need) else None for is_t in plan.is_tensor)
    result.extend(next(got) for _ in plan.params)
    return tuple(result)


def _check_closure(outs: tuple, wrt: list[Tensor]) -> None:
    known = {id(t) for t in wrt}
    hidden = [t for t in leaves([o for o in outs if o._requires_grad]) if id(t) not in known]
    if hidden:
        shapes = ", ".join(str(t.shape) for t in hidden[:5])
        raise RuntimeError(
            f"checkpoint: fn used {len(hidden)} tensor(s) requiring grad that were not passed "
            f"to it (shapes {shapes}): their gradients would be lost. Pass them as arguments "
            "or in params=[...] (a Module passed as fn has its parameters found for you)."
        )


def checkpoint(fn: Callable[..., Any], *args: Any, params: Iterable[Tensor] | None = None,
               preserve_rng_state: bool = True, use_reentrant: bool | None = None,
               **kwargs: Any) -> Any:
    """Run ``fn(*args, **kwargs)`` keeping only its inputs; recompute its activations in
    backward.

    ``fn`` returns a Tensor or a tuple of Tensors; it runs under ``no_grad()`` in
    the forward and is run again, recording, in backward. Tensors it uses without
    receiving them as arguments (a layer's weights) must be leaves listed in
    ``params``; when ``fn`` is an ``nn.Module`` its ``parameters()`` are used.
    With ``preserve_rng_state`` the recomputation sees the same random numbers
    (the same dropout mask) as the forward, drawn from the global generator
    (``ag.manual_seed``; a generator passed as ``rng=`` is not replayed, as in
    PyTorch). Gradients of gradients (``create_graph=True``) go through a checkpoint,
    as through PyTorch's non-reentrant one: that backward recomputes fn and records its
    gradient as a checkpointed function in turn. ``use_reentrant`` is accepted for
    PyTorch compatibility (``torch.utils.checkpoint.checkpoint(fn, x,
    use_reentrant=False)`` ports as is); either value behaves as described here.

    >>> h = ag.checkpoint(block, x)      # block's activations are not stored
    """
    if params is None:
        params = fn.parameters() if hasattr(fn, "parameters") else ()
    extra = [p for p in params if isinstance(p, Tensor) and p._requires_grad]
    for p in extra:
        if p.grad_fn is not None:
            raise ValueError("checkpoint: params must be leaf tensors (parameters); pass a "
                             "computed tensor as an argument of fn instead")
    rng_state = creation.get_rng().bit_generator.state if preserve_rng_state else None
    plan = _Plan(fn, args, kwargs, extra, rng_state)
    return _Checkpoint.apply(plan, *args, *kwargs.values(), *extra)
