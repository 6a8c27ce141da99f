"""The ``graphgrad`` command end to end, on a small budget."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import warnings
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

import nn
import optim
from autograd import kernels as K
from autograd.__main__ import main as autograd_main
from nn.cli import SEARCHED, TrainConfig, _tune_objective, build_mlp, main, train


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
    (["train", "--seed", "-1"], "--seed must be an integer >= 0"),
    (["train", "--hidden", ""], "--hidden takes comma-separated integers such as 128,64"),
    (["train", "--hidden", ","], "--hidden takes comma-separated integers"),
    (["train", "--hidden", "16,,8"], "--hidden takes comma-separated integers"),
    (["train", "--hidden", "0"], "--hidden sizes must be positive"),
    (["tune", "--trials", "0"], "--trials must be a positive integer"),
    (["tune", "--workers", "-1"], "--workers must be a positive integer"),
    (["tune", "--seed", "-3"], "--seed must be an integer >= 0"),
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


def test_an_unwritable_out_is_refused_before_training(tmp_path: Path, monkeypatch,
                                                       capsys) -> None:
    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    assert main(["train", "--epochs", "1", "--quiet", "--out", str(tmp_path / "run")]) == 2
    captured = capsys.readouterr()
    assert "--out" in captured.err and "cannot write there (Permission denied)" in captured.err
    assert captured.out == "" and "Traceback" not in captured.err


def _interrupt_adam_at_step(monkeypatch, n: int) -> None:
    step, calls = optim.Adam.step, []

    def interrupted(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise KeyboardInterrupt
        return step(self, *args, **kwargs)

    monkeypatch.setattr(optim.Adam, "step", interrupted)


def test_ctrl_c_keeps_the_finished_epochs(tmp_path: Path, monkeypatch, capsys) -> None:
    _interrupt_adam_at_step(monkeypatch, 2 * 17 + 5)  # 1078 training digits: 17 steps/epoch
    out = tmp_path / "run"
    code = main(["train", "--epochs", "50", "--hidden", "16", "--quiet", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 130 and "Traceback" not in captured.err
    assert "interrupted (Ctrl-C) in epoch 3, after 2 finished epochs" in captured.err
    history = json.loads((out / "history.json").read_text())
    assert len(history["epochs"]) == 2 and "interrupted" in history["stop_reason"]
    assert nn.load(out / "model.npz")["0.weight"].shape == (16, 64)


def test_ctrl_c_in_the_first_epoch_writes_nothing(tmp_path: Path, monkeypatch, capsys) -> None:
    _interrupt_adam_at_step(monkeypatch, 3)
    out = tmp_path / "new" / "run"
    code = main(["train", "--epochs", "5", "--hidden", "16", "--quiet", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 130 and "graphgrad train: interrupted (Ctrl-C)" in captured.err
    assert "Traceback" not in captured.err
    assert not (tmp_path / "new").exists()  # the directories made for --out are taken back


def test_ctrl_c_during_tune_is_reported_without_a_traceback(monkeypatch, capsys) -> None:
    import optim.search

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(optim.search, "random_search", interrupted)
    assert main(["tune", "--trials", "2", "--epochs", "1"]) == 130
    assert capsys.readouterr().err == "graphgrad tune: interrupted (Ctrl-C)\n"


@pytest.mark.parametrize("dot", [None, "exit 1"])
def test_without_a_working_dot_the_run_finishes_and_says_so(dot, tmp_path: Path, monkeypatch,
                                                            capsys) -> None:
    import matplotlib.pyplot as plt

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if dot is not None:  # a graphviz that cannot render SVG
        (bin_dir / "dot").write_text(f"#!/bin/sh\necho 'Format: \"svg\" not recognized' >&2\n"
                                     f"{dot}\n")
        (bin_dir / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    out = tmp_path / "run"
    figures = plt.get_fignums()
    code = main(["train", "--epochs", "1", "--hidden", "8", "--quiet", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0 and "Traceback" not in captured.err
    assert "(graph.svg skipped: graphviz's `dot`" in captured.out
    if dot is not None:
        assert 'failed: Format: "svg" not recognized' in captured.out
    assert sorted(os.listdir(out)) == ["history.json", "loss.png", "model.npz"]
    assert plt.get_fignums() == figures  # the loss figure is closed once saved


def test_a_diverging_tune_trial_is_reported_as_diverged() -> None:
    base = asdict(TrainConfig(optimizer="sgd", epochs=2))
    for key in SEARCHED:
        base.pop(key)
    params = {"_base": base, "lr": 1e4, "units": 16, "layers": 1, "l2": 0.0, "dropout": 0.0}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        score = _tune_objective(params)
    assert math.isnan(score)  # the search's 'diverged', not the dev error of NaN weights
    assert not caught


def test_tune_with_a_tiny_budget_uses_one_process(capsys) -> None:
    assert main(["tune", "--trials", "1", "--workers", "2", "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 random trial on digits in 1 process\n" in out and "best dev error" in out


def test_help_names_every_file_train_writes(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for name in ("model.npz", "history.json", "loss.png", "graph.svg", "(default 128,64)"):
        assert name in text


def test_python_m_autograd_has_help_and_refuses_options(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        autograd_main(["--help"])
    assert exit_info.value.code == 0 and "Takes no options" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        autograd_main(["--bogus"])
    assert exit_info.value.code == 2 and "unrecognized arguments" in capsys.readouterr().err
    autograd_main([])
    assert "df/dx = y + cos(x) = 2.5838532" in capsys.readouterr().out


compiled_kernels = pytest.mark.skipif(K.backend() != "numba", reason="GRAPHGRAD_KERNELS=numpy")


@compiled_kernels
def test_build_kernels_builds_every_kernel_ahead_of_time(monkeypatch, capsys) -> None:
    from autograd.kernels import aot

    monkeypatch.setenv("GRAPHGRAD_AOT", "1")
    assert main(["build-kernels", "--dtype", "float32"]) == 0
    out = capsys.readouterr().out
    assert f"kernel modules in {aot.cache_dir() / aot.fingerprint()}" in out
    assert main(["build-kernels", "--dtype", "float32"]) == 0
    assert "(0 built now" in capsys.readouterr().out  # all there after the first run
    names = {p.name.split(".")[0].rsplit("_", 1)[0] for p in aot.built_modules()}
    assert {"gg_relu", "gg_softmax_xent_labels_forward", "gg_batch_norm_backward",
            "gg_keep_mask", "gg_adam_serial", "gg_adadelta_serial"} <= names


@compiled_kernels
def test_build_kernels_says_when_builds_are_switched_off(monkeypatch, capsys) -> None:
    monkeypatch.setenv("GRAPHGRAD_AOT", "0")
    assert main(["build-kernels"]) == 2
    assert "GRAPHGRAD_AOT=0 is set" in capsys.readouterr().err


def test_build_kernels_says_when_the_numpy_references_are_selected() -> None:
    code = "import sys; from nn.cli import main; sys.exit(main(['build-kernels']))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "GRAPHGRAD_KERNELS": "numpy"}, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 2
    assert "GRAPHGRAD_KERNELS=numpy is set: there are no compiled kernels" in proc.stderr
