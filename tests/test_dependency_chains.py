"""FL303 on dependency chains as long as a manifest makes them, from the "Hardening" issue's
reproducer (``shared/reproducers/hardening/A64_min_dep_chain.yaml``: 994 jobs, each waiting for the
next). The cycle search once recursed once per job and died past Python's recursion limit (FL900)."""

from __future__ import annotations

import re

from flare_ls.analyze import analyze
from golden import SHARED

CHAIN = SHARED / "reproducers" / "hardening" / "A64_min_dep_chain.yaml"


def _chain() -> str:
    return CHAIN.read_text(encoding="utf-8")


def _fl303(text: str) -> list[tuple[int, int, str]]:
    findings = analyze(text)
    assert not [f for f in findings if f.code == "FL900"]
    return [(f.start[0], f.start[1], f.message) for f in findings if f.code == "FL303"]


def test_the_long_chain_says_only_its_unknown_last_dependency() -> None:
    """The last job waits for `j994`, which does not exist: that is the chain's only FL303."""
    text = _chain()
    last = text.splitlines().index("      dependencies: [j994]")
    assert _fl303(text) == [(last, 21, "dependency `j994` names no job of this dag; did you mean `j94`?")]


def test_a_cycle_through_the_whole_chain_is_said_once_with_its_path() -> None:
    text = _chain().replace("dependencies: [j994]", "dependencies: [j0]")
    last = text.splitlines().index("      dependencies: [j0]")
    found = _fl303(text)
    assert [(line, column) for line, column, _ in found] == [(last, 21)]
    path = re.search(r"\((.*)\)", found[0][2])
    assert path is not None
    assert path.group(1) == " -> ".join(f"`j{i}`" for i in [*range(994), 0])


def test_a_short_cycle_at_the_end_of_the_long_chain() -> None:
    """The search walks 990 jobs before it meets the ring `j990` -> ... -> `j993` -> `j990`."""
    text = _chain().replace("dependencies: [j994]", "dependencies: [j990]")
    found = _fl303(text)
    assert [message for *_, message in found] == [
        "jobs depend on each other in a cycle (`j990` -> `j991` -> `j992` -> `j993` -> `j990`); none can start"
    ]


def test_a_wide_dag_of_long_chains_is_searched_once() -> None:
    """Every job is visited once: many chains into one long tail stay quiet and quick."""
    spec = "      spec: {stack: flare:7.0}\n"
    jobs = [f"    - name: t{i}\n      dependencies: [t{i + 1}]\n{spec}" for i in range(1500)]
    jobs.append(f"    - name: t1500\n{spec}")
    heads = [f"    - name: h{i}\n      dependencies: [t{i}, t0]\n{spec}" for i in range(200)]
    assert _fl303("workflow:\n  dag:\n" + "".join(heads + jobs)) == []
