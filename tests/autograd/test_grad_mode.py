"""Grad mode: no_grad / enable_grad / set_grad_enabled as context managers and decorators,
on generator functions, per thread and through exceptions (PyTorch's semantics)."""

from __future__ import annotations

import threading

import pytest

import autograd as ag

# Factories: set_grad_enabled(False) takes effect when made, until it decorates something.
_DECORATORS = {"no_grad()": (lambda: ag.no_grad(), False), "no_grad": (lambda: ag.no_grad, False),
               "enable_grad()": (lambda: ag.enable_grad(), True),
               "set_grad_enabled(False)": (lambda: ag.set_grad_enabled(False), False),
               "inference_mode()": (lambda: ag.inference_mode(), False),
               "inference_mode": (lambda: ag.inference_mode, False),
               "inference_mode(False)": (lambda: ag.inference_mode(False), True)}


@pytest.mark.parametrize("name", _DECORATORS)
def test_a_decorated_generator_runs_every_step_in_the_mode(name) -> None:
    make, mode = _DECORATORS[name]
    x = ag.tensor([1.0], requires_grad=True)

    @make()
    def steps():
        seen = yield (x * 2.0).requires_grad
        yield seen, ag.is_grad_enabled()
        return "done"

    assert ag.is_grad_enabled()  # set_grad_enabled(False) as a decorator changed nothing
    outside = not mode
    with ag.set_grad_enabled(outside):
        gen = steps()
        assert next(gen) is mode
        assert ag.is_grad_enabled() is outside  # the caller's mode between the steps
        assert gen.send("sent") == ("sent", mode)
        assert ag.is_grad_enabled() is outside
        with pytest.raises(StopIteration) as stop:
            next(gen)
        assert stop.value.value == "done"
    assert ag.is_grad_enabled()
    assert steps.__name__ == "steps"


def test_a_decorated_generator_handles_throw_and_close_in_the_mode() -> None:
    seen = []

    @ag.no_grad()
    def steps():
        try:
            yield 1
        except KeyError:
            seen.append(("caught", ag.is_grad_enabled()))
            yield 2
        finally:
            seen.append(("closed", ag.is_grad_enabled()))

    gen = steps()
    assert next(gen) == 1
    assert gen.throw(KeyError("k")) == 2
    assert ag.is_grad_enabled()
    gen.close()
    assert seen == [("caught", False), ("closed", False)]
    assert ag.is_grad_enabled()
    failing = steps()
    next(failing)
    with pytest.raises(ValueError):
        failing.throw(ValueError("not handled"))  # passes through, mode restored
    assert ag.is_grad_enabled()


def test_the_mode_is_restored_when_the_body_raises() -> None:
    @ag.no_grad()
    def fails():
        raise ValueError

    with pytest.raises(ValueError):
        fails()
    assert ag.is_grad_enabled()
    with pytest.raises(ValueError), ag.set_grad_enabled(False):
        raise ValueError
    assert ag.is_grad_enabled()
    with ag.no_grad():
        with pytest.raises(ValueError), ag.enable_grad():
            raise ValueError
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()


def test_no_grad_in_one_thread_does_not_stop_recording_in_another() -> None:
    entered, release = threading.Event(), threading.Event()
    inside = []

    def worker():
        with ag.no_grad():
            inside.append(ag.is_grad_enabled())
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert entered.wait(10)
        x = ag.tensor([1.0], requires_grad=True)
        assert ag.is_grad_enabled() and (x * 2.0).requires_grad
    finally:
        release.set()
        thread.join()
    assert inside == [False]


def _modes() -> tuple[bool, bool]:
    return ag.is_grad_enabled(), ag.is_inference_mode_enabled()


def test_inference_mode_nests_with_the_grad_modes_as_torchs() -> None:
    # the pairs (grad enabled, inference mode) that torch 2.13 reports in each nesting
    assert _modes() == (True, False)
    with ag.inference_mode():
        assert _modes() == (False, True)
        assert not (ag.tensor([1.0], requires_grad=True) * 2.0).requires_grad
        with ag.inference_mode(False):
            assert _modes() == (True, False)
        with ag.enable_grad():
            assert _modes() == (True, True)
        with ag.no_grad():
            assert _modes() == (False, True)
        assert _modes() == (False, True)
    with ag.no_grad(), ag.inference_mode(False):
        assert _modes() == (True, False)
    assert _modes() == (True, False)


def test_inference_mode_decorates_and_restores_through_exceptions() -> None:
    @ag.inference_mode
    def bare():
        return _modes()

    @ag.inference_mode()
    def called():
        raise ValueError("boom")

    assert bare() == (False, True) and bare.__name__ == "bare"
    with pytest.raises(ValueError, match="boom"):
        called()
    assert _modes() == (True, False)
    with pytest.raises(TypeError, match="inference_mode takes a bool or a function, got str"):
        ag.inference_mode("yes")


def test_a_tensor_made_in_inference_mode_is_an_ordinary_constant_later() -> None:
    w = ag.tensor([3.0], requires_grad=True)
    with ag.inference_mode():
        c = w * 2.0
    assert c.is_leaf and not c.requires_grad
    (c * w).sum().backward()  # torch refuses its inference tensors here; graphgrad allows it
    assert w.grad.item() == 6.0
