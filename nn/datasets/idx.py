"""The IDX file format of MNIST and Fashion-MNIST: read and write, gzip'd or not.

Layout (big-endian): two zero bytes, a type code byte, the number of dimensions d, then d
uint32 sizes, then the values in C order.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

_TYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
          0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_CODES = {dt.newbyteorder("="): code for code, dt in _TYPES.items()}


def _open(path: Path, mode: str):
    return gzip.open(path, mode) if path.suffix == ".gz" else open(path, mode)


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """The array stored in the IDX file ``path`` (``.gz`` files are decompressed), in native
    byte order: e.g. ``(60000, 28, 28)`` uint8 images or ``(60000,)`` uint8 labels."""
    path = Path(path)
    with _open(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _TYPES:
        raise ValueError(f"read_idx: {path} is not an IDX file (bad magic number "
                         f"{raw[:4].hex() or 'empty'})")
    dtype, ndim = _TYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(f"read_idx: {path} holds {len(raw)} bytes but its header "
                         f"(shape {shape}, {dtype.name}) needs {expected}; the file is "
                         "truncated or corrupt")
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write ``array`` as an IDX file (gzip'd when ``path`` ends in ``.gz``)."""
    path = Path(path)
    arr = np.asarray(array)
    code = _CODES.get(arr.dtype.newbyteorder("="))
    if code is None:
        raise TypeError(f"write_idx: IDX stores uint8, int8, int16, int32, float32 or float64; "
                        f"got {arr.dtype}")
    header = bytes([0, 0, code, arr.ndim]) + np.asarray(arr.shape, dtype=">u4").tobytes()
    with _open(path, "wb") as fh:
        fh.write(header + arr.astype(_TYPES[code]).tobytes())
