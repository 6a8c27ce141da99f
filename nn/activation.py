"""Activation layers (seed inventory §3): modules around the ``nn.functional`` activations."""

from __future__ import annotations

import autograd as ag

from . import functional as F
from .functional.activation import inplace_flag
from .module import Module


class _InPlaceable(Module):
    """An activation with PyTorch's ``inplace=`` flag: True writes the result into the
    input and returns it (``F.relu(x, inplace=True)`` and the like)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace_flag(type(self).__name__, inplace)

    def _with_inplace(self, text: str) -> str:
        """``extra_repr`` text followed by ``inplace=True`` when set, as PyTorch prints it."""
        if not self.inplace:
            return text
        return f"{text}, inplace=True" if text else "inplace=True"


class ReLU(_InPlaceable):
    """``max(0, x)`` elementwise; relu'(0) = 0. The course's default for hidden layers.
    ``ReLU(inplace=True)`` overwrites its input (PyTorch's flag; saves one activation)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.relu(x, self.inplace)

    def extra_repr(self) -> str:
        return self._with_inplace("")


class LeakyReLU(_InPlaceable):
    """``x if x > 0 else negative_slope·x`` (course §3: ``max(0.01 z, z)``)."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.negative_slope = negative_slope

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.leaky_relu(x, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return self._with_inplace(f"negative_slope={self.negative_slope}")


class Sigmoid(Module):
    """``1 / (1 + e^-x)``: the course's output layer for binary classification."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """``tanh(x)``: zero-centred, the course's classic hidden-layer activation."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.tanh(x)


class _AlongDim(Module):
    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """``e^{x_i} / Σ_j e^{x_j}`` along ``dim`` (default the last: rows of ``(N, C)``).

    For training pass the logits to ``CrossEntropyLoss`` rather than this output.
    """

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.softmax(x, self.dim)


class LogSoftmax(_AlongDim):
    """``x_i − log Σ_j e^{x_j}`` along ``dim``; pair it with ``NLLLoss``."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.log_softmax(x, self.dim)


# ------------------------------------------------------- more activations
# PyTorch's modules of the same names. Each maps ``(*)`` to the same shape; the formulas,
# and the gradients at the kinks, are documented on the ``nn.functional`` forms.
# ``inplace=True`` writes the result into the input, as PyTorch's.


class ELU(_InPlaceable):
    """``x`` for x > 0, ``alpha·(e^x − 1)`` for x <= 0 (``F.elu``)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.alpha = alpha

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.elu(x, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return self._with_inplace(f"alpha={self.alpha}")


class SELU(_InPlaceable):
    """``scale·x`` for x > 0, ``scale·alpha·(e^x − 1)`` for x <= 0, with PyTorch's fixed
    alpha ≈ 1.6733 and scale ≈ 1.0507 (``F.selu``)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.selu(x, self.inplace)


    def extra_repr(self) -> str:
        return self._with_inplace("")

class CELU(_InPlaceable):
    """``max(0, x) + min(0, alpha·(e^{x/alpha} − 1))`` (``F.celu``)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.alpha = alpha

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.celu(x, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return self._with_inplace(f"alpha={self.alpha}")


class SiLU(_InPlaceable):
    """``x·σ(x)``, the swish (``F.silu``)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.silu(x, self.inplace)


    def extra_repr(self) -> str:
        return self._with_inplace("")

class Mish(_InPlaceable):
    """``x·tanh(softplus(x))`` (``F.mish``)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.mish(x, self.inplace)


    def extra_repr(self) -> str:
        return self._with_inplace("")

class Softplus(Module):
    """``log(1 + e^{beta·x}) / beta``, linear (``x``) where ``beta·x > threshold``
    (``F.softplus``)."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(_InPlaceable):
    """``clip(x, min_val, max_val)``, gradient 0 at the bounds (``F.hardtanh``); PyTorch's
    module requires ``max_val > min_val``."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0,
                 inplace: bool = False) -> None:
        super().__init__(inplace)
        if not max_val > min_val:
            raise ValueError(f"{type(self).__name__}: max_val ({max_val}) must be greater than "
                             f"min_val ({min_val})")
        self.min_val = min_val
        self.max_val = max_val

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.hardtanh(x, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return self._with_inplace(f"min_val={self.min_val}, max_val={self.max_val}")


class ReLU6(Hardtanh):
    """``min(max(0, x), 6)``: ``Hardtanh(0, 6)``, as in PyTorch (``F.relu6``)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.relu6(x, self.inplace)

    def extra_repr(self) -> str:
        return self._with_inplace("")


class Softsign(Module):
    """``x / (1 + |x|)`` (``F.softsign``)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.softsign(x)


class Hardsigmoid(_InPlaceable):
    """``relu6(x + 3)/6``: 0 below −3, 1 above 3, linear between (``F.hardsigmoid``)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.hardsigmoid(x, self.inplace)


class Hardswish(_InPlaceable):
    """``x·relu6(x + 3)/6`` (``F.hardswish``)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.hardswish(x, self.inplace)


# ------------------------------------------------------------- reshaping
