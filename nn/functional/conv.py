"""Convolutions (PyTorch's ``F.conv1d/2d/3d`` and ``F.conv_transpose1d/2d/3d``) as im2col
and one batched matrix product.

A convolution copies the windows of its padded input into columns (``Im2Col``) and
multiplies them by the weight reshaped to ``(groups, out/groups, in/groups·∏k)`` (with one
group, both in one op over chunks of the batch, ``Im2ColProduct``); a
transposed convolution multiplies the input by the transposed weight and adds the
columns back (``Col2Im``). The gradients are recorded ops where the backward is recorded
(``Im2Col``/``Col2Im`` are each other's gradient), so derivatives of any order come from
the engine.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import autograd as ag

from ._inputs import floating_input, same_dtype
from .conv_product import Im2ColProduct
from .fold import Col2Im, Im2Col, Windows, ntuple, window_count

_ROLES = ("weight", "bias")


class _Operands(NamedTuple):
    x: ag.Tensor  # batched: (N, C, *S)
    w: ag.Tensor
    b: ag.Tensor | None
    shape: tuple[int, ...]  # the input's shape as given
    groups: int
    stride: tuple[int, ...]
    dilation: tuple[int, ...]


def _operands(name: str, nd: int, input: Any, weight: Any, bias: Any, groups: Any,
              stride: Any, dilation: Any) -> _Operands:
    """The arguments every convolution checks: tensors of one floating dtype and the
    right ranks, ``groups`` a positive int, ``stride`` and ``dilation`` ``nd``-tuples."""
    x = floating_input(input, name)
    w = weight if isinstance(weight, ag.Tensor) else ag.as_tensor(weight)
    b = None if bias is None else bias if isinstance(bias, ag.Tensor) else ag.as_tensor(bias)
    for role, t in zip(_ROLES, (w, b)):
        if t is not None:
            same_dtype(x, t, role, name)
    if x.ndim not in (nd + 1, nd + 2):
        raise ag.ShapeError(f"{name}: expected a {nd + 1}-D (unbatched) or {nd + 2}-D (batched) "
                            f"input, got shape {x.shape}")
    if w.ndim != nd + 2:
        raise ag.ShapeError(f"{name}: weight must be {nd + 2}-D, got shape {w.shape}")
    if not isinstance(groups, int) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"{name}: groups must be a positive int, got {groups!r}")
    return _Operands(ag.unsqueeze(x, 0) if x.ndim == nd + 1 else x, w, b, tuple(x.shape),
                     groups, ntuple(stride, nd, "stride", name, 1),
                     ntuple(dilation, nd, "dilation", name, 1))


def _unbatch(out: ag.Tensor, given: _Operands) -> ag.Tensor:
    """The result without the batch dim the input came without."""
    return ag.squeeze(out, 0) if len(given.shape) < given.x.ndim else out


def _check_bias(name: str, b: ag.Tensor | None, channels: int) -> None:
    if b is not None and tuple(b.shape) != (channels,):
        raise ag.ShapeError(f"{name}: bias must have shape ({channels},) (one per output "
                            f"channel), got {b.shape}")


def _taps_last(w: ag.Tensor) -> ag.Tensor:
    """A weight ``(A, B, *K)`` as ``(A, *K, B)``, the order of ``Im2Col``'s rows."""
    return ag.permute(w, (0,) + tuple(range(2, w.ndim)) + (1,))


def _channels_first(x: ag.Tensor) -> ag.Tensor:
    """``(N, *S, C)`` → ``(N, C, *S)`` (a view)."""
    return ag.permute(x, (0, x.ndim - 1) + tuple(range(1, x.ndim - 1)))


def _channels_last(x: ag.Tensor) -> ag.Tensor:
    """``(N, C, *S)`` → ``(N, *S, C)`` (a view)."""
    return ag.permute(x, (0,) + tuple(range(2, x.ndim)) + (1,))


def conv_pads(name: str, padding: Any, kernel: tuple[int, ...], dilation: tuple[int, ...],
              stride: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """``(before, after)`` padding per spatial dim: ints, ``'valid'`` (none) or ``'same'``
    (``total = dil·(k − 1)``, ``before = total // 2``, the odd one ``after``, as PyTorch)."""
    nd = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding != "same":
            raise ValueError(f"{name}: padding must be an int, a tuple of ints, 'valid' or "
                             f"'same', got {padding!r}")
        if any(s != 1 for s in stride):
            raise ValueError(f"{name}: padding='same' is not supported for strided "
                             f"convolutions (stride={stride}); pass explicit padding instead")
        totals = (d * (k - 1) for d, k in zip(dilation, kernel))
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in ntuple(padding, nd, "padding", name, 0))


def convolution(name: str, nd: int, input: Any, weight: Any, bias: Any, stride: Any,
                padding: Any, dilation: Any, groups: Any) -> ag.Tensor:
    """``conv{nd}d`` (see ``conv2d``), with ``name`` (a function or a layer) leading its
    errors."""
    given = _operands(name, nd, input, weight, bias, groups, stride, dilation)
    x, w, b, shape, groups, stride, dilation = given
    kernel = tuple(w.shape[2:])
    n, c = x.shape[:2]
    out_c, per_group = w.shape[:2]
    if c != per_group * groups:
        raise ag.ShapeError(f"{name}: given groups={groups}, weight of shape {w.shape} expects "
                            f"{per_group * groups} input channels, but the input of shape "
                            f"{shape} has {c}")
    if out_c % groups:
        raise ag.ShapeError(f"{name}: given groups={groups}, the weight's dim 0 must be "
                            f"divisible by {groups}, but the weight has shape {w.shape}")
    _check_bias(name, b, out_c)
    pads = conv_pads(name, padding, kernel, dilation, stride)
    size = tuple(x.shape[2:])
    count = tuple(map(window_count, size, kernel, dilation, stride, pads))
    if min(count, default=1) <= 0 or 0 in kernel:
        padded = tuple(s + lo + hi for s, (lo, hi) in zip(size, pads))
        raise ag.ShapeError(f"{name}: the padded input is {padded} per channel, smaller than "
                            f"the kernel {kernel} with dilation {dilation}; pad more or use a "
                            "smaller kernel")
    windows = Windows(kernel, dilation, stride, pads, size, count, groups)
    taps = per_group * math.prod(kernel)
    w_rows = _taps_last(w)
    if groups == 1:
        out = Im2ColProduct.apply(x, ag.reshape(w_rows, (out_c, taps)), b, windows)
    else:
        rows = Im2Col.apply(x, windows)
        out = ag.matmul(ag.reshape(rows, (groups, -1, taps)),
                        ag.transpose(ag.reshape(w_rows, (groups, out_c // groups, taps)), 1, 2))
        out = ag.reshape(ag.permute(out, (1, 0, 2)), (-1, out_c))
        out = out if b is None else out + b
    return _unbatch(_channels_first(ag.reshape(out, (n,) + count + (out_c,))), given)


def transposed_convolution(name: str, nd: int, input: Any, weight: Any, bias: Any,
                           stride: Any, padding: Any, output_padding: Any, groups: Any,
                           dilation: Any) -> ag.Tensor:
    """``conv_transpose{nd}d`` (see ``conv_transpose2d``), with ``name`` leading its
    errors."""
    given = _operands(name, nd, input, weight, bias, groups, stride, dilation)
    x, w, b, shape, groups, stride, dilation = given
    if isinstance(padding, str):
        raise ValueError(f"{name}: padding must be an int or a tuple of ints, got {padding!r} "
                         "(strings are for the forward convolutions only)")
    pad = ntuple(padding, nd, "padding", name, 0)
    extra = ntuple(output_padding, nd, "output_padding", name, 0)
    if any(e >= max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(f"{name}: output_padding {extra} must be smaller than either stride "
                         f"{stride} or dilation {dilation} in each dim")
    kernel = tuple(w.shape[2:])
    n, c = x.shape[:2]
    if w.shape[0] != c:
        raise ag.ShapeError(f"{name}: weight of shape {w.shape} expects {w.shape[0]} input "
                            f"channels (its dim 0), but the input of shape {shape} has {c}")
    if c % groups:
        raise ag.ShapeError(f"{name}: given groups={groups}, the weight's dim 0 ({c}) must be "
                            f"divisible by {groups}")
    out_c = w.shape[1] * groups
    _check_bias(name, b, out_c)
    count = tuple(x.shape[2:])
    size = tuple((i - 1) * s - 2 * p + d * (k - 1) + e + 1
                 for i, s, p, d, k, e in zip(count, stride, pad, dilation, kernel, extra))
    if min(size, default=1) <= 0 or 0 in kernel:
        raise ag.ShapeError(f"{name}: input of shape {shape} with kernel {kernel}, "
                            f"stride {stride}, padding {pad}, dilation {dilation} gives an "
                            f"output of size {size}, which is not positive")
    taps = w.shape[1] * math.prod(kernel)
    by_group = ag.permute(ag.reshape(_channels_last(x), (-1, groups, c // groups)), (1, 0, 2))
    rows = ag.matmul(by_group, ag.reshape(_taps_last(w), (groups, c // groups, taps)))
    rows = ag.reshape(rows, (groups, n) + count + kernel + (w.shape[1],))
    out = Col2Im.apply(rows, Windows(kernel, dilation, stride, tuple((p, p) for p in pad),
                                     size, count, groups))
    return _unbatch(out if b is None else out + ag.reshape(b, (out_c,) + (1,) * nd), given)


def conv1d(input: ag.Tensor, weight: ag.Tensor, bias: ag.Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> ag.Tensor:
    """1-D convolution (PyTorch's ``F.conv1d``): input ``(N, C_in, L)`` or unbatched
    ``(C_in, L)``, weight ``(C_out, C_in/groups, k)``, bias ``(C_out,)`` or None →
    ``(N, C_out, L_out)``. Arguments, formula and gradients as ``conv2d``'s."""
    return convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: ag.Tensor, weight: ag.Tensor, bias: ag.Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> ag.Tensor:
    """2-D convolution (PyTorch's ``F.conv2d``; strictly a cross-correlation).

    input ``(N, C_in, H, W)`` or unbatched ``(C_in, H, W)``; weight
    ``(C_out, C_in/groups, kH, kW)``; bias ``(C_out,)`` or None. With ``x`` zero-padded,
    ``out[n, o, p] = bias[o] + Σ_{c,t} w[o, c, t]·x[n, g·C_in/groups + c, p·stride +
    t·dilation]``, summed over the channels ``c`` of the group ``g`` of ``o`` and the
    kernel taps ``t``; each output size is ``⌊(size + pad_before + pad_after −
    dilation·(k − 1) − 1)/stride⌋ + 1``. ``padding``: an int, a tuple, ``'valid'`` (none)
    or ``'same'`` (output size = input size, stride 1 only; when ``dilation·(k − 1)`` is
    odd the extra zero goes after, as PyTorch). ``stride``, ``dilation``: ints or tuples.
    Computed as im2col and one matrix product per group; the gradients are the engine's:
    the input's is col2im of ``g·w`` (a transposed convolution), the weight's ``gᵀ·rows``
    summed over batch and positions, the bias's ``g`` summed over all but dim 1. Input,
    weight and bias share one floating dtype (PyTorch's rule).
    """
    return convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: ag.Tensor, weight: ag.Tensor, bias: ag.Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> ag.Tensor:
    """3-D convolution (PyTorch's ``F.conv3d``): input ``(N, C_in, D, H, W)`` or unbatched,
    weight ``(C_out, C_in/groups, kD, kH, kW)``, bias ``(C_out,)`` or None. Arguments,
    formula and gradients as ``conv2d``'s."""
    return convolution("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input: ag.Tensor, weight: ag.Tensor, bias: ag.Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> ag.Tensor:
    """1-D transposed convolution (PyTorch's ``F.conv_transpose1d``): input
    ``(N, C_in, L)`` or unbatched, weight ``(C_in, C_out/groups, k)``, bias ``(C_out,)``.
    Arguments, formula and gradients as ``conv_transpose2d``'s."""
    return transposed_convolution("conv_transpose1d", 1, input, weight, bias, stride, padding,
                                    output_padding, groups, dilation)


def conv_transpose2d(input: ag.Tensor, weight: ag.Tensor, bias: ag.Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> ag.Tensor:
    """2-D transposed convolution (PyTorch's ``F.conv_transpose2d``): the gradient of
    ``conv2d`` with respect to its input, for the same ``stride``, ``padding``,
    ``dilation`` and ``groups``.

    input ``(N, C_in, H, W)`` or unbatched; weight ``(C_in, C_out/groups, kH, kW)`` (the
    convolution's layout with in and out swapped); bias ``(C_out,)`` or None. Each input
    pixel adds ``x·w`` into a window of the output, overlaps summing; each output size is
    ``(size − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1``, where
    ``output_padding`` (smaller than stride or dilation) chooses among the sizes a strided
    convolution maps to the same input size. Computed as one matrix product per group
    and col2im; the input's gradient is a convolution of the upstream gradient. Note
    PyTorch's argument order ``..., output_padding, groups, dilation``.
    """
    return transposed_convolution("conv_transpose2d", 2, input, weight, bias, stride, padding,
                                    output_padding, groups, dilation)


def conv_transpose3d(input: ag.Tensor, weight: ag.Tensor, bias: ag.Tensor | None = None,
                     stride: Any = 1, padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> ag.Tensor:
    """3-D transposed convolution (PyTorch's ``F.conv_transpose3d``): input
    ``(N, C_in, D, H, W)`` or unbatched, weight ``(C_in, C_out/groups, kD, kH, kW)``, bias
    ``(C_out,)``. Arguments, formula and gradients as ``conv_transpose2d``'s."""
    return transposed_convolution("conv_transpose3d", 3, input, weight, bias, stride, padding,
                                    output_padding, groups, dilation)

