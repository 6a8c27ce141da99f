"""L-BFGS: a quasi-Newton method for full-batch problems, as PyTorch's ``LBFGS``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd as ag

from .line_search import strong_wolfe
from .optimizer import Optimizer, ParamsT, check_nonnegative


class LBFGS(Optimizer):
    """PyTorch's ``torch.optim.LBFGS``, step for step (Nocedal & Wright, algorithm 7.4).

    ``step(closure)`` runs up to ``max_iter`` iterations; ``closure()`` recomputes the loss
    and its gradients (zero them, forward, ``backward()``, return the loss) and is called
    once per iteration and per line-search trial, up to ``max_eval`` times. Each iteration
    moves along ``d = −H·g``, where H approximates the inverse Hessian from the last
    ``history_size`` pairs ``s = Δθ``, ``y = Δg`` (the two-loop recursion, initial scale
    ``sᵀy / yᵀy``; a pair with ``sᵀy <= 1e-10`` is skipped). The step is ``lr`` (the first
    iteration of all: ``lr·min(1, 1/‖g‖₁)``), or the one ``line_search_fn="strong_wolfe"``
    finds. It stops early when ``max|g| <= tolerance_grad``, when ``gᵀd > −tolerance_change``,
    or when the step or the loss change falls below ``tolerance_change``.

    All parameters form one flat vector: one parameter group only, as in PyTorch. The
    history stays between ``step()`` calls. Memory: ``2·history_size`` vectors of the
    parameters' size.
    """

    def __init__(self, params: ParamsT, lr: float = 1, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval,
                    "tolerance_grad": tolerance_grad, "tolerance_change": tolerance_change,
                    "history_size": history_size, "line_search_fn": line_search_fn}
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups): "
                             "it treats all parameters as one vector; pass one list of them")

    def _check_group(self, group: dict[str, Any]) -> None:
        check_nonnegative("lr", group["lr"], "LBFGS")
        for key in ("max_iter", "max_eval", "history_size"):
            value = group[key]
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"LBFGS: {key} must be a positive int, got {value!r}")
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(f"LBFGS: line_search_fn must be None or 'strong_wolfe', got "
                             f"{group['line_search_fn']!r}")

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state saved by ``state_dict()``, the flat vectors (the last direction
        and gradient, and the history pairs) as arrays of the parameters' dtype."""
        super().load_state_dict(state_dict)
        dtype = np.result_type(*[p.data for p in self._params()])
        for state in self.state.values():
            for key in ("d", "prev_flat_grad"):
                if state.get(key) is not None:
                    state[key] = np.asarray(state[key], dtype=dtype)
            for key in ("old_dirs", "old_stps"):
                if state.get(key) is not None:
                    state[key] = [np.asarray(v, dtype=dtype) for v in state[key]]

    # ------------------------------------------------------------ the flat vector
    def _params(self) -> list[ag.Tensor]:
        return self.param_groups[0]["params"]

    def _flat_grad(self) -> np.ndarray:
        """Every parameter's gradient, flattened and joined (zeros where there is none)."""
        return np.concatenate([
            (np.zeros(p.data.size, p.data.dtype) if p.grad is None
             else np.asarray(p.grad.data if isinstance(p.grad, ag.Tensor) else p.grad)
             .reshape(-1)) for p in self._params()])

    def _add_to_params(self, step: float, direction: np.ndarray) -> None:
        """``θ += step·direction``, each parameter's array changed in place."""
        offset = 0
        for p in self._params():
            n = p.data.size
            p.data += (step * direction[offset:offset + n]).reshape(p.data.shape)
            offset += n
            ag.mark_modified(p)

    def _set_params(self, values: list[np.ndarray]) -> None:
        for p, value in zip(self._params(), values):
            p.data[...] = value
            ag.mark_modified(p)

    # -------------------------------------------------------------------- step
    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` iterations; return the loss of the first ``closure()``."""
        if closure is None:
            raise TypeError("LBFGS.step needs a closure that recomputes the loss and its "
                            "gradients (zero_grad, forward, backward, return the loss): "
                            "optimizer.step(closure)")
        group = self.param_groups[0]
        lr = float(group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        state = self.state[self._params()[0]]  # L-BFGS's state is global: kept on one key
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        def evaluate() -> float:
            with ag.enable_grad():
                return float(closure())

        with ag.enable_grad():
            first_loss = closure()
        loss = float(first_loss)
        evals = 1
        state["func_evals"] += 1
        g = self._flat_grad()
        if np.abs(g).max(initial=0.0) <= tolerance_grad:
            return first_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        h_diag, prev_g = state.get("H_diag"), state.get("prev_flat_grad")
        prev_loss = state.get("prev_loss")
        n_iter = 0
        with ag.no_grad():
            while n_iter < max_iter:
                n_iter += 1
                state["n_iter"] += 1
                if state["n_iter"] == 1:
                    d = -g
                    old_dirs, old_stps, ro, h_diag = [], [], [], 1.0
                else:
                    y = g - prev_g
                    s = d * t
                    ys = float(y @ s)
                    if ys > 1e-10:
                        if len(old_dirs) == history_size:
                            old_dirs.pop(0)
                            old_stps.pop(0)
                            ro.pop(0)
                        old_dirs.append(y)
                        old_stps.append(s)
                        ro.append(1.0 / ys)
                        h_diag = ys / float(y @ y)
                    d = _two_loop(g, old_dirs, old_stps, ro, h_diag)
                prev_g = g.copy()
                prev_loss = loss
                t = lr * min(1.0, 1.0 / float(np.abs(g).sum())) if state["n_iter"] == 1 else lr
                gtd = float(g @ d)
                if gtd > -tolerance_change:
                    break
                ls_evals = 0
                if group["line_search_fn"] is not None:
                    start = [p.data.copy() for p in self._params()]

                    def along(step: float, start: list = start, d: np.ndarray = d
                              ) -> tuple[float, np.ndarray]:
                        self._add_to_params(step, d)
                        value = evaluate()
                        grad = self._flat_grad()
                        self._set_params(start)
                        return value, grad

                    loss, g, t, ls_evals = strong_wolfe(along, d, t, loss, g, gtd,
                                                        max_ls=max_eval - evals)
                    self._add_to_params(t, d)
                    converged = np.abs(g).max() <= tolerance_grad
                else:
                    self._add_to_params(t, d)
                    converged = False
                    if n_iter != max_iter:  # the last iteration's loss would go unused
                        loss = evaluate()
                        g = self._flat_grad()
                        converged = np.abs(g).max() <= tolerance_grad
                        ls_evals = 1
                evals += ls_evals
                state["func_evals"] += ls_evals
                if (n_iter == max_iter or evals >= max_eval or converged
                        or np.abs(d * t).max() <= tolerance_change
                        or abs(loss - prev_loss) < tolerance_change):
                    break
        state.update({"d": d, "t": t, "old_dirs": old_dirs, "old_stps": old_stps, "ro": ro,
                      "H_diag": h_diag, "prev_flat_grad": prev_g, "prev_loss": prev_loss})
        return first_loss


def _two_loop(g: np.ndarray, old_dirs: list[np.ndarray], old_stps: list[np.ndarray],
              ro: list[float], h_diag: float) -> np.ndarray:
    """``−H·g`` by the L-BFGS two-loop recursion over the stored pairs (y, s) with
    ``ρ = 1/(yᵀs)``, starting from ``H₀ = h_diag·I``."""
    q = -g
    alphas = [0.0] * len(old_dirs)
    for i in range(len(old_dirs) - 1, -1, -1):
        alphas[i] = float(old_stps[i] @ q) * ro[i]
        q = q - alphas[i] * old_dirs[i]
    r = q * h_diag
    for i in range(len(old_dirs)):
        beta = float(old_dirs[i] @ r) * ro[i]
        r = r + (alphas[i] - beta) * old_stps[i]
    return r
