"""The optimizer updates: one call per parameter, changing its array in place.

Each function here has the signature of its NumPy reference in ``reference.py`` and
runs the fused Numba kernel of the same name in ``fused.py`` (serial below
``autograd.kernels.parallel_min()`` elements, parallel above), falling back to the reference when
the kernel can't work on the arrays as they are: a parameter or state array that is
not contiguous (the parameter's array must stay the same object, so it is never
replaced by a contiguous copy), a dtype other than float32/float64, a gradient of
another shape (the reference broadcasts it or says why not) or a read-only array (the
reference refuses it before changing anything). The gradient is read as it was before
the update even when it shares memory with the parameter or a state array.
``GRAPHGRAD_KERNELS=numpy`` in the environment selects the references everywhere.
Numba is imported on the first update that builds or JITs a kernel, never when ``optim``
is imported; a process that finds the serial kernels built ahead of time does not
import it at all.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from autograd.kernels import Kernel, backend, parallel_loop

from . import reference

USE_REFERENCE = backend() == "numpy"
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_fused: ModuleType | None = None
_serial_kernels: dict[str, Kernel] = {}
_serial_runs: dict[tuple[str, str], Callable[..., None]] = {}
_parallel_runs: dict[tuple[str, str], Callable[..., None]] = {}


def load_fused() -> ModuleType:
    """The Numba kernels module (imported, and Numba with it, on first use)."""
    global _fused
    if _fused is None:
        from . import fused as module

        _fused = module
    return _fused


def _flat(p: np.ndarray, g: np.ndarray, *state: np.ndarray | None) -> list | None:
    """Flat views of ``p`` and its state arrays (same memory), a flat contiguous ``g``
    in p's dtype, and p's flat view again for each absent state array; ``None`` when
    the kernel can't run on these arrays (the reference then runs, or refuses them:
    a read-only array, a parameter that is not floating point)."""
    if USE_REFERENCE or p.dtype not in _FLOATS or g.shape != p.shape:
        return None
    flags = p.flags
    if not flags.writeable:
        return None
    if flags.c_contiguous:
        order, flag = "C", "C_CONTIGUOUS"
    elif flags.f_contiguous:
        order, flag = "F", "F_CONTIGUOUS"
    else:
        return None
    pf = p.ravel(order)
    gc = g.astype(p.dtype, copy=False)
    out = [pf, gc.ravel(order)]
    for a in state:
        if a is None:
            out.append(pf)
            continue
        fl = a.flags
        if fl[flag] and fl.writeable and a.dtype == p.dtype and a.shape == p.shape:
            out.append(a.ravel(order))
        else:
            return None
    # The kernels read g[i] after writing the elements before i, so a gradient that
    # overlaps a written array at another start would be read half-updated; g is then
    # read from a copy. (The same array, or the same memory, is read element by element
    # before it is written: no copy.)
    if gc is g and g.base is not None and out[1].base is not None and _overlaps(out, p, state):
        out[1] = out[1].copy()
    return out


def _overlaps(flat: list[np.ndarray], p: np.ndarray, state: tuple) -> bool:
    """Whether the flat gradient ``flat[1]``, a view of memory it does not own, shares
    memory with one of the other flat arrays (which the update writes) other than
    element for element.

    All are contiguous and of one size, so two of them overlap at different starts only
    when both view a larger buffer: arrays that own their memory (the usual parameter,
    every state array the optimizers make) need no check.
    """
    if p.base is None:
        for a in state:
            if a is not None and a.base is not None:
                break
        else:
            return False
    gf = flat[1]
    start = gf.__array_interface__["data"][0]
    return any(np.may_share_memory(gf, a) and a.__array_interface__["data"][0] != start
               for a in flat[:1] + flat[2:])


def _constants(dtype: np.dtype, *values: float) -> np.ndarray:
    """The update's scalars in the parameter's dtype, as one small array (one conversion,
    and a cheaper argument for Numba's dispatcher than a tuple of NumPy scalars: measured
    1.7 + 0.9 µs per call against 4.4 + 2.1); the kernels load them into registers before
    their loop (``fused._registers8``)."""
    return np.array(values, dtype=dtype)


def _loop(name: str, p: np.ndarray) -> Callable[..., None]:
    """The update ``name`` for parameter ``p``: from ``autograd.kernels.parallel_min()``
    elements the parallel JIT kernel, below it the serial kernel's ahead-of-time build (see
    ``autograd.kernels.Kernel``: a fresh process runs it without starting Numba)."""
    if parallel_loop(p.size):
        run = _parallel_runs.get((name, p.dtype.char))
        if run is None:
            run = _parallel_runs[name, p.dtype.char] = _ParallelRun(
                getattr(load_fused(), f"{name}_parallel"), _serial_kernel(name), p.dtype.char)
        return run
    run = _serial_runs.get((name, p.dtype.char))
    if run is None:
        run = _serial_runs[name, p.dtype.char] = functools.partial(_serial_kernel(name),
                                                                   p.dtype.char)
    return run


class _ParallelRun:
    """A parallel update that also loads (or builds) its serial twin's ahead-of-time module
    for the same argument types, as ``Kernel.run`` does: a fresh process runs its first
    steps serially while Numba loads, and must find the module built."""

    __slots__ = ("parallel", "serial", "key")

    def __init__(self, parallel: Callable[..., None], serial: Kernel, key: str) -> None:
        self.parallel, self.serial, self.key = parallel, serial, key

    def __call__(self, *args: Any) -> None:
        self.serial.prepare(self.key, *args)
        self.parallel(*args)


def _serial_kernel(name: str) -> Kernel:
    """The ``Kernel`` of the serial update ``name`` (its ahead-of-time build, see ``_loop``)."""
    kernel = _serial_kernels.get(name)
    if kernel is None:
        kernel = _serial_kernels[name] = Kernel(f"{__package__}.fused", f"{name}_serial",
                                                parallel_flag=False)
    return kernel


def sgd(p: np.ndarray, g: np.ndarray, buf: np.ndarray | None, *, lr: float, momentum: float,
        dampening: float, weight_decay: float, nesterov: bool, maximize: bool,
        first: bool) -> None:
    """SGD's update (see ``optim.SGD``) of ``p`` and its momentum buffer, in place."""
    flat = _flat(p, g, buf)
    if flat is None:
        return reference.sgd(p, g, buf, lr=lr, momentum=momentum, dampening=dampening,
                             weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                             first=first)
    dt = p.dtype.type
    _loop("sgd", p)(*flat, dt(-lr), dt(momentum), dt(1 - dampening), dt(weight_decay),
                         dt(-1 if maximize else 1), weight_decay != 0, momentum != 0,
                         bool(nesterov), bool(first))
    return None


def momentum(p: np.ndarray, g: np.ndarray, v: np.ndarray, *, lr: float, beta: float) -> None:
    """The course's momentum update (see ``optim.Momentum``), in place."""
    flat = _flat(p, g, v)
    if flat is None:
        return reference.momentum(p, g, v, lr=lr, beta=beta)
    dt = p.dtype.type
    _loop("momentum", p)(*flat, dt(lr), dt(beta), dt(1 - beta))
    return None


def adagrad(p: np.ndarray, g: np.ndarray, s: np.ndarray, *, clr: float, weight_decay: float,
            eps: float, maximize: bool) -> None:
    """Adagrad's update (see ``optim.Adagrad``) with the decayed rate ``clr``, in place."""
    flat = _flat(p, g, s)
    if flat is None:
        return reference.adagrad(p, g, s, clr=clr, weight_decay=weight_decay, eps=eps,
                                 maximize=maximize)
    dt = p.dtype.type
    _loop("adagrad", p)(*flat, dt(-clr), dt(weight_decay), dt(eps),
                             dt(-1 if maximize else 1), weight_decay != 0)
    return None


def rmsprop(p: np.ndarray, g: np.ndarray, sq: np.ndarray, gavg: np.ndarray | None,
            buf: np.ndarray | None, *, lr: float, alpha: float, eps: float,
            weight_decay: float, momentum: float, centered: bool, maximize: bool) -> None:
    """RMSprop's update (see ``optim.RMSprop``), in place."""
    flat = _flat(p, g, sq, gavg, buf)
    if flat is None:
        return reference.rmsprop(p, g, sq, gavg, buf, lr=lr, alpha=alpha, eps=eps,
                                 weight_decay=weight_decay, momentum=momentum,
                                 centered=centered, maximize=maximize)
    w = 1 - alpha
    c = _constants(p.dtype, -lr, alpha, w, eps, weight_decay, momentum, -1, 1 - w)
    _loop("rmsprop", p)(*flat, c, p.dtype.type(-1 if maximize else 1), weight_decay != 0,
                             bool(centered), momentum > 0, abs(w) < 0.5)
    return None


def adam(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, vmax: np.ndarray | None,
         *, lr: float, beta1: float, beta2: float, eps: float, weight_decay: float,
         decoupled: bool, maximize: bool, step_size: float, bc2_sqrt: float) -> None:
    """Adam's / AdamW's update (see ``optim.Adam``), in place; ``vmax`` for amsgrad."""
    flat = _flat(p, g, m, v, vmax)
    if flat is None:
        return reference.adam(p, g, m, v, vmax, lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                              weight_decay=weight_decay, decoupled=decoupled,
                              maximize=maximize, step_size=step_size, bc2_sqrt=bc2_sqrt)
    w = 1 - beta1
    c = _constants(p.dtype, -step_size, bc2_sqrt, eps, weight_decay, 1 - lr * weight_decay, w,
                   1 - w, beta2, 1 - beta2)
    _loop("adam", p)(*flat, c, p.dtype.type(-1 if maximize else 1), weight_decay != 0,
                          decoupled and weight_decay != 0, vmax is not None, abs(w) < 0.5)
    return None


def adam_many(ps: list[np.ndarray], gs: list[np.ndarray], ms: list[np.ndarray],
              vs: list[np.ndarray], *, lr: float, beta1: float, beta2: float, eps: float,
              weight_decay: float, decoupled: bool, maximize: bool, step_size: float,
              bc2_sqrt: float) -> bool:
    """Adam's / AdamW's update (no amsgrad) of several parameters of one step count in
    one call of the parallel kernel; True when done. False, with nothing changed, where
    that kernel does not take them: the arrays must be C-contiguous, of one float dtype,
    each own its memory (no two can overlap), with fewer elements together than the
    parallel loop needs, or where the kernels are NumPy's. One call instead of one per
    parameter: each call of a step costs more than its few microseconds alone, once the
    products have pushed the interpreter's data out of the caches (measured: leaving
    the four small updates of the MLP out took 3.6% off its batch-512 step)."""
    if USE_REFERENCE or not ps:
        return False
    group = _group(ps, ms, vs)
    if group is None or not parallel_loop(group.total):
        return False
    dtype = group.dtype
    for p, g in zip(ps, gs):
        if not (g.dtype == dtype and g.base is None and g.shape == p.shape
                and g.flags.c_contiguous):
            return False
    w = 1 - beta1
    c = _constants(dtype, -step_size, bc2_sqrt, eps, weight_decay, 1 - lr * weight_decay, w,
                   1 - w, beta2, 1 - beta2)
    flat_g = tuple(g.reshape(-1) for g in gs)
    sign, has_wd = dtype.type(-1 if maximize else 1), weight_decay != 0
    decay, w_small = decoupled and has_wd, abs(w) < 0.5
    # A fresh process updates one by one, serially, until Numba has loaded: the
    # per-parameter serial kernel must be built for it (as Kernel.run does).
    _serial_kernel("adam").prepare(dtype.char, group.flat_p[0], flat_g[0], group.flat_m[0],
                                   group.flat_v[0], group.flat_p[0], c, sign, has_wd, decay,
                                   False, w_small)
    load_fused().adam_many_parallel(group.flat_p, flat_g, group.flat_m, group.flat_v,
                                    group.blocks, c, sign, has_wd, decay, w_small)
    return True


class _Group:
    """What ``adam_many`` needs of a set of parameters and moments besides the gradients:
    their flat views and the blocks, made once (a step's Python costs it time: see
    ``adam_many``), with weak references that tell whether the arrays are still the
    ones given (a parameter's ``.data`` or a state array may be replaced)."""

    __slots__ = ("refs", "flat_p", "flat_m", "flat_v", "blocks", "dtype", "total")

    def __init__(self, ps: list[np.ndarray], ms: list[np.ndarray], vs: list[np.ndarray]):
        self.refs = tuple(weakref.ref(a) for a in (*ps, *ms, *vs))
        self.flat_p = tuple(p.reshape(-1) for p in ps)
        self.flat_m = tuple(m.reshape(-1) for m in ms)
        self.flat_v = tuple(v.reshape(-1) for v in vs)
        self.blocks = _blocks(tuple(p.size for p in ps))
        self.dtype = ps[0].dtype
        self.total = sum(p.size for p in ps)


_groups: dict[tuple[int, ...], _Group] = {}


def _group(ps: list[np.ndarray], ms: list[np.ndarray], vs: list[np.ndarray]) -> _Group | None:
    """The ``_Group`` of these arrays, or None where the kernel can't update them: each
    must be C-contiguous, writeable, of one float dtype, own its memory (so that no two
    overlap) and have its parameter's shape."""
    arrays = (*ps, *ms, *vs)
    if not all(a.flags.writeable for a in arrays):
        return None
    key = tuple(map(id, arrays))
    group = _groups.get(key)
    if group is not None and all(r() is a for r, a in zip(group.refs, arrays)):
        return group
    dtype = ps[0].dtype
    if dtype not in _FLOATS:
        return None
    for p, m, v in zip(ps, ms, vs):
        for a in (p, m, v):
            if not (a.dtype == dtype and a.flags.c_contiguous and a.base is None
                    and a.shape == p.shape):
                return None
    if len(_groups) >= 16:  # old optimizers' entries: their arrays are gone or unused
        _groups.clear()
    group = _groups[key] = _Group(ps, ms, vs)
    return group


_BLOCK = 8192  # elements of one block of adam_many: many blocks per thread, whole cache lines
_block_tables: dict[tuple[int, ...], np.ndarray] = {}


def _blocks(sizes: tuple[int, ...]) -> np.ndarray:
    """Rows ``(array, start, stop)`` covering arrays of ``sizes`` in blocks of ``_BLOCK``."""
    table = _block_tables.get(sizes)
    if table is None:
        rows = [(t, lo, min(lo + _BLOCK, n)) for t, n in enumerate(sizes)
                for lo in range(0, n, _BLOCK)]
        table = _block_tables[sizes] = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return table


def nadam(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, *, lr: float,
          beta1: float, beta2: float, eps: float, weight_decay: float, decoupled: bool,
          maximize: bool, grad_step: float, avg_step: float, bias_correction2: float) -> None:
    """NAdam's update (see ``optim.NAdam``), in place."""
    flat = _flat(p, g, m, v)
    if flat is None:
        return reference.nadam(p, g, m, v, lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                               weight_decay=weight_decay, decoupled=decoupled,
                               maximize=maximize, grad_step=grad_step, avg_step=avg_step,
                               bias_correction2=bias_correction2)
    w = 1 - beta1
    c = _constants(p.dtype, -grad_step, -avg_step, bias_correction2, eps, weight_decay,
                   1 - lr * weight_decay, w, 1 - w, beta2, 1 - beta2)
    _loop("nadam", p)(*flat, c, p.dtype.type(-1 if maximize else 1), weight_decay != 0,
                           decoupled and weight_decay != 0, abs(w) < 0.5)
    return None


def radam(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, *, lr: float,
          beta1: float, beta2: float, eps: float, weight_decay: float, decoupled: bool,
          maximize: bool, bias_correction1: float, bc2_sqrt: float,
          rect: float | None) -> None:
    """RAdam's update (see ``optim.RAdam``), in place; ``rect`` None while ρₜ ≤ 5."""
    flat = _flat(p, g, m, v)
    if flat is None:
        return reference.radam(p, g, m, v, lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                               weight_decay=weight_decay, decoupled=decoupled,
                               maximize=maximize, bias_correction1=bias_correction1,
                               bc2_sqrt=bc2_sqrt, rect=rect)
    w = 1 - beta1
    c = _constants(p.dtype, bias_correction1, lr, bc2_sqrt, 0.0 if rect is None else rect, eps,
                   weight_decay, 1 - lr * weight_decay, w, 1 - w, beta2, 1 - beta2, 1)
    _loop("radam", p)(*flat, c, p.dtype.type(-1 if maximize else 1), weight_decay != 0,
                           decoupled and weight_decay != 0, rect is not None, abs(w) < 0.5)
    return None


def adamax(p: np.ndarray, g: np.ndarray, m: np.ndarray, u: np.ndarray, *, beta1: float,
           beta2: float, eps: float, weight_decay: float, maximize: bool, clr: float) -> None:
    """Adamax's update (see ``optim.Adamax``) with ``clr = lr/(1−β₁ᵗ)``, in place."""
    flat = _flat(p, g, m, u)
    if flat is None:
        return reference.adamax(p, g, m, u, beta1=beta1, beta2=beta2, eps=eps,
                                weight_decay=weight_decay, maximize=maximize, clr=clr)
    w = 1 - beta1
    # padded to the 8 scalars fused._registers8 loads
    c = _constants(p.dtype, -clr, eps, weight_decay, w, 1 - w, beta2, 0, 0)
    _loop("adamax", p)(*flat, c, p.dtype.type(-1 if maximize else 1), weight_decay != 0,
                            abs(w) < 0.5)
    return None


def adadelta(p: np.ndarray, g: np.ndarray, sq: np.ndarray, acc: np.ndarray, *, lr: float,
             rho: float, eps: float, weight_decay: float, maximize: bool) -> None:
    """Adadelta's update (see ``optim.Adadelta``), in place."""
    flat = _flat(p, g, sq, acc)
    if flat is None:
        return reference.adadelta(p, g, sq, acc, lr=lr, rho=rho, eps=eps,
                                  weight_decay=weight_decay, maximize=maximize)
    # padded to the 8 scalars fused._registers8 loads
    c = _constants(p.dtype, -lr, rho, 1 - rho, eps, weight_decay, 0, 0, 0)
    _loop("adadelta", p)(*flat, c, p.dtype.type(-1 if maximize else 1), weight_decay != 0)
    return None


def rprop(p: np.ndarray, g: np.ndarray, prev: np.ndarray, step: np.ndarray, *,
          etaminus: float, etaplus: float, step_size_min: float, step_size_max: float,
          maximize: bool) -> None:
    """Rprop's update (see ``optim.Rprop``) of ``p``, its previous gradient and its step
    sizes, in place."""
    flat = _flat(p, g, prev, step)
    if flat is None:
        return reference.rprop(p, g, prev, step, etaminus=etaminus, etaplus=etaplus,
                               step_size_min=step_size_min, step_size_max=step_size_max,
                               maximize=maximize)
    # padded to the 8 scalars fused._registers8 loads
    c = _constants(p.dtype, etaminus, etaplus, step_size_min, step_size_max, 1, 0, 0, 0)
    _loop("rprop", p)(*flat, c, p.dtype.type(-1 if maximize else 1))
    return None
