"""The lineage graph (``lineage.Graph``) as text: ``render(graph, fmt)`` for each of :data:`FORMATS`.

Pure: a graph in, one string out. Every label is user text from a manifest, escaped for its format:
Mermaid's entity codes inside quoted labels, DOT's backslash escapes inside quoted strings, HTML/SVG
character references (the page carries no script at all and forbids any by its Content-Security-Policy,
so a manifest cannot run code in the viewer's browser). Mermaid and DOT get their own short ids
(``n0``, ``n1``, ...) so that no user text is ever an identifier.

The editor's view (``lsp/lineage.py``) asks ``html_page`` for more than ``flare-ls graph`` does: the
node under the cursor marked ``selected``, a note above the picture, and each box's node id in a
``data-node`` attribute (what a click on it opens). Without them the page is exactly the command's.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass

from .graph import Graph, Node

FORMATS = ("mermaid", "dot", "json", "html")

_KIND_LABEL = {"input": "input", "step": "step", "output": "output"}


def render(graph: Graph, fmt: str, title: str = "Flare lineage") -> str:
    if fmt == "json":
        return json.dumps(graph.to_json(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "mermaid":
        return mermaid(graph)
    if fmt == "dot":
        return dot(graph)
    if fmt == "html":
        return html_page(graph, title)
    raise ValueError(f"unknown lineage format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _short_ids(graph: Graph) -> dict[str, str]:
    return {node_id: f"n{index}" for index, node_id in enumerate(graph.nodes)}


def _job_title(node: Node) -> str:
    return f"job {node.label}" + (f" (streaming: {node.streaming})" if node.streaming else "")


def _node_text(node: Node) -> str:
    return f"{_KIND_LABEL[node.kind]}: {node.label}" if node.kind in _KIND_LABEL else node.label


#: Characters that end or change a quoted Mermaid label (``"``), start an entity code (``#``), start
#: a Markdown string (a backtick) or are HTML once Mermaid draws the label (``<``, ``>``, ``&``).
_MERMAID_ESCAPES = {'"': "#quot;", "#": "#35;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}
_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029]+")


def mermaid_label(text: str) -> str:
    """``text`` as a quoted Mermaid label, quotes included."""
    text = _LINE_BREAKS.sub(" ", text)
    return '"' + "".join(_MERMAID_ESCAPES.get(c, c) for c in text) + '"'


def mermaid(graph: Graph) -> str:
    ids = _short_ids(graph)
    lines = ["flowchart LR"]
    for node in graph.of_kind("dataset"):
        lines.append(f"  {ids[node.id]}[({mermaid_label(node.label)})]")
    for job in graph.of_kind("job"):
        lines.append(f"  subgraph {ids[job.id]} [{mermaid_label(_job_title(job))}]")
        lines.append("    direction LR")
        for child in graph.children(job.id):
            shape = ("[", "]") if child.kind != "step" else ("[[", "]]")
            lines.append(f"    {ids[child.id]}{shape[0]}{mermaid_label(_node_text(child))}{shape[1]}")
        lines.append("  end")
    for edge in graph.edges:
        arrow = " -. runs before .-> " if edge.kind == "depends" else " --> "
        lines.append(f"  {ids[edge.source]}{arrow}{ids[edge.target]}")
    for job in graph.of_kind("job"):
        if job.streaming:
            lines.append(f"  style {ids[job.id]} stroke-dasharray: 5 5")
    return "\n".join(lines) + "\n"


def dot_string(text: str) -> str:
    """``text`` as a quoted DOT string, quotes included (a backslash would start an escape such as
    ``\\N``, the node's name)."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _LINE_BREAKS.sub("\\\\n", text) + '"'


def dot(graph: Graph) -> str:
    ids = _short_ids(graph)
    lines = ["digraph lineage {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=11];']
    for node in graph.of_kind("dataset"):
        lines.append(f"  {ids[node.id]} [label={dot_string(node.label)}, shape=cylinder];")
    for index, job in enumerate(graph.of_kind("job")):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={dot_string(_job_title(job))};")
        lines.append("    style=dashed;" if job.streaming else "    style=rounded;")
        # The job's own node, inside its cluster: what `depends` edges join.
        lines.append(f"    {ids[job.id]} [label={dot_string(job.label)}, shape=plaintext];")
        for child in graph.children(job.id):
            shape = "box" if child.kind == "step" else "box, style=rounded"
            lines.append(f"    {ids[child.id]} [label={dot_string(_node_text(child))}, shape={shape}];")
        lines.append("  }")
    for edge in graph.edges:
        attrs = ' [style=dashed, label="runs before"]' if edge.kind == "depends" else ""
        lines.append(f"  {ids[edge.source]} -> {ids[edge.target]}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------
# HTML: a self-contained page with an SVG drawn here (no script, no network). Each job is a band of
# columns: datasets read -> inputs -> steps (one column per depth of step reading step) -> outputs ->
# datasets written. A dataset in several bands is drawn in each, marked as shared and listing where.

_CHAR_WIDTH = 7.0  # px per character of the 12px monospace font, to size boxes without a browser
_MAX_CHARS = 48
_BOX_HEIGHT = 28
_ROW_GAP = 12
_COLUMN_GAP = 48
_BAND_HEADER = 30
_BAND_GAP = 24
_MARGIN = 16
#: Characters XML cannot carry even escaped; they become U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FILL = {"dataset": "#e8f0fe", "input": "#e6f4ea", "step": "#fef7e0", "output": "#fce8e6"}


def _esc(text: str) -> str:
    return html.escape(_NOT_XML.sub("\ufffd", text), quote=True)


def _short(text: str) -> str:
    """``text`` cut to fit a box, in its middle: a dataset address differs most at its end."""
    if len(text) <= _MAX_CHARS:
        return text
    head = (_MAX_CHARS - 1) // 2
    return text[:head] + "…" + text[len(text) - (_MAX_CHARS - 1 - head) :]


def _cells(text: str) -> int:
    """How many monospace cells ``text`` takes: East Asian wide characters and most emoji take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@dataclass
class _Box:
    node: Node
    x: float
    y: float
    width: float

    @property
    def right(self) -> tuple[float, float]:
        return self.x + self.width, self.y + _BOX_HEIGHT / 2

    @property
    def left(self) -> tuple[float, float]:
        return self.x, self.y + _BOX_HEIGHT / 2


def _columns(graph: Graph, job: Node) -> list[list[Node]]:
    """The job's band, column by column."""
    children = graph.children(job.id)
    ids = {child.id for child in children}
    into = [e for e in graph.edges if e.target in ids]
    read = [graph.nodes[e.source] for e in into if e.kind == "reads"]
    written = [graph.nodes[e.target] for e in graph.edges if e.kind == "writes" and e.source in ids]
    steps = [c for c in children if c.kind == "step"]
    depth: dict[str, int] = {}
    for step in steps:  # steps read only steps before them, so one pass in order is enough
        feeding = [depth[e.source] + 1 for e in into if e.target == step.id and e.source in depth]
        depth[step.id] = max(feeding, default=0)
    step_columns: list[list[Node]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for step in steps:
        step_columns[depth[step.id]].append(step)
    columns = [_unique(read), [c for c in children if c.kind == "input"], *step_columns]
    columns += [[c for c in children if c.kind == "output"], _unique(written)]
    return [column for column in columns if column]


def _unique(nodes: list[Node]) -> list[Node]:
    return list({node.id: node for node in nodes}.values())


def html_page(
    graph: Graph,
    title: str = "Flare lineage",
    *,
    selected: str | None = None,
    note: str | None = None,
    ids: bool = False,
) -> str:
    """The self-contained page. ``selected``: the id of the node to mark (its box, or its job's band,
    gets the class ``selected``, drawn in red); ``note``: a line of text above the picture; ``ids``:
    each box and band carries its node's id as ``data-node``."""
    mark = _Marks(selected, ids)
    jobs = graph.of_kind("job")
    bands = [(job, _columns(graph, job)) for job in jobs]
    appearances: dict[str, list[str]] = {}
    for job, columns in bands:
        for column in columns:
            for node in column:
                if node.kind == "dataset":
                    appearances.setdefault(node.id, []).append(job.label)
    depends = {
        job.id: [graph.nodes[e.source].label for e in graph.edges if e.kind == "depends" and e.target == job.id]
        for job in jobs
    }
    parts: list[str] = []
    y = float(_MARGIN)
    width = 0.0
    # Where each dataset is drawn as written (a band's right column) and as read (its left column),
    # to join the copies of a dataset one job writes and another reads.
    written_at: dict[str, list[tuple[int, _Box]]] = {}
    read_at: dict[str, list[tuple[int, _Box]]] = {}
    backgrounds: list[str] = []
    for band, (job, columns) in enumerate(bands):
        boxes: dict[str, _Box] = {}
        rows = max((len(column) for column in columns), default=0)
        header = _job_title(job)
        if depends[job.id]:
            header += " · runs after " + ", ".join(depends[job.id])
        header += f" · {job.locations[0].file}:{job.locations[0].line}"
        band_height = _BAND_HEADER + max(rows, 1) * (_BOX_HEIGHT + _ROW_GAP)
        x = float(_MARGIN) + 12
        inner: list[str] = []
        for column in columns:
            column_width = max(_cells(_short(_node_text(n))) for n in column) * _CHAR_WIDTH + 20
            for row, node in enumerate(column):
                box = _Box(node, x, y + _BAND_HEADER + row * (_BOX_HEIGHT + _ROW_GAP), column_width)
                # A dataset both read and written by one job is drawn twice: key the copy by side.
                boxes[node.id if node.id not in boxes else node.id + "#out"] = box
                inner.append(_box_svg(box, appearances.get(node.id, []), mark))
            x += column_width + _COLUMN_GAP
        band_width = max(x - _COLUMN_GAP + 12, _MARGIN + 24 + _cells(header) * _CHAR_WIDTH)
        width = max(width, band_width + _MARGIN)
        edges = []
        for edge in graph.edges:
            if edge.kind == "depends":
                continue
            source = boxes.get(edge.source)
            target = (
                boxes.get(edge.target + "#out", boxes.get(edge.target))
                if edge.kind == "writes"
                else boxes.get(edge.target)
            )
            if source is None or target is None or (edge.kind == "reads" and source.x > target.x):
                continue
            (x1, y1), (x2, y2) = source.right, target.left
            mid = (x1 + x2) / 2
            edges.append(
                f'<path class="edge" d="M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"/>'
            )
        dash = ' stroke-dasharray="6 4"' if job.streaming else ""
        location = job.locations[0]
        # Bands are drawn first, then the lines joining datasets across bands, then what is in them.
        backgrounds.append(
            f'<g class="{mark.classes("job", job.id)}"{mark.data(job.id)}>'
            f"<title>{_esc(f'{location.file}:{location.line}')}</title>"
            f'<rect x="{_MARGIN}" y="{y:.0f}" width="{band_width - _MARGIN:.0f}" height="{band_height:.0f}" rx="8" '
            f'class="band"{dash}/></g>'
        )
        parts.append(f'<text x="{_MARGIN + 12}" y="{y + 19:.0f}" class="header">{_esc(header)}</text>')
        parts.extend(edges)
        parts.extend(inner)
        # A band draws the datasets it reads first (keyed by id) and those it writes last (keyed by
        # id, or by id + "#out" when it reads that dataset too).
        band_ids = {child.id for child in graph.children(job.id)}
        read_here = {e.source for e in graph.edges if e.kind == "reads" and e.target in band_ids}
        for key, box in boxes.items():
            if box.node.kind == "dataset":
                side = read_at if key in read_here else written_at
                side.setdefault(box.node.id, []).append((band, box))
        y += band_height + _BAND_GAP
    for dataset, writers in written_at.items():
        for writer_band, writer in writers:
            for reader_band, reader in read_at.get(dataset, []):
                if reader_band == writer_band:  # a job reading what it writes: its own band says so
                    continue
                x1, y1 = writer.x + writer.width / 2, writer.y + _BOX_HEIGHT
                x2, y2 = reader.x + reader.width / 2, reader.y
                if y2 < y1:  # bottom to top: a reader above its writer is joined top to bottom
                    y1, y2 = writer.y, reader.y + _BOX_HEIGHT
                backgrounds.append(f'<path class="same" d="M{x1:.0f},{y1:.0f} L{x2:.0f},{y2:.0f}"/>')
    height = y - _BAND_GAP + _MARGIN if jobs else 60
    if not jobs:
        parts.append(f'<text x="{_MARGIN}" y="36" class="header">no Flare job in the files given</text>')
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{max(width, 320):.0f}" height="{height:.0f}" '
        f'role="img" aria-label="{_esc(title)}">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5f6368"/></marker></defs>'
        + "".join(backgrounds + parts)
        + "</svg>"
    )
    return _PAGE.format(
        title=_esc(title),
        svg=svg,
        style=_SELECTED_STYLE if selected is not None else "",
        note=f'<p class="note">{_esc(note)}</p>\n' if note else "",
    )


@dataclass(frozen=True)
class _Marks:
    """What the editor's page adds to each box and band: the selected class, the node's id."""

    selected: str | None
    ids: bool

    def classes(self, classes: str, node_id: str) -> str:
        return classes + " selected" if node_id == self.selected else classes

    def data(self, node_id: str) -> str:
        return f' data-node="{_esc(node_id)}"' if self.ids else ""


def _box_svg(box: _Box, appearances: list[str], mark: _Marks) -> str:
    node = box.node
    text = _node_text(node)
    tip = f"{text}\n" + "\n".join(f"{loc.file}:{loc.line}" for loc in node.locations)
    shared = len(appearances) > 1
    if shared:
        tip += "\nalso in: " + ", ".join(appearances)
    classes = mark.classes(f"node {node.kind}" + (" shared" if shared else ""), node.id)
    return (
        f'<g class="{classes}"{mark.data(node.id)}><title>{_esc(tip)}</title>'
        f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.width:.0f}" height="{_BOX_HEIGHT}" '
        f'rx="{14 if node.kind == "dataset" else 4}" fill="{_FILL[node.kind]}"/>'
        f'<text x="{box.x + 10:.0f}" y="{box.y + 18:.0f}">{_esc(_short(text))}</text></g>'
    )


#: Only on a page with a selected node, so that the command's page stays as it was.
_SELECTED_STYLE = """\
.node.selected rect { stroke: #d93025; stroke-width: 3; }
.job.selected .band { stroke: #d93025; stroke-width: 2.5; }
"""

_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 16px; color: #202124; }}
h1 {{ font-size: 1.2em; overflow-wrap: anywhere; }}
svg text {{ font: 12px ui-monospace, monospace; fill: #202124; }}
svg .header {{ font-weight: bold; }}
.band {{ fill: #fafafa; stroke: #9aa0a6; }}
.node rect {{ stroke: #5f6368; }}
.node.shared rect {{ stroke-width: 2.5; stroke: #1a73e8; }}
.edge {{ fill: none; stroke: #5f6368; marker-end: url(#arrow); }}
.same {{ fill: none; stroke: #1a73e8; stroke-width: 1.5; stroke-dasharray: 4 4; opacity: 0.7; }}
{style}</style>
</head>
<body>
<h1>{title}</h1>
{note}<p>Datasets read, inputs, steps, outputs and datasets written, one band per job; a dashed band is a
streaming job; a dataset with a blue border appears in several jobs (hover for where), and a blue
dashed line joins a dataset one job writes to where another job reads it.</p>
{svg}
</body>
</html>
"""
