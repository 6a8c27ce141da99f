"""Every compiled kernel of this package run once on one dtype: what builds them all ahead
of time (``graphgrad build-kernels``), and what ``tests/autograd/test_aot.py`` compares
between the ahead-of-time builds and Numba's JIT."""

from __future__ import annotations

import numpy as np

from . import (
    add_bias_,
    batch_norm_backward,
    batch_norm_forward,
    batch_norm_stats,
    col2im,
    dropout_mask_scale,
    erf,
    erfc,
    exp,
    gelu,
    gelu_backward,
    gelu_tanh,
    gelu_tanh_backward,
    gru_cell_backward,
    gru_cell_forward,
    im2col,
    im2col_taps,
    keep_mask,
    leaky_relu,
    leaky_relu_backward,
    log,
    lstm_cell_backward,
    lstm_cell_forward,
    max_pool_argmax,
    mul_backward,
    outer,
    plane_scatter_add,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    softmax_xent_backward,
    softmax_xent_forward,
    softmax_xent_labels_backward,
    softmax_xent_labels_forward,
    softplus,
    softplus_backward,
    tanh,
    tanh_backward,
)


def exercise(dtype: type) -> dict[str, np.ndarray]:
    """Run every kernel serially on seeded float ``dtype`` data (5,000 elements, above every
    ``sizes.COMPILED_MIN`` but ``mul_backward``'s, which gets 2^16; the elementwise
    activations, erf, erfc and GELU, and the in-place forms of exp, sigmoid, tanh and relu;
    the product's two gradients; im2col (short runs, long ones, taps first), col2im, max pooling
    over planes and channels-last and its scatter; the LSTM and GRU cells forward and
    backward; softmax cross-entropy with soft targets, with int64 and int32 labels, a
    gradient per row and a scalar one; batch norm with and without γ, β; a linear layer's
    bias and a batch of one's weight gradient; dropout) and return each output by name."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal(5000).astype(dtype) * 3
    g = rng.standard_normal(5000).astype(dtype)
    out = {"exp": exp(x), "log": log(np.abs(x) + dtype(0.1)), "tanh": tanh(x),
           "sigmoid": sigmoid(x), "relu": relu(x), "softplus": softplus(x),
           "leaky_relu": leaky_relu(x, 0.1), "erf": erf(x), "erfc": erfc(x), "gelu": gelu(x),
           "gelu_tanh": gelu_tanh(x)}
    for name, kernel in (("exp", exp), ("sigmoid", sigmoid), ("tanh", tanh), ("relu", relu)):
        written = x.copy()
        out[f"{name}_inplace"] = kernel(written, out=written)
    out |= {"tanh_backward": tanh_backward(g, out["tanh"]),
            "sigmoid_backward": sigmoid_backward(g, out["sigmoid"]),
            "relu_backward": relu_backward(g, x), "softplus_backward": softplus_backward(g, x),
            "leaky_relu_backward": leaky_relu_backward(g, x, 0.1),
            "gelu_backward": gelu_backward(g, x), "gelu_tanh_backward": gelu_tanh_backward(g, x)}
    wide = rng.standard_normal((3, 1 << 16)).astype(dtype)
    out["mul_backward_a"], out["mul_backward_b"] = mul_backward(*wide)

    z = rng.standard_normal((64, 10)).astype(dtype)
    targets = rng.random((64, 10)).astype(dtype)
    losses, probs, asum = softmax_xent_forward(z, targets)
    out |= {"xent_losses": losses, "xent_probs": probs,
            "xent_backward": softmax_xent_backward(probs, targets, asum, 1.0),
            "xent_backward_rows": softmax_xent_backward(probs, targets, asum, g[:64])}
    weight = rng.random(64).astype(dtype)
    for label_dtype in (np.int64, np.int32):
        labels = rng.integers(0, 10, 64).astype(label_dtype)
        losses, probs = softmax_xent_labels_forward(z, labels, weight)
        out[f"labels_{label_dtype.__name__}"] = losses
        out[f"labels_backward_{label_dtype.__name__}"] = softmax_xent_labels_backward(
            probs, labels, weight, g[:64])

    xb = rng.standard_normal((32, 16)).astype(dtype)
    mean, var = batch_norm_stats(xb)
    inv_std = (1 / np.sqrt(var + dtype(1e-5))).astype(dtype)
    gamma, beta = rng.random(16).astype(dtype), rng.random(16).astype(dtype)
    out |= {"bn_mean": mean, "bn_var": var,
            "bn_forward": batch_norm_forward(xb, mean, inv_std, gamma, beta),
            "bn_forward_plain": batch_norm_forward(xb, mean, inv_std, None, None)}
    grads = batch_norm_backward(g[:512].reshape(32, 16), xb, mean, inv_std, gamma)
    out |= {f"bn_backward_{i}": part for i, part in enumerate(grads)}
    out["add_bias"] = add_bias_(xb.copy(), gamma)
    out["outer"] = outer(g[:40], x[:70])
    keep = keep_mask(x.shape, 0.8, 2**64 - 5)
    out |= {"keep": keep, "dropout": dropout_mask_scale(x, keep, 0.8)}

    image = x[:2 * 4 * 9 * 11].reshape(2, 4, 9, 11)
    geometry = ((3, 2), (1, 2), (2, 1), ((1, 1), (0, 2)), (9, 11), (5, 11), 2)
    rows = im2col(image, *geometry)
    values, indices = max_pool_argmax(image.reshape(8, 9, 11), (3, 2), (2, 1), (1, 1),
                                      (1, 2), (5, 11))
    wide_image = x[:2 * 16 * 5 * 6].reshape(2, 16, 5, 6)  # runs of 16+ values: im2col's loop
    out["im2col_runs"] = im2col(wide_image, (2, 2), (1, 1), (1, 2), ((1, 0), (0, 1)), (5, 6),
                                (5, 3), 1)
    last_values, last_indices = max_pool_argmax(np.moveaxis(image, 1, -1), (3, 2), (2, 1),
                                                (1, 1), (1, 2), (5, 11), channels_last=True)
    out["im2col_taps"] = im2col_taps(image, (3, 2), (1, 2), (2, 1), ((1, 1), (0, 2)), (9, 11),
                                     (5, 11))
    out |= {"im2col": rows, "col2im": col2im(rows * dtype(0.5), *geometry),
            "max_pool_values": values, "max_pool_indices": indices,
            "max_pool_last_values": last_values, "max_pool_last_indices": last_indices,
            "plane_scatter_add": plane_scatter_add(values, indices, 99)}

    hidden = 24
    gi, gh = x[:32 * 4 * hidden].reshape(32, 4 * hidden), g[:32 * 4 * hidden].reshape(32, -1)
    state, dh = x[-32 * hidden:].reshape(32, hidden), g[-32 * hidden:].reshape(32, hidden)
    h_new, c_new, acts = lstm_cell_forward(gi, gh, state)
    dgates, dc = lstm_cell_backward(dh, dh[::-1].copy(), acts, state)
    out |= {"lstm_h": h_new, "lstm_c": c_new, "lstm_acts": acts, "lstm_dgates": dgates,
            "lstm_dc": dc}
    gi, gh = gi[:, :3 * hidden].copy(), gh[:, :3 * hidden].copy()
    h_new, acts = gru_cell_forward(gi, gh, state)
    grads = gru_cell_backward(dh, acts, gh, state)
    out |= {"gru_h": h_new, "gru_acts": acts}
    out |= {f"gru_backward_{i}": part for i, part in enumerate(grads)}
    return out
