"""NumPy's ufuncs and functions on tensors: the ones that are autograd ops record; the others
compute on the data and refuse to drop a gradient silently."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag

UNARY = [np.negative, np.exp, np.log, np.log1p, np.sqrt, np.absolute, np.sin, np.cos, np.tanh,
         np.sign]
BINARY = [np.add, np.subtract, np.multiply, np.true_divide, np.power, np.maximum, np.minimum]
COMPARE = [np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal]


def _inputs():
    a = ag.tensor([[0.5, 1.5, 2.0], [3.0, 0.25, 1.0]], dtype=np.float64, requires_grad=True)
    b = ag.tensor([[2.0, 0.5, 2.0]], dtype=np.float64, requires_grad=True)
    return a, b


@pytest.mark.parametrize("ufunc", UNARY, ids=lambda u: u.__name__)
def test_a_unary_ufunc_that_is_an_op_records_as_the_op(ufunc) -> None:
    a, _ = _inputs()
    out = ufunc(a)
    assert isinstance(out, ag.Tensor)
    np.testing.assert_array_equal(out.data, ufunc(a.data))
    if ufunc is np.sign:  # recorded, as PyTorch's, with the gradient 0
        out.sum().backward()
        assert out.grad_fn.name == "Sign" and not a.grad.data.any()
        return
    out.sum().backward()
    ours = a.grad.data
    a.grad = None
    getattr(ag, {"negative": "neg", "absolute": "abs"}.get(ufunc.__name__, ufunc.__name__))(
        a).sum().backward()
    np.testing.assert_array_equal(ours, a.grad.data)


@pytest.mark.parametrize("ufunc", BINARY, ids=lambda u: u.__name__)
def test_a_binary_ufunc_records_with_a_tensor_on_either_side(ufunc) -> None:
    a, b = _inputs()
    for left, right in [(a, b), (a.data, b), (a, b.data)]:
        out = ufunc(left, right)
        assert isinstance(out, ag.Tensor) and out.requires_grad
        np.testing.assert_allclose(out.data, ufunc(np.asarray(left), np.asarray(right)))
    a.grad = b.grad = None
    ufunc(a, b).sum().backward()
    got = a.grad.data, b.grad.data
    a.grad = b.grad = None
    op = {"add": ag.add, "subtract": ag.sub, "multiply": ag.mul, "divide": ag.div,
          "power": ag.pow, "maximum": ag.maximum, "minimum": ag.minimum}[ufunc.__name__]
    op(a, b).sum().backward()
    np.testing.assert_array_equal(got[0], a.grad.data)
    np.testing.assert_array_equal(got[1], b.grad.data)


@pytest.mark.parametrize("ufunc", COMPARE, ids=lambda u: u.__name__)
def test_comparisons_give_bool_tensors(ufunc) -> None:
    a, b = _inputs()
    for out in (ufunc(a, b), ufunc(a.data, b), ufunc(a, 1.0)):
        assert isinstance(out, ag.Tensor) and out.dtype == np.bool_ and not out.requires_grad
    np.testing.assert_array_equal(ufunc(a.data, b).data, ufunc(a.data, b.data))


def test_matmul_and_the_operators_of_arrays_on_tensors_record() -> None:
    w = ag.tensor(np.ones((3, 2), np.float32), requires_grad=True)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    out = np.matmul(x, w)
    assert out.grad_fn is not None and out.dtype == np.float32
    assert (x @ w).grad_fn is not None and (x * w.T).grad_fn is not None
    assert (np.float64(2.0) * w).dtype == np.float32  # a NumPy scalar keeps the tensor's dtype


def test_other_ufuncs_refuse_to_drop_a_gradient_and_compute_otherwise() -> None:
    x = ag.tensor([1.0, np.nan, 4.0], requires_grad=True)
    for call, name in [(lambda: np.square(x), "np.square"), (lambda: np.add.reduce(x),
                                                            "np.add.reduce"),
                       (lambda: np.exp(x, where=True), "np.exp")]:
        with pytest.raises(TypeError, match=f"^{name} on a tensor that requires grad would drop "
                                            f"its gradient.*ag.exp.*np.maximum.*np.sum.*detach"):
            call()
    np.testing.assert_array_equal(np.isnan(x), [False, True, False])  # no gradient to lose
    with ag.no_grad():
        assert isinstance(np.square(x), np.ndarray)
    plain = ag.tensor([3.0])
    np.testing.assert_array_equal(np.square(plain), [9.0])
    with pytest.raises(TypeError, match=r"out=tensor\): NumPy cannot write into a tensor"):
        np.exp(np.ones(1, np.float32), out=plain)


FUNCTIONS = {
    "sum": (lambda x: np.sum(x, axis=0), lambda x: ag.sum(x, axis=0)),
    "sum dtype": (lambda x: np.sum(x, dtype=np.float64), lambda x: ag.sum(x.astype(np.float64))),
    "mean": (np.mean, ag.mean),
    "max": (lambda x: np.max(x, axis=1, keepdims=True), lambda x: ag.max(x, 1, keepdims=True)),
    "min": (np.min, ag.min),
    "var": (lambda x: np.var(x, ddof=1), lambda x: ag.var(x, ddof=1)),
    "std": (np.std, ag.std),
    "clip": (lambda x: np.clip(x, 1.0, 3.0), lambda x: ag.clip(x, 1.0, 3.0)),
    "reshape": (lambda x: np.reshape(x, (3, 2)), lambda x: ag.reshape(x, (3, 2))),
    "transpose": (np.transpose, ag.transpose),
    "ravel": (np.ravel, lambda x: x.reshape(-1)),
    "concatenate": (lambda x: np.concatenate([x, x * 2.0], axis=1),
                    lambda x: ag.cat([x, x * 2.0], axis=1)),
    "stack": (lambda x: np.stack([x, x]), lambda x: ag.stack([x, x])),
    "where": (lambda x: np.where(x > 1.5, x, 0.0), lambda x: ag.where(x > 1.5, x, 0.0)),
    "dot": (lambda x: np.dot(x, x.T), lambda x: x @ x.T),
    "expand_dims": (lambda x: np.expand_dims(x, 1), lambda x: x.unsqueeze(1)),
}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_numpy_functions_that_are_ops_record_as_the_ops(name) -> None:
    ours, op = FUNCTIONS[name]
    x = ag.tensor([[0.5, 1.5, 2.0], [3.0, 0.25, 1.0]], requires_grad=True)
    out = ours(x)
    assert isinstance(out, ag.Tensor) and out.grad_fn is not None
    expected = op(x)
    np.testing.assert_array_equal(out.data, expected.data)
    assert out.dtype == expected.dtype
    seed = ag.tensor(np.arange(out.data.size, dtype=out.dtype).reshape(out.shape))
    out.backward(seed)
    got = x.grad.data
    x.grad = None
    expected.backward(seed)
    np.testing.assert_array_equal(got, x.grad.data)


def test_other_numpy_functions_refuse_to_drop_a_gradient_and_read_the_data_otherwise() -> None:
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    # (np.round runs np.around, and is named so, before NumPy 1.25)
    for call, name in [(np.cumsum, "np.cumsum"), (np.round, "np.a?round"), (np.copy, "np.copy"),
                       (np.linalg.norm, "np.linalg.norm"),
                       (lambda t: np.concatenate([t, t], out=np.empty((4, 2), np.float32)),
                        "np.concatenate")]:
        with pytest.raises(TypeError, match=f"^{name} on a tensor that requires grad would "
                                            f"drop its gradient"):
            call(x)
    # results that carry no gradient: shapes, bools, indices
    assert np.shape(x) == (2, 2) and np.ndim(x) == 2 and np.size(x) == 4
    assert np.allclose(x, x.data) and np.array_equal(x, x)
    np.testing.assert_array_equal(np.argwhere(x > 2.0), [[1, 0], [1, 1]])
    np.testing.assert_array_equal(np.asarray(x), x.data)  # the API's promise
    with ag.no_grad():
        np.testing.assert_array_equal(np.cumsum(x), [1.0, 3.0, 6.0, 10.0])
    np.testing.assert_array_equal(np.cumsum(x.detach()), [1.0, 3.0, 6.0, 10.0])
    with pytest.raises(TypeError, match="sum: out= is not supported"):
        np.sum(x, out=np.empty((), np.float32))
    with pytest.raises(ValueError, match="only order='C'"):
        np.reshape(x, 4, order="F")
