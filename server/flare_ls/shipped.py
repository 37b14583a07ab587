"""Files that ship with flare-ls beside its code: the rule pages, the JSON Schema, the licence.

A wheel carries them in ``flare_ls/_shipped/`` (copied there by ``setup.py`` at build time); a checkout
or an editable install reads them where they are kept (``docs/rules/``, ``schemas/``, the root).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parents[1]

#: Name inside ``_shipped/`` -> path in a checkout.
_IN_CHECKOUT = {
    "rules": _CHECKOUT / "docs" / "rules",
    "flare-workflow.schema.json": _CHECKOUT / "schemas" / "flare-workflow.schema.json",
    "LICENSE": _CHECKOUT / "LICENSE",
    "CHANGELOG.md": _CHECKOUT / "CHANGELOG.md",
}


def shipped(*parts: str) -> Path | None:
    """The shipped file ``parts`` (e.g. ``("rules", "FL201.md")``), from the package or the checkout;
    None when neither has it."""
    packaged = _PACKAGE.joinpath("_shipped", *parts)
    if packaged.is_file():
        return packaged
    in_checkout = _IN_CHECKOUT.get(parts[0])
    if in_checkout is None:
        return None
    path = in_checkout.joinpath(*parts[1:])
    return path if path.is_file() else None
