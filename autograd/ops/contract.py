"""Contractions and diagonals: ``einsum``, ``tensordot``, ``outer``, ``inner``, ``addmm``,
``baddbmm``, ``trace``, ``diag``, ``diagonal`` and ``diag_embed``.

``einsum`` is one op whose forward is NumPy's and whose backward is einsums: for
``out = einsum("ij,jk->ik", A, B)`` the gradient of A is ``einsum("ik,jk->ij", g, B)``,
the output's subscripts taking the place of A's. Labels of A found in no other term
get a constant ones operand (the gradient is broadcast along them) and a label
repeated in A (a diagonal, ``"ii->i"``) gets constant identity operands (the gradient
is put back on the diagonal). The public function first rewrites PyTorch's forms
(``...``, implicit output, spaces, size-1 broadcasting) into an explicit equation over
operands of agreeing sizes, so the op and its backward see only that form. The others
are compositions of ``einsum``, indexing and ``matmul``.
"""

from __future__ import annotations

import operator
import string
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor, float_promoted, normalize_axis
from .index import IndexScatter, getitem
from .linalg import matmul, same_dtype
from .shape import expand, permute

_LETTERS = string.ascii_letters


class Einsum(Function):
    """``np.einsum(ins -> out, *operands)`` for an explicit equation whose operands agree
    on every label's size; d/d(operand k) is the einsum of the upstream gradient with the
    other operands onto operand k's subscripts."""

    @staticmethod
    def forward(ctx, spec, *arrays):
        ins, out = spec
        ctx.spec = spec
        ctx.sizes = {label: n for subs, a in zip(ins, arrays) for label, n in zip(subs, a.shape)}
        ctx.save_for_backward(*arrays)
        return np.asarray(np.einsum(f"{','.join(ins)}->{out}", *arrays,
                                    optimize=len(arrays) > 1))

    @staticmethod
    def backward(ctx, g):
        ins, out = ctx.spec
        operands = ctx.saved_tensors
        grads: list[Tensor | None] = [None]
        for k, target in enumerate(ins):
            if not ctx.needs_input_grad[k + 1]:
                grads.append(None)
                continue
            terms = [out] + [s for j, s in enumerate(ins) if j != k]
            tensors = [g] + [t for j, t in enumerate(operands) if j != k]
            grads.append(_onto(terms, tensors, target, ctx.sizes, g.dtype))
        return tuple(grads)


def _onto(terms: list, tensors: list, target: str, sizes: dict, dtype: Any) -> Tensor:
    """``einsum(terms -> target, *tensors)`` where ``target`` may hold labels absent from
    ``terms`` (a ones operand supplies them) and repeated labels (identity operands)."""
    unique = "".join(dict.fromkeys(target))
    seen = set("".join(terms))
    missing = "".join(label for label in unique if label not in seen)
    if missing:
        terms = terms + [missing]
        ones = np.ones(tuple(sizes[label] for label in missing), dtype=dtype)
        tensors = tensors + [Tensor._wrap(ones)]
    result = Einsum.apply((tuple(terms), unique), *tensors)
    if len(unique) == len(target):
        return result
    # A repeated label: its later occurrences get fresh labels tied to the first by eye.
    free = iter(c for c in _LETTERS if c not in set(target) | seen)
    renamed, eyes, used = [], [], set()
    for label in target:
        if label in used:
            fresh = next(free)
            renamed.append(fresh)
            eyes.append((label + fresh, Tensor._wrap(np.eye(sizes[label], dtype=dtype))))
        else:
            used.add(label)
            renamed.append(label)
    spec = ((unique, *(s for s, _ in eyes)), "".join(renamed))
    return Einsum.apply(spec, result, *(e for _, e in eyes))


def _parse(equation: str, shapes: list) -> tuple[list, str]:
    """PyTorch's equation as explicit subscripts, one string of labels per operand dim
    (``...`` replaced by fresh labels, right-aligned across operands as broadcasting)."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        few = "fewer" if len(shapes) < len(terms) else "more"
        raise ValueError(f"einsum: {few} operands ({len(shapes)}) were given than the "
                         f"equation {equation!r} specifies ({len(terms)})")
    used = set(eq) - set(".,->")
    bad = sorted(c for c in used if c not in _LETTERS)
    if bad:
        raise ValueError(f"einsum: invalid subscript {bad[0]!r} in {equation!r}: subscripts "
                         "are letters a-z, A-Z")
    counts = [t.count("...") for t in terms + ([rhs] if arrow else [])]
    if any(c > 1 for c in counts) or any("." in t.replace("...", "") for t in terms + [rhs]):
        raise ValueError(f"einsum: an ellipsis must be written '...' and appear at most once "
                         f"per term, got {equation!r}")
    ell = 0
    for t, shape in zip(terms, shapes):
        named = len(t.replace("...", ""))
        if "..." in t:
            if named > len(shape):
                raise ShapeError(f"einsum: operand of shape {shape} has fewer dims than the "
                                 f"{named} subscripts of {t!r}")
            ell = max(ell, len(shape) - named)
        elif named != len(shape):
            raise ShapeError(f"einsum: the term {t!r} has {named} subscripts but its operand "
                             f"has {len(shape)} dims (shape {shape}) and no ellipsis was given")
    fresh = [c for c in _LETTERS if c not in used][:ell]
    if len(fresh) < ell:
        raise ValueError(f"einsum: too many dims for the 52 subscript letters in {equation!r}")
    ins = []
    for t, shape in zip(terms, shapes):
        n = len(shape) - len(t.replace("...", ""))
        ins.append(t.replace("...", "".join(fresh[ell - n:])))
    if arrow:
        out = rhs.replace("...", "".join(fresh))
        for c in out:
            if c not in "".join(ins):
                raise ValueError(f"einsum: output subscript {c!r} does not appear in the "
                                 f"operands of {equation!r}")
        if len(set(out)) != len(out):
            raise ValueError(f"einsum: output subscript repeated in {equation!r}")
    else:
        labels = "".join(t.replace("...", "") for t in terms)
        out = "".join(fresh) + "".join(sorted(c for c in set(labels) if labels.count(c) == 1))
    return ins, out


def einsum(equation: str, *operands: Any) -> Tensor:
    """Sum of products over the subscripts the output leaves out, as PyTorch's ``einsum``:
    ``einsum("ij,jk->ik", A, B)`` is ``out[i, k] = Σ_j A[i, j]·B[j, k]``.

    Forms: an explicit output after ``->`` or, without it, the labels that appear once,
    in alphabetical order; ``...`` for the leading dims (broadcast across operands,
    kept in front of an implicit output); a label repeated in one operand takes its
    diagonal; dims of size 1 broadcast against the label's size. The operands may also
    be given as one list. Differentiable to any order in every operand.
    """
    if not isinstance(equation, str):
        raise TypeError("einsum: the first argument must be the equation string (PyTorch's "
                        "sublist form einsum(op, [0, 1], ...) is not supported)")
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    same_dtype("einsum", *operands)
    tensors = [as_tensor(t) for t in operands]
    tensors = list(float_promoted(*tensors)) if tensors else tensors
    ins, out = _parse(equation, [t.shape for t in tensors])
    sizes: dict[str, int] = {}
    for j, (subs, t) in enumerate(zip(ins, tensors)):
        for label, n in zip(subs, t.shape):
            if subs.count(label) > 1 and n != t.shape[subs.index(label)]:
                raise ShapeError(f"einsum: subscript {label} is repeated for operand {j} "
                                 f"(shape {t.shape}) but the sizes differ")
            seen = sizes.get(label, 1)
            if seen == 1:
                sizes[label] = n
            elif n not in (1, seen):
                raise ShapeError(f"einsum: subscript {label} has size {n} for operand {j} "
                                 f"(shape {t.shape}), which does not broadcast with the size "
                                 f"{seen} seen before")
    stretched = []
    for subs, t in zip(ins, tensors):
        full = tuple(sizes[label] for label in subs)
        stretched.append(t if full == t.shape else expand(t, full))
    return Einsum.apply((tuple(ins), out), *stretched)


def _letters(n: int, start: int = 0) -> str:
    return _LETTERS[start:start + n]


def tensordot(a: Any, b: Any, dims: Any = 2) -> Tensor:
    """Contract ``a`` and ``b`` over the dims ``dims`` names: an int n (a's last n with b's
    first n) or two lists ``[dims_a, dims_b]`` paired in order. The result has a's
    remaining dims, then b's: ``out[i.., k..] = Σ_j a[i.., j..]·b[j.., k..]``."""
    same_dtype("tensordot", a, b)
    a, b = as_tensor(a), as_tensor(b)
    if isinstance(dims, Tensor):
        dims = dims.data.tolist()
    if isinstance(dims, (int, np.integer)):
        n = operator.index(dims)
        if n < 0 or n > min(a.ndim, b.ndim):
            raise ShapeError(f"tensordot: dims={n} is out of range for shapes {a.shape} and "
                             f"{b.shape}")
        da, db = list(range(a.ndim - n, a.ndim)), list(range(n))
    else:
        try:
            da, db = ([dims[0]] if isinstance(dims[0], int) else list(dims[0]),
                      [dims[1]] if isinstance(dims[1], int) else list(dims[1]))
        except (TypeError, IndexError):
            raise TypeError(f"tensordot: dims must be an int or two lists of dims, got "
                            f"{dims!r}") from None
        if len(da) != len(db):
            raise ShapeError(f"tensordot: both lists of dims must have the same length, got "
                             f"{da} and {db}")
        da = [normalize_axis(d, a.ndim, "tensordot")[0] for d in da]
        db = [normalize_axis(d, b.ndim, "tensordot")[0] for d in db]
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise ShapeError(f"tensordot: contracted dims differ in size: dim {i} of "
                             f"{a.shape} ({a.shape[i]}) and dim {j} of {b.shape} ({b.shape[j]})")
    la = list(_letters(a.ndim))
    lb = list(_letters(b.ndim, a.ndim))
    for i, j in zip(da, db):
        lb[j] = la[i]
    out = [c for i, c in enumerate(la) if i not in da] + [c for j, c in enumerate(lb)
                                                          if j not in db]
    return einsum(f"{''.join(la)},{''.join(lb)}->{''.join(out)}", a, b)


def outer(input: Any, vec2: Any) -> Tensor:
    """The outer product of two 1-D tensors ``(n,)`` and ``(m,)``: ``out[i, j] = a[i]·b[j]``,
    shape ``(n, m)``; mixed dtypes promote, as PyTorch's ``outer``."""
    a, b = as_tensor(input), as_tensor(vec2)
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"outer: expects two 1-D tensors, got shapes {a.shape} and {b.shape}")
    a, b = float_promoted(a, b)
    if a.dtype != b.dtype:
        common = np.result_type(a.dtype, b.dtype)
        a, b = a.astype(common), b.astype(common)
    return einsum("i,j->ij", a, b)


def inner(input: Any, other: Any) -> Tensor:
    """Σ over the last dim of both: ``out[i.., j..] = Σ_k a[i.., k]·b[j.., k]``, shape
    ``a.shape[:-1] + b.shape[:-1]``; a 0-d operand multiplies instead."""
    a, b = as_tensor(input), as_tensor(other)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    same_dtype("inner", input, other)
    if a.shape[-1] != b.shape[-1]:
        raise ShapeError(f"inner: the last dims of shapes {a.shape} and {b.shape} differ "
                         f"({a.shape[-1]} and {b.shape[-1]})")
    return tensordot(a, b, ([-1], [-1]))


def _matrix_product_check(op: str, a: Tensor, b: Tensor, nd: int) -> None:
    what = "2-D matrices" if nd == 2 else "3-D batches of matrices"
    if a.ndim != nd or b.ndim != nd:
        raise ShapeError(f"{op}: expects two {what}, got shapes {a.shape} and {b.shape}")
    if a.shape[-1] != b.shape[-2] or (nd == 3 and a.shape[0] != b.shape[0]):
        raise ShapeError(f"{op}: shapes {a.shape} and {b.shape} cannot be multiplied")


def _scaled_sum(op: str, input: Any, product: Tensor, beta: Any, alpha: Any) -> Tensor:
    x = as_tensor(input)
    try:
        fits = np.broadcast_shapes(x.shape, product.shape) == product.shape
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"{op}: input of shape {x.shape} can't be broadcast to the product's "
                         f"shape {product.shape}")
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:  # PyTorch ignores input then: nan and inf in it do not propagate
        return scaled
    return (x if beta == 1 else x * beta) + scaled


def addmm(input: Any, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta·input + alpha·(mat1 @ mat2)`` with mat1 ``(n, m)``, mat2 ``(m, p)`` and input
    broadcastable to ``(n, p)``; with ``beta = 0`` input is ignored (nan in it too)."""
    same_dtype("addmm", input, mat1, mat2)
    a, b = as_tensor(mat1), as_tensor(mat2)
    _matrix_product_check("addmm", a, b, 2)
    return _scaled_sum("addmm", input, matmul(a, b), beta, alpha)


def baddbmm(input: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta·input + alpha·(batch1 @ batch2)`` with batch1 ``(B, n, m)``, batch2
    ``(B, m, p)`` and input broadcastable to ``(B, n, p)``; ``beta = 0`` ignores input."""
    same_dtype("baddbmm", input, batch1, batch2)
    a, b = as_tensor(batch1), as_tensor(batch2)
    _matrix_product_check("baddbmm", a, b, 3)
    return _scaled_sum("baddbmm", input, matmul(a, b), beta, alpha)


def _diagonal_index(n: int, m: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the ``offset`` diagonal of an ``(n, m)`` matrix."""
    length = max(0, min(n + min(offset, 0), m - max(offset, 0)))
    k = np.arange(length)
    return k + max(-offset, 0), k + max(offset, 0)


def _two_dims(a: Tensor, dim1: Any, dim2: Any, op: str, ndim: int) -> tuple[int, int]:
    d1 = normalize_axis(operator.index(dim1), ndim, op)[0]
    d2 = normalize_axis(operator.index(dim2), ndim, op)[0]
    if d1 == d2:
        raise ValueError(f"{op}: dim1 and dim2 can't be the same dim ({dim1} and {dim2}) for "
                         f"shape {a.shape}")
    return d1, d2


def diagonal(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The ``offset`` diagonal of the matrices spanned by ``dim1`` and ``dim2``:
    ``out[..., k] = a[..., k + max(-offset, 0), ..., k + max(offset, 0), ...]``; both dims
    are removed and the diagonal is appended as the last dim."""
    return _diagonal(as_tensor(input), offset, dim1, dim2, "diagonal")


def _diagonal(a: Tensor, offset: Any, dim1: Any, dim2: Any, op: str) -> Tensor:
    if a.ndim < 2:
        raise ShapeError(f"{op}: needs a tensor of at least 2 dims, got shape {a.shape}")
    d1, d2 = _two_dims(a, dim1, dim2, op, a.ndim)
    rest = [i for i in range(a.ndim) if i not in (d1, d2)]
    moved = permute(a, *rest, d1, d2)
    rows, cols = _diagonal_index(a.shape[d1], a.shape[d2], operator.index(offset))
    return getitem(moved, (Ellipsis, rows, cols))


def diag_embed(input: Any, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices whose ``offset`` diagonal is the last dim of ``input`` ``(..., n)``, zeros
    elsewhere: two new dims of size ``n + |offset|`` at ``dim1`` and ``dim2`` (of the
    result). The inverse of ``diagonal`` with the same arguments."""
    a = as_tensor(input)
    if a.ndim == 0:
        raise ShapeError("diag_embed: needs a tensor of at least 1 dim, got shape ()")
    offset = operator.index(offset)
    d1, d2 = _two_dims(a, dim1, dim2, "diag_embed", a.ndim + 1)
    n = a.shape[-1] + abs(offset)
    rows, cols = _diagonal_index(n, n, offset)
    square = IndexScatter.apply(a, (Ellipsis, rows, cols), a.shape[:-1] + (n, n))
    lead = iter(range(a.ndim - 1))
    order = [a.ndim - 1 if i == d1 else a.ndim if i == d2 else next(lead)
             for i in range(a.ndim + 1)]
    return permute(square, *order)


def diag(input: Any, diagonal: int = 0) -> Tensor:
    """A 1-D ``(n,)`` input gives the square matrix of size ``n + |diagonal|`` with it on
    the ``diagonal`` diagonal; a 2-D input gives its ``diagonal`` diagonal as 1-D."""
    a = as_tensor(input)
    if a.ndim == 1:
        return diag_embed(a, diagonal)
    if a.ndim == 2:
        return _diagonal(a, diagonal, 0, 1, "diag")
    raise ShapeError(f"diag: expects a 1-D or 2-D tensor, got shape {a.shape}")


def trace(input: Any) -> Tensor:
    """``Σ_i a[i, i]`` of a 2-D tensor (square or not), a 0-d tensor; d/da is the
    identity pattern."""
    a = as_tensor(input)
    if a.ndim != 2:
        raise ShapeError(f"trace: expects a 2-D matrix, got shape {a.shape}")
    return diagonal(a).sum()
