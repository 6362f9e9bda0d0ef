#!/usr/bin/env bash
# `npm run bench` and `npm run drill` from a fresh clone, like `npm start`: Node, dependencies,
# infrastructure, build, then the TypeScript command (which starts the four services itself).
#
# By default the commands run on Kafka and PostgreSQL of their own (ports 4791-4793, state under
# .local/bench-infra), started with deploy/local/infra.sh and stopped afterwards: their traffic, poison
# messages and broker restarts then never reach `npm start`, the tests or anyone else on the machine.
# `--infra shared` uses the usual servers (9092/5432) instead; `--keep-infra` leaves the own ones running.
set -euo pipefail
command="${1:?usage: run.sh bench|drill [options]}"
shift
infra=dedicated
keep=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --infra) infra="${2:?--infra needs shared or dedicated}"; shift 2 ;;
    --infra=*) infra="${1#--infra=}"; shift ;;
    --keep-infra) keep=1; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$infra" in shared|dedicated) ;; *) echo "--infra must be shared or dedicated" >&2; exit 2 ;; esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ "$infra" = dedicated ]; then
  export HELPDESK_LOCAL_DIR="$here/../../.local/bench-infra"
  export KAFKA_PORT="${BENCH_KAFKA_PORT:-4791}" KAFKA_CONTROLLER_PORT="${BENCH_KAFKA_CONTROLLER_PORT:-4792}" PG_PORT="${BENCH_PG_PORT:-4793}"
  export BENCH_DEDICATED_INFRA=1
  # Statement counts per message in the report; the library ships with the server packages.
  if ls /usr/lib/postgresql/*/lib/pg_stat_statements.so >/dev/null 2>&1; then
    export PG_SERVER_OPTS="${PG_SERVER_OPTS:-} -c shared_preload_libraries=pg_stat_statements"
  fi
fi
source "$here/../../deploy/local/lib.sh"
cd "$REPO_ROOT"
export HELPDESK_LOCAL_DIR="$LOCAL_DIR" HELPDESK_CACHE_DIR="$CACHE_DIR" KAFKA_PORT PG_PORT PG_HOST REDIS_HOST REDIS_PORT
export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" KAFKAJS_NO_PARTITIONER_WARNING=1 NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

ensure_node
ensure_deps
bash deploy/local/infra.sh up
if [ "$infra" = dedicated ] && [ "$keep" = 0 ]; then
  trap 'log "stopping the bench Kafka and PostgreSQL"; bash deploy/local/infra.sh down || true' EXIT
fi
# A fresh database each run: figures never depend on what earlier runs left, and migrations apply from scratch.
node tools/bench/reset-db.mjs
HELPDESK_DATABASES="${BENCH_DATABASE:-helpdesk_bench}" node deploy/local/db-setup.mjs
if [ "$command" = bench ] && ! command -v pgbench >/dev/null; then
  # pgbench measures the PostgreSQL limit; without it the bench prints the rest.
  (apt_install postgresql-client) || log "pgbench unavailable: the PostgreSQL raw limit is skipped"
fi
log "building"
node tools/build.mjs
status=0
node tools/run-ts.js "tools/$command/$command.ts" ${args[@]+"${args[@]}"} || status=$?
exit "$status"
