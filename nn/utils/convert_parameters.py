"""PyTorch's ``nn.utils.convert_parameters`` module path: the parameters as one flat
vector and back (defined in ``nn.utils``)."""

from . import parameters_to_vector, vector_to_parameters

__all__ = ["parameters_to_vector", "vector_to_parameters"]
