"""nn.datasets: bundled tables, generators, and the MNIST loader on a local IDX fixture."""

import gzip
import hashlib
import struct

import numpy as np
import pytest

import autograd as ag
from nn.datasets import (
    FASHION_CLASSES,
    DatasetNotAvailable,
    load_breast_cancer,
    load_digits,
    load_fashion_mnist,
    load_mnist,
    make_blobs,
    make_circles,
    make_classification,
    make_flower,
    make_moons,
    make_spirals,
    read_idx,
    write_idx,
)
from nn.datasets.mnist import FILES

# --- bundled ------------------------------------------------------------------------------


def test_digits_shapes_and_classes():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == ag.get_default_dtype()
    assert y.shape == (1797,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.unique(y), np.arange(10))
    assert np.bincount(y).min() >= 170  # roughly balanced, ~180 per digit
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    bundle = load_digits(as_images=True)
    assert bundle.X.shape == (1797, 8, 8)
    np.testing.assert_array_equal(bundle.X.reshape(1797, 64), X)
    assert list(bundle.target_names) == [str(i) for i in range(10)]
    assert bundle.feature_names.dtype.kind == "U" and len(bundle.feature_names) == 64


def test_breast_cancer_shapes_and_classes():
    data = load_breast_cancer()
    X, y = data
    assert X.shape == (569, 30) and y.shape == (569,)
    np.testing.assert_array_equal(np.bincount(y), [212, 357])
    assert list(data.target_names) == ["malignant", "benign"]
    assert data.feature_names[0] == "mean radius" and len(data.feature_names) == 30
    assert np.all(np.isfinite(X)) and X.std(axis=0).max() / X.std(axis=0).min() > 1e3


# --- generators ---------------------------------------------------------------------------

GENERATORS = [
    (make_flower, {}, (400, 2), 2),
    (make_moons, {"n_samples": 101, "noise": 0.1}, (101, 2), 2),
    (make_circles, {"n_samples": 60, "noise": 0.05}, (60, 2), 2),
    (make_spirals, {"n_samples": 301, "n_classes": 4}, (301, 2), 4),
    (make_blobs, {"n_samples": 90, "centers": 3, "n_features": 5}, (90, 5), 3),
    (make_classification, {"n_samples": 200, "n_features": 6, "n_informative": 3,
                           "n_redundant": 1, "n_classes": 3}, (200, 6), 3),
]


@pytest.mark.parametrize("gen, kwargs, shape, classes", GENERATORS)
def test_generators_shapes_and_seeding(gen, kwargs, shape, classes):
    X, y = gen(**kwargs, rng=0)
    assert X.shape == shape and X.dtype == ag.get_default_dtype()
    assert y.shape == (shape[0],) and y.dtype == np.int64
    counts = np.bincount(y, minlength=classes)
    assert len(counts) == classes and counts.max() - counts.min() <= 1
    X2, y2 = gen(**kwargs, rng=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = gen(**kwargs, rng=1)
    assert not np.array_equal(X, X3)


def test_generator_geometry():
    X, y = make_circles(200, noise=0.0, factor=0.3, rng=0)
    radius = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(radius[y == 0], 1.0, rtol=1e-6)
    np.testing.assert_allclose(radius[y == 1], 0.3, rtol=1e-6)
    X, y = make_moons(100, noise=0.0, rng=0)
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(X[y == 1] - [1.0, 0.5], axis=1), 1.0, rtol=1e-6)
    X, y = make_blobs(300, centers=np.array([[0.0, 0.0], [20.0, 20.0]]), cluster_std=0.5, rng=0)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [20, 20], atol=0.2)
    X, y = make_flower(rng=0)
    assert np.abs(X).max() < 6.0  # petals of radius ~4


def test_make_classification_informative_and_redundant_columns():
    X, y = make_classification(500, n_features=5, n_informative=2, n_redundant=1,
                               class_sep=2.0, random_state=3)
    # the redundant column is an exact linear combination of the informative ones
    coef, *_ = np.linalg.lstsq(X[:, :2].astype(np.float64), X[:, 2].astype(np.float64),
                               rcond=None)
    np.testing.assert_allclose(X[:, :2] @ coef, X[:, 2], atol=1e-4)
    # informative columns separate the classes; noise columns do not
    gap = np.abs(X[y == 0].mean(axis=0) - X[y == 1].mean(axis=0))
    assert gap[:2].max() > 2.0 and gap[3:].max() < 0.5
    np.testing.assert_array_equal(make_classification(50, random_state=4)[1],
                                  make_classification(50, rng=4)[1])


def test_make_classification_flip_y_adds_label_noise():
    _, clean = make_classification(400, flip_y=0.0, rng=5)
    _, noisy = make_classification(400, flip_y=0.5, rng=5)
    assert 0.1 < np.mean(clean != noisy) < 0.4  # half re-drawn, half of those change


def test_generator_errors():
    with pytest.raises(ValueError, match="make_moons: n_samples must be an integer >= 2"):
        make_moons(0)
    with pytest.raises(ValueError, match="noise must be a non-negative"):
        make_flower(noise=-1)
    with pytest.raises(ValueError, match="factor"):
        make_circles(factor=1.5)
    with pytest.raises(ValueError, match="2\\*\\*n_informative"):
        make_classification(n_classes=5, n_informative=2)
    with pytest.raises(ValueError, match="exceeds n_features"):
        make_classification(n_features=3, n_informative=2, n_redundant=2)
    with pytest.raises(ValueError, match="not both"):
        make_classification(rng=1, random_state=1)


# --- IDX and the MNIST loader -------------------------------------------------------------


def _idx_bytes(array: np.ndarray) -> bytes:
    """IDX written by hand from the format description, independently of write_idx."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def _write_fixture(folder, rng, n_train=6, n_test=4):
    """Four gzip'd IDX files like MNIST's (tiny 5×5 images); returns arrays and digests."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        FILES[0]: rng.integers(0, 256, size=(n_train, 5, 5), dtype=np.uint8),
        FILES[1]: rng.integers(0, 10, size=n_train, dtype=np.uint8),
        FILES[2]: rng.integers(0, 256, size=(n_test, 5, 5), dtype=np.uint8),
        FILES[3]: rng.integers(0, 10, size=n_test, dtype=np.uint8),
    }
    sums = {}
    for name, arr in arrays.items():
        blob = gzip.compress(_idx_bytes(arr))
        (folder / name).write_bytes(blob)
        sums[name] = hashlib.sha256(blob).hexdigest()
    return arrays, sums


def test_read_idx_parses_a_hand_written_file(tmp_path, rng):
    arrays, _ = _write_fixture(tmp_path, rng)
    for name, arr in arrays.items():
        got = read_idx(tmp_path / name)
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arr)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32,
                                   np.float64])
def test_write_idx_round_trip(tmp_path, rng, dtype):
    arr = (rng.normal(size=(3, 4, 2)) * 50).astype(dtype)
    for name in ("a.idx", "a.idx.gz"):
        write_idx(tmp_path / name, arr)
        got = read_idx(tmp_path / name)
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(got, arr)


def test_read_idx_rejects_bad_files(tmp_path):
    (tmp_path / "bad.gz").write_bytes(gzip.compress(b"\x01\x02\x03\x04"))
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "bad.gz")
    (tmp_path / "short").write_bytes(_idx_bytes(np.zeros((2, 3)))[:-1])
    with pytest.raises(ValueError, match="truncated"):
        read_idx(tmp_path / "short")


def test_load_mnist_from_the_cache(tmp_path, rng):
    arrays, sums = _write_fixture(tmp_path / "mnist", rng)
    (Xtr, ytr), (Xte, yte) = load_mnist(root=tmp_path, download=False, checksums=sums)
    np.testing.assert_array_equal(Xtr, arrays[FILES[0]])
    np.testing.assert_array_equal(yte, arrays[FILES[3]])
    assert ytr.dtype == np.int64 and Xte.shape == (4, 5, 5)


def test_load_fashion_mnist_downloads_from_a_mirror(tmp_path, rng):
    # A file:// mirror exercises the real download path (urllib, temp file, SHA-256) offline.
    arrays, sums = _write_fixture(tmp_path / "mirror", rng)
    mirror = (tmp_path / "mirror").as_uri() + "/"
    (Xtr, ytr), _ = load_fashion_mnist(root=tmp_path / "cache", checksums=sums,
                                       mirrors=["http://127.0.0.1:9/", mirror])
    np.testing.assert_array_equal(Xtr, arrays[FILES[0]])
    assert sorted(p.name for p in (tmp_path / "cache" / "fashion-mnist").iterdir()) == \
        sorted(FILES)
    assert len(FASHION_CLASSES) == 10


def test_offline_error_says_which_files_go_where(tmp_path):
    cache = tmp_path / "cache"
    with pytest.raises(DatasetNotAvailable) as info:
        load_mnist(root=cache, mirrors=["http://127.0.0.1:9/"])  # nothing listens on port 9
    msg = str(info.value)
    for name in FILES:
        assert name in msg
    assert str(cache / "mnist") in msg and "could not be downloaded" in msg
    with pytest.raises(DatasetNotAvailable, match="download=False"):
        load_mnist(root=cache, download=False)


def test_checksum_mismatch_is_an_error(tmp_path, rng):
    _, sums = _write_fixture(tmp_path / "mnist", rng)
    wrong = dict(sums, **{FILES[1]: "0" * 64})
    with pytest.raises(ValueError, match="corrupt"):
        load_mnist(root=tmp_path, download=False, checksums=wrong)
    mirror = (tmp_path / "mnist").as_uri() + "/"
    with pytest.raises(DatasetNotAvailable, match="does not match"):
        load_mnist(root=tmp_path / "other", checksums=wrong, mirrors=[mirror])
    with pytest.raises(ValueError, match="checksums must give"):
        load_mnist(root=tmp_path, download=False, checksums={FILES[0]: "0" * 64})
