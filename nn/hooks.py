"""Module backward hooks (PyTorch's ``register_full_backward_hook`` and
``register_full_backward_pre_hook``), built on the public custom-op API.

A call of a module that has such hooks passes its tensor inputs, and later its tensor
outputs, through an identity node (``_Identity``). Backward reaches the outputs' node
first, with the gradients of the module's outputs (``grad_output``: the pre-hooks run
here and may replace them), and the inputs' node last, with the gradients of its
inputs (``grad_input``: the full hooks run here and may replace them).
"""

from __future__ import annotations

import warnings
from typing import Any

import autograd as ag


class _Identity(ag.Function):
    """``forward(ctx, on_backward, *xs) = xs`` (views); its backward hands the incoming
    gradients to ``on_backward``, which returns the ones to pass on."""

    @staticmethod
    def forward(ctx, on_backward, *arrays):
        ctx.on_backward = on_backward
        return tuple(a.view() for a in arrays)

    @staticmethod
    def backward(ctx, *grads):
        return (None, *ctx.on_backward(tuple(grads)))


def _differentiable(values: tuple) -> list[int]:
    return [i for i, v in enumerate(values) if isinstance(v, ag.Tensor) and v.requires_grad]


def _replace(values: tuple, positions: list[int], new: tuple) -> tuple:
    out = list(values)
    for i, v in zip(positions, new):
        out[i] = v
    return tuple(out)


def _checked(result: Any, expected: int, kind: str, hook: Any) -> tuple | None:
    if result is None:
        return None
    result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
    if len(result) != expected:
        raise ValueError(f"backward hook {getattr(hook, '__qualname__', hook)!r} returned "
                         f"{len(result)} values for {expected} {kind}; return one per entry "
                         f"(None where unchanged) or None")
    return result


class HookedCall:
    """The backward hooks of one call of ``module``."""

    def __init__(self, module: Any, args: tuple) -> None:
        self.module = module
        self.n_args = len(args)
        self.input_positions: list[int] = []
        self.grad_output: tuple = ()

    def wrap_inputs(self, args: tuple) -> tuple:
        """``args`` with their floating tensors passed through the inputs' node, when one
        of them requires grad (then all get a gradient, as in PyTorch)."""
        if not _differentiable(args) or not self.module._backward_hooks:
            return args
        self.input_positions = [i for i, v in enumerate(args)
                                if isinstance(v, ag.Tensor) and v.dtype.kind == "f"]
        views = _Identity.apply(self._on_input_grads, *[args[i] for i in self.input_positions])
        return _replace(args, self.input_positions, views)

    def wrap_outputs(self, out: Any) -> Any:
        """``out`` (a Tensor or a tuple) with its tensors that require grad passed
        through the outputs' node."""
        single = isinstance(out, ag.Tensor)
        values = (out,) if single else out
        if not isinstance(values, tuple):
            return out
        positions = _differentiable(values)
        if not positions:
            return out
        views = _Identity.apply(self._on_output_grads, *[values[i] for i in positions])
        wrapped = _replace(values, positions, views)
        return wrapped[0] if single else wrapped

    def _on_output_grads(self, grads: tuple) -> tuple:
        module = self.module
        for hook in list(module._backward_pre_hooks):
            grads = _checked(hook(module, grads), len(grads), "gradients of outputs",
                             hook) or grads
        self.grad_output = grads
        if module._backward_hooks and not self.input_positions:
            warnings.warn(f"{type(module).__name__}: full backward hook fires with the "
                          "gradients of the outputs only, since no input requires grad "
                          "(grad_input is all None), as in PyTorch", UserWarning,
                          stacklevel=2)
            self._run_full_hooks((None,) * self.n_args)
        return grads

    def _on_input_grads(self, grads: tuple) -> tuple:
        grad_input = [None] * self.n_args
        for i, g in zip(self.input_positions, grads):
            grad_input[i] = g
        grad_input = self._run_full_hooks(tuple(grad_input))
        return tuple(grad_input[i] for i in self.input_positions)

    def _run_full_hooks(self, grad_input: tuple) -> tuple:
        module = self.module
        for hook in list(module._backward_hooks):
            grad_input = _checked(hook(module, grad_input, self.grad_output), self.n_args,
                                  "positional inputs", hook) or grad_input
        return grad_input
