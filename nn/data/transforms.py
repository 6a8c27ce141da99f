"""Composable, seeded data augmentation for batches of images (seed inventory §6.4).

Every transform takes a batch ``(N, H, W)`` or ``(N, C, H, W)`` and returns a new array of the
same shape and dtype, drawing one random decision per example from its own generator.
The course lists flips, shifts/crops and noise as cheap extra data (S0 L411-433): cheaper than
new examples but not as good, since augmented examples are correlated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import autograd as ag

from ._common import LazyRng, Seed

Transform = Callable[[np.ndarray], np.ndarray]


def _images(x: Any, name: str) -> np.ndarray:
    arr = x.data if isinstance(x, ag.Tensor) else np.asarray(x)
    if arr.ndim not in (3, 4):
        raise ValueError(f"{name}: expects a batch of images (N, H, W) or (N, C, H, W), got "
                         f"shape {arr.shape}; reshape flat rows first, e.g. X.reshape(-1, 8, 8)")
    return arr


def _probability(p: float, name: str) -> float:
    if not (isinstance(p, int | float) and 0.0 <= p <= 1.0):
        raise ValueError(f"{name}: p must be a probability in [0, 1], got {p!r}")
    return float(p)


class Compose:
    """Apply transforms one after another: ``Compose([t1, t2])(x) == t2(t1(x))``."""

    def __init__(self, transforms: Sequence[Transform]) -> None:
        transforms = list(transforms)
        for t in transforms:
            if not callable(t):
                raise TypeError(f"Compose: every transform must be callable, got {t!r}")
        self.transforms = transforms

    def __call__(self, x: np.ndarray) -> np.ndarray:
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self) -> str:
        return "Compose([" + ", ".join(map(repr, self.transforms)) + "])"


class RandomHorizontalFlip:
    """Mirror each image left-right (``x[..., ::-1]``) with probability ``p``."""

    def __init__(self, p: float = 0.5, seed: Seed = None) -> None:
        self.p = _probability(p, "RandomHorizontalFlip")
        self.rng = LazyRng(seed, "RandomHorizontalFlip")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        arr = _images(x, "RandomHorizontalFlip")
        flip = self.rng.get().random(arr.shape[0]) < self.p
        out = arr.copy()
        out[flip] = arr[flip][..., ::-1]
        return out

    def __repr__(self) -> str:
        return f"RandomHorizontalFlip(p={self.p})"


class RandomShift:
    """Translate each image by integers ``(dy, dx)`` drawn uniformly from
    ``[-max_shift, max_shift]``, filling the uncovered border with ``fill`` (the content
    shifted out is lost, as in a random crop of a padded image)."""

    def __init__(self, max_shift: int = 2, fill: float = 0.0, seed: Seed = None) -> None:
        if isinstance(max_shift, bool) or not isinstance(max_shift, int | np.integer) \
                or max_shift < 0:
            raise ValueError(f"RandomShift: max_shift must be a non-negative integer, got "
                             f"{max_shift!r}")
        self.max_shift = int(max_shift)
        self.fill = fill
        self.rng = LazyRng(seed, "RandomShift")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        arr = _images(x, "RandomShift")
        s = self.max_shift
        h, w = arr.shape[-2:]
        shifts = self.rng.get().integers(-s, s + 1, size=(arr.shape[0], 2))
        out = np.full_like(arr, self.fill)
        # One vectorized copy per distinct (dy, dx): at most (2s+1)^2 groups.
        for dy, dx in np.unique(shifts, axis=0):
            rows = np.flatnonzero((shifts[:, 0] == dy) & (shifts[:, 1] == dx))
            if abs(dy) >= h or abs(dx) >= w:
                continue
            dst = (slice(max(dy, 0), h + min(dy, 0)), slice(max(dx, 0), w + min(dx, 0)))
            src = (slice(max(-dy, 0), h + min(-dy, 0)), slice(max(-dx, 0), w + min(-dx, 0)))
            out[(rows, Ellipsis, *dst)] = arr[(rows, Ellipsis, *src)]
        return out

    def __repr__(self) -> str:
        return f"RandomShift(max_shift={self.max_shift}, fill={self.fill})"


class GaussianNoise:
    """Add ``N(0, std²)`` noise to every pixel; integer images are returned as the default
    float dtype (noise is not an integer), float images keep their dtype. ``clip=(lo, hi)``
    keeps values in range, e.g. ``(0, 1)``."""

    def __init__(self, std: float = 0.1, clip: tuple[float, float] | None = None,
                 seed: Seed = None) -> None:
        if not (isinstance(std, int | float) and std >= 0):
            raise ValueError(f"GaussianNoise: std must be a non-negative number, got {std!r}")
        if clip is not None and (len(clip) != 2 or clip[0] > clip[1]):
            raise ValueError(f"GaussianNoise: clip must be (low, high) with low <= high, got "
                             f"{clip!r}")
        self.std = float(std)
        self.clip = clip
        self.rng = LazyRng(seed, "GaussianNoise")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        arr = _images(x, "GaussianNoise")
        dtype = arr.dtype if arr.dtype.kind == "f" else ag.get_default_dtype()
        out = arr + self.rng.get().normal(0.0, self.std, size=arr.shape)
        if self.clip is not None:
            out = np.clip(out, *self.clip)
        return out.astype(dtype)

    def __repr__(self) -> str:
        return f"GaussianNoise(std={self.std}, clip={self.clip})"
