"""``flare-ls``: the command. ``--check`` runs the linter; the language server is started elsewhere."""

from __future__ import annotations

import sys


def main() -> None:
    from .cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
