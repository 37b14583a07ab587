"""Put the flare-ls language server, with every package it imports, into the extension (``bundled/``),
so that the .vsix works on a machine where only Python is installed.

    python3 scripts/bundle_server.py [--target linux-x64] [--python 3.10 3.11 ...]

The layout follows Microsoft's template for Python tool extensions (``bundled/libs``, ``bundled/tool``):

- ``bundled/libs/cp3XX/``: what one CPython version needs, resolved for that version and the target
  platform from wheels only (pydantic-core and PyYAML are compiled, tomli is for 3.10 alone);
- ``bundled/libs/common/``: every package that came out the same, pure Python, for all the versions
  (flare-ls itself, sqlglot, pygls, ...), moved there once instead of kept per version;
- ``bundled/tool/flare_ls_server.py``: the launcher the extension runs with the interpreter it finds.

Versions are pinned to those of the environment running this script (the one the tests ran with);
requirements are followed with their markers evaluated for each target Python and platform; flare-ls itself is the wheel built from this checkout, so the rule pages and the schema ship with it.
A target is VS Code's platform name (``vsce package --target``); the default is this machine's.
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.metadata
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

EXTENSION = Path(__file__).resolve().parents[1]
ROOT = EXTENSION.parent
BUNDLED = EXTENSION / "bundled"
#: The CPython versions the package declares (pyproject's classifiers).
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
#: VS Code's platform names -> pip's platform tags (oldest first, the baseline the wheels are built for).
PLATFORMS = {
    "linux-x64": ["manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_28_x86_64"],
    "linux-arm64": ["manylinux2014_aarch64", "manylinux_2_17_aarch64", "manylinux_2_28_aarch64"],
    "darwin-x64": ["macosx_10_9_x86_64", "macosx_10_12_x86_64", "macosx_10_13_x86_64"],
    "darwin-arm64": ["macosx_11_0_arm64"],
    "win32-x64": ["win_amd64"],
    "win32-arm64": ["win_arm64"],
}
LAUNCHER = '''\
"""Runs the flare-ls bundled with the VS Code extension: its packages for this Python first on the
import path, then the pure-Python ones shared by every version. Run with ``python -I`` (no user site,
no PYTHONPATH), so that nothing installed on the machine shadows them."""

import os
import sys

libs = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")
tag = "cp%d%d" % sys.version_info[:2]
if not os.path.isdir(os.path.join(libs, tag)):
    have = sorted(name for name in os.listdir(libs) if name.startswith("cp"))
    sys.stderr.write(
        "flare-ls (bundled): no packages for Python %d.%d here; the extension carries them for %s\\n"
        % (sys.version_info[0], sys.version_info[1], ", ".join(have))
    )
    sys.exit(4)
sys.path[0:0] = [os.path.join(libs, tag), os.path.join(libs, "common")]

from flare_ls.__main__ import main  # noqa: E402

sys.exit(main())
'''


def host_target() -> str:
    machine = platform.machine().lower()
    arch = "arm64" if machine in ("arm64", "aarch64") else "x64"
    system = {"linux": "linux", "darwin": "darwin", "win32": "win32"}.get(sys.platform, sys.platform)
    return f"{system}-{arch}"


#: VS Code's platform names -> the environment markers of that platform (besides the Python version).
MARKERS = {
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    "darwin": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
    "win32": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
}


def pinned(name: str, requirement: Requirement | None = None) -> str:
    """``name==version`` as installed here (what the tests ran with), else the requirement's range."""
    try:
        return f"{name}=={importlib.metadata.version(name)}"
    except importlib.metadata.PackageNotFoundError:
        return f"{name}{requirement.specifier if requirement else ''}"


def missing_requirements(into: Path, environment: dict[str, str]) -> list[str]:
    """What the distributions in ``into`` require on the target (markers evaluated for its Python and
    platform, which pip's ``--python-version`` does not do) and ``into`` does not hold yet."""
    present = {canonicalize_name(d.metadata["Name"]) for d in importlib.metadata.distributions(path=[str(into)])}
    missing: dict[str, str] = {}
    for dist in importlib.metadata.distributions(path=[str(into)]):
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate({**environment, "extra": ""}):
                continue
            name = canonicalize_name(requirement.name)
            if name not in present:
                missing[name] = pinned(name, requirement)
    return sorted(missing.values())


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def build_wheel(into: Path) -> Path:
    pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(into), str(ROOT))
    (wheel,) = into.glob("flare_ls-*.whl")
    return wheel


def install_for(version: str, target: str, wheel: Path, into: Path) -> None:
    """flare-ls and the closure of its requirements for CPython ``version`` on ``target``, wheels only."""
    platforms = [arg for tag in PLATFORMS[target] for arg in ("--platform", tag)]
    environment = {
        **MARKERS[target.split("-")[0]],
        "python_version": version,
        "python_full_version": f"{version}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "platform_machine": "arm64" if target.endswith("arm64") else "x86_64",
    }
    wanted = [str(wheel)]
    while wanted:
        pip(
            "install", "--quiet", "--disable-pip-version-check", "--no-compile", "--no-deps",
            "--target", str(into), "--only-binary=:all:", "--implementation", "cp",
            "--python-version", version, *platforms, *wanted,
        )  # fmt: skip
        wanted = missing_requirements(into, environment)
    # pip writes console scripts for the host; the extension runs the launcher instead.
    shutil.rmtree(into / "bin", ignore_errors=True)


def same_tree(a: Path, b: Path) -> bool:
    if a.is_file() or b.is_file():
        return a.is_file() and b.is_file() and filecmp.cmp(a, b, shallow=False)
    compared = filecmp.dircmp(a, b)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, compared.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(a / d, b / d) for d in compared.common_dirs)


def share_common(versions: list[Path], common: Path) -> None:
    """Move each entry that every version has, identical, into ``common``."""
    common.mkdir()
    first, *others = versions
    for entry in sorted(first.iterdir()):
        if all((other / entry.name).exists() and same_tree(entry, other / entry.name) for other in others):
            shutil.move(str(entry), common / entry.name)
            for other in others:
                path = other / entry.name
                shutil.rmtree(path) if path.is_dir() else path.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default=host_target(), choices=sorted(PLATFORMS))
    parser.add_argument("--python", nargs="+", default=PYTHONS, metavar="X.Y")
    args = parser.parse_args()
    shutil.rmtree(BUNDLED, ignore_errors=True)
    libs = BUNDLED / "libs"
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        wheel = build_wheel(work)
        versions = []
        for version in args.python:
            into = libs / ("cp" + version.replace(".", ""))
            install_for(version, args.target, wheel, into)
            versions.append(into)
    share_common(versions, libs / "common")
    tool = BUNDLED / "tool"
    tool.mkdir()
    (tool / "flare_ls_server.py").write_text(LAUNCHER, encoding="utf-8")
    (BUNDLED / "target.txt").write_text(args.target + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in BUNDLED.rglob("*") if p.is_file())
    print(f"bundled flare-ls for {args.target}, Python {', '.join(args.python)}: {size / 2**20:.1f} MiB in {BUNDLED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
