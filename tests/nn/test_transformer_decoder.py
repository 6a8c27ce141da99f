"""``nn.TransformerDecoderLayer``, ``nn.TransformerDecoder`` and ``nn.Transformer`` against
PyTorch in eval mode (forward; gradients of tgt, memory/src and every parameter; masks;
float64 and float32), gradcheck, state_dict keys, init, the causal mask and errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn

pytestmark = pytest.mark.filterwarnings("ignore:enable_nested_tensor is True:UserWarning")


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


def _load(ours, theirs):
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert list(state) == list(ours.state_dict())
    ours.load_state_dict(state)
    return ours.eval(), theirs.eval()


def _check(torch, ours, theirs, inputs, masks, dtype, seed=0):
    """Run both on the arrays ``inputs`` (and the masks), backpropagate a random cotangent
    and compare the output and the gradients of every input and parameter."""
    rng = np.random.default_rng(seed)
    tol = (1e-10, 1e-12) if dtype == np.float64 else (1e-4, 1e-5)
    xs = [ag.tensor(a, requires_grad=True) for a in inputs]
    txs = [torch.tensor(a, requires_grad=True) for a in inputs]
    tmasks = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in masks.items()}
    out, tout = ours(*xs, **masks), theirs(*txs, **tmasks)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), *tol)
    g = rng.standard_normal(out.shape).astype(dtype)
    out.backward(ag.tensor(g))
    tout.backward(torch.tensor(g))
    for x, tx in zip(xs, txs):
        np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), *tol)
    tparams = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, tparams[name].grad.numpy(), *tol,
                                   err_msg=name)


@pytest.mark.parametrize("kw,num_layers,final_norm", [
    ({}, 2, True), ({"norm_first": True, "activation": "gelu"}, 1, False),
    ({"batch_first": True, "bias": False}, 2, False),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_decoder_matches_torch_in_eval(torch, kw, num_layers, final_norm, dtype):
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    ours, theirs = _load(
        nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 12, dtype=dtype, **kw),
                              num_layers, nn.LayerNorm(8, dtype=dtype) if final_norm else None),
        torch.nn.TransformerDecoder(
            torch.nn.TransformerDecoderLayer(8, 2, 12, dtype=tdtype, **kw), num_layers,
            torch.nn.LayerNorm(8, dtype=tdtype) if final_norm else None))
    rng = np.random.default_rng(1)
    bf = kw.get("batch_first", False)
    tgt_shape, mem_shape = ((3, 4, 8), (3, 5, 8)) if bf else ((4, 3, 8), (5, 3, 8))
    mem_padding = np.zeros((3, 5), bool)
    mem_padding[0, -2:] = True
    tgt_padding = np.zeros((3, 4), bool)
    tgt_padding[1, -1] = True
    causal = nn.Transformer.generate_square_subsequent_mask(4, dtype=dtype).data
    for masks in ({}, {"tgt_mask": causal, "tgt_is_causal": True},
                  {"tgt_mask": np.isinf(causal), "memory_key_padding_mask": mem_padding,
                   "tgt_key_padding_mask": tgt_padding}):
        inputs = [rng.standard_normal(tgt_shape).astype(dtype),
                  rng.standard_normal(mem_shape).astype(dtype)]
        ours.zero_grad()
        theirs.zero_grad()
        _check(torch, ours, theirs, inputs, masks, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer_matches_torch_in_eval(torch, dtype, batch_first):
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    kw = dict(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1,
              dim_feedforward=10, batch_first=batch_first)
    ours, theirs = _load(nn.Transformer(dtype=dtype, **kw),
                         torch.nn.Transformer(dtype=tdtype, **kw))
    rng = np.random.default_rng(2)
    src_shape, tgt_shape = ((2, 5, 8), (2, 3, 8)) if batch_first else ((5, 2, 8), (3, 2, 8))
    inputs = [rng.standard_normal(src_shape).astype(dtype),
              rng.standard_normal(tgt_shape).astype(dtype)]
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=dtype).data
    _check(torch, ours, theirs, inputs, {"tgt_mask": mask}, dtype)


def test_unbatched_decoder_layer_matches_torch(torch):
    ours, theirs = _load(nn.TransformerDecoderLayer(6, 3, 7, dtype=np.float64),
                         torch.nn.TransformerDecoderLayer(6, 3, 7, dtype=torch.float64))
    rng = np.random.default_rng(3)
    _check(torch, ours, theirs, [rng.standard_normal((1, 6)), rng.standard_normal((4, 6))],
           {}, np.float64)


def test_decoder_layer_gradcheck():
    layer = nn.TransformerDecoderLayer(4, 2, 5, dropout=0.0, dtype=np.float64,
                                       rng=np.random.default_rng(0))
    rng = np.random.default_rng(1)
    tgt = ag.tensor(rng.standard_normal((3, 1, 4)), requires_grad=True)
    mem = ag.tensor(rng.standard_normal((2, 1, 4)), requires_grad=True)
    w = layer.multihead_attn.in_proj_weight
    assert ag.gradcheck(lambda t, m, w: layer(t, m), [tgt, mem, w])


def test_square_subsequent_mask_and_init(torch):
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    np.testing.assert_array_equal(mask.data,
                                  torch.nn.Transformer.generate_square_subsequent_mask(4).numpy())
    assert mask.dtype == ag.get_default_dtype()
    model = nn.Transformer(16, 2, 1, 1, 32, rng=np.random.default_rng(0))
    w = model.decoder.layers[0].linear1.weight.data
    bound = np.sqrt(6 / (16 + 32))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.isclose(w.std(), bound / np.sqrt(3), rtol=0.1)
    np.testing.assert_array_equal(model.decoder.norm.weight.data, 1.0)


def test_errors():
    model = nn.Transformer(8, 2, 1, 1, 8)
    with pytest.raises(RuntimeError, match="batch number"):
        model(ag.zeros((4, 2, 8)), ag.zeros((3, 3, 8)))
    with pytest.raises(RuntimeError, match="d_model"):
        model(ag.zeros((4, 2, 6)), ag.zeros((3, 2, 6)))
    with pytest.raises(RuntimeError, match="relu/gelu"):
        nn.TransformerDecoderLayer(8, 2, activation="tanh")
