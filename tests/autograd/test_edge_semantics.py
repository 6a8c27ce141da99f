"""Edge cases where the engine follows PyTorch: gradients at 0⁰ and at a zero standard
deviation, clip with tensor bounds, integer indexing as a view, reductions of 0-d
tensors, and the errors for arguments PyTorch refuses."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag
from autograd.errors import AxisError


def _f64(values, grad=True):
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=grad)


def test_pow_gradients_at_zero_base() -> None:
    a, b = _f64([0.0, 0.0, 2.0, 0.0]), _f64([0.0, -1.0, 0.0, 2.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        (a ** b).sum().backward()
    # d/da 0⁰ = 0 (not 0·0⁻¹ = nan); d/db at a = 0 is 0 for b >= 0 and -inf for b < 0
    np.testing.assert_array_equal(a.grad.data, [0.0, -np.inf, 0.0, 0.0])
    np.testing.assert_array_equal(b.grad.data, [0.0, -np.inf, np.log(2.0), 0.0])


def test_std_gradient_is_zero_where_the_deviation_is_zero() -> None:
    x = _f64([[1.0, 1.0], [1.0, 3.0]])
    x.std(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0.0, 0.0], [-0.5, 0.5]])
    assert ag.gradcheck(lambda t: t.std(axis=0, ddof=1), [_f64([[1.0, 2.0], [3.0, 5.0]])])
    assert ag.gradgradcheck(lambda t: t.std(), [_f64([1.0, 2.0, 4.0])])


def test_max_of_a_row_with_nan_sends_the_gradient_to_the_nan() -> None:
    x = _f64([1.0, np.nan, 3.0])
    x.max().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 0.0])
    y = _f64([[1.0, np.nan], [3.0, 2.0]])
    y.min(axis=1).sum().backward()
    np.testing.assert_array_equal(y.grad.data, [[0.0, 1.0], [0.0, 1.0]])


@pytest.mark.filterwarnings("ignore:Degrees of freedom <= 0:RuntimeWarning")
@pytest.mark.parametrize("values,ddof", [([2.0], 1), ([2.0, 3.0], 2), ([2.0, 3.0], 3)])
@pytest.mark.parametrize("reduce", ["var", "std"])
def test_var_and_std_without_degrees_of_freedom_have_no_finite_gradient(values, ddof,
                                                                        reduce) -> None:
    x = _f64(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = getattr(x, reduce)(ddof=ddof)
        out.backward()
    assert not np.isfinite(out.item())
    assert not np.isfinite(x.grad.data).any()


def test_clip_sends_gradient_to_tensor_bounds_where_they_bind() -> None:
    x = _f64([-2.0, 0.5, 3.0, 0.2])
    lo = _f64([-1.0, 0.0, 0.0, 0.5])
    hi = _f64([1.0, 1.0, 2.0, 0.1])  # the last pair has lo > hi: hi wins
    y = ag.clip(x, lo, hi)
    np.testing.assert_array_equal(y.data, [-1.0, 0.5, 2.0, 0.1])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(lo.grad.data, [1.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(hi.grad.data, [0.0, 0.0, 1.0, 1.0])
    assert ag.gradcheck(lambda t, b: ag.clip(t, b, 1.0),
                        [_f64([-2.0, 0.5, 3.0]), _f64([-1.0, 0.0, 0.0])])


def test_clip_takes_min_max_keywords_and_floats_make_integers_floating() -> None:
    np.testing.assert_array_equal(ag.tensor([1.0, -2.0]).clamp(min=0.0).data, [1.0, 0.0])
    out = ag.clip(ag.tensor([1, 2, 3]), 1.5, 2.5)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.data, [1.5, 2.0, 2.5])
    assert ag.clip(ag.tensor([1, 5]), 0, 3).dtype == np.int64
    with pytest.raises(TypeError, match="either as lo/hi or as min=/max="):
        ag.clip(ag.tensor([1.0]), 0.0, min=1.0)


def test_integer_indexing_down_to_one_element_is_a_view() -> None:
    b = ag.zeros(3, requires_grad=True)
    with ag.no_grad():
        b[0].fill_(1.0)
    np.testing.assert_array_equal(b.data, [1.0, 0.0, 0.0])
    w = ag.zeros(2, 3)
    w[1, 2].fill_(7.0)
    assert w.data[1, 2] == 7.0
    x = ag.tensor([1.0, 2.0])
    v = x[0]
    x.add_(1.0)
    assert v.item() == 2.0
    y = _f64([1.0, 2.0, 3.0])
    (y[1] * 2.0).backward()
    np.testing.assert_array_equal(y.grad.data, [0.0, 2.0, 0.0])


def test_a_saved_element_changed_in_place_is_caught() -> None:
    x = _f64([1.0, 2.0])
    with ag.no_grad():
        base = x.detach()
    e = base[0]
    z = ag.tensor(1.0, dtype=np.float64, requires_grad=True) * e
    base.add_(1.0)  # e is a view of base: z's saved e changed
    with pytest.raises(RuntimeError, match="modified in place"):
        z.backward()


def test_an_empty_index_list_selects_nothing() -> None:
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x[[]].shape == (0, 2)


@pytest.mark.parametrize("reduce", [
    lambda t: t.sum(axis=0), lambda t: t.sum(dim=-1), lambda t: t.mean(0),
    lambda t: t.max(axis=0), lambda t: t.min(dim=-1), lambda t: ag.logsumexp(t, 0),
    lambda t: t.var(0) + t, lambda t: ag.softmax(t, 0) * t, lambda t: ag.log_softmax(t, -1) + t,
])
def test_a_0d_tensor_reduces_over_its_axis_0(reduce) -> None:
    t = ag.tensor(2.0, dtype=np.float64, requires_grad=True)
    out = reduce(t)
    assert out.shape == ()
    out.backward()
    assert t.grad.shape == ()
    with pytest.raises(AxisError, match="out of bounds"):
        t.sum(axis=1)


def test_arguments_pytorch_refuses_raise() -> None:
    with pytest.raises(TypeError, match="single int"):
        ag.tensor([[1, 2], [3, 0]]).argmax(dim=(0, 1))
    assert ag.tensor(3.0).argmax(0).item() == 0
    with pytest.raises(ag.ShapeError, match="-1 .* new leading"):
        ag.zeros(3, 1).expand(-1, 3, 1)
    assert ag.zeros(3, 1).expand(2, -1, 4).shape == (2, 3, 4)
    with pytest.raises(TypeError, match="0-d tensor"):
        list(ag.tensor(1.0))
    parts = list(ag.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert len(parts) == 2 and parts[1].data.tolist() == [3.0, 4.0]


@requires_torch
def test_edge_gradients_match_torch() -> None:
    t = torch()
    cases = [
        (lambda a, b: a ** b, [[0.0, 0.0, 2.0], [0.0, 3.0, 0.0]]),
        (lambda a, b: (a * b).std() if isinstance(a, ag.Tensor) else (a * b).std(
            unbiased=False), [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]),
        (lambda a, b: ag.clip(a, b, 1.0) if isinstance(a, ag.Tensor) else t.clamp(
            a, b, t.tensor(1.0, dtype=t.float64)), [[-2.0, 0.5, 3.0], [-1.0, 0.0, 0.0]]),
    ]
    for fn, (av, bv) in cases:
        a, b = _f64(av), _f64(bv)
        ta = t.tensor(av, dtype=t.float64, requires_grad=True)
        tb = t.tensor(bv, dtype=t.float64, requires_grad=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            fn(a, b).sum().backward()
        fn(ta, tb).sum().backward()
        np.testing.assert_array_equal(a.grad.data, ta.grad.numpy())
        np.testing.assert_array_equal(b.grad.data, tb.grad.numpy())


@pytest.mark.parametrize("op", [
    lambda x: ag.where(x > 0, x, x * 2.0),
    lambda x: x.clip(0.0, 1.5),
    lambda x: ag.fmax(x, ag.zeros(3, dtype=np.float64)),
])
def test_a_masked_backward_gives_0_not_nan_where_an_infinite_gradient_is_masked(op) -> None:
    """As PyTorch's backwards, which select: an inf reaching a branch that was not taken
    gives it 0, not inf·0 = nan."""
    x = ag.tensor([1.0, -1.0, 2.0], dtype=np.float64, requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        (op(x) / ag.tensor([1.0, 0.0, 1.0], dtype=np.float64)).sum().backward()
    assert not np.isnan(x.grad.data).any()
