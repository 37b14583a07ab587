"""Copies the files a wheel must carry from where they are kept in the checkout into the package:
the rule pages (``flare-ls rule ID``, hover on a finding's code), the JSON Schema and the licence.

They live in ``docs/rules/``, ``schemas/`` and at the root because that is where authors, GitHub and
other tools look for them; a copy in ``server/flare_ls/`` would drift. An editable install reads them
from the checkout instead (``flare_ls.shipped``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Source in the checkout -> destination inside the package (``flare_ls/_shipped/``).
SHIPPED = {
    **{f"docs/rules/{page.name}": f"rules/{page.name}" for page in sorted((ROOT / "docs" / "rules").glob("FL*.md"))},
    "schemas/flare-workflow.schema.json": "flare-workflow.schema.json",
    "LICENSE": "LICENSE",
    "CHANGELOG.md": "CHANGELOG.md",
}


class BuildWithShippedFiles(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "flare_ls" / "_shipped"
        for source, destination in SHIPPED.items():
            path = target / destination
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / source, path)


setup(cmdclass={"build_py": BuildWithShippedFiles})
