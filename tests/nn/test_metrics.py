"""nn.metrics against hand-computed cases, and the bias/variance diagnosis table."""

import warnings

import numpy as np
import pytest

import autograd as ag
from nn.metrics import (
    UndefinedMetricWarning,
    accuracy,
    confusion_matrix,
    diagnose,
    f1_score,
    precision,
    recall,
    roc_auc_score,
)

# TP = 3 (0, 3, 5), FP = 2 (4, 7), FN = 1 (2), TN = 2 (1, 6)
BIN_TRUE = [1, 0, 1, 1, 0, 1, 0, 0]
BIN_PRED = [1, 0, 0, 1, 1, 1, 0, 1]

# per class (P, R, F1): 0 -> (1, 1/2, 2/3), 1 -> (1/2, 1/2, 1/2), 2 -> (2/3, 1, 4/5)
MC_TRUE = [0, 1, 2, 2, 1, 0]
MC_PRED = [0, 2, 2, 2, 1, 1]


def test_binary_metrics_by_hand():
    assert accuracy(BIN_TRUE, BIN_PRED) == pytest.approx(5 / 8)
    assert precision(BIN_TRUE, BIN_PRED) == pytest.approx(3 / 5)
    assert recall(BIN_TRUE, BIN_PRED) == pytest.approx(3 / 4)
    assert f1_score(BIN_TRUE, BIN_PRED) == pytest.approx(2 * 3 / (2 * 3 + 2 + 1))
    # class 0 as the positive one: TP 2, FP 1, FN 2
    assert precision(BIN_TRUE, BIN_PRED, pos_label=0) == pytest.approx(2 / 3)
    assert recall(BIN_TRUE, BIN_PRED, pos_label=0) == pytest.approx(2 / 4)


def test_multiclass_macro_and_micro_by_hand():
    assert precision(MC_TRUE, MC_PRED, average="macro") == pytest.approx((1 + 1 / 2 + 2 / 3) / 3)
    assert recall(MC_TRUE, MC_PRED, average="macro") == pytest.approx((1 / 2 + 1 / 2 + 1) / 3)
    assert f1_score(MC_TRUE, MC_PRED, average="macro") == pytest.approx((2 / 3 + 1 / 2 + 4 / 5)
                                                                        / 3)
    for fn in (precision, recall, f1_score):  # single-label micro averages equal accuracy
        assert fn(MC_TRUE, MC_PRED, average="micro") == pytest.approx(4 / 6)


def test_confusion_matrix_by_hand():
    np.testing.assert_array_equal(confusion_matrix(MC_TRUE, MC_PRED),
                                  [[1, 1, 0], [0, 1, 1], [0, 0, 2]])
    cm = confusion_matrix(BIN_TRUE, BIN_PRED, num_classes=3)
    np.testing.assert_array_equal(cm, [[2, 2, 0], [1, 3, 0], [0, 0, 0]])
    with pytest.raises(ValueError, match="num_classes=2 but a label is 2"):
        confusion_matrix(MC_TRUE, MC_PRED, num_classes=2)


def test_predictions_as_scores_probabilities_and_tensors():
    logits = np.array([[2.0, 0.1, 0.0], [0.0, 0.2, 3.0], [0.0, 1.0, 0.5]])
    assert accuracy([0, 2, 1], logits) == 1.0
    assert accuracy(ag.tensor([0, 2, 0]), ag.tensor(logits)) == pytest.approx(2 / 3)
    probs = np.array([0.9, 0.2, 0.4, 0.7, 0.6, 0.8, 0.1, 0.55])  # >= 0.5 gives BIN_PRED
    assert precision(BIN_TRUE, probs) == pytest.approx(3 / 5)
    assert accuracy(np.array(BIN_TRUE, dtype=float)[:, None], probs[:, None]) == pytest.approx(
        5 / 8)
    assert accuracy(BIN_TRUE, probs - 0.5, threshold=0.0) == pytest.approx(5 / 8)  # logits
    assert accuracy(np.eye(3)[[0, 2, 1]], logits) == 1.0  # one-hot truth


def test_zero_division_returns_the_chosen_value():
    with pytest.warns(UndefinedMetricWarning):
        assert precision([1, 1, 0], [0, 0, 0]) == 0.0
    assert precision([1, 1, 0], [0, 0, 0], zero_division=1.0) == 1.0


def test_zero_division_says_so_unless_a_value_is_chosen():
    # no predicted positives: precision is 0/0 -> 0.0, as scikit-learn, and a warning
    with pytest.warns(UndefinedMetricWarning, match=r"precision is 0/0 for class 1 .*"
                                                    r"TP \+ FP = 0.*zero_division="):
        assert precision([1, 1, 0], [0, 0, 0]) == 0.0
    with pytest.warns(UndefinedMetricWarning, match="recall is 0/0 for class 1"):
        assert recall([0, 0, 0], [0, 1, 0]) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert precision([1, 1, 0], [0, 0, 0], zero_division=0.0) == 0.0
        assert recall([0, 0, 0], [0, 1, 0], zero_division=1.0) == 1.0
    # class 2 is never predicted: per class 1, 1/2, 0/0 -> macro (1 + 1/2 + 0) / 3
    with pytest.warns(UndefinedMetricWarning, match="class 2"):
        assert precision([0, 1, 2], [0, 1, 1], average="macro") == pytest.approx(0.5)
    # nan leaves the undefined class out of the average: (1 + 1/2) / 2
    assert precision([0, 1, 2], [0, 1, 1], average="macro",
                     zero_division=np.nan) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="zero_division must be 'warn', 0.0, 1.0 or nan"):
        precision([1, 0], [1, 0], zero_division="ignore")


def test_binary_average_follows_the_labels_present():
    # labels 1/2: pos_label=1 -> TP 1, FP 0, FN 1; pos_label=2 -> TP 2, FP 1, FN 0
    y, pred = [1, 2, 1, 2], [1, 2, 2, 2]
    assert precision(y, pred) == 1.0 and recall(y, pred) == pytest.approx(0.5)
    assert precision(y, pred, pos_label=2) == pytest.approx(2 / 3)
    assert recall(y, pred, pos_label=2) == 1.0
    with pytest.raises(ValueError, match=r"needs two classes, found 3: \[0, 1, 2\]"):
        precision([0, 1, 2], [0, 1, 2], pos_label=2)
    with pytest.raises(ValueError, match=r"pos_label=2 is not one of the labels \[0, 1\]"):
        recall([0, 1, 1], [0, 1, 0], pos_label=2)


def test_averages_match_the_per_class_definitions(rng):
    # scikit-learn's definitions from the confusion matrix M: per class c, precision
    # M[c,c] / column sum, recall M[c,c] / row sum; macro = their mean, micro = pooled
    y = rng.integers(0, 4, size=200)
    pred = np.where(rng.random(200) < 0.6, y, rng.integers(0, 4, size=200))
    m = confusion_matrix(y, pred).astype(float)
    tp = np.diag(m)
    p_c, r_c = tp / m.sum(axis=0), tp / m.sum(axis=1)
    assert precision(y, pred, average="macro") == pytest.approx(p_c.mean())
    assert recall(y, pred, average="macro") == pytest.approx(r_c.mean())
    assert f1_score(y, pred, average="macro") == pytest.approx(
        np.mean(2 * p_c * r_c / (p_c + r_c)))
    for fn in (precision, recall, f1_score):
        assert fn(y, pred, average="micro") == pytest.approx(tp.sum() / m.sum())


def test_the_course_row_layout_and_mismatched_shapes_are_refused():
    y_row = np.array([[1, 0, 1, 1, 0]])  # the course's Y, shape (1, m)
    a_row = np.array([[0.9, 0.2, 0.4, 0.8, 0.1]])
    # used to read each as one example (the argmax of the row) and return 1.0
    with pytest.raises(ValueError, match=r"shape \(1, 5\).*reshape\(-1\)"):
        accuracy(y_row, a_row)
    assert accuracy(y_row.reshape(-1), a_row.reshape(-1)) == pytest.approx(4 / 5)
    with pytest.raises(ValueError, match=r"y_true has shape \(5,\) \(5 examples\) but y_pred "
                                         r"has shape \(1, 5\) \(1 examples\)"):
        precision(y_row[0], a_row)
    with pytest.raises(ValueError, match=r"y_true has shape \(3,\) \(3 examples\) but "
                                         r"y_score has shape \(2,\)"):
        roc_auc_score([0, 1, 1], [0.2, 0.4])
    with pytest.raises(ValueError, match=r"shape \(3, 3\) \(3 classes\) but y_pred has shape "
                                         r"\(3, 4\) \(4 classes\)"):
        accuracy(np.eye(3), np.eye(4)[:3])


def test_labels_that_cannot_match_the_predictions_are_refused():
    # 1-based labels beside (N, C) scores used to give accuracy 0.0
    with pytest.raises(ValueError, match=r"y_true holds the labels \[3\].*labels must be 0..2"):
        accuracy([1, 2, 3], np.eye(3))
    # float class labels would be thresholded at 0.5 into 0/1: 2.0 -> 1
    with pytest.raises(ValueError, match=r"one float per example.*labels \[2\]"):
        accuracy([0, 2, 1], np.array([0.0, 2.0, 1.0]))
    assert accuracy([0, 2, 1], np.array([0, 2, 1])) == 1.0
    # (N, 2) scores rank class 1 against class 0 only; label 2 used to count as negative
    with pytest.raises(ValueError, match=r"y_true holds the labels \[2\]"):
        roc_auc_score([0, 1, 2, 1], np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5], [0.3, 0.7]]))


def test_nan_predictions_count_as_wrong_and_say_so():
    # NaN >= 0.5 is False and argmax of a NaN row is 0: both used to predict class 0
    with pytest.warns(RuntimeWarning, match="1 of 2 predictions are NaN"):
        assert accuracy([0, 1], [np.nan, 0.7]) == 0.5
    with pytest.warns(RuntimeWarning, match="NaN"):
        assert accuracy([0, 1], np.array([[np.nan, 0.0], [0.0, 1.0]])) == 0.5
    with pytest.warns(RuntimeWarning, match="NaN"):  # the NaN positive is a false negative
        assert recall([1, 1, 0], [np.nan, 0.9, 0.1]) == 0.5
    with pytest.warns(RuntimeWarning), pytest.raises(ValueError, match="NaN.*no column"):
        confusion_matrix([0, 1], [np.nan, 0.7])


def test_roc_auc_by_hand_and_with_ties():
    assert roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    # pairs (pos, neg): (.5,.5) tie = 1/2, (.5,.2), (.9,.5), (.9,.2) = 1 each -> 3.5 / 4
    assert roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]) == pytest.approx(0.875)
    assert roc_auc_score([0, 1], np.array([[0.7, 0.3], [0.2, 0.8]])) == 1.0
    assert roc_auc_score([1, 1, 0, 0], [0.0, 0.0, 0.0, 0.0]) == 0.5


def test_roc_auc_equals_pairwise_definition(rng):
    y = rng.integers(0, 2, size=300)
    s = rng.integers(0, 10, size=300).astype(float)  # many ties
    pos, neg = s[y == 1], s[y == 0]
    diff = pos[:, None] - neg[None, :]
    expected = ((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size
    assert roc_auc_score(y, s) == pytest.approx(expected, abs=1e-12)


def test_roc_auc_multiclass_one_vs_rest(rng):
    y = np.array([0, 1, 2, 0, 1, 2])
    perfect = np.eye(3)[y] + 0.01 * rng.random((6, 3))
    assert roc_auc_score(y, perfect) == 1.0


def test_roc_auc_multiclass_names_the_class_missing_from_y_true(rng):
    scores = rng.random((4, 3))
    with pytest.raises(ValueError, match="class 2 of the 3 columns of y_score does not occur "
                                         "in y_true"):
        roc_auc_score([0, 1, 1, 0], scores)
    with pytest.raises(ValueError, match=r"holds the labels \[5\]; labels must be 0..2"):
        roc_auc_score([0, 1, 2, 5], scores)


def test_metric_errors():
    with pytest.raises(ValueError, match=r"accuracy: y_true has shape \(3,\) \(3 examples\) "
                                         r"but y_pred has shape \(2,\) \(2 examples\)"):
        accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="num_classes must be a positive integer"):
        confusion_matrix([0, 1], [0, 1], num_classes=2.0)
    with pytest.raises(ValueError, match="average must be one of"):
        precision(BIN_TRUE, BIN_PRED, average="weighted")
    with pytest.raises(ValueError, match="average='binary' needs two classes"):
        f1_score(MC_TRUE, MC_PRED)
    with pytest.raises(ValueError, match="single class"):
        roc_auc_score([1, 1], [0.2, 0.4])
    with pytest.raises(ValueError, match="whole numbers"):
        accuracy([0.5, 1.0], [0, 1])


@pytest.mark.parametrize("train, dev, high_bias, high_variance, words", [
    (0.01, 0.015, False, False, "low bias, low variance"),
    (0.15, 0.16, True, False, "high bias, low variance"),
    (0.01, 0.15, False, True, "low bias, high variance"),
    (0.15, 0.30, True, True, "high bias and high variance"),
])
def test_diagnosis_reproduces_the_notes_table(train, dev, high_bias, high_variance, words):
    d = diagnose(train, dev)
    assert (d.high_bias, d.high_variance) == (high_bias, high_variance)
    assert words in d.summary
    assert d.avoidable_bias == pytest.approx(train) and d.variance == pytest.approx(dev - train)
    recipe = " ".join(d.recipe)
    assert ("bigger network" in recipe) == high_bias
    assert ("train longer" in recipe) == high_bias
    assert ("more data" in recipe) == high_variance
    assert ("regularization" in recipe) == high_variance
    assert ("architecture search" in recipe) == (high_bias or high_variance)
    assert words in str(d)


def test_diagnosis_uses_base_error_and_bias_comes_first():
    d = diagnose(0.15, 0.16, base_error=0.14)  # near human level: no avoidable bias
    assert not d.high_bias and d.avoidable_bias == pytest.approx(0.01)
    both = diagnose(0.15, 0.30)
    assert both.recipe[0].startswith("bigger network")
    assert both.recipe.count("try another architecture (NN architecture search)") == 1


@pytest.mark.parametrize("train, dev, base, high_bias", [
    (0.15, 0.20, 0.0, True), (0.01, 0.06, 0.0, False),  # dev - train = 5 points
    (0.07, 0.08, 0.02, False), (0.06, 0.07, 0.01, False),  # train - base = 5 points
])
def test_a_gap_equal_to_the_tolerance_is_not_high_whatever_the_rounding(train, dev, base,
                                                                        high_bias):
    # 0.20 - 0.15 = 0.05000000000000002 used to count as high variance, 0.06 - 0.01 not
    d = diagnose(train, dev, base_error=base)
    assert (d.high_bias, d.high_variance) == (high_bias, False)
    assert diagnose(0.15, 0.2001).high_variance and diagnose(0.0501, 0.06).high_bias


def test_diagnosis_errors():
    with pytest.raises(ValueError, match="pass 0.15 for 15%"):
        diagnose(15, 16)
    with pytest.raises(TypeError, match="dev_error must be a number"):
        diagnose(0.1, "high")
