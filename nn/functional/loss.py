"""Loss functions (seed inventory §4, §12), PyTorch's signatures and semantics.

Softmax + cross-entropy and sigmoid + binary cross-entropy are fused ops: the
logits' gradient is computed in one step as the course's ``ŷ − y`` (§1.4, §12),
which is both cheaper and more stable than going through the probabilities.
Every loss takes ``reduction='mean' | 'sum' | 'none'``; 'mean' divides by the
batch size (or, for class-index targets with ``weight``, by the summed weights
of the targets, as PyTorch does), so the course's ``J = 1/m Σ L`` is 'mean'.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag
from autograd import kernels

from ._inputs import floating_input

_REDUCTIONS = ("mean", "sum", "none")


# -------------------------------------------------------------------- checks
def _check_reduction(reduction: str, name: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduce(loss: ag.Tensor, reduction: str, denominator: Any = None) -> ag.Tensor:
    if reduction == "none":
        return loss
    total = loss.sum()
    if reduction == "sum":
        return total
    return total / (loss.data.size if denominator is None else denominator)


def _weighted(loss: ag.Tensor, weight: Any, reduction: str, name: str,
              mean_over_weights: bool = True) -> ag.Tensor:
    """PyTorch 2.13's per-element ``weight`` of the pointwise regression losses: the losses
    times ``weight`` (of the input's shape), summed, and for 'mean' divided by ``Σ weight``
    (``mse_loss``, ``l1_loss``) or by the number of elements (``huber_loss``,
    ``mean_over_weights=False``), as PyTorch divides. A weight that requires grad gets
    its gradient."""
    if weight is None:
        return _reduce(loss, reduction)
    w = _tensor(weight)
    if w.shape != loss.shape:
        raise ValueError(f"{name}: weight of shape {tuple(w.shape)} must have the input's "
                         f"shape {tuple(loss.shape)} (one weight per element)")
    if w.dtype != loss.dtype and not w.requires_grad:
        w = ag.from_numpy(w.data.astype(loss.dtype))
    weighted = loss * w
    if reduction == "mean" and mean_over_weights:
        return weighted.sum() / w.sum()
    return _reduce(weighted, reduction)


def _scale(reduction: str, denominator: Any) -> float | None:
    """The factor a fused loss multiplies its sum by: None keeps the per-example losses."""
    if reduction == "none":
        return None
    if reduction == "sum":
        return 1.0
    denominator = float(denominator)
    if denominator == 0.0:  # every row ignored or weighted 0: the mean is 0/0 = nan, as torch's
        return math.copysign(math.inf, denominator)
    return 1.0 / denominator


def _tensor(x: Any) -> ag.Tensor:
    return x if isinstance(x, ag.Tensor) else ag.as_tensor(x)


def _float_target(target: Any, input: ag.Tensor, name: str) -> ag.Tensor:
    """The target as a Tensor of the input's dtype, with the input's exact shape."""
    target = _tensor(target)
    if target.shape != input.shape:
        raise ValueError(
            f"{name}: target shape {tuple(target.shape)} differs from input shape "
            f"{tuple(input.shape)}; they must match (broadcasting them would silently "
            "compare every prediction with every label). Reshape the target, e.g. "
            "target.reshape(input.shape)"
        )
    if target.dtype.kind not in "fiub":
        raise TypeError(f"{name}: target must be numeric, got dtype {target.dtype}")
    if target.dtype != input.dtype and not target.requires_grad:
        target = ag.from_numpy(target.data.astype(input.dtype))
    return target


def _class_weight(weight: Any, classes: int, dtype: np.dtype, name: str) -> np.ndarray:
    if weight is None:
        return np.ones(classes, dtype=dtype)
    w = np.asarray(weight.data if isinstance(weight, ag.Tensor) else weight, dtype=dtype)
    if w.shape != (classes,):
        raise ValueError(f"{name}: weight must have one entry per class, shape ({classes},), "
                         f"got {w.shape}")
    return w


def _labels_for_the_kernel(target: Any, n: int, classes: int,
                           ignore_index: int) -> np.ndarray | None:
    """Integer labels ``(N,)`` whose range the softmax kernel can check as it runs (it
    raises ``LabelError`` for one outside ``[0, C)``, where ``ignore_index`` then lies),
    else None: two reductions over the labels fewer in a training step."""
    y = target.data if isinstance(target, ag.Tensor) else target
    if (type(y) is np.ndarray and y.dtype.kind in "iu" and y.shape == (n,) and n
            and not 0 <= ignore_index < classes):
        return y
    return None


def _class_indices(target: Any, input: ag.Tensor, ignore_index: int,
                   name: str) -> tuple[np.ndarray, np.ndarray]:
    """Validated ``(N,)`` class labels and the mask of the ones not ignored."""
    n, classes = input.shape
    y = np.asarray(target.data if isinstance(target, ag.Tensor) else target)
    if y.dtype.kind not in "iu":
        raise TypeError(
            f"{name}: class-index targets must be integers, got dtype {y.dtype} with shape "
            f"{y.shape}. Convert labels with .astype(np.int64); class probabilities must "
            f"have the input's shape {tuple(input.shape)}"
        )
    if y.shape != (n,):
        hint = " (use target.reshape(-1))" if y.size == n else ""
        raise ValueError(f"{name}: target of class indices must have shape ({n},) for input "
                         f"{tuple(input.shape)}, got {y.shape}{hint}")
    if n and 0 <= (low := y.min()) and (high := y.max()) < classes and \
            not low <= ignore_index <= high:
        return y, None  # the common case, told by two reductions: every label counts
    valid = y != ignore_index
    bad = valid & ((y < 0) | (y >= classes))
    if bad.any():
        raise IndexError(
            f"{name}: target contains class {int(y[bad][0])} at position "
            f"{int(np.flatnonzero(bad)[0])}, outside [0, {classes}) for input with "
            f"{classes} classes"
        )
    return np.where(valid, y, 0), valid


def _kept(valid: np.ndarray | None, values: np.ndarray) -> np.ndarray:
    """``values`` with the ignored rows' entries set to 0 (``valid`` None: none ignored)."""
    return values if valid is None else np.where(valid, values, 0).astype(values.dtype)


def _drop_ignored(input: ag.Tensor, y: np.ndarray, valid: np.ndarray | None,
                  reduction: str) -> tuple[ag.Tensor, np.ndarray, np.ndarray | None]:
    """For a reduced loss, only the rows not ignored: the ignored ones then get an exact 0
    gradient, also when every row is ignored and the mean is 0/0 = nan (PyTorch's results;
    scaling their zero terms by 1/0 would make their gradient nan). 'none' keeps every row
    (an ignored one's loss is 0)."""
    if valid is None or reduction == "none":
        return input, y, valid
    rows = np.flatnonzero(valid)
    return input[rows], y[rows], None


def _as_rows(input: ag.Tensor, target: Any,
             name: str) -> tuple[ag.Tensor, Any, tuple[int, ...] | None]:
    """PyTorch's other layouts of class scores as rows ``(M, C)``, one per example.

    ``(C,)`` with a 0-d class index (or ``(C,)`` probabilities) is one example.
    ``(N, C, d1, ..., dk)``, a score per class at every position (per pixel, per time
    step), with class indices ``(N, d1, ..., dk)`` or probabilities of the input's shape,
    has its class axis moved last and the rest flattened: every position is an example,
    as in PyTorch. Returns the rows, the target in the same layout and the shape of a
    ``reduction='none'`` result (None for ``(N, C)`` input, which needs no change).
    """
    shape = tuple(input.shape)
    if input.ndim == 2:
        return input, target, None
    if input.ndim == 0:
        raise ValueError(f"{name}: input must hold class scores, (N, C), (C,) or "
                         f"(N, C, d1, ..., dk), got a 0-d tensor")
    classes = shape[1] if input.ndim > 2 else shape[0]
    per_position = (shape[0], *shape[2:]) if input.ndim > 2 else ()
    target_data = target.data if isinstance(target, ag.Tensor) else np.asarray(target)
    if target_data.shape == shape and target_data.dtype.kind == "f":
        target = _tensor(target)
        if input.ndim > 2:
            target = target.permute(0, *range(2, input.ndim), 1)
        target = target.reshape(-1, classes)
    elif target_data.shape == per_position:
        target = target_data.reshape(-1)
    else:
        raise ValueError(f"{name}: for input of shape {shape} the target must be class "
                         f"indices of shape {per_position} or class probabilities of shape "
                         f"{shape}, got shape {target_data.shape}")
    if input.ndim > 2:
        input = input.permute(0, *range(2, input.ndim), 1)
    return input.reshape(-1, classes), target, per_position


def _unrows(loss: ag.Tensor, reduction: str, shape: tuple[int, ...] | None) -> ag.Tensor:
    """A per-row loss back in the input's layout (see ``_as_rows``)."""
    return loss.reshape(shape) if shape is not None and reduction == "none" else loss


# -------------------------------------------------------------- fused ops
class SoftmaxCrossEntropy(ag.Function):
    """Loss ``L_i = −Σ_c A_ic · log softmax(z_i)_c`` for logits z ``(N, C)``, per row or
    reduced in the same op.

    A ``(N, C)`` holds the (weighted, smoothed) target distribution. With ``scale``
    None the output is the ``(N,)`` vector of ``L_i``; with a number it is the scalar
    ``scale · Σ_i L_i`` (1 for 'sum', 1/N or 1/Σw for 'mean'), so a reduced loss is one
    node. The gradient is ``∂L_i/∂z_i = softmax(z_i)·Σ_c A_ic − A_i``, which for a
    one-hot target is the course's ``ŷ − y`` (§12); ``∂L_i/∂A_ic = −log softmax(z_i)_c``.

    Class-index targets come as ``targets=None`` with ``labels`` ``(N,)`` and
    ``row_weight`` ``(N,)``: ``A = row_weight·onehot(labels)``, never built unless the
    backward is itself recorded.
    """

    @staticmethod
    def forward(ctx, logits, targets, scale=None, labels=None, row_weight=None):
        if targets is None:
            losses, ctx.probs = kernels.softmax_xent_labels_forward(logits, labels, row_weight)
        else:
            losses, ctx.probs, ctx.asum = kernels.softmax_xent_forward(logits, targets)
        ctx.save_for_backward(logits, targets)
        ctx.scale, ctx.labels, ctx.row_weight = scale, labels, row_weight
        if scale is None:
            return losses
        return np.asarray(losses.sum() * scale, dtype=logits.dtype)

    @staticmethod
    def backward(ctx, grad):
        logits, targets = ctx.saved_tensors
        need_logits, need_targets = ctx.needs_input_grad[:2]
        scale = ctx.scale
        if not ag.is_grad_enabled():
            # No graph to record: one compiled pass over (N, C) from the saved softmax.
            g = grad.data if scale is None else grad.data * scale
            grad_logits = grad_targets = None
            if need_logits:
                grad_logits = ag.from_numpy(
                    kernels.softmax_xent_labels_backward(ctx.probs, ctx.labels, ctx.row_weight, g)
                    if targets is None
                    else kernels.softmax_xent_backward(ctx.probs, targets.data, ctx.asum, g))
            if need_targets:
                g = np.reshape(g, (-1, 1)) if np.ndim(g) else g
                grad_targets = ag.from_numpy(-g * ag.log_softmax(logits, axis=1).data)
            return grad_logits, grad_targets, None, None, None
        if targets is None:
            dense = np.zeros(logits.shape, logits.dtype)
            dense[np.arange(logits.shape[0]), ctx.labels] = ctx.row_weight
            targets = ag.from_numpy(dense)
        log_p = ag.log_softmax(logits, axis=1)
        g = grad.reshape(-1, 1) if scale is None else grad * scale
        grad_logits = grad_targets = None
        if need_logits:
            grad_logits = g * (log_p.exp() * targets.sum(axis=1, keepdims=True) - targets)
        if need_targets:
            grad_targets = -g * log_p
        return grad_logits, grad_targets, None, None, None


class SigmoidBinaryCrossEntropy(ag.Function):
    """Elementwise ``ℓ = (1 − y)·x + c·softplus(−x)`` with ``c = 1 + (pos_weight − 1)·y``.

    This is ``−[c·y·log σ(x) + (1 − y)·log(1 − σ(x))]`` written without forming
    σ(x), so it is finite for logits of any size. ``∂ℓ/∂x = (1 − y) − c·(1 − σ(x))``,
    which without pos_weight is the course's ``a − y`` (``dZ = A − Y``, §1.4).
    """

    @staticmethod
    def forward(ctx, x, y, pos_weight):
        softplus_neg = np.logaddexp(0.0, -x).astype(x.dtype, copy=False)
        c = 1.0 if pos_weight is None else 1.0 + (pos_weight - 1.0) * y
        ctx.save_for_backward(x, y, pos_weight)
        return ((1.0 - y) * x + c * softplus_neg).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y, pos_weight = ctx.saved_tensors
        need_x, need_y, _ = ctx.needs_input_grad
        recorded = ag.is_grad_enabled()
        if recorded:
            sigmoid, softplus = ag.sigmoid, ag.softplus
        else:  # no graph to record: the same formulas on the arrays, no op nodes
            grad, x, y = grad.data, x.data, y.data
            pos_weight = None if pos_weight is None else pos_weight.data
            sigmoid, softplus = kernels.sigmoid, kernels.softplus
        grad_x = grad_y = None
        if need_x:
            c = 1.0 if pos_weight is None else 1.0 + (pos_weight - 1.0) * y
            grad_x = grad * ((1.0 - y) - c * sigmoid(-x))
        if need_y:
            extra = 0.0 if pos_weight is None else (pos_weight - 1.0) * softplus(-x)
            grad_y = grad * (extra - x)
        if recorded:
            return grad_x, grad_y, None
        return tuple(None if g is None else ag.from_numpy(np.asarray(g, dtype))
                     for g, dtype in ((grad_x, x.dtype), (grad_y, y.dtype))) + (None,)


class ClampedBinaryCrossEntropy(ag.Function):
    """Elementwise ``ℓ = −[y·max(log p, −100) + (1 − y)·max(log(1 − p), −100)]``.

    The log is clamped at −100 exactly as PyTorch's ``BCELoss`` does, so the loss
    stays finite at p = 0 and p = 1; ``∂ℓ/∂p = (p − y) / max(p(1 − p), 1e-12)``, as
    PyTorch's backward. The target's gradient ``max(log(1 − p), −100) − max(log p, −100)``
    uses the same clamped logs, so it stays finite where PyTorch's is ±inf. (The course
    clips p to ``[ε, 1 − ε]`` before the log instead, §2.2; both keep the loss finite.)
    """

    @staticmethod
    def forward(ctx, p, y):
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100.0)
            log_1mp = np.maximum(np.log1p(-p), -100.0)
        ctx.save_for_backward(p, y)
        return (-(y * log_p + (1.0 - y) * log_1mp)).astype(p.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        p, y = ctx.saved_tensors
        need_p, need_y = ctx.needs_input_grad
        grad_p = grad_y = None
        if need_p:
            grad_p = grad * (p - y) / ag.maximum(p * (1.0 - p), 1e-12)
        if need_y:
            grad_y = grad * (ag.maximum(ag.log1p(-p), -100.0) - ag.maximum(ag.log(p), -100.0))
        return grad_p, grad_y


# ------------------------------------------------------------------ losses
def mse_loss(input: ag.Tensor, target: Any, reduction: str = "mean",
             weight: Any = None) -> ag.Tensor:
    """Mean squared error ``(1/n) Σ (input − target)²`` over all n elements (PyTorch's).

    The seeds' only squared error (§4, S4 L619) is ``(1/m) Σ (h − y)²``; its gradient
    there misses the factor 2 (§16 item 22) — this one has it. Unlike PyTorch, which
    only warns, shapes must match exactly. ``weight`` (the input's shape) weighs each
    element: 'mean' is then ``Σ w·(input − target)² / Σ w``, as PyTorch 2.13's.
    """
    _check_reduction(reduction, "mse_loss")
    input = floating_input(input, "mse_loss")
    target = _float_target(target, input, "mse_loss")
    diff = input - target
    return _weighted(diff * diff, weight, reduction, "mse_loss")


def _value_range(values: np.ndarray) -> str:
    """``"values from lo to hi"`` (and NaN, if any) for an error message."""
    nan = np.isnan(values)
    if nan.all():
        return "NaN"
    finite = values[~nan]
    return (f"values from {finite.min():.4g} to {finite.max():.4g}"
            + (" and NaN" if nan.any() else ""))


def binary_cross_entropy(input: ag.Tensor, target: Any, weight: Any = None,
                         reduction: str = "mean") -> ag.Tensor:
    """Binary cross-entropy on probabilities (course §4: ``−[y log a + (1 − y) log(1 − a)]``).

    ``input`` holds probabilities in [0, 1] (a sigmoid's output) and ``target``
    labels in [0, 1] of the same shape (both checked, as PyTorch does: values outside, or
    NaN, raise); ``weight`` rescales each element. The log
    is clamped at −100 (PyTorch's rule; see ``ClampedBinaryCrossEntropy``), so the
    loss is finite even at exactly 0 and 1. Prefer
    ``binary_cross_entropy_with_logits`` on the logits: it is exact where this clamps.
    """
    name = "binary_cross_entropy"
    _check_reduction(reduction, name)
    input = floating_input(input, name)
    target = _float_target(target, input, name)
    p = input.data
    if p.size and not (np.all(p >= 0.0) and np.all(p <= 1.0)):
        raise ValueError(
            f"{name}: input must hold probabilities in [0, 1], got values from {p.min():.4g} to "
            f"{p.max():.4g}. Apply sigmoid first, or pass the logits to "
            "binary_cross_entropy_with_logits"
        )
    y = target.data
    if y.size and not (np.all(y >= 0.0) and np.all(y <= 1.0)):  # as PyTorch's check
        raise ValueError(
            f"{name}: target must hold labels or probabilities in [0, 1], got "
            f"{_value_range(y)}. Map the labels to 0 and 1 first (e.g. (y + 1) / 2 for "
            "labels in {-1, 1})"
        )
    loss = ClampedBinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input: ag.Tensor, target: Any, weight: Any = None,
                                     reduction: str = "mean",
                                     pos_weight: Any = None) -> ag.Tensor:
    """Sigmoid + binary cross-entropy in one stable op on logits (PyTorch's).

    ``ℓ = −w·[pos_weight·y·log σ(x) + (1 − y)·log(1 − σ(x))]``, computed as
    ``(1 − y)x + (1 + (pos_weight − 1)y)·softplus(−x)``, finite for logits of any
    size (the course clips logits to ±500 instead, §2.2). The gradient with
    respect to the logits is the course's ``σ(x) − y`` (times w, /n for 'mean').
    ``pos_weight`` (broadcast over the last dimension, one per class) weighs
    the positive examples; ``weight`` rescales each element.
    """
    name = "binary_cross_entropy_with_logits"
    _check_reduction(reduction, name)
    input = floating_input(input, name)
    target = _float_target(target, input, name)
    if pos_weight is not None:
        pos_weight = ag.as_tensor(pos_weight, dtype=input.dtype)
        try:
            np.broadcast_shapes(pos_weight.shape, input.shape)
        except ValueError:
            raise ValueError(f"{name}: pos_weight of shape {tuple(pos_weight.shape)} cannot be "
                             f"broadcast to the input's {tuple(input.shape)}; give one value "
                             "per class (the last dimension)") from None
    loss = SigmoidBinaryCrossEntropy.apply(input, target, pos_weight)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def cross_entropy(input: ag.Tensor, target: Any, weight: Any = None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> ag.Tensor:
    """Softmax + cross-entropy on logits ``(N, C)`` in one fused op (PyTorch's semantics).

    ``target`` is either class indices ``(N,)`` (integers in ``[0, C)``; rows equal
    to ``ignore_index`` are skipped) or class probabilities ``(N, C)`` (floats).
    PyTorch's other layouts work too: one example ``(C,)`` with a 0-d target, and
    ``(N, C, d1, ..., dk)`` with targets ``(N, d1, ..., dk)`` (or probabilities of the
    input's shape), where every position is an example; 'none' then gives
    ``(N, d1, ..., dk)``.
    Per example (course §4, §12): ``L_i = −Σ_c y_ic log softmax(z_i)_c``, where with
    ``label_smoothing`` ε the target becomes ``(1 − ε)·y + ε/C``, and ``weight``
    ``(C,)`` scales class c's terms. 'mean' divides by N for probability targets
    and by ``Σ_i weight[target_i]`` over the kept rows for index targets (N
    without weights). The logits' gradient is ``ŷ − y`` (divided by N for 'mean').

    The course's worked example ``ŷ = [0.1, 0.2, 0.3, 0.4]``, ``y = class 1`` gives
    ``−log 0.2 = 1.6094379``.
    """
    name = "cross_entropy"
    _check_reduction(reduction, name)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{name}: label_smoothing must be in [0, 1], got {label_smoothing}")
    input, target, layout = _as_rows(floating_input(input, name), target, name)
    return _unrows(_cross_entropy_rows(input, target, weight, ignore_index, reduction,
                                       label_smoothing, name), reduction, layout)


def _every_row_once(input: ag.Tensor, y: np.ndarray, reduction: str) -> ag.Tensor:
    """The fused loss of logits ``(N, C)`` against labels ``(N,)``, each row weighted 1."""
    n = input.shape[0]
    return SoftmaxCrossEntropy.apply(input, None, _scale(reduction, n), y,
                                     _unit_weights(n, input.dtype))


_unit_weight_arrays: dict[tuple[int, np.dtype], np.ndarray] = {}


def _unit_weights(n: int, dtype: np.dtype) -> np.ndarray:
    """A read-only vector of n ones, kept from one call to the next: a training step's
    loss would otherwise fill a new one each time, and any NumPy call right after the
    products costs tens of µs (bench/README finding 45)."""
    ones = _unit_weight_arrays.get((n, dtype))
    if ones is None:
        if len(_unit_weight_arrays) >= 8:  # batch sizes come and go: keep a few
            _unit_weight_arrays.clear()
        ones = _unit_weight_arrays[(n, dtype)] = np.ones(n, dtype=dtype)
        ones.flags.writeable = False
    return ones


def _cross_entropy_rows(input: ag.Tensor, target: Any, weight: Any, ignore_index: int,
                        reduction: str, label_smoothing: float, name: str) -> ag.Tensor:
    """``cross_entropy`` of logits ``(N, C)``."""
    n, classes = input.shape
    w = None if weight is None else _class_weight(weight, classes, input.dtype, name)
    target_t = target if isinstance(target, ag.Tensor) else None
    target_shape = np.shape(target.data if target_t is not None else target)
    if target_shape == (n, classes) and np.asarray(
            target.data if target_t is not None else target).dtype.kind == "f":
        probs = _float_target(target, input, name)
        smoothed = probs * (1.0 - label_smoothing) + label_smoothing / classes
        coeffs = smoothed * w if w is not None else smoothed
        return SoftmaxCrossEntropy.apply(input, coeffs, _scale(reduction, n))
    y = _labels_for_the_kernel(target, n, classes, ignore_index)
    if y is not None and not label_smoothing and w is None:
        try:  # the common case, with the labels checked by the kernel itself
            return _every_row_once(input, y, reduction)
        except ag.kernels.LabelError:
            pass  # a label outside [0, C): ignore_index's rows, or an error said below
    y, valid = _class_indices(target, input, ignore_index, name)
    input, y, valid = _drop_ignored(input, y, valid, reduction)
    n = input.shape[0]
    if not label_smoothing and w is None and valid is None:
        return _every_row_once(input, y, reduction)
    if w is None:
        w = np.ones(classes, dtype=input.dtype)
    if not label_smoothing:
        row_weight = _kept(valid, w[y])
        losses = SoftmaxCrossEntropy.apply(input, None, _scale(reduction, row_weight.sum()), y,
                                           row_weight)
    else:
        coeffs = np.zeros((n, classes), dtype=input.dtype)
        rows = np.arange(n)
        coeffs[rows, y] = (1.0 - label_smoothing) * w[y]
        coeffs += (label_smoothing / classes) * w
        if valid is not None:
            coeffs[~valid] = 0.0
        losses = SoftmaxCrossEntropy.apply(input, coeffs,
                                           _scale(reduction, _kept(valid, w[y]).sum()))
    if valid is not None:  # 'none': an ignored row's loss is 0, also where its logits are
        losses = ag.where(valid, losses, 0.0)  # inf or nan (0·inf would be nan), as PyTorch
    return losses


def nll_loss(input: ag.Tensor, target: Any, weight: Any = None, ignore_index: int = -100,
             reduction: str = "mean") -> ag.Tensor:
    """Negative log-likelihood ``L_i = −weight[y_i] · input[i, y_i]`` on log-probabilities.

    ``input`` is ``(N, C)`` log-probabilities (e.g. ``log_softmax``'s output) and
    ``target`` ``(N,)`` class indices; ``nll_loss(log_softmax(z), y)`` equals
    ``cross_entropy(z, y)``. 'mean' divides by ``Σ weight[y_i]`` over the kept rows,
    as PyTorch does (N without weights). ``(C,)`` input with a 0-d target and
    ``(N, C, d1, ..., dk)`` input with targets ``(N, d1, ..., dk)`` work as in
    ``cross_entropy``.
    """
    name = "nll_loss"
    _check_reduction(reduction, name)
    input = floating_input(input, name)
    if input.ndim not in (0, 2):
        index_shape = (input.shape[0], *input.shape[2:]) if input.ndim > 2 else ()
        if np.shape(target.data if isinstance(target, ag.Tensor) else target) != index_shape:
            raise ValueError(f"{name}: for input of shape {tuple(input.shape)} the target "
                             f"must be class indices of shape {index_shape}")
    input, target, layout = _as_rows(input, target, name)
    return _unrows(_nll_loss_rows(input, target, weight, ignore_index, reduction, name),
                   reduction, layout)


def _nll_loss_rows(input: ag.Tensor, target: Any, weight: Any, ignore_index: int,
                   reduction: str, name: str) -> ag.Tensor:
    """``nll_loss`` of log-probabilities ``(N, C)``."""
    n, classes = input.shape
    w = _class_weight(weight, classes, input.dtype, name)
    y, valid = _class_indices(target, input, ignore_index, name)
    input, y, valid = _drop_ignored(input, y, valid, reduction)
    n = input.shape[0]
    coeffs = _kept(valid, w[y])
    loss = -input[np.arange(n), y] * coeffs
    if valid is not None:  # 'none': an ignored row's loss is 0, also where its input is nan
        loss = ag.where(valid, loss, 0.0)
    return _reduce(loss, reduction, coeffs.sum())
