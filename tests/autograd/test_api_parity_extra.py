"""PyTorch's further top-level functions and Tensor methods (autograd/inplace_functions.py,
tensor_extra.py, creation_extra.py, runtime_switches.py, ops/strided.py,
ops/view_copies.py): results, dtypes, memory sharing and errors against torch 2.13.
Gradcheck, gradgradcheck and gradient parity of the differentiable ones are in the op
table (tests/helpers/optable_copies.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag
from autograd import runtime_switches
from autograd.inplace_functions import NAMES as IN_PLACE_NAMES


def _t(x):
    """A torch tensor with the values of an autograd tensor (others pass through)."""
    if isinstance(x, ag.Tensor):
        return torch().tensor(np.array(x.data))
    if isinstance(x, tuple):
        return tuple(_t(v) for v in x)
    return x


def _same(out, expected) -> None:
    exp = expected.detach().numpy() if hasattr(expected, "detach") else np.asarray(expected)
    assert out.shape == exp.shape and out.dtype == exp.dtype, (out.shape, out.dtype, exp.shape,
                                                              exp.dtype)
    np.testing.assert_allclose(out.data, exp, rtol=1e-6, atol=1e-7, equal_nan=True)


# ------------------------------------------------------------ top-level in-place forms
def _in_place_case(name: str) -> tuple[ag.Tensor, tuple]:
    """An input in (0.1, 0.9) (integers for gcd/lcm) and the arguments for ``name``."""
    x = ag.tensor(np.linspace(0.1, 0.9, 6, dtype=np.float32).reshape(2, 3))
    args = {
        "clamp_": (0.3, 0.6), "clip_": (0.3, 0.6), "clamp_min_": (0.4,), "clamp_max_": (0.4,),
        "fill_": (2.5,), "ldexp_": (ag.tensor([1, 2, 3]),), "xlogy_": (ag.tensor([0.5, 2.0, 3.0]),),
        "index_put_": ((ag.tensor([1, 0]),), ag.tensor([7.0, 8.0, 9.0])),
        "as_strided_": ((3,), (2,), 1), "resize_as_": (ag.zeros(6),),
        "nan_to_num_": (), "gcd_": (ag.tensor([4, 6, 9]),), "lcm_": (ag.tensor([4, 6, 9]),),
        "addmv_": (ag.tensor(np.ones((3, 2), np.float32)), ag.tensor([1.0, 2.0])),
    }.get(name, ())
    if name in ("gcd_", "lcm_"):
        x = ag.tensor([[2, 3, 12], [8, 10, 3]])
    if name == "addmv_":
        x = ag.tensor([1.0, 2.0, 3.0])
    return x, args


@pytest.mark.parametrize("name", IN_PLACE_NAMES)
def test_in_place_function_is_the_method(name: str) -> None:
    x, args = _in_place_case(name)
    y = x.clone()
    out = getattr(ag, name)(x, *args)
    assert out is x
    expected = getattr(y, name)(*args)
    assert x.shape == expected.shape and x.dtype == expected.dtype
    np.testing.assert_array_equal(x.data, expected.data)


@requires_torch
@pytest.mark.parametrize("name", IN_PLACE_NAMES)
def test_in_place_function_matches_torch(name: str) -> None:
    x, args = _in_place_case(name)
    tx = _t(x)
    getattr(ag, name)(x, *args)
    getattr(torch(), name)(tx, *(_t(a) for a in args))
    _same(x, tx)


@requires_torch
def test_every_torch_in_place_function_with_a_method_here_exists() -> None:
    th = torch()
    wanted = {n for n in dir(th) if n.endswith("_") and not n.startswith("_")
              and hasattr(ag.Tensor, n)}
    assert wanted <= set(IN_PLACE_NAMES), sorted(wanted - set(IN_PLACE_NAMES))


def test_in_place_function_refuses_a_number_and_a_leaf_requiring_grad() -> None:
    with pytest.raises(TypeError, match=r"abs_\(\): argument 'input' \(position 1\) must be "
                                        r"Tensor, not float"):
        ag.abs_(1.0)
    w = ag.tensor([1.0, -2.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        ag.relu_(w)
    y = w * 1.0
    ag.exp_(y)
    y.sum().backward()
    np.testing.assert_allclose(w.grad.data, np.exp([1.0, -2.0]), rtol=1e-6)


# ----------------------------------------------------------------- predicates
@requires_torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.uint8, np.bool_,
                                   np.complex64])
def test_predicates_match_torch(dtype) -> None:
    th = torch()
    x = ag.zeros((2,), dtype=dtype)
    tx = th.tensor(np.zeros(2, dtype=dtype))
    for name in ("is_floating_point", "is_complex", "is_signed", "is_conj", "is_neg",
                 "is_inference"):
        assert getattr(ag, name)(x) == getattr(th, name)(tx), name
        assert getattr(x, name)() == getattr(tx, name)(), name
    assert ag.is_same_size(x, ag.zeros(2)) and not ag.is_same_size(x, ag.zeros((2, 1)))
    with ag.inference_mode():
        assert not ag.is_inference(ag.ones(2))


@pytest.mark.parametrize("name", ["is_floating_point", "is_complex", "is_signed", "is_nonzero",
                                  "is_conj", "is_neg", "is_inference"])
def test_predicates_take_tensors_only(name: str) -> None:
    with pytest.raises(TypeError, match=rf"{name}\(\): argument 'input' \(position 1\) must "
                                        "be Tensor, not float"):
        getattr(ag, name)(2.0)


def test_is_nonzero() -> None:
    assert ag.is_nonzero(ag.tensor([1.5])) and not ag.is_nonzero(ag.tensor(0))
    assert ag.is_nonzero(ag.tensor(float("nan")))
    for bad in (ag.tensor([1.0, 2.0]), ag.tensor([])):
        with pytest.raises(RuntimeError, match="Boolean value of Tensor with"):
            ag.is_nonzero(bad)


# --------------------------------------------------------- conj, adjoint, metadata
def test_conj_family_is_identity_on_real_tensors() -> None:
    x = ag.tensor([[1.0, 2.0]], requires_grad=True)
    for fn in (ag.conj, ag.conj_physical, ag.resolve_conj, ag.resolve_neg):
        assert fn(x) is x
    assert x.conj() is x and x.resolve_conj() is x and x.resolve_neg() is x
    assert ag.conj_physical_(ag.ones(2)).dtype == np.float32


def test_conj_of_complex_is_computed() -> None:
    z = ag.tensor(np.array([1 + 2j, 3 - 1j]))
    np.testing.assert_array_equal(ag.conj(z).data, [1 - 2j, 3 + 1j])
    assert not ag.is_conj(ag.conj(z))
    ag.conj_physical_(z)
    np.testing.assert_array_equal(z.data, [1 - 2j, 3 + 1j])
    m = ag.tensor(np.array([[1j, 2.0]]))
    np.testing.assert_array_equal(m.mH.data, [[-1j], [2.0]])


def test_adjoint_needs_a_matrix() -> None:
    with pytest.raises(RuntimeError, match=r"tensor.mH is only supported on matrices or "
                                           r"batches of matrices. Got 1-D tensor."):
        _ = ag.zeros(3).mH
    with pytest.raises(RuntimeError, match=r"adjoint\(\) is only supported .* Got 0-D"):
        ag.adjoint(ag.tensor(1.0))


@requires_torch
def test_output_nr_and_dim_order_match_torch() -> None:
    th = torch()
    x = ag.zeros((2, 3), requires_grad=True)
    tx = th.zeros(2, 3, requires_grad=True)
    assert [p.output_nr for p in x.split(1)] == [p.output_nr for p in tx.split(1)] == [0, 1]
    assert x.output_nr == tx.output_nr == 0
    for make in (lambda lib: lib.zeros(2, 3), lambda lib: lib.zeros(2, 3).t(),
                 lambda lib: lib.zeros(2, 3, 4).permute(2, 0, 1),
                 lambda lib: lib.zeros(2, 1, 3), lambda lib: lib.zeros(3, 1).expand(3, 2),
                 lambda lib: lib.zeros(())):
        assert make(ag).dim_order() == make(th).dim_order()
    assert ag.zeros((2, 3)).dim_order(ambiguity_check=True) == (0, 1)
    with pytest.raises(RuntimeError, match="does not have unique dim order"):
        ag.zeros((2, 1, 3)).dim_order(ambiguity_check=True)


# -------------------------------------------------------------------- factories
@requires_torch
def test_new_forms_match_torch() -> None:
    th = torch()
    x, tx = ag.zeros(2, dtype=np.float64), th.zeros(2, dtype=th.float64)
    assert x.new(2, 3).shape == tuple(tx.new(2, 3).shape) and x.new(2, 3).dtype == np.float64
    assert x.new().shape == (0,)
    _same(x.new([1, 2]), tx.new([1, 2]))
    _same(x.new((2, 3)), tx.new((2, 3)))  # a tuple is data, as in torch
    other = ag.ones(3, dtype=np.float64)
    shared = x.new(other)
    shared.data[0] = 5.0
    assert other.data[0] == 5.0
    with pytest.raises(TypeError, match="new_tensor"):
        x.new(ag.ones(3, dtype=np.int64))
    e = x.new_empty_strided((2, 3), (1, 2))
    assert e.stride() == tx.new_empty_strided((2, 3), (1, 2)).stride() and e.dtype == np.float64
    assert x.new_empty_strided((2, 3), (3, 1), dtype=np.float32).dtype == np.float32


@requires_torch
def test_empty_strided_and_permuted_match_torch() -> None:
    th = torch()
    for size, stride in (((2, 3), (1, 2)), ((2, 3), (0, 1)), ((0, 3), (3, 1)), ((), ())):
        e = ag.empty_strided(size, stride)
        assert e.shape == size and e.stride() == th.empty_strided(size, stride).stride()
        assert e.dtype == np.float32
    for size, layout in (((2, 3, 4), (2, 0, 1)), ((2, 3), (0, 1)), ((2, 3), (1, 0))):
        e = ag.empty_permuted(size, layout, dtype=np.float64)
        assert e.shape == size and e.dtype == np.float64
        assert e.stride() == th.empty_permuted(size, layout).stride()
    with pytest.raises(RuntimeError, match="must be a permutation"):
        ag.empty_permuted((2, 3), (0, 0))
    with pytest.raises(RuntimeError, match="mismatch in length"):
        ag.empty_strided((2, 3), (1,))


@requires_torch
@pytest.mark.parametrize("value,dtype", [(3, None), (2.5, None), (True, None), (2, np.int64),
                                         (1.5, np.float64)])
def test_scalar_tensor_matches_torch(value, dtype) -> None:
    th = torch()
    tdtype = None if dtype is None else getattr(th, np.dtype(dtype).name)
    _same(ag.scalar_tensor(value, dtype=dtype), th.scalar_tensor(value, dtype=tdtype))
    assert ag.scalar_tensor(1.0, requires_grad=True).requires_grad


@requires_torch
@pytest.mark.parametrize("args,kwargs", [((1, 4), {}), ((1, 4, 0.5), {}), ((4, 1, -1), {}),
                                         ((0, 1, 0.3), {}), ((1, 1), {}),
                                         ((1, 4), {"dtype": np.int64}),
                                         ((0.5, 2.5), {"dtype": np.float64})])
def test_range_matches_torch(args, kwargs) -> None:
    th = torch()
    tkw = {k: getattr(th, np.dtype(v).name) for k, v in kwargs.items()}
    with pytest.warns(UserWarning, match="torch.range is deprecated"):
        out = ag.range(*args, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same(out, th.range(*args, **tkw))


@pytest.mark.parametrize("args,match", [((4, 1), "inconsistent with step sign"),
                                        ((1, 4, 0), "step must be nonzero"),
                                        ((1, 4, -1), "inconsistent with step sign")])
def test_range_errors(args, match) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match=match):
            ag.range(*args)


def test_range_is_not_star_exported() -> None:
    assert "range" not in ag.__all__ and "scalar_tensor" in ag.__all__


# ----------------------------------------------------------------------- asarray
def test_asarray_of_a_tensor_shares_or_copies() -> None:
    t = ag.ones(3)
    assert ag.asarray(t) is t
    c = ag.asarray(t, copy=True)
    assert c is not t and not np.shares_memory(c.data, t.data)
    assert ag.asarray(t, dtype=np.float64).dtype == np.float64
    with pytest.raises(ValueError, match="can't alias tensor"):
        ag.asarray(t, dtype=np.float64, copy=False)
    r = ag.asarray(t, requires_grad=True)
    assert r is t and t.requires_grad  # as torch: the tensor itself, now requiring grad


def test_asarray_keeps_the_graph() -> None:
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="unspecified requires_grad"):
        assert ag.asarray(w) is w
    y = ag.asarray(w * 2.0, copy=True, requires_grad=True)
    assert y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.data, [2.0, 2.0])
    assert not ag.asarray(w, requires_grad=False).requires_grad


@requires_torch
def test_asarray_of_arrays_buffers_and_sequences_matches_torch() -> None:
    th = torch()
    a = np.ones(3)
    shared = ag.asarray(a)
    assert shared.dtype == np.float64 and np.shares_memory(shared.data, a)
    assert not np.shares_memory(ag.asarray(a, copy=True).data, a)
    with pytest.raises(ValueError, match="can't alias"):
        ag.asarray(a, dtype=np.float32, copy=False)
    for data in ([1, 2.5], [1, 2], 3.0, np.float64(2.0), [[True, False]]):
        _same(ag.asarray(data), th.asarray(data))
    with pytest.raises(ValueError, match="can't alias arbitrary sequence"):
        ag.asarray([1, 2], copy=False)
    buffer = bytearray(np.array([1.5, -2.0], np.float32).tobytes())
    _same(ag.asarray(buffer), th.asarray(buffer))
    t = th.arange(4.0)
    from_torch = ag.asarray(t)  # through DLPack: shared memory
    t[0] = 9.0
    assert from_torch.data[0] == 9.0


# -------------------------------------------------------------------- frombuffer
@requires_torch
@pytest.mark.parametrize("kwargs", [{"dtype": np.uint8}, {"dtype": np.float32},
                                    {"dtype": np.float32, "count": 1, "offset": 4},
                                    {"dtype": np.int16, "offset": 2}])
def test_frombuffer_matches_torch(kwargs) -> None:
    th = torch()
    raw = bytearray(np.arange(2, dtype=np.float32).tobytes())
    out = ag.frombuffer(raw, **kwargs)
    dtype = getattr(th, np.dtype(kwargs["dtype"]).name)
    expected = th.frombuffer(bytearray(raw), **{**kwargs, "dtype": dtype})
    _same(out, expected)


@pytest.mark.parametrize("raw,kwargs,match", [
    (bytearray(7), {"dtype": np.float32}, r"must be a multiple of element size \(4\)"),
    (bytearray(0), {"dtype": np.uint8}, "must not be 0"),
    (bytearray(8), {"dtype": np.float32, "count": 3}, "must not be greater than actual"),
    (bytearray(8), {"dtype": np.float32, "offset": 9}, "no greater than buffer length"),
])
def test_frombuffer_errors(raw, kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        ag.frombuffer(raw, **kwargs)


def test_frombuffer_shares_writable_memory() -> None:
    raw = bytearray(8)
    t = ag.frombuffer(raw, dtype=np.float32, requires_grad=False)
    t.fill_(1.0)
    assert bytes(raw) == np.ones(2, np.float32).tobytes()
    assert ag.frombuffer(raw, dtype=np.float32, requires_grad=True).requires_grad


# ------------------------------------------------------------------------ DLPack
def test_dlpack_round_trip_shares_memory() -> None:
    x = ag.arange(6.0).reshape(2, 3)
    y = ag.from_dlpack(ag.to_dlpack(x))
    assert np.shares_memory(x.data, y.data) and y.shape == (2, 3) and y.dtype == x.dtype
    z = ag.from_dlpack(np.arange(3))
    assert z.dtype == np.int64
    with pytest.raises(TypeError, match="__dlpack__"):
        ag.from_dlpack([1, 2])


@requires_torch
def test_dlpack_with_torch() -> None:
    th = torch()
    t = th.arange(4.0)
    x = ag.from_dlpack(t)
    x.data[1] = 7.0
    assert t[1].item() == 7.0
    back = th.from_dlpack(ag.to_dlpack(x))
    assert back.data_ptr() == t.data_ptr()
    y = ag.from_dlpack(th.to_dlpack(t))
    assert np.shares_memory(x.data, y.data)
    assert th.from_dlpack(x).data_ptr() == t.data_ptr()  # the protocol, on the tensor
    assert np.shares_memory(np.from_dlpack(x), x.data)
    with pytest.raises(RuntimeError, match="Can't export tensors that require gradient"):
        th.from_dlpack(ag.ones(2, requires_grad=True))


# --------------------------------------------------------------------- as_strided
@requires_torch
@pytest.mark.parametrize("size,stride,offset", [((3, 3), (1, 2), None), ((2,), (-1,), None),
                                                ((2,), (1,), -1), ((2,), (1, 2), None)])
def test_as_strided_errors_match_torch(size, stride, offset) -> None:
    th = torch()
    with pytest.raises(RuntimeError) as theirs:
        th.as_strided(th.arange(6.0), size, stride, offset)
    message = str(theirs.value).split("\n")[0]
    with pytest.raises(RuntimeError, match=message.replace("[", r"\[").replace("]", r"\]")):
        ag.as_strided(ag.arange(6.0), size, stride, offset)


@requires_torch
def test_as_strided_views_the_storage() -> None:
    th = torch()
    x, tx = ag.arange(12.0), th.arange(12.0)
    for view, tview in ((x[2:], tx[2:]), (x.reshape(3, 4).T, tx.reshape(3, 4).T)):
        for args in (((2, 3), (1, 2)), ((2, 2), (1, 3), 0), ((3,), (0,), 5)):
            out = ag.as_strided(view, *args)
            expected = th.as_strided(tview, *args)
            _same(out, expected)
            assert out.storage_offset() == expected.storage_offset()
    v = x.as_strided((2, 2), (1, 4))
    v.mul_(10.0)
    tx.as_strided((2, 2), (1, 4)).mul_(10.0)
    _same(x, tx)
    with pytest.raises(RuntimeError, match="read-only"):  # elements sharing memory
        ag.as_strided(x, (2, 2), (0, 1)).fill_(1.0)


@requires_torch
def test_as_strided_in_place() -> None:
    th = torch()
    x, tx = ag.arange(6.0), th.arange(6.0)
    assert x.as_strided_((2, 2), (1, 2), 1) is x
    tx.as_strided_((2, 2), (1, 2), 1)
    _same(x, tx)
    w = ag.ones(4, requires_grad=True)
    y = w * 2.0
    ag.as_strided_(y, (2,), (2,))
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.data, [2.0, 0.0, 2.0, 0.0])


@requires_torch
def test_as_strided_scatter_matches_torch_and_has_the_right_input_gradient() -> None:
    th = torch()
    rng = np.random.default_rng(0)
    a, s = rng.standard_normal((3, 4)), rng.standard_normal((2, 3))
    x, src = ag.tensor(a, requires_grad=True), ag.tensor(s, requires_grad=True)
    tx, tsrc = th.tensor(a, requires_grad=True), th.tensor(s, requires_grad=True)
    out = ag.as_strided_scatter(x, src, (2, 3), (1, 2))
    expected = th.as_strided_scatter(tx, tsrc, (2, 3), (1, 2))
    _same(out, expected)
    g = rng.standard_normal((3, 4))
    gx, gs = ag.grad(out, [x, src], ag.tensor(g))
    _, tgs = th.autograd.grad(expected, [tx, tsrc], th.tensor(g))
    np.testing.assert_allclose(gs.data, tgs.numpy())
    # The overwritten places (storage 0..5) get no gradient (torch 2.13 inverts this).
    np.testing.assert_array_equal(gx.data.reshape(-1)[:6], 0.0)
    np.testing.assert_array_equal(gx.data.reshape(-1)[6:], g.reshape(-1)[6:])
    # A transposed input keeps its memory order in the copy, as torch's clone.
    with th.no_grad():
        _same(ag.as_strided_scatter(ag.tensor(a).T, ag.tensor(s), (2, 3), (1, 2), 1),
              th.as_strided_scatter(th.tensor(a).T, th.tensor(s), (2, 3), (1, 2), 1))
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        ag.as_strided_scatter(ag.zeros((2, 3)), ag.ones((2, 2)), (2, 2), (0, 1))
    with pytest.raises(ValueError, match="src size = \\[2, 3\\], slice size = \\[2, 2\\]"):
        ag.as_strided_scatter(ag.zeros((2, 3)), ag.ones((2, 3)), (2, 2), (1, 1))


# -------------------------------------------------------------------- view copies
@requires_torch
def test_view_copies_never_share_memory_and_are_contiguous() -> None:
    th = torch()
    x = ag.arange(24.0).reshape(2, 3, 4)
    calls = [("alias_copy", ()), ("diagonal_copy", (0, 0, 2)), ("expand_copy", ((2, 2, 3, 4),)),
             ("permute_copy", ((2, 0, 1),)), ("select_copy", (1, -1)),
             ("slice_copy", (2, 1, None, 2)), ("squeeze_copy", ()), ("t_copy", ()),
             ("transpose_copy", (0, 2)), ("unfold_copy", (2, 2, 1)), ("unsqueeze_copy", (0,)),
             ("view_copy", ((6, 4),)), ("detach_copy", ()), ("as_strided_copy", ((2, 2), (1, 2)))]
    for name, args in calls:
        source = x[0] if name == "t_copy" else x
        out = getattr(ag, name)(source, *args)
        expected = getattr(th, name)(_t(source), *args)
        _same(out, expected)
        assert out.is_contiguous() and not np.shares_memory(out.data, x.data), name
    for name, args in (("split_copy", (2, 2)), ("split_with_sizes_copy", ([1, 3], 2)),
                       ("unbind_copy", (1,)), ("unsafe_chunk", (2, 1)),
                       ("unsafe_split", (3, 2)), ("unsafe_split_with_sizes", ([3, 1], 2))):
        pieces = getattr(ag, name)(x, *args)
        expected = getattr(th, name)(_t(x), *args)
        assert len(pieces) == len(expected), name
        for p, e in zip(pieces, expected):
            _same(p, e)
            assert not np.shares_memory(p.data, x.data), name
    w = ag.ones(3, requires_grad=True)
    assert not ag.detach_copy(w).requires_grad


@requires_torch
def test_view_copy_to_a_dtype_matches_torch() -> None:
    th = torch()
    x = ag.arange(6.0)
    for dtype in (np.int32, np.float64, np.uint8):
        tdtype = getattr(th, np.dtype(dtype).name)
        _same(ag.view_copy(x, dtype), th.view_copy(th.arange(6.0), tdtype))
    _same(ag.view_copy(x.reshape(2, 3).T, (6,)),
          th.view_copy(th.arange(6.0).reshape(2, 3).t(), (6,)))


def test_unsafe_split_pieces_can_change_in_place() -> None:
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1.0
    a, b = ag.unsafe_split(y, 2)
    z = (y * y).sum()
    a.mul_(3.0)  # a copy: y (saved by the product) is untouched
    (z + a.sum() + b.sum()).backward()
    np.testing.assert_array_equal(x.grad.data, [2.0 + 3.0, 4.0 + 3.0, 6.0 + 1.0])


def test_slice_copy_needs_a_positive_step() -> None:
    with pytest.raises(ValueError, match="slice step must be positive"):
        ag.slice_copy(ag.zeros(3), 0, None, None, 0)


# ------------------------------------------------------------ resize, maps, misc
@requires_torch
def test_resize_matches_torch() -> None:
    th = torch()
    x, tx = ag.arange(6.0), th.arange(6.0)
    assert x[2:].resize_(2).data.tolist() == tx[2:].resize_(2).tolist()
    y = ag.arange(6.0)
    y.resize_(2, 2)
    np.testing.assert_array_equal(y.data, [[0.0, 1.0], [2.0, 3.0]])
    y.resize_(2, 4)  # grows: the old values first
    np.testing.assert_array_equal(y.data.reshape(-1)[:6], np.arange(6.0))
    z = ag.arange(6.0).reshape(2, 3).T
    assert z.resize_(3, 2) is z and z.stride() == (1, 3)  # same shape: untouched
    v = ag.zeros((2, 3))
    assert v.resize_as_(ag.zeros(6)).shape == (6,)
    assert ag.resize_as_(ag.zeros((2, 3)), ag.zeros((3, 1))).shape == (3, 1)
    version = v._version.value
    v.resize_(2)
    assert v._version.value > version
    w = ag.zeros((2, 3), requires_grad=True)
    for call in (lambda: w.resize_(3, 2), lambda: w.resize_as_(ag.zeros(6))):
        with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
            call()
    with pytest.raises(RuntimeError, match="negative dimension"):
        ag.zeros(2).resize_(-1)


@requires_torch
def test_apply_and_maps_match_torch() -> None:
    th = torch()
    x, tx = ag.arange(6.0).reshape(2, 3), th.arange(6.0).reshape(2, 3)
    seen = []
    x.apply_(lambda v: seen.append(type(v)) or v * 2 + 1)
    tx.apply_(lambda v: v * 2 + 1)
    _same(x, tx)
    assert set(seen) == {float}
    other = ag.tensor([1.0, 2.0, 3.0])
    x.map_(other, lambda a, b: a - b)
    tx.map_(_t(other), lambda a, b: a - b)
    _same(x, tx)
    col = ag.tensor([[10.0], [20.0]])
    x.map2_(other, col, lambda a, b, c: a + b * c)
    tx.map2_(_t(other), _t(col), lambda a, b, c: a + b * c)
    _same(x, tx)
    i = ag.zeros(2, dtype=np.int64)
    _same(i.apply_(lambda v: v + 1.7), th.zeros(2, dtype=th.int64).apply_(lambda v: v + 1.7))


def test_maps_refuse_grad_and_other_dtypes() -> None:
    w = ag.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Can't call apply_\(\) on Variable that requires "
                                           r"grad. Use var.detach\(\).apply_\(\) instead."):
        w.apply_(lambda v: v)
    with pytest.raises(RuntimeError, match="map_"):
        ag.zeros(3).map_(w, lambda a, b: a)
    with pytest.raises(TypeError, match=r"expected torch.FloatTensor for argument 'other' "
                                        r"\(got torch.LongTensor\)"):
        ag.zeros(3).map_(ag.ones(3, dtype=np.int64), lambda a, b: a)
    with pytest.raises(ag.ShapeError, match="does not broadcast"):
        ag.zeros(3).map_(ag.ones((2, 3)), lambda a, b: a)


@requires_torch
@pytest.mark.parametrize("data,size,fill", [([0, 1, 0, 2], 3, -1), ([0, 1, 0, 2], 1, 7),
                                            ([[0, 1], [3, 0]], 3, -5), ([0.0, 0.0], 2, -1),
                                            ([1, 2], 0, -1)])
def test_nonzero_static_matches_torch(data, size, fill) -> None:
    th = torch()
    _same(ag.nonzero_static(ag.tensor(data), size=size, fill_value=fill),
          th.nonzero_static(th.tensor(data), size=size, fill_value=fill))
    _same(ag.tensor(data).nonzero_static(size=size, fill_value=fill),
          th.tensor(data).nonzero_static(size=size, fill_value=fill))


@requires_torch
def test_fill_and_aliases_match_torch() -> None:
    th = torch()
    x = ag.zeros((2, 3), requires_grad=True)
    out = ag.fill(x, 3)
    assert out.requires_grad and out.dtype == np.float32
    _same(out, th.fill(th.zeros(2, 3), 3))
    with pytest.raises(RuntimeError, match="fill only supports 0-dimension value tensor"):
        ag.fill(x, ag.ones(2))
    _same(ag.fill(ag.zeros(3, dtype=np.int64), ag.tensor(2.7)),
          th.fill(th.zeros(3, dtype=th.int64), th.tensor(2.7)))
    _same(ag.true_divide(ag.tensor([1, 2]), 2), th.true_divide(th.tensor([1, 2]), 2))
    d = ag.detach(x)
    assert not d.requires_grad and np.shares_memory(d.data, x.data)
    assert ag.swapdims(ag.zeros((2, 3)), 0, 1).shape == (3, 2)
    assert ag.concat([ag.zeros(2), ag.ones(1)]).shape == (3,)


# ----------------------------------------------------------------- runtime switches
@pytest.fixture
def switches():
    saved = dict(runtime_switches._state)
    yield runtime_switches
    runtime_switches._state.update(saved)


def test_deterministic_switches(switches) -> None:
    assert not ag.are_deterministic_algorithms_enabled()
    ag.use_deterministic_algorithms(True, warn_only=True)
    assert ag.are_deterministic_algorithms_enabled()
    assert ag.is_deterministic_algorithms_warn_only_enabled()
    assert ag.get_deterministic_debug_mode() == 1
    ag.set_deterministic_debug_mode("error")
    assert ag.get_deterministic_debug_mode() == 2
    assert not ag.is_deterministic_algorithms_warn_only_enabled()
    ag.set_deterministic_debug_mode(0)
    assert not ag.are_deterministic_algorithms_enabled()
    with pytest.raises(TypeError, match="argument 'mode' must be bool, not int"):
        ag.use_deterministic_algorithms(1)
    with pytest.raises(TypeError, match="argument 'warn_only' must be bool"):
        ag.use_deterministic_algorithms(True, warn_only=1)
    with pytest.raises(RuntimeError, match="one of `default`, `warn`, `error`, but got foo"):
        ag.set_deterministic_debug_mode("foo")
    with pytest.raises(RuntimeError, match="expected 0, 1, or 2, but got 3"):
        ag.set_deterministic_debug_mode(3)
    with pytest.raises(TypeError, match="debug_mode must be str or int"):
        ag.set_deterministic_debug_mode(1.0)


def test_matmul_precision_device_and_warn_switches(switches) -> None:
    assert ag.get_float32_matmul_precision() == "highest"
    ag.set_float32_matmul_precision("medium")
    assert ag.get_float32_matmul_precision() == "medium"
    with pytest.warns(UserWarning, match="foo is not one of 'highest', 'high', or 'medium'"):
        ag.set_float32_matmul_precision("foo")
    assert ag.get_float32_matmul_precision() == "medium"
    with pytest.raises(RuntimeError, match="expects a str"):
        ag.set_float32_matmul_precision(1)
    ag.set_default_device("cpu")
    ag.set_default_device(None)
    assert ag.get_default_device() == "cpu"
    with pytest.raises(ValueError, match="CPU only"):
        ag.set_default_device("cuda")
    ag.set_warn_always(True)
    assert ag.is_warn_always_enabled()
    with pytest.raises(RuntimeError, match="expects a bool"):
        ag.set_warn_always(1)


def test_flush_denormal_and_thread_switches(switches) -> None:
    assert ag.set_flush_denormal(True) is False
    tiny = np.float32(1e-40)
    assert (ag.tensor([tiny]) * 1.0).data[0] == tiny  # nothing flushed
    with pytest.raises(RuntimeError, match="expects a bool"):
        ag.set_flush_denormal(1)
    assert ag.get_num_interop_threads() >= 1
    with pytest.raises(RuntimeError, match="expects a positive integer"):
        ag.set_num_interop_threads(0)
    runtime_switches._state["interop_threads"] = None
    ag.set_num_interop_threads(2)
    assert ag.get_num_interop_threads() == 2
    with pytest.raises(RuntimeError, match="cannot set number of interop threads"):
        ag.set_num_interop_threads(3)
    assert ag.init_num_threads() is None


@requires_torch
def test_the_new_names_are_torch_names() -> None:
    th = torch()
    names = ["is_floating_point", "is_conj", "scalar_tensor", "asarray", "frombuffer",
             "from_dlpack", "empty_strided", "empty_permuted", "as_strided",
             "as_strided_scatter", "alias_copy", "unsafe_chunk", "nonzero_static",
             "use_deterministic_algorithms", "set_flush_denormal", "init_num_threads",
             "get_default_device", "range", "adjoint", "resolve_neg"]
    for name in names:
        assert callable(getattr(ag, name)) and hasattr(th, name), name
    for name in ("mH", "output_nr", "dim_order", "new", "resize_", "apply_", "map2_",
                 "is_inference", "unsafe_split_with_sizes", "as_strided_"):
        assert hasattr(ag.zeros((2, 2)), name) and hasattr(th.zeros(2, 2), name), name
