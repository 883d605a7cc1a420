"""`python -m aksdoctor`."""

from aksdoctor.cli.main import run

run()
