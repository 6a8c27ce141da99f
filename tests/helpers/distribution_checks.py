"""The checks the distribution test files share. Parity machinery, the same for graphgrad
(``lib="ag"``) and torch (``lib="torch"``): a family built from a case table, a method's
value with its gradients, a KL divergence with its gradients, a transform's round trip with
its gradient, and the comparison of the gradients (float64 throughout; call the torch side
only from tests marked ``requires_torch``). And the statistics of a family's draws against
its moments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from torch_parity import torch

import autograd as ag

# The methods that take a value; the others are properties or take no argument.
VALUE_METHODS = ("log_prob", "cdf", "icdf")


def _tensor(lib: str) -> Callable:
    return ag.tensor if lib == "ag" else torch().tensor


def _grad(lib: str) -> Callable:
    return ag.grad if lib == "ag" else torch().autograd.grad


def _array(t: Any, lib: str) -> np.ndarray:
    return np.asarray(t.data if lib == "ag" else t.detach().numpy())


def build(make: Callable, params: dict[str, np.ndarray], lib: str) -> tuple[Any, dict]:
    """``make(module, leaves)`` with ``module`` the library's distributions and ``leaves``
    the ``params`` as tensors that require grad; returns the distribution and the leaves."""
    leaves = {k: _tensor(lib)(v, requires_grad=True) for k, v in params.items()}
    return make(ag.distributions if lib == "ag" else torch().distributions, leaves), leaves


def method_and_grads(dist: Any, leaves: dict, method: str, value: Any,
                     lib: str) -> tuple[np.ndarray, dict]:
    """``dist.method`` (called with ``value`` for ``VALUE_METHODS``) and the gradients of
    ``Σ w·out`` (w standard normals, seed 3) in each leaf that requires grad, by name (None
    where unused, or everywhere when the result does not require grad). The value is a leaf
    too, requiring grad for ``icdf`` and for a continuous support."""
    if method in VALUE_METHODS:
        x = _tensor(lib)(value, requires_grad=method == "icdf" or not dist.support.is_discrete)
        leaves = {**leaves, "value": x}
        out = getattr(dist, method)(x)
    else:
        out = getattr(dist, method)
        out = out() if callable(out) else out
    data = _array(out, lib)
    weights = _tensor(lib)(np.random.default_rng(3).standard_normal(np.shape(data)))
    wanted = [k for k, v in leaves.items() if v.requires_grad]
    grads = _grad(lib)((out * weights).sum(), [leaves[k] for k in wanted],
                       allow_unused=True) if out.requires_grad else [None] * len(wanted)
    return data, {k: None if g is None else _array(g, lib) for k, g in zip(wanted, grads)}


def kl_and_grads(make: Callable, params: list[np.ndarray], lib: str,
                 finite_only: bool = False) -> tuple[np.ndarray, list]:
    """``kl_divergence(*make(module, leaves))`` and the gradients of ``1.5·Σ kl`` in each
    leaf (None where unused, or everywhere when the result does not require grad);
    ``finite_only`` leaves the infinite entries out of that sum."""
    module = ag.distributions if lib == "ag" else torch().distributions
    leaves = [_tensor(lib)(p, requires_grad=True) for p in params]
    out = module.kl_divergence(*make(module, leaves))
    data = _array(out, lib)
    if not out.requires_grad:
        return data, [None] * len(leaves)
    where = ag.where if lib == "ag" else torch().where
    total = where(_tensor(lib)(np.isfinite(data)), out, 0.0) if finite_only else out
    grads = _grad(lib)((total * 1.5).sum(), leaves, allow_unused=True)
    return data, [None if g is None else _array(g, lib) for g in grads]


def transform_and_grad(make: Callable, x_value: np.ndarray, lib: str) -> tuple[list, Any]:
    """For the transform ``make(transforms_module, tensor)`` and ``x`` from ``x_value``:
    ``[y, inv(y), log|det J|, d/dx Σᵢ (i + 1.5)·Σ outᵢ]`` as arrays, and the transform."""
    t = _tensor(lib)
    transform = make(ag.distributions.transforms if lib == "ag"
                     else torch().distributions.transforms, t)
    x = t(x_value, requires_grad=True)
    y = transform(x)
    outs = [y, transform.inv(y), transform.log_abs_det_jacobian(x, y)]
    total = sum((o * (i + 1.5)).sum() for i, o in enumerate(outs))
    grad = _grad(lib)(total, [x])[0]
    return [_array(a, lib) for a in outs + [grad]], transform


def assert_grads_close(ours: dict | list, theirs: dict | list, rtol: float,
                       atol: float) -> None:
    """Each of our gradients close to torch's (by name for dicts, by position for lists);
    where torch has none, ours is None or zero."""
    names = list(ours) if isinstance(ours, dict) else range(len(ours))
    for name in names:
        g, t = ours[name], theirs[name]
        if t is None:
            assert g is None or not np.any(g), name
        else:
            np.testing.assert_allclose(g, t, rtol=rtol, atol=atol, err_msg=str(name))


def assert_sample_moments(dist: Any, var_rtol: float = 0.06) -> None:
    """40000 draws (seed 123) of ``dist``: their mean within 5 standard errors of ``mean``,
    their variance within ``var_rtol`` of ``variance``, every draw in the support."""
    n = 40000
    x = dist.sample((n,), generator=123).data
    mean, var = dist.mean.data, dist.variance.data
    np.testing.assert_allclose(x.mean(0), mean, atol=5 * np.sqrt(var.max() / n))
    np.testing.assert_allclose(x.var(0), var, rtol=var_rtol, atol=1e-3)
    assert dist.support.check(ag.tensor(x)).data.all()
