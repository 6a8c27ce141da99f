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
one-hot rows ``(N, C)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

import autograd as ag

_AVERAGES = ("binary", "macro", "micro")


def _array(a: Any, func: str, what: str) -> np.ndarray:
    arr = a.data if isinstance(a, ag.Tensor) else np.asarray(a)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{func}: {what} must be numeric, got dtype {arr.dtype}")
    return arr


def _per_example(a: Any, func: str, what: str, accepted: str) -> tuple[np.ndarray, bool]:
    """``(values, decided)``: class rows (N, C) become their argmax (``decided``), a
    column (N, 1) becomes (N,); anything else but (N,) is an error naming ``accepted``."""
    arr = _array(a, func, what)
    if arr.ndim == 2 and arr.shape[1] > 1:
        return arr.argmax(axis=1), True
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{func}: {what} must be {accepted}, got shape {arr.shape}")
    return arr, False


def _true_labels(y_true: Any, func: str) -> np.ndarray:
    y, decided = _per_example(y_true, func, "y_true", "labels (N,) or one-hot rows (N, C)")
    if decided:
        return y
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError(f"{func}: y_true must hold class labels (whole numbers), got "
                             "fractional values")
    return y.astype(np.int64)


def _pred_labels(y_pred: Any, func: str, threshold: float) -> np.ndarray:
    p, decided = _per_example(y_pred, func, "y_pred",
                              "labels (N,), scores (N,) or class scores (N, C)")
    if decided:
        return p
    if p.dtype.kind == "f":
        return (p >= threshold).astype(np.int64)
    return p.astype(np.int64)


def _pair(y_true: Any, y_pred: Any, func: str, threshold: float = 0.5) -> tuple[np.ndarray,
                                                                                   np.ndarray]:
    t = _true_labels(y_true, func)
    p = _pred_labels(y_pred, func, threshold)
    if t.shape[0] != p.shape[0]:
        raise ValueError(f"{func}: y_true has {t.shape[0]} examples but y_pred has "
                         f"{p.shape[0]}; they must match")
    if t.shape[0] == 0:
        raise ValueError(f"{func}: no examples (empty y_true and y_pred)")
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
    t, p = _pair(y_true, y_pred, "confusion_matrix", threshold)
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
            threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True positives, false positives and false negatives per class (or for one class)."""
    if average not in _AVERAGES:
        raise ValueError(f"{func}: average must be one of {_AVERAGES}, got {average!r}")
    t, p = _pair(y_true, y_pred, func, threshold)
    if average == "binary":
        classes = np.array([pos_label])
        extra = set(np.unique(np.concatenate([t, p])).tolist()) - {0, 1, pos_label}
        if extra:
            raise ValueError(f"{func}: average='binary' needs two classes, found labels "
                             f"{sorted(set(t.tolist()) | set(p.tolist()))}; use "
                             "average='macro' or 'micro' for more")
    else:
        classes = np.union1d(t, p)
    tp = np.array([np.sum((p == c) & (t == c)) for c in classes], dtype=np.float64)
    fp = np.array([np.sum((p == c) & (t != c)) for c in classes], dtype=np.float64)
    fn = np.array([np.sum((p != c) & (t == c)) for c in classes], dtype=np.float64)
    if average == "micro":
        return tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
    return tp, fp, fn


def _ratio(num: np.ndarray, den: np.ndarray, zero_division: float) -> np.ndarray:
    return np.divide(num, den, out=np.full_like(num, float(zero_division)), where=den > 0)


def precision(y_true: Any, y_pred: Any, average: str = "binary", pos_label: int = 1,
              threshold: float = 0.5, zero_division: float = 0.0) -> float:
    """``TP / (TP + FP)``: of the examples predicted positive, the fraction that are (§13.2).

    ``average='binary'`` scores the class ``pos_label``; ``'macro'`` averages the per-class
    precisions (every class weighs the same); ``'micro'`` pools the counts of all classes
    (for single-label problems it equals accuracy). With no predicted positives the ratio is
    0/0 and ``zero_division`` (0.0) is returned.
    """
    tp, fp, _ = _counts("precision", y_true, y_pred, average, pos_label, threshold)
    return float(_ratio(tp, tp + fp, zero_division).mean())


def recall(y_true: Any, y_pred: Any, average: str = "binary", pos_label: int = 1,
           threshold: float = 0.5, zero_division: float = 0.0) -> float:
    """``TP / (TP + FN)``: of the truly positive examples, the fraction found (§13.2).
    Averages and ``zero_division`` as in ``precision``."""
    tp, _, fn = _counts("recall", y_true, y_pred, average, pos_label, threshold)
    return float(_ratio(tp, tp + fn, zero_division).mean())


def f1_score(y_true: Any, y_pred: Any, average: str = "binary", pos_label: int = 1,
             threshold: float = 0.5, zero_division: float = 0.0) -> float:
    """The harmonic mean of precision P and recall R (§13.2):
    ``F1 = 2PR / (P + R) = 2TP / (2TP + FP + FN)``, per class then averaged as in
    ``precision`` (macro: mean of per-class F1)."""
    tp, fp, fn = _counts("f1_score", y_true, y_pred, average, pos_label, threshold)
    return float(_ratio(2 * tp, 2 * tp + fp + fn, zero_division).mean())


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
    t = _true_labels(y_true, "roc_auc_score")
    s = _array(y_score, "roc_auc_score", "y_score").astype(np.float64)
    if s.ndim == 2 and s.shape[1] == 1:
        s = s[:, 0]
    if s.shape[0] != t.shape[0]:
        raise ValueError(f"roc_auc_score: y_true has {t.shape[0]} examples but y_score has "
                         f"{s.shape[0]}")
    if not np.all(np.isfinite(s)):
        raise ValueError("roc_auc_score: y_score contains NaN or inf")
    if s.ndim == 1:
        if not set(np.unique(t).tolist()) <= {0, 1}:
            raise ValueError("roc_auc_score: one score per example needs binary labels 0/1; "
                             "for C classes pass scores of shape (N, C)")
        return _binary_auc(t == 1, s)
    if s.ndim != 2:
        raise ValueError(f"roc_auc_score: y_score must be (N,) or (N, C), got {s.shape}")
    if s.shape[1] == 2:
        return _binary_auc(t == 1, s[:, 1])
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
    high_bias, high_variance = bias > tol, variance > tol
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
