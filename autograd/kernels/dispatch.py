"""Per call, the compiled kernel or the NumPy reference.

The compiled kernels (``activations.py``, ``activation_grads.py``) take native
float32/float64 arrays with at least one dimension; a two-input kernel also
needs equal shapes. exp, log, tanh and relu also need the size in
``sizes.COMPILED_MIN``. Everything else (integers, bools, other dtypes, 0-d arrays,
broadcasting shapes) goes to ``reference.py``, as does every call when the
environment has ``GRAPHGRAD_KERNELS=numpy`` at import.

Outputs are new arrays (or the ``out=`` array given) of the input dtype (float64 when a
two-input kernel gets float32 and float64) in the inputs' memory order, as PyTorch's
elementwise ops keep a tensor's memory format: an input that is a dense permutation of
a C-ordered array (a transposed matrix, a channels-last ``(N, C, H, W)`` view) is read
flat in memory order, and its result has its strides (two inputs need equal strides);
every other input is copied to C order first and gives a C-contiguous result. Measured
on a transposed 1000×1000 float32 sigmoid: copy plus flat kernel 1.1 ms, a strided 2-D
kernel (which LLVM does not vectorize) 2.8 ms.

Numba is imported, and each kernel compiled for its dtype, on first use, never
when ``autograd`` is imported: ``import numba`` alone costs ~0.17 s. Serial calls
run the kernel's ahead-of-time build (``aot.py``), which later processes import in
~1 ms without Numba; parallel calls run the JIT kernel, cached on disk
(``cache=True``).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from . import pool, reference, sizes
from .aot import Kernel, registered
from .sizes import COMPILED_MIN

_ENV = "GRAPHGRAD_KERNELS"
_CHOICES = ("numba", "numpy")


def _backend_from_env() -> str:
    value = os.environ.get(_ENV, "numba").strip().lower() or "numba"
    if value not in _CHOICES:
        raise ValueError(
            f"{_ENV}={os.environ[_ENV]!r} is not a kernel backend: set it to 'numba' "
            "(compiled kernels, the default) or 'numpy' (the NumPy references), or unset it"
        )
    return value


BACKEND = _backend_from_env()
_COMPILED = BACKEND == "numba"
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_F64 = np.dtype(np.float64)
_kernels: dict[str, Kernel] = {}


def _kernel(name: str) -> Kernel:
    """The compiled kernel called ``name`` (Numba is imported only to build or JIT it)."""
    kernel = _kernels.get(name)
    if kernel is None:
        module = "activation_grads" if name.endswith("_backward") else "activations"
        kernel = _kernels[name] = Kernel(f"{__package__}.{module}", name, parallel_flag=True)
    return kernel


def memory_order(a: np.ndarray) -> tuple[int, ...] | None:
    """The axes of ``a`` from its largest stride to its smallest when ``a`` is not C-ordered
    but is a dense permutation of a C-ordered array (``a.transpose(order)`` is
    C-contiguous: a transposed matrix, a channels-last view); None otherwise."""
    if a.flags.c_contiguous or a.ndim < 2:
        return None
    order = tuple(sorted(range(a.ndim), key=lambda axis: -a.strides[axis]))
    return order if a.transpose(order).flags.c_contiguous else None


def _empty_in_order(like: np.ndarray, order: tuple[int, ...]) -> np.ndarray:
    """A new array of ``like``'s shape and dtype laid out in memory as ``like`` is."""
    return np.empty(tuple(like.shape[i] for i in order), like.dtype).transpose(np.argsort(order))


def _flat_in_memory_order(a: np.ndarray, order: tuple[int, ...] | None) -> np.ndarray:
    """``a``'s elements in memory order as a flat view (``order`` from ``memory_order``), or
    its C-ordered copy, flat, when ``order`` is None."""
    if order is None:
        return np.ascontiguousarray(a).reshape(-1)
    return a.transpose(order).reshape(-1)


def unary(name: str, x: np.ndarray, *params: float, out: np.ndarray | None = None) -> np.ndarray:
    """``name(x, *params)`` elementwise; ``params`` are scalars cast to x's dtype.

    ``out``: a C-contiguous array of x's shape and dtype to write the result into,
    returned; ``out=x`` runs the kernel's in-place form ``<name>_inplace`` (exp,
    sigmoid, tanh and relu have one).
    """
    if out is not None and not (out.flags.c_contiguous and out.shape == np.shape(x)
                                and out.dtype == x.dtype):
        raise ValueError(f"{name}: out must be a C-contiguous array of the input's shape "
                         f"{np.shape(x)} and dtype {x.dtype}, got {out.dtype} {out.shape}")
    if (_COMPILED and type(x) is np.ndarray and x.ndim and x.dtype in _FLOATS
            and x.size >= COMPILED_MIN.get(name, 0)):
        typed = [x.dtype.type(p) for p in params]
        parallel = x.size >= sizes.PARALLEL_MIN
        if out is x:
            _kernel(f"{name}_inplace").run(x.dtype.char, parallel, x.reshape(-1), *typed)
            return out
        if out is None:
            order = memory_order(x)
            out = np.empty(x.shape, x.dtype) if order is None else _empty_in_order(x, order)
            flat_out = _flat_in_memory_order(out, order)
            _kernel(name).run(x.dtype.char, parallel, _flat_in_memory_order(x, order), *typed,
                              flat_out)
            return out
        flat = np.ascontiguousarray(x).reshape(-1)
        _kernel(name).run(x.dtype.char, parallel, flat, *typed, out.reshape(-1))
        return out
    order = memory_order(x) if type(x) is np.ndarray else None
    if order is not None:
        result = getattr(reference, name)(x.transpose(order), *params).transpose(
            np.argsort(order))
    else:
        if type(x) is np.ndarray and not x.flags.c_contiguous:
            # NumPy's ufuncs may take another loop for strided input, rounding otherwise
            # (its AVX-512 float64 log differs by 1 ulp on negative strides): read the
            # C-ordered copy.
            x = np.ascontiguousarray(x)
        result = getattr(reference, name)(x, *params)
    if out is None:
        return result
    np.copyto(out, result)
    return out


def binary(name: str, grad: np.ndarray, y: np.ndarray, *params: float) -> np.ndarray:
    """``name(grad, y, *params)`` elementwise over two equally shaped arrays."""
    same_shape = type(grad) is np.ndarray and type(y) is np.ndarray and grad.shape == y.shape
    order = (memory_order(grad) if same_shape and grad.strides == y.strides
             and grad.dtype == y.dtype else None)
    if _COMPILED and same_shape and grad.ndim and grad.dtype in _FLOATS and y.dtype in _FLOATS:
        dt = grad.dtype if grad.dtype == y.dtype else _F64
        out = np.empty(grad.shape, dt) if order is None else _empty_in_order(grad, order)
        typed = [dt.type(p) for p in params]
        args = (_flat_in_memory_order(grad.astype(dt, copy=False), order),
                _flat_in_memory_order(y.astype(dt, copy=False), order), *typed,
                _flat_in_memory_order(out, order))
        _kernel(name).run(dt.char, grad.size >= sizes.PARALLEL_MIN, *args)
        return out
    if order is not None:
        return getattr(reference, name)(grad.transpose(order), y.transpose(order),
                                        *params).transpose(np.argsort(order))
    if same_shape and not (grad.flags.c_contiguous and y.flags.c_contiguous):
        grad, y = np.ascontiguousarray(grad), np.ascontiguousarray(y)
    return getattr(reference, name)(grad, y, *params)


def mul_backward(grad: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(grad·b, grad·a)``: compiled, one pass, for three C-contiguous arrays of one shape
    and float dtype of at least ``COMPILED_MIN['mul_backward']`` elements (or
    ``PARALLEL_MIN``, where that is fewer); NumPy's two
    multiplies (which broadcast and promote) otherwise. The same bits either way."""
    if (_COMPILED and type(grad) is np.ndarray and type(a) is np.ndarray
            and type(b) is np.ndarray and grad.shape == a.shape == b.shape
            and grad.dtype in _FLOATS and a.dtype == grad.dtype == b.dtype
            and grad.size >= min(COMPILED_MIN.get("mul_backward", 0), sizes.PARALLEL_MIN)
            and grad.flags.c_contiguous
            and a.flags.c_contiguous and b.flags.c_contiguous):
        ga, gb = np.empty(grad.shape, grad.dtype), np.empty(grad.shape, grad.dtype)
        _kernel("mul_backward").run(grad.dtype.char, grad.size >= sizes.PARALLEL_MIN,
                                    grad.reshape(-1), a.reshape(-1), b.reshape(-1),
                                    ga.reshape(-1), gb.reshape(-1))
        return ga, gb
    return reference.mul_backward(grad, a, b)


_ARITHMETIC = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply,
               "divide": np.divide}


def arithmetic(name: str, a: Any, b: Any) -> Any:
    """NumPy's ``name`` ufunc of a and b (``add``, ``subtract``, ``multiply``, ``divide``),
    on Numba's threads for two C-contiguous arrays of one shape and float dtype from
    ``sizes.PARALLEL_MIN`` elements where parallel loops run (``parallel_arithmetic.py``)."""
    if (type(a) is np.ndarray and type(b) is np.ndarray and a.size >= sizes.PARALLEL_MIN
            and _COMPILED and a.shape == b.shape and a.dtype == b.dtype and a.dtype in _FLOATS
            and a.flags.c_contiguous and b.flags.c_contiguous
            and (pool.ready or pool.start())):
        out = np.empty(a.shape, a.dtype)
        if not _parallel_kernel(name)(a.reshape(-1), b.reshape(-1), out.reshape(-1)):
            return out
    return _ARITHMETIC[name](a, b)  # also where a result is inf or nan: NumPy's warnings


def copy(a: np.ndarray, out: np.ndarray) -> None:
    """``np.copyto(out, a)``, on Numba's threads for two C-contiguous arrays of one shape
    and float dtype from ``sizes.PARALLEL_MIN`` elements where parallel loops run."""
    if (a.size >= sizes.PARALLEL_MIN and _COMPILED and a.shape == out.shape
            and a.dtype == out.dtype and a.dtype in _FLOATS and a.flags.c_contiguous
            and out.flags.c_contiguous and (pool.ready or pool.start())):
        _parallel_kernel("copy")(a.reshape(-1), out.reshape(-1))
    else:
        np.copyto(out, a)


_arithmetic_kernels: dict[str, Kernel] = {}


def _parallel_kernel(name: str) -> Any:
    return registered(_arithmetic_kernels, f"{__package__}.parallel_arithmetic", name,
                      parallel_flag=False).jit()
