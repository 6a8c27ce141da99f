"""``nn.TransformerEncoderLayer`` and ``nn.TransformerEncoder`` against PyTorch in eval mode
(forward, input and parameter gradients, masks; float64 and float32), gradcheck, dropout in
training mode, state_dict keys and errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn

# PyTorch notes that its nested-tensor fast path is off for sequence-first layers
pytestmark = pytest.mark.filterwarnings("ignore:enable_nested_tensor is True:UserWarning")


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


def _pair(torch, dtype, num_layers, final_norm, **kw):
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    ours = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 12, dtype=dtype, **kw),
                                 num_layers, norm=nn.LayerNorm(8, dtype=dtype)
                                 if final_norm else None)
    theirs = torch.nn.TransformerEncoder(
        torch.nn.TransformerEncoderLayer(8, 2, 12, dtype=tdtype, **kw), num_layers,
        norm=torch.nn.LayerNorm(8, dtype=tdtype) if final_norm else None)
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert list(state) == list(ours.state_dict())
    ours.load_state_dict(state)
    return ours.eval(), theirs.eval()


@pytest.mark.parametrize("kw,num_layers,final_norm", [
    ({}, 2, True), ({"norm_first": True, "activation": "gelu"}, 1, False),
    ({"batch_first": True, "bias": False}, 2, False),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_encoder_matches_torch_in_eval(torch, kw, num_layers, final_norm, dtype):
    rng = np.random.default_rng(0)
    ours, theirs = _pair(torch, dtype, num_layers, final_norm, **kw)
    tol = (1e-10, 1e-12) if dtype == np.float64 else (1e-4, 1e-5)
    shape = (3, 5, 8) if kw.get("batch_first") else (5, 3, 8)
    padding = np.zeros((3, 5), bool)
    padding[:, -1] = True
    causal = np.triu(np.ones((5, 5), bool), 1)
    for masks in ({}, {"src_key_padding_mask": padding}, {"mask": causal, "is_causal": True}):
        x_np = rng.standard_normal(shape).astype(dtype)
        ours.zero_grad()
        theirs.zero_grad()
        x, tx = ag.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
        tmasks = {k: (torch.tensor(v) if isinstance(v, np.ndarray) else v)
                  for k, v in masks.items()}
        out, tout = ours(x, **masks), theirs(tx, **tmasks)
        np.testing.assert_allclose(out.data, tout.detach().numpy(), *tol)
        g = rng.standard_normal(shape).astype(dtype)
        (out * ag.tensor(g)).sum().backward()
        (tout * torch.from_numpy(g)).sum().backward()
        np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), *tol)
        ref = dict(theirs.named_parameters())
        for name, p in ours.named_parameters():
            np.testing.assert_allclose(p.grad.data, ref[name].grad.numpy(), *tol,
                                       err_msg=name)


def test_layer_unbatched_matches_torch(torch):
    ours, theirs = _pair(torch, np.float64, 1, False)
    x = np.random.default_rng(1).standard_normal((4, 8))
    np.testing.assert_allclose(ours.layers[0](ag.tensor(x)).data,
                               theirs.layers[0](torch.tensor(x)).detach().numpy(), 1e-10, 1e-12)


def test_layer_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(2)
    layer = nn.TransformerEncoderLayer(4, 2, 3, activation="gelu", dtype=np.float64,
                                       rng=rng).eval()
    x = ag.tensor(rng.standard_normal((3, 1, 4)), requires_grad=True)
    mask = np.array([[False, True, False]] * 3)
    assert ag.gradcheck(lambda x, *ps: layer(x, src_mask=mask), (x, *layer.parameters()))
    assert ag.gradgradcheck(lambda x: layer(x, src_mask=mask), (x,))


def test_dropout_in_training_copies_and_errors():
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.5, dtype=np.float32)
    encoder = nn.TransformerEncoder(layer, 3)
    assert len(encoder.layers) == 3 and encoder.layers[0] is not layer
    assert np.array_equal(encoder.layers[2].linear1.weight.data, layer.linear1.weight.data)
    assert encoder.layers[1].linear1.weight is not encoder.layers[2].linear1.weight
    x = ag.tensor(np.random.default_rng(3).standard_normal((5, 2, 4)), dtype=np.float32)
    assert not np.allclose(encoder(x).data, encoder(x).data)
    encoder.eval()
    assert np.array_equal(encoder(x).data, encoder(x).data)
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(4, 2, activation="tanh")
    with pytest.raises(ValueError, match="embed_dim must be divisible by num_heads"):
        nn.TransformerEncoderLayer(6, 4)
