"""``autograd.distributions.transforms`` against ``torch.distributions.transforms``:
forward, inverse and log|det J| values and gradients in float64, signs, event dims and
shapes; and ``LogNormal``/``TransformedDistribution`` draws (statistics, rsample)."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag

D = ag.distributions
R = np.random.default_rng(21)
X = R.standard_normal((2, 3))
SHIFT, FACTOR = R.standard_normal(3), R.standard_normal((2, 3))

TRANSFORMS = {
    "exp": lambda T, t: T.ExpTransform(),
    "sigmoid": lambda T, t: T.SigmoidTransform(),
    "tanh": lambda T, t: T.TanhTransform(),
    "affine-number": lambda T, t: T.AffineTransform(0.5, -3.0),
    "affine-tensor": lambda T, t: T.AffineTransform(t(SHIFT), t(FACTOR)),
    "affine-event": lambda T, t: T.AffineTransform(t(SHIFT), t(FACTOR), event_dim=1),
    "compose": lambda T, t: T.ComposeTransform([
        T.AffineTransform(t(SHIFT), 2.0, event_dim=1), T.TanhTransform(), T.ExpTransform()]),
    "inverse": lambda T, t: T.ComposeTransform([T.ExpTransform(), T.SigmoidTransform().inv]),
}


def _run(name: str, lib: str) -> list[np.ndarray]:
    """y, x recovered from y, log|det J| and their gradients in x."""
    if lib == "ag":
        t, T = ag.tensor, D.transforms
    else:
        t, T = torch().tensor, torch().distributions.transforms
    transform = TRANSFORMS[name](T, t)
    x = t(X, requires_grad=True)
    y = transform(x)
    back = transform.inv(y)
    ladj = transform.log_abs_det_jacobian(x, y)
    outs = [y, back, ladj]
    weights = [t(np.random.default_rng(i).standard_normal(o.shape)) for i, o in enumerate(outs)]
    total = sum((o * w).sum() for o, w in zip(outs, weights))
    grad = (ag.grad(total, [x]) if lib == "ag" else torch().autograd.grad(total, [x]))[0]
    arrays = [o.data if lib == "ag" else o.detach().numpy() for o in outs + [grad]]
    return [np.asarray(a) for a in arrays], transform


@requires_torch
@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transform_matches_torch(name):
    ours, transform = _run(name, "ag")
    theirs, their_transform = _run(name, "torch")
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert transform.domain.event_dim == their_transform.domain.event_dim
    assert transform.codomain.event_dim == their_transform.codomain.event_dim
    assert repr(transform.codomain).split("(")[0] == repr(their_transform.codomain).split("(")[0]
    sign = transform.sign
    their_sign = their_transform.sign
    np.testing.assert_array_equal(getattr(sign, "data", sign),
                                  getattr(their_sign, "numpy", lambda: their_sign)())


def test_inverse_of_inverse_and_shapes():
    exp = D.transforms.ExpTransform()
    assert exp.inv.inv is exp
    affine = D.transforms.AffineTransform(ag.tensor(SHIFT), ag.tensor(FACTOR))
    assert affine.forward_shape((3,)) == (2, 3)
    assert affine.inv.inverse_shape((4, 1, 3)) == (4, 2, 3)


def test_lognormal_sample_statistics_and_rsample():
    d = D.LogNormal(ag.tensor([0.0, -1.0]), ag.tensor([0.3, 0.5]))
    x = d.sample((40000,), generator=8).data
    assert (x > 0).all()
    np.testing.assert_allclose(x.mean(0), d.mean.data, rtol=0.01)
    np.testing.assert_allclose(x.var(0), d.variance.data, rtol=0.05)
    loc = ag.tensor([0.2, -0.4], dtype=np.float64, requires_grad=True)
    scale = ag.tensor([0.3, 0.5], dtype=np.float64, requires_grad=True)
    assert D.LogNormal(loc, scale).has_rsample
    assert ag.gradcheck(lambda m, s: D.LogNormal(m, s).rsample((3,), generator=1), [loc, scale])
    assert not D.LogNormal(loc, scale).sample((2,)).requires_grad


def test_transformed_rsample_gradcheck():
    shift = ag.tensor(SHIFT, requires_grad=True)
    scale = ag.tensor([0.5, 1.0, 2.0], dtype=np.float64, requires_grad=True)

    def draw(a, b):
        dist = D.TransformedDistribution(D.Normal(a, b), [
            D.transforms.AffineTransform(1.0, 3.0), D.transforms.TanhTransform()])
        return dist.rsample((4,), generator=3)

    assert ag.gradcheck(draw, [shift, scale])
    logistic = D.TransformedDistribution(D.Uniform(0.0, 1.0), D.transforms.SigmoidTransform().inv)
    x = logistic.sample((40000,), generator=2).data
    np.testing.assert_allclose([x.mean(), x.var()], [0.0, np.pi ** 2 / 3], atol=0.06)


def test_transformed_distribution_errors():
    with pytest.raises(ValueError, match="transforms must be"):
        D.TransformedDistribution(D.Normal(0.0, 1.0), "exp")
    with pytest.raises(ValueError, match="support"):
        D.LogNormal(0.0, 1.0).log_prob(ag.tensor(-1.0))
