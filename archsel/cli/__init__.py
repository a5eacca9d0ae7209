"""The `archsel` command line: options -> one api call -> one view. No domain logic lives here.

`main` is the console-script entry point (pyproject's `archsel = "archsel.cli:main"`); the app
and its error wrapper live in `archsel.cli.app`, each group of commands in its own module.
"""

from archsel.cli.app import main

__all__ = ["main"]
