#!/usr/bin/env bash
# Quick start, command 2: install everything the tests need and run every test
# (lint, type-check, unit, integration on SQLite and PostgreSQL, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_node
mapfile -t pkgs < <(grep -vE '^\s*(#|$)' scripts/debian-packages.txt)
apt_install_missing "${pkgs[@]}"
bash scripts/services.sh
npm_install
npm test
