#!/usr/bin/env bash
# `npm run eval`: in-process figures, then the same tasks through the running knowledge and triage
# APIs (started here against the local infrastructure); the data sets are read from ../shared/datasets.
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/local/lib.sh"
cd "$REPO_ROOT"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
export KAFKAJS_NO_PARTITIONER_WARNING=1
ensure_node
ensure_deps
if [[ " $* " != *" --in-process-only "* ]]; then
  bash deploy/local/infra.sh up
  node tools/build.mjs
fi
exec node tools/run-ts.js tools/eval/index.ts "$@"
