"""The fused Elman, LSTM and GRU steps (``nn/rnn_fused.py``): the same values and gradients as
the step written with separate ops, first and second order (gradcheck, gradgradcheck,
and the recorded backward agreeing with the compiled one), gradients reaching only one
of an LSTM step's two outputs, the whole-sequence LSTM op against a loop of steps, and
the layers built on them against PyTorch in float64 (packed sequences, bidirectional,
proj_size, several layers) and float32."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
from nn.rnn_fused import GRUStep, LSTMSequence, LSTMStep, RNNStep
from nn.utils import rnn as R

pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections:UserWarning")


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


def _lstm_unfused(gi, h, c, w, b):
    i, f, g, o = ag.chunk(gi + ag.linear(h, w, b), 4, -1)
    c = ag.sigmoid(f) * c + ag.sigmoid(i) * ag.tanh(g)
    return ag.sigmoid(o) * ag.tanh(c), c


def _gru_unfused(gi, h, w, b):
    i_r, i_z, i_n = ag.chunk(gi, 3, -1)
    h_r, h_z, h_n = ag.chunk(ag.linear(h, w, b), 3, -1)
    r, z = ag.sigmoid(i_r + h_r), ag.sigmoid(i_z + h_z)
    n = ag.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


def _inputs(rng, gates, n=3, hidden=4, proj=None, bias=True, scale=1.0):
    """gi, h, c (LSTM only), W_hh, b_hh as float64 Tensors requiring grad."""
    p = proj or hidden
    arrays = [rng.standard_normal((n, gates * hidden)) * scale, rng.standard_normal((n, p))]
    if gates == 4:
        arrays.append(rng.standard_normal((n, hidden)))
    arrays.append(rng.standard_normal((gates * hidden, p)) * 0.5)
    tensors = [ag.tensor(a, requires_grad=True) for a in arrays]
    return tensors + [ag.tensor(rng.standard_normal(gates * hidden), requires_grad=True)
                      if bias else None]


def _grads(outputs, inputs, cotangents, create_graph=False):
    wanted = [t for t in inputs if t is not None]
    total = sum((o * ag.tensor(g)).sum() for o, g in zip(outputs, cotangents))
    return ag.grad(total, wanted, create_graph=create_graph)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("proj", [None, 2])
@pytest.mark.parametrize("scale", [1.0, 6.0])
def test_lstm_step_is_the_unfused_step(rng, bias, proj, scale):
    args = _inputs(rng, 4, proj=proj, bias=bias, scale=scale)
    fused, plain = LSTMStep.apply(*args), _lstm_unfused(*args)
    cotangents = [rng.standard_normal(o.shape) for o in plain]
    for a, b in zip(fused, plain):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-14, atol=1e-15)
    for a, b in zip(_grads(fused, args, cotangents), _grads(plain, args, cotangents)):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("scale", [1.0, 6.0])
def test_gru_step_is_the_unfused_step(rng, bias, scale):
    args = _inputs(rng, 3, bias=bias, scale=scale)
    fused, plain = GRUStep.apply(*args), _gru_unfused(*args)
    np.testing.assert_allclose(fused.data, plain.data, rtol=1e-14, atol=1e-15)
    g = [rng.standard_normal(plain.shape)]
    for a, b in zip(_grads([fused], args, g), _grads([plain], args, g)):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("n", [3, 80])  # 80·64 elements: tanh's compiled kernel
def test_rnn_step_is_the_unfused_step(rng, nonlinearity, n):
    args = _inputs(rng, 16, n=n)
    act = {"tanh": ag.tanh, "relu": ag.relu}[nonlinearity]
    fused = RNNStep.apply(*args, nonlinearity)
    plain = act(args[0] + ag.linear(*args[1:]))
    np.testing.assert_allclose(fused.data, plain.data, rtol=1e-14, atol=1e-15)
    g = [rng.standard_normal(plain.shape)]
    expected = _grads([plain], args, g)
    for create_graph in (False, True):
        got = _grads([RNNStep.apply(*args, nonlinearity)], args, g, create_graph)
        for a, b in zip(got, expected):
            np.testing.assert_allclose(a.data, b.data, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_step_passes_gradcheck_and_gradgradcheck(rng, nonlinearity):
    tensors = _inputs(rng, 1, n=2, hidden=3)
    assert ag.gradcheck(lambda *ts: RNNStep.apply(*ts, nonlinearity), tensors)
    assert ag.gradgradcheck(lambda *ts: RNNStep.apply(*ts, nonlinearity), tensors)


@pytest.mark.parametrize("used", [0, 1])
def test_lstm_step_with_a_gradient_on_one_output_only(rng, used):
    """c' of a sequence's last step (or h' of a cell whose h is dropped) gets no gradient:
    the backward takes it as zero, with and without a recorded backward."""
    args = _inputs(rng, 4)
    g = rng.standard_normal((3, 4))
    expected = _grads([_lstm_unfused(*args)[used]], args, [g])
    for create_graph in (False, True):
        got = _grads([LSTMStep.apply(*args)[used]], args, [g], create_graph)
        for a, b in zip(got, expected):
            np.testing.assert_allclose(a.data, b.data, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("step,gates", [(LSTMStep, 4), (GRUStep, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_fused_steps_pass_gradcheck_and_gradgradcheck(rng, step, gates, bias):
    args = _inputs(rng, gates, n=2, hidden=3, bias=bias)
    tensors = [a for a in args if a is not None]

    def fn(*ts):
        full = list(ts) + ([] if bias else [None])
        return step.apply(*full)

    assert ag.gradcheck(fn, tensors)
    assert ag.gradgradcheck(fn, tensors)


@pytest.mark.parametrize("step,gates", [(LSTMStep, 4), (GRUStep, 3)])
def test_recorded_backward_gives_the_compiled_gradients(rng, step, gates):
    """create_graph=True computes the gradient from recorded ops, otherwise the kernels
    do: both give the same first-order gradients."""
    args = _inputs(rng, gates, n=5, hidden=6, scale=3.0)

    def run():
        out = step.apply(*args)
        return out if isinstance(out, tuple) else (out,)

    g = [rng.standard_normal(o.shape) for o in run()]
    compiled, recorded = _grads(run(), args, g), _grads(run(), args, g, create_graph=True)
    for a, b in zip(compiled, recorded):
        assert b.requires_grad
        np.testing.assert_allclose(a.data, b.data, rtol=1e-13, atol=1e-14)


def test_a_step_changes_no_input(rng):
    args = _inputs(rng, 4)
    before = [a.data.copy() for a in args]
    h, c = LSTMStep.apply(*args)
    (h.sum() + c.sum()).backward()
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a.data, b)


# ------------------------------------------------------------- the whole LSTM sequence
def _sequence_inputs(rng, steps=4, n=3, hidden=4, bias=True, dtype=np.float64):
    """gi (T·N, 4H), h, c, W_hh, b_hh as Tensors requiring grad."""
    gi, h, c, w, b = _inputs(rng, 4, n=steps * n, hidden=hidden, bias=bias)
    h, c = (ag.tensor(rng.standard_normal((n, hidden)), requires_grad=True) for _ in "hc")
    return [None if t is None else ag.tensor(t.data.astype(dtype), requires_grad=True)
            for t in (gi, h, c, w, b)]


def _step_loop(gi, h, c, w, b, reverse):
    """The sequence as one LSTMStep per step (what the layers record for packed input)."""
    gates = ag.split(gi, h.shape[0], 0)
    seq = [None] * len(gates)
    for t in (range(len(gates) - 1, -1, -1) if reverse else range(len(gates))):
        h, c = LSTMStep.apply(gates[t], h, c, w, b)
        seq[t] = h
    return ag.cat(seq, 0), h, c


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("given", [(0, 1, 2), (0,), (1,), (2,), (1, 2)], ids=str)
def test_lstm_sequence_is_the_loop_of_steps(rng, reverse, bias, given):
    args = _sequence_inputs(rng, bias=bias)
    fused, looped = LSTMSequence.apply(*args, reverse), _step_loop(*args, reverse)
    for a, b in zip(fused, looped):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-14, atol=1e-15)
    g = [rng.standard_normal(o.shape) for o in fused]
    for create_graph in (False, True):
        got = _grads([LSTMSequence.apply(*args, reverse)[i] for i in given], args,
                     [g[i] for i in given], create_graph)
        expected = _grads([_step_loop(*args, reverse)[i] for i in given], args,
                          [g[i] for i in given])
        for a, b in zip(got, expected):
            assert a.requires_grad == create_graph
            np.testing.assert_allclose(a.data, b.data, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("reverse", [False, True])
def test_lstm_sequence_passes_gradcheck_and_gradgradcheck(rng, reverse):
    args = _sequence_inputs(rng, steps=3, n=2, hidden=2)
    assert ag.gradcheck(lambda *ts: LSTMSequence.apply(*ts, reverse), args)
    assert ag.gradgradcheck(lambda *ts: LSTMSequence.apply(*ts, reverse), args)


def test_lstm_sequence_in_float32_keeps_its_dtype_and_the_loops_values(rng):
    args = _sequence_inputs(rng, steps=5, n=4, hidden=8, dtype=np.float32)
    fused, looped = LSTMSequence.apply(*args, False), _step_loop(*args, False)
    g = [rng.standard_normal(o.shape).astype(np.float32) for o in fused]
    got, expected = _grads(fused, args, g), _grads(looped, args, g)
    for a, b in [*zip(fused, looped), *zip(got, expected)]:
        assert a.dtype == np.float32
        np.testing.assert_allclose(a.data, b.data, rtol=1e-5, atol=1e-6)


def test_lstm_sequence_outputs_can_change_in_place_before_backward(rng):
    """The outputs are the op's own arrays, not the states its backward reads."""
    args = _sequence_inputs(rng)
    g = [rng.standard_normal(o.shape) for o in LSTMSequence.apply(*args, False)]
    expected = _grads(LSTMSequence.apply(*args, False), args, g)
    seq, h, c = LSTMSequence.apply(*args, False)
    total = sum((o * ag.tensor(gi)).sum() for o, gi in zip((seq, h, c), g))
    with ag.no_grad():
        seq.data[...] = 0
        h.data[...] = 0
        c.data[...] = 0
    for a, b in zip(ag.grad(total, args), expected):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-14, atol=1e-15)


def _op_names(t):
    names, todo, seen = [], [t.grad_fn], set()
    while todo:
        node = todo.pop()
        if isinstance(node, ag.Tensor) or node is None or id(node) in seen:
            continue  # a leaf, or a node seen before
        seen.add(id(node))
        names.append(node.name)
        todo.extend(edge[0] for edge in node.next_edges if edge is not None)
    return names


def test_an_lstm_layer_records_one_op_per_direction_unless_packed(rng):
    layer = nn.LSTM(3, 4, bidirectional=True, rng=rng)
    out, _ = layer(ag.tensor(rng.standard_normal((5, 2, 3)).astype(np.float32)))
    names = _op_names(out)
    assert names.count("LSTMSequence") == 2 and "LSTMStep" not in names
    packed = R.pack_padded_sequence(ag.tensor(rng.standard_normal((5, 2, 3)).astype(np.float32)),
                                    [5, 3])
    out, _ = layer(packed)
    assert "LSTMSequence" not in _op_names(out.data) and "LSTMStep" in _op_names(out.data)


# ------------------------------------------------------------- layers against PyTorch
def _copy_weights(ours, theirs):
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


def _check_grads(ours, theirs, pairs, rtol, atol):
    for a, ta in pairs:
        np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=rtol, atol=atol)
    ref = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, ref[name].grad.numpy(), rtol=rtol, atol=atol,
                                   err_msg=name)


_PACKED = [
    ("LSTM", {}), ("GRU", {}), ("RNN", {"nonlinearity": "relu", "bidirectional": True}),
    ("LSTM", {"bidirectional": True, "num_layers": 2}),
    ("GRU", {"bidirectional": True}), ("LSTM", {"proj_size": 3, "bidirectional": True}),
]


@pytest.mark.parametrize("kind,kw", _PACKED)
def test_packed_layers_match_torch(torch, kind, kw):
    """Unsorted variable-length sequences, packed, with given initial states: outputs,
    final states and every gradient (sequences, states, weights) as PyTorch's."""
    rng = np.random.default_rng(3)
    lengths = [4, 7, 1, 7, 3]
    ours, theirs = getattr(nn, kind)(5, 6, **kw, dtype=np.float64), \
        getattr(torch.nn, kind)(5, 6, **kw, dtype=torch.float64)
    _copy_weights(ours, theirs)
    seqs = [rng.standard_normal((n, 5)) for n in lengths]
    xs = [ag.tensor(s, requires_grad=True) for s in seqs]
    txs = [torch.tensor(s, requires_grad=True) for s in seqs]
    rows = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    h0 = rng.standard_normal((rows, 5, kw.get("proj_size") or 6))
    states = [h0] + ([rng.standard_normal((rows, 5, 6))] if kind == "LSTM" else [])
    s = [ag.tensor(a, requires_grad=True) for a in states]
    ts = [torch.tensor(a, requires_grad=True) for a in states]
    packed = R.pack_sequence(xs, enforce_sorted=False)
    tpacked = torch.nn.utils.rnn.pack_sequence(txs, enforce_sorted=False)
    out, final = ours(packed, tuple(s) if kind == "LSTM" else s[0])
    tout, tfinal = theirs(tpacked, tuple(ts) if kind == "LSTM" else ts[0])
    finals = list(final) if kind == "LSTM" else [final]
    tfinals = list(tfinal) if kind == "LSTM" else [tfinal]
    results, tresults = [out.data] + finals, [tout.data] + tfinals
    loss, tloss = 0, 0
    for r, tr in zip(results, tresults):
        np.testing.assert_allclose(r.data, tr.detach().numpy(), rtol=1e-12, atol=1e-13)
        g = rng.standard_normal(r.shape)
        loss, tloss = loss + (r * ag.tensor(g)).sum(), tloss + (tr * torch.tensor(g)).sum()
    loss.backward()
    tloss.backward()
    _check_grads(ours, theirs, list(zip(xs + s, txs + ts)), 1e-11, 1e-12)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batch_first_layers_match_torch(torch, kind, dtype):
    """The layout of the benchmark (batch_first, two layers, the output and only one
    final state used), float64 and float32."""
    rng = np.random.default_rng(5)
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    ours = getattr(nn, kind)(8, 16, num_layers=2, batch_first=True, dtype=dtype)
    theirs = getattr(torch.nn, kind)(8, 16, num_layers=2, batch_first=True, dtype=tdtype)
    _copy_weights(ours, theirs)
    x_np = rng.standard_normal((4, 9, 8)).astype(dtype)
    x, tx = ag.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    (out, final), (tout, tfinal) = ours(x), theirs(tx)
    last, tlast = (final[1], tfinal[1]) if kind == "LSTM" else (final, tfinal)
    rtol, atol = (1e-12, 1e-13) if dtype == np.float64 else (2e-5, 2e-6)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=rtol, atol=atol)
    np.testing.assert_allclose(last.data, tlast.detach().numpy(), rtol=rtol, atol=atol)
    g = rng.standard_normal(out.shape).astype(dtype)
    ((out * ag.tensor(g)).sum() + last.sum()).backward()
    ((tout * torch.from_numpy(g)).sum() + tlast.sum()).backward()
    _check_grads(ours, theirs, [(x, tx)], 10 * rtol, 10 * atol)


@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell"])
def test_cells_over_steps_match_torch(torch, kind):
    """A cell applied over several steps (state fed back), gradients through all of them."""
    rng = np.random.default_rng(6)
    ours, theirs = getattr(nn, kind)(3, 5, dtype=np.float64), \
        getattr(torch.nn, kind)(3, 5, dtype=torch.float64)
    _copy_weights(ours, theirs)
    xs_np = rng.standard_normal((4, 2, 3))
    xs, txs = ag.tensor(xs_np, requires_grad=True), torch.tensor(xs_np, requires_grad=True)
    state, tstate = None, None
    loss, tloss = 0, 0
    for t in range(4):
        state, tstate = ours(xs[t], state), theirs(txs[t], tstate)
        h, th = (state[0], tstate[0]) if kind == "LSTMCell" else (state, tstate)
        np.testing.assert_allclose(h.data, th.detach().numpy(), rtol=1e-12, atol=1e-13)
        loss, tloss = loss + (h * h).sum(), tloss + (th * th).sum()
    loss.backward()
    tloss.backward()
    _check_grads(ours, theirs, [(xs, txs)], 1e-11, 1e-12)


def test_layer_gradgradcheck_through_the_fused_steps():
    """Second order through a whole bidirectional RNN, LSTM and GRU (every step fused)."""
    rng = np.random.default_rng(8)
    for kind in ("RNN", "LSTM", "GRU"):
        layer = getattr(nn, kind)(2, 3, bidirectional=True, dtype=np.float64, rng=rng)
        x = ag.tensor(rng.standard_normal((3, 2, 2)), requires_grad=True)
        assert ag.gradgradcheck(lambda x, *ps, layer=layer: layer(x)[0], (x, *layer.parameters()))
