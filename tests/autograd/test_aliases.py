"""PyTorch's names for existing ops and its whole-tensor queries (autograd/ops/aliases.py):
values, dtypes and gradients at ties and bounds against torch, and the errors. Gradcheck
and gradient parity over shapes are in the op table (clamp, amax, amin)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag


@pytest.fixture
def torch():
    th = pytest.importorskip("torch")
    th.set_num_threads(1)
    return th


def _grad_pair(torch, fn, x: np.ndarray):
    a = ag.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    out, t_out = fn(a), fn(t)
    np.testing.assert_allclose(out.data, t_out.detach().numpy())
    out.sum().backward()
    t_out.sum().backward()
    np.testing.assert_allclose(a.grad.data, t.grad.numpy())


def test_clamp_gradient_at_the_bounds_matches_torch(torch) -> None:
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    _grad_pair(torch, lambda v: (torch if isinstance(v, torch.Tensor) else ag).clamp(v, 0.0, 1.0),
               x)
    _grad_pair(torch, lambda v: v.clamp(min=0.5), x)
    _grad_pair(torch, lambda v: v.clamp(max=0.0), x)
    _grad_pair(torch, lambda v: v.clamp(1.0, 0.0), x)  # min > max: max wins


def test_clamp_values_and_errors(torch) -> None:
    i = np.array([-3, 0, 5])
    out = ag.clamp(ag.tensor(i), 0, 2)
    assert out.dtype == np.int64 and out.tolist() == [0, 0, 2]
    assert ag.clamp(ag.tensor(i), 0.5).dtype == torch.clamp(torch.tensor(i), 0.5).numpy().dtype
    with pytest.raises(ValueError, match="clamp: at least one of min and max"):
        ag.clamp(ag.ones(2))
    with pytest.raises(TypeError, match="clamp: out= is not supported"):
        ag.clamp(ag.ones(2), 0, out=ag.ones(2))


@pytest.mark.parametrize("name", ["amax", "amin"])
@pytest.mark.parametrize("dim", [(), 0, 1, (0, 1), -1])
def test_amax_amin_split_ties_evenly_as_torch(torch, name, dim) -> None:
    x = np.array([[1.0, 3.0, 3.0, -2.0], [-2.0, 2.0, -2.0, 0.0], [3.0, 3.0, 3.0, 3.0]])
    _grad_pair(torch, lambda v: getattr(v, name)(dim), x)
    _grad_pair(torch, lambda v: getattr(v, name)(dim, keepdim=True) * 2.0, x)
    fn = getattr(ag, name)
    assert fn(ag.tensor(x), dim=dim).shape == tuple(getattr(torch, name)(torch.tensor(x),
                                                                         dim=dim).shape)


def test_amax_of_0d_and_integers(torch) -> None:
    assert ag.amax(ag.tensor(2.5), 0).item() == 2.5
    i = np.array([[3, -1], [2, 7]])
    for fn in ("amax", "amin"):
        out, expected = getattr(ag, fn)(ag.tensor(i), 0), getattr(torch, fn)(torch.tensor(i), 0)
        assert out.dtype == np.int64 and out.tolist() == expected.tolist()


def test_amax_refuses_an_empty_reduction() -> None:
    with pytest.raises(ValueError, match=r"amax: reduction over dim 0 of size 0 \(input shape "
                                         r"\(0, 3\)\)"):
        ag.amax(ag.zeros(0, 3))
    with pytest.raises(ValueError, match="amin: reduction over dim 0"):
        ag.amin(ag.zeros(0, 3), 0)
    assert ag.amax(ag.zeros(0, 3), 1).shape == (0,)


def test_clone_is_a_copy_in_the_graph() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.clone(x)
    assert y.requires_grad and y.data is not x.data
    (y * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])
    z = ag.clone(np.array([1, 2]))
    assert z.dtype == np.int64 and not z.requires_grad


def test_numel() -> None:
    assert ag.numel(ag.ones(2, 3)) == 6
    assert ag.numel(ag.tensor(1.0)) == 1
    assert ag.numel(ag.zeros(0, 4)) == 0


@pytest.mark.parametrize("name", ["all", "any"])
def test_all_any_match_torch(torch, name) -> None:
    x = np.array([[1.0, 0.0, 2.0], [3.0, 4.0, -1.0]])
    a, t = ag.tensor(x), torch.tensor(x)
    for args, kwargs in [((), {}), ((0,), {}), ((1,), {"keepdim": True}), (((0, 1),), {}),
                         ((-1,), {})]:
        out, expected = getattr(ag, name)(a, *args, **kwargs), getattr(torch, name)(t, *args,
                                                                                  **kwargs)
        assert out.dtype == np.bool_ and out.tolist() == expected.tolist()
        assert getattr(a, name)(*args, **kwargs).tolist() == expected.tolist()
    u = np.array([0, 3], dtype=np.uint8)
    out, expected = getattr(ag, name)(ag.tensor(u)), getattr(torch, name)(torch.tensor(u))
    assert out.dtype == np.uint8 and out.item() == expected.item()
    empty = getattr(ag, name)(ag.zeros(0))
    assert empty.item() == getattr(torch, name)(torch.zeros(0)).item()
    assert bool(np.any(ag.tensor(x))) and not bool(np.all(ag.tensor(x)))


def test_count_nonzero_matches_torch(torch) -> None:
    x = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, -1.0]])
    for dim in (None, 0, 1, (0, 1), -1):
        out = ag.count_nonzero(ag.tensor(x), dim)
        expected = torch.count_nonzero(torch.tensor(x), dim)
        assert out.dtype == np.int64 and out.tolist() == expected.tolist()
    assert ag.tensor(x).count_nonzero(0).tolist() == [1, 0, 2]
    assert ag.count_nonzero(ag.tensor(0.0)).item() == 0
    with pytest.raises(np.exceptions.AxisError, match="count_nonzero: axis 2 is out of bounds"):
        ag.count_nonzero(ag.tensor(x), 2)
