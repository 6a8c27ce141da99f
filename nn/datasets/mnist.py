"""MNIST and Fashion-MNIST: download once into a cache directory, check, parse.

Each data set is four gzip'd IDX files (training/test images and labels). They are fetched
with ``urllib`` from the canonical mirrors into ``<root>/<name>/``, each file's SHA-256 is
checked against the published value, and the files are parsed with ``read_idx``. Nothing is
downloaded when valid files are already there, so a machine without network works once the
files are copied in by hand (the error message says where).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from .idx import read_idx

FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")

MNIST_MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/",
                 "https://storage.googleapis.com/cvdf-datasets/mnist/",
                 "http://yann.lecun.com/exdb/mnist/")
MNIST_SHA256 = dict(zip(FILES, (
    "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")))

FASHION_MIRRORS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                   "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/"
                   "data/fashion/")
FASHION_SHA256 = dict(zip(FILES, (
    "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5")))
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                   "Sneaker", "Bag", "Ankle boot")

DEFAULT_ROOT = Path("~/.cache/graphgrad")


class DatasetNotAvailable(RuntimeError):
    """The files of a downloadable data set are missing and could not be fetched."""


def sha256_of(path: str | os.PathLike) -> str:
    """The hex SHA-256 digest of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _download(url: str, dest: Path, timeout: float) -> None:
    import urllib.request  # ~20 ms, paid only when something is downloaded

    # Into a temporary file first, so an interrupted download never leaves a partial file
    # under the final name.
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            shutil.copyfileobj(resp, out)
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def fetch_files(name: str, mirrors: Sequence[str], checksums: Mapping[str, str],
                root: str | os.PathLike | None = None, download: bool = True,
                timeout: float = 60.0) -> dict[str, Path]:
    """Make sure ``<root>/<name>/<file>`` exists with the right SHA-256 for every file of
    ``checksums``, downloading missing or corrupt ones from the first mirror that answers.

    Returns ``{file: path}``. Raises ``DatasetNotAvailable`` naming the files, the folder to
    put them in and the URLs to get them from when that fails (no network, ``download=False``),
    and ``ValueError`` when a file is present but its digest is wrong and it cannot be fetched
    again.
    """
    folder = Path(root if root is not None else DEFAULT_ROOT).expanduser() / name
    paths, missing, errors = {}, [], []
    for filename, digest in checksums.items():
        path = folder / filename
        if path.exists() and sha256_of(path) == digest:
            paths[filename] = path
            continue
        if download:
            folder.mkdir(parents=True, exist_ok=True)
            for base in mirrors:
                url = base + filename
                try:
                    _download(url, path, timeout)
                except (OSError, ValueError) as exc:  # URLError is an OSError
                    errors.append(f"{url}: {exc}")
                    continue
                got = sha256_of(path)
                if got == digest:
                    paths[filename] = path
                    break
                errors.append(f"{url}: SHA-256 {got} does not match the expected {digest}")
                path.unlink()
            if filename in paths:
                continue
        if path.exists():
            raise ValueError(f"{name}: {path} has SHA-256 {sha256_of(path)}, expected {digest}; "
                             "the file is corrupt or a different version: delete it and "
                             "download it again")
        missing.append(filename)
    if missing:
        how = "could not be downloaded" if download else "are missing (download=False)"
        urls = "\n".join(f"  {mirrors[0] if mirrors else ''}{f}" for f in missing)
        tried = ("\nErrors:\n  " + "\n  ".join(errors[-len(mirrors) * len(missing):])
                 if errors else "")
        raise DatasetNotAvailable(
            f"{name}: the files {', '.join(missing)} {how}. Without network, download them "
            f"elsewhere, e.g. from\n{urls}\nand put them, still gzip'd, in {folder}{os.sep} "
            f"(or pass root= to point at another folder).{tried}")
    return paths


def _load(name: str, mirrors: Sequence[str], checksums: Mapping[str, str] | None,
          root: str | os.PathLike | None, download: bool,
          ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    sums = dict(checksums) if checksums is not None else None
    if sums is not None and set(sums) != set(FILES):
        raise ValueError(f"{name}: checksums must give a SHA-256 for each of {FILES}")
    paths = fetch_files(name, mirrors, sums, root, download)
    train_x, train_y, test_x, test_y = (read_idx(paths[f]) for f in FILES)
    for images, labels, part in ((train_x, train_y, "training"), (test_x, test_y, "test")):
        if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
            raise ValueError(f"{name}: the {part} files do not pair up: images {images.shape}, "
                             f"labels {labels.shape}")
    return ((train_x, train_y.astype(np.int64)), (test_x, test_y.astype(np.int64)))


def load_mnist(root: str | os.PathLike | None = None, download: bool = True,
               checksums: Mapping[str, str] | None = None,
               mirrors: Sequence[str] = MNIST_MIRRORS,
               ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The MNIST handwritten digits (LeCun, Cortes and Burges): 60,000 training and 10,000
    test images of 28×28 uint8 pixels (0..255), labels 0..9 as int64.

    ``(X_train, y_train), (X_test, y_test) = load_mnist()``. Files live in
    ``<root>/mnist/`` (root defaults to ``~/.cache/graphgrad``), downloaded when missing if
    ``download``; ``checksums`` (file name → SHA-256) and ``mirrors`` (base URLs) override the
    published ones. Scale with ``X / 255`` or a ``Standardizer``, flatten with
    ``X.reshape(len(X), -1)`` for an MLP.
    """
    return _load("mnist", mirrors, checksums or MNIST_SHA256, root, download)


def load_fashion_mnist(root: str | os.PathLike | None = None, download: bool = True,
                       checksums: Mapping[str, str] | None = None,
                       mirrors: Sequence[str] = FASHION_MIRRORS,
                       ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Fashion-MNIST (Xiao, Rasul and Vollgraf, Zalando Research): the same layout as MNIST
    (60,000 + 10,000 images of 28×28 uint8) with 10 clothing classes, named in
    ``FASHION_CLASSES``. Files live in ``<root>/fashion-mnist/``; arguments as in
    ``load_mnist``."""
    return _load("fashion-mnist", mirrors, checksums or FASHION_SHA256, root, download)
