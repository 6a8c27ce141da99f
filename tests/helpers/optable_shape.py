"""The op table's entries for the shape family (see optable.py): splitting, windows,
flat and indexed writes, reductions by index, and writes into views."""

from __future__ import annotations

import warnings

import numpy as np
from optable import OpSpec

import autograd as ag


def _torch():
    import torch

    return torch


def _weighted_cat(pieces, dim):
    """The pieces joined again, each scaled by its position, so each piece's gradient
    differs (works for both libraries)."""
    cat = ag.cat if isinstance(pieces[0], ag.Tensor) else _torch().cat
    return cat([p * float(i + 1) for i, p in enumerate(pieces)], dim)


def _both(index):
    """An index as an autograd tensor and as a torch tensor (the op table's constants)."""
    return lambda lib: (ag if lib == "ag" else _torch()).tensor(index)


# scatter_reduce: repeated places along dim 0, the index smaller than src.
_SR_INDEX = _both([[0, 2, 0], [0, 1, 2]])
# index_reduce / index_copy: 1-D indices, with and without repeats.
_IR_INDEX = _both([0, 2, 0])
_IC_INDEX = _both([2, 0])
_MASK = np.array([True, False, True, True])
_MASK_COLUMN = np.array([[True], [False], [True]])


def _scatter_reduce_spec(reduce: str, include_self: bool) -> OpSpec:
    return OpSpec(
        f"scatter_reduce_{reduce}_{'self' if include_self else 'noself'}",
        lambda a, s: a.scatter_reduce(0, _SR_INDEX("ag"), s, reduce, include_self=include_self),
        [((3, 3), (2, 3)), ((4, 3), (2, 3))],
        lambda a, s: a.scatter_reduce(0, _SR_INDEX("torch"), s, reduce,
                                      include_self=include_self),
        domain="away", empty_ok=False)


def _index_reduce_spec(reduce: str, include_self: bool) -> OpSpec:
    return OpSpec(
        f"index_reduce_{reduce}_{'self' if include_self else 'noself'}",
        lambda a, s: ag.index_reduce(a, 0, _IR_INDEX("ag"), s, reduce,
                                     include_self=include_self),
        [((3, 4), (3, 4)), ((4, 2, 3), (3, 2, 3))],
        lambda a, s: _quiet(a.index_reduce, 0, _IR_INDEX("torch"), s, reduce,
                            include_self=include_self),
        domain="away", empty_ok=False)


def _quiet(call, *args, **kwargs):
    """``call`` without PyTorch's "index_reduce() is in beta" warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return call(*args, **kwargs)


OPS: list[OpSpec] = [
    OpSpec("tensor_split_sections", lambda a: _weighted_cat(a.tensor_split(3, -1), -1),
           [((2, 7),), ((5,),)], lambda a: _weighted_cat(a.tensor_split(3, -1), -1)),
    OpSpec("tensor_split_indices",
           lambda a: _weighted_cat(ag.tensor_split(a, [1, -2, 6, 2], dim=0), 0),
           [((5, 3),), ((4,),)],
           lambda a: _weighted_cat(_torch().tensor_split(a, [1, -2, 6, 2], dim=0), 0)),
    OpSpec("hsplit", lambda a: _weighted_cat(ag.hsplit(a, 2), int(a.ndim > 1)),
           [((3, 4),), ((6,),)], lambda a: _weighted_cat(_torch().hsplit(a, 2), int(a.ndim > 1))),
    OpSpec("vsplit", lambda a: _weighted_cat(a.vsplit([1]), 0), [((3, 4),)],
           lambda a: _weighted_cat(a.vsplit([1]), 0)),
    OpSpec("dsplit", lambda a: _weighted_cat(ag.dsplit(a, 2), 2), [((2, 1, 4),)],
           lambda a: _weighted_cat(_torch().dsplit(a, 2), 2)),
    OpSpec("split_with_sizes", lambda a: _weighted_cat(a.split_with_sizes([1, 3], dim=1), 1),
           [((2, 4),), ((3, 4, 2),)],
           lambda a: _weighted_cat(a.split_with_sizes([1, 3], dim=1), 1)),
    OpSpec("unflatten", lambda a: a.unflatten(1, (2, -1)), [((3, 4),), ((2, 6, 1),)],
           lambda a: a.unflatten(1, (2, -1))),
    OpSpec("ravel", ag.ravel, [((2, 3),), ((),), ((5,),), ((2, 1, 3),)],
           lambda a: a.ravel()),
    OpSpec("unfold_strided", lambda a: a.unfold(-1, 3, 2), [((2, 7),), ((7,),), ((2, 5, 3),)],
           lambda a: a.unfold(-1, 3, 2)),
    OpSpec("unfold_overlapping", lambda a: ag.unfold(a, 0, 2, 1), [((4, 3),), ((3,),)],
           lambda a: a.unfold(0, 2, 1), empty_ok=False),
    OpSpec("unfold_0d", lambda a: a.unfold(0, 1, 1), [((),)], lambda a: a.unfold(0, 1, 1)),
    OpSpec("sum_to_size", lambda a: a.sum_to_size(1, a.shape[-1]),
           [((3, 4),), ((2, 3, 4),), ((2, 1, 4),)], lambda a: a.sum_to_size(1, a.shape[-1])),
    OpSpec("sum_to_size_lead", lambda a: a.sum_to_size((a.shape[-1],)), [((3, 4),), ((4,),)],
           lambda a: a.sum_to_size((a.shape[-1],))),
    OpSpec("take", lambda a: ag.take(a, ag.tensor([[0, -1], [2, 2]])), [((3, 4),), ((5,),)],
           lambda a: _torch().take(a, _torch().tensor([[0, -1], [2, 2]])), empty_ok=False),
    OpSpec("put", lambda a, s: ag.put(a, ag.tensor([1, -1, 0]), s), [((3, 4), (3,)),
                                                                      ((2, 2), (1, 3))],
           lambda a, s: _torch().put(a, _torch().tensor([1, -1, 0]), s), empty_ok=False),
    OpSpec("put_accumulate", lambda a, s: a.put(ag.tensor([[1, 1], [0, -4]]), s, accumulate=True),
           [((2, 2), (4,)), ((3, 4), (2, 2))],
           lambda a, s: a.put(_torch().tensor([[1, 1], [0, -4]]), s, accumulate=True),
           empty_ok=False),
    OpSpec("index_copy", lambda a, s: a.index_copy(1, _IC_INDEX("ag"), s),
           [((2, 4), (2, 2)), ((3, 4, 2), (3, 2, 2))],
           lambda a, s: a.index_copy(1, _IC_INDEX("torch"), s)),
    OpSpec("index_fill_number", lambda a: a.index_fill(0, ag.tensor([1, -1]), -2.0),
           [((3, 4),), ((2,),)],
           lambda a: a.index_fill(0, _torch().tensor([1, -1]), -2.0), empty_ok=False),
    OpSpec("index_fill_tensor", lambda a, v: ag.index_fill(a, 1, ag.tensor([0, 2]), v),
           [((3, 4), ()), ((2, 3, 2), ())],
           lambda a, v: _torch().index_fill(a, 1, _torch().tensor([0, 2]), v)),
    OpSpec("masked_scatter", lambda a, s: a.masked_scatter(ag.tensor(_MASK), s),
           [((3, 4), (2, 5)), ((2, 3, 4), (20,))],
           lambda a, s: a.masked_scatter(_torch().tensor(_MASK), s)),
    OpSpec("masked_scatter_broadcast", lambda a, s: ag.masked_scatter(a, _MASK_COLUMN, s),
           [((1, 4), (9,))],
           lambda a, s: _torch().masked_scatter(a, _torch().tensor(_MASK_COLUMN), s),
           empty_ok=False),
    *(_scatter_reduce_spec(r, s) for r in ("sum", "prod", "mean", "amax", "amin")
      for s in (True, False)),
    *(_index_reduce_spec(r, s) for r in ("prod", "mean", "amax", "amin") for s in (True, False)),
    OpSpec("select_scatter", lambda a, s: ag.select_scatter(a, s, 1, -1),
           [((3, 4), (3,)), ((2, 4, 3), (2, 3))],
           lambda a, s: _torch().select_scatter(a, s, 1, -1), empty_ok=False),
    OpSpec("slice_scatter", lambda a, s: a.slice_scatter(s, 1, 1, None, 2),
           [((3, 5), (3, 2)), ((2, 4, 1), (2, 2, 1))],
           lambda a, s: a.slice_scatter(s, 1, 1, None, 2)),
    OpSpec("diagonal_scatter", lambda a, s: ag.diagonal_scatter(a, s, 1, 0, 2),
           [((3, 2, 4), (2, 3))],
           lambda a, s: _torch().diagonal_scatter(a, s, 1, 0, 2), empty_ok=False),
    OpSpec("diagonal_scatter_below", lambda a, s: a.diagonal_scatter(s, -1),
           [((4, 3), (3,)), ((2, 2), (1,))], lambda a, s: a.diagonal_scatter(s, -1),
           empty_ok=False),
    OpSpec("diagflat", lambda a: ag.diagflat(a, 1), [((2, 3),), ((3,),), ((),)],
           lambda a: _torch().diagflat(a, 1)),
]
