"""Data sets that work offline (bundled or generated) and MNIST/Fashion-MNIST downloads.

>>> from nn.datasets import load_digits, make_flower
>>> X, y = load_digits()          # (1797, 64) float32, (1797,) int64
>>> X, y = make_flower(rng=0)     # (400, 2), two classes
"""

from .bundled import DatasetBundle, load_breast_cancer, load_digits
from .generators import (
    make_blobs,
    make_circles,
    make_classification,
    make_flower,
    make_moons,
    make_spirals,
)
from .idx import read_idx, write_idx
from .mnist import (
    FASHION_CLASSES,
    DatasetNotAvailable,
    fetch_files,
    load_fashion_mnist,
    load_mnist,
    sha256_of,
)

__all__ = [
    "DatasetBundle", "load_digits", "load_breast_cancer", "make_flower", "make_moons",
    "make_circles", "make_spirals", "make_blobs", "make_classification", "read_idx",
    "write_idx", "load_mnist", "load_fashion_mnist", "fetch_files", "sha256_of",
    "DatasetNotAvailable", "FASHION_CLASSES",
]
