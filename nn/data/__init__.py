"""Data handling the course teaches (seed inventory §7): splits, standardization,
mini-batches, one-hot labels and image augmentation.

>>> from nn.data import train_dev_test_split, Standardizer, DataLoader
>>> train, dev, test = train_dev_test_split(X, y, ratios=(0.6, 0.2, 0.2), seed=0)
>>> scaler = Standardizer().fit(train[0])                 # training statistics only
>>> loader = DataLoader(scaler.transform(train[0]), train[1], batch_size=64, shuffle=True)
"""

from .collate import default_collate
from .dataset import ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset
from .encoding import one_hot
from .loader import ArrayDataset, DataLoader, Subset, TensorDataset
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from .split import random_split, split_sizes, train_dev_test_split
from .standardize import Standardizer
from .transforms import Compose, GaussianNoise, RandomHorizontalFlip, RandomShift

__all__ = [
    "train_dev_test_split", "split_sizes", "Standardizer", "Dataset", "ArrayDataset",
    "TensorDataset", "DataLoader", "one_hot", "Compose", "RandomHorizontalFlip", "RandomShift",
    "GaussianNoise", "Subset", "random_split", "default_collate", "IterableDataset",
    "ConcatDataset", "ChainDataset", "StackDataset", "Sampler", "SequentialSampler",
    "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler",
]
