"""PyTorch's further Tensor methods: values and dtypes against torch, the special cases
(zeros, nan, ties), the shape checks and their error messages. The differentiable ones
are also in the op table (tests/helpers/optable.py) for gradcheck and gradient parity."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag
from autograd.errors import AxisError, ShapeError


def _t(th, x):
    return th.tensor(np.array(x.data if isinstance(x, ag.Tensor) else x))


def _same(out, expected) -> None:
    """``out`` (a Tensor) has the values, shape and dtype of the torch tensor ``expected``."""
    exp = expected.detach().numpy()
    assert out.shape == exp.shape, (out.shape, exp.shape)
    assert out.dtype == exp.dtype, (out.dtype, exp.dtype)
    np.testing.assert_allclose(out.data, exp, rtol=1e-6, equal_nan=True)


X = np.array([[1.5, -2.0, 0.0, 3.25], [np.nan, 4.0, -np.inf, 0.5], [2.0, 2.0, -1.0, np.inf]],
             dtype=np.float32)
I = np.array([[3, -1, 0, 7], [2, 2, -5, 1]], dtype=np.int64)


# ----------------------------------------------------------------- group 1: compositions
@requires_torch
@pytest.mark.parametrize("name,call", [
    ("t", lambda x: x.t()),
    ("square", lambda x: x.square()),
    ("reciprocal", lambda x: x.reciprocal()),
    ("flip", lambda x: x.flip(1)),
    ("roll", lambda x: x.roll(1, 0)),
    ("roll_flat", lambda x: x.roll(-3)),
    ("repeat", lambda x: x.repeat(2, 1, 2)),
    ("tile", lambda x: x.tile((2,))),
    ("tril", lambda x: x.tril()),
    ("triu", lambda x: x.triu(-1)),
    ("select", lambda x: x.select(0, 1)),
    ("masked_fill", lambda x: x.masked_fill(x > 1, 9)),
])
@pytest.mark.parametrize("data", [X, I], ids=["float32", "int64"])
def test_values_and_dtypes_match_torch(name, call, data) -> None:
    th = torch()
    with np.errstate(divide="ignore", over="ignore"):
        out = call(ag.tensor(data))
    _same(out, call(_t(th, data)))


@requires_torch
def test_more_compositions_match_torch() -> None:
    th = torch()
    x = ag.tensor(X)
    _same(x.nan_to_num(), _t(th, X).nan_to_num())
    _same(x.nan_to_num(1.0, 5.0, -5.0), _t(th, X).nan_to_num(1.0, 5.0, -5.0))
    _same(ag.tensor(I).nan_to_num(), _t(th, I).nan_to_num())
    y = ag.tensor(np.abs(I) + 1.0)
    _same(y.rsqrt(), _t(th, y).rsqrt())
    _same(ag.tensor(I).rsqrt(), _t(th, I).rsqrt())
    ind = np.array([[0, 0], [1, 0], [3, 2]])
    _same(x.gather(1, ag.tensor(ind)), _t(th, X).gather(1, th.tensor(ind)))
    _same(x.index_select(1, ag.tensor([3, 0])), _t(th, X).index_select(1, th.tensor([3, 0])))
    assert [u.shape for u in x.unbind(1)] == [tuple(u.shape) for u in _t(th, X).unbind(1)]
    z = np.arange(6.0).reshape(2, 3)
    _same(ag.tensor(z).lerp(ag.tensor(z * 3), 0.25), _t(th, z).lerp(_t(th, z * 3), 0.25))
    _same(ag.tensor(z).norm(p=0), _t(th, z).norm(p=0))
    _same(ag.tensor(z).norm(p=float("-inf"), dim=1), _t(th, z).norm(p=float("-inf"), dim=1))


@pytest.mark.parametrize("call", [lambda x: x.flip(0), lambda x: x.flip(()),
                                  lambda x: x.roll(0, 1), lambda x: x.roll(3),
                                  lambda x: x.roll(1, 1), lambda x: x.tile((1,)),
                                  lambda x: x.tril(5)])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_results_are_new_tensors_not_views(call, requires_grad) -> None:
    x = ag.ones(1, 3, requires_grad=requires_grad)
    y = call(x)
    with ag.no_grad():
        y.detach().fill_(5.0)
    np.testing.assert_array_equal(x.data, np.ones((1, 3)))
    assert y.requires_grad == requires_grad


def test_products_check_shapes_as_torch() -> None:
    a, b, v = ag.ones(2, 3), ag.ones(3, 4), ag.ones(3)
    assert a.mm(b).shape == (2, 4) and a.mv(v).shape == (2,) and v.dot(v).shape == ()
    assert ag.bmm(ag.ones(5, 2, 3), ag.ones(5, 3, 4)).shape == (5, 2, 4)
    with pytest.raises(ShapeError, match=r"mm: expects two 2-D matrices .* \(3,\) and \(3, 4\)"):
        v.mm(b)
    with pytest.raises(ShapeError, match=r"bmm: batch sizes differ: shapes \(5, 2, 3\)"):
        ag.bmm(ag.ones(5, 2, 3), ag.ones(1, 3, 4))
    with pytest.raises(ShapeError, match="bmm: expects two 3-D"):
        ag.bmm(a, b)
    with pytest.raises(ShapeError, match=r"mv: expects a 2-D matrix .* \(3,\) and \(3,\)"):
        v.mv(v)
    with pytest.raises(ShapeError, match=r"mv: shapes \(2, 3\) and \(2,\) do not fit: .* \(3\)"):
        a.mv(ag.ones(2))
    with pytest.raises(ShapeError, match=r"dot: shapes \(3,\) and \(2,\) do not fit"):
        v.dot(ag.ones(2))
    with pytest.raises(ShapeError, match=r"dot: expects two 1-D tensors .* \(2, 3\) and \(3,\)"):
        a.dot(v)
    with pytest.raises(ShapeError, match=r"mm: shapes \(2, 3\) and \(2, 4\) do not fit"):
        a.mm(ag.ones(2, 4))
    with pytest.raises(ShapeError, match=r"t: expects a tensor with <= 2 dimensions"):
        ag.ones(2, 3, 4).t()
    assert v.t() is v


def test_as_methods() -> None:
    x = ag.randn(2, 3, requires_grad=True)
    assert x.expand_as(ag.zeros(4, 2, 3)).shape == (4, 2, 3)
    assert x.reshape_as(ag.zeros(3, 2)).shape == (3, 2)
    v = x.detach().view_as(ag.zeros(6))
    v[0] = 100.0
    assert x.data[0, 0] == 100.0  # a view shares the data
    with pytest.raises(ShapeError, match="view"):
        x.T.view_as(ag.zeros(6))
    y = x.type_as(ag.zeros(1, dtype=np.float64))
    assert y.dtype == np.float64 and y.requires_grad
    assert x.type_as(ag.zeros(1)) is x
    with pytest.raises(TypeError, match="expand_as: expects a Tensor, got tuple"):
        x.expand_as((4, 2, 3))


def test_norm_gradient_is_zero_at_the_zero_vector() -> None:
    x = ag.zeros(2, 3, dtype=np.float64, requires_grad=True)
    x.norm().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))
    x.grad = None
    x.norm(dim=1).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))
    x.grad = None
    x.norm(p=3, dim=0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))
    with pytest.raises(TypeError, match=r"norm: the input must be floating point, got dtype int64"):
        ag.tensor([1, 2]).norm()
    with pytest.raises(ValueError, match="norm: p must be 'fro' or a number, got 'nuc'"):
        ag.ones(2, 2).norm(p="nuc")


def test_nan_to_num_gradient_is_zero_where_replaced() -> None:
    x = ag.tensor([1.0, np.nan, np.inf, -np.inf, 2.0], dtype=np.float64, requires_grad=True)
    np.testing.assert_array_equal(x.nan_to_num().data[2:4], [np.finfo(np.float64).max,
                                                             np.finfo(np.float64).min])
    y = x.nan_to_num(posinf=3.0, neginf=-4.0)
    np.testing.assert_array_equal(y.data, [1.0, 0.0, 3.0, -4.0, 2.0])
    (y * 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 0.0, 0.0, 0.0, 2.0])


def test_masked_fill_and_where_method() -> None:
    x = ag.tensor([1.0, -2.0, 3.0], requires_grad=True)
    v = ag.tensor(5.0, requires_grad=True)
    y = x.masked_fill(x.data < 0, v)
    np.testing.assert_array_equal(y.data, [1.0, 5.0, 3.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 0.0, 1.0])
    assert v.grad.item() == 1.0
    assert ag.tensor([1, 2]).masked_fill(ag.tensor([True, False]), 7).dtype == np.int64
    with pytest.raises(TypeError, match="masked_fill: the mask must be bool, got int64"):
        x.masked_fill(ag.tensor([1, 0, 0]), 0.0)
    with pytest.raises(ShapeError, match=r"masked_fill: value must be a number or a 0-d"):
        x.masked_fill(x.data > 0, ag.ones(3))
    np.testing.assert_array_equal(x.where(x > 0, 0.0).data, [1.0, 0.0, 3.0])


def test_indexing_compositions_check_their_arguments() -> None:
    x = ag.ones(3, 4)
    with pytest.raises(IndexError, match=r"select: index 3 is out of range for dim 0 of size 3"):
        x.select(0, 3)
    with pytest.raises(IndexError, match="index_select: index out of range for dim 1 of size 4"):
        x.index_select(1, ag.tensor([4]))
    with pytest.raises(ShapeError, match=r"index_select: index must be 0-D or 1-D"):
        x.index_select(1, ag.tensor([[0]]))
    with pytest.raises(TypeError, match="index_select: index must be an integer tensor"):
        x.index_select(1, ag.tensor([0.0]))
    with pytest.raises(ShapeError, match=r"gather: index must have as many dims as the input"):
        x.gather(1, ag.tensor([0]))
    with pytest.raises(ShapeError, match=r"gather: index shape \(4, 1\) is larger"):
        x.gather(1, ag.zeros(4, 1, dtype=np.int64))
    with pytest.raises(IndexError, match="gather: index out of range for dim 1 of size 4"):
        x.gather(1, ag.full((3, 1), 4))
    with pytest.raises(ShapeError, match=r"repeat: the number of repeat dims \(1\) can't be"):
        x.repeat(2)
    with pytest.raises(ValueError, match=r"roll: shifts \(1, 2\) and dims \(0,\) must have"):
        x.roll((1, 2), 0)
    with pytest.raises(ShapeError, match=r"tril: needs a tensor of at least 2 dimensions"):
        ag.ones(3).tril()
    with pytest.raises(ShapeError, match="unbind: can't unbind a 0-d tensor"):
        ag.tensor(1.0).unbind()


# -------------------------------------------------- group 2: predicates and metadata
@requires_torch
def test_comparison_and_predicate_methods_match_torch() -> None:
    th = torch()
    x, tx = ag.tensor(X), _t(th, X)
    for name in ("eq", "ne", "lt", "le", "gt", "ge"):
        _same(getattr(x, name)(2.0), getattr(tx, name)(2.0))
        _same(getattr(x, name)(x[0]), getattr(tx, name)(tx[0]))
    for name in ("isnan", "isinf", "isfinite", "logical_not"):
        _same(getattr(x, name)(), getattr(tx, name)())
        _same(getattr(ag.tensor(I), name)(), getattr(_t(th, I), name)())
    for name in ("logical_and", "logical_or", "logical_xor"):
        _same(getattr(x, name)(x[1]), getattr(tx, name)(tx[1]))
    assert x.equal(ag.tensor(X[:])) is False  # nan != nan, as torch.equal
    assert ag.tensor(I).equal(ag.tensor(I.copy())) is True
    assert ag.tensor(I).equal(ag.tensor(I[:1])) is False
    y = ag.tensor([1.0, 2.0])
    assert y.allclose(y + 1e-9) is True and y.allclose(y + 1e-3) is False
    assert x.allclose(x, equal_nan=True) is True
    with pytest.raises(ShapeError, match=r"logical_and: shapes \(3,\) and \(2,\) cannot be"):
        ag.ones(3).logical_and(ag.ones(2))


@requires_torch
@pytest.mark.parametrize("descending", [False, True])
def test_argsort_and_sort_match_torch_with_ties_and_nan(descending) -> None:
    th = torch()
    data = np.array([[3.0, 1.0, 2.0, 1.0, np.nan, 1.0], [0.0, -1.0, 5.0, 5.0, 2.0, 0.0]])
    x, tx = ag.tensor(data), _t(th, data)
    _same(x.argsort(dim=1, descending=descending),
          tx.argsort(dim=1, descending=descending, stable=True))
    values, indices = x.sort(0, descending=descending)
    t_values, t_indices = tx.sort(dim=0, descending=descending, stable=True)
    _same(values, t_values)
    _same(indices, t_indices)
    _same(ag.tensor(I).argsort(descending=descending),
          _t(th, I).argsort(descending=descending, stable=True))


def test_metadata_methods() -> None:
    x = ag.zeros(2, 3, dtype=np.float64)
    assert x.is_floating_point() and not ag.tensor([1]).is_floating_point()
    assert x.element_size() == 8 and x.itemsize == 8 and x.nbytes == 48
    assert ag.zeros(4, dtype=np.int32).element_size() == 4
    assert x.ndimension() == 2 and x.nelement() == 6


def test_new_factories_take_self_dtype_and_no_grad() -> None:
    x = ag.ones(2, dtype=np.float64, requires_grad=True)
    for y, shape in ((x.new_zeros(2, 3), (2, 3)), (x.new_ones((4,)), (4,)),
                     (x.new_empty(3), (3,)), (x.new_full((2, 2), 7), (2, 2)),
                     (x.new_tensor([1, 2, 3]), (3,))):
        assert y.dtype == np.float64 and y.shape == shape and not y.requires_grad
    np.testing.assert_array_equal(x.new_full((2,), 7).data, [7.0, 7.0])
    assert x.new_zeros(2).data.sum() == 0 and x.new_ones(2).data.sum() == 2
    z = x.new_tensor([1, 2], dtype=np.float32, requires_grad=True)
    assert z.dtype == np.float32 and z.requires_grad and z.is_leaf
    assert x.new_zeros(2, dtype=np.int64).dtype == np.int64
    assert x.new_full((2,), 1, dtype=np.dtype("int32")).dtype == np.int32
    assert x.new_ones(2, device="cpu").shape == (2,)
    with pytest.raises(Exception, match="cuda"):
        x.new_zeros(2, device="cuda")
    data = np.array([1.0, 2.0])
    w = x.new_tensor(data)
    data[0] = 5.0
    assert w.data[0] == 1.0  # a copy


# ------------------------------------------------------ group 3: math, scans, sorting
R = np.array([[-2.5, -1.5, -0.5, 0.5], [1.5, 2.5, 0.449, -3.75], [0.0, 1.25, -1.05, 7.0]],
             dtype=np.float32)


@requires_torch
@pytest.mark.parametrize("name,call", [
    ("expm1", lambda x: x.expm1()), ("log2", lambda x: x.abs().log2()),
    ("log10", lambda x: x.abs().log10()), ("sinh", lambda x: x.sinh()),
    ("cosh", lambda x: x.cosh()), ("asin", lambda x: (x / 8).asin()),
    ("acos", lambda x: (x / 8).acos()), ("atan", lambda x: x.atan()),
    ("floor", lambda x: x.floor()), ("ceil", lambda x: x.ceil()),
    ("trunc", lambda x: x.trunc()), ("round", lambda x: x.round()),
    ("round_1", lambda x: x.float().round(decimals=1)),
    ("round_-1", lambda x: (x * 10.0).round(decimals=-1)),
    ("cumsum", lambda x: x.cumsum(1)), ("cumprod", lambda x: x.cumprod(0)),
    ("prod", lambda x: x.prod()), ("prod_dim", lambda x: x.prod(1, keepdim=True)),
    ("fmod", lambda x: x.fmod(1.5)), ("remainder", lambda x: x.remainder(-1.5)),
    ("mod", lambda x: x % 2), ("rmod", lambda x: 7 % (x.abs() + 1)),
])
@pytest.mark.parametrize("data", [R, I], ids=["float32", "int64"])
def test_math_values_and_dtypes_match_torch(name, call, data) -> None:
    th = torch()
    with np.errstate(divide="ignore"):
        out = call(ag.tensor(data))
    _same(out, call(_t(th, data)))


@requires_torch
def test_scans_of_small_integer_and_bool_dtypes_give_int64_as_torch() -> None:
    th = torch()
    for dtype in (np.int32, np.int16, np.bool_):
        data = np.array([[1, 0, 1], [1, 1, 1]], dtype=dtype)
        for call in (lambda x: x.cumsum(1), lambda x: x.cumprod(0), lambda x: x.prod(),
                     lambda x: x.prod(0)):
            _same(call(ag.tensor(data)), call(_t(th, data)))


def test_roundings_have_zero_gradient() -> None:
    x = ag.tensor([0.4, 1.6, -2.5], dtype=np.float64, requires_grad=True)
    for name in ("floor", "ceil", "trunc", "round"):
        (g,) = ag.grad(getattr(x, name)().sum(), [x])
        np.testing.assert_array_equal(g.data, np.zeros(3))


@requires_torch
def test_product_gradients_with_zeros_match_torch() -> None:
    th = torch()
    data = np.array([[2.0, 0.0, 3.0, 0.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0],
                     [0.0, 2.0, 3.0, 4.0, 1.0], [2.0, 3.0, 4.0, 1.5, 0.0]])
    for call in (lambda x: x.cumprod(1), lambda x: x.cumprod(0), lambda x: x.prod(1),
                 lambda x: x.prod(), lambda x: x[1:2].prod()):
        x = ag.tensor(data, requires_grad=True)
        tx = th.tensor(data, requires_grad=True)
        out, t_out = call(x), call(tx)
        up = np.random.default_rng(0).standard_normal(out.shape)
        (out * ag.tensor(up)).sum().backward()
        (t_out * th.tensor(up)).sum().backward()
        np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)


def test_scans_and_sorting_check_their_arguments() -> None:
    x = ag.ones(2, 3)
    with pytest.raises(TypeError, match=r"round: decimals=1 needs a floating point tensor"):
        ag.tensor([1, 2]).round(decimals=1)
    with pytest.raises(TypeError, match=r"cumsum: give the dim to run along"):
        x.cumsum()
    with pytest.raises(AxisError, match="cumprod: axis 2 is out of bounds"):
        x.cumprod(2)
    with pytest.raises(TypeError, match=r"prod: dim must be a single int"):
        x.prod(dim=(0, 1))
    with pytest.raises(ValueError, match=r"topk: k=4 is out of range for dim 1 of size 3"):
        x.topk(4)
    values, indices = ag.tensor([[1.0, 5.0, 3.0]]).topk(2)
    np.testing.assert_array_equal(values.data, [[5.0, 3.0]])
    assert indices.dtype == np.int64 and indices.tolist() == [[1, 2]]
    assert ag.tensor(2.0).sort().values.shape == () and ag.cumsum(ag.tensor(2.0), 0).item() == 2.0


@requires_torch
def test_topk_matches_torch() -> None:
    th = torch()
    data = np.random.default_rng(1).permutation(24).reshape(2, 3, 4).astype(np.float32)
    for k, dim, largest in ((2, -1, True), (3, 1, False), (1, 0, True), (0, 2, True)):
        v, i = ag.tensor(data).topk(k, dim=dim, largest=largest)
        tv, ti = _t(th, data).topk(k, dim=dim, largest=largest)
        _same(v, tv)
        _same(i, ti)


# ------------------------------------------------------------- group 4: random fills
def test_normal_and_uniform_fill_in_place_from_the_given_or_global_generator() -> None:
    t = ag.zeros(2000, dtype=np.float32)
    version = t._version.value
    assert t.normal_(2.0, 0.5) is t and t.dtype == np.float32
    assert t._version.value == version + 1
    assert abs(t.data.mean() - 2.0) < 0.05 and abs(t.data.std() - 0.5) < 0.05
    t.uniform_(-1.0, 3.0)
    assert t.data.min() >= -1.0 and t.data.max() < 3.0 and abs(t.data.mean() - 1.0) < 0.1
    a, b = ag.zeros(5, dtype=np.float64), ag.zeros(5, dtype=np.float64)
    a.normal_(generator=np.random.default_rng(7))
    b.normal_(generator=7)
    np.testing.assert_array_equal(a.data, b.data)
    ag.manual_seed(3)
    a.uniform_()
    ag.manual_seed(3)
    b.uniform_()
    np.testing.assert_array_equal(a.data, b.data)
    m = ag.zeros(3, 4)
    m.T.normal_(generator=1)  # a non-contiguous view writes through
    assert (m.data != 0).all()


def test_random_fills_follow_the_in_place_rules() -> None:
    w = ag.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="normal_: a leaf tensor that requires grad"):
        w.normal_()
    with ag.no_grad():
        w.uniform_(generator=0)  # initializing a parameter
    assert (w.data != 0).all() and w.requires_grad
    y = w * 2.0
    with pytest.raises(RuntimeError, match="uniform_: in-place change of a tensor"):
        y.uniform_()
    with pytest.raises(TypeError, match=r"normal_: fills with floating point samples; the "
                                        r"tensor has dtype int64"):
        ag.tensor([1, 2]).normal_()
    with pytest.raises(ValueError, match="uniform_: expects a <= b, got a=2 and b=1"):
        ag.zeros(2).uniform_(2, 1)
    with pytest.raises(ValueError, match="normal_: std must be >= 0"):
        ag.zeros(2).normal_(0.0, -1.0)
    with pytest.raises(RuntimeError, match="read-only view"):
        ag.zeros(1).expand(3).normal_()
    x = ag.ones(3, requires_grad=True)
    z = x * 1.0
    saved = z.detach()  # shares z's data and version counter
    out = (x * saved).sum()
    saved.normal_()
    with pytest.raises(RuntimeError):
        out.backward()


@pytest.mark.parametrize("name", ["reciprocal", "rsqrt", "norm", "expm1", "cumprod", "prod"])
def test_second_derivatives_of_0d_inputs(name) -> None:
    x = ag.tensor(0.7, dtype=np.float64, requires_grad=True)
    fn = {"cumprod": lambda a: a.cumprod(0)}.get(name, getattr(ag, name))
    assert ag.gradgradcheck(fn, [x])


@pytest.mark.parametrize("op", ["fmod", "remainder"])
def test_integer_modulo_by_zero_raises_as_torch_floats_give_nan(op) -> None:
    with pytest.raises(ZeroDivisionError, match=f"{op}: integer division by zero"):
        getattr(ag, op)(ag.tensor([5, 3]), ag.tensor([2, 0]))
    out = getattr(ag, op)(ag.tensor([5.0, 3.0]), ag.tensor([2.0, 0.0]))
    assert out.data[0] == 1.0 and np.isnan(out.data[1])
