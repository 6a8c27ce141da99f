"""``RNNCell``, ``LSTMCell`` and ``GRUCell``: one time step of PyTorch's recurrent layers.

The step functions (``rnn_step``, ``lstm_step``, ``gru_step``) take the input projection
``gi = x @ W_ih.T + b_ih`` already made, so the multi-layer ``nn.RNN``/``LSTM``/``GRU``
project a whole sequence with one matmul and then loop over time with one recorded op per
step (``rnn_fused``: the matmul ``h @ W_hh.T + b_hh``, all gates at once, and a compiled
pass for the gates and the state update). Gates are stacked in ``W_ih``/``W_hh``
in PyTorch's order: i, f, g, o for the LSTM and r, z, n for the GRU.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag

from . import init
from .functional import linear
from .functional._inputs import floating_input, same_dtype
from .module import Module
from .parameter import Parameter
from .rnn_fused import GRUStep, LSTMStep, RNNStep

NONLINEARITIES = {"tanh": ag.tanh, "relu": ag.relu}


def rnn_step(gi: ag.Tensor, h: ag.Tensor, w_hh: ag.Tensor, b_hh: ag.Tensor | None,
             nonlinearity: str) -> ag.Tensor:
    """Elman step: ``h' = act(gi + h @ W_hh.T + b_hh)``, one recorded op (``RNNStep``)."""
    return RNNStep.apply(gi, h, w_hh, b_hh, nonlinearity)


def lstm_step(gi: ag.Tensor, h: ag.Tensor, c: ag.Tensor, w_hh: ag.Tensor,
              b_hh: ag.Tensor | None, w_hr: ag.Tensor | None = None
              ) -> tuple[ag.Tensor, ag.Tensor]:
    """LSTM step: gates ``gi + h @ W_hh.T + b_hh`` split as i, f, g, o;
    ``c' = σ(f)·c + σ(i)·tanh(g)``, ``h' = σ(o)·tanh(c')`` (projected by ``W_hr`` if given).
    One recorded op (``LSTMStep``) up to the projection."""
    h, c = LSTMStep.apply(gi, h, c, w_hh, b_hh)
    return (h if w_hr is None else linear(h, w_hr)), c


def gru_step(gi: ag.Tensor, h: ag.Tensor, w_hh: ag.Tensor, b_hh: ag.Tensor | None
             ) -> ag.Tensor:
    """GRU step (PyTorch's form, reset gate applied after the hidden matmul):
    ``r = σ(i_r + h_r)``, ``z = σ(i_z + h_z)``, ``n = tanh(i_n + r·h_n)``,
    ``h' = (1 − z)·n + z·h`` with ``h_* = h @ W_h*.T + b_h*``. One recorded op
    (``GRUStep``)."""
    return GRUStep.apply(gi, h, w_hh, b_hh)


def run_steps(mode: str, steps: list[ag.Tensor], sizes: list[int], h: ag.Tensor,
              c: ag.Tensor | None, w_hh: ag.Tensor, b_hh: ag.Tensor | None,
              w_hr: ag.Tensor | None, nonlinearity: str, reverse: bool
              ) -> tuple[list[ag.Tensor], ag.Tensor, ag.Tensor | None]:
    """Run the ``mode`` ("RNN_TANH" or "RNN_RELU", "LSTM", "GRU") step over the input
    projections ``steps`` (backwards if ``reverse``) from the state ``h`` (and ``c``)
    ``(N, ·)``: the new state after every step, and the final ``h``, ``c``. Step t updates
    only the first ``sizes[t]`` rows (a packed batch, longest sequences first); the other
    rows keep their state, so each row ends at its own last step (and, in reverse, starts
    there)."""
    batch = h.shape[0]
    seq: list[ag.Tensor] = [None] * len(steps)  # type: ignore[list-item]
    for t in (range(len(steps) - 1, -1, -1) if reverse else range(len(steps))):
        b, gi = sizes[t], steps[t]
        h_t = h if b == batch else h[:b]
        if mode == "LSTM":
            h_t, c_t = lstm_step(gi, h_t, c if b == batch else c[:b], w_hh, b_hh, w_hr)
            c = c_t if b == batch else ag.cat([c_t, c[b:]], 0)
        elif mode == "GRU":
            h_t = gru_step(gi, h_t, w_hh, b_hh)
        else:
            h_t = rnn_step(gi, h_t, w_hh, b_hh, nonlinearity)
        h = h_t if b == batch else ag.cat([h_t, h[b:]], 0)
        seq[t] = h_t
    return seq, h, c


def init_recurrent_(module: Module, hidden_size: int,
                    rng: np.random.Generator | None) -> None:
    """PyTorch's recurrent init: every parameter U(−1/√hidden_size, 1/√hidden_size)."""
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for p in module.parameters():
        init.uniform_(p, -bound, bound, rng=rng)


def check_sizes(name: str, input_size: int, hidden_size: int) -> None:
    """Refuse non-int sizes, a non-positive hidden_size and a negative input_size."""
    for what, size in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"{name}: {what} should be of type int, got "
                            f"{type(size).__name__}")
    if hidden_size <= 0:
        raise ValueError(f"{name}: hidden_size must be greater than zero, got {hidden_size}")
    if input_size < 0:
        raise ValueError(f"{name}: input_size must be non-negative, got {input_size}")


def checked_input(input: Any, name: str, batched_ndim: int, input_size: int,
                  weight: ag.Tensor, role: str) -> tuple[ag.Tensor, bool]:
    """The input of layer ``name`` checked (floating point, ``batched_ndim`` dimensions or
    one fewer, ``input_size`` features, the dtype of ``weight``) and whether it is
    unbatched."""
    x = floating_input(input, name)
    if x.ndim not in (batched_ndim - 1, batched_ndim):
        raise ValueError(f"{name}: Expected input to be {batched_ndim - 1}D (unbatched) or "
                         f"{batched_ndim}D (batched), got {x.ndim}D input of shape "
                         f"{tuple(x.shape)}")
    if x.shape[-1] != input_size:
        raise ag.ShapeError(f"{name}: input.size(-1) must be equal to input_size. Expected "
                            f"{input_size}, got {x.shape[-1]} (input shape {tuple(x.shape)})")
    same_dtype(x, weight, role, name)
    return x, x.ndim < batched_ndim


class RNNCellBase(Module):
    """The base of the cells (PyTorch's ``nn.RNNCellBase``): the weights of one cell,
    ``weight_ih`` ``(num_chunks·hidden, input)``, ``weight_hh`` ``(num_chunks·hidden,
    hidden)`` and the biases ``bias_ih``, ``bias_hh`` ``(num_chunks·hidden,)``, with
    ``num_chunks`` the number of gates (1 for ``RNNCell``, 4 for ``LSTMCell``, 3 for
    ``GRUCell``). As in PyTorch it has no ``forward`` of its own."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 dtype: Any = None, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        check_sizes(type(self).__name__, input_size, hidden_size)
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        rows = num_chunks * hidden_size
        self.weight_ih = Parameter(np.empty((rows, input_size), dtype=dtype))
        self.weight_hh = Parameter(np.empty((rows, hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(np.empty((rows,), dtype=dtype))
            self.bias_hh = Parameter(np.empty((rows,), dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """PyTorch's init: all weights and biases U(−1/√hidden_size, 1/√hidden_size)."""
        init_recurrent_(self, self.hidden_size, rng)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _input(self, input: Any) -> tuple[ag.Tensor, bool]:
        """The input as ``(N, input_size)`` and whether it came unbatched ``(input_size,)``."""
        x, unbatched = checked_input(input, type(self).__name__, 2, self.input_size,
                                     self.weight_ih, "weight_ih")
        return (ag.unsqueeze(x, 0), True) if unbatched else (x, False)

    def _state(self, state: Any, x: ag.Tensor, unbatched: bool, size: int,
               role: str) -> ag.Tensor:
        """A hidden or cell state given ``(N, size)`` (``(size,)`` unbatched), zeros if None."""
        if state is None:
            return ag.zeros((x.shape[0], size), dtype=x.dtype)
        name = type(self).__name__
        s = floating_input(state, name)
        expected = (size,) if unbatched else (x.shape[0], size)
        if tuple(s.shape) != expected:
            raise ag.ShapeError(f"{name}: {role} has shape {tuple(s.shape)}, expected "
                                f"{expected} for input of shape "
                                f"{(self.input_size,) if unbatched else tuple(x.shape)}")
        same_dtype(x, s, role, name)
        return ag.unsqueeze(s, 0) if unbatched else s


class RNNCell(RNNCellBase):
    """Elman RNN cell (PyTorch's ``nn.RNNCell``): ``h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)``
    with ``act`` = tanh or relu (``nonlinearity``).

    ``forward(input, hx=None)``: input ``(N, input_size)`` or unbatched ``(input_size,)``,
    hx ``(N, hidden_size)``/``(hidden_size,)`` (zeros if None) → h' of hx's shape.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"RNNCell: Unknown nonlinearity: {nonlinearity!r}; choose "
                             "'tanh' or 'relu'")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, 1, dtype, rng)

    def forward(self, input: ag.Tensor, hx: ag.Tensor | None = None) -> ag.Tensor:
        x, unbatched = self._input(input)
        h = self._state(hx, x, unbatched, self.hidden_size, "hx")
        h = rnn_step(linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh,
                     self.nonlinearity)
        return ag.squeeze(h, 0) if unbatched else h


class LSTMCell(RNNCellBase):
    """LSTM cell (PyTorch's ``nn.LSTMCell``): gates i, f, g, o stacked in the weights;
    ``c' = σ(f)·c + σ(i)·tanh(g)``, ``h' = σ(o)·tanh(c')``.

    ``forward(input, hx=None)``: input ``(N, input_size)`` or ``(input_size,)``, hx a pair
    ``(h, c)`` each ``(N, hidden_size)`` (zeros if None) → ``(h', c')``.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 dtype: Any = None, rng: np.random.Generator | None = None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, dtype, rng)

    def forward(self, input: ag.Tensor, hx: tuple[ag.Tensor, ag.Tensor] | None = None
                ) -> tuple[ag.Tensor, ag.Tensor]:
        x, unbatched = self._input(input)
        if hx is None:
            hx = (None, None)
        elif not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise TypeError("LSTMCell: hx must be a pair (h_0, c_0) of tensors, got "
                            f"{type(hx).__name__}")
        h = self._state(hx[0], x, unbatched, self.hidden_size, "h_0")
        c = self._state(hx[1], x, unbatched, self.hidden_size, "c_0")
        h, c = lstm_step(linear(x, self.weight_ih, self.bias_ih), h, c, self.weight_hh,
                         self.bias_hh)
        return (ag.squeeze(h, 0), ag.squeeze(c, 0)) if unbatched else (h, c)


class GRUCell(RNNCellBase):
    """GRU cell (PyTorch's ``nn.GRUCell``): gates r, z, n stacked in the weights;
    ``n = tanh(W_in x + b_in + r·(W_hn h + b_hn))``, ``h' = (1 − z)·n + z·h``.

    ``forward(input, hx=None)`` as ``RNNCell``'s.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 dtype: Any = None, rng: np.random.Generator | None = None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, dtype, rng)

    def forward(self, input: ag.Tensor, hx: ag.Tensor | None = None) -> ag.Tensor:
        x, unbatched = self._input(input)
        h = self._state(hx, x, unbatched, self.hidden_size, "hx")
        h = gru_step(linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)
        return ag.squeeze(h, 0) if unbatched else h
