"""detect_anomaly: the first NaN/Inf raises, naming the op and the user's line."""

import inspect

import numpy as np
import pytest

import autograd as ag
from autograd import engine, function
from autograd.anomaly import AnomalyError


def here() -> int:
    """The line number of the caller's next line."""
    return inspect.currentframe().f_back.f_lineno + 1


def test_forward_nan_names_the_op_and_this_line():
    x = ag.tensor([1.0, -1.0], dtype=np.float64, requires_grad=True)
    with ag.detect_anomaly(), np.errstate(invalid="ignore"):
        line = here()
        with pytest.raises(AnomalyError) as info:
            ag.log(x)
    err = info.value
    assert err.op == "Log" and err.phase == "forward"
    assert err.site[0] == __file__ and err.site[1] == line + 1
    assert f"{__file__}:{line + 1}" in str(err) and "ag.log(x)" in str(err)
    assert "Log produced NaN" in str(err)


def test_method_calls_and_unrecorded_ops_are_checked_too():
    x = ag.tensor([0.0, 1.0], dtype=np.float64)  # no grad: the op is not recorded
    with ag.detect_anomaly(), np.errstate(divide="ignore"):
        with pytest.raises(AnomalyError, match=r"Div produced Inf .*test_anomaly.py:\d+"):
            _ = 1.0 / x
        with pytest.raises(AnomalyError, match="Log produced Inf"):
            x.log()


def test_backward_inf_names_the_op_and_the_line_that_created_it():
    x = ag.tensor([0.0, 4.0], dtype=np.float64, requires_grad=True)
    with ag.detect_anomaly():
        line = here()
        y = ag.sqrt(x).sum()  # finite: sqrt(0) = 0, but d sqrt/dx = 1/(2 sqrt(x)) = inf
        with pytest.raises(AnomalyError) as info, np.errstate(divide="ignore"):
            y.backward()
    err = info.value
    assert err.op == "Sqrt" and err.phase == "backward"
    assert err.site[1] == line
    assert f"test_anomaly.py:{line}" in str(err) and "ag.sqrt(x).sum()" in str(err)
    assert "backward of Sqrt" in str(err)


class BadBackward(ag.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return ag.tensor(np.full(grad.shape, np.nan))


def test_custom_function_whose_backward_returns_nan():
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    with ag.detect_anomaly():
        line = here()
        y = BadBackward.apply(x).sum()
        with pytest.raises(AnomalyError, match="the backward of BadBackward returned NaN") \
                as info:
            y.backward()
    assert info.value.site[1] == line
    assert "argument 0" in str(info.value)


def test_node_made_before_anomaly_mode_says_so():
    x = ag.tensor([0.0], dtype=np.float64, requires_grad=True)
    y = ag.sqrt(x).sum()
    with ag.detect_anomaly(), np.errstate(divide="ignore"):
        with pytest.raises(AnomalyError, match="before anomaly detection was turned on"):
            y.backward()


def test_off_by_default_and_restored_after_the_block():
    assert not ag.is_anomaly_enabled()
    assert function._observer is None and engine._observer is None
    with ag.detect_anomaly():
        assert ag.is_anomaly_enabled()
        with ag.detect_anomaly(check_nan=False):
            assert not ag.is_anomaly_enabled()
        assert ag.is_anomaly_enabled()
    assert not ag.is_anomaly_enabled()
    assert function._observer is None and engine._observer is None
    x = ag.tensor([-1.0], dtype=np.float64)
    with np.errstate(invalid="ignore"):
        assert np.isnan(ag.log(x).item())  # off: NaN flows silently


def test_set_detect_anomaly_and_decorator():
    ag.set_detect_anomaly(True)
    try:
        with pytest.raises(AnomalyError), np.errstate(invalid="ignore"):
            ag.sqrt(ag.tensor([-1.0], dtype=np.float64))
    finally:
        ag.set_detect_anomaly(False)
    assert function._observer is None

    @ag.detect_anomaly()
    def step(v):
        return ag.log(v)

    with pytest.raises(AnomalyError, match="Log"), np.errstate(divide="ignore"):
        step(ag.tensor([0.0], dtype=np.float64))
    assert not ag.is_anomaly_enabled()


def test_finite_computation_passes_and_gives_the_same_gradients():
    rng = np.random.default_rng(0)
    w = ag.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    x = ag.tensor(rng.standard_normal((4, 3)))
    with ag.detect_anomaly():
        loss = ag.tanh(x @ w).sum()
        loss.backward()
    with_mode = w.grad.data.copy()
    w.grad = None
    ag.tanh(x @ w).sum().backward()
    np.testing.assert_array_equal(with_mode, w.grad.data)


class NanInsideBackward(ag.Function):
    """Its backward makes the NaN with an op of its own (a Mul), not in its result."""

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad * ag.tensor(np.nan, dtype=np.float64)


def test_nan_made_by_an_op_inside_a_custom_backward_is_a_backward_anomaly():
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    with ag.detect_anomaly():
        line = here()
        y = NanInsideBackward.apply(x).sum()
        with pytest.raises(AnomalyError) as info:
            y.backward()
    err = info.value
    assert err.op == "NanInsideBackward" and err.phase == "backward"
    assert err.site[1] == line  # where the node was created in forward
    text = str(err)
    assert "Mul produced NaN" in text and "during the backward of NanInsideBackward" in text
    assert "in forward," not in text
    backward_line = inspect.getsourcelines(NanInsideBackward.backward)[1] + 2
    assert f"test_anomaly.py:{backward_line} in backward" in text
    assert f"created in forward at {__file__}:{line}" in text


def test_set_detect_anomaly_is_also_a_context_manager_as_in_torch():
    with ag.set_detect_anomaly(True):
        assert ag.is_anomaly_enabled()
        with ag.set_detect_anomaly(False):
            assert not ag.is_anomaly_enabled() and function._observer is None
        assert ag.is_anomaly_enabled()
        with pytest.raises(AnomalyError), np.errstate(invalid="ignore"):
            ag.log(ag.tensor([-1.0], dtype=np.float64))
    assert not ag.is_anomaly_enabled()
    assert function._observer is None and engine._observer is None
    with pytest.raises(KeyError), ag.set_detect_anomaly(True):
        raise KeyError
    assert not ag.is_anomaly_enabled()
    ag.set_detect_anomaly(True, check_nan=False)  # as torch's signature; checks nothing
    assert not ag.is_anomaly_enabled()
