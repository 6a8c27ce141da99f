"""nn.data samplers, dataset combinators, default_collate and the DataLoader's
sampler / batch_sampler / collate_fn / IterableDataset options, against PyTorch."""

from collections import Counter, namedtuple

import numpy as np
import pytest

import autograd as ag
from nn.data import (
    ArrayDataset,
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    StackDataset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
)

torch = pytest.importorskip("torch")  # parity tests: skipped where PyTorch is not installed
tud = pytest.importorskip("torch.utils.data")


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i * i


class Stream(IterableDataset):
    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        return iter(range(self.start, self.stop))

    def __len__(self):
        return self.stop - self.start


class TorchStream(tud.IterableDataset):
    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        return iter(range(self.start, self.stop))


def as_lists(x):
    if isinstance(x, ag.Tensor | torch.Tensor):
        return np.asarray(x.data if isinstance(x, ag.Tensor) else x.numpy()).tolist()
    if isinstance(x, dict):
        return {k: as_lists(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [as_lists(v) for v in x]
    return x


@pytest.mark.parametrize("n,bs,drop", [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, True),
                                       (1, 1, False)])
def test_batch_and_sequential_samplers_match_torch(n, bs, drop):
    ours = BatchSampler(SequentialSampler(range(n)), batch_size=bs, drop_last=drop)
    theirs = tud.BatchSampler(tud.SequentialSampler(range(n)), batch_size=bs, drop_last=drop)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)
    assert list(SequentialSampler(range(n))) == list(tud.SequentialSampler(range(n)))


def test_sampler_argument_errors_as_torch():
    for bad in (0, -1, True, 2.0):
        with pytest.raises(ValueError, match="batch_size should be a positive integer"):
            BatchSampler(range(3), bad, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean"):
        BatchSampler(range(3), 2, 1)
    with pytest.raises(TypeError, match="replacement should be a boolean"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match="1d sequence"):
        WeightedRandomSampler([[1.0, 2.0]], 2)
    with pytest.raises(ValueError, match="non-negative"):
        WeightedRandomSampler([1.0, -1.0], 2)
    with pytest.raises(ValueError, match="without replacement"):
        WeightedRandomSampler([1.0, 0.0, 2.0], 3, replacement=False)
    with pytest.raises(NotImplementedError):
        iter(Sampler())


def test_random_sampler_permutations_and_lengths():
    s = RandomSampler(range(7), generator=0)
    first, second = list(s), list(s)
    assert sorted(first) == list(range(7)) and sorted(second) == list(range(7))
    assert first != second  # a new order every pass
    assert list(RandomSampler(range(7), generator=0)) == first  # same seed, same passes
    many = list(RandomSampler(range(4), num_samples=10, generator=1))
    assert len(many) == 10 and sorted(many[:8]) == [0, 0, 1, 1, 2, 2, 3, 3]
    assert len(set(many[8:])) == 2  # the remainder is drawn without replacement
    assert len(RandomSampler(range(4), num_samples=10)) == len(
        tud.RandomSampler(range(4), num_samples=10))
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=3000, generator=2))
    assert set(drawn) == {0, 1, 2} and max(Counter(drawn).values()) < 1100
    ag.manual_seed(5)
    a = list(RandomSampler(range(9)))
    ag.manual_seed(5)
    assert list(RandomSampler(range(9))) == a  # None follows autograd's global generator


def test_subset_random_and_weighted_samplers():
    idx = [10, 20, 30, 40]
    out = list(SubsetRandomSampler(idx, generator=np.random.default_rng(0)))
    assert sorted(out) == idx and len(SubsetRandomSampler(idx)) == 4
    w = [0.1, 0.0, 0.6, 0.3]
    draws = list(WeightedRandomSampler(w, 20000, generator=3))
    counts = Counter(draws)
    assert counts[1] == 0 and len(draws) == 20000
    np.testing.assert_allclose([counts[i] / 20000 for i in (0, 2, 3)], [0.1, 0.6, 0.3],
                               atol=0.015)
    once = list(WeightedRandomSampler(w, 3, replacement=False, generator=4))
    assert sorted(once) == [0, 2, 3]
    assert len(WeightedRandomSampler(ag.tensor(w), 5)) == len(tud.WeightedRandomSampler(w, 5))


def test_concat_stack_chain_datasets_match_torch():
    a, b = Squares(3), Squares(4)
    ours, theirs = ConcatDataset([a, b]), tud.ConcatDataset([a, b])
    assert len(ours) == len(theirs) == 7 and ours.cumulative_sizes == theirs.cumulative_sizes
    assert [ours[i] for i in range(-7, 7)] == [theirs[i] for i in range(-7, 7)]
    assert (a + b)[5] == 4
    with pytest.raises(ValueError, match="absolute value"):
        ours[-8]
    with pytest.raises(IndexError, match="out of range"):
        ours[7]
    with pytest.raises(ValueError, match="empty"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="IterableDataset"):
        ConcatDataset([Stream(0, 2)])
    st = StackDataset(a, Squares(3))
    assert st[2] == tud.StackDataset(a, Squares(3))[2] == (4, 4) and len(st) == 3
    assert StackDataset(x=a, y=Squares(3))[1] == {"x": 1, "y": 1}
    with pytest.raises(ValueError, match="mismatch"):
        StackDataset(a, b)
    with pytest.raises(ValueError, match="not both"):
        StackDataset(a, y=a)
    chain = ChainDataset([Stream(0, 3), Stream(5, 7)])
    assert list(chain) == list(tud.ChainDataset([TorchStream(0, 3), TorchStream(5, 7)]))
    assert len(chain) == 5 and list(Stream(0, 2) + Stream(2, 3)) == [0, 1, 2]
    with pytest.raises(TypeError, match="only supports IterableDataset"):
        list(ChainDataset([a]))


Point = namedtuple("Point", "x y")


@pytest.mark.parametrize("batch", [
    [1, 2, 3], [1.5, 2.0], [True, False], ["a", "b"],
    [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)],
    [np.int32(3), np.int32(4)],
    [(1, 2.0), (3, 4.0)], [[1, 2], [3, 4]],
    [{"a": 1, "b": (2.0, "s")}, {"a": 3, "b": (4.0, "t")}],
    [Point(1, 2.0), Point(3, 4.0)],
])
def test_default_collate_matches_torch(batch):
    ours, theirs = default_collate(batch), tud.default_collate(batch)
    assert type(ours).__name__ == type(theirs).__name__ or isinstance(ours, ag.Tensor)
    assert as_lists(ours) == as_lists(theirs)

    def dtypes(x):
        if isinstance(x, ag.Tensor | torch.Tensor):
            return str(x.dtype).replace("torch.", "")
        if isinstance(x, dict):
            return {k: dtypes(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [dtypes(v) for v in x]
        return None
    assert dtypes(ours) == dtypes(theirs)


def test_default_collate_tensors_and_errors():
    t = [ag.tensor([1.0, 2.0], requires_grad=True), ag.tensor([3.0, 4.0])]
    out = default_collate(t)
    assert out.shape == (2, 2) and out.requires_grad
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="found object"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="dtype"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_loader_sampler_and_batch_sampler_match_torch():
    data = np.arange(10.0).reshape(10, 1)
    order = [9, 3, 5, 0, 1, 2, 8]
    ours = DataLoader(data, sampler=order, batch_size=3, drop_last=False)
    theirs = tud.DataLoader(torch.from_numpy(data), sampler=order, batch_size=3)
    assert [as_lists(b) for b in ours] == [as_lists(b) for b in theirs]
    assert len(ours) == len(theirs) == 3
    batches = [[1, 2], [7], [0, 4, 9]]
    ours = DataLoader(Squares(10), batch_sampler=batches)
    theirs = tud.DataLoader(Squares(10), batch_sampler=batches)
    assert [as_lists(b) for b in ours] == [as_lists(b) for b in theirs] and len(ours) == 3
    loader = DataLoader(ArrayDataset(data), sampler=SubsetRandomSampler([2, 4, 6], generator=0),
                        batch_size=2, drop_last=True)
    got = [as_lists(b) for b in loader]
    assert len(got) == len(loader) == 1 and {r[0] for r in got[0]} <= {2.0, 4.0, 6.0}
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(data, sampler=order, shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(data, batch_sampler=batches, batch_size=2)


def test_loader_collate_fn_and_iterable_dataset_match_torch():
    ds = TensorDataset(np.arange(6.0).reshape(3, 2), np.array([0, 1, 2]))
    ours = list(DataLoader(ds, batch_size=2, collate_fn=default_collate))
    assert isinstance(ours[0], list) and as_lists(ours[0]) == [[[0.0, 1.0], [2.0, 3.0]], [0, 1]]
    firsts = list(DataLoader(Squares(5), batch_size=2, collate_fn=lambda ex: ex[0]))
    assert firsts == [0, 4, 16]
    for drop in (False, True):
        ours = DataLoader(Stream(0, 7), batch_size=3, drop_last=drop)
        theirs = tud.DataLoader(TorchStream(0, 7), batch_size=3, drop_last=drop)
        assert [as_lists(b) for b in ours] == [as_lists(b) for b in theirs]
        assert len(ours) == (2 if drop else 3)
    summed = list(DataLoader(Stream(0, 4), batch_size=2, collate_fn=sum))
    assert summed == [1, 5]
    with pytest.raises(ValueError, match="expected unspecified shuffle"):
        DataLoader(Stream(0, 3), shuffle=True)
    with pytest.raises(ValueError, match="expected unspecified sampler"):
        DataLoader(Stream(0, 3), sampler=[0, 1])
    with pytest.raises(TypeError, match="collate_fn"):
        DataLoader(Squares(3), collate_fn=default_collate, as_numpy=True)
