"""``python -m pipeline``: the ``zhpolicy`` command line."""

from pipeline.cli import app

app(prog_name="zhpolicy")
