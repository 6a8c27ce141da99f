"""Ready-made parametrizations (PyTorch's ``nn.utils.parametrizations``): ``weight_norm``
(a weight as magnitude × direction) and ``spectral_norm`` (a weight divided by its largest
singular value, estimated by power iteration)."""

from __future__ import annotations

import autograd as ag

from ..functional.distance import normalize
from ..module import Module
from .parametrize import register_parametrization


def norm_except_dim(v: ag.Tensor, dim: int) -> ag.Tensor:
    """The 2-norm of ``v`` over every dimension but ``dim``, kept with size 1 (PyTorch's
    ``torch.norm_except_dim``); ``dim=-1`` is PyTorch's code for the norm of all of ``v``
    (a 0-d result), not the last dimension."""
    if dim == -1:
        return ag.norm(v)
    dim = dim % v.ndim
    others = tuple(d for d in range(v.ndim) if d != dim)
    return ag.norm(v, 2, dim=others, keepdim=True) if others else ag.abs(v)


class _WeightNorm(Module):
    """``w = g · v / ‖v‖`` with the norm over every dimension but ``dim``."""

    def __init__(self, dim: int | None) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: ag.Tensor, weight_v: ag.Tensor) -> ag.Tensor:
        return weight_v * (weight_g / norm_except_dim(weight_v, self.dim))

    def right_inverse(self, weight: ag.Tensor) -> tuple[ag.Tensor, ag.Tensor]:
        return norm_except_dim(weight, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Reparametrize ``module.<name>`` as ``g · v / ‖v‖`` (Salimans & Kingma), the norm taken
    over every dimension but ``dim`` (``None``: over all of it). ``g`` is stored as
    ``parametrizations.<name>.original0`` (shape: size 1 except along ``dim``), ``v`` as
    ``original1``, as PyTorch's. Returns ``module``."""
    return register_parametrization(module, name, _WeightNorm(dim), unsafe=True)


class _SpectralNorm(Module):
    """``W / σ(W)``, σ estimated as ``uᵀ W_mat v`` with ``u``, ``v`` kept as buffers and
    refined by ``n_power_iterations`` power-iteration steps on every read in training
    mode (none in eval mode). ``W_mat`` is ``W`` with ``dim`` moved first, flattened to 2-D.
    A 1-D weight is just normalized."""

    def __init__(self, weight: ag.Tensor, n_power_iterations: int = 1, dim: int = 0,
                 eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"spectral_norm: Dimension out of range (expected to be in range "
                             f"of [-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim % ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            w = self._as_matrix(weight)
            u = ag.randn(w.shape[0], dtype=weight.dtype)
            v = ag.randn(w.shape[1], dtype=weight.dtype)
            self.register_buffer("_u", normalize(u, dim=0, eps=eps))
            self.register_buffer("_v", normalize(v, dim=0, eps=eps))
            self._power_method(w, 15)

    def _as_matrix(self, weight: ag.Tensor) -> ag.Tensor:
        if self.dim != 0:
            weight = ag.permute(weight, (self.dim, *(d for d in range(weight.ndim)
                                                     if d != self.dim)))
        return ag.flatten(weight, 1)

    def _power_method(self, w: ag.Tensor, iterations: int) -> None:
        with ag.no_grad():
            w = w.detach()
            for _ in range(iterations):
                self._u.copy_(normalize(ag.mv(w, self._v), dim=0, eps=self.eps))
                self._v.copy_(normalize(ag.mv(w.T, self._u), dim=0, eps=self.eps))

    def forward(self, weight: ag.Tensor) -> ag.Tensor:
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        w = self._as_matrix(weight)
        if self.training:
            self._power_method(w, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        return weight / ag.vdot(u, ag.mv(w, v))

    def right_inverse(self, value: ag.Tensor) -> ag.Tensor:
        return value


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim: int | None = None) -> Module:
    """Divide ``module.<name>`` by its spectral norm (largest singular value), estimated by
    power iteration (Miyato et al.), as PyTorch's ``parametrizations.spectral_norm``: the
    vectors ``u``, ``v`` are buffers ``parametrizations.<name>.0._u``/``_v``, drawn from
    N(0, 1) (``autograd.manual_seed``), normalized and refined by 15 steps at registration,
    then by ``n_power_iterations`` steps on each read in training mode. ``dim`` (the output
    dimension) defaults to 1 for transposed convolutions and 0 otherwise. The gradient flows
    through σ with u, v held fixed. Returns ``module``."""
    weight = getattr(module, name, None)
    if not isinstance(weight, ag.Tensor):
        raise ValueError(f"Module '{type(module).__name__}' has no parameter or buffer with "
                         f"name '{name}'")
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


__all__ = ["weight_norm", "spectral_norm"]
from .orthogonal import orthogonal  # noqa: E402

__all__ += ["orthogonal"]
