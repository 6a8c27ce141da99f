"""nn.data: splits, standardization, the DataLoader, one-hot labels, augmentation."""

import numpy as np
import pytest

import autograd as ag
from nn.data import (
    ArrayDataset,
    Compose,
    DataLoader,
    GaussianNoise,
    RandomHorizontalFlip,
    RandomShift,
    Standardizer,
    Subset,
    TensorDataset,
    one_hot,
    random_split,
    split_sizes,
    train_dev_test_split,
)

# --- train_dev_test_split -----------------------------------------------------------------


@pytest.mark.parametrize("n, ratios, sizes", [
    (100, (0.6, 0.2, 0.2), [60, 20, 20]),
    (10_000, (0.7, 0.15, 0.15), [7000, 1500, 1500]),
    (1_000_000, (0.98, 0.01, 0.01), [980_000, 10_000, 10_000]),
    (10, (0.7, 0.3), [7, 3]),
    (7, (0.6, 0.2, 0.2), [4, 2, 1]),  # 4.2, 1.4, 1.4: the spare one to a .4
])
def test_split_sizes_follow_the_ratios(n, ratios, sizes):
    assert split_sizes(n, ratios) == sizes


def test_split_parts_are_disjoint_and_cover_everything():
    X = np.arange(103)[:, None] * np.ones((1, 3))
    y = np.arange(103)
    (Xtr, ytr), (Xdv, ydv), (Xte, yte) = train_dev_test_split(X, y, seed=0)
    assert (len(ytr), len(ydv), len(yte)) == (62, 21, 20)
    ids = np.concatenate([ytr, ydv, yte])
    assert sorted(ids.tolist()) == list(range(103))
    for Xp, yp in ((Xtr, ytr), (Xdv, ydv), (Xte, yte)):  # rows stay paired with labels
        np.testing.assert_array_equal(Xp[:, 0], yp)
    assert not np.array_equal(ytr, np.sort(ytr))  # shuffled


def test_split_is_reproducible_and_seed_dependent():
    X = np.arange(50)
    a = train_dev_test_split(X, seed=3)
    b = train_dev_test_split(X, seed=3)
    c = train_dev_test_split(X, seed=4)
    for pa, pb in zip(a, b):
        np.testing.assert_array_equal(pa, pb)
    assert not np.array_equal(a[0], c[0])


def test_split_without_shuffle_keeps_order():
    tr, dv, te = train_dev_test_split(np.arange(10), ratios=(0.6, 0.2, 0.2), shuffle=False)
    np.testing.assert_array_equal(np.concatenate([tr, dv, te]), np.arange(10))


def test_stratified_split_keeps_class_shares():
    y = np.repeat([0, 1, 2], [500, 300, 200])
    X = np.arange(1000)
    parts = train_dev_test_split(X, y, ratios=(0.6, 0.2, 0.2), seed=1, stratify=True)
    for (Xp, yp), share in zip(parts, (0.6, 0.2, 0.2)):
        counts = np.bincount(yp, minlength=3)
        np.testing.assert_allclose(counts, share * np.array([500, 300, 200]), atol=1)
        np.testing.assert_array_equal(y[Xp], yp)
    assert [len(p[1]) for p in parts] == [600, 200, 200]


def test_stratified_split_keeps_every_class_within_two_of_its_share():
    rng = np.random.default_rng(0)
    worst = 0.0
    for case in range(1000):
        n_parts = int(rng.integers(2, 5))
        ratios = rng.dirichlet(np.ones(n_parts))
        y = rng.integers(0, int(rng.integers(1, 13)), int(rng.integers(1, 300)))
        parts = train_dev_test_split(np.arange(len(y)), y, ratios=ratios, seed=case,
                                     stratify=True)
        n_c = np.bincount(y, minlength=y.max() + 1)
        for Xp, yp in parts:
            share = n_c * len(yp) / len(y)
            worst = max(worst, np.abs(np.bincount(yp, minlength=len(n_c)) - share).max())
            np.testing.assert_array_equal(y[Xp], yp)
        ids = np.concatenate([p[0] for p in parts])
        assert sorted(ids.tolist()) == list(range(len(y)))
    assert worst < 2, worst


def test_split_of_tensors_gives_tensors():
    X = ag.tensor(np.arange(10.0).reshape(5, 2))
    tr, dv, te = train_dev_test_split(X, ratios=(0.6, 0.2, 0.2), seed=0)
    assert isinstance(tr, ag.Tensor) and tr.shape == (3, 2)


@pytest.mark.parametrize("kwargs, match", [
    ({"ratios": (0.5, 0.2, 0.2)}, "sum to 1"),
    ({"ratios": np.array([0.5, 0.6])}, r"got \(0\.5, 0\.6\) \(sum 1\.1\)"),
    ({"ratios": (0.5, np.inf)}, r"non-negative, got \(0\.5, inf\)$"),
    ({"ratios": (1.2, -0.1, -0.1)}, "non-negative"),
    ({"ratios": (1.0,)}, "two or more"),
    ({"stratify": True}, "labels y"),
])
def test_split_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_dev_test_split(np.arange(10), **kwargs)


def test_split_mismatched_lengths():
    with pytest.raises(ValueError, match=r"train_dev_test_split.*X has 10.*y has 9"):
        train_dev_test_split(np.zeros((10, 2)), np.zeros(9))


# --- Standardizer --------------------------------------------------------------------------


def test_standardizer_uses_training_statistics_only(rng):
    Xtr = rng.normal(5.0, 3.0, size=(200, 4))
    Xdev = rng.normal(-2.0, 0.5, size=(50, 4))
    s = Standardizer().fit(Xtr)
    mu = Xtr.sum(axis=0) / 200
    var = ((Xtr - mu) ** 2).sum(axis=0) / 200  # the course's biased 1/m variance
    np.testing.assert_allclose(s.mean_, mu)
    np.testing.assert_allclose(s.var_, var)
    Z = s.transform(Xtr)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1, atol=1e-12)
    np.testing.assert_allclose(s.transform(Xdev), (Xdev - mu) / np.sqrt(var))
    assert abs(s.transform(Xdev).mean()) > 1.0  # dev is not re-centred on its own mean
    np.testing.assert_allclose(s.inverse_transform(s.transform(Xdev)), Xdev)


def test_standardizer_zero_variance_guard_and_dtypes():
    X = np.array([[1, 7], [3, 7], [5, 7]], dtype=np.int64)
    s = Standardizer()
    Z = s.fit_transform(X)
    assert Z.dtype == np.float32
    np.testing.assert_allclose(Z[:, 1], 0.0)  # the constant feature, not NaN
    np.testing.assert_allclose(s.inverse_transform(Z), X, rtol=1e-6)
    Zt = s.transform(ag.tensor(X.astype(np.float64)))
    assert isinstance(Zt, ag.Tensor) and Zt.dtype == np.float64


def test_standardizer_state_dict_round_trip(rng):
    X = rng.normal(size=(30, 3, 2))
    s = Standardizer().fit(X)
    t = Standardizer().load_state_dict(s.state_dict())
    np.testing.assert_array_equal(t.transform(X), s.transform(X))


def test_standardizer_errors():
    with pytest.raises(RuntimeError, match="fit"):
        Standardizer().transform(np.zeros((2, 3)))
    s = Standardizer().fit(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        s.transform(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="NaN"):
        Standardizer().fit(np.array([[1.0], [np.nan]]))


# --- DataLoader ----------------------------------------------------------------------------


def _epoch_ids(loader):
    return np.concatenate([np.asarray(yb) for _, yb in loader])


def test_loader_covers_every_example_once_per_epoch():
    X = np.arange(23.0)[:, None]
    y = np.arange(23)
    loader = DataLoader(X, y, batch_size=5, shuffle=True, seed=0)
    assert len(loader) == 5
    sizes = [len(yb) for _, yb in loader]
    assert sizes == [5, 5, 5, 5, 3]  # the last, partial batch
    first, second = _epoch_ids(loader), _epoch_ids(loader)
    assert sorted(first.tolist()) == list(range(23))
    assert sorted(second.tolist()) == list(range(23))
    assert not np.array_equal(first, second)  # reshuffled each epoch
    for xb, yb in loader:  # rows stay paired
        np.testing.assert_array_equal(np.asarray(xb)[:, 0], np.asarray(yb))


def test_loader_is_reproducible_with_a_seed():
    X = np.arange(40)
    a = DataLoader(X, batch_size=8, shuffle=True, seed=7, as_numpy=True)
    b = DataLoader(X, batch_size=8, shuffle=True, seed=7, as_numpy=True)
    c = DataLoader(X, batch_size=8, shuffle=True, seed=8, as_numpy=True)
    for _ in range(3):
        ea, eb, ec = (np.concatenate(list(ld)) for ld in (a, b, c))
        np.testing.assert_array_equal(ea, eb)
        assert not np.array_equal(ea, ec)


def test_loader_and_transforms_without_seed_follow_manual_seed():
    loader = DataLoader(np.arange(30), batch_size=4, shuffle=True, as_numpy=True)
    noise = GaussianNoise(std=1.0)
    images = np.zeros((2, 3, 3))
    runs = []
    for _ in range(2):
        ag.manual_seed(5)  # after construction: the global generator is looked up per epoch
        runs.append((np.concatenate(list(loader)), noise(images)))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    assert not np.array_equal(np.concatenate(list(loader)), runs[1][0])


def test_loader_drop_last_and_no_shuffle():
    loader = DataLoader(np.arange(10), batch_size=4, drop_last=True, as_numpy=True)
    assert len(loader) == 2
    np.testing.assert_array_equal(np.concatenate(list(loader)), np.arange(8))


def test_loader_batch_types():
    X = np.arange(12, dtype=np.uint8).reshape(6, 2)
    y = np.arange(6, dtype=np.int32)
    xb, yb = next(iter(DataLoader(X, y, batch_size=4)))
    assert isinstance(xb, ag.Tensor) and xb.dtype == ag.get_default_dtype()
    assert yb.dtype == np.int64 and not xb.requires_grad
    xb64, _ = next(iter(DataLoader(X.astype(np.float64), y, batch_size=4)))
    assert xb64.dtype == np.float64
    xa, ya = next(iter(DataLoader(X, y, batch_size=4, as_numpy=True)))
    assert isinstance(xa, np.ndarray) and xa.dtype == np.uint8 and ya.dtype == np.int32


class _Squares:
    """A user dataset: only __len__ and __getitem__."""

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return np.array([i, i * i], dtype=np.float64), i


def test_loader_over_a_custom_dataset_and_tensor_dataset():
    batches = list(DataLoader(_Squares(), batch_size=3, as_numpy=True))
    assert [len(b[1]) for b in batches] == [3, 3, 1]
    np.testing.assert_array_equal(batches[1][0], [[3, 9], [4, 16], [5, 25]])
    ds = TensorDataset(ag.tensor([[1.0], [2.0]]), ag.tensor([0, 1]))
    x0, y0 = ds[0]
    assert isinstance(x0, ag.Tensor) and y0.item() == 0
    assert len(DataLoader(ds, batch_size=2)) == 1
    assert len(ArrayDataset(np.zeros((5, 2)))) == 5


def test_loader_applies_transform_to_inputs():
    X = np.ones((4, 2, 2))
    loader = DataLoader(X, np.zeros(4, dtype=np.int64), batch_size=2,
                        transform=lambda x: x * 3)
    xb, _ = next(iter(loader))
    np.testing.assert_array_equal(xb.numpy(), 3 * np.ones((2, 2, 2)))


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_loader_rejects_bad_batch_size(batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(np.arange(4), batch_size=batch_size)


def test_loader_bad_input():
    with pytest.raises(ValueError, match="same number of examples"):
        DataLoader(np.zeros((5, 2)), np.zeros(4), batch_size=2)
    with pytest.raises(TypeError, match="__len__ and __getitem__"):
        DataLoader(42, batch_size=2)
    with pytest.raises(TypeError, match="shufle"):
        DataLoader(np.arange(4), shufle=True)
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        DataLoader(np.arange(4), shuffle="yes")
    with pytest.raises(ValueError, match="no batch at all"):
        DataLoader(np.arange(3), batch_size=4, drop_last=True)


class _Records:
    """A user dataset of dicts, numbers and strings, as PyTorch users write them."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": np.full(2, i, dtype=np.float32), "y": i, "w": 0.5 * i, "name": f"n{i}"}


def test_loader_batches_dict_examples_key_by_key():
    xb = next(iter(DataLoader(_Records(), batch_size=2)))
    assert set(xb) == {"x", "y", "w", "name"}
    np.testing.assert_array_equal(xb["x"].numpy(), [[0, 0], [1, 1]])
    assert xb["x"].dtype == np.float32 and xb["y"].dtype == np.int64
    assert xb["w"].dtype == np.float64 and xb["name"] == ("n0", "n1")
    last = list(DataLoader(_Records(), batch_size=2, as_numpy=True))[-1]
    assert isinstance(last["x"], np.ndarray) and last["y"].tolist() == [4]
    with pytest.raises(TypeError, match="dicts; apply it in the dataset"):
        next(iter(DataLoader(_Records(), batch_size=2, transform=lambda a: a)))


class _Mixed:
    def __len__(self):
        return 6

    def __getitem__(self, i):
        return np.arange(3, dtype=np.float32) * i, i, float(i) / 3, bool(i % 2), f"s{i}"


def test_loader_collates_like_torch_default_collate():
    torch = pytest.importorskip("torch")
    ours = list(DataLoader(_Mixed(), batch_size=4))
    theirs = list(torch.utils.data.DataLoader(_Mixed(), batch_size=4))
    assert len(ours) == len(theirs) == 2
    for ob, tb in zip(ours, theirs):
        for o, t in zip(ob, tb):
            if isinstance(t, tuple):
                assert o == t  # strings stay strings
                continue
            assert np.dtype(str(t.dtype).removeprefix("torch.")) == o.dtype
            np.testing.assert_array_equal(o.numpy(), t.numpy())
    batch = next(iter(torch.utils.data.DataLoader(_Records(), batch_size=3)))
    mine = next(iter(DataLoader(_Records(), batch_size=3)))
    assert set(mine) == set(batch) and mine["name"] == tuple(batch["name"])
    for k in ("x", "y", "w"):
        np.testing.assert_array_equal(mine[k].numpy(), batch[k].numpy())
        assert mine[k].dtype == np.dtype(str(batch[k].dtype).removeprefix("torch."))


def test_tensor_dataset_items_are_tuples_as_in_torch():
    ds = TensorDataset(np.arange(8.0).reshape(4, 2))
    (x,) = ds[1]
    np.testing.assert_array_equal(x.numpy(), [2.0, 3.0])
    assert isinstance(ds.tensors[0], ag.Tensor) and np.shares_memory(ds.tensors[0].data,
                                                                     ds.arrays[0])
    batches = list(DataLoader(ds, batch_size=3))
    assert all(isinstance(b, tuple) and len(b) == 1 for b in batches)
    assert [b[0].shape for b in batches] == [(3, 2), (1, 2)]
    assert not isinstance(next(iter(DataLoader(np.zeros((4, 2)), batch_size=2))), tuple)


class _Doubled(TensorDataset):
    """A TensorDataset whose __getitem__ does more: the loader must call it."""

    def __getitem__(self, i):
        x, y = super().__getitem__(i)
        return x * 2, y


def test_loader_calls_an_overridden_getitem():
    ds = _Doubled(np.ones((4, 2)), np.arange(4))
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    np.testing.assert_array_equal(xb.numpy(), 2 * np.ones((4, 2)))
    np.testing.assert_array_equal(yb.numpy(), np.arange(4))


@pytest.mark.parametrize("make", [
    lambda: DataLoader(TensorDataset(np.zeros((4, 2))), 2),
    lambda: DataLoader(_Squares(), 2),
    lambda: DataLoader(np.zeros((4, 2)), 2, True),
])
def test_loader_options_given_positionally_are_refused(make):
    with pytest.raises(TypeError, match="options are keyword arguments.*batch_size=32"):
        make()


def test_a_dataset_where_an_array_belongs_is_refused_not_iterated_forever():
    # NumPy would index _Squares (no IndexError, ever) without end
    with pytest.raises(TypeError, match="got a _Squares; a dataset goes alone into DataLoader"):
        DataLoader(_Squares(), np.zeros(7))
    with pytest.raises(TypeError, match="X must be an array or a Tensor, got a _Squares"):
        train_dev_test_split(_Squares())
    assert len(ArrayDataset(range(4))) == 4  # a real sequence is still data


def test_loader_errors_for_torch_only_forms_and_ragged_examples():
    with pytest.raises(ValueError, match="batch_size=None, unbatched loading, is not offered"):
        DataLoader(np.zeros(4), batch_size=None)

    class Ragged:
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return np.zeros(2 + i), i

    with pytest.raises(ValueError, match="can't batch the examples' field 0"):
        next(iter(DataLoader(Ragged(), batch_size=2)))


@pytest.mark.parametrize("drop_last", [False, True])
def test_loader_lengths_and_batch_sizes_match_torch(drop_last):
    torch = pytest.importorskip("torch")
    for n in range(1, 13):
        for bs in range(1, 6):
            if drop_last and n < bs:
                continue  # an error here (an epoch without batches); torch yields none
            ours = DataLoader(np.arange(n), batch_size=bs, drop_last=drop_last)
            theirs = torch.utils.data.DataLoader(torch.arange(n), batch_size=bs,
                                                 drop_last=drop_last)
            assert len(ours) == len(theirs)
            assert [len(b) for b in ours] == [len(b) for b in theirs]
            assert np.concatenate([b.numpy() for b in ours]).tolist() == \
                torch.cat(list(theirs)).tolist()


# --- one_hot -------------------------------------------------------------------------------


def test_one_hot_matches_the_course_eye_trick():
    labels = np.array([0, 2, 1, 3])
    out = one_hot(labels, 4)
    np.testing.assert_array_equal(out, np.eye(4)[labels])
    assert out.dtype == ag.get_default_dtype()
    assert one_hot(np.array([1, 0])).shape == (2, 2)
    t = one_hot(ag.tensor([1, 0]), 3)
    assert isinstance(t, ag.Tensor) and t.shape == (2, 3)


def test_one_hot_errors():
    with pytest.raises(ValueError, match=r"\[0, 3\).*5"):
        one_hot(np.array([0, 5]), 3)
    with pytest.raises(ValueError, match="whole numbers"):
        one_hot(np.array([0.5]))
    with pytest.raises(ValueError, match="positive integer"):
        one_hot(np.array([0]), 0)


# --- augmentation --------------------------------------------------------------------------


def test_horizontal_flip_flips_about_half_and_is_seeded(rng):
    X = rng.normal(size=(400, 3, 4, 5))
    out = RandomHorizontalFlip(seed=0)(X)
    flipped = np.array([np.array_equal(o, x[..., ::-1]) for o, x in zip(out, X)])
    kept = np.array([np.array_equal(o, x) for o, x in zip(out, X)])
    assert np.all(flipped ^ kept)
    assert 0.4 < flipped.mean() < 0.6
    np.testing.assert_array_equal(out, RandomHorizontalFlip(seed=0)(X))
    np.testing.assert_array_equal(RandomHorizontalFlip(p=1.0)(X), X[..., ::-1])


def test_random_shift_moves_content_and_fills_border():
    X = np.zeros((50, 7, 7))
    X[:, 3, 3] = 1.0  # one lit pixel in the centre
    out = RandomShift(max_shift=2, fill=0.0, seed=1)(X)
    pos = np.array([np.unravel_index(np.argmax(o), o.shape) for o in out]) - 3
    assert np.all(np.abs(pos) <= 2) and len({tuple(p) for p in pos}) > 5
    np.testing.assert_array_equal(out.sum(axis=(1, 2)), 1.0)
    big = RandomShift(max_shift=3, fill=-1.0, seed=2)(np.ones((20, 2, 4, 4)))
    assert big.shape == (20, 2, 4, 4) and (big == -1.0).any()
    np.testing.assert_array_equal(RandomShift(0)(X), X)


def test_gaussian_noise_statistics_and_compose():
    X = np.zeros((200, 8, 8), dtype=np.uint8)
    out = GaussianNoise(std=0.5, seed=3)(X)
    assert out.dtype == ag.get_default_dtype()
    assert abs(out.std() - 0.5) < 0.02 and abs(out.mean()) < 0.02
    clipped = GaussianNoise(std=1.0, clip=(0.0, 1.0), seed=3)(X)
    assert clipped.min() >= 0 and clipped.max() <= 1
    pipeline = Compose([RandomHorizontalFlip(p=1.0), GaussianNoise(std=0.0)])
    Y = np.arange(2 * 3 * 3, dtype=np.float64).reshape(2, 3, 3)
    np.testing.assert_array_equal(pipeline(Y), Y[..., ::-1])


def test_augmentation_bad_input():
    with pytest.raises(ValueError, match=r"\(N, H, W\).*\(10, 64\)"):
        RandomShift(seed=0)(np.zeros((10, 64)))
    with pytest.raises(ValueError, match="probability"):
        RandomHorizontalFlip(p=1.5)
    with pytest.raises(TypeError, match="callable"):
        Compose([3])


# --- random_split, Subset and PyTorch's DataLoader keywords -----------------------------

@pytest.mark.filterwarnings("ignore:Length of split")
@pytest.mark.parametrize("n, lengths", [(10, [0.33, 0.33, 0.34]), (7, [0.5, 0.5]),
                                        (5, [0.1, 0.1, 0.8]), (10, [7, 3]), (3, [0, 3])])
def test_random_split_sizes_follow_torch_and_partition_the_dataset(n, lengths):
    parts = random_split(list(range(n)), lengths, generator=0)
    torch = pytest.importorskip("torch")
    assert [len(p) for p in parts] == [len(p) for p in torch.utils.data.random_split(
        range(n), lengths)]
    taken = [p[i] for p in parts for i in range(len(p))]
    assert sorted(taken) == list(range(n))  # disjoint, and every example once
    again = random_split(list(range(n)), lengths, generator=0)
    assert all(np.array_equal(a.indices, b.indices) for a, b in zip(parts, again))


def test_random_split_refuses_lengths_that_do_not_fit():
    for lengths, message in [([5, 4], r"sum to 9, but the dataset has 10"),
                             ([0.5, 0.6], "sum to 1"), ([-1, 11], "non-negative"),
                             ([], "non-negative")]:
        with pytest.raises(ValueError, match=message):
            random_split(list(range(10)), lengths)


def test_a_loader_over_subsets_gives_their_rows():
    X = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    base = TensorDataset(X, y)
    inner = Subset(Subset(base, [9, 7, 5, 3, 1, 0]), [1, -1, 2])  # -> rows 7, 0, 5
    assert len(inner) == 3 and inner[0][1].item() == 7
    xb, yb = next(iter(DataLoader(inner, batch_size=3)))
    np.testing.assert_array_equal(yb.data, [7, 0, 5])
    np.testing.assert_array_equal(xb.data, X[[7, 0, 5]])

    class Squares:
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return np.float32(i * i)

    np.testing.assert_array_equal(next(iter(DataLoader(Subset(Squares(), [5, 2]),
                                                       batch_size=2))).data, [25.0, 4.0])
    with pytest.raises(IndexError, match=r"indices must lie in \[-10, 10\)"):
        Subset(base, [10])
    with pytest.raises(TypeError, match="1-D sequence of integers"):
        Subset(base, [0.5])


def test_loader_takes_torchs_generator_pin_memory_and_num_workers_zero():
    X = np.arange(12, dtype=np.float32).reshape(6, 2)
    by_seed = [b.data for b in DataLoader(X, batch_size=2, shuffle=True, seed=3)]
    by_generator = [b.data for b in DataLoader(X, batch_size=2, shuffle=True, generator=3)]
    assert all(np.array_equal(a, b) for a, b in zip(by_seed, by_generator))
    with pytest.raises(TypeError, match="once, as seed= or generator="):
        DataLoader(X, seed=1, generator=2)
    assert len(DataLoader(X, batch_size=4, num_workers=0)) == 2
    with pytest.raises(ValueError, match="num_workers=2 is not offered: batches are built in "
                                         "the main process"):
        DataLoader(X, num_workers=2)
    with pytest.warns(UserWarning, match="pin_memory=True has no effect"):
        DataLoader(X, pin_memory=True)
