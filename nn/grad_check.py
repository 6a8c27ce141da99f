"""``check_gradients``: the course's gradient check of a whole model, parameter by parameter.

Seed inventory §8: unroll every ``W[l], b[l]`` into one vector θ, nudge each
component both ways, ``dθ_approx[i] = (J(θ + ε e_i) − J(θ − ε e_i)) / 2ε``, and
compare with backprop's ``dθ`` by ``‖dθ_approx − dθ‖₂ / (‖dθ_approx‖₂ + ‖dθ‖₂)``:
≤ 1e-7 great, ~1e-5 take a look, ≥ 1e-3 bug. A row passes by the rule of
``autograd.gradcheck``: a small relative difference, or every component within an
absolute tolerance (a gradient that is truly 0 has no meaningful relative
difference). The notes' advice is built in:
the check runs on a float64 *copy* of the model (yours is untouched), with
dropout off (it "doesn't work with dropout"), with the regularization term in
J as well as in dθ, and it reports each parameter on its own row so a bug in
one layer's ``db`` shows up in that row.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import autograd as ag

from .dropout import Dropout
from .module import Module


@dataclass
class ParameterCheck:
    """One row of the table: one parameter tensor. ``verdict`` is the course's reading of
    ``relative_difference`` ('great', 'look', 'bug'), or 'atol' for a row that passed on
    the absolute tolerance alone while its relative difference reads as a bug."""

    name: str
    layer: str
    shape: tuple
    checked: str
    relative_difference: float
    verdict: str
    worst_index: tuple | None = None
    analytic: float = 0.0
    numeric: float = 0.0
    passed: bool = True


@dataclass
class GradientCheckReport:
    """The per-parameter table. Truthy when every row passed."""

    rows: list[ParameterCheck]
    relative_difference: float
    verdict: str
    passed: bool
    eps: float
    tolerance: float
    notes: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.passed

    def row(self, name: str) -> ParameterCheck:
        """The row of the parameter called ``name`` (as in ``named_parameters()``)."""
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(f"no parameter {name!r}; rows are {[r.name for r in self.rows]}")

    def __str__(self) -> str:
        head = (f"check_gradients {'passed' if self.passed else 'FAILED'}: relative "
                f"difference {self.relative_difference:.3e} ({self.verdict}; tolerance "
                f"{self.tolerance:g}, eps {self.eps:g})")
        table = [("parameter", "layer", "shape", "checked", "rel. diff", "verdict",
                  "worst component (analytic vs numeric)")]
        for r in self.rows:
            worst = "" if r.worst_index is None else \
                f"{r.worst_index}: {r.analytic:.6g} vs {r.numeric:.6g}"
            table.append((r.name, r.layer, str(r.shape), r.checked,
                          f"{r.relative_difference:.3e}", r.verdict, worst))
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        lines = [head] + ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
                          for row in table]
        return "\n".join(lines + [f"note: {n}" for n in self.notes])

    __repr__ = __str__


def _float64(x: Any) -> Any:
    if isinstance(x, ag.Tensor):
        return ag.tensor(x.data.astype(np.float64)) if x.dtype.kind == "f" else x.detach()
    arr = np.asarray(x)
    return ag.tensor(arr.astype(np.float64) if arr.dtype.kind == "f" else arr)


def _prepared_copy(model: Module, train: bool) -> Module:
    clone = copy.deepcopy(model).double()
    clone.train(train)
    for m in clone.modules():
        if isinstance(m, Dropout):
            m.eval()
    return clone


def check_gradients(model: Module, loss_fn: Callable[[Any, Any], ag.Tensor], x: Any, y: Any,
                    *, penalty: Callable[[list[ag.Tensor]], ag.Tensor] | None = None,
                    eps: float = 1e-7, tolerance: float = 1e-5, atol: float = 1e-5,
                    rtol: float = 1e-3, max_components: int = 200,
                    method: str = "sample", train: bool = False, seed: int = 0,
                    raise_exception: bool = False) -> GradientCheckReport:
    """Check backprop's gradient of ``J = loss_fn(model(x), y) [+ penalty(params)]``.

    Parameters
    ----------
    model : the network; a float64 copy is checked, ``model`` is not modified.
    loss_fn : ``loss_fn(output, y)`` returning a one-element Tensor.
    penalty : the regularization term, called with the copy's parameters (in
        ``named_parameters()`` order), e.g.
        ``lambda ps: F.l2_penalty(ps, lambd, m)``. Include it when your gradient
        includes it: a cost without it and a gradient with it is the bug the
        notes warn about (§8, note 3).
    eps, tolerance : the two-sided step (the course's 1e-7) and the largest
        relative difference that passes (1e-5).
    atol, rtol : a row (and the whole θ) also passes when every checked component
        has ``|analytic − numeric| ≤ atol + rtol·|numeric|`` — ``autograd.gradcheck``'s
        rule, with its defaults. It is what passes a parameter whose true gradient is 0
        (e.g. a bias before batch norm): backprop gives 1e-17, the differences 0, and
        their relative difference is 1 whatever the code. Such a row's verdict is
        'atol' (as in ``autograd.gradcheck``); lower ``atol`` to judge it by its
        relative difference.
    max_components : a parameter with more components is checked on a random
        sample of that many (``method='sample'``) or along one random unit
        direction ``d``, comparing ``(J(θ+εd) − J(θ−εd))/2ε`` with ``dθ·d``
        (``method='direction'``); the ``checked`` column says which.
    train : check the training-mode function (BatchNorm with batch statistics);
        dropout is switched off either way. By default the copy is in eval mode.
    raise_exception : raise ``autograd.GradcheckError`` (carrying the report) on failure.

    Returns a ``GradientCheckReport``: one row per parameter (name, layer, shape,
    what was checked, relative difference, verdict, worst component, passed), truthy
    when every row and the whole θ passed; ``str()`` prints the table.
    """
    if method not in ("sample", "direction"):
        raise ValueError(f"check_gradients: method must be 'sample' or 'direction', got "
                         f"{method!r}")
    clone = _prepared_copy(model, train)
    named = [(n, p) for n, p in clone.named_parameters() if p.requires_grad]
    if not named:
        raise ValueError("check_gradients: the model has no parameters that require grad")
    x64, y64 = _float64(x), _float64(y)
    layers = dict(clone.named_modules())

    def cost() -> ag.Tensor:
        loss = loss_fn(clone(x64), y64)
        if penalty is not None:
            loss = loss + penalty([p for _, p in named])
        if not isinstance(loss, ag.Tensor) or loss.numel() != 1:
            raise ValueError("check_gradients: loss_fn (plus penalty) must return a "
                             f"one-element Tensor, got {getattr(loss, 'shape', type(loss))}")
        return loss

    def value() -> float:
        with ag.no_grad():
            return float(cost().item())

    first, second = value(), value()
    if first != second and abs(first - second) > 1e-12 * max(1.0, abs(first)):
        raise RuntimeError(
            f"check_gradients: the cost changed between two evaluations at the same θ "
            f"({first!r} then {second!r}): something in the model or loss is random. Gradient "
            "checking needs a deterministic J; dropout is switched off here, so look for "
            "other randomness (noise layers, sampling in the loss)."
        )
    for _, p in named:
        p.grad = None
    cost().backward()
    rng = np.random.default_rng(seed)
    rows, all_numeric, all_analytic = [], [], []
    notes = ["checked on a float64 copy of the model in "
             f"{'train' if train else 'eval'} mode with dropout off"]
    for name, p in named:
        analytic_full = np.zeros(p.shape) if p.grad is None else p.grad.data.astype(np.float64)
        p.data = np.ascontiguousarray(p.data)  # the copy's own buffer, so that
        flat = p.data.reshape(-1)  # this flat view nudges the parameter itself
        size = flat.size
        if size <= max_components or method == "sample":
            chosen = np.arange(size) if size <= max_components else \
                np.sort(rng.choice(size, max_components, replace=False))
            numeric = np.empty(len(chosen))
            for k, i in enumerate(chosen):
                original = flat[i]
                try:
                    flat[i] = original + eps
                    plus = value()
                    flat[i] = original - eps
                    minus = value()
                finally:
                    flat[i] = original
                numeric[k] = (plus - minus) / (2 * eps)
            analytic = analytic_full.reshape(-1)[chosen]
            checked = f"all {size}" if size <= max_components else \
                f"sample {len(chosen)} of {size}"
            gap = np.abs(numeric - analytic)
            k = int(np.argmax(gap)) if gap.size else 0
            worst = (tuple(int(v) for v in np.unravel_index(chosen[k], p.shape)),
                     float(analytic[k]), float(numeric[k]))
        else:
            d = rng.standard_normal(size)
            d /= np.linalg.norm(d)
            original = flat.copy()
            try:
                flat += eps * d
                plus = value()
                flat[:] = original - eps * d
                minus = value()
            finally:
                flat[:] = original
            numeric = np.array([(plus - minus) / (2 * eps)])
            analytic = np.array([float(analytic_full.reshape(-1) @ d)])
            checked = f"direction (1 random of {size} dims)"
            worst = (None, float(analytic[0]), float(numeric[0]))
        rd, row_passed, verdict = ag.judge_gradient(numeric, analytic, tolerance, atol, rtol)
        owner = name.rpartition(".")[0]
        layer = f"{owner or '(model)'}: {type(layers[owner]).__name__}"
        rows.append(ParameterCheck(name, layer, tuple(p.shape), checked, rd, verdict,
                                   worst[0], worst[1], worst[2], row_passed))
        all_numeric.append(numeric)
        all_analytic.append(analytic)
    overall, overall_passed, overall_verdict = ag.judge_gradient(
        np.concatenate(all_numeric), np.concatenate(all_analytic), tolerance, atol, rtol)
    passed = overall_passed and all(r.passed for r in rows)
    if any(r.verdict == "atol" for r in rows):
        notes.append(f"rows marked 'atol' passed because every component is within atol "
                     f"{atol:g} + rtol {rtol:g}·|numeric|: their gradient is (near) 0, where "
                     "the relative difference measures rounding, not a bug; pass a smaller "
                     "atol to judge them by it")
    if any(r.checked.startswith(("sample", "direction")) for r in rows):
        notes.append(f"parameters with more than {max_components} components were checked "
                     f"by {'random sample' if method == 'sample' else 'random direction'} "
                     f"(seed {seed})")
    report = GradientCheckReport(rows, overall, overall_verdict, passed, eps, tolerance, notes)
    if raise_exception and not passed:
        raise ag.GradcheckError(report)
    return report


__all__ = ["check_gradients", "GradientCheckReport", "ParameterCheck"]
