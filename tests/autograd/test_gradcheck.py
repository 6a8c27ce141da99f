"""gradcheck / gradgradcheck, the course's way: two-sided differences, relative difference,
verdict thresholds, and the worst components named."""

import numpy as np
import pytest

import autograd as ag
from autograd.gradcheck import relative_difference, verdict_for


def t64(a, requires_grad=True):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


class Cube(ag.Function):
    """x³ with a correct backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2


class WrongAtTwo(ag.Function):
    """x * w elementwise whose backward for w is wrong at component 2 only."""

    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return x * w

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        bump = np.zeros(w.shape)
        bump[2] = 0.5
        return grad * w, grad * x + ag.tensor(bump)


class FrozenSlope(ag.Function):
    """x³ whose backward is right to first order but built from a constant array,
    so it has no second derivative: gradgradcheck must catch it."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * ag.tensor(3 * x.data ** 2)


def test_course_thresholds():
    assert verdict_for(1e-9) == "great" and verdict_for(1e-7) == "great"
    assert verdict_for(1e-5) == "look"
    assert verdict_for(1e-3) == "bug" and verdict_for(float("nan")) == "bug"
    # ||a - g|| / (||a|| + ||g||)
    assert relative_difference(np.array([3.0, 4.0]), np.array([3.0, 4.0])) == 0.0
    assert relative_difference(np.array([1.0, 0.0]), np.array([0.0, 0.0])) == 1.0
    assert relative_difference(np.zeros(2), np.zeros(2)) == 0.0


def test_course_worked_example_theta_cubed_with_eps_001():
    # ((1.01)³ - (0.99)³) / 0.02 = 3.0001: the two-sided error is O(ε²)
    report = ag.gradcheck(Cube.apply, [t64(1.0)], eps=0.01)
    assert report.worst[0].numeric == pytest.approx(3.0001, abs=1e-12)
    assert report.worst[0].analytic == pytest.approx(3.0)


@pytest.mark.parametrize("fn", [
    lambda x, y: (x * y + ag.sin(x)).sum(),
    lambda x, y: ag.tanh(x @ y.T),                # non-scalar output
    lambda x, y: (ag.softmax(x, axis=-1) * y).sum(axis=0),
    lambda x, y: Cube.apply(x) - y,
])
def test_passes_on_correct_ops(fn):
    rng = np.random.default_rng(0)
    x, y = t64(rng.standard_normal((3, 4))), t64(rng.standard_normal((3, 4)))
    report = ag.gradcheck(fn, [x, y])
    assert report and report.passed
    assert report.verdict == "great" and report.relative_difference <= 1e-7
    assert len(report.per_input) == 2


def test_wrong_backward_fails_naming_the_component():
    x = t64([1.0, 2.0, 3.0, 4.0])
    w = t64([0.5, -1.0, 2.0, 1.5])
    report = ag.gradcheck(WrongAtTwo.apply, [x, w])
    assert not report and report.verdict == "bug"
    worst = report.worst[0]
    assert (worst.input, worst.index) == (1, (2,))
    assert worst.difference > 0.1 and report.worst[1].difference < 1e-6
    assert report.per_input[0] < 1e-7 and report.per_input[1] > 1e-3
    text = str(report)
    assert "FAILED" in text and "input 1 (2,)" in text


def test_raise_exception_carries_the_report():
    x, w = t64([1.0, 2.0, 3.0]), t64([1.0, 1.0, 1.0])
    with pytest.raises(ag.GradcheckError) as info:
        ag.gradcheck(WrongAtTwo.apply, [x, w], raise_exception=True)
    assert info.value.report.worst[0].index == (2,)
    assert ag.gradcheck(Cube.apply, [x], raise_exception=True)


def test_inputs_are_restored_and_must_be_float64():
    x = t64([1.0, 2.0])
    ag.gradcheck(Cube.apply, [x])
    np.testing.assert_array_equal(x.data, [1.0, 2.0])
    with pytest.raises(TypeError, match="float64"):
        ag.gradcheck(Cube.apply, [ag.tensor([1.0], requires_grad=True)])


def test_inputs_are_restored_when_fn_raises():
    x = t64([1.0, 2.0])
    calls = []

    def fn(v):
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("boom")
        return v * 2

    with pytest.raises(RuntimeError, match="boom"):
        ag.gradcheck(fn, [x])
    np.testing.assert_array_equal(x.data, [1.0, 2.0])


def test_gradgradcheck_passes_on_differentiable_backward_and_catches_a_frozen_one():
    x = t64([0.3, -0.7, 1.1])
    assert ag.gradgradcheck(lambda v: ag.tanh(v) * v, [x])
    assert ag.gradgradcheck(Cube.apply, [x])
    assert ag.gradcheck(FrozenSlope.apply, [x])  # first order is right
    report = ag.gradgradcheck(FrozenSlope.apply, [x])
    assert not report and report.order == 2 and "gradgradcheck FAILED" in str(report)


class TinyAndWrong(ag.Function):
    """x·1e-6 whose backward is twice too large: every component is below atol."""

    @staticmethod
    def forward(ctx, x):
        return x * 1e-6

    @staticmethod
    def backward(ctx, grad):
        return grad * 2e-6


def test_a_pass_by_atol_alone_says_so_and_never_reads_bug():
    x = t64([1.0, 2.0])
    report = ag.gradcheck(TinyAndWrong.apply, [x])
    # PyTorch's per-component test |a - n| <= atol + rtol·|n| passes: every value is < atol
    assert report.passed and report.relative_difference > 0.3
    assert report.verdict == "atol"
    text = str(report)
    assert "passed by the absolute tolerance only" in text and "bug;" not in text
    assert "atol=1e-10" in text  # the atol that would judge them
    strict = ag.gradcheck(TinyAndWrong.apply, [x], atol=1e-10)
    assert not strict and strict.verdict == "bug" and "FAILED" in str(strict)
    # a correct tiny gradient passes either way, on its relative difference
    assert ag.gradcheck(lambda v: v * 1e-6, [x], atol=1e-10).verdict == "great"


@pytest.mark.parametrize("check", [ag.gradcheck, ag.gradgradcheck])
def test_no_input_that_requires_grad_is_an_error_naming_the_check(check):
    name = check.__name__
    with pytest.raises(ValueError, match=f"^{name}: no input requires grad"):
        check(lambda a: a * 2, ag.tensor([1.0, 2.0], dtype=np.float64))
    with pytest.raises(TypeError, match=f"^{name}: input 0 is float32"):
        check(lambda a: a * 2, ag.tensor([1.0, 2.0], requires_grad=True))


def test_judge_gradient_is_the_rule_gradcheck_and_check_gradients_share() -> None:
    zero = ag.judge_gradient(np.zeros(3), np.array([1e-17, 0.0, -1e-17]))
    assert zero.passed and zero.verdict == "atol" and zero.relative_difference == 1.0
    wrong = ag.judge_gradient(np.array([1.0, 2.0]), np.array([2.0, 4.0]))
    assert not wrong.passed and wrong.verdict == "bug"
    good = ag.judge_gradient(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]))
    assert good.passed and good.verdict == "great"
    assert not ag.judge_gradient(np.zeros(1), np.array([np.nan])).passed


def test_gradgradcheck_pairs_grad_outputs_with_the_differentiable_outputs():
    x = t64([0.3, -0.7, 1.1])
    # an integer output before the differentiable one used to take its random vector
    assert ag.gradgradcheck(lambda v: (ag.argmax(v), v ** 3), [x])
    v = t64([1.0, 2.0, 3.0], requires_grad=False)
    assert ag.gradgradcheck(lambda a: (ag.argmax(a), a ** 3), [x], grad_outputs=[v])
    with pytest.raises(ValueError, match=r"^gradgradcheck: grad_outputs has 2 tensor\(s\) but "
                                         r"fn has 1 differentiable output"):
        ag.gradgradcheck(lambda a: (ag.argmax(a), a ** 3), [x],
                         grad_outputs=[ag.tensor(0.0, dtype=np.float64), v])


def test_gradgradcheck_with_integer_outputs_matches_torch():
    torch = pytest.importorskip("torch")
    a = np.array([0.3, -0.7, 1.1])
    assert torch.autograd.gradgradcheck(lambda v: (torch.argmax(v), v ** 3),
                                        [torch.tensor(a, requires_grad=True)])
    assert ag.gradgradcheck(lambda v: (ag.argmax(v), v ** 3), [t64(a)])


@pytest.mark.parametrize("check", [ag.gradcheck, ag.gradgradcheck])
def test_outputs_that_are_not_tensors_are_type_errors(check):
    name = check.__name__
    with pytest.raises(TypeError, match=f"^{name}: fn must return a Tensor or a tuple of "
                                        "Tensors, got float"):
        check(lambda a: 3.0, [t64([1.0])])
    with pytest.raises(TypeError, match=f"^{name}: output 1 of fn has type int, not Tensor"):
        check(lambda a: (a * 2, 3), [t64([1.0])])


@pytest.mark.parametrize("check", [ag.gradcheck, ag.gradgradcheck])
@pytest.mark.parametrize("eps", [0.0, -1e-6, float("nan")])
def test_eps_must_be_positive(check, eps):
    with pytest.raises(ValueError, match=f"^{check.__name__}: eps must be a positive step"):
        check(Cube.apply, [t64([1.0])], eps=eps)


@pytest.mark.parametrize("check", [ag.gradcheck, ag.gradgradcheck])
def test_a_float32_output_is_reported_as_unreliable(check):
    x = t64([0.3, -1.2, 0.5])
    with pytest.warns(UserWarning, match=f"^{check.__name__} is unreliable: output 0 is "
                                         "float32") as caught:
        report = check(lambda v: ag.exp(v.astype(np.float32)), [x])
    assert caught[0].filename == __file__  # the warning points at the caller
    assert "output 0 is float32" in report.note and report.note in str(report)
    assert ag.gradcheck(lambda v: ag.exp(v), [x]).note == ""


def test_gradcheck_error_is_a_runtime_error_as_in_torch():
    x, w = t64([1.0, 2.0, 3.0]), t64([1.0, 1.0, 1.0])
    with pytest.raises(RuntimeError) as info:
        ag.gradcheck(WrongAtTwo.apply, [x, w], raise_exception=True)
    assert isinstance(info.value, ag.GradcheckError) and isinstance(info.value, AssertionError)
    assert not info.value.report.passed
