"""``TransformerDecoderLayer``, ``TransformerDecoder`` and the full encoder-decoder
``Transformer``, as PyTorch's (Vaswani et al. 2017): the decoder adds attention over the
encoder's output ("memory") between its self-attention and its feed-forward block."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd as ag

from . import init
from .attention import MultiheadAttention
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm
from .transformer import (
    TransformerEncoder,
    TransformerEncoderLayer,
    clones,
    resolve_activation,
)


def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None
                                    ) -> ag.Tensor:
    """The causal mask ``(sz, sz)``: 0 on and below the diagonal, −inf above it (position i
    may attend to j ≤ i only), in the default dtype unless ``dtype`` is given (``device``:
    the CPU only)."""
    if device is not None:
        ag.device(device)
    dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
    return ag.tensor(np.triu(np.full((sz, sz), -np.inf, dtype=dtype), 1))


def _detect_is_causal(mask: Any, is_causal: bool | None, size: int) -> bool:
    """PyTorch's reading of ``is_causal=None``: True when ``mask`` is exactly the causal
    mask. A hint only: the mask given is the one applied."""
    if is_causal is not None or mask is None:
        return bool(is_causal)
    values = np.asarray(mask.data if isinstance(mask, ag.Tensor) else mask)
    causal = generate_square_subsequent_mask(size, dtype=np.float64).data
    return values.shape == causal.shape and bool(np.all(values == causal))


class TransformerDecoderLayer(Module):
    """One decoder layer (PyTorch's ``nn.TransformerDecoderLayer``):

        post-norm (default):   x = norm1(x + SA(x));       x = norm2(x + MHA(x, mem));
                               x = norm3(x + FF(x))
        pre-norm (norm_first): x = x + SA(norm1(x));       x = x + MHA(norm2(x), mem);
                               x = x + FF(norm3(x))

    ``SA`` = ``self_attn`` then ``dropout1``; ``MHA`` = ``multihead_attn`` (queries from x,
    keys and values from memory) then ``dropout2``; ``FF(x) =
    dropout3(linear2(dropout(activation(linear1(x)))))``. Submodule names as PyTorch's, so
    its state_dict loads. ``forward(tgt, memory, tgt_mask=None, memory_mask=None,
    tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=False,
    memory_is_causal=False)``: tgt ``(T, N, d_model)``, memory ``(S, N, d_model)``
    (batch first with ``batch_first``; or unbatched) → tgt's shape. Masks as
    ``MultiheadAttention``'s (True or −inf = not allowed).
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: str | Callable = "relu",
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        attention = dict(dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype,
                         rng=rng)
        self.self_attn = MultiheadAttention(d_model, nhead, **attention)
        self.multihead_attn = MultiheadAttention(d_model, nhead, **attention)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype, rng=rng)
        self.dropout = Dropout(dropout, rng=rng)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype, rng=rng)
        self.norm_first = norm_first
        for k in (1, 2, 3):
            setattr(self, f"norm{k}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias,
                                                dtype=dtype))
        for k in (1, 2, 3):
            setattr(self, f"dropout{k}", Dropout(dropout, rng=rng))
        self.activation = resolve_activation(activation, "TransformerDecoderLayer")

    def forward(self, tgt: ag.Tensor, memory: ag.Tensor, tgt_mask: Any = None,
                memory_mask: Any = None, tgt_key_padding_mask: Any = None,
                memory_key_padding_mask: Any = None, tgt_is_causal: bool = False,
                memory_is_causal: bool = False) -> ag.Tensor:
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask,
                                    memory_key_padding_mask, memory_is_causal)
            return x + self._ff_block(self.norm3(x))
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask,
                                           memory_is_causal))
        return self.norm3(x + self._ff_block(x))

    def _sa_block(self, x: ag.Tensor, mask: Any, padding: Any, is_causal: bool) -> ag.Tensor:
        return self.dropout1(self.self_attn(x, x, x, attn_mask=mask, key_padding_mask=padding,
                                            is_causal=is_causal, need_weights=False)[0])

    def _mha_block(self, x: ag.Tensor, mem: ag.Tensor, mask: Any, padding: Any,
                   is_causal: bool) -> ag.Tensor:
        return self.dropout2(self.multihead_attn(x, mem, mem, attn_mask=mask,
                                                 key_padding_mask=padding, is_causal=is_causal,
                                                 need_weights=False)[0])

    def _ff_block(self, x: ag.Tensor) -> ag.Tensor:
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerDecoder(Module):
    """``num_layers`` deep copies of ``decoder_layer`` (``layers.0``, ``layers.1``, …) in
    sequence, then ``norm`` if given (PyTorch's ``nn.TransformerDecoder``). ``forward(tgt,
    memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
    memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False)`` passes
    memory and the masks to every layer."""

    def __init__(self, decoder_layer: TransformerDecoderLayer, num_layers: int,
                 norm: Module | None = None) -> None:
        super().__init__()
        self.layers = clones(decoder_layer, num_layers, "TransformerDecoder")
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt: ag.Tensor, memory: ag.Tensor, tgt_mask: Any = None,
                memory_mask: Any = None, tgt_key_padding_mask: Any = None,
                memory_key_padding_mask: Any = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> ag.Tensor:
        first = self.layers[0] if self.num_layers else None
        time_axis = 1 if first is not None and first.self_attn.batch_first \
            and tgt.ndim == 3 else 0
        causal = _detect_is_causal(tgt_mask, tgt_is_causal, tgt.shape[time_axis])
        out = tgt
        for layer in self.layers:
            out = layer(out, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                        tgt_key_padding_mask=tgt_key_padding_mask,
                        memory_key_padding_mask=memory_key_padding_mask,
                        tgt_is_causal=causal, memory_is_causal=memory_is_causal)
        return out if self.norm is None else self.norm(out)


class Transformer(Module):
    """The encoder-decoder transformer (PyTorch's ``nn.Transformer``): ``encoder`` a
    ``TransformerEncoder`` of ``num_encoder_layers`` layers with a final LayerNorm,
    ``decoder`` a ``TransformerDecoder`` of ``num_decoder_layers`` likewise (or
    ``custom_encoder``/``custom_decoder``). Every parameter with more than one dimension is
    re-drawn Glorot-uniform (``nn.init.xavier_uniform_``), as PyTorch's. ``forward(src, tgt,
    src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
    tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None,
    tgt_is_causal=None, memory_is_causal=False)``: src ``(S, N, E)``, tgt ``(T, N, E)``
    (batch first with ``batch_first``; or unbatched) → ``(T, N, E)``."""

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: str | Callable = "relu",
                 custom_encoder: Module | None = None, custom_decoder: Module | None = None,
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        layer = dict(dim_feedforward=dim_feedforward, dropout=dropout, activation=activation,
                     layer_norm_eps=layer_norm_eps, batch_first=batch_first,
                     norm_first=norm_first, bias=bias, dtype=dtype, rng=rng)
        norm = dict(eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.encoder = custom_encoder if custom_encoder is not None else TransformerEncoder(
            TransformerEncoderLayer(d_model, nhead, **layer), num_encoder_layers,
            LayerNorm(d_model, **norm))
        self.decoder = custom_decoder if custom_decoder is not None else TransformerDecoder(
            TransformerDecoderLayer(d_model, nhead, **layer), num_decoder_layers,
            LayerNorm(d_model, **norm))
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p, rng=rng)
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    generate_square_subsequent_mask = staticmethod(generate_square_subsequent_mask)

    def forward(self, src: ag.Tensor, tgt: ag.Tensor, src_mask: Any = None,
                tgt_mask: Any = None, memory_mask: Any = None,
                src_key_padding_mask: Any = None, tgt_key_padding_mask: Any = None,
                memory_key_padding_mask: Any = None, src_is_causal: bool | None = None,
                tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> ag.Tensor:
        batch_axis = 0 if self.batch_first else 1
        if src.ndim == 3 and (tgt.ndim != 3
                              or src.shape[batch_axis] != tgt.shape[batch_axis]):
            raise RuntimeError(f"Transformer: the batch number of src and tgt must be equal, "
                               f"got src {tuple(src.shape)} and tgt {tuple(tgt.shape)} "
                               f"(batch_first={self.batch_first})")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError(f"Transformer: the feature number of src and tgt must be equal "
                               f"to d_model ({self.d_model}), got src {tuple(src.shape)} and "
                               f"tgt {tuple(tgt.shape)}")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
