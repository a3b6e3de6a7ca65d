#!/usr/bin/env python3
"""Writes one self-contained HTML report of a parbench run (or of the two runs of `make bench`):
the command line of the report package beside it (scripts/report/).

    scripts/report.py [--auto-pair] [--output FILE] RUN [RUN2]
"""
import sys
from pathlib import Path

# The package scripts/report/, whether this file runs as a script or is loaded by path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from report.__main__ import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
