"""Gradient checking, the course's way (seed inventory §8).

Every input component θ_i is nudged both ways and the two-sided difference
``dθ_approx[i] = (J(θ + ε e_i) - J(θ - ε e_i)) / (2ε)`` is compared with the
gradient backward computes, by the course's relative difference

    ‖dθ_approx − dθ‖₂ / (‖dθ_approx‖₂ + ‖dθ‖₂)

judged with its thresholds: ≤ 1e-7 "great", around 1e-5 "look" (inspect the
components), ≥ 1e-3 "bug". The check passes, as PyTorch's does, when every
component agrees within ``atol + rtol·|numeric|`` (or when the relative
difference is at most ``tolerance``). Gradients all smaller than ``atol`` pass
that test whatever their relative difference: such a pass is reported with the
verdict "atol", never as "bug" (lower ``atol`` to judge them by their relative
difference). Functions with non-scalar outputs are checked one
random projection at a time: J = Σ v ⊙ f(θ) with a fixed random v (v = 1 for a
one-element output, so the components are its own derivatives), which tests
the whole vector-Jacobian product.

Run it in float64: float32's 7 digits cannot resolve ε = 1e-7. Float32 inputs
to check are refused; a float32 output gets a warning, and the report says the
check is unreliable.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from . import engine, grad_mode
from .tensor import Tensor

GREAT = 1e-7
BUG = 1e-3


class GradcheckError(RuntimeError, AssertionError):
    """A gradient check failed; ``report`` holds the details.

    A ``RuntimeError`` as PyTorch's ``GradcheckError`` is, and an ``AssertionError``
    so a failed check reads as a failed assertion in tests.
    """

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__(str(report))
        self.report = report


@dataclass
class Discrepancy:
    """One gradient component: which input, where, and the two values compared."""

    input: int
    index: tuple
    analytic: float
    numeric: float

    @property
    def difference(self) -> float:
        """``|analytic − numeric|``."""
        return abs(self.analytic - self.numeric)


@dataclass
class GradcheckReport:
    """The result of a gradient check. Truthy when it passed.

    ``relative_difference`` is the course's ``‖approx − grad‖₂ / (‖approx‖₂ + ‖grad‖₂)``;
    ``verdict`` is ``'great'`` (≤ 1e-7), ``'look'`` (between) or ``'bug'`` (≥ 1e-3), or
    ``'atol'`` for a check that passed only because every component was within the
    absolute tolerance ``atol`` while the relative difference reads as a bug (gradients
    too small for ``atol`` to judge); ``worst`` lists the components with the largest
    discrepancy; ``note`` says why the check is unreliable, when it is (an output
    computed in float32).
    """

    passed: bool
    relative_difference: float
    verdict: str
    worst: list[Discrepancy] = field(default_factory=list)
    per_input: list[float] = field(default_factory=list)
    order: int = 1
    eps: float = 1e-7
    tolerance: float = 1e-5
    atol: float = 1e-5
    rtol: float = 1e-3
    largest: float = 0.0  # the largest |component|, analytic or numeric
    note: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        kind = "gradgradcheck" if self.order == 2 else "gradcheck"
        if self.verdict == "atol":
            lines = [
                f"{kind} passed by the absolute tolerance only: every component is within "
                f"atol {self.atol:g} + rtol {self.rtol:g}·|numeric|, but the gradients (at "
                f"most {self.largest:.3g}) are too small for atol to judge; their relative "
                f"difference {self.relative_difference:.3e} would read as a bug (eps "
                f"{self.eps:g}). Pass a smaller atol (e.g. atol={_smaller_atol(self.largest):g}) "
                "to check them by their relative difference."
            ]
        else:
            lines = [
                f"{kind} {'passed' if self.passed else 'FAILED'}: relative difference "
                f"{self.relative_difference:.3e} ({self.verdict}; tolerance "
                f"{self.tolerance:g}, eps {self.eps:g})"
            ]
        if self.note:
            lines.append(self.note)
        if self.worst:
            lines.append("worst components (input, index, analytic, numeric):")
            for d in self.worst:
                lines.append(f"  input {d.input} {d.index}: analytic {d.analytic:.10g}, "
                             f"numeric {d.numeric:.10g}")
        return "\n".join(lines)

    __repr__ = __str__


def _smaller_atol(largest: float) -> float:
    """An ``atol`` a thousand times below the largest gradient, as a power of ten."""
    return 10.0 ** np.floor(np.log10(largest * 1e-3)) if largest > 0 else 1e-12


def verdict_for(relative_difference: float) -> str:
    """The course's reading of a relative difference: 'great', 'look' or 'bug'."""
    if not np.isfinite(relative_difference) or relative_difference >= BUG:
        return "bug"
    if relative_difference <= GREAT:
        return "great"
    return "look"


def relative_difference(approx: np.ndarray, grad: np.ndarray) -> float:
    """``‖approx − grad‖₂ / (‖approx‖₂ + ‖grad‖₂)``; 0 when both are zero."""
    num = float(np.linalg.norm(np.ravel(approx - grad)))
    den = float(np.linalg.norm(np.ravel(approx)) + np.linalg.norm(np.ravel(grad)))
    return 0.0 if den == 0.0 else num / den


class Judgement(NamedTuple):
    """How finite differences and backprop's gradient agree (``judge_gradient``)."""

    relative_difference: float
    passed: bool
    verdict: str


def judge_gradient(numeric: np.ndarray, analytic: np.ndarray, tolerance: float = 1e-5,
                   atol: float = 1e-5, rtol: float = 1e-3) -> Judgement:
    """The check's rule, shared by ``gradcheck`` and ``nn.utils.check_gradients``.

    Passes when backprop's gradient is finite and every component has
    ``|analytic − numeric| ≤ atol + rtol·|numeric|`` (PyTorch's test) or the relative
    difference is at most ``tolerance``. The verdict is ``verdict_for`` the relative
    difference, or ``'atol'`` for a pass by the absolute tolerance alone of gradients whose
    relative difference reads as a bug (a true gradient of 0 has no meaningful one).
    """
    numeric, analytic = np.ravel(numeric), np.ravel(analytic)
    rel = relative_difference(numeric, analytic)
    close = bool(np.all(np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric)))
    passed = (close or rel <= tolerance) and bool(np.all(np.isfinite(analytic)))
    verdict = verdict_for(rel)
    return Judgement(rel, passed, "atol" if passed and verdict == "bug" else verdict)


def _as_inputs(inputs: Any) -> tuple[Tensor, ...]:
    if isinstance(inputs, Tensor):
        return (inputs,)
    return tuple(inputs)


def _outputs(fn: Callable, inputs: Sequence[Any], kind: str) -> tuple[Tensor, ...]:
    """``fn(*inputs)`` as a tuple of Tensors (``None`` outputs left out)."""
    out = fn(*inputs)
    if isinstance(out, Tensor):
        return (out,)
    if not isinstance(out, (tuple, list)):
        raise TypeError(f"{kind}: fn must return a Tensor or a tuple of Tensors, got "
                        f"{type(out).__name__}")
    for i, o in enumerate(out):
        if o is not None and not isinstance(o, Tensor):
            raise TypeError(f"{kind}: output {i} of fn has type {type(o).__name__}, not "
                            "Tensor; return Tensors only (wrap a constant with ag.tensor)")
    return tuple(o for o in out if o is not None)


def _differentiable(outs: tuple[Tensor, ...]) -> tuple[Tensor, ...]:
    """The outputs backward reaches: those that require grad (not integer, not constant)."""
    return tuple(o for o in outs if o._requires_grad)


def _precision_note(outs: tuple[Tensor, ...], eps: float, kind: str, stacklevel: int) -> str:
    """A warning, also returned for the report, when an output is not float64: its
    rounding swamps the finite differences, so the numeric gradient is unreliable."""
    low = [(i, o.dtype) for i, o in enumerate(outs)
           if o._requires_grad and o.dtype not in (np.float64, np.complex128)]
    if not low:
        return ""
    which = ", ".join(f"output {i} is {d}" for i, d in low)
    note = (f"{kind} is unreliable: {which}, whose rounding swamps finite differences with "
            f"eps={eps:g}; compute fn in float64 (e.g. model.double(), float64 constants)")
    warnings.warn(note, UserWarning, stacklevel=stacklevel + 1)
    return note


def _checked_inputs(inputs: tuple, eps: float, kind: str) -> list[int]:
    """The positions of the inputs to check: those that require grad, all float64."""
    if not np.isfinite(eps) or eps <= 0:
        raise ValueError(f"{kind}: eps must be a positive step (the finite differences divide "
                         f"by 2·eps), got {eps!r}; the default is 1e-7")
    wrt = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t._requires_grad]
    if not wrt:
        raise ValueError(
            f"{kind}: no input requires grad, so there is no gradient to check; create the "
            "inputs to check with requires_grad=True (e.g. ag.tensor(x, dtype=np.float64, "
            "requires_grad=True))"
        )
    for i in wrt:
        if inputs[i].dtype != np.float64:
            raise TypeError(
                f"{kind}: input {i} is {inputs[i].dtype}; finite differences with eps="
                f"{eps:g} need float64 inputs (create them with dtype=np.float64)"
            )
    return wrt


def _check(fn: Callable, inputs: tuple[Tensor, ...], wrt: list[int], eps: float, atol: float,
           rtol: float, tolerance: float, raise_exception: bool, n_worst: int, order: int,
           rng: np.random.Generator, note: str = "") -> GradcheckReport:
    kind = "gradgradcheck" if order == 2 else "gradcheck"
    with grad_mode.enable_grad():
        outs = _outputs(fn, inputs, kind)
    if order == 1:
        note = _precision_note(outs, eps, kind, stacklevel=3)  # gradcheck's caller
    # A one-element output is checked as it is, so the components reported are its
    # derivatives (the course's numbers); larger outputs through a random projection.
    projections = [np.ones(o.shape) if o.data.size == 1 else rng.standard_normal(o.shape)
                   for o in outs]

    def objective() -> float:
        with grad_mode.set_grad_enabled(order == 2):
            values = _outputs(fn, inputs, kind)
        return float(sum(np.sum(p * v.data) for p, v in zip(projections, values)))

    diff_outs = [(o, p) for o, p in zip(outs, projections) if o._requires_grad]
    if diff_outs:
        grads = engine.grad([o for o, _ in diff_outs],
                            [inputs[i] for i in wrt],
                            [Tensor._wrap(p) for _, p in diff_outs], allow_unused=True)
    else:
        grads = (None,) * len(wrt)
    analytic_all, numeric_all, comps = [], [], []
    per_input = []
    for k, i in enumerate(wrt):
        t = inputs[i]
        analytic = np.zeros(t.shape) if grads[k] is None else np.asarray(grads[k].data,
                                                                           dtype=np.float64)
        numeric = np.zeros(t.shape)
        for idx in np.ndindex(t.shape):
            original = t.data[idx]
            try:
                t.data[idx] = original + eps
                plus = objective()
                t.data[idx] = original - eps
                minus = objective()
            finally:  # the caller's tensor is left as it was, even if fn raises
                t.data[idx] = original
            numeric[idx] = (plus - minus) / (2 * eps)
        analytic_all.append(analytic.ravel())
        numeric_all.append(numeric.ravel())
        per_input.append(relative_difference(numeric, analytic))
        for idx in np.ndindex(t.shape):
            comps.append(Discrepancy(i, idx, float(analytic[idx]), float(numeric[idx])))
    a = np.concatenate(analytic_all) if analytic_all else np.zeros(0)
    n = np.concatenate(numeric_all) if numeric_all else np.zeros(0)
    rel, passed, verdict = judge_gradient(n, a, tolerance, atol, rtol)
    comps.sort(key=lambda d: -d.difference)
    largest = float(max(np.max(np.abs(a)), np.max(np.abs(n)))) if a.size else 0.0
    report = GradcheckReport(passed, rel, verdict, comps[:n_worst], per_input, order, eps,
                             tolerance, atol, rtol, largest, note)
    if raise_exception and not passed:
        raise GradcheckError(report)
    return report


def gradcheck(fn: Callable[..., Any], inputs: Any, eps: float = 1e-7, atol: float = 1e-5,
              rtol: float = 1e-3, tolerance: float = 1e-5, raise_exception: bool = False,
              n_worst: int = 5, seed: int = 0) -> GradcheckReport:
    """Compare backward's gradient of ``fn(*inputs)`` with two-sided finite differences.

    ``fn`` may return a Tensor of any shape (or a tuple of them). Inputs with
    ``requires_grad=True`` are checked; they must be float64, and at least one
    is needed (``ValueError`` otherwise). The check passes when every component
    agrees within ``atol + rtol·|numeric|`` (PyTorch's test) or the relative
    difference is at most ``tolerance``; a pass by ``atol`` alone of gradients
    whose relative difference reads as a bug has the verdict ``'atol'``.
    Returns a ``GradcheckReport`` (truthy when passed); with
    ``raise_exception=True`` a failure raises ``GradcheckError``.
    """
    inputs = _as_inputs(inputs)
    wrt = _checked_inputs(inputs, eps, "gradcheck")
    return _check(fn, inputs, wrt, eps, atol, rtol, tolerance, raise_exception, n_worst, 1,
                  np.random.default_rng(seed))


def gradgradcheck(fn: Callable[..., Any], inputs: Any, grad_outputs: Any = None,
                  eps: float = 1e-7, atol: float = 1e-5, rtol: float = 1e-3,
                  tolerance: float = 1e-5, raise_exception: bool = False, n_worst: int = 5,
                  seed: int = 0) -> GradcheckReport:
    """Check second derivatives: gradcheck of the map ``inputs -> grad(fn(inputs)·v)``.

    The first-order gradients are computed with ``create_graph=True`` and their
    own gradient is compared with finite differences of them. ``v`` is
    ``grad_outputs``, one Tensor per differentiable output of ``fn`` (integer and
    constant outputs have none, as in PyTorch), or random when it is None.
    """
    inputs = _as_inputs(inputs)
    positions = _checked_inputs(inputs, eps, "gradgradcheck")
    rng = np.random.default_rng(seed + 1)
    with grad_mode.enable_grad():
        outs = _outputs(fn, inputs, "gradgradcheck")
    note = _precision_note(outs, eps, "gradgradcheck", stacklevel=2)
    diff = _differentiable(outs)
    if grad_outputs is None:
        vs = [Tensor._wrap(rng.standard_normal(o.shape)) for o in diff]
    else:
        vs = [g if isinstance(g, Tensor) else Tensor._wrap(np.asarray(g))
              for g in _as_inputs(grad_outputs)]
        if len(vs) != len(diff):
            raise ValueError(
                f"gradgradcheck: grad_outputs has {len(vs)} tensor(s) but fn has {len(diff)} "
                f"differentiable output(s) (shapes {[o.shape for o in diff]}); give one per "
                "output that requires grad, leaving out integer and constant outputs"
            )
    wrt = [inputs[i] for i in positions]

    def first_grads(*args: Any) -> tuple[Tensor, ...]:
        outs = _differentiable(_outputs(fn, args, "gradgradcheck"))
        if not outs:
            return tuple(Tensor._wrap(np.zeros(t.shape)) for t in wrt)
        gs = engine.grad(outs, [a for a in args if isinstance(a, Tensor) and a._requires_grad],
                         vs, create_graph=True, allow_unused=True)
        return tuple(Tensor._wrap(np.zeros(t.shape)) if g is None else g
                     for g, t in zip(gs, wrt))

    return _check(first_grads, inputs, positions, eps, atol, rtol, tolerance,
                  raise_exception, n_worst, 2, np.random.default_rng(seed), note)
