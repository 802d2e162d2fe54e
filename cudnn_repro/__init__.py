"""Reproducibility package for the cuDNN vs plain LSTM/GRU training-time claim."""
