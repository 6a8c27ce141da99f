"""Attention as functions: ``scaled_dot_product_attention`` and
``multi_head_attention_forward`` (what ``nn.MultiheadAttention`` runs), as in
``torch.nn.functional``; compositions of engine ops, so every derivative order comes free.

Masks follow PyTorch's two conventions: for ``scaled_dot_product_attention`` a boolean mask
is True where a query MAY attend; for ``multi_head_attention_forward`` boolean
``attn_mask``/``key_padding_mask`` are True where attention is NOT allowed. Float masks are
added to the scores in both.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag

from ._inputs import floating_input, same_dtype
from .activation import linear
from .dropout import dropout


def _float_mask(mask: Any, allowed_when_true: bool, dtype: np.dtype, name: str) -> ag.Tensor:
    """A bool or float mask as the additive float mask (−inf where not allowed)."""
    m = mask if isinstance(mask, ag.Tensor) else ag.as_tensor(mask)
    if m.dtype == np.bool_:
        blocked = ~m.data if allowed_when_true else m.data
        return ag.tensor(np.where(blocked, dtype.type(-np.inf), dtype.type(0)))
    if m.dtype != dtype:
        raise TypeError(f"{name}: Expected attn_mask dtype to be bool or float or to match "
                        f"query dtype, but got attn_mask.dtype: {m.dtype} and query.dtype: "
                        f"{dtype} instead")
    return m


def _softmax_rows(scores: ag.Tensor, zero_empty_rows: bool) -> ag.Tensor:
    """Softmax over the last axis. With ``zero_empty_rows`` a row whose scores are all −inf
    (fully masked) gets zero weights and zero gradient, as PyTorch's CPU attention kernel
    does; without, NaN, as PyTorch's MultiheadAttention when it returns the weights."""
    if not zero_empty_rows or scores.data.size == 0:
        return ag.softmax(scores, -1)
    empty = np.isneginf(scores.data.max(axis=-1, keepdims=True))
    if not empty.any():
        return ag.softmax(scores, -1)
    return ag.where(empty, 0.0, ag.softmax(ag.where(empty, 0.0, scores), -1))


def _attention(q: ag.Tensor, k: ag.Tensor, v: ag.Tensor, mask: ag.Tensor | None,
               dropout_p: float, scale: float, rng: Any, zero_empty_rows: bool = True
               ) -> tuple[ag.Tensor, ag.Tensor]:
    """``(softmax(q kᵀ·scale + mask) v, the weights)`` with dropout on the weights."""
    scores = ag.matmul(q * scale, ag.swapaxes(k, -2, -1))
    if mask is not None:
        scores = scores + mask
    weights = _softmax_rows(scores, zero_empty_rows)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True, rng=rng)
    return ag.matmul(weights, v), weights


def scaled_dot_product_attention(query: ag.Tensor, key: ag.Tensor, value: ag.Tensor,
                                 attn_mask: ag.Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False, *,
                                 rng: np.random.Generator | None = None) -> ag.Tensor:
    """``softmax(Q Kᵀ · scale + M) V`` (PyTorch's ``F.scaled_dot_product_attention``).

    query ``(..., L, E)``, key ``(..., S, E)``, value ``(..., S, Ev)`` → ``(..., L, Ev)``; the
    leading axes broadcast. ``scale`` defaults to ``1/√E``. ``attn_mask`` broadcastable to
    ``(..., L, S)``: boolean, True where a query may attend (False → −inf), or float, added
    to the scores (of the query's dtype). ``is_causal=True`` lets query i see keys j ≤ i
    (the top-left triangle; no attn_mask with it). A query row with no allowed key gets a
    zero output (PyTorch's CPU kernel), not NaN. ``dropout_p > 0`` drops attention weights
    (always, as PyTorch: pass 0 in eval), drawn from ``rng`` or the global generator.
    ``enable_gqa`` repeats the key/value heads (axis −3) to the number of query heads.
    Gradients flow to query, key, value and a float mask.
    """
    name = "scaled_dot_product_attention"
    q, k, v = (floating_input(t, name) for t in (query, key, value))
    if q.dtype != k.dtype or q.dtype != v.dtype:
        raise TypeError(f"{name}: Expected query, key, and value to have the same dtype, but "
                        f"got query.dtype: {q.dtype}, key.dtype: {k.dtype} and value.dtype: "
                        f"{v.dtype} instead")
    if min(q.ndim, k.ndim, v.ndim) < 2 or q.shape[-1] != k.shape[-1] \
            or k.shape[-2] != v.shape[-2]:
        raise ag.ShapeError(f"{name}: expected query (..., L, E), key (..., S, E) and value "
                            f"(..., S, Ev), got {tuple(q.shape)}, {tuple(k.shape)} and "
                            f"{tuple(v.shape)}")
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"{name}: dropout_p must be in [0, 1], got {dropout_p}")
    if enable_gqa and q.ndim >= 3 and k.shape[-3] != q.shape[-3]:
        if k.shape[-3] == 0 or q.shape[-3] % k.shape[-3] or k.shape[-3] != v.shape[-3]:
            raise ag.ShapeError(f"{name}: with enable_gqa the query heads ({q.shape[-3]}) "
                                f"must be a multiple of the key/value heads ({k.shape[-3]}, "
                                f"{v.shape[-3]})")
        groups = q.shape[-3] // k.shape[-3]
        k, v = (t.repeat_interleave(groups, dim=-3) for t in (k, v))
    mask = None
    if is_causal:
        if attn_mask is not None:
            raise ValueError(f"{name}: Explicit attn_mask should not be set when "
                             "is_causal=True")
        causal = np.tril(np.ones((q.shape[-2], k.shape[-2]), dtype=bool))
        mask = _float_mask(causal, True, q.dtype, name)
    elif attn_mask is not None:
        mask = _float_mask(attn_mask, True, q.dtype, name)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    return _attention(q, k, v, mask, dropout_p, scale, rng)[0]


def _pad_seq(mask: ag.Tensor | None) -> ag.Tensor | None:
    """A mask with one more key column (0: allowed), for an appended bias or zero key."""
    if mask is None:
        return None
    return ag.cat([mask, ag.zeros(mask.shape[:-1] + (1,), dtype=mask.dtype)], -1)


def multi_head_attention_forward(
        query: ag.Tensor, key: ag.Tensor, value: ag.Tensor, embed_dim_to_check: int,
        num_heads: int, in_proj_weight: ag.Tensor | None, in_proj_bias: ag.Tensor | None,
        bias_k: ag.Tensor | None, bias_v: ag.Tensor | None, add_zero_attn: bool,
        dropout_p: float, out_proj_weight: ag.Tensor, out_proj_bias: ag.Tensor | None,
        training: bool = True, key_padding_mask: ag.Tensor | None = None,
        need_weights: bool = True, attn_mask: ag.Tensor | None = None,
        use_separate_proj_weight: bool = False, q_proj_weight: ag.Tensor | None = None,
        k_proj_weight: ag.Tensor | None = None, v_proj_weight: ag.Tensor | None = None,
        static_k: ag.Tensor | None = None, static_v: ag.Tensor | None = None,
        average_attn_weights: bool = True, is_causal: bool = False, *,
        rng: np.random.Generator | None = None) -> tuple[ag.Tensor, ag.Tensor | None]:
    """Multi-head attention (PyTorch's ``F.multi_head_attention_forward``), sequence-first.

    query ``(L, N, E)``, key ``(S, N, kdim)``, value ``(S, N, vdim)`` (or unbatched, without
    N). Per head h of ``num_heads`` (head_dim = E/num_heads):
    ``head_h = softmax(Q_h K_hᵀ/√head_dim + M) V_h`` with ``Q = query W_qᵀ + b_q`` etc.
    (``in_proj_weight`` ``(3E, E)`` split in q, k, v; or the three separate weights), and
    output ``concat(heads) W_oᵀ + b_o`` ``(L, N, E)``. ``bias_k``/``bias_v`` ``(1, 1, E)``
    append one learned key/value, ``add_zero_attn`` one zero key/value; ``static_k``/
    ``static_v`` ``(N·num_heads, S, head_dim)`` replace the projected keys/values.
    ``attn_mask`` ``(L, S)`` or ``(N·num_heads, L, S)`` and ``key_padding_mask`` ``(N, S)``:
    boolean True = NOT allowed, or float (added); a query with no allowed key gets NaN when
    the weights are returned and zeros otherwise (both as PyTorch). ``is_causal`` is only a
    hint that ``attn_mask`` is causal (which is then required). Returns ``(output, weights)``:
    weights ``(N, L, S)`` averaged over heads (``(N, num_heads, L, S)`` with
    ``average_attn_weights=False``) if ``need_weights``, else None. Dropout on the weights
    only when ``training``.
    """
    name = "multi_head_attention_forward"
    q_in = floating_input(query, name)
    for t, role in ((key, "key"), (value, "value"), (out_proj_weight, "out_proj_weight")):
        same_dtype(q_in, floating_input(t, name), role, name)
    batched = q_in.ndim == 3
    if q_in.ndim not in (2, 3) or key.ndim != q_in.ndim or value.ndim != q_in.ndim:
        raise ag.ShapeError(f"{name}: query, key and value must all be 3-D (L, N, E) "
                            f"(batched) or 2-D (L, E) (unbatched), got {tuple(query.shape)}, "
                            f"{tuple(key.shape)} and {tuple(value.shape)}")
    if not batched:
        query, key, value = (ag.unsqueeze(t, 1) for t in (query, key, value))
        if key_padding_mask is not None:
            key_padding_mask = ag.unsqueeze(ag.as_tensor(key_padding_mask), 0)
    tgt_len, bsz, embed_dim = query.shape
    if embed_dim != embed_dim_to_check:
        raise ag.ShapeError(f"{name}: was expecting embedding dimension of "
                            f"{embed_dim_to_check}, but got {embed_dim}")
    if key.shape[:2] != value.shape[:2] or key.shape[1] != bsz:
        raise ag.ShapeError(f"{name}: key shape {tuple(key.shape)} does not match value shape "
                            f"{tuple(value.shape)} or the query's batch {bsz}")
    if is_causal and attn_mask is None:
        raise ValueError(f"{name}: Need attn_mask if specifying the is_causal hint (it says "
                         "attn_mask is causal; for a plain causal mask pass "
                         "is_causal=True to scaled_dot_product_attention)")
    head_dim = embed_dim // num_heads
    bias = [None] * 3 if in_proj_bias is None else ag.chunk(in_proj_bias, 3, 0)
    weights = ((q_proj_weight, k_proj_weight, v_proj_weight) if use_separate_proj_weight
               else ag.chunk(in_proj_weight, 3, 0))
    q, k, v = (linear(t, w, b) for t, w, b in zip((query, key, value), weights, bias))
    dtype = q.dtype
    if attn_mask is not None:
        attn_mask = _float_mask(attn_mask, False, dtype, name)
        expected = [(tgt_len, key.shape[0]), (bsz * num_heads, tgt_len, key.shape[0])]
        if tuple(attn_mask.shape) not in expected:
            raise ag.ShapeError(f"{name}: attn_mask should be {expected[0]} or {expected[1]}, "
                                f"got {tuple(attn_mask.shape)}")
        if attn_mask.ndim == 2:
            attn_mask = ag.unsqueeze(attn_mask, 0)
    if key_padding_mask is not None:
        key_padding_mask = _float_mask(key_padding_mask, False, dtype, name)
        if tuple(key_padding_mask.shape) != (bsz, key.shape[0]):
            raise ag.ShapeError(f"{name}: expecting key_padding_mask shape of "
                                f"{(bsz, key.shape[0])}, but got {tuple(key_padding_mask.shape)}")
    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise ValueError(f"{name}: bias_k/bias_v cannot be added to static_k/static_v")
        k = ag.cat([k, ag.expand(bias_k, (1, bsz, embed_dim))], 0)
        v = ag.cat([v, ag.expand(bias_v, (1, bsz, embed_dim))], 0)
        attn_mask, key_padding_mask = _pad_seq(attn_mask), _pad_seq(key_padding_mask)
    # (len, N, E) -> (N·heads, len, head_dim)
    q = ag.swapaxes(ag.reshape(q, (tgt_len, bsz * num_heads, head_dim)), 0, 1)
    k = ag.swapaxes(ag.reshape(k, (k.shape[0], bsz * num_heads, head_dim)), 0, 1) \
        if static_k is None else static_k
    v = ag.swapaxes(ag.reshape(v, (v.shape[0], bsz * num_heads, head_dim)), 0, 1) \
        if static_v is None else static_v
    if add_zero_attn:
        k = ag.cat([k, ag.zeros((bsz * num_heads, 1, head_dim), dtype=dtype)], 1)
        v = ag.cat([v, ag.zeros((bsz * num_heads, 1, head_dim), dtype=dtype)], 1)
        attn_mask, key_padding_mask = _pad_seq(attn_mask), _pad_seq(key_padding_mask)
    src_len = k.shape[1]
    if key_padding_mask is not None:
        padding = ag.reshape(ag.expand(ag.reshape(key_padding_mask, (bsz, 1, 1, src_len)),
                                       (bsz, num_heads, 1, src_len)),
                             (bsz * num_heads, 1, src_len))
        attn_mask = padding if attn_mask is None else attn_mask + padding
    out, attn = _attention(q, k, v, attn_mask, dropout_p if training else 0.0,
                           1.0 / math.sqrt(head_dim), rng, zero_empty_rows=not need_weights)
    out = ag.reshape(ag.swapaxes(out, 0, 1), (tgt_len * bsz, embed_dim))
    out = ag.reshape(linear(out, out_proj_weight, out_proj_bias), (tgt_len, bsz, embed_dim))
    if not need_weights:
        return (out if batched else ag.squeeze(out, 1)), None
    attn = ag.reshape(attn, (bsz, num_heads, tgt_len, src_len))
    if average_attn_weights:
        attn = ag.mean(attn, 1)
    if not batched:
        return ag.squeeze(out, 1), ag.squeeze(attn, 0)
    return out, attn
