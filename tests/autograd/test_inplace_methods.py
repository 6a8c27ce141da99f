"""PyTorch's in-place methods formed from an out-of-place method (``t.sin_()``,
``t.lerp_(end, w)``, ``t.eq_(y)``...): values, dtypes and gradients against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
from autograd.tensor_more import _IN_PLACE_FORMS

torch = pytest.importorskip("torch")

# name -> arguments after the tensor, given the operand y (3, 4) and r (4,) in a library
ARGS = {
    "atan2": lambda y, r: (y,), "arctan2": lambda y, r: (r,), "fmod": lambda y, r: (0.3,),
    "remainder": lambda y, r: (y,), "true_divide": lambda y, r: (r,),
    "lerp": lambda y, r: (y, 0.3), "clip": lambda y, r: (0.2, 0.6),
    "cumsum": lambda y, r: (1,), "cumprod": lambda y, r: (0,), "tril": lambda y, r: (),
    "triu": lambda y, r: (1,), "nan_to_num": lambda y, r: (),
    "eq": lambda y, r: (y,), "ne": lambda y, r: (y,), "lt": lambda y, r: (y,),
    "le": lambda y, r: (r,), "gt": lambda y, r: (0.5,), "ge": lambda y, r: (y,),
    "logical_and": lambda y, r: (y,), "logical_or": lambda y, r: (y,),
    "logical_xor": lambda y, r: (r,), "renorm": lambda y, r: (2, 0, 0.5),
    "addr": lambda y, r: (y[:, 0], r),
}
SQUARE = {"addmm": lambda y, r: (y[:3, :3], y[:3, :3]),
          "baddbmm": lambda y, r: (y[:3, :3].reshape(1, 3, 3), y[:3, :3].reshape(1, 3, 3)),
          "addmv": lambda y, r: (y[:3, :3], y[0, :3]),
          "addbmm": lambda y, r: (y[:3, :3].reshape(1, 3, 3), y[:3, :3].reshape(1, 3, 3))}
NOT_DIFFERENTIABLE = {"eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_not",
                      "logical_or", "logical_xor"}


def _inputs(name: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    shape = (3, 3) if name in SQUARE else (3, 4)
    if name == "baddbmm":
        shape = (1, 3, 3)
    if name == "addmv":
        shape = (3,)
    x = rng.uniform(0.1, 0.9, shape)
    x.flat[0] = 0.5  # equal to y's first element: eq/ne/le/ge see a tie
    y = rng.uniform(0.1, 0.9, (3, 4))
    y.flat[0] = 0.5
    return x, y, rng.uniform(0.1, 0.9, 4)


def _args(name: str, lib_y, lib_r) -> tuple:
    return (SQUARE.get(name) or ARGS.get(name, lambda y, r: ()))(lib_y, lib_r)


@pytest.mark.parametrize("name", _IN_PLACE_FORMS)
def test_in_place_method_matches_pytorch(name, rng) -> None:
    x0, y0, r0 = _inputs(name, rng)
    w0 = rng.standard_normal(x0.shape)
    grad = name not in NOT_DIFFERENTIABLE
    x, y, r = (ag.tensor(a, requires_grad=grad) for a in (x0, y0, r0))
    tx, ty, tr = (torch.tensor(a, requires_grad=grad) for a in (x0, y0, r0))
    z, tz = x * 1.0, tx * 1.0
    assert getattr(z, f"{name}_")(*_args(name, y, r)) is z
    with torch.no_grad() if not grad else torch.enable_grad():
        getattr(tz, f"{name}_")(*_args(name, ty, tr))
    np.testing.assert_allclose(z.data, tz.detach().numpy(), rtol=1e-12, atol=1e-15)
    assert z.dtype == np.float64
    if not grad:
        return
    (z * w0).sum().backward()
    (tz * torch.tensor(w0)).sum().backward()
    for ours, theirs in ((x, tx), (y, ty), (r, tr)):
        if theirs.grad is None:
            assert ours.grad is None or not ours.grad.data.any()
        else:
            np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-10,
                                       atol=1e-12)


def test_comparison_of_a_float_tensor_writes_ones_and_zeros_in_its_dtype() -> None:
    t = ag.tensor([1.0, 2.0, 3.0], dtype=np.float32)
    assert t.gt_(1.5) is t and t.dtype == np.float32
    np.testing.assert_array_equal(t.data, [0.0, 1.0, 1.0])


def test_a_float_result_is_refused_for_an_integer_tensor() -> None:
    t = ag.tensor([1, 2, 3])
    with pytest.raises(TypeError, match="sin_: result type float.* can't be cast"):
        t.sin_()
    np.testing.assert_array_equal(t.data, [1, 2, 3])


def test_lerp_refuses_a_float64_end_on_a_float32_tensor_as_torch(rng) -> None:
    x = ag.tensor(rng.uniform(0.1, 0.9, 4).astype(np.float32), requires_grad=True)
    end = ag.tensor(rng.uniform(0.1, 0.9, 4), requires_grad=True)  # float64
    z = x * 1.0
    with pytest.raises(TypeError, match="lerp: .*float32, float64"):
        z.lerp_(end, 0.25)
    z.lerp_(end.float(), 0.25)
    z.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.full(4, 0.75))
    np.testing.assert_allclose(end.grad.data, np.full(4, 0.25))
    assert end.grad.dtype == np.float64


@pytest.mark.parametrize("name, args", [("gt_", (0.0,)), ("le_", None), ("ne_", None)])
def test_a_comparison_written_into_a_tensor_of_the_graph_has_gradient_zero(name, args) -> None:
    """As PyTorch: ``y.gt_(0)`` on a y that requires grad is recorded, its gradient 0.
    (PyTorch 2.13's logical_*_ leave y's old history in place, so gradients still flow
    through the values they replaced; graphgrad records them with gradient 0 too.)"""
    x0 = np.array([1.0, -2.0, 0.0, 3.0])
    x, tx = ag.tensor(x0, requires_grad=True), torch.tensor(x0, requires_grad=True)
    y, ty = x * 2.0, tx * 2.0
    getattr(y, name)(*(args if args is not None else (x,)))
    getattr(ty, name)(*(args if args is not None else (tx,)))
    np.testing.assert_array_equal(y.data, ty.detach().numpy())
    assert y.requires_grad and ty.requires_grad
    (y * 5.0).sum().backward()
    (ty * 5.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())
