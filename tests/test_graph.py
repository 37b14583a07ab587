"""``flare-ls graph``: the lineage model (``lineage.graph``), its renderers (``lineage.render``), the command,
and the golden pictures of the seed's examples and a multi-file workflow (``tests/graph_golden.py``
rewrites them). In process, for speed; the one Chromium test loads an HTML page when a browser is there."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from textwrap import dedent, indent

import pytest
from graph_golden import ROOT, draw, pairs

from flare_ls.cli import main
from flare_ls.lineage.flow import flow_of
from flare_ls.lineage.graph import Graph, build_graph, dataset_key, node_at
from flare_ls.lineage.render import dot_string, html_page, mermaid, mermaid_label, render
from flare_ls.workspace import WorkspaceIndex, index_text

GRAPH = ROOT / "tests" / "graph"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

HOSTILE = 'x"y<script>alert(1)</script>&amp;#quot;`z`\\N\nline-two ümlaut_日本_😀'


def _job(name: str, body: str, stack: str = "flare:6.0") -> str:
    """A workflow of one job named ``name`` whose ``stackSpec.job`` is ``body`` (YAML, dedented here)."""
    return (
        "version: v1\nname: wf\ntype: workflow\nworkflow:\n  dag:\n"
        f"    - name: {name}\n      spec:\n        stack: {stack}\n        compute: runnable-default\n"
        "        stackSpec:\n          job:\n" + indent(dedent(body), " " * 12)
    )


@pytest.mark.parametrize(("case", "fmt", "expected"), list(pairs()), ids=lambda v: getattr(v, "name", None))
def test_golden_pictures(case: str, fmt: str, expected: Path) -> None:
    assert draw(case, fmt) == expected.read_text(encoding="utf-8"), "run `python tests/graph_golden.py --update`"


def test_a_dataset_named_by_two_files_is_one_node_whatever_its_query_string() -> None:
    model = json.loads((GRAPH / "expected" / "workflow.json").read_text(encoding="utf-8"))
    datasets = {n["id"]: n for n in model["nodes"] if n["kind"] == "dataset"}
    clean = datasets["dataset:dataos://lakehouse:sales/orders_clean"]
    assert [loc["file"] for loc in clean["locations"]] == [
        "tests/graph/workflow/ingest.yaml",
        "tests/graph/workflow/report.yaml",
    ]
    # Written with ?acl=rw by one job and read with ?acl=r by the next: one node, both edges.
    orders = "dataset:dataos://lakehouse:sales/orders"
    kinds = sorted(e["kind"] for e in model["edges"] if orders in (e["source"], e["target"]))
    assert kinds == ["reads", "writes"]
    assert dataset_key(" dataos://a:b/c?acl=rw ") == "dataos://a:b/c"


def test_steps_read_views_and_jobs_depend_on_jobs() -> None:
    model = json.loads((GRAPH / "expected" / "workflow.json").read_text(encoding="utf-8"))
    labels = {n["id"]: n["label"] for n in model["nodes"]}
    edges = {(labels[e["source"]], labels[e["target"]], e["kind"]) for e in model["edges"]}
    assert ("land-orders", "clean-orders", "depends") in edges
    assert {("orders", "sales", "feeds"), ("parsed", "sales", "feeds")} <= edges  # not the CTE `totals`
    streaming = {n["label"]: n["streaming"] for n in model["nodes"] if n["kind"] == "job"}
    assert streaming == {"land-orders": None, "clean-orders": None, "daily-sales": "AvailableNow"}


def test_a_table_outside_the_job_is_listed_as_read_but_draws_no_edge() -> None:
    body = """\
        inputs:
          - name: a
            dataset: dataos://d:c/a
        steps:
          - sequence:
              - name: b
                sql: SELECT * FROM a JOIN catalog_table USING (id)
        """
    graph = build_graph([("f.yaml", _job("j", body))])
    (step,) = graph.of_kind("step")
    assert step.reads == ["a", "catalog_table"]
    assert [graph.nodes[e.source].label for e in graph.edges if e.target == step.id] == ["a"]


def test_a_view_is_resolved_as_spark_resolves_it_the_last_definition_before_the_step() -> None:
    body = """\
        inputs:
          - name: t
            dataset: dataos://d:c/t
        steps:
          - sequence:
              - name: T
                sql: SELECT 1 FROM t
              - name: u
                sql: SELECT 1 FROM t
        """
    graph = build_graph([("f.yaml", _job("j", body))])
    first, second = graph.of_kind("step")
    sources = {e.target: e.source for e in graph.edges if e.kind == "feeds"}
    assert graph.nodes[sources[first.id]].kind == "input"
    assert sources[second.id] == first.id


def test_legacy_sinks_write_into_the_depot_of_their_output() -> None:
    body = """\
        inputs:
          - name: raw
            dataset: dataos://d:c/raw?acl=r
        outputs:
          - name: out01
            depot: dataos://icebase:retail?acl=rw
        steps:
          - sequence:
              - name: clean
                sql: SELECT * FROM raw
            sink:
              - sequenceName: clean
                datasetName: city
                outputName: out01
        """
    graph = build_graph([("f.yaml", _job("j", body, stack="flare:3.0"))])
    written = [graph.nodes[e.target].label for e in graph.edges if e.kind == "writes"]
    assert written == ["dataos://icebase:retail/city"]
    assert [(graph.nodes[e.source].label, graph.nodes[e.target].label) for e in graph.edges if e.kind == "feeds"] == [
        ("raw", "clean"),
        ("clean", "out01"),
    ]


def test_a_stream_without_a_trigger_mode_is_marked_streaming() -> None:
    body = "inputs:\n  - name: k\n    dataset: dataos://k:none/t\n    isStream: true\n"
    (job,) = build_graph([("f.yaml", _job("j", body))]).of_kind("job")
    assert job.streaming == "streaming"


@pytest.mark.parametrize("text", ["a: [", "apiVersion: v1\nkind: Pod\n", "", "- 1\n- 2\n", "workflow: {dag: 3}\n"])
def test_text_that_is_no_flare_workflow_draws_nothing(text: str) -> None:
    graph = build_graph([("f.yaml", text)])
    assert not graph.nodes and not graph.edges
    assert "no Flare job" in html_page(graph)


def test_mermaid_labels_keep_user_text_inside_the_quotes() -> None:
    label = mermaid_label(HOSTILE)
    inner = label[1:-1]
    assert label[0] == label[-1] == '"'
    assert not set(inner) & set('"<>`\n&')
    # `#` is escaped itself, so `#quot;` written by the user stays text instead of becoming a quote.
    assert "#35;quot;" in inner and "#quot;" in inner and "ümlaut_日本_😀" in inner


def test_dot_strings_unescape_to_the_user_text() -> None:
    quoted = dot_string(HOSTILE)
    assert quoted.startswith('"') and quoted.endswith('"') and "\n" not in quoted
    body = quoted[1:-1]
    assert re.search(r'(?<!\\)(?:\\\\)*"', body) is None  # every quote inside is escaped
    unescaped = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), body)
    assert unescaped == HOSTILE


def _hostile_graph() -> Graph:
    # YAML double-quoted scalars with every character kept (JSON's escapes are YAML's, but for the
    # surrogate pairs JSON writes for an emoji, hence no ASCII-only output).
    name = json.dumps(HOSTILE, ensure_ascii=False)
    address = json.dumps("dataos://d:c/" + HOSTILE, ensure_ascii=False)
    body = (
        f"inputs:\n  - name: {name}\n    dataset: {address}\n"
        f"outputs:\n  - name: {name}\n    dataset: dataos://d:c/out\n"
    )
    return build_graph([("</title><script>x.yaml", _job(name, body))])


def test_html_carries_no_script_and_forbids_any() -> None:
    page = html_page(_hostile_graph(), title="<script>alert(1)</script>")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "default-src 'none'" in page
    assert "ümlaut_日本_😀" in page


def test_every_format_draws_hostile_names() -> None:
    graph = _hostile_graph()
    model = json.loads(render(graph, "json"))
    assert any(node["label"] == HOSTILE for node in model["nodes"])
    assert "\nline-two" not in mermaid(graph) and "line-two" in mermaid(graph)
    assert "ümlaut_日本_😀" in render(graph, "dot")


def test_unreadable_files_are_said_and_the_rest_is_still_drawn(tmp_path: Path, capsys) -> None:
    (tmp_path / ".git").mkdir()
    shutil.copy(GRAPH / "workflow" / "report.yaml", tmp_path / "report.yaml")
    (tmp_path / "latin1.yaml").write_bytes(
        "workflow:\n  dag:\n    - name: caf\xe9\n      spec:\n        stack: flare:6.0\n".encode("latin-1")
    )
    (tmp_path / "other.yaml").write_bytes(b"kind: Pod\nname: caf\xe9\n")  # not Flare's: silent
    code = main(["graph", str(tmp_path), str(tmp_path / "missing.yaml")])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out.startswith("flowchart LR\n") and "daily-sales" in captured.out
    assert f"{tmp_path / 'missing.yaml'}: cannot read the file" in captured.err
    assert f"{tmp_path / 'latin1.yaml'}: the file is not valid UTF-8: byte 0xe9" in captured.err
    assert "other.yaml" not in captured.err and "Traceback" not in captured.err


def test_options_go_anywhere_and_a_bad_format_is_a_usage_error(capsys) -> None:
    path = str(GRAPH / "workflow" / "ingest.yaml")
    assert main(["--format", "dot", "graph", path]) == 0
    assert capsys.readouterr().out.startswith("digraph lineage {\n")
    assert main(["graph", path, "--format=json"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == 1
    with pytest.raises(SystemExit) as exited:
        main(["graph", path, "--format", "png"])
    assert exited.value.code == 2
    assert "--format must be one of mermaid, dot, json, html, not 'png'" in capsys.readouterr().err


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium to load the page")
def test_the_html_page_loads_in_headless_chromium(tmp_path: Path) -> None:
    page = tmp_path / "lineage.html"
    page.write_text(html_page(_hostile_graph(), title="<script>alert(1)</script>"), encoding="utf-8")
    assert CHROMIUM is not None
    done = subprocess.run(
        # Console messages (a script error, a CSP violation) reach stderr as `INFO:CONSOLE` lines.
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    # The parsed DOM holds the drawing, with the hostile names as text and no element made from them.
    assert done.stdout.count('<g class="node') == 4
    assert "<script" not in done.stdout.lower()
    assert ":CONSOLE" not in done.stderr, done.stderr


def test_the_node_at_a_position_is_the_innermost_job_input_step_or_output() -> None:
    text = (GRAPH / "workflow" / "ingest.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    graph = build_graph([("ingest.yaml", text)])

    def at(needle: str, column: int) -> str | None:
        node = node_at(graph, "ingest.yaml", (next(i for i, line in enumerate(lines) if needle in line), column))
        return node.id if node is not None else None

    job = "job:ingest.yaml/land-orders"
    assert at("- name: crm_orders", 0) == at("- name: crm_orders", 14) == f"{job}/input/0"  # the `- ` is the item's
    assert at("dataset: dataos://crm:public/orders", 30) == f"{job}/input/0"
    assert at("sql: SELECT *, current_date()", 25) == f"{job}/step/0"
    assert at("compute: runnable-default", 0) == job  # in the job, in none of its parts
    assert at("steps:", 13) == job
    assert at("FROM valid GROUP BY", 40) == "job:ingest.yaml/clean-orders/step/1"  # a block scalar's last line
    assert at("name: orders-ingest", 3) is None  # the workflow's header
    assert at("saveMode: overwrite", 40) is None  # past the end of the last job
    assert node_at(graph, "other.yaml", (14, 20)) is None  # positions are per file
    # Not in the JSON model: the golden pictures hold it as it was.
    assert "span" not in json.dumps(graph.to_json())


def test_a_selected_node_is_marked_and_only_then_styled() -> None:
    graph = build_graph([("f.yaml", (GRAPH / "workflow" / "ingest.yaml").read_text(encoding="utf-8"))])
    plain = html_page(graph)
    assert " selected" not in plain and "data-node" not in plain and 'class="note"' not in plain
    step = "job:f.yaml/clean-orders/step/1"
    page = html_page(graph, selected=step, ids=True, note="<b>half</b> drawn")
    assert page.count(" selected") == 1 and f'class="node step selected" data-node="{step}"' in page
    assert ".node.selected rect" in page
    assert '<p class="note">&lt;b&gt;half&lt;/b&gt; drawn</p>' in page
    # Every box and band: the orders one job writes and the next reads are drawn in both bands.
    assert page.count("data-node=") == len(graph.nodes) + 1
    job = html_page(graph, selected="job:f.yaml/land-orders")
    assert '<g class="job selected">' in job and job.count(" selected") == 1


def test_node_ids_in_the_page_are_escaped() -> None:
    page = html_page(_hostile_graph(), ids=True)
    assert 'data-node="job:&lt;/title&gt;&lt;script&gt;x.yaml/x&quot;y' in page
    assert "<script" not in page.lower()


def _index(**texts: str) -> WorkspaceIndex:
    return WorkspaceIndex.from_texts({f"{name}.yaml": text for name, text in texts.items()})


def _writer(name: str, reads: str, writes: str, file: str = "") -> str:
    body = f"inputs:\n  - name: i\n    dataset: {reads}\noutputs:\n  - name: i\n    dataset: {writes}\n"
    text = _job(name, body)
    return text + f"    - name: run\n      file: {file}\n" if file else text


def test_a_flow_joins_writers_to_readers_and_dags_to_the_files_they_run() -> None:
    index = _index(
        land=_writer("land", "dataos://crm:p/orders", "dataos://lh:s/orders?acl=rw"),
        clean=_writer("clean", "dataos://lh:s/orders", "dataos://lh:s/clean", file="jobs/x.yaml"),
        audit=_writer("audit", "dataos://crm:p/orders", "dataos://lh:a/orders"),  # reads what land reads
        later=_writer("later", "${DEPOT}/clean", "dataos://lh:s/later"),  # a placeholder: unknown
        run=_writer("run", "dataos://x:y/z", "dataos://x:y/w"),
    )
    runs = {("clean.yaml", "jobs/x.yaml"): "run.yaml"}
    flow = flow_of(index, index.manifests["land.yaml"], lambda file, path: runs.get((file, path)), 10)
    assert flow.files == ["land.yaml", "clean.yaml", "run.yaml"] and flow.left_out == 0
    # From the far end, through the `file:` back and the datasets upstream; the limit keeps the nearest.
    flow = flow_of(index, index.manifests["run.yaml"], lambda file, path: runs.get((file, path)), 2)
    assert flow.files == ["run.yaml", "clean.yaml"] and flow.left_out == 1
    # The entry given (the editor's text) replaces the index's: an edit that stops writing leaves the flow.
    edited = index_text("land.yaml", _writer("land", "dataos://crm:p/orders", "dataos://lh:s/elsewhere"))
    assert flow_of(index, edited, lambda file, path: None, 10).files == ["land.yaml"]


def test_the_docs_show_the_mermaid_flare_ls_draws() -> None:
    page = (ROOT / "docs" / "lineage.md").read_text(encoding="utf-8")
    block = re.search(r"^```mermaid\n(.*?)^```", page, re.M | re.S)
    assert block is not None
    assert block.group(1) == (GRAPH / "expected" / "workflow.mmd").read_text(encoding="utf-8")
