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

The parallel loops are Numba's JIT kernels (only the serial ones are built ahead of
time), and importing Numba and building its CPU target takes ~0.4 s. So the first
parallel call starts a background thread that does it, and until it is done every
loop runs serially, from its ahead-of-time build: the first step of a fresh process
does not wait (bench, warm cache: +0.79 s over a steady step when it waited, +0.11 s
now). Whatever of graphgrad's imports Numba waits for that thread first
(``wait_for_numba``: ``numba_setup``, ``Kernel.jit``, the builds): a second thread
importing Numba half way through the first's import finds its modules half made.
``decide()`` (``kernels.parallel_info(decide=True)``) waits for it too, and so do
``optim.search``'s worker pools before they fork (``kernels.wait_for_numba()``): a
process forked half way through an import inherits its locks held by a thread that
is not there, and would hang importing Numba. (Waiting in a fork hook deadlocked:
``logging``'s own hook takes its lock, which Numba's import needs.) A program that
forks by itself within the first half second of its parallel loops should call
``kernels.wait_for_numba()`` first.

A process forked from one whose loops ran parallel runs its own loops serially: Numba's
``omp`` layer, built for GNU OpenMP, which does not survive a fork, kills a forked
child's first parallel loop ("fork() called from a process already using GNU OpenMP"),
whichever runtime serves it.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading

from . import mkl, sizes

started = False  # a parallel call has come: the choice is being made or made
ready = False  # parallel loops run now
_loading: threading.Thread | None = None
_state: dict[str, object] = {"shared": False, "reason": "no parallel loop has run yet"}
# Imported with Numba in the background: the modules of the parallel loops.
_MODULES = ("activations", "activation_grads", "nn_fused", "parallel_arithmetic")


def _numba_can_share() -> str | None:
    """None when Numba's parallel loops will run on the OpenMP runtime in the process's
    global symbols; otherwise why not. Imports Numba."""
    layer = os.environ.get("NUMBA_THREADING_LAYER", "").strip().lower()
    if layer not in ("", "default", "omp"):
        return f"NUMBA_THREADING_LAYER={layer} (Numba's own pool, not MKL's)"
    from numba.np.ufunc import parallel

    if parallel._is_initialized:
        return "Numba started its threads before graphgrad's first parallel loop"
    import numba

    numba.config.THREADING_LAYER = "omp"
    return None


def _load_numba(share: bool) -> None:
    """Import Numba (and with it set up its CPU target and the kernels' modules), and
    decide whether its loops share MKL's pool (``share``: MKL is active on Intel's
    OpenMP)."""
    try:
        importlib.import_module(f"{__package__}.numba_setup")  # the vector width first
        if share:
            why_not = _numba_can_share()
            _state["shared"] = why_not is None
            _state["reason"] = why_not or "Numba's loops run on MKL's Intel OpenMP threads"
        from numba.core.registry import cpu_target

        cpu_target.target_context  # noqa: B018 (builds the CPU target: ~0.15 s)
        for module in _MODULES:
            importlib.import_module(f"{__package__}.{module}")
    except Exception as error:  # the loops stay serial; the reason says why
        _state["shared"] = False
        _state["reason"] = f"loading Numba failed: {type(error).__name__}: {error}"


def _begin() -> None:
    """Make the choice that needs no Numba now, and load Numba: in a background thread
    when it is not imported yet (so the first steps of a fresh process run serial loops
    meanwhile instead of waiting ~0.4 s for it), else at once."""
    global _loading
    share = False
    if not mkl.active():
        _state["reason"] = f"MKL is not active ({mkl.info()['reason']})"
    elif mkl.threading_layer() != "intel":
        _state["reason"] = f"MKL runs on its {mkl.threading_layer()} threading layer"
    else:
        share = True
    if not share and sizes.PARALLEL_AUTO:
        return  # serial: no Numba needed
    if "numba" in sys.modules:
        _load_numba(share)
    else:
        if share:
            _state["reason"] = "loading Numba in the background"
        _loading = threading.Thread(target=_load_numba, args=(share,),
                                    name="graphgrad-numba", daemon=True)
        _loading.start()


def start() -> bool:
    """Whether a parallel call runs parallel now. The first one makes the choice
    (``started``) and starts loading Numba; calls run serially until it is loaded. With
    the automatic threshold and no shared pool every kernel turns serial
    (``sizes.PARALLEL_MIN = NEVER``); once parallel loops can run, ``ready`` is true."""
    global started, ready
    if not started:
        started = True
        _begin()
    if _loading is not None and _loading.is_alive():
        return False
    if sizes.PARALLEL_AUTO and not _state["shared"]:
        sizes.set_parallel_min(sizes.NEVER, auto=True)
        return False
    ready = sizes.PARALLEL_MIN != sizes.NEVER
    return ready


def decide() -> bool:
    """``start()``, waiting for Numba to load if it must."""
    start()
    wait_for_numba()
    return start()


def wait_for_numba() -> None:
    """Wait until the background import of Numba (if one runs) is done. Everything of
    graphgrad's that imports Numba waits here first (``numba_setup``, ``Kernel.jit``, the
    ahead-of-time builds): a second thread importing Numba while the first is half way
    through finds its modules half made."""
    if _loading is not None and _loading.is_alive() and _loading is not threading.current_thread():
        _loading.join()


def set_auto() -> None:
    """Make the threshold the automatic one again (decided now if a loop already ran)."""
    global ready
    sizes.set_parallel_min(sizes.AUTO_PARALLEL_MIN, auto=True)
    ready = False
    if started:
        decide()


def _serial_in_forked_child() -> None:
    global ready
    if started and sizes.PARALLEL_MIN != sizes.NEVER:
        sizes.set_parallel_min(sizes.NEVER)
        ready = False
        _state["reason"] = ("a forked child: Numba's OpenMP layer would kill its first "
                            "parallel loop")


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_serial_in_forked_child)


def info() -> dict[str, object]:
    """``{'started', 'ready', 'shared', 'reason'}``: whether a parallel call has come yet,
    whether parallel loops run now, whether they share MKL's threads, and why (not)."""
    return {"started": started, "ready": ready, **_state}
