"""`python -m cudnn_repro`: the same command line as reproduce.py and cudnn-repro."""

import sys

from .cli import main

sys.exit(main())
