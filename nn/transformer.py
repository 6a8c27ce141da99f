"""``TransformerEncoderLayer`` and ``TransformerEncoder``: PyTorch's encoder stack
(self-attention and a feed-forward block, each with a residual connection and LayerNorm)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd as ag

from . import functional as F
from .attention import MultiheadAttention
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

_ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


def resolve_activation(activation: str | Callable, name: str) -> Callable:
    """A layer's ``activation`` argument: "relu", "gelu" or a callable (kept as it is)."""
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise RuntimeError(f"{name}: activation should be relu/gelu, not {activation}")
        return _ACTIVATIONS[activation]
    if not callable(activation):
        raise TypeError(f"{name}: activation must be 'relu', 'gelu' or a callable, got "
                        f"{type(activation).__name__}")
    return activation


def clones(layer: Module, num_layers: Any, name: str) -> ModuleList:
    """``num_layers`` deep copies of ``layer`` (same starting weights, trained apart)."""
    if not isinstance(num_layers, int) or num_layers < 0:
        raise ValueError(f"{name}: num_layers must be a non-negative int, got {num_layers!r}")
    return ModuleList([copy.deepcopy(layer) for _ in range(num_layers)])


class TransformerEncoderLayer(Module):
    """One encoder layer (PyTorch's ``nn.TransformerEncoderLayer``, Vaswani et al. 2017):

        post-norm (default): x = norm1(x + SA(x));        x = norm2(x + FF(x))
        pre-norm (norm_first): x = x + SA(norm1(x));      x = x + FF(norm2(x))

    with ``SA`` = ``self_attn`` (a ``MultiheadAttention(d_model, nhead)``) followed by
    ``dropout1``, and ``FF(x) = dropout2(linear2(dropout(activation(linear1(x)))))``,
    ``linear1`` ``d_model → dim_feedforward``, ``linear2`` back. ``activation`` is "relu",
    "gelu" or a callable (a Module is registered as a child). Submodule names and
    parameters are PyTorch's, so its state_dict loads. ``forward(src, src_mask=None,
    src_key_padding_mask=None, is_causal=False)``: src ``(S, N, d_model)`` (``(N, S, ·)``
    with ``batch_first``, or unbatched ``(S, d_model)``) → the same shape; the masks as
    ``MultiheadAttention``'s ``attn_mask``/``key_padding_mask`` (True = not allowed).
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: str | Callable = "relu",
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, dtype=dtype, rng=rng)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype, rng=rng)
        self.dropout = Dropout(dropout, rng=rng)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype, rng=rng)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout, rng=rng)
        self.dropout2 = Dropout(dropout, rng=rng)
        self.activation = resolve_activation(activation, "TransformerEncoderLayer")

    def forward(self, src: ag.Tensor, src_mask: ag.Tensor | None = None,
                src_key_padding_mask: ag.Tensor | None = None,
                is_causal: bool = False) -> ag.Tensor:
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))

    def _sa_block(self, x: ag.Tensor, attn_mask: Any, key_padding_mask: Any,
                  is_causal: bool) -> ag.Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x: ag.Tensor) -> ag.Tensor:
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoder(Module):
    """``num_layers`` copies of ``encoder_layer`` in sequence, then ``norm`` if given
    (PyTorch's ``nn.TransformerEncoder``). The copies are deep copies (``layers.0``,
    ``layers.1``, …), so they start with the same weights and train independently.
    ``forward(src, mask=None, src_key_padding_mask=None, is_causal=None)`` passes the masks
    to every layer. PyTorch's nested-tensor fast path (eval mode without autograd) is not
    taken: outputs at padded positions are computed, where PyTorch's fast path gives 0.
    """

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int,
                 norm: Module | None = None, enable_nested_tensor: bool = True,
                 mask_check: bool = True) -> None:
        super().__init__()
        self.layers = clones(encoder_layer, num_layers, "TransformerEncoder")
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check

    def forward(self, src: ag.Tensor, mask: ag.Tensor | None = None,
                src_key_padding_mask: ag.Tensor | None = None,
                is_causal: bool | None = None) -> ag.Tensor:
        out = src
        for layer in self.layers:
            out = layer(out, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                        is_causal=bool(is_causal))
        return out if self.norm is None else self.norm(out)
