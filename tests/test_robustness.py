"""Bad input gets findings, never a traceback: every prefix of real manifests, and odd texts."""

from __future__ import annotations

import pytest

from flare_ls.analyze import analyze
from golden import CORPUS, EXAMPLES

ODD_TEXTS = [
    "",
    "\n\n",
    "---\n---\n",
    "just a string",
    "- a\n- b\n",
    "? [complex, key]\n: value\n",
    "workflow: 3\n",
    "workflow:\n  dag: {a: 1}\n",
    "workflow:\n  dag:\n    - 42\n    - spec: [1]\n    - spec: {stack: flare:7.0, stackSpec: 7}\n",
    "workflow:\n  dag:\n    - spec: {stack: flare:7.0, stackSpec: {job: {inputs: 5, outputs: [1], steps: [[1]]}}}\n",
    "workflow:\n  dag:\n    - spec: {stack: flare:7.0, stackSpec: {job: {streaming: [1], inputs: [{isStream: 1}]}}}\n",
    "a: &x [*x]\n",
    "a: *undefined\n",
    "stack: flare:7.0\n\x00\n",
    "x" * 100_000,
    "a:\n" + "  " * 2000 + "b: 1\n",
    "[" * 500 + "]" * 500,
    # libyaml breaks lines at NEL and U+2028 as well; an error on such a line must still be described.
    '  ? \U0001f600\u2028---\n    \u2028\u2028\\ \\\n  "\nz: 1\n',
] + [
    # Odd SQL in a step: every value must be analysed or skipped, never crash a rule (FL900).
    "workflow:\n  dag:\n    - spec:\n        stack: flare:7.0\n        stackSpec:\n          job:\n"
    "            inputs: [{name: a, dataset: 'dataos://d:c/t'}]\n"
    f"            steps: [{{sequence: [{{name: s, sql: {sql}}}]}}]\n"
    "            outputs: [{name: s, dataset: 'dataos://d:c/u'}]\n"
    for sql in (
        '""',
        "5",
        "[1]",
        "{a: 1}",
        "'${SQL}'",
        "'$|k|'",
        '"SELECT \'"',
        '"SELECT * FROM a WHERE x = \'\\u2028"',
        '"SELECT \\0 FROM a"',
        "'" + "SELECT (" * 300 + "'",
        "'SELECT * FROM a ' ",
        "'WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r, a'",
        "'SELECT value, key FROM a JOIN a USING (key) WINDOW w AS (PARTITION BY key)'",
        "'DROP TABLE a; SELECT 1; ;;'",
        "'SELECT `unterminated FROM a'",
    )
]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
def test_odd_texts_never_raise(text) -> None:
    for finding in analyze(text):
        assert finding.code != "FL900", finding.message


FILES = sorted(CORPUS.glob("*.yaml"))[::4] + sorted(EXAMPLES.rglob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_line_prefix_of_a_manifest_is_analyzed_without_crashing(path) -> None:
    """What an editor sends while the author types: the file cut after each line, and mid-line."""
    lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
    for n in range(len(lines) + 1):
        for text in (
            "".join(lines[:n]),
            "".join(lines[:n]) + lines[n][: len(lines[n]) // 2] if n < len(lines) else "",
        ):
            assert all(f.code != "FL900" for f in analyze(text)), (n, text[-80:])
