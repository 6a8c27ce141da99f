"""nn.save / nn.load: round trips, exact path, no pickle, atomicity, clear errors."""

import os
import zipfile

import numpy as np
import pytest

import autograd as ag
import nn
from nn import serialization


def _model():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


def test_module_state_dict_round_trip(tmp_path, rng):
    model = _model()
    model(ag.randn(8, 3))  # move the running statistics
    path = tmp_path / "model.npz"
    nn.save(model.state_dict(), path)
    loaded = nn.load(path)
    assert list(loaded) == list(model.state_dict())
    for key, value in model.state_dict().items():
        assert loaded[key].dtype == value.dtype
        np.testing.assert_array_equal(loaded[key], value)
    other = _model()
    other.load_state_dict(loaded)
    model.eval()
    other.eval()
    x = ag.tensor(rng.standard_normal((5, 3)).astype(np.float32))
    np.testing.assert_array_equal(model(x).data, other(x).data)


def test_writes_exactly_the_given_path_and_plain_numpy_reads_it(tmp_path):
    path = tmp_path / "weights.ckpt"
    nn.save(nn.Linear(2, 2).state_dict(), path)
    assert os.listdir(tmp_path) == ["weights.ckpt"]
    with np.load(path, allow_pickle=False) as archive:
        assert {"weight", "bias"} <= set(archive.files)


def test_nested_state_round_trip(tmp_path):
    state = {
        "model": {"0.weight": np.ones((2, 2), dtype=np.float32)},
        "optimizer": {"state": {0: {"step": 3, "exp_avg": ag.zeros(2)}},
                      "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "params": [0, 1],
                                        "nesterov": False, "name": None}]},
        "epoch": 7,
    }
    nn.save(state, tmp_path / "ckpt")
    loaded = nn.load(tmp_path / "ckpt")
    assert loaded["epoch"] == 7
    assert loaded["optimizer"]["state"][0]["step"] == 3
    np.testing.assert_array_equal(loaded["optimizer"]["state"][0]["exp_avg"], np.zeros(2))
    group = loaded["optimizer"]["param_groups"][0]
    assert group == {"lr": 0.001, "betas": (0.9, 0.999), "params": [0, 1], "nesterov": False,
                     "name": None}
    np.testing.assert_array_equal(loaded["model"]["0.weight"], np.ones((2, 2)))


def test_numpy_scalars_come_back_as_numpy_scalars_and_0d_arrays_as_arrays(tmp_path):
    state = {"best": np.float32(0.25), "count": np.int64(3), "flag": np.bool_(True),
             "zero_d": np.array(1.5), "tensor_0d": ag.tensor(2.0)}
    nn.save(state, tmp_path / "scalars")
    loaded = nn.load(tmp_path / "scalars")
    for key in ("best", "count", "flag"):
        assert type(loaded[key]) is type(state[key]) and loaded[key] == state[key]
    assert isinstance(loaded["zero_d"], np.ndarray) and loaded["zero_d"].shape == ()
    assert isinstance(loaded["tensor_0d"], np.ndarray) and loaded["tensor_0d"].dtype == np.float32


def test_plain_npz_loads_as_a_flat_dict(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, weight=np.eye(2))
    np.testing.assert_array_equal(nn.load(path)["weight"], np.eye(2))


def test_a_crash_mid_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    old = {"w": np.arange(4.0)}
    nn.save(old, path)
    original_bytes = path.read_bytes()

    def crash(fileobj, arrays):
        fileobj.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(serialization, "_write_npz", crash)
    with pytest.raises(KeyboardInterrupt):
        nn.save({"w": np.zeros(1000)}, path)
    assert path.read_bytes() == original_bytes
    assert os.listdir(tmp_path) == ["model.npz"]  # the temporary file was removed
    np.testing.assert_array_equal(nn.load(path)["w"], old["w"])


def test_truncated_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "model.npz"
    nn.save(_model().state_dict(), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(nn.StateDictFileError, match="truncated, corrupted or in another format"):
        nn.load(path)


def test_files_that_are_not_state_dicts(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not an archive")
    with pytest.raises(nn.StateDictFileError, match="notes.txt"):
        nn.load(text)
    single = tmp_path / "a.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(nn.StateDictFileError, match="single array"):
        nn.load(single)
    pickled = tmp_path / "obj.npz"
    np.savez(pickled, obj=np.array([{"a": 1}], dtype=object))
    with pytest.raises(nn.StateDictFileError):
        nn.load(pickled)
    damaged = tmp_path / "damaged.npz"
    with zipfile.ZipFile(damaged, "w") as z, z.open("__graphgrad__.npy", "w") as m:
        np.lib.format.write_array(m, np.array("{not json"))
    with pytest.raises(nn.StateDictFileError, match="damaged structure"):
        nn.load(damaged)
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "missing.npz")


def test_save_refuses_what_it_cannot_store_without_pickle(tmp_path):
    with pytest.raises(TypeError, match="save model.state_dict"):
        nn.save(nn.Linear(2, 2), tmp_path / "m")
    with pytest.raises(TypeError, match="object array"):
        nn.save({"x": np.array([None, 1], dtype=object)}, tmp_path / "m")
    with pytest.raises(TypeError, match="can't save set"):
        nn.save({"x": {1, 2}}, tmp_path / "m")
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="permission bits and the umask are POSIX")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_mode_open_would_give_it(tmp_path, umask):
    previous = os.umask(umask)
    try:
        nn.save({"w": np.zeros(2)}, tmp_path / "model.npz")
        with open(tmp_path / "plain", "w"):
            pass
    finally:
        os.umask(previous)
    mode = os.stat(tmp_path / "model.npz").st_mode & 0o777
    assert mode == 0o666 & ~umask == os.stat(tmp_path / "plain").st_mode & 0o777
    os.chmod(tmp_path / "model.npz", 0o640)
    nn.save({"w": np.ones(2)}, tmp_path / "model.npz")  # replacing keeps the file's mode
    assert os.stat(tmp_path / "model.npz").st_mode & 0o777 == 0o640


def test_saving_into_a_missing_directory_names_it(tmp_path):
    target = tmp_path / "runs" / "model.npz"
    with pytest.raises(FileNotFoundError, match="runs' is not an existing directory") as info:
        nn.save({"w": np.zeros(2)}, target)
    assert str(target) in str(info.value) and ".tmp" not in str(info.value)
    assert os.listdir(tmp_path) == []


def _with_header(path, header):
    with zipfile.ZipFile(path, "w") as z, z.open("__graphgrad__.npy", "w") as m:
        np.lib.format.write_array(m, np.array(header))


def test_a_header_that_is_not_an_object_or_of_another_version_is_refused(tmp_path):
    path = tmp_path / "model.npz"
    _with_header(path, "[1, 2]")
    with pytest.raises(nn.StateDictFileError, match="not a graphgrad state dict header"):
        nn.load(path)
    _with_header(path, '{"format": "graphgrad.state_dict", "version": 2, '
                       '"layout": {"dict": []}}')
    with pytest.raises(nn.StateDictFileError, match="format version 2.*reads version 1"):
        nn.load(path)
    _with_header(path, '{"format": "graphgrad.state_dict", "layout": {"dict": []}}')
    with pytest.raises(nn.StateDictFileError, match="format version None"):
        nn.load(path)


def test_load_takes_torchs_map_location_and_weights_only(tmp_path):
    path = tmp_path / "model.npz"
    nn.save(nn.Linear(2, 3).state_dict(), path)
    for kwargs in ({"map_location": "cpu"}, {"map_location": "cpu:0", "weights_only": True},
                   {"weights_only": False}):
        assert list(nn.load(path, **kwargs)) == ["weight", "bias"]
    with pytest.raises(ValueError, match="CPU only"):
        nn.load(path, map_location="cuda:0")
    with pytest.raises(TypeError, match="map_location as a function or dict"):
        nn.load(path, map_location=lambda storage, loc: storage)
