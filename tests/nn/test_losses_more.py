"""ctc_loss, multilabel_margin_loss, triplet_margin_with_distance_loss and
AdaptiveLogSoftmaxWithLoss: values and gradients against PyTorch in float64 and float32 for
every reduction, gradcheck, edge cases, modules and errors."""

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

REDUCTIONS = ("mean", "sum", "none")
TOL = {np.float64: {"rtol": 1e-10, "atol": 1e-12}, np.float32: {"rtol": 1e-4, "atol": 1e-5}}


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


def _close(ours, theirs, dtype):
    np.testing.assert_allclose(ours, theirs.detach().numpy(), **TOL[dtype])


# ------------------------------------------------------------------------ CTC
def _ctc_case(rng, dtype=np.float64):
    frames, batch, classes = 7, 4, 5
    x = rng.standard_normal((frames, batch, classes)).astype(dtype)
    targets = rng.integers(1, classes, (batch, 3))
    targets[0, 1] = targets[0, 0]  # a repeated label needs a blank between
    input_lengths = np.array([7, 5, 6, 2])
    target_lengths = np.array([3, 2, 0, 3])  # the last cannot fit in 2 frames: inf
    return x, targets, input_lengths, target_lengths


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_matches_torch(torch, rng, dtype, reduction, zero_infinity):
    x, targets, ins, outs = _ctc_case(rng, dtype)
    if not zero_infinity:
        ins = np.array([7, 5, 6, 4])
    xt = torch.tensor(x, requires_grad=True)
    expected = torch.nn.functional.ctc_loss(
        xt.log_softmax(2), torch.tensor(targets), torch.tensor(ins), torch.tensor(outs),
        reduction=reduction, zero_infinity=zero_infinity)
    expected.sum().backward()
    xa = ag.tensor(x, requires_grad=True)
    got = F.ctc_loss(F.log_softmax(xa, dim=2), targets, ins, outs, reduction=reduction,
                     zero_infinity=zero_infinity)
    got.sum().backward()
    assert got.dtype == dtype and got.shape == tuple(expected.shape)
    _close(got.data, expected, dtype)
    _close(xa.grad.data, xt.grad, dtype)


def test_ctc_raw_gradient_and_infinity_as_torch(torch, rng):
    x, targets, ins, outs = _ctc_case(rng)
    lp = np.asarray(torch.tensor(x).log_softmax(2))
    for zero_infinity in (False, True):
        lpt = torch.tensor(lp, requires_grad=True)
        expected = torch.nn.functional.ctc_loss(lpt, torch.tensor(targets), torch.tensor(ins),
                                                torch.tensor(outs), reduction="none",
                                                zero_infinity=zero_infinity)
        expected.sum().backward()
        lpa = ag.tensor(lp, requires_grad=True)
        got = F.ctc_loss(lpa, targets, ins, outs, reduction="none", zero_infinity=zero_infinity)
        got.sum().backward()
        np.testing.assert_allclose(got.data, expected.detach().numpy(), rtol=1e-10)
        np.testing.assert_allclose(lpa.grad.data, lpt.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert got.data[3] == 0 and np.all(lpa.grad.data[:, 3] == 0)


def test_ctc_concatenated_targets_unbatched_and_blank(torch, rng):
    x, targets, ins, outs = _ctc_case(rng)
    ins = np.array([7, 5, 6, 7])
    flat = np.concatenate([targets[n, :k] for n, k in enumerate(outs)])
    lp = F.log_softmax(ag.tensor(x), dim=2)
    padded = F.ctc_loss(lp, targets, ins, outs, reduction="none")
    np.testing.assert_allclose(F.ctc_loss(lp, flat, ins, outs, reduction="none").data,
                               padded.data, rtol=1e-12)
    one = F.ctc_loss(lp[:, 1], targets[1], np.array(5), np.array(2), reduction="none")
    assert one.shape == () and np.isclose(one.item(), padded.data[1])
    shifted = np.where(targets == 4, 0, targets)
    lpt = torch.tensor(x).log_softmax(2)
    expected = torch.nn.functional.ctc_loss(lpt, torch.tensor(shifted), torch.tensor(ins),
                                            torch.tensor(outs), blank=4)
    got = F.ctc_loss(F.log_softmax(ag.tensor(x), dim=2), shifted, ins, outs, blank=4)
    np.testing.assert_allclose(got.item(), expected.item(), rtol=1e-10)
    module = nn.CTCLoss(blank=4)
    assert repr(module) == "CTCLoss()"
    assert np.isclose(module(F.log_softmax(ag.tensor(x), dim=2), shifted, ins, outs).item(),
                      expected.item())


def test_ctc_gradcheck(rng):
    x, targets, ins, outs = _ctc_case(rng)
    ins = np.array([7, 5, 6, 7])
    for reduction in REDUCTIONS:
        assert ag.gradcheck(lambda t, r=reduction: F.ctc_loss(
            F.log_softmax(t, dim=2), targets, ins, outs, reduction=r),
            (ag.tensor(x, requires_grad=True),))


def test_ctc_has_no_second_derivative(rng):
    x, targets, ins, outs = _ctc_case(rng)
    xa = ag.tensor(x, requires_grad=True)
    loss = F.ctc_loss(F.log_softmax(xa, dim=2), targets, np.array([7, 5, 6, 7]), outs)
    (g,) = ag.grad(loss, [xa], create_graph=True)
    with pytest.raises(Exception, match="(?i)differentiab|backward"):
        g.sum().backward()


def test_ctc_errors(rng):
    x, targets, ins, outs = _ctc_case(rng)
    lp = ag.tensor(x)
    with pytest.raises(ag.ShapeError, match="ctc_loss"):
        F.ctc_loss(lp[0], targets, ins, outs)  # 2-D log_probs with batched targets
    with pytest.raises(ValueError, match="input_lengths"):
        F.ctc_loss(lp, targets, np.array([8, 5, 6, 2]), outs)
    with pytest.raises(ValueError, match="blank"):
        F.ctc_loss(lp, np.zeros_like(targets), ins, outs)
    with pytest.raises(TypeError, match="integers"):
        F.ctc_loss(lp, targets.astype(float), ins, outs)
    with pytest.raises(ValueError, match="reduction"):
        F.ctc_loss(lp, targets, ins, outs, reduction="avg")


# ------------------------------------------------------------ multilabel margin
def _multilabel_case(rng, dtype=np.float64):
    x = rng.standard_normal((4, 5)).astype(dtype)
    y = np.array([[3, 0, -1, 1, 2], [1, -1, 0, 0, 0], [-1, 2, 2, 2, 2], [4, 4, 0, 1, -1]])
    x[0, 3], x[0, 2] = 0.5, -0.5  # 1 − (x_3 − x_2) = 0: exactly on the margin
    return x, y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_matches_torch(torch, rng, dtype, reduction):
    x, y = _multilabel_case(rng, dtype)
    xt = torch.tensor(x, requires_grad=True)
    expected = torch.nn.functional.multilabel_margin_loss(xt, torch.tensor(y), reduction=reduction)
    expected.sum().backward()
    xa = ag.tensor(x, requires_grad=True)
    got = nn.MultiLabelMarginLoss(reduction=reduction)(xa, y)
    got.sum().backward()
    assert got.dtype == dtype and got.shape == tuple(expected.shape)
    _close(got.data, expected, dtype)
    _close(xa.grad.data, xt.grad, dtype)
    one = F.multilabel_margin_loss(ag.tensor(x[0]), y[0], reduction=reduction)
    single = torch.nn.functional.multilabel_margin_loss(torch.tensor(x[0]), torch.tensor(y[0]),
                                                        reduction=reduction)
    assert one.shape == tuple(single.shape)
    _close(one.data, single, dtype)


def test_multilabel_margin_gradcheck_and_errors(rng):
    x, y = _multilabel_case(rng)
    x[0, 3] = 0.6  # off the kink for finite differences
    x = x[:, ::-1].copy()[:, ::-1]
    assert ag.gradcheck(lambda t: F.multilabel_margin_loss(t, y),
                        (ag.tensor(x, requires_grad=True),))
    assert ag.gradgradcheck(lambda t: F.multilabel_margin_loss(t, y, reduction="sum"),
                            (ag.tensor(x, requires_grad=True),))
    with pytest.raises(ag.ShapeError, match="multilabel_margin_loss"):
        F.multilabel_margin_loss(ag.tensor(x), y[:, :3])
    with pytest.raises(IndexError, match=r"\[0, 5\)"):
        F.multilabel_margin_loss(ag.tensor(x), np.full_like(y, 5))
    with pytest.raises(TypeError, match="integers"):
        F.multilabel_margin_loss(ag.tensor(x), y.astype(float))
    assert repr(nn.MultiLabelMarginLoss()) == "MultiLabelMarginLoss()"


# ------------------------------------------------------------ triplet with distance
def _l1(u, v):
    return ag.abs(u - v).sum(axis=-1)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("custom", [False, True])
def test_triplet_with_distance_matches_torch(torch, rng, dtype, reduction, swap, custom):
    arrays = [rng.standard_normal((5, 3)).astype(dtype) for _ in range(3)]
    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    torch_distance = (lambda u, v: (u - v).abs().sum(-1)) if custom else None
    expected = torch.nn.functional.triplet_margin_with_distance_loss(
        *tensors, distance_function=torch_distance, margin=0.7, swap=swap, reduction=reduction)
    expected.sum().backward()
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    module = nn.TripletMarginWithDistanceLoss(distance_function=_l1 if custom else None,
                                              margin=0.7, swap=swap, reduction=reduction)
    got = module(*ours)
    got.sum().backward()
    _close(got.data, expected, dtype)
    for a, t in zip(ours, tensors):
        _close(a.grad.data, t.grad, dtype)


def test_triplet_with_distance_gradcheck_and_errors(rng):
    arrays = [ag.tensor(rng.standard_normal((4, 3)), requires_grad=True) for _ in range(3)]
    assert ag.gradcheck(lambda a, p, n: F.triplet_margin_with_distance_loss(
        a, p, n, swap=True, margin=3.0), arrays)
    with pytest.raises(ValueError, match="margin"):
        F.triplet_margin_with_distance_loss(*arrays, margin=0.0)
    with pytest.raises(ag.ShapeError, match="same number of dims"):
        F.triplet_margin_with_distance_loss(arrays[0], arrays[1], arrays[2][0])
    with pytest.raises(TypeError):
        nn.TripletMarginWithDistanceLoss(_l1)  # keyword-only, as PyTorch's
    assert repr(nn.TripletMarginWithDistanceLoss()) == "TripletMarginWithDistanceLoss()"


# ------------------------------------------------------------ adaptive softmax
def _adaptive_pair(torch, rng, dtype, head_bias):
    ours = nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=head_bias,
                                         dtype=dtype, rng=rng)
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0,
                                                 head_bias=head_bias)
    theirs = theirs.double() if dtype == np.float64 else theirs.float()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.tensor(np.asarray(v.data))
                            for k, v in ours.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("head_bias", [False, True])
def test_adaptive_log_softmax_matches_torch(torch, rng, dtype, head_bias):
    ours, theirs = _adaptive_pair(torch, rng, dtype, head_bias)
    x = rng.standard_normal((7, 8)).astype(dtype)
    y = np.array([0, 4, 9, 2, 7, 5, 1])
    xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    output, loss = ours(xa, y)
    expected = theirs(xt, torch.tensor(y))
    (loss + output[2] * 0.5).backward()
    (expected.loss + expected.output[2] * 0.5).backward()
    _close(output.data, expected.output, dtype)
    _close(loss.data, expected.loss, dtype)
    _close(xa.grad.data, xt.grad, dtype)
    for (name, p), (torch_name, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == torch_name
        _close(p.grad.data, q.grad, dtype)
    _close(ours.log_prob(ag.tensor(x)).data, theirs.log_prob(torch.tensor(x)), dtype)
    np.testing.assert_array_equal(ours.predict(ag.tensor(x)).data,
                                  theirs.predict(torch.tensor(x)).numpy())
    single = ours(ag.tensor(x[1]), np.array(4))
    assert single.output.shape == () and ours.log_prob(ag.tensor(x[1])).shape == (10,)
    _close(single.output.data, theirs(torch.tensor(x[1]), torch.tensor(4)).output, dtype)
    assert ours.predict(ag.tensor(x[1])).shape == ()


def test_adaptive_log_softmax_shortlist_only_gradcheck_and_errors(rng):
    module = nn.AdaptiveLogSoftmaxWithLoss(6, 9, [2, 5], div_value=2.0, dtype=np.float64, rng=rng)
    x = ag.tensor(rng.standard_normal((3, 6)), requires_grad=True)
    out, loss = module(x, np.array([0, 1, 1]))  # no row reaches a cluster
    assert out.shape == (3,) and np.isclose(loss.item(), -out.data.mean())
    assert np.allclose(np.exp(module.log_prob(x).data).sum(axis=1), 1.0)
    assert ag.gradcheck(lambda t: module(t, np.array([0, 4, 8]))[1], (x,))
    with pytest.raises(ValueError, match="cutoffs"):
        nn.AdaptiveLogSoftmaxWithLoss(6, 9, [5, 2])
    with pytest.raises(ValueError, match="cutoffs"):
        nn.AdaptiveLogSoftmaxWithLoss(6, 9, [2, 9])
    with pytest.raises(IndexError, match=r"\[0, 8\]"):
        module(x, np.array([0, 9, 1]))
    with pytest.raises(ag.ShapeError, match="AdaptiveLogSoftmaxWithLoss"):
        module(x, np.array([0, 1]))
