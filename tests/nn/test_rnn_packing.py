"""``nn.utils.rnn`` (padding and packing variable-length sequences) and ``nn.RNN``/``LSTM``/
``GRU`` on a PackedSequence: PyTorch parity of every field, of the outputs, final states and
of the gradients of the sequences, the initial states and every weight; gradcheck."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils import rnn as R


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


LENGTHS = [3, 5, 1, 5, 2]


def _seqs(dtype=np.float64, features=3, lengths=LENGTHS):
    rng = np.random.default_rng(0)
    return [rng.standard_normal((n, features)).astype(dtype) for n in lengths]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_matches_torch(torch, batch_first, side):
    seqs = _seqs()
    ours = R.pad_sequence([ag.tensor(s) for s in seqs], batch_first, -2.0, side)
    theirs = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first,
                                             -2.0, side)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [False, True])
def test_pack_and_pad_round_trip_match_torch(torch, batch_first, enforce_sorted):
    lengths = sorted(LENGTHS, reverse=True) if enforce_sorted else LENGTHS
    seqs = _seqs(lengths=lengths)
    tR = torch.nn.utils.rnn
    xs = [ag.tensor(s, requires_grad=True) for s in seqs]
    txs = [torch.tensor(s, requires_grad=True) for s in seqs]
    packed = R.pack_padded_sequence(R.pad_sequence(xs, batch_first), lengths, batch_first,
                                    enforce_sorted)
    tpacked = tR.pack_padded_sequence(tR.pad_sequence(txs, batch_first), lengths,
                                      batch_first, enforce_sorted)
    for ours, theirs in zip(packed, tpacked):
        if theirs is None:
            assert ours is None
        else:
            np.testing.assert_array_equal(ours.data, theirs.detach().numpy())
            assert ours.dtype == theirs.detach().numpy().dtype
    padded, lens = R.pad_packed_sequence(packed, batch_first, 9.0, total_length=7)
    tpadded, tlens = tR.pad_packed_sequence(tpacked, batch_first, 9.0, total_length=7)
    np.testing.assert_array_equal(padded.data, tpadded.detach().numpy())
    np.testing.assert_array_equal(lens.data, tlens.numpy())
    g = np.random.default_rng(1).standard_normal(padded.shape)
    padded.backward(ag.tensor(g))
    tpadded.backward(torch.tensor(g))
    for x, tx in zip(xs, txs):
        np.testing.assert_allclose(x.grad.data, tx.grad.numpy())


def test_pack_sequence_unpack_unpad(torch):
    seqs = _seqs()
    packed = R.pack_sequence([ag.tensor(s) for s in seqs], enforce_sorted=False)
    tpacked = torch.nn.utils.rnn.pack_sequence([torch.tensor(s) for s in seqs], False)
    np.testing.assert_array_equal(packed.data.data, tpacked.data.numpy())
    for ours, s in zip(R.unpack_sequence(packed), seqs):
        np.testing.assert_array_equal(ours.data, s)
    padded = R.pad_sequence([ag.tensor(s) for s in seqs], batch_first=True)
    for ours, s in zip(R.unpad_sequence(padded, ag.tensor(LENGTHS), batch_first=True), seqs):
        np.testing.assert_array_equal(ours.data, s)


def test_packing_errors():
    x = ag.zeros((4, 2, 1))
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        R.pack_padded_sequence(x, [2, 3])
    with pytest.raises(RuntimeError, match="greater than 0"):
        R.pack_padded_sequence(x, [2, 0])
    with pytest.raises(ValueError, match="batch_size"):
        R.pack_padded_sequence(x, [2])
    packed = R.pack_padded_sequence(x, [3, 2])
    with pytest.raises(ValueError, match="total_length=2"):
        R.pad_packed_sequence(packed, total_length=2)
    with pytest.raises(ag.ShapeError, match="sequence 1"):
        R.pad_sequence([ag.zeros((2, 3)), ag.zeros((2, 4))])


def _twins(torch, kind, dtype, **kw):
    ours = getattr(nn, kind)(3, 4, dtype=dtype, **kw)
    theirs = getattr(torch.nn, kind)(3, 4, **kw).to(torch.float64 if dtype == np.float64
                                                   else torch.float32)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("options", [dict(), dict(num_layers=2, bidirectional=True),
                                     dict(batch_first=True, bidirectional=True)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_recurrent_layers_on_packed_match_torch(torch, kind, options, dtype):
    ours, theirs = _twins(torch, kind, dtype, **options)
    tR = torch.nn.utils.rnn
    seqs = _seqs(dtype)
    rows = (options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1),
            len(seqs), 4)
    h0 = np.random.default_rng(2).standard_normal(rows).astype(dtype)
    xs = [ag.tensor(s, requires_grad=True) for s in seqs]
    txs = [torch.tensor(s, requires_grad=True) for s in seqs]
    h, th = ag.tensor(h0, requires_grad=True), torch.tensor(h0, requires_grad=True)
    state, tstate = ((h, h * 0.5), (th, th * 0.5)) if kind == "LSTM" else (h, th)
    out, hn = ours(R.pack_sequence(xs, enforce_sorted=False), state)
    tout, thn = theirs(tR.pack_sequence(txs, enforce_sorted=False), tstate)
    assert isinstance(out, R.PackedSequence)
    np.testing.assert_array_equal(out.batch_sizes.data, tout.batch_sizes.numpy())
    np.testing.assert_array_equal(out.unsorted_indices.data, tout.unsorted_indices.numpy())
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-5)
    results = [out.data, *(hn if kind == "LSTM" else (hn,))]
    tresults = [tout.data, *(thn if kind == "LSTM" else (thn,))]
    rng = np.random.default_rng(3)
    loss, tloss = 0, 0
    for o, to in zip(results, tresults):
        np.testing.assert_allclose(o.data, to.detach().numpy(), **tol)
        g = rng.standard_normal(o.shape).astype(dtype)
        loss, tloss = loss + (o * ag.tensor(g)).sum(), tloss + (to * torch.tensor(g)).sum()
    loss.backward()
    tloss.backward()
    for x, tx in zip([*xs, h], [*txs, th]):
        np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), **tol)
    tparams = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, tparams[name].grad.numpy(), err_msg=name,
                                   **tol)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_packed_gradcheck(kind):
    layer = getattr(nn, kind)(2, 3, bidirectional=True, dtype=np.float64,
                              rng=np.random.default_rng(0))
    seqs = [ag.tensor(s, requires_grad=True) for s in _seqs(features=2, lengths=[2, 3, 1])]

    def run(*xs):
        out = layer(R.pack_sequence(list(xs), enforce_sorted=False))
        return out[0].data

    assert ag.gradcheck(run, seqs)


def test_packed_input_with_wrong_features():
    packed = R.pack_sequence([ag.zeros((2, 5))])
    with pytest.raises(ag.ShapeError, match="input_size"):
        nn.GRU(3, 4)(packed)
