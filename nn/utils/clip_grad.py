"""``nn.utils.clip_grad``: PyTorch's module path for the gradient clipping functions, which
live in ``nn.utils`` itself."""

from . import clip_grad_norm, clip_grad_norm_, clip_grad_value_  # noqa: F401

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_"]
