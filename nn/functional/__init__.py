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
from .batch_norm import BatchNormTrain, batch_norm
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
from .regularization import l2_penalty
from .sparse import embedding

__all__ = [
    "linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "one_hot",
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
]
