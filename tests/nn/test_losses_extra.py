"""PyTorch's likelihood, margin and embedding losses: values, first and second derivatives
against PyTorch in float64 and float32 for every reduction, gradcheck, edge cases (ties at
the margin, zeros, huge magnitudes, empty batches, broadcasting), modules and errors."""

import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

REDUCTIONS = ("mean", "sum", "none")
TOL = {np.float64: {"rtol": 1e-10, "atol": 1e-12}, np.float32: {"rtol": 1e-5, "atol": 1e-6}}


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


# ------------------------------------------------------------------ the cases
def _labels(rng, shape, values=(1.0, -1.0)):
    return rng.choice(np.asarray(values), size=shape)


def _poisson_targets(rng, shape, values=(0.0, 1.0, 0.5, 2.0, 3.0, 7.0)):
    return rng.choice(np.asarray(values), size=shape)


def _ranking(rng):
    x1, x2, t = rng.standard_normal(6), rng.standard_normal(6), _labels(rng, 6)
    x1[0], x2[0], t[0] = 0.75, 0.5, 1.0  # −t·(x1 − x2) + 0.25 = 0: on the margin
    return [(x1, True), (x2, True), (t, True)]


def _hinge(rng):
    x = rng.standard_normal((4, 3)) + 0.5
    t = _labels(rng, (4, 3), (1.0, -1.0, -1.0, 0.0, 2.0))
    x[0, 0], t[0, 0] = 1.0, -1.0  # margin − x = 0: on the margin
    x[0, 1] = 0.0
    return [(x, True), (t, False)]


def _multi_margin(rng, shape=(5, 4)):
    x = rng.standard_normal(shape)
    y = rng.integers(0, shape[-1], shape[:-1] or (1,))
    x2 = x.reshape(-1, shape[-1])
    x2[0, y[0]], x2[0, (y[0] + 1) % shape[-1]] = 1.5, 0.5  # 1 − 1.5 + 0.5 = 0: on the margin
    return [(x2.reshape(shape), True), (y, False)]


def _cosine(rng):
    x1, x2 = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    t = np.array([1.0, -1.0, 1.0, -1.0, 0.0, -1.0])
    x1[3] = 0.0  # a zero vector: cosine 0 through the 1e-12 terms
    return [(x1, True), (x2, True), (t, False)]


def _triplet(rng, shape=(5, 3)):
    return [(rng.standard_normal(shape), True), (rng.standard_normal(shape), True),
            (rng.standard_normal(shape), True)]


def _gaussian_var(rng, shape):
    v = rng.uniform(0.2, 2.0, shape)
    v.flat[0] = 0.0  # clamped at eps: the loss uses eps, the gradient passes through
    if v.size > 1:
        v.flat[1] = 1e-8
    return v


def _f(name):
    def ours(*args, **kwargs):
        return getattr(F, name)(*args, **kwargs)

    def theirs(torch):
        return getattr(torch.nn.functional, name)
    return ours, theirs


# name: (function name, keyword arguments, inputs(rng) -> [(array, differentiable)],
#        has a second derivative in PyTorch that is not identically 0)
CASES = {
    "poisson": ("poisson_nll_loss", {},
                lambda r: [(r.standard_normal((5, 4)), True), (_poisson_targets(r, (5, 4)), True)],
                True),
    "poisson full": ("poisson_nll_loss", {"full": True},
                     lambda r: [(r.standard_normal((5, 4)),
                                 True), (_poisson_targets(r, (5, 4), (0.5, 1.0, 2.0, 3.0, 7.0)),
                                         True)], True),
    "poisson rate full": ("poisson_nll_loss", {"log_input": False, "full": True, "eps": 1e-3},
                          lambda r: [(r.uniform(0.1, 3.0, (5, 4)), True),
                                     (_poisson_targets(r, (5, 4), (1.5, 1.0, 2.0, 9.0)), True)],
                          True),
    "poisson broadcast": ("poisson_nll_loss", {"log_input": False},
                          lambda r: [(r.uniform(0.1, 3.0, (4, 3)), True),
                                     (_poisson_targets(r, (2, 1, 3)), True)], True),
    "gaussian": ("gaussian_nll_loss", {},
                 lambda r: [(r.standard_normal((5, 3)), True), (r.standard_normal((5, 3)), True),
                            (_gaussian_var(r, (5, 3)), True)], True),
    "gaussian var (N,) full": ("gaussian_nll_loss", {"full": True, "eps": 1e-3},
                               lambda r: [(r.standard_normal((5, 3)), True),
                                          (r.standard_normal((5, 3)), True),
                                          (_gaussian_var(r, (5,)), True)], True),
    "gaussian var (N, 1)": ("gaussian_nll_loss", {},
                            lambda r: [(r.standard_normal((5, 3)), True),
                                       (r.standard_normal((5, 3)), True),
                                       (_gaussian_var(r, (5, 1)), True)], True),
    "gaussian var (1, D), target (D,)": ("gaussian_nll_loss", {},
                                         lambda r: [(r.standard_normal((5, 3)), True),
                                                    (r.standard_normal(3), True),
                                                    (_gaussian_var(r, (1, 3)), True)], True),
    "margin ranking": ("margin_ranking_loss", {"margin": 0.25}, _ranking, True),
    "margin ranking broadcast": ("margin_ranking_loss", {"margin": -0.1},
                                 lambda r: [(r.standard_normal((2, 3)), True),
                                            (r.standard_normal((2, 1)), True),
                                            (_labels(r, (1, 3)), True)], True),
    "hinge": ("hinge_embedding_loss", {}, _hinge, False),  # piecewise linear in its input
    "hinge broadcast": ("hinge_embedding_loss", {"margin": 0.5},
                        lambda r: [(r.standard_normal(3), True), (_labels(r, (4, 3)), False)],
                        False),
    "soft margin": ("soft_margin_loss", {},
                    lambda r: [(r.standard_normal((5, 3)) * 4, True),
                               (_labels(r, (5, 3)), False)], True),
    "soft margin broadcast": ("soft_margin_loss", {},
                              lambda r: [(r.standard_normal((4, 3)), True),
                                         (_labels(r, 3), False)], True),
    "multilabel": ("multilabel_soft_margin_loss", {},
                   lambda r: [(r.standard_normal((5, 4)) * 3, True),
                              (_labels(r, (5, 4), (0.0, 1.0)), True)], True),
    "multilabel weight": ("multilabel_soft_margin_loss", {},
                          lambda r: [(r.standard_normal((2, 3, 4)), True),
                                     (r.random((2, 3, 4)), True),
                                     (r.uniform(0.2, 2.0, 4), True)], True),
    "multilabel (C,)": ("multilabel_soft_margin_loss", {},
                        lambda r: [(r.standard_normal(4), True),
                                   (_labels(r, 4, (0.0, 1.0)), False),
                                   (r.uniform(0.2, 2.0, (1,)), True)], True),
    "multi margin": ("multi_margin_loss", {}, _multi_margin, False),
    "multi margin p=2 weight": ("multi_margin_loss",
                                {"p": 2, "weight": np.array([0.5, 2.0, 1.0, 1.5])},
                                _multi_margin, False),
    "multi margin (C,)": ("multi_margin_loss", {"margin": 1.0},
                          lambda r: _multi_margin(r, (4,)), False),
    "cosine": ("cosine_embedding_loss", {"margin": 0.2}, _cosine, True),
    "cosine broadcast": ("cosine_embedding_loss", {"margin": -0.3},
                         lambda r: [(r.standard_normal((4, 3)), True),
                                    (r.standard_normal((1, 3)), True),
                                    (_labels(r, 4), False)], True),
    "cosine (D,)": ("cosine_embedding_loss", {},
                    lambda r: [(r.standard_normal(3), True), (r.standard_normal(3), True),
                               (np.array(-1.0), False)], True),
    "triplet": ("triplet_margin_loss", {"margin": 2.0}, _triplet, True),
    "triplet p=1 swap": ("triplet_margin_loss", {"p": 1.0, "swap": True, "margin": 1.5},
                         _triplet, False),  # the 1-norm is piecewise linear
    "triplet p=3 broadcast": ("triplet_margin_loss", {"p": 3.0, "eps": 0.0, "margin": 2.0},
                              lambda r: [(r.standard_normal((4, 3)), True),
                                         (r.standard_normal((1, 3)), True),
                                         (r.standard_normal((4, 3)), True)], True),
    "triplet (D,)": ("triplet_margin_loss", {"margin": 3.0}, lambda r: _triplet(r, (3,)), True),
}


def _build(specs, dtype, torch):
    """Our arguments and PyTorch's from ``(array, differentiable)`` pairs: float arrays in
    ``dtype`` (differentiable ones require grad), integer ones as they are."""
    mine, ref = [], []
    for a, grad in specs:
        if np.issubdtype(a.dtype, np.integer):
            mine.append(a)
            ref.append(torch.from_numpy(a))
        else:
            a = a.astype(dtype)
            mine.append(ag.tensor(a, requires_grad=bool(grad)))
            ref.append(torch.tensor(a, requires_grad=bool(grad)))
    return mine, ref


def _options(kwargs, dtype, torch):
    """Our keyword arguments and PyTorch's: arrays (a weight) as constants in ``dtype``."""
    ref = {k: torch.from_numpy(v.astype(dtype)) if isinstance(v, np.ndarray) else v
           for k, v in kwargs.items()}
    return kwargs, ref


def _differentiable(specs, mine, ref):
    return [(m, r) for (_, g), m, r in zip(specs, mine, ref) if g]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("case", CASES)
def test_values_and_gradients_match_torch(case, dtype, reduction, rng, torch):
    name, kwargs, make, _ = CASES[case]
    specs = make(rng)
    mine, ref = _build(specs, dtype, torch)
    kwargs, tkwargs = _options(kwargs, dtype, torch)
    out = getattr(F, name)(*mine, reduction=reduction, **kwargs)
    tout = getattr(torch.nn.functional, name)(*ref, reduction=reduction, **tkwargs)
    assert out.dtype == dtype and out.shape == tuple(tout.shape)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), **TOL[dtype])
    seed = rng.standard_normal(out.shape).astype(dtype)
    pairs = _differentiable(specs, mine, ref)
    grads = ag.grad(out, [m for m, _ in pairs], ag.tensor(seed))
    tgrads = torch.autograd.grad(tout, [r for _, r in pairs], torch.from_numpy(seed))
    for g, tg in zip(grads, tgrads):
        assert g.dtype == dtype
        np.testing.assert_allclose(g.data, tg.numpy(), **TOL[dtype])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", [c for c in CASES if CASES[c][3]])
def test_second_derivatives_match_torch(case, reduction, rng, torch):
    name, kwargs, make, _ = CASES[case]
    specs = make(rng)
    mine, ref = _build(specs, np.float64, torch)
    pairs = _differentiable(specs, mine, ref)
    kwargs, tkwargs = _options(kwargs, np.float64, torch)
    out = getattr(F, name)(*mine, reduction=reduction, **kwargs)
    tout = getattr(torch.nn.functional, name)(*ref, reduction=reduction, **tkwargs)
    seed = rng.standard_normal(out.shape)
    grads = ag.grad(out, [m for m, _ in pairs], ag.tensor(seed), create_graph=True)
    tgrads = torch.autograd.grad(tout, [r for _, r in pairs], torch.from_numpy(seed),
                                 create_graph=True)
    directions = [rng.standard_normal(g.shape) for g in grads]
    inner = sum((g * ag.tensor(v)).sum() for g, v in zip(grads, directions))
    tinner = sum((g * torch.from_numpy(v)).sum() for g, v in zip(tgrads, directions))
    second = ag.grad(inner, [m for m, _ in pairs], materialize_grads=True)
    tsecond = torch.autograd.grad(tinner, [r for _, r in pairs], materialize_grads=True)
    for h, th in zip(second, tsecond):
        np.testing.assert_allclose(h.data, th.numpy(), rtol=1e-9, atol=1e-10)


def _away_from_kinks(rng):
    return ag.tensor(rng.standard_normal((4, 3)), requires_grad=True)


GRADCHECKS = {
    "poisson": lambda x, y: F.poisson_nll_loss(x, ag.exp(y), full=True),
    "poisson rate": lambda x, y: F.poisson_nll_loss(ag.exp(x), 3.0 + y * y, log_input=False,
                                                    full=True),
    "gaussian": lambda x, y: F.gaussian_nll_loss(x, y, ag.exp(x + y), full=True),
    "gaussian var (N,)": lambda x, y: F.gaussian_nll_loss(x, y, ag.exp(y.sum(axis=1))),
    "margin ranking": lambda x, y: F.margin_ranking_loss(x, y, np.sign(x.data + 0.3),
                                                         margin=0.2, reduction="sum"),
    "hinge": lambda x, y: F.hinge_embedding_loss(x * y, np.sign(y.data)),
    "soft margin": lambda x, y: F.soft_margin_loss(x * y, np.sign(y.data)),
    "multilabel": lambda x, y: F.multilabel_soft_margin_loss(x, ag.sigmoid(y),
                                                             weight=ag.exp(y[0])),
    "multi margin p=1": lambda x, y: F.multi_margin_loss(x * y, np.array([0, 2, 1, 1]),
                                                         margin=0.9),
    "multi margin p=2": lambda x, y: F.multi_margin_loss(x + y, np.array([0, 2, 1, 1]), p=2,
                                                         weight=np.array([1.0, 2.0, 0.5])),
    "cosine": lambda x, y: F.cosine_embedding_loss(x, y, np.array([1, -1, -1, 1]),
                                                   margin=-0.5),
    "triplet": lambda x, y: F.triplet_margin_loss(x, y, x * y - 1, margin=5.0),
    "triplet swap p=1": lambda x, y: F.triplet_margin_loss(x, y, y * 2, p=1, swap=True,
                                                           margin=5.0),
}


@pytest.mark.parametrize("name", GRADCHECKS)
def test_gradcheck_and_gradgradcheck(name, rng):
    x, y = _away_from_kinks(rng), _away_from_kinks(rng)
    assert ag.gradcheck(GRADCHECKS[name], (x, y))
    assert ag.gradgradcheck(GRADCHECKS[name], (x, y))


# ---------------------------------------------------------------- edge cases
EMPTY = {
    "poisson_nll_loss": [(np.zeros((0, 3)), True), (np.zeros((0, 3)), True)],
    "gaussian_nll_loss": [(np.zeros((0, 3)), True), (np.zeros((0, 3)), True),
                          (np.ones((0, 3)), True)],
    "margin_ranking_loss": [(np.zeros(0), True), (np.zeros(0), True), (np.zeros(0), False)],
    "hinge_embedding_loss": [(np.zeros(0), True), (np.zeros(0), False)],
    "soft_margin_loss": [(np.zeros((0, 2)), True), (np.zeros((0, 2)), False)],
    "multilabel_soft_margin_loss": [(np.zeros((0, 3)), True), (np.zeros((0, 3)), False)],
    "multi_margin_loss": [(np.zeros((0, 3)), True), (np.zeros(0, dtype=np.int64), False)],
    "cosine_embedding_loss": [(np.zeros((0, 3)), True), (np.zeros((0, 3)), True),
                              (np.zeros(0), False)],
    "triplet_margin_loss": [(np.zeros((0, 3)), True)] * 3,
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", EMPTY)
def test_empty_batches_match_torch(name, reduction, torch):
    mine, ref = _build(EMPTY[name], np.float64, torch)
    out = getattr(F, name)(*mine, reduction=reduction)
    if reduction == "mean":  # 0/0
        assert out.shape == () and np.isnan(out.item())
    elif reduction == "sum" and name == "multi_margin_loss":  # PyTorch's is an unset value
        assert out.shape == () and out.item() == 0.0
    else:
        tout = getattr(torch.nn.functional, name)(*ref, reduction=reduction)
        assert out.shape == tuple(tout.shape)
        np.testing.assert_array_equal(out.data, tout.detach().numpy())
    out.sum().backward()
    for m, (a, g) in zip(mine, EMPTY[name]):
        if g:
            assert m.grad.shape == a.shape


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_soft_margin_is_finite_where_exp_overflows(dtype, torch):
    x = ag.tensor(np.array([-1000.0, 1000.0, -100.0, 100.0, 0.0], dtype), requires_grad=True)
    y = np.array([1.0, 1.0, 1.0, -1.0, -1.0])
    loss = F.soft_margin_loss(x, y, reduction="none")
    np.testing.assert_allclose(loss.data, [1000, 0, 100, 100, math.log(2)], rtol=1e-6)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.data, [-1, 0, -1, 1, 0.5], rtol=1e-6)
    # PyTorch's naive formula is inf (gradient nan) in float32 here, but agrees in float64:
    tx = torch.tensor(x.data.astype(np.float64), requires_grad=True)
    torch.nn.functional.soft_margin_loss(tx, torch.tensor(y), reduction="sum").backward()
    np.testing.assert_allclose(x.grad.data[1:], tx.grad.numpy()[1:], rtol=1e-6)


def test_multilabel_soft_margin_is_finite_at_large_scores(torch):
    x = ag.tensor(np.array([[-1000.0, 1000.0, 30.0]], np.float32), requires_grad=True)
    target = np.array([[1.0, 0.0, 1.0]], np.float32)
    loss = F.multilabel_soft_margin_loss(x, target)
    tloss = torch.nn.functional.multilabel_soft_margin_loss(torch.from_numpy(x.data),
                                                            torch.from_numpy(target))
    assert loss.item() == pytest.approx(tloss.item(), rel=1e-6)
    loss.backward()
    np.testing.assert_allclose(x.grad.data, [[-1 / 3, 1 / 3, 0.0]], atol=1e-7)


def test_poisson_full_at_target_zero(rng, torch):
    """The Stirling term is 0 for targets <= 1 (values and input gradient as PyTorch's); the
    target's gradient there is finite, where PyTorch's is nan at 0 (0·log 0)."""
    x_np = rng.standard_normal(5)
    t_np = np.array([0.0, 1.0, 0.5, 2.0, 5.0])
    x, t = ag.tensor(x_np, requires_grad=True), ag.tensor(t_np, requires_grad=True)
    loss = F.poisson_nll_loss(x, t, full=True, reduction="sum")
    tx, tt = torch.tensor(x_np, requires_grad=True), torch.tensor(t_np, requires_grad=True)
    tloss = torch.nn.functional.poisson_nll_loss(tx, tt, full=True, reduction="sum")
    assert loss.item() == pytest.approx(tloss.item(), rel=1e-12)
    loss.backward()
    tloss.backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)
    assert np.isnan(tt.grad[0].item()) and t.grad.data[0] == -x_np[0]
    np.testing.assert_allclose(t.grad.data[1:], tt.grad.numpy()[1:], rtol=1e-12)
    stirling = 5 * math.log(5) - 5 + 0.5 * math.log(2 * math.pi * 5)
    expected = np.exp(x_np[4]) - 5 * x_np[4] + stirling
    assert F.poisson_nll_loss(x[4:], t_np[4:], full=True).item() == pytest.approx(expected)


def test_gaussian_var_number_and_integer_targets(rng, torch):
    x_np, t_np = rng.standard_normal((3, 2)), rng.integers(-2, 3, (3, 2))
    for var in (0.5, 0.0):
        ours = F.gaussian_nll_loss(ag.tensor(x_np), t_np, var, reduction="none")
        theirs = torch.nn.functional.gaussian_nll_loss(
            torch.tensor(x_np), torch.from_numpy(t_np), var, reduction="none")
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)
    # An integer variance is taken as a number (PyTorch accepts only a float).
    assert F.gaussian_nll_loss(ag.tensor(x_np), t_np, 2).item() == pytest.approx(
        F.gaussian_nll_loss(ag.tensor(x_np), t_np, 2.0).item())


@pytest.mark.parametrize("name, args", [
    ("margin_ranking_loss", lambda: (np.ones(3), np.zeros(3), np.array([1, -1, 1]))),
    ("hinge_embedding_loss", lambda: (np.array([0.5, 2.0, -1.0]), np.array([1, -1, -1]))),
    ("soft_margin_loss", lambda: (np.array([0.5, 2.0, -1.0]), np.array([1, -1, -1]))),
    ("multilabel_soft_margin_loss", lambda: (np.ones((2, 3)), np.eye(2, 3, dtype=np.int64))),
    ("cosine_embedding_loss", lambda: (np.ones((2, 3)), np.eye(2, 3), np.array([1, -1]))),
    ("poisson_nll_loss", lambda: (np.ones((2, 3)), np.eye(2, 3, dtype=np.int32))),
])
def test_integer_targets_match_torch(name, args, torch):
    arrays = args()
    ours = getattr(F, name)(*[ag.tensor(a) if a.dtype.kind == "f" else a for a in arrays])
    theirs = getattr(torch.nn.functional, name)(*[torch.from_numpy(a) for a in arrays])
    assert ours.dtype == np.float64
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-12)


def test_triplet_swap_tie_shares_the_gradient(torch):
    """d(a, n) = d(p, n) exactly: min passes half the gradient to each, as PyTorch's."""
    arrays = [np.array([[0.0, 0.0]]), np.array([[2.0, 0.0]]), np.array([[1.0, 0.0]])]
    mine = [ag.tensor(a, requires_grad=True) for a in arrays]
    ref = [torch.tensor(a, requires_grad=True) for a in arrays]
    F.triplet_margin_loss(*mine, margin=1.0, eps=0.0, swap=True).backward()
    torch.nn.functional.triplet_margin_loss(*ref, margin=1.0, eps=0.0, swap=True).backward()
    for m, r in zip(mine, ref):
        np.testing.assert_allclose(m.grad.data, r.grad.numpy(), rtol=1e-12)


# -------------------------------------------------------------------- modules
MODULES = [
    ("PoissonNLLLoss", {}, "poisson"),
    ("PoissonNLLLoss", {"log_input": False, "full": True, "eps": 1e-3}, "poisson rate full"),
    ("GaussianNLLLoss", {"full": True, "eps": 1e-3}, "gaussian"),
    ("MarginRankingLoss", {"margin": 0.25}, "margin ranking"),
    ("HingeEmbeddingLoss", {"margin": 0.5}, "hinge"),
    ("SoftMarginLoss", {}, "soft margin"),
    ("MultiLabelSoftMarginLoss", {}, "multilabel"),
    ("MultiMarginLoss", {"p": 2, "margin": 0.5}, "multi margin"),
    ("CosineEmbeddingLoss", {"margin": 0.2}, "cosine"),
    ("TripletMarginLoss", {"margin": 0.5, "p": 1.0, "swap": True}, "triplet"),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("cls, kwargs, case", MODULES, ids=[f"{m[0]} {m[2]}" for m in MODULES])
def test_modules_match_torch_modules(cls, kwargs, case, reduction, rng, torch):
    specs = CASES[case][2](rng)
    mine, ref = _build(specs, np.float64, torch)
    module = getattr(nn, cls)(**kwargs, reduction=reduction)
    tmodule = getattr(torch.nn, cls)(**kwargs, reduction=reduction)
    assert repr(module) == repr(tmodule) == f"{cls}()"
    out, tout = module(*mine), tmodule(*ref)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    out.sum().backward()
    tout.sum().backward()
    for m, r in _differentiable(specs, mine, ref):
        np.testing.assert_allclose(m.grad.data, r.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_weighted_modules_hold_the_weight_as_a_buffer(rng, torch):
    w = rng.uniform(0.5, 2.0, 4)
    for cls, inputs in (("MultiLabelSoftMarginLoss", _labels(rng, (3, 4), (0.0, 1.0))),
                        ("MultiMarginLoss", np.array([0, 3, 1]))):
        module, tmodule = getattr(nn, cls)(weight=w), getattr(torch.nn, cls)(weight=torch.tensor(w))
        assert repr(module) == repr(tmodule)
        assert list(module.state_dict()) == list(tmodule.state_dict()) == ["weight"]
        x = rng.standard_normal((3, 4))
        tin = torch.from_numpy(inputs)
        assert module(ag.tensor(x), inputs).item() == pytest.approx(
            tmodule(torch.tensor(x), tin).item(), rel=1e-12)
        assert list(getattr(nn, cls)().state_dict()) == []


def test_module_defaults_are_torchs(torch):
    for cls in ("PoissonNLLLoss", "GaussianNLLLoss", "MarginRankingLoss", "HingeEmbeddingLoss",
                "SoftMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss",
                "CosineEmbeddingLoss", "TripletMarginLoss"):
        ours, theirs = getattr(nn, cls)(), getattr(torch.nn, cls)()
        for key, value in vars(theirs).items():
            if not key.startswith("_") and key != "training":
                assert getattr(ours, key) == value, (cls, key)
    with pytest.raises(TypeError):
        nn.GaussianNLLLoss(True)  # keyword-only settings, as PyTorch's


# --------------------------------------------------------------------- errors
def _x(*shape):
    return ag.tensor(np.ones(shape))


ERRORS = [
    # (call, exception, message)
    (lambda: F.poisson_nll_loss(_x(2), np.ones(2), reduction="avg"), ValueError,
     r"poisson_nll_loss: reduction must be one of \('mean', 'sum', 'none'\), got 'avg'"),
    (lambda: F.poisson_nll_loss(_x(2, 3), np.ones(2)), ag.ShapeError,
     r"poisson_nll_loss: target of shape \(2,\) does not broadcast with the input's shape"),
    (lambda: F.poisson_nll_loss(np.ones(2, dtype=np.int64), np.ones(2)), TypeError,
     "poisson_nll_loss: input must be floating point"),
    (lambda: F.gaussian_nll_loss(_x(2), np.ones(2), -0.5), ValueError,
     r"gaussian_nll_loss: var must be >= 0, got -0.5"),
    (lambda: F.gaussian_nll_loss(_x(2), np.ones(2), ag.tensor([1.0, -1.0])), ValueError,
     "gaussian_nll_loss: var has negative entries"),
    (lambda: F.gaussian_nll_loss(_x(4, 3), np.ones((4, 3)), _x(1, 1)), ag.ShapeError,
     r"gaussian_nll_loss: var of shape \(1, 1\) does not fit input of shape \(4, 3\)"),
    (lambda: F.gaussian_nll_loss(_x(4, 3), np.ones((4, 3)), _x(3)), ag.ShapeError,
     r"var of shape \(3,\)"),
    (lambda: F.gaussian_nll_loss(_x(4, 3), np.ones((4, 3)), _x(4), reduction="x"), ValueError,
     "gaussian_nll_loss: reduction must be one of"),
    (lambda: F.margin_ranking_loss(_x(4), _x(4), ag.tensor(1.0)), ag.ShapeError,
     r"margin_ranking_loss: input1, input2 and target must have the same number of dims"),
    (lambda: F.margin_ranking_loss(_x(4), _x(4), np.ones(3)), ag.ShapeError,
     r"margin_ranking_loss: shapes input1 \(4,\), input2 \(4,\), target \(3,\) cannot be "),
    (lambda: F.margin_ranking_loss(_x(2), _x(2), np.array([True, False])), TypeError,
     "margin_ranking_loss: target must be numeric, got dtype bool"),
    (lambda: F.hinge_embedding_loss(_x(3), np.ones(2)), ag.ShapeError,
     r"hinge_embedding_loss: shapes input \(3,\), target \(2,\) cannot be broadcast"),
    (lambda: F.hinge_embedding_loss(_x(2), np.array([True, False])), TypeError,
     "hinge_embedding_loss: target must hold the labels 1 and -1 as numbers"),
    (lambda: F.soft_margin_loss(_x(3), np.ones((4, 3))), ag.ShapeError,
     r"soft_margin_loss: target of shape \(4, 3\) does not broadcast to the input's shape"),
    (lambda: F.soft_margin_loss(_x(3), np.ones(3), reduction="batchmean"), ValueError,
     "soft_margin_loss: reduction must be one of"),
    (lambda: F.multilabel_soft_margin_loss(_x(), np.ones(())), ag.ShapeError,
     "multilabel_soft_margin_loss: input must have a class dim"),
    (lambda: F.multilabel_soft_margin_loss(_x(3), np.ones((4, 3))), ag.ShapeError,
     r"multilabel_soft_margin_loss: target of shape \(4, 3\) does not broadcast to"),
    (lambda: F.multilabel_soft_margin_loss(_x(4, 3), np.ones((4, 3)), weight=np.ones(2)),
     ag.ShapeError, r"multilabel_soft_margin_loss: weight of shape \(2,\)"),
    (lambda: F.multi_margin_loss(_x(4, 3), np.zeros(4, np.int64), p=3), ValueError,
     "multi_margin_loss: p must be 1 or 2, got 3"),
    (lambda: F.multi_margin_loss(_x(4, 3), np.zeros(4)), TypeError,
     "multi_margin_loss: target must be class indices"),
    (lambda: F.multi_margin_loss(_x(4, 3), np.zeros((4, 1), np.int64)), ag.ShapeError,
     r"multi_margin_loss: target must be 1-D with one class index per example, \(4,\)"),
    (lambda: F.multi_margin_loss(_x(4, 3), np.zeros(3, np.int64)), ag.ShapeError,
     r"got shape \(3,\)"),
    (lambda: F.multi_margin_loss(_x(2, 3), np.array([0, 3])), IndexError,
     r"multi_margin_loss: target contains class 3 at position 1, outside \[0, 3\)"),
    (lambda: F.multi_margin_loss(_x(2, 3), np.array([-1, 0])), IndexError, "class -1"),
    (lambda: F.multi_margin_loss(_x(2, 3), np.array([0, 1]), weight=np.ones((1, 3))),
     ag.ShapeError, r"multi_margin_loss: weight must be 1-D with one entry per class"),
    (lambda: F.multi_margin_loss(_x(2, 4, 3), np.array([0, 1])), ag.ShapeError,
     r"multi_margin_loss: input must be scores \(N, C\) or \(C,\) with C > 0"),
    (lambda: F.multi_margin_loss(_x(2, 0), np.array([0, 0])), ag.ShapeError, "C > 0"),
    (lambda: F.cosine_embedding_loss(_x(4, 3), _x(4, 3), np.ones((1, 4))), ag.ShapeError,
     "cosine_embedding_loss: target must be 0-d or 1-D"),
    (lambda: F.cosine_embedding_loss(_x(3), _x(3), np.ones(1)), ag.ShapeError,
     r"cosine_embedding_loss: expected 2-D inputs \(N, D\) for a 1-D target"),
    (lambda: F.cosine_embedding_loss(_x(4, 3), _x(4, 3), np.array(1.0)), ag.ShapeError,
     r"expected 1-D inputs \(D,\) for a 0-d target"),
    (lambda: F.cosine_embedding_loss(_x(4, 3), _x(4, 3), np.ones(3)), ag.ShapeError,
     r"cosine_embedding_loss: shapes pairs \(4,\), target \(3,\) cannot be broadcast"),
    (lambda: F.cosine_embedding_loss(_x(4, 3), _x(2, 3), np.ones(4)), ag.ShapeError,
     r"shapes input1 \(4, 3\), input2 \(2, 3\)"),
    (lambda: F.triplet_margin_loss(_x(4, 3), _x(4, 3), _x(4, 3), margin=0), ValueError,
     "triplet_margin_loss: margin must be > 0, got 0"),
    (lambda: F.triplet_margin_loss(_x(4, 3), _x(3), _x(4, 3)), ag.ShapeError,
     "triplet_margin_loss: anchor, positive and negative must have the same number of dims"),
    (lambda: F.triplet_margin_loss(_x(4, 3), _x(2, 3), _x(4, 3)), ag.ShapeError,
     r"triplet_margin_loss: shapes anchor \(4, 3\), positive \(2, 3\)"),
    (lambda: nn.MultiMarginLoss(p=3), ValueError, "MultiMarginLoss: p must be 1 or 2"),
    (lambda: nn.MultiMarginLoss(weight=np.ones((2, 2))), ValueError,
     "MultiMarginLoss: weight must be None or 1-D"),
    (lambda: nn.TripletMarginLoss(margin=-1.0), ValueError,
     "TripletMarginLoss: margin must be > 0, got -1.0"),
    (lambda: nn.SoftMarginLoss(reduction="avg"), ValueError,
     "SoftMarginLoss: reduction must be one of"),
    (lambda: nn.GaussianNLLLoss(reduction="avg"), ValueError,
     "GaussianNLLLoss: reduction must be one of"),
]


@pytest.mark.parametrize("call, error, message", ERRORS,
                         ids=[f"{i}-{e[2][:40]}" for i, e in enumerate(ERRORS)])
def test_errors_name_the_function(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("call", [
    lambda t: t.nn.functional.gaussian_nll_loss(t.ones(4, 3), t.ones(4, 3), t.ones(1, 1)),
    lambda t: t.nn.functional.gaussian_nll_loss(t.ones(2), t.ones(2), -0.5),
    lambda t: t.nn.functional.margin_ranking_loss(t.ones(4), t.ones(4), t.tensor(1.0)),
    lambda t: t.nn.functional.soft_margin_loss(t.ones(3), t.ones(4, 3)),
    lambda t: t.nn.functional.multi_margin_loss(t.ones(4, 3), t.zeros(4, 1, dtype=t.long)),
    lambda t: t.nn.functional.multi_margin_loss(t.ones(2, 3), t.tensor([0, 3])),
    lambda t: t.nn.functional.multi_margin_loss(t.ones(2, 0), t.tensor([0, 0])),
    lambda t: t.nn.functional.cosine_embedding_loss(t.ones(3), t.ones(3), t.ones(1)),
    lambda t: t.nn.functional.cosine_embedding_loss(t.ones(4, 3), t.ones(4, 3), t.ones(1, 4)),
    lambda t: t.nn.functional.triplet_margin_loss(t.ones(4, 3), t.ones(3), t.ones(4, 3)),
    lambda t: t.nn.functional.triplet_margin_loss(t.ones(2, 3), t.ones(2, 3), t.ones(2, 3),
                                                  margin=0.0),
])
def test_the_refused_calls_are_refused_by_torch_too(call, torch):
    with pytest.raises((RuntimeError, ValueError, IndexError)):
        call(torch)
