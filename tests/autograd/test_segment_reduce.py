"""``segment_reduce`` (autograd/ops/segments.py): PyTorch's values for empty segments and
``initial``, and its errors. Gradients are in the op table
(tests/helpers/optable_segments.py)."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag

DATA = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


@requires_torch
@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod", "amax", "amin"])
@pytest.mark.parametrize("initial", [None, 10.0, -1.5])
def test_values_match_torch(reduce, initial) -> None:
    th = torch()
    out = ag.segment_reduce(ag.tensor(DATA), reduce, lengths=ag.tensor([2, 0, 3, 1]),
                            initial=initial)
    expected = th.segment_reduce(th.tensor(DATA), reduce, lengths=th.tensor([2, 0, 3, 1]),
                                 initial=initial)
    assert out.dtype == np.float32 and out.shape == tuple(expected.shape)
    np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-6)


@requires_torch
def test_ties_share_the_gradient_as_torch() -> None:
    th = torch()
    x = ag.tensor([1.0, 3.0, 3.0, 4.0, 5.0, 6.0], requires_grad=True)
    ag.segment_reduce(x, "max", lengths=ag.tensor([3, 3])).sum().backward()
    t = th.tensor([1.0, 3.0, 3.0, 4.0, 5.0, 6.0], requires_grad=True)
    th.segment_reduce(t, "max", lengths=th.tensor([3, 3])).sum().backward()
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


def test_offsets_are_lengths() -> None:
    x = ag.tensor(np.arange(12.0).reshape(2, 6))
    by_lengths = ag.segment_reduce(x, "sum", lengths=ag.tensor([[2, 4], [6, 0]]), axis=1)
    by_offsets = ag.segment_reduce(x, "sum", offsets=ag.tensor([[0, 2, 6], [0, 6, 6]]), axis=1)
    np.testing.assert_array_equal(by_lengths.data, by_offsets.data)
    np.testing.assert_array_equal(by_lengths.data, [[1.0, 14.0], [51.0, 0.0]])


@pytest.mark.parametrize("kwargs,error,match", [
    ({"lengths": [2, 2]}, RuntimeError, "Expected all rows of lengths along axis to sum"),
    ({"indices": [0, 0, 1, 1, 1, 2]}, RuntimeError, "indices based reduction is not supported"),
    ({}, RuntimeError, "Either lengths or offsets must be defined"),
    ({"lengths": [2, -1, 5]}, RuntimeError, "lengths contains negative value!"),
    ({"lengths": [6], "reduce": "foo"}, RuntimeError, "must be either sum, prod, mean, amax or"),
    ({"lengths": [6], "axis": 1, "shape": (3, 2)}, RuntimeError,
     "Expected axis to be the last dimension of lengths but got 1"),
])
def test_errors(kwargs, error, match) -> None:
    kwargs = dict(kwargs)
    reduce = kwargs.pop("reduce", "sum")
    x = ag.tensor(DATA).reshape(kwargs.pop("shape", (6,)))
    given = {k: ag.tensor(v) if k != "axis" else v for k, v in kwargs.items()}
    with pytest.raises(error, match=match):
        ag.segment_reduce(x, reduce, **given)


def test_integer_data_is_refused() -> None:
    with pytest.raises(NotImplementedError, match="int64"):
        ag.segment_reduce(ag.tensor([1, 2, 3]), "sum", lengths=ag.tensor([1, 2]))
