"""flake8-redundant-bias: find biases that a normalization cancels, statically."""

__version__ = "0.1.0"
