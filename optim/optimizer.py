"""Optimizer: parameter groups, the step loop, zero_grad and a resumable state.

Parameters are ``autograd.Tensor`` leaves. An update changes ``p.data`` in place (the
same ndarray object, so views of it and references held elsewhere stay valid) and then
tells the engine with ``autograd.mark_modified(p)``, so a graph recorded before the
update and backpropagated after it raises instead of giving stale gradients.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import autograd as ag

ParamsT = Iterable[ag.Tensor] | Iterable[dict[str, Any]]


class _Required:
    """Marks a hyperparameter with no default: every group must give it."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


def check_implementation(owner: str, foreach: bool | None = None, fused: bool | None = None,
                         capturable: bool = False, differentiable: bool = False) -> None:
    """PyTorch's implementation options, accepted so its scripts port: ``foreach`` and
    ``fused`` choose how torch loops over the parameters, with the same result; graphgrad
    always runs one fused pass per parameter, so they change nothing. ``capturable``
    (CUDA graphs) and ``differentiable`` (a recorded step) are refused when True."""
    if capturable:
        raise ValueError(f"{owner}: capturable=True is for CUDA graphs; graphgrad computes on "
                         "the CPU only")
    if differentiable:
        raise ValueError(f"{owner}: differentiable=True is not offered: step() updates the "
                         "parameters in place under no_grad; to differentiate through an "
                         "update, write it with tensor ops")


def check_betas(group: dict[str, Any], owner: str) -> None:
    """``group['betas']`` must be a pair in [0, 1); it is stored as a tuple."""
    betas = group["betas"]
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"{owner}: betas must be a pair (beta1, beta2), got {betas!r}")
    group["betas"] = tuple(betas)
    check_unit_interval("betas[0]", betas[0], owner)
    check_unit_interval("betas[1]", betas[1], owner)


def check_nonnegative(name: str, value: Any, owner: str) -> None:
    """Raise a ValueError naming ``owner`` unless ``value >= 0``."""
    if not isinstance(value, (int, float, np.floating, np.integer)) or not value >= 0:
        raise ValueError(f"{owner}: invalid {name} {value!r}; it must be a number >= 0")


def check_unit_interval(name: str, value: Any, owner: str) -> None:
    """Raise a ValueError naming ``owner`` unless ``0 <= value < 1``."""
    if not isinstance(value, (int, float, np.floating, np.integer)) or not 0 <= value < 1:
        raise ValueError(f"{owner}: invalid {name} {value!r}; it must lie in [0, 1)")


def _to_python(value: Any) -> Any:
    """Undo what a round trip through ``.npz`` does to an option: 0-d arrays become
    numbers (or bools), 1-d arrays tuples."""
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else tuple(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


class Optimizer:
    """Base class of the optimizers (PyTorch's ``torch.optim.Optimizer`` interface).

    ``params`` is an iterable of Tensors (a generator such as ``Module.parameters()``
    works) or of dicts, each a parameter group: ``{"params": [...], "lr": ..., ...}``;
    options a group leaves out are taken from ``defaults``. A subclass implements
    ``_update(p, grad, state, group)`` for one parameter and ``_check_group(group)``
    for its options. ``state`` maps each parameter to its per-parameter state (a
    ``defaultdict(dict)``, as in PyTorch: a parameter not yet stepped reads as ``{}``).
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: defaultdict[ag.Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, (ag.Tensor, np.ndarray)):
            raise TypeError(
                f"{type(self).__name__}: params should be an iterable of Tensors or of "
                f"parameter-group dicts, got a single {type(params).__name__}; wrap it in "
                "a list: [w]"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params")
        return "\n".join(lines) + "\n)"

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (e.g. a different ``lr``).

        Options the group leaves out are filled in from ``defaults``. A group may hold
        no parameters (``{"params": []}``), as in PyTorch; a parameter may belong to
        one group only.
        """
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}.add_param_group: expected a dict, got "
                            f"{type(param_group).__name__}")
        params = param_group.get("params")
        if params is None:
            raise ValueError(f"{name}.add_param_group: the group has no 'params' entry")
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: a parameter group's params must be an ordered "
                            "collection, got a set (its order changes between runs, and "
                            "state_dict() numbers parameters by order); pass a list")
        params = [params] if isinstance(params, ag.Tensor) else list(params)
        seen: set[int] = set()
        for p in params:
            if isinstance(p, tuple) and len(p) == 2 and isinstance(p[1], ag.Tensor):
                raise TypeError(f"{name} takes parameters, not (name, parameter) pairs such "
                                "as model.named_parameters() gives; pass model.parameters()")
            if not isinstance(p, ag.Tensor):
                raise TypeError(f"{name} can only optimize autograd Tensors, but one of the "
                                f"params is a {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(
                    f"{name} can't optimize a non-leaf tensor (made by an operation): pass "
                    "the leaves that require grad, e.g. model.parameters()"
                )
            if not np.issubdtype(p.dtype, np.floating):
                raise TypeError(f"{name} can only optimize floating-point tensors, got {p.dtype}")
            if id(p) in seen:
                raise ValueError(f"{name}: a parameter of shape {p.shape} is given twice in "
                                 "one parameter group; pass each parameter once")
            seen.add(id(p))
        for i, other in enumerate(self.param_groups):
            for q in other["params"]:
                if id(q) in seen:
                    raise ValueError(f"{name}: a parameter of shape {q.shape} is already in "
                                     f"parameter group {i}; some parameters appear in more "
                                     "than one parameter group, but each may belong to one "
                                     "only: leave it out of the new group")
        group = {k: _to_python(v) for k, v in param_group.items() if k != "params"}
        for key, default in self.defaults.items():
            if default is required and key not in group:
                raise ValueError(f"{name}: parameter group didn't specify a value of "
                                 f"required optimization parameter {key!r}")
            group.setdefault(key, default)
        self._check_group(group)
        group["params"] = params
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Validate one group's options (subclasses raise ValueError on bad values)."""

    # ------------------------------------------------------------------ update
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; return ``closure()``'s loss.

        ``closure`` (optional) re-evaluates the model and returns the loss; it runs
        with gradients enabled, before the update. Parameters whose ``grad`` is None
        are skipped.
        """
        loss = None
        if closure is not None:
            with ag.enable_grad():
                loss = closure()
        for group in self.param_groups:
            pairs = []
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                g = grad.data if isinstance(grad, ag.Tensor) else np.asarray(grad)
                if g.shape != p.shape:
                    raise ValueError(f"{type(self).__name__}.step: a parameter of shape "
                                     f"{p.shape} has a gradient of shape {g.shape}")
                pairs.append((p, g))
            try:
                self._update_group(group, pairs)
            finally:  # a failed update may have changed some: their saved copies are stale
                for p, _ in pairs:
                    ag.mark_modified(p)
        return loss

    def _update_group(self, group: dict[str, Any], pairs: list[tuple[Any, np.ndarray]]) -> None:
        """Update each ``(parameter, gradient array)`` of ``group`` (``_update`` in turn;
        an optimizer may update them together)."""
        for p, g in pairs:
            self._update(p.data, g, self.state[p], group)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        """Change the parameter array ``p`` in place given its gradient ``g``."""
        raise NotImplementedError(f"{type(self).__name__} must implement _update")

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set ``p.grad = None`` (default) or fill them with zeros.

        With ``set_to_none=False`` each ``p.grad`` stays the same Tensor, zeroed in place
        (as in PyTorch), unless it was recorded in a graph (``backward(create_graph=True)``):
        then it is replaced by a zeroed tensor outside the graph.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                with ag.no_grad():
                    if p.grad.grad_fn is not None:
                        p.grad = p.grad.detach()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    # ------------------------------------------------------------------- state
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state, in PyTorch's layout and without Tensors.

        ``{"state": {index: {name: ndarray | number}}, "param_groups": [{options...,
        "params": [index, ...]}]}``, where parameters are numbered in group order.
        Everything is a copy: training on does not change a saved state.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            options = copy.deepcopy({k: v for k, v in group.items() if k != "params"})
            groups.append({**options, "params": ids})
        state = {
            index[id(p)]: {k: (v.copy() if isinstance(v, np.ndarray) else copy.deepcopy(v))
                           for k, v in s.items()}
            for p, s in self.state.items() if id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state saved by ``state_dict()`` (also after a trip through .npz).

        The groups' options (``lr``, ...) are restored too. Nothing is shared with
        ``state_dict``: arrays are copied into the parameters' dtype. A state that does
        not fit this optimizer (other group sizes, shapes or options) raises before
        anything changes.
        """
        name = type(self).__name__
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'state' and "
                             "'param_groups' entries, as optimizer.state_dict() returns; got "
                             f"{type(state_dict).__name__}"
                             + (f" with keys {list(state_dict)}"
                                if isinstance(state_dict, dict) else ""))
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: the saved state has "
                             f"{len(saved_groups)} parameter groups, this optimizer "
                             f"{len(self.param_groups)}; build the optimizer with the same "
                             "groups as the one that was saved")
        by_index: dict[int, ag.Tensor] = {}
        restored = []
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            ids = [int(k) for k in np.atleast_1d(np.asarray(saved["params"]))]
            if len(ids) != len(group["params"]):
                raise ValueError(f"{name}.load_state_dict: saved parameter group {i} has "
                                 f"{len(ids)} parameters, this optimizer's group {i} has "
                                 f"{len(group['params'])}; the groups must match one to one")
            by_index.update(zip(ids, group["params"]))
            options = {k: copy.deepcopy(_to_python(v)) for k, v in saved.items()
                       if k != "params"}
            merged = {**group, **options}
            self._check_group(merged)
            restored.append(merged)
        new_state: defaultdict[ag.Tensor, dict[str, Any]] = defaultdict(dict)
        for key, saved in state_dict["state"].items():
            p = by_index.get(int(key))
            if p is None:
                raise ValueError(f"{name}.load_state_dict: the saved state has an entry for "
                                 f"parameter {key}, which no saved group lists (groups list "
                                 f"{sorted(by_index)})")
            entry = {}
            for k, v in saved.items():
                if k in self._state_arrays():
                    v = np.asarray(v)
                    if v.shape != p.shape:
                        raise ValueError(f"{name}.load_state_dict: state {k!r} has shape "
                                         f"{v.shape}, its parameter {p.shape}")
                    arr = np.empty_like(p.data)
                    arr[...] = v
                    entry[k] = arr
                else:
                    entry[k] = copy.deepcopy(_to_python(v))
            new_state[p] = entry
        for group, merged in zip(self.param_groups, restored):
            group.update(merged)
        self.state = new_state

    def _state_arrays(self) -> tuple[str, ...]:
        """Names of the per-parameter state entries that are arrays of p's shape."""
        return ()
