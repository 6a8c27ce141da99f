"""Neural-network layers, losses, initializers and persistence, built on ``autograd``.

>>> import autograd as ag, nn
>>> model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
>>> loss = nn.MSELoss()(model(ag.randn(8, 2)), ag.randn(8, 1))
>>> loss.backward()
"""

import autograd  # noqa: F401, I001  (first: it picks the BLAS kernels before NumPy loads)

from . import data, datasets, functional, init, metrics, utils
from .activation import (
    CELU,
    ELU,
    SELU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    GELU,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Softshrink,
    Softsign,
    Tanh,
    Tanhshrink,
    Threshold,
)
from .batchnorm import BatchNorm1d
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .distance import CosineSimilarity, PairwiseDistance
from .dropout import (
    AlphaDropout,
    Dropout,
    Dropout1d,
    Dropout2d,
    Dropout3d,
    FeatureAlphaDropout,
)
from .linear import Flatten, Identity, Linear, Unflatten
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    MultiLabelSoftMarginLoss,
    MultiMarginLoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    SoftMarginLoss,
    TripletMarginLoss,
)
from .module import IncompatibleKeys, Module
from .normalization import LayerNorm, RMSNorm
from .parameter import Parameter
from .serialization import StateDictFileError, load, save
from .sparse import Embedding
from .training import EarlyStopping, History, TrainingDiverged, evaluate, fit, predict

from .conv import (
    Conv1d,
    Conv2d,
    Conv3d,
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
)
from .fold import Fold, Unfold
from .padding import (
    CircularPad1d,
    CircularPad2d,
    CircularPad3d,
    ConstantPad1d,
    ConstantPad2d,
    ConstantPad3d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReflectionPad3d,
    ReplicationPad1d,
    ReplicationPad2d,
    ReplicationPad3d,
    ZeroPad1d,
    ZeroPad2d,
    ZeroPad3d,
)
from .pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveAvgPool3d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AdaptiveMaxPool3d,
    AvgPool1d,
    AvgPool2d,
    AvgPool3d,
    LPPool1d,
    LPPool2d,
    LPPool3d,
    MaxPool1d,
    MaxPool2d,
    MaxPool3d,
    MaxUnpool1d,
    MaxUnpool2d,
    MaxUnpool3d,
)
from .upsampling import (
    ChannelShuffle,
    PixelShuffle,
    PixelUnshuffle,
    Upsample,
    UpsamplingBilinear2d,
    UpsamplingNearest2d,
)
from .activation_more import GLU, RReLU, Softmax2d
from .batchnorm import BatchNorm2d, BatchNorm3d
from .bilinear import Bilinear
from .group_norm import GroupNorm, LocalResponseNorm
from .instance_norm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .rnn import GRU, LSTM, RNN
from .rnn_cells import GRUCell, LSTMCell, RNNCell
from .attention import MultiheadAttention
from .transformer import TransformerEncoder, TransformerEncoderLayer

from .sparse import EmbeddingBag
from .transformer_decoder import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
)
from .adaptive import AdaptiveLogSoftmaxWithLoss
from .fractional_pooling import FractionalMaxPool2d
from .losses_more import (
    CTCLoss,
    MultiLabelMarginLoss,
    TripletMarginWithDistanceLoss,
)

from .buffer import Buffer
from .lazy import (
    LazyBatchNorm1d,
    LazyBatchNorm2d,
    LazyConv1d,
    LazyConv2d,
    LazyLinear,
    LazyModuleMixin,
    UninitializedBuffer,
    UninitializedParameter,
)

from .cross_map_lrn import CrossMapLRN2d
from .fractional_pooling import FractionalMaxPool3d
from .rnn import RNNBase
from .rnn_cells import RNNCellBase
from .lazy_more import (
    LazyBatchNorm3d,
    LazyConv3d,
    LazyConvTranspose1d,
    LazyConvTranspose2d,
    LazyConvTranspose3d,
    LazyInstanceNorm1d,
    LazyInstanceNorm2d,
    LazyInstanceNorm3d,
)

__all__ = [
    "Module", "Parameter", "IncompatibleKeys", "Sequential", "ModuleList", "ModuleDict",
    "ParameterList", "ParameterDict",
    "Linear", "Identity", "Flatten", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax",
    "LogSoftmax", "ELU", "SELU", "CELU", "SiLU", "Mish", "Softplus", "Hardtanh", "ReLU6",
    "Softsign", "Hardsigmoid", "Hardswish", "Unflatten", "LayerNorm", "RMSNorm", "Embedding",
    "GELU", "PReLU", "LogSigmoid", "Softmin", "Threshold", "Tanhshrink", "Softshrink", "Hardshrink",
    "CosineSimilarity", "PairwiseDistance",
    "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout",
    "BatchNorm1d", "MSELoss", "BCELoss", "BCEWithLogitsLoss",
    "CrossEntropyLoss", "NLLLoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "KLDivLoss",
    "PoissonNLLLoss", "GaussianNLLLoss", "MarginRankingLoss", "HingeEmbeddingLoss",
    "SoftMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss", "CosineEmbeddingLoss",
    "TripletMarginLoss",
    "functional", "init", "utils", "save", "load",
    "StateDictFileError", "fit", "evaluate", "predict", "History", "EarlyStopping",
    "TrainingDiverged", "data", "datasets", "metrics",
    "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
    "Fold", "Unfold", "CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d",
    "ConstantPad2d", "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
    "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d",
    "ZeroPad3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AvgPool1d", "AvgPool2d",
    "AvgPool3d", "LPPool1d", "LPPool2d", "LPPool3d", "MaxPool1d", "MaxPool2d", "MaxPool3d",
    "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "ChannelShuffle", "PixelShuffle",
    "PixelUnshuffle", "Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d", "BatchNorm2d",
    "BatchNorm3d", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
    "LocalResponseNorm", "GLU", "RReLU", "Softmax2d", "Bilinear", "RNN", "LSTM", "GRU",
    "RNNCell", "LSTMCell", "GRUCell", "MultiheadAttention", "TransformerEncoderLayer",
    "TransformerEncoder",
    "TransformerDecoderLayer", "TransformerDecoder", "Transformer", "EmbeddingBag",
    "AdaptiveLogSoftmaxWithLoss", "CTCLoss", "MultiLabelMarginLoss",
    "TripletMarginWithDistanceLoss", "FractionalMaxPool2d",
    "Buffer", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyBatchNorm1d", "LazyBatchNorm2d",
    "LazyModuleMixin", "UninitializedParameter", "UninitializedBuffer",
    "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d",
    "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d",
    "FractionalMaxPool3d", "RNNBase", "RNNCellBase", "CrossMapLRN2d",
]
