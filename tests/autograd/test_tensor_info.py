"""Tensor queries and conversions (autograd/tensor_info.py) against PyTorch: is_nonzero,
is_signed, is_complex, is_same_size, is_cpu, get_device, data_ptr, storage_offset, type,
half/short/char/byte/bfloat16 and register_post_accumulate_grad_hook."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import torch as torch_module

import autograd as ag

DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8,
          np.bool_, np.complex64, np.complex128]


@pytest.fixture
def torch():
    pytest.importorskip("torch")
    return torch_module()


@pytest.mark.parametrize("value", [0.0, -0.0, 2.5, np.nan, 0, 3, False, True])
def test_is_nonzero_of_one_element(torch, value) -> None:
    for shape in ((), (1,), (1, 1)):
        a = np.full(shape, value)
        assert ag.tensor(a).is_nonzero() == torch.tensor(a).is_nonzero()


def test_is_nonzero_refuses_other_sizes() -> None:
    with pytest.raises(RuntimeError, match="more than one value is ambiguous"):
        ag.tensor([1.0, 2.0]).is_nonzero()
    with pytest.raises(RuntimeError, match="no values is ambiguous"):
        ag.zeros(0).is_nonzero()


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_dtype_queries_and_type_names(torch, dtype) -> None:
    a = np.ones(2, dtype=dtype)
    t, tt = ag.tensor(a), torch.from_numpy(a)
    assert t.is_signed() == tt.is_signed()
    assert t.is_complex() == tt.is_complex()
    assert t.type() == tt.type()


def test_type_converts_to_a_dtype_name_class_or_torch_dtype(torch) -> None:
    x = ag.tensor([1.5, -2.5], requires_grad=True)
    assert x.type(np.float32) is x
    y = x.type(np.float64)
    assert y.dtype == np.float64 and y.requires_grad
    y.sum().backward()
    assert x.grad.dtype == np.float32
    assert x.type("torch.IntTensor").dtype == np.int32
    np.testing.assert_array_equal(x.type("torch.IntTensor").data, [1, -2])
    assert x.type(torch.DoubleTensor).dtype == np.float64
    assert x.type(torch.int16).dtype == np.int16
    assert x.type("int64").dtype == np.int64
    with pytest.raises(TypeError, match="NumPy has no bfloat16"):
        x.type(torch.bfloat16)
    with pytest.raises(TypeError, match="NumPy has no bfloat16"):
        x.type("torch.BFloat16Tensor")


@pytest.mark.parametrize("name,dtype", [("half", np.float16), ("short", np.int16),
                                        ("char", np.int8), ("byte", np.uint8)])
def test_converters(torch, name, dtype) -> None:
    a = np.array([-1.7, 0.0, 2.9, 100.4])
    out, expected = getattr(ag.tensor(a), name)(), getattr(torch.tensor(a), name)()
    assert out.dtype == dtype
    np.testing.assert_array_equal(out.data, expected.numpy())


def test_half_is_differentiable_and_bfloat16_is_refused() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x.half()
    assert h.dtype == np.float16 and h.requires_grad
    (h * h).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])
    with pytest.raises(TypeError, match="bfloat16: NumPy has no bfloat16 dtype.*half\\(\\)"):
        x.bfloat16()


def test_size_and_device_queries() -> None:
    assert ag.ones(3).is_same_size(ag.zeros(3))
    assert not ag.ones(3).is_same_size(ag.ones((1, 3)))
    with pytest.raises(TypeError, match="is_same_size: expects a Tensor"):
        ag.ones(3).is_same_size(np.ones(3))
    assert ag.ones(3).is_cpu is True
    assert ag.ones(3).get_device() == -1


def test_data_ptr_and_storage_offset_of_views(torch) -> None:
    a = np.arange(12.0).reshape(3, 4)
    x, tx = ag.tensor(a), torch.tensor(a)
    assert x.data_ptr() == x.data.ctypes.data
    for view, t_view in [(x[1:, 1:], tx[1:, 1:]), (x[2], tx[2]), (x.T[1], tx.T[1]),
                         (x.reshape(-1)[5:], tx.reshape(-1)[5:]), (x, tx)]:
        assert view.storage_offset() == t_view.storage_offset()
        assert view.data_ptr() - x.data_ptr() == t_view.data_ptr() - tx.data_ptr()
    assert ag.zeros(0).data_ptr() == 0 == torch.zeros(0).data_ptr()


def test_post_accumulate_grad_hook_registration_errors() -> None:
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        ag.ones(3).register_post_accumulate_grad_hook(lambda t: None)
    x = ag.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="non-leaf tensors .*made by Mul"):
        (x * 2).register_post_accumulate_grad_hook(lambda t: None)


def test_post_accumulate_grad_hook_runs_after_accumulation() -> None:
    x = ag.ones(3, requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(("pre", g.data.tolist())))
    handle = x.register_post_accumulate_grad_hook(
        lambda t: seen.append(("post", t.grad.data.tolist())))
    (x * 2).sum().backward()
    (x * x).sum().backward(inputs=[x])
    ag.grad((x * 3).sum(), x)  # accumulates nothing: no post hook
    handle.remove()
    (x * 2).sum().backward()
    assert seen == [("pre", [2.0] * 3), ("post", [2.0] * 3), ("pre", [2.0] * 3),
                    ("post", [4.0] * 3), ("pre", [3.0] * 3), ("pre", [2.0] * 3)]
    np.testing.assert_array_equal(x.grad.data, [6.0] * 3)


def test_post_accumulate_grad_hook_can_step_and_clear() -> None:
    w = ag.tensor([1.0, 2.0], requires_grad=True)

    def sgd(t):
        with ag.no_grad():
            t -= 0.5 * t.grad
        t.grad = None

    w.register_post_accumulate_grad_hook(sgd)
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.data, [0.0, 0.0])
    assert w.grad is None
    w.register_post_accumulate_grad_hook(lambda t: 5)
    with pytest.raises(RuntimeError, match="must return None"):
        (w * 3).sum().backward()
