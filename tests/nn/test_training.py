"""The training loop: history, evaluation, early stopping, schedules, NaN detection."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.data import DataLoader
from nn.metrics import accuracy
from nn.training import EarlyStopping, History, TrainingDiverged, evaluate, fit, predict


def _blobs(seed: int = 0, n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = (rng.standard_normal((n, 2)) + 2.5 * (2 * y[:, None] - 1)).astype(np.float32)
    return X, y


def _model() -> nn.Module:
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))


def test_fit_learns_and_records_history() -> None:
    X, y = _blobs()
    model = _model()
    loader = DataLoader(X, y, batch_size=32, shuffle=True, seed=0)
    dev = DataLoader(*_blobs(1, 100), batch_size=50)
    opt = optim.Adam(model.parameters(), lr=0.05)
    history = fit(model, nn.CrossEntropyLoss(), opt, loader, epochs=5, dev_loader=dev,
                  metrics={"accuracy": accuracy}, progress=False)
    assert len(history) == 5
    assert {"epoch", "train_loss", "dev_loss", "train_accuracy", "dev_accuracy", "lr"} <= set(
        history.keys())
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert history["dev_accuracy"][-1] > 0.95
    assert len(history.batch_losses) == 5 * len(loader)
    assert history.best("dev_loss")[0] in range(1, 6)
    assert "epochs" in repr(history)
    with pytest.raises(KeyError, match="recorded"):
        history["nope"]


def test_evaluate_and_predict_use_eval_mode_without_graph() -> None:
    X, y = _blobs()
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    model.train()
    out = predict(model, X, batch_size=64)
    assert out.shape == (200, 2) and model.training
    np.testing.assert_allclose(out, predict(model, X))  # dropout off: deterministic
    logs = evaluate(model, nn.CrossEntropyLoss(), DataLoader(X, y, batch_size=50),
                    {"accuracy": accuracy})
    assert set(logs) == {"loss", "accuracy"} and model.training


def test_early_stopping_restores_the_best_weights() -> None:
    X, y = _blobs()
    model = _model()
    loader = DataLoader(X, y, batch_size=200)
    dev_X, dev_y = _blobs(2, 50)
    dev_y = 1 - dev_y  # a dev set the model gets worse on as it learns the training set
    stopper = EarlyStopping("dev_loss", patience=3)
    history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.5), loader,
                  epochs=50, dev_loader=DataLoader(dev_X, dev_y, batch_size=50),
                  callbacks=[stopper], progress=False)
    assert history.stopped_early and len(history) == stopper.best_epoch + 3
    best_state = stopper.best_state
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, best_state[k])


def test_scheduler_is_stepped_per_epoch_and_plateau_gets_the_metric() -> None:
    X, y = _blobs()
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    history = fit(model, nn.CrossEntropyLoss(), opt, DataLoader(X, y, batch_size=100),
                  epochs=3, scheduler=sched, progress=False)
    assert history["lr"] == [0.1, 0.05, 0.025]
    opt2 = optim.SGD(model.parameters(), lr=0.1)
    plateau = optim.lr_scheduler.ReduceLROnPlateau(opt2, patience=0, factor=0.5)
    fit(model, nn.CrossEntropyLoss(), opt2, DataLoader(X, y, batch_size=100), epochs=2,
        dev_loader=DataLoader(X, y, batch_size=100), scheduler=plateau, progress=False)


def test_penalty_is_part_of_the_recorded_loss() -> None:
    X, y = _blobs()
    model = _model()
    weights = [p for p in model.parameters() if p.ndim >= 2]
    big = lambda: nn.functional.l2_penalty(weights, 100.0, len(X))  # noqa: E731
    plain = fit(_model(), nn.CrossEntropyLoss(), optim.SGD(_model().parameters(), lr=0.0),
                DataLoader(X, y, batch_size=200), epochs=1, progress=False)
    penalized = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.0),
                    DataLoader(X, y, batch_size=200), epochs=1, penalty=big, progress=False)
    expected = plain["train_loss"][0] + float(big().data)
    assert penalized["train_loss"][0] == pytest.approx(expected, rel=1e-5)
    assert float(big().data) > 0.1


def test_nan_loss_stops_with_a_clear_message() -> None:
    X, y = _blobs()
    X[5] = np.nan
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.warns(RuntimeWarning, match="diverged"):
        history = fit(model, nn.CrossEntropyLoss(), opt, DataLoader(X, y, batch_size=200),
                      epochs=3, progress=False)
    assert "learning rate" in history.stop_reason and len(history) == 0
    with pytest.raises(TrainingDiverged, match="epoch 1, batch 0"):
        fit(model, nn.CrossEntropyLoss(), opt, DataLoader(X, y, batch_size=200), epochs=1,
            progress=False, on_nan="raise")


def test_history_plot_makes_a_figure() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    h = History()
    for e in range(3):
        h.append({"epoch": e + 1, "train_loss": 1.0 / (e + 1), "dev_accuracy": 0.5 + e / 10})
    fig = h.plot()
    assert len(fig.axes) == 2


def test_bad_arguments() -> None:
    model = _model()
    with pytest.raises(ValueError, match="epochs"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), [], epochs=-1)
    with pytest.raises(TypeError, match=r"\(x, y\) pair"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), [1],
            epochs=1, progress=False)
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(mode="best")
