"""PyTorch's update-style Tensor methods — ``addcmul``, ``addcdiv``, ``clamp_min``,
``clamp_max``, ``index_put`` and their in-place forms, ``swapdims``, ``true_divide``,
``stride`` — against torch, including an Adam step written as PyTorch users write it.
The differentiable ones are in the op table (tests/helpers/optable.py) for gradcheck,
gradgradcheck and gradient parity."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag


def _adam_by_hand(lib, p, g, m, v, steps: int, lr=1e-2, b1=0.9, b2=0.999, eps=1e-8):
    """Adam as PyTorch tutorials write it, with the in-place tensor methods."""
    for t in range(1, steps + 1):
        m.mul_(b1).add_(g, alpha=1 - b1)
        v.mul_(b2).addcmul_(g, g, value=1 - b2)
        denom = (v / (1 - b2 ** t)).sqrt().add_(eps)
        p.addcdiv_(m, denom, value=-lr / (1 - b1 ** t))
        p.clamp_min_(-0.5).clamp_max_(0.5)
    return p


@requires_torch
def test_an_adam_step_written_with_in_place_methods_matches_torch() -> None:
    th = torch()
    rng = np.random.default_rng(0)
    p0, g0 = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    ours = _adam_by_hand(ag, ag.tensor(p0), ag.tensor(g0), ag.zeros(3, 4, dtype=np.float64),
                         ag.zeros(3, 4, dtype=np.float64), steps=5)
    theirs = _adam_by_hand(th, th.tensor(p0), th.tensor(g0), th.zeros(3, 4, dtype=th.float64),
                           th.zeros(3, 4, dtype=th.float64), steps=5)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-15, atol=1e-16)


@requires_torch
def test_index_put_matches_torch() -> None:
    th = torch()
    x = np.arange(12.0).reshape(3, 4)
    rows, cols = np.array([0, 2, 0]), np.array([1, 3, 1])
    for accumulate in (False, True):
        ours = ag.tensor(x).index_put((ag.tensor(rows), ag.tensor(cols)),
                                      ag.tensor(5.0, dtype=np.float64), accumulate=accumulate)
        theirs = th.tensor(x).index_put((th.tensor(rows), th.tensor(cols)),
                                        th.tensor(5.0, dtype=th.float64), accumulate=accumulate)
        np.testing.assert_array_equal(ours.data, theirs.numpy())
        a, b = ag.tensor(x), th.tensor(x)
        a.index_put_([ag.tensor(rows)], ag.tensor(np.arange(4.0)), accumulate)
        b.index_put_([th.tensor(rows)], th.tensor(np.arange(4.0)), accumulate)
        np.testing.assert_array_equal(a.data, b.numpy())


def test_index_put_accumulates_gradients_of_repeated_places() -> None:
    x = ag.tensor(np.zeros(3), requires_grad=True)
    v = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = ag.index_put(x * 1.0, (np.array([0, 0, 2]),), v, accumulate=True)
    np.testing.assert_array_equal(y.data, [3.0, 0.0, 3.0])
    y.backward(ag.tensor([10.0, 20.0, 30.0]))
    np.testing.assert_array_equal(x.grad.data, [10.0, 20.0, 30.0])
    np.testing.assert_array_equal(v.grad.data, [10.0, 10.0, 30.0])


def test_recorded_in_place_forms_take_the_history() -> None:
    x = ag.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x * 1.0
    y.addcmul_(x, x, value=2.0).clamp_max_(10.0)
    assert y.grad_fn.name == "Clip"
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [3.0, 6.0, 10.0])
    np.testing.assert_array_equal(x.grad.data, [1.0 + 4.0, 1.0 - 8.0, 0.0])
    w = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^addcdiv_: a leaf tensor that requires grad"):
        w.addcdiv_(w, w)


@requires_torch
def test_shapes_strides_and_aliases_match_torch() -> None:
    th = torch()
    x = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
    a, b = ag.tensor(x), th.tensor(x)
    assert a.stride() == b.stride() and a.stride(1) == b.stride(1)
    assert a.swapdims(0, 2).stride() == b.swapdims(0, 2).stride()
    assert a.swapdims(0, 2).shape == tuple(b.swapdims(0, 2).shape)
    np.testing.assert_array_equal(a.true_divide(2).data, b.true_divide(2).numpy())
    np.testing.assert_array_equal(a.clamp_min(5).data, b.clamp_min(5).numpy())
    np.testing.assert_array_equal(ag.clamp_max(a, 7).data, th.clamp_max(b, 7).numpy())
