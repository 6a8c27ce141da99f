"""The engine's public kernel layer: the array arithmetic behind the elementwise ops, their
backward formulas and the fused nn ops.

Every kernel takes and returns NumPy arrays; the ops in ``autograd/ops`` and the
fused ops of ``nn.functional`` (softmax cross-entropy, batch norm, dropout) call
these names, never the modules behind them. Float32/float64 arrays run compiled Numba kernels
(``activations.py``, ``activation_grads.py``, built on the vectorizable exp/log/erf
of ``fastmath.py``); other inputs, and every input when the environment has
``GRAPHGRAD_KERNELS=numpy`` when this package is imported, run the NumPy
references of ``reference.py``. ``dispatch.py`` makes that choice; ``backend()``
says which is active. The two agree within a few ulp (tests/autograd/test_kernels.py,
test_gelu_kernels.py).
The fused nn kernels are ``nn_fused.py``, dispatched by ``fused.py`` the same way
(tests/autograd/test_nn_kernels.py); the sliding-window kernels under convolution and
max pooling are ``windows.py``, dispatched by ``sliding.py``
(tests/autograd/test_window_kernels.py); the LSTM and GRU cells' gates and state update
are ``recurrent.py``, dispatched by ``cells.py`` (tests/autograd/test_recurrent_kernels.py);
a linear layer's forward and backward, each one call with MKL's products inside, are
``linear_layers.py``, dispatched by ``layers.py`` (test_nn_kernels.py, test_mkl.py).
``Kernel`` (``aot.py``) runs a Numba kernel from
its ahead-of-time build, so that a fresh process need not start Numba; ``optim``'s
updates use it too. Every module of kernels takes Numba's names from ``numba_setup.py``,
which first sets the vector width they are compiled for (``target.py``: 512-bit where
the CPU has AVX-512).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import cells, dispatch, fused, layers, pool, products, sizes, sliding
from .aot import Kernel as Kernel
from .dispatch import BACKEND, arithmetic, binary, copy, unary


def backend() -> str:
    """``'numba'`` (compiled kernels for float arrays) or ``'numpy'`` (references only)."""
    return BACKEND


def parallel_min() -> int | None:
    """The element count from which a kernel, or an optimizer update, splits its loop over
    Numba's threads; ``None`` when none does. Unless ``GRAPHGRAD_PARALLEL_MIN`` or
    ``set_parallel_min`` says otherwise it is automatic (``pool.py``): 32,768 where the
    loops share MKL's thread pool with the products, ``None`` elsewhere, decided by the
    process's first parallel call (until then this gives 32,768)."""
    return None if sizes.PARALLEL_MIN == sizes.NEVER else sizes.PARALLEL_MIN


def set_parallel_min(elements: int | str | None) -> int | str | None:
    """Make kernels and optimizer updates of ``elements`` or more run parallel loops in
    this process from now on (``None``: every one serial; ``'auto'``: the automatic
    choice, the default); returns the previous setting in the same form.

    ``optim.search`` sets ``None`` in its worker processes: they already use the cores
    between them, and a process forked from one whose parallel loops have started GNU
    OpenMP (Numba's threading layer on Linux, where MKL is not loaded) is killed by its
    first parallel loop.
    """
    if elements != "auto" and elements is not None and (
            isinstance(elements, bool) or not isinstance(elements, int) or elements < 1):
        raise ValueError(f"set_parallel_min: elements must be a positive int, None (every "
                         f"kernel serial) or 'auto', got {elements!r}")
    previous = "auto" if sizes.PARALLEL_AUTO else parallel_min()
    if elements == "auto":
        pool.set_auto()
    else:
        sizes.set_parallel_min(sizes.NEVER if elements is None else elements)
    return previous


def parallel_loop(elements: int) -> bool:
    """Whether a loop over ``elements`` runs parallel now (the first such loop of a
    process makes the automatic choice and starts loading Numba, and until it is loaded
    loops run serially: ``pool.start``)."""
    return elements >= sizes.PARALLEL_MIN and (pool.ready or pool.start())


def wait_for_numba() -> None:
    """Wait until Numba, which the first parallel call of a process loads in a background
    thread, is loaded (at once if it is not loading). Call it before forking: a process
    forked half way through an import can hang importing Numba (``pool.py``)."""
    pool.wait_for_numba()


def parallel_info(decide: bool = False) -> dict[str, object]:
    """``{'parallel_min', 'auto', 'started', 'ready', 'shared', 'reason'}``: the threshold,
    whether it is the automatic one, whether a parallel call has come yet, whether
    parallel loops run now, and whether they share MKL's threads (``pool.py``).
    ``decide``: make the choice now, waiting for Numba to load if it must (it loads
    MKL, and Numba where loops will run parallel)."""
    if decide and parallel_min() is not None:
        pool.decide()
    return {"parallel_min": parallel_min(), "auto": sizes.PARALLEL_AUTO, **pool.info()}


def add(a: Any, b: Any) -> Any:
    """``a + b`` as ``np.add``; on Numba's threads for two C-contiguous float arrays of one
    shape from ``parallel_min()`` elements (``parallel_arithmetic.py``), with NumPy's
    bits and warnings."""
    return arithmetic("add", a, b)


def subtract(a: Any, b: Any) -> Any:
    """``a - b`` as ``np.subtract``; parallel as ``add``."""
    return arithmetic("subtract", a, b)


def multiply(a: Any, b: Any) -> Any:
    """``a · b`` as ``np.multiply``; parallel as ``add``."""
    return arithmetic("multiply", a, b)


def divide(a: Any, b: Any) -> Any:
    """``a / b`` as ``np.divide``; parallel as ``add``."""
    return arithmetic("divide", a, b)


def copy_into(out: np.ndarray, a: np.ndarray) -> None:
    """``np.copyto(out, a)``; parallel as ``add`` for arrays of one shape and dtype."""
    copy(a, out)


def exp(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``e^x``; overflows to inf, underflows to 0."""
    return unary("exp", x, out=out)


def log(x: np.ndarray) -> np.ndarray:
    """Natural log; ``log(0) = -inf``, ``log(x < 0) = nan``."""
    return unary("log", x)


def tanh(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``tanh(x) = (e^x - e^-x)/(e^x + e^-x)``; ±1 for large |x|."""
    return unary("tanh", x, out=out)


def mul_backward(grad: np.ndarray, a: np.ndarray,
                 b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(grad·b, grad·a)``: the gradients of ``a·b`` before any broadcast is summed back,
    of grad's shape (a and b as NumPy broadcasts them). One compiled pass for equal shapes
    of one float dtype, C-contiguous, from ``sizes.COMPILED_MIN['mul_backward']`` elements;
    NumPy's two multiplies otherwise; the same bits either way."""
    return dispatch.mul_backward(grad, a, b)


def tanh_backward(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``grad·(1 - out²)``: the tanh derivative written with its output (course: 1 - a²)."""
    return binary("tanh_backward", grad, out)


def sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``1/(1 + e^-x)`` in a form that never overflows: ``sigmoid(±1000)`` is 1 / 0."""
    return unary("sigmoid", x, out=out)


def sigmoid_backward(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``grad·out·(1 - out)``, out = sigmoid(x)."""
    return binary("sigmoid_backward", grad, out)


def relu(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``max(x, 0)``; nan stays nan."""
    return unary("relu", x, out=out)


def relu_backward(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``grad·[x > 0]``: relu'(0) = 0."""
    return binary("relu_backward", grad, x)


def leaky_relu(x: np.ndarray, slope: float) -> np.ndarray:
    """``x if x > 0 else slope·x`` (slope cast to x's dtype)."""
    return unary("leaky_relu", x, slope)


def leaky_relu_backward(grad: np.ndarray, x: np.ndarray, slope: float) -> np.ndarray:
    """``grad·(1 if x > 0 else slope)``."""
    return binary("leaky_relu_backward", grad, x, slope)


def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + e^x) = max(x, 0) + log1p(e^-|x|)``: finite for finite x, 1000 at 1000."""
    return unary("softplus", x)


def softplus_backward(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``grad·sigmoid(x)``."""
    return binary("softplus_backward", grad, x)


def erf(x: np.ndarray) -> np.ndarray:
    """``erf(x) = 2/√π ∫₀ˣ e^(-t²) dt``, in [-1, 1]: odd, ``erf(±0) = ±0``, ``erf(±inf) = ±1``.
    Within 1 ulp of the correctly rounded value in float32 and float64."""
    return unary("erf", x)


def erfc(x: np.ndarray) -> np.ndarray:
    """``erfc(x) = 1 - erf(x) = 2/√π ∫ₓ^∞ e^(-t²) dt``, in [0, 2], accurate relative to its
    value where it is tiny (``erfc(26) ≈ 5.7e-296``, where ``1 - erf`` would be 0); 0 from
    x ≈ 10.05 (float32) / 27.2 (float64), ``erfc(-inf) = 2``. Within 2 ulp."""
    return unary("erfc", x)


def gelu(x: np.ndarray) -> np.ndarray:
    """``gelu(x) = x·Φ(x) = ½x(1 + erf(x/√2))``, Φ the standard normal CDF (PyTorch's
    ``gelu(x)``); accurate also where x ≪ 0 makes it tiny: ``gelu(-inf) = -0``."""
    return unary("gelu", x)


def gelu_backward(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``grad·(Φ(x) + x·φ(x))``, ``φ(x) = e^(-x²/2)/√(2π)``: gelu's derivative times grad."""
    return binary("gelu_backward", grad, x)


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    """``½x(1 + tanh u)``, ``u = √(2/π)(x + 0.044715x³)`` (PyTorch's ``gelu(x,
    approximate='tanh')``), computed as ``x·σ(2u)``, which stays accurate where x ≪ 0."""
    return unary("gelu_tanh", x)


def gelu_tanh_backward(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``grad·(½(1 + tanh u) + ½x(1 - tanh²u)·u')``, ``u' = √(2/π)(1 + 3·0.044715x²)``: the
    tanh form's derivative times grad."""
    return binary("gelu_tanh_backward", grad, x)


def softmax_xent_forward(logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, ...]:
    """Softmax cross-entropy per row of ``(N, C)`` logits z against ``(N, C)`` targets A.

    Returns ``(losses, probs, asum)``: ``losses_i = −Σ_c A_ic·log softmax(z_i)_c``
    ``(N,)``, ``probs = softmax(z)`` ``(N, C)`` (what the backward needs) and
    ``asum_i = Σ_c A_ic`` ``(N,)``. Stable for any finite logits (the row max is
    subtracted first).
    """
    return fused.softmax_xent_forward(logits, targets)


def softmax_xent_backward(probs: np.ndarray, targets: np.ndarray, asum: np.ndarray,
                          grad: np.ndarray | float) -> np.ndarray:
    """``∂/∂z = (softmax(z)·asum − A)·g``, ``(N, C)``, from the forward's probs and asum;
    g is ``(N,)`` (one per row) or a number.

    With one-hot targets and g = 1 this is the course's ``ŷ − y`` (§12).
    """
    return fused.softmax_xent_backward(probs, targets, asum, grad)


LabelError = fused.LabelError


def softmax_xent_labels_forward(logits: np.ndarray, labels: np.ndarray,
                                weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Softmax cross-entropy of ``(N, C)`` logits against class labels ``(N,)`` (integers in
    ``[0, C)``, else ValueError) with a weight per row ``(N,)``: the same as
    ``softmax_xent_forward`` with ``A = weight·onehot(labels)``, without building A.

    Returns ``(losses, probs)``: ``losses_i = −weight_i·log softmax(z_i)[labels_i]`` ``(N,)``
    and ``probs = softmax(z)`` ``(N, C)``.
    """
    return fused.softmax_xent_labels_forward(logits, labels, weight)


def softmax_xent_labels_backward(probs: np.ndarray, labels: np.ndarray, weight: np.ndarray,
                                 grad: np.ndarray | float) -> np.ndarray:
    """``∂/∂z = (softmax(z) − onehot(labels))·weight·g``, ``(N, C)``; g is ``(N,)`` or a number.

    With weight 1 and g = 1 this is the course's ``ŷ − y`` (§12).
    """
    return fused.softmax_xent_labels_backward(probs, labels, weight, grad)


def add_bias_(y: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """``y += bias`` in place over the last axis of y ``(..., C)`` with bias ``(C,)``, as a
    linear layer adds its bias to its product; returns y. Compiled for a C-contiguous
    float32/float64 y and a bias of its dtype (one pass), NumPy's broadcasting add for
    anything else; the same bits either way (one addition per element)."""
    return fused.add_bias_(y, bias)


def add_bias_relu_(y: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """``y = max(y + bias, 0)`` in place over the last axis of y ``(..., C)`` with bias
    ``(C,)`` (or ``max(y, 0)`` without one; nan stays nan), as ``linear_relu`` finishes
    its product; returns y. Compiled for a C-contiguous float32/float64 y and a bias of
    its dtype (one pass instead of the bias's and the ReLU's two), NumPy otherwise; the
    same bits either way."""
    return fused.add_bias_relu_(y, bias)


def relu_backward_columns(grad: np.ndarray, out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(dz, db)`` for ``out = relu(z)`` ``(..., C)`` and the gradient ``grad`` of out:
    ``dz = grad·[out > 0]`` (relu'(0) = 0) and ``db = Σ dz`` over every axis but the last
    ``(C,)``, the bias gradient of ``linear_relu``. Compiled for float32/float64 arrays of
    one dtype: one pass, the sums accumulated in float64 over fixed row chunks (the same
    bits whether the loop runs in parallel or not); NumPy otherwise."""
    return layers.relu_backward_columns(grad, out)


def linear(x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """A linear layer's output ``x @ wᵀ + b`` for x ``(..., in)``, w ``(out, in)``, b
    ``(out,)`` or None: ``(..., out)``, C-contiguous. Where MKL multiplies (``mkl.py``)
    and the arrays are float32/float64 of one dtype, C-contiguous and non-empty, the
    product and the bias are one compiled call (``layers.py``); elsewhere ``matmul`` and
    ``add_bias_``. The same values either way (the product on MKL within rounding)."""
    return layers.linear(x, w, b, relu=False)


def linear_relu(x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """``max(x @ wᵀ + b, 0)`` (nan stays nan), shapes as ``linear``: one compiled call where
    ``linear`` makes one, else ``matmul`` and ``add_bias_relu_``."""
    return layers.linear(x, w, b, relu=True)


def linear_backward(grad: np.ndarray, x: np.ndarray, w: np.ndarray, out: np.ndarray | None,
                    need_gx: bool, need_gw: bool, need_gb: bool) -> tuple:
    """``(gx, gw, gb)``, the gradients of a linear layer (``linear``; with ``out``, the
    output of ``linear_relu``) from ``grad`` ``(..., out)``, the gradient of its output:
    ``dz = grad`` (with out: ``grad·[out > 0]``, relu'(0) = 0), ``gx = dz @ w`` shaped as
    x, ``gw = dzᵀ x`` summed over the batch ``(out, in)``, ``gb = Σ dz`` over every axis
    but the last ``(out,)``; None for each one not needed. Where ``linear`` makes one
    call this is one too, unless x has fewer than ``sizes.SWAPPED_PRODUCT_COLUMNS``
    features and gw is needed (the bias gradient summed in float64 over fixed row
    chunks, as ``relu_backward_columns`` sums); elsewhere ``relu_backward_columns``, ``matmul``
    and ``batch_sum``, the same values within rounding."""
    return layers.linear_backward(grad, x, w, out, need_gx, need_gw, need_gb)


def outer(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The outer product ``out[i, j] = a[i]·b[j]`` of a ``(M,)`` and b ``(N,)``, ``(M, N)``
    C-contiguous: a linear layer's weight gradient ``gᵀx`` for a batch of one. Compiled for
    float32/float64 vectors of one dtype (one pass), NumPy's broadcast multiply (with its
    promotion) otherwise; the same bits either way (one multiplication per element)."""
    return fused.outer(a, b)


def matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``np.matmul(a, b)`` (or ``np.matmul(a, b, out=out)``) of two arrays (same values,
    dtype and shape; a C-contiguous result), with two kinds of shapes that NumPy's
    OpenBLAS multiplies slowly taken another way, and the large float products (also a
    vector times a matrix) on Intel MKL where ``mkl.py`` takes them (the ``mkl`` wheel
    installed, an Intel CPU: same values within rounding). Every product a training
    step makes should come here: where MKL multiplies, a product left to OpenBLAS wakes
    a second thread pool that stalls MKL's (``pool.py``).

    * ``a @ wᵀ`` with few rows: ``a`` a C-contiguous matrix of at most
      ``sizes.SWAPPED_PRODUCT_ROWS`` rows and ``b = wᵀ`` the transpose of a C-contiguous
      matrix (``linear``'s ``x @ Wᵀ``, a recurrent cell's ``h @ W_hhᵀ``) run as
      ``(w @ aᵀ)ᵀ`` copied to C order. OpenBLAS's product with a transposed second
      operand is slow for a short first one (float32, 2 threads, SkylakeX kernels on
      Zen 4: 32 × 784 @ (256, 784)ᵀ 135 µs, swapped 97 with the copy; 4 × 1024 @
      (1024, 1024)ᵀ 522 vs 175); from ~64 rows on it is as fast or faster. With its AVX2
      (Haswell) kernels the swap gains less (87 → 78 µs) and rarely loses. Each element
      is still one dot product over the same terms: on every shape measured the bits
      were those of ``a @ b``.
    * ``gᵀ @ x`` with few columns: ``a = gᵀ`` the transpose of a C-contiguous matrix and
      ``x`` a C-contiguous one of fewer than ``sizes.SWAPPED_PRODUCT_COLUMNS`` columns
      (the weight gradient of a layer with few inputs: an LSTM's input projection, 28
      pixels a step) run on MKL as ``(xᵀ @ g)ᵀ`` copied to C order. MKL is 1.5–4.5x
      slower with so narrow a result (Ice Lake VM, float32, 2 threads: K × M × N =
      1792 × 512 × 28 947 µs, swapped 368 with the copy; 8192 × 512 × 4 3239 vs 725; 512
      × 64 × 16 34 vs 24); from 64 columns on it is as fast or faster unswapped (512 × 512
      × 128: 369 vs 453). The sums run in another order: the same values within rounding.
    * An outer product (summed dimension of length 1, both operands at least 2-D) runs
      as ``outer`` or, batched, as the broadcast multiply ``a · b``: NumPy's matmul is
      2-4x slower there (float32: (512, 1) @ (1, 784) 870 vs 198 µs, (256, 1) @ (1, 784)
      338 vs 90 µs; float64 2-2.6x), and ``outer`` faster still (Zen 5, (256, 1) @
      (1, 784): 5.3 µs against the broadcast multiply's 39 and matmul's 206). The case
      is the weight gradient of a batch of one, the backward of ``Linear(n, 1)`` and the
      forward of ``Linear(1, n)``. Each element is a single multiplication, so all give
      the same bits.
    """
    return products.matmul(a, b, out)


def batch_sum(g: np.ndarray) -> np.ndarray:
    """``Σᵢ g[i]`` over the rows of a 2-D array ``(N, C)`` → ``(C,)``: a layer's bias
    gradient. Computed as the product ``1ᵀg`` (``matmul``: BLAS's gemv, MKL's where the
    products run there), which reads g once in row order (measured 7 vs 27 µs for
    (512, 256) float32 against ``sum(axis=0)``)."""
    return products.batch_sum(g)


def _bad_channels(op: str, x: np.ndarray, **vectors: np.ndarray | None) -> None:
    """Raise the error for x that is not ``(N, C)`` or ``(N, C, L)`` or a per-channel vector
    that is not ``(C,)`` (the compiled kernels would read past a shorter one, the
    references broadcast a length-1 one)."""
    if x.ndim not in (2, 3):
        raise ValueError(f"{op}: x must be (N, C) or (N, C, L) with channels on dimension 1, "
                         f"got shape {x.shape}")
    for name, v in vectors.items():
        if v is not None and v.shape != x.shape[1:2]:
            raise ValueError(f"{op}: {name} must have one value per channel, shape "
                             f"{x.shape[1:2]} for x of shape {x.shape}, got {v.shape}")


def batch_norm_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per channel of ``(N, C)`` or ``(N, C, L)`` x: ``(mean, biased variance)``, each ``(C,)``
    (course §11: ``μ = 1/m Σ x``, ``σ² = 1/m Σ (x − μ)²``), in x's dtype."""
    return fused.batch_norm_stats(x)


def batch_norm_forward(x: np.ndarray, mean: np.ndarray, inv_std: np.ndarray,
                       gamma: np.ndarray | None, beta: np.ndarray | None) -> np.ndarray:
    """``y = γ·(x − μ)·inv_std + β`` per channel (dimension 1); μ, inv_std ``(C,)``, γ, β
    ``(C,)`` or None (another shape is a ValueError)."""
    c = x.shape[1:2]
    if (mean.shape != c or inv_std.shape != c or (gamma is not None and gamma.shape != c)
            or (beta is not None and beta.shape != c) or x.ndim not in (2, 3)):
        _bad_channels("batch_norm_forward", x, mean=mean, inv_std=inv_std, gamma=gamma,
                      beta=beta)
    return fused.batch_norm_forward(x, mean, inv_std, gamma, beta)


def batch_norm_backward(grad: np.ndarray, x: np.ndarray, mean: np.ndarray, inv_std: np.ndarray,
                        gamma: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Batch norm's backward with g = ∂L/∂y and ``x̂ = (x − μ)·inv_std`` (course §11):
    ``(∂L/∂x, ∂L/∂γ, ∂L/∂β) = (γ·inv_std·(g − mean(g) − x̂·mean(g·x̂)), Σ g·x̂, Σ g)``,
    means and sums per channel over the batch (and length); μ, inv_std, γ as in
    ``batch_norm_forward``."""
    c = x.shape[1:2]
    if (mean.shape != c or inv_std.shape != c or (gamma is not None and gamma.shape != c)
            or x.ndim not in (2, 3)):
        _bad_channels("batch_norm_backward", x, mean=mean, inv_std=inv_std, gamma=gamma)
    return fused.batch_norm_backward(grad, x, mean, inv_std, gamma)


def keep_mask(shape: tuple[int, ...] | int, keep_prob: float, seed: int) -> np.ndarray:
    """Dropout's keep mask: booleans of ``shape``, each True with probability ``keep_prob``,
    drawn from SplitMix64 seeded with ``seed`` (an int in [0, 2⁶⁴)).

    In C order, element ``i`` is ``u_i < ⌈keep_prob·2³²⌉`` with ``u_2j``, ``u_2j+1`` the
    high and low 32 bits of SplitMix64's output ``j + 1``: a uniform on a 2⁻³² grid
    compared with keep_prob, exactly ``u·2⁻³² < keep_prob``. Each output depends only on
    the seed and its index, so the mask is the same whatever the backend or the thread
    count. (The course draws ``np.random.rand(...) < keep_prob``: the same distribution;
    NumPy's generator takes ~450 µs for 1e5 float32 draws on the AVX2 bench machine,
    this mask 60–90 µs.)
    """
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not 0.0 <= keep_prob <= 1.0:
        raise ValueError(f"keep_mask: keep_prob must lie in [0, 1], got {keep_prob}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) \
            or not 0 <= int(seed) < 2**64:
        raise ValueError(f"keep_mask: seed must be an int in [0, 2**64), got {seed!r}")
    threshold = math.ceil(keep_prob * 2.0**32)
    return fused.keep_mask(math.prod(shape), int(seed), threshold).reshape(shape)


def dropout_mask_scale(x: np.ndarray, keep: np.ndarray, keep_prob: float) -> np.ndarray:
    """Inverted dropout in one pass (course §6.3): ``x/keep_prob`` where ``keep`` (a bool
    array of x's shape, e.g. from ``keep_mask``), else 0. Backward is the same call on the
    gradient. The scale ``1/keep_prob`` is taken in x's dtype from keep_prob rounded to
    it, as PyTorch's dropout does; integer x is scaled in floating point."""
    if not isinstance(keep, np.ndarray) or keep.dtype != np.bool_:
        raise TypeError(f"dropout_mask_scale: keep must be a bool array (True = keep), got "
                        f"{getattr(keep, 'dtype', type(keep).__name__)}; compare uniform "
                        "draws with keep_prob first, or use keep_mask(shape, keep_prob, seed)")
    if keep.shape != np.shape(x):
        raise ValueError(f"dropout_mask_scale: keep mask of shape {keep.shape} does not match "
                         f"the input's shape {np.shape(x)}")
    return fused.dropout_mask_scale(x, keep, keep_prob)


def im2col(x: np.ndarray, kernel: tuple, dilation: tuple, stride: tuple, pads: tuple,
           size: tuple, count: tuple, groups: int = 1) -> np.ndarray:
    """The sliding windows of ``x`` ``(N, C, *S)`` (one to three spatial dims), zero-padded
    by ``pads`` ``((before, after), ...)``, as rows ``(G, N, *O, *K, C/G)``: for channel
    group ``g``, batch item ``n``, window ``o`` (``count`` of them per dim) and tap ``k``,
    ``rows[g, n, o, k, c] = x[n, g·C/G + c, o·stride − before + k·dilation]`` (0 in the
    padding); ``size`` is ``S``. Channels innermost, so one product per group with the
    weight reshaped ``(C_out/G, ∏K·C/G)`` is the convolution."""
    return sliding.im2col(x, kernel, dilation, stride, pads, size, count, groups)


def im2col_taps(x: np.ndarray, kernel: tuple, dilation: tuple, stride: tuple, pads: tuple,
                size: tuple, count: tuple) -> np.ndarray:
    """``im2col`` of one channel group transposed, taps first: ``(∏K·C, N·∏O)`` with
    ``cols[(k, c), (n, o)] = rows[0, n, o, k, c]``, C-contiguous. Where a window's taps
    make short runs (``K_last·C`` values: LeNet's one-channel 5×5 has 5) this layout
    copies each tap's row of windows whole, and the convolution is ``colsᵀ Wᵀ``, its
    weight gradient ``(cols g)ᵀ``."""
    return sliding.im2col_taps(x, kernel, dilation, stride, pads, size, count)


def col2im(rows: np.ndarray, kernel: tuple, dilation: tuple, stride: tuple, pads: tuple,
           size: tuple, count: tuple, groups: int = 1, channels_last: bool = False
           ) -> np.ndarray:
    """The adjoint of ``im2col``: rows ``(G, N, *O, *K, C/G)`` added back at their input
    positions into zeros ``(N, C, *size)``; taps in the padding are dropped, overlapping
    windows sum. The gradient of ``im2col`` (and the heart of a transposed convolution).
    C-contiguous, or with ``channels_last`` a view of ``(N, *size, C)`` memory (the
    layout the compiled kernel writes: no copy)."""
    return sliding.col2im(rows, kernel, dilation, stride, pads, size, count, groups,
                          channels_last)


def max_pool_argmax(a: np.ndarray, kernel: tuple, stride: tuple, padding: tuple,
                    dilation: tuple, count: tuple,
                    channels_last: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling over planes ``a`` ``(P, *S)`` (one to three spatial dims, ``padding``
    one int per dim on both sides, ``count`` windows per dim): ``(values, indices)``, both
    ``(P, ∏count)``, each window's maximum and its flat index in its plane. PyTorch's CPU
    scan: from the window's first entry inside the input, each later entry that is
    greater, or NaN, replaces it (ties keep the first; the last NaN stays). A window with
    no entry inside the input gives −inf (and the index of its first tap).

    ``channels_last``: ``a`` is ``(N, *S, C)``, the planes its channels, and both results
    ``(N, ∏count, C)`` (the same values and indices as the planes of
    ``np.moveaxis(a, -1, 1)``, computed with the channels innermost)."""
    return sliding.max_pool_argmax(a, kernel, stride, padding, dilation, count, channels_last)


def plane_scatter_add(g: np.ndarray, indices: np.ndarray, length: int,
                      unique: bool = False) -> np.ndarray:
    """Zeros ``(P, length)`` with ``g[p, m]`` added at ``indices[p, m]`` (both ``(P, M)``;
    repeated positions sum): the gradient of picking ``a[p, indices[p, m]]``; or, with
    channels, zeros ``(P, length, C)`` with ``g[p, m, c]`` added at ``[p, indices[p, m, c],
    c]`` (both ``(P, M, C)``). ``unique`` says no position repeats within a plane (the
    references then store instead of summing). An index outside ``[0, length)`` raises
    ``IndexError``."""
    return sliding.plane_scatter_add(g, indices, length, unique)


def _check_cell(op: str, gates: int, state_name: str, state: np.ndarray,
                **stacked: np.ndarray) -> None:
    """Refuse a state that is not ``(N, H)`` or a stacked array that is not
    ``(N, gates·H)``: the compiled kernels would read past it."""
    if state.ndim != 2:
        raise ValueError(f"{op}: {state_name} must be (N, H), got shape {state.shape}")
    n, hidden = state.shape
    expected = (n, gates * hidden)
    for name, a in stacked.items():
        if a.shape != expected:
            raise ValueError(f"{op}: {name} must be (N, {gates}·H) = {expected} for "
                             f"{state_name} of shape {state.shape}, got {a.shape}")


def _check_same_shape(op: str, like_name: str, like: np.ndarray, **others: np.ndarray) -> None:
    for name, a in others.items():
        if a.shape != like.shape:
            raise ValueError(f"{op}: {name} must have the shape of {like_name}, "
                             f"{like.shape}, got {a.shape}")


def _check_out(op: str, dtype: np.dtype, **arrays: tuple[np.ndarray, tuple[int, ...]]) -> None:
    """Refuse an output array that is not C-contiguous, writeable, of ``dtype`` and of its
    expected shape: a compiled kernel would write past it or into the wrong places."""
    for name, (a, shape) in arrays.items():
        if not (type(a) is np.ndarray and a.shape == shape and a.dtype == dtype
                and a.flags.c_contiguous and a.flags.writeable):
            got = f"{a.dtype} {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
            raise ValueError(f"{op}: {name} must be a writeable C-contiguous {dtype} array of "
                             f"shape {shape}, got {got}")


def lstm_cell_forward(gi: np.ndarray, gh: np.ndarray, c: np.ndarray,
                      out: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One LSTM step's gates and state update (PyTorch's ``nn.LSTMCell`` after its
    matmuls) from the input and hidden projections ``gi``, ``gh`` ``(N, 4H)`` (gates
    i, f, g, o stacked, biases included) and the cell state ``c`` ``(N, H)``:
    ``i, f, g, o = σ, σ, tanh, σ`` of the chunks of ``gi + gh``, ``c' = f·c + i·g``,
    ``h' = o·tanh(c')``.

    Returns ``(h', c', acts)``: h', c' ``(N, H)`` and ``acts`` ``(N, 5H)`` =
    ``[i, f, g, o, tanh(c')]``, what ``lstm_cell_backward`` needs; written into the
    three arrays of ``out`` when given (C-contiguous, c's dtype), which are returned."""
    _check_cell("lstm_cell_forward", 4, "c", c, gi=gi, gh=gh)
    if out is not None:
        n, hidden = c.shape
        _check_out("lstm_cell_forward", c.dtype, h_out=(out[0], c.shape), c_out=(out[1], c.shape),
                   acts=(out[2], (n, 5 * hidden)))
    return cells.lstm_forward(gi, gh, c, out)


def lstm_cell_backward(dh: np.ndarray, dc_out: np.ndarray, acts: np.ndarray, c: np.ndarray,
                       dgates: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The backward of ``lstm_cell_forward`` given the gradients ``dh``, ``dc_out``
    ``(N, H)`` of h' and c', its ``acts`` ``(N, 5H)`` and ``c`` ``(N, H)``. With
    ``δ = dc_out + dh·o·(1 − tanh²c')``, returns ``(dgates, dc)``: dgates ``(N, 4H)`` =
    ``[δ·g·i(1 − i), δ·c·f(1 − f), δ·i·(1 − g²), dh·tanh(c')·o(1 − o)]``, the gradient
    of ``gi`` and of ``gh`` alike (written into ``dgates`` when given: C-contiguous, c's
    dtype), and ``dc = δ·f`` ``(N, H)``."""
    _check_cell("lstm_cell_backward", 5, "c", c, acts=acts)
    _check_same_shape("lstm_cell_backward", "c", c, dh=dh, dc_out=dc_out)
    if dgates is not None:
        _check_out("lstm_cell_backward", c.dtype, dgates=(dgates, (c.shape[0], 4 * c.shape[1])))
    return cells.lstm_backward(dh, dc_out, acts, c, dgates)


def gru_cell_forward(gi: np.ndarray, gh: np.ndarray, h: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """One GRU step's gates and state update (PyTorch's ``nn.GRUCell`` after its matmuls)
    from the input and hidden projections ``gi``, ``gh`` ``(N, 3H)`` (gates r, z, n
    stacked, biases included) and the state ``h`` ``(N, H)``: ``r = σ(gi_r + gh_r)``,
    ``z = σ(gi_z + gh_z)``, ``n = tanh(gi_n + r·gh_n)``, ``h' = (1 − z)·n + z·h``.

    Returns ``(h', acts)``: h' ``(N, H)`` and ``acts`` ``(N, 3H)`` = ``[r, z, n]``."""
    _check_cell("gru_cell_forward", 3, "h", h, gi=gi, gh=gh)
    return cells.gru_forward(gi, gh, h)


def gru_cell_backward(dh_out: np.ndarray, acts: np.ndarray, gh: np.ndarray, h: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The backward of ``gru_cell_forward`` given the gradient ``dh_out`` ``(N, H)`` of
    h', its ``acts`` ``(N, 3H)``, ``gh`` and ``h``. With ``dn = dh_out·(1 − z)·(1 − n²)``,
    ``dr = dn·gh_n·r(1 − r)``, ``dz = dh_out·(h − n)·z(1 − z)``, returns
    ``(dgi, dgh, dh)``: ``dgi = [dr, dz, dn]``, ``dgh = [dr, dz, dn·r]`` ``(N, 3H)`` and
    ``dh = dh_out·z`` ``(N, H)``, h's gradient through h' directly (the part through
    ``gh = h @ W_hhᵀ + b_hh`` is ``dgh @ W_hh``)."""
    _check_cell("gru_cell_backward", 3, "h", h, acts=acts, gh=gh)
    _check_same_shape("gru_cell_backward", "h", h, dh_out=dh_out)
    return cells.gru_backward(dh_out, acts, gh, h)
