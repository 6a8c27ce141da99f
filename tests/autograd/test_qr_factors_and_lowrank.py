"""``geqrf``/``ormqr`` (autograd/ops/qr_factors.py) and the randomized ``svd_lowrank``/
``pca_lowrank`` (autograd/ops/lowrank.py): PyTorch's results and errors, and, for the
randomized ones, the properties that do not depend on the random start. Gradients are in
the op table (tests/helpers/optable_factors.py)."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag


@requires_torch
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 4, 3), (2, 0), (0, 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_geqrf_matches_torch(shape, dtype) -> None:
    th = torch()
    a = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    out = ag.geqrf(ag.tensor(a))
    expected = th.geqrf(th.tensor(a))
    for mine, theirs in ((out.a, expected.a), (out.tau, expected.tau)):
        assert mine.shape == tuple(theirs.shape) and mine.dtype == dtype
        np.testing.assert_allclose(mine.data, theirs.numpy(), rtol=1e-4, atol=1e-5)
    assert ag.tensor(a).geqrf().tau.shape == out.tau.shape


def test_geqrf_gives_q_and_r() -> None:
    a = np.random.default_rng(1).standard_normal((5, 3))
    packed, tau = ag.geqrf(ag.tensor(a))
    q = ag.orgqr(packed, tau)
    np.testing.assert_allclose((q @ packed.triu()[:3]).data, a, atol=1e-12)
    full_q = ag.ormqr(packed, tau, ag.eye(5, dtype=np.float64))
    np.testing.assert_allclose((full_q.T @ full_q).data, np.eye(5), atol=1e-12)


def test_geqrf_errors_and_has_no_gradient() -> None:
    with pytest.raises(RuntimeError, match="input must have at least 2 dimensions"):
        ag.geqrf(ag.tensor([1.0, 2.0]))
    with pytest.raises(NotImplementedError, match="int64"):
        ag.geqrf(ag.tensor([[1, 2]]))
    x = ag.tensor(np.eye(3), requires_grad=True)
    with pytest.raises(NotImplementedError, match="the derivative for 'geqrf' is not "
                                                  "implemented"):
        ag.geqrf(x).a.sum().backward()


@pytest.mark.parametrize("args,kwargs,match", [
    (((4, 3), (3,), (3, 2)), {}, r"other.shape\[-2\] must be equal to input.shape\[-2\]"),
    (((4, 3), (3,), (2, 3)), {"left": False}, r"other.shape\[-1\] must be equal"),
    (((4, 3), (2,), (4, 2)), {}, r"tau.shape\[-1\] must be equal to min\(other.shape\[-2\]"),
    (((4,), (1,), (4, 2)), {}, "at least 2 dimensions"),
])
def test_ormqr_errors(args, kwargs, match) -> None:
    tensors = [ag.zeros(s, dtype=np.float64) for s in args]
    with pytest.raises(RuntimeError, match=match):
        ag.ormqr(*tensors, **kwargs)


@requires_torch
def test_ormqr_method_matches_torch() -> None:
    th = torch()
    rng = np.random.default_rng(2)
    a, c = rng.standard_normal((4, 3)), rng.standard_normal((2, 4))
    packed, tau = ag.geqrf(ag.tensor(a))
    t_packed, t_tau = th.geqrf(th.tensor(a))
    out = packed.ormqr(tau, ag.tensor(c), left=False, transpose=True)
    np.testing.assert_allclose(out.data, t_packed.ormqr(t_tau, th.tensor(c), left=False,
                                                        transpose=True).numpy(), atol=1e-12)


def _low_rank(rng: np.random.Generator, m: int, n: int, rank: int) -> np.ndarray:
    return rng.standard_normal((m, rank)) @ rng.standard_normal((rank, n))


@pytest.mark.parametrize("m,n", [(8, 6), (6, 8)])
def test_svd_lowrank_recovers_a_low_rank_matrix(m, n) -> None:
    rng = np.random.default_rng(3)
    a = _low_rank(rng, m, n, 3)
    ag.manual_seed(0)
    u, s, v = ag.svd_lowrank(ag.tensor(a), q=4)
    assert u.shape == (m, 4) and s.shape == (4,) and v.shape == (n, 4)
    np.testing.assert_allclose(((u * s) @ v.T).data, a, atol=1e-10)
    np.testing.assert_allclose(s.data, np.linalg.svd(a, compute_uv=False)[:4], atol=1e-10)
    np.testing.assert_allclose((u.T @ u).data, np.eye(4), atol=1e-10)
    np.testing.assert_allclose((v.T @ v).data, np.eye(4), atol=1e-10)


def test_svd_lowrank_batches_and_a_mean() -> None:
    rng = np.random.default_rng(4)
    a = np.stack([_low_rank(rng, 7, 5, 2) for _ in range(3)])
    mean = rng.standard_normal((1, 5))
    ag.manual_seed(1)
    u, s, v = ag.svd_lowrank(ag.tensor(a + mean), q=3, niter=3, M=ag.tensor(mean))
    assert u.shape == (3, 7, 3) and s.shape == (3, 3) and v.shape == (3, 5, 3)
    np.testing.assert_allclose(((u * s[:, None, :]) @ v.mT).data, a, atol=1e-9)


def test_svd_lowrank_approximates_the_top_singular_values() -> None:
    rng = np.random.default_rng(5)
    u0, _ = np.linalg.qr(rng.standard_normal((40, 40)))
    v0, _ = np.linalg.qr(rng.standard_normal((30, 30)))
    spectrum = 0.5 ** np.arange(30)
    a = (u0[:, :30] * spectrum) @ v0.T
    ag.manual_seed(2)
    _, s, _ = ag.svd_lowrank(ag.tensor(a), q=8, niter=2)
    np.testing.assert_allclose(s.data[:4], spectrum[:4], rtol=1e-6)


@requires_torch
def test_pca_lowrank_matches_torch_where_the_start_does_not_matter() -> None:
    th = torch()
    rng = np.random.default_rng(6)
    a = rng.standard_normal((10, 4)) * [3.0, 2.0, 1.0, 0.5]
    ag.manual_seed(0)
    u, s, v = ag.pca_lowrank(ag.tensor(a))
    tu, ts, tv = th.pca_lowrank(th.tensor(a))
    assert u.shape == tuple(tu.shape) and s.shape == tuple(ts.shape) and v.shape == tuple(tv.shape)
    np.testing.assert_allclose(s.data, ts.numpy(), rtol=1e-10)
    # Principal directions agree up to sign.
    np.testing.assert_allclose(np.abs(np.sum(v.data * tv.numpy(), axis=0)), 1.0, atol=1e-10)
    centred = a - a.mean(axis=0)
    np.testing.assert_allclose(s.data ** 2 / 9, np.linalg.eigvalsh(np.cov(centred.T))[::-1],
                               rtol=1e-10)
    _, s_raw, _ = ag.pca_lowrank(ag.tensor(a), center=False)
    np.testing.assert_allclose(s_raw.data, np.linalg.svd(a, compute_uv=False), rtol=1e-10)


@pytest.mark.parametrize("kwargs,match", [({"q": 5}, r"q\(=5\) must be non-negative integer "
                                                     r"and not greater than min\(m, n\)=4"),
                                          ({"q": -1}, r"q\(=-1\)"),
                                          ({"niter": -1}, r"niter\(=-1\) must be non-negative")])
def test_pca_lowrank_errors(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        ag.pca_lowrank(ag.zeros((6, 4), dtype=np.float64), **kwargs)


def test_lowrank_needs_floating_matrices() -> None:
    with pytest.raises(TypeError, match="floating point"):
        ag.svd_lowrank(ag.tensor([[1, 2], [3, 4]]))
    with pytest.raises(RuntimeError, match="matrix or a batch of matrices"):
        ag.svd_lowrank(ag.zeros(3))


def test_lowrank_is_repeatable_under_a_seed() -> None:
    a = ag.tensor(np.random.default_rng(7).standard_normal((6, 5)))
    ag.manual_seed(3)
    first = ag.svd_lowrank(a, q=2)
    ag.manual_seed(3)
    again = ag.svd_lowrank(a, q=2)
    for x, y in zip(first, again):
        np.testing.assert_array_equal(x.data, y.data)
