"""``autograd.func``: PyTorch's ``torch.func`` function transforms.

``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian`` and
``linearize`` (over ``autograd.functional``), ``vmap`` (a loop: no batching rules) and
``functional_call``. Arguments and results may be pytrees: nested tuples, lists and
dicts of Tensors. The transforms compose (``grad(grad(f))``, ``jacrev(jacfwd(f))``,
``vmap(grad(f))``).
"""

from ._functional_call import functional_call
from ._transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp
from ._vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp",
           "linearize", "vjp", "vmap"]
