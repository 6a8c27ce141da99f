"""Integers before index arrays, as PyTorch orders them: random indices that mix integers,
slices, ``None``, ``...``, integer arrays and masks, read, written and added through, against
PyTorch (values and gradients) and against the positions PyTorch's own indexing picks."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag
from autograd.ops.index import integers_first


def _random_index(rng: np.random.Generator, shape: tuple, unique: bool) -> tuple:
    """An index of ``shape`` with at least one integer and one index array (arrays of
    distinct places when ``unique``, so that a write writes each place once)."""
    items: list = []
    array_len = int(rng.integers(1, 4))
    for dim, n in enumerate(shape):
        kind = rng.choice(["int", "slice", "array", "array", "mask"])
        if dim == 0 and items == [] and rng.random() < 0.2:
            items.append(None)
        if kind == "int":
            items.append(int(rng.integers(-n, n)))
        elif kind == "slice":
            items.append(slice(int(rng.integers(0, n)), None, int(rng.integers(1, 3))))
        elif kind == "mask" and not unique:
            items.append(rng.random(n) < 0.5)
        else:
            picks = (rng.permutation(n)[:min(array_len, n)] if unique
                     else rng.integers(-n, n, size=array_len))
            items.append(np.resize(picks, min(array_len, n) if unique else array_len))
    dims = [k for k, i in enumerate(items) if i is not None]
    if not any(isinstance(i, int) for i in items):
        items[dims[int(rng.integers(0, len(dims)))]] = 0
    if not any(isinstance(i, np.ndarray) for i in items):
        k = next((k for k in dims if not isinstance(items[k], int)), dims[-1])
        items[k] = np.array([0])
    if rng.random() < 0.2:
        items.append(Ellipsis)
    return tuple(items)


def _same_length_arrays(index: tuple) -> bool:
    lengths = {len(i) if i.dtype != bool else int(i.sum())
               for i in index if isinstance(i, np.ndarray)}
    return len(lengths) == 1


def _indexes(seed: int, count: int, shape: tuple, unique: bool = False) -> list[tuple]:
    rng = np.random.default_rng(seed)
    found: list[tuple] = []
    while len(found) < count:
        index = _random_index(rng, shape, unique)
        if _same_length_arrays(index):
            found.append(index)
    return found


def _torch_index(index: tuple):
    t = torch()
    return tuple(t.tensor(i) if isinstance(i, np.ndarray) else i for i in index)


SHAPE = (3, 4, 5, 2)


def test_an_integer_apart_from_an_array_keeps_the_arrays_dimensions_in_place() -> None:
    x = ag.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    y = x[0, :, [0, 1]]
    assert y.shape == (3, 2)  # NumPy's a[0, :, [0, 1]] is (2, 3)
    np.testing.assert_array_equal(y.data, [[0, 1], [4, 5], [8, 9]])
    assert integers_first((0, slice(None), np.array([0, 1]))) is not None
    assert integers_first((slice(None), 0, np.array([0, 1]))) is None  # the same in both
    z = ag.zeros(2, 3, 4)
    z[1, :, [3, 0]] = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(z.data[1, :, [3, 0]].T, np.arange(6.0).reshape(3, 2))
    with pytest.raises(ValueError, match=r"value of shape \(2, 3\) can't be broadcast to the "
                                         r"shape \(3, 2\)"):
        z[1, :, [3, 0]] = np.ones((2, 3))
    z[1, :, [3, 0]] += ag.ones(3, 2)
    np.testing.assert_array_equal(z.data[1, :, [3, 0]].T, np.arange(6.0).reshape(3, 2) + 1)


@requires_torch
@pytest.mark.parametrize("seed", range(4))
def test_reads_match_torch(seed) -> None:
    t = torch()
    data = np.random.default_rng(seed).standard_normal(SHAPE)
    for index in _indexes(seed, 60, SHAPE):
        x = ag.tensor(data, requires_grad=True)
        tx = t.tensor(data, requires_grad=True)
        out, t_out = x[index], tx[_torch_index(index)]
        assert out.shape == tuple(t_out.shape), index
        np.testing.assert_array_equal(out.data, t_out.detach().numpy())
        upstream = np.random.default_rng(1).standard_normal(out.shape)
        (out * ag.tensor(upstream)).sum().backward()
        (t_out * t.tensor(upstream)).sum().backward()
        np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())


@requires_torch
@pytest.mark.parametrize("seed", range(4))
def test_writes_match_torch(seed) -> None:
    """``z[index] = v`` recorded (gradients of the base and the value), and into plain
    memory, each place written once."""
    t = torch()
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(SHAPE)
    for index in _indexes(seed, 60, SHAPE, unique=True):
        tx = t.tensor(data, requires_grad=True)
        target = tuple(tx[_torch_index(index)].shape)
        value = rng.standard_normal(target)
        tv = t.tensor(value, requires_grad=True)
        tz = tx * 1.0
        tz[_torch_index(index)] = tv
        x = ag.tensor(data, requires_grad=True)
        v = ag.tensor(value, requires_grad=True)
        z = x * 1.0
        z[index] = v
        np.testing.assert_array_equal(z.data, tz.detach().numpy())
        upstream = rng.standard_normal(SHAPE)
        (z * ag.tensor(upstream)).sum().backward()
        (tz * t.tensor(upstream)).sum().backward()
        np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())
        np.testing.assert_array_equal(v.grad.data, tv.grad.numpy())
        plain = ag.tensor(data)
        plain[index] = value
        np.testing.assert_array_equal(plain.data, tz.detach().numpy())


@requires_torch
def test_index_put_accumulate_adds_at_the_places_torch_picks() -> None:
    """Repeated places add once per pick: the reference adds the value at the flat
    positions PyTorch's indexing of an array of positions picks."""
    t = torch()
    rng = np.random.default_rng(5)
    data = rng.standard_normal(SHAPE)
    positions = t.arange(data.size).reshape(SHAPE)
    for index in _indexes(7, 100, SHAPE):
        picked = positions[_torch_index(index)].numpy()
        value = rng.standard_normal(picked.shape)
        expected = data.copy().ravel()
        np.add.at(expected, picked.ravel(), value.ravel())
        x = ag.tensor(data, requires_grad=True)
        v = ag.tensor(value, requires_grad=True)
        out = ag.index_put(x, index, v, accumulate=True)
        np.testing.assert_allclose(out.data.ravel(), expected, rtol=1e-15, atol=1e-15)
        upstream = rng.standard_normal(SHAPE)
        (out * ag.tensor(upstream)).sum().backward()
        np.testing.assert_array_equal(x.grad.data, upstream)
        np.testing.assert_array_equal(v.grad.data, upstream.ravel()[picked])


def test_gradcheck_through_a_read_and_a_write() -> None:
    index = (1, slice(None), np.array([2, 0]), 0)

    def f(x, v):
        z = x * 1.0
        z[index] = v * x[index]
        return z

    x = ag.tensor(np.random.default_rng(0).standard_normal(SHAPE), requires_grad=True)
    v = ag.tensor(np.random.default_rng(1).standard_normal((4, 2)), requires_grad=True)
    assert ag.gradcheck(f, (x, v))
    assert ag.gradgradcheck(f, (x, v))
