"""The Tensor's API: creation, dtypes, attributes, conversions, repr and errors."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag
from autograd.errors import AxisError


def test_python_floats_default_to_float32_and_arrays_keep_dtype() -> None:
    assert ag.tensor([[1.0, 2.0]]).dtype == np.float32
    assert ag.tensor(3.0).dtype == np.float32
    assert ag.tensor([1, 2]).dtype == np.int64
    assert ag.tensor(np.array([1.0], dtype=np.float64)).dtype == np.float64
    assert ag.tensor([1.0], dtype=np.float64).dtype == np.float64
    assert ag.get_default_dtype() == np.float32


LISTS_OF_NUMPY_SCALARS = [
    [np.float64(1.0)], [np.float32(1.0), 2.0], [1, np.float64(2.0)], [[np.float64(1.0)], [2.0]],
    [True, np.float64(1.0)], [np.array([1.0]), np.array([2.0])], [np.int32(1), 2.0],
    [np.int32(1)], [np.float16(1.0)], [1.0, 2.0], [],
]


@requires_torch
@pytest.mark.filterwarnings("ignore:Creating a tensor from a list of numpy.ndarrays")
@pytest.mark.parametrize("data", LISTS_OF_NUMPY_SCALARS, ids=repr)
def test_lists_of_numpy_scalars_take_the_dtype_torch_gives_them(data) -> None:
    expected = torch().tensor(data).numpy().dtype
    assert ag.tensor(data).dtype == expected
    assert ag.Tensor(data).dtype == expected


def test_python_floats_with_a_dtype_convert_to_it_directly() -> None:
    assert ag.tensor([0.3], dtype=np.float64).data[0] == 0.3  # not float32's 0.30000001
    assert ag.tensor(0.1, dtype=np.float64).item() == 0.1
    assert ag.Tensor([[0.3, 1e-40]], dtype=np.float64).data[0, 1] == 1e-40
    assert ag.tensor(2.5, dtype=np.int64).item() == 2


def test_requires_grad_set_as_an_attribute_is_checked_as_requires_grad_() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.requires_grad = True  # already true: allowed, as in torch
    with pytest.raises(RuntimeError, match="only be turned off on leaf tensors; this one "
                                           "was made by MulBackward.*t.detach"):
        h.requires_grad = False  # would have halved x.grad silently
    (h * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [4.0, 8.0])
    i = ag.tensor([1, 2])
    with pytest.raises(TypeError, match="Only floating point tensors can require gradients"):
        i.requires_grad = True
    assert not i.requires_grad
    x.requires_grad = False
    assert not x.requires_grad and x.is_leaf
    x.requires_grad = 1
    assert x.requires_grad is True


def test_an_assigned_grad_is_checked_as_torch_checks_it() -> None:
    w = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(ag.ShapeError, match=r"the assigned grad has shape \(1,\) instead of "
                                            r"the tensor's \(3,\)"):
        w.grad = ag.tensor([1.0])
    with pytest.raises(TypeError, match="assigned grad has dtype float64 instead of the "
                                        "tensor's float32; convert it"):
        w.grad = ag.tensor([1.0, 2.0, 3.0], dtype=np.float64)
    with pytest.raises(TypeError, match=r"must be a Tensor \(or None\), got ndarray"):
        w.grad = np.ones(3, np.float32)
    with pytest.raises(RuntimeError, match="own grad"):
        w.grad = w
    assert w.grad is None
    g = ag.tensor([1.0, 1.0, 1.0])
    w.grad = g
    (w * 2.0).sum().backward()  # accumulates into the assigned grad, as torch
    np.testing.assert_array_equal(w.grad.data, [3.0, 3.0, 3.0])
    w.grad = None
    assert w.grad is None


def test_set_default_dtype() -> None:
    ag.set_default_dtype(np.float64)
    try:
        assert ag.tensor(1.0).dtype == np.float64
        assert ag.zeros(2).dtype == np.float64
    finally:
        ag.set_default_dtype(np.float32)
    with pytest.raises(TypeError):
        ag.set_default_dtype(np.int32)


def test_tensor_copies_and_from_numpy_shares() -> None:
    a = np.array([1.0, 2.0])
    t = ag.tensor(a)
    s = ag.from_numpy(a)
    a[0] = 9.0
    assert t.data[0] == 1.0 and s.data[0] == 9.0


def test_creation_functions() -> None:
    assert ag.zeros(2, 3).shape == (2, 3) and ag.zeros((2, 3)).shape == (2, 3)
    assert ag.ones(2, dtype=np.float64).dtype == np.float64
    assert ag.full((2,), 7.0).tolist() == [7.0, 7.0]
    assert ag.zeros_like(ag.ones(3, dtype=np.float64)).dtype == np.float64
    assert ag.ones_like(np.zeros((2, 2))).shape == (2, 2)
    assert ag.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert ag.arange(0.0, 1.0, 0.5).dtype == np.float32
    np.testing.assert_array_equal(ag.eye(3).data, np.eye(3))
    w = ag.randn(3, 4, requires_grad=True)
    assert w.requires_grad and w.is_leaf and w.dtype == np.float32
    r = ag.rand(1000, rng=np.random.default_rng(0))
    assert 0 <= r.data.min() and r.data.max() < 1


def test_manual_seed_makes_random_reproducible() -> None:
    ag.manual_seed(3)
    a = ag.randn(5).data.copy()
    ag.manual_seed(3)
    np.testing.assert_array_equal(ag.randn(5).data, a)


UNSEEDED = """
import autograd as ag
first = ag.get_rng()
assert ag.get_rng() is first and ag.manual_seed(1) is ag.get_rng() is not first
print(first.integers(2**62))
"""


def test_without_manual_seed_each_process_draws_from_its_own_os_seed() -> None:
    import subprocess
    import sys

    draws = {subprocess.run([sys.executable, "-c", UNSEEDED], capture_output=True, text=True,
                            check=True).stdout for _ in range(2)}
    assert len(draws) == 2


def test_rng_argument_takes_a_generator_or_an_int_seed() -> None:
    a = ag.randn(4, rng=7).data
    np.testing.assert_array_equal(a, ag.randn(4, rng=np.random.default_rng(7)).data)
    with pytest.raises(TypeError, match="int seed"):
        ag.rand(2, rng="seed")


def test_attributes_and_conversions() -> None:
    t = ag.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    assert t.shape == (1, 3) and t.ndim == 2 and t.size() == (1, 3) and t.size(1) == 3
    assert t.numel() == 3 and t.T.shape == (3, 1)
    assert t.grad is None and t.grad_fn is None and t.is_leaf
    assert np.asarray(t).shape == (1, 3)
    assert t.detach().numpy().shape == (1, 3)
    with pytest.raises(RuntimeError, match="detach"):
        t.numpy()
    assert ag.tensor([2.5]).item() == 2.5
    with pytest.raises(ValueError, match="one element"):
        t.item()
    assert t.tolist() == [[1.0, 2.0, 3.0]]
    assert t.astype(np.float64).dtype == np.float64
    t.name = "W"
    assert t.name == "W"


def test_requires_grad_only_for_floats() -> None:
    with pytest.raises(TypeError, match="floating point"):
        ag.tensor([1, 2], requires_grad=True)
    t = ag.tensor([1.0]).requires_grad_()
    assert t.requires_grad


def test_repr_is_readable() -> None:
    t = ag.tensor([[1.0, 2.0]], requires_grad=True)
    assert repr(t) == "tensor([[1., 2.]], requires_grad=True)"
    assert "grad_fn=<MulBackward>" in repr(t * 2)
    assert "dtype=float64" in repr(ag.tensor([1.0], dtype=np.float64))
    # int64 and bool are defaults, left unsaid as in PyTorch; other integer dtypes are named
    assert repr(ag.tensor([1])) == "tensor([1])"
    assert repr(ag.tensor(np.array([1], dtype=np.int32))) == "tensor([1], dtype=int32)"


def test_numpy_arrays_combine_with_tensors_on_either_side() -> None:
    t = ag.tensor([1.0, 2.0], requires_grad=True)
    out = np.array([1.0, 1.0], dtype=np.float32) + t
    assert isinstance(out, ag.Tensor) and out.requires_grad
    assert isinstance(np.ones(2, dtype=np.float32) @ t, ag.Tensor)
    assert (2 * t).dtype == np.float32 and (t / 2).dtype == np.float32


def test_shape_mismatch_names_op_and_both_shapes() -> None:
    a, b = ag.ones(2, 3), ag.ones(2, 2)
    with pytest.raises(ag.ShapeError, match=r"add: shapes \(2, 3\) and \(2, 2\)"):
        a + b
    with pytest.raises(ag.ShapeError, match=r"mul: shapes \(2, 3\) and \(2, 2\)"):
        a * b
    with pytest.raises(ag.ShapeError, match=r"matmul: shapes \(2, 3\) and \(2, 2\)"):
        a @ b
    with pytest.raises(ag.ShapeError, match=r"reshape: cannot reshape a tensor of shape \(2, 3\)"):
        a.reshape(4, 2)
    with pytest.raises(ag.ShapeError, match="concatenate"):
        ag.cat([a, ag.ones(3, 2)], axis=0)
    with pytest.raises(ag.ShapeError, match="stack"):
        ag.stack([a, b])


def test_comparisons_and_argmax_are_not_differentiable() -> None:
    x = ag.tensor([[1.0, 5.0, 3.0]], requires_grad=True)
    assert (x > 2).dtype == bool and not (x > 2).requires_grad
    assert (x == 5.0).tolist() == [[False, True, False]]
    assert ag.argmax(x, axis=1).tolist() == [1] and x.argmin().item() == 0
    assert ag.sign(x - 3).tolist() == [[-1.0, 1.0, 0.0]]


def test_axis_aliases_and_reduction_values() -> None:
    x = ag.tensor(np.arange(12.0).reshape(3, 4))
    np.testing.assert_allclose(x.sum(dim=1, keepdim=True).data, x.data.sum(1, keepdims=True))
    np.testing.assert_allclose(x.mean(axis=(0, 1)).data, 5.5)
    np.testing.assert_allclose(x.max(axis=0).data, [8, 9, 10, 11])
    np.testing.assert_allclose(x.var().data, np.var(x.data))
    np.testing.assert_allclose(x.var(axis=0, correction=1).data, np.var(x.data, 0, ddof=1))
    with pytest.raises(TypeError):
        x.sum(axis=0, dim=1)


def test_ties_share_the_gradient() -> None:
    x = ag.tensor([[2.0, 2.0, 1.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[0.5, 0.5, 0.0]])
    a = ag.tensor([1.0], requires_grad=True)
    b = ag.tensor([1.0], requires_grad=True)
    ag.maximum(a, b).backward()
    assert a.grad.item() == 0.5 and b.grad.item() == 0.5


def test_kinks_follow_the_contract() -> None:
    x = ag.tensor([0.0, -1.0, 1.0], requires_grad=True)
    ag.relu(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]
    x.grad = None
    ag.abs(x).sum().backward()
    assert x.grad.tolist() == [0.0, -1.0, 1.0]
    x.grad = None
    ag.clip(x, -1.0, 0.5).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 0.0]


def test_transpose_semantics() -> None:
    x = ag.ones(2, 3, 4)
    assert x.transpose().shape == (4, 3, 2)
    assert x.transpose(2, 0, 1).shape == (4, 2, 3)
    assert x.transpose(0, 2).shape == (4, 3, 2)
    assert x.permute(1, 0, 2).shape == (3, 2, 4)
    assert x.swapaxes(0, 1).shape == (3, 2, 4)
    assert ag.ones(2, 3).transpose(1, 0).shape == (3, 2)


def test_split_chunk_flatten_expand() -> None:
    x = ag.tensor(np.arange(10.0))
    assert [p.shape for p in x.split(4)] == [(4,), (4,), (2,)]
    assert [p.shape for p in x.split([3, 7])] == [(3,), (7,)]
    assert [p.shape for p in x.chunk(3)] == [(4,), (4,), (2,)]
    assert ag.ones(2, 3, 4).flatten().shape == (24,)
    assert ag.ones(2, 3, 4).flatten(1).shape == (2, 12)
    assert ag.ones(3, 1).expand(2, 3, -1).shape == (2, 3, 1)
    assert ag.broadcast_to(ag.ones(3), (2, 3)).shape == (2, 3)
    with pytest.raises(ag.ShapeError):
        x.split([3, 3])


def test_ops_without_a_graph_give_array_backed_tensors() -> None:
    with ag.no_grad():
        for t in (ag.tensor(2.0) * 3.0, ag.tensor(2.0) + 1.0, 1.0 - ag.tensor(2.0)):
            assert type(t.data) is np.ndarray and t.shape == () and t.dtype == np.float32
            assert not t.requires_grad and t.grad_fn is None


@pytest.mark.parametrize("a_shape, b_shape", [((5, 1), (1, 7)), ((2, 5, 1), (1, 7)),
                                              ((2, 5, 1), (2, 1, 7)), ((1, 1), (1, 1))])
@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("float64", "float64"),
                                    ("float32", "float64")])
def test_outer_products_take_the_multiply_path_with_matmuls_bits_and_layout(
        rng, a_shape, b_shape, dtypes):
    product = ag.kernels.matmul

    a = rng.standard_normal(a_shape).astype(dtypes[0])
    b = rng.standard_normal(b_shape).astype(dtypes[1])
    strided_b = np.repeat(b, 2, axis=-1)[..., ::2]  # not contiguous
    for left, right in ((a, b), (a, strided_b), (np.asfortranarray(a), b)):
        out = product(left, right)
        expected = np.matmul(left, right)
        assert out.dtype == expected.dtype and out.shape == expected.shape
        assert out.flags.c_contiguous
        np.testing.assert_array_equal(out, expected)


def test_products_other_than_outer_ones_are_numpys_matmul(rng):
    product = ag.kernels.matmul

    ints = np.arange(3).reshape(3, 1), np.arange(4).reshape(1, 4)
    np.testing.assert_array_equal(product(*ints), np.matmul(*ints))
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    np.testing.assert_array_equal(product(a, b), np.matmul(a, b))
    vec = rng.standard_normal(1)
    assert product(vec, rng.standard_normal((1, 3))).shape == (3,)


def test_malformed_shape_arguments_are_refused_naming_the_function() -> None:
    x = ag.ones(2, 3)
    with pytest.raises(AxisError, match="^flatten: axis 3 is out of bounds"):
        x.flatten(3)
    with pytest.raises(AxisError, match="^flatten: axis -3"):
        x.flatten(0, -3)
    with pytest.raises(AxisError, match="^flatten: axis 1 .* dimension 0"):
        ag.tensor(1.0).flatten(1)
    assert ag.tensor(1.0).flatten().shape == (1,) and x.flatten(-1).shape == (2, 3)
    with pytest.raises(ValueError, match="^chunk: chunks must be positive, got 0"):
        x.chunk(0)
    with pytest.raises(ag.ShapeError, match=r"^expand: cannot broadcast shape \(2, 3\) to "
                                            r"\(4, 3\)"):
        x.expand(4, 3)
    with pytest.raises(ag.ShapeError, match="^broadcast_to: cannot broadcast"):
        x.broadcast_to((4, 3))
    with pytest.raises(ValueError, match=r"^transpose: \(0, 1, 2\) is not a permutation"):
        x.transpose(0, 1, 2)
    with pytest.raises(AxisError, match="^transpose: axis 5"):
        ag.ones(2, 3, 4).transpose(0, 5)
    with pytest.raises(ValueError, match=r"^permute: \(0, 0\) is not a permutation"):
        x.permute(0, 0)


@pytest.mark.parametrize("axis", [1.0, (0, 1.0), "0"])
def test_an_axis_that_is_not_integers_is_a_type_error(axis) -> None:
    x = ag.ones(2, 3)
    with pytest.raises(TypeError, match="^sum: axis must be an int, a tuple of ints or None"):
        x.sum(axis=axis)
    with pytest.raises(TypeError, match="^softmax: axis must be an int"):
        ag.softmax(x, axis=axis)
    assert x.sum(axis=np.int64(1)).shape == (2,) and x.sum(axis=[0, 1]).shape == ()


def test_where_needs_a_bool_condition() -> None:
    a, b = ag.ones(2), ag.zeros(2)
    with pytest.raises(TypeError, match=r"^where: the condition must be bool, got float32 of "
                                        r"shape \(2,\)"):
        ag.where(ag.tensor([0.5, 0.0]), a, b)
    with pytest.raises(TypeError, match="got int64"):
        ag.where(np.array([1, 0]), a, b)
    assert ag.where(np.array([1, 0]) != 0, a, b).tolist() == [1.0, 0.0]
    assert ag.where([True, False], a, b).tolist() == [1.0, 0.0]
    assert ag.where(True, a, 0.0).tolist() == [1.0, 1.0]


def test_operands_that_are_not_numbers_are_type_errors() -> None:
    x = ag.ones(3)
    with pytest.raises(TypeError, match=r"^add: unsupported operands: a float32 tensor of shape "
                                        r"\(3,\) and 'x'"):
        x + "x"
    with pytest.raises(TypeError, match="^mul: unsupported operands: 'x' and a float32 tensor"):
        "x" * x
    with pytest.raises(TypeError, match=r"^lt: unsupported operands: .* and 'x'"):
        _ = x < "x"
    with pytest.raises(ag.ShapeError, match=r"^lt: shapes \(3,\) and \(2,\) cannot be "
                                            r"broadcast"):
        _ = x < ag.ones(2)


# ------------------------------------------------ audit against PyTorch: protocols
def test_a_0d_tensor_formats_as_its_value() -> None:
    loss = ag.tensor(0.123456, dtype=np.float64)
    assert f"{loss:.3f}" == "0.123" and f"{ag.tensor(7):03d}" == "007"
    assert f"{ag.tensor([1.0, 2.0])}" == "tensor([1., 2.])"
    with pytest.raises(TypeError, match=r"format spec '.2f' applies to 0-d tensors only, this "
                                        r"one has shape \(1,\)"):
        f"{ag.tensor([1.5]):.2f}"


@requires_torch
def test_format_matches_torch() -> None:
    t = torch()
    for value in (3.14159, -0.5, 1e-8):
        for spec in (".3f", "e", "", "8.2f"):
            assert format(ag.tensor(value, dtype=np.float64), spec) == format(
                t.tensor(value, dtype=t.float64), spec)


def test_in_compares_every_element() -> None:
    m = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert 2.0 in m and 4 in m and 5.0 not in m
    assert ag.tensor([3.0, 4.0]) in m and ag.tensor([3.0, 9.0]) in m  # broadcast, any equal
    assert ag.tensor([8.0, 9.0]) not in m
    with pytest.raises(TypeError, match="takes a number or a Tensor, got str"):
        _ = "a" in m
    with pytest.raises(ag.ShapeError, match=r"eq: shapes \(2, 2\) and \(3,\)"):
        _ = ag.ones(3) in m


@requires_torch
def test_in_matches_torch() -> None:
    t = torch()
    data = [[1.0, 2.0], [3.0, 4.0]]
    for element in (2.0, 5.0, [3.0, 4.0], [3.0, 9.0], [8.0, 9.0], [[4.0]]):
        a = element if isinstance(element, float) else ag.tensor(element)
        b = element if isinstance(element, float) else t.tensor(element)
        assert (a in ag.tensor(data)) == (b in t.tensor(data))


def test_tensors_are_dict_keys_by_identity() -> None:
    a, b = ag.tensor([1.0, 2.0]), ag.tensor([1.0, 2.0])
    state = {a: "a", b: "b"}
    assert state[a] == "a" and state[b] == "b" and len(state) == 2


def test_size_of_a_missing_dimension_names_the_valid_range() -> None:
    x = ag.ones(2, 3)
    assert x.size(-2) == 2 and x.size(dim=1) == 3
    with pytest.raises(IndexError, match=r"^size: dimension 2 is out of range for a tensor of "
                                         r"shape \(2, 3\) \(valid dimensions: in \[-2, 1\]\)"):
        x.size(2)
    with pytest.raises(IndexError, match="no dimensions"):
        ag.tensor(1.0).size(0)


def test_mT_needs_a_matrix() -> None:
    assert ag.ones(2, 3, 4).mT.shape == (2, 4, 3)
    with pytest.raises(ag.ShapeError, match=r"^mT swaps the last two axes .* shape \(3,\)"):
        _ = ag.ones(3).mT


def test_array_protocol_shares_copies_and_refuses_an_impossible_copy_false() -> None:
    t = ag.tensor([1.0, 2.0], requires_grad=True)
    assert np.shares_memory(np.asarray(t), t.data)  # documented: works despite requires_grad
    assert not np.shares_memory(np.array(t), t.data)
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert np.shares_memory(np.array(t, copy=False), t.data)
    if np.lib.NumpyVersion(np.__version__) < "2.0.0":
        # NumPy 1's copy=False means "copy only if needed" and is not passed to __array__.
        assert np.array(t, dtype=np.float64, copy=False).dtype == np.float64
        return
    with pytest.raises(ValueError, match=r"dtype=float64, copy=False\): the tensor is float32"):
        np.array(t, dtype=np.float64, copy=False)


def test_iterating_gives_rows_the_gradient_flows_through() -> None:
    x = ag.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    total = sum((i + 1) * row for i, row in enumerate(x))
    total.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])


# ------------------------------------------------ audit against PyTorch: conversions
def test_dtype_conversion_methods() -> None:
    x = ag.tensor([1.5, -2.0, 0.0])
    assert x.float() is x and x.to(np.float32) is x
    assert x.double().dtype == np.float64 and x.to(ag.float64).dtype == np.float64
    assert x.long().tolist() == [1, -2, 0] and x.long().dtype == np.int64
    assert x.int().dtype == np.int32 and x.bool().tolist() == [True, True, False]
    assert x.to(ag.tensor([1])).dtype == np.int64  # another tensor's dtype
    assert x.to("cpu") is x and x.to("cpu", np.float64).dtype == np.float64
    copy = x.to(np.float32, copy=True)
    assert copy is not x and not np.shares_memory(copy.data, x.data)
    with pytest.raises(ValueError, match="^graphgrad computes on the CPU only"):
        x.to("cuda")
    y = ag.tensor([1.0], requires_grad=True)
    assert not y.long().requires_grad and y.double().requires_grad


CREATORS = {
    "tensor": lambda d: ag.tensor([1.0], device=d), "as_tensor": lambda d: ag.as_tensor(
        [1.0], device=d),
    "zeros": lambda d: ag.zeros(2, device=d), "ones": lambda d: ag.ones(2, device=d),
    "full": lambda d: ag.full((2,), 3.0, device=d), "empty": lambda d: ag.empty(2, device=d),
    "zeros_like": lambda d: ag.zeros_like(ag.ones(2), device=d),
    "ones_like": lambda d: ag.ones_like(ag.ones(2), device=d),
    "full_like": lambda d: ag.full_like(ag.ones(2), 2.0, device=d),
    "empty_like": lambda d: ag.empty_like(ag.ones(2), device=d),
    "rand_like": lambda d: ag.rand_like(ag.ones(2), device=d),
    "randn_like": lambda d: ag.randn_like(ag.ones(2), device=d),
    "arange": lambda d: ag.arange(3, device=d),
    "linspace": lambda d: ag.linspace(0, 1, 3, device=d),
    "eye": lambda d: ag.eye(2, device=d), "rand": lambda d: ag.rand(2, device=d),
    "randn": lambda d: ag.randn(2, device=d), "randint": lambda d: ag.randint(0, 3, (2,), device=d),
}


@pytest.mark.parametrize("name", CREATORS)
def test_creation_takes_a_cpu_device_and_refuses_others_as_a_cpu_only_torch(name) -> None:
    for cpu in ("cpu", "cpu:0", ag.device("cpu"), None):
        assert CREATORS[name](cpu).device == "cpu"
    with pytest.raises(ValueError, match=r"CPU only \(NumPy arrays\), got device='cuda'"):
        CREATORS[name]("cuda")


def test_tensors_and_modules_move_to_the_cpu_and_refuse_cuda() -> None:
    import nn

    x = ag.tensor([1.0, 2.0])
    assert x.cpu() is x and x.to("cpu") is x and not x.is_cuda
    assert x.device == ag.device("cpu") == "cpu"
    m = nn.Linear(2, 3)
    weight = m.weight
    assert m.cpu() is m and m.to("cpu") is m and m.weight is weight
    assert m.to("cpu", np.float64).weight.dtype == np.float64 and m.weight is weight
    assert m.to(ag.zeros(1)).weight.dtype == np.float32  # another tensor's dtype
    assert m.to(dtype=np.float64, device="cpu").bias.dtype == np.float64
    for move in (x.cuda, m.cuda, lambda: m.to("cuda:1"), lambda: x.to(device="mps"),
                 lambda: ag.device("cuda")):
        with pytest.raises(ValueError, match="^graphgrad computes on the CPU only"):
            move()


@requires_torch
def test_float_double_conversions_pass_gradients_as_torch() -> None:
    t = torch()
    for to_ag, to_t, dtype in ((lambda v: v.float(), lambda v: v.float(), np.float64),
                               (lambda v: v.double(), lambda v: v.double(), np.float32),
                               (lambda v: v.to(np.float32), lambda v: v.to(t.float32),
                                np.float64)):
        values = np.array([1.5, -2.25, 3.0], dtype=dtype)
        a = ag.tensor(values, requires_grad=True)
        b = t.tensor(values, requires_grad=True)
        (to_ag(a) ** 2).sum().backward()
        (to_t(b) ** 2).sum().backward()
        assert a.grad.dtype == values.dtype
        np.testing.assert_array_equal(a.grad.data, b.grad.numpy())


def test_detach_in_place_makes_a_leaf() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert y.detach_() is y
    assert y.is_leaf and not y.requires_grad and y.grad_fn is None
    assert y.tolist() == [2.0, 4.0]


def test_view_shares_the_data_and_refuses_layouts_that_need_a_copy() -> None:
    x = ag.tensor(np.arange(6.0).reshape(2, 3))
    v = x.view(3, 2)
    v[0, 0].fill_(9.0)
    assert x.data[0, 0] == 9.0 and ag.view(x, (-1,)).shape == (6,)
    with pytest.raises(ag.ShapeError, match=r"^view: the data of this tensor of shape \(3, 2\) "
                                            r".* without a copy; use \.reshape"):
        x.T.view(-1)
    with pytest.raises(ag.ShapeError, match=r"^view: cannot view a tensor of shape \(2, 3\)"):
        x.view(4, 2)
    assert x.T.reshape(-1).tolist() == [9.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    with pytest.raises(TypeError, match="^view: the new shape must be ints"):
        x.view(np.float64)
    with pytest.raises(TypeError, match="^reshape: the new shape must be ints"):
        x.reshape([2, None])


@requires_torch
@pytest.mark.parametrize("layout", [lambda x: x.permute(2, 1, 0), lambda x: x[:, :, ::2],
                                    lambda x: x[::2], lambda x: x[None], lambda x: x[:, 1],
                                    lambda x: x.transpose(0, 1)])
def test_view_raises_exactly_where_torch_does(layout) -> None:
    t = torch()
    base = np.arange(24.0).reshape(2, 3, 4)
    for shape in [(-1,), (2, -1), (-1, 4), (1, -1), (3, 2, -1), (-1, 2, 1)]:
        tv = layout(t.tensor(base))
        try:
            expected = tv.view(*shape).numpy()
        except RuntimeError:
            expected = None
        if expected is None and tv.numel() % 2:
            continue
        x = layout(ag.tensor(base))
        if expected is None:
            with pytest.raises(ag.ShapeError):
                x.view(*shape)
        else:
            np.testing.assert_array_equal(x.view(*shape).data, expected)


def test_contiguous_copies_only_when_needed_and_passes_the_gradient() -> None:
    x = ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert x.is_contiguous() and x.contiguous() is x and not x.T.is_contiguous()
    c = x.T.contiguous()
    assert c.is_contiguous() and c.data.flags.c_contiguous
    (c.view(-1) * ag.tensor(np.arange(6.0))).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]])
    assert ag.gradcheck(lambda t: t.T.contiguous().view(-1) ** 2,
                        [ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)])


# ------------------------------------------------ audit against PyTorch: creation
@requires_torch
def test_full_takes_its_dtype_from_the_fill_value_as_torch() -> None:
    t = torch()
    for fill in (3, 3.0, True, np.int32(2), np.float64(0.5)):
        ours, theirs = ag.full((2,), fill), t.full((2,), fill)
        assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch.")), fill
        assert ours.tolist() == theirs.tolist()
    assert ag.full((2,), 3, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("make, op", [
    (lambda: ag.zeros(2, -1), "zeros"), (lambda: ag.ones((-2,)), "ones"),
    (lambda: ag.full((-1, 2), 1.0), "full"), (lambda: ag.eye(-1), "eye"),
    (lambda: ag.rand(-3), "rand"), (lambda: ag.randn(2, -3), "randn"),
    (lambda: ag.randint(0, 5, (-1,)), "randint"),
])
def test_negative_sizes_are_refused_naming_the_function(make, op) -> None:
    with pytest.raises(ValueError, match=f"^{op}: sizes must be non-negative, got"):
        make()


def test_sizes_that_are_not_integers_are_refused() -> None:
    with pytest.raises(TypeError, match=r"^zeros: the size must be ints or a tuple of ints, got "
                                        r"\(2.0,\)"):
        ag.zeros(2.0)
    with pytest.raises(TypeError, match="^randn: the size must be ints"):
        ag.randn((2, "3"))
    assert ag.zeros(np.int64(2), ag.tensor(3)).shape == (2, 3)


@pytest.mark.parametrize("make, op", [
    (lambda: ag.tensor([1, 2], requires_grad=True), "tensor"),
    (lambda: ag.zeros(2, dtype=np.int64, requires_grad=True), "zeros"),
    (lambda: ag.full((2,), 3, requires_grad=True), "full"),
    (lambda: ag.arange(5, requires_grad=True), "arange"),
    (lambda: ag.ones_like(ag.tensor([1]), requires_grad=True), "ones_like"),
])
def test_requires_grad_on_an_integer_creation_names_the_function_and_the_fix(make, op) -> None:
    with pytest.raises(TypeError, match=f"^{op}: requires_grad=True needs a floating point "
                                        "dtype, the result is int64; pass dtype=np.float32"):
        make()
    assert ag.full((2,), 3.0, requires_grad=True).requires_grad


def test_tensor_refuses_data_that_is_not_numbers() -> None:
    for data in (["a", "b"], None, [object()]):
        with pytest.raises(TypeError, match="^tensor: data must be numbers"):
            ag.tensor(data)
    assert ag.tensor([1j]).dtype == np.complex128


def test_tensor_of_a_tensor_is_a_detached_copy() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True) * 2
    y = ag.tensor(x)
    assert y.is_leaf and not y.requires_grad and not np.shares_memory(x.data, y.data)
    assert ag.tensor(x, requires_grad=True).requires_grad


@requires_torch
def test_arange_values_and_dtypes_match_torch() -> None:
    t = torch()
    assert ag.arange(5).dtype == np.int64 and ag.arange(np.int32(3)).dtype == np.int64
    for args in [(-5.0, 5.0, 0.01), (0, 1000, 0.1), (0.0, 100.0, 0.3), (10.0, 0.0, -0.7)]:
        ours, theirs = ag.arange(*args), t.arange(*args).numpy()
        assert ours.dtype == np.float32 and ours.shape == theirs.shape
        # within float32 rounding of start + i*step (NumPy's own float32 arange is 2e-4 off
        # by the end of the first range: hundreds of float32 steps)
        np.testing.assert_allclose(ours.data, theirs, rtol=2.0 ** -23, atol=1e-6)
    assert ag.arange(-5.0, 5.0, 0.01).data[-1] == np.float32(4.99)
    with pytest.raises(ValueError, match="^arange: step must be nonzero"):
        ag.arange(0, 5, 0)


@pytest.mark.parametrize("make", [ag.rand, ag.randn])
def test_random_floats_refuse_an_integer_dtype(make) -> None:
    with pytest.raises(TypeError, match="draws floating point samples, dtype=int64 is not "
                                        "floating; use randint"):
        make(2, dtype=np.int64)


def test_randint_takes_torchs_forms() -> None:
    ag.manual_seed(0)
    a = ag.randint(0, 5, (3, 2))
    ag.manual_seed(0)
    b = ag.randint(5, (3, 2))
    ag.manual_seed(0)
    c = ag.randint(0, 5, size=(3, 2), dtype=np.int32)
    assert a.dtype == np.int64 and c.dtype == np.int32 and a.shape == (3, 2)
    assert a.tolist() == b.tolist() == c.tolist()
    assert 0 <= a.data.min() and a.data.max() < 5
    with pytest.raises(ValueError, match="^randint: low must be below high, got low=5, high=5"):
        ag.randint(5, 5, (2,))
    with pytest.raises(TypeError, match="^randint needs the bound"):
        ag.randint(5)


def test_manual_seed_reproduces_every_random_creation_whatever_the_shape_form() -> None:
    draws = []
    for shape in ((2, 3), [(2, 3)]):
        ag.manual_seed(11)
        draws.append([ag.rand(*shape).data, ag.randn(*shape, dtype=np.float64).data,
                      ag.randint(0, 9, (2, 3)).data])
    for first, second in zip(*draws):
        np.testing.assert_array_equal(first, second)


def test_empty_and_the_like_constructors_follow_torch() -> None:
    x = ag.ones(2, 3, dtype=np.float64)
    assert ag.empty(2, 3).shape == (2, 3) and ag.empty(2, 3).dtype == np.float32
    assert ag.empty((4,), dtype=np.int64).dtype == np.int64
    assert ag.empty_like(x).shape == (2, 3) and ag.empty_like(x).dtype == np.float64
    for make in (ag.rand_like, ag.randn_like):
        out = make(x, rng=0)
        assert out.shape == (2, 3) and out.dtype == np.float64
        np.testing.assert_array_equal(out.data, make(x, rng=0).data)  # seeded
        assert make(x, dtype=np.float32, requires_grad=True).requires_grad
    assert ((ag.rand_like(x, rng=1).data >= 0) & (ag.rand_like(x, rng=1).data < 1)).all()
    ag.manual_seed(5)
    first = ag.randn_like(x).data
    ag.manual_seed(5)
    np.testing.assert_array_equal(ag.randn_like(x).data, first)
    with pytest.raises(TypeError, match="rand_like.*not floating"):
        ag.rand_like(ag.tensor([1, 2]))
    with pytest.raises(ValueError, match="empty: sizes must be non-negative"):
        ag.empty(-1)
