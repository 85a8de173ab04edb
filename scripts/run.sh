#!/usr/bin/env bash
# Quick start, command 1: install Vigil's dependencies, build it, and run the server (SQLite under ./var).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_node
npm_install
npm run build
exec node bin/vigil.js server --local-agent "$@"
