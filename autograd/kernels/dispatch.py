"""Per call, the compiled kernel or the NumPy reference.

The compiled kernels (``activations.py``, ``activation_grads.py``) take native
float32/float64 arrays with at least one dimension; a two-input kernel also
needs equal shapes. exp, log, tanh and relu also need the size in
``sizes.COMPILED_MIN``. Everything else (integers, bools, other dtypes, 0-d arrays,
broadcasting shapes) goes to ``reference.py``, as does every call when the
environment has ``GRAPHGRAD_KERNELS=numpy`` at import.

Outputs are new C-contiguous arrays (or the ``out=`` array given) of the input dtype (float64 when a
two-input kernel gets float32 and float64). A non-contiguous input is first
copied to C order: measured on a transposed 1000×1000 float32 sigmoid, copy plus
flat kernel took 1.1 ms and a strided 2-D kernel (which LLVM does not
vectorize) 2.8 ms.

Numba is imported, and each kernel compiled for its dtype, on first use, never
when ``autograd`` is imported: ``import numba`` alone costs ~0.17 s. Serial calls
run the kernel's ahead-of-time build (``aot.py``), which later processes import in
~1 ms without Numba; parallel calls run the JIT kernel, cached on disk
(``cache=True``).
"""

from __future__ import annotations

import os

import numpy as np

from . import reference, sizes
from .aot import Kernel
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
            out = np.empty(x.shape, x.dtype)
        flat = np.ascontiguousarray(x).reshape(-1)
        _kernel(name).run(x.dtype.char, parallel, flat, *typed, out.reshape(-1))
        return out
    if type(x) is np.ndarray and not x.flags.c_contiguous:
        # NumPy's ufuncs may take another loop for strided input, rounding otherwise (its
        # AVX-512 float64 log differs by 1 ulp on negative strides): read the C-ordered copy.
        x = np.ascontiguousarray(x)
    result = getattr(reference, name)(x, *params)
    if out is None:
        return result
    np.copyto(out, result)
    return out


def binary(name: str, grad: np.ndarray, y: np.ndarray, *params: float) -> np.ndarray:
    """``name(grad, y, *params)`` elementwise over two equally shaped arrays."""
    if (_COMPILED and type(grad) is np.ndarray and type(y) is np.ndarray
            and grad.shape == y.shape and grad.ndim
            and grad.dtype in _FLOATS and y.dtype in _FLOATS):
        dt = grad.dtype if grad.dtype == y.dtype else _F64
        out = np.empty(grad.shape, dt)
        typed = [dt.type(p) for p in params]
        args = (np.ascontiguousarray(grad, dt).reshape(-1),
                np.ascontiguousarray(y, dt).reshape(-1), *typed, out.reshape(-1))
        _kernel(name).run(dt.char, grad.size >= sizes.PARALLEL_MIN, *args)
        return out
    return getattr(reference, name)(grad, y, *params)


def mul_backward(grad: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(grad·b, grad·a)``: compiled, one pass, for three C-contiguous arrays of one shape
    and float dtype of at least ``COMPILED_MIN['mul_backward']`` elements; NumPy's two
    multiplies (which broadcast and promote) otherwise. The same bits either way."""
    if (_COMPILED and type(grad) is np.ndarray and type(a) is np.ndarray
            and type(b) is np.ndarray and grad.shape == a.shape == b.shape
            and grad.dtype in _FLOATS and a.dtype == grad.dtype == b.dtype
            and grad.size >= COMPILED_MIN.get("mul_backward", 0) and grad.flags.c_contiguous
            and a.flags.c_contiguous and b.flags.c_contiguous):
        ga, gb = np.empty(grad.shape, grad.dtype), np.empty(grad.shape, grad.dtype)
        _kernel("mul_backward").run(grad.dtype.char, grad.size >= sizes.PARALLEL_MIN,
                                    grad.reshape(-1), a.reshape(-1), b.reshape(-1),
                                    ga.reshape(-1), gb.reshape(-1))
        return ga, gb
    return reference.mul_backward(grad, a, b)
