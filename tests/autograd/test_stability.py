"""Numerically stable forms: finite values and gradients at extreme inputs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd as ag

EXTREMES = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn", [ag.sigmoid, ag.softplus, ag.tanh,
                                lambda x: ag.log_softmax(x, axis=-1),
                                lambda x: ag.logsumexp(x, axis=-1),
                                lambda x: ag.softmax(x, axis=-1)],
                         ids=["sigmoid", "softplus", "tanh", "log_softmax", "logsumexp",
                              "softmax"])
def test_finite_with_finite_gradients_at_plus_minus_1000(fn, dtype) -> None:
    x = ag.tensor(EXTREMES, dtype=dtype, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = fn(x)
        assert np.all(np.isfinite(y.data))
        y.sum().backward()
    assert np.all(np.isfinite(x.grad.data))


def test_sigmoid_and_softplus_values_at_extremes() -> None:
    x = ag.tensor(EXTREMES, dtype=np.float64)
    np.testing.assert_allclose(ag.sigmoid(x).data, [0.0, 1.9287498479639178e-22, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(ag.softplus(x).data[[2, 3, 4]], [np.log(2.0), 50.0, 1000.0])
    np.testing.assert_allclose(ag.logsumexp(x).data, 1000.0)


def test_log_of_zero_is_minus_inf_like_numpy() -> None:
    with np.errstate(divide="ignore"):
        expected = np.log(np.array([0.0, 1.0]))
    out = ag.log(ag.tensor([0.0, 1.0]))
    np.testing.assert_array_equal(out.data, expected)


def test_course_softmax_example() -> None:
    p = ag.softmax(ag.tensor([5.0, 2.0, -1.0, 3.0], dtype=np.float64))
    np.testing.assert_allclose(p.data, [0.84203357, 0.04192238, 0.00208719, 0.11395685],
                               atol=5e-9)
    assert p.data.sum() == pytest.approx(1.0)
