"""``MultiheadAttention``: PyTorch's multi-head attention layer
(``F.multi_head_attention_forward`` with learned projections)."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from . import init
from .functional.attention import multi_head_attention_forward
from .linear import Linear
from .module import Module
from .parameter import Parameter


class MultiheadAttention(Module):
    """Multi-head attention (PyTorch's ``nn.MultiheadAttention``):
    ``concat(head_1, …, head_h) W_oᵀ + b_o`` with
    ``head_i = softmax(Q_i K_iᵀ/√head_dim + mask) V_i``, ``Q = query W_qᵀ + b_q`` and so on.

    * ``embed_dim`` E, ``num_heads`` (dividing E; head_dim = E/num_heads), ``dropout`` on the
      attention weights in training mode, ``bias`` for the projections, ``add_bias_kv``
      (learned ``bias_k``/``bias_v`` ``(1, 1, E)`` appended to the keys/values),
      ``add_zero_attn``, ``kdim``/``vdim`` (default E), ``batch_first``.
    * Parameters, named as PyTorch's: ``in_proj_weight`` ``(3E, E)`` (rows q, k, v) — or,
      when kdim or vdim differ from E, ``q_proj_weight`` ``(E, E)``, ``k_proj_weight``
      ``(E, kdim)``, ``v_proj_weight`` ``(E, vdim)`` — ``in_proj_bias`` ``(3E,)`` and
      ``out_proj`` (a ``Linear(E, E)``). Init: xavier_uniform_ for the input projections,
      zeros for both biases, ``Linear``'s default for ``out_proj.weight``, PyTorch's
      xavier_normal_ (``init.glorot_normal_``) for bias_k/bias_v.
    * ``forward(query, key, value, key_padding_mask=None, need_weights=True,
      attn_mask=None, average_attn_weights=True, is_causal=False)``: query ``(L, N, E)``,
      key ``(S, N, kdim)``, value ``(S, N, vdim)`` (``(N, ·, ·)`` with batch_first; or
      unbatched ``(L, E)``) → ``(output (L, N, E), weights (N, L, S) or None)``; boolean
      masks are True where attention is NOT allowed (see
      ``F.multi_head_attention_forward``).
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False,
                 kdim: int | None = None, vdim: int | None = None, batch_first: bool = False,
                 dtype: Any = None, rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"MultiheadAttention: embed_dim and num_heads must be greater than "
                             f"0, got embed_dim={embed_dim} and num_heads={num_heads} instead")
        if embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim must be divisible by num_heads, "
                             f"got embed_dim={embed_dim} and num_heads={num_heads}")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"MultiheadAttention: dropout must be a probability in [0, 1], "
                             f"got {dropout}")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.dropout, self.batch_first = float(dropout), batch_first
        self.head_dim = embed_dim // num_heads
        self.add_zero_attn = add_zero_attn
        self.rng = rng
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)

        def param(*shape: int) -> Parameter:
            return Parameter(np.empty(shape, dtype=dtype))

        if self._qkv_same_embed_dim:
            self.in_proj_weight = param(3 * embed_dim, embed_dim)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = param(embed_dim, embed_dim)
            self.k_proj_weight = param(embed_dim, self.kdim)
            self.v_proj_weight = param(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = param(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype, rng=rng)
        if add_bias_kv:
            self.bias_k, self.bias_v = param(1, 1, embed_dim), param(1, 1, embed_dim)
        else:
            self.register_parameter("bias_k", None)
            self.register_parameter("bias_v", None)
        self._reset_projections(rng)

    def _reset_projections(self, rng: np.random.Generator | None) -> None:
        for w in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight,
                  self.v_proj_weight):
            if w is not None:
                init.xavier_uniform_(w, rng=rng)
        for b in (self.in_proj_bias, self.out_proj.bias):
            if b is not None:
                init.zeros_(b)
        for b in (self.bias_k, self.bias_v):
            if b is not None:
                init.glorot_normal_(b, rng=rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """PyTorch's init again (``out_proj.weight`` redrawn with ``Linear``'s default)."""
        self.out_proj.reset_parameters(rng)
        self._reset_projections(rng)

    def forward(self, query: ag.Tensor, key: ag.Tensor, value: ag.Tensor,
                key_padding_mask: ag.Tensor | None = None, need_weights: bool = True,
                attn_mask: ag.Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[ag.Tensor, ag.Tensor | None]:
        batched = query.ndim == 3
        if self.batch_first and batched:
            query, key, value = (ag.swapaxes(t, 0, 1) for t in (query, key, value))
        for t, size, role in ((key, self.kdim, "key"), (value, self.vdim, "value")):
            if t.shape[-1] != size:
                raise ag.ShapeError(f"MultiheadAttention: {role} has {t.shape[-1]} features "
                                    f"(shape {tuple(t.shape)}), expected {role[0]}dim={size}")
        out, weights = multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, use_separate_proj_weight=not self._qkv_same_embed_dim,
            q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight, average_attn_weights=average_attn_weights,
            is_causal=is_causal, rng=self.rng)
        if self.batch_first and batched:
            out = ag.swapaxes(out, 0, 1)
        return out, weights
