"""Small real data sets shipped inside the package, so examples work offline.

Both come from the UCI Machine Learning Repository (CC BY 4.0); see README.md next to the
``.npz`` files for the sources, the licence and how the files were made.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np

import autograd as ag


@dataclass(frozen=True)
class DatasetBundle:
    """A loaded data set: ``X`` (N, ...) features, ``y`` (N,) int64 labels, and names.

    Unpacks as a pair, so ``X, y = load_digits()`` works; the names stay available on the
    object (``load_digits().target_names``).
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: np.ndarray
    target_names: np.ndarray
    name: str
    description: str

    def __iter__(self):
        return iter((self.X, self.y))

    def __len__(self) -> int:
        return 2

    def __repr__(self) -> str:
        return (f"DatasetBundle({self.name!r}, X={self.X.shape} {self.X.dtype}, "
                f"y={self.y.shape}, classes={len(self.target_names)})")


def _load_npz(filename: str) -> dict[str, np.ndarray]:
    path = resources.files(__package__).joinpath(filename)
    with path.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def load_digits(as_images: bool = False) -> DatasetBundle:
    """The UCI optical-recognition handwritten digits: 1,797 images of 8×8 pixels, 10 classes.

    Pixel values are counts 0..16 (each pixel counts the ink in a 4×4 block of a 32×32 bitmap).
    ``X`` is ``(1797, 64)`` in the default float dtype, or ``(1797, 8, 8)`` with
    ``as_images=True`` (for the augmentation transforms); ``y`` is ``(1797,)`` int64 in 0..9.
    Standardize with ``nn.data.Standardizer`` fitted on the training part (§7.2).
    """
    raw = _load_npz("digits.npz")
    images = raw["images"].astype(ag.get_default_dtype())
    X = images if as_images else images.reshape(images.shape[0], -1)
    return DatasetBundle(X, raw["target"].astype(np.int64), raw["feature_names"],
                         raw["target_names"], "digits",
                         "UCI optical recognition of handwritten digits (test part), 8x8 "
                         "pixel counts 0..16, 10 classes")


def load_breast_cancer() -> DatasetBundle:
    """The Wisconsin diagnostic breast-cancer table: 569 tumours × 30 real features, 2 classes.

    Features are the mean, standard error and worst value of ten measurements of cell nuclei
    in a digitized image (radius, texture, perimeter, area, ...), with very different scales —
    a good case for standardization (§7.2). ``y`` is int64: 0 = malignant (212), 1 = benign
    (357), as ``target_names`` says. ``X`` is ``(569, 30)`` in the default float dtype.
    """
    raw = _load_npz("breast_cancer.npz")
    return DatasetBundle(raw["data"].astype(ag.get_default_dtype()),
                         raw["target"].astype(np.int64), raw["feature_names"],
                         raw["target_names"], "breast_cancer",
                         "UCI Breast Cancer Wisconsin (Diagnostic), 569 x 30, 2 classes")
