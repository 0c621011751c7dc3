"""`python -m partnership_core`: the command line."""

from .cli import run

run()
