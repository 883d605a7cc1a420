"""`python -m aksdoctor`."""

from aksdoctor.cli import run

run()
