"""Leftover differences from PyTorch, each checked against it: the gradients of
``cholesky_inverse`` and ``cholesky_solve``, writes through repeated indices, the dtype rule
of the matrix products, ``retain_grad`` on views, the named results of the (values,
indices) ops and gradients of gradients through ``checkpoint``."""

from __future__ import annotations

import numpy as np
import pytest
from torch_parity import requires_torch, torch

import autograd as ag

pytestmark = requires_torch


def _np(t):
    """The values of a graphgrad or torch tensor (None stays None)."""
    if t is None:
        return None
    return t.detach().numpy() if hasattr(t, "detach") and not isinstance(t, ag.Tensor) \
        else t.data


# --- cholesky_inverse: PyTorch's gradient, the factor's other triangle included ---------

def _factor(upper: bool, seed: int = 0) -> np.ndarray:
    """A batch of Cholesky factors with junk in the triangle the forward ignores."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((2, 3, 3))
    low = np.linalg.cholesky(a @ a.transpose(0, 2, 1) + 3 * np.eye(3))
    junk = rng.standard_normal((2, 3, 3))
    if upper:
        return low.transpose(0, 2, 1) + np.tril(junk, -1)
    return low + np.triu(junk, 1)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_inverse_value_and_gradient_match_torch(upper):
    th = torch()
    f = _factor(upper)
    g = np.random.default_rng(1).standard_normal(f.shape)
    x = ag.tensor(f, requires_grad=True)
    y = ag.cholesky_inverse(x, upper=upper)
    y.backward(ag.tensor(g))
    t = th.tensor(f, requires_grad=True)
    ty = th.cholesky_inverse(t, upper=upper)
    ty.backward(th.tensor(g))
    np.testing.assert_allclose(y.data, _np(ty), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-10, atol=1e-12)
    other = np.tril(np.ones((3, 3)), -1) if upper else np.triu(np.ones((3, 3)), 1)
    assert np.abs(x.grad.data * other).max() > 1e-3  # not kept to the triangle


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_inverse_gradcheck_and_gradgradcheck_in_float64(upper):
    def fn(f):
        return ag.cholesky_inverse(f.triu() if upper else f.tril(), upper=upper)

    x = ag.tensor(_factor(upper, seed=2), requires_grad=True)
    assert ag.gradcheck(fn, (x,))
    assert ag.gradgradcheck(fn, (x,))


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_solve_gradients_match_torch_with_broadcast_batches(upper):
    th = torch()
    f = _factor(upper, seed=9)
    b0 = np.random.default_rng(10).standard_normal((3, 2))  # broadcast over f's batch
    g = np.random.default_rng(11).standard_normal((2, 3, 2))
    x, b = ag.tensor(f, requires_grad=True), ag.tensor(b0, requires_grad=True)
    y = ag.cholesky_solve(b, x, upper=upper)
    y.backward(ag.tensor(g))
    tx, tb = th.tensor(f, requires_grad=True), th.tensor(b0, requires_grad=True)
    ty = th.cholesky_solve(tb, tx, upper=upper)
    ty.backward(th.tensor(g))
    np.testing.assert_allclose(y.data, _np(ty), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b.grad.data, tb.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_solve_gradcheck_and_gradgradcheck_in_float64(upper):
    def fn(b, f):
        return ag.cholesky_solve(b, f.triu() if upper else f.tril(), upper=upper)

    rng = np.random.default_rng(12)
    b = ag.tensor(rng.standard_normal((2, 3, 2)), requires_grad=True)
    x = ag.tensor(_factor(upper, seed=13), requires_grad=True)
    assert ag.gradcheck(fn, (b, x))
    assert ag.gradgradcheck(fn, (b, x))


# --- writes through repeated indices --------------------------------------------------

X0 = np.random.default_rng(3).standard_normal((3, 4))
W0 = np.random.default_rng(4).standard_normal((3, 4))
S0 = np.random.default_rng(5).standard_normal((2, 4))
IDX = np.array([[0, 0, 2, 0], [1, 1, 1, 2]])


def _setitem(m, x, s, index):
    y = x * 1
    y[index(m)] = s
    return y


def _setitem_add(m, x, s, index):
    y = x * 1
    y[index(m)] += s  # reads, adds and writes back: once per place
    return y


WRITES = {
    "index_put": lambda m, x, s: x.index_put((m.tensor([1, 1]),), s),
    "index_put_accumulate": lambda m, x, s: x.index_put((m.tensor([1, 1]),), s,
                                                        accumulate=True),
    "index_put_2d": lambda m, x, s: x.index_put((m.tensor([1, 1, 0]), m.tensor([2, 2, 2])),
                                                s[0, :3]),
    "index_put__": lambda m, x, s: (x * 1).index_put_((m.tensor([2, 0, 2]),), s[0, :1]),
    "setitem": lambda m, x, s: _setitem(m, x, s, lambda m: m.tensor([1, 1])),
    "setitem_broadcast_value": lambda m, x, s: _setitem(m, x, s[0],
                                                        lambda m: m.tensor([1, 1])),
    "setitem_pairs": lambda m, x, s: _setitem(m, x, s[0, :3],
                                              lambda m: (m.tensor([1, 1, 0]),
                                                         m.tensor([2, 2, 2]))),
    "setitem_add": lambda m, x, s: _setitem_add(m, x, s[0], lambda m: m.tensor([1, 1, 0])),
    "put": lambda m, x, s: x.put(m.tensor([1, 1, 5]), s[0, :3]),
    "put_accumulate": lambda m, x, s: x.put(m.tensor([1, 1, 5]), s[0, :3], accumulate=True),
    "put_": lambda m, x, s: (x * 1).put_(m.tensor([1, 1, 5]), s[0, :3]),
    "scatter": lambda m, x, s: x.scatter(0, m.tensor(IDX), s),
    "scatter_": lambda m, x, s: (x * 1).scatter_(0, m.tensor(IDX), s),
    "scatter_add": lambda m, x, s: x.scatter_add(0, m.tensor(IDX), s),
    "scatter_reduce_sum": lambda m, x, s: x.scatter_reduce(0, m.tensor(IDX), s, "sum"),
    "scatter_reduce_prod": lambda m, x, s: x.scatter_reduce(0, m.tensor(IDX), s, "prod"),
    "scatter_reduce_mean": lambda m, x, s: x.scatter_reduce(0, m.tensor(IDX), s, "mean",
                                                            include_self=False),
    "scatter_reduce_amax": lambda m, x, s: x.scatter_reduce(0, m.tensor(IDX), s, "amax"),
    "index_add": lambda m, x, s: x.index_add(0, m.tensor([0, 0]), s),
    "index_copy": lambda m, x, s: x.index_copy(0, m.tensor([2, 2]), s),
    "index_reduce_prod": lambda m, x, s: x.index_reduce(0, m.tensor([0, 0]), s, "prod"),
}


def _write(m, name):
    x = m.tensor(X0, requires_grad=True)
    s = m.tensor(S0, requires_grad=True)
    out = WRITES[name](m, x, s)
    (out * m.tensor(W0)).sum().backward()
    return _np(out), _np(x.grad), _np(s.grad)


# The writes that keep one of several values written to a place (no accumulation). There
# PyTorch gives every write that place's gradient, the overwritten ones too, which a
# finite-difference check refuses; graphgrad gives it to the write that stays (the true
# derivative), so for these only the values and the gradient of x are PyTorch's (and for
# ``y[i] += s``, whose written values are read from x, only the values).
OVERWRITING = {"index_put", "index_put_2d", "index_put__", "setitem", "setitem_broadcast_value",
               "setitem_pairs", "setitem_add", "put", "put_"}


@pytest.mark.filterwarnings("ignore:index_reduce\\(\\) is in beta")  # torch's
@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_with_repeated_indices_matches_torch_on_cpu(name):
    th = torch()
    for ours, theirs, what in zip(_write(ag, name), _write(th, name),
                                  ("values", "grad of x", "grad of the written values")):
        if name in OVERWRITING and (what == "grad of the written values"
                                    or (what == "grad of x" and name == "setitem_add")):
            continue  # the true derivative here, PyTorch's differs (above)
        assert (ours is None) == (theirs is None), what
        if ours is not None:
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12, err_msg=what)


@pytest.mark.parametrize("name", sorted(OVERWRITING))
def test_an_overwriting_write_gives_the_written_values_their_true_gradient(name):
    weight = ag.tensor(W0)
    assert ag.gradcheck(lambda x, s: WRITES[name](ag, x, s) * weight,
                        (ag.tensor(X0, requires_grad=True), ag.tensor(S0, requires_grad=True)))


def test_only_the_write_that_stays_gets_the_gradient():
    x = ag.tensor(np.zeros(3), requires_grad=True)
    v = ag.tensor([10.0, 20.0, 30.0], requires_grad=True)
    y = x * 1
    y[[0, 0, 2]] = v
    np.testing.assert_array_equal(y.data, [20.0, 0.0, 30.0])  # the last write stays
    y.backward(ag.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(v.grad.data, [0.0, 1.0, 3.0])  # PyTorch: [1, 1, 3]
    np.testing.assert_array_equal(x.grad.data, [0.0, 2.0, 0.0])


# --- the matrix products do not promote ------------------------------------------------

def _pair(m):
    return m.ones(2, 2, dtype=m.float32), m.ones(2, 2, dtype=m.float64)


REFUSED = {
    "matmul": lambda m, a, b: m.matmul(a, b),
    "@": lambda m, a, b: a @ b,
    "matmul_vectors": lambda m, a, b: m.matmul(a[0], b[0]),
    "mm": lambda m, a, b: m.mm(a, b),
    "bmm": lambda m, a, b: m.bmm(a[None], b[None]),
    "mv": lambda m, a, b: m.mv(a, b[0]),
    "dot": lambda m, a, b: m.dot(a[0], b[0]),
    "addmm": lambda m, a, b: m.addmm(a, a, b),
    "addmm_input": lambda m, a, b: m.addmm(b, a, a),
    "addmv": lambda m, a, b: m.addmv(a[0], a, b[0]),
    "addbmm": lambda m, a, b: m.addbmm(a, a[None], b[None]),
    "baddbmm": lambda m, a, b: m.baddbmm(b[None], a[None], a[None]),
    "lerp": lambda m, a, b: m.lerp(a, b, 0.5),
    "lerp_weight": lambda m, a, b: m.lerp(a, a, b),
    "einsum": lambda m, a, b: m.einsum("ij,jk->ik", a, b),
    "tensordot": lambda m, a, b: m.tensordot(a, b, 1),
    "inner": lambda m, a, b: m.inner(a, b),
    "multi_dot": lambda m, a, b: m.linalg.multi_dot([a, b]),
    "cross": lambda m, a, b: m.linalg.cross(m.ones(3, dtype=a.dtype),
                                            m.ones(3, dtype=b.dtype)),
    "vecdot": lambda m, a, b: m.linalg.vecdot(a, b),
    "int_matmul": lambda m, a, b: a @ m.tensor([[1, 2], [3, 4]]),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_mixed_dtypes_are_refused_as_in_torch(name):
    th = torch()
    with pytest.raises(RuntimeError):
        REFUSED[name](th, *_pair(th))
    with pytest.raises(TypeError) as info:
        REFUSED[name](ag, *_pair(ag))
    message = str(info.value)
    assert "float32" in message and ("float64" in message or "int64" in message)
    op = {"@": "matmul", "matmul_vectors": "matmul", "int_matmul": "matmul",
          "addmm_input": "addmm", "lerp_weight": "lerp"}.get(name, name)
    assert message.startswith(op) or message.startswith(f"linalg.{op}"), message


@pytest.mark.parametrize("name", ["outer", "addr", "kron", "lerp_0d_weight", "mul"])
def test_the_ops_torch_promotes_still_promote(name):
    th = torch()
    ops = {
        "outer": lambda m, a, b: m.outer(a[0], b[0]),
        "addr": lambda m, a, b: m.addr(a, a[0], b[0]),
        "kron": lambda m, a, b: m.kron(a, b),
        "lerp_0d_weight": lambda m, a, b: m.lerp(a, a, m.tensor(0.5, dtype=m.float64)),
        "mul": lambda m, a, b: a * b,
    }
    ours, theirs = ops[name](ag, *_pair(ag)), ops[name](th, *_pair(th))
    assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch."))
    np.testing.assert_allclose(ours.data, theirs.numpy())


# --- retain_grad on views --------------------------------------------------------------

def _retained(m, case):
    x = m.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    w = m.tensor(np.arange(6.0).reshape(2, 3) + 1)
    h = x * 1
    if case == "row_of_a_leaf":
        y = x[0]
        y.retain_grad()
        (y.exp() * w[0]).sum().backward()
    elif case == "transpose_of_a_leaf":
        y = x.T
        y.retain_grad()
        (y * w.T).sum().backward()
    elif case == "row":
        y = h[0]
        y.retain_grad()
        (y * w[0]).sum().backward()
    elif case == "column_then_base_used":
        y = h[:, 1]
        y.retain_grad()
        (h * w).sum().backward()
    elif case == "view_changed_in_place_then_used":
        y = h[0]
        y.retain_grad()
        y.mul_(2)
        (y * w[0]).sum().backward()
    elif case == "transpose_changed_in_place_twice":
        y = h.T
        y.retain_grad()
        y.mul_(2)
        y.add_(1)
        (y * w.T).sum().backward()
    elif case == "view_changed_in_place_base_used":
        y = h[0]
        y.retain_grad()
        y.mul_(2)
        (h * w).sum().backward()
    elif case == "base_changed_in_place_view_used":
        y = h[0]
        y.retain_grad()
        h.mul_(3)
        (y * w[0]).sum().backward()
    elif case == "retained_after_the_change":
        y = h[0]
        y.mul_(2)
        y.retain_grad()
        (y * w[0]).sum().backward()
    elif case == "view_of_a_view_changed":
        y = h[0]
        y = y[1:]
        y.retain_grad()
        y.add_(1)
        (y * w[0, 1:]).sum().backward()
    else:
        y = h.reshape(6)
        y.retain_grad()
        y[2:].mul_(5)
        (y * w.reshape(6)).sum().backward()
    return _np(y.grad)


@pytest.mark.parametrize("case", [
    "row_of_a_leaf", "transpose_of_a_leaf", "row", "column_then_base_used",
    "view_changed_in_place_then_used", "transpose_changed_in_place_twice",
    "view_changed_in_place_base_used", "base_changed_in_place_view_used",
    "retained_after_the_change", "view_of_a_view_changed", "reshape_part_changed"])
def test_retain_grad_on_a_view_matches_torch(case):
    ours, theirs = _retained(ag, case), _retained(torch(), case)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        np.testing.assert_array_equal(ours, theirs)


# --- named results -----------------------------------------------------------------------

A = np.array([[3.0, 1.0, 2.5, 2.0], [0.0, 5.0, 6.0, 1.0], [4.0, 4.5, 2.0, 9.0]])  # no ties
SPD = A[:, :3] @ A[:, :3].T + np.eye(3)

NAMED = {
    "sort": lambda m, x: m.sort(x, 1),
    "topk": lambda m, x: x.topk(2),
    "kthvalue": lambda m, x: m.kthvalue(x, 2),
    "mode": lambda m, x: m.mode(x, 1),
    "median": lambda m, x: m.median(x, 1),
    "nanmedian": lambda m, x: m.nanmedian(x, 1),
    "aminmax": lambda m, x: m.aminmax(x, dim=1),
    "cummax": lambda m, x: m.cummax(x, 1),
    "cummin": lambda m, x: x.cummin(0),
    "frexp": lambda m, x: m.frexp(x),
    "slogdet": lambda m, x: m.slogdet(m.tensor(SPD)),
    "linalg.slogdet": lambda m, x: m.linalg.slogdet(m.tensor(SPD)),
    "linalg.eigh": lambda m, x: m.linalg.eigh(m.tensor(SPD)),
    "linalg.qr": lambda m, x: m.linalg.qr(x),
    "linalg.svd": lambda m, x: m.linalg.svd(x),
    "svd": lambda m, x: m.svd(x),
    "linalg.lu_factor": lambda m, x: m.linalg.lu_factor(m.tensor(SPD)),
    "linalg.lu": lambda m, x: m.linalg.lu(m.tensor(SPD)),
    "linalg.lstsq": lambda m, x: m.linalg.lstsq(m.tensor(SPD), m.tensor(SPD)),
    "linalg.inv_ex": lambda m, x: m.linalg.inv_ex(m.tensor(SPD)),
    "linalg.cholesky_ex": lambda m, x: m.linalg.cholesky_ex(m.tensor(SPD)),
    "linalg.solve_ex": lambda m, x: m.linalg.solve_ex(m.tensor(SPD), m.tensor(SPD)),
    "histogram": lambda m, x: m.histogram(x, 3),
}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_results_have_torchs_fields(name):
    th = torch()
    ours, theirs = NAMED[name](ag, ag.tensor(A)), NAMED[name](th, th.tensor(A))
    fields = type(theirs).__match_args__
    assert ours._fields == fields
    for field in fields:
        np.testing.assert_allclose(np.asarray(_np(getattr(ours, field)), dtype=float),
                                   np.asarray(_np(getattr(theirs, field)), dtype=float),
                                   rtol=1e-10, atol=1e-10, err_msg=field)


def test_var_mean_and_std_mean_are_plain_pairs_as_in_torch():
    th = torch()
    for name in ("var_mean", "std_mean"):
        ours = getattr(ag, name)(ag.tensor(A), 1)
        theirs = getattr(th, name)(th.tensor(A), 1)
        assert type(ours) is tuple and type(theirs) is tuple and len(ours) == len(theirs)


def test_max_and_min_with_a_dim_give_values_as_api_md_specifies():
    """API.md: ``max``/``min`` with an axis return a Tensor of values (NumPy's form);
    PyTorch's ``(values, indices)`` come from ``argmax``/``argmin`` beside them."""
    th = torch()
    x = ag.tensor(A)
    for name in ("max", "min"):
        ours = getattr(x, name)(1)
        theirs = getattr(th.tensor(A), name)(1)
        assert isinstance(ours, ag.Tensor)
        np.testing.assert_array_equal(ours.data, theirs.values.numpy())
        np.testing.assert_array_equal(getattr(x, "arg" + name)(1).data, theirs.indices.numpy())


# --- gradients of gradients through checkpoint ---------------------------------------

def _block(m, x, w):
    return (m.tanh(x @ w) * m.sigmoid(x)).sin()


def test_double_backward_through_checkpoint_matches_torch():
    th = torch()
    from torch.utils.checkpoint import checkpoint as torch_checkpoint

    rng = np.random.default_rng(6)
    x0, w0 = rng.standard_normal((3, 4)), rng.standard_normal((4, 4)) * 0.5
    x, w = ag.tensor(x0, requires_grad=True), ag.tensor(w0, requires_grad=True)
    y = ag.checkpoint(lambda t: _block(ag, t, w), x * 2 + w[0], params=[w])
    gx, gw = ag.grad((y ** 2).sum(), (x, w), create_graph=True)
    ((gx ** 2).sum() + (gw ** 3).sum()).backward()
    tx, tw = th.tensor(x0, requires_grad=True), th.tensor(w0, requires_grad=True)
    ty = torch_checkpoint(lambda t: _block(th, t, tw), tx * 2 + tw[0], use_reentrant=False)
    tgx, tgw = th.autograd.grad((ty ** 2).sum(), (tx, tw), create_graph=True)
    ((tgx ** 2).sum() + (tgw ** 3).sum()).backward()
    np.testing.assert_allclose(gx.data, _np(tgx), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gw.data, _np(tgw), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_gradgradcheck_through_a_checkpointed_function():
    rng = np.random.default_rng(7)
    x = ag.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w = ag.tensor(rng.standard_normal((4, 4)) * 0.5, requires_grad=True)

    def fn(a, b):
        return ag.checkpoint(lambda s, t: _block(ag, s, t), a, b)

    assert ag.gradcheck(fn, (x, w))
    assert ag.gradgradcheck(fn, (x, w))


def test_third_order_gradient_through_checkpoint_matches_torch():
    th = torch()
    from torch.utils.checkpoint import checkpoint as torch_checkpoint

    z = ag.tensor(0.7, dtype=np.float64, requires_grad=True)
    h = ag.checkpoint(lambda t: t.sin() * t ** 3, z)
    g1, = ag.grad(h, z, create_graph=True)
    g2, = ag.grad(g1, z, create_graph=True)
    g3, = ag.grad(g2, z)
    tz = th.tensor(0.7, dtype=th.float64, requires_grad=True)
    th_h = torch_checkpoint(lambda t: t.sin() * t ** 3, tz, use_reentrant=False)
    t1, = th.autograd.grad(th_h, tz, create_graph=True)
    t2, = th.autograd.grad(t1, tz, create_graph=True)
    t3, = th.autograd.grad(t2, tz)
    for ours, theirs in ((g1, t1), (g2, t2), (g3, t3)):
        np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-12)


def test_double_backward_through_checkpoint_replays_the_random_draws():
    import nn.functional as F

    x = ag.tensor(np.linspace(0.1, 1.0, 20), requires_grad=True)
    ag.manual_seed(0)
    y = ag.checkpoint(lambda t: F.dropout(t ** 3, 0.5), x)
    g, = ag.grad(y.sum(), x, create_graph=True)
    g.sum().backward()
    kept = y.data != 0
    np.testing.assert_allclose(g.data, np.where(kept, 2 * 3 * x.data ** 2, 0.0))
    np.testing.assert_allclose(x.grad.data, np.where(kept, 2 * 6 * x.data, 0.0))


def test_double_backward_through_a_checkpoint_of_two_outputs_one_unused_matches_torch():
    th = torch()
    from torch.utils.checkpoint import checkpoint as torch_checkpoint

    def fn(m, a, c, power, scale):
        return (a * c) ** power * scale, a.cos()

    rng = np.random.default_rng(8)
    a0, c0 = rng.standard_normal(5), rng.standard_normal(5)
    results = []
    for m, ck in ((ag, ag.checkpoint),
                  (th, lambda f, *args, **kw: torch_checkpoint(f, *args, use_reentrant=False,
                                                               **kw))):
        a, c = m.tensor(a0, requires_grad=True), m.tensor(c0)  # c needs no gradient
        first, _ = ck(lambda s, t, p, scale, m=m: fn(m, s, t, p, scale), a, c, 3,
                      scale=m.tensor(0.5))
        grad = th.autograd.grad if m is th else ag.grad
        g, = grad(first.sum(), a, create_graph=True)
        (g * g).sum().backward()
        results.append((_np(g), _np(a.grad)))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
