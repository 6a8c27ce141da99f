"""nn.functional extras: the course's l2_penalty, one_hot, linear."""

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def test_l2_penalty_course_example():
    # seed §18: w = [3, 2, 1], λ = 1 -> 14/(2m) = 7/m (the notes misprint 7/(2m))
    w = nn.Parameter(np.array([[3.0, 2.0, 1.0]]))
    b = nn.Parameter(np.array([100.0]))
    for m in (1, 5, 10):
        assert F.l2_penalty([w, b], 1.0, m).item() == pytest.approx(7 / m)


def test_l2_penalty_skips_biases_and_its_gradient_is_lambda_over_m_w(rng):
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2)).double()
    lambd, m = 0.7, 32
    penalty = F.l2_penalty(model.parameters(), lambd, m)
    expected = lambd / (2 * m) * sum((layer.weight.data ** 2).sum() for layer in model)
    assert penalty.item() == pytest.approx(expected)
    penalty.backward()
    for layer in model:
        np.testing.assert_allclose(layer.weight.grad.data, lambd / m * layer.weight.data)
        assert layer.bias.grad is None
    assert ag.gradcheck(lambda *ps: F.l2_penalty(ps, lambd, m), tuple(model.parameters()))


def test_l2_penalty_errors_and_empty():
    assert F.l2_penalty([nn.Parameter(ag.ones(3))], 1.0, 4).item() == 0.0
    with pytest.raises(ValueError, match="m .* must be positive"):
        F.l2_penalty([], 1.0, 0)
    with pytest.raises(ValueError, match="lambd"):
        F.l2_penalty([], -1.0, 3)


def test_one_hot_is_the_course_eye_indexing():
    labels = np.array([0, 2, 1, 3])
    np.testing.assert_array_equal(F.one_hot(labels).data, np.eye(4)[labels])
    assert F.one_hot(labels).dtype == np.int64
    assert F.one_hot(ag.tensor(labels), 6, dtype=np.float32).shape == (4, 6)
    with pytest.raises(TypeError, match="integers"):
        F.one_hot(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        F.one_hot(labels, 3)


def test_functional_linear_and_activations_match_the_modules(rng):
    layer = nn.Linear(3, 2)
    x = ag.tensor(rng.standard_normal((4, 3)).astype(np.float32))
    np.testing.assert_array_equal(F.linear(x, layer.weight, layer.bias).data, layer(x).data)
    np.testing.assert_array_equal(F.linear(x, layer.weight).data,
                                  x.data @ layer.weight.data.T)
    for fn, module in [(F.relu, nn.ReLU()), (F.tanh, nn.Tanh()), (F.sigmoid, nn.Sigmoid())]:
        np.testing.assert_array_equal(fn(x).data, module(x).data)
