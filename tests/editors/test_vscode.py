"""The VS Code extension in a real VS Code: code-server in headless Chromium, driven by playwright-core.

A fresh profile installs the packaged extension (vscode-client/flare-ls-<version>.vsix), runs the flare-ls
of this Python, opens a workspace of three manifests, and ``vscode_drive.js`` checks, as a person would see
them: the `Continous` diagnostic in the Problems panel (and not the rule the settings ignore), the hover on
`checkpointLocation`, completion of `triggerMode`, the FL202 quick fix written to disk, a misspelt view in
step SQL (its diagnostic, the SQL highlighted as SQL, hover on a view in SQL, its quick fix, F2 rename across
YAML and SQL, saved), *Flare: Show lineage* (a workflow across two files drawn in a webview beside the
editor, following the cursor, a click on a box opening its file), and,
once the server command is pointed at nothing, the error that says how to install flare-ls.

Needs what ``bash scripts/setup-editor-tests.sh`` installs (Debian's chromium; code-server and
playwright-core in ``$FLARE_LS_EDITOR_CACHE``, default ``~/.cache/flare-ls-editors``; the .vsix). Without
them the test is skipped, unless ``CI`` is set: then it fails. ``FLARE_LS_UPDATE_SCREENSHOTS=1`` copies
the screenshots to vscode-client/images/ (the pictures of its README and of docs/lineage.md).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from flare_ls.analyze import analyze

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "vscode-client"
DRIVER = Path(__file__).resolve().parent / "vscode_drive.js"
SEED = ROOT / "examples" / "seed"
#: A workflow across two files (one writes the orders the other reads): the lineage view draws both.
WORKFLOW = ROOT / "tests" / "graph" / "workflow"
CACHE = Path(os.environ.get("FLARE_LS_EDITOR_CACHE") or Path.home() / ".cache" / "flare-ls-editors")
CODE_SERVER = CACHE / "code-server" / "node_modules" / ".bin" / "code-server"
PLAYWRIGHT = CACHE / "playwright" / "node_modules"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SETUP = "bash scripts/setup-editor-tests.sh"
#: The screenshots the README shows (vscode-client/images/); docs/lineage.md shows lineage.png too.
README_SHOTS = [
    "diagnostics.png",
    "hover.png",
    "completion.png",
    "quick-fix.png",
    "sql.png",
    "rename.png",
    "lineage.png",
]
CHECKS = ["diagnostic", "hover", "completion", "quick-fix", "sql", "format", "lineage", "server-not-found"]
#: A job whose step SQL reads `custmers`, a misspelt input (FL402), and whose outputs are an unindented
#: sequence (Format Document indents it).
SQL_VIEWS = """\
version: v1
name: daily-orders
type: workflow
workflow:
  dag:
    - name: daily-orders-job
      spec:
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          job:
            inputs:
              - name: orders
                dataset: dataos://lakehouse:retail/orders
                format: iceberg
              - name: customers
                dataset: dataos://lakehouse:retail/customers
                format: iceberg
            steps:
              - sequence:
                  - name: daily_orders
                    sql: |
                      SELECT c.name, count(*) AS orders_today
                      FROM orders o
                      JOIN custmers c ON c.id = o.customer_id
                      WHERE o.order_date = current_date()
                      GROUP BY c.name
            outputs:
            - name: daily_orders
              dataset: dataos://lakehouse:retail/daily_orders?acl=rw
              format: iceberg
              options:
                saveMode: overwrite
"""


@dataclass
class Tools:
    code_server: Path
    node: str
    vsix: Path


def _vsix() -> Path:
    version = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))["version"]
    return EXTENSION / f"flare-ls-{version}.vsix"


def _missing() -> list[str]:
    missing = []
    if not os.access(CODE_SERVER, os.X_OK):
        missing.append(f"code-server ({CODE_SERVER})")
    if not (PLAYWRIGHT / "playwright-core").is_dir():
        missing.append(f"playwright-core ({PLAYWRIGHT})")
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"chromium ({CHROMIUM})")
    if shutil.which("node") is None:
        missing.append("node")
    vsix = _vsix()
    if not vsix.is_file():
        missing.append(f"the extension ({vsix.relative_to(ROOT)})")
    else:
        sources = [EXTENSION / "package.json", *(EXTENSION / "src").rglob("*.ts"), *(EXTENSION / "syntaxes").glob("*")]
        # The .vsix carries the language server (bundled/): a change to the server makes it stale too.
        sources += [*(ROOT / "server").rglob("*.py"), *(ROOT / "docs" / "rules").glob("*.md")]
        stale = [s for s in sources if s.stat().st_mtime > vsix.stat().st_mtime]
        if stale:
            missing.append(f"an up-to-date {vsix.name} (older than {stale[0].relative_to(ROOT)})")
    return missing


@pytest.fixture(scope="module")
def tools() -> Tools:
    missing = _missing()
    if missing:
        reason = f"real-VS-Code test needs {', '.join(missing)}: run `{SETUP}`"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and the {reason}", pytrace=False)
        pytest.skip(reason)
    node = shutil.which("node")
    assert node is not None
    return Tools(CODE_SERVER, node, _vsix())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return f"({path} unreadable)"


@dataclass
class Session:
    url: str
    workspace: Path
    kafka: Path
    no_checkpoint: Path
    sql_views: Path
    lineage: Path
    profile: Path
    settings: Path
    log: Path

    def diagnostics(self) -> str:
        """code-server's log and the extension's output channel, for a failure message."""
        parts = [f"--- code-server log (tail) ---\n{_tail(self.log)}"]
        for channel in sorted(self.profile.glob("user/logs/**/*flare-ls*.log")):
            parts.append(f"--- {channel.name} (tail) ---\n{_tail(channel)}")
        return "\n".join(parts)


def _clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VSCODE_") and k != "ELECTRON_RUN_AS_NODE"}
    # Whatever code-server writes beside its profile stays in the test's directory.
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp / name.lower())
    return env


@pytest.fixture
def session(tools: Tools, tmp_path: Path) -> Iterator[Session]:
    """code-server with the extension, running the flare-ls of this Python (the server command setting)."""
    with _code_server(tools, tmp_path, {"flare-ls.server.command": [sys.executable, "-m", "flare_ls"]}) as started:
        yield started


@contextmanager
def _code_server(
    tools: Tools, tmp_path: Path, machine: dict[str, object], path: str | None = None
) -> Iterator[Session]:
    """code-server on a workspace of five manifests, the extension installed into a fresh profile whose
    Remote (machine) settings are ``machine``; ``path``: the PATH that code-server, the extension and the
    language server see (default: this process's)."""
    # The workspace: the seed's Kafka manifest, and a streaming job without checkpointLocation.
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    kafka = workspace / "kafka-lakehouse-insights.yaml"
    shutil.copyfile(SEED / "06-kafka-lakehouse-insights.yaml", kafka)
    source = (SEED / "03-processing-time.yaml").read_text(encoding="utf-8")
    stripped = "".join(line for line in source.splitlines(keepends=True) if "checkpointLocation" not in line)
    assert stripped != source and "streaming:" in stripped
    no_checkpoint = workspace / "streaming-no-checkpoint.yaml"
    no_checkpoint.write_text(stripped, encoding="utf-8")
    assert "FL202" in {f.code for f in analyze(stripped)}
    sql_views = workspace / "daily-orders.yaml"
    sql_views.write_text(SQL_VIEWS, encoding="utf-8")
    assert [f.code for f in analyze(SQL_VIEWS)] == ["FL402"]
    for name in ("ingest.yaml", "report.yaml"):
        shutil.copyfile(WORKFLOW / name, workspace / name)

    # A fresh profile: user data, extensions, code-server's config file.
    profile = tmp_path / "profile"
    user, extensions, config = profile / "user", profile / "extensions", profile / "config.yaml"
    (user / "User").mkdir(parents=True)
    extensions.mkdir()
    config.write_text("auth: none\ncert: false\n", encoding="utf-8")
    # flare-ls.server.command is machine-overridable: in a remote window (code-server's is one) VS Code reads
    # it from the Remote settings (<user-data-dir>/Machine/settings.json), not from the User settings.
    (user / "Machine").mkdir()
    machine_settings = user / "Machine" / "settings.json"
    machine_settings.write_text(json.dumps(machine, indent=2), encoding="utf-8")
    settings = {
        # Reaches the server through initializationOptions and workspace/configuration: the job-name
        # warning (FL306) must be absent from the Problems panel.
        "flare-ls.rules.ignore": ["FL306"],
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "workbench.enableExperiments": False,
        "security.workspace.trust.enabled": False,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoUpdate": False,
        "extensions.autoCheckUpdates": False,
        "extensions.ignoreRecommendations": True,
        "git.enabled": False,
        "chat.commandCenter.enabled": False,
        "editor.wordBasedSuggestions": "off",
        "editor.minimap.enabled": False,
        "editor.stickyScroll.enabled": False,
        "files.autoSave": "off",
    }
    (user / "User" / "settings.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")
    env = _clean_env(tmp_path)
    if path is not None:
        env["PATH"] = path
    common = [str(tools.code_server), "--config", str(config), "--extensions-dir", str(extensions)]
    common += ["--user-data-dir", str(user)]

    installed = subprocess.run(
        [*common, "--install-extension", str(tools.vsix)], capture_output=True, text=True, env=env, timeout=120
    )
    assert installed.returncode == 0 and "successfully installed" in installed.stdout, (
        installed.stdout + installed.stderr
    )

    port = _free_port()
    log = tmp_path / "code-server.log"
    with log.open("wb") as out:
        # Its own session (process group): the extension host and the language server stop with it.
        server = subprocess.Popen(
            [*common, "--bind-addr", f"127.0.0.1:{port}", "--auth", "none", "--disable-telemetry",
             "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override",
             str(workspace)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            assert server.poll() is None, f"code-server exited ({server.returncode}):\n{_tail(log)}"
            assert time.monotonic() < deadline, f"code-server not healthy in 60 s:\n{_tail(log)}"
            time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/?folder={workspace}"
        yield Session(
            url, workspace, kafka, no_checkpoint, sql_views, workspace / "ingest.yaml", profile, machine_settings, log
        )
    finally:
        for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(server.pid, sig)
            except ProcessLookupError:
                break
            try:
                server.wait(timeout=wait)
                # The group may outlive its leader: make sure nothing of it is left.
                os.killpg(server.pid, signal.SIGKILL)
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
            break


@pytest.mark.timeout(300)
def test_vscode_extension_in_code_server(session: Session, tmp_path: Path) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    env = _clean_env(tmp_path) | {"NODE_PATH": str(PLAYWRIGHT), "CHROMIUM": CHROMIUM}
    started = time.monotonic()
    try:
        drive = subprocess.run(
            ["node", str(DRIVER), session.url, str(shots), str(session.kafka), str(session.no_checkpoint),
             str(session.settings), str(session.sql_views), str(session.lineage)],
            capture_output=True, text=True, env=env, timeout=200,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the driver did not finish in 200 s:\n{exc.stderr}\n{session.diagnostics()}")
    elapsed = time.monotonic() - started
    results = {}
    for line in drive.stdout.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
            results[result["check"]] = result
    context = f"driver exit {drive.returncode} after {elapsed:.1f} s; stderr:\n{drive.stderr}\n{session.diagnostics()}"
    print(f"screenshots: {shots}")
    for result in results.values():
        print(json.dumps(result)[:400])

    # Each check, in the order the driver ran them.
    for name in CHECKS:
        assert name in results, f"check {name!r} did not run\n{context}"
        assert results[name]["ok"], f"check {name!r} failed: {results[name].get('error')}\n{context}"

    diagnostic = results["diagnostic"]["row"]
    assert "Continous" in diagnostic and "Continuous" in diagnostic and "FL102" in diagnostic, diagnostic
    rows = results["diagnostic"]["rows"]
    assert any("FL308" in r for r in rows), rows  # the manifest's other findings are there...
    assert not any("FL306" in r for r in rows), rows  # ...but not the one the settings ignore

    assert "Directory where the query keeps offsets" in results["hover"]["text"]

    completion = results["completion"]
    assert {"ProcessingTime", "Once", "AvailableNow", "Continuous"} <= set(completion["labels"])
    assert completion["accepted"], "accepting `Continuous` did not change the line"
    assert completion["reanalysed"], "the Problems panel did not change after accepting `Continuous`"
    assert not [r for r in completion["problemsAfter"] if "Continous" in r or "FL102" in r], completion

    fix = results["quick-fix"]
    assert any("Add a `checkpointLocation` to `streaming`" in a for a in fix["actions"]), fix["actions"]
    assert fix["inserted"].startswith("checkpointLocation: dataos://"), fix["inserted"]
    assert fix["diagnosticCleared"], "FL202 stayed in the Problems panel after the fix"
    saved = session.no_checkpoint.read_text(encoding="utf-8")
    assert fix["inserted"] in saved
    assert "FL202" not in {f.code for f in analyze(saved)}, saved

    sql = results["sql"]
    assert "FL402" in sql["row"] and "custmers" in sql["row"] and "customers" in sql["row"], sql["row"]
    assert len(sql["colours"]) >= 3, sql["colours"]  # SQL keywords, names, punctuation: not one string colour
    assert "input" in sql["hover"] and "dataos://lakehouse:retail/orders" in sql["hover"], sql["hover"]
    assert sql["fixed"].startswith("JOIN customers c") and sql["diagnosticCleared"], sql
    assert sql["placeholder"] == "orders" and sql["saved"], sql
    renamed = results["format"]["before"]  # the file as the rename saved it, before Format Document
    assert renamed == SQL_VIEWS.replace("custmers", "customers").replace(
        "- name: orders", "- name: sales_orders"
    ).replace("FROM orders o", "FROM sales_orders o"), renamed
    assert not analyze(renamed), renamed

    from flare_ls.formatting import format_text

    formatted = results["format"]
    assert formatted["after"] == format_text(renamed).text != renamed, formatted
    assert session.sql_views.read_text(encoding="utf-8") == formatted["after"]

    lineage = results["lineage"]
    texts = lineage["texts"]
    # Both files' jobs, in one picture: ingest.yaml's two and report.yaml's, with their parts.
    for job in ("job land-orders", "job clean-orders", "job daily-sales (streaming: AvailableNow)"):
        assert any(t.startswith(job) for t in texts), (job, texts)
    assert {"input: crm_orders", "step: deduplicated", "input: customers"} <= set(texts), texts
    assert lineage["selected"] == [
        "job:ingest.yaml/land-orders/input/0",
        "job:ingest.yaml/clean-orders/step/1",
        "job:ingest.yaml/clean-orders",
        "job:ingest.yaml/clean-orders/step/1",
    ], lineage["selected"]
    assert lineage["focusStayed"], "the lineage view took the focus from the editor"
    assert lineage["opened"] and f"Ln {lineage['customersLine']}," in lineage["cursor"], lineage
    assert lineage["closed"], "the lineage view's tab did not close"

    missing = results["server-not-found"]
    assert "Correct the setting" in missing["message"] and missing["missing"] in missing["message"], missing
    assert missing["settingsOpened"], "Open Settings did not show the extension's settings"
    assert drive.returncode == 0, context

    for name in README_SHOTS:
        assert (shots / name).is_file(), name
    if os.environ.get("FLARE_LS_UPDATE_SCREENSHOTS") == "1":
        images = EXTENSION / "images"
        images.mkdir(exist_ok=True)
        for name in README_SHOTS:
            shutil.copyfile(shots / name, images / name)


def _path_without_flare_ls() -> str:
    """PATH with every folder that holds a ``flare-ls`` left out (this virtual environment's ``bin``)."""
    kept = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and not (Path(d) / "flare-ls").exists()]
    return os.pathsep.join(kept)


@pytest.mark.timeout(240)
def test_the_vsix_alone_serves_with_the_server_it_carries(tools: Tools, tmp_path: Path) -> None:
    """No server setting, no flare-ls on PATH, only a Python: the extension runs the server it carries."""
    path = _path_without_flare_ls()
    assert shutil.which("flare-ls", path=path) is None
    assert shutil.which("python3", path=path), f"the test needs a python3 on PATH besides the venv's: {path}"
    with _code_server(tools, tmp_path, {}, path=path) as started:
        env = _clean_env(tmp_path) | {"NODE_PATH": str(PLAYWRIGHT), "CHROMIUM": CHROMIUM, "CHECKS": "diagnostic"}
        shots = tmp_path / "screenshots"
        shots.mkdir()
        drive = subprocess.run(
            ["node", str(DRIVER), started.url, str(shots), str(started.kafka), str(started.no_checkpoint),
             str(started.settings), str(started.sql_views), str(started.lineage)],
            capture_output=True, text=True, env=env, timeout=150,
        )  # fmt: skip
        results = [json.loads(line) for line in drive.stdout.splitlines() if line.startswith("{")]
        context = f"driver exit {drive.returncode}; stderr:\n{drive.stderr}\n{started.diagnostics()}"
        assert [r["check"] for r in results] == ["diagnostic"], context
        assert results[0]["ok"], f"{results[0].get('error')}\n{context}"
        assert "FL102" in results[0]["row"] and "Continous" in results[0]["row"], results[0]
        logs = "".join(
            p.read_text(encoding="utf-8", errors="replace") for p in started.profile.glob("user/logs/**/*flare-ls*.log")
        )
        assert "bundled/tool/flare_ls_server.py" in logs, context


def _pythons() -> list[str]:
    """Every CPython 3.10+ on this machine that runs: on PATH, and those pyenv keeps (its shims answer
    only for the version selected)."""
    import glob

    found = {shutil.which(f"python3.{minor}") for minor in range(10, 14)}
    found |= set(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[0-3].*/bin/python3.1[0-3]")))
    found |= {"/usr/bin/python3"}
    runs = [p for p in found if p and subprocess.run([p, "-c", ""], capture_output=True).returncode == 0]
    return sorted(runs)


def test_the_bundled_server_runs_on_every_python_it_carries_packages_for(tools: Tools, tmp_path: Path) -> None:
    """The launcher the extension runs, with each Python here, isolated (``-I``) from any installed flare-ls."""
    launcher = EXTENSION / "bundled" / "tool" / "flare_ls_server.py"
    carried = {p.name for p in (EXTENSION / "bundled" / "libs").glob("cp3*")}
    assert carried >= {"cp310", "cp311", "cp312", "cp313"}, carried
    ran = []
    for python in _pythons():
        result = subprocess.run(
            [python, "-I", str(launcher), "--check", str(SEED / "06-kafka-lakehouse-insights.yaml")],
            capture_output=True, text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}, timeout=120,
        )  # fmt: skip
        tag = subprocess.run(
            [python, "-c", "import sys; print('cp%d%d' % sys.version_info[:2])"], capture_output=True, text=True
        ).stdout.strip()
        if tag in carried:
            assert result.returncode == 1 and "FL102" in result.stdout, (python, result.stdout, result.stderr)
            ran.append(tag)
        else:
            assert result.returncode == 4 and "no packages for Python" in result.stderr, (python, result.stderr)
    assert ran, f"no Python here that the bundle carries packages for: {_pythons()}"
    print("bundled server ran on", sorted(set(ran)))
