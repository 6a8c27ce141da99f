"""Losses: course numbers, ŷ − y gradients, stability, float64 gradcheck, PyTorch parity
for every loss and option, and error messages."""

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


def _t(a, grad=False):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


# ------------------------------------------------------------- course numbers
def test_cross_entropy_course_example():
    # seed §18: ŷ = [0.1, 0.2, 0.3, 0.4], y = class 1 -> −log 0.2 = 1.6094379
    logits = _t(np.log([[0.1, 0.2, 0.3, 0.4]]))
    assert F.cross_entropy(logits, np.array([1])).item() == pytest.approx(1.6094379, abs=1e-7)
    one_hot = F.one_hot(np.array([1]), 4, dtype=np.float64)
    assert F.cross_entropy(logits, one_hot).item() == pytest.approx(1.6094379, abs=1e-7)


def test_softmax_cross_entropy_gradient_is_y_hat_minus_y(rng):
    z = rng.standard_normal((6, 4))
    y = np.array([0, 3, 1, 1, 2, 0])
    logits = _t(z, grad=True)
    F.cross_entropy(logits, y).backward()
    y_hat = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    np.testing.assert_allclose(logits.grad.data, (y_hat - np.eye(4)[y]) / 6, rtol=1e-10)
    logits.grad = None
    F.cross_entropy(logits, y, reduction="sum").backward()
    np.testing.assert_allclose(logits.grad.data, y_hat - np.eye(4)[y], rtol=1e-10)


def test_sigmoid_bce_gradient_is_a_minus_y(rng):
    z = rng.standard_normal((5, 1))
    y = (rng.random((5, 1)) > 0.5).astype(np.float64)
    logits = _t(z, grad=True)
    F.binary_cross_entropy_with_logits(logits, y).backward()
    np.testing.assert_allclose(logits.grad.data, (1 / (1 + np.exp(-z)) - y) / 5, rtol=1e-10)


def test_bce_course_formula(rng):
    a = rng.random((7, 1)) * 0.98 + 0.01
    y = (rng.random((7, 1)) > 0.5).astype(np.float64)
    expected = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
    assert F.binary_cross_entropy(_t(a), y).item() == pytest.approx(expected, rel=1e-12)


def test_mse_formula(rng):
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    assert nn.MSELoss()(_t(a), b).item() == pytest.approx(np.mean((a - b) ** 2), rel=1e-12)
    assert nn.MSELoss("sum")(_t(a), b).item() == pytest.approx(np.sum((a - b) ** 2), rel=1e-12)
    np.testing.assert_allclose(nn.MSELoss("none")(_t(a), b).data, (a - b) ** 2, rtol=1e-12)


def test_nll_of_log_softmax_equals_cross_entropy(rng):
    z = _t(rng.standard_normal((5, 3)))
    y = np.array([2, 0, 1, 1, 0])
    assert nn.NLLLoss()(nn.LogSoftmax()(z), y).item() == pytest.approx(
        nn.CrossEntropyLoss()(z, y).item(), rel=1e-12)


# ---------------------------------------------------------------- stability
def test_bce_with_logits_is_finite_at_plus_minus_1000():
    z = _t([[1000.0], [-1000.0], [1000.0], [-1000.0]], grad=True)
    y = np.array([[1.0], [0.0], [0.0], [1.0]])
    loss = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    np.testing.assert_allclose(loss.data.ravel(), [0, 0, 1000, 1000])
    loss.sum().backward()
    np.testing.assert_allclose(z.grad.data.ravel(), [0, 0, 1, -1])
    z32 = ag.tensor([[1000.0], [-1000.0]], requires_grad=True)
    F.binary_cross_entropy_with_logits(z32, np.array([[0.0], [1.0]])).backward()
    assert np.all(np.isfinite(z32.grad.data))


def test_bce_is_finite_at_probabilities_0_and_1():
    p = _t([0.0, 1.0, 0.0, 1.0], grad=True)
    y = np.array([0.0, 1.0, 1.0, 0.0])
    loss = F.binary_cross_entropy(p, y, reduction="none")
    np.testing.assert_allclose(loss.data, [0, 0, 100, 100])  # log clamped at −100
    loss.sum().backward()
    assert np.all(np.isfinite(p.grad.data))


def test_cross_entropy_is_finite_for_huge_logits():
    z = _t([[1000.0, -1000.0, 0.0]], grad=True)
    loss = F.cross_entropy(z, np.array([1]))
    assert loss.item() == pytest.approx(2000.0)
    loss.backward()
    np.testing.assert_allclose(z.grad.data, [[1, -1, 0]], atol=1e-12)


# ----------------------------------------------------------------- gradcheck
def _ce_index(z):
    return F.cross_entropy(z, np.array([0, 2, 1, 2]), weight=np.array([1.0, 2.0, 0.5]),
                           label_smoothing=0.1)


GRADCHECKS = {
    "mse": lambda a, b: F.mse_loss(a, b),
    "bce": lambda a, b: F.binary_cross_entropy(ag.sigmoid(a), ag.sigmoid(b)),
    "bce_logits": lambda a, b: F.binary_cross_entropy_with_logits(
        a, ag.sigmoid(b), pos_weight=np.array([0.5, 2.0, 1.0])),
    "ce_index": lambda a, b: _ce_index(a) + (b * 0).sum(),
    # Class indices without smoothing: the fused op's labels path (A never built).
    "ce_labels": lambda a, b: (F.cross_entropy(a, np.array([0, -1, 1, 2]), ignore_index=-1,
                                               weight=np.array([1.0, 2.0, 0.5]),
                                               reduction="none") * b[:, 0]).sum(),
    "ce_probs": lambda a, b: F.cross_entropy(a, ag.softmax(b, axis=1), label_smoothing=0.2),
    "nll": lambda a, b: F.nll_loss(ag.log_softmax(a, axis=1), np.array([0, 2, -100, 1])) +
    (b * 0).sum(),
}


@pytest.mark.parametrize("name", list(GRADCHECKS))
def test_gradcheck_and_gradgradcheck(name, rng):
    a = _t(rng.standard_normal((4, 3)), grad=True)
    b = _t(rng.standard_normal((4, 3)), grad=True)
    assert ag.gradcheck(GRADCHECKS[name], (a, b))
    assert ag.gradgradcheck(GRADCHECKS[name], (a, b))


# --------------------------------------------------------------- torch parity
def _parity(ours, theirs, inputs, torch, reductions=("mean", "sum", "none")):
    """Compare values and input gradients for every reduction; inputs: list of
    (array, requires_grad)."""
    for reduction in reductions:
        mine = [ag.tensor(a, requires_grad=g) if not np.issubdtype(a.dtype, np.integer)
                else a for a, g in inputs]
        ref = [torch.tensor(a, requires_grad=g) if not np.issubdtype(a.dtype, np.integer)
               else torch.from_numpy(a) for a, g in inputs]
        out, tout = ours(*mine, reduction=reduction), theirs(*ref, reduction=reduction)
        np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=reduction)
        seed = np.random.default_rng(0).standard_normal(out.shape).astype(out.dtype)
        out.backward(ag.tensor(seed))
        tout.backward(torch.from_numpy(seed))
        for m, r, (_, g) in zip(mine, ref, inputs):
            if g:
                np.testing.assert_allclose(m.grad.data, r.grad.numpy(), rtol=1e-4, atol=1e-6,
                                           err_msg=reduction)


def test_mse_matches_torch(rng, torch):
    a, b = rng.standard_normal((5, 3)).astype(np.float32), rng.standard_normal((5, 3))
    _parity(F.mse_loss, torch.nn.functional.mse_loss, [(a, True), (b.astype(np.float32), True)],
            torch)


def test_bce_matches_torch(rng, torch):
    p = rng.random((6, 2)).astype(np.float32)
    p[0, 0], p[1, 1] = 0.0, 1.0
    y = rng.random((6, 2)).astype(np.float32)
    w = rng.random((6, 2)).astype(np.float32)
    _parity(lambda a, b, reduction: F.binary_cross_entropy(a, b, w, reduction),
            lambda a, b, reduction: torch.nn.functional.binary_cross_entropy(
                a, b, torch.from_numpy(w), reduction=reduction),
            [(p, True), (y, False)], torch)
    # the target's gradient too, away from p = 0 and 1 (where PyTorch's is ±inf and ours,
    # through the clamped logs, stays finite)
    p = np.clip(p, 0.05, 0.95)
    _parity(F.binary_cross_entropy, torch.nn.functional.binary_cross_entropy,
            [(p, True), (y, True)], torch)


@pytest.mark.parametrize("pos_weight", [None, np.array([0.5, 3.0], dtype=np.float32)])
def test_bce_with_logits_matches_torch(pos_weight, rng, torch):
    z = (rng.standard_normal((6, 2)) * 5).astype(np.float32)
    z[0, 0], z[1, 1] = 1000.0, -1000.0
    y = rng.random((6, 2)).astype(np.float32)
    w = rng.random((6, 2)).astype(np.float32)
    tpw = None if pos_weight is None else torch.from_numpy(pos_weight)
    _parity(lambda a, b, reduction: F.binary_cross_entropy_with_logits(a, b, w, reduction,
                                                                       pos_weight),
            lambda a, b, reduction: torch.nn.functional.binary_cross_entropy_with_logits(
                a, b, torch.from_numpy(w), reduction=reduction, pos_weight=tpw),
            [(z, True), (y, True)], torch)


@pytest.mark.parametrize("weight", [None, np.array([1.0, 2.0, 0.5, 1.5], dtype=np.float32)])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy_index_targets_match_torch(weight, smoothing, rng, torch):
    z = (rng.standard_normal((7, 4)) * 3).astype(np.float32)
    y = np.array([0, 3, -100, 1, 2, 2, -100])
    tw = None if weight is None else torch.from_numpy(weight)
    _parity(lambda a, b, reduction: F.cross_entropy(a, b, weight, -100, reduction, smoothing),
            lambda a, b, reduction: torch.nn.functional.cross_entropy(
                a, b, tw, ignore_index=-100, reduction=reduction, label_smoothing=smoothing),
            [(z, True), (y, False)], torch)


@pytest.mark.parametrize("weight", [None, np.array([1.0, 2.0, 0.5], dtype=np.float32)])
def test_cross_entropy_probability_targets_match_torch(weight, rng, torch):
    z = rng.standard_normal((5, 3)).astype(np.float32)
    q = rng.random((5, 3)).astype(np.float32)
    q /= q.sum(1, keepdims=True)
    tw = None if weight is None else torch.from_numpy(weight)
    _parity(lambda a, b, reduction: F.cross_entropy(a, b, weight, reduction=reduction,
                                                    label_smoothing=0.1),
            lambda a, b, reduction: torch.nn.functional.cross_entropy(
                a, b, tw, reduction=reduction, label_smoothing=0.1),
            [(z, True), (q, True)], torch)


@pytest.mark.parametrize("weight", [None, np.array([1.0, 2.0, 0.5], dtype=np.float64)])
@pytest.mark.parametrize("loss,smoothing", [("cross_entropy", 0.0), ("cross_entropy", 0.1),
                                            ("nll_loss", 0.0)])
def test_ignored_rows_get_an_exact_zero_gradient(loss, smoothing, weight, rng):
    z = rng.standard_normal((4, 3))
    kw = {"label_smoothing": smoothing} if smoothing else {}
    f = getattr(F, loss)
    for target, reduction in [([-100] * 4, "mean"), ([-100] * 4, "sum"),
                              ([2, -100, 0, -100], "mean")]:
        x = ag.tensor(z, requires_grad=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = f(x, np.array(target), weight, reduction=reduction, **kw)
            out.backward()
        ignored = np.array(target) == -100
        np.testing.assert_array_equal(x.grad.data[ignored], 0.0)
        assert np.isfinite(x.grad.data).all()
        if ignored.all():  # PyTorch's results: the mean of nothing is nan, the sum 0
            assert np.isnan(out.item()) if reduction == "mean" else out.item() == 0.0


def test_every_row_ignored_matches_torch(torch):
    z = np.random.default_rng(0).standard_normal((3, 4))
    for smoothing in (0.0, 0.2):
        x, t = ag.tensor(z, requires_grad=True), torch.tensor(z, requires_grad=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            ours = F.cross_entropy(x, np.array([-100, -100, -100]), label_smoothing=smoothing)
            ours.backward()
        theirs = torch.nn.functional.cross_entropy(t, torch.tensor([-100, -100, -100]),
                                                   label_smoothing=smoothing)
        theirs.backward()
        assert np.isnan(ours.item()) and np.isnan(theirs.item())
        np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


@pytest.mark.parametrize("loss,smoothing", [("cross_entropy", 0.0), ("cross_entropy", 0.1),
                                            ("nll_loss", 0.0)])
def test_ignored_rows_with_non_finite_scores_lose_nothing(loss, smoothing, torch):
    z = np.array([[1.0, 2.0, 3.0], [np.inf, 0.0, 1.0], [np.nan, 1.0, 2.0]])
    target = np.array([0, -100, -100])
    kw = {"label_smoothing": smoothing} if smoothing else {}
    with np.errstate(invalid="ignore"):
        ours = getattr(F, loss)(ag.tensor(z), target, reduction="none", **kw).data
    theirs = getattr(torch.nn.functional, loss)(torch.tensor(z), torch.tensor(target),
                                                reduction="none", **kw).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_array_equal(ours[1:], [0.0, 0.0])


def test_nll_matches_torch(rng, torch):
    lp = np.log(rng.dirichlet(np.ones(4), size=6)).astype(np.float32)
    y = np.array([0, 1, 2, 3, -1, 1])
    w = np.array([0.5, 1.0, 2.0, 1.0], dtype=np.float32)
    _parity(lambda a, b, reduction: F.nll_loss(a, b, w, -1, reduction),
            lambda a, b, reduction: torch.nn.functional.nll_loss(
                a, b, torch.from_numpy(w), ignore_index=-1, reduction=reduction),
            [(lp, True), (y, False)], torch)


def test_loss_modules_match_torch_modules(rng, torch):
    z = rng.standard_normal((4, 3)).astype(np.float32)
    y = np.array([2, 0, 1, 1])
    pairs = [(nn.CrossEntropyLoss(label_smoothing=0.1),
              torch.nn.CrossEntropyLoss(label_smoothing=0.1), y),
             (nn.NLLLoss(), torch.nn.NLLLoss(), y),
             (nn.MSELoss(), torch.nn.MSELoss(), z[::-1].copy()),
             (nn.BCEWithLogitsLoss(), torch.nn.BCEWithLogitsLoss(), (z > 0).astype(np.float32)),
             (nn.BCELoss(), torch.nn.BCELoss(), (z > 0).astype(np.float32))]
    for ours, theirs, target in pairs:
        x = z if not isinstance(ours, nn.BCELoss) else 1 / (1 + np.exp(-z))
        np.testing.assert_allclose(ours(ag.tensor(x), target).item(),
                                   theirs(torch.from_numpy(x), torch.from_numpy(target)).item(),
                                   rtol=1e-5, err_msg=type(ours).__name__)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # empty: mean
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # of nothing is nan, as torch
@pytest.mark.parametrize("shape", [(4,), (3, 4, 5), (2, 4, 3, 2), (0, 4, 3)], ids=str)
@pytest.mark.parametrize("weight", [None, np.array([1.0, 2.0, 0.5, 1.5], dtype=np.float32)])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy_and_nll_of_torchs_other_layouts_match_torch(shape, weight, smoothing,
                                                                    rng, torch):
    # (C,) with a 0-d target; (N, C, d1, ..., dk) with targets (N, d1, ..., dk)
    z = (rng.standard_normal(shape) * 3).astype(np.float32)
    index_shape = (shape[0], *shape[2:]) if len(shape) > 1 else ()
    y = rng.integers(0, 4, index_shape)
    if y.size > 2:
        y.reshape(-1)[1] = -100
    tw = None if weight is None else torch.from_numpy(weight)
    _parity(lambda a, b, reduction: F.cross_entropy(a, b, weight, -100, reduction, smoothing),
            lambda a, b, reduction: torch.nn.functional.cross_entropy(
                a, b, tw, ignore_index=-100, reduction=reduction, label_smoothing=smoothing),
            [(z, True), (y, False)], torch)
    probs = rng.random(shape).astype(np.float32)
    _parity(lambda a, b, reduction: F.cross_entropy(a, b, weight, reduction=reduction,
                                                    label_smoothing=smoothing),
            lambda a, b, reduction: torch.nn.functional.cross_entropy(
                a, b, tw, reduction=reduction, label_smoothing=smoothing),
            [(z, True), (probs, True)], torch)
    if not smoothing:
        _parity(lambda a, b, reduction: nn.NLLLoss(weight, reduction=reduction)(a, b),
                lambda a, b, reduction: torch.nn.functional.nll_loss(
                    a, b, tw, reduction=reduction),
                [(z, True), (y, False)], torch)


def test_cross_entropy_over_positions_passes_gradcheck(rng):
    z = _t(rng.standard_normal((2, 3, 4)), grad=True)
    probs = _t(rng.random((2, 3, 4)), grad=True)
    y = np.array([[0, 2, 1, -100], [1, 1, 0, 2]])
    assert ag.gradcheck(lambda a: F.cross_entropy(a, y, reduction="none"), (z,))
    assert ag.gradcheck(lambda a, b: F.cross_entropy(a, b, label_smoothing=0.1), (z, probs))
    assert ag.gradgradcheck(lambda a: F.cross_entropy(a, y), (z,))


# -------------------------------------------------------------------- errors
def test_cross_entropy_label_errors():
    z = ag.zeros(3, 4)
    with pytest.raises(TypeError, match=r"must be integers, got dtype float.*astype\(np.int64\)"):
        F.cross_entropy(z, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"shape \(3,\).*got \(3, 1\).*reshape\(-1\)"):
        F.cross_entropy(z, np.array([[0], [1], [2]]))
    with pytest.raises(IndexError, match=r"class 4 at position 1, outside \[0, 4\)"):
        F.cross_entropy(z, np.array([0, 4, 1]))
    with pytest.raises(IndexError, match="class -2"):
        nn.NLLLoss()(z, np.array([0, -2, 1]))
    with pytest.raises(ValueError, match=r"for input of shape \(4,\) the target must be class "
                                         r"indices of shape \(\) or class probabilities of "
                                         r"shape \(4,\), got shape \(1,\)"):
        F.cross_entropy(ag.zeros(4), np.array([1]))
    with pytest.raises(ValueError, match=r"target must be class indices of shape \(2, 5\)"):
        F.nll_loss(ag.zeros(2, 3, 5), np.zeros((2, 3, 5)))
    with pytest.raises(ValueError, match="got a 0-d tensor"):
        F.cross_entropy(ag.tensor(1.0), np.array(0))
    with pytest.raises(ValueError, match=r"weight must have one entry per class, shape \(4,\)"):
        F.cross_entropy(z, np.array([0, 1, 2]), weight=np.ones(3))
    with pytest.raises(ValueError, match="label_smoothing"):
        nn.CrossEntropyLoss(label_smoothing=1.5)


def test_reduction_shape_dtype_and_range_errors():
    with pytest.raises(ValueError, match=r"reduction must be one of \('mean', 'sum', 'none'\)"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match=r"target shape \(4,\) differs from input shape \(4, 1\)"):
        F.mse_loss(ag.zeros(4, 1), np.zeros(4))
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\].*with_logits"):
        F.binary_cross_entropy(ag.tensor([0.5, 1.5]), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"target must hold labels or probabilities in "
                                         r"\[0, 1\], got values from -1 to 1\. .*\(y \+ 1\) / 2"):
        nn.BCELoss()(ag.tensor([0.5, 0.5]), np.array([-1.0, 1.0]))
    with pytest.raises(ValueError, match=r"got values from 0 to 0 and NaN"):
        F.binary_cross_entropy(ag.tensor([0.5, 0.5]), np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match="floating point"):
        F.mse_loss(ag.tensor([1, 2]), np.array([1, 2]))
    with pytest.raises(ValueError, match="pos_weight of shape"):
        F.binary_cross_entropy_with_logits(ag.zeros(4, 2), np.zeros((4, 2)),
                                           pos_weight=np.ones(3))


def test_integer_binary_labels_are_accepted():
    loss = F.binary_cross_entropy_with_logits(ag.zeros(3), np.array([0, 1, 1]))
    assert loss.dtype == np.float32 and loss.item() == pytest.approx(np.log(2))


# ---------------------------------------- PyTorch's other pointwise losses
POINTWISE = {
    "l1": (F.l1_loss, "l1_loss", {}),
    "smooth_l1": (F.smooth_l1_loss, "smooth_l1_loss", {"beta": 0.7}),
    "smooth_l1 beta=0": (F.smooth_l1_loss, "smooth_l1_loss", {"beta": 0.0}),
    "huber": (F.huber_loss, "huber_loss", {"delta": 0.7}),
}


@pytest.mark.parametrize("name", POINTWISE)
def test_regression_losses_match_torch(name, rng, torch):
    ours, theirs, opts = POINTWISE[name]
    a = rng.standard_normal((6, 3)).astype(np.float32)
    b = (a + rng.standard_normal((6, 3)) * 0.6).astype(np.float32)
    b[0, 0] = a[0, 0]  # d = 0: the gradient there is 0 in both
    b[1, 1] = a[1, 1] - np.float32(0.7)  # |d| = beta on the boundary
    _parity(lambda x, y, reduction: ours(x, y, reduction, **opts),
            lambda x, y, reduction: getattr(torch.nn.functional, theirs)(
                x, y, reduction=reduction, **opts),
            [(a, True), (b, True)], torch)


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss")  # torch's
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_torch_with_every_reduction(log_target, rng, torch):
    logp = np.log(rng.dirichlet(np.ones(4), 5)).astype(np.float32)
    q = rng.dirichlet(np.ones(4), 5).astype(np.float32)
    q[0, 1] = 0.0  # a zero target adds 0
    target = np.log(q + 1e-3).astype(np.float32) if log_target else q
    with pytest.warns(UserWarning, match="reduction='mean'"):
        _parity(lambda x, y, reduction: F.kl_div(x, y, reduction, log_target),
                lambda x, y, reduction: torch.nn.functional.kl_div(
                    x, y, reduction=reduction, log_target=log_target),
                [(logp, True), (target, log_target)], torch)
    for reduction in ("batchmean",):
        ours = F.kl_div(ag.tensor(logp), target, reduction, log_target)
        theirs = torch.nn.functional.kl_div(torch.from_numpy(logp), torch.from_numpy(target),
                                            reduction=reduction, log_target=log_target)
        assert ours.item() == pytest.approx(theirs.item(), rel=1e-5)


def test_pointwise_losses_pass_gradcheck_and_their_modules_work(rng):
    a, b = _t(rng.standard_normal((3, 4)), grad=True), _t(rng.standard_normal((3, 4)), grad=True)
    for fn in (F.l1_loss, lambda x, y: F.smooth_l1_loss(x, y, beta=0.5),
               lambda x, y: F.huber_loss(x, y, delta=2.0)):
        assert ag.gradcheck(fn, (a, b))
    p = _t(rng.dirichlet(np.ones(4), 3), grad=True)
    assert ag.gradcheck(lambda x, y: F.kl_div(ag.log_softmax(x, -1), y, "batchmean"), (a, p))
    assert ag.gradgradcheck(lambda x, y: F.huber_loss(x, y, delta=2.0), (a, b))
    x, y = ag.tensor([[0.0, 3.0]]), ag.tensor([[1.0, 1.0]])
    assert nn.L1Loss()(x, y).item() == 1.5
    assert nn.SmoothL1Loss(beta=1.0)(x, y).item() == pytest.approx((0.5 + 1.5) / 2)
    assert nn.HuberLoss(delta=2.0)(x, y).item() == pytest.approx((0.5 + 2.0) / 2)
    assert repr(nn.KLDivLoss("batchmean")) == "KLDivLoss(reduction='batchmean', log_target=False)"
    with pytest.raises(ValueError, match="beta must be >= 0"):
        nn.SmoothL1Loss(beta=-1.0)
    with pytest.raises(ValueError, match="delta must be > 0"):
        F.huber_loss(x, y, delta=0.0)
    with pytest.raises(ValueError, match="target shape"):
        F.l1_loss(x, ag.tensor([1.0]))


# ------------------------------------- per-element weights of the regression losses
WEIGHTED = [("mse_loss", {}), ("l1_loss", {}), ("huber_loss", {"delta": 0.7})]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name, kwargs", WEIGHTED, ids=[w[0] for w in WEIGHTED])
def test_weighted_regression_losses_match_torch(name, kwargs, reduction, rng, torch):
    x_np = rng.standard_normal((4, 3))
    t_np = rng.standard_normal((4, 3))
    w_np = rng.uniform(0.1, 2.0, (4, 3))
    g_np = rng.standard_normal((4, 3)) if reduction == "none" else np.array(1.0)
    x, w = ag.tensor(x_np, requires_grad=True), ag.tensor(w_np, requires_grad=True)
    out = getattr(F, name)(x, ag.tensor(t_np), reduction=reduction, weight=w, **kwargs)
    out.backward(ag.tensor(g_np))
    tx = torch.tensor(x_np, requires_grad=True)
    tw = torch.tensor(w_np, requires_grad=True)
    tout = getattr(torch.nn.functional, name)(tx, torch.tensor(t_np), reduction=reduction,
                                              weight=tw, **kwargs)
    tout.backward(torch.tensor(g_np))
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name, kwargs", WEIGHTED, ids=[w[0] for w in WEIGHTED])
def test_weighted_regression_losses_formulas_and_gradcheck(name, kwargs, rng):
    x_np, t_np = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    w_np = rng.uniform(0.5, 1.5, (3, 2))
    fn = getattr(F, name)
    ones = fn(ag.tensor(x_np), ag.tensor(t_np), weight=ag.tensor(np.ones((3, 2))), **kwargs)
    assert ones.item() == pytest.approx(fn(ag.tensor(x_np), ag.tensor(t_np), **kwargs).item(),
                                        rel=1e-14)
    pointwise = fn(ag.tensor(x_np), ag.tensor(t_np), reduction="none", **kwargs).data
    mean = fn(ag.tensor(x_np), ag.tensor(t_np), weight=w_np, **kwargs).item()
    divisor = pointwise.size if name == "huber_loss" else w_np.sum()
    assert mean == pytest.approx((pointwise * w_np).sum() / divisor, rel=1e-14)
    x = ag.tensor(x_np, requires_grad=True)
    w = ag.tensor(w_np, requires_grad=True)
    assert ag.gradcheck(lambda a, b: fn(a, ag.tensor(t_np), weight=b, **kwargs), (x, w))
    if name == "mse_loss":
        assert ag.gradgradcheck(lambda a, b: fn(a, ag.tensor(t_np), weight=b), (x, w))
    with pytest.raises(ValueError, match=rf"{name}: weight of shape \(2,\) must have the "
                                         r"input's shape \(3, 2\)"):
        fn(ag.tensor(x_np), ag.tensor(t_np), weight=np.ones(2), **kwargs)
    f32 = fn(ag.tensor(x_np.astype(np.float32)), ag.tensor(t_np.astype(np.float32)),
             weight=w_np, **kwargs)
    assert f32.dtype == np.float32


@pytest.mark.parametrize("pos_weight", [None, np.array([0.5, 3.0])])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_backward_on_arrays_gives_the_recorded_gradients(pos_weight, dtype, rng):
    """Without create_graph the backward runs on arrays (no op nodes); with it, on
    recorded ops: the same gradients, bit for bit, in the inputs' dtype."""
    z = (rng.standard_normal((5, 2)) * 4).astype(dtype)
    y = rng.random((5, 2)).astype(dtype)
    pw = None if pos_weight is None else pos_weight.astype(dtype)
    grads = []
    for create_graph in (False, True):
        a, b = ag.tensor(z, requires_grad=True), ag.tensor(y, requires_grad=True)
        loss = F.binary_cross_entropy_with_logits(a, b, pos_weight=pw, reduction="sum")
        grads.append(ag.grad(loss, [a, b], create_graph=create_graph))
    for plain, recorded in zip(*grads):
        assert not plain.requires_grad and recorded.requires_grad
        assert plain.dtype == recorded.dtype == dtype
        np.testing.assert_array_equal(plain.data, recorded.data)


def test_cross_entropy_lets_the_kernel_check_the_labels_and_falls_back_for_ignored_rows(
        monkeypatch):
    from nn.functional import loss as loss_module

    calls = []
    checked = loss_module._class_indices
    monkeypatch.setattr(loss_module, "_class_indices",
                        lambda *a: calls.append(1) or checked(*a))
    z = ag.tensor(np.random.default_rng(0).standard_normal((6, 4)), requires_grad=True)
    labels = np.array([0, 3, 1, 2, 2, 1])
    loss = nn.functional.cross_entropy(z, ag.from_numpy(labels))
    assert calls == []  # the common case: no reductions over the labels first
    expected = -np.mean(np.log(np.exp(z.data) / np.exp(z.data).sum(1, keepdims=True))
                        [np.arange(6), labels])
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-12)
    ignored = labels.copy()
    ignored[[1, 4]] = -100
    kept = nn.functional.cross_entropy(z, ag.from_numpy(ignored))  # the kernel refuses -100
    assert calls == [1]
    np.testing.assert_allclose(
        kept.item(), nn.functional.cross_entropy(z[[0, 2, 3, 5]],
                                                 ag.from_numpy(labels[[0, 2, 3, 5]])).item(),
        rtol=1e-12)
    with pytest.raises(IndexError, match="class 4 at position 2"):
        nn.functional.cross_entropy(z, ag.from_numpy(np.array([0, 1, 4, 2, 2, 1])))


def test_cross_entropy_keeps_its_unit_row_weights_read_only_and_few() -> None:
    from nn.functional import loss as loss_module

    first = loss_module._unit_weights(5, np.dtype(np.float32))
    assert first is loss_module._unit_weights(5, np.dtype(np.float32))  # kept, not refilled
    assert not first.flags.writeable and first.tolist() == [1.0] * 5
    for n in range(1, 30):
        loss_module._unit_weights(n, np.dtype(np.float64))
    assert len(loss_module._unit_weight_arrays) <= 8
    z = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    y = np.array([0, 2, 1, 1, 0])
    expected = -np.mean(z[np.arange(5), y] - np.log(np.exp(z).sum(1)))
    for _ in range(2):  # the second call on the kept vector gives the same loss
        np.testing.assert_allclose(F.cross_entropy(ag.tensor(z), y).item(), expected,
                                   rtol=1e-6)
