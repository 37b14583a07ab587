"""The package as a user gets it: a wheel built from the checkout, installed into a fresh virtual
environment outside the checkout, on every Python the package declares and this machine has.

What it must carry is what only a checkout had before: the rule pages, the JSON Schema, the licence.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from golden import EXAMPLES, ROOT

KAFKA = EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml"


def _python310() -> str | None:
    """A Python 3.10 (the oldest the package declares, the one without tomllib): on PATH, or one that
    pyenv keeps (its shim answers only for the selected version)."""
    candidates = [
        shutil.which("python3.10") or "",
        *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3.10"))),
    ]
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "-c", "import venv"], capture_output=True).returncode == 0:
            return candidate
    return None


PYTHON310 = _python310()
INTERPRETERS = [
    pytest.param(sys.executable, id="this-python"),
    pytest.param(
        PYTHON310,
        id="python3.10",
        marks=pytest.mark.skipif(PYTHON310 is None, reason="no working Python 3.10 on this machine"),
    ),
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("flare_ls-*.whl")
    return built


@pytest.fixture(scope="module", params=INTERPRETERS)
def installed(request: pytest.FixtureRequest, wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh virtual environment with the wheel (and its dependencies) installed."""
    home = tmp_path_factory.mktemp("venv")
    if request.param == sys.executable:
        venv.create(home, with_pip=True)
    else:
        subprocess.run([request.param, "-m", "venv", str(home)], check=True, timeout=120)
    bin_dir = home / "bin"
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return bin_dir


def run(bin_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``flare-ls ARGS`` from the installed environment, in a folder that is not the checkout, with
    nothing of the checkout on the import path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}/usr/bin:/bin"
    env["FLARE_LS_NO_CACHE"] = "1"
    return subprocess.run(
        [str(bin_dir / "flare-ls"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=bin_dir.parent,
        env=env,
        timeout=120,
    )


def test_the_installed_package_is_not_the_checkout(installed: Path) -> None:
    result = subprocess.run(
        [str(installed / "python"), "-c", "import flare_ls; print(flare_ls.__file__)"],
        capture_output=True,
        text=True,
        cwd=installed.parent,
        check=True,
    )
    assert Path(result.stdout.strip()).is_relative_to(installed.parent)


def test_rule_prints_the_whole_page(installed: Path) -> None:
    result = run(installed, "rule", "FL201")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (ROOT / "docs" / "rules" / "FL201.md").read_text(encoding="utf-8").strip()


def test_check_reports_the_seed_typo(installed: Path) -> None:
    result = run(installed, "check", str(KAFKA), "--output-format", "json")
    assert result.returncode == 1, result.stderr
    assert "FL102" in {finding["code"] for finding in json.loads(result.stdout)}


def test_the_schema_and_the_licence_ship(installed: Path) -> None:
    code = (
        "from flare_ls.shipped import shipped; import sys; "
        "print(shipped('flare-workflow.schema.json')); print(shipped('LICENSE'))"
    )
    result = subprocess.run(
        [str(installed / "python"), "-c", code], capture_output=True, text=True, cwd=installed.parent, check=True
    )
    schema, licence = (Path(line) for line in result.stdout.split())
    assert schema.is_relative_to(installed.parent) and licence.is_relative_to(installed.parent)
    assert schema.read_text(encoding="utf-8") == (ROOT / "schemas" / "flare-workflow.schema.json").read_text(
        encoding="utf-8"
    )
    assert licence.read_text(encoding="utf-8") == (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_schema_prints_the_json_schema(installed: Path) -> None:
    result = run(installed, "schema")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(
        (ROOT / "schemas" / "flare-workflow.schema.json").read_text(encoding="utf-8")
    )


def test_the_export_does_not_write_into_the_installed_package(installed: Path) -> None:
    result = subprocess.run(
        [str(installed / "python"), "-m", "flare_ls.schema.export"],
        capture_output=True,
        text=True,
        cwd=installed.parent,
    )
    assert result.returncode != 0 and "checkout" in result.stderr, (result.stdout, result.stderr)
    written = [p for p in installed.parent.rglob("*.schema.json") if "_shipped" not in p.parts]
    assert written == [], written


def test_server_answers_initialize(installed: Path) -> None:
    body = json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}}
    )
    exit_ = json.dumps({"jsonrpc": "2.0", "method": "exit"})
    frames = "".join(f"Content-Length: {len(b.encode())}\r\n\r\n{b}" for b in (body, exit_))
    result = run(installed, "server", stdin=frames)
    assert '"id":1' in result.stdout.replace(" ", ""), result.stderr
    assert '"textDocumentSync"' in result.stdout
