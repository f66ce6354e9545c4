#!/usr/bin/env bash
# Everything the tests need on a fresh machine: Debian packages (kernel sources for real inputs,
# chromium and native-build tools for the end-to-end test in a real VS Code, git-email and
# libmailtools-perl, which git send-email loads, for the hook tests, b4 for the review-reply test,
# Neovim and Emacs with eglot and Vim for the language-server tests in real editors), then npm ci.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for p in chromium ripgrep libkrb5-dev build-essential pkg-config python3 git git-email libmailtools-perl b4 neovim emacs-nox elpa-eglot vim; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
fi
bash scripts/kernel-sources.sh >/dev/null
npm ci --no-audit --no-fund
