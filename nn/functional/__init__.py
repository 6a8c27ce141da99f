"""``nn.functional`` (import it as ``F``): layers, activations and losses as functions.

The names and signatures are ``torch.nn.functional``'s; ``l2_penalty`` is the
course's regularization term.
"""

from .activation import (
    celu,
    celu_,
    elu,
    elu_,
    gelu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    hardtanh_,
    leaky_relu,
    leaky_relu_,
    linear,
    linear_relu,
    log_softmax,
    logsigmoid,
    mish,
    one_hot,
    prelu,
    relu,
    relu6,
    relu_,
    selu,
    selu_,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanh,
    tanhshrink,
    threshold,
    threshold_,
)
from .activation_more import glu, gumbel_softmax, rrelu, rrelu_
from .adaptive_pooling import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
)
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .batch_norm import BatchNormTrain, batch_norm
from .bilinear import bilinear
from .conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from .ctc import ctc_loss
from .distance import cosine_similarity, normalize, pairwise_distance
from .dropout import (
    DropoutMaskScale,
    alpha_dropout,
    dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    dropout_mask,
    feature_alpha_dropout,
    keep_mask,
)
from .fold import fold, unfold
from .fractional_pooling import (
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
)
from .grid_sample import affine_grid, grid_sample
from .group_norm import group_norm, instance_norm
from .local_response_norm import local_response_norm
from .loss import (
    ClampedBinaryCrossEntropy,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
    nll_loss,
)
from .losses_more import (
    multilabel_margin_loss,
    triplet_margin_with_distance_loss,
)
from .margin_losses import (
    cosine_embedding_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_soft_margin_loss,
    soft_margin_loss,
    triplet_margin_loss,
)
from .more_losses import (
    gaussian_nll_loss,
    huber_loss,
    kl_div,
    l1_loss,
    poisson_nll_loss,
    smooth_l1_loss,
)
from .normalization import layer_norm, rms_norm
from .padding import pad
from .pdist import pdist
from .pooling import (
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
)
from .pooling_indices import (
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d_with_indices,
    max_pool1d_with_indices,
    max_pool2d_with_indices,
    max_pool3d_with_indices,
)
from .regularization import l2_penalty
from .sparse import embedding, embedding_bag
from .unpooling import max_unpool1d, max_unpool2d, max_unpool3d
from .upsample_deprecated import upsample, upsample_bilinear, upsample_nearest
from .upsampling import (
    channel_shuffle,
    interpolate,
    pixel_shuffle,
    pixel_unshuffle,
)

__all__ = [
    "linear", "linear_relu", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax",
    "one_hot",
    "elu", "selu", "celu", "silu", "mish", "softplus", "hardtanh", "relu6", "softsign",
    "hardsigmoid", "hardswish", "layer_norm", "rms_norm", "embedding",
    "gelu", "prelu", "logsigmoid", "softmin", "threshold", "threshold_", "tanhshrink", "softshrink",
    "hardshrink", "cosine_similarity", "pairwise_distance", "normalize",
    "relu_", "leaky_relu_", "elu_", "selu_", "celu_", "hardtanh_",
    "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
    "dropout_mask", "keep_mask", "batch_norm", "mse_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "l2_penalty",
    "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div", "poisson_nll_loss",
    "gaussian_nll_loss", "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
    "multilabel_soft_margin_loss", "multi_margin_loss", "cosine_embedding_loss",
    "triplet_margin_loss",
    "BatchNormTrain", "DropoutMaskScale", "SoftmaxCrossEntropy", "SigmoidBinaryCrossEntropy",
    "ClampedBinaryCrossEntropy",
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "fold", "unfold", "pad", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
    "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
    "avg_pool1d", "avg_pool2d", "avg_pool3d", "lp_pool1d", "lp_pool2d", "lp_pool3d",
    "max_pool1d", "max_pool2d", "max_pool3d", "max_unpool1d", "max_unpool2d", "max_unpool3d",
    "channel_shuffle", "interpolate", "pixel_shuffle", "pixel_unshuffle", "group_norm",
    "instance_norm", "local_response_norm", "glu", "rrelu", "rrelu_", "gumbel_softmax",
    "bilinear", "pdist", "scaled_dot_product_attention", "multi_head_attention_forward",
    "embedding_bag", "ctc_loss", "multilabel_margin_loss", "triplet_margin_with_distance_loss",
    "affine_grid", "grid_sample", "fractional_max_pool2d",
    "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices", "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d", "fractional_max_pool3d_with_indices",
    "upsample", "upsample_nearest", "upsample_bilinear",
]
