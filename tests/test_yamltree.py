"""The positioned YAML tree: positions in code points, line endings, syntax errors in plain words."""

from __future__ import annotations

from flare_ls.analyze import analyze
from flare_ls.parsing.yamltree import YMap, YScalar, YSeq, parse


def root(text: str) -> YMap:
    parsed = parse(text)
    assert parsed.error is None, parsed.error
    node = parsed.documents[0].root
    assert isinstance(node, YMap)
    return node


def test_columns_count_code_points_even_past_non_bmp_characters() -> None:
    line = 'a: {x: "😀 naïve", y: Continous}'
    node = root(line + "\n").get("a")
    assert isinstance(node, YMap)
    y = node.scalar("y")
    assert y is not None
    assert y.start == (0, line.index("Continous")) and y.end == (0, line.index("Continous") + 9)


def test_crlf_and_lone_cr_count_as_line_breaks() -> None:
    doc = root("a: 1\r\nb:\r\n  c: 2\r\n")
    b = doc.get("b")
    assert isinstance(b, YMap) and b.scalar("c").start == (2, 5)
    assert root("a: 1\rb: 2\r").scalar("b").start == (1, 3)


def test_block_scalars_end_at_their_last_character() -> None:
    doc = root("sql: |\n  SELECT 1\n  FROM t\n\nnext: x\n")
    sql = doc.scalar("sql")
    assert sql.style == "|" and sql.end == (2, 8)


def test_block_mapping_ends_with_its_last_value() -> None:
    doc = root("job:\n  a: 1\n  b:\n    - x\n    - yy\n# comment\nother: 2\n")
    job = doc.get("job")
    assert job.end == (4, 8)
    assert doc.entries["job"][0].start == (0, 0)


def test_scalar_kinds_follow_the_yaml_core_schema() -> None:
    doc = root('a: true\nb: "true"\nc: 10\nd: 1.5\ne: yes\nf: ~\ng: !!str 1\nh: 0x1F\n')
    kinds = {k: v.kind for k, (_, v) in doc.entries.items()}
    assert kinds == {
        "a": "bool",
        "b": "str",
        "c": "int",
        "d": "float",
        "e": "str",
        "f": "null",
        "g": "str",
        "h": "int",
    }


def test_duplicate_keys_are_recorded_with_the_first_occurrence() -> None:
    parsed = parse("a: 1\nb: 2\na: 3\n")
    ((repeated, first),) = parsed.documents[0].duplicates
    assert repeated.start == (2, 0) and first.start == (0, 0)
    assert parsed.documents[0].root.text("a") == "3"


def test_aliases_share_the_anchored_node_and_tags_construct_nothing() -> None:
    doc = root("base: &b {x: 1}\nuse: *b\nevil: !!python/object/apply:os.system [echo hi]\n")
    assert doc.get("use") is doc.get("base")
    evil = doc.get("evil")
    assert isinstance(evil, YSeq) and isinstance(evil.items[0], YScalar)


def test_paths_name_keys_and_indexes() -> None:
    doc = root("workflow:\n  dag:\n    - name: a\n      spec: {stack: x}\n")
    spec = doc.get("workflow").get("dag").items[0].get("spec")
    assert spec.scalar("stack").path == ("workflow", "dag", 0, "spec", "stack")


def test_documents_before_an_error_are_kept() -> None:
    parsed = parse("a: 1\n---\nb: 2\n---\nc: [\n")
    assert [d.root.text(k) for d, k in zip(parsed.documents, "ab", strict=True)] == ["1", "2"]
    assert parsed.error is not None and parsed.error.start[0] == 5


def test_syntax_messages_say_what_to_change() -> None:
    tab = parse("a:\n\tb: 1\n").error
    assert tab.message.startswith("tab character") and tab.start == (1, 0) and tab.end == (1, 1)
    colon = parse("a: b: c\n").error
    assert colon.message.startswith("unexpected `: ` inside a plain value") and colon.start == (0, 4)
    deeper = parse("spec:\n  stack: toolbox\ncompute: x\n    toolbox:\n      a: 1\n").error
    assert deeper.message.startswith("unexpected `:`: line 4 is indented deeper than line 3")
    indent = parse("a:\n    b: 1\n  c: 2\n").error
    assert indent.message.startswith("bad indentation")
    conflict = parse("a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> x\n").error
    assert conflict.message.startswith("unresolved merge conflict") and conflict.start == (1, 0)
    control = parse("a: \x07\n").error
    assert "not allowed" in control.message and control.start == (0, 3)


def test_byte_order_mark_shifts_first_line_columns() -> None:
    text = "type: workflows\nname: x\nworkflow:\n  dag:\n    - name: x\n      spec: {stack: 'flare:7.0'}\n"
    plain = analyze(text)
    marked = analyze("\ufeff" + text)
    first = next(f for f in plain if f.code == "FL102")
    shifted = next(f for f in marked if f.code == "FL102")
    assert shifted.start == (first.start[0], first.start[1] + 1)
