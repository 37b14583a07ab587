"""``flare-ls --check`` as a user runs it: a subprocess, its output and its exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from golden import EXAMPLES, FIXTURES, ROOT

KAFKA = EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml"
CLEAN = FIXTURES / "clean" / "batch-csv-to-iceberg.yaml"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flare_ls", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=60,
        env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"},
    )


def test_seed_kafka_manifest_reports_the_continous_typo_with_a_fix() -> None:
    result = run("--check", str(KAFKA.relative_to(ROOT)))
    assert result.returncode == 1
    line = next(x for x in result.stdout.splitlines() if "FL102" in x)
    assert line == (
        "examples/seed/06-kafka-lakehouse-insights.yaml:22:28: FL102 [invalid-value] "
        "`triggerMode` does not accept `Continous`; did you mean `Continuous`?"
    )
    data = json.loads(run("--check", str(KAFKA), "--format", "json").stdout)
    typo = next(d for d in data if d["code"] == "FL102")
    assert typo["fix"]["applicability"] == "safe"
    assert typo["fix"]["edits"] == [
        {
            "content": "Continuous",
            "location": {"row": 22, "column": 28},
            "end_location": {"row": 22, "column": 37},
        }
    ]


def test_clean_file_exits_zero() -> None:
    result = run("--check", str(CLEAN))
    assert result.returncode == 0, result.stdout
    assert result.stdout == "All checked: no findings in 1 file.\n"


def test_json_output_is_shaped_like_ruff() -> None:
    result = run("--check", str(FIXTURES / "invalid-value"), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data and set(data[0]) == {
        "code",
        "name",
        "message",
        "severity",
        "filename",
        "location",
        "end_location",
        "fix",
        "url",
    }
    assert all(d["url"].endswith(f"docs/rules/{d['code']}.md") for d in data)
    assert {d["severity"] for d in data} == {"error"}
    assert json.loads(run("--check", str(CLEAN), "--format", "json").stdout) == []


def test_directories_recurse_into_yaml_files_and_skip_other_yaml(tmp_path) -> None:
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    (tmp_path / "nested" / "deeper" / "job.yml").write_text(KAFKA.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "k8s.yaml").write_text("apiVersion: v1\nkind: Pod\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("triggerMode: Continous\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "bad.yaml").write_text(KAFKA.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("--check", str(tmp_path))
    files = {line.split(":")[0] for line in result.stdout.splitlines()[:-2]}
    assert files == {str(tmp_path / "nested" / "deeper" / "job.yml")}
    # The summary, then ruff's hint about --fix (which replaced "; 2 with a fix." on the summary line).
    summary, hint = result.stdout.splitlines()[-2:]
    assert summary.endswith("in 1 of 2 files.")
    # Unsafe: the query compute changed to `runnable-default`, and `showPreviewLines` moved into `job`.
    assert hint == "[*] 1 fixable with `--fix` (2 unsafe fixes available with `--fix --unsafe-fixes`)."


def test_unreadable_and_undecodable_files_are_reported_and_others_still_checked(tmp_path) -> None:
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes(b"name: caf\xe9\nstack: flare:7.0\n")
    missing = tmp_path / "missing.yaml"
    result = run("--check", str(latin), str(missing), str(KAFKA))
    out = result.stdout
    assert result.returncode == 1
    assert f"{latin}:1:10: FL003 [unreadable-file] the file is not valid UTF-8: byte 0xe9" in out
    assert f"{missing}:1:1: FL003 [unreadable-file] cannot read the file: No such file or directory" in out
    assert "FL102" in out


def test_utf16_with_bom_is_decoded(tmp_path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(KAFKA.read_text(encoding="utf-8").encode("utf-16"))
    assert "22:28: FL102" in run("--check", str(path)).stdout


@pytest.mark.parametrize(
    "args",
    [
        # `--check` alone used to be one: it checks `.` now, as `flare-ls check` does.
        ("check", "--select", "FL999"),
        ("--format", "xml", "--check", "x"),
        ("--bogus",),
        ("--stdio", "--check", "x"),
        ("nonsense", "x.yaml"),
    ],
)
def test_usage_errors_exit_two(args) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: flare-ls")
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("flare-ls ")


def test_terminal_output_underlines_the_finding() -> None:
    result = run("--check", str(KAFKA), "--color", "always")
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "FL102" in line)
    source = KAFKA.read_text(encoding="utf-8").splitlines()[21]
    assert lines[at + 1] == "  | " + source
    assert lines[at + 2] == "  | " + " " * source.index("Continous") + "\x1b[31m^^^^^^^^^\x1b[0m"


def test_warnings_alone_still_exit_one(tmp_path) -> None:
    result = run("--check", str(FIXTURES / "long-job-name"))
    assert result.returncode == 1 and "FL306" in result.stdout


def test_undecodable_yaml_found_in_a_directory_is_reported_only_if_it_looks_like_flare(tmp_path) -> None:
    (tmp_path / "flare.yaml").write_bytes(b"name: caf\xe9\nspec:\n  stack: flare:7.0\n")
    (tmp_path / "other.yaml").write_bytes(b"title: caf\xe9\n")
    result = run("--check", str(tmp_path))
    assert f"{tmp_path / 'flare.yaml'}:1:10: FL003" in result.stdout
    assert "other.yaml" not in result.stdout
    assert result.returncode == 1


def test_internal_failure_exits_three_and_other_files_are_still_checked(monkeypatch, capsys) -> None:
    from flare_ls import cli

    real = cli.analyze_parsed

    def analyze_parsed(text, *args, **kwargs):
        if "kafka-lakehouse" in text:
            raise RuntimeError("simulated bug")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(cli, "analyze_parsed", analyze_parsed)
    code = cli.main(["--check", str(KAFKA), str(FIXTURES / "invalid-value" / "type-workflows.yaml")])
    out = capsys.readouterr().out
    assert code == cli.EXIT_INTERNAL
    assert "FL900 [internal-error] flare-ls failed on this file (RuntimeError: simulated bug)" in out
    assert "type-workflows.yaml:3:7: FL102" in out


def test_a_disable_comment_silences_that_rule_on_that_line(tmp_path) -> None:
    text = KAFKA.read_text(encoding="utf-8").replace(
        "triggerMode: Continous", "triggerMode: Continous  # flare-ls: disable=FL102,long-job-name"
    )
    path = tmp_path / "silenced.yaml"
    path.write_text(text, encoding="utf-8")
    out = run("--check", str(path)).stdout
    assert "FL102" not in out
    assert "FL306" in out  # disabled by name, but on another line: still reported
    assert "FL105" in out


def test_rules_lists_every_rule_and_rule_prints_its_page() -> None:
    listed = run("rules")
    assert listed.returncode == 0
    codes = [line.split()[0] for line in listed.stdout.splitlines()]
    assert codes == sorted(codes) and "FL202" in codes and "FL003" in codes
    as_json = json.loads(run("rules", "--format", "json").stdout)
    assert {r["code"] for r in as_json} == set(codes)
    page = run("rule", "missing-checkpoint-location")
    assert page.returncode == 0 and page.stdout.startswith("# FL202 missing-checkpoint-location\n")
    assert run("rule", "fl202").stdout == page.stdout
    unknown = run("rule", "FL999")
    assert unknown.returncode == 2 and "no rule 'FL999'" in unknown.stderr


def test_stdin_is_checked_under_the_given_name() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flare_ls", "--stdin-filename", "pipelines/kafka.yaml"],
        input=KAFKA.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1
    assert "pipelines/kafka.yaml:22:28: FL102 [invalid-value]" in result.stdout


def test_exit_zero_fail_on_and_output_file(tmp_path) -> None:
    warnings_only = FIXTURES / "long-job-name" / "thirty-one-characters.yaml"
    assert run("--check", str(warnings_only)).returncode == 1
    assert run("--check", str(warnings_only), "--fail-on", "error").returncode == 0
    assert run("--check", str(KAFKA), "--exit-zero").returncode == 0
    report = tmp_path / "report.json"
    result = run("--check", str(KAFKA), "--format", "json", "--output-file", str(report))
    assert result.returncode == 1 and result.stdout == ""
    assert {d["code"] for d in json.loads(report.read_text(encoding="utf-8"))} >= {"FL102", "FL105"}


def test_parallel_check_of_a_large_tree_matches_the_sequential_one(tmp_path) -> None:
    from flare_ls import cli

    corpus = sorted(p for p in (ROOT.parent / "shared" / "corpus").glob("*.yaml"))
    for copy in range(3):
        folder = tmp_path / f"copy{copy}"
        folder.mkdir()
        for path in corpus:
            (folder / path.name).write_bytes(path.read_bytes())
    assert len(list(tmp_path.rglob("*.yaml"))) >= cli.PARALLEL_FROM
    sequential = cli.collect([tmp_path], jobs=1)
    parallel = cli.collect([tmp_path], jobs=2)
    assert [(p, [(f.code, f.start, f.message) for f in fs]) for p, _, fs in parallel] == [
        (p, [(f.code, f.start, f.message) for f in fs]) for p, _, fs in sequential
    ]


def test_pre_commit_hook_entry_checks_the_files_it_is_given() -> None:
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "flare-ls" and hook["types"] == ["yaml"] and hook["language"] == "python"
    program, *args = hook["entry"].split()
    assert program == "flare-ls"
    bad = run(*args, str(KAFKA))
    assert bad.returncode == 1 and "FL102" in bad.stdout
    assert run(*args, str(CLEAN)).returncode == 0


def test_project_config_is_found_applied_shown_and_validated(tmp_path) -> None:
    project = tmp_path / "repo"
    (project / "pipelines" / "legacy").mkdir(parents=True)
    (project / ".git").mkdir()
    text = KAFKA.read_text(encoding="utf-8")
    (project / "pipelines" / "kafka.yaml").write_text(text, encoding="utf-8")
    (project / "pipelines" / "legacy" / "old.yaml").write_text(text, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.flare-ls]\nignore = ["long-job-name"]\nseverity = {FL102 = "warning"}\n'
        'exclude = ["pipelines/legacy"]\n[tool.flare-ls.per-file-ignores]\n"pipelines/kafka.yaml" = ["FL308"]\n',
        encoding="utf-8",
    )
    result = run("--check", str(project), "--format", "json")
    found = json.loads(result.stdout)
    assert {d["filename"] for d in found} == {str(project / "pipelines" / "kafka.yaml")}  # legacy/ excluded
    codes = {d["code"]: d["severity"] for d in found}
    assert "FL306" not in codes and "FL308" not in codes and codes["FL102"] == "warning"
    shown = run("--show-settings", str(project / "pipelines" / "kafka.yaml"))
    assert shown.returncode == 0 and str(project / "pyproject.toml") in shown.stdout
    (project / "pyproject.toml").write_text('[tool.flare-ls]\nignor = ["FL306"]\n', encoding="utf-8")
    bad = run("--check", str(project))
    assert bad.returncode == 2 and "ignor: unknown key" in bad.stderr and "Traceback" not in bad.stderr
    explicit = tmp_path / "ci.toml"
    explicit.write_text('select = ["FL102"]\n', encoding="utf-8")
    only = json.loads(run("--check", str(project / "pipelines"), "--config", str(explicit), "--format", "json").stdout)
    assert {d["code"] for d in only} == {"FL102"}


def test_fix_diff_and_unsafe_fixes(tmp_path) -> None:
    path = tmp_path / "kafka.yaml"
    original = KAFKA.read_bytes().replace(b"\n", b"\r\n")  # CRLF must survive the fix
    path.write_bytes(original)
    diff = run("--check", str(path), "--diff")
    assert diff.returncode == 1 and path.read_bytes() == original
    changed = [line for line in diff.stdout.splitlines() if line[:1] in "-+" and "triggerMode" in line]
    assert [line[0] + line[1:].strip() for line in changed] == ["-triggerMode: Continous", "+triggerMode: Continuous"]
    fixed = run("--check", str(path), "--fix")
    assert "applied 1 fix in 1 file(s)" in fixed.stderr
    after = path.read_bytes()
    assert after == original.replace(b"triggerMode: Continous", b"triggerMode: Continuous")
    assert "FL102" not in fixed.stdout and "FL105" in fixed.stdout  # the rest is still reported
    again = run("--check", str(path), "--fix")
    assert path.read_bytes() == after and "applied" not in again.stderr  # fixing twice changes nothing
    unsafe = run("--check", str(path), "--fix", "--unsafe-fixes")
    assert "FL308" not in unsafe.stdout and b"compute: runnable-default" in path.read_bytes()
