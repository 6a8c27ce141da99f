"""``autograd.distributions``: PyTorch's ``torch.distributions`` (loaded on first use).

Probability distributions with differentiable ``log_prob``, ``cdf``, ``icdf``,
``entropy`` and moments, reparameterized ``rsample`` where the family allows it, argument
validation by ``constraints`` and closed-form ``kl_divergence``. Draws come from
``generator`` (a ``numpy.random.Generator``, an int seed, or None for the global generator
that ``manual_seed`` seeds): they follow PyTorch's distributions, not its random stream.
"""

from . import constraints, transforms
from .bernoulli import Bernoulli
from .beta_gamma import Beta, Dirichlet, Gamma
from .binomial import Binomial
from .categorical import Categorical, OneHotCategorical
from .cauchy_gumbel import Cauchy, Gumbel, HalfCauchy, HalfNormal
from .chi2 import Chi2
from .counts import Geometric, Poisson
from .distribution import Distribution
from .exponential import Exponential
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .studentt import StudentT
from .transformed_distribution import LogNormal, TransformedDistribution
from .uniform import Uniform
from .weibull_pareto import Pareto, Weibull

__all__ = [
    "Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2", "Dirichlet", "Distribution",
    "Exponential", "Gamma", "Geometric", "Gumbel", "HalfCauchy", "HalfNormal", "Independent",
    "Laplace", "LogNormal", "MultivariateNormal", "Normal", "OneHotCategorical", "Pareto",
    "Poisson", "StudentT",
    "TransformedDistribution", "Uniform", "Weibull", "constraints", "kl_divergence", "register_kl",
    "transforms",
]
