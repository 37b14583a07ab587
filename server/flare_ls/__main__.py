"""``flare-ls``: the command (``cli``): ``check`` runs the linter, ``server`` the language server."""

from __future__ import annotations

import sys

#: The command lines that serve LSP on standard input and output, whatever else is installed or given
#: (``cli/args.py`` reads them so): an editor's. Anything else goes through the command line's parser.
SERVING_STDIO: tuple[list[str], ...] = ([], ["server"], ["--stdio"], ["server", "--stdio"], ["--stdio", "server"])


def main() -> None:
    argv = sys.argv[1:]
    if argv in SERVING_STDIO and (argv or (sys.stdin is not None and not sys.stdin.isatty())):
        # Before the command line's modules (a third of a second): the editor waits for this answer.
        from .lsp.startup import answer_initialize

        answer_initialize()
    from .cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
