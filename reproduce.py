#!/usr/bin/env python3
"""Reproduce the cuDNN LSTM/GRU speed-up claims; see README.md and `--help`."""

import sys

from cudnn_repro.cli import main

if __name__ == "__main__":
    sys.exit(main())
