"""Tensor-and-Python-number arithmetic: ``t·c``, ``c·t``, ``t + c``, ``c + t``, ``t − c`` and
``t / c`` run as the scalar ops, which keep t's dtype, save no array, and are drawn as
Mul/Add/Div. (Gradients of every form are checked in the op table: ``scalar_mul_add_sub``;
division below.)"""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_and_dtype_are_those_of_the_constant_in_the_tensors_dtype(dtype) -> None:
    x = ag.tensor(np.array([1.1, -2.3, 0.0, 7.0], dtype=dtype), requires_grad=True)
    c = 0.1
    cast = dtype(c)
    for got, want in [(x * c, x.data * cast), (c * x, cast * x.data), (x + c, x.data + cast),
                      (c + x, cast + x.data), (x - c, x.data - cast)]:
        assert got.dtype == dtype
        np.testing.assert_array_equal(got.data, want)


def test_gradients() -> None:
    x = ag.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    (3.0 * x + 1.0 - 4.0 * (x - 2.0) + x * 0.5).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0 - 4.0 + 0.5] * 3)


def test_zero_dim_and_empty_tensors() -> None:
    s = ag.tensor(2.0, requires_grad=True)
    y = s * 3.0 + 1.0
    assert y.shape == () and float(y.data) == 7.0
    y.backward()
    assert float(s.grad.data) == 3.0
    e = ag.tensor(np.zeros((0, 3)), requires_grad=True)
    (e * 2.0 - 1.0).sum().backward()
    assert e.grad.shape == (0, 3)


def test_no_array_is_saved_so_a_later_in_place_change_is_harmless() -> None:
    # As in PyTorch: w·c needs only c for its gradient, so changing w afterwards (an
    # optimizer step, say) does not invalidate the graph.
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    z = (w * 3.0 + 1.0).sum()
    with ag.no_grad():
        w.mul_(10.0)
    z.backward()
    np.testing.assert_array_equal(w.grad.data, [3.0, 3.0])


def test_drawn_and_named_as_mul_and_add() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2.0 + 1.0) - 0.5
    assert y.grad_fn.name == "Add" and y.grad_fn.next_edges[0][0].name == "Add"
    assert "grad_fn=<MulBackward>" in repr(x * 2.0)
    source = ag.draw_graph(y).source
    assert "Mul" in source and "Scalar" not in source


def test_second_order() -> None:
    x = ag.tensor(np.array([0.3, -1.2]), requires_grad=True)
    (gx,) = ag.grad(((x * 2.0) * (x * 3.0)).sum(), (x,), create_graph=True)  # 6x² -> 12x
    np.testing.assert_allclose(gx.data, 12.0 * x.data)
    (ggx,) = ag.grad(gx.sum(), (x,))
    np.testing.assert_allclose(ggx.data, [12.0, 12.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("c", [3, 2.5, np.float64(0.1)], ids=repr)
def test_division_by_a_number_is_numpys_in_the_tensors_dtype(dtype, c) -> None:
    x = ag.tensor(np.array([[1.1, -2.3], [0.0, 7.0]], dtype=dtype), requires_grad=True)
    y = x / c
    assert y.dtype == dtype and y.grad_fn.name == "Div"
    np.testing.assert_array_equal(y.data, x.data / np.asarray(c, dtype))
    g = np.array([[0.3, -1.0], [2.0, 5.5]], dtype=dtype)
    y.backward(ag.tensor(g))
    assert x.grad.dtype == dtype
    np.testing.assert_array_equal(x.grad.data, g / np.asarray(c, dtype))


def test_division_by_a_number_passes_gradcheck_and_gradgradcheck() -> None:
    x = ag.tensor(np.array([[0.5, -1.5, 2.0]]), requires_grad=True)
    for c in (3, -0.25):
        assert ag.gradcheck(lambda t, c=c: t / c, (x,))
        assert ag.gradgradcheck(lambda t, c=c: (t / c) ** 2, (x,))
    (g,) = ag.grad(((x * x) / 4).sum(), [x], create_graph=True)
    assert g.requires_grad
    np.testing.assert_allclose(g.data, x.data / 2)


def test_division_by_a_number_saves_nothing_and_integers_still_promote() -> None:
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    z = (w / 4).sum()
    with ag.no_grad():
        w.mul_(10.0)
    z.backward()
    np.testing.assert_array_equal(w.grad.data, [0.25, 0.25])
    ints = ag.tensor(np.array([1, 2, 3]))
    assert (ints / 2).dtype == ag.get_default_dtype()
    np.testing.assert_allclose((ints / 2).data, [0.5, 1.0, 1.5])
