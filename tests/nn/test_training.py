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


def test_predict_on_no_examples_has_the_models_output_shape() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    out = predict(model, np.zeros((0, 2), dtype=np.float32))
    assert out.shape == (0, 3) and out.dtype == np.float32


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


def _exploding_regression() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3)).astype(np.float32)
    return X, (X @ [1.0, 2.0, 3.0])[:, None].astype(np.float32)


class _Ends(nn.training.Callback):
    def __init__(self) -> None:
        self.ended = 0

    def on_train_end(self, trainer) -> None:
        self.ended += 1


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_divergence_ends_training_like_any_end_and_restores_the_best_weights() -> None:
    X, y = _exploding_regression()
    ag.manual_seed(0)
    model = nn.Linear(3, 1)
    stopper, ends = EarlyStopping(patience=1000), _Ends()
    with pytest.warns(RuntimeWarning, match="diverged"):
        history = fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=1.1),
                      DataLoader(X, y, batch_size=16, shuffle=True, seed=0), epochs=1000,
                      dev_loader=DataLoader(X, y, batch_size=64), callbacks=[stopper, ends],
                      progress=False)
    assert history.stopped_early and "diverged" in history.stop_reason and ends.ended == 1
    assert stopper.best_epoch == history.best("dev_loss")[0]
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, stopper.best_state[k])
    assert np.all(np.abs(model.weight.data) < 100)
    ag.manual_seed(0)
    model = nn.Linear(3, 1)
    with pytest.raises(TrainingDiverged, match="diverged"):
        fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=1.1),
            DataLoader(X, y, batch_size=16, shuffle=True, seed=0), epochs=1000,
            dev_loader=DataLoader(X, y, batch_size=64), callbacks=[stopper, ends],
            progress=False, on_nan="raise")
    assert ends.ended == 2 and np.all(np.abs(model.weight.data) < 100)


def test_early_stopping_starts_afresh_in_every_fit() -> None:
    X, y = _blobs()
    dev = DataLoader(*_blobs(1, 100), batch_size=50)
    stopper = EarlyStopping("dev_loss", patience=3)
    first = _model()
    fit(first, nn.CrossEntropyLoss(), optim.Adam(first.parameters(), lr=0.05),
        DataLoader(X, y, batch_size=32), epochs=10, dev_loader=dev, callbacks=[stopper],
        progress=False)
    second = _model()
    untrained = {k: v.copy() for k, v in second.state_dict().items()}
    history = fit(second, nn.CrossEntropyLoss(), optim.SGD(second.parameters(), lr=0.0),
                  DataLoader(X, y, batch_size=32), epochs=10, dev_loader=dev,
                  callbacks=[stopper], progress=False)
    # lr=0: the dev loss never moves, so epoch 1 is the best and training stops at 1 + 3
    assert stopper.best_epoch == 1 and len(history) == 4
    for k, v in second.state_dict().items():
        np.testing.assert_array_equal(v, untrained[k])


def _trained_weights(metrics, seed, transform=None) -> tuple[list[np.ndarray], History]:
    X, y = _blobs()
    model = _model()
    ag.manual_seed(1)
    loader = DataLoader(X, y, batch_size=32, shuffle=True, seed=seed, transform=transform)
    history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
                  loader, epochs=3, metrics=metrics, progress=False)
    assert loader.epoch == 3
    return [p.data.copy() for p in model.parameters()], history


@pytest.mark.parametrize("seed", [0, None])
def test_metrics_change_nothing_in_the_training(seed) -> None:
    calls = []
    plain, _ = _trained_weights(None, seed, transform=lambda x: calls.append(1) or x)
    n_calls = len(calls)
    measured, history = _trained_weights({"accuracy": accuracy}, seed,
                                         transform=lambda x: calls.append(1) or x)
    assert len(calls) == 2 * n_calls  # the metrics pass does not apply the transform
    for a, b in zip(plain, measured):
        np.testing.assert_array_equal(a, b)
    assert "train_accuracy" in history.keys()


def test_train_metrics_are_those_of_the_model_as_the_epoch_ends() -> None:
    X, y = _blobs()
    for loader in (DataLoader(X, y, batch_size=32, shuffle=True, seed=0),
                   list(DataLoader(X, y, batch_size=32))):
        model = nn.Sequential(nn.Linear(2, 8), nn.Dropout(0.5), nn.Linear(8, 2))
        history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
                      loader, epochs=2, metrics={"accuracy": accuracy}, progress=False)
        assert history["train_accuracy"][-1] == accuracy(y, predict(model, X))


def test_a_one_shot_loader_is_refused_when_it_runs_dry() -> None:
    X, y = _blobs()
    model = _model()
    batches = (b for b in DataLoader(X, y, batch_size=50))
    with pytest.raises(ValueError, match="no batches in epoch 2.*generator"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), batches,
            epochs=2, progress=False)


class _InterruptedLoader:
    """Batches of (X, y) that raise KeyboardInterrupt, as Ctrl-C does, in epoch ``at``."""

    def __init__(self, X: np.ndarray, y: np.ndarray, at: int) -> None:
        self.X, self.y, self.at, self.epoch = X, y, at, 0

    def __iter__(self):
        self.epoch += 1
        for i in range(0, len(self.X), 50):
            if self.epoch == self.at and i == 100:
                raise KeyboardInterrupt
            yield self.X[i:i + 50], self.y[i:i + 50]


@pytest.mark.parametrize("on_interrupt", ["stop", "raise"])
def test_ctrl_c_ends_training_like_any_end(on_interrupt) -> None:
    X, y = _blobs()
    model = _model()
    stopper, ends = EarlyStopping(patience=100), _Ends()
    run = lambda: fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),  # noqa: E731
                      _InterruptedLoader(X, y, at=3), epochs=10,
                      dev_loader=DataLoader(X, y, batch_size=200), callbacks=[stopper, ends],
                      on_interrupt=on_interrupt, progress=False)
    if on_interrupt == "raise":
        with pytest.raises(KeyboardInterrupt):
            run()
    else:
        history = run()
        assert len(history) == 2 and history.interrupted and history.stopped_early
        assert history.stop_reason == "interrupted (Ctrl-C) in epoch 3, after 2 finished epochs"
    assert ends.ended == 1  # on_train_end ran: the best epoch's weights are back
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, stopper.best_state[k])


def test_verbose_lines_are_written_above_the_progress_bar(monkeypatch, capsys) -> None:
    tqdm_auto = pytest.importorskip("tqdm.auto")
    lines = []
    monkeypatch.setattr(tqdm_auto.tqdm, "write",
                        classmethod(lambda cls, s, *args, **kwargs: lines.append(s)))
    X, y = _blobs()
    model = _model()
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
        DataLoader(X, y, batch_size=100), epochs=2, progress=True, verbose=True)
    assert [line.split()[0] for line in lines] == ["epoch=1", "epoch=2"]
    assert "train_loss" not in capsys.readouterr().out  # not printed across the bar
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
        DataLoader(X, y, batch_size=100), epochs=1, progress=False, verbose=True)
    assert capsys.readouterr().out.startswith("epoch=1 train_loss=")


def test_a_loader_without_examples_is_an_error_not_a_zero_loss() -> None:
    X, y = _blobs()
    model = _model()
    with pytest.raises(ValueError, match="no examples"):
        evaluate(model, nn.CrossEntropyLoss(), [])
    with pytest.raises(ValueError, match="no examples"):
        evaluate(model, None, [(X[:0], y[:0])], {"accuracy": accuracy})
    with pytest.raises(ValueError, match="dev_loader=None"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
            DataLoader(X, y, batch_size=100), epochs=1, dev_loader=[], progress=False)


def test_history_lookups() -> None:
    h = History()
    h.append({"epoch": 1, "loss": 1.0, "dev_accuracy": 0.5})
    h.append({"epoch": 2, "loss": 0.5})
    np.testing.assert_array_equal(h["dev_accuracy"], [0.5, np.nan])  # recorded once
    with pytest.raises(KeyError, match=r"recorded \['dev_accuracy', 'epoch', 'loss'\]"):
        h["nope"]
    assert h.best("loss") == (2, 0.5) and h.best("loss", mode="max") == (1, 1.0)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        h.best("loss", mode="MIN")
    nan = History()
    nan.append({"epoch": 1, "dev_loss": float("nan")})
    with pytest.raises(ValueError, match="every recorded 'dev_loss' is NaN"):
        nan.best()


def test_history_plot_has_whole_epoch_ticks() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    h = History()
    for e in range(3):
        h.append({"epoch": e + 1, "train_loss": 1.0 / (e + 1)})
    fig = h.plot()
    ticks = fig.axes[0].get_xticks()
    plt.close(fig)
    assert len(ticks) and all(float(t).is_integer() for t in ticks)


def test_epochs_must_be_a_whole_number() -> None:
    model = _model()
    with pytest.raises(ValueError, match="epochs must be an integer >= 0, got 2.5"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), [], epochs=2.5)


def test_max_grad_norm_clips_every_step() -> None:
    X, y = _exploding_regression()
    steps = {}
    for clip in (None, 0.5):
        ag.manual_seed(0)
        model = nn.Linear(3, 1)
        before = np.concatenate([p.data.ravel() for p in model.parameters()])
        fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=1.0), [(X, y)], epochs=1,
            progress=False, max_grad_norm=clip)
        after = np.concatenate([p.data.ravel() for p in model.parameters()])
        steps[clip] = float(np.linalg.norm(after - before))  # = lr * ||gradient||
    assert steps[None] > 1.0 and steps[0.5] == pytest.approx(0.5, rel=1e-4)
    with pytest.raises(ValueError, match="max_grad_norm must be a number > 0"):
        fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=1.0), [(X, y)], epochs=1,
            max_grad_norm=0)
    with pytest.raises(TrainingDiverged, match="max_grad_norm="):
        X[0] = np.nan
        fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=1.0), [(X, y)], epochs=1,
            progress=False, on_nan="raise")
