"""Recurrent layers (``nn.RNNCell``/``LSTMCell``/``GRUCell``, ``nn.RNN``/``LSTM``/``GRU``):
PyTorch parity with the same weights (forward, h_n/c_n, input, state and every parameter
gradient; float64 and float32), gradcheck and gradgradcheck on tiny sizes, state_dict keys,
default init, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn

# PyTorch's CPU LSTM notes that oneDNN lacks projections and falls back: not our concern
pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections:UserWarning")


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


def _copy_weights(ours, theirs):
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert list(state) == list(ours.state_dict())
    ours.load_state_dict(state)


def _as_list(result):
    """``out`` / ``(out, h)`` / ``(out, (h, c))`` / ``(h, c)`` flattened to a list."""
    if not isinstance(result, tuple):
        return [result]
    return [t for r in result for t in _as_list(r)]


def _compare(ours, theirs, torch, x_np, states_np, rtol, atol):
    """Run both modules on ``x_np`` and the initial states (None, an array, or a pair of
    arrays for the LSTMs), backpropagate random cotangents into every result and compare
    the results and the gradients of the input, the states and the parameters."""
    rng = np.random.default_rng(7)
    ours.zero_grad()
    theirs.zero_grad()
    x, tx = ag.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    if states_np is None:
        s, ts = [], []
        args, targs = (x,), (tx,)
    else:
        many = isinstance(states_np, tuple)
        s = [ag.tensor(a, requires_grad=True) for a in (states_np if many else [states_np])]
        ts = [torch.tensor(a, requires_grad=True) for a in (states_np if many else [states_np])]
        args, targs = (x, tuple(s) if many else s[0]), (tx, tuple(ts) if many else ts[0])
    outs, touts = _as_list(ours(*args)), _as_list(theirs(*targs))
    assert len(outs) == len(touts)
    loss, tloss = 0, 0
    for o, to in zip(outs, touts):
        assert o.shape == tuple(to.shape) and o.dtype == to.detach().numpy().dtype
        np.testing.assert_allclose(o.data, to.detach().numpy(), rtol=rtol, atol=atol)
        g = rng.standard_normal(o.shape).astype(o.dtype)
        loss, tloss = loss + (o * ag.tensor(g)).sum(), tloss + (to * torch.from_numpy(g)).sum()
    loss.backward()
    tloss.backward()
    for a, ta in zip([x, *s], [tx, *ts]):
        np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=rtol, atol=atol)
    ref = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, ref[name].grad.numpy(), rtol=rtol, atol=atol,
                                   err_msg=name)


_LAYERS = [
    ("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("GRU", {}), ("LSTM", {}),
    ("RNN", {"num_layers": 2, "bidirectional": True}),
    ("GRU", {"num_layers": 3, "bidirectional": True, "batch_first": True}),
    ("LSTM", {"num_layers": 2, "bidirectional": True, "bias": False}),
    ("LSTM", {"num_layers": 2, "proj_size": 2, "batch_first": True}),
    ("LSTM", {"bidirectional": True, "proj_size": 3}),
]


def _states(kind, kw, batch, rng, dtype, hidden=5):
    """Random initial states for a layer of ``hidden`` units (h_0, or (h_0, c_0))."""
    rows = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    lead = (rows,) if batch is None else (rows, batch)
    h = rng.standard_normal(lead + (kw.get("proj_size") or hidden,)).astype(dtype)
    if kind != "LSTM":
        return h
    return h, rng.standard_normal(lead + (hidden,)).astype(dtype)


@pytest.mark.parametrize("kind,kw", _LAYERS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("given_state", [False, True])
def test_layer_matches_torch(torch, kind, kw, dtype, given_state):
    rng = np.random.default_rng(0)
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    ours = getattr(nn, kind)(4, 5, dtype=dtype, **kw)
    theirs = getattr(torch.nn, kind)(4, 5, dtype=tdtype, **kw)
    _copy_weights(ours, theirs)
    tol = (1e-10, 1e-12) if dtype == np.float64 else (1e-4, 1e-5)
    shape = (3, 6, 4) if kw.get("batch_first") else (6, 3, 4)
    x = rng.standard_normal(shape).astype(dtype)
    _compare(ours, theirs, torch, x, _states(kind, kw, 3, rng, dtype) if given_state else None,
             *tol)
    x1 = rng.standard_normal((1, 4)).astype(dtype)  # unbatched, one time step
    _compare(ours, theirs, torch, x1,
             _states(kind, kw, None, rng, dtype) if given_state else None, *tol)


@pytest.mark.parametrize("kind", ["RNNCell", "GRUCell", "LSTMCell"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cell_matches_torch(torch, kind, dtype):
    rng = np.random.default_rng(1)
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    kwargs = [{}, {"bias": False}] + ([{"nonlinearity": "relu"}] if kind == "RNNCell" else [])
    tol = (1e-10, 1e-12) if dtype == np.float64 else (1e-4, 1e-5)
    for kw in kwargs:
        ours = getattr(nn, kind)(3, 4, dtype=dtype, **kw)
        theirs = getattr(torch.nn, kind)(3, 4, dtype=tdtype, **kw)
        _copy_weights(ours, theirs)
        assert ours.extra_repr() == theirs.extra_repr()
        for batch in [(2,), (1,), ()]:
            x = rng.standard_normal(batch + (3,)).astype(dtype)
            h = rng.standard_normal(batch + (4,)).astype(dtype)
            state = (h, rng.standard_normal(batch + (4,)).astype(dtype)) if kind == "LSTMCell" \
                else h
            _compare(ours, theirs, torch, x, None, *tol)
            _compare(ours, theirs, torch, x, state, *tol)


def _flat(result):
    return ag.cat([t.reshape(-1) for t in _as_list(result)])


@pytest.mark.parametrize("kind,kw,batch", [
    ("RNN", {"num_layers": 2, "bidirectional": True}, 1), ("RNN", {"nonlinearity": "relu"}, 2),
    ("GRU", {"bidirectional": True}, 2), ("LSTM", {"bidirectional": True}, 1),
    ("LSTM", {"proj_size": 1}, 2),
])
def test_layer_gradcheck(kind, kw, batch):
    rng = np.random.default_rng(2)
    layer = getattr(nn, kind)(2, 2, dtype=np.float64, rng=rng, **kw)
    x = ag.tensor(rng.standard_normal((batch, 3, 2)), requires_grad=True)
    states = _states(kind, kw, batch, rng, np.float64, hidden=2)
    states = [ag.tensor(a, requires_grad=True)
              for a in (states if kind == "LSTM" else (states,))]

    def fn(x, *args):
        s = args[:len(states)]
        # (N, L, in) seen as (L, N, in): a non-contiguous input
        return _flat(layer(x.transpose(0, 1), tuple(s) if kind == "LSTM" else s[0]))

    assert ag.gradcheck(fn, (x, *states, *layer.parameters()))


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
def test_layer_gradgradcheck(kind):
    rng = np.random.default_rng(3)
    layer = getattr(nn, kind)(2, 2, dtype=np.float64, rng=rng)
    x = ag.tensor(rng.standard_normal((2, 1, 2)), requires_grad=True)
    assert ag.gradgradcheck(lambda x, *ps: _flat(layer(x)), (x, *layer.parameters()))


@pytest.mark.parametrize("kind", ["RNNCell", "GRUCell", "LSTMCell"])
def test_cell_gradcheck_and_gradgradcheck(kind):
    rng = np.random.default_rng(4)
    cell = getattr(nn, kind)(3, 2, dtype=np.float64, rng=rng)
    x = ag.tensor(rng.standard_normal((3, 2))).T  # non-contiguous (2, 3)
    x.requires_grad_(True)
    h = ag.tensor(rng.standard_normal((2, 2)), requires_grad=True)
    c = ag.tensor(rng.standard_normal((2, 2)), requires_grad=True)

    def fn(x, h, c, *ps):
        return _flat(cell(x, (h, c)) if kind == "LSTMCell" else cell(x, h))

    assert ag.gradcheck(fn, (x, h, c, *cell.parameters()))
    assert ag.gradgradcheck(fn, (x, h, c, *cell.parameters()))


def test_state_dict_keys_shapes_and_repr_match_torch(torch):
    for kind, kw in _LAYERS + [("RNN", {"dropout": 0.25, "num_layers": 2})]:
        ours = getattr(nn, kind)(4, 5, **kw)
        theirs = getattr(torch.nn, kind)(4, 5, **kw)
        assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
            [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
        assert ours.extra_repr() == theirs.extra_repr()
        assert all(p.dtype == ag.get_default_dtype() for p in ours.parameters())
        assert [[tuple(w.shape) for w in ws] for ws in ours.all_weights] == \
            [[tuple(w.shape) for w in ws] for ws in theirs.all_weights]


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"])
def test_default_init_is_uniform_over_inverse_sqrt_hidden(kind):
    layer = getattr(nn, kind)(30, 64, rng=np.random.default_rng(5))
    values = np.concatenate([p.data.ravel() for p in layer.parameters()])
    bound = 1 / 8.0
    assert np.abs(values).max() <= bound and np.abs(values).max() > 0.99 * bound
    assert abs(values.std() - bound / np.sqrt(3)) < 0.01 * bound
    assert abs(values.mean()) < 0.01 * bound
    again = getattr(nn, kind)(30, 64, rng=np.random.default_rng(5))
    assert all(np.array_equal(p.data, q.data)
               for p, q in zip(layer.parameters(), again.parameters()))


def test_dropout_between_layers_only_in_training():
    layer = nn.GRU(3, 4, num_layers=2, dropout=0.5, dtype=np.float32, rng=np.random.default_rng(6))
    x = ag.tensor(np.random.default_rng(7).standard_normal((5, 2, 3)), dtype=np.float32)
    train = [layer(x)[0].data for _ in range(2)]
    assert not np.allclose(train[0], train[1])
    layer.eval()
    evals = [layer(x)[0].data for _ in range(2)]
    assert np.array_equal(evals[0], evals[1]) and not np.allclose(evals[0], train[0])
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.LSTM(3, 4, dropout=0.5)


def test_output_shapes():
    out, (h, c) = nn.LSTM(3, 6, num_layers=2, bidirectional=True, proj_size=2,
                          batch_first=True)(ag.zeros((4, 7, 3)))
    assert out.shape == (4, 7, 4) and h.shape == (4, 4, 2) and c.shape == (4, 4, 6)
    out, h = nn.GRU(3, 6, num_layers=3)(ag.zeros((7, 3)))
    assert out.shape == (7, 6) and h.shape == (3, 6)
    out, h = nn.RNN(3, 6)(ag.zeros((2, 0, 3)))  # empty batch
    assert out.shape == (2, 0, 6) and h.shape == (1, 0, 6)


def test_errors():
    with pytest.raises(ag.ShapeError, match=r"LSTM: input.size\(-1\).*Expected 3, got 4"):
        nn.LSTM(3, 4)(ag.zeros((5, 2, 4)))
    with pytest.raises(ValueError, match="GRU: Expected input to be 2D .* or 3D"):
        nn.GRU(3, 4)(ag.zeros((5, 2, 2, 3)))
    with pytest.raises(ag.ShapeError, match=r"RNN: Expected hidden size \(2, 2, 4\)"):
        nn.RNN(3, 4, num_layers=2)(ag.zeros((5, 2, 3)), ag.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match="unbatched 2-D input, hx should be 2-D"):
        nn.RNN(3, 4)(ag.zeros((5, 3)), ag.zeros((1, 1, 4)))
    with pytest.raises(ag.ShapeError, match="cx"):
        nn.LSTM(3, 4)(ag.zeros((5, 2, 3)), (ag.zeros((1, 2, 4)), ag.zeros((1, 2, 3))))
    with pytest.raises(ValueError, match="sequence length"):
        nn.RNN(3, 4)(ag.zeros((0, 2, 3)))
    with pytest.raises(TypeError, match="RNN: input is float32 but weight_ih_l0 is float64"):
        nn.RNN(3, 4, dtype=np.float64)(ag.zeros((5, 2, 3), dtype=np.float32))
    with pytest.raises(TypeError, match="floating point"):
        nn.RNN(3, 4)(ag.zeros((5, 2, 3), dtype=np.int64))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="proj_size has to be smaller"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        nn.GRU(3, 0)
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        nn.GRU(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match=r"LSTMCell: Expected input to be 1D \(unbatched\)"):
        nn.LSTMCell(3, 4)(ag.zeros((1, 2, 3)))
    with pytest.raises(ag.ShapeError, match=r"GRUCell: hx has shape \(3, 4\), expected"):
        nn.GRUCell(3, 4)(ag.zeros((2, 3)), ag.zeros((3, 4)))
    with pytest.raises(ag.ShapeError, match=r"RNNCell: input.size\(-1\) .* Expected 3, got 5"):
        nn.RNNCell(3, 4)(ag.zeros((2, 5)))
