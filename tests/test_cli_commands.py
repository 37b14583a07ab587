"""Every form of the command line, run as the installed ``flare-ls`` command (a subprocess), and the
pre-commit hook run by pre-commit itself in a real git repository."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from golden import EXAMPLES, FIXTURES, ROOT

KAFKA = EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml"
CLEAN = FIXTURES / "clean" / "batch-csv-to-iceberg.yaml"
FLARE_LS = Path(sys.executable).parent / "flare-ls"
TYPO = "22:28: FL102 [invalid-value]"

pytestmark = pytest.mark.skipif(not FLARE_LS.exists(), reason="the flare-ls command is not installed beside python")


def env(**extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "PYTHONPATH")}
    return {**out, "FLARE_LS_NO_CACHE": "1", **extra}


def flare_ls(*args: str, cwd: Path = ROOT, stdin: str | None = None, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FLARE_LS), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        timeout=60,
        env=env(**extra),
    )


@pytest.fixture
def kafka(tmp_path: Path) -> Path:
    path = tmp_path / "kafka.yaml"
    path.write_bytes(KAFKA.read_bytes())
    return path


@pytest.mark.parametrize(
    "args",
    [
        ("--check", "--format", "json", "FILE"),
        ("check", "FILE", "--format", "json"),
        ("--output-format", "json", "check", "FILE"),
        ("check", "--output-format=json", "FILE"),
        ("FILE", "--format", "json", "--check"),
    ],
)
def test_options_go_before_or_after_the_paths(args: tuple[str, ...], kafka: Path) -> None:
    result = flare_ls(*[str(kafka) if a == "FILE" else a for a in args])
    assert result.returncode == 1, result.stderr
    assert "FL102" in {d["code"] for d in json.loads(result.stdout)}


@pytest.mark.parametrize("args", [("--check", "--fix"), ("check", "--fix"), ("--fix", "check")])
def test_fix_in_every_spelling(args: tuple[str, ...], kafka: Path) -> None:
    result = flare_ls(*args, str(kafka))
    assert "triggerMode: Continuous" in kafka.read_text(encoding="utf-8")
    assert result.returncode == 1 and "FL102" not in result.stdout and "FL105" in result.stdout


def test_check_paths_default_to_the_current_directory(kafka: Path) -> None:
    for args in (("check",), ("--check",)):
        result = flare_ls(*args, cwd=kafka.parent)
        assert f"kafka.yaml:{TYPO}" in result.stdout and result.returncode == 1


def test_dash_is_standard_input() -> None:
    text = KAFKA.read_text(encoding="utf-8")
    named = flare_ls("check", "-", "--stdin-filename", "pipelines/kafka.yaml", stdin=text)
    assert f"pipelines/kafka.yaml:{TYPO}" in named.stdout and named.returncode == 1
    assert f"-:{TYPO}" in flare_ls("check", "-", stdin=text).stdout
    assert f"-:{TYPO}" in flare_ls("--check", "-", stdin=text).stdout
    fixed = flare_ls("check", "--fix", "-", stdin=text)
    # As ruff does: the fixed text on stdout, what is left on stderr.
    assert fixed.stdout == text.replace("triggerMode: Continous", "triggerMode: Continuous")
    assert "FL105" in fixed.stderr and "FL102" not in fixed.stderr


def test_select_extend_select_and_ignore(kafka: Path) -> None:
    def codes(*args: str) -> set[str]:
        return {d["code"] for d in json.loads(flare_ls("check", str(kafka), "--format", "json", *args).stdout)}

    every = codes()
    assert {"FL102", "FL105", "FL306"} <= every
    assert codes("--select", "FL102") == {"FL102"}
    assert codes("--select", "invalid-value", "--extend-select", "FL3") == {"FL102"} | {
        c for c in every if c.startswith("FL3")
    }
    assert codes("--ignore", "FL1,long-job-name") == {c for c in every if not c.startswith("FL1")} - {"FL306"}
    bad = flare_ls("check", str(kafka), "--select", "FL999")
    assert bad.returncode == 2 and "unknown rule 'FL999'" in bad.stderr


def test_select_on_the_command_line_replaces_the_configuration(kafka: Path) -> None:
    (kafka.parent / "flare-ls.toml").write_text('select = ["FL306"]\nignore = ["FL105"]\n', encoding="utf-8")
    out = flare_ls("check", str(kafka), "--select", "FL1", "--format", "json").stdout
    assert {d["code"] for d in json.loads(out)} == {"FL102"}  # the file's ignore still counts


def test_statistics_like_ruff(kafka: Path) -> None:
    result = flare_ls("check", "--statistics", str(kafka))
    lines = result.stdout.splitlines()
    assert "1\tFL102\t[*] invalid-value" in lines and "1\tFL306\t[ ] long-job-name" in lines
    assert lines[-1].startswith("[*] 1 fixable with `--fix`") and result.returncode == 1
    rows = json.loads(flare_ls("check", str(kafka), "--statistics", "--format", "json").stdout)
    assert {"code": "FL102", "name": "invalid-value", "count": 1, "fixable": True} in rows


def test_fixable_hint_quiet_and_silent(kafka: Path) -> None:
    out = flare_ls("check", str(kafka)).stdout.splitlines()
    assert out[-2] == "Found 4 findings (2 errors, 2 warnings) in 1 of 1 file."
    assert out[-1] == "[*] 1 fixable with `--fix` (2 unsafe fixes available with `--fix --unsafe-fixes`)."
    assert flare_ls("check", str(kafka), "--unsafe-fixes").stdout.splitlines()[-1] == "[*] 3 fixable with `--fix`."
    quiet = flare_ls("check", "-q", str(kafka))
    assert quiet.returncode == 1 and len(quiet.stdout.splitlines()) == 4  # the findings, nothing else
    assert all(line.startswith(f"{kafka}:") for line in quiet.stdout.splitlines())
    silent = flare_ls("check", "--silent", str(kafka))
    assert silent.returncode == 1 and silent.stdout == ""


def test_show_fixes_lists_what_was_fixed(kafka: Path) -> None:
    result = flare_ls("check", "--fix", "--show-fixes", str(kafka))
    assert f"Fixed 1 finding:\n- {kafka}:\n    1 × FL102 (invalid-value)\n" in result.stdout


def test_output_format_concise_and_full(kafka: Path) -> None:
    concise = flare_ls("check", str(kafka), "--output-format", "concise").stdout
    typo = f"{kafka}:{TYPO} `triggerMode` does not accept `Continous`; did you mean `Continuous`?"
    assert typo in concise.splitlines()
    assert "Found" not in concise
    assert flare_ls("check", str(kafka), "--output-format", "full").stdout == flare_ls("check", str(kafka)).stdout


def test_force_color_and_no_color(kafka: Path) -> None:
    assert "\x1b[31m" in flare_ls("check", str(kafka), FORCE_COLOR="1").stdout
    assert "\x1b[" not in flare_ls("check", str(kafka), FORCE_COLOR="").stdout
    assert "\x1b[" not in flare_ls("check", str(kafka), "--color", "never", FORCE_COLOR="1").stdout


def test_rules_rule_and_schema_in_any_order() -> None:
    for args in (("rules", "--format", "json"), ("--format", "json", "rules"), ("rules", "--output-format=json")):
        result = flare_ls(*args)
        assert result.returncode == 0 and "FL102" in {r["code"] for r in json.loads(result.stdout)}
    assert flare_ls("rule", "FL202").stdout.startswith("# FL202 missing-checkpoint-location\n")
    schema = flare_ls("schema")
    assert schema.returncode == 0
    assert schema.stdout == (ROOT / "schemas" / "flare-workflow.schema.json").read_text(encoding="utf-8")
    assert flare_ls("version").stdout.startswith("flare-ls ")


def _initialize(*args: str) -> str:
    """Send LSP's initialize to ``flare-ls ARGS`` over a pipe and return the start of its answer."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    message = f"Content-Length: {len(body)}\r\n\r\n{body}"
    proc = subprocess.Popen(
        [str(FLARE_LS), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env()
    )
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(message.encode())
        proc.stdin.flush()
        return proc.stdout.read(40).decode()
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("args", [("server",), (), ("--stdio",)])
def test_server_and_no_arguments_on_a_pipe_serve_lsp(args: tuple[str, ...]) -> None:
    assert _initialize(*args).startswith("Content-Length: ")


def test_bare_command_on_a_terminal_prints_a_hint() -> None:
    import pty

    parent, child = pty.openpty()
    try:
        result = subprocess.run([str(FLARE_LS)], stdin=child, capture_output=True, text=True, timeout=30, env=env())
    finally:
        os.close(parent)
        os.close(child)
    assert result.returncode == 2 and result.stdout == ""
    assert "flare-ls check [PATH...]" in result.stderr and "flare-ls server" in result.stderr


def test_directory_walks_respect_gitignore_and_ignore_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for folder in ("generated", "jobs/drafts", "jobs/kept"):
        (repo / folder).mkdir(parents=True)
    for name in ("generated/a.yaml", "jobs/b.yaml", "jobs/c.tmp.yaml", "jobs/keep.tmp.yaml", "jobs/drafts/d.yaml"):
        (repo / name).write_bytes(KAFKA.read_bytes())
    (repo / "jobs" / "kept" / "e.yaml").write_bytes(KAFKA.read_bytes())
    (repo / ".git").mkdir()
    (repo / ".gitignore").write_text("generated/\n*.tmp.yaml\n", encoding="utf-8")
    (repo / "jobs" / ".gitignore").write_text("!keep.tmp.yaml\n", encoding="utf-8")
    (repo / "jobs" / ".ignore").write_text("drafts/\n", encoding="utf-8")

    def checked(*args: str, cwd: Path = repo) -> set[str]:
        return {d["filename"] for d in json.loads(flare_ls("check", "--format", "json", *args, cwd=cwd).stdout)}

    assert checked() == {"jobs/b.yaml", "jobs/keep.tmp.yaml", "jobs/kept/e.yaml"}
    # From inside the repository, the root's .gitignore still counts.
    assert checked("kept", ".", cwd=repo / "jobs") == {"kept/e.yaml", "b.yaml", "keep.tmp.yaml"}
    # A file named on the command line is checked whatever .gitignore says (as in ruff).
    assert checked("generated/a.yaml") == {"generated/a.yaml"}
    assert len(checked("--no-respect-gitignore")) == 6
    (repo / "flare-ls.toml").write_text("respect-gitignore = false\n", encoding="utf-8")
    assert len(checked()) == 6


def test_force_exclude_applies_exclude_to_named_paths(tmp_path: Path) -> None:
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.yaml").write_bytes(KAFKA.read_bytes())
    (tmp_path / "flare-ls.toml").write_text('exclude = ["legacy"]\n', encoding="utf-8")
    assert "FL102" in flare_ls("check", "legacy/old.yaml", cwd=tmp_path).stdout
    forced = flare_ls("check", "--force-exclude", "legacy/old.yaml", cwd=tmp_path)
    assert forced.returncode == 0 and forced.stdout == "All checked: no findings in 0 files.\n"


def _lines(stream, into: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):
        into.put(line)


def _wait_for(lines: queue.Queue[str], needle: str, seconds: float = 30) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=deadline - time.monotonic())
        except queue.Empty:
            break
        seen.append(line)
        if needle in line:
            return seen
    raise AssertionError(f"no {needle!r} in {seen!r}")


def test_watch_checks_again_when_a_file_changes(kafka: Path) -> None:
    proc = subprocess.Popen(
        [str(FLARE_LS), "check", "--watch", str(kafka.parent)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env(),
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True).start()
    try:
        first = _wait_for(lines, "fixable with")
        assert any(TYPO in line for line in first)
        kafka.write_text(
            kafka.read_text(encoding="utf-8").replace("triggerMode: Continous", "triggerMode: Continuous"),
            encoding="utf-8",
        )
        second = _wait_for(lines, "Found ")
        assert any("File change detected" in line for line in second)
        assert not any("FL102" in line for line in second)
    finally:
        proc.kill()
        proc.wait()


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env(**_GIT_IDENTITY)
    ).stdout


_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize(
    ("args", "fixed", "fails", "expected"),
    [
        ([], False, True, f"kafka.yaml:{TYPO}"),
        (["--fix"], True, True, "FL105"),
        (["--format", "concise"], False, True, f"kafka.yaml:{TYPO}"),
        (["--fail-on", "error", "--select", "FL306"], False, False, ""),
        (["--format", "json", "--exit-zero"], False, False, '"code": "FL102"'),
    ],
)
def test_pre_commit_runs_the_hook_with_args(
    tmp_path: Path, args: list[str], fixed: bool, fails: bool, expected: str
) -> None:
    """pre-commit itself, in a real git repository, with the hook of .pre-commit-hooks.yaml (its entry,
    its file types) declared as a local hook, so that nothing is fetched: pre-commit appends the staged
    file names after ``args``, which ``--check``'s ``nargs="*"`` used to refuse."""
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    repo = tmp_path / "repo"
    (repo / "legacy").mkdir(parents=True)
    _git(repo, "init", "-q")
    (repo / "kafka.yaml").write_bytes(KAFKA.read_bytes())
    (repo / "legacy" / "old.yaml").write_bytes(KAFKA.read_bytes())  # excluded: --force-exclude must skip it
    (repo / "flare-ls.toml").write_text('exclude = ["legacy"]\n', encoding="utf-8")
    local = {**hook, "language": "system", "entry": f"{FLARE_LS.parent}/{hook['entry']}", "args": args}
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    (repo / ".pre-commit-config.yaml").write_text(json.dumps(config), encoding="utf-8")
    _git(repo, "add", ".")
    result = subprocess.run(
        [str(pre_commit), "run", "--all-files", "--verbose"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        env=env(PRE_COMMIT_HOME=str(tmp_path / "cache"), **_GIT_IDENTITY),
    )
    assert (result.returncode != 0) == fails, result.stdout + result.stderr
    assert expected in result.stdout, result.stdout
    assert "legacy/old.yaml" not in result.stdout
    assert ("triggerMode: Continuous" in (repo / "kafka.yaml").read_text(encoding="utf-8")) == fixed
