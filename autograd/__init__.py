"""graphgrad's engine: Tensors that record a computation graph, reverse-mode backward.

>>> import autograd as ag
>>> x = ag.tensor([[1.0, 2.0]], requires_grad=True)
>>> y = (x * x).sum()
>>> y.backward()
>>> x.grad
tensor([[2., 4.]])
"""

# First: picks the BLAS kernels from the CPU flags, before anything loads NumPy.
from . import blas  # noqa: F401, I001
# Then: freed arrays' memory is kept for the next ones (glibc's thresholds; allocator.py).
from . import allocator  # noqa: F401, I001
from . import tensor_methods as _tensor_methods  # noqa: F401  (attaches the operators)
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    get_rng,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import get_default_dtype, set_default_dtype
from .device import device
from .engine import backward, grad
from .errors import GraphError, ShapeError
from .function import Context, Function, once_differentiable
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .checkpoint import checkpoint
from .printing import get_printoptions, printoptions, set_printoptions
from .gradcheck import (
    GradcheckError,
    GradcheckReport,
    gradcheck,
    gradgradcheck,
    judge_gradient,
    relative_difference,
    verdict_for,
)
from .inplace import apply_ as apply_inplace
from .inplace import mark_modified
from . import ops as _ops
from .ops import *  # noqa: F403
from .ops import __all__ as _ops_all
from .tensor import RemovableHandle, Tensor



# Loaded on first use, to keep ``import autograd`` fast: the drawing needs the graphviz
# package (~0.1 s); the functional transforms and anomaly detection are not on the path
# of a training step. (Only names that are not also submodules: importing
# ``autograd.gradcheck`` would rebind ``autograd.gradcheck`` to the module.)
_LAZY = {
    "graph": ("graph", None), "draw_graph": ("graph", "draw_graph"),
    "functional": ("functional", None),
    "linalg": ("linalg", None),
    "func": ("func", None),
    "distributions": ("distributions", None),
    "special": ("special", None),
    **{name: ("anomaly", name) for name in (
        "AnomalyError", "detect_anomaly", "is_anomaly_enabled", "set_detect_anomaly")},
    **{name: ("runtime", name) for name in (
        "seed", "initial_seed", "get_rng_state", "set_rng_state", "is_tensor", "is_storage",
        "typename", "result_type", "promote_types", "can_cast", "finfo", "iinfo",
        "get_num_threads", "set_num_threads")},
}


def __getattr__(name: str):
    if name in _ops.DEFERRED:  # ops whose family loads on first use (autograd/ops/__init__)
        value = getattr(_ops, name)
        globals()[name] = value
        return value
    if name not in _LAZY:
        raise AttributeError(f"module 'autograd' has no attribute {name!r}")
    import importlib

    module_name, attribute = _LAZY[name]
    module = importlib.import_module(f".{module_name}", __name__)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value  # later lookups skip this function
    return value


float32 = __import__("numpy").float32
float64 = __import__("numpy").float64

__all__ = [
    "Tensor", "Function", "Context", "once_differentiable", "GraphError", "ShapeError",
    "RemovableHandle",
    "tensor", "from_numpy", "as_tensor", "zeros", "ones", "full", "zeros_like", "ones_like",
    "full_like", "empty", "empty_like", "arange", "linspace", "eye", "rand", "randn",
    "rand_like", "randn_like", "randint", "manual_seed", "get_rng", "mark_modified",
    "apply_inplace",
    "get_default_dtype", "set_default_dtype", "device", "backward", "grad", "no_grad",
    "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
    "is_inference_mode_enabled", "float32", "float64", "checkpoint", "gradcheck",
    "gradgradcheck", "GradcheckError", "GradcheckReport", "judge_gradient",
    "relative_difference", "verdict_for", "set_printoptions", "get_printoptions", "printoptions",
    *_LAZY,
    *_ops_all,
    *_ops.DEFERRED,
]

# PyTorch's top-level in-place forms (``exp_``...), tensor predicates and helpers,
# further creation functions and runtime switches, each loaded on first use. ``range`` stays
# out of ``__all__``: a star import must not shadow the builtin.
from .inplace_functions import NAMES as _IN_PLACE_NAMES  # noqa: E402

_LAZY.update({name: (module, name) for module, names in {
    "inplace_functions": _IN_PLACE_NAMES,
    "tensor_extra": "is_floating_point is_complex is_signed is_nonzero is_same_size is_conj "
                    "is_neg is_inference conj conj_physical resolve_conj resolve_neg adjoint "
                    "nonzero_static fill swapdims concat true_divide detach".split(),
    "creation_extra": "scalar_tensor range asarray frombuffer from_dlpack to_dlpack "
                      "empty_strided empty_permuted".split(),
    "runtime_switches": "use_deterministic_algorithms are_deterministic_algorithms_enabled "
                        "is_deterministic_algorithms_warn_only_enabled "
                        "set_deterministic_debug_mode get_deterministic_debug_mode "
                        "set_float32_matmul_precision get_float32_matmul_precision "
                        "set_default_device get_default_device set_warn_always "
                        "is_warn_always_enabled set_flush_denormal get_num_interop_threads "
                        "set_num_interop_threads init_num_threads".split(),
}.items() for name in names})
__all__ += [name for name in _LAZY if name not in __all__ and name != "range"]
