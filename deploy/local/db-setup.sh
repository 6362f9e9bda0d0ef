#!/usr/bin/env bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node
cd "$REPO_ROOT"
[ -d node_modules/pg ] || ensure_deps
node deploy/local/db-setup.mjs
