"""Entry point for `python -m archsel`."""

from archsel.cli import main

main()
