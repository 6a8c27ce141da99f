"""Lazy layers: ``LazyLinear``, ``LazyConv1d/2d`` and ``LazyBatchNorm1d/2d`` (PyTorch's)
take their input size from the first batch they see.

Until then their parameters are ``UninitializedParameter``s (and BatchNorm's running
statistics ``UninitializedBuffer``s): empty placeholders of shape ``(0,)`` that hold the
dtype and ``requires_grad``. The first call materializes them from the input's shape,
draws the layer's usual initialization, and turns the module into its ordinary class
(``LazyLinear`` becomes ``Linear``), as PyTorch does. Loading a state dict into a lazy
layer materializes the parameters from the saved shapes instead. Build the optimizer
after the first forward (or after loading): before it there are no parameters to train.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag

from .batchnorm import BatchNorm1d, BatchNorm2d
from .conv import Conv1d, Conv2d
from .linear import Linear
from .parameter import Parameter


class _Placeholder:
    """What the uninitialized tensors share: ``materialize``."""

    __slots__ = ()
    cls_to_become: type = ag.Tensor
    data: np.ndarray

    def materialize(self, shape: Any, dtype: Any = None) -> None:
        """Give the tensor memory of ``shape`` (uninitialized, ``np.empty``) and turn it
        into a ``cls_to_become`` in place."""
        dt = self.data.dtype if dtype is None else np.dtype(dtype)
        self.data = np.empty(tuple(shape), dtype=dt)
        self.__class__ = self.cls_to_become


def _empty(dtype: Any) -> np.ndarray:
    return np.empty(0, dtype=ag.get_default_dtype() if dtype is None else np.dtype(dtype))


class UninitializedParameter(_Placeholder, Parameter):
    """A Parameter whose shape is not known yet: an empty ``(0,)`` placeholder until
    ``materialize(shape)`` gives it (uninitialized) memory and makes it a ``Parameter``.
    PyTorch's refuses every operation meanwhile; this one is an empty tensor, so an
    operation on it fails on its shape."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, dtype: Any = None) -> None:
        Parameter.__init__(self, _empty(dtype), requires_grad=requires_grad)


class UninitializedBuffer(_Placeholder, ag.Tensor):
    """A buffer whose shape is not known yet; ``materialize`` makes it a plain Tensor."""

    __slots__ = ()
    cls_to_become = ag.Tensor

    def __init__(self, requires_grad: bool = False, dtype: Any = None) -> None:
        ag.Tensor.__init__(self, _empty(dtype), requires_grad=requires_grad)


def is_lazy(tensor: Any) -> bool:
    """Whether ``tensor`` is a placeholder that still awaits its shape."""
    return isinstance(tensor, _Placeholder)


class LazyModuleMixin:
    """Infers a layer's sizes from its first input (PyTorch's ``LazyModuleMixin``).

    A subclass defines ``initialize_parameters(input)``, which materializes its
    placeholders, and ``_sizes_from_weights()``, which sets the size attributes from
    materialized ones (after loading), and names the ordinary class in ``cls_to_become``.
    """

    cls_to_become: type | None = None

    def _make_lazy(self, dtype: Any) -> None:
        """Put placeholders of ``dtype`` in place of the weight and bias the layer has, and
        hook the first forward (and a state-dict load) to materialize them."""
        if self.weight is not None:
            self.weight = UninitializedParameter(dtype=dtype)
        if self.bias is not None:
            self.bias = UninitializedParameter(dtype=dtype)
        self._lazy_hooks = (
            self.register_forward_pre_hook(LazyModuleMixin._infer_parameters, with_kwargs=True),
            self.register_load_state_dict_pre_hook(LazyModuleMixin._lazy_load_hook))

    def has_uninitialized_params(self) -> bool:
        """Whether some parameter or buffer of this module is still a placeholder."""
        return any(is_lazy(t) for t in [*self._parameters.values(), *self._buffers.values()])

    def _infer_parameters(self, args: tuple, kwargs: dict) -> None:
        if self.has_uninitialized_params():
            with ag.no_grad():
                self.initialize_parameters(*args, **kwargs)
        if self.has_uninitialized_params():
            raise RuntimeError(f"module {type(self).__name__} has not been fully initialized")
        self._become_concrete()

    def _lazy_load_hook(self, state_dict: Any, prefix: str, *rest: Any) -> None:
        loaded = False
        for registry in (self._parameters, self._buffers):
            for name, t in registry.items():
                key = prefix + name
                if is_lazy(t) and key in state_dict:
                    value = state_dict[key]
                    shape = np.shape(value.data if isinstance(value, ag.Tensor) else value)
                    if shape != (0,):
                        t.materialize(shape)
                        loaded = True
        if loaded and not self.has_uninitialized_params():
            self._sizes_from_weights()

    def _become_concrete(self) -> None:
        for handle in self._lazy_hooks:
            handle.remove()
        del self._lazy_hooks
        if self.cls_to_become is not None:
            self.__class__ = self.cls_to_become

    def _channels(self, input: Any, ranks: tuple[int, ...], unbatched: int | None) -> int:
        """The size of the channel axis: 1, or 0 for an input of rank ``unbatched``."""
        x = input if isinstance(input, ag.Tensor) else ag.as_tensor(input)
        if x.ndim not in ranks:
            raise ag.ShapeError(f"{type(self).__name__}: expected a "
                                f"{' or '.join(map(str, ranks))}-D input to infer its size "
                                f"from, got shape {x.shape}")
        return int(x.shape[0 if x.ndim == unbatched else 1])


class LazyLinear(LazyModuleMixin, Linear):
    """``Linear`` whose ``in_features`` is the last axis of the first input: ``weight``
    becomes ``(out_features, in_features)`` then, with ``Linear``'s initialization."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__(1, out_features, bias, dtype, rng)
        self.in_features = 0
        self._lazy_rng = rng
        self._make_lazy(self.weight.dtype)

    def initialize_parameters(self, input: Any, *args: Any, **kwargs: Any) -> None:
        """Materialize ``weight``/``bias`` for ``input.shape[-1]`` features and draw them."""
        x = input if isinstance(input, ag.Tensor) else ag.as_tensor(input)
        if x.ndim == 0:
            raise ag.ShapeError("LazyLinear: expected an input with a features axis, got a "
                                "0-d tensor")
        self.in_features = int(x.shape[-1])
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self.reset_parameters(self._lazy_rng)

    def _sizes_from_weights(self) -> None:
        self.in_features = int(self.weight.shape[1])


class _LazyConv(LazyModuleMixin):
    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", dtype: Any = None,
                 rng: np.random.Generator | None = None) -> None:
        self.cls_to_become.__init__(self, groups, out_channels, kernel_size, stride, padding,
                                    dilation, groups, bias, padding_mode, dtype, rng)
        self.in_channels = 0
        self._lazy_rng = rng
        self._make_lazy(self.weight.dtype)

    def initialize_parameters(self, input: Any, *args: Any, **kwargs: Any) -> None:
        """Materialize ``weight`` (``(C_out, C_in/groups, *kernel_size)``, or the
        transposed layers' ``(C_in, C_out/groups, *kernel_size)``) for the input's channel
        axis (axis 1, or 0 for an unbatched input) and draw it and the bias."""
        nd = self._nd
        channels = self._channels(input, (nd + 1, nd + 2), unbatched=nd + 1)
        if channels == 0 or channels % self.groups:
            raise ValueError(f"{type(self).__name__}: the input's {channels} channels must be "
                             f"a positive multiple of groups ({self.groups})")
        self.in_channels = channels
        self.weight.materialize(self._weight_shape(channels))
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.reset_parameters(self._lazy_rng)

    def _weight_shape(self, channels: int) -> tuple[int, ...]:
        return (self.out_channels, channels // self.groups, *self.kernel_size)

    def _sizes_from_weights(self) -> None:
        self.in_channels = int(self.weight.shape[1]) * self.groups


class LazyConv1d(_LazyConv, Conv1d):
    """``Conv1d`` whose ``in_channels`` comes from the first input ``(N, C_in, L)``."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """``Conv2d`` whose ``in_channels`` comes from the first input ``(N, C_in, H, W)``."""

    cls_to_become = Conv2d


class _LazyBatchNorm(LazyModuleMixin):
    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, dtype: Any = None, *,
                 bias: bool = True) -> None:
        self.cls_to_become.__init__(self, 1, eps, momentum, affine, track_running_stats, dtype,
                                    bias=bias)
        self.num_features = 0
        dt = ag.get_default_dtype() if dtype is None else np.dtype(dtype)
        if self.running_mean is not None:
            self.running_mean = UninitializedBuffer(dtype=dt)
            self.running_var = UninitializedBuffer(dtype=dt)
        self._make_lazy(dt)

    def initialize_parameters(self, input: Any, *args: Any, **kwargs: Any) -> None:
        """Materialize γ (ones), β (zeros) and the running statistics (0 and 1) for the
        input's channel axis 1."""
        n = self._channels(input, self._ranks, unbatched=None)
        self.num_features = n
        for name, fill in (("weight", 1), ("bias", 0), ("running_mean", 0),
                           ("running_var", 1)):
            t = getattr(self, name)
            if t is not None:
                t.materialize((n,))
                t.data.fill(fill)
        if self.num_batches_tracked is not None:
            self.num_batches_tracked.data.fill(0)

    def _sizes_from_weights(self) -> None:
        t = self.weight if self.weight is not None else self.running_mean
        if t is not None:
            self.num_features = int(t.shape[0])


class LazyBatchNorm1d(_LazyBatchNorm, BatchNorm1d):
    """``BatchNorm1d`` whose ``num_features`` is axis 1 of the first ``(N, C)`` or
    ``(N, C, L)`` input."""

    cls_to_become = BatchNorm1d
    _ranks = (2, 3)


class LazyBatchNorm2d(_LazyBatchNorm, BatchNorm2d):
    """``BatchNorm2d`` whose ``num_features`` is axis 1 of the first ``(N, C, H, W)``
    input."""

    cls_to_become = BatchNorm2d
    _ranks = (4,)
