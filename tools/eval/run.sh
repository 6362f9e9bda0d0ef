#!/usr/bin/env bash
# `npm run eval`: needs no running services; the data sets are read from ../shared/datasets.
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/local/lib.sh"
ensure_node
ensure_deps
cd "$REPO_ROOT"
exec node tools/run-ts.js tools/eval/index.ts "$@"
