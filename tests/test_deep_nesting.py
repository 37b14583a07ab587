"""Manifests nested as deep as YAML allows, and deeper through aliases: every walk over the tree is a
loop, not a recursion, so none of them dies past Python's recursion limit (an FL900, or a traceback
and exit 3 when the parse itself recursed). libyaml reads at most 1,000 levels; deeper is an FL001."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import run

from flare_ls.analyze import analyze
from flare_ls.assist import hover
from flare_ls.parsing.yamltree import MAX_NESTING, parse, to_data
from flare_ls.sql import analyze_sql

#: The deepest value libyaml reads at `options`, nine levels down in JOB.
DEEP = MAX_NESTING - 9

#: A Flare job, its one input's options to be filled in (at nine levels down).
JOB = """\
workflow:
  dag:
    - name: deep-job
      spec:
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          job:
            outputs: [{name: customer, dataset: 'dataos://icebase:retail/copy?acl=rw', format: iceberg}]
            inputs:
              - {name: customer, dataset: 'dataos://icebase:retail/customer?acl=r', format: iceberg}
              - options: OPTIONS
"""


def _job(options: str) -> str:
    return JOB.replace("OPTIONS", options)


def _nested(depth: int, open_: str = "[", close: str = "]", inner: str = "x") -> str:
    return open_ * depth + inner + close * depth


def _check(tmp_path: Path, text: str) -> str:
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("--check", str(path))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "FL900" not in result.stdout
    return result.stdout


@pytest.mark.parametrize(
    "text",
    [
        # A NEL anywhere makes the parse put it back into every scalar, walking the whole tree.
        pytest.param('description: "a\x85b"\n' + _job(_nested(DEEP)), id="nel-and-deep-list"),
        # A repaired line (the unclosed quote) makes recovery move positions back, walking the tree.
        pytest.param(_job(_nested(DEEP, "{k: ", "}")) + "# '\nx: 'open\n", id="repair-and-deep-map"),
    ],
)
def test_deep_manifest_is_checked(tmp_path: Path, text: str) -> None:
    assert "nested too deep" not in _check(tmp_path, text)


@pytest.mark.parametrize(("open_", "close"), [("[", "]"), ("{a: ", "}")])
def test_nesting_past_libyaml_bound_is_a_syntax_finding(tmp_path: Path, open_: str, close: str) -> None:
    out = _check(tmp_path, _job(_nested(5000, open_, close)))
    assert f"FL001 [yaml-syntax] nested too deep: libyaml reads at most {MAX_NESTING} levels" in out


def test_hover_at_the_deepest_value() -> None:
    text = _job(_nested(DEEP))
    line = text.splitlines().index("              - options: " + _nested(DEEP))
    # A value inside free-form options: the tree finds it (all the way down) and has nothing to say.
    assert hover(text, line, text.splitlines()[line].index("x")) is None


def test_to_data_of_a_deep_tree_and_of_an_alias_that_holds_itself() -> None:
    data = to_data(parse("a: " + _nested(DEEP)).documents[0].root)
    for _ in range(DEEP):
        assert isinstance(data, dict | list)
        data = data["a"] if isinstance(data, dict) else data[0]
    assert data == "x" or data == ["x"]
    looped = to_data(parse("a: &a [*a]\n").documents[0].root)
    assert isinstance(looped, dict) and looped["a"][0] is looped["a"]


def test_aliases_nest_past_libyaml_bound() -> None:
    """Each anchor holds the previous one 500 levels down: 5,000 levels in all, from text libyaml reads."""
    text = "x0: &a0 " + _nested(500, inner="1") + "\n"
    text += "".join(f"x{i}: &a{i} {_nested(500, inner=f'*a{i - 1}')}\n" for i in range(1, 10))
    data = to_data(parse(text).documents[0].root)
    assert isinstance(data, dict) and list(data) == [f"x{i}" for i in range(10)]
    manifest = text + _job("*a9")
    assert not [f for f in analyze(manifest) if f.code == "FL900"]


def test_a_long_union_is_read() -> None:
    facts = analyze_sql(" UNION ".join(["SELECT a FROM t"] * 3000))
    assert facts.parsed and len(facts.reads) == 3000
