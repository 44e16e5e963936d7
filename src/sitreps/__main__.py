"""`python -m sitreps` runs the command line."""

from sitreps.cli import app

app(prog_name="sitreps")
