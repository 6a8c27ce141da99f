"""The thread pool of the kernels' parallel loops, and whether they run by default.

A kernel of ``sizes.PARALLEL_MIN`` elements or more splits its loop (``prange``) over
Numba's threads. On a 2-core machine that pays only where those threads are the ones
the matrix products run on: two pools (Numba's on GNU OpenMP, OpenBLAS's pthreads) spin
on the cores the other one needs, and a parallel loop right after a product waited
milliseconds for a core (bench/README findings 23, 30). PyTorch has one pool for both.

graphgrad has one too where MKL multiplies (``mkl.py``: Intel CPUs with the ``mkl``
wheel). MKL runs on Intel's OpenMP runtime, loaded into the process's global symbols;
Numba's ``omp`` threading layer calls the ``GOMP_*`` entry points, which Intel's runtime
also serves, so once it is loaded Numba's parallel loops run on MKL's threads. With the
two sharing one pool, the loops pay everywhere they were measured (Ice Lake VM,
2026-12-03, paired in one process, parallel/serial): forward+backward at 1e5 float32
tanh 0.63, relu 0.63, gelu_tanh 0.58, batch norm 0.70; the MLP's Adam step at batch 32,
128 and 512 0.91, 0.91 and 0.84 (bench/README finding 43).

So ``GRAPHGRAD_PARALLEL_MIN`` unset (or ``auto``) means: parallel loops from
``sizes.AUTO_PARALLEL_MIN`` elements (32,768, PyTorch's grain for elementwise loops)
where the pool is shared, serial loops everywhere else. The first parallel call of a
process decides (``start``), so ``import autograd`` loads neither MKL nor Numba. The
pool is shared when MKL is active (which loads Intel's runtime) and Numba has not
started its threads before and is free to take its ``omp`` layer (``NUMBA_THREADING_LAYER``
unset or ``omp``). A threshold the user sets (an element count, ``never``) is kept as
it is; where MKL is active its loops run on the shared pool too.

A process forked from one whose loops ran parallel runs its own loops serially: Numba's
``omp`` layer, built for GNU OpenMP, which does not survive a fork, kills a forked
child's first parallel loop ("fork() called from a process already using GNU OpenMP"),
whichever runtime serves it.
"""

from __future__ import annotations

import os

from . import mkl, sizes

started = False
_state: dict[str, object] = {"shared": False, "reason": "no parallel loop has run yet"}


def _numba_can_share() -> str | None:
    """None when Numba's parallel loops will run on the OpenMP runtime in the process's
    global symbols; otherwise why not."""
    layer = os.environ.get("NUMBA_THREADING_LAYER", "").strip().lower()
    if layer not in ("", "default", "omp"):
        return f"NUMBA_THREADING_LAYER={layer} (Numba's own pool, not MKL's)"
    from numba.np.ufunc import parallel

    if parallel._is_initialized:
        return "Numba started its threads before graphgrad's first parallel loop"
    import numba

    numba.config.THREADING_LAYER = "omp"
    return None


def _share() -> None:
    if not mkl.active():
        _state["reason"] = f"MKL is not active ({mkl.info()['reason']})"
    elif mkl.threading_layer() != "intel":
        _state["reason"] = f"MKL runs on its {mkl.threading_layer()} threading layer"
    else:
        why_not = _numba_can_share()
        _state["shared"] = why_not is None
        _state["reason"] = why_not or "Numba's loops run on MKL's Intel OpenMP threads"


def start() -> bool:
    """Decide, at the first parallel call of the process, whether it runs parallel; then
    ``started`` is true. With the automatic threshold and no shared pool, every kernel
    turns serial (``sizes.PARALLEL_MIN = NEVER``) and this returns False."""
    global started
    if not started:
        _share()
        started = True
    if sizes.PARALLEL_AUTO and not _state["shared"]:
        sizes.set_parallel_min(sizes.NEVER, auto=True)
        return False
    return sizes.PARALLEL_MIN != sizes.NEVER


def set_auto() -> None:
    """Make the threshold the automatic one again (decided now if a loop already ran)."""
    sizes.set_parallel_min(sizes.AUTO_PARALLEL_MIN, auto=True)
    if started:
        start()


def _serial_in_forked_child() -> None:
    if started and sizes.PARALLEL_MIN != sizes.NEVER:
        sizes.set_parallel_min(sizes.NEVER)
        _state["reason"] = ("a forked child: Numba's OpenMP layer would kill its first "
                            "parallel loop")


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_serial_in_forked_child)


def info() -> dict[str, object]:
    """``{'started', 'shared', 'reason'}``: whether a parallel call has come yet, whether
    the loops share MKL's threads, and why (not)."""
    return {"started": started, **_state}
