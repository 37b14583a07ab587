"""``flare-ls format``: writing, --check, --diff, standard input, exit codes, configuration, and
files written as safely as --fix writes them. In process (``cli.main``), for speed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flare_ls.cli import main

MANIFEST = (
    "version: v1\nname: crème-brûlée   \ntype: workflow\n"
    "workflow:\n    dag:\n    - name: job-🍮\n      spec:\n        stack: flare:7.0\n"
)
FORMATTED = (
    "version: v1\nname: crème-brûlée\ntype: workflow\n"
    "workflow:\n  dag:\n    - name: job-🍮\n      spec:\n        stack: flare:7.0\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the configuration search stops here
    (tmp_path / "job.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "clean.yaml").write_text(FORMATTED.replace("job-🍮", "clean"), encoding="utf-8")
    (tmp_path / "k8s.yaml").write_text("apiVersion: v1\nkind:    Pod\n", encoding="utf-8")  # not Flare's
    return tmp_path


def test_check_lists_what_would_change_and_exits_1_writing_nothing(project: Path, capsys) -> None:
    assert main(["format", "--check", str(project)]) == 1
    out = capsys.readouterr().out
    assert out == f"Would reformat: {project / 'job.yaml'}\n1 file would be reformatted, 1 file already formatted\n"
    assert (project / "job.yaml").read_text(encoding="utf-8") == MANIFEST


def test_options_go_anywhere_and_diff_prints_a_unified_diff(project: Path, capsys) -> None:
    assert main(["--diff", "format", str(project / "job.yaml"), "-q"]) == 1
    out = capsys.readouterr().out
    assert "-name: crème-brûlée   \n+name: crème-brûlée\n" in out and "-    dag:\n+  dag:\n" in out
    assert (project / "job.yaml").read_text(encoding="utf-8") == MANIFEST


def test_writing_formats_in_place_keeping_the_mode_and_other_yaml_alone(project: Path, capsys) -> None:
    job = project / "job.yaml"
    os.chmod(job, 0o640)
    inode = job.stat().st_ino
    assert main(["format", str(project)]) == 0
    assert "1 file reformatted, 1 file left unchanged" in capsys.readouterr().out
    assert job.read_text(encoding="utf-8") == FORMATTED
    assert job.stat().st_ino == inode and job.stat().st_mode & 0o777 == 0o640
    assert (project / "k8s.yaml").read_text(encoding="utf-8") == "apiVersion: v1\nkind:    Pod\n"
    assert main(["format", "--check", str(project)]) == 0


def test_a_named_file_is_formatted_even_when_not_flare(project: Path) -> None:
    assert main(["format", str(project / "k8s.yaml")]) == 0
    assert (project / "k8s.yaml").read_text(encoding="utf-8") == "apiVersion: v1\nkind: Pod\n"


def test_crlf_and_bom_are_kept_on_disk(project: Path) -> None:
    job = project / "job.yaml"
    job.write_bytes(b"\xef\xbb\xbf" + MANIFEST.replace("\n", "\r\n").encode("utf-8"))
    assert main(["format", str(job)]) == 0
    assert job.read_bytes() == b"\xef\xbb\xbf" + FORMATTED.replace("\n", "\r\n").encode("utf-8")


def test_a_file_that_cannot_be_formatted_is_an_error_and_left_alone(project: Path, capsys) -> None:
    broken = project / "broken.yaml"
    broken.write_text("version: v1\nworkflow:\n\tdag: []\n", encoding="utf-8")
    assert main(["format", str(broken), str(project / "job.yaml")]) == 2
    err = capsys.readouterr().err
    assert (
        f"flare-ls: error: {broken}: cannot format the file: it does not parse: a tab in the indentation of line 3"
        in err
    )
    assert broken.read_text(encoding="utf-8") == "version: v1\nworkflow:\n\tdag: []\n"
    assert (project / "job.yaml").read_text(encoding="utf-8") == FORMATTED, "the other files are still formatted"


def test_a_read_only_file_is_not_written(project: Path, capsys) -> None:
    job = project / "job.yaml"
    os.chmod(job, 0o444)
    assert main(["format", str(job)]) == 2
    assert "cannot write the file" in capsys.readouterr().err
    assert job.read_text(encoding="utf-8") == MANIFEST


def test_the_project_style_applies(project: Path) -> None:
    (project / "flare-ls.toml").write_text("[format]\nindent = 4\nindent-sequences = false\n", encoding="utf-8")
    assert main(["format", str(project / "job.yaml")]) == 0
    assert (project / "job.yaml").read_text(encoding="utf-8") == (
        "version: v1\nname: crème-brûlée\ntype: workflow\nworkflow:\n    dag:\n    - name: job-🍮\n"
        "      spec:\n          stack: flare:7.0\n"
    )


def test_a_bad_format_setting_is_a_usage_error(project: Path, capsys) -> None:
    (project / "flare-ls.toml").write_text("[format]\nindent = 1\n", encoding="utf-8")
    assert main(["format", "--check", str(project)]) == 2
    assert "format.indent: 1 is not an indentation from 2 to 8 spaces" in capsys.readouterr().err


def test_standard_input_goes_to_standard_output(project: Path, capsys, monkeypatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MANIFEST.encode("utf-8"))))
    assert main(["format", "-", "--stdin-filename", str(project / "job.yaml")]) == 0
    captured = capsys.readouterr()
    assert captured.out == FORMATTED and captured.err == ""
