"""PyTorch's top-level in-place functions: ``autograd.exp_(t)`` is ``t.exp_()``, and so on
for every ``torch.<name>_`` whose Tensor method graphgrad has. Each checks that its first
argument is a Tensor (PyTorch's TypeError otherwise) and forwards the rest, so the
method's rules apply: recorded when in the graph, refused on a leaf that requires grad.
They load on first use of their ``autograd.<name>``.
"""

from __future__ import annotations

from typing import Any

from .tensor import Tensor

NAMES = (
    "abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ as_strided_ "
    "asin_ asinh_ atan_ atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ conj_physical_ cos_ "
    "cosh_ deg2rad_ detach_ erf_ erfc_ exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ gcd_ i0_ "
    "index_put_ lcm_ ldexp_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ neg_ negative_ "
    "rad2deg_ reciprocal_ relu_ resize_as_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ "
    "square_ tan_ tanh_ trunc_ xlogy_ zero_"
).split()

__all__ = list(NAMES)


def _forward(name: str) -> Any:
    def function(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"``input.{name}(...)``: ``{name[:-1]}`` written into ``input`` in "
                        "place, which is returned.")
    return function


globals().update({name: _forward(name) for name in NAMES})
