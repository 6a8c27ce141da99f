"""The ``graphgrad`` command end to end, on a small budget."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nn
from nn.cli import TrainConfig, build_mlp, main, train


def test_train_command_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(["train", "--epochs", "3", "--hidden", "32", "--quiet", "--out",
                 str(tmp_path / "run")])
    out = capsys.readouterr().out
    assert code == 0
    assert "test  accuracy" in out and "bias" in out
    state = nn.load(tmp_path / "run" / "model.npz")
    assert state["0.weight"].shape == (32, 64)
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    assert len(history["epochs"]) == 3 and history["accuracy"]["test"] > 0.8


def test_default_training_reaches_95_percent_on_digits() -> None:
    result = train(TrainConfig(), progress=False)
    assert result.accuracy["test"] >= 0.95


def test_options_build_the_model_they_name() -> None:
    model = build_mlp(4, [8, 8], 3, activation="tanh", init="xavier", dropout=0.2,
                      batchnorm=True)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "BatchNorm1d", "Tanh", "Dropout", "Linear", "BatchNorm1d", "Tanh",
                     "Dropout", "Linear"]
    assert model[0].bias is None  # batch norm's beta replaces the bias (course §11)
    assert np.std(model[0].weight.data) < 1.0


@pytest.mark.parametrize("argv,message", [
    (["train", "--lr", "-1"], "--lr must be positive"),
    (["train", "--batch-size", "0"], "--batch-size must be positive"),
    (["train", "--dropout", "1.5"], "--dropout"),
    (["train", "--hidden", "a,b"], "--hidden takes comma-separated integers"),
    (["train", "--l2", "inf"], "--l2 must be a finite number >= 0"),
    (["train", "--l2", "nan"], "--l2 must be a finite number >= 0"),
    (["train", "--lr", "inf"], "--lr must be positive and finite"),
    (["train", "--patience", "-1"], "--patience must be >= 0"),
    (["tune", "--lr", "0.1", "--hidden", "16"], "--lr, --hidden: tune draws"),
    (["tune", "--dropout", "0.1"], "remove it, or run graphgrad train"),
])
def test_bad_options_give_clear_errors(argv, message, capsys) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""  # refused before the banner, before any training


def test_diverging_training_is_an_error_and_writes_nothing(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    code = main(["train", "--epochs", "2", "--lr", "1e4", "--optimizer", "sgd", "--quiet",
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "diverged" in err and "nothing was written" in err and "Traceback" not in err
    assert not out.exists()


def test_out_naming_an_existing_file_is_refused_before_training(tmp_path: Path,
                                                                capsys) -> None:
    existing = tmp_path / "model.npz"
    existing.write_text("not a directory")
    for out in (existing, existing / "run"):
        assert main(["train", "--epochs", "1", "--quiet", "--out", str(out)]) == 2
        captured = capsys.readouterr()
        assert "is an existing file, not a directory" in captured.err and captured.out == ""
    assert existing.read_text() == "not a directory"


def test_unknown_dataset_is_refused_by_the_parser(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["train", "--dataset", "imagenet"])
    assert "invalid choice" in capsys.readouterr().err


def test_tune_runs_a_small_random_search(capsys) -> None:
    code = main(["tune", "--trials", "2", "--workers", "2", "--epochs", "2", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0 and "best dev error" in out


def test_console_script_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "nn.cli", "--help"], capture_output=True,
                          text=True, check=True)
    assert "train" in proc.stdout and "tune" in proc.stdout
