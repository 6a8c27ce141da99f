"""The course's L2 regularization term (seed inventory §4, §6.1)."""

from __future__ import annotations

from collections.abc import Iterable

import autograd as ag


def l2_penalty(params: Iterable[ag.Tensor], lambd: float, m: int) -> ag.Tensor:
    """**Course**: ``λ/(2m) · Σ_l ‖W^[l]‖²_F`` over the weight matrices in ``params``.

    Parameters with two or more dimensions count as weights; biases (1-D) are not
    regularized, as the course says ("b is just a single number", §6.1). Add it
    to the cost: ``J = loss + l2_penalty(model.parameters(), lambd, m)``. Its
    gradient adds the course's ``(λ/m)·W`` to each ``dW``. ``m`` is the number of
    examples the loss averages over (the batch size for a mini-batch cost, §16
    item 11). Example (§18): w = [[3, 2, 1]], λ = 1 gives 14/(2m) = 7/m.
    """
    if m <= 0:
        raise ValueError(f"l2_penalty: m (the number of examples) must be positive, got {m}")
    if lambd < 0:
        raise ValueError(f"l2_penalty: lambd must be >= 0, got {lambd}")
    weights = [p for p in params if p.ndim >= 2]
    if not weights:
        return ag.tensor(0.0)
    total = (weights[0] * weights[0]).sum()
    for w in weights[1:]:
        total = total + (w * w).sum()
    return total * (lambd / (2.0 * m))
