"""Mapping a scalar's loaded value back to source positions, for every YAML scalar style."""

from __future__ import annotations

import re
import time

import pytest

from flare_ls.parsing.scalarmap import ScalarMap, scalar_map
from flare_ls.parsing.yamltree import YMap, YScalar, YSeq, parse, split_lines


def load(text: str, *path: str | int) -> tuple[YScalar, list[str]]:
    """The scalar at ``path`` (keys and list indexes, ``sql`` by default) in the first document."""
    parsed = parse(text)
    assert parsed.error is None, parsed.error
    node = parsed.documents[0].root
    for step in path or ("sql",):
        if isinstance(node, YMap) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, YSeq) and isinstance(step, int):
            node = node.items[step]
        else:
            raise AssertionError(f"no {step!r} in {node!r}")
    assert isinstance(node, YScalar), node
    return node, split_lines(text)


def mapped(text: str, *path: str | int) -> tuple[ScalarMap, str, list[str]]:
    node, lines = load(text, *path)
    smap = scalar_map(node, lines)
    assert smap is not None, (text, node.value)
    return smap, node.value, lines


def source(lines: list[str], smap: ScalarMap, start: int, end: int) -> str:
    """The source text a one-line span covers."""
    (line, col), (end_line, end_col) = smap.span(start, end)
    assert line == end_line
    return lines[line][col:end_col]


def check_literal_chars(smap: ScalarMap, value: str, lines: list[str]) -> int:
    """Every character mapped as verbatim is that character in the source; returns how many there are."""
    count = 0
    for i, char in enumerate(value):
        if smap.verbatim(i, i + 1):
            line, col = smap.pos(i)
            assert lines[line][col] == char, (value, i)
            count += 1
    return count


# Plain scalars


def test_plain_single_line_maps_one_to_one_and_stops_before_the_comment() -> None:
    smap, value, lines = mapped("sql: SELECT id FROM orders_table  # note\n")
    assert value == "SELECT id FROM orders_table"
    assert smap.pos(0) == (0, 5)
    assert smap.pos(len(value)) == (0, 5 + len(value))
    at = value.index("orders_table")
    assert smap.verbatim(at, at + 12)
    assert smap.span(at, at + 12) == ((0, 20), (0, 32))
    assert source(lines, smap, at, at + 12) == "orders_table"
    assert smap.verbatim(0, len(value))


def test_plain_multi_line_folds_breaks_into_spaces_and_empty_lines_into_breaks() -> None:
    text = "sql: SELECT a   \n  FROM t\n\n     \n    WHERE x\nnext: 1\n"
    smap, value, lines = mapped(text)
    assert value == "SELECT a FROM t\n\nWHERE x"
    # The folded space sits at the end of the line it ends (trailing blanks included) and is synthetic.
    assert smap.pos(8) == (0, len(lines[0])) and not smap.verbatim(8, 9)
    assert smap.pos(9) == (1, 2) and smap.span(9, 15) == ((1, 2), (1, 8))
    # Each empty line (blank-only lines count) adds one line break, at that line's end.
    assert value[15:17] == "\n\n" and smap.pos(15) == (2, 0) and smap.pos(16) == (3, 5)
    assert smap.pos(17) == (4, 4) and source(lines, smap, 17, 24) == "WHERE x"
    assert not smap.verbatim(0, 10)  # across the fold
    assert smap.span(7, 10) == ((0, 12), (1, 3))
    assert check_literal_chars(smap, value, lines) == len(value) - 3


def test_plain_scalar_in_a_sequence_and_a_flow_mapping() -> None:
    smap, value, lines = mapped("- SELECT 1\n  FROM orders_table\n", 0)
    assert value == "SELECT 1 FROM orders_table"
    assert source(lines, smap, 14, 26) == "orders_table" and smap.pos(14) == (1, 7)
    smap, value, lines = mapped("q: {sql: SELECT x\n  FROM t, other: 1}\n", "q", "sql")
    assert value == "SELECT x FROM t"
    assert smap.pos(8) == (0, 17) and smap.pos(9) == (1, 2) and source(lines, smap, 9, 15) == "FROM t"


# Single-quoted scalars


def test_single_quoted_doubled_quote_is_one_synthetic_character() -> None:
    smap, value, lines = mapped("sql: 'it''s orders_table'\n")
    assert value == "it's orders_table"
    assert smap.pos(0) == (0, 6)
    assert smap.pos(2) == (0, 8) and not smap.verbatim(2, 3)
    assert smap.span(2, 3) == ((0, 8), (0, 10))  # the quote covers both source quotes
    assert smap.pos(3) == (0, 10)
    assert not smap.verbatim(0, 4)
    assert source(lines, smap, 5, 17) == "orders_table"
    assert smap.pos(len(value)) == (0, 24)  # just after the last character: the closing quote


def test_single_quoted_multi_line_folds() -> None:
    smap, value, lines = mapped("sql: 'SELECT ''a''  \n    FROM orders_table\n\n    WHERE 1'\n")
    assert value == "SELECT 'a' FROM orders_table\nWHERE 1"
    assert smap.pos(10) == (0, len(lines[0])) and not smap.verbatim(10, 11)
    at = value.index("orders_table")
    assert smap.pos(at) == (1, 9) and source(lines, smap, at, at + 12) == "orders_table"
    assert value[at + 12] == "\n" and smap.pos(at + 12) == (2, 0)
    check_literal_chars(smap, value, lines)


# Double-quoted scalars


def test_double_quoted_escapes_map_to_their_backslash_and_span_the_whole_escape() -> None:
    line = r'sql: "a\tb \"q\" \\ \x41 \u00e9 \U0001F600 \/ end"'
    smap, value, lines = mapped(line + "\n")
    assert value == 'a\tb "q" \\ A é 😀 / end'
    escapes = {r"\t": "\t", r"\"": '"', r"\\": "\\", r"\x41": "A", r"\u00e9": "é", r"\U0001F600": "😀", r"\/": "/"}
    seen = 0
    for escape, char in escapes.items():
        column = line.index(escape)
        offset = next(i for i in range(len(value)) if smap.pos(i) == (0, column))
        assert value[offset] == char
        assert not smap.verbatim(offset, offset + 1)
        assert smap.span(offset, offset + 1) == ((0, column), (0, column + len(escape)))
        seen += 1
    assert seen == len(escapes)
    assert source(lines, smap, len(value) - 3, len(value)) == "end"
    assert check_literal_chars(smap, value, lines) == len(value) - 8  # 8 escapes (two \")


def test_every_double_quoted_escape_libyaml_knows() -> None:
    # libyaml rejects \' (single quotes need no escape in double quotes), so the list has no such escape.
    escapes = r"\0\a\b\t" + "\\\t" + r"\n\v\f\r\e\ \"\/\\\N\_\L\P\x7e\u263A\U0001F600"
    smap, value, lines = mapped(f'sql: "{escapes}"\n')
    assert value == '\0\a\b\t\t\n\v\f\r\x1b "/\\\x85\xa0\u2028\u2029~\u263a😀'
    assert check_literal_chars(smap, value, lines) == 0
    columns = [smap.pos(i)[1] for i in range(len(value))]
    assert columns == [m.start() + 6 for m in re.finditer(r"\\(?:x..|u.{4}|U.{8}|.)", escapes)]


def test_double_quoted_escaped_line_break_adds_nothing_and_drops_the_next_indentation() -> None:
    text = 'sql: "SELECT a, \\\n      b \\\n\n  FROM orders_table\n   WHERE"\n'
    smap, value, lines = mapped(text)
    assert value == "SELECT a, b \nFROM orders_table WHERE"
    assert smap.pos(10) == (1, 6)  # "b" right after "SELECT a, ": no synthetic character in between
    assert smap.pos(9) == (0, 15) and smap.verbatim(0, 10) and not smap.verbatim(0, 11)
    assert value[12] == "\n" and smap.pos(12) == (2, 0)  # the empty line after an escaped break
    at = value.index("orders_table")
    assert source(lines, smap, at, at + 12) == "orders_table"
    assert smap.pos(at + 12) == (3, len(lines[3])) and value[at + 12] == " "


def test_double_quoted_folding_keeps_blanks_before_the_closing_quote() -> None:
    smap, value, lines = mapped('sql: "  a\t\n\t b  "\n')
    assert value == "  a b  "
    assert smap.pos(0) == (0, 6) and smap.pos(3) == (0, 10) and smap.pos(4) == (1, 2)
    assert source(lines, smap, 4, 7) == "b  "


# Block scalars


def test_literal_block_drops_indentation_and_clips_the_final_break() -> None:
    text = "job:\n  sql: |\n    SELECT a\n      FROM orders_table  \n\n\nnext: 1\n"
    smap, value, lines = mapped(text, "job", "sql")
    assert value == "SELECT a\n  FROM orders_table  \n"
    assert smap.pos(0) == (2, 4)
    assert smap.pos(8) == (2, 12) and not smap.verbatim(8, 9)
    # Indentation beyond the block's and trailing blanks are content, written as they are.
    assert smap.pos(9) == (3, 4) and smap.verbatim(9, 30) and not smap.verbatim(9, 31)
    assert source(lines, smap, 16, 28) == "orders_table"
    assert len(value) == 31 and smap.pos(30) == (3, len(lines[3]))
    assert smap.span(30, 31) == ((3, len(lines[3])), (4, 0))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("|", "a\n b\n"),
        ("|-", "a\n b"),
        ("|+", "a\n b\n\n\n"),
        (">", "a\n b\n"),
        (">-", "a\n b"),
        (">+", "a\n b\n\n\n"),
    ],
)
def test_chomping_indicators(header: str, expected: str) -> None:
    text = f"sql: {header}\n  a\n   b\n\n\nnext: 1\n"
    smap, value, lines = mapped(text)
    assert value == expected
    assert smap.pos(0) == (1, 2) and smap.pos(2) == (2, 2)
    assert smap.verbatim(2, 4)  # the more-indented line keeps its extra blank
    assert smap.pos(1) == (1, 3) and not smap.verbatim(1, 2)
    # The final break sits at the end of the last line, kept breaks at the end of the empty lines they end.
    positions = {"": [(2, 4), (3, 0)], "-": [(2, 4)], "+": [(2, 4), (3, 0), (4, 0), (5, 0)]}[header[1:]]
    assert [smap.pos(i) for i in range(4, len(value) + 1)] == positions


def test_folded_block_folds_ordinary_lines_and_keeps_breaks_around_more_indented_ones() -> None:
    text = "sql: >\n  SELECT a\n  FROM t\n\n  WHERE\n    more indented\n  end\n"
    smap, value, lines = mapped(text)
    assert value == "SELECT a FROM t\nWHERE\n  more indented\nend\n"
    assert smap.pos(8) == (1, 10) and not smap.verbatim(8, 9)
    assert smap.pos(9) == (2, 2)
    assert value[15] == "\n" and smap.pos(15) == (3, 0)  # the empty line; the fold before it is gone
    assert source(lines, smap, 22, 37) == "  more indented"
    assert value[21] == "\n" and smap.pos(21) == (4, 7)  # kept: the next line is more indented
    assert smap.pos(value.index("end")) == (6, 2)
    check_literal_chars(smap, value, lines)


@pytest.mark.parametrize(
    ("text", "expected", "first"),
    [
        ("sql: |2\n   leading space\n", " leading space\n", (1, 2)),
        ("sql: >-1\n  two spaces\n", " two spaces", (1, 1)),
        ("job:\n  sql: |1-\n     x\n", "  x", (2, 3)),  # counted from the mapping's indentation
        ("- |2+\n    x\n\n", "  x\n\n", (1, 2)),
        ("--- |1\n  x\n", " x\n", (1, 1)),
    ],
)
def test_explicit_indentation_indicators(text: str, expected: str, first: tuple[int, int]) -> None:
    parsed = parse(text)
    assert parsed.error is None
    node = parsed.documents[0].root
    while not isinstance(node, YScalar):
        assert isinstance(node, (YMap, YSeq))
        node = next(iter(node.entries.values()))[1] if isinstance(node, YMap) else node.items[0]
    assert node.value == expected
    lines = split_lines(text)
    smap = scalar_map(node, lines)
    assert smap is not None
    assert smap.pos(0) == first
    assert check_literal_chars(smap, expected, lines) == len(expected.rstrip("\n"))


def test_block_leading_empty_lines_and_header_comment() -> None:
    smap, value, lines = mapped("sql: |  # the query\n\n  \n  SELECT 1\n")
    assert value == "\n\nSELECT 1\n"
    assert smap.pos(0) == (1, 0) and smap.pos(1) == (2, 2) and smap.pos(2) == (3, 2)
    assert not smap.verbatim(0, 1) and smap.verbatim(2, 10)


def test_block_scalar_at_end_of_text_without_a_final_line_break() -> None:
    smap, value, lines = mapped("sql: >\n  SELECT 1\n  FROM t")
    assert value == "SELECT 1 FROM t"
    assert smap.pos(len(value)) == (2, 8) and source(lines, smap, 9, 15) == "FROM t"


# Columns, line endings, node properties


@pytest.mark.parametrize("style", ["plain", "'", '"', "|"])
def test_columns_are_code_points_past_non_ascii_text(style: str) -> None:
    sql = "SELECT 'é' AS \"😀\", orders_table" if style == "|" else "SELECT é AS 😀, orders_table"
    body = {"plain": sql, "'": f"'{sql}'", '"': f'"{sql}"', "|": f"|\n  {sql}"}[style]
    smap, value, lines = mapped(f"sql: {body}\n")
    assert value == (sql + "\n" if style == "|" else sql)
    at = value.index("orders_table")
    (line, col), _ = smap.span(at, at + 12)
    assert col == lines[line].index("orders_table")
    assert source(lines, smap, at, at + 12) == "orders_table"
    emoji = value.index("😀")
    assert lines[line][smap.pos(emoji)[1]] == "😀" and smap.span(emoji, emoji + 1)[1][1] == smap.pos(emoji)[1] + 1


def test_crlf_documents() -> None:
    text = "sql: |\r\n  SELECT a\r\n  FROM orders_table\r\nq: 'x\r\n  y'\r\n"
    smap, value, lines = mapped(text)
    assert value == "SELECT a\nFROM orders_table\n"
    assert smap.pos(8) == (1, 10) and source(lines, smap, 14, 26) == "orders_table"
    quoted, _, _ = mapped(text, "q")
    assert quoted.value == "x y" and quoted.pos(1) == (3, 5) and quoted.pos(2) == (4, 2)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("sql: &q !!str 'SELECT orders_table'\n", (0, 15)),
        ('sql: !!str &q "SELECT orders_table"\n', (0, 15)),
        ("sql: !<tag:yaml.org,2002:str> SELECT orders_table\n", (0, 30)),
        ("sql: &q |\n  SELECT orders_table\n", (1, 2)),
        ("sql: !!str  # the query\n  >-\n  SELECT orders_table\n", (2, 2)),
        ("sql: &q\n  SELECT orders_table\n", (1, 2)),
    ],
)
def test_anchors_and_tags_before_the_scalar_are_skipped(text: str, first: tuple[int, int]) -> None:
    smap, value, lines = mapped(text)
    assert value.startswith("SELECT orders_table")
    assert smap.pos(0) == first
    assert source(lines, smap, 7, 19) == "orders_table"


def test_alias_maps_to_where_the_anchor_is_defined() -> None:
    text = "a: &q 'SELECT orders_table'\nsql: *q\n"
    smap, value, lines = mapped(text)
    assert smap.pos(0) == (0, 7) and source(lines, smap, 7, 19) == "orders_table"


def test_empty_scalars() -> None:
    for text in ("sql: ''\n", 'sql: ""\n', "sql: |\nnext: 1\n", "sql: !!str\n", "sql:\n"):
        smap, value, _ = mapped(text)
        assert value == ""
        assert smap.span(0, 0) == (smap.pos(0), smap.pos(0))
        assert not smap.verbatim(0, 0) and not smap.verbatim(0, 1)
    smap, _, _ = mapped("sql: ''\n")
    assert smap.pos(0) == (0, 6)  # between the quotes


# The map's API at its edges


def test_pos_span_and_verbatim_at_the_edges() -> None:
    smap, value, _ = mapped("sql: 'ab''c'\n")
    assert value == "ab'c"
    assert smap.pos(len(value)) == (0, 11) == smap.span(0, len(value))[1]
    assert smap.pos(-5) == smap.pos(0) and smap.pos(99) == smap.pos(len(value))
    assert smap.span(3, 1) == ((0, 10), (0, 10))
    assert smap.verbatim(0, 0) and smap.verbatim(2, 2)  # just before the '', right after the literal "b"
    assert smap.verbatim(4, 4) and not smap.verbatim(5, 5) and not smap.verbatim(-1, 1)
    assert not smap.verbatim(1, 3) and not smap.verbatim(3, 5)
    assert smap.verbatim(3, 4)


# Inputs that have no map


def test_junk_gives_none_not_an_exception() -> None:
    text = "sql: 'SELECT 1'\nplain: SELECT 2\nblock: |\n  SELECT 3\n"
    parsed = parse(text)
    root = parsed.documents[0].root
    assert isinstance(root, YMap)
    lines = split_lines(text)
    quoted, plain, block = root.scalar("sql"), root.scalar("plain"), root.scalar("block")
    assert quoted is not None and plain is not None and block is not None
    assert all(scalar_map(n, lines) is not None for n in (quoted, plain, block))

    def tampered(node: YScalar, attribute: str, value: object) -> YScalar:
        copy = YScalar(node.value, node.style, node.tag, node.start, node.end)
        setattr(copy, attribute, value)
        return copy

    for node in (quoted, plain, block):
        assert scalar_map(tampered(node, "start", (99, 0)), lines) is None
        assert scalar_map(tampered(node, "start", (0, 500)), lines) is None
        assert scalar_map(tampered(node, "start", (-1, 0)), lines) is None
        assert scalar_map(tampered(node, "start", (0, 0)), lines) is None  # at the key
        assert scalar_map(tampered(node, "start", None), lines) is None
        assert scalar_map(tampered(node, "value", node.value + "x"), lines) is None
        # Block scalars are scanned by indentation from their header; the others must end at their end mark.
        assert (scalar_map(tampered(node, "end", (99, 99)), lines) is None) == (node.style != "|")
        assert scalar_map(node, ["other: text"]) is None
        assert scalar_map(node, []) is None
    assert scalar_map(tampered(quoted, "style", '"'), lines) is None
    assert scalar_map(tampered(plain, "style", "?"), lines) is None
    assert scalar_map(tampered(plain, "start", (1, 8)), lines) is None  # one column late: "ELECT 2"
    assert scalar_map(tampered(plain, "end", (1, 2)), lines) is None  # ends before it starts


def test_undefined_alias_placeholder_gives_none() -> None:
    node, lines = load("sql: *nowhere\n")
    assert node.value == "*nowhere"
    assert scalar_map(node, lines) is None


def test_unicode_line_separators_are_ordinary_characters_and_map() -> None:
    # NEL, U+2028 and U+2029 are no line breaks for editors, for LSP, or for YAML 1.2: the parser is
    # told the same (yamltree.for_libyaml), so the value keeps them and every position still maps.
    for separator in ("\x85", "\u2028", "\u2029"):
        node, lines = load(f"sql: 'a{separator}  b'\n")
        assert node.value == f"a{separator}  b"
        mapped = scalar_map(node, lines)
        assert mapped is not None
        assert mapped.pos(len(node.value) - 1) == (0, len(f"sql: 'a{separator}  "))


# Property: every style, SQL-like texts


SQL_TEXTS = [
    "SELECT o.id, o.total\nFROM orders_table o\nWHERE o.status = 'open'",
    'SELECT "customer_id", count(*)\n  FROM orders_table\n\nGROUP BY "customer_id"',
    "WITH recent AS (SELECT * FROM orders_table WHERE ts > now() - interval '1 day')\nSELECT * FROM recent",
    "SELECT regexp_replace(name, '\\\\s+', ' ') AS clean\nFROM customer_dim\n\n\nWHERE customer_id IS NOT NULL",
    "SELECT 'é😀' AS label, customer_id\n    FROM orders_table -- indented\nLIMIT 10",
]
IDENTIFIERS = ["orders_table", "customer_id", "customer_dim", "recent", "clean"]


def render(style: str, sql: str, indent: str) -> str | None:
    """``sql: <sql in style>`` with continuation lines at ``indent``; None when the style cannot hold it."""
    lines = sql.split("\n")
    if style == "plain":
        if "#" in sql or ": " in sql or sql[0] in "'\"":
            return None
        return "sql: " + ("\n" + indent).join(lines)
    if style == "'":
        return "sql: '" + ("\n" + indent).join(line.replace("'", "''") for line in lines) + "'"
    if style == '"':
        # Alternate real line breaks (folded) and \n escapes followed by escaped line breaks.
        parts = [line.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") for line in lines]
        out = parts[0]
        for i, part in enumerate(parts[1:]):
            out += ("\n" + indent if i % 2 == 0 else "\\n\\\n" + indent) + part
        return 'sql: "' + out + '"'
    return f"sql: {style}\n" + "\n".join(indent + line if line else "" for line in lines)


@pytest.mark.parametrize("style", ["plain", "'", '"', "|", "|-", "|+", ">", ">-", ">+", "|2", ">2-"])
def test_property_every_literal_character_and_identifier_is_where_the_map_says(style: str) -> None:
    documents = 0
    for sql in SQL_TEXTS:
        for indent in ("  ", "    "):
            for prefix, suffix in (("", "\n"), ("job: 1\n", "\nnext: 2\n"), ("", "\n\n\n")):
                body = render(style, sql, indent)
                if body is None:
                    continue
                text = prefix + body + suffix
                node, lines = load(text)
                smap = scalar_map(node, lines)
                assert smap is not None, text
                value = node.value
                literal = check_literal_chars(smap, value, lines)
                assert len(value) // 2 < literal < len(value)  # multi-line: some characters are synthetic
                for i in range(len(value) + 1):  # positions never go backwards through the value
                    assert i == 0 or smap.pos(i) >= smap.pos(i - 1)
                found = 0
                for name in IDENTIFIERS:
                    for match in re.finditer(rf"\b{name}\b", value):
                        assert smap.verbatim(match.start(), match.end()), (text, name)
                        assert source(lines, smap, match.start(), match.end()) == name
                        found += 1
                assert found >= 1
                documents += 1
    assert documents >= 15


def test_build_time_of_a_60_line_block() -> None:
    body = "\n".join(f"    SELECT col_{i:02d}, other FROM orders_table WHERE x = {i}" for i in range(60))
    node, lines = load("job: 1\nsql: |\n" + body + "\n")
    assert 2500 < len(node.value) < 4000
    assert scalar_map(node, lines) is not None
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(20):
            scalar_map(node, lines)
        best = min(best, (time.perf_counter() - started) / 20)
    assert best < 0.0005, f"{best * 1000:.3f} ms"
