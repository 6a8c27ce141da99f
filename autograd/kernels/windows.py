"""Compiled kernels of the sliding-window ops: im2col and col2im (under every convolution)
and max pooling's argmax (over planes, or channels-last) and its gradient's scatter.

Every kernel works in three spatial dims; one- and two-dimensional windows arrive with
leading dims of size 1 (``sliding.py`` adds them). The window geometry comes as one
int64 array ``geo`` of 15 values, per dim (depth, height, width): the kernel size
``k``, dilation ``d``, stride ``s``, the padding before ``p`` and the window count
``o``, in the order ``k0 k1 k2 d0 d1 d2 s0 s1 s2 p0 p1 p2 o0 o1 o2``. A window's tap
``t`` along a dim sits at input position ``w·s − p + t·d`` (outside ``[0, size)``: the
padding). Arrays arrive C-contiguous (the caller copies), flat where the kernel
computes offsets itself. Indices are cast to ``uint64`` before they index: Numba then
drops the negative-index wraparound, and the inner channel loops vectorize.

The NumPy definitions they are tested against are in ``windows_reference.py``.
"""

from __future__ import annotations

import numpy as np

from .activations import PRANGE_ONLY
from .numba_setup import njit, prange

SERIAL = {"cache": True, "error_model": "numpy"}
PARALLEL = {**SERIAL, "parallel": PRANGE_ONLY}  # kernels with a last ``parallel`` argument


@njit(inline="always")
def _unpack(geo):
    """The 15 values of ``geo`` (module docstring) as a tuple, loaded once before the loops
    (a constant read from an array inside a loop keeps LLVM from vectorizing it)."""
    return (geo[0], geo[1], geo[2], geo[3], geo[4], geo[5], geo[6], geo[7], geo[8], geo[9],
            geo[10], geo[11], geo[12], geo[13], geo[14])


@njit(inline="always")
def _first_inside(start, dilation):
    """The first tap at or after position 0 of a window starting at ``start``."""
    return (-start + dilation - 1) // dilation if start < 0 else 0


SHORT_RUN = 16  # values per window and tap row below which im2col fills a line by tap


@njit(**PARALLEL)
def im2col(x, geo, groups, rows, parallel):
    """Rows ``(G·N·O0·O1, O2, K0, K1, K2·C/G)`` of the windows of ``x``, channels-last and
    already padded ``(N, S0, S1, S2, C)`` with every tap inside (the pads of ``geo`` are
    not read; ``sliding.im2col`` pads), filled a line of windows (fixed g, n, o0, o1) at
    a time: by window (``_line_by_window``) where a window's taps along the last dim make
    runs of ``K2·C/G >= SHORT_RUN`` values, else by tap (``_line_by_tap``). The lines are
    independent: ``parallel`` shares them out over the threads.

    On a padded input the loops need no bounds and every copy is indexed by loop
    variables: against the loop with bounds checks, zero fills and a running flat offset
    it replaced, conv 16→32, 5×5 over 6 images of 14×14 80 → 62 µs; LeNet's first
    convolution (runs of 5 values), 26 images, 1.0–1.4 → 0.24 ms (bench/README 32).
    """
    geometry = _unpack(geo)
    lines = rows.shape[0]
    if not parallel:
        for line in range(lines):
            _im2col_line(x, geometry, groups, rows, line)
    else:
        for line in prange(lines):
            _im2col_line(x, geometry, groups, rows, line)


@njit(inline="always")
def _im2col_line(x, geometry, groups, rows, line):
    """``im2col``'s line ``line = ((g·N + n)·O0 + a)·O1 + b``."""
    n_, s0, s1, s2, c_ = x.shape
    o0, o1 = geometry[12], geometry[13]
    cg = c_ // groups
    b = line % o1
    a = (line // o1) % o0
    n = (line // (o1 * o0)) % n_
    g = line // (o1 * o0 * n_)
    if geometry[2] * cg < SHORT_RUN:
        _line_by_tap(x[n], rows[line], a, b, g * cg, cg, geometry)
    else:
        _line_by_window(x[n].reshape((s0, s1, s2 * c_)), rows[line], a, b, g * cg, cg, c_,
                        groups == 1, geometry)


@njit(inline="always")
def _line_by_window(x, dst, a, b, first, cg, c_, one_group, geometry):
    """One line's rows ``(O2, K0, K1, K2·C/G)`` per window and tap row: the taps as one
    slice of ``K2·C`` values of ``x`` ``(S0, S1, S2·C)`` where they are contiguous (no
    dilation along the last dim, one group), else a slice of channels per tap."""
    k0, k1, k2, d0, d1, d2, st0, st1, st2, p0, p1, p2, o0, o1, o2 = geometry
    whole = d2 == 1 and one_group
    for e in range(o2):
        for i in range(k0):
            z = a * st0 + i * d0
            for j in range(k1):
                y = b * st1 + j * d1
                out = dst[e, i, j]
                if whole:
                    start = e * st2 * c_
                    src = x[z, y, start:start + k2 * c_]
                    for c in range(k2 * c_):
                        out[c] = src[c]
                else:
                    for t in range(k2):
                        start = (e * st2 + t * d2) * c_ + first
                        src = x[z, y, start:start + cg]
                        for c in range(cg):
                            out[t * cg + c] = src[c]


@njit(inline="always")
def _line_by_tap(x, dst, a, b, first, cg, geometry):
    """One line's rows ``(O2, K0, K1, K2·C/G)`` per tap: the tap's value in each of the
    line's O2 windows, read along the last dim of ``x`` ``(S0, S1, S2, C)`` and written a
    row apart (the line's rows, a few KiB, stay in L1). For runs too short for
    ``_line_by_window``, whose loop per window then costs more than its copies."""
    k0, k1, k2, d0, d1, d2, st0, st1, st2, p0, p1, p2, o0, o1, o2 = geometry
    for i in range(k0):
        z = a * st0 + i * d0
        for j in range(k1):
            y = b * st1 + j * d1
            for t in range(k2):
                for c in range(cg):
                    src = x[z, y, t * d2:, first + c]
                    out = dst[:, i, j, t * cg + c]
                    if st2 == 1:
                        for e in range(o2):
                            out[e] = src[e]
                    else:
                        for e in range(o2):
                            out[e] = src[e * st2]


@njit(**PARALLEL)
def im2col_taps(x, geo, cols, parallel):
    """``im2col``'s rows transposed, taps first: ``cols`` ``(K0, K1, K2, C, N, O0, O1,
    O2)`` from ``x`` already padded, channels first ``(N, C, S0, S1, S2)`` with every tap
    inside (the pads of ``geo`` are not read). Each (tap, channel, image, output row)
    is one run of O2 values read from one input row (contiguous at stride 1), where
    ``im2col`` writes windows whose taps are runs of only ``K2·C`` values. The (tap,
    channel) planes are independent: ``parallel`` shares them out over the threads."""
    geometry = _unpack(geo)
    planes = geometry[0] * geometry[1] * geometry[2] * x.shape[1]
    if not parallel:
        for plane in range(planes):
            _taps_plane(x, geometry, cols, plane)
    else:
        for plane in prange(planes):
            _taps_plane(x, geometry, cols, plane)


@njit(inline="always")
def _taps_plane(x, geometry, cols, plane):
    """``im2col_taps``' plane ``plane = ((a·K1 + b)·K2 + e)·C + c``."""
    k0, k1, k2, d0, d1, d2, st0, st1, st2, p0, p1, p2, o0, o1, o2 = geometry
    c = plane % x.shape[1]
    e = (plane // x.shape[1]) % k2
    b = (plane // (x.shape[1] * k2)) % k1
    a = plane // (x.shape[1] * k2 * k1)
    for n in range(x.shape[0]):
        for i in range(o0):
            z = i * st0 + a * d0
            for j in range(o1):
                src = x[n, c, z, j * st1 + b * d1]
                dst = cols[a, b, e, c, n, i, j]
                start = e * d2
                if st2 == 1:
                    for q in range(o2):
                        dst[np.uint64(q)] = src[np.uint64(start + q)]
                else:
                    for q in range(o2):
                        dst[np.uint64(q)] = src[np.uint64(start + q * st2)]


@njit(**PARALLEL)
def col2im(rows, geo, groups, out, parallel):
    """Add window rows ``(G, N, O0, O1, O2, K0, K1, K2, C/G)`` (flat) into channels-last
    ``out`` ``(N, S0, S1, S2, C)`` (zeroed by the caller); taps in the padding are
    dropped, overlapping taps sum (in the rows' order). Each (group, image) adds into
    its own part of ``out``: ``parallel`` shares them out over the threads, and every
    element still sums its taps in the same order (the same bits either way)."""
    n_ = out.shape[0]
    geometry = _unpack(geo)
    if not parallel:
        for image in range(groups * n_):
            _col2im_image(rows, geometry, groups, out, image)
    else:
        for image in prange(groups * n_):
            _col2im_image(rows, geometry, groups, out, image)


@njit(inline="always")
def _col2im_image(rows, geometry, groups, out, image):
    """``col2im`` for one ``image = g·N + n``: its rows into image n's channels of group g."""
    n_, s0, s1, s2, c_ = out.shape
    k0, k1, k2, d0, d1, d2, st0, st1, st2, p0, p1, p2, o0, o1, o2 = geometry
    flat = out.ravel()
    cg = c_ // groups
    g, n = image // n_, image % n_
    pos = image * (o0 * o1 * o2 * k0 * k1 * k2 * cg)
    for a in range(o0):
        for b in range(o1):
            for e in range(o2):
                for i in range(k0):
                    z = a * st0 - p0 + i * d0
                    for j in range(k1):
                        y = b * st1 - p1 + j * d1
                        for t in range(k2):
                            w = e * st2 - p2 + t * d2
                            if 0 <= z < s0 and 0 <= y < s1 and 0 <= w < s2:
                                base = (((n * s0 + z) * s1 + y) * s2 + w) * c_ + g * cg
                                for c in range(cg):
                                    flat[np.uint64(base + c)] += rows[np.uint64(pos + c)]
                            pos += cg


@njit(inline="always")
def _stop(start, dilation, k, size, first):
    """One past the last tap inside ``[0, size)`` of a window starting at ``start``, at
    least ``first`` (no division for the usual dilation 1)."""
    stop = size - start if dilation == 1 else (size - 1 - start) // dilation + 1
    return max(first, min(k, stop))


@njit(inline="always")
def _window_inside(z0, y0, w0, geo, s0, s1, s2):
    """The taps of the window at ``(z0, y0, w0)`` that fall inside an input of sizes
    ``(s0, s1, s2)``: ``[first, stop)`` per dim, and the flat index of its first tap
    (past the edge when none is inside)."""
    k0, k1, k2, d0, d1, d2 = geo[0], geo[1], geo[2], geo[3], geo[4], geo[5]
    f0, f1, f2 = _first_inside(z0, d0), _first_inside(y0, d1), _first_inside(w0, d2)
    e0, e1, e2 = _stop(z0, d0, k0, s0, f0), _stop(y0, d1, k1, s1, f1), _stop(w0, d2, k2, s2, f2)
    first = ((z0 + f0 * d0) * s1 + (y0 + f1 * d1)) * s2 + (w0 + f2 * d2)
    return f0, e0, f1, e1, f2, e2, first


@njit(inline="always")
def _scan(x, base, z0, y0, w0, geo, s0, s1, s2):
    """One window's maximum and its index by PyTorch's scan (see ``max_pool_argmax``),
    clipped to the input, in the plane of flat ``x`` starting at ``base``: the slow path,
    for windows at an edge or holding a NaN."""
    f0, e0, f1, e1, f2, e2, where = _window_inside(z0, y0, w0, geo, s0, s1, s2)
    d0, d1, d2 = geo[3], geo[4], geo[5]
    best = x.dtype.type(-np.inf)
    for i in range(f0, e0):
        for j in range(f1, e1):
            for t in range(f2, e2):
                at = ((z0 + i * d0) * s1 + y0 + j * d1) * s2 + w0 + t * d2
                best, where = _step(x[np.uint64(base + at)], at, best, where)
    return best, where


@njit(inline="always")
def _scan_channels(x, n, z0, y0, w0, geo, best, where):
    """``_scan`` of one window for each channel of channels-last ``x`` ``(N, S0, S1, S2,
    C)`` (image ``n``) into ``best`` and ``where`` ``(C,)``, as selects over the
    channels' contiguous run."""
    s0, s1, s2 = x.shape[1], x.shape[2], x.shape[3]
    f0, e0, f1, e1, f2, e2, first = _window_inside(z0, y0, w0, geo, s0, s1, s2)
    d0, d1, d2 = geo[3], geo[4], geo[5]
    for c in range(x.shape[4]):
        best[c] = -np.inf
        where[c] = first
    for i in range(f0, e0):
        for j in range(f1, e1):
            for t in range(f2, e2):
                z, y, w = z0 + i * d0, y0 + j * d1, w0 + t * d2
                tap = x[n, np.uint64(z), np.uint64(y), np.uint64(w)]
                at = (z * s1 + y) * s2 + w
                for c in range(x.shape[4]):
                    best[c], where[c] = _step(tap[c], at, best[c], where[c])


@njit(inline="always")
def _step(v, at, best, where):
    """One step of PyTorch's scan: the tap ``v`` at index ``at`` replaces ``(best,
    where)`` when it is greater or NaN (so a NaN is kept unless a later tap is NaN)."""
    take = (v > best) | (v != v)
    return (v if take else best), (at if take else where)


@njit(inline="always")
def _max_pool_2x2(x, values, indices, o1, o2):
    """``max_pool_argmax`` of 2×2 windows at stride 2 without padding or dilation (the
    usual pooling layer) over planes ``x`` ``(P, S1, S2)``: PyTorch's scan as selects
    (``_step``), without the general loop's table of tap offsets and its rerun of
    windows that hold a NaN."""
    s2 = x.shape[2]
    for q in range(x.shape[0]):
        for b in range(o1):
            top = x[q, 2 * b]
            bottom = x[q, 2 * b + 1]
            row = 2 * b * s2
            m = b * o2
            for e in range(o2):
                at = row + 2 * e
                best, where = _step(top[2 * e + 1], at + 1, top[2 * e], at)
                best, where = _step(bottom[2 * e], at + s2, best, where)
                values[q, m + e], indices[q, m + e] = _step(bottom[2 * e + 1], at + s2 + 1,
                                                            best, where)


@njit(inline="always")
def _max_pool_2x2_channels_last(x, values, indices, o1, o2, q):
    """``_max_pool_2x2`` of image ``q`` of channels-last ``x`` ``(N, S1, S2, C)`` into
    ``values`` and ``indices`` ``(N, O1·O2, C)``: a window's four taps are runs of C
    values, scanned as vectors of selects."""
    s2 = x.shape[2]
    for b in range(o1):
        y = 2 * b
        for e in range(o2):
            w = 2 * e
            at = y * s2 + w
            for c in range(x.shape[3]):
                best, where = _step(x[q, y, w + 1, c], at + 1, x[q, y, w, c], at)
                best, where = _step(x[q, y + 1, w, c], at + s2, best, where)
                values[q, b * o2 + e, c], indices[q, b * o2 + e, c] = _step(
                    x[q, y + 1, w + 1, c], at + s2 + 1, best, where)


@njit(inline="always")
def _is_2x2(geo, s0, s1, s2):
    """Whether ``geo`` is 2×2 windows at stride 2 over the last two dims, without padding
    or dilation, inside sizes ``(s0, s1, s2)`` with ``s0 == 1``: ``_max_pool_2x2``'s case."""
    k0, k1, k2, d0, d1, d2, st0, st1, st2, p0, p1, p2, o0, o1, o2 = _unpack(geo)
    return (s0 == 1 and o0 == 1 and k0 == 1 and k1 == 2 and k2 == 2 and st1 == 2
            and st2 == 2 and d1 == 1 and d2 == 1 and p0 == 0 and p1 == 0 and p2 == 0
            and 2 * o1 <= s1 and 2 * o2 <= s2)


@njit(**SERIAL)
def max_pool_argmax(x, geo, values, indices):
    """Per plane of ``x`` ``(P, S0, S1, S2)`` (flat; the sizes are ``geo[15:18]``) and
    window, the maximum into ``values`` ``(P, O0·O1·O2)`` and its flat index in the plane
    into ``indices``, by PyTorch's CPU scan: start at the window's first tap inside the
    input with −inf, then take each later tap that is greater, or NaN. Padding never
    wins; a window with no tap inside the input gives −inf and the index of its first tap
    past the edge.

    A window wholly inside the input runs one flat loop over its taps' offsets with
    ``v > best`` as a select (a NaN only noted): ~5× faster on random data than the scan
    with its unpredictable ``or v != v`` branch, which reruns windows at the edges and
    those that held a NaN."""
    s0, s1, s2 = geo[15], geo[16], geo[17]
    k0, k1, k2, d0, d1, d2, st0, st1, st2, p0, p1, p2, o0, o1, o2 = _unpack(geo)
    if _is_2x2(geo, s0, s1, s2):
        _max_pool_2x2(x.reshape((values.shape[0], s1, s2)), values, indices, o1, o2)
        return
    span0, span1, span2 = (k0 - 1) * d0, (k1 - 1) * d1, (k2 - 1) * d2
    taps = np.empty(k0 * k1 * k2, np.int64)
    u = 0
    for i in range(k0):
        for j in range(k1):
            for t in range(k2):
                taps[u] = (i * d0 * s1 + j * d1) * s2 + t * d2
                u += 1
    plane = s0 * s1 * s2
    for q in range(values.shape[0]):
        base = q * plane
        m = 0
        for a in range(o0):
            z0 = a * st0 - p0
            for b in range(o1):
                y0 = b * st1 - p1
                rows_inside = 0 <= z0 and z0 + span0 < s0 and 0 <= y0 and y0 + span1 < s1
                for e in range(o2):
                    w0 = e * st2 - p2
                    if rows_inside and 0 <= w0 and w0 + span2 < s2:
                        corner = (z0 * s1 + y0) * s2 + w0
                        best = x[np.uint64(base + corner)]
                        where = corner
                        nan = best != best
                        for u in range(1, taps.size):
                            at = corner + taps[u]
                            v = x[np.uint64(base + at)]
                            greater = v > best
                            where = at if greater else where
                            best = v if greater else best
                            nan |= v != v
                        if nan:
                            best, where = _scan(x, base, z0, y0, w0, geo, s0, s1, s2)
                    else:
                        best, where = _scan(x, base, z0, y0, w0, geo, s0, s1, s2)
                    values[q, m] = best
                    indices[q, m] = where
                    m += 1


@njit(**PARALLEL)
def max_pool_argmax_channels_last(x, geo, values, indices, parallel):
    """``max_pool_argmax`` of channels-last ``x`` ``(N, S0, S1, S2, C)``: per image, window
    and channel the maximum into ``values`` ``(N, O0·O1·O2, C)`` and its flat index in
    the channel's plane (``(z·S1 + y)·S2 + w``, as the planes' kernel) into ``indices``.

    2×2 windows at stride 2 run ``_max_pool_2x2_channels_last``, every other window the
    scan (``_scan_channels``), with the channels innermost: each tap's C values are one
    contiguous run, so both run as selects over vectors of channels (no rerun for NaN).
    The images are independent: ``parallel`` shares them out over the threads."""
    if not parallel:
        for n in range(x.shape[0]):
            _pool_image_channels_last(x, geo, values, indices, n)
    else:
        for n in prange(x.shape[0]):
            _pool_image_channels_last(x, geo, values, indices, n)


@njit(inline="always")
def _pool_image_channels_last(x, geo, values, indices, n):
    """``max_pool_argmax_channels_last`` of image ``n``."""
    k0, k1, k2, d0, d1, d2, st0, st1, st2, p0, p1, p2, o0, o1, o2 = _unpack(geo)
    if _is_2x2(geo, x.shape[1], x.shape[2], x.shape[3]):
        _max_pool_2x2_channels_last(x.reshape(x.shape[:1] + x.shape[2:]), values, indices,
                                    o1, o2, n)
        return
    m = 0
    for a in range(o0):
        for b in range(o1):
            for e in range(o2):
                _scan_channels(x, n, a * st0 - p0, b * st1 - p1, e * st2 - p2, geo,
                               values[n, m], indices[n, m])
                m += 1


@njit(**PARALLEL)
def plane_scatter_add(g, indices, out, parallel):
    """``out[p, indices[p, m, c], c] += g[p, m, c]`` in order of m (out ``(P, L, C)``,
    zeroed by the caller; planes are ``C = 1``); returns how many indices fell outside
    ``[0, L)`` (those are skipped). Each p adds into its own ``out[p]``: ``parallel``
    shares them out over the threads (the same sums, in the same order)."""
    outside = 0
    if not parallel:
        for p in range(g.shape[0]):
            outside += _scatter_plane(g, indices, out, p)
    else:
        for p in prange(g.shape[0]):
            outside += _scatter_plane(g, indices, out, p)
    return outside


@njit(inline="always")
def _scatter_plane(g, indices, out, p):
    """``plane_scatter_add`` of plane ``p``; how many of its indices fell outside."""
    length = out.shape[1]
    outside = 0
    if out.shape[2] == 1:  # planes: no channel loop around each add (175 vs 270 µs)
        for m in range(g.shape[1]):
            i = indices[p, m, 0]
            if 0 <= i < length:
                out[p, np.uint64(i), 0] += g[p, m, 0]
            else:
                outside += 1
        return outside
    for m in range(g.shape[1]):
        for c in range(g.shape[2]):
            i = indices[p, m, c]
            if 0 <= i < length:
                out[p, np.uint64(i), c] += g[p, m, c]
            else:
                outside += 1
    return outside
