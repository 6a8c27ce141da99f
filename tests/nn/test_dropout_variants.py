"""Channel dropout (Dropout1d/2d/3d) and alpha dropout (AlphaDropout, FeatureAlphaDropout)
with PyTorch's formulas: which units a mask drops, the values kept and dropped, the
gradient (the mask's factor, by gradcheck too), eval mode, inplace=, statistics over many
draws against PyTorch's, reprs and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

ALPHA = 1.7580993408473766


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


CHANNEL = [("dropout1d", "Dropout1d", (6, 4, 9)), ("dropout1d", "Dropout1d", (4, 9)),
           ("dropout2d", "Dropout2d", (6, 4, 3, 5)), ("dropout2d", "Dropout2d", (4, 3, 5)),
           ("dropout3d", "Dropout3d", (3, 4, 2, 3, 2)), ("dropout3d", "Dropout3d", (4, 2, 3, 2))]


@pytest.mark.parametrize("fn, module, shape", CHANNEL,
                         ids=[f"{f}-{len(s)}d" for f, _, s in CHANNEL])
def test_channel_dropout_zeroes_whole_channels(fn, module, shape, rng):
    spatial = int(fn[-2])
    batched = len(shape) == spatial + 2
    x_np = rng.uniform(1.0, 2.0, shape)
    x = ag.tensor(x_np, requires_grad=True)
    out = getattr(F, fn)(x, 0.4, rng=np.random.default_rng(5))
    ratio = out.data / x_np
    flat = ratio.reshape(shape[:2] + (-1,)) if batched else ratio.reshape(shape[0], -1)
    np.testing.assert_allclose(flat, np.broadcast_to(flat[..., :1], flat.shape), rtol=1e-14)
    assert set(np.unique(flat.round(12))) <= {0.0, round(1 / 0.6, 12)}  # per channel
    out.backward(ag.ones_like(out))
    np.testing.assert_allclose(x.grad.data, ratio, rtol=1e-14)  # the same factor
    again = getattr(nn, module)(0.4, rng=np.random.default_rng(5))(ag.tensor(x_np))
    np.testing.assert_array_equal(again.data, out.data)
    layer = getattr(nn, module)(0.4).eval()
    assert layer(x) is x
    assert ag.gradcheck(lambda t: getattr(F, fn)(t, 0.3, rng=np.random.default_rng(2)),
                        (ag.tensor(x_np[..., :2] if batched else x_np, requires_grad=True),))


def test_channel_dropout_rate_matches_torch(torch):
    x = np.ones((2000, 50, 3))
    ours = F.dropout1d(ag.tensor(x), 0.3).data[:, :, 0]
    theirs = torch.nn.functional.dropout1d(torch.tensor(x), 0.3).numpy()[:, :, 0]
    assert abs((ours == 0).mean() - 0.3) < 0.01 and abs((theirs == 0).mean() - 0.3) < 0.01
    assert set(np.unique(ours)) == set(np.unique(theirs))


def test_channel_dropout_inplace_and_edge_cases(rng):
    x_np = rng.standard_normal((3, 4, 5))
    h = ag.tensor(x_np, requires_grad=True) * 1.0
    out = F.dropout1d(h, 0.5, inplace=True, rng=np.random.default_rng(1))
    assert out is h
    np.testing.assert_array_equal(
        h.data, F.dropout1d(ag.tensor(x_np), 0.5, rng=np.random.default_rng(1)).data)
    assert F.dropout2d(ag.zeros(0, 3, 2, 2), 0.5).shape == (0, 3, 2, 2)
    np.testing.assert_array_equal(F.dropout3d(ag.ones(2, 3, 1, 1, 1), 1.0).data, 0.0)
    with pytest.raises(ag.ShapeError, match=r"dropout1d: expected a 2-D .* or 3-D .* got "
                                            r"shape \(2, 3, 4, 5\)"):
        F.dropout1d(ag.ones(2, 3, 4, 5))
    with pytest.raises(ag.ShapeError, match=r"dropout2d: .* 2 spatial dims, got shape \(5,\)"):
        nn.Dropout2d()(ag.ones(5))
    with pytest.raises(ValueError, match=r"Dropout3d: p must be a probability"):
        nn.Dropout3d(1.5)


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_alpha_dropout_values_are_pytorchs_formula(p, rng):
    x_np = rng.standard_normal((400, 30))
    x = ag.tensor(x_np, requires_grad=True)
    out = F.alpha_dropout(x, p, training=True, rng=np.random.default_rng(3)).data
    a = 1 / math.sqrt((ALPHA ** 2 * p + 1) * (1 - p))
    kept = np.isclose(out, a * x_np + ALPHA * a * p, rtol=1e-12, atol=1e-15)
    dropped = np.isclose(out, -ALPHA * a * (1 - p), rtol=1e-12)
    assert np.all(kept | dropped)
    assert abs(dropped.mean() - p) < 0.02
    F.alpha_dropout(x, p, training=True, rng=np.random.default_rng(3)).sum().backward()
    np.testing.assert_allclose(x.grad.data, np.where(kept & ~dropped, a, 0.0), rtol=1e-12)
    assert ag.gradcheck(lambda t: F.alpha_dropout(t, p, True, rng=np.random.default_rng(4)),
                        (ag.tensor(x_np[:3, :4], requires_grad=True),))


def test_alpha_dropout_keeps_selu_statistics_as_torch(torch):
    x = np.random.default_rng(0).standard_normal(400_000)
    ours = F.alpha_dropout(ag.tensor(x), 0.2, training=True).data
    theirs = torch.nn.functional.alpha_dropout(torch.tensor(x), 0.2, True).numpy()
    for got in (ours, theirs):
        assert abs(got.mean()) < 0.01 and abs(got.std() - 1.0) < 0.01
    np.testing.assert_allclose(np.unique(ours[x == 0]), np.unique(theirs[x == 0]))


def test_alpha_dropout_defaults_edge_cases_and_modules(rng, torch):
    x = ag.tensor(rng.standard_normal((4, 3, 2)))
    assert F.alpha_dropout(x, 0.5) is x  # training=False by default, as PyTorch's
    assert nn.AlphaDropout(0.5).eval()(x) is x
    np.testing.assert_array_equal(F.alpha_dropout(x, 1.0, training=True).data, 0.0)
    out = F.feature_alpha_dropout(x, 0.5, training=True, rng=np.random.default_rng(2)).data
    a = 1 / math.sqrt((ALPHA ** 2 * 0.5 + 1) * 0.5)
    dropped = np.isclose(out, -ALPHA * a * 0.5)
    assert np.all(dropped == dropped[..., :1])  # whole channels
    for ours, theirs in ((nn.AlphaDropout(0.3), torch.nn.AlphaDropout(0.3)),
                         (nn.FeatureAlphaDropout(0.2, True),
                          torch.nn.FeatureAlphaDropout(0.2, True)),
                         (nn.Dropout1d(), torch.nn.Dropout1d()),
                         (nn.Dropout2d(0.1), torch.nn.Dropout2d(0.1))):
        assert repr(ours) == repr(theirs)
    h = ag.tensor(rng.standard_normal((5, 4)), requires_grad=True) * 1.0
    assert nn.AlphaDropout(0.3, inplace=True, rng=np.random.default_rng(0)).train()(h) is h
    with pytest.raises(ag.ShapeError, match="feature_alpha_dropout: needs an input of 2"):
        F.feature_alpha_dropout(ag.ones(3), 0.5, training=True)
    with pytest.raises(ValueError, match="alpha_dropout: p must be a probability"):
        F.alpha_dropout(x, -0.1)
