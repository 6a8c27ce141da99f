"""PReLU, LogSigmoid, Softmin, Threshold, Tanhshrink, Softshrink and Hardshrink, and the
distances CosineSimilarity, PairwiseDistance and ``F.normalize``, with PyTorch 2.13's
semantics (modules and ``F`` forms).

For each: values and gradients against PyTorch in float64 (rtol 1e-10) and float32 (rtol
1e-5) on inputs holding the kinks exactly, values beside them, large values of both signs
and empty tensors; second derivatives against PyTorch; ``gradcheck`` and ``gradgradcheck``
in float64 away from the kinks; reprs; errors. The PyTorch tests skip when torch is not
installed.
"""

from __future__ import annotations

import warnings

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


DTYPES = pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-10), (np.float32, 1e-5)],
                                 ids=["float64", "float32"])


def _leaf(a, dtype=np.float64):
    return ag.tensor(np.asarray(a, dtype=dtype), requires_grad=True)


def _forward_backward_both(ours, theirs, arrays, g, torch):
    """``ours(*leaves)`` and ``theirs(*torch leaves)`` backpropagating ``g``: the outputs
    and the gradients of every input, as arrays (ours, then theirs)."""
    xs = [ag.tensor(a, requires_grad=True) for a in arrays]
    txs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = ours(*xs), theirs(*txs)
    y.backward(ag.tensor(g))
    ty.backward(torch.from_numpy(np.asarray(g)))
    assert y.shape == tuple(ty.shape) and y.dtype == np.dtype(str(ty.dtype)[6:])
    return (y.data, [x.grad.data for x in xs]), (ty.detach().numpy(), [t.grad.numpy()
                                                                      for t in txs])


def _assert_match(ours, theirs, arrays, rng, torch, rtol, atol=0.0, grad_atol=None,
                  grad_scaled_atol=0.0):
    """Outputs and input gradients of ``ours`` and ``theirs`` on ``arrays`` agree.
    ``grad_scaled_atol`` is an absolute tolerance relative to the largest gradient entry
    (for gradients that cancel to ~0 beside entries of size 1/eps)."""
    shape = np.shape(ours(*[ag.tensor(a) for a in arrays]).data)
    g = rng.standard_normal(shape).astype(np.asarray(arrays[0]).dtype)
    (y, grads), (ty, tgrads) = _forward_backward_both(ours, theirs, arrays, g, torch)
    np.testing.assert_allclose(y, ty, rtol=rtol, atol=atol)
    grad_atol = atol if grad_atol is None else grad_atol
    for i, (gx, tgx) in enumerate(zip(grads, tgrads)):
        scale = np.abs(tgx).max() if tgx.size else 0.0
        np.testing.assert_allclose(gx, tgx, rtol=rtol, atol=max(grad_atol,
                                                                 grad_scaled_atol * scale),
                                   err_msg=f"input {i}")


def _second_derivatives(fn, arrays, g, v, grad):
    """``∂/∂x_j Σ_i <∂<fn, g>/∂x_i, v_i>``: the Hessian-vector products of every input, by
    ``grad`` (``ag.grad`` or ``torch.autograd.grad``) on leaves ``xs``."""
    xs, make, zeros = arrays
    y = fn(*xs)
    firsts = grad(y, xs, g, create_graph=True)
    total = sum((f * vi).sum() for f, vi in zip(firsts, v) if f.requires_grad)
    if isinstance(total, int):  # piecewise linear: no gradient depends on the inputs
        return [zeros(x) for x in xs]
    return [make(s) for s in grad(total, xs, allow_unused=True, materialize_grads=True)]


def _assert_second_derivatives_match(ours, theirs, arrays, rng, torch, rtol=1e-9,
                                     atol=1e-12):
    shape = np.shape(ours(*[ag.tensor(a) for a in arrays]).data)
    g = rng.standard_normal(shape)
    v = [rng.standard_normal(np.shape(a)) for a in arrays]
    mine = _second_derivatives(
        ours, ([_leaf(a) for a in arrays], lambda t: t, ag.zeros_like),
        ag.tensor(g), [ag.tensor(x) for x in v], ag.grad)
    ref = _second_derivatives(
        theirs, ([torch.tensor(a, requires_grad=True) for a in arrays], lambda t: t,
                 torch.zeros_like),
        torch.tensor(g), [torch.tensor(x) for x in v], torch.autograd.grad)
    for i, (a, b) in enumerate(zip(mine, ref)):
        np.testing.assert_allclose(a.data, b.detach().numpy(force=True), rtol=rtol, atol=atol,
                                   err_msg=f"input {i}")


# ====================================================================== elementwise
# LogSigmoid, Tanhshrink, Threshold, Softshrink and Hardshrink are in test_more_layers.py's
# activation table (values, gradients and second derivatives against PyTorch, gradcheck,
# empty tensors, modules, reprs); here are their kinks, extremes and errors.


def test_activation_reprs_without_torch():
    assert repr(nn.Softshrink()) == "Softshrink(0.5)"
    assert repr(nn.Hardshrink(1)) == "Hardshrink(1)"
    assert repr(nn.Threshold(0.1, 20)) == "Threshold(threshold=0.1, value=20)"
    assert repr(nn.Threshold(0.1, 20, True)) == "Threshold(threshold=0.1, value=20, inplace=True)"
    assert repr(nn.Softmin()) == "Softmin(dim=None)" and repr(nn.Softmin(1)) == "Softmin(dim=1)"
    assert repr(nn.LogSigmoid()) == "LogSigmoid()" and repr(nn.Tanhshrink()) == "Tanhshrink()"


# (function, input, expected gradient): the values at the kinks, as PyTorch's
KINK_GRADIENTS = [
    (F.softshrink, [-0.5, 0.5, -0.50001, 0.50001, 0.0], [0.0, 0.0, 1.0, 1.0, 0.0]),
    (lambda x: F.softshrink(x, 0.0), [0.0, -1e-300, 1e-300], [0.0, 1.0, 1.0]),
    (F.hardshrink, [-0.5, 0.5, -0.50001, 0.50001, 0.0], [0.0, 0.0, 1.0, 1.0, 0.0]),
    (lambda x: F.hardshrink(x, 0.0), [0.0, -1e-300, 1e-300], [0.0, 1.0, 1.0]),
    (lambda x: F.threshold(x, 0.1, 20.0), [0.1, 0.1000001, 0.0999999], [0.0, 1.0, 0.0]),
    (F.logsigmoid, [0.0, -1000.0, 1000.0], [0.5, 1.0, 0.0]),
    (F.tanhshrink, [0.0, 1000.0], [0.0, 1.0]),
]


@pytest.mark.parametrize("fn, x, expected", KINK_GRADIENTS)
def test_gradients_at_kinks(fn, x, expected):
    t = _leaf(x)
    fn(t).sum().backward()
    np.testing.assert_allclose(t.grad.data, expected, rtol=1e-15)


def test_values_at_kinks_and_extremes():
    x = ag.tensor([-0.5, 0.5, -0.7, 0.7, 0.0], dtype=np.float64)
    np.testing.assert_allclose(F.softshrink(x).data, [0.0, 0.0, -0.2, 0.2, 0.0], atol=1e-16)
    assert np.signbit(F.softshrink(x).data[0])  # x·0 in the dead zone: −0, as PyTorch's
    np.testing.assert_array_equal(F.hardshrink(x).data, [0.0, 0.0, -0.7, 0.7, 0.0])
    np.testing.assert_array_equal(F.threshold(x, 0.5, 9.0).data, [9.0, 9.0, 9.0, 0.7, 9.0])
    big = ag.tensor([-1e308, -1000.0, 40.0, 1000.0, 1e308], dtype=np.float64)
    np.testing.assert_array_equal(F.logsigmoid(big).data[[0, 1, 3, 4]],
                                  [-1e308, -1000.0, 0.0, 0.0])
    assert F.logsigmoid(big).data[2] == -np.log1p(np.exp(-40.0))  # not log(1) = 0
    np.testing.assert_array_equal(F.tanhshrink(ag.tensor([1e308, -1e308], np.float64)).data,
                                  [1e308, -1e308])


def test_nan_propagates_as_in_torch(torch):
    x_np = np.array([np.nan, 0.2, -3.0])
    for fn, kwargs in [("softshrink", {}), ("hardshrink", {}), ("logsigmoid", {}),
                       ("tanhshrink", {}), ("threshold", {"threshold": 0.0, "value": 5.0})]:
        ours = getattr(F, fn)(ag.tensor(x_np), **kwargs).data
        theirs = getattr(torch.nn.functional, fn)(torch.tensor(x_np), **kwargs).numpy()
        np.testing.assert_array_equal(ours, theirs, err_msg=fn)


def test_activations_keep_float32():
    x = ag.randn(3, 4)
    for fn in (F.logsigmoid, F.tanhshrink, F.softshrink, F.hardshrink,
               lambda t: F.threshold(t, 0.5, -2.0)):
        assert fn(x).dtype == np.float32


def test_integer_inputs_follow_pytorch(torch):
    ints = np.array([-3, -1, 0, 1, 2, 3])
    cases = [(-0.5, 7.9), (0.5, -3.0), (1, 100), (2.5, 0), (-1.7, -8.2)]
    for th, value in cases:  # bounds and value truncated to integers; integer out
        out = F.threshold(ag.tensor(ints), th, value)
        ref = torch.nn.functional.threshold(torch.from_numpy(ints), th, value)
        assert out.dtype == np.int64
        np.testing.assert_array_equal(out.data, ref.numpy(), err_msg=str((th, value)))
    shrink = F.tanhshrink(ag.tensor(ints))  # the default float dtype
    assert shrink.dtype == np.float32
    np.testing.assert_allclose(shrink.data, torch.nn.functional.tanhshrink(
        torch.from_numpy(ints)).numpy(), rtol=1e-6)
    for fn in ("logsigmoid", "softshrink", "hardshrink", "softmin"):
        with pytest.raises(TypeError, match=f"{fn}: input must be floating point, got int64"):
            getattr(F, fn)(ag.tensor(ints), *((0,) if fn == "softmin" else ()))
    with pytest.raises(TypeError, match="threshold: input must be floating point, got bool"):
        F.threshold(ag.tensor([True, False]), 0, 1)


def test_shrink_argument_errors(torch):
    for lambd in (-0.1, float("nan")):
        with pytest.raises(ValueError, match=f"softshrink: lambd must be >= 0, got {lambd}"):
            F.softshrink(ag.ones(2), lambd)
        with pytest.raises(RuntimeError, match="lambda must be in range"):
            torch.nn.functional.softshrink(torch.ones(2), lambd)
    with pytest.raises(ValueError, match="softshrink: lambd must be >= 0"):
        nn.Softshrink(-1.0)(ag.ones(2))
    # a negative lambd makes hardshrink the identity, in both
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(F.hardshrink(ag.tensor(x), -1.0).data, x)
    np.testing.assert_array_equal(torch.nn.functional.hardshrink(torch.tensor(x), -1.0), x)


# ------------------------------------------------------------ threshold in place
def test_threshold_inplace_matches_out_of_place_and_torch(rng, torch):
    x_np = rng.uniform(-2.0, 2.0, (3, 4))
    x_np[0, :2] = 0.5  # at the threshold
    g_np = rng.standard_normal(x_np.shape)
    results = []
    for inplace in (False, True):
        x = _leaf(x_np)
        h = x * 2.0
        y = F.threshold(h, 1.0, 7.0, inplace=inplace)  # value above the threshold
        assert (y is h) is inplace
        y.backward(ag.tensor(g_np))
        results.append((y.data.copy(), x.grad.data.copy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    tx = torch.tensor(x_np, requires_grad=True)
    th = tx * 2.0
    torch.nn.functional.threshold(th, 1.0, 7.0, inplace=True).backward(torch.tensor(g_np))
    np.testing.assert_array_equal(results[1][0], th.detach().numpy())
    np.testing.assert_array_equal(results[1][1], tx.grad.numpy())


def test_threshold_underscore_form_and_module_flag(rng, torch):
    x_np = rng.standard_normal(6)
    x = ag.tensor(x_np)
    assert F.threshold_(x, 0.0, -1.0) is x
    np.testing.assert_array_equal(x.data, np.where(x_np > 0, x_np, -1.0))
    layer = nn.Threshold(0.0, -1.0, inplace=True)
    assert layer.inplace is True and nn.Threshold(0.0, -1.0).inplace is False
    h = ag.tensor(x_np)
    assert layer(h) is h
    assert repr(layer) == repr(torch.nn.Threshold(0.0, -1.0, inplace=True))
    ints = ag.tensor(np.array([-2, 0, 3]))
    F.threshold_(ints, 0, 9)
    np.testing.assert_array_equal(ints.data, [9, 9, 3])


def test_threshold_inplace_gradcheck_and_refusals(rng):
    x = _leaf(rng.uniform(0.2, 2.0, (2, 3)) * rng.choice([-1, 1], (2, 3)))
    assert ag.gradcheck(lambda t: F.threshold(t * 1.0, 0.0, 3.0, inplace=True), (x,))
    with pytest.raises(RuntimeError, match="leaf"):
        F.threshold(x, 0.0, 3.0, inplace=True)
    with pytest.raises(TypeError, match="threshold: inplace must be True or False"):
        F.threshold(ag.ones(2), 0.0, 1.0, 1)
    with pytest.raises(TypeError, match="Threshold: inplace must be True or False"):
        nn.Threshold(0.0, 1.0, "yes")


# ========================================================================== PReLU
PRELU_CASES = [
    # (input shape, weight shape)
    ((2, 3, 4), (3,)),
    ((2, 3, 4), (1,)),
    ((2, 3, 4), ()),
    ((4, 3), (3,)),
    ((2, 3, 2, 2), (3,)),
    ((5,), (1,)),
    ((), (1,)),
    ((0, 3), (3,)),
    ((2, 0, 3), (1,)),
]
PRELU_IDS = [f"{'x'.join(map(str, s)) or '0d'}-w{'x'.join(map(str, w)) or '0d'}"
             for s, w in PRELU_CASES]


def _prelu_inputs(shape, wshape, rng, dtype):
    x = rng.standard_normal(shape) * 3
    x.flat[::4] = 0.0  # the kink
    w = rng.uniform(-0.5, 1.5, wshape)
    return x.astype(dtype), w.astype(dtype)


@DTYPES
@pytest.mark.parametrize("shape, wshape", PRELU_CASES, ids=PRELU_IDS)
def test_prelu_matches_torch(shape, wshape, dtype, rtol, rng, torch):
    x, w = _prelu_inputs(shape, wshape, rng, dtype)
    assert F.prelu(ag.tensor(x), ag.tensor(w)).shape == shape
    _assert_match(F.prelu, torch.nn.functional.prelu, [x, w], rng, torch, rtol)


@pytest.mark.parametrize("shape, wshape", PRELU_CASES[:6], ids=PRELU_IDS[:6])
def test_prelu_second_derivatives_match_torch(shape, wshape, rng, torch):
    x, w = _prelu_inputs(shape, wshape, rng, np.float64)
    _assert_second_derivatives_match(F.prelu, torch.nn.functional.prelu, [x, w], rng, torch)


@pytest.mark.parametrize("shape, wshape", PRELU_CASES[:6], ids=PRELU_IDS[:6])
def test_prelu_gradcheck_and_gradgradcheck(shape, wshape, rng):
    x, w = _prelu_inputs(shape, wshape, rng, np.float64)
    x = np.where(np.abs(x) < 0.05, 0.3, x)
    assert ag.gradcheck(F.prelu, (_leaf(x), _leaf(w)))
    assert ag.gradgradcheck(F.prelu, (_leaf(x), _leaf(w)))


def test_prelu_formula_and_weight_gradient(rng):
    x_np = np.array([[-2.0, 0.0, 3.0], [1.0, -4.0, -0.5]])
    x, w = _leaf(x_np), _leaf([0.25])
    y = F.prelu(x, w)
    np.testing.assert_array_equal(y.data, [[-0.5, 0.0, 3.0], [1.0, -1.0, -0.125]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0.25, 0.25, 1.0], [1.0, 0.25, 0.25]])
    np.testing.assert_array_equal(w.grad.data, [-2.0 - 4.0 - 0.5])
    # one slope per channel (dim 1): each gets the sum of min(0, x) over its channel
    x3 = _leaf(rng.standard_normal((4, 3, 5)))
    w3 = _leaf([0.1, 0.2, 0.3])
    F.prelu(x3, w3).sum().backward()
    np.testing.assert_allclose(w3.grad.data, np.minimum(x3.data, 0).sum(axis=(0, 2)),
                               rtol=1e-13)


def test_prelu_module_defaults_and_dtype():
    m = nn.PReLU()
    assert m.num_parameters == 1 and m.init == 0.25
    assert m.weight.shape == (1,) and m.weight.dtype == np.float32
    np.testing.assert_array_equal(m.weight.data, [0.25])
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    m3 = nn.PReLU(3, init=0.1, dtype=np.float64)
    assert m3.weight.dtype == np.float64
    np.testing.assert_array_equal(m3.weight.data, [0.1, 0.1, 0.1])
    with ag.no_grad():
        m3.weight.fill_(2.0)
    m3.reset_parameters()
    np.testing.assert_array_equal(m3.weight.data, [0.1, 0.1, 0.1])
    assert m3.extra_repr() == "num_parameters=3"
    assert repr(m3).startswith("PReLU(num_parameters=3)")
    assert sum(p.numel() for p in m3.parameters()) == 3
    assert "(0): PReLU(num_parameters=3)" in repr(nn.Sequential(m3))
    assert list(nn.PReLU(0).weight.shape) == [0]


@pytest.mark.parametrize("num_parameters, shape", [(1, (2, 3, 4)), (3, (2, 3, 4)), (1, (5,)),
                                                   (4, (6, 4))],
                         ids=["shared-3d", "per-channel-3d", "1d", "per-channel-2d"])
def test_prelu_module_matches_torch(num_parameters, shape, rng, torch):
    ours, theirs = nn.PReLU(num_parameters, init=0.3), torch.nn.PReLU(num_parameters, init=0.3)
    assert ours.extra_repr() == theirs.extra_repr()
    x = (rng.standard_normal(shape) * 2).astype(np.float32)
    g = rng.standard_normal(shape).astype(np.float32)
    assert_module_matches_torch(ours, theirs, x, g, torch)
    np.testing.assert_array_equal(ours.weight.data, theirs.weight.detach().numpy())


def test_prelu_trains_its_slope(rng):
    m = nn.PReLU(dtype=np.float64)
    x = ag.tensor(-np.abs(rng.standard_normal(20)) - 0.1)
    loss = ((m(x) - x * 0.8) ** 2).mean()
    loss.backward()
    assert m.weight.grad.data[0] < 0  # the slope must grow towards 0.8


def test_prelu_errors(torch):
    with pytest.raises(ag.ShapeError, match=r"prelu: weight has 4 slopes but the input of "
                                            r"shape \(2, 3, 4\) has 3 channels .*"
                                            r"num_parameters=3"):
        F.prelu(ag.ones(2, 3, 4), ag.ones(4))
    with pytest.raises(RuntimeError, match="parameter numbers = 4 and channel size = 3"):
        torch.nn.functional.prelu(torch.ones(2, 3, 4), torch.ones(4))
    with pytest.raises(ag.ShapeError, match=r"weight has 3 slopes but the input of shape "
                                            r"\(3,\) has 1 channel "):
        F.prelu(ag.ones(3), ag.ones(3))
    with pytest.raises(ag.ShapeError, match=r"weight has 3 slopes .*\(2, 4\) has 4 channels"):
        nn.PReLU(3)(ag.ones(2, 4))
    with pytest.raises(ag.ShapeError, match=r"prelu: weight must be a scalar or 1-D .*"
                                            r"\(1, 1\)"):
        F.prelu(ag.ones(2, 3), ag.ones(1, 1))
    with pytest.raises(TypeError, match="prelu: input is float64 but weight is float32"):
        nn.PReLU()(ag.ones(2, dtype=np.float64))
    with pytest.raises(TypeError, match="prelu: input must be floating point, got int64"):
        F.prelu(ag.tensor([1, -2]), ag.ones(1))
    for bad in (-1, 2.0, True):
        with pytest.raises(ValueError, match=f"PReLU: num_parameters must be .* got {bad!r}"):
            nn.PReLU(bad)


# ======================================================================== Softmin
SOFTMIN_SHAPES = [((5,), 0), ((3, 4), 1), ((3, 4), 0), ((2, 3, 4), -1), ((2, 3, 4), 1),
                  ((2, 0, 3), 1), ((2, 0, 3), 2)]


@DTYPES
@pytest.mark.parametrize("shape, dim", SOFTMIN_SHAPES)
def test_softmin_matches_torch(shape, dim, dtype, rtol, rng, torch):
    x = (rng.standard_normal(shape) * 5).astype(dtype)
    if x.size:
        x.flat[0], x.flat[-1] = 1000.0, -1000.0  # stable at the extremes
    _assert_match(lambda t: F.softmin(t, dim), lambda t: torch.nn.functional.softmin(t, dim),
                  [x], rng, torch, rtol, atol=1e-30)


def test_softmin_second_derivatives_and_gradcheck(rng, torch):
    x = rng.standard_normal((3, 4))
    _assert_second_derivatives_match(lambda t: F.softmin(t, 1),
                                     lambda t: torch.nn.functional.softmin(t, 1), [x], rng,
                                     torch)
    assert ag.gradcheck(lambda t: F.softmin(t, 0), (_leaf(x),))
    assert ag.gradgradcheck(lambda t: F.softmin(t, 0), (_leaf(x),))


def test_softmin_is_softmax_of_minus_x(rng):
    x = ag.tensor(rng.standard_normal((3, 4)))
    np.testing.assert_array_equal(F.softmin(x, 1).data, F.softmax(-x, 1).data)
    np.testing.assert_allclose(nn.Softmin(0)(x).data.sum(0), np.ones(4), rtol=1e-15)


@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 3, 4), (2, 3, 4, 2)],
                         ids=["0d", "1d", "2d", "3d", "4d"])
def test_softmin_implicit_dim_is_torchs_with_its_warning(shape, rng, torch):
    x = rng.standard_normal(shape)
    with pytest.warns(UserWarning) as ours:
        y = F.softmin(ag.tensor(x))
    with pytest.warns(UserWarning) as theirs:
        ty = torch.nn.functional.softmin(torch.tensor(x))
    np.testing.assert_allclose(y.data, ty.numpy(), rtol=1e-12)
    assert str(ours[0].message) == str(theirs[0].message) == (
        "Implicit dimension choice for softmin has been deprecated. Change the call to "
        "include dim=X as an argument.")
    assert ours[0].filename == __file__  # the warning points at the caller
    with pytest.warns(UserWarning, match="Implicit dimension") as module_call:
        np.testing.assert_allclose(nn.Softmin()(ag.tensor(x)).data, ty.numpy(), rtol=1e-12)
    assert module_call[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.softmin(ag.tensor(x), 0)  # an explicit dim: no warning


def test_softmin_dtype_argument(torch):
    ints = np.array([1, 2, 3])
    y = F.softmin(ag.tensor(ints), 0, dtype=np.float64)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.data, torch.nn.functional.softmin(
        torch.from_numpy(ints), 0, dtype=torch.float64).numpy(), rtol=1e-15)
    assert F.softmin(ag.ones(3, dtype=np.float64), 0, dtype=np.float32).dtype == np.float32
    x = _leaf([1.0, 2.0])
    F.softmin(x, 0, dtype=np.float32)[0].backward()
    assert x.grad.dtype == np.float64


def test_softmin_errors():
    with pytest.raises(TypeError, match="softmin: input must be floating point, got int64"):
        F.softmin(ag.tensor([1, 2]), 0)
    with pytest.raises(IndexError, match="axis 2 is out of bounds"):
        F.softmin(ag.ones(2, 3), 2)


# ============================================================== cosine_similarity
COSINE_CASES = [
    # (x1 shape, x2 shape, dim)
    ((4, 5), (4, 5), 1),
    ((4, 5), (4, 5), 0),
    ((4, 5), (4, 5), -1),
    ((1, 3), (4, 3), 1),
    ((2, 1, 3), (4, 3), -1),
    ((3, 1), (1, 4), 1),  # x1 is broadcast along dim itself
    ((2, 3, 4), (3, 4), 0),
    ((5,), (5,), 0),
    ((5,), (2, 5), 1),
    ((), (), 0),
    ((0, 3), (0, 3), 1),
    ((2, 0), (2, 0), 1),
]
COSINE_IDS = [f"{'x'.join(map(str, a)) or '0d'}-{'x'.join(map(str, b)) or '0d'}-dim{d}"
              for a, b, d in COSINE_CASES]


def _cos_inputs(s1, s2, rng, dtype):
    return [(rng.standard_normal(s) * 2).astype(dtype) for s in (s1, s2)]


@DTYPES
@pytest.mark.parametrize("s1, s2, dim", COSINE_CASES, ids=COSINE_IDS)
def test_cosine_similarity_matches_torch(s1, s2, dim, dtype, rtol, rng, torch):
    x1, x2 = _cos_inputs(s1, s2, rng, dtype)
    _assert_match(lambda a, b: F.cosine_similarity(a, b, dim),
                  lambda a, b: torch.nn.functional.cosine_similarity(a, b, dim),
                  [x1, x2], rng, torch, rtol, atol=1e-15 if dtype == np.float64 else 1e-6)


EPS_ROWS = np.array([
    [0.0, 0.0, 0.0],  # a zero vector
    [1e-9, 0.0, 0.0],  # a norm below eps = 1e-8
    [3e-9, -4e-9, 1e-9],
    [1e-8, 0.0, 0.0],  # the norm is eps exactly
    [1.0, -2.0, 0.5],
    [1e150, 2e150, -1e150],  # large: each vector is divided by its norm first
])


@DTYPES
def test_cosine_similarity_eps_cases_match_torch(dtype, rtol, rng, torch):
    x1 = EPS_ROWS.astype(dtype) if dtype == np.float64 else EPS_ROWS[:5].astype(dtype)
    x2 = np.roll(x1, 1, axis=0) + 0.5 * rng.standard_normal(x1.shape).astype(dtype)
    for a, b in [(x1, x2), (x2, x1), (x1, x1)]:  # (x1, x1): gradients that cancel to ~0
        _assert_match(F.cosine_similarity, torch.nn.functional.cosine_similarity, [a, b], rng,
                      torch, rtol, atol=1e-300, grad_scaled_atol=100 * np.finfo(dtype).eps)
    big, other = np.array([[1e300, 1e300]]), np.array([[1.0, -3.0]])
    with np.errstate(over="ignore"):  # an overflowing norm: 0 in both
        y = F.cosine_similarity(ag.tensor(big), ag.tensor(other))
    np.testing.assert_array_equal(y.data, torch.nn.functional.cosine_similarity(
        torch.tensor(big), torch.tensor(other)).numpy())


def test_cosine_similarity_straight_through_clamp():
    # A norm below eps is eps in value, but its gradient is the norm's (PyTorch clamps it
    # in place outside autograd): d/dx1 of (x1/max(‖x1‖, eps))·u.
    x1 = _leaf([[1e-9, 0.0]])
    u = np.array([1.0, 2.0]) / np.sqrt(5.0)
    y = F.cosine_similarity(x1, ag.tensor([[1.0, 2.0]], dtype=np.float64))
    np.testing.assert_allclose(y.data, [1e-9 * u[0] / 1e-8], rtol=1e-15)
    y.backward()
    np.testing.assert_allclose(x1.grad.data, [u / 1e-8 - (1e-9 * u[0] / 1e-16) * np.array(
        [1.0, 0.0])], rtol=1e-12)
    zero = _leaf([[0.0, 0.0]])
    F.cosine_similarity(zero, ag.tensor([[1.0, 2.0]], dtype=np.float64)).backward()
    np.testing.assert_allclose(zero.grad.data, [u / 1e-8], rtol=1e-15)


def test_cosine_similarity_custom_eps(rng, torch):
    x1, x2 = np.array([[0.1, 0.0], [3.0, 4.0]]), np.array([[0.2, 0.0], [1.0, 1.0]])
    _assert_match(lambda a, b: F.cosine_similarity(a, b, eps=1.0),
                  lambda a, b: torch.nn.functional.cosine_similarity(a, b, eps=1.0),
                  [x1, x2], rng, torch, 1e-12)


def test_cosine_similarity_second_derivatives_and_gradcheck(rng, torch):
    for s1, s2, dim in [((4, 5), (4, 5), 1), ((1, 3), (4, 3), 1), ((3, 1), (1, 4), 1)]:
        x1, x2 = _cos_inputs(s1, s2, rng, np.float64)
        ours = lambda a, b, d=dim: F.cosine_similarity(a, b, d)  # noqa: E731
        _assert_second_derivatives_match(
            ours, lambda a, b, d=dim: torch.nn.functional.cosine_similarity(a, b, d),
            [x1, x2], rng, torch)
        assert ag.gradcheck(ours, (_leaf(x1), _leaf(x2)))
        assert ag.gradgradcheck(ours, (_leaf(x1), _leaf(x2)))
    # The clamped norms: the same straight-through graph in both. Not the zero vector, where
    # PyTorch's second derivative is NaN (its norm's double backward divides by the norm 0)
    # and this one is finite.
    x1 = EPS_ROWS[1:4]
    x2 = rng.standard_normal(x1.shape)
    _assert_second_derivatives_match(F.cosine_similarity, torch.nn.functional.cosine_similarity,
                                     [x1, x2], rng, torch, atol=1e-6)


def test_cosine_similarity_dtypes(torch):
    ints = np.array([[1, 2]])
    for other in (np.float32, np.float64):
        y = F.cosine_similarity(ag.tensor(ints), ag.tensor(np.array([[1.0, 3.0]], other)))
        tother = torch.tensor([[1.0, 3.0]], dtype=getattr(torch, other.__name__))
        ty = torch.nn.functional.cosine_similarity(torch.from_numpy(ints), tother)
        assert y.dtype == other and str(ty.dtype) == f"torch.{other.__name__}"
        np.testing.assert_allclose(y.data, ty.numpy(), rtol=1e-6)
    mixed = F.cosine_similarity(ag.ones(1, 2), ag.ones(1, 2, dtype=np.float64))
    assert mixed.dtype == np.float64
    with pytest.raises(TypeError, match="cosine_similarity: at least one input must be "
                                        "floating point, got int64 and int64"):
        F.cosine_similarity(ag.tensor(ints), ag.tensor(ints))


def test_cosine_similarity_errors(torch):
    with pytest.raises(ag.ShapeError, match=r"cosine_similarity: x1 of shape \(1, 2\) and x2 "
                                            r"of shape \(1, 3\) cannot be broadcast"):
        F.cosine_similarity(ag.ones(1, 2), ag.ones(1, 3), dim=-1)
    with pytest.raises(IndexError, match=r"cosine_similarity: dim 1 is out of range for the "
                                         r"inputs broadcast to shape \(2,\)"):
        F.cosine_similarity(ag.ones(2), ag.ones(2))
    with pytest.raises(IndexError, match="Dimension out of range"):
        torch.nn.functional.cosine_similarity(torch.ones(2), torch.ones(2))


def test_cosine_similarity_module(rng, torch):
    m = nn.CosineSimilarity(dim=0, eps=1e-3)
    assert (m.dim, m.eps) == (0, 1e-3)
    assert repr(m) == repr(torch.nn.CosineSimilarity(0, 1e-3)) == "CosineSimilarity()"
    x1, x2 = rng.standard_normal((2, 3, 4))
    np.testing.assert_array_equal(m(ag.tensor(x1), ag.tensor(x2)).data,
                                  F.cosine_similarity(ag.tensor(x1), ag.tensor(x2), 0, 1e-3).data)
    assert nn.CosineSimilarity()(ag.ones(4, 3), ag.ones(4, 3)).shape == (4,)


# ============================================================== pairwise_distance
PAIRWISE_CASES = [
    # (x1 shape, x2 shape, p, keepdim)
    ((4, 5), (4, 5), 2.0, False),
    ((4, 5), (4, 5), 2.0, True),
    ((4, 5), (4, 5), 1.0, False),
    ((4, 5), (4, 5), 3.0, False),
    ((4, 5), (4, 5), 0.5, False),
    ((4, 5), (4, 5), -1.0, False),
    ((4, 5), (4, 5), float("inf"), False),
    ((4, 5), (4, 5), float("-inf"), True),
    ((5,), (4, 5), 2.0, False),
    ((2, 1, 5), (3, 5), 2.0, True),
    ((5,), (5,), 2.0, False),
    ((), (), 2.0, False),
    ((), (3,), 1.0, False),
    ((0, 5), (0, 5), 2.0, False),
    ((3, 0), (3, 0), 2.0, True),
]
PAIRWISE_IDS = [f"{'x'.join(map(str, a)) or '0d'}-{'x'.join(map(str, b)) or '0d'}-p{p}"
                f"{'-keep' if k else ''}" for a, b, p, k in PAIRWISE_CASES]


@DTYPES
@pytest.mark.parametrize("s1, s2, p, keepdim", PAIRWISE_CASES, ids=PAIRWISE_IDS)
def test_pairwise_distance_matches_torch(s1, s2, p, keepdim, dtype, rtol, rng, torch):
    x1, x2 = _cos_inputs(s1, s2, rng, dtype)
    _assert_match(lambda a, b: F.pairwise_distance(a, b, p, keepdim=keepdim),
                  lambda a, b: torch.nn.functional.pairwise_distance(a, b, p, keepdim=keepdim),
                  [x1, x2], rng, torch, rtol)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, float("inf")])
def test_pairwise_distance_of_equal_rows_matches_torch(p, rng, torch):
    # x1 − x2 + eps: equal rows are eps·D^(1/p) apart (eps=0: a zero vector, gradient 0)
    x = np.array([[1.0, 2.0, -3.0], [0.5, 0.5, 0.5]])
    for eps in (1e-6, 0.0, 0.25):
        _assert_match(lambda a, b, e=eps: F.pairwise_distance(a, b, p, e),
                      lambda a, b, e=eps: torch.nn.functional.pairwise_distance(a, b, p, e),
                      [x, x.copy()], rng, torch, 1e-10, atol=1e-300)
    expected = 1e-6 * 3 ** (1 / p) if p != float("inf") else 1e-6
    np.testing.assert_allclose(F.pairwise_distance(ag.tensor(x), ag.tensor(x), p).data,
                               [expected] * 2, rtol=1e-12)


def test_pairwise_distance_p0_counts_nonzeros(torch):
    x1, x2 = np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([[1.0, 2.0], [3.0, 3.0]])
    y = F.pairwise_distance(ag.tensor(x1), ag.tensor(x2), 0.0)
    ty = torch.nn.functional.pairwise_distance(torch.tensor(x1), torch.tensor(x2), 0.0)
    np.testing.assert_array_equal(y.data, ty.numpy())
    np.testing.assert_array_equal(y.data, [2.0, 2.0])
    assert not y.requires_grad


def test_pairwise_distance_second_derivatives_and_gradcheck(rng, torch):
    for p in (1.0, 2.0, 3.0):
        x1, x2 = _cos_inputs((4, 5), (4, 5), rng, np.float64)
        ours = lambda a, b, q=p: F.pairwise_distance(a, b, q)  # noqa: E731
        _assert_second_derivatives_match(
            ours, lambda a, b, q=p: torch.nn.functional.pairwise_distance(a, b, q), [x1, x2],
            rng, torch)
        assert ag.gradcheck(ours, (_leaf(x1), _leaf(x2)))
        assert ag.gradgradcheck(ours, (_leaf(x1), _leaf(x2)))


def test_pairwise_distance_dtypes_and_errors(torch):
    ints = np.array([[1, 2], [3, 5]])
    y = F.pairwise_distance(ag.tensor(ints), ag.tensor(ints[::-1].copy()))
    ty = torch.nn.functional.pairwise_distance(torch.from_numpy(ints),
                                               torch.from_numpy(ints[::-1].copy()))
    assert y.dtype == np.float32 and ty.dtype == torch.float32
    np.testing.assert_allclose(y.data, ty.numpy(), rtol=1e-6)
    assert F.pairwise_distance(ag.ones(2, dtype=np.float32),
                               ag.ones(2, dtype=np.float64)).dtype == np.float64
    with pytest.raises(ag.ShapeError, match=r"pairwise_distance: x1 of shape \(1, 2\) and x2 "
                                            r"of shape \(1, 3\) cannot be broadcast"):
        F.pairwise_distance(ag.ones(1, 2), ag.ones(1, 3))
    with pytest.raises(TypeError, match="pairwise_distance: .* int64"):
        F.pairwise_distance(ag.tensor(ints), ag.tensor(ints), eps=0)


def test_pairwise_distance_module(rng, torch):
    m = nn.PairwiseDistance(p=1.0, eps=0.0, keepdim=True)
    assert (m.norm, m.eps, m.keepdim) == (1.0, 0.0, True)
    assert repr(m) == repr(torch.nn.PairwiseDistance(1.0, 0.0, True)) == "PairwiseDistance()"
    x1, x2 = rng.standard_normal((2, 3, 4))
    out = m(ag.tensor(x1), ag.tensor(x2))
    assert out.shape == (3, 1)
    np.testing.assert_allclose(out.data[:, 0], np.abs(x1 - x2).sum(1), rtol=1e-14)
    assert nn.PairwiseDistance()(ag.ones(4, 3), ag.zeros(4, 3)).shape == (4,)


# ====================================================================== normalize
NORMALIZE_CASES = [
    # (shape, p, dim)
    ((4, 5), 2.0, 1),
    ((4, 5), 2.0, 0),
    ((4, 5), 2.0, -1),
    ((4, 5), 1.0, 1),
    ((4, 5), 3.0, 1),
    ((4, 5), float("inf"), 1),
    ((2, 3, 4), 2.0, (0, 2)),
    ((5,), 2.0, 0),
    ((), 2.0, 0),
    ((0, 3), 2.0, 1),
    ((3, 0), 2.0, 1),
]
NORMALIZE_IDS = [f"{'x'.join(map(str, s)) or '0d'}-p{p}-dim{d}" for s, p, d in NORMALIZE_CASES]


@DTYPES
@pytest.mark.parametrize("shape, p, dim", NORMALIZE_CASES, ids=NORMALIZE_IDS)
def test_normalize_matches_torch(shape, p, dim, dtype, rtol, rng, torch):
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    _assert_match(lambda t: F.normalize(t, p, dim), lambda t: torch.nn.functional.normalize(
        t, p, dim), [x], rng, torch, rtol, atol=1e-15 if dtype == np.float64 else 1e-6)


@pytest.mark.parametrize("p", [1.0, 2.0, float("inf")])
def test_normalize_eps_cases_match_torch(p, rng, torch):
    # a zero row, a norm below eps, the norm exactly eps (clamp_min passes the gradient)
    rows = np.array([[0.0, 0.0], [1e-4, 0.0], [1e-3, 0.0], [0.3, -0.4]])
    _assert_match(lambda t: F.normalize(t, p, eps=1e-3),
                  lambda t: torch.nn.functional.normalize(t, p, eps=1e-3), [rows], rng, torch,
                  1e-12)
    x = _leaf(rows)
    F.normalize(x, p, eps=1e-3).backward(ag.ones(4, 2))
    np.testing.assert_array_equal(x.grad.data[:2], 1e3)  # below eps: divided by eps


def test_normalize_second_derivatives_and_gradcheck(rng, torch):
    x = rng.standard_normal((3, 4))
    for p, dim in [(2.0, 1), (3.0, 0), (1.0, 1)]:
        ours = lambda t, q=p, d=dim: F.normalize(t, q, d)  # noqa: E731
        _assert_second_derivatives_match(
            ours, lambda t, q=p, d=dim: torch.nn.functional.normalize(t, q, d), [x], rng, torch)
        assert ag.gradcheck(ours, (_leaf(x),))
        assert ag.gradgradcheck(ours, (_leaf(x),))


def test_normalize_unit_rows_and_out(rng):
    x_np = rng.standard_normal((4, 3))
    y = F.normalize(ag.tensor(x_np))
    np.testing.assert_allclose(np.linalg.norm(y.data, axis=1), np.ones(4), rtol=1e-15)
    out = ag.zeros(4, 3, dtype=np.float32)
    assert F.normalize(ag.tensor(x_np), out=out) is out
    np.testing.assert_allclose(out.data, y.data, rtol=1e-6)
    leaf = _leaf(x_np)
    with pytest.raises(RuntimeError, match="normalize: out= is not differentiable"):
        F.normalize(leaf, out=ag.zeros(4, 3))
    with ag.no_grad():
        F.normalize(leaf, out=out)
    with pytest.raises(ag.ShapeError, match=r"normalize: out has shape \(3, 4\) but the "
                                            r"result has shape \(4, 3\)"):
        F.normalize(ag.tensor(x_np), out=ag.zeros(3, 4))
    with pytest.raises(TypeError, match="normalize: out must be a Tensor"):
        F.normalize(ag.tensor(x_np), out=np.zeros((4, 3)))


def test_normalize_errors():
    with pytest.raises(TypeError, match="normalize: input must be floating point, got int64"):
        F.normalize(ag.tensor([[1, 2]]))
    with pytest.raises(IndexError, match="axis 1 is out of bounds"):
        F.normalize(ag.ones(3))  # dim=1 of a 1-d input, as in PyTorch


# ====================================================================== GELU
def _gelu_exact(x: np.ndarray) -> np.ndarray:
    """``0.5·x·erfc(−x/√2)`` in float64 by Python's libm, per element."""
    import math

    return np.array([0.5 * v * math.erfc(-v / math.sqrt(2.0)) for v in x.astype(float)])


def test_gelu_is_accurate_where_one_plus_erf_cancels():
    # PyTorch's float32 GELU is ~4e-5 off at x = −3 and gives 0 below −5.5; this one
    # stays within a few ulp of the exact value, down to float32's smallest numbers, plus
    # what rounding u = x/√2 (x times the rounded 1/√2) costs there: erfc(u) changes by
    # ~2u² = x² relative per relative change of u, so up to ~1.5·x² ulp (float64: twice
    # that, the float64 reference rounding its own u the same way).
    x = np.linspace(-14.0, 8.0, 4401)
    for dtype, factor in ((np.float32, 1.5), (np.float64, 3.0)):
        xs = x.astype(dtype)
        got = F.gelu(ag.tensor(xs)).data.astype(np.float64)
        want = _gelu_exact(xs).astype(dtype).astype(np.float64)
        normal = np.abs(want) >= np.finfo(dtype).tiny
        ulps = np.abs(got - want)[normal] / np.spacing(np.abs(want[normal]).astype(dtype))
        allowed = 4 + factor * np.where(xs < 0, xs.astype(float) ** 2, 0)[normal]
        assert (ulps <= allowed).all(), (dtype, (ulps - allowed).max())
    assert F.gelu(ag.tensor(-20.0)).item() == pytest.approx(_gelu_exact(np.array([-20.0]))[0],
                                                           rel=1e-13)


def test_gelu_formulas_and_errors(rng):
    x = rng.standard_normal(50)
    tanh_form = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    np.testing.assert_allclose(F.gelu(ag.tensor(x), approximate="tanh").data, tanh_form,
                               rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(nn.GELU()(ag.tensor(x)).data, _gelu_exact(x), rtol=1e-13,
                               atol=1e-16)
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh', got 'x'"):
        F.gelu(ag.ones(2), approximate="x")
    with pytest.raises(ValueError, match="GELU: approximate must be"):
        nn.GELU("erf")
    with pytest.raises(TypeError, match="gelu: input must be floating point"):
        F.gelu(ag.tensor(np.array([1, 2])))
