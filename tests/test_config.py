"""Project configuration files: discovery, each key, globs, errors, and the --show-settings dump."""

from __future__ import annotations

from pathlib import Path

import pytest

from flare_ls.analyze import Config, analyze
from flare_ls.config import (
    DEFAULT_PROJECT,
    ConfigError,
    ConfigLoader,
    Overrides,
    ProjectConfig,
    load_for,
    show_settings,
)
from flare_ls.findings import Severity
from golden import EXAMPLES

KAFKA = EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository root (it has .git), so discovery never leaves the temporary directory."""
    (tmp_path / ".git").mkdir()
    return tmp_path


def load(path: Path) -> ProjectConfig:
    return ConfigLoader().load_for(path)


# -- discovery --------------------------------------------------------------------------------------
def test_no_file_gives_the_defaults(project: Path) -> None:
    config = load(project / "a" / "job.yaml")
    assert config is DEFAULT_PROJECT and config.source is None
    assert config.config_for(project / "a" / "job.yaml") == Config()


def test_discovery_order_in_one_directory(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.flare-ls]\nignore = ["FL101"]\n')
    assert load(project / "job.yaml").source == project / "pyproject.toml"
    write(project / ".flare-ls.toml", 'ignore = ["FL102"]\n')
    assert load(project / "job.yaml").source == project / ".flare-ls.toml"
    write(project / "flare-ls.toml", 'ignore = ["FL103"]\n')
    config = load(project / "job.yaml")
    assert config.source == project / "flare-ls.toml" and config.settings.ignore == ["FL103"]


def test_walks_up_to_the_nearest_file(project: Path) -> None:
    write(project / "flare-ls.toml", 'ignore = ["FL101"]\n')
    write(project / "sub" / ".flare-ls.toml", 'ignore = ["FL102"]\n')
    assert load(project / "sub" / "deep" / "er" / "job.yaml").source == project / "sub" / ".flare-ls.toml"
    assert load(project / "other" / "job.yaml").source == project / "flare-ls.toml"
    assert load(project / "sub").source == project / "sub" / ".flare-ls.toml"  # a directory: itself first


def test_pyproject_without_the_table_is_skipped(project: Path) -> None:
    write(project / "flare-ls.toml", 'ignore = ["FL101"]\n')
    write(project / "pkg" / "pyproject.toml", '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 99\n')
    assert load(project / "pkg" / "job.yaml").source == project / "flare-ls.toml"


def test_stops_at_the_repository_root(tmp_path: Path) -> None:
    write(tmp_path / "flare-ls.toml", 'ignore = ["FL101"]\n')
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert load(tmp_path / "repo" / "job.yaml").source is None
    write(tmp_path / "repo" / "flare-ls.toml", "")  # the repository root itself is still searched
    assert load(tmp_path / "repo" / "job.yaml").source == tmp_path / "repo" / "flare-ls.toml"


def test_cached_per_directory_and_reread_when_the_file_changes(project: Path) -> None:
    loader = ConfigLoader()
    source = write(project / "flare-ls.toml", 'ignore = ["FL101"]\n')
    assert loader.load_for(project / "a" / "job.yaml").settings.ignore == ["FL101"]
    assert project / "a" in loader._dirs and loader._dirs[project] == source
    write(source, 'ignore = ["FL102", "FL103"]\n')
    assert loader.load_for(project / "a" / "job.yaml").settings.ignore == ["FL102", "FL103"]
    source.unlink()
    assert loader.load_for(project / "a" / "job.yaml").source is None


def test_retain_keeps_only_the_folders_of_the_paths_given(project: Path) -> None:
    loader = ConfigLoader()
    source = write(project / "a" / "flare-ls.toml", 'ignore = ["FL101"]\n')
    loader.load_for(project / "a" / "deep" / "job.yaml")
    loader.load_for(project / "b" / "job.yaml")
    loader.retain([project / "a" / "deep" / "job.yaml"])
    assert set(loader._dirs) == {project / "a" / "deep", project / "a", project}  # not project / "b"
    assert set(loader._files) == {source}
    loader.retain([])
    assert not loader._dirs and not loader._files
    assert loader.load_for(project / "a" / "job.yaml").source == source  # found again


def test_module_level_load_for(project: Path) -> None:
    write(project / "flare-ls.toml", 'select = ["FL2"]\n')
    assert load_for(project / "job.yaml").source == project / "flare-ls.toml"


# -- keys -------------------------------------------------------------------------------------------
def test_select_ignore_severity(project: Path) -> None:
    write(
        project / "flare-ls.toml",
        'select = ["FL1", "long-job-name"]\nignore = ["FL108"]\n[severity]\nFL306 = "error"\nFL2 = "info"\n',
    )
    config = load(project / "job.yaml").config_for(project / "job.yaml")
    assert config.select is not None and {"FL101", "FL108", "long-job-name"} <= config.select
    assert "FL201" not in config.select
    assert config.ignore == frozenset({"FL108"})
    levels = dict(config.severity)
    assert levels["FL306"] == Severity.ERROR and levels["FL201"] == levels["FL210"] == Severity.INFO


def test_the_config_changes_the_findings(project: Path) -> None:
    text = KAFKA.read_text(encoding="utf-8")
    before = {f.code for f in analyze(text)}
    assert "FL306" in before
    write(project / "flare-ls.toml", 'ignore = ["long-job-name"]\n')
    path = project / "job.yaml"
    after = {f.code for f in analyze(text, config=load(path).config_for(path))}
    assert after == before - {"FL306"}


def test_per_file_ignores_globs(project: Path) -> None:
    write(
        project / "flare-ls.toml",
        "[per-file-ignores]\n"
        '"legacy/**" = ["FL106"]\n'  # everything below legacy/
        '"*.draft.yaml" = ["FL3"]\n'  # no slash: the name, at any depth
        '"jobs/*/nightly.yaml" = ["FL209"]\n'  # one directory level
        '"jobs/**/scratch-?.yml" = ["FL101"]\n',  # any depth, one character
    )
    config = load(project / "x.yaml")

    def ignored(relative: str) -> frozenset[str]:
        return config.config_for(project / relative).ignore

    assert ignored("legacy/a.yaml") == {"FL106"} and ignored("legacy/deep/er/a.yaml") == {"FL106"}
    assert ignored("not-legacy/a.yaml") == frozenset() and ignored("legacy.yaml") == frozenset()
    assert "FL306" in ignored("deep/er/x.draft.yaml") and "FL306" in ignored("x.draft.yaml")
    assert ignored("jobs/a/nightly.yaml") == {"FL209"} and ignored("jobs/a/b/nightly.yaml") == frozenset()
    assert ignored("jobs/scratch-1.yml") == {"FL101"} and ignored("jobs/a/b/scratch-2.yml") == {"FL101"}
    assert ignored("jobs/a/scratch-10.yml") == frozenset()
    assert ignored("legacy/v.draft.yaml") >= {"FL106", "FL301"}
    outside = project.parent / "elsewhere" / "legacy" / "a.yaml"  # globs are relative to the config file
    assert config.config_for(outside).ignore == frozenset()


def test_include_and_exclude(project: Path) -> None:
    write(project / "flare-ls.toml", 'exclude = ["generated", "vendor/**", "*.tmpl.yaml", "ci/local.yml"]\n')
    config = load(project / "x.yaml")
    assert config.is_included(project / "a.yaml") and config.is_included(project / "deep" / "b.yml")
    assert not config.is_included(project / "README.md")
    assert not config.is_included(project / "generated" / "a.yaml")
    assert not config.is_included(project / "src" / "generated" / "x" / "a.yaml")
    assert not config.is_included(project / "vendor" / "x" / "a.yaml")
    assert not config.is_included(project / "deep" / "x.tmpl.yaml")
    assert not config.is_included(project / "ci" / "local.yml") and config.is_included(project / "ci" / "prod.yml")
    assert not config.enters(project / "generated") and not config.enters(project / "vendor")
    assert config.enters(project / "src")

    write(project / "flare-ls.toml", 'include = ["workflows/**/*.yaml"]\n')
    config = load(project / "x.yaml")
    assert config.is_included(project / "workflows" / "a.yaml")
    assert config.is_included(project / "workflows" / "x" / "a.yaml")
    assert not config.is_included(project / "other" / "a.yaml")


def test_iter_files_does_not_enter_excluded_directories(project: Path) -> None:
    write(project / "flare-ls.toml", 'exclude = ["generated"]\n')
    for name in ("a.yaml", "b.yml", "notes.txt", "generated/c.yaml", "sub/d.yaml", "node_modules/e.yaml"):
        write(project / name, "a: 1\n")
    write(project / "sub" / "flare-ls.toml", 'include = ["*.yml"]\n')  # a nested project has its own
    write(project / "sub" / "f.yml", "a: 1\n")
    found = list(ConfigLoader().iter_files([project, project / "generated" / "c.yaml"]))
    assert found == [
        (project / "a.yaml", False),
        (project / "b.yml", False),
        (project / "sub" / "f.yml", False),
        (project / "generated" / "c.yaml", True),  # named explicitly: always
    ]


def test_default_stack(project: Path) -> None:
    write(project / "flare-ls.toml", 'default-stack = "flare:7.0"\n')
    assert load(project / "x.yaml").default_stack == "flare:7.0"
    assert DEFAULT_PROJECT.default_stack is None


def test_pyproject_table(project: Path) -> None:
    write(
        project / "pyproject.toml",
        '[tool.flare-ls]\nignore = ["FL306"]\n[tool.flare-ls.per-file-ignores]\n"a/*" = ["FL1"]\n',
    )
    config = load(project / "a" / "x.yaml")
    assert config.config_for(project / "a" / "x.yaml").ignore >= {"FL306", "FL101"}


def test_editor_overrides_apply_on_top(project: Path) -> None:
    write(
        project / "flare-ls.toml",
        'select = ["FL3"]\nignore = ["FL306"]\nseverity = {FL301 = "info"}\n'
        'per-file-ignores = {"x.yaml" = ["FL307"]}\n',
    )
    config = load(project / "x.yaml")
    path = project / "x.yaml"
    assert config.config_for(path, Overrides()) == config.config_for(path)
    merged = config.config_for(path, Overrides(select=None, select_set=True, severity=(("FL301", Severity.ERROR),)))
    assert merged.select is None and merged.ignore == {"FL306", "FL307"}
    assert dict(merged.severity[:1]) == {"FL301": Severity.ERROR}  # the editor's entry comes first: it wins
    unignored = config.config_for(path, Overrides(ignore=frozenset()))
    assert unignored.ignore == {"FL307"}  # per-file ignores still apply


# -- errors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('ignore = ["FL306"\nselect = 1\n', ["invalid TOML", "line 2, column 1"]),
        ('ignor = ["FL306"]\n', ["ignor: unknown key", "per-file-ignores"]),
        ('select = "FL1"\n', ["select:", "list"]),
        ('ignore = ["FL999", "no-such-rule"]\n', ["ignore:", "unknown rules 'FL999', 'no-such-rule'"]),
        ('severity = {FL306 = "fatal"}\n', ["severity.FL306:", "'error', 'warning', 'info' or 'hint'"]),
        ('severity = {FLX = "error"}\n', ["severity:", "unknown rule 'FLX'"]),
        ('per-file-ignores = {"a/*" = ["nope"]}\n', ["per-file-ignores:", "'a/*': unknown rule 'nope'"]),
        ('per-file-ignores = {"a/*" = "FL101"}\n', ["per-file-ignores.a/*:", "list"]),
        ('exclude = ["/"]\n', ["exclude:", "'/' is not a glob"]),
        ('default-stack = "flare7"\n', ["default-stack:", "'flare7' is not a Flare stack version"]),
    ],
)
def test_errors_name_the_file_and_the_key(project: Path, text: str, expected: list[str]) -> None:
    source = write(project / "flare-ls.toml", text)
    with pytest.raises(ConfigError) as info:
        load(project / "x.yaml")
    assert info.value.message.startswith(f"{source}: ")
    for part in expected:
        assert part in info.value.message


def test_errors_in_pyproject_name_the_table(project: Path) -> None:
    source = write(project / "pyproject.toml", '[tool.flare-ls]\nselect = ["FL1"]\nbogus = true\n')
    with pytest.raises(ConfigError, match=r"pyproject\.toml: tool\.flare-ls\.bogus: unknown key"):
        load(project / "x.yaml")
    write(source, "[tool]\nflare-ls = 3\n")
    with pytest.raises(ConfigError, match="tool.flare-ls must be a table"):
        load(project / "x.yaml")


def test_explicit_config_file(project: Path) -> None:
    loader = ConfigLoader()
    source = write(project / "ci" / "strict.toml", 'select = ["FL2"]\n')
    assert loader.load_file(source).settings.select == ["FL2"]
    with pytest.raises(ConfigError, match="no such file"):
        loader.load_file(project / "missing.toml")
    with pytest.raises(ConfigError, match=r"has no \[tool\.flare-ls\] table"):
        loader.load_file(write(project / "pyproject.toml", "[project]\nname = 'x'\n"))


# -- --show-settings --------------------------------------------------------------------------------
def test_show_settings(project: Path) -> None:
    source = write(
        project / "flare-ls.toml",
        'ignore = ["long-job-name"]\nseverity = {FL102 = "warning"}\ndefault-stack = "flare:7.0"\n'
        'exclude = ["generated"]\n[per-file-ignores]\n"legacy/**" = ["FL106"]\n',
    )
    out = show_settings(project / "legacy" / "job.yaml")
    assert f"Settings for {project / 'legacy' / 'job.yaml'}" in out
    assert f"config file:      {source}" in out
    assert "select:           all rules" in out
    assert "ignore:           long-job-name" in out
    assert "severity:         FL102 = warning" in out
    assert "    legacy/**: FL106" in out
    assert "include:          *.yaml, *.yml" in out and "exclude:          generated" in out
    assert "default-stack:    flare:7.0" in out
    assert "For this file (checked when found in a directory: yes):" in out
    assert "ignore:           FL106, long-job-name" in out and "(per-file-ignores: FL106)" in out

    other = project.parent / f"{project.name}-other"
    (other / ".git").mkdir(parents=True)
    out = show_settings(other / "job.yaml")
    assert "config file:      none found (defaults)" in out and "severity:         rule defaults" in out

    assert "For this file" not in show_settings(project)  # a directory: the settings only
    assert f"config file:      {source}" in show_settings(other / "job.yaml", config_file=source)


def test_default_stack_decides_what_a_bare_flare_stack_means(tmp_path) -> None:
    """A legacy layout job on a bare `stack: flare` needs no compute when the project says flare:3.0."""
    from flare_ls.analyze import analyze
    from flare_ls.config import load_for

    manifest = (
        "version: v1\nname: legacy\ntype: workflow\nworkflow:\n  dag:\n    - name: legacy-job\n      spec:\n"
        "        stack: flare\n        stackSpec:\n          job:\n            inputs:\n              - name: a\n"
        "                dataset: dataos://lakehouse:retail/a\n"
    )
    path = tmp_path / "job.yaml"
    path.write_text(manifest, encoding="utf-8")
    assert "compute" in " ".join(f.message for f in analyze(manifest))
    (tmp_path / "flare-ls.toml").write_text('default-stack = "flare:3.0"\n', encoding="utf-8")
    config = load_for(path).config_for(path)
    assert config.default_stack == "flare:3.0"
    assert "compute" not in " ".join(f.message for f in analyze(manifest, config=config))


def test_computes_are_known_besides_runnable_default(tmp_path) -> None:
    """FL310 warns of a compute it does not know; the project lists the ones its teams created, and the
    rule then suggests among them too."""
    from flare_ls.analyze import analyze
    from flare_ls.config import load_for

    manifest = (
        "version: v1\nname: wf\ntype: workflow\nworkflow:\n  dag:\n    - name: job\n      spec:\n"
        "        stack: flare:7.0\n        compute: {compute}\n        stackSpec:\n          job:\n"
        "            inputs:\n              - name: a\n                dataset: dataos://lakehouse:retail/a\n"
    )
    path = tmp_path / "job.yaml"
    path.write_text(manifest, encoding="utf-8")
    assert [f.code for f in analyze(manifest.format(compute="runnable-default"))] == []
    assert [f.code for f in analyze(manifest.format(compute="etl-large"))] == ["FL310"]
    (tmp_path / "flare-ls.toml").write_text('computes = ["etl-large"]\n', encoding="utf-8")
    config = load_for(path).config_for(path)
    assert config.computes == frozenset({"etl-large"})
    assert analyze(manifest.format(compute="etl-large"), config=config) == []
    (found,) = analyze(manifest.format(compute="etl-lrge"), config=config)
    assert found.code == "FL310" and found.message.endswith("did you mean `etl-large`?")
    (tmp_path / "flare-ls.toml").write_text('computes = ["ETL Large"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="'ETL Large' is not a compute name"):
        load_for(path)
