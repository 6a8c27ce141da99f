"""Indexing ``t[...]`` against PyTorch: every index kind, forward values and gradients (repeated
indices accumulate), which results are views, and the errors for bad indices."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag

# Each index is written once for both libraries: ``T(values)`` is an index tensor of theirs.
INDEXES = {
    "int": lambda T: 1,
    "negative": lambda T: -1,
    "slice_step": lambda T: (slice(None, None, 2), slice(1, 4, 2)),
    "newaxis": lambda T: (None, 1, None),
    "ellipsis": lambda T: (Ellipsis, 2),
    "list": lambda T: [0, 2],
    "list_repeat": lambda T: [0, 0, 2, 0],
    "list_negative": lambda T: [-1, 0, -1],
    "int_tensor": lambda T: T([2, 0, 2]),
    "int_tensor_2d": lambda T: T([[2, 0], [1, 1]]),
    "bool_list": lambda T: [True, False, True],
    "bool_tensor": lambda T: T([True, False, True]),
    "bool_tensor_2d": lambda T: T([[True, False, True, False]] * 3),
    "mixed_advanced": lambda T: ([0, 2], slice(None), [1, 3]),
    "mixed_adjacent": lambda T: (slice(None), [0, 2], [1, 3]),
    "mixed_repeat": lambda T: ([0, 0], slice(1, 3), [1, 1]),
    "int_and_list": lambda T: (1, [0, 0, 3]),
    "0d_tensor": lambda T: T(1),
    "0d_tensors": lambda T: (T(1), T(2)),
    "0d_tensor_slice": lambda T: (T(2), slice(1, None)),
    "0d_tensor_with_list": lambda T: ([0, 2, 2], slice(None), T(4)),
    "ellipsis_list": lambda T: (Ellipsis, [0, 0, 1]),
    "bool_scalar": lambda T: True,
    "empty_list": lambda T: [],
}


@requires_torch
@pytest.mark.parametrize("name", INDEXES)
def test_indexing_values_and_gradients_match_torch(name) -> None:
    t = torch()
    data = np.random.default_rng(0).standard_normal((3, 4, 5))
    x = ag.tensor(data, requires_grad=True)
    tx = t.tensor(data, requires_grad=True)
    out = x[INDEXES[name](ag.tensor)]
    t_out = tx[INDEXES[name](t.tensor)]
    assert out.shape == tuple(t_out.shape)
    np.testing.assert_array_equal(out.data, t_out.detach().numpy())
    upstream = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(ag.tensor(upstream))
    t_out.backward(t.tensor(upstream))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-15, atol=0)


def test_repeated_indices_accumulate_their_gradients() -> None:
    x = ag.tensor([1.0, 2.0, 3.0], dtype=np.float64, requires_grad=True)
    (x[[0, 0, 2, 0]] * ag.tensor([1.0, 10.0, 100.0, 1000.0], dtype=np.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1011.0, 0.0, 100.0])
    assert ag.gradgradcheck(lambda t: t[[0, 0, 1]] ** 3, [ag.tensor([1.0, 2.0], requires_grad=True,
                                                                   dtype=np.float64)])


def test_a_0d_integer_tensor_index_is_an_integer_and_gives_a_view() -> None:
    w = ag.zeros(3, 2)
    for i in ag.arange(3):
        w[i].fill_(float(i) + 1)
    np.testing.assert_array_equal(w.data, [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    w[ag.tensor(0), ag.tensor(1)].fill_(-1.0)
    assert w.data[0, 1] == -1.0
    assert not np.shares_memory(w[ag.tensor([0])].data, w.data)  # a 1-element array: a copy
    assert w[ag.tensor(True)].shape == (1, 3, 2)  # a 0-d bool is a mask, as in NumPy and torch


@pytest.mark.parametrize("index, message", [
    (3, r"indexing a tensor of shape \(3, 4\) with 3: index 3 is out of bounds for axis 0"),
    (-4, r"shape \(3, 4\) with -4: index -4 is out of bounds"),
    ([0, 5], r"shape \(3, 4\) with .*index 5 is out of bounds"),
    ((0, 0, 0), r"shape \(3, 4\) with \(0, 0, 0\): too many indices"),
    (np.array([True, False]), r"shape \(3, 4\) with .*boolean index did not match"),
    (1.0, r"shape \(3, 4\) with 1.0: only integers, slices"),
])
def test_bad_indices_raise_index_errors_naming_the_shape(index, message) -> None:
    with pytest.raises(IndexError, match=message):
        ag.ones(3, 4)[index]
