"""The formatter's core: input/expected pairs (tests/formatting/), every real manifest round-tripped,
what it keeps and what it refuses, the minimal edits, and a property test on generated YAML."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flare_ls.fixes import apply_edits
from flare_ls.formatting import FormatStyle, format_text, line_edits, range_edits
from flare_ls.formatting.faithful import comments
from flare_ls.formatting.roundtrip import _block_scalar_lines
from golden import CORPUS, EXAMPLES
from seed_blocks import seed_blocks

CASES = Path(__file__).parent / "formatting"
PAIRS = sorted(CASES.glob("*.in.yaml"))


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("source", PAIRS, ids=[p.name.removesuffix(".in.yaml") for p in PAIRS])
def test_input_formats_to_its_expected_output(source: Path) -> None:
    expected = read(source.with_name(source.name.replace(".in.", ".out.")))
    result = format_text(read(source))
    assert result.refused is None
    assert result.text == expected
    assert format_text(expected).text == expected, "formatting twice changes nothing"


# -- every real manifest -----------------------------------------------------------------------------
def _manifests() -> list[tuple[str, str]]:
    paths = sorted(CORPUS.glob("*.yaml")) + sorted(EXAMPLES.rglob("*.yaml"))
    return [(p.name, read(p)) for p in paths] + [(f"seed-{i + 1}", b) for i, b in enumerate(seed_blocks())]


def _block_scalars(text: str) -> list[tuple[str, str]]:
    return [
        (e.style, e.value)
        for e in yaml.parse(text, Loader=yaml.CSafeLoader)
        if isinstance(e, yaml.ScalarEvent) and e.style in ("|", ">")
    ]


def test_every_real_manifest_formats_faithfully_or_is_refused_for_not_parsing() -> None:
    manifests = _manifests()
    assert len(manifests) >= 80
    formatted = 0
    for name, text in manifests:
        result = format_text(text)
        if result.refused is not None:
            # The only refusals are the corpus's broken files (tabs, merge conflicts, bad keys).
            assert result.refused.startswith("it does not parse"), (name, result.refused)
            with pytest.raises(yaml.YAMLError):
                list(yaml.safe_load_all(text))
            continue
        formatted += 1
        out = result.text
        assert list(yaml.safe_load_all(out)) == list(yaml.safe_load_all(text)), name
        assert format_text(out).text == out, f"{name}: formatting twice changes something"
        assert _block_scalars(out) == _block_scalars(text), f"{name}: a block scalar changed"
        assert comments(out) == comments(text), f"{name}: comments changed"
        inside = _block_scalar_lines(out)
        trailing = [i for i, line in enumerate(out.split("\n")) if line != line.rstrip() and i not in inside]
        assert out.endswith("\n") and not out.endswith("\n\n") and not trailing, name
    assert formatted >= 80


# -- what is kept and what is refused -----------------------------------------------------------------
def test_crlf_line_endings_and_a_byte_order_mark_are_kept() -> None:
    text = "\ufeffversion: v1\r\nworkflow:\r\n    title: crème brûlée 🍮   \r\n"
    assert format_text(text).text == "\ufeffversion: v1\r\nworkflow:\r\n  title: crème brûlée 🍮\r\n"


def test_mixed_line_endings_take_the_first() -> None:
    assert format_text("a: 1\r\nb:\n    c: 2\n").text == "a: 1\r\nb:\r\n  c: 2\r\n"


def test_the_style_is_configurable() -> None:
    text = "a:\n  b:\n  - x: 1\n    y: 2\n"
    assert format_text(text, FormatStyle(indent=4, indent_sequences=False)).text == (
        "a:\n    b:\n    - x: 1\n      y: 2\n"
    )
    assert format_text(text, FormatStyle(indent=4)).text == "a:\n    b:\n        - x: 1\n          y: 2\n"
    with pytest.raises(ValueError, match="indent must be between 2 and 8"):
        FormatStyle(indent=1)


def test_a_root_sequence_is_not_indented() -> None:
    assert format_text("-   a\n- b:\n      c: 1\n").text == "- a\n- b:\n    c: 1\n"


def test_a_comment_only_file_and_an_empty_one() -> None:
    assert format_text("# only a comment   \n\n\n").text == "# only a comment\n"
    assert format_text("").text == ""


def test_long_plain_scalars_are_not_folded() -> None:
    text = "sql: " + " ".join(["SELECT"] + [f"col_{i}" for i in range(200)]) + "\n"
    assert format_text(text).text == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a:\n\tb: 1\n", "it does not parse: a tab in the indentation of line 2"),
        ("a: [1,\n", "it does not parse"),
        ("a: 1\na: 2\n", "it has a duplicate key"),
        ("--- |\n  text\n", "line 1: a node on the `---` line is not supported"),
        ("a: 1\u2028b: 2\n", "it holds the character U+2028"),
    ],
)
def test_what_cannot_be_formatted_faithfully_is_left_alone_with_a_reason(text: str, reason: str) -> None:
    result = format_text(text)
    assert result.refused is not None and result.refused.startswith(reason), result.refused
    assert result.text == text and not result.changed


# -- edits -------------------------------------------------------------------------------------------
def test_edits_are_minimal_and_give_the_formatted_text() -> None:
    text = "version: v1\nname: x   \nworkflow:\n    dag:\n    - name: 🍮\nlast: crème"
    result = format_text(text)
    edits = line_edits(text, result.text)
    assert apply_edits(text, edits) == result.text
    # The dash line is already where the style puts it; the last line has no break: its end is column 11.
    assert [(e.start, e.end) for e in edits] == [((1, 0), (2, 0)), ((3, 0), (4, 0)), ((5, 0), (5, 11))]


def test_range_edits_stay_in_the_range_unless_that_would_change_the_meaning() -> None:
    text = "a: 1   \nb:\n    c: 1\n\n    d:\n        e: 2\ng: ok\nf: 3   \n"
    result = format_text(text)
    assert range_edits(result, 0, 0) == [line_edits(text, result.text)[0]]
    # Re-indenting `d` alone would leave `c` at its old column, another mapping: the entry `b` is taken.
    partial = apply_edits(text, range_edits(result, 4, 4))
    assert yaml.safe_load(partial) == yaml.safe_load(text)
    assert partial == "a: 1   \nb:\n  c: 1\n\n  d:\n    e: 2\ng: ok\nf: 3   \n"


# -- generated YAML ----------------------------------------------------------------------------------
_KEYS = st.sampled_from(["a", "name", "sql", "crème", "🍮", "x y", "null", "'q'", "on"])
_SCALARS = st.sampled_from(
    ["1", "~", "True", "yes", "'quoted'", '"dq \\t"', "crème brûlée 🍮", "a # c", "[1, 2]", "{k: v}", "*a", "&a v", "|"]
)


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    """Lines of keys, dashes and scalars at random indentations, with comments, trailing spaces,
    blank lines, block scalars and markers: often valid YAML, often not."""
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        indent = " " * draw(st.sampled_from([0, 0, 2, 4, 6]))
        kind = draw(st.integers(0, 6))
        if kind == 0:
            lines.append(f"{indent}{draw(_KEYS)}:")
        elif kind == 1:
            lines.append(f"{indent}{draw(_KEYS)}: {draw(_SCALARS)}")
        elif kind == 2:
            lines.append(f"{indent}- {draw(_SCALARS)}")
        elif kind == 3:
            lines.append(f"{indent}# comment {draw(_KEYS)}")
        elif kind == 4:
            lines.append(draw(st.sampled_from(["", "---", "...", "  "])))
        elif kind == 5:
            lines.append(f"{indent}{draw(_KEYS)}: |\n{indent}  SELECT 1   \n{indent}    FROM t")
        else:
            lines.append(f"{indent}- {draw(_KEYS)}: {draw(_SCALARS)}")
    trailing = draw(st.sampled_from(["", " ", "  "]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(line + trailing for line in lines) + draw(st.sampled_from(["", newline]))


FUZZ = settings(
    max_examples=int(os.environ.get("FLARE_LS_FUZZ_EXAMPLES", "200")),
    deadline=None,
    derandomize="FLARE_LS_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow],
)


def _load(text: str) -> object:
    class AnyTag(yaml.SafeLoader):
        pass

    AnyTag.add_multi_constructor("", lambda loader, suffix, node: node.tag)
    return list(yaml.load_all(text, Loader=AnyTag))


@FUZZ
@given(yamlish())
def test_formatting_never_raises_and_never_changes_the_data(text: str) -> None:
    result = format_text(text)
    if result.refused is not None:
        assert result.text == text
        return
    assert _load(result.text) == _load(text)
    assert format_text(result.text).text == result.text
    assert apply_edits(text, line_edits(text, result.text)) == result.text
