"""Numba, imported only after its CPU features are set for the full vector width.

Every module of compiled kernels (here and in ``optim.kernels``) takes Numba's names from
this module, so that the first ``@njit`` of a process, which builds Numba's CPU target,
already sees the features ``target.configure_numba()`` chose. Importing it imports Numba.
"""

from .pool import wait_for_numba

wait_for_numba()  # another thread may be importing Numba (pool.py)

from numba import njit, prange, types  # noqa: E402
from numba.core.cpu import ParallelOptions  # noqa: E402
from numba.extending import intrinsic, overload  # noqa: E402

from .target import configure_numba  # noqa: E402

configure_numba()  # importing Numba did not build its CPU target; the first @njit will

__all__ = ["ParallelOptions", "configure_numba", "intrinsic", "njit", "overload", "prange",
           "types"]
