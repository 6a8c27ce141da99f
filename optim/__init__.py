"""graphgrad's optimizers, the course's averages and learning-rate schedules.

Built only on the public names of ``autograd``. PyTorch-named classes follow
PyTorch's update rules step for step; ``Momentum`` and ``EWA`` are the course's forms.
The elementwise updates run as fused Numba kernels (``optim.kernels``;
``GRAPHGRAD_KERNELS=numpy`` selects their NumPy references), and Numba is imported on the
first ``step()``; ``LBFGS`` works on the parameters as one flat vector, in NumPy.
"""

import autograd  # noqa: F401, I001  (first: it picks the BLAS kernels before NumPy loads)

from . import lr_scheduler, search
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .ewa import EWA
from .lbfgs import LBFGS
from .momentum import Momentum
from .muon import Muon
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Momentum", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW",
           "NAdam", "RAdam", "Adamax", "Rprop", "LBFGS", "EWA", "ASGD", "Adafactor", "Muon",
           "lr_scheduler", "search", "swa_utils"]


def __getattr__(name: str):
    # swa_utils builds on nn (AveragedModel is a Module): loaded on first use, so that
    # ``import optim`` does not import nn.
    if name == "swa_utils":
        import importlib

        return importlib.import_module(".swa_utils", __name__)
    raise AttributeError(f"module 'optim' has no attribute {name!r}")
