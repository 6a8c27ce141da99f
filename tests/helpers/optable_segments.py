"""The op table's entries for ``segment_reduce`` (see optable.py): each reduction over
runs given by lengths or offsets, with and without ``initial``, batched along a later
axis. Max and min go without empty segments unless ``initial`` fills them (an empty
one is -inf or inf, where finite differences are nan)."""

from __future__ import annotations

from optable import OpSpec

import autograd as ag


def _torch():
    import torch

    return torch


def _segments(reduce, axis=0, initial=None, **runs):
    def run(a):
        lib = ag if isinstance(a, ag.Tensor) else _torch()
        given = {key: lib.tensor(value) for key, value in runs.items()}
        return lib.segment_reduce(a, reduce, axis=axis, initial=initial, **given)
    return run


_RUNS = [((6,),), ((6, 3),)]
_WITH_EMPTY = {"lengths": [2, 0, 3, 1]}
_FULL = {"lengths": [2, 3, 1]}
_BATCHED = {"lengths": [[1, 4], [3, 2]]}


def _spec(name, shapes, reduce, **kwargs):
    fn = _segments(reduce, **kwargs)
    return OpSpec(name, fn, shapes, fn, empty_ok=False)


OPS: list[OpSpec] = [
    _spec("segment_sum", _RUNS, "sum", **_WITH_EMPTY),
    _spec("segment_sum_offsets", _RUNS, "sum", offsets=[0, 2, 2, 5, 6]),
    _spec("segment_mean", _RUNS, "mean", **_FULL),
    _spec("segment_mean_initial", _RUNS, "mean", initial=0.5, **_WITH_EMPTY),
    _spec("segment_max", _RUNS, "max", **_FULL),
    _spec("segment_max_initial", _RUNS, "max", initial=0.3, **_WITH_EMPTY),
    _spec("segment_min", _RUNS, "amin", **_FULL),
    _spec("segment_prod", _RUNS, "prod", **_WITH_EMPTY),
    _spec("segment_prod_initial", _RUNS, "prod", initial=2.0, **_FULL),
    _spec("segment_sum_batched", [((2, 5),), ((2, 5, 3),)], "sum", axis=1, **_BATCHED),
    _spec("segment_min_batched", [((2, 5),)], "min", axis=1, **_BATCHED),
    _spec("segment_mean_batched_offsets", [((2, 5, 2),)], "mean", axis=1,
          offsets=[[0, 1, 5], [0, 3, 5]]),
]
