"""A linear layer's forward and its backward, each as one compiled call: MKL's products by
address (``blas_calls.py``) and the passes around them (``nn_fused.py``'s bias, ReLU and
bias-gradient rows). ``layers.py`` dispatches them.

Inside a training step every Python-level call costs far more than it does alone: the
products push the interpreter's data out of the caches, and each call after one pays the
misses (bench/README findings 45 and 49). ``linear_relu``'s forward made two such calls,
its backward three, ``linear``'s two and four; here each is one.

Arrays arrive C-contiguous, 2-D (the bias 1-D, a length-0 array where there is none),
non-empty and of the float dtype of ``one`` and ``zero``. The last argument,
``parallel``, chooses the ``prange`` loops of the passes; the products run on MKL's
threads either way.
"""

from __future__ import annotations

import numpy as np

from .activations import JIT
from .blas_calls import NO_TRANS, TRANS, call_gemm
from .nn_fused import _CHUNKS, finish_row, grad_rows, sum_chunks
from .numba_setup import njit, prange


@njit(**JIT)
def linear_forward(address, x, w, b, out, one, zero, has_bias, relu, parallel):
    """``out = x @ wᵀ`` by ``cblas_?gemm`` at ``address``, then ``out += b`` (has_bias) and
    ``out = max(out, 0)`` (relu; nan stays nan) in one pass. x ``(N, in)``, w
    ``(out, in)``, b ``(out,)``, out ``(N, out)``."""
    call_gemm(address, NO_TRANS, TRANS, x, w, out, one, zero)
    if has_bias or relu:
        if not parallel:
            for i in range(out.shape[0]):
                finish_row(out, b, i, has_bias, relu)
        else:
            for i in prange(out.shape[0]):
                finish_row(out, b, i, has_bias, relu)


@njit(**JIT)
def linear_backward(address, g, x, w, out, dz, db, gx, gw, one, zero, relu, need_gx, need_gw,
                    need_gb, parallel):
    """The gradients of ``z = x @ wᵀ + b`` (relu: of ``out = relu(z)``) from ``g`` ``(N,
    out)``, the gradient of the layer's output. With relu ``dz = g·[out > 0]`` into
    ``dz`` (relu'(0) = 0), else ``dz`` is g (``out`` and ``dz`` are not read); then
    ``db = Σᵢ dz[i]`` summed in float64 over row chunks (need_gb, or relu: the same bits
    serial or parallel), ``gx = dz @ w`` (need_gx) and ``gw = dzᵀ x`` (need_gw)."""
    if relu or need_gb:
        n = g.shape[0]
        chunks = min(n, _CHUNKS)
        sums = np.zeros((chunks, g.shape[1]), np.float64)
        if not parallel:
            for k in range(chunks):
                grad_rows(g, out, k * n // chunks, (k + 1) * n // chunks, dz, sums, k, relu)
        else:
            for k in prange(chunks):
                grad_rows(g, out, k * n // chunks, (k + 1) * n // chunks, dz, sums, k, relu)
        sum_chunks(sums, db)
    d = dz if relu else g
    if need_gx:
        call_gemm(address, NO_TRANS, NO_TRANS, d, w, gx, one, zero)
    if need_gw:
        call_gemm(address, TRANS, NO_TRANS, d, x, gw, one, zero)
