"""Reproducibility package for the cuDNN vs plain LSTM/GRU training-time claim."""

__version__ = "0.1.0"  # also in pyproject.toml
