"""mypy over the analysis core (configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from golden import ROOT


def test_core_type_checks() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
