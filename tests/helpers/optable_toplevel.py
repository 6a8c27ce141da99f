"""The op table's entries for the toplevel family (see optable.py): PyTorch's top-level
assembling helpers, moments in pairs, trapezoidal integration, ``rsub`` and ``frexp``."""

from __future__ import annotations

from optable import OpSpec

import autograd as ag


def _torch():
    import torch

    return torch


def _lib(t):
    return ag if isinstance(t, ag.Tensor) else _torch()


def _weighted(pieces):
    """The pieces summed, each scaled by its position, so each gets its own gradient."""
    return sum((p * float(i + 1)).sum() for i, p in enumerate(pieces))


def _pair(fn, **kwargs):
    """A ``(spread, mean)`` result as one tensor for both libraries."""
    def run(a):
        spread, centre = getattr(_lib(a), fn)(a, **kwargs)
        return spread * 2.0 + centre
    return run


def _atleast(n):
    return lambda a, b: _weighted(getattr(_lib(a), f"atleast_{n}d")(a, b))


def _torch_vander(x, N=None, increasing=False):
    """torch.vander built from powers: its own backward fails (it writes in place into a
    tensor it saved), so the parity check uses this equal composition."""
    n = x.shape[0] if N is None else N
    powers = range(n) if increasing else range(n - 1, -1, -1)
    return _torch().stack([x ** k for k in powers], 1) if n else x[:, None][:, :0]


def _shape_a(x):
    """A constant shape parameter for igamma/igammac (their gradient in it is not
    implemented): values from small (series) to larger (continued fraction)."""
    n = 1
    for size in x.shape:
        n *= size
    return _lib(x).linspace(0.3, 6.0, n, dtype=x.dtype).reshape(tuple(x.shape))


def _apply(name, *args, **kwargs):
    return lambda *ts: getattr(_lib(ts[0]), name)(*ts, *args, **kwargs)


OPS: list[OpSpec] = [
    OpSpec("atleast_1d", _atleast(1), [((), (3,)), ((2, 3), ())], _atleast(1)),
    OpSpec("atleast_2d", _atleast(2), [((), (3,)), ((2, 3), (2, 1, 3))], _atleast(2)),
    OpSpec("atleast_3d", _atleast(3), [((), (3,)), ((2, 3), (2, 1, 3))], _atleast(3)),
    OpSpec("block_diag", _apply("block_diag"),
           [((2, 3), (3,), ()), ((1, 2), (2, 2), (4,))], _apply("block_diag")),
    OpSpec("broadcast_tensors", lambda a, b: _weighted(_lib(a).broadcast_tensors(a, b)),
           [((2, 1), (3,)), ((), (2, 3)), ((4, 1, 3), (2, 3))],
           lambda a, b: _weighted(_lib(a).broadcast_tensors(a, b))),
    OpSpec("meshgrid_ij", lambda a, b: _weighted(_lib(a).meshgrid(a, b, indexing="ij")),
           [((3,), (2,)), ((), (4,))],
           lambda a, b: _weighted(_lib(a).meshgrid(a, b, indexing="ij"))),
    OpSpec("meshgrid_xy", lambda a, b, c: _weighted(_lib(a).meshgrid(a, b, c, indexing="xy")),
           [((3,), (2,), (4,))],
           lambda a, b, c: _weighted(_lib(a).meshgrid(a, b, c, indexing="xy"))),
    OpSpec("cartesian_prod", _apply("cartesian_prod"), [((3,), (2,)), ((2,), (3,), (2,))],
           _apply("cartesian_prod")),
    OpSpec("combinations", _apply("combinations", 2), [((4,),)], _apply("combinations", 2)),
    OpSpec("combinations_replace", _apply("combinations", 3, with_replacement=True),
           [((3,),)], _apply("combinations", 3, with_replacement=True)),
    OpSpec("column_stack", lambda a, b: _lib(a).column_stack([a, b]),
           [((3,), (3, 2)), ((), (1,))], lambda a, b: _lib(a).column_stack([a, b]),
           empty_ok=False),
    OpSpec("row_stack", lambda a, b: _lib(a).row_stack([a, b]), [((3,), (2, 3))],
           lambda a, b: _lib(a).vstack([a, b])),
    OpSpec("vander", _apply("vander"), [((4,),)], _torch_vander),
    OpSpec("vander_increasing", _apply("vander", N=5, increasing=True), [((3,),)],
           lambda x: _torch_vander(x, 5, True)),
    OpSpec("vander_none", _apply("vander", N=0), [((3,),)], lambda x: _torch_vander(x, 0)),
    OpSpec("var_mean", _pair("var_mean", dim=-1), [((3, 4),), ((5,),)], _pair("var_mean", dim=-1),
           empty_ok=False),
    OpSpec("var_mean_all", _pair("var_mean", correction=0), [((3, 4),)],
           _pair("var_mean", correction=0), empty_ok=False),
    OpSpec("std_mean", _pair("std_mean", dim=(0, 1), keepdim=True), [((3, 4),), ((2, 3, 4),)],
           _pair("std_mean", dim=(0, 1), keepdim=True), empty_ok=False),
    OpSpec("rsub", lambda a, b: _lib(a).rsub(a, b, alpha=2.5),
           [((2, 3), (2, 3)), ((2, 1), (1, 3)), ((), (2, 3))],
           lambda a, b: _lib(a).rsub(a, b, alpha=2.5)),
    OpSpec("rsub_scalar", lambda a: _lib(a).rsub(a, 3.0), [((2, 3),), ((),)],
           lambda a: _lib(a).rsub(a, 3.0)),
    OpSpec("frexp", lambda a: _lib(a).frexp(a * 7.0).mantissa, [((2, 3),), ((),)],
           lambda a: _lib(a).frexp(a * 7.0).mantissa, domain="away"),
    OpSpec("trapezoid", _apply("trapezoid"), [((3, 4),), ((5,),), ((2, 1),)],
           _apply("trapezoid")),
    OpSpec("trapezoid_x", lambda y, x: _lib(y).trapezoid(y, x, dim=0),
           [((4, 3), (4,)), ((4, 3), (4, 3)), ((4, 3), (4, 1))],
           lambda y, x: _lib(y).trapezoid(y, x, dim=0), empty_ok=False),
    OpSpec("trapz_dx", lambda y: _lib(y).trapz(y, dx=0.5), [((3, 4),)],
           lambda y: _lib(y).trapz(y, dx=0.5)),
    OpSpec("cumulative_trapezoid", _apply("cumulative_trapezoid", dim=0),
           [((4, 3),), ((5,),)], _apply("cumulative_trapezoid", dim=0)),
    OpSpec("cumulative_trapezoid_x", lambda y, x: _lib(y).cumulative_trapezoid(y, x),
           [((2, 4), (4,)), ((2, 4), (2, 4))],
           lambda y, x: _lib(y).cumulative_trapezoid(y, x)),
    OpSpec("gradient", lambda a: _weighted(_lib(a).gradient(a)), [((3, 4),), ((5,),)],
           lambda a: _weighted(_lib(a).gradient(a)), empty_ok=False),
    OpSpec("gradient_order2", lambda a: _weighted(_lib(a).gradient(a, spacing=[0.5, 2.0],
                                                                 edge_order=2)),
           [((3, 4),)], lambda a: _weighted(_lib(a).gradient(a, spacing=[0.5, 2.0],
                                                               edge_order=2)),
           empty_ok=False),
    OpSpec("gradient_coords", lambda a, x: _weighted(_lib(a).gradient(
        a, spacing=(x.cumsum(0),), dim=-1, edge_order=2)),
           [((2, 4), (4,)), ((3,), (3,))],
           lambda a, x: _weighted(_lib(a).gradient(a, spacing=(x.cumsum(0),), dim=-1,
                                                   edge_order=2)),
           domain="positive", empty_ok=False),
    OpSpec("gradient_coords_order1", lambda a, x: _weighted(_lib(a).gradient(
        a, spacing=(x.cumsum(0),), dim=0)), [((4, 2), (4,)), ((2,), (2,))],
           lambda a, x: _weighted(_lib(a).gradient(a, spacing=(x.cumsum(0),), dim=0)),
           domain="positive", empty_ok=False),
    OpSpec("igamma", lambda x: _lib(x).igamma(_shape_a(x), x), [((2, 3),), ((),), ((5,),)],
           lambda x: _lib(x).igamma(_shape_a(x), x), domain="positive"),
    OpSpec("igammac", lambda x: _lib(x).igammac(_shape_a(x), x * 3.0), [((2, 3),), ((4,),)],
           lambda x: _lib(x).igammac(_shape_a(x), x * 3.0), domain="positive"),
    OpSpec("mvlgamma", lambda a: (a + 1.5).mvlgamma(3), [((2, 3),), ((),)],
           lambda a: (a + 1.5).mvlgamma(3), domain="positive"),
]
