"""Reproducibility package for the cuDNN vs plain LSTM/GRU training-time claim.

Layers, in the order a run flows: measure/ (where the GPU is) writes the results file, the one
contract (settings, results, task_status, errors, here at the top); judge/ decides from it, render/
formats what judge decided, launch/ starts runs in containers or on Slurm. commands/ (one module
a command: its parser and its work) sit over all four; cli.py finds them and keeps the error boundary.
"""

from pathlib import Path

__version__ = "0.1.0"
ROOT = Path(__file__).resolve().parent.parent  # the checkout (or site-packages) that holds the package
