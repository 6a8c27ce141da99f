"""Tensor: an ndarray plus what reverse-mode differentiation needs.

``data`` is the NumPy array; ``requires_grad`` marks a tensor whose gradient is
wanted; ``grad_fn`` is the graph node (a ``Context``) that produced it, ``None``
for leaves; ``grad`` collects the gradient of a leaf after ``backward()``.
Arithmetic, math and shape methods are attached in ``tensor_methods`` so that
this file holds only the Tensor's own state and lifecycle.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from . import dtypes, grad_mode, printing
from .errors import ShapeError


class _VersionCounter:
    """Counts in-place changes of a tensor's data (shared with its views and detached
    copies). ``views`` maps ``id`` to ``(view, root, path)`` for each tensor an op made
    as a view of this memory: weak references to the view and to the tensor it was first
    viewed from, and the ``function.ViewStep``s from there. A recorded in-place op on the
    root or on any view rebases the others' histories (``inplace.apply_``). Lookups are
    O(1); dead entries are pruned each time the dictionary has doubled."""

    __slots__ = ("value", "views", "_prune_at")

    def __init__(self) -> None:
        self.value = 0
        self.views: dict | None = None
        self._prune_at = 8

    def note_view(self, view: Tensor, base: Tensor, step: Any) -> None:
        """Note that ``view`` is the view ``step`` (a ``function.ViewStep``) makes of
        ``base``, sharing this memory; kept as the path of steps from the outermost tensor
        it was viewed from, so the path stays known when intermediate views (``y[0]`` in
        ``y[0][1:]``) are gone."""
        views = self.views
        if views is None:
            views = self.views = {}
        made_from = self.view_path(base)
        root, path = (base, ()) if made_from is None else made_from
        views[id(view)] = (weakref.ref(view), weakref.ref(root), (*path, step))
        # A view keeps the tensor it was viewed from alive (PyTorch's ``_base``), so a
        # change through it still finds the whole family after the intermediate tensors
        # are gone: ``z = z.T.contiguous().T`` drops the only other reference to the root.
        view._view_root = root
        if len(views) > self._prune_at:
            self.views = views = {k: e for k, e in views.items() if e[0]() is not None}
            self._prune_at = max(8, 2 * len(views))

    def view_path(self, view: Tensor) -> tuple[Tensor, tuple] | None:
        """``(root, path)`` when ``view`` was made from ``root`` by the view steps ``path``
        (``root[0]`` then ``.T``, say) and root is alive."""
        entry = self.views.get(id(view)) if self.views is not None else None
        if entry is None or entry[0]() is not view:
            return None
        root = entry[1]()
        return None if root is None else (root, entry[2])

    def other_views(self, t: Tensor) -> list[Tensor]:
        """The live tensors other than ``t`` that share this memory through view ops: the
        views and the tensors they were made from."""
        found: dict[int, Tensor] = {}
        for view_ref, root_ref, _ in (self.views or {}).values():
            for other in (view_ref(), root_ref()):
                if other is not None and other is not t:
                    found[id(other)] = other
        return list(found.values())


class RemovableHandle:
    """Returned by ``register_hook``: call ``remove()`` to unregister the hook."""

    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks: list, hook: Any) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        """Unregister the hook (a second call does nothing)."""
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


_engine_backward = None  # engine.backward, imported on first use (the engine imports this module)


class Tensor:
    """An n-dimensional array that records the operations applied to it.

    Create tensors with ``autograd.tensor(data, dtype=None, requires_grad=False)``
    or the other creation functions; ``Tensor(data)`` works too.
    """

    # The attributes every tensor sets are slots; the rarely changed ones are class-level
    # defaults that an instance overrides in its own ``__dict__`` (so ``_make`` sets five).
    __slots__ = (
        "data",
        "_grad",
        "_requires_grad",
        "grad_fn",
        "_output_index",
        "__dict__",
        "__weakref__",
    )
    __array_priority__ = 1000
    name: str | None = None
    _vc: _VersionCounter | None = None
    _retains_grad = False
    _hooks: list | None = None
    _owns_data = False  # a .grad whose array the engine allocated: accumulated in place

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False,
                 name: str | None = None) -> None:
        source = None
        if isinstance(data, Tensor):
            source, data = data, data.data
        self.data = dtypes.to_array(data, dtype)
        if source is not None and self.data is source.data:
            self._vc = source._version  # the same memory: one version counter, as torch's
        self._grad = None
        self.grad_fn = None
        self._output_index = 0
        if name is not None:
            self.name = name
        self._requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _make(data: np.ndarray, requires_grad: bool, grad_fn: Any, index: int) -> Tensor:
        t = object.__new__(Tensor)
        t.data = data
        t._grad = None
        t._requires_grad = requires_grad
        t.grad_fn = grad_fn
        t._output_index = index
        return t

    @classmethod
    def _wrap(cls, data: Any) -> Tensor:
        """A constant Tensor around an array (no copy, no grad)."""
        if not isinstance(data, np.ndarray):
            data = np.asarray(data)
        return Tensor._make(data, False, None, 0)

    @property
    def _version(self) -> _VersionCounter:
        """The counter of in-place changes (made on first use: most tensors never need one)."""
        vc = self._vc
        if vc is None:
            vc = self._vc = _VersionCounter()
        return vc

    # ----------------------------------------------------------------- metadata
    @property
    def shape(self) -> tuple[int, ...]:
        """The size of each dimension, as NumPy's ``shape``."""
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype of the data."""
        return self.data.dtype

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self.data.ndim

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user, not by a recorded operation."""
        return self.grad_fn is None

    @property
    def device(self) -> str:
        """Always ``'cpu'``: the data is a NumPy array in main memory."""
        return "cpu"

    @property
    def is_cuda(self) -> bool:
        """Always False (PyTorch's flag): graphgrad computes on the CPU only."""
        return False

    def size(self, dim: int | None = None) -> Any:
        """The shape, or the size of one dimension (PyTorch's ``size``)."""
        shape = self.data.shape
        if dim is None:
            return shape
        try:
            return shape[dim]
        except IndexError:
            n = len(shape)
            allowed = f"in [{-n}, {n - 1}]" if n else "none: it has no dimensions"
            raise IndexError(f"size: dimension {dim} is out of range for a tensor of shape "
                             f"{shape} (valid dimensions: {allowed})") from None

    def numel(self) -> int:
        """The number of elements."""
        return int(self.data.size)

    def dim(self) -> int:
        """The number of dimensions (PyTorch's name for ``ndim``)."""
        return self.data.ndim

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self) -> Any:
        """The sub-tensors along the first axis, ``t[0], t[1], ...`` (each differentiable)."""
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor: use .item() for its value")
        return (self[i] for i in range(self.data.shape[0]))

    # ------------------------------------------------------------- conversions
    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shares memory). Refuses tensors that require grad."""
        if self._requires_grad:
            raise RuntimeError(
                "Can't call numpy() on a tensor that requires grad: use "
                "tensor.detach().numpy() (or tensor.data)."
            )
        return self.data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """The data for NumPy (``np.asarray(t)``), shared unless a copy or cast is asked.

        Unlike ``numpy()`` (and PyTorch) this also works on tensors that require grad, as
        the API promises: the array is a plain read of the data, outside the graph.
        """
        if dtype is not None and np.dtype(dtype) != self.data.dtype:
            if copy is False:
                raise ValueError(f"np.array(tensor, dtype={np.dtype(dtype)}, copy=False): the "
                                 f"tensor is {self.data.dtype}, so converting it needs a copy; "
                                 "use np.asarray(tensor, dtype=...)")
            return self.data.astype(dtype)
        if copy:
            return self.data.copy()
        return self.data

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"item() needs a tensor with one element, this one has shape {self.shape} "
                f"({self.data.size} elements)"
            )
        return self.data.item()

    def tolist(self) -> Any:
        """The data as nested Python lists of Python numbers."""
        return self.data.tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"The truth value of a tensor with {self.data.size} elements is ambiguous; "
                "use .any() or .all()"
            )
        return bool(self.data.item())

    def __index__(self) -> int:
        if self.data.dtype.kind not in "iub" or self.data.size != 1:
            raise TypeError("only integer tensors of one element can be converted to an index")
        return int(self.data.item())

    def __format__(self, spec: str) -> str:
        """``f"{loss:.3f}"``: a 0-d tensor formats as its value; others take no format spec
        (PyTorch's rule), and ``f"{t}"`` is their repr."""
        if self.data.ndim == 0:
            return format(self.data.item(), spec)
        if spec:
            raise TypeError(f"format spec {spec!r} applies to 0-d tensors only, this one has "
                            f"shape {self.shape}; format t.item() or the values of t.tolist()")
        return str(self)

    def __hash__(self) -> int:
        return id(self)

    # --------------------------------------------------------------- autograd
    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by ``backward()``: a Tensor of this tensor's shape and
        dtype, or None. Assigning checks both, as in PyTorch."""
        return self._grad

    @grad.setter
    def grad(self, grad: Tensor | None) -> None:
        if grad is not None:
            _check_assigned_grad(self, grad)
        self._grad = grad

    @property
    def requires_grad(self) -> bool:
        """True if gradients are computed for this tensor: a leaf marked for it, or the
        result of an op recorded on such tensors. Setting it is ``requires_grad_(flag)``:
        leaves only, floating dtypes only (as in PyTorch)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, requires_grad: bool) -> None:
        self.requires_grad_(requires_grad)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place (leaves only) and return self."""
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError(
                f"requires_grad can only be turned off on leaf tensors; this one was made "
                f"by {self.grad_fn.name}Backward and its gradient flows back through it. "
                f"Use t.detach() for a tensor outside the graph."
            )
        if requires_grad and not dtypes.is_floating(self.data.dtype):
            raise TypeError(
                f"Only floating point tensors can require gradients; this one is "
                f"{self.data.dtype}. Convert it first, e.g. t.astype(np.float32)."
            )
        self._requires_grad = bool(requires_grad)
        return self

    def detach(self) -> Tensor:
        """A new leaf sharing the same data (and version counter), outside the graph."""
        t = Tensor._make(self.data, False, None, 0)
        t._vc = self._version
        return t

    def detach_(self) -> Tensor:
        """Detach in place: this tensor becomes a leaf that does not require grad."""
        self.grad_fn = None
        self._output_index = 0
        self._requires_grad = False
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves always do)."""
        if not self._requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        ref = weakref.ref(self)

        def keep(grad: Tensor) -> None:
            t = ref()
            if t is None:
                return
            if t._grad is None:
                # A copy, as PyTorch's: the gradient may be an array the caller still
                # holds (``y.backward(g)`` hands ``g`` to y's node unchanged); in its
                # memory order (a channels-last gradient stays one).
                if grad_mode.is_grad_enabled():
                    t._grad = grad.clone()
                else:
                    t._grad = Tensor._make(grad.data.copy(order="K"), False, None, 0)
            else:
                t._grad = t._grad + grad

        keep._retain_grad = True  # type: ignore[attr-defined]
        keep._tensor = ref  # type: ignore[attr-defined]  (moved by in-place ops)
        self.grad_fn.register_hook(self._output_index, keep)

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf tensor on which ``retain_grad()`` was called."""
        return self._retains_grad

    def register_hook(self, hook: Any) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed.

        The hook may return a new gradient to use instead, or None.
        """
        if not self._requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient"
            )
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            self._hooks.append(hook)
            return RemovableHandle(self._hooks, hook)
        self.grad_fn.register_hook(self._output_index, hook)
        return RemovableHandle(self.grad_fn._hooks[self._output_index], hook)

    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Compute the gradient of this tensor with respect to the graph's leaves.

        The gradients are accumulated into the ``.grad`` of every leaf that
        requires grad. A non-scalar tensor needs ``gradient`` (same shape): the
        vector in the vector-Jacobian product.
        """
        global _engine_backward
        if _engine_backward is None:
            from .engine import backward as _engine_backward
        _engine_backward(self, None if gradient is None else (gradient,),
                         retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)

    # ------------------------------------------------------------------- repr
    def __repr__(self) -> str:
        """PyTorch's layout (``autograd.printing``; ``autograd.set_printoptions``)."""
        return printing.tensor_repr(self)


def _check_assigned_grad(t: Tensor, grad: Any) -> None:
    """PyTorch's checks on ``t.grad = grad``: a Tensor, not ``t``, same dtype and shape."""
    if grad is t:
        raise RuntimeError("can't assign a tensor as its own grad")
    check_gradient_like(grad, t, "the assigned grad", "the tensor's")


def check_gradient_like(grad: Any, like: Tensor, what: str, whose: str) -> None:
    """Raise unless ``grad`` is a Tensor of ``like``'s shape and dtype (``what`` names the
    gradient in the message, ``whose`` the tensor it must match)."""
    if not isinstance(grad, Tensor):
        raise TypeError(f"{what} must be a Tensor (or None), got {type(grad).__name__}; wrap "
                        f"an array with autograd.tensor(array)")
    if grad.data.shape != like.data.shape:
        raise ShapeError(f"{what} has shape {grad.data.shape} instead of {whose} "
                         f"{like.data.shape}")
    if grad.data.dtype != like.data.dtype:
        raise TypeError(f"{what} has dtype {grad.data.dtype} instead of {whose} "
                        f"{like.data.dtype}; convert it, e.g. g.astype(np.{like.data.dtype})")
