"""``F.pad`` and the padding layers against PyTorch 2.13: values and input gradients in
float64 and float32 for every mode, negative (cropping) pads, unbatched and empty inputs;
``gradcheck``/``gradgradcheck`` on non-contiguous input; reprs; errors."""

from __future__ import annotations

import numpy as np
import pytest
from functional_parity import assert_functional_matches_torch
from module_parity import assert_module_matches_torch

import autograd as ag
import nn
import nn.functional as F


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


CASES = [  # mode, input shape, pad
    ("constant", (2, 3, 5), (1, 2)),
    ("constant", (2, 3, 5, 4), (2, -1, 0, 3)),
    ("constant", (3, 4), (-1, -2, 1, 1)),
    ("constant", (1, 2, 3, 4, 5), (1, 1, 1, 1, 1, 1)),
    ("reflect", (2, 3, 5), (4, 2)),
    ("reflect", (3, 5), (-1, 2)),
    ("reflect", (1, 2, 5, 4), (2, -1, 3, 1)),
    ("reflect", (2, 3, 4, 5), (1, 2, 3, 0, 1, 1)),
    ("replicate", (2, 3, 5), (6, 1)),
    ("replicate", (2, 5, 4), (-1, 2, -2, 4)),
    ("replicate", (1, 2, 3, 4, 5), (1, 2, 1, 0, 2, 1)),
    ("circular", (2, 3, 5), (5, 2)),
    ("circular", (2, 3, 5), (-2, 3)),
    ("circular", (1, 2, 5, 4), (3, -1, 2, 2)),
    ("circular", (2, 3, 4, 5), (1, 1, 2, 2, 1, 0)),
]


@pytest.mark.parametrize("mode,shape,pad", CASES)
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 1e-6)])
def test_pad_matches_torch(torch, rng, mode, shape, pad, dtype, tol):
    x = rng.standard_normal(shape).astype(dtype)
    assert_functional_matches_torch(torch, "pad", x, (pad,), {"mode": mode}, rng, tol)


@pytest.mark.parametrize("mode,shape,pad", CASES[1::2])
def test_pad_gradcheck_noncontiguous(rng, mode, shape, pad):
    a = ag.tensor(rng.standard_normal(shape[:-2] + shape[-1:] + shape[-2:-1]),
                  requires_grad=True)

    def fn(t):
        return F.pad(ag.swapaxes(t, -1, -2), pad, mode)

    assert ag.gradcheck(fn, (a,))
    assert ag.gradgradcheck(fn, (a,))


def test_constant_value_dtype_and_empty(torch):
    x = np.array([[1, 2]], dtype=np.int64)
    out = F.pad(ag.tensor(x), (1, 1), value=2.5)
    ref = torch.nn.functional.pad(torch.tensor(x), (1, 1), value=2.5)
    assert out.dtype == np.int64 and out.data.tolist() == ref.tolist()
    empty = np.zeros((2, 0, 3))
    assert F.pad(ag.tensor(empty), (1, 1)).shape == (2, 0, 5)
    assert F.pad(ag.tensor(np.zeros((0, 2, 3))), (1, 1), "reflect").shape == (0, 2, 5)
    assert F.pad(ag.tensor(np.float64(3.0)), ()).shape == ()


@pytest.mark.parametrize("mode,pad", [("constant", (0, 0)), ("constant", (-1, -1)),
                                      ("reflect", (0, 0)), ("replicate", (-1, 0))])
def test_result_is_a_new_tensor(mode, pad):
    a = ag.tensor(np.arange(8.0).reshape(2, 4))
    out = F.pad(a, pad, mode)
    a.data[...] = -1.0  # PyTorch's pad copies: a change to the input doesn't show
    assert (out.data >= 0).all()


@pytest.mark.parametrize("mode,shape,pad", [
    ("reflect", (1, 1, 3, 4), (0, 0, -1, -2)), ("replicate", (1, 1, 3, 4), (0, -4, 0, 0)),
    ("circular", (1, 1, 3), (-1, -2)), ("replicate", (1, 1, 3), (2, -3)),
    ("reflect", (1, 1, 3), (1, -3)), ("circular", (1, 1, 3, 4), (-4, 0, -3, 0)),
])
def test_crops_to_empty_as_torch(torch, mode, shape, pad):
    x = np.arange(float(np.prod(shape))).reshape(shape)
    ours = F.pad(ag.tensor(x), pad, mode)
    theirs = torch.nn.functional.pad(torch.from_numpy(x), pad, mode=mode)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("call,error", [
    (lambda a: F.pad(a, (1,)), "divisible by 2"),
    (lambda a: F.pad(a, (1, 1) * 4), "less than or equal to two times"),
    (lambda a: F.pad(a, (-3, -3)), "negative output size"),
    (lambda a: F.pad(a, (1, 1), "foo"), "unrecognised padding mode"),
    (lambda a: F.pad(a, (5, 0), "reflect"), "less than the corresponding input dimension"),
    (lambda a: F.pad(a, (6, 0), "circular"), "wraps around more than once"),
    (lambda a: F.pad(a, (3, -3), "circular"), "wraps around more than once"),
    (lambda a: F.pad(a, (-2, -3), "replicate"), "too small"),
    (lambda a: F.pad(a, (-3, -3), "reflect"), "negative size"),
    (lambda a: F.pad(a, (1, 1), "reflect", value=1.0), "doesn't take in a value"),
    (lambda a: F.pad(a[0], (1, 1, 1, 1), "replicate"), "not supported for 2D input"),
    (lambda a: nn.CircularPad2d(1)(a[0]), "expected 3D or 4D input"),
])
def test_pad_errors(call, error):
    a = ag.tensor(np.zeros((1, 2, 5)))
    with pytest.raises((ValueError, NotImplementedError, ag.ShapeError), match=error):
        call(a)


MODULES = [  # name, args, input shape
    ("ZeroPad1d", (2,), (2, 3, 4)), ("ZeroPad2d", ((1, 0, 2, -1),), (3, 4, 5)),
    ("ZeroPad3d", (1,), (1, 2, 2, 3, 2)),
    ("ConstantPad1d", ((1, 2), 3.5), (3, 4)), ("ConstantPad2d", (1, -2.0), (1, 2, 3, 4)),
    ("ConstantPad3d", ((1, 0, 0, 1, 2, 0), 1.0), (2, 2, 3, 2)),
    ("ReflectionPad1d", (2,), (2, 3, 4)), ("ReflectionPad2d", ((1, 2, 0, 1),), (3, 4, 5)),
    ("ReflectionPad3d", (1,), (1, 2, 2, 3, 2)),
    ("ReplicationPad1d", ((3, 1),), (3, 4)), ("ReplicationPad2d", (2,), (1, 2, 3, 4)),
    ("ReplicationPad3d", ((1, 0, 0, 2, 1, 1),), (2, 2, 3, 2)),
    ("CircularPad1d", (2,), (2, 3, 4)), ("CircularPad2d", ((1, 2, 0, 1),), (3, 4, 5)),
    ("CircularPad3d", (1,), (1, 2, 2, 3, 2)),
]


@pytest.mark.parametrize("name,args,shape", MODULES)
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 1e-6)])
def test_modules_match_torch(torch, rng, name, args, shape, dtype, tol):
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs)
    assert ours.padding == theirs.padding and ours.state_dict() == {}
    x = rng.standard_normal(shape).astype(dtype)
    out_shape = theirs(torch.from_numpy(x)).shape
    g = rng.standard_normal(out_shape).astype(dtype)
    assert_module_matches_torch(ours, theirs, x, g, torch, rtol=tol, atol=tol)


def test_module_padding_validation():
    with pytest.raises(ValueError, match="tuple of 4 ints"):
        nn.ZeroPad2d((1, 2))
    with pytest.raises(TypeError, match="ReflectionPad1d: padding must be an int"):
        nn.ReflectionPad1d(1.5)
