"""Section ``blas``: the OpenBLAS core-type lever of ``autograd.blas``, measured.

The same measurement (matmul GFLOP/s on the MLP step's shapes, graphgrad and NumPy
step times) runs in fresh processes that differ only in the BLAS setup:
``auto`` (what ``import autograd`` does by default), ``none`` (OpenBLAS's own choice)
and ``Haswell`` (its AVX2 kernels forced, the fallback the lever exists to avoid).
"""

from __future__ import annotations

from typing import Any

from .child import spawn

VARIANTS = ("auto", "none", "Haswell")


def run(quick: bool) -> dict[str, Any]:
    """One child per variant; each reports what OpenBLAS really loaded."""
    sizes = "32" if quick else "128,512"
    repeat = 3 if quick else 30
    return {variant: spawn("blas", [sizes, repeat],
                           {"GRAPHGRAD_BLAS_CORETYPE": variant, "OPENBLAS_CORETYPE": None})
            for variant in VARIANTS}
