"""Per call, the compiled fused nn kernel (``nn_fused.py``) or its NumPy reference.

The compiled kernels take float32/float64 arrays of one dtype: softmax
cross-entropy 2-D logits with at least one column, batch norm 2-D ``(N, C)``
input with N >= 1 (``(N, C, L)`` input runs the reference), dropout any shape.
Everything else, and every call under ``GRAPHGRAD_KERNELS=numpy``, runs
``reference.py``. Non-contiguous inputs are copied to C order first (see
``dispatch.py``). Outputs are new arrays of the input dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dispatch, reference, sizes
from .aot import Kernel, registered

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_kernels: dict[str, Kernel] = {}


def _nn(name: str) -> Kernel:
    """The compiled kernel ``name`` of ``nn_fused.py`` (see ``aot.py``)."""
    return registered(_kernels, f"{__package__}.nn_fused", name, parallel_flag=True)


def _compiled(*arrays: np.ndarray | None) -> bool:
    """Whether the compiled kernels take these arrays (None entries are optional ones)."""
    if not dispatch._COMPILED:
        return False
    dtype = arrays[0].dtype
    return dtype in _FLOATS and all(
        a is None or (type(a) is np.ndarray and a.dtype == dtype) for a in arrays)


def softmax_xent_forward(z: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, ...]:
    """``autograd.kernels.softmax_xent_forward`` (documented there)."""
    if not (_compiled(z, a) and z.ndim == 2 and z.shape == a.shape and z.shape[1]):
        return reference.softmax_xent_forward(z, a)
    n = z.shape[0]
    p = np.empty(z.shape, z.dtype)
    losses, asum = np.empty(n, z.dtype), np.empty(n, z.dtype)
    _nn("softmax_xent_forward").run(z.dtype.char, z.size >= sizes.PARALLEL_MIN,
                                    np.ascontiguousarray(z), np.ascontiguousarray(a), p, losses,
                                    asum)
    return losses, p, asum


def softmax_xent_backward(p: np.ndarray, a: np.ndarray, asum: np.ndarray, g: Any) -> np.ndarray:
    """``autograd.kernels.softmax_xent_backward`` (documented there)."""
    g = np.asarray(g, dtype=p.dtype)
    if not (_compiled(p, a, asum) and p.ndim == 2 and p.shape == a.shape
            and asum.shape == p.shape[:1] and g.size in (1, p.shape[0])):
        if p.ndim == 2:
            _check_rows("softmax_xent_backward", p, asum=asum)
        return reference.softmax_xent_backward(p, a, asum, g)
    out = np.empty(p.shape, p.dtype)
    _nn("softmax_xent_backward").run(
        p.dtype.char, p.size >= sizes.PARALLEL_MIN, np.ascontiguousarray(p),
        np.ascontiguousarray(a), np.ascontiguousarray(asum), np.ascontiguousarray(g).reshape(-1),
        int(g.size > 1), out)
    return out


def _check_rows(op: str, z: np.ndarray, **vectors: np.ndarray) -> None:
    """Refuse per-row vectors that are not ``(N,)`` for ``(N, C)`` z: the references would
    broadcast an ``(N, 1)`` one into ``(N, N)`` results."""
    for name, v in vectors.items():
        if np.shape(v) != z.shape[:1]:
            raise ValueError(f"{op}: {name} must have one value per row, shape {z.shape[:1]} "
                             f"for a batch of shape {z.shape}, got {np.shape(v)}")


def _check_labels(labels: np.ndarray, classes: int) -> None:
    if labels.dtype.kind not in "iu":
        raise TypeError(f"softmax_xent_labels: labels must be integer class indices, got "
                        f"dtype {labels.dtype}; convert them with .astype(np.int64)")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        _bad_labels(labels, classes)


class LabelError(ValueError):
    """The ValueError of the class-label kernels for a label outside ``[0, C)``, raised
    before any result is returned (``autograd.kernels.LabelError``). A caller may take it
    as "check the labels the slow way": ``nn.functional.cross_entropy`` does, for its
    ``ignore_index`` rows."""


def _bad_labels(labels: np.ndarray, classes: int) -> None:
    raise LabelError(f"softmax_xent_labels: labels must be in [0, {classes}), got values "
                     f"from {labels.min()} to {labels.max()}")


def softmax_xent_labels_forward(z: np.ndarray, labels: np.ndarray,
                                weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``autograd.kernels.softmax_xent_labels_forward`` (documented there)."""
    if not (_compiled(z, weight) and z.ndim == 2 and z.shape[1]
            and labels.shape == weight.shape == z.shape[:1] and labels.dtype.kind in "iu"):
        if z.ndim == 2:
            _check_rows("softmax_xent_labels_forward", z, labels=labels, weight=weight)
            _check_labels(labels, z.shape[1])
        return reference.softmax_xent_labels_forward(z, labels, weight)
    p = np.empty(z.shape, z.dtype)
    losses = np.empty(z.shape[0], z.dtype)
    if _nn("softmax_xent_labels_forward").run(
            z.dtype.char + labels.dtype.char, z.size >= sizes.PARALLEL_MIN,
            np.ascontiguousarray(z), np.ascontiguousarray(labels), np.ascontiguousarray(weight),
            p, losses):
        _bad_labels(labels, z.shape[1])
    return losses, p


def softmax_xent_labels_backward(p: np.ndarray, labels: np.ndarray, weight: np.ndarray,
                                 g: Any) -> np.ndarray:
    """``autograd.kernels.softmax_xent_labels_backward`` (documented there)."""
    g = np.asarray(g, dtype=p.dtype)
    if not (_compiled(p, weight) and p.ndim == 2 and labels.shape == weight.shape == p.shape[:1]
            and labels.dtype.kind in "iu" and g.size in (1, p.shape[0])):
        if p.ndim == 2:
            _check_rows("softmax_xent_labels_backward", p, labels=labels, weight=weight)
            _check_labels(labels, p.shape[1])
        return reference.softmax_xent_labels_backward(p, labels, weight, g)
    out = np.empty(p.shape, p.dtype)
    if _nn("softmax_xent_labels_backward").run(
            p.dtype.char + labels.dtype.char, p.size >= sizes.PARALLEL_MIN,
            np.ascontiguousarray(p), np.ascontiguousarray(labels), np.ascontiguousarray(weight),
            np.ascontiguousarray(g).reshape(-1), int(g.size > 1), out):
        _bad_labels(labels, p.shape[1])
    return out


def _bias_pass(y: np.ndarray, b: np.ndarray, relu: bool) -> bool:
    """The compiled ``add_bias_inplace`` over ``y``'s rows (True), or False where it does
    not take these arrays: compiled kernels, a writeable C-contiguous ``y`` of at least
    two dimensions and a bias of its last one."""
    if not (_compiled(y, b) and y.ndim >= 2 and y.size and y.flags.c_contiguous
            and y.flags.writeable and b.shape == y.shape[-1:]):
        return False
    _nn("add_bias_inplace").run(y.dtype.char, y.size >= sizes.PARALLEL_MIN,
                                y.reshape(-1, y.shape[-1]), np.ascontiguousarray(b), relu)
    return True


def add_bias_(y: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``autograd.kernels.add_bias_`` (documented there)."""
    if not _bias_pass(y, b, False):
        y += b
    return y


def add_bias_relu_(y: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """``autograd.kernels.add_bias_relu_`` (documented there)."""
    if b is None:
        return dispatch.unary("relu", y, out=y)
    return y if _bias_pass(y, b, True) else reference.add_bias_relu_(y, b)


def outer(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``autograd.kernels.outer`` (documented there)."""
    if not (_compiled(a, b) and a.ndim == 1 and b.ndim == 1):
        return np.multiply(np.reshape(a, (-1, 1)), np.reshape(b, (1, -1)), order="C")
    out = np.empty((a.shape[0], b.shape[0]), a.dtype)
    _nn("outer").run(a.dtype.char, out.size >= sizes.PARALLEL_MIN, np.ascontiguousarray(a),
                     np.ascontiguousarray(b), out)
    return out


def _bn_compiled(x: np.ndarray, *columns: np.ndarray | None) -> bool:
    return _compiled(x, *columns) and x.ndim == 2 and x.shape[0] > 0


def batch_norm_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``autograd.kernels.batch_norm_stats`` (documented there)."""
    if not _bn_compiled(x):
        return reference.batch_norm_stats(x)
    mean, var = np.empty(x.shape[1], x.dtype), np.empty(x.shape[1], x.dtype)
    _nn("batch_norm_stats").run(x.dtype.char, x.size >= sizes.PARALLEL_MIN,
                                np.ascontiguousarray(x), mean, var)
    return mean, var


def _ones(v: np.ndarray | None, x: np.ndarray, fill: float) -> np.ndarray:
    return np.full(x.shape[1], fill, x.dtype) if v is None else np.ascontiguousarray(v)


def batch_norm_forward(x: np.ndarray, mean: np.ndarray, inv_std: np.ndarray,
                       gamma: np.ndarray | None, beta: np.ndarray | None) -> np.ndarray:
    """``autograd.kernels.batch_norm_forward`` (documented there)."""
    if not _bn_compiled(x, mean, inv_std, gamma, beta):
        return reference.batch_norm_forward(x, mean, inv_std, gamma, beta)
    out = np.empty(x.shape, x.dtype)
    _nn("batch_norm_forward").run(x.dtype.char, x.size >= sizes.PARALLEL_MIN,
                                  np.ascontiguousarray(x), np.ascontiguousarray(mean),
                                  np.ascontiguousarray(inv_std), _ones(gamma, x, 1.0),
                                  _ones(beta, x, 0.0), out)
    return out


def batch_norm_backward(g: np.ndarray, x: np.ndarray, mean: np.ndarray, inv_std: np.ndarray,
                        gamma: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``autograd.kernels.batch_norm_backward`` (documented there)."""
    if not (_bn_compiled(x, g, mean, inv_std, gamma) and g.shape == x.shape):
        return reference.batch_norm_backward(g, x, mean, inv_std, gamma)
    cols = x.shape[1]
    out = np.empty(x.shape, x.dtype)
    grad_gamma, grad_beta = np.empty(cols, x.dtype), np.empty(cols, x.dtype)
    _nn("batch_norm_backward").run(x.dtype.char, x.size >= sizes.PARALLEL_MIN,
                                   np.ascontiguousarray(g), np.ascontiguousarray(x),
                                   np.ascontiguousarray(mean), np.ascontiguousarray(inv_std),
                                   _ones(gamma, x, 1.0), out, grad_gamma, grad_beta)
    return out, grad_gamma, grad_beta


def keep_mask(size: int, seed: int, threshold: int) -> np.ndarray:
    """``autograd.kernels.keep_mask``'s flat draw (documented there)."""
    if not dispatch._COMPILED:
        return reference.keep_mask(size, seed, threshold)
    keep = np.empty(size, dtype=np.bool_)
    _nn("keep_mask").run("", size >= sizes.PARALLEL_MIN, np.uint64(seed), np.uint64(threshold),
                         keep)
    return keep


def dropout_mask_scale(x: np.ndarray, keep: np.ndarray, keep_prob: float) -> np.ndarray:
    """``autograd.kernels.dropout_mask_scale`` (documented there)."""
    if not (_compiled(x) and x.ndim and keep_prob > 0.0):  # keep: checked by the caller
        return reference.dropout_mask_scale(x, keep, keep_prob)
    out = np.empty(x.shape, x.dtype)
    _nn("dropout_mask_scale").run(x.dtype.char, x.size >= sizes.PARALLEL_MIN,
                                  np.ascontiguousarray(x).reshape(-1),
                                  np.ascontiguousarray(keep).reshape(-1),
                                  x.dtype.type(keep_prob), out.reshape(-1))
    return out
