"""MKL's ``cblas_?gemm`` and ``cblas_?gemv`` called from compiled code, by address.

``mkl.py`` calls them through ctypes, which costs ~9 µs a product in Python: an
``ndarray.ctypes`` object per operand (~2.5 µs each) and the conversion of fourteen
arguments. Called from a kernel, the same call costs the kernel's argument unboxing
(~1 µs from its ahead-of-time build, ``aot.py``): the function's address is an argument
(the build holds no address of this process), turned into a function pointer of the
CBLAS signature by ``_call_blas``, and each array passes its data pointer.

Arrays arrive 2-D (the vector of ``gemv`` 1-D) and C-contiguous, of the float dtype of
``alpha``; a transposed operand is passed as its C-contiguous transpose with the
transpose flag (``mkl.product`` does both).
"""

from __future__ import annotations

from llvmlite import ir

from .numba_setup import intrinsic, njit, types

_ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112  # CBLAS's flags
_KERNEL = {"cache": True, "error_model": "numpy"}


def _pointer_or_int(context, builder, ty, value, i32):
    """An array's data pointer, or an integer truncated to C's 32-bit int."""
    if isinstance(ty, types.Array):
        return context.make_array(ty)(context, builder, value).data
    if isinstance(ty, types.Integer):
        return builder.trunc(value, i32) if ty.bitwidth > 32 else value
    return value


@intrinsic
def _call_blas(typingctx, address, args):
    """Call the C function at ``address`` with ``args`` (a tuple): arrays as pointers to
    their data, integers as C ints, floats as they are; it returns nothing."""
    if not (isinstance(address, types.Integer) and isinstance(args, types.BaseTuple)):
        return None
    arg_types = tuple(args)

    def codegen(context, builder, sig, llargs):
        i32 = ir.IntType(32)
        values = [builder.extract_value(llargs[1], i) for i in range(len(arg_types))]
        c_args = [_pointer_or_int(context, builder, ty, v, i32)
                  for ty, v in zip(arg_types, values)]
        fnty = ir.FunctionType(ir.VoidType(), [v.type for v in c_args])
        function = builder.inttoptr(llargs[0], fnty.as_pointer())
        builder.call(function, c_args)
        return context.get_dummy_value()

    return types.none(address, args), codegen


@njit(inline="always", error_model="numpy")
def call_gemm(address, trans_a, trans_b, a, b, c, alpha, beta):
    """``c = alpha·op(a) @ op(b) + beta·c`` by ``cblas_?gemm`` at ``address`` for
    C-contiguous a, b and c; ``op`` transposes where the flag is CBLAS's ``TRANS``."""
    m, n = c.shape
    k = a.shape[1] if trans_a == NO_TRANS else a.shape[0]
    _call_blas(address, (_ROW_MAJOR, trans_a, trans_b, m, n, k, alpha, a, max(a.shape[1], 1),
                         b, max(b.shape[1], 1), beta, c, max(n, 1)))


@njit(**_KERNEL)
def gemm(address, trans_a, trans_b, a, b, c, alpha, beta):
    """``call_gemm`` as a kernel of its own (``mkl.product``)."""
    call_gemm(address, trans_a, trans_b, a, b, c, alpha, beta)


@njit(**_KERNEL)
def gemv(address, trans, a, x, y, alpha, beta):
    """``y = alpha·op(a) @ x + beta·y`` by ``cblas_?gemv`` at ``address`` for a
    C-contiguous matrix a and contiguous vectors x and y."""
    m, n = a.shape
    _call_blas(address, (_ROW_MAJOR, trans, m, n, alpha, a, max(n, 1), x, 1, beta, y, 1))
