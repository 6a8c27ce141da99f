"""PyTorch's ``AdaptiveLogSoftmaxWithLoss`` (Grave et al., 2017, "Efficient softmax
approximation for GPUs"): a head softmax over the frequent classes plus one entry per
cluster of rarer classes, each cluster with its own low-rank projection and softmax."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

import autograd as ag

from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

_NAME = "AdaptiveLogSoftmaxWithLoss"


class _ASMoutput(NamedTuple):
    output: ag.Tensor
    loss: ag.Tensor


class AdaptiveLogSoftmaxWithLoss(Module):
    """Adaptive softmax: ``log p(c|x) = head_logprob[c]`` for ``c < cutoffs[0]``, else
    ``head_logprob[shortlist + i] + log_softmax(tail[i](x))[c − cutoffs[i]]`` for the
    cluster ``i`` holding ``c``.

    ``cutoffs`` are increasing integers in ``[1, n_classes − 1]``; cluster ``i``'s projection
    is ``Linear(in, in // div_value^(i+1), bias=False)`` then ``Linear(·, size_i,
    bias=False)``, the head ``Linear(in, cutoffs[0] + n_clusters, bias=head_bias)`` (the
    same parameter names and shapes as PyTorch's). ``forward(input, target)`` takes
    ``(N, in_features)`` and ``(N,)`` class indices (or ``(in_features,)`` and a 0-d target)
    and returns ``(output, loss)``: each target's log-probability ``(N,)`` and the mean
    negative log-likelihood. A cluster's projection runs over the rows whose targets lie in
    it, as PyTorch's. A cluster width ``in // div_value^(i+1)`` of 0 is refused (PyTorch
    makes an empty layer whose cluster then gets uniform probabilities).
    """

    def __init__(self, in_features: int, n_classes: int, cutoffs: Sequence[int],
                 div_value: float = 4.0, head_bias: bool = False, dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if (not cutoffs or cutoffs != sorted(cutoffs) or min(cutoffs) <= 0
                or max(cutoffs) > n_classes - 1 or len(set(cutoffs)) != len(cutoffs)
                or any(int(c) != c for c in cutoffs)):
            raise ValueError(f"{_NAME}: cutoffs should be a sequence of unique, positive "
                             f"integers sorted in an increasing order, where each value is "
                             f"between 1 and n_classes-1 = {n_classes - 1}; got {cutoffs}")
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = [int(c) for c in cutoffs] + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, dtype=dtype, rng=rng)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            if hidden <= 0:
                raise ValueError(f"{_NAME}: cluster {i} would project to in_features // "
                                 f"div_value^{i + 1} = {hidden} features; lower div_value")
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, dtype=dtype,
                                               rng=rng),
                                        Linear(hidden, size, bias=False, dtype=dtype, rng=rng)))

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Draw every projection's default ``Linear`` init again."""
        self.head.reset_parameters(rng)
        for projection in self.tail:
            for layer in projection:
                layer.reset_parameters(rng)

    def forward(self, input: ag.Tensor, target: Any) -> _ASMoutput:
        y = np.asarray(target.data if isinstance(target, ag.Tensor) else target)
        if y.dtype.kind not in "iu":
            raise TypeError(f"{_NAME}: target must be class indices (integers), got dtype "
                            f"{y.dtype}")
        if y.ndim > 1 or input.ndim != y.ndim + 1 or (y.ndim and input.shape[0] != y.shape[0]):
            raise ag.ShapeError(f"{_NAME}: expected input (N, {self.in_features}) with target "
                                f"(N,), or ({self.in_features},) with a 0-d target; got input "
                                f"{tuple(input.shape)} and target {y.shape}")
        batched = y.ndim == 1
        x = input if batched else input.reshape(1, -1)
        labels = y.reshape(-1).astype(np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= self.n_classes):
            raise IndexError(f"{_NAME}: target values should be in [0, {self.n_classes - 1}], "
                             f"but values in [{labels.min()}, {labels.max()}] were found")
        rows = np.arange(labels.size)
        head_pick = labels.copy()
        output = None
        for i, (low, high) in enumerate(zip(self.cutoffs, self.cutoffs[1:])):
            members = np.flatnonzero((labels >= low) & (labels < high))
            if members.size == 0:
                continue
            head_pick[members] = self.shortlist_size + i
            logprob = ag.log_softmax(self.tail[i](x[members]), axis=1)
            local = logprob[np.arange(members.size), labels[members] - low]
            spread = ag.index_add(ag.zeros(labels.size, dtype=x.dtype), 0, members, local)
            output = spread if output is None else output + spread
        head = ag.log_softmax(self.head(x), axis=1)[rows, head_pick]
        output = head if output is None else head + output
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.reshape(()), loss)

    def _full_log_prob(self, x: ag.Tensor, head_output: ag.Tensor) -> ag.Tensor:
        head = ag.log_softmax(head_output, axis=1)
        parts = [head[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster = ag.log_softmax(self.tail[i](x), axis=1)
            column = self.shortlist_size + i
            parts.append(cluster + head[:, column:column + 1])
        return ag.cat(parts, axis=1)

    def log_prob(self, input: ag.Tensor) -> ag.Tensor:
        """Log-probabilities of every class, ``(N, n_classes)`` (``(n_classes,)`` for 1-D
        input)."""
        x = input if input.ndim == 2 else input.reshape(1, -1)
        out = self._full_log_prob(x, self.head(x))
        return out if input.ndim == 2 else out.reshape(-1)

    def predict(self, input: ag.Tensor) -> ag.Tensor:
        """The most likely class of each row, ``(N,)`` int64 (0-d for 1-D input), as
        ``log_prob(input).argmax(1)`` but with the tails computed only for rows whose head
        prediction is a cluster (PyTorch's shortcut, same result)."""
        x = input if input.ndim == 2 else input.reshape(1, -1)
        with ag.no_grad():
            head_output = self.head(x)
            best = np.argmax(head_output.data, axis=1)
            outside = np.flatnonzero(best >= self.shortlist_size)
            if outside.size:
                full = self._full_log_prob(x[outside], head_output[outside])
                best[outside] = np.argmax(full.data, axis=1)
        best = ag.from_numpy(best.astype(np.int64))
        return best if input.ndim == 2 else best.reshape(())

    def extra_repr(self) -> str:
        return ""

