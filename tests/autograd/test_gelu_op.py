"""``autograd.gelu``, one op whose backward runs a compiled kernel and, when recorded
(``create_graph=True``), is composed of Tensor ops: both backward paths give the same
gradient, including at ±inf (the limits 1 and 0) and where the kernel is not run (0-d,
integer input). The op table (tests/helpers/optable.py) adds gradcheck, gradgradcheck and
PyTorch parity over broadcast, scalar, empty and non-contiguous inputs."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag

FORMS = ["none", "tanh"]
SPECIALS = [np.inf, -np.inf, 0.0, -0.0, 40.0, -40.0, 1e-300, -3.0, 6.0, -6.0]


def _points(dtype: type) -> np.ndarray:
    rng = np.random.default_rng(7)
    return np.concatenate([rng.standard_normal(2000) * 3, SPECIALS]).astype(dtype)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
def test_recorded_and_compiled_backward_agree(form, dtype) -> None:
    x = ag.tensor(_points(dtype), requires_grad=True)
    (compiled,) = ag.grad(ag.gelu(x, approximate=form).sum(), [x])
    (recorded,) = ag.grad(ag.gelu(x, approximate=form).sum(), [x], create_graph=True)
    assert recorded.requires_grad and compiled.dtype == recorded.dtype == dtype
    tol = {np.float32: 2e-6, np.float64: 1e-14}[dtype]
    np.testing.assert_allclose(recorded.data, compiled.data, rtol=tol, atol=tol)
    np.testing.assert_array_equal(compiled.data[-len(SPECIALS):][:2], [1.0, 0.0])
    np.testing.assert_array_equal(recorded.data[-len(SPECIALS):][:2], [1.0, 0.0])


@pytest.mark.parametrize("form", FORMS)
def test_second_derivative_is_the_exact_formula(form) -> None:
    x = np.linspace(-6, 6, 241)
    t = ag.tensor(x, requires_grad=True)
    (g,) = ag.grad(ag.gelu(t, approximate=form).sum(), [t], create_graph=True)
    (gg,) = ag.grad(g.sum(), [t])
    if form == "none":
        pdf = np.exp(-x * x / 2) / np.sqrt(2 * np.pi)
        want = pdf * (2 - x * x)  # d/dx (Φ + xφ) = φ + φ - x²φ
    else:
        k, c = np.sqrt(2 / np.pi), 0.044715
        u = k * (x + c * x**3)
        du, d2u = k * (1 + 3 * c * x * x), k * 6 * c * x
        sech2 = 1 - np.tanh(u) ** 2
        want = sech2 * du + 0.5 * x * (sech2 * d2u - 2 * np.tanh(u) * sech2 * du * du)
    np.testing.assert_allclose(gg.data, want, rtol=1e-12, atol=1e-14)


def test_integer_input_and_scalars() -> None:
    y = ag.gelu(ag.tensor(np.array([-1, 0, 2])))
    assert y.dtype == ag.get_default_dtype()
    np.testing.assert_allclose(y.data, [-0.15865525, 0.0, 1.9544997], rtol=1e-6)
    s = ag.tensor(1.5, dtype=np.float64, requires_grad=True)
    ag.gelu(s).backward()
    assert s.grad.shape == ()
    assert s.grad.item() == pytest.approx(0.9331928 + 1.5 * 0.1295176, rel=1e-6)  # Φ + xφ


def test_bad_form_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh', got 'erf'"):
        ag.gelu(ag.ones(2), approximate="erf")


@requires_torch
@pytest.mark.parametrize("form", FORMS)
def test_float32_matches_pytorch(form) -> None:
    x = np.random.default_rng(3).standard_normal((64, 33)).astype(np.float32).T  # strided
    ours = ag.tensor(x, requires_grad=True)
    y = ag.gelu(ours, approximate=form)
    y.backward(ag.tensor(np.ones_like(x)))
    th = torch()
    theirs = th.tensor(x, requires_grad=True)
    ty = th.nn.functional.gelu(theirs, approximate=form)
    ty.backward(th.ones_like(ty))
    # PyTorch's float32 ½x(1 + erf(x/√2)) cancels for x < 0, so is off by up to ~2e-7 there
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=2e-6, atol=5e-7)
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=2e-6, atol=1e-6)
