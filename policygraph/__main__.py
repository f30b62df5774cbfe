"""``python -m policygraph …`` is the ``policygraph`` command (for environments without the console script)."""
from policygraph.cli import main

main(prog_name="policygraph")
