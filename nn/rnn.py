"""``RNN``, ``LSTM`` and ``GRU``: PyTorch's multi-layer, optionally bidirectional recurrent
layers, unrolled over time as a Python loop of the steps in ``rnn_cells``.

Each layer and direction projects the whole sequence at once (``X @ W_ih.T + b_ih``, one
matmul) and then runs one step per time index (an LSTM without projection over a batch
whose sequences all run every step: the whole loop as one op, ``LSTMSequence``); layer
``k > 0`` reads the previous layer's output (both directions concatenated), with dropout
between layers in training mode.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import autograd as ag

from .functional import dropout as dropout_fn
from .functional import linear
from .functional._inputs import floating_input, same_dtype
from .module import Module
from .parameter import Parameter
from .rnn_cells import (
    NONLINEARITIES,
    check_sizes,
    checked_input,
    init_recurrent_,
    run_steps,
)
from .rnn_fused import LSTMSequence
from .utils.rnn import PackedSequence

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


class RNNBase(Module):
    """The base of ``RNN``, ``LSTM`` and ``GRU`` (PyTorch's ``nn.RNNBase``): ``mode`` is
    ``'LSTM'``, ``'GRU'``, ``'RNN_TANH'`` or ``'RNN_RELU'`` and sets the number of gates
    (4, 3, 1, 1). As in PyTorch, it builds and initializes the weights, but has no
    ``forward`` of its own: use (or subclass) ``RNN``, ``LSTM`` or ``GRU`` to run them.

    The weights of every layer ``k`` and direction (suffix ``_reverse`` for the backward
    one), named and shaped as PyTorch's: ``weight_ih_l{k}`` ``(gates·H, in_k)``,
    ``weight_hh_l{k}`` ``(gates·H, H_out)``, ``bias_ih_l{k}``, ``bias_hh_l{k}``
    ``(gates·H,)`` and for an LSTM with ``proj_size > 0`` ``weight_hr_l{k}``
    ``(proj_size, H)``; ``in_0 = input_size``, ``in_k = D·H_out`` (D = 2 if
    bidirectional), ``H_out = proj_size or hidden_size``."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        name = type(self).__name__
        if mode not in _GATES:
            raise ValueError(f"{name}: Unrecognized RNN mode: {mode!r}; choose one of "
                             f"{', '.join(map(repr, _GATES))}")
        check_sizes(name, input_size, hidden_size)
        if not isinstance(num_layers, int) or isinstance(num_layers, bool) or num_layers <= 0:
            raise ValueError(f"{name}: num_layers must be an int greater than zero, got "
                             f"{num_layers!r}")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) \
                or not 0 <= dropout <= 1:
            raise ValueError(f"{name}: dropout should be a number in range [0, 1] "
                             f"representing the probability of an element being zeroed, got "
                             f"{dropout!r}")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        if proj_size < 0:
            raise ValueError(f"{name}: proj_size should be a positive integer or zero to "
                             f"disable projections, got {proj_size}")
        if proj_size >= hidden_size:
            raise ValueError(f"{name}: proj_size has to be smaller than hidden_size, got "
                             f"proj_size={proj_size} and hidden_size={hidden_size}")
        self.mode = mode
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first = bias, batch_first
        self.dropout, self.bidirectional = float(dropout), bidirectional
        self.proj_size = proj_size
        self.rng = rng
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        rows = _GATES[mode] * hidden_size
        out = proj_size or hidden_size
        for layer in range(num_layers):
            in_k = input_size if layer == 0 else out * self.num_directions
            for suffix in self._suffixes():
                tag = f"_l{layer}{suffix}"
                setattr(self, f"weight_ih{tag}", Parameter(np.empty((rows, in_k), dtype=dtype)))
                setattr(self, f"weight_hh{tag}", Parameter(np.empty((rows, out), dtype=dtype)))
                if bias:
                    setattr(self, f"bias_ih{tag}", Parameter(np.empty((rows,), dtype=dtype)))
                    setattr(self, f"bias_hh{tag}", Parameter(np.empty((rows,), dtype=dtype)))
                if proj_size:
                    setattr(self, f"weight_hr{tag}",
                            Parameter(np.empty((proj_size, hidden_size), dtype=dtype)))
        self.reset_parameters(rng)

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def _suffixes(self) -> tuple[str, ...]:
        return ("", "_reverse") if self.bidirectional else ("",)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """PyTorch's init: all weights and biases U(−1/√hidden_size, 1/√hidden_size)."""
        init_recurrent_(self, self.hidden_size, rng)

    @property
    def all_weights(self) -> list[list[ag.Tensor]]:
        """The parameters of every layer and direction, as PyTorch's ``all_weights``:
        ``[w_ih, w_hh, b_ih, b_hh(, w_hr)]`` per entry, forward direction first."""
        return [[getattr(self, f"{kind}_l{layer}{suffix}")
                 for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
                 if getattr(self, f"{kind}_l{layer}{suffix}", None) is not None]
                for layer in range(self.num_layers) for suffix in self._suffixes()]

    def flatten_parameters(self) -> None:
        """PyTorch's cuDNN weight-compaction call: nothing to do on the CPU (kept so that
        PyTorch scripts that call it run unchanged)."""

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------------ forward helpers
    def _input(self, input: Any) -> tuple[ag.Tensor, bool]:
        """The input as ``(L, N, input_size)`` and whether it came unbatched ``(L, in)``."""
        x, unbatched = checked_input(input, type(self).__name__, 3, self.input_size,
                                     self.weight_ih_l0, "weight_ih_l0")
        if unbatched:
            return ag.unsqueeze(x, 1), True
        return (ag.swapaxes(x, 0, 1) if self.batch_first else x), False

    def _state(self, state: Any, batch: int, unbatched: bool, size: int, role: str,
               x: ag.Tensor, packed: PackedSequence | None) -> list[ag.Tensor]:
        """An initial state ``(D·num_layers, N, size)`` (``(D·num_layers, size)`` unbatched;
        zeros if None) as one ``(N, size)`` tensor per layer and direction, its batch in the
        packed input's sorted order."""
        rows = self.num_layers * self.num_directions
        if state is None:
            zero = ag.zeros((batch, size), dtype=x.dtype)
            return [zero] * rows
        name = type(self).__name__
        s = floating_input(state, name)
        expected = (rows, size) if unbatched else (rows, batch, size)
        if s.ndim != len(expected):
            kind = "unbatched 2-D" if unbatched else "batched 3-D"
            raise ValueError(f"{name}: for {kind} input, {role} should be "
                             f"{len(expected)}-D but got {s.ndim}-D tensor of shape "
                             f"{tuple(s.shape)}")
        if tuple(s.shape) != expected:
            raise ag.ShapeError(f"{name}: Expected hidden size {expected}, got "
                                f"{tuple(s.shape)} for {role}")
        same_dtype(x, s, role, name)
        if packed is not None and packed.sorted_indices is not None:
            s = ag.index_select(s, 1, packed.sorted_indices)
        return list(ag.unbind(ag.unsqueeze(s, 1) if unbatched else s, 0))

    def _params(self, layer: int, suffix: str) -> list[ag.Tensor | None]:
        tag = f"_l{layer}{suffix}"
        return [getattr(self, f"{kind}{tag}", None)
                for kind in ("weight_ih", "bias_ih", "weight_hh", "bias_hh", "weight_hr")]

    def _run(self, input: Any, hx: Any, cx: Any, want_cell: bool
             ) -> tuple[ag.Tensor | PackedSequence, ag.Tensor, ag.Tensor | None, bool]:
        """Every layer and direction over the sequence: ``(output, h_n, c_n, unbatched)``
        with output ``(L, N, D·H_out)`` (time-major; a PackedSequence for a packed input)
        and h_n ``(D·num_layers, N, H_out)``."""
        packed = input if isinstance(input, PackedSequence) else None
        if packed is None:
            x, unbatched = self._input(input)
            if x.shape[0] == 0:
                raise ValueError(f"{type(self).__name__}: Expected sequence length to be "
                                 f"larger than 0, got input of shape {tuple(x.shape)}")
            length, sizes = x.shape[0], [x.shape[1]] * x.shape[0]
            # Laid out as packed data, (L·N, in): each step's rows are then one piece of a
            # single split and the output one cat (unbind and stack would record a node
            # per step, and unbind's backward a full-size gradient per step).
            x = ag.reshape(x, (-1, x.shape[-1]))
        else:
            x, unbatched = self._packed_input(packed), False
            sizes = [int(b) for b in packed.batch_sizes.data]
        batch = sizes[0]
        out_size = self.proj_size or self.hidden_size
        h0 = self._state(hx, batch, unbatched, out_size, "hx", x, packed)
        c0 = (self._state(cx, batch, unbatched, self.hidden_size, "cx", x, packed)
              if want_cell else None)
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0 and self.training:
                x = dropout_fn(x, self.dropout, True, rng=self.rng)
            outputs = []
            for d, suffix in enumerate(self._suffixes()):
                row = layer * self.num_directions + d
                seq, h, c = self._direction(layer, suffix, x, sizes, h0[row],
                                            c0[row] if want_cell else None, bool(d))
                outputs.append(seq)
                h_n.append(h)
                c_n.append(c)
            x = outputs[0] if len(outputs) == 1 else ag.cat(outputs, -1)
        h_n = self._unsort(ag.stack(h_n, 0), packed)
        c_n = self._unsort(ag.stack(c_n, 0), packed) if want_cell else None
        if packed is None:
            x = ag.reshape(x, (length, batch, x.shape[-1]))
        else:
            x = packed._replace(data=x)
        return x, h_n, c_n, unbatched

    def _direction(self, layer: int, suffix: str, x: ag.Tensor, sizes: list[int],
                   h: ag.Tensor, c: ag.Tensor | None, reverse: bool
                   ) -> tuple[ag.Tensor, ag.Tensor, ag.Tensor | None]:
        """One layer and direction over the packed data ``x`` ``(Σ sizes, in)``, whose step t
        holds the ``sizes[t]`` sequences still running, longest first (all N of them at
        every step for an unpacked batch), projected by ``W_ih`` in one matmul. Rows past
        ``sizes[t]`` keep their state, so each sequence's final state is that of its last
        real step (and the reverse direction starts each sequence at its own last step,
        from h_0). Returns the hidden state after every step in x's layout ``(Σ sizes,
        H_out)`` and the final state. An LSTM without projection over a batch whose
        sequences all run every step is one op (``LSTMSequence``), else one op per step."""
        w_ih, b_ih, w_hh, b_hh, w_hr = self._params(layer, suffix)
        if self.mode == "LSTM" and w_hr is None and h is not c and min(sizes) == sizes[0]:
            if b_ih is not None and b_hh is not None:
                # The gates are x W_ihᵀ + b_ih + h W_hhᵀ + b_hh: both biases go into the
                # one projection of all steps instead of b_hh into each step's product.
                return LSTMSequence.apply(linear(x, w_ih, b_ih + b_hh), h, c, w_hh, None,
                                          reverse)
            return LSTMSequence.apply(linear(x, w_ih, b_ih), h, c, w_hh, b_hh, reverse)
        projected = linear(x, w_ih, b_ih)
        steps = ag.split(projected, sizes, 0)
        seq, h, c = run_steps(self.mode, steps, sizes, h, c, w_hh, b_hh, w_hr,
                              "relu" if self.mode == "RNN_RELU" else "tanh", reverse)
        return ag.cat(seq, 0), h, c

    def _packed_input(self, packed: PackedSequence) -> ag.Tensor:
        """The data of a packed input, checked as a ``(steps, input_size)`` batch."""
        x, _ = checked_input(packed.data, type(self).__name__, 2, self.input_size,
                             self.weight_ih_l0, "weight_ih_l0")
        if x.ndim != 2:
            raise ValueError(f"{type(self).__name__}: a PackedSequence's data must be 2-D "
                             f"(steps, input_size), got shape {tuple(x.shape)}")
        return x

    @staticmethod
    def _unsort(states: ag.Tensor, packed: PackedSequence | None) -> ag.Tensor:
        """Final states back in the caller's batch order (a packed batch was sorted)."""
        if packed is None or packed.unsorted_indices is None:
            return states
        return ag.index_select(states, 1, packed.unsorted_indices)

    def _finish(self, output: ag.Tensor | PackedSequence, unbatched: bool,
                *states: ag.Tensor) -> tuple[Any, ...]:
        """Back to the caller's layout: ``(N, L, ·)`` if batch_first, batch axis dropped if
        the input was unbatched (a PackedSequence stays packed)."""
        if isinstance(output, PackedSequence):
            return (output, *states)
        if unbatched:
            return (ag.squeeze(output, 1), *(ag.squeeze(s, 1) for s in states))
        if self.batch_first:
            output = ag.swapaxes(output, 0, 1)
        return (output, *states)


class RNN(RNNBase):
    """Multi-layer Elman RNN (PyTorch's ``nn.RNN``): per layer and time step
    ``h_t = act(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)``, act = tanh or relu.

    ``forward(input, hx=None)``: input ``(L, N, input_size)`` (``(N, L, input_size)`` with
    ``batch_first``) or unbatched ``(L, input_size)``; hx ``(D·num_layers, N, hidden_size)``
    (``(D·num_layers, hidden_size)`` unbatched; zeros if None). Returns ``(output, h_n)``:
    output ``(L, N, D·hidden_size)`` — the last layer's h_t for every t, both directions
    concatenated — and h_n the final state of every layer and direction, shaped as hx.
    Gradients flow to the input, hx and every weight (backpropagation through time).
    ``dropout`` is applied to the outputs of every layer but the last, in training mode,
    drawn from ``rng`` or the global generator.

    ``input`` may also be a ``nn.utils.rnn.PackedSequence`` (variable-length sequences):
    then output is one too, each sequence stops at its length, and h_n holds each
    sequence's state after its last real step (hx and h_n in the caller's batch order).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"RNN: Unknown nonlinearity {nonlinearity!r}. Select from "
                             "'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, 0, dtype, rng)

    def forward(self, input: ag.Tensor, hx: ag.Tensor | None = None
                ) -> tuple[ag.Tensor, ag.Tensor]:
        output, h_n, _, unbatched = self._run(input, hx, None, False)
        return self._finish(output, unbatched, h_n)


class LSTM(RNNBase):
    """Multi-layer LSTM (PyTorch's ``nn.LSTM``): gates i, f, g, o of
    ``x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh``; ``c_t = σ(f)·c_{t−1} + σ(i)·tanh(g)``,
    ``h_t = σ(o)·tanh(c_t)``, times ``W_hrᵀ`` when ``proj_size > 0`` (h then has
    proj_size features).

    ``forward(input, hx=None)`` with hx a pair ``(h_0, c_0)``: h_0
    ``(D·num_layers, N, H_out)``, c_0 ``(D·num_layers, N, hidden_size)`` (batch axis absent
    for unbatched input; zeros if None). Returns ``(output, (h_n, c_n))`` with output
    ``(L, N, D·H_out)`` (``(N, L, ·)`` with ``batch_first``). See ``RNN`` for dropout.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, dtype, rng)

    def forward(self, input: ag.Tensor,
                hx: tuple[ag.Tensor, ag.Tensor] | None = None
                ) -> tuple[ag.Tensor, tuple[ag.Tensor, ag.Tensor]]:
        if hx is None:
            hx = (None, None)
        elif not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise TypeError("LSTM: hx must be a pair (h_0, c_0) of tensors, got "
                            f"{type(hx).__name__}")
        output, h_n, c_n, unbatched = self._run(input, hx[0], hx[1], True)
        output, h_n, c_n = self._finish(output, unbatched, h_n, c_n)
        return output, (h_n, c_n)


class GRU(RNNBase):
    """Multi-layer GRU (PyTorch's ``nn.GRU``): gates r, z, n;
    ``n_t = tanh(W_in x_t + b_in + r·(W_hn h_{t−1} + b_hn))``,
    ``h_t = (1 − z)·n_t + z·h_{t−1}``. Arguments, shapes and results as ``RNN``'s."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, 0, dtype, rng)

    def forward(self, input: ag.Tensor, hx: ag.Tensor | None = None
                ) -> tuple[ag.Tensor, ag.Tensor]:
        output, h_n, _, unbatched = self._run(input, hx, None, False)
        return self._finish(output, unbatched, h_n)
