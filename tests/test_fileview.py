"""The file view the CLI and the server give FL505: what it may see, and from where a path is read."""

from __future__ import annotations

import os
from pathlib import Path

from flare_ls.fileview import ProjectFiles


def _project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir(parents=True)
    (tmp_path / "flare" / "jobs").mkdir(parents=True)
    (tmp_path / "flare" / "jobs" / "ingest.yaml").write_text("x: 1\n", encoding="utf-8")
    (tmp_path / "flare" / "sql").mkdir()
    (tmp_path / "flare" / "sql" / "daily.sql").write_text("SELECT 1\n", encoding="utf-8")
    return tmp_path


def test_a_path_is_read_from_the_manifest_or_from_the_project_root(tmp_path: Path) -> None:
    root = _project(tmp_path)
    view = ProjectFiles(root / "flare" / "jobs" / "workflow.yaml")
    assert view.exists("ingest.yaml") is True  # beside the manifest
    assert view.exists("../sql/daily.sql") is True
    # As the DataOS docs write them: from the repository's root.
    assert view.exists("flare/sql/daily.sql") is True
    assert view.exists("flare/sql/missing.sql") is False
    assert view.exists("sql") is False  # a directory is no file


def test_nothing_outside_the_project_is_looked_at(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    outside = tmp_path / "secret.yaml"
    outside.write_text("x: 1\n", encoding="utf-8")
    os.symlink(outside, root / "flare" / "jobs" / "link.yaml")
    view = ProjectFiles(root / "flare" / "jobs" / "workflow.yaml")
    assert view.exists("../../../secret.yaml") is None
    assert view.exists("link.yaml") is None  # a link out of the project
    assert view.exists("/etc/passwd") is None
    assert view.listdir("../../..") == []
    assert "ingest.yaml" in view.listdir("")
