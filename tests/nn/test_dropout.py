"""Inverted dropout: statistics, eval identity, seeding, the fused op's gradients."""

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd import kernels
from autograd.kernels import dispatch


def test_kept_fraction_and_expectation():
    ag.manual_seed(0)
    x = ag.ones(1000, 1000)
    out = nn.Dropout(p=0.2)(x).data  # the course's keep_prob = 0.8
    kept = out != 0
    assert abs(kept.mean() - 0.8) < 0.003
    np.testing.assert_allclose(out[kept], 1 / 0.8, rtol=1e-6)
    assert abs(out.mean() - 1.0) < 0.005  # E[output] = input


def test_eval_mode_is_the_identity():
    layer = nn.Dropout(0.5).eval()
    x = ag.randn(10, 10)
    assert layer(x) is x
    assert F.dropout(x, 0.5, training=False) is x


def test_fresh_mask_every_call_and_seeded_reproducibility():
    layer = nn.Dropout(0.5)
    x = ag.ones(50, 50)
    ag.manual_seed(7)
    a, b = layer(x).data, layer(x).data
    assert not np.array_equal(a, b)
    ag.manual_seed(7)
    np.testing.assert_array_equal(layer(x).data, a)
    own = nn.Dropout(0.5, rng=np.random.default_rng(1))
    again = nn.Dropout(0.5, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(own(x).data, again(x).data)


def test_p_zero_and_p_one():
    x = ag.randn(4, 4, requires_grad=True)
    assert nn.Dropout(0.0)(x) is x
    out = nn.Dropout(1.0)(x)
    np.testing.assert_array_equal(out.data, 0)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, 0)


def test_gradient_is_the_same_mask_scaled():
    ag.manual_seed(3)
    x = ag.randn(20, 30, requires_grad=True)
    out = F.dropout(x, 0.3)
    out.sum().backward()
    mask = (out.data != 0).astype(np.float32)
    np.testing.assert_allclose(x.grad.data, mask / 0.7, rtol=1e-6)
    assert out.grad_fn.name == "DropoutMaskScale"


def test_gradcheck_and_gradgradcheck_with_a_fixed_mask(rng):
    mask = F.dropout_mask((4, 5), 0.4, np.dtype(np.float64), rng)
    x = ag.tensor(rng.standard_normal((4, 5)), requires_grad=True)

    def f(x):
        return F.DropoutMaskScale.apply(x, mask) * x

    assert ag.gradcheck(f, (x,))
    assert ag.gradgradcheck(f, (x,))


def test_dropout_matches_torch_expectation_semantics():
    torch = pytest.importorskip("torch")
    layer, ref = nn.Dropout(0.25), torch.nn.Dropout(0.25)
    ag.manual_seed(0)
    torch.manual_seed(0)
    ours = layer(ag.ones(200, 200)).data
    theirs = ref(torch.ones(200, 200)).numpy()
    # same values (0 or 1/keep_prob) and the same keep rate; masks differ by generator
    assert set(np.unique(ours)) == set(np.unique(theirs)) == {0.0, np.float32(1 / 0.75)}
    assert abs((ours != 0).mean() - (theirs != 0).mean()) < 0.01


def test_bad_p_and_dtype():
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\], got 1.5"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="keep_prob = 1 - p"):
        F.dropout(ag.ones(2), -0.1)
    with pytest.raises(TypeError, match="floating point"):
        F.dropout(ag.tensor([1, 2]), 0.5)
    assert nn.Dropout(0.2).keep_prob == pytest.approx(0.8)
    assert repr(nn.Dropout(0.2)) == "Dropout(p=0.2, inplace=False)"


def test_mask_comes_from_one_seed_of_the_generator():
    x = ag.ones(30, 40, requires_grad=True)
    out = F.dropout(x, 0.3, rng=np.random.default_rng(11))
    seed = int(np.random.default_rng(11).integers(0, 2**64, dtype=np.uint64))
    keep = kernels.keep_mask((30, 40), 0.7, seed)
    np.testing.assert_array_equal(out.data != 0, keep)
    np.testing.assert_array_equal(F.keep_mask((30, 40), 0.7, np.random.default_rng(11)), keep)
    scaled = F.dropout_mask((30, 40), 0.3, np.dtype(np.float32), np.random.default_rng(11))
    np.testing.assert_array_equal(scaled, np.where(keep, np.float32(1 / 0.7), 0))
    (mask,) = out.grad_fn.saved_tensors
    assert mask.dtype == np.bool_  # one byte per element kept for backward


@pytest.mark.parametrize("p", [0.97, 0.88, 0.52, 0.48, 0.15, 0.04])
def test_dropout_mask_scales_with_the_same_bits_as_dropout(p):
    x = ag.ones(20, 50)
    mask = F.dropout_mask((20, 50), p, np.dtype(np.float32), np.random.default_rng(3))
    out = F.dropout(x, p, rng=np.random.default_rng(3)).data
    np.testing.assert_array_equal(mask, out)  # keep_probs where 1/float32(kp) != float32(1/kp)


def test_same_mask_on_either_kernel_backend(monkeypatch):
    x = ag.randn(33, 7)
    compiled = F.dropout(x, 0.4, rng=np.random.default_rng(5)).data
    monkeypatch.setattr(dispatch, "_COMPILED", False)
    np.testing.assert_array_equal(F.dropout(x, 0.4, rng=np.random.default_rng(5)).data,
                                  compiled)


@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_gradcheck_and_gradgradcheck_with_a_keep_mask(layout, rng):
    keep = F.keep_mask((4, 6), 0.6, rng)
    data = rng.standard_normal((4, 6)) if layout == "contiguous" else \
        rng.standard_normal((6, 4)).T
    x = ag.tensor(data, requires_grad=True)

    def f(x):
        return F.DropoutMaskScale.apply(x, keep, 0.6) * x

    assert ag.gradcheck(f, (x,))
    assert ag.gradgradcheck(f, (x,))


def test_scalar_empty_and_half_inputs(rng):
    scalar = F.dropout(ag.tensor(3.0), 0.5, rng=rng)
    assert scalar.shape == () and scalar.item() in (0.0, 6.0)
    assert F.dropout(ag.zeros(0, 3), 0.5).shape == (0, 3)
    half = F.dropout(ag.ones(1000, dtype=np.float16), 0.5, rng=rng)
    assert half.dtype == np.float16 and set(np.unique(half.data)) == {0.0, 2.0}
