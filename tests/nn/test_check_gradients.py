"""nn.utils.check_gradients: the course's whole-model gradient check, row by row."""

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from nn.grad_check import check_gradients

LAMBD, M = 0.7, 16


def data(seed=0, n=M, d=4):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    y = rng.standard_normal((n, 1)).astype(np.float32)
    return x, y


def mlp(*extra):
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), *extra, nn.Linear(6, 1))


def l2(params):
    return F.l2_penalty(params, LAMBD, M)


def test_correct_mlp_with_l2_passes_and_the_model_is_untouched():
    model = mlp()
    before = {n: p.data.copy() for n, p in model.named_parameters()}
    x, y = data()
    report = check_gradients(model, nn.MSELoss(), x, y, penalty=l2)
    assert report and report.passed and report.verdict == "great"
    assert [r.name for r in report.rows] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert all(r.relative_difference < 1e-7 and r.verdict == "great" for r in report.rows)
    assert report.row("0.weight").layer == "0: Linear" and report.row("0.weight").shape == (6, 4)
    assert report.row("0.weight").checked == "all 24"
    for n, p in model.named_parameters():
        assert p.dtype == np.float32 and p.grad is None
        np.testing.assert_array_equal(p.data, before[n])
    text = str(report)
    assert text.startswith("check_gradients passed") and "2.bias" in text and "great" in text


def test_gradient_with_l2_but_cost_without_it_fails_in_the_weight_rows():
    # The notes' warning (§8 note 3): the gradient includes (λ/m)·W, J forgets λ/(2m)‖W‖².
    model = mlp()
    for p in model.parameters():
        if p.ndim >= 2:
            p.register_hook(lambda g, p=p: g + ag.tensor((LAMBD / M) * p.data))
    x, y = data()
    report = check_gradients(model, nn.MSELoss(), x, y)
    assert not report
    assert report.row("0.weight").verdict == "bug" and report.row("2.weight").verdict == "bug"
    assert report.row("0.bias").verdict == "great" and report.row("2.bias").verdict == "great"
    # putting the term into J as well makes both sides agree
    model = mlp()
    assert check_gradients(model, nn.MSELoss(), x, y, penalty=l2)


class _BadBiasLinear(ag.Function):
    """x Wᵀ + b whose backward doubles db: a planted bug."""

    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        return x @ w.T + b

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        return grad @ w, grad.T @ x, grad.sum(axis=0) * 2.0


class BadBiasLinear(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(ag.randn(n_out, n_in) * 0.5)
        self.bias = nn.Parameter(ag.randn(n_out) * 0.1)

    def forward(self, x):
        return _BadBiasLinear.apply(x, self.weight, self.bias)


def test_planted_bug_is_found_in_its_own_row():
    ag.manual_seed(1)
    model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), BadBiasLinear(6, 5), nn.Tanh(),
                          nn.Linear(5, 1))
    x, y = data()
    report = check_gradients(model, nn.MSELoss(), x, y)
    assert not report
    bad = [r.name for r in report.rows if r.verdict != "great"]
    assert bad == ["2.bias"]
    assert report.row("2.bias").layer == "2: BadBiasLinear"
    r = report.row("2.bias")
    assert r.analytic == pytest.approx(2 * r.numeric, rel=1e-6)
    with pytest.raises(ag.GradcheckError) as info:
        check_gradients(model, nn.MSELoss(), x, y, raise_exception=True)
    assert info.value.report.row("2.bias").verdict == "bug"


def test_dropout_is_switched_off_on_the_copy_only():
    model = mlp(nn.Dropout(0.5))
    model.train()
    x, y = data()
    report = check_gradients(model, nn.MSELoss(), x, y, train=True)
    assert report and "dropout off" in str(report)
    assert model.training and model[2].training


class Noise(nn.Module):
    def forward(self, x):
        return x + ag.randn(*x.shape, dtype=x.dtype) * 0.1


def test_random_cost_is_refused_with_a_reason():
    x, y = data()
    with pytest.raises(RuntimeError, match="random"):
        check_gradients(mlp(Noise()), nn.MSELoss(), x, y)


def test_large_parameters_are_sampled_or_checked_along_a_direction():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 40), nn.Tanh(), nn.Linear(40, 1))
    x, y = data()
    sampled = check_gradients(model, nn.MSELoss(), x, y, max_components=30)
    assert sampled
    assert sampled.row("0.weight").checked == "sample 30 of 160"
    assert sampled.row("2.bias").checked == "all 1"
    assert "random sample" in str(sampled)
    direction = check_gradients(model, nn.MSELoss(), x, y, max_components=30,
                                method="direction")
    assert direction and direction.row("0.weight").checked.startswith("direction")
    assert "random direction" in str(direction)
    with pytest.raises(ValueError, match="method"):
        check_gradients(model, nn.MSELoss(), x, y, method="all")


def test_integer_labels_stay_integers():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3))
    x, _ = data()
    labels = np.arange(M) % 3
    assert check_gradients(model, nn.CrossEntropyLoss(), x, labels)


def test_reachable_as_nn_utils_check_gradients():
    assert nn.utils.check_gradients is check_gradients


def test_a_parameter_whose_true_gradient_is_zero_passes_on_the_absolute_tolerance():
    # The bias before batch norm: batch norm subtracts it again, so its gradient is 0 and
    # backprop's ~1e-17 against the differences' 0 has relative difference 1.
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3))
    x, _ = data()
    labels = np.arange(M) % 3
    report = check_gradients(model, nn.CrossEntropyLoss(), x, labels, train=True)
    assert report, str(report)
    row = report.row("0.bias")
    assert row.passed and row.verdict == "atol" and abs(row.analytic) < 1e-12
    assert all(r.passed and r.verdict == "great" for r in report.rows if r.name != "0.bias")
    assert "rows marked 'atol'" in str(report)
    # the absolute floor is a parameter: with none, the row fails as before
    strict = check_gradients(model, nn.CrossEntropyLoss(), x, labels, train=True, atol=0.0,
                             rtol=0.0)
    assert not strict and not strict.row("0.bias").passed
    assert strict.row("0.bias").verdict == "bug"
