"""``python -m daemon`` runs the ``siphon`` command line."""

from daemon.cli import main

main()
