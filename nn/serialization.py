"""``save`` and ``load``: state dicts as NumPy ``.npz`` files, never pickle.

A file is an ordinary ``.npz`` archive (``np.load`` reads it) holding one
``.npy`` member per array, plus a member ``__graphgrad__`` with a JSON
description of the structure. A flat state dict (``model.state_dict()``) keeps
its keys as member names. Nested dicts, lists and tuples (an optimizer's state)
are supported: their arrays are stored under ``/``-joined paths, and Python
scalars, strings and None live in the JSON; dict keys may be str or int.
Tensors are saved as arrays and come back as ``np.ndarray``; NumPy scalars
(``np.float32(0.5)``) come back as NumPy scalars of their dtype.

Writing is atomic: the archive goes to a temporary file in the same directory,
is flushed to disk, and only then renamed over ``path`` (``os.replace``), so a
crash mid-save leaves the previous file intact. The file gets the mode a plain
``open(path, "w")`` would give it: an existing file's, else 0o666 less the umask.
"""

from __future__ import annotations

import json
import os
import uuid
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np

import autograd as ag

_MARKER = "__graphgrad__"
_FORMAT = "graphgrad.state_dict"
_VERSION = 1
_SCALARS = (bool, int, float, str, type(None))


class StateDictFileError(ValueError):
    """A file given to ``nn.load`` is not a readable state dict (wrong format or truncated)."""


def _encode(obj: Any, path: str, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(obj, ag.Tensor):
        obj = obj.data
    if isinstance(obj, (np.ndarray, np.generic)):
        arr = np.asarray(obj)
        if arr.dtype.hasobject:
            raise TypeError(f"nn.save: {path or 'the object'} is an object array, which can't be "
                            "saved without pickle; convert it to a numeric array")
        name = path or "array"
        if name == _MARKER or name in arrays:
            raise ValueError(f"nn.save: two entries map to the archive name {name!r}")
        arrays[name] = arr
        return {"array": name, "scalar": True} if isinstance(obj, np.generic) else {"array": name}
    if isinstance(obj, _SCALARS):
        return {"value": obj}
    if isinstance(obj, Mapping):
        items = []
        for key, value in obj.items():
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise TypeError(f"nn.save: dict keys must be str or int, got {key!r}")
            child = str(key) if not path else f"{path}/{key}"
            items.append([key, _encode(value, child, arrays)])
        return {"dict": items}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return {kind: [_encode(v, f"{path}/{i}" if path else str(i), arrays)
                       for i, v in enumerate(obj)]}
    raise TypeError(f"nn.save: can't save {type(obj).__name__} at {path or 'top level'}; a "
                    "state dict holds arrays, Tensors, numbers, strings, None, and dicts, lists "
                    "or tuples of them")


def _decode(node: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    if "array" in node:
        arr = arrays[node["array"]]
        return arr[()] if node.get("scalar") else arr
    if "value" in node:
        return node["value"]
    if "dict" in node:
        return {key: _decode(value, arrays) for key, value in node["dict"]}
    if "list" in node:
        return [_decode(v, arrays) for v in node["list"]]
    return tuple(_decode(v, arrays) for v in node["tuple"])


def _write_npz(fileobj: Any, arrays: Mapping[str, np.ndarray]) -> None:
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, arr in arrays.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, arr, allow_pickle=False)


def _temporary_file(path: str) -> tuple[int, str]:
    """A new hidden file beside ``path``, created as ``open(path, 'w')`` would create it
    (mode 0o666 less the umask, which the system applies), with errors naming ``path``."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        return os.open(tmp, flags, 0o666), tmp
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise type(exc)(exc.errno, f"nn.save: can't write {path!r}: {directory!r} is not an "
                                   "existing directory; create it first, e.g. "
                                   "os.makedirs(directory, exist_ok=True)") from None


def save(obj: Mapping[str, Any], path: str | os.PathLike) -> None:
    """Write a state dict (``module.state_dict()``, an optimizer's, or a dict of them) to
    exactly ``path`` as an ``.npz`` archive, atomically; no ``.npz`` suffix is added."""
    if not isinstance(obj, Mapping):
        raise TypeError(f"nn.save: expected a state dict (a mapping), got {type(obj).__name__}; "
                        "save model.state_dict(), not the model")
    arrays: dict[str, np.ndarray] = {}
    layout = _encode(obj, "", arrays)
    header = json.dumps({"format": _FORMAT, "version": _VERSION, "layout": layout})
    arrays[_MARKER] = np.array(header)
    path = os.fspath(path)
    fd, tmp = _temporary_file(path)
    try:
        with os.fdopen(fd, "wb") as f:
            if os.path.exists(path):  # replacing a file keeps its permissions
                os.chmod(tmp, os.stat(path).st_mode & 0o777)
            _write_npz(f, arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _header(record: np.ndarray, path: str) -> dict[str, Any]:
    """The parsed structure record, checked to be a graphgrad header of a known version."""
    try:
        header = json.loads(str(record))
    except ValueError as exc:
        raise StateDictFileError(
            f"nn.load: {path!r} has a damaged structure record ({exc})") from exc
    if not isinstance(header, dict) or header.get("format") != _FORMAT:
        found = header.get("format") if isinstance(header, dict) else type(header).__name__
        raise StateDictFileError(
            f"nn.load: {path!r} has a {_MARKER} member that is not a graphgrad state dict "
            f"header (expected a JSON object with format {_FORMAT!r}, found {found!r})")
    version = header.get("version")
    if type(version) is not int or version != _VERSION:
        raise StateDictFileError(
            f"nn.load: {path!r} is a graphgrad state dict of format version {version!r}, but "
            f"this graphgrad reads version {_VERSION} only; load it with the graphgrad that "
            "wrote it")
    return header


def load(path: str | os.PathLike, map_location: Any = None,
         weights_only: bool | None = None) -> dict[str, Any]:
    """Read a file written by ``save`` and return the state dict (arrays as ``np.ndarray``).

    A plain ``.npz`` of arrays (without graphgrad's structure member) loads as a
    flat dict of its arrays. Anything else — another format, a truncated or
    corrupted archive, arrays that would need pickle — raises
    ``StateDictFileError`` naming the file.

    ``map_location`` and ``weights_only`` are PyTorch's, for scripts that pass them:
    the file holds only arrays, which load on the CPU (a device other than the CPU is
    refused, as ``ag.device``), and never code, so loading is always weights-only
    (``weights_only=False`` changes nothing).
    """
    if callable(map_location) or isinstance(map_location, dict):
        raise TypeError("nn.load: map_location as a function or dict remaps torch storages; "
                        "graphgrad's files hold NumPy arrays, which load on the CPU: pass "
                        "'cpu' or leave it out")
    if map_location is not None:
        ag.device(map_location)
    path = os.fspath(path)
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, Mapping):
            raise StateDictFileError(
                f"nn.load: {path!r} holds a single array, not a state dict (.npz) written "
                "by nn.save")
        with archive:
            arrays = {name: archive[name] for name in archive.files}
    except FileNotFoundError:
        raise
    except StateDictFileError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        raise StateDictFileError(
            f"nn.load: {path!r} is not a readable state dict file (an .npz written by nn.save): "
            f"it is truncated, corrupted or in another format ({type(exc).__name__}: {exc})"
        ) from exc
    if _MARKER not in arrays:
        return arrays
    header = _header(arrays.pop(_MARKER), path)
    try:
        return _decode(header["layout"], arrays)
    except (ValueError, KeyError, TypeError) as exc:
        raise StateDictFileError(
            f"nn.load: {path!r} has a damaged structure record ({exc})") from exc
