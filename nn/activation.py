"""Activation layers (seed inventory §3): modules around the ``nn.functional`` activations."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from . import functional as F
from . import init
from .functional.activation import inplace_flag
from .module import Module
from .parameter import Parameter


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


class GELU(Module):
    """``x·Φ(x)`` (``F.gelu``); ``approximate='tanh'`` uses the tanh fit."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got "
                             f"{approximate!r}")
        self.approximate = approximate

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class PReLU(Module):
    """``x`` for x > 0, ``a·x`` otherwise, with learnable slopes ``a`` (``F.prelu``).

    ``weight`` has shape ``(num_parameters,)``, every slope starting at ``init``:
    ``num_parameters=1`` shares one slope across the input, ``num_parameters=C`` gives each
    channel (dim 1 of an ``(N, C, *)`` input) its own. Created in the default dtype
    (``dtype=`` overrides it). Here, as in PyTorch, ``num_parameters`` is that count: an int
    attribute that hides ``Module.num_parameters()`` (``sum(p.numel() for p in
    m.parameters())`` counts the same).
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, dtype: Any = None) -> None:
        if not isinstance(num_parameters, (int, np.integer)) or isinstance(num_parameters, bool) \
                or num_parameters < 0:
            raise ValueError(f"PReLU: num_parameters must be 1 or the number of input channels "
                             f"(an int >= 0), got {num_parameters!r}")
        super().__init__()
        self.num_parameters = int(num_parameters)
        self.init = init
        dtype = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.empty((self.num_parameters,), dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set every slope to ``init`` again."""
        init.constant_(self.weight, self.init)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class LogSigmoid(Module):
    """``log σ(x) = −softplus(−x)``, stable for any input (``F.logsigmoid``)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.logsigmoid(x)


class Softmin(_AlongDim):
    """``softmax(−x)`` along ``dim`` (``F.softmin``); ``dim=None`` is PyTorch's deprecated
    implicit choice (dim 0 for inputs of 0, 1 or 3 dims, else 1), with its warning."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__(dim)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        # _stacklevel 5: the warning points at the line that called the module
        return F.softmin(x, self.dim, _stacklevel=5)


class Threshold(_InPlaceable):
    """``x`` where ``x > threshold``, ``value`` elsewhere (``F.threshold``)."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.threshold = threshold
        self.value = value

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.threshold(x, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return self._with_inplace(f"threshold={self.threshold}, value={self.value}")


class Tanhshrink(Module):
    """``x − tanh(x)`` (``F.tanhshrink``)."""

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.tanhshrink(x)


class Softshrink(Module):
    """``x ∓ lambd`` outside ``[−lambd, lambd]``, 0 inside (``F.softshrink``); lambd >= 0."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.softshrink(x, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Hardshrink(Module):
    """``x`` outside ``[−lambd, lambd]``, 0 inside (``F.hardshrink``)."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return F.hardshrink(x, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)
