"""Suite-wide test setup: a seeded generator, tests/helpers importable by name, and every
kernel call checked against the argument types its ahead-of-time build was made for
(``autograd/kernels/aot.py``; set before anything imports autograd, and inherited by the
processes the tests start)."""

import os
import sys

os.environ.setdefault("GRAPHGRAD_AOT_CHECK", "1")
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent / "helpers"))


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so every test is deterministic."""
    return np.random.default_rng(1234)
