"""More layers, with PyTorch 2.13's semantics: the activations ELU, SELU, CELU, SiLU, Mish,
Softplus, Hardtanh, ReLU6, Softsign, Hardsigmoid, Hardswish, GELU, LogSigmoid, Tanhshrink,
Threshold, Softshrink and Hardshrink (modules and ``F`` forms; the others' own tests are in
test_activations_extra.py), LayerNorm, Embedding and Unflatten.

For each: values and input gradients against PyTorch in float64 (rtol 1e-10) and float32
(rtol 1e-5) on inputs holding 0, the kinks and thresholds exactly, large values of both
signs and empty tensors; second derivatives against PyTorch; ``gradcheck`` and
``gradgradcheck`` in float64 away from the kinks; reprs; errors. The PyTorch tests skip
when torch is not installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
from module_parity import assert_module_matches_torch

import autograd as ag
import nn
import nn.functional as F


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


def _leaf(a, dtype=np.float64):
    return ag.tensor(np.asarray(a, dtype=dtype), requires_grad=True)


# ===================================================================== activations
@dataclass(frozen=True)
class Act:
    """One activation, as ``nn.functional.<fn>(x, **kwargs)`` / ``nn.<module>(*args)`` here and
    under the same names in ``torch.nn`` (the pairs compared)."""

    id: str
    fn: str
    kwargs: dict = field(default_factory=dict)
    module: str = ""
    args: tuple = ()
    kinks: tuple = ()  # where the function or its branch switches (no finite differences)
    repr: str = ""  # PyTorch's repr of the module
    inplace: bool = True  # whether PyTorch's signatures have inplace=
    grad_rtol64: float = 1e-10
    grad_atol64: float = 0.0
    grad_atol32: float = 0.0
    value_atol: tuple = (0.0, 0.0)  # float64, float32: where PyTorch's own value cancels
    gradgrad_differs_at: tuple = ()  # documented points where PyTorch's 2nd derivative differs


ACTS = [
    Act("elu", "elu", {}, "ELU", (), (0.0,), "ELU(alpha=1.0)"),
    Act("elu-alpha0.5", "elu", {"alpha": 0.5}, "ELU", (0.5,), (0.0,), "ELU(alpha=0.5)"),
    Act("selu", "selu", {}, "SELU", (), (0.0,), "SELU()"),
    Act("celu", "celu", {}, "CELU", (), (0.0,), "CELU(alpha=1.0)"),
    Act("celu-alpha2", "celu", {"alpha": 2.0}, "CELU", (2.0,), (0.0,), "CELU(alpha=2.0)"),
    Act("silu", "silu", {}, "SiLU", (), (), "SiLU()"),
    Act("mish", "mish", {}, "Mish", (), (), "Mish()"),
    # At beta·x = threshold exactly PyTorch's forward and gradient are the smooth branch's,
    # but its double backward is the linear branch's (0); ours is the smooth branch's.
    Act("softplus", "softplus", {}, "Softplus", (), (20.0,),
        "Softplus(beta=1.0, threshold=20.0)", inplace=False, gradgrad_differs_at=(20.0,)),
    Act("softplus-beta2", "softplus", {"beta": 2.0, "threshold": 10.0}, "Softplus", (2.0, 10.0),
        (5.0,), "Softplus(beta=2.0, threshold=10.0)", inplace=False,
        gradgrad_differs_at=(5.0,)),
    Act("hardtanh", "hardtanh", {}, "Hardtanh", (), (-1.0, 1.0),
        "Hardtanh(min_val=-1.0, max_val=1.0)"),
    Act("hardtanh-2,3", "hardtanh", {"min_val": -2.0, "max_val": 3.0}, "Hardtanh", (-2.0, 3.0),
        (-2.0, 3.0), "Hardtanh(min_val=-2.0, max_val=3.0)"),
    Act("relu6", "relu6", {}, "ReLU6", (), (0.0, 6.0), "ReLU6()"),
    # Both engines differentiate x/(1 + |x|) as 1/(1 + |x|) − |x|/(1 + |x|)², which cancels
    # for large |x| (at 1000, to ~1e-4 relative in float32), rounding in a different order.
    Act("softsign", "softsign", {}, "Softsign", (), (0.0,), "Softsign()", inplace=False,
        grad_atol32=1e-9),
    # PyTorch's hardsigmoid backward multiplies by the float32 literal 1.0f/6.0f, even in
    # float64: its gradient is 3e-8 off 1/6.
    Act("hardsigmoid", "hardsigmoid", {}, "Hardsigmoid", (), (-3.0, 3.0), "Hardsigmoid()",
        grad_rtol64=1e-7),
    Act("hardswish", "hardswish", {}, "Hardswish", (), (-3.0, 3.0), "Hardswish()"),
    # PyTorch computes 0.5·x·(1 + erf(x/√2)), which cancels for negative x (in float32 at −3:
    # ~4e-5 relative with its AVX2 erf, 1.3e-4 = 5.3e-7 absolute with its AVX-512 one on a
    # Zen 5; 0 below −5.5); ours is erfc's form, accurate there (test_gelu_kernels checks it
    # against float64).
    Act("gelu", "gelu", {}, "GELU", (), (), "GELU(approximate='none')", inplace=False,
        value_atol=(1e-15, 1e-6), grad_atol64=1e-15, grad_atol32=3e-7),
    Act("gelu-tanh", "gelu", {"approximate": "tanh"}, "GELU", ("tanh",), (),
        "GELU(approximate='tanh')", inplace=False, value_atol=(1e-15, 3e-7),
        grad_atol64=1e-15, grad_atol32=2e-6),  # both ~1e-6 off float64's gradient here
    Act("logsigmoid", "logsigmoid", {}, "LogSigmoid", (), (), "LogSigmoid()", inplace=False),
    # Both differentiate x − tanh x as 1 − (1 − tanh²x), which cancels for small |x| (at
    # 1e-8 every digit), rounding in a different order: an absolute error of ~eps·|grad|.
    Act("tanhshrink", "tanhshrink", {}, "Tanhshrink", (), (), "Tanhshrink()", inplace=False,
        grad_atol64=1e-15, grad_atol32=1e-6),
    Act("threshold", "threshold", {"threshold": 0.5, "value": -2.0}, "Threshold", (0.5, -2.0),
        (0.5,), "Threshold(threshold=0.5, value=-2.0)"),
    Act("threshold-value-above", "threshold", {"threshold": -1.0, "value": 20.0}, "Threshold",
        (-1.0, 20.0), (-1.0,), "Threshold(threshold=-1.0, value=20.0)"),
    Act("softshrink", "softshrink", {}, "Softshrink", (), (-0.5, 0.5), "Softshrink(0.5)",
        inplace=False),
    Act("softshrink-2.5", "softshrink", {"lambd": 2.5}, "Softshrink", (2.5,), (-2.5, 2.5),
        "Softshrink(2.5)", inplace=False),
    Act("softshrink-0", "softshrink", {"lambd": 0.0}, "Softshrink", (0.0,), (0.0,),
        "Softshrink(0.0)", inplace=False),
    Act("hardshrink", "hardshrink", {}, "Hardshrink", (), (-0.5, 0.5), "Hardshrink(0.5)",
        inplace=False),
    Act("hardshrink-2.5", "hardshrink", {"lambd": 2.5}, "Hardshrink", (2.5,), (-2.5, 2.5),
        "Hardshrink(2.5)", inplace=False),
    Act("hardshrink-0", "hardshrink", {"lambd": 0.0}, "Hardshrink", (0.0,), (0.0,),
        "Hardshrink(0.0)", inplace=False),
    Act("hardshrink-negative", "hardshrink", {"lambd": -1.0}, "Hardshrink", (-1.0,),
        (-1.0, 1.0), "Hardshrink(-1.0)", inplace=False),
]
ACT_IDS = [a.id for a in ACTS]

# Every kink exactly, values just beside them, 0 and ±1e-8, large values of both signs.
_KINKS = sorted({k for a in ACTS for k in a.kinks})
GRID = np.array(sorted({-1000.0, -50.0, -20.0, -2.5, -0.5, -1e-8, 0.0, 1e-8, 0.5, 2.5, 10.0,
                        50.0, 1000.0, *_KINKS, *(k - 0.01 for k in _KINKS),
                        *(k + 0.01 for k in _KINKS)}))
DTYPES = pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-10), (np.float32, 1e-5)],
                                 ids=["float64", "float32"])


def _ours(act):
    return lambda x: getattr(F, act.fn)(x, **act.kwargs)


def _theirs(act, torch):
    return lambda x: getattr(torch.nn.functional, act.fn)(x, **act.kwargs)


def _smooth_points(act, rng, shape=(3, 5)):
    """Float64 inputs over [−8, 8] at least 0.05 from ``act``'s kinks (finite differences)."""
    x = rng.uniform(-8.0, 8.0, shape)
    for k in act.kinks:
        x = np.where(np.abs(x - k) < 0.05, x + 0.1, x)
    return x


@DTYPES
@pytest.mark.parametrize("act", ACTS, ids=ACT_IDS)
def test_activation_values_and_gradients_match_torch(act, dtype, rtol, rng, torch):
    x_np = GRID.astype(dtype)
    g_np = rng.standard_normal(x_np.shape).astype(dtype)
    x = ag.tensor(x_np, requires_grad=True)
    y = _ours(act)(x)
    y.backward(ag.tensor(g_np))
    tx = torch.tensor(x_np, requires_grad=True)
    ty = _theirs(act, torch)(tx)
    ty.backward(torch.from_numpy(g_np))
    assert y.dtype == x_np.dtype and y.shape == x_np.shape
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=rtol,
                               atol=act.value_atol[0 if dtype == np.float64 else 1])
    grad_rtol = act.grad_rtol64 if dtype == np.float64 else rtol
    grad_atol = act.grad_atol32 if dtype == np.float32 else act.grad_atol64
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=grad_rtol, atol=grad_atol)


@pytest.mark.parametrize("act", [a for a in ACTS if a.fn != "hardsigmoid"],
                         ids=[a.id for a in ACTS if a.fn != "hardsigmoid"])
def test_activation_second_derivatives_match_torch(act, rng, torch):
    # On the grid, kinks included (PyTorch has no double backward for hardsigmoid).
    x_np = GRID[(np.abs(GRID) < 100) & ~np.isin(GRID, act.gradgrad_differs_at)]
    g_np, v_np = rng.standard_normal((2, x_np.size))
    x = _leaf(x_np)
    (gx,) = ag.grad(_ours(act)(x), x, ag.tensor(g_np), create_graph=True)
    if gx.requires_grad:
        (ggx,) = ag.grad(gx, x, ag.tensor(v_np), allow_unused=True, materialize_grads=True)
    else:  # piecewise linear: a gradient that does not depend on x
        ggx = ag.zeros_like(x)
    tx = torch.tensor(x_np, requires_grad=True)
    (tgx,) = torch.autograd.grad(_theirs(act, torch)(tx), tx, torch.from_numpy(g_np),
                                 create_graph=True)
    if tgx.requires_grad:
        (tggx,) = torch.autograd.grad(tgx, tx, torch.from_numpy(v_np), allow_unused=True,
                                      materialize_grads=True)
    else:
        tggx = torch.zeros_like(tx)
    np.testing.assert_allclose(ggx.data, tggx.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("act", ACTS, ids=ACT_IDS)
def test_activation_gradcheck_and_gradgradcheck(act, rng):
    x = _leaf(_smooth_points(act, rng))
    assert ag.gradcheck(_ours(act), (x,))
    assert ag.gradgradcheck(_ours(act), (x,))


@DTYPES
@pytest.mark.parametrize("shape", [(0,), (2, 0, 3)], ids=["0", "2x0x3"])
@pytest.mark.parametrize("act", ACTS, ids=ACT_IDS)
def test_activation_of_empty_tensor(act, shape, dtype, rtol, torch):
    x = ag.tensor(np.zeros(shape, dtype=dtype), requires_grad=True)
    y = _ours(act)(x)
    ty = _theirs(act, torch)(torch.zeros(shape, dtype=getattr(torch, np.dtype(dtype).name)))
    assert y.shape == tuple(ty.shape) == shape and y.dtype == dtype
    y.sum().backward()
    assert x.grad.shape == shape and x.grad.dtype == dtype


@pytest.mark.parametrize("act", ACTS, ids=ACT_IDS)
def test_activation_module_matches_torch(act, rng, torch):
    # nn.<Module>(*args) against torch.nn.<Module>(*args) on a 3-d float32 batch.
    x = (rng.standard_normal((2, 3, 4)) * 4).astype(np.float32)
    g = rng.standard_normal((2, 3, 4)).astype(np.float32)
    assert_module_matches_torch(getattr(nn, act.module)(*act.args),
                                getattr(torch.nn, act.module)(*act.args), x, g, torch)


@pytest.mark.parametrize("act", ACTS, ids=ACT_IDS)
def test_activation_module_is_its_function(act, rng):
    x = ag.tensor(rng.standard_normal((4, 5)) * 4)
    np.testing.assert_array_equal(getattr(nn, act.module)(*act.args)(x).data,
                                  _ours(act)(x).data)


@pytest.mark.parametrize("act", ACTS, ids=ACT_IDS)
def test_activation_repr_is_pytorchs(act, torch):
    assert repr(getattr(nn, act.module)(*act.args)) == act.repr
    assert repr(getattr(torch.nn, act.module)(*act.args)) == act.repr


def test_activation_reprs_without_torch():
    assert repr(nn.ELU()) == "ELU(alpha=1.0)"
    assert repr(nn.Softplus()) == "Softplus(beta=1.0, threshold=20.0)"
    assert repr(nn.Hardtanh()) == "Hardtanh(min_val=-1.0, max_val=1.0)"
    assert repr(nn.ReLU6()) == "ReLU6()" and isinstance(nn.ReLU6(), nn.Hardtanh)


# (function, input, expected gradient): the values at the kinks, as PyTorch's
KINK_GRADIENTS = [
    (F.elu, [0.0], [1.0]),
    (lambda x: F.elu(x, alpha=0.5), [0.0], [0.5]),
    (F.selu, [0.0], [1.6732632423543772 * 1.0507009873554805]),
    (lambda x: F.celu(x, alpha=2.0), [0.0], [1.0]),
    (F.hardtanh, [-1.0, 1.0, -1.5, 0.0, 1.5], [0.0, 0.0, 0.0, 1.0, 0.0]),
    (F.relu6, [0.0, 6.0, 3.0], [0.0, 0.0, 1.0]),
    (F.hardsigmoid, [-3.0, 3.0, 0.0], [0.0, 0.0, 1 / 6]),
    (F.hardswish, [-3.0, 3.0, 0.0], [0.0, 1.0, 0.5]),
    (F.softplus, [20.0, 20.5], [1 / (1 + np.exp(-20.0)), 1.0]),
    (F.softsign, [0.0], [1.0]),
]


@pytest.mark.parametrize("fn, x, expected", KINK_GRADIENTS)
def test_gradients_at_kinks(fn, x, expected):
    t = _leaf(x)
    fn(t).sum().backward()
    np.testing.assert_allclose(t.grad.data, expected, rtol=1e-15)


def test_elu_family_is_finite_and_exact_at_extremes():
    x = _leaf([-1e308, -1000.0, -1e-12, 1000.0, 1e308])
    y = F.elu(x)
    np.testing.assert_array_equal(y.data[[0, 1, 3, 4]], [-1.0, -1.0, 1000.0, 1e308])
    assert y.data[2] == np.expm1(-1e-12)  # e^x − 1 would keep only ~4 digits
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, np.exp(-1e-12), 1.0, 1.0])


def test_softplus_switches_to_linear_above_threshold():
    x = ag.tensor([19.0, 20.0, 21.0, 5.0, 5.5], dtype=np.float64)
    np.testing.assert_array_equal(F.softplus(x).data[2], 21.0)
    np.testing.assert_allclose(F.softplus(x).data[:2], np.log1p(np.exp([19.0, 20.0])),
                               rtol=1e-15)
    y = F.softplus(x, beta=2.0, threshold=10.0).data
    np.testing.assert_allclose(y[3], np.log1p(np.exp(10.0)) / 2, rtol=1e-15)
    assert y[4] == 5.5


INPLACE_ACTS = [a for a in ACTS if a.inplace]


@pytest.mark.parametrize("act", INPLACE_ACTS, ids=[a.id for a in INPLACE_ACTS])
def test_inplace_flag_is_accepted_both_ways(act, rng):
    """(What ``inplace=True`` does is tested in test_inplace_activations.py.)"""
    x_np = rng.standard_normal(4)
    fn = getattr(F, act.fn)
    np.testing.assert_array_equal(fn(ag.tensor(x_np), **act.kwargs, inplace=False).data,
                                  _ours(act)(ag.tensor(x_np)).data)
    x = ag.tensor(x_np)
    assert fn(x, **act.kwargs, inplace=True) is x
    np.testing.assert_array_equal(x.data, _ours(act)(ag.tensor(x_np)).data)
    module = getattr(nn, act.module)
    assert module(*act.args, inplace=False).inplace is False
    assert module(*act.args, inplace=True).inplace is True


def test_integer_inputs_follow_pytorch(torch):
    ints = np.array([-7, -1, 0, 2, 9])
    for fn in ("hardtanh", "relu6"):  # integer in, integer out
        out = getattr(F, fn)(ag.tensor(ints))
        ref = getattr(torch.nn.functional, fn)(torch.from_numpy(ints))
        assert out.dtype == np.int64
        np.testing.assert_array_equal(out.data, ref.numpy())
    out = F.hardtanh(ag.tensor(ints), -0.5, 2.5)  # bounds truncated: [0, 2]
    np.testing.assert_array_equal(
        out.data, torch.nn.functional.hardtanh(torch.from_numpy(ints), -0.5, 2.5).numpy())
    soft = F.softsign(ag.tensor(ints))  # the default float dtype
    assert soft.dtype == np.float32
    np.testing.assert_allclose(soft.data, torch.nn.functional.softsign(
        torch.from_numpy(ints)).numpy(), rtol=1e-6)
    for fn in ("elu", "selu", "celu", "silu", "mish", "softplus", "hardsigmoid", "hardswish"):
        with pytest.raises(TypeError, match=f"{fn}: input must be floating point, got int64"):
            getattr(F, fn)(ag.tensor(ints))


def test_activation_argument_errors():
    with pytest.raises(ValueError, match="celu: alpha cannot be 0"):
        F.celu(ag.ones(2), alpha=0.0)
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(ag.ones(2), 2.0, 1.0)
    np.testing.assert_array_equal(F.hardtanh(ag.tensor([0.0, 3.0]), 1.0, 1.0).data, [1, 1])
    with pytest.raises(ValueError, match=r"Hardtanh: max_val \(1\) must be greater than "
                                         r"min_val \(1\)"):
        nn.Hardtanh(1, 1)


def test_activations_keep_float32():
    x = ag.randn(3, 4)
    for act in ACTS:
        assert _ours(act)(x).dtype == np.float32, act.id


# ====================================================================== LayerNorm
def _layer_norm_pair(torch, normalized_shape, affine, bias, dtype, rng):
    ours = nn.LayerNorm(normalized_shape, elementwise_affine=affine, bias=bias, dtype=dtype)
    theirs = torch.nn.LayerNorm(normalized_shape, elementwise_affine=affine, bias=bias,
                                dtype=getattr(torch, np.dtype(dtype).name))
    with ag.no_grad(), torch.no_grad():  # non-trivial affine parameters, the same in both
        for name, p in ours.named_parameters():
            p.copy_(rng.standard_normal(p.shape).astype(dtype))
            getattr(theirs, name).copy_(torch.from_numpy(p.data))
    return ours, theirs


LN_CONFIGS = [(4, True, True), (4, True, False), (4, False, True), ((3, 4), True, True),
              ((3, 4), True, False), ((3, 4), False, False)]
LN_IDS = ["4-affine", "4-nobias", "4-plain", "3x4-affine", "3x4-nobias", "3x4-plain"]


@DTYPES
@pytest.mark.parametrize("normalized_shape, affine, bias", LN_CONFIGS, ids=LN_IDS)
def test_layer_norm_matches_torch(normalized_shape, affine, bias, dtype, rtol, rng, torch):
    ours, theirs = _layer_norm_pair(torch, normalized_shape, affine, bias, dtype, rng)
    x_np = (rng.standard_normal((2, 3, 4)) * 3 + 1).astype(dtype)
    g_np = rng.standard_normal((2, 3, 4)).astype(dtype)
    x, tx = ag.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    y.backward(ag.tensor(g_np))
    ty.backward(torch.from_numpy(g_np))
    assert y.dtype == dtype and y.shape == (2, 3, 4)
    # atol: the input gradient is a difference of terms of size ~1 that nearly cancel
    atol = 1e-13 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=rtol, atol=atol)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=rtol, atol=atol)
    names = [n for n, _ in ours.named_parameters()]
    assert names == [n for n, _ in theirs.named_parameters()]
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, getattr(theirs, name).grad.numpy(), rtol=rtol,
                                   atol=atol, err_msg=name)


@pytest.mark.parametrize("normalized_shape", [4, (3, 4)], ids=["4", "3x4"])
def test_functional_layer_norm_matches_torch(normalized_shape, rng, torch):
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
    x_np, w_np, b_np = (rng.standard_normal(s) for s in ((5, 3, 4), shape, shape))
    args = [_leaf(a) for a in (x_np, w_np, b_np)]
    targs = [torch.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np)]
    y = F.layer_norm(args[0], normalized_shape, args[1], args[2], eps=1e-3)
    ty = torch.nn.functional.layer_norm(targs[0], list(shape), targs[1], targs[2], eps=1e-3)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-13)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    for a, ta in zip(args, targs):
        np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_layer_norm_formula_and_defaults(rng):
    ln = nn.LayerNorm(5)
    assert ln.normalized_shape == (5,) and ln.eps == 1e-5
    assert ln.weight.dtype == ln.bias.dtype == ag.get_default_dtype()
    np.testing.assert_array_equal(ln.weight.data, np.ones(5))
    np.testing.assert_array_equal(ln.bias.data, np.zeros(5))
    assert nn.LayerNorm([2, 3], dtype=np.float64).weight.dtype == np.float64
    x = rng.standard_normal((4, 5))
    expected = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    y = nn.LayerNorm(5, dtype=np.float64)(ag.tensor(x))
    np.testing.assert_allclose(y.data, expected, rtol=1e-12, atol=1e-14)
    no_affine = nn.LayerNorm(5, elementwise_affine=False)
    assert no_affine.weight is None and no_affine.bias is None
    assert list(no_affine.parameters()) == []
    assert nn.LayerNorm(5, bias=False).bias is None


def test_layer_norm_gradcheck_and_gradgradcheck(rng):
    x, w, b = (_leaf(rng.standard_normal(s)) for s in ((3, 2, 4), (2, 4), (2, 4)))
    fn = lambda x, w, b: F.layer_norm(x, (2, 4), w, b)  # noqa: E731
    assert ag.gradcheck(fn, (x, w, b))
    assert ag.gradgradcheck(fn, (x, w, b))


def test_layer_norm_empty_batch(torch):
    x = ag.tensor(np.zeros((0, 4)), requires_grad=True)
    y = F.layer_norm(x, (4,))
    assert y.shape == (0, 4)
    y.sum().backward()
    assert x.grad.shape == (0, 4)
    assert tuple(torch.nn.functional.layer_norm(torch.zeros(0, 4), (4,)).shape) == (0, 4)


def test_layer_norm_repr_matches_torch(torch):
    for args, kwargs in [((4,), {}), (((3, 4),), {"elementwise_affine": False}),
                         ((4,), {"bias": False, "eps": 1e-3})]:
        assert nn.LayerNorm(*args, **kwargs).extra_repr() == \
            torch.nn.LayerNorm(*args, **kwargs).extra_repr()
    assert repr(nn.LayerNorm(4)).startswith(
        "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)")


def test_layer_norm_errors():
    with pytest.raises(ag.ShapeError, match=r"LayerNorm\(\(4,\), .*\): normalized_shape \(4,\) "
                                            r"needs input of shape \(\*, 4\), got input of "
                                            r"shape \(2, 3\)"):
        nn.LayerNorm(4)(ag.ones(2, 3))
    with pytest.raises(ag.ShapeError, match=r"layer_norm: .*\(\*, 3, 4\).*\(4,\)"):
        F.layer_norm(ag.ones(4), (3, 4))
    with pytest.raises(ag.ShapeError, match=r"layer_norm: weight of shape \(3,\) does not "
                                            r"match normalized_shape \(4,\)"):
        F.layer_norm(ag.ones(2, 4), (4,), weight=ag.ones(3))
    with pytest.raises(TypeError, match="input is float64 but weight is float32"):
        nn.LayerNorm(4)(ag.ones(2, 4, dtype=np.float64))
    with pytest.raises(TypeError, match="must be floating point, got int64"):
        F.layer_norm(ag.tensor([[1, 2]]), 2)
    with pytest.raises(ValueError, match="at least one dimension"):
        nn.LayerNorm(())


# ====================================================================== Embedding
def _embedding_pair(torch, padding_idx=None, dtype=np.float64):
    ours = nn.Embedding(7, 3, padding_idx=padding_idx, dtype=dtype)
    theirs = torch.nn.Embedding(7, 3, padding_idx=padding_idx,
                                dtype=getattr(torch, np.dtype(dtype).name))
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weight.data))
    return ours, theirs


INDICES = np.array([[1, 2, 1, 6], [0, 2, 2, 2]])  # repeats: rows 1 and 2 sum their gradients


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("padding_idx", [None, 0, 2, -1], ids=["nopad", "pad0", "pad2", "pad-1"])
def test_embedding_matches_torch(padding_idx, dtype, rng, torch):
    ours, theirs = _embedding_pair(torch, padding_idx, dtype)
    if padding_idx is not None:  # a nonzero padding row is read as it is, in both
        with ag.no_grad(), torch.no_grad():
            ours.weight[padding_idx].fill_(0.5)
            theirs.weight[padding_idx].fill_(0.5)
    g = rng.standard_normal((2, 4, 3)).astype(dtype)
    y, ty = ours(ag.tensor(INDICES)), theirs(torch.from_numpy(INDICES))
    assert y.shape == (2, 4, 3) and y.dtype == dtype
    np.testing.assert_array_equal(y.data, ty.detach().numpy())
    y.backward(ag.tensor(g))
    ty.backward(torch.from_numpy(g))
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=rtol)
    if padding_idx is not None:
        np.testing.assert_array_equal(ours.weight.grad.data[padding_idx], 0.0)


def test_embedding_gradient_accumulates_over_repeats(rng):
    emb = nn.Embedding(4, 2, dtype=np.float64)
    g = rng.standard_normal((5, 2))
    emb(np.array([3, 1, 3, 3, 0])).backward(ag.tensor(g))
    expected = np.zeros((4, 2))
    np.add.at(expected, [3, 1, 3, 3, 0], g)
    np.testing.assert_allclose(emb.weight.grad.data, expected, rtol=1e-15)


def test_functional_embedding_matches_torch(rng, torch):
    w_np = rng.standard_normal((5, 2))
    w, tw = _leaf(w_np), torch.tensor(w_np, requires_grad=True)
    idx = np.array([4, 0, 4, 1])
    y = F.embedding(ag.tensor(idx), w, padding_idx=-1)
    ty = torch.nn.functional.embedding(torch.from_numpy(idx), tw, padding_idx=-1)
    np.testing.assert_array_equal(y.data, ty.detach().numpy())
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-12)


INDEX_SHAPES = pytest.mark.parametrize("index_shape", [(), (3,), (2, 3, 2), (0,), (2, 0)],
                                       ids=["0d", "1d", "3d", "empty", "2x0"])


@INDEX_SHAPES
def test_embedding_output_shape_is_torchs(index_shape, torch):
    idx = torch.zeros(index_shape, dtype=torch.int64)
    assert nn.Embedding(6, 4)(idx.numpy()).shape == tuple(torch.nn.Embedding(6, 4)(idx).shape)


@INDEX_SHAPES
def test_embedding_output_shape(index_shape, rng):
    idx = rng.integers(0, 6, index_shape)
    emb = nn.Embedding(6, 4)
    out = emb(ag.tensor(idx))
    assert out.shape == (*index_shape, 4) and out.dtype == np.float32
    out.sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.data.sum(1), 4 * np.bincount(
        np.ravel(idx), minlength=6))


def test_embedding_indices_as_array_list_and_tensor(rng):
    emb = nn.Embedding(5, 2)
    for idx in ([1, 3], np.array([1, 3]), ag.tensor([1, 3]), np.array([1, 3], dtype=np.int32)):
        np.testing.assert_array_equal(emb(idx).data, emb.weight.data[[1, 3]])


def test_embedding_init_is_standard_normal_from_the_global_generator():
    ag.manual_seed(3)
    emb = nn.Embedding(6, 4, padding_idx=2)
    ag.manual_seed(3)
    expected = ag.get_rng().standard_normal((6, 4), dtype=np.float32)
    expected[2] = 0.0
    np.testing.assert_array_equal(emb.weight.data, expected)
    assert emb.weight.dtype == np.float32 and emb.padding_idx == 2
    seeded = nn.Embedding(6, 4, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(
        seeded.weight.data, np.random.default_rng(0).standard_normal((6, 4), dtype=np.float32))
    big = nn.Embedding(200, 50, dtype=np.float64).weight.data
    assert abs(big.mean()) < 0.05 and abs(big.std() - 1) < 0.05


def test_embedding_gradcheck_and_gradgradcheck(rng):
    # Without padding_idx: the padding row's 0 gradient is by design not the derivative.
    w = _leaf(rng.standard_normal((5, 3)))
    idx = np.array([[0, 4], [4, 2]])
    assert ag.gradcheck(lambda w: F.embedding(idx, w) ** 2, (w,))
    assert ag.gradgradcheck(lambda w: F.embedding(idx, w) ** 2, (w,))
    assert ag.gradgradcheck(lambda w: F.embedding(idx, w, padding_idx=2) ** 2, (w,))


def test_embedding_repr_matches_torch(torch):
    for args in [(10, 3), (10, 3, 0), (10, 3, -1)]:
        assert nn.Embedding(*args).extra_repr() == torch.nn.Embedding(*args).extra_repr()
    assert repr(nn.Embedding(10, 3, padding_idx=-1)).startswith("Embedding(10, 3, padding_idx=9)")


def test_embedding_errors():
    emb = nn.Embedding(10, 3)
    with pytest.raises(IndexError, match=r"Embedding\(10, 3\): index 10 is out of range: "
                                         r"indices must lie in \[0, 9\] for 10 embeddings"):
        emb(np.array([[1, 10]]))
    with pytest.raises(IndexError, match=r"index -1 is out of range.*\[0, 9\]"):
        emb([-1, 2])
    with pytest.raises(TypeError, match=r"Embedding\(10, 3\): indices must be integers.*float"):
        emb(np.array([1.0]))
    with pytest.raises(ag.ShapeError, match=r"embedding: weight must be 2-D .*\(10, 3, 2\)"):
        F.embedding(np.array([1]), ag.ones(10, 3, 2))
    with pytest.raises(ValueError, match=r"padding_idx must be within num_embeddings.*got 10"):
        nn.Embedding(10, 3, padding_idx=10)
    with pytest.raises(ValueError, match=r"padding_idx must be within num_embeddings.*got -11"):
        F.embedding(np.array([1]), ag.ones(10, 3), padding_idx=-11)


@pytest.mark.parametrize("options", [
    {"max_norm": 1.0}, {"max_norm": 0.5, "norm_type": 1.0}, {"scale_grad_by_freq": True},
    {"max_norm": 1.5, "scale_grad_by_freq": True, "padding_idx": 2},
], ids=["max_norm", "max_norm-l1", "scale_grad_by_freq", "all"])
def test_embedding_options_match_torch(options, rng, torch):
    table = rng.standard_normal((7, 3))
    idx = np.array([[1, 2, 1], [5, 1, 6]])
    g = rng.standard_normal((2, 3, 3))
    ours = nn.Embedding(7, 3, _weight=table.copy(), **options)
    theirs = torch.nn.Embedding(7, 3, _weight=torch.tensor(table), **options)
    assert ours.extra_repr() == theirs.extra_repr()
    for _ in range(2):  # the second pass reads rows the first renormalized
        ours.zero_grad()
        theirs.zero_grad()
        out = ours(idx)
        tout = theirs(torch.from_numpy(idx))
        np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-12)
        out.backward(ag.tensor(g))
        tout.backward(torch.tensor(g))
        np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(),
                                   rtol=1e-12)
        np.testing.assert_allclose(ours.weight.data, theirs.weight.detach().numpy(),
                                   rtol=1e-12)
    w = ag.tensor(table, requires_grad=True)
    f = F.embedding(ag.tensor(idx), w, scale_grad_by_freq=True)
    tw = torch.tensor(table, requires_grad=True)
    tf = torch.nn.functional.embedding(torch.from_numpy(idx), tw, scale_grad_by_freq=True)
    f.backward(ag.tensor(g))
    tf.backward(torch.tensor(g))
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-12)


def test_embedding_max_norm_rescales_the_rows_read_in_place():
    table = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    emb = nn.Embedding(3, 2, max_norm=1.0, _weight=table.copy())
    before = emb.weight._version.value
    out = emb([0, 1])
    np.testing.assert_allclose(out.data, [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)
    np.testing.assert_allclose(emb.weight.data[2], [6.0, 8.0])  # not read: unchanged
    assert emb.weight._version.value == before + 1
    squares = emb.weight * emb.weight  # saves the weight; the next renormalization changes it
    emb([2])
    with pytest.raises(ag.GraphError, match="modified in place"):
        squares.sum().backward()


def test_embedding_scale_grad_by_freq_divides_by_the_counts(rng):
    # Deliberately not the derivative (so no gradcheck): each row's gradient over its count.
    w_np = rng.standard_normal((4, 2))
    idx = np.array([0, 3, 0, 0, 2])
    w = ag.tensor(w_np, requires_grad=True)
    (F.embedding(idx, w, scale_grad_by_freq=True) ** 2).sum().backward()
    exact = ag.tensor(w_np, requires_grad=True)
    (F.embedding(idx, exact) ** 2).sum().backward()
    counts = np.array([3.0, 1.0, 1.0, 1.0])[:, None]
    np.testing.assert_allclose(w.grad.data, exact.grad.data / counts, rtol=1e-15)
    w.grad = None
    F.embedding(idx, w, scale_grad_by_freq=True).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [[1.0, 1.0], [0.0, 0.0], [1.0, 1.0],
                                                [1.0, 1.0]])


def test_embedding_from_pretrained(torch):
    table = np.arange(6.0).reshape(3, 2)
    ours = nn.Embedding.from_pretrained(table)
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(table))
    assert not ours.weight.requires_grad and ours.extra_repr() == theirs.extra_repr()
    np.testing.assert_array_equal(ours([2, 0]).data, [[4.0, 5.0], [0.0, 1.0]])
    trained = nn.Embedding.from_pretrained(ag.tensor(table), freeze=False, padding_idx=0)
    assert trained.weight.requires_grad and trained.padding_idx == 0
    np.testing.assert_array_equal(trained.weight.data, table)  # the padding row kept as given
    with pytest.raises(ValueError, match="embeddings must be 2-D"):
        nn.Embedding.from_pretrained(np.ones(3))
    with pytest.raises(ValueError, match=r"_weight of shape \(3, 2\) does not match \(4, 2\)"):
        nn.Embedding(4, 2, _weight=table)


def test_embedding_sparse_gradients_are_refused():
    with pytest.raises(ValueError, match="sparse=True .* dense"):
        nn.Embedding(3, 2, sparse=True)
    with pytest.raises(ValueError, match="sparse=True .* dense"):
        F.embedding([0], ag.ones(3, 2), sparse=True)


# ====================================================================== Unflatten
UNFLATTEN_CASES = [
    # (dim, unflattened_size, input shape, output shape)
    (1, (2, 3), (4, 6), (4, 2, 3)),
    (-1, [2, -1], (4, 6), (4, 2, 3)),
    (0, (2, 2), (4, 6), (2, 2, 6)),
    (1, (3, 2, 1), (2, 6, 5), (2, 3, 2, 1, 5)),
    (-2, (-1, 2), (0, 6, 1), (0, 3, 2, 1)),
    (1, (6,), (4, 6), (4, 6)),
]


@pytest.mark.parametrize("dim, sizes, in_shape, out_shape", UNFLATTEN_CASES)
def test_unflatten_shapes_and_gradient(dim, sizes, in_shape, out_shape, rng):
    x_np = rng.standard_normal(in_shape)
    x = _leaf(x_np)
    y = nn.Unflatten(dim, sizes)(x)
    assert y.shape == out_shape
    np.testing.assert_array_equal(y.data, x_np.reshape(out_shape))
    g = rng.standard_normal(out_shape)
    y.backward(ag.tensor(g))
    np.testing.assert_array_equal(x.grad.data, g.reshape(in_shape))


@pytest.mark.parametrize("dim, sizes, in_shape, out_shape", UNFLATTEN_CASES)
def test_unflatten_matches_torch(dim, sizes, in_shape, out_shape, torch):
    assert tuple(torch.nn.Unflatten(dim, sizes)(torch.zeros(in_shape)).shape) == out_shape
    assert repr(nn.Unflatten(dim, sizes)) == repr(torch.nn.Unflatten(dim, sizes))


def test_unflatten_in_a_model_and_gradcheck(rng):
    model = nn.Sequential(nn.Linear(6, 6, dtype=np.float64), nn.Unflatten(1, (2, 3)))
    assert model(ag.tensor(rng.standard_normal((5, 6)))).shape == (5, 2, 3)
    x = _leaf(rng.standard_normal((2, 6)))
    assert ag.gradcheck(nn.Unflatten(1, (3, 2)), (x,))
    assert repr(nn.Unflatten(-1, [2, -1])) == "Unflatten(dim=-1, unflattened_size=[2, -1])"


def test_unflatten_errors():
    with pytest.raises(TypeError, match="must be a tuple of ints, but found type int"):
        nn.Unflatten(1, 6)
    with pytest.raises(TypeError, match="found element of type float at pos 1"):
        nn.Unflatten(1, (2, 1.5))
    with pytest.raises(ValueError, match="at most one -1"):
        nn.Unflatten(1, (-1, -1))
    with pytest.raises(ag.ShapeError, match=r"Unflatten\(dim=1, unflattened_size=\(2, 3\)\): "
                                            r"sizes \(2, 3\) don't multiply up to the size of "
                                            r"dim 1 \(7\) of the input of shape \(2, 7\)"):
        nn.Unflatten(1, (2, 3))(ag.ones(2, 7))
    with pytest.raises(ag.ShapeError, match=r"\(4, -1\) don't multiply up .* \(6\)"):
        nn.Unflatten(1, (4, -1))(ag.ones(2, 6))
    with pytest.raises(IndexError, match=r"dim 2 is out of range for input of shape \(2, 6\)"):
        nn.Unflatten(2, (2, 3))(ag.ones(2, 6))
