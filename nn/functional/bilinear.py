"""``bilinear`` (PyTorch's ``F.bilinear``), composed from engine ops."""

from __future__ import annotations

import autograd as ag

from ._inputs import floating_input, same_dtype


def bilinear(input1: ag.Tensor, input2: ag.Tensor, weight: ag.Tensor,
             bias: ag.Tensor | None = None) -> ag.Tensor:
    """The bilinear map ``y_o = x1ᵀ·W_o·x2 + b_o`` (PyTorch's ``F.bilinear``):
    ``y[..., o] = Σ_ij x1[..., i]·W[o, i, j]·x2[..., j] + b[o]``.

    Shapes: ``input1 (*, in1)``, ``input2 (*, in2)`` with the same leading dimensions,
    ``weight (out, in1, in2)``, ``bias (out,)`` → ``(*, out)``. Written as one matrix
    product ``x2 @ W.reshape(out·in1, in2)ᵀ`` and a sum against x1, so the gradients (and
    their gradients) come from the engine."""
    x1 = floating_input(input1, "bilinear")
    x2 = floating_input(input2, "bilinear")
    if x1.ndim == 0 or x2.ndim == 0 or x1.shape[:-1] != x2.shape[:-1]:
        raise ag.ShapeError(f"bilinear: input1 {tuple(x1.shape)} and input2 "
                            f"{tuple(x2.shape)} must be (*, in1) and (*, in2) with the same "
                            "leading (batch) dimensions")
    if weight.ndim != 3 or weight.shape[1:] != (x1.shape[-1], x2.shape[-1]):
        raise ag.ShapeError(f"bilinear: weight of shape {tuple(weight.shape)} does not match "
                            f"the inputs: expected (out, {x1.shape[-1]}, {x2.shape[-1]})")
    same_dtype(x1, x2, "input2", "bilinear")
    same_dtype(x1, weight, "weight", "bilinear")
    out_features, in1, in2 = weight.shape
    if bias is not None:
        if tuple(bias.shape) != (out_features,):
            raise ag.ShapeError(f"bilinear: bias of shape {tuple(bias.shape)} does not match "
                                f"weight {tuple(weight.shape)}: expected ({out_features},)")
        same_dtype(x1, bias, "bias", "bilinear")
    batch = x1.shape[:-1]
    rows2 = x2.reshape(-1, in2)
    projected = (rows2 @ weight.reshape(out_features * in1, in2).T).reshape(-1, out_features,
                                                                             in1)
    out = (projected * x1.reshape(-1, 1, in1)).sum(axis=-1).reshape(*batch, out_features)
    return out if bias is None else out + bias

