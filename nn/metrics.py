"""Classification metrics and the course's bias/variance diagnosis (seed inventory §13).

Metrics take ``(y_true, y_pred)`` as arrays, Tensors or lists, in the argument order of
scikit-learn and of ``nn.fit``'s ``metrics=`` (``fn(y_true, outputs)``). What ``y_pred`` may be:

- class labels (integers or bools), shape ``(N,)``;
- class scores of shape ``(N, C)`` with C > 1 (logits or probabilities): the predicted class
  is the ``argmax`` of each row;
- one score per example (floats, shape ``(N,)`` or ``(N, 1)``) for a binary problem: the
  predicted class is ``score >= threshold`` (0.5 for probabilities, the course's default
  (§13.2); pass ``threshold=0.0`` for logits).

``y_true`` holds integer labels (whole-valued floats and ``(N, 1)`` columns are accepted) or
one-hot rows ``(N, C)``. Examples are rows: the course's ``(1, m)`` layout is refused with the
fix (``.reshape(-1)``), as are labels that cannot match the predictions (a label ``>= C``
beside ``(N, C)`` scores, a label other than 0/1 beside one score per example). A NaN score
predicts no class: it counts as wrong, with a ``RuntimeWarning`` (a diverged model).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import autograd as ag

_AVERAGES = ("binary", "macro", "micro")
# The predicted label of a NaN score: equal to no class, so the example counts as wrong.
_NO_CLASS = np.iinfo(np.int64).min


class UndefinedMetricWarning(UserWarning):
    """A precision, recall or F1 was 0/0 and ``zero_division``'s value was used instead."""


def _array(a: Any, func: str, what: str) -> np.ndarray:
    arr = a.data if isinstance(a, ag.Tensor) else np.asarray(a)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{func}: {what} must be numeric, got dtype {arr.dtype}")
    return arr


def _per_example(a: Any, func: str, what: str,
                 accepted: str) -> tuple[np.ndarray, int | None, tuple[int, ...]]:
    """``(values, classes, shape)``: class rows (N, C) stay 2-D with ``classes`` = C, a
    column (N, 1) becomes (N,); anything else but (N,) is an error naming ``accepted``."""
    arr = _array(a, func, what)
    if arr.ndim == 2 and arr.shape[1] > 1:
        return arr, arr.shape[1], arr.shape
    shape = arr.shape
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{func}: {what} must be {accepted}, got shape {shape}")
    return arr, None, shape


def _true_labels(y_true: Any, func: str) -> tuple[np.ndarray, int | None, tuple[int, ...]]:
    """``(labels, classes, shape)``: ``classes`` is C for one-hot rows (N, C), else None."""
    y, classes, shape = _per_example(y_true, func, "y_true",
                                     "labels (N,) or one-hot rows (N, C)")
    if classes is not None:
        # Rows that are not one-hot (or soft labels summing to 1) are not examples: most
        # likely the course's (1, m) row of labels, whose argmax would be one "example".
        rows = y.astype(np.float64)
        if np.any(rows < 0) or np.any(rows > 1) or not np.allclose(rows.sum(axis=1), 1.0,
                                                                    atol=1e-4):
            raise ValueError(f"{func}: y_true of shape {shape} is read as one-hot rows (N, C), "
                             "but its rows do not each sum to 1; examples are rows: for the "
                             "course's (1, m) layout of labels pass y_true.reshape(-1) "
                             "(and y_pred.reshape(-1))")
        return rows.argmax(axis=1), classes, shape
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError(f"{func}: y_true must hold class labels (whole numbers), got "
                             "fractional values")
    return y.astype(np.int64), None, shape


def _pred_labels(y_pred: Any, func: str,
                 threshold: float) -> tuple[np.ndarray, int | None, tuple[int, ...], bool]:
    """``(labels, classes, shape, scored)``: ``scored`` when one float score per example
    was thresholded into the classes 0 and 1. NaN scores become ``_NO_CLASS``."""
    p, classes, shape = _per_example(y_pred, func, "y_pred",
                                     "labels (N,), scores (N,) or class scores (N, C)")
    if p.dtype.kind != "f":
        if classes is not None:
            return p.argmax(axis=1), classes, shape, False
        return p.astype(np.int64), None, shape, False
    nan = np.isnan(p).any(axis=1) if classes is not None else np.isnan(p)
    with np.errstate(invalid="ignore"):
        labels = p.argmax(axis=1) if classes is not None else (p >= threshold).astype(np.int64)
    labels[nan] = _NO_CLASS
    return labels, classes, shape, classes is None


def _pair(y_true: Any, y_pred: Any, func: str, threshold: float = 0.5,
          stacklevel: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Labels ``(t, p)`` of the same length, checked to be comparable; ``stacklevel`` puts
    the NaN warning on the user's call."""
    t, t_classes, t_shape = _true_labels(y_true, func)
    p, p_classes, p_shape, scored = _pred_labels(y_pred, func, threshold)
    if t.shape[0] != p.shape[0]:
        raise ValueError(f"{func}: y_true has shape {t_shape} ({t.shape[0]} examples) but "
                         f"y_pred has shape {p_shape} ({p.shape[0]} examples); they need one "
                         "row per example: for the course's (1, m) layout pass .reshape(-1), "
                         "for (C, m) scores pass .T")
    if t.shape[0] == 0:
        raise ValueError(f"{func}: no examples (empty y_true and y_pred)")
    if t_classes is not None and p_classes is not None and t_classes != p_classes:
        raise ValueError(f"{func}: y_true has shape {t_shape} ({t_classes} classes) but "
                         f"y_pred has shape {p_shape} ({p_classes} classes); they must match")
    classes, source, shape = ((t_classes, "y_true", t_shape) if t_classes is not None else
                              (p_classes, "y_pred", p_shape))
    if classes is not None:
        for what, labels in (("y_true", t), ("y_pred", p[p != _NO_CLASS])):
            outside = np.unique(labels[(labels < 0) | (labels >= classes)])
            if outside.size:
                raise ValueError(f"{func}: {what} holds the labels {outside.tolist()}, but "
                                 f"{source} of shape {shape} has {classes} class columns, so "
                                 f"labels must be 0..{classes - 1}; shift 1-based labels with "
                                 "y - 1")
    if scored:
        outside = np.unique(t[(t != 0) & (t != 1)])
        if outside.size:
            raise ValueError(f"{func}: y_pred holds one float per example, read as a binary "
                             f"score (class 1 where score >= {threshold:g}), but y_true "
                             f"holds the labels {outside.tolist()}; pass y_pred as integer "
                             "class labels, or as class scores of shape (N, C)")
    missing = int(np.sum(p == _NO_CLASS))
    if missing:
        warnings.warn(f"{func}: {missing} of {p.shape[0]} predictions are NaN (did training "
                      "diverge?); they predict no class and count as wrong", RuntimeWarning,
                      stacklevel=stacklevel)
    return t, p


def accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> float:
    """Fraction of correct predictions: ``(1/N) Σ [ŷ⁽ⁱ⁾ = y⁽ⁱ⁾]`` (§13.2). 1 − accuracy is the
    error the bias/variance diagnosis reads."""
    t, p = _pair(y_true, y_pred, "accuracy", threshold)
    return float(np.mean(t == p))


def confusion_matrix(y_true: Any, y_pred: Any, num_classes: int | None = None,
                     threshold: float = 0.5) -> np.ndarray:
    """``M[i, j]`` = number of examples of true class i predicted as class j, shape ``(C, C)``
    (rows are the truth, as in scikit-learn). C is ``num_classes`` or the largest label + 1."""
    if num_classes is not None and (isinstance(num_classes, bool) or not isinstance(
            num_classes, int | np.integer) or num_classes < 1):
        raise ValueError(f"confusion_matrix: num_classes must be a positive integer (or None "
                         f"for the largest label + 1), got {num_classes!r}")
    t, p = _pair(y_true, y_pred, "confusion_matrix", threshold)
    missing = int(np.sum(p == _NO_CLASS))
    if missing:
        raise ValueError(f"confusion_matrix: {missing} of {p.shape[0]} predictions are NaN (did "
                         "training diverge?) and have no column; drop them or fix the model")
    if min(t.min(), p.min()) < 0:
        raise ValueError("confusion_matrix: labels must be non-negative class indices")
    top = int(max(t.max(), p.max())) + 1
    if num_classes is None:
        num_classes = top
    elif num_classes < top:
        raise ValueError(f"confusion_matrix: num_classes={num_classes} but a label is "
                         f"{top - 1}; pass num_classes >= {top}")
    return np.bincount(t * num_classes + p, minlength=num_classes ** 2).reshape(
        num_classes, num_classes)


def _counts(func: str, y_true: Any, y_pred: Any, average: str, pos_label: int,
            threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """True positives, false positives and false negatives per class (or for one class, or
    pooled for 'micro'), and the classes they belong to (None when pooled)."""
    if average not in _AVERAGES:
        raise ValueError(f"{func}: average must be one of {_AVERAGES}, got {average!r}")
    t, p = _pair(y_true, y_pred, func, threshold, stacklevel=4)
    present = np.union1d(t, p[p != _NO_CLASS])
    if average == "binary":
        # scikit-learn's rule: at most two labels, and pos_label one of them when both occur.
        if present.size > 2:
            raise ValueError(f"{func}: average='binary' needs two classes, found {present.size}: "
                             f"{present.tolist()}; use average='macro' or 'micro'")
        if present.size == 2 and pos_label not in present:
            raise ValueError(f"{func}: pos_label={pos_label!r} is not one of the labels "
                             f"{present.tolist()}; pass the positive class, e.g. "
                             f"pos_label={present[-1]}")
        classes = np.array([pos_label])
    else:
        classes = present
    tp = np.array([np.sum((p == c) & (t == c)) for c in classes], dtype=np.float64)
    fp = np.array([np.sum((p == c) & (t != c)) for c in classes], dtype=np.float64)
    fn = np.array([np.sum((p != c) & (t == c)) for c in classes], dtype=np.float64)
    if average == "micro":
        return tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True), None
    return tp, fp, fn, classes


def _ratio(func: str, num: np.ndarray, den: np.ndarray, classes: np.ndarray | None,
           zero_division: float | str, undefined: str) -> float:
    """The mean over classes of ``num / den``, a 0/0 replaced by ``zero_division``: with
    ``'warn'`` (the default, as in scikit-learn) by 0.0 and an ``UndefinedMetricWarning``
    saying so; with NaN those classes are left out of the average."""
    if isinstance(zero_division, str):
        if zero_division != "warn":
            raise ValueError(f"{func}: zero_division must be 'warn', 0.0, 1.0 or nan, got "
                             f"{zero_division!r}")
        fill = 0.0
    elif isinstance(zero_division, bool) or not isinstance(
            zero_division, int | float | np.integer | np.floating) or not (
            math.isnan(zero_division) or 0 <= zero_division <= 1):
        raise ValueError(f"{func}: zero_division must be 'warn', 0.0, 1.0 or nan, got "
                         f"{zero_division!r}")
    else:
        fill = float(zero_division)
    zero = den == 0
    if zero.any() and isinstance(zero_division, str):
        which = ("the pooled counts" if classes is None else
                 f"class {classes[zero].tolist()[0]}" if zero.sum() == 1 else
                 f"classes {classes[zero].tolist()}")
        warnings.warn(f"{func} is 0/0 for {which} ({undefined}) and is set to 0.0; pass "
                      "zero_division=0.0 (or 1.0, or nan to leave such classes out of the "
                      "average) to choose the value and silence this warning",
                      UndefinedMetricWarning, stacklevel=3)
    ratios = np.divide(num, den, out=np.full_like(num, fill), where=~zero)
    if np.isnan(ratios).all():
        return math.nan
    return float(np.nanmean(ratios))


def precision(y_true: Any, y_pred: Any, average: str = "binary", pos_label: int = 1,
              threshold: float = 0.5, zero_division: float | str = "warn") -> float:
    """``TP / (TP + FP)``: of the examples predicted positive, the fraction that are (§13.2).

    ``average='binary'`` scores the class ``pos_label`` (y may hold at most two labels, and
    ``pos_label`` must be one of them when both occur); ``'macro'`` averages the per-class
    precisions (every class present in y_true or y_pred weighs the same); ``'micro'`` pools
    the counts of all classes (for single-label problems it equals accuracy). These are
    scikit-learn's definitions.

    With no predicted positives the ratio is 0/0: ``zero_division='warn'`` (the default)
    gives 0.0 with an ``UndefinedMetricWarning``; a number (0.0, 1.0) is used silently, and
    NaN leaves the class out of a macro average.
    """
    tp, fp, _, classes = _counts("precision", y_true, y_pred, average, pos_label, threshold)
    return _ratio("precision", tp, tp + fp, classes, zero_division,
                  "no example is predicted as it: TP + FP = 0")


def recall(y_true: Any, y_pred: Any, average: str = "binary", pos_label: int = 1,
           threshold: float = 0.5, zero_division: float | str = "warn") -> float:
    """``TP / (TP + FN)``: of the truly positive examples, the fraction found (§13.2).
    Averages and ``zero_division`` as in ``precision``; 0/0 here means the class has no
    example in y_true."""
    tp, _, fn, classes = _counts("recall", y_true, y_pred, average, pos_label, threshold)
    return _ratio("recall", tp, tp + fn, classes, zero_division,
                  "no example of it in y_true: TP + FN = 0")


def f1_score(y_true: Any, y_pred: Any, average: str = "binary", pos_label: int = 1,
             threshold: float = 0.5, zero_division: float | str = "warn") -> float:
    """The harmonic mean of precision P and recall R (§13.2):
    ``F1 = 2PR / (P + R) = 2TP / (2TP + FP + FN)``, per class then averaged as in
    ``precision`` (macro: mean of per-class F1). It is 0/0 only when the class is neither
    in y_true nor predicted; ``zero_division`` as in ``precision``."""
    tp, fp, fn, classes = _counts("f1_score", y_true, y_pred, average, pos_label, threshold)
    return _ratio("f1_score", 2 * tp, 2 * tp + fp + fn, classes, zero_division,
                  "neither in y_true nor predicted: TP + FP + FN = 0")


def _average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..N of ``x``; tied values share the mean of the ranks they span."""
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    starts = np.flatnonzero(np.r_[True, sorted_x[1:] != sorted_x[:-1]])
    ends = np.r_[starts[1:], x.size]
    mean_rank = (starts + ends + 1) / 2.0  # mean of the 1-based ranks starts+1 .. ends
    ranks = np.empty(x.size)
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def _binary_auc(positive: np.ndarray, scores: np.ndarray) -> float:
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("roc_auc_score: needs both positive and negative examples; y_true "
                         "holds a single class, so the ROC curve is undefined")
    rank_sum = _average_ranks(scores)[positive].sum()
    return float((rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def roc_auc_score(y_true: Any, y_score: Any) -> float:
    """Area under the ROC curve: the probability that a random positive example scores
    higher than a random negative one, ties counting one half (§13.2, "threshold-independent
    ranking quality").

    Computed from ranks (the Mann-Whitney U statistic): with average ranks ``r`` of all
    scores, ``AUC = (Σ_{positives} r − n₊(n₊+1)/2) / (n₊ n₋)``, O(N log N).
    ``y_score`` is one score per example ``(N,)`` (probability or logit of class 1), or
    ``(N, 2)`` (column 1 is used); with C > 2 classes and scores ``(N, C)`` it is the
    one-vs-rest AUC averaged over the classes (macro).
    """
    t, _, t_shape = _true_labels(y_true, "roc_auc_score")
    s = _array(y_score, "roc_auc_score", "y_score").astype(np.float64)
    s_shape = s.shape
    if s.ndim == 2 and s.shape[1] == 1:
        s = s[:, 0]
    if s.ndim == 0 or s.shape[0] != t.shape[0]:
        raise ValueError(f"roc_auc_score: y_true has shape {t_shape} ({t.shape[0]} examples) "
                         f"but y_score has shape {s_shape}; they need one row per example: "
                         "for the course's (1, m) layout pass .reshape(-1)")
    if not np.all(np.isfinite(s)):
        raise ValueError("roc_auc_score: y_score contains NaN or inf")
    if s.ndim != 2 and s.ndim != 1:
        raise ValueError(f"roc_auc_score: y_score must be (N,) or (N, C), got {s.shape}")
    if s.ndim == 1 or s.shape[1] == 2:
        outside = np.unique(t[(t != 0) & (t != 1)])
        if outside.size:
            raise ValueError(f"roc_auc_score: y_score of shape {s_shape} scores class 1 "
                             f"against class 0, but y_true holds the labels "
                             f"{outside.tolist()}; use 0/1 labels, or for C classes pass "
                             "scores of shape (N, C)")
        return _binary_auc(t == 1, s if s.ndim == 1 else s[:, 1])
    _check_every_class_present(t, s.shape[1])
    return float(np.mean([_binary_auc(t == c, s[:, c]) for c in range(s.shape[1])]))


def _check_every_class_present(t: np.ndarray, n_classes: int) -> None:
    """One-vs-rest AUC needs every class 0..C-1 among the labels, and no other label."""
    outside = sorted(set(t[(t < 0) | (t >= n_classes)].tolist()))
    if outside:
        raise ValueError(f"roc_auc_score: y_score has {n_classes} class columns but y_true "
                         f"holds the labels {outside}; labels must be 0..{n_classes - 1}")
    absent = sorted(set(range(n_classes)) - set(t.tolist()))
    if absent:
        raise ValueError(f"roc_auc_score: class{'es' if len(absent) > 1 else ''} "
                         f"{', '.join(map(str, absent))} of the {n_classes} columns of y_score "
                         f"{'do' if len(absent) > 1 else 'does'} not occur in y_true, so "
                         "its one-vs-rest ROC curve is undefined; y_true needs examples of "
                         "every class")


BIAS_RECIPE = (
    "bigger network (more hidden layers or units)",
    "train longer (more iterations), or a better optimizer (Momentum, Adam)",
    "try another architecture (NN architecture search)",
)
VARIANCE_RECIPE = (
    "more data (or data augmentation)",
    "regularization (L2, dropout)",
    "try another architecture (NN architecture search)",
)


@dataclass(frozen=True)
class Diagnosis:
    """The result of ``diagnose``: the numbers, the verdict and what to try next."""

    train_error: float
    dev_error: float
    base_error: float
    avoidable_bias: float
    variance: float
    high_bias: bool
    high_variance: bool
    summary: str
    recipe: tuple[str, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        lines = [f"train error {self.train_error:.2%}, dev error {self.dev_error:.2%}, base "
                 f"error {self.base_error:.2%}: avoidable bias {self.avoidable_bias:.2%}, "
                 f"variance (dev - train) {self.variance:.2%}", f"diagnosis: {self.summary}"]
        lines += [f"  try: {step}" for step in self.recipe]
        return "\n".join(lines)


_ROUNDING = 1e-12


def _error_value(value: Any, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"diagnose: {name} must be a number, got {value!r}") from None
    if not 0.0 <= v <= 1.0:
        hint = f"; pass {v / 100:g} for {v:g}%" if 1.0 < v <= 100.0 else ""
        raise ValueError(f"diagnose: {name} must be a fraction in [0, 1], got {v:g}{hint}")
    return v


def diagnose(train_error: float, dev_error: float, base_error: float = 0.0,
             tolerance: float = 0.05) -> Diagnosis:
    """The course's bias/variance diagnosis from train and dev error (§13.1, S0 L91-152).

    Errors are fractions (0.15 for 15%). ``base_error`` is the optimal (Bayes) error,
    approximated by human-level performance (≈0 in the notes). Then

    - avoidable bias = train − base: high bias when it exceeds ``tolerance``;
    - variance = dev − train: high variance when the gap exceeds ``tolerance``.

    A gap exactly equal to ``tolerance`` does not exceed it, whatever the float rounding of
    the subtraction (15% → 20% is not high variance, the same as 1% → 6%).

    With the default tolerance of 5 percentage points this reproduces the notes' table:

    =====  =====  ==================================
    train  dev    diagnosis
    =====  =====  ==================================
    1%     1.5%   low bias, low variance (good fit)
    15%    16%    high bias, low variance (underfitting)
    1%     15%    low bias, high variance (overfitting)
    15%    30%    high bias, high variance (worst case)
    =====  =====  ==================================

    The recipe follows the notes' order: fix bias first (bigger network, train longer,
    another architecture), then variance (more data, regularization, another architecture).
    """
    train = _error_value(train_error, "train_error")
    dev = _error_value(dev_error, "dev_error")
    base = _error_value(base_error, "base_error")
    tol = _error_value(tolerance, "tolerance")
    bias, variance = train - base, dev - train
    # Differences of decimal fractions carry rounding (0.20 - 0.15 = 0.05000000000000002):
    # a gap equal to the tolerance up to that rounding does not exceed it.
    high_bias, high_variance = bias > tol + _ROUNDING, variance > tol + _ROUNDING
    summary = {
        (False, False): "low bias, low variance (good fit): nothing to fix; evaluate once on "
                        "the test set",
        (True, False): "high bias, low variance (underfitting): the model does not fit even "
                       "the training set",
        (False, True): "low bias, high variance (overfitting): the model does not generalize "
                       "from train to dev",
        (True, True): "high bias and high variance (worst case): fix the bias first, then "
                      "the variance",
    }[(high_bias, high_variance)]
    recipe = (BIAS_RECIPE if high_bias else ()) + (VARIANCE_RECIPE if high_variance else ())
    return Diagnosis(train, dev, base, bias, variance, high_bias, high_variance, summary,
                     tuple(dict.fromkeys(recipe)))
