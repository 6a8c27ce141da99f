"""Variable-length sequences for the recurrent layers (PyTorch's ``nn.utils.rnn``): padding
a list of sequences into one tensor and packing a padded batch into a ``PackedSequence``
(the time steps of all sequences, longest first, with no padding), and back.

A batch of sequences of lengths ``l_0 ≥ l_1 ≥ …`` packs as ``data`` = the rows of time step
0 of every sequence, then those of step 1 of the sequences still running, …;
``batch_sizes[t]`` is how many sequences are longer than ``t``. Every function here is made
of index selections, so gradients flow back to the sequences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

import autograd as ag


def _index_tensor(values: Any, name: str, what: str) -> np.ndarray:
    """``values`` (a list, array or integer Tensor) as a 1-D int64 array."""
    arr = np.asarray(values.data if isinstance(values, ag.Tensor) else values)
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise ValueError(f"{name}: {what} must be a 1-D sequence of integers, got "
                         f"{arr.dtype} array of shape {arr.shape}")
    return arr.astype(np.int64)


def invert_permutation(permutation: ag.Tensor | None) -> ag.Tensor | None:
    """The inverse of a permutation of ``0..n−1`` (None stays None)."""
    if permutation is None:
        return None
    perm = _index_tensor(permutation, "invert_permutation", "permutation")
    inverse = np.empty_like(perm)
    inverse[perm] = np.arange(perm.size)
    return ag.tensor(inverse)


class _PackedFields(NamedTuple):
    data: ag.Tensor
    batch_sizes: ag.Tensor
    sorted_indices: ag.Tensor | None
    unsorted_indices: ag.Tensor | None


class PackedSequence(_PackedFields):
    """A batch of variable-length sequences without padding (PyTorch's
    ``nn.utils.rnn.PackedSequence``; made by ``pack_padded_sequence``/``pack_sequence``,
    read by ``nn.RNN``/``LSTM``/``GRU``).

    ``data`` ``(sum(lengths), *)`` the time steps, step-major; ``batch_sizes`` int64
    ``(max_length,)``: how many sequences run at each step; ``sorted_indices`` the batch
    order by decreasing length (None if the batch came sorted) and ``unsorted_indices`` its
    inverse, which puts results back in the caller's order.
    """

    __slots__ = ()

    def __new__(cls, data: ag.Tensor, batch_sizes: ag.Tensor,
                sorted_indices: ag.Tensor | None = None,
                unsorted_indices: ag.Tensor | None = None) -> PackedSequence:
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The same packing with ``data.to(...)`` (a dtype cast); the indices stay int64."""
        return self._replace(data=self.data.to(*args, **kwargs))

    def double(self) -> PackedSequence:
        return self.to(np.float64)

    def float(self) -> PackedSequence:
        return self.to(np.float32)

    def cpu(self) -> PackedSequence:
        return self

    @property
    def is_cuda(self) -> bool:
        return False


def _sizes_from_lengths(lengths: np.ndarray) -> np.ndarray:
    """``batch_sizes[t]`` = how many of the (decreasing) lengths exceed ``t``."""
    steps = np.arange(int(lengths.max()) if lengths.size else 0)
    return (lengths[None, :] > steps[:, None]).sum(1).astype(np.int64)


def pad_sequence(sequences: Sequence[ag.Tensor], batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> ag.Tensor:
    """Stack sequences of shapes ``(L_i, *)`` into ``(L_max, B, *)`` (``(B, L_max, *)`` with
    ``batch_first``), filling the missing steps with ``padding_value`` after each sequence
    (``padding_side='right'``) or before it (``'left'``). All trailing shapes and dtypes must
    agree. Gradients flow back to every sequence (the padding gets none)."""
    name = "pad_sequence"
    if padding_side not in ("left", "right"):
        raise ValueError(f"{name}: padding_side must be 'left' or 'right', got "
                         f"{padding_side!r}")
    seqs = [s if isinstance(s, ag.Tensor) else ag.tensor(s) for s in sequences]
    if not seqs:
        raise RuntimeError(f"{name}: received an empty list of sequences")
    trailing = tuple(seqs[0].shape[1:])
    for i, s in enumerate(seqs):
        if s.ndim == 0 or tuple(s.shape[1:]) != trailing:
            raise ag.ShapeError(f"{name}: sequence {i} has shape {tuple(s.shape)}, expected "
                                f"(L, *{trailing}) like sequence 0")
    longest = max(s.shape[0] for s in seqs)
    rows = []
    for s in seqs:
        missing = longest - s.shape[0]
        if missing:
            fill = ag.full((missing, *trailing), padding_value, dtype=s.dtype)
            s = ag.cat([s, fill] if padding_side == "right" else [fill, s], 0)
        rows.append(s)
    return ag.stack(rows, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: ag.Tensor, lengths: Any,
                   batch_first: bool = False) -> list[ag.Tensor]:
    """The inverse of ``pad_sequence`` (right padding): sequence ``i`` is the first
    ``lengths[i]`` steps of column ``i``."""
    sizes = _index_tensor(lengths, "unpad_sequence", "lengths")
    padded = padded_sequences if batch_first else ag.swapaxes(padded_sequences, 0, 1)
    return [padded[i, :int(n)] for i, n in enumerate(sizes)]


def pack_padded_sequence(input: ag.Tensor, lengths: Any, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``) whose sequence
    ``b`` is ``lengths[b]`` long. With ``enforce_sorted`` the lengths must decrease;
    otherwise the batch is sorted by decreasing length (stably) and the order kept in
    ``sorted_indices``. The padding is dropped, so it gets no gradient."""
    name = "pack_padded_sequence"
    sizes = _index_tensor(lengths, name, "lengths")
    x = input if isinstance(input, ag.Tensor) else ag.tensor(input)
    if x.ndim < 2:
        raise ValueError(f"{name}: input must have a time and a batch dimension, got shape "
                         f"{tuple(x.shape)}")
    if not batch_first:
        x = ag.swapaxes(x, 0, 1)
    if sizes.size != x.shape[0]:
        raise ValueError(f"{name}: Expected `len(lengths)` to be equal to batch_size, but got "
                         f"{sizes.size} (batch_size={x.shape[0]})")
    if sizes.size and sizes.min() <= 0:
        raise RuntimeError(f"{name}: Length of all samples has to be greater than 0, but found "
                           "an element in 'lengths' that is <= 0")
    if sizes.size and sizes.max() > x.shape[1]:
        raise RuntimeError(f"{name}: lengths {sizes.tolist()} exceed the input's time "
                           f"dimension {x.shape[1]}")
    if enforce_sorted:
        if np.any(np.diff(sizes) > 0):
            raise RuntimeError(
                f"{name}: `lengths` array must be sorted in decreasing order when "
                "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                "pack_padded_sequence and/or pack_sequence to sidestep this requirement if "
                "you do not need ONNX exportability.")
        order, sorted_indices = np.arange(sizes.size), None
    else:
        order = np.argsort(-sizes, kind="stable")
        sorted_indices = ag.tensor(order.astype(np.int64))
    batch_sizes = _sizes_from_lengths(sizes[order])
    rows = np.concatenate([order[:b] * x.shape[1] + t for t, b in enumerate(batch_sizes)])
    flat = ag.reshape(x, (x.shape[0] * x.shape[1], *x.shape[2:]))
    data = ag.index_select(flat, 0, ag.tensor(rows.astype(np.int64)))
    return PackedSequence(data, ag.tensor(batch_sizes), sorted_indices)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0, total_length: int | None = None
                        ) -> tuple[ag.Tensor, ag.Tensor]:
    """Unpack: ``(padded, lengths)`` with padded ``(T, B, *)`` (``(B, T, *)`` with
    ``batch_first``), ``T = total_length`` or the longest length, in the batch's original
    order, and ``lengths`` int64 ``(B,)``. The inverse of ``pack_padded_sequence``."""
    name = "pad_packed_sequence"
    data = sequence.data
    batch_sizes = _index_tensor(sequence.batch_sizes, name, "batch_sizes")
    steps, batch = batch_sizes.size, int(batch_sizes[0]) if batch_sizes.size else 0
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"{name}: Expected total_length to be at least the length of the "
                             f"longest sequence in input, but got total_length={total_length}"
                             f" and max sequence length being {steps}")
        steps_out = total_length
    else:
        steps_out = steps
    starts = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]]).astype(np.int64)
    unsorted = (np.arange(batch) if sequence.unsorted_indices is None
                else _index_tensor(sequence.unsorted_indices, name, "unsorted_indices"))
    pad_row = int(data.shape[0])
    index = np.full((steps_out, batch), pad_row, dtype=np.int64)
    for t in range(steps):
        running = unsorted < batch_sizes[t]
        index[t, running] = starts[t] + unsorted[running]
    fill = ag.full((1, *data.shape[1:]), padding_value, dtype=data.dtype)
    rows = ag.index_select(ag.cat([data, fill], 0), 0, ag.tensor(index.reshape(-1)))
    padded = ag.reshape(rows, (steps_out, batch, *data.shape[1:]))
    lengths = (batch_sizes[None, :] > np.arange(batch)[:, None]).sum(1)[unsorted]
    if batch_first:
        padded = ag.swapaxes(padded, 0, 1)
    return padded, ag.tensor(lengths.astype(np.int64))


def pack_sequence(sequences: Sequence[ag.Tensor], enforce_sorted: bool = True
                  ) -> PackedSequence:
    """Pack a list of sequences ``(L_i, *)``: ``pad_sequence`` then
    ``pack_padded_sequence`` with their lengths."""
    lengths = [int(s.shape[0]) for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[ag.Tensor]:
    """The list of sequences a ``PackedSequence`` holds, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


__all__ = ["PackedSequence", "invert_permutation", "pad_sequence", "unpad_sequence",
           "pack_padded_sequence", "pad_packed_sequence", "pack_sequence", "unpack_sequence"]
