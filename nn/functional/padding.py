"""``pad``: PyTorch's ``torch.nn.functional.pad`` in its four modes.

The pad tuple runs from the last dim backwards, ``(left, right, top, bottom, ...)`` as in
PyTorch; a negative amount crops. Constant padding is one op whose gradient is the crop;
the other modes pick input entries by index (``_take``), so their gradients add up
on the entries each padded place copies, and all modes are differentiable to any order.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

import autograd as ag

from ._take import take_along

_MODES = ("constant", "reflect", "replicate", "circular")


class ConstantPad(ag.Function):
    """``a`` placed inside a block of ``value``: ``pads`` holds a (before, after) pair of
    non-negative amounts per dim. The gradient is the crop of ``g`` back to ``a``."""

    @staticmethod
    def forward(ctx, a, pads, value):
        ctx.inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(pads, a.shape))
        shape = tuple(n + lo + hi for (lo, hi), n in zip(pads, a.shape))
        out = np.full(shape, np.array(value).astype(a.dtype), dtype=a.dtype)
        out[ctx.inner] = a
        return out

    @staticmethod
    def backward(ctx, g):
        return g[ctx.inner], None, None


def _pad_pairs(pad: Any, ndim: int) -> list[tuple[int, int]]:
    """PyTorch's flat pad tuple as one (before, after) pair per dim of the input."""
    try:
        flat = [operator.index(p) for p in pad]
    except TypeError:
        raise TypeError(f"pad: pad must be a tuple of ints, got {pad!r}") from None
    if len(flat) % 2:
        raise ValueError(f"pad: padding length must be divisible by 2, got {len(flat)} "
                         f"({tuple(flat)})")
    if len(flat) // 2 > ndim:
        raise ValueError(f"pad: padding length should be less than or equal to two times the "
                         f"input dimension but got padding length {len(flat)} and input of "
                         f"dimension {ndim}")
    pairs = [(0, 0)] * (ndim - len(flat) // 2)
    pairs += [(flat[2 * k], flat[2 * k + 1]) for k in reversed(range(len(flat) // 2))]
    return pairs


def _crop(x: ag.Tensor, pairs: list[tuple[int, int]]) -> ag.Tensor:
    """``x`` with the negative pads cut off (PyTorch's narrow)."""
    if all(lo >= 0 and hi >= 0 for lo, hi in pairs):
        return x
    index = []
    for d, ((lo, hi), n) in enumerate(zip(pairs, x.shape)):
        start, stop = max(-lo, 0), n - max(-hi, 0)
        if stop < start:
            raise ag.ShapeError(
                f"pad: the input size {n}, plus negative padding {lo} and {hi} resulted in a "
                f"negative output size, which is invalid. Check dimension {d} of the input "
                f"of shape {tuple(x.shape)}")
        index.append(slice(start, stop))
    return x[tuple(index)]


def _source_index(mode: str, n: int, lo: int, hi: int, d: int, shape: tuple) -> np.ndarray:
    """For each place of the padded dim, the input entry it copies."""
    if mode == "reflect" and (lo >= n or hi >= n):
        raise ValueError(f"pad: padding size should be less than the corresponding input "
                         f"dimension, but got padding ({lo}, {hi}) at dimension {d} of input "
                         f"{list(shape)}")
    kept = n - max(-lo, 0) - max(-hi, 0)
    if n + lo + hi < 0 or mode == "circular" and kept < 0:
        raise ag.ShapeError(f"pad: padding ({lo}, {hi}) gives dimension {d} of input "
                            f"{list(shape)} a negative size")
    if mode == "circular":
        if lo > kept or hi > kept:
            raise ValueError(f"pad: circular padding ({lo}, {hi}) at dimension {d} of input "
                             f"{list(shape)} wraps around more than once; at most the size "
                             f"left after cropping ({kept}) is allowed")
        return max(-lo, 0) + np.arange(-max(lo, 0), kept + max(hi, 0)) % max(kept, 1)
    places = np.arange(-lo, n + hi)
    if mode == "replicate":
        return np.clip(places, 0, n - 1)
    places = np.abs(places)
    return np.where(places > n - 1, 2 * (n - 1) - places, places)


def _check_non_constant(mode: str, x: ag.Tensor, padded: int) -> None:
    if x.ndim not in (padded + 1, padded + 2) or padded > 3:
        raise NotImplementedError(
            f"pad: padding size {2 * padded} is not supported for {x.ndim}D input in mode "
            f"{mode!r}; non-constant padding takes (2D or 3D input, padding size 2), (3D or 4D, "
            "4) or (4D or 5D, 6): the padded dims plus a channel dim and an optional batch dim")
    if any(n == 0 for n in x.shape[-padded - 1:]):
        raise ag.ShapeError(f"pad: mode {mode!r} expects non-zero channel and padded dims "
                            f"(the batch may be empty), got input of shape {tuple(x.shape)}")


def pad(input: ag.Tensor, pad: Any, mode: str = "constant", value: float | None = None
        ) -> ag.Tensor:
    """``input`` padded (or cropped, for negative amounts) on the last ``len(pad) // 2`` dims.

    ``pad = (left, right)`` pads the last dim, ``(left, right, top, bottom)`` the last two,
    and so on backwards. Modes, for input ``[a b c d]`` and pads ``(2, 2)``:

    * ``'constant'``: ``value`` (default 0) around the input — ``0 0 a b c d 0 0``; any
      number of dims and any dtype (the value is cast to it, as PyTorch's);
    * ``'reflect'``: the mirror image without the edge — ``c b a b c d c b``; each pad
      must be less than its dim's size;
    * ``'replicate'``: the edge entry repeated — ``a a a b c d d d``;
    * ``'circular'``: the input wrapped around — ``c d a b c d a b`` (pads at most the size).

    Non-constant modes pad 1 to 3 trailing dims of an input with one or two more dims
    (channels, and an optional batch), as PyTorch's. A negative amount crops that side
    first; for ``'reflect'`` and ``'replicate'`` the pad is still measured on the uncropped
    input, while ``'circular'`` wraps the cropped one (both PyTorch's rules). Here
    ``'circular'`` refuses a pad larger than what cropping leaves, where PyTorch reads
    uninitialized memory. The result is always a new tensor. The gradient of the constant
    mode is the crop of the output gradient; in the other modes each input entry receives
    the sum of the gradients of every place that copies it.
    """
    x = input if isinstance(input, ag.Tensor) else ag.as_tensor(input)
    if mode not in _MODES:
        raise NotImplementedError(f"pad: unrecognised padding mode {mode!r}; use one of "
                                  f"{', '.join(map(repr, _MODES))}")
    pairs = _pad_pairs(pad, x.ndim)
    if mode == "constant":
        grown = [(max(lo, 0), max(hi, 0)) for lo, hi in pairs]
        x = _crop(x, pairs)
        if not any(lo or hi for lo, hi in grown):
            return ag.clone(x)  # a new tensor, never a view of the input (PyTorch's)
        return ConstantPad.apply(x, tuple(grown), 0 if value is None else value)
    if value is not None and value != 0:
        raise ValueError(f"pad: padding mode {mode!r} doesn't take in a value argument "
                         f"(got value={value})")
    padded = len(pad) // 2
    _check_non_constant(mode, x, padded)
    shape, source = tuple(x.shape), x
    sizes = [shape[d] + sum(pairs[d]) for d in range(x.ndim - padded, x.ndim)]
    if mode != "circular" and not any(sizes):
        raise ag.ShapeError(f"pad: input {list(shape)} is too small for padding {tuple(pad)}: "
                            f"the padded dims would have sizes {sizes}")
    for d in range(x.ndim - padded, x.ndim):
        lo, hi = pairs[d]
        if lo or hi:
            index = _source_index(mode, shape[d], lo, hi, d, shape)
            x = take_along(x, d, index)
    return ag.clone(x) if x is source else x
