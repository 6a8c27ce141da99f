"""Attention: ``F.scaled_dot_product_attention``, ``F.multi_head_attention_forward`` and
``nn.MultiheadAttention`` against PyTorch (forward, every input and parameter gradient,
masks of both conventions, float64 and float32), gradcheck/gradgradcheck, init and errors."""

from __future__ import annotations

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


def _tol(dtype):
    return (1e-10, 1e-12) if dtype == np.float64 else (1e-4, 1e-5)


def _compare(ours_fn, theirs_fn, torch, inputs, kwargs, differentiable, params=()):
    """``ours_fn(*inputs, **kwargs)`` against ``theirs_fn`` (arrays converted to each side's
    tensors): every result, then the gradients of the inputs flagged in ``differentiable``
    and of the parameter pairs ``params`` after backpropagating random cotangents."""
    rng = np.random.default_rng(11)
    ours = [ag.tensor(a, requires_grad=d) for a, d in zip(inputs, differentiable)]
    theirs = [torch.tensor(a, requires_grad=d) for a, d in zip(inputs, differentiable)]
    kw = {k: (ag.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
    tkw = {k: (torch.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
    outs, touts = ours_fn(*ours, **kw), theirs_fn(*theirs, **tkw)
    outs = outs if isinstance(outs, tuple) else (outs,)
    touts = touts if isinstance(touts, tuple) else (touts,)
    dtype = inputs[0].dtype
    loss, tloss = 0, 0
    for o, to in zip(outs, touts):
        if to is None:
            assert o is None
            continue
        assert o.shape == tuple(to.shape) and o.dtype == dtype
        np.testing.assert_allclose(o.data, to.detach().numpy(), *_tol(dtype))
        g = rng.standard_normal(o.shape).astype(dtype)
        loss, tloss = loss + (o * ag.tensor(g)).sum(), tloss + (to * torch.from_numpy(g)).sum()
    loss.backward()
    tloss.backward()
    for a, ta, d in zip(ours, theirs, differentiable):
        if d:
            np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), *_tol(dtype))
    for p, tp in params:
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), *_tol(dtype))


# ----------------------------------------------------------------- scaled dot product
_R = np.random.default_rng(0)
_SDPA_CASES = {
    "plain": {},
    "causal": {"is_causal": True},
    "bool_mask_broadcast": {"attn_mask": _R.random((4, 6)) > 0.3},
    "float_mask": {"attn_mask": _R.standard_normal((3, 4, 6))},
    "scale": {"scale": 0.3},
    "fully_masked_row": {"attn_mask": np.array([[True] * 6, [False] * 6] * 2)},
    "neg_inf_float_row": {"attn_mask": np.where(np.arange(4)[:, None] == 1, -np.inf,
                                                np.zeros((4, 6)))},
}


@pytest.mark.parametrize("case", list(_SDPA_CASES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sdpa_matches_torch(torch, case, dtype):
    rng = np.random.default_rng(1)
    kw = {k: (v.astype(dtype) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v)
          for k, v in _SDPA_CASES[case].items()}
    q, k, v = (rng.standard_normal(s).astype(dtype)
               for s in ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7)))
    _compare(F.scaled_dot_product_attention, torch.nn.functional.scaled_dot_product_attention,
             torch, [q, k, v], kw, [True] * 3)


def test_sdpa_unbatched_causal_rectangular_gqa_and_mask_gradient(torch):
    rng = np.random.default_rng(2)
    sdpa, tsdpa = F.scaled_dot_product_attention, torch.nn.functional.scaled_dot_product_attention
    q, k, v = rng.standard_normal((3, 4)), rng.standard_normal((5, 4)), rng.standard_normal((5, 2))
    _compare(sdpa, tsdpa, torch, [q, k, v], {"is_causal": True}, [True] * 3)
    q, k, v = (rng.standard_normal(s) for s in ((1, 4, 3, 2), (1, 2, 5, 2), (1, 2, 5, 3)))
    _compare(sdpa, tsdpa, torch, [q, k, v], {"enable_gqa": True}, [True] * 3)
    mask = rng.standard_normal((3, 5))
    _compare(lambda q, k, v, m: sdpa(q, k, v, attn_mask=m),
             lambda q, k, v, m: tsdpa(q, k, v, attn_mask=m), torch,
             [q[:, :2], k, v, mask], {}, [True] * 4)


def test_sdpa_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(3)
    q = ag.tensor(rng.standard_normal((3, 2, 2)), requires_grad=True)  # used as (2, 3, 2)
    k, v = (ag.tensor(rng.standard_normal((2, 4, 2)), requires_grad=True) for _ in range(2))
    mask = ag.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    bool_mask = np.array([[True, False, True, True], [False] * 4, [True] * 4])

    def fn(q, k, v, m):
        return (F.scaled_dot_product_attention(q, k, v, attn_mask=m)
                + F.scaled_dot_product_attention(q, k, v, attn_mask=bool_mask)
                + F.scaled_dot_product_attention(q, k, v, is_causal=True))

    for check in (ag.gradcheck, ag.gradgradcheck):
        assert check(lambda q, *rest: fn(q.transpose(0, 1), *rest), (q, k, v, mask))


def test_sdpa_dropout_draws_from_rng():
    rng = np.random.default_rng(4)
    q = ag.tensor(rng.standard_normal((2, 3, 4)))
    plain = F.scaled_dot_product_attention(q, q, q)
    a = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5, rng=np.random.default_rng(9))
    b = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5, rng=np.random.default_rng(9))
    assert np.array_equal(a.data, b.data) and not np.allclose(a.data, plain.data)
    zero = F.scaled_dot_product_attention(q, q, q, dropout_p=1.0)
    assert np.array_equal(zero.data, np.zeros((2, 3, 4)))


def test_sdpa_errors():
    q = ag.zeros((2, 3, 4))
    with pytest.raises(ValueError, match="attn_mask should not be set when is_causal"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=np.ones((3, 3), bool), is_causal=True)
    with pytest.raises(TypeError, match="attn_mask dtype to be bool or float or to match"):
        F.scaled_dot_product_attention(q.float(), q.float(), q.float(),
                                       attn_mask=np.zeros((3, 3)))
    with pytest.raises(ag.ShapeError, match=r"\(2, 3, 4\), \(2, 3, 5\)"):
        F.scaled_dot_product_attention(q, ag.zeros((2, 3, 5)), q)
    with pytest.raises(TypeError, match="same dtype"):
        F.scaled_dot_product_attention(q, q.double(), q)


# ----------------------------------------------------------------- MultiheadAttention
def _pair(torch, dtype, **kw):
    ours = nn.MultiheadAttention(6, 2, dtype=dtype, **kw)
    theirs = torch.nn.MultiheadAttention(
        6, 2, dtype=torch.float64 if dtype == np.float64 else torch.float32, **kw)
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert list(state) == list(ours.state_dict())
    ours.load_state_dict(state)
    return ours, theirs


_MHA_LAYERS = [{}, {"add_bias_kv": True}, {"kdim": 3, "vdim": 2},
               {"add_zero_attn": True, "bias": False}, {"batch_first": True}]
_MHA_CALLS = {
    "plain": {},
    "bool_attn_mask": {"attn_mask": _R.random((4, 5)) > 0.7},
    "key_padding": {"key_padding_mask": np.array([[False, True, False, True, True]] * 3)},
    "both_no_weights": {"attn_mask": _R.random((4, 5)) > 0.7, "need_weights": False,
                        "key_padding_mask": np.array([[False, True, False, True, True]] * 3)},
    "float_3d_mask_per_head": {"attn_mask": _R.standard_normal((6, 4, 5)),
                               "average_attn_weights": False},
    "causal_hint": {"attn_mask": np.triu(np.ones((4, 5), bool), 1), "is_causal": True},
}


@pytest.mark.parametrize("layer_kw", _MHA_LAYERS)
@pytest.mark.parametrize("call", list(_MHA_CALLS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mha_matches_torch(torch, layer_kw, call, dtype):
    rng = np.random.default_rng(5)
    ours, theirs = _pair(torch, dtype, **layer_kw)
    kw = {k: (v.astype(dtype) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v)
          for k, v in _MHA_CALLS[call].items()}
    lead = (lambda s, n: (n, s)) if layer_kw.get("batch_first") else (lambda s, n: (s, n))
    q = rng.standard_normal(lead(4, 3) + (6,)).astype(dtype)
    k = rng.standard_normal(lead(5, 3) + (layer_kw.get("kdim", 6),)).astype(dtype)
    v = rng.standard_normal(lead(5, 3) + (layer_kw.get("vdim", 6),)).astype(dtype)
    params = dict(theirs.named_parameters())
    _compare(ours, theirs, torch, [q, k, v], kw, [True] * 3,
             [(p, params[name]) for name, p in ours.named_parameters()])


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_mha_unbatched_self_attention_and_fully_masked_rows(torch):
    rng = np.random.default_rng(6)
    ours, theirs = _pair(torch, np.float64)
    x = rng.standard_normal((4, 6))
    _compare(lambda x: ours(x, x, x), lambda x: theirs(x, x, x), torch, [x], {}, [True])
    kpm = np.array([False, True, False, False])
    _compare(lambda x, m: ours(x, x, x, key_padding_mask=m),
             lambda x, m: theirs(x, x, x, key_padding_mask=m), torch, [x, kpm], {},
             [True, False])
    mask = np.zeros((4, 4), bool)
    mask[2] = True  # query 2 may attend nothing: NaN with the weights, zeros without (torch)
    with_weights = ours(ag.tensor(x), ag.tensor(x), ag.tensor(x), attn_mask=mask)
    twith = theirs(*(torch.tensor(x),) * 3, attn_mask=torch.tensor(mask))
    np.testing.assert_allclose(with_weights[0].data, twith[0].detach().numpy(), 1e-10, 1e-12)
    assert np.isnan(with_weights[0].data[2]).all() and np.isnan(with_weights[1].data[2]).all()
    _compare(lambda x: ours(x, x, x, attn_mask=ag.tensor(mask), need_weights=False),
             lambda x: theirs(x, x, x, attn_mask=torch.tensor(mask), need_weights=False),
             torch, [x], {}, [True])


def test_mha_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(7)
    for kw in ({"add_bias_kv": True}, {"kdim": 3, "vdim": 2, "add_zero_attn": True}):
        mha = nn.MultiheadAttention(4, 2, dtype=np.float64, rng=rng, **kw)
        q = ag.tensor(rng.standard_normal((2, 1, 4)), requires_grad=True)
        k = ag.tensor(rng.standard_normal((3, 1, kw.get("kdim", 4))), requires_grad=True)
        v = ag.tensor(rng.standard_normal((3, 1, kw.get("vdim", 4))), requires_grad=True)
        mask = np.array([[False, True, False]] * 2)

        def fn(q, k, v, *ps, mha=mha, mask=mask):
            out, weights = mha(q, k, v, attn_mask=mask)
            return ag.cat([out.reshape(-1), weights.reshape(-1)])

        assert ag.gradcheck(fn, (q, k, v, *mha.parameters()))
        assert ag.gradgradcheck(fn, (q, k, v))


def test_mha_init_state_dict_and_dropout(torch):
    mha = nn.MultiheadAttention(64, 4, add_bias_kv=True, rng=np.random.default_rng(8))
    bound = np.sqrt(6 / (64 + 3 * 64))
    w = mha.in_proj_weight.data
    assert np.abs(w).max() <= bound and abs(w.std() - bound / np.sqrt(3)) < 0.02 * bound
    assert not mha.in_proj_bias.data.any() and not mha.out_proj.bias.data.any()
    assert np.abs(mha.out_proj.weight.data).max() <= 1 / 8
    both = np.concatenate([mha.bias_k.data.ravel(), mha.bias_v.data.ravel()])
    # PyTorch's xavier_normal_ on (1, 1, E): fan_in = fan_out = E, std sqrt(2/(2E)) = 1/8
    assert abs(both.std() - 1 / 8) < 0.15 / 8  # 128 samples
    for kw in _MHA_LAYERS:
        ours, theirs = nn.MultiheadAttention(6, 3, **kw), torch.nn.MultiheadAttention(6, 3, **kw)
        assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
            [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
        assert ours.extra_repr() == theirs.extra_repr()
    drop = nn.MultiheadAttention(4, 2, dropout=0.5, rng=np.random.default_rng(9))
    x = ag.tensor(np.random.default_rng(10).standard_normal((3, 2, 4)), dtype=np.float32)
    train = [drop(x, x, x)[0].data for _ in range(2)]
    assert not np.allclose(train[0], train[1])
    drop.eval()
    assert np.array_equal(drop(x, x, x)[0].data, drop(x, x, x)[0].data)


def test_mha_errors():
    with pytest.raises(ValueError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(6, 4)
    mha = nn.MultiheadAttention(4, 2, kdim=3)
    x = ag.zeros((2, 1, 4))
    with pytest.raises(ag.ShapeError, match="key has 4 features .* expected kdim=3"):
        mha(x, x, x)
    mha = nn.MultiheadAttention(4, 2)
    with pytest.raises(ag.ShapeError, match=r"attn_mask should be \(2, 2\) or \(2, 2, 2\)"):
        mha(x, x, x, attn_mask=np.zeros((3, 2), bool))
    with pytest.raises(ValueError, match="Need attn_mask if specifying the is_causal hint"):
        mha(x, x, x, is_causal=True)
    with pytest.raises(ag.ShapeError, match=r"expecting key_padding_mask shape of \(1, 2\)"):
        mha(x, x, x, key_padding_mask=np.zeros((2, 2), bool))
    with pytest.raises(ag.ShapeError, match="was expecting embedding dimension of 4"):
        mha(ag.zeros((2, 1, 5)), x, x)
    with pytest.raises(TypeError, match="input is float64 but out_proj_weight is float32"):
        nn.MultiheadAttention(4, 2, dtype=np.float32)(*(x.double(),) * 3)
