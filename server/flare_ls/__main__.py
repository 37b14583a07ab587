"""``flare-ls``: the command (``cli``): ``check`` runs the linter, ``server`` the language server."""

from __future__ import annotations

import sys


def main() -> None:
    from .cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
