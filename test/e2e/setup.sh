#!/usr/bin/env bash
# Installs what the end-to-end test needs, offline except for the npm registry and Debian apt:
#   code-server 4.100.3 (a real VS Code 1.100.3 server + web workbench; needs Node 20) and
#   playwright-core (drives Debian's /usr/bin/chromium; it downloads no browser).
# Idempotent: a second run with everything in place only checks and returns.
# Usage: bash test/e2e/setup.sh   (as root; NPM_CACHE=/dir selects an npm cache)
set -euo pipefail
cd "$(dirname "$0")"

if [ -x node_modules/.bin/code-server ] && [ -f node_modules/playwright-core/package.json ] \
   && [ -x node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg ]; then
  echo "e2e setup: already installed"
  exit 0
fi

# Debian packages: the browser, ripgrep (stands in for @vscode/ripgrep's GitHub download),
# libkrb5-dev (the kerberos native module), and a toolchain for node-gyp.
if ! command -v chromium >/dev/null || ! command -v rg >/dev/null || ! command -v g++ >/dev/null \
   || ! command -v make >/dev/null || ! command -v python3 >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium ripgrep libkrb5-dev build-essential python3 pkg-config
fi

# @vscode/ripgrep 1.15.11 (inside code-server/lib/vscode) downloads ripgrep from GitHub in its
# postinstall, unless $TMPDIR/vscode-ripgrep-cache-1.15.11/<asset> already exists: seed that
# cache with a tarball of Debian's rg.
export TMPDIR="$PWD/.install-tmp"
trap 'rm -rf "$TMPDIR"' EXIT
RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE"
tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C /usr/bin rg

# unsafe_perm: code-server's postinstall refuses to run as root without it.
# yes: node-pty's install runs `npx node-gyp`, which must not prompt.
# nodedir: native modules compile against Debian's Node headers, offline.
export npm_config_unsafe_perm=true
export npm_config_yes=true
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
if [ -n "${NPM_CACHE:-}" ]; then export npm_config_cache="$NPM_CACHE"; fi
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

test -x node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg
XDG_CONFIG_HOME="$TMPDIR/xdg-config" XDG_DATA_HOME="$TMPDIR/xdg-data" XDG_CACHE_HOME="$TMPDIR/xdg-cache" \
  node_modules/.bin/code-server --version | tail -1
echo "e2e setup: OK"
