"""What flare-ls does with the file system it is pointed at: `--fix` keeps a file's mode, owner and
hard links and refuses read-only files, nothing but regular files of a bounded size is read (a FIFO or
`/dev/zero` never hangs it), globs never backtrack, and UTF-16/32 without a byte-order mark is decoded.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from flare_ls.analyze import analyze
from flare_ls.config import ConfigError, ConfigLoader, Glob, parse_size
from flare_ls.files import encoding_of, read_manifest
from flare_ls.fixing import fix_file
from golden import EXAMPLES, ROOT

KAFKA = EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml"
TYPO, FIXED = b"triggerMode: Continous", b"triggerMode: Continuous"
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file system")
as_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
OTHER_UID = 12345


def run(*args: str, cwd: Path = ROOT, stdin: int | None = None) -> subprocess.CompletedProcess:
    """`flare-ls` in a process of its own (a hang fails the test at the timeout instead of eating memory)."""
    return subprocess.run(
        [sys.executable, "-m", "flare_ls", "--no-cache", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=30,
        stdin=stdin,
        env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"},
    )


def manifest(path: Path) -> Path:
    path.write_bytes(KAFKA.read_bytes())
    return path


# -- --fix writes through the file ------------------------------------------------------------------
@posix_only
def test_fix_keeps_the_mode_the_inode_and_hard_links(tmp_path: Path) -> None:
    path = manifest(tmp_path / "job.yaml")
    os.chmod(path, 0o604)
    link = tmp_path / "same-job.yaml"
    os.link(path, link)
    inode = path.stat().st_ino
    assert run("--check", str(path), "--fix").returncode == 1  # other findings remain
    after = path.stat()
    assert FIXED in path.read_bytes() and TYPO not in path.read_bytes()
    assert after.st_ino == inode and stat.S_IMODE(after.st_mode) == 0o604 and after.st_nlink == 2
    assert link.read_bytes() == path.read_bytes()  # the other name sees the fix: the link is not broken


@posix_only
@as_root
def test_fix_keeps_the_owner_of_a_file_root_fixes(tmp_path: Path) -> None:
    path = manifest(tmp_path / "job.yaml")
    os.chown(path, OTHER_UID, OTHER_UID)
    run("--check", str(path), "--fix")
    assert FIXED in path.read_bytes()
    assert (path.stat().st_uid, path.stat().st_gid) == (OTHER_UID, OTHER_UID)


@posix_only
def test_fix_refuses_read_only_files_says_so_for_each_and_exits_two(tmp_path: Path) -> None:
    read_only = [manifest(tmp_path / "a.yaml"), manifest(tmp_path / "b.yaml")]
    for path in read_only:
        os.chmod(path, 0o444)  # root could write them: the mode bits are what count
    writable = manifest(tmp_path / "c.yaml")
    result = run("--check", str(tmp_path), "--fix")
    assert result.returncode == 2, result.stderr
    for path in read_only:
        assert path.read_bytes() == KAFKA.read_bytes()
        assert (
            f"flare-ls: error: {path}: cannot write the file: it is read-only (mode 0444); flare-ls does not "
            "change read-only files: make it writable (chmod u+w) to fix it; its fixes were not applied"
        ) in result.stderr
    assert "2 file(s) could not be fixed" in result.stderr
    assert FIXED in writable.read_bytes() and "applied 1 fix in 1 file(s)" in result.stderr
    assert f"{read_only[0]}:22:28: FL102" in result.stdout  # still reported, unfixed
    assert "Traceback" not in result.stderr


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory another user may enter (pytest's tmp_path is private to root)."""
    directory = Path(tempfile.mkdtemp(prefix="flare-ls-other-user-"))
    os.chmod(directory, 0o755)
    try:
        yield directory
    finally:
        os.chmod(directory, 0o700)
        for path in directory.iterdir():
            path.unlink()
        directory.rmdir()


@posix_only
@as_root
def test_a_user_fixes_own_files_in_a_directory_they_cannot_write(shared_dir: Path, capsys, monkeypatch) -> None:
    """Writing through the file needs no temporary file beside it; a file the user may not write is
    reported, not skipped."""
    from flare_ls import cli

    for setting in ("_NO_CACHE", "_MAX_FILE_SIZE"):  # main() sets them for the run: restore them after
        monkeypatch.setattr(cli, setting, getattr(cli, setting))

    own = manifest(shared_dir / "own.yaml")
    os.chown(own, OTHER_UID, OTHER_UID)
    roots = manifest(shared_dir / "roots.yaml")  # 0644, root's: not the user's to write
    os.chmod(shared_dir, 0o555)
    os.setegid(OTHER_UID)
    os.seteuid(OTHER_UID)  # this process, as that user, until the check is done
    try:
        code = cli.main(["--no-cache", "--check", str(shared_dir), "--fix", "--format", "concise"])
    finally:
        os.seteuid(0)
        os.setegid(0)
    stderr = capsys.readouterr().err
    assert FIXED in own.read_bytes() and own.stat().st_uid == OTHER_UID
    assert roots.read_bytes() == KAFKA.read_bytes()
    assert f"flare-ls: error: {roots}: cannot write the file: Permission denied" in stderr
    assert code == 2 and "applied 1 fix in 1 file(s)" in stderr


def test_fix_notices_a_file_changed_while_it_was_being_fixed(tmp_path: Path, monkeypatch) -> None:
    path = manifest(tmp_path / "job.yaml")
    import flare_ls.fixing as fixing

    real_fix_text = fixing.fix_text

    def edited_meanwhile(text, **kwargs):
        with path.open("ab") as handle:  # someone saves the file while flare-ls works
            handle.write(b"# saved in the editor\n")
        return real_fix_text(text, **kwargs)

    monkeypatch.setattr(fixing, "fix_text", edited_meanwhile)
    result = fix_file(path)
    assert result.not_written and result.error is not None and "changed while flare-ls was fixing it" in result.error
    assert path.read_bytes() == KAFKA.read_bytes() + b"# saved in the editor\n"


# -- only regular files, of a bounded size -----------------------------------------------------------
@posix_only
@pytest.mark.timeout(60)
def test_walking_a_tree_with_a_fifo_and_links_to_devices_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "evil.yaml").symlink_to("/dev/zero")
    (tmp_path / "random.yml").symlink_to("/dev/urandom")
    manifest(tmp_path / "job.yaml")
    result = run("--check", str(tmp_path), "--format", "concise")
    out = result.stdout
    assert result.returncode == 1
    assert (
        f"{tmp_path / 'pipe.yaml'}:1:1: FL003 [unreadable-file] cannot read the file: "
        "it is a named pipe (FIFO), not a regular file" in out
    )
    assert (
        f"{tmp_path / 'evil.yaml'}:1:1: FL003 [unreadable-file] cannot read the file: "
        "it is a character device, not a regular file" in out
    )
    assert f"{tmp_path / 'random.yml'}:1:1: FL003" in out
    assert f"{tmp_path / 'job.yaml'}:22:28: FL102" in out  # the rest is still checked
    fixing = run("--check", str(tmp_path), "--fix")
    assert fixing.returncode == 1 and FIXED in (tmp_path / "job.yaml").read_bytes()


@posix_only
@pytest.mark.timeout(60)
def test_a_named_fifo_or_device_gets_a_clear_error_line(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    result = run("--check", str(tmp_path / "pipe.yaml"), "/dev/zero", str(tmp_path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        f"{tmp_path / 'pipe.yaml'}:1:1: FL003 [unreadable-file] cannot read the file: "
        "it is a named pipe (FIFO), not a regular file" in lines
    )
    assert (
        "/dev/zero:1:1: FL003 [unreadable-file] cannot read the file: it is a character device, not a regular file"
        in lines
    )


@posix_only
@pytest.mark.timeout(60)
def test_standard_input_is_read_up_to_the_limit(tmp_path: Path) -> None:
    with open("/dev/zero", "rb") as zeros:
        result = run("--stdin-filename", "job.yaml", "--max-file-size", "64KB", stdin=zeros.fileno())
    assert result.returncode == 1
    assert (
        "job.yaml:1:1: FL003 [unreadable-file] cannot read the file: it is larger than the 64 KiB flare-ls reads"
        in result.stdout
    )


def test_a_file_over_the_limit_is_reported_with_the_limit_and_how_to_raise_it(tmp_path: Path) -> None:
    project = tmp_path / "repo"
    (project / ".git").mkdir(parents=True)
    big = manifest(project / "job.yaml")
    (project / "flare-ls.toml").write_text('max-file-size = "1KB"\n', encoding="utf-8")
    result = run("--check", str(project), "--format", "concise")
    assert (
        f"{big}:1:1: FL003 [unreadable-file] cannot read the file: it is 2.1 KiB, more than the 1 KiB flare-ls "
        "reads; to check it, raise `max-file-size` in flare-ls.toml (or pass --max-file-size)" in result.stdout
    )
    assert "FL102" not in result.stdout
    raised = run("--check", str(project), "--format", "concise", "--max-file-size", "3kb")
    assert "FL003" not in raised.stdout and "22:28: FL102" in raised.stdout  # the flag wins over the file
    assert "max-file-size:    1 KiB (1024 bytes)" in run("--show-settings", str(big)).stdout


def test_a_large_yaml_file_met_walking_is_reported_only_if_it_looks_like_flare(tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_text("openapi: 3.0.0\npaths: {}\n" + "# padding\n" * 2000, encoding="utf-8")
    big_flare = manifest(tmp_path / "job.yaml")
    result = run("--check", str(tmp_path), "--max-file-size", "2KB", "--format", "concise")
    assert f"{big_flare}:1:1: FL003" in result.stdout and "openapi.yaml" not in result.stdout


def test_max_file_size_values(tmp_path: Path) -> None:
    assert parse_size(1000) == 1000 and parse_size("5MB") == parse_size("5 MiB") == parse_size("5m") == 5 << 20
    assert parse_size("512KB") == 512 << 10 and parse_size("1G") == 1 << 30 and parse_size("10b") == 10
    for bad in ("0", "-1", "5XB", "five", "1.5MB"):
        with pytest.raises(ValueError):
            parse_size(bad)
    for text, expected in (
        ("max-file-size = 0\n", "max-file-size: 0: the size must be at least 1 byte"),
        ('max-file-size = "lots"\n', "max-file-size: 'lots' is not a size such as 5242880, '512KB' or '5MB'"),
        ("max-file-size = true\n", "max-file-size: True is not a size"),
    ):
        source = tmp_path / "flare-ls.toml"
        source.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as info:
            ConfigLoader().load_for(tmp_path / "x.yaml")
        assert expected in info.value.message


@posix_only
@pytest.mark.timeout(60)
def test_a_configuration_file_that_is_a_fifo_or_a_device_is_an_error_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    os.mkfifo(tmp_path / "flare-ls.toml")
    manifest(tmp_path / "job.yaml")
    result = run("--check", str(tmp_path))
    assert result.returncode == 2
    assert (
        f"flare-ls: error: {tmp_path / 'flare-ls.toml'}: cannot read the file: "
        "it is a named pipe (FIFO), not a regular file" in result.stderr
    )
    explicit = run("--check", str(tmp_path / "job.yaml"), "--config", "/dev/zero")
    assert explicit.returncode == 2 and "/dev/zero: cannot read the file: it is a character device" in explicit.stderr


def test_read_manifest_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    text, problem = read_manifest(tmp_path)
    assert text is None and problem is not None
    assert problem.message == "cannot read the file: it is a directory, not a regular file"
    small = tmp_path / "small.yaml"
    small.write_bytes(b"a: 1\n")
    assert read_manifest(small, limit=5) == ("a: 1\n", None)
    text, problem = read_manifest(small, limit=4)
    assert text is None and problem is not None and "it is 5 bytes, more than the 4 bytes" in problem.message


# -- globs without backtracking ----------------------------------------------------------------------
BACKTRACKING = "*a*a*a*a*a*a*a*a*a*b"


@pytest.mark.timeout(20)
def test_a_glob_that_would_backtrack_finishes() -> None:
    # A regular expression takes about C(n, 9) steps on this: for n = 250, years.
    name = "a" * 250 + ".yaml"
    assert not Glob(BACKTRACKING).matches(None, name)
    assert Glob(BACKTRACKING).matches(None, "a" * 250 + "b")
    anchored = Glob("**/" + BACKTRACKING + "/**")
    assert not anchored.matches("/".join(["a" * 200] * 20), "x")
    assert anchored.matches("x/" + "a" * 9 + "b/y.yaml", "y.yaml")


@pytest.mark.timeout(20)
def test_a_backtracking_glob_in_a_project_file_does_not_stall_the_walk(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "flare-ls.toml").write_text(
        f'exclude = ["{BACKTRACKING}"]\n[per-file-ignores]\n"**/{BACKTRACKING}" = ["FL102"]\n', encoding="utf-8"
    )
    job = manifest(tmp_path / ("a" * 240 + ".yaml"))
    loader = ConfigLoader()
    assert list(loader.iter_files([tmp_path])) == [(job, False)]
    project = loader.load_for(job)
    assert "FL102" not in project.config_for(job).ignore


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("a/**/b", "a/x/y/c", False),
        ("**", "any/thing", True),
        ("a/**", "a", True),
        ("a/**", "ab/c", False),
        ("**/**/c", "x/c", True),
        ("a/*/c", "a/x/y/c", False),
        ("a?c/d", "a/c/d", False),  # `?` stays within a segment
        ("[a-c]x/y", "bx/y", True),
        ("[!a-c]x/y", "bx/y", False),
        ("[^a-c]x/y", "dx/y", True),
        ("[]]x/y", "]x/y", True),
        ("[!]]x/y", "]x/y", False),
        ("[ab/y", "[ab/y", True),  # an unclosed `[` is itself
        ("*.y*ml/z", "a.yaml/z", True),
    ],
)
def test_glob_meaning(glob: str, path: str, matches: bool) -> None:
    assert Glob(glob).matches(path, path.rsplit("/", 1)[-1]) is matches


def test_a_reversed_range_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "flare-ls.toml").write_text('exclude = ["[z-a].yaml"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"exclude: '\[z-a\]\.yaml' is not a valid glob \(bad character range z-a\)"):
        ConfigLoader().load_for(tmp_path / "x.yaml")


# -- UTF-16 and UTF-32 without a byte-order mark -----------------------------------------------------
NO_BOM = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]


@pytest.mark.parametrize("encoding", NO_BOM)
def test_utf16_and_utf32_without_a_byte_order_mark_are_decoded(tmp_path: Path, encoding: str) -> None:
    text = KAFKA.read_text(encoding="utf-8")
    path = tmp_path / "job.yaml"
    path.write_bytes(text.encode(encoding))
    assert encoding_of(path.read_bytes()) == (b"", encoding)
    decoded, problem = read_manifest(path)
    assert problem is None and decoded == text
    assert "22:28: FL102" in run("--check", str(path)).stdout
    expected = [(f.code, f.start) for f in analyze(text)]
    assert [(f.code, f.start) for f in analyze(decoded)] == expected
    fix_file(path)  # written back as it was read: the same encoding, still without a mark
    fixed = path.read_bytes()
    assert encoding_of(fixed) == (b"", encoding) and FIXED.decode() in fixed.decode(encoding)


def test_a_broken_utf16_file_without_a_mark_is_reported_with_its_encoding(tmp_path: Path) -> None:
    path = tmp_path / "job.yaml"
    path.write_bytes("name: x\nstack: flare:7.0\n".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    text, problem = read_manifest(path)
    assert text is None and problem is not None
    assert problem.message.startswith(
        "the file is not valid UTF-16-LE (detected from its NUL bytes, without a byte-order mark)"
    )
    assert problem.start == (2, 0)


def test_encoding_detection_follows_yaml() -> None:
    assert encoding_of(b"a: 1\n") == (b"", "utf-8")
    assert encoding_of(b"a") == (b"", "utf-8")
    assert encoding_of(b"") == (b"", "utf-8")
    assert encoding_of("a".encode("utf-16-le")) == (b"", "utf-16-le")
    assert encoding_of("\u00e9: 1".encode("utf-16-be")) == (b"", "utf-16-be")
    assert encoding_of("a: 1".encode("utf-32-le")) == (b"", "utf-32-le")
    assert encoding_of("a: 1".encode("utf-32-be")) == (b"", "utf-32-be")
    assert encoding_of("a: 1".encode("utf-16")) == ("a: 1".encode("utf-16")[:2], "utf-16-le")
