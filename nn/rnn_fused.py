"""One Elman, LSTM or GRU time step as one recorded op: the hidden-state matmul, the gate
nonlinearities and the state update; and a whole LSTM sequence as one op
(``LSTMSequence``), which the layers use where every step has the whole batch.

Written with separate ops, a step records ~12 (the matmul, the sum of the projections,
four gate slices, their sigmoid/tanh, products and sums), each paying the engine's
per-op cost forward and backward. Here the matmul runs in BLAS and everything after it
in one compiled pass over ``(N, H)`` (``autograd.kernels.lstm_cell_forward`` and
friends), and the backward is one compiled pass plus the matmuls of the weight and
state gradients. When the backward itself is recorded (``create_graph=True``) it is
computed from recorded ops instead, so gradients of gradients work.

Inputs: ``gi`` the input projection ``x @ W_ihᵀ + b_ih`` ``(N, G·H)``, the state ``h``
``(N, P)`` (P = H, or proj_size for a projected LSTM), ``W_hh`` ``(G·H, P)``, ``b_hh``
``(G·H,)`` or None; gates stacked in PyTorch's order (LSTM i, f, g, o; GRU r, z, n; one
for the Elman step, whose activation is the elementwise tanh or relu kernel).
"""

from __future__ import annotations

import numpy as np

import autograd as ag
from autograd import kernels


def _hidden_projection(h: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray | None) -> np.ndarray:
    """``h @ W_hhᵀ + b_hh`` as a new array (``kernels.matmul``: faster for a few rows)."""
    gh = kernels.matmul(h, w_hh.T)
    if b_hh is not None:
        gh += b_hh
    return gh


def _weight_grads(dgh: np.ndarray, h: ag.Tensor, w_hh: ag.Tensor, needs: tuple
                  ) -> tuple[ag.Tensor | None, ...]:
    """The gradients of ``h``, ``W_hh`` and ``b_hh`` through ``gh = h @ W_hhᵀ + b_hh``
    given ``dgh`` (arrays, nothing recorded): ``dgh @ W_hh``, ``dghᵀ h``, ``Σ dgh``."""
    need_h, need_w, need_b = needs
    dh = kernels.matmul(dgh, w_hh.data) if need_h else None
    dw = ag.from_numpy(kernels.matmul(dgh.T, h.data)) if need_w else None
    db = ag.from_numpy(kernels.batch_sum(dgh)) if need_b else None
    return dh, dw, db


class RNNStep(ag.Function):
    """``h' = act(gi + h @ W_hhᵀ + b_hh)`` of one Elman step (PyTorch's ``nn.RNNCell``
    after its input projection), act = tanh or relu (``nonlinearity``); h' ``(N, H)``.

    ``RNNStep.apply(gi, h, w_hh, b_hh, nonlinearity)``. Backward: ``da = dh'·act'`` (tanh:
    ``1 − h'²``, relu: ``[h' > 0]``) is gi's gradient, ``dh = da @ W_hh``,
    ``dW_hh = daᵀ h``, ``db_hh = Σ da``.
    """

    @staticmethod
    def forward(ctx, gi, h, w_hh, b_hh, nonlinearity):
        a = _hidden_projection(h, w_hh, b_hh)
        a += gi
        out = kernels.tanh(a, out=a) if nonlinearity == "tanh" else kernels.relu(a, out=a)
        ctx.nonlinearity = nonlinearity
        ctx.save_for_backward(gi, h, w_hh, b_hh, out)
        return out

    @staticmethod
    def backward(ctx, dh):
        gi, h, w_hh, b_hh, out = ctx.saved_tensors
        need_gi, need_h, need_w, need_b = ctx.needs_input_grad[:4]
        tanh = ctx.nonlinearity == "tanh"
        if not ag.is_grad_enabled():
            # relu'(a) = [a > 0] = [h' > 0]: the output tells it, no input is kept.
            da = (kernels.tanh_backward(dh.data, out.data) if tanh
                  else kernels.relu_backward(dh.data, out.data))
            dh_prev, dw, db = _weight_grads(da, h, w_hh, (need_h, need_w, need_b))
            return (ag.from_numpy(da) if need_gi else None,
                    None if dh_prev is None else ag.from_numpy(dh_prev), dw, db, None)
        a = gi + ag.linear(h, w_hh, b_hh)
        if tanh:
            t = ag.tanh(a)
            da = dh * (1 - t * t)
        else:
            da = dh * ag.from_numpy((a.data > 0).astype(a.dtype))
        return (da if need_gi else None, ag.matmul(da, w_hh) if need_h else None,
                ag.matmul(da.T, h) if need_w else None, da.sum(0) if need_b else None, None)


class LSTMStep(ag.Function):
    """``(h', c')`` of one LSTM step (PyTorch's ``nn.LSTMCell`` after its input
    projection): with ``i, f, g, o`` the chunks of ``gi + h @ W_hhᵀ + b_hh``,
    ``c' = σ(f)·c + σ(i)·tanh(g)``, ``h' = σ(o)·tanh(c')``; c, h', c' ``(N, H)``.

    ``LSTMStep.apply(gi, h, c, w_hh, b_hh)``. Backward, with
    ``δ = dc' + dh'·σ(o)·(1 − tanh²c')``: the gates' gradient ``dgates`` (which is gi's),
    ``dh = dgates @ W_hh``, ``dc = δ·σ(f)``, ``dW_hh = dgatesᵀ h``, ``db_hh = Σ dgates``.
    """

    @staticmethod
    def forward(ctx, gi, h, c, w_hh, b_hh):
        gh = _hidden_projection(h, w_hh, b_hh)
        h_new, c_new, ctx.acts = kernels.lstm_cell_forward(gi, gh, c)
        ctx.save_for_backward(gi, h, c, w_hh, b_hh)
        ctx.set_materialize_grads(False)  # c' of the last step often has no gradient
        return h_new, c_new

    @staticmethod
    def backward(ctx, dh, dc):
        gi, h, c, w_hh, b_hh = ctx.saved_tensors
        need_gi, need_h, need_c, need_w, need_b = ctx.needs_input_grad
        if dh is None and dc is None:
            return None, None, None, None, None
        if not ag.is_grad_enabled():
            zeros = None if dh is not None and dc is not None else np.zeros(c.shape, c.dtype)
            dgates, dc_prev = kernels.lstm_cell_backward(
                zeros if dh is None else dh.data, zeros if dc is None else dc.data,
                ctx.acts, c.data)
            dh_prev, dw, db = _weight_grads(dgates, h, w_hh, (need_h, need_w, need_b))
            return (ag.from_numpy(dgates) if need_gi else None,
                    None if dh_prev is None else ag.from_numpy(dh_prev),
                    ag.from_numpy(dc_prev) if need_c else None, dw, db)
        i, f, g, o = ag.chunk(gi + ag.linear(h, w_hh, b_hh), 4, -1)
        i, f, g, o = ag.sigmoid(i), ag.sigmoid(f), ag.tanh(g), ag.sigmoid(o)
        tc = ag.tanh(f * c + i * g)
        if dh is None:
            dh = ag.zeros_like(tc)
        d_c = dh * o * (1 - tc * tc)
        if dc is not None:
            d_c = d_c + dc
        dgates = ag.cat([d_c * g * i * (1 - i), d_c * c * f * (1 - f), d_c * i * (1 - g * g),
                         dh * tc * o * (1 - o)], -1)
        return (dgates if need_gi else None, ag.matmul(dgates, w_hh) if need_h else None,
                d_c * f if need_c else None, ag.matmul(dgates.T, h) if need_w else None,
                dgates.sum(0) if need_b else None)


class LSTMSequence(ag.Function):
    """Every step of one LSTM layer and direction as one op: ``LSTMStep`` over
    ``t = 0 … T−1`` (``T−1 … 0`` when ``reverse``), the whole batch at every step.

    ``LSTMSequence.apply(gi, h, c, w_hh, b_hh, reverse)``: gi ``(T·N, 4H)`` the input
    projections of all steps, time-major (step t in rows ``t·N … t·N + N − 1``, as
    ``nn.LSTM`` lays out a batch), h and c ``(N, H)`` the initial state. Returns
    ``(seq, h_T, c_T)``: seq ``(T·N, H)`` the hidden state after every step, in time
    order, and the final state. Same formulas as ``LSTMStep``; the backward runs the
    steps in reverse with one compiled pass and one ``dgates @ W_hh`` each, and then
    ``dW_hh = Σ_t dgates_tᵀ h_t`` as one product over all steps and ``db_hh = Σ dgates``
    as one, where the per-step op makes T of each and sums them (float32 (28·64, 512),
    the step's own 28 products took ~1.2 ms, the one ~0.65 ms). Under
    ``create_graph=True`` the backward recomputes the sequence with ``LSTMStep`` and
    differentiates that, recording.
    """

    @staticmethod
    def forward(ctx, gi, h, c, w_hh, b_hh, reverse):
        n, hidden = c.shape
        steps = gi.shape[0] // n
        gates = gi.reshape(steps, n, 4 * hidden)
        w_t = np.ascontiguousarray(w_hh.T)  # (H, 4H): h @ w_t is a row-order product
        # In the order the steps run: hs[k], cs[k] the state step k starts from.
        hs = np.empty((steps + 1, n, hidden), c.dtype)
        cs = np.empty((steps + 1, n, hidden), c.dtype)
        acts = np.empty((steps, n, 5 * hidden), c.dtype)
        hs[0], cs[0] = h, c
        for k in range(steps):
            gh = kernels.matmul(hs[k], w_t)
            if b_hh is not None:
                kernels.add_bias_(gh, b_hh)
            kernels.lstm_cell_forward(gates[steps - 1 - k if reverse else k], gh, cs[k],
                                      out=(hs[k + 1], cs[k + 1], acts[k]))
        ctx.save_for_backward(gi, h, c, w_hh, b_hh)
        ctx.states, ctx.acts, ctx.reverse = (hs, cs), acts, reverse
        ctx.set_materialize_grads(False)  # c_T, often h_T too, have no gradient
        seq = (hs[:0:-1] if reverse else hs[1:]).copy()  # the outputs own their arrays
        return seq.reshape(steps * n, hidden), hs[steps].copy(), cs[steps].copy()

    @staticmethod
    def backward(ctx, dseq, dh, dc):
        if dseq is None and dh is None and dc is None:
            return None, None, None, None, None, None
        if ag.is_grad_enabled():
            return _lstm_sequence_recorded_backward(ctx, (dseq, dh, dc))
        gi, h, c, w_hh, b_hh = ctx.saved_tensors
        need_gi, need_h, need_c, need_w, need_b = ctx.needs_input_grad[:5]
        (hs, cs), acts, reverse = ctx.states, ctx.acts, ctx.reverse
        steps, n, hidden = acts.shape[0], c.shape[0], c.shape[1]
        w = w_hh.data
        zeros = np.zeros((n, hidden), c.dtype)
        dh = zeros if dh is None else dh.data
        dc = zeros if dc is None else dc.data
        dseq = None if dseq is None else dseq.data.reshape(steps, n, hidden)
        dgates = np.empty((steps, n, 4 * hidden), c.dtype)
        for k in range(steps - 1, -1, -1):
            if dseq is not None:
                dh = dh + dseq[steps - 1 - k if reverse else k]
            _, dc = kernels.lstm_cell_backward(dh, dc, acts[k], cs[k], dgates=dgates[k])
            if k or need_h:
                dh = kernels.matmul(dgates[k], w)
        flat = dgates.reshape(steps * n, 4 * hidden)
        dgi = None
        if need_gi:
            dgi = np.ascontiguousarray(dgates[::-1]).reshape(flat.shape) if reverse else flat
        dw = kernels.matmul(flat.T, hs[:steps].reshape(steps * n, hidden)) if need_w else None
        db = kernels.batch_sum(flat) if need_b and b_hh is not None else None
        return (*(None if g is None else ag.from_numpy(g)
                  for g in (dgi, dh if need_h else None, dc if need_c else None, dw, db)), None)


def _lstm_sequence_recorded_backward(ctx, grads: tuple) -> tuple:
    """``LSTMSequence``'s backward under ``create_graph=True``: the sequence recomputed
    from the saved inputs with one recorded ``LSTMStep`` per step, and its gradient taken
    recording, so that it can be differentiated again."""
    inputs = ctx.saved_tensors
    gi, h, c, w_hh, b_hh = inputs
    n = c.shape[0]
    gates = ag.split(gi, n, 0)
    outputs: list = [None] * len(gates)
    for t in (range(len(gates) - 1, -1, -1) if ctx.reverse else range(len(gates))):
        h, c = LSTMStep.apply(gates[t], h, c, w_hh, b_hh)
        outputs[t] = h
    pairs = [(out, g) for out, g in zip((ag.cat(outputs, 0), h, c), grads) if g is not None]
    wanted = [t for t, need in zip(inputs, ctx.needs_input_grad) if need]
    found = iter(ag.grad([out for out, _ in pairs], wanted, [g for _, g in pairs],
                         create_graph=True, allow_unused=True))
    return (*(next(found) if need else None for need in ctx.needs_input_grad[:5]), None)


class GRUStep(ag.Function):
    """``h'`` of one GRU step (PyTorch's ``nn.GRUCell`` after its input projection): with
    ``gh = h @ W_hhᵀ + b_hh``, ``r = σ(gi_r + gh_r)``, ``z = σ(gi_z + gh_z)``,
    ``n = tanh(gi_n + r·gh_n)`` (the reset gate multiplies the hidden projection, bias
    included), ``h' = (1 − z)·n + z·h``; h, h' ``(N, H)``.

    ``GRUStep.apply(gi, h, w_hh, b_hh)``. Backward, with ``dn = dh'·(1 − z)·(1 − n²)``,
    ``dr = dn·gh_n·r(1 − r)``, ``dz = dh'·(h − n)·z(1 − z)``: ``dgi = [dr, dz, dn]``,
    ``dgh = [dr, dz, dn·r]``, ``dh = dh'·z + dgh @ W_hh``, ``dW_hh = dghᵀ h``,
    ``db_hh = Σ dgh``.
    """

    @staticmethod
    def forward(ctx, gi, h, w_hh, b_hh):
        ctx.gh = _hidden_projection(h, w_hh, b_hh)
        h_new, ctx.acts = kernels.gru_cell_forward(gi, ctx.gh, h)
        ctx.save_for_backward(gi, h, w_hh, b_hh)
        return h_new

    @staticmethod
    def backward(ctx, dh):
        gi, h, w_hh, b_hh = ctx.saved_tensors
        need_gi, need_h, need_w, need_b = ctx.needs_input_grad
        if not ag.is_grad_enabled():
            dgi, dgh, dh_direct = kernels.gru_cell_backward(dh.data, ctx.acts, ctx.gh, h.data)
            dh_prev, dw, db = _weight_grads(dgh, h, w_hh, (need_h, need_w, need_b))
            if dh_prev is not None:
                dh_prev += dh_direct
            return (ag.from_numpy(dgi) if need_gi else None,
                    None if dh_prev is None else ag.from_numpy(dh_prev), dw, db)
        i_r, i_z, i_n = ag.chunk(gi, 3, -1)
        h_r, h_z, h_n = ag.chunk(ag.linear(h, w_hh, b_hh), 3, -1)
        r, z = ag.sigmoid(i_r + h_r), ag.sigmoid(i_z + h_z)
        n = ag.tanh(i_n + r * h_n)
        dn = dh * (1 - z) * (1 - n * n)
        dr = dn * h_n * r * (1 - r)
        dz = dh * (h - n) * z * (1 - z)
        dgh = ag.cat([dr, dz, dn * r], -1)
        return (ag.cat([dr, dz, dn], -1) if need_gi else None,
                dh * z + ag.matmul(dgh, w_hh) if need_h else None,
                ag.matmul(dgh.T, h) if need_w else None, dgh.sum(0) if need_b else None)
